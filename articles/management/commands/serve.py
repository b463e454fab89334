"""``manage.py serve``: migrate, load the gazetteer and the seeds, then run gunicorn.

The one command behind the README's quick start. With the embedded PostgreSQL the server lives as
long as this process (gunicorn's master), so it stops cleanly with Ctrl-C.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = "Prepare the database (migrate, counties, seeds) and serve the site with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2)
        # gthread workers (archive/gunicorn_conf.py explains why): requests served at once = workers × threads.
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-seeds", action="store_true", help="do not ingest seeds/")

    def handle(self, *args: object, **opts: object) -> None:
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


def gunicorn_argv(bind: str, *, workers: int, threads: int) -> list[str]:
    """The worker model, timeouts and request limits are archive/gunicorn_conf.py's, as in the Docker image."""
    return [
        "gunicorn",
        "archive.wsgi:application",
        "--config", "python:archive.gunicorn_conf",
        "--bind", bind,
        "--workers", str(workers),
        "--threads", str(threads),
    ]
