"""Run gunicorn on a free loopback port, read its workers' CPU time and memory from /proc, and
run wrk against it, reporting wrk's own CPU use (from wait4's rusage)."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "lua" / "play.lua"
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    workers: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def cpu_seconds(self) -> float:
        """User + system CPU of the workers so far."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / TICK

    def pending(self) -> int:
        """Connections to this server not yet answered: waiting in the accept queue, open
        (ESTABLISHED) or closed by the client but not yet by the server (CLOSE_WAIT)."""
        port = f"0100007F:{self.port:04X}"
        count = 0
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1] != port:
                continue
            if fields[3] == "0A":  # LISTEN: rx_queue is the accept backlog
                count += int(fields[4].split(":")[1], 16)
            elif fields[3] in ("01", "08"):
                count += 1
        return count

    def idle(self, wait: float = 3.0) -> bool:
        """True once nothing is left in gunicorn's backlog or in its workers."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.pending() == 0:
                return True
            time.sleep(0.3)
        return False

    def rss_mb(self) -> list[float]:
        out = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) / 1024)
        return out


@contextmanager
def gunicorn(
    app: str,
    env: dict[str, str],
    workers: int,
    ready_path: str = "/",
    worker_class: str = "sync",
    root: Path = ROOT,
) -> Iterator[Server]:
    """gunicorn serving ``app``; ``root`` another checkout (e.g. a scratch copy with a fix)."""
    port = free_port()
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
        "--timeout",
        "60",
        app,
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=root,
        env={**os.environ, **env, **({"PYTHONPATH": str(root)} if root != ROOT else {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    server = Server(port, proc, workers)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"gunicorn {app} exited:\n{err[-3000:]}")
            try:
                with urllib.request.urlopen(server.url + ready_path, timeout=5):
                    pass
                if len(server.worker_pids()) == workers:
                    break
            except urllib.error.HTTPError:
                if len(server.worker_pids()) == workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app} did not become ready")
            time.sleep(0.2)
        yield server
    finally:
        proc.send_signal(signal.SIGQUIT)  # quick shutdown: queued requests are dropped
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class WrkResult:
    mode: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int  # socket errors + timeouts + non-2xx/3xx
    bad_status: int
    statuses: dict[str, int]
    wrk_cpu_pct: float  # of one core
    server_cpu_ms: float  # worker CPU per request
    exhausted: int
    error_detail: dict[str, int] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)  # action:status -> a refused body


def run_wrk(
    server: Server, mode: str, plan: Path | None, seconds: float, connections: int
) -> WrkResult:
    cmd = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        server.url,
        "--",
        str(plan or "-"),
        mode,
    ]
    cpu_before = server.cpu_seconds()
    children_before = _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()  # reaps wrk: its CPU time joins RUSAGE_CHILDREN
    wrk_cpu = _children_cpu() - children_before
    cpu_after = server.cpu_seconds()
    line = next((x for x in out.decode().splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk {mode} failed: {out.decode()[-2000:]} {err.decode()[-2000:]}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    duration = data["duration_us"] / 1e6
    statuses = data["statuses"]
    bad = sum(n for k, n in statuses.items() if not k.rsplit(":", 1)[1].startswith(("2", "3")))
    errs = data["errors"]
    sock = errs["connect"] + errs["read"] + errs["write"] + errs["timeout"]
    return WrkResult(
        mode=mode,
        rps=data["requests"] / duration,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        requests=data["requests"],
        errors=sock + bad,
        bad_status=bad,
        statuses=data["statuses"],
        wrk_cpu_pct=100 * wrk_cpu / duration,
        server_cpu_ms=1000 * (cpu_after - cpu_before) / max(data["requests"], 1),
        exhausted=data["exhausted"],
        error_detail=errs,
        samples=data.get("samples", {}),
    )


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class Restartable:
    """A gunicorn server that is restarted when a run left requests queued in its backlog
    (wrk stops after its duration, but the connections it opened are still in gunicorn's
    accept queue and would be served, and measured, during the next run)."""

    def __init__(
        self, app: str, env: dict[str, str], workers: int, ready_path: str = "/", root: Path = ROOT
    ) -> None:
        self.spec = (app, env, workers, ready_path, "sync", root)
        self._cm: Any = None
        self.server: Server | None = None
        self.restarts = 0

    def __enter__(self) -> Restartable:
        self._cm = gunicorn(*self.spec)
        self.server = self._cm.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._cm is not None:
            self._cm.__exit__(None, None, None)
            self._cm = None

    def settle(self) -> None:
        assert self.server is not None
        if not self.server.idle():
            self.__exit__()
            self.__enter__()
            self.restarts += 1
