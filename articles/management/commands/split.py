"""``manage.py split FILE --json``: the parse alone, without touching the database."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.decode import UnreadableFile, decode
from ingest.manifest import ManifestError, parse_prefecture
from ingest.pipeline import page_to_json, parse_page
from ingest.tokens import strip_controls


class Command(BaseCommand):
    help = "Split one page file into articles and print the result (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print JSON (the default is a readable outline)")
        parser.add_argument("--prefecture", default="", help="the paper's prefecture code, to break county ties")

    def handle(self, *args: object, **opts: object) -> None:
        path = Path(opts["file"])
        try:  # as manage.py ingest reads it: a code it would refuse is refused here too
            prefecture = parse_prefecture(opts["prefecture"] or "", where="--prefecture")
        except ManifestError as exc:
            raise CommandError(str(exc)) from None
        try:
            text = strip_controls(decode(path.read_bytes()))
        except (OSError, UnreadableFile) as exc:
            raise CommandError(f"{path}: {exc}") from None
        hints = [prefecture] if prefecture else []
        result = page_to_json(parse_page(text, hint_prefectures=hints), file=str(path))
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for i, article in enumerate(result["articles"], 1):
            title = " / ".join(x for x in (article["kicker"], article["headline"], article["subheadline"]) if x)
            lines = article["lines"]
            span = f"{lines[0]}–{lines[-1]}" if lines else "-"
            self.stdout.write(f"{i:>2}. [{span}] {title or '(无标题)'}")
            if article["byline"]:
                self.stdout.write(f"    署名: {'、'.join(article['byline'])}")
            if article["counties"]:
                self.stdout.write(f"    县区: {'、'.join(article['counties'])}")
            if article["warnings"]:
                self.stdout.write(f"    提示: {', '.join(article['warnings'])}")
        for item in result["furniture"]:
            self.stdout.write(f"    版面[{item['line']}] {item['kind']}: {item['text']}")
