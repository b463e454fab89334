"""``manage.py export_corrections DIR``: the pages whose splits admins corrected, for training.

Each page as ``page-<id>.txt`` (its text as stored) and ``page-<id>.json`` (its split now, in the
hand-made expected form of ``tests/expected``: ``ingest.corpus.expected_form``), which
``scripts/train_splitter.py --corrections DIR`` reads as more training pages: each correction
teaches the next split. Written again on each run (the same names), so the folder follows the
archive's corrections.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Page, PageRevision
from articles.writer import load_state
from ingest.corpus import expected_form
from ingest.model import page_from_dict

# Revisions that may change a split by hand: corrections on the page, edits in the admin. A page
# is written only where its split now differs from the splitter's (the state its file was stored
# or last replaced with): counties or a byline fixed alone, or every correction undone, teach
# the splitter nothing but its own reading.
HAND_ACTIONS = (PageRevision.Action.CORRECT, PageRevision.Action.EDIT)
SPLITTER_ACTIONS = (PageRevision.Action.INGEST, PageRevision.Action.REPLACE, PageRevision.Action.RESPLIT)


class Command(BaseCommand):
    help = "Write the pages whose splits admins corrected (text and split) for scripts/train_splitter.py --corrections."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="where to write page-<id>.txt and page-<id>.json")

    def handle(self, *args: object, **opts: object) -> None:
        folder: Path = opts["folder"]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"{folder}: cannot write there ({exc.strerror})") from None
        pages = Page.objects.filter(revisions__action__in=HAND_ACTIONS, revisions__user__isnull=False).distinct().order_by("id")
        written = skipped = unchanged = 0
        for page in pages.iterator():
            name = f"page-{page.pk}"
            form = expected_form(load_state(page), name)
            base = page.revisions.filter(action__in=SPLITTER_ACTIONS).order_by("-number").first()
            if base is not None and form is not None and _split(form) == _split(expected_form(page_from_dict(base.state), name)):
                unchanged += 1
                continue
            if form is None:
                self.stderr.write(f"{name}: left out: its stories' lines interleave (lines moved across another story)")
                skipped += 1
                continue
            (folder / f"{name}.txt").write_text(page.raw_text, encoding="utf-8")
            (folder / f"{name}.json").write_text(json.dumps(form, ensure_ascii=False, indent=1), encoding="utf-8")
            written += 1
        self.stdout.write(
            f"{written} corrected pages written to {folder}"
            + (f"; {skipped} left out" if skipped else "")
            + (f"; {unchanged} with the splitter's own split (nothing to learn)" if unchanged else "")
        )


def _split(form: dict | None) -> object:
    """What training reads of an expected form: the furniture lines and each story's lines,
    titles and subheadings (not its names, counties or notes)."""
    if form is None:
        return None
    keys = ("lines", "section", "kicker", "headline", "subheadline", "intertitles")
    return form["furniture"], [{k: a[k] for k in keys} for a in form["articles"]]
