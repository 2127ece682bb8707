"""Browser-test harness: a real gunicorn server on a free port, the flask CLI beside it, and
the tools a phone would use on printed paper (pdftoppm + zxing-cpp)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from tests.server import GunicornServer, free_port, server_env

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]


def _pg_reset(url: str) -> None:
    """Drop and re-create the public schema of the e2e PostgreSQL database."""
    from sqlalchemy import create_engine, text

    from quizengine.config import database_url

    engine = create_engine(database_url(url, Path(".")))
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


# Runs the real `flask --app quizengine` commands one after the other in one process.
_MANY = """
import json, sys
from quizengine import create_app
runner = create_app().test_cli_runner()
outputs = []
for args in json.loads(sys.argv[1]):
    result = runner.invoke(args=args)
    if result.exit_code != 0:
        sys.exit(f"flask {args} -> {result.exit_code}: {result.output} {result.exception!r}")
    outputs.append(result.output)
print(json.dumps(outputs))
"""


@dataclass
class LiveServer:
    """A fresh database migrated with ``flask db upgrade``, then gunicorn (``tests/server.py``)
    serving it on 127.0.0.1 and a free port, with PUBLIC_URL naming that port."""

    workdir: Path
    database_url: str | None = None  # None: a fresh SQLite file in workdir
    workers: int = 2
    ratelimit: bool = True
    env: dict[str, str] = field(default_factory=dict)
    server: GunicornServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None, "start() first"
        return self.server.url

    def start(self) -> LiveServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        if self.database_url is None:
            db_url = f"sqlite:///{self.workdir / 'e2e.db'}"
        else:
            _pg_reset(self.database_url)
            db_url = self.database_url
        self.env = server_env(
            db_url,
            self.workdir,
            secret_key="e2e-secret-key-not-for-production",
            public_url=f"http://127.0.0.1:{port}",
            rate_limits=self.ratelimit,
        )
        self.flask("db", "upgrade")
        self.server = GunicornServer(
            self.env,
            workers=self.workers,
            worker_class="gthread",  # a browser keeps several connections open at once
            threads=4,
            port=port,
            log_path=self.workdir / "gunicorn.log",
        )
        self.server.start()
        return self

    def log_tail(self, lines: int = 60) -> str:
        return self.server.log_tail(lines) if self.server else "(not started)"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def flask_many(self, *commands: list[str]) -> list[str]:
        """Run several CLI commands in one process (one app start-up instead of one each:
        seconds on a busy machine); their outputs, in order."""
        out = self.flask_python(_MANY, json.dumps(commands))
        return json.loads(out)

    def flask_python(self, script: str, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"} | self.env
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT, env=env, capture_output=True, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(
                f"{args} failed ({done.returncode}):\n"
                f"{done.stdout.decode(errors='replace')}\n{done.stderr.decode(errors='replace')}"
            )
        return done.stdout.decode()

    def flask(self, *args: str, stdin: bytes | None = None) -> str:
        """Run ``flask --app quizengine ARGS`` against this server's database; its stdout."""
        env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"} | self.env
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "quizengine", *args],
            cwd=ROOT, env=env, input=stdin, capture_output=True, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(
                f"flask {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout.decode(errors='replace')}\n{done.stderr.decode(errors='replace')}"
            )
        return done.stdout.decode()


def decode_pdf_qr_codes(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """Render every page of ``pdf`` with pdftoppm and decode its QR codes with zxing-cpp, as a
    phone camera would read the printed paper: one list of decoded texts per page."""
    import zxingcpp

    with tempfile.TemporaryDirectory(prefix="qe-pdf-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "page")],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        pages = sorted(Path(tmp).glob("page-*.png"))
        found: list[list[str]] = []
        for png in pages:
            with Image.open(png) as image:
                codes = zxingcpp.read_barcodes(image.convert("L"))
            found.append([c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode])
        return found


def pdf_page_texts(pdf: bytes) -> list[str]:
    """The text of every page (pdftotext), to read a sheet's checkpoint name as a person would."""
    with tempfile.TemporaryDirectory(prefix="qe-pdf-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-layout", str(src), "-"], check=True, capture_output=True, timeout=60
        ).stdout.decode(errors="replace")
    return out.split("\f")[: out.count("\f")] or [out]


def camera_jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A JPEG such as a phone camera makes (big, with EXIF orientation), drawn with Pillow."""
    image = Image.new("RGB", (width, height), (40, 110, 170))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 80):
        draw.rectangle((i, height // 3, i + 40, height // 3 + 200), fill=(230, 180, 40))
    draw.ellipse((width // 3, height // 2, width // 3 + 400, height // 2 + 400), fill=(200, 40, 60))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    exif[0x010F] = "E2E Camera"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def have_tools() -> list[str]:
    """What is missing for the browser tests (empty when all is there)."""
    missing = [] if Path(CHROMIUM).exists() else [CHROMIUM]
    missing += [t for t in ("pdftoppm",) if shutil.which(t) is None]
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip)")
    return missing
