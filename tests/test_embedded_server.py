"""The embedded PostgreSQL starts only in the data folder the settings name, and stops after its last live user."""

from __future__ import annotations

import os

from archive.embedded import base


def _wrapper(host: str) -> base.DatabaseWrapper:
    settings = {
        "ENGINE": "archive.embedded", "NAME": "postgres", "USER": "postgres", "PASSWORD": "", "HOST": host,
        "PORT": "1", "OPTIONS": {}, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False, "TIME_ZONE": None, "TEST": {},
    }
    return base.DatabaseWrapper(settings, alias="probe")


def test_a_relative_host_never_starts_a_server_in_a_folder_named_after_it(tmp_path, monkeypatch):
    # An outage test points the connection at 127.0.0.1 and a closed port: that must be refused,
    # not answered by a new server whose data folder lands in the working directory (one was
    # committed once, 30 MB of it).
    monkeypatch.chdir(tmp_path)
    params = _wrapper("127.0.0.1").get_connection_params()
    assert params["host"] == "127.0.0.1"
    assert list(tmp_path.iterdir()) == []


def test_processes_that_died_attached_are_forgotten_so_the_server_can_stop(tmp_path):
    # One entry of a process killed with kill -9 kept the server running after every later run.
    import json
    import subprocess
    import sys

    from archive.embedded import _forget_dead_handles

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead.pid, os.getpid()]))
    _forget_dead_handles(tmp_path)
    assert json.loads(handles.read_text()) == [os.getpid()]
    _forget_dead_handles(tmp_path / "none")  # no list yet: nothing to do
