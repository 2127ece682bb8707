"""The gunicorn helper itself: a server that cannot start is reported with its log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server import GunicornServer, ServerError, server_env

pytestmark = pytest.mark.slow


# Start, SIGKILL of master and workers, restart on the same port and stop are exercised by
# tests/trust/test_nothing_lost.py (one server boot less per run).


def test_a_broken_app_is_reported_with_its_log(app, tmp_path: Path) -> None:
    env = server_env("notadb://nowhere", tmp_path)
    with pytest.raises(ServerError) as info:
        GunicornServer(env, workers=1).start()
    assert "exited early" in str(info.value) or "no healthy" in str(info.value)
    assert "Traceback" in str(info.value) or "Error" in str(info.value)
