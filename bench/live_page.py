"""What the live dashboard costs the organizer's browser and network per poll, in chromium:

    python -m bench.live_page [--rows 500] [--checkpoints 50] [--polls 40]
        [--before-root PATH]

The page's own script (``quizengine/static/organize/live.js``) runs in Debian's chromium
(driven by Playwright, as the browser tests are) on a page with the dashboard's elements and
style sheets; its
polls are answered from this process with a grid of ``--rows`` teams x ``--checkpoints``
checkpoints, about half the cells visited. Each answer says a backlog is waiting, so the next
poll follows at once (200 ms) instead of every 5 s. Three ways a poll can find the grid:

- ``unchanged``: the grid is what the page shows (the poll named its tag: ``grid`` is null);
- ``one cell``: one team checked in somewhere since the last poll (a new grid, same layout);
- ``new layout``: a checkpoint's number of tasks changed (a new grid that is drawn anew).

For each, per poll: the bytes of the answer, and the browser's main-thread time (Chrome's
``TaskDuration`` from the DevTools protocol: all its work, painting included, with the script,
style and layout parts beside it), median of ``--polls`` polls. With ``--before-root`` (a
checkout of 8439500 or older, whose live.js takes one object per cell and redraws the whole
grid on every poll: ``git worktree add /tmp/before 8439500``) the same polls, in that format,
are measured with its script and style sheets too, side by side. Needs chromium and
playwright (``make e2e`` installs them).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
STATIC = Path("quizengine") / "static"  # under a checkout's root
CHROMIUM = "/usr/bin/chromium"
ORIGIN = "http://dashboard.test"
PAGE = """<!doctype html><html><head><link rel="stylesheet" href="/static/organize.css">
<link rel="stylesheet" href="/static/organize/ops.css"></head>
<body class="organize ops"><div id="live" data-poll="/live.json" data-words="{}">
<span data-clock></span><span data-starts></span><span data-ends></span>
<span data-open data-word-open="open" data-word-closed="closed"></span>
<section class="grid-wrap"><div class="grid-scroll"><table class="grid" data-grid><thead><tr>
<th>Name</th><th>Points</th></tr></thead><tbody></tbody></table></div></section>
<p data-status></p><ol data-feed></ol></div><script src="/live.js"></script></body></html>"""
MODES = ("unchanged", "one cell", "new layout")


class Grid:
    """A grid of the dashboard's shape, changed as each mode changes it."""

    def __init__(self, rows: int, checkpoints: int) -> None:
        self.totals = [6] * checkpoints
        self.cells = [
            [
                [1, (r + c) % 7, 20 * ((r + c) % 7)] if (r * 7 + c) % 2 else 0
                for c in range(checkpoints)
            ]
            for r in range(rows)
        ]
        self.version = 0

    @staticmethod
    def _cell(r: int, c: int) -> list[int] | int:
        return [1, (r + c) % 7, 20 * ((r + c) % 7)] if (r * 7 + c) % 2 else 0

    def change(self, mode: str) -> None:
        self.version += 1
        if mode == "one cell":
            r, c = divmod(self.version * 7919, len(self.cells) * len(self.totals))
            r %= len(self.cells)
            c %= len(self.totals)
            self.cells[r][c] = [1, self.version % 6, self.version % 500]
        elif mode == "new layout":
            self.totals[0] = 6 + self.version % 2

    def payload(self, old_format: bool) -> dict[str, Any]:
        checkpoints = [
            {"id": i + 1, "name": f"Pos {i + 1}", "code": f"C{i + 1:05d}", "total": total}
            for i, total in enumerate(self.totals)
        ]
        rows = []
        for r, cells in enumerate(self.cells):
            if old_format:
                shown: list[Any] = [
                    {
                        "visited": bool(cell and cell[0]),
                        "done": cell[1] if cell else 0,
                        "total": self.totals[c],
                        "points": cell[2] if cell else 0,
                    }
                    for c, cell in enumerate(cells)
                ]
            else:
                shown = cells
            points = sum(cell[2] for cell in cells if cell)
            rows.append({"id": r + 1, "name": f"Team {r + 1}", "points": points, "cells": shown})
        if old_format:
            checkpoints = [{k: v for k, v in cp.items() if k != "total"} for cp in checkpoints]
        return {"checkpoints": checkpoints, "rows": rows}


