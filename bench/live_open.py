"""The live dashboard opened on a real server at the benchmark's scale, in chromium:

    python -m bench.live_open [--db URL] [--reuse] [--seconds 20] [--before-root PATH]

Seeds the benchmark event (500 teams, 50 checkpoints, 100,000 attempts, 25,000 check-ins;
with ``--reuse`` the one an earlier run seeded), makes the seeded organizer its owner with a
known password, serves the app with gunicorn (2 sync workers, as the browser tests do) and
opens ``/organize/e/<slug>/live`` in Debian's chromium, logged in. Reported: the seconds until
the grid is drawn and the first poll answered, then over ``--seconds`` the polls (how many,
kB each) and the page's main-thread time (DevTools ``TaskDuration``). With ``--before-root``
(an older checkout: ``git worktree add /tmp/before REV``) the same for that checkout, served
on the same database. Needs chromium and playwright (``make e2e`` installs them).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Response, sync_playwright

from bench.live_page import CHROMIUM, _metrics
from bench.organizer import _owner
from bench.profile import WORK, _seeded
from bench.seed import sqlalchemy_url
from bench.server import ROOT, gunicorn

PASSWORD = "bench-dashboard-password"  # a loopback benchmark's organizer


def _password(url: str) -> str:
    """Organizer 1 (the seeded judge) given ``PASSWORD``; its e-mail address."""
    from sqlalchemy import create_engine, text
    from werkzeug.security import generate_password_hash

    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE organizer SET password_hash = :h WHERE id = 1"),
            {"h": generate_password_hash(PASSWORD)},
        )
        email = conn.execute(text("SELECT email FROM organizer WHERE id = 1")).scalar_one()
    engine.dispose()
    return str(email)


def open_dashboard(base: str, slug: str, email: str, seconds: float) -> dict[str, Any]:
    """Log in, open the dashboard, wait until it is drawn and polled once, then watch it."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/organize/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        polls: list[int] = []

        def on_response(response: Response) -> None:
            if "/live.json" in response.url:
                polls.append(int(response.headers.get("content-length", 0)))

        page.on("response", on_response)
        start = time.perf_counter()
        page.goto(f"{base}/organize/e/{slug}/live")
        rows = page.locator("[data-grid] tbody tr")
        status = page.locator("[data-status]")
        while rows.count() < 500 or ":" not in status.inner_text():  # drawn, polled once
            page.wait_for_timeout(20)
        ready = time.perf_counter() - start
        before = _metrics(cdp)["TaskDuration"]
        page.wait_for_timeout(seconds * 1000)
        busy = _metrics(cdp)["TaskDuration"] - before
        browser.close()
    return {"ready_s": ready, "polls": polls, "busy_ms": busy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=f"sqlite:///{WORK / 'profile' / 'bench.db'}")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--before-root", type=Path)
    args = parser.parse_args()
    seeded = _seeded(args.db, args.reuse)
    _owner(args.db, seeded.event_id)
    email = _password(args.db)
    env = {
        "DATABASE_URL": sqlalchemy_url(args.db),
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "RATELIMIT_ENABLED": "0",
    }
    roots = {"this code": ROOT}
    if args.before_root:
        roots["before"] = args.before_root.resolve()
    print(f"dashboard of {seeded.slug}, watched {args.seconds:g} s after it was ready")
    for label, root in roots.items():
        with gunicorn("quizengine.wsgi:app", env, workers=2, root=root) as server:
            got = open_dashboard(server.url, seeded.slug, email, args.seconds)
        sizes = ", ".join(f"{n / 1000:.0f}" for n in got["polls"])
        print(
            f"{label:10} ready in {got['ready_s']:.2f} s; {len(got['polls'])} polls "
            f"(kB: {sizes}); main thread busy {got['busy_ms']:.0f} ms"
        )


if __name__ == "__main__":
    main()
