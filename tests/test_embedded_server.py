"""The embedded PostgreSQL starts only in the data folder the settings name."""

from __future__ import annotations

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
