"""``manage.py recountcounties``: count the county tallies afresh from the visible articles
(models.CountyTally). articles/writer.py keeps them with every write; a change made behind its
back — a county's prefecture or province renamed in the admin, rows changed by hand — needs this."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from articles.models import CountyTally


class Command(BaseCommand):
    help = "Rebuild the counts of visible stories per county, prefecture and province from the articles."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only compare the kept tallies with a recount; exit non-zero if they differ"
        )

    def handle(self, *args: object, **opts: object) -> None:
        if opts["check"]:
            # Both read in one snapshot: a write committing between them is no difference. (Inside
            # a caller's transaction, as under the tests, that transaction's own reads stand.)
            outer = connection.in_atomic_block
            with transaction.atomic(), connection.cursor() as cursor:
                if not outer:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                kept, fresh = CountyTally.objects.counts(fold=False), CountyTally.objects.recount()
            if kept != fresh:
                keys = _differing(kept, fresh)
                raise CommandError(f"the tallies differ from a recount in {keys} keys: run without --check to rebuild them")
            self.stdout.write(self.style.SUCCESS(f"the tallies match a recount ({fresh.total} visible stories)"))
            return
        fresh = CountyTally.objects.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"tallies rebuilt: {fresh.total} visible stories, {len(fresh.counties)} counties with stories")
        )


def _differing(kept, fresh) -> int:
    total = int(kept.total != fresh.total)
    for a, b in ((kept.counties, fresh.counties), (kept.groups, fresh.groups)):
        total += sum(1 for key in a.keys() | b.keys() if a.get(key) != b.get(key))
    return total
