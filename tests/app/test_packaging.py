"""The templates and migrations are found when the package is installed as the README says."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quizengine import templates_dir

ROOT = Path(__file__).resolve().parents[2]


def test_editable_install_finds_the_top_level_templates(app):
    # The README installs with `pip install -e .`: templates come from the checkout's templates/.
    assert templates_dir() == ROOT / "templates"
    assert Path(app.jinja_loader.searchpath[0]) == ROOT / "templates"
    with app.test_request_context("/"):
        assert "<html" in app.jinja_env.get_template("error.html").render(
            error=type("E", (), {"code": 404, "name": "Not Found", "description": "x"})()
        )


@pytest.mark.slow
def test_wheel_ships_templates_and_migrations_and_finds_them(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("quizengine-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html")}
    assert {f"quizengine/{t}" for t in templates} <= names
    assert "quizengine/migrations/env.py" in names
    assert any(n.startswith("quizengine/migrations/versions/0001") for n in names)
    assert "quizengine/static/app.css" in names
    assert "checkpoints/geofence.py" in names
    # Installed (not editable) into a bare target folder, the package finds its own copy.
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import quizengine; print(quizengine.templates_dir())"],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    assert Path(out.stdout.strip()) == target / "quizengine" / "templates"
