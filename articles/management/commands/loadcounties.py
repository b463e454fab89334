"""``manage.py loadcounties``: add the counties of a newer gazetteer (migration 0006 loaded the
first ones)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.counties import load_counties
from articles.models import County


class Command(BaseCommand):
    help = "Add the gazetteer's counties missing from the County table (after updating ingest/data/)."

    def handle(self, *args: object, **opts: object) -> None:
        added = load_counties(County)
        self.stdout.write(self.style.SUCCESS(f"{added} counties added ({County.objects.count()} in all)"))
