"""``manage.py reindex``: rebuild every article's search vectors, in batches, resumable."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.indexing import reindex
from articles.models import Article


class Command(BaseCommand):
    help = "Recompute the search vectors of all articles (after a change to tokenizing rules)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--after-id", type=int, default=0, help="resume after this article id")
        parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        if opts["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        after = opts["after_id"]
        todo = Article.objects.filter(id__gt=after)
        bar = tqdm(total=todo.count(), unit="article", disable=bool(opts["no_progress"]) or opts["verbosity"] == 0)
        done = 0
        try:
            while True:
                # Each batch commits on its own, so an interrupted run loses at most one batch.
                batch = list(Article.objects.filter(id__gt=after).order_by("id")[: opts["batch"]])
                if not batch:
                    break
                reindex(batch)
                after = batch[-1].id
                done += len(batch)
                bar.update(len(batch))
        except KeyboardInterrupt:
            bar.close()
            self.stderr.write(f"interrupted: resume with --after-id {after}")
            raise SystemExit(130) from None
        bar.close()
        self.stdout.write(self.style.SUCCESS(f"reindexed {done} articles (last id {after})"))
