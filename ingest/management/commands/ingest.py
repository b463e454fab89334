"""``manage.py ingest PATH...``: store page files, one transaction each."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from articles.store import IngestResult, IssueMeta, Outcome, ensure_counties, ingest_bytes
from ingest.manifest import MANIFEST_NAME, Entry, ManifestError, parse_date, parse_prefecture, read_manifest


def collect_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt"))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{raw}: no such file or folder")
    return files


class Command(BaseCommand):
    help = "Ingest page text files (or folders of .txt files): split, tag counties, store, index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument("--paper", help="newspaper name (else from manifest.csv beside the files)")
        parser.add_argument("--date", help="issue date YYYY-MM-DD (else from the manifest; unknown if absent)")
        parser.add_argument("--page", default=None, help="page label, e.g. 第3版")
        parser.add_argument("--prefecture", default=None, help="the paper's prefecture code, e.g. 1407")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: object, **opts: object) -> None:
        self.verbosity = opts["verbosity"]
        try:
            date = parse_date(opts["date"] or "", where="--date")
            prefecture = parse_prefecture(opts["prefecture"] or "", where="--prefecture")
        except ManifestError as exc:
            raise CommandError(str(exc)) from None
        files = collect_files(opts["paths"])
        if not files:
            raise CommandError("no .txt files found")
        manifests: dict[Path, dict[str, Entry]] = {}
        ensure_counties()
        results: list[IngestResult] = []
        bar = tqdm(files, unit="file", disable=bool(opts["no_progress"]) or opts["verbosity"] == 0)
        for path in bar:
            bar.set_postfix_str(path.name, refresh=False)
            try:
                if path.parent not in manifests:
                    manifests[path.parent] = read_manifest(path.parent)
                entry = manifests[path.parent].get(path.name, Entry())
                meta = IssueMeta(
                    paper=opts["paper"] or entry.paper,
                    date=date or entry.date,
                    page=opts["page"] if opts["page"] is not None else entry.page,
                    prefecture_code=prefecture or entry.prefecture,
                )
                if not meta.paper:
                    raise ManifestError(f"no paper name: pass --paper or list the file in {MANIFEST_NAME}")
                result = ingest_bytes(path.name, path.read_bytes(), meta)
            except (ManifestError, OSError, DatabaseError) as exc:
                result = IngestResult(path.name, Outcome.FAILED, error=str(exc).strip())
            results.append(result)
            if result.outcome == Outcome.FAILED:
                tqdm.write(self.style.ERROR(f"{path}: {result.error}"), file=self.stderr._out)
            elif opts["verbosity"] >= 2:
                tqdm.write(f"{path}: {result.outcome} ({result.articles} articles)", file=self.stdout._out)
        self._summary(results)

    def _summary(self, results: list[IngestResult]) -> None:
        created = [r for r in results if r.outcome == Outcome.CREATED]
        duplicate = [r for r in results if r.outcome == Outcome.DUPLICATE]
        failed = [r for r in results if r.outcome == Outcome.FAILED]
        articles = sum(r.articles for r in created)
        parts = [f"{len(created)} ingested ({articles} articles)"]
        if duplicate:
            parts.append(f"{len(duplicate)} already ingested")
        if failed:
            parts.append(f"{len(failed)} failed")
        summary = ", ".join(parts)
        if failed:
            names = ", ".join(r.name for r in failed)
            raise CommandError(f"{summary}: {names}")
        self.stdout.write(self.style.SUCCESS(summary))
        for r in duplicate:
            if self.verbosity >= 1 and len(duplicate) <= 20:
                self.stdout.write(f"{r.name}: already ingested, nothing written")
