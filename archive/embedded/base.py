"""PostgreSQL backend that starts the embedded server before its first connection."""

from __future__ import annotations

from pathlib import Path

from django.db.backends.postgresql import base

from archive.embedded import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, object]:
        # Only the data folder the settings name (always absolute) holds the embedded server. A
        # test that points the connection at a closed port (HOST "127.0.0.1") to stage an outage
        # must meet a refused connection, not start a second server in a folder named 127.0.0.1.
        host = Path(self.settings_dict["HOST"] or "")
        if host.is_absolute():
            ensure_server(host)
        return super().get_connection_params()
