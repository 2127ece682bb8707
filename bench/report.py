"""Write the benchmark results as a markdown table with the machine and the targets' verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LABELS = {
    "hello": "ceiling: bare Flask hello",
    "insert": "ceiling: bare Flask insert+commit",
    "page": "GET /c/<code> checkpoint page",
    "home": "GET /home",
    "board": "GET /board/<slug>/standings.json",
    "checkin": "POST /c/<code>/checkin",
    "start": "POST /t/<id>/start",
    "answer": "POST /t/<id>/answer",
    "upload": "POST /t/<id>/submit (1.6 MP photo)",
    "mix": "realistic mix",
    "floor_page": "floor: a participant page, the required stack only",
    "floor_write": "floor: a participant write, the required stack only",
}
# endpoint -> (ceiling, minimum share of it)
TARGETS = {
    "checkin": ("insert", 0.5),
    "answer": ("insert", 0.5),
    "page": ("hello", 0.3),
    "home": ("hello", 0.3),
}


# The leaderboard's single-client cases: key suffix, what the report calls it.
CASES = (
    ("", "cached"),
    ("_answer", "after an answer"),
    ("_edit", "after an edit that moves no points such as a rename"),
    ("_creative", "after a creative task's points (the cap of its judged points)"),
    ("_kept", "after a full change that keeps question points such as the review policy"),
    ("_drop", "after an unplayed participant is deleted"),
    ("_full", "after a full change such as bulk SQL"),
)


def _cases(lb: dict[str, Any]) -> str:
    """The cases these results have (older results have fewer), as the figures' legend."""
    return " / ".join(label for key, label in CASES if f"standings_json{key}_ms" in lb)


def _figures(lb: dict[str, Any], name: str) -> str:
    """The figures of ``_cases``, in their order."""
    return " / ".join(str(lb[f"{name}{key}_ms"]) for key, _ in CASES if f"{name}{key}_ms" in lb)


