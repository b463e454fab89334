"""``manage.py serve``: migrate, load the gazetteer and the seeds, then run gunicorn.

The one command behind the README's quick start. With the embedded PostgreSQL the server lives as
long as this process (gunicorn's master), so it stops cleanly with Ctrl-C.
"""

from __future__ import annotations

import socket
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = "Prepare the database (migrate, counties, seeds) and serve the site with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT, help="default: PORT, else 8000")
        parser.add_argument("--host", default="127.0.0.1")
        # gthread workers (archive/gunicorn_conf.py explains why): requests served at once = workers × threads.
        # Unless given here, gunicorn's own: GUNICORN_CMD_ARGS, else archive/gunicorn_conf.py (2 × 4).
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--threads", type=int, default=None)
        parser.add_argument("--no-seeds", action="store_true", help="do not ingest seeds/")

    def handle(self, *args: object, **opts: object) -> None:
        # Checked before anything is migrated or loaded: a server that can never answer is refused.
        if not 1 <= opts["port"] <= 65535:
            raise CommandError(f"--port must be 1–65535 (got {opts['port']})")
        for name in ("workers", "threads"):
            if opts[name] is not None and opts[name] < 1:
                raise CommandError(f"--{name} must be at least 1 (got {opts[name]})")
        taken = _port_taken(opts["host"], opts["port"])
        if taken:
            # Said now, not after the migrations and the seeds, by gunicorn's five retries.
            raise CommandError(f"cannot listen on {opts['host']}:{opts['port']} ({taken}): another server holds it? PORT=… picks another")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not opts["no_seeds"]:
            call_command("ingest", str(settings.BASE_DIR / "seeds"), no_progress=True, verbosity=1)
        # Workers must not inherit this process's open connection.
        connections.close_all()
        bind = f"{opts['host']}:{opts['port']}"
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{bind}/ (Ctrl-C stops)"))
        self.stdout.flush()
        from gunicorn.app.wsgiapp import run

        sys.argv = gunicorn_argv(bind, workers=opts["workers"], threads=opts["threads"])
        run()


def _port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, or None. With SO_REUSEADDR, as gunicorn binds: a
    port a stopped server left in TIME_WAIT is free, one a running server listens on is not.
    (Another process may still take it before gunicorn does; gunicorn then says so.)"""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def gunicorn_argv(bind: str, *, workers: int | None = None, threads: int | None = None) -> list[str]:
    """The worker model, timeouts and request limits are archive/gunicorn_conf.py's, as in the Docker
    image; workers and threads only when given (the command line beats GUNICORN_CMD_ARGS)."""
    argv = ["gunicorn", "archive.wsgi:application", "--config", "python:archive.gunicorn_conf", "--bind", bind]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if threads is not None:
        argv += ["--threads", str(threads)]
    return argv
