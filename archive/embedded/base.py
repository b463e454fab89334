"""PostgreSQL backend that starts the embedded server before its first connection."""

from __future__ import annotations

from pathlib import Path

from django.db.backends.postgresql import base

from archive.embedded import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, object]:
        ensure_server(Path(self.settings_dict["HOST"]))
        return super().get_connection_params()