def _ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def _table(
    kind: str, workers: int, block: dict[str, Any], connections: int, after_label: str
) -> list[str]:
    runs = block["runs"]
    lines = [
        f"### {kind}, {workers} sync workers, {connections} connections",
        "",
        "| endpoint | req/s (median of runs) | runs | p50 ms | p95 ms | p99 ms | errors "
        "| vs ceiling | server CPU ms/req | wrk CPU % | loadavg |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for mode, r in runs.items():
        base = mode.removesuffix("_after")
        ceiling = "hello" if base in ("page", "home", "board", "hello", "floor_page") else "insert"
        ratio = r["rps"] / runs[ceiling]["rps"] if ceiling in runs else float("nan")
        target = TARGETS.get(base)
        label = LABELS.get(base, base) + (f" **({after_label})**" if base != mode else "")
        mark = f" ({_ok(ratio >= target[1])} >= {target[1]:.0%})" if target else ""
        lines.append(
            f"| {label} | {r['rps']:.0f} | {', '.join(map(str, r['rps_runs']))}"
            f" | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | "
            f"{ratio:.0%} of {ceiling}{mark} | {r['server_cpu_ms']:.1f} | "
            f"{r['wrk_cpu_pct']:.0f} | {', '.join(map(str, r['loadavg']))} |"
        )
    lines.append("")
    lines.extend(_side_by_side(runs, after_label))
    lines.append(f"Worker RSS after the runs: {', '.join(map(str, block['rss_mb']))} MB.")
    if block.get("after_rss_mb"):
        lines.append(
            f"Worker RSS of the --after-root server: "
            f"{', '.join(map(str, block['after_rss_mb']))} MB."
        )
    lines.append("")
    return lines


def _side_by_side(runs: dict[str, Any], after_label: str) -> list[str]:
    """Endpoints measured on both servers in the same repeats: this checkout against the
    --after-root one, as the ratio of their medians."""
    pairs = [(m, f"{m}_after") for m in runs if f"{m}_after" in runs]
    if not pairs:
        return []
    lines = [
        f"This checkout against {after_label}, same run (median req/s):",
        "",
        f"| endpoint | this checkout | {after_label} | ratio |",
        "|---|---:|---:|---:|",
    ]
    for mode, other in pairs:
        now, then = runs[mode]["rps"], runs[other]["rps"]
        ratio = f"{now / then:.1f}x" if then else "n/a"
        lines.append(f"| {LABELS.get(mode, mode)} | {now:.0f} | {then:.0f} | {ratio} |")
    return [*lines, ""]


def _statuses(block: dict[str, Any]) -> str:
    mix = block["runs"].get("mix")
    if not mix:
        return ""
    parts = ", ".join(f"{k} {v}" for k, v in sorted(mix["statuses"].items()))
    out = f"Mix responses (median run), action:status count: {parts}.\n"
    refused = {
        f"{mode} {key}": text
        for mode, run in block["runs"].items()
        for key, text in run.get("samples", {}).items()
    }
    for what, text in sorted(refused.items()):
        out += f"\nRefused ({what}), the answer began: `{' '.join(text.split())[:200]}`\n"
    return out


def write_markdown(results: dict[str, Any], path: Path) -> None:
    m = results["machine"]
    s = results["settings"]
    lines = [
        "# quizengine benchmark: latest results",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gb']} GB RAM, kernel "
        f"{m['kernel']}; Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL "
        f"{m.get('postgresql', '-')}; {m['date']}; loadavg {m['loadavg_start']:.2f} at start, "
        f"{m.get('loadavg_end', 0):.2f} at end (other work was running on the machine).",
        "",
        f"Each figure: median of {s['repeats']} runs of {s['seconds']:g} s, wrk with "
        f"{s['connections']} connections (one per wrk thread), gunicorn {s['worker_class']} "
        "workers, `--no-control-socket`, loopback, rate limits off. Errors: socket errors, "
        "timeouts and non-2xx/3xx answers summed over all runs.",
        "",
    ]
    verdicts: list[str] = []
    for kind, data in results["databases"].items():
        lines.append(f"## {kind}")
        lines.append("")
        c = data["counts"]
        lines.append(
            f"Seeded in {data['seed_s']} s: {c['checkpoints']} checkpoints, {c['tasks']} tasks, "
            f"{c['teams']} teams, {c['participants']} participants, {c['attempts']} attempts, "
            f"{c['checkins']} check-ins, {c['submissions']} approved submissions."
        )
        lines.append("")
        for workers, block in sorted(data["workers"].items(), key=lambda kv: int(kv[0])):
            lines.extend(
                _table(
                    kind,
                    int(workers),
                    block,
                    s["connections"],
                    s.get("after_label", "--after-root checkout"),
                )
            )
            lines.append(_statuses(block))
        lb = data["leaderboard"]
        lines.append(
            f"Leaderboard, one client, {c['participants']} participants and {c['attempts']} "
            f"attempts, median ms ({_cases(lb)}): team standings "
            f"{_figures(lb, 'team_standings')}, participant "
            f"standings {_figures(lb, 'participant_standings')}, GET standings.json "
            f"{_figures(lb, 'standings_json')}"
            + (
                f", GET standings.json of the same event as an individual race (all "
                f"{c['participants']} participants listed) {_figures(lb, 'people_json')}."
                if "people_json_ms" in lb
                else "."
            )
        )
        lines.append("")
        main = (
            data["workers"][str(s["workers"])]
            if str(s["workers"]) in data["workers"]
            else data["workers"][s["workers"]]
        )
        runs = main["runs"]
        for mode, (ceiling, share) in TARGETS.items():
            ratio = runs[mode]["rps"] / runs[ceiling]["rps"]
            verdicts.append(
                f"| {kind}: {mode} >= {share:.0%} of {ceiling} | {ratio:.0%} | "
                f"{_ok(ratio >= share)} |"
            )
        ours = {m_: r for m_, r in runs.items() if m_ not in ("hello", "insert")}
        ours = {m_: r for m_, r in ours.items() if not m_.startswith("floor_")}
        ours = {m_: r for m_, r in ours.items() if not m_.endswith("_after")}
        worst_mode = max(ours, key=lambda m_: ours[m_]["p99_ms"])
        verdicts.append(
            f"| {kind}: p99 < 150 ms at {s['connections']} connections (worst "
            f"endpoint: {worst_mode}) | {ours[worst_mode]['p99_ms']:.0f} ms | "
            f"{_ok(ours[worst_mode]['p99_ms'] < 150)} |"
        )
        under = [m_ for m_, r in ours.items() if r["p99_ms"] < 150]
        verdicts.append(f"| {kind}: endpoints with p99 < 150 ms | {', '.join(under) or 'none'} | |")
        errors = sum(r["errors"] for m_, r in ours.items())
        verdicts.append(f"| {kind}: zero errors | {errors} | {_ok(errors == 0)} |")
        for key, case in CASES[1:]:  # the cached poll is not a case of its own here
            for name, board in (("standings_json", ""), ("people_json", ", individual race")):
                if f"{name}{key}_ms" not in lb:
                    continue
                ms = lb[f"{name}{key}_ms"]
                verdicts.append(
                    f"| {kind}: leaderboard < 50 ms per request ({case}{board}) | {ms} ms | "
                    f"{_ok(ms < 50)} |"
                )
        rss = max(main["rss_mb"])
        verdicts.append(f"| {kind}: worker memory < 150 MB | {rss:.0f} MB | {_ok(rss < 150)} |")
    pure = results["pure"]
    dec = pure["checkin_decision_cpu_ms"]
    verdicts.append(
        f"| check-in decision CPU (geodesic + flags) < 2 ms | "
        f"{dec['decide_and_flags_ms']} ms | {_ok(dec['decide_and_flags_ms'] < 2)} |"
    )
    pdf = pure["sheets_200_pdf_s"]
    pdf_cpu = f" (CPU {pdf['cpu_seconds']} s)" if "cpu_seconds" in pdf else ""
    verdicts.append(
        f"| 200 checkpoint sheets as PDF < 3 s | {pdf['seconds']} s wall{pdf_cpu} | "
        f"{_ok(pdf['seconds'] < 3)} |"
    )
    if results.get("micro"):
        lines += [
            "## Micro-benchmarks (pytest-benchmark, bench/micro)",
            "",
            "| benchmark | median ms | min ms | rounds |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {b['name']} | {b['median_ms']:.3f} | {b['min_ms']:.3f} | {b['rounds']} |"
            for b in results["micro"]
        ]
        lines.append("")
    lines += [
        "## Targets (issue 7)",
        "",
        "| target | measured | verdict |",
        "|---|---:|---|",
        *verdicts,
        "",
    ]
    path.write_text("\n".join(lines))


if __name__ == "__main__":  # re-render latest.md from latest.json
    import json

    here = Path(__file__).resolve().parent / "results"
    write_markdown(json.loads((here / "latest.json").read_text()), here / "latest.md")
