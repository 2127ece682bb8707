"""The gunicorn helper itself: it serves, survives SIGKILL + restart, and stops cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.server import GunicornServer, ServerError, _alive, server_env

pytestmark = pytest.mark.slow


def test_start_kill_restart_stop(app, database_uri: str, tmp_path: Path) -> None:
    server = GunicornServer(server_env(database_uri, tmp_path), workers=2)
    with server:
        assert requests.get(server.url + "/api/health", timeout=5).json() == {"status": "ok"}
        workers = server.worker_pids()
        assert len(workers) == 2
        server.kill()
        assert not server.running()
        for pid in workers:  # SIGKILL reached the whole group, not only the master
            assert not _alive(pid)
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url + "/api/health", timeout=2)
        server.restart()
        assert requests.get(server.url + "/api/health", timeout=5).status_code == 200
        assert server.starts == 2
    assert not server.running()
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/api/health", timeout=2)


def test_a_broken_app_is_reported_with_its_log(app, tmp_path: Path) -> None:
    env = server_env("notadb://nowhere", tmp_path)
    with pytest.raises(ServerError) as info:
        GunicornServer(env, workers=1).start()
    assert "exited early" in str(info.value) or "no healthy" in str(info.value)
    assert "Traceback" in str(info.value) or "Error" in str(info.value)
