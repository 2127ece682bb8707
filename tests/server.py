"""A real gunicorn serving quizengine for tests: start, health-wait, SIGKILL, restart, stop.

Usage as a context manager::

    with GunicornServer(server_env(database_uri, tmp_path), workers=2) as server:
        requests.get(server.url + "/api/health")
        server.kill()      # SIGKILL master and workers (the whole process group)
        server.restart()   # same port, same environment; waits for /api/health again

or through the pytest fixture (import it into a conftest or test module)::

    from tests.server import gunicorn_server  # noqa: F401

    def test_x(app, database_uri, tmp_path, gunicorn_server):
        server = gunicorn_server(server_env(database_uri, tmp_path), workers=2)

Every server started through the fixture is stopped at the end of the test. The server log
(stdout and stderr of gunicorn and the app) is kept in a file: ``server.log_text()``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
APP_SPEC = "quizengine.wsgi:app"  # what the README serves
START_TIMEOUT_S = 60.0  # importing the app takes seconds on a busy 2-core machine


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(
    database_uri: str,
    tmp_path: Path,
    *,
    secret_key: str = "test-secret",
    public_url: str = "http://127.0.0.1",
    redis_url: str | None = None,
    rate_limits: bool = False,
    **extra: str,
) -> dict[str, str]:
    """The environment variables quizengine reads (see quizengine/config.py) for a test server.

    ``database_uri`` is the test database (the ``database_uri`` fixture: already migrated).
    """
    env = {
        "DATABASE_URL": database_uri,
        "SECRET_KEY": secret_key,
        "PUBLIC_URL": public_url,
        "UPLOAD_DIR": str(tmp_path / "server-uploads"),
        "RATELIMIT_ENABLED": "1" if rate_limits else "0",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


class ServerError(RuntimeError):
    """The server did not come up; the message ends with the tail of its log."""


class GunicornServer:
    """One gunicorn master with ``workers`` workers, in its own process group."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        timeout_s: int = 30,
        log_path: Path | None = None,
        port: int | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        if worker_class not in ("sync", "gthread"):
            raise ValueError(f"worker_class must be sync or gthread, not {worker_class!r}")
        self.env = dict(env)
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.timeout_s = timeout_s
        self.port = port or free_port()
        self.extra_args = list(extra_args or [])
        self.log_path = log_path or Path(self.env.get("UPLOAD_DIR", "/tmp")).parent / (
            f"gunicorn-{self.port}.log"
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [
            str(GUNICORN),
            "--no-control-socket",
            "-w",
            str(self.workers),
            "-k",
            self.worker_class,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            str(self.timeout_s),
            "--graceful-timeout",
            "2",
        ]
        if self.worker_class == "gthread":
            cmd += ["--threads", str(self.threads)]
        return [*cmd, *self.extra_args, APP_SPEC]

    def start(self) -> GunicornServer:
        """Start gunicorn and return once GET /api/health answers 200."""
        if self.running():
            raise ServerError("already running")
        env = {**os.environ, **self.env}
        env.pop("FLASK_APP", None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # own process group: kill() reaches the workers too
            )
        self.starts += 1
        try:
            self.wait_healthy()
        except ServerError:
            self.stop()
            raise
        return self

    def wait_healthy(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServerError(f"gunicorn exited early\n{self.log_tail()}")
            try:
                response = requests.get(self.url + "/api/health", timeout=5)
                if response.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)  # polling a socket that is not listening yet: nothing to await
        raise ServerError(f"no healthy answer within {timeout_s} s\n{self.log_tail()}")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (children of the master), from /proc."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def _signal_group(self, sig: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a crash, no cleanup, no graceful end."""
        if self.process is None:
            return
        workers = self.worker_pids()
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)
        _wait_gone(workers)

    def restart(self) -> GunicornServer:
        """Kill whatever runs and start again on the same port with the same environment."""
        if self.running():
            self.kill()
        return self.start()

    def stop(self) -> None:
        """Graceful stop (SIGTERM), SIGKILL after 10 s."""
        if self.process is None:
            return
        workers = self.worker_pids()
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(timeout=30)
        self._signal_group(signal.SIGKILL)  # stray workers of a killed master, if any
        _wait_gone(workers)
        self.process = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __enter__(self) -> GunicornServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def _wait_gone(pids: list[int], timeout_s: float = 30.0) -> None:
    """Wait until the killed workers (now children of init) have really exited."""
    deadline = time.monotonic() + timeout_s
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            raise ServerError(f"workers {pids} still alive {timeout_s} s after SIGKILL")
        time.sleep(0.01)


ServerFactory = Callable[..., GunicornServer]


@pytest.fixture
def gunicorn_server() -> Iterator[ServerFactory]:
    """Factory fixture: ``gunicorn_server(env, workers=2, worker_class="sync", ...)`` returns a
    started GunicornServer; all of them are stopped when the test ends."""
    started: list[GunicornServer] = []

    def start(env: dict[str, str], **kwargs: Any) -> GunicornServer:
        server = GunicornServer(env, **kwargs)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