def measure(
    root: Path, old_format: bool, rows: int, checkpoints: int, polls: int
) -> dict[str, Any]:
    """Per mode: the median bytes and main-thread ms (all, and by part) per poll."""
    grid = Grid(rows, checkpoints)
    state: dict[str, Any] = {"mode": "one cell", "sizes": [], "polls": 0}

    def answer(route: Route) -> None:
        url = route.request.url
        if url.endswith("/live.js"):
            js = root / STATIC / "organize" / "live.js"
            route.fulfill(body=js.read_text(), content_type="text/javascript")
            return
        if "/static/" in url:  # the dashboard's own style sheets
            css = root / STATIC / url.split("/static/", 1)[1]
            route.fulfill(body=css.read_text(), content_type="text/css")
            return
        if not url.split("?")[0].endswith("/live.json"):
            route.fulfill(body=PAGE, content_type="text/html")
            return
        mode = state["mode"]
        if mode != "unchanged":
            grid.change(mode)
        tag = f"g{grid.version}"
        asked = dict(p.split("=", 1) for p in url.partition("?")[2].split("&") if "=" in p)
        same = not old_format and asked.get("grid") == tag
        body = json.dumps(
            {
                "grid": None if same else grid.payload(old_format),
                "grid_tag": tag,
                "clock": {"now": "10:00", "starts": "09:00", "ends": "12:00", "open": True},
                "counts": {},
                "items": [],
                "cursor": f"c{state['polls']}",
                "more": True,  # the next poll at once
            },
            separators=(",", ":"),
        )
        state["sizes"].append(len(body))
        state["polls"] += 1
        route.fulfill(body=body, content_type="application/json")

    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", answer)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(ORIGIN + "/live")
        for mode in MODES:
            state["mode"] = mode
            _next_poll(page, state)  # the answer to this poll may carry the last mode's change
            _next_poll(page, state)
            costs: list[dict[str, float]] = []
            sizes = []
            last = _metrics(cdp)
            for _ in range(polls):
                # A poll is sent 200 ms after the last answer was applied: the main-thread time
                # between two polls is what one answer cost (parsing, drawing, style, layout).
                _next_poll(page, state)
                now = _metrics(cdp)
                costs.append({k: now[k] - last[k] for k in now})
                sizes.append(state["sizes"][-2])
                last = now
            parts = {k: statistics.median(c[k] for c in costs) for k in METRICS}
            out[mode] = (statistics.median(sizes), parts)
        browser.close()
    return out


def _next_poll(page: Any, state: dict[str, Any]) -> None:
    seen = state["polls"]
    while state["polls"] == seen:
        page.wait_for_timeout(2)


# Chrome's DevTools metrics (seconds, cumulative): all main-thread work, and three parts of it.
METRICS = {"TaskDuration": "all", "ScriptDuration": "script", "RecalcStyleDuration": "style",
           "LayoutDuration": "layout"}  # fmt: skip


def _metrics(cdp: Any) -> dict[str, float]:
    """The main thread's cumulative time (ms) in all tasks and in each part."""
    found = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: float(found[name]) * 1000 for name in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--checkpoints", type=int, default=50)
    parser.add_argument("--polls", type=int, default=40)
    parser.add_argument("--before-root", type=Path, help="a checkout of 8439500 or older")
    args = parser.parse_args()
    runs = {"this code": measure(ROOT, False, args.rows, args.checkpoints, args.polls)}
    if args.before_root:
        runs["before"] = measure(args.before_root, True, args.rows, args.checkpoints, args.polls)
    print(f"{args.rows} rows x {args.checkpoints} checkpoints, median of {args.polls} polls")
    print("main-thread ms: all (script, style, layout)")
    print("poll finds the grid | " + " | ".join(f"{name}: kB, main-thread ms" for name in runs))
    for mode in MODES:
        figures = " | ".join(
            f"{size / 1000:9.1f} kB {parts['TaskDuration']:7.1f} ms ("
            + ", ".join(f"{parts[k]:.0f}" for k in list(METRICS)[1:])
            + ")"
            for size, parts in (run[mode] for run in runs.values())
        )
        print(f"{mode:19} | {figures}")


if __name__ == "__main__":
    main()
