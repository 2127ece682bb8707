#!/bin/sh
# Build a scratch copy of the working tree with the leaderboard prototype wired in (for the
# before/after rows of `python -m bench.run --after-root DIR`). The repository is not touched.
set -eu
DIR=${1:-/tmp/quizengine-scratch}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$DIR" && mkdir -p "$DIR"
tar -C "$SRC" --exclude=.venv --exclude=.git --exclude=bench/.work --exclude=instance -cf - . \
  | tar -C "$DIR" -xf -
cat >> "$DIR/quizengine/services/leaderboard.py" <<'PY'


# --- bench prototype, scratch copy only (bench/proposals/leaderboard_sql.py) ---
from bench.proposals import leaderboard_sql as _fast  # noqa: E402

_slow_team_points = team_points


def team_points(event: Event, team_id: int, until: datetime | None = None) -> int:  # noqa: F811
    if until is not None:
        return _slow_team_points(event, team_id, until)
    return _fast.team_points(event, team_id)


def _tallies(event: Event, until: datetime | None):  # type: ignore[no-redef]  # noqa: F811
    return _fast.tallies(event, until)
PY
echo "$DIR"
