"""``manage.py ingest PATH...``: store page files, each all or nothing (articles/writer.py)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation
from tqdm import tqdm

from articles import ingest_text
from articles.forms import is_csv
from articles.ingest_pool import WriterDied
from articles.models import Article, Page
from articles.writer import IngestResult, Outcome, PageMeta, Source, clear_caches, database_refusal, ingest_sources
from ingest.manifest import MANIFEST_NAME, Entry, Manifest, ManifestError, parse_date, parse_prefecture, read_folder_manifest

# Writers (see --writers) unless told: one per core, at most 8. On 2 cores 1, 2 and 4 writers load
# at the same rate (the cores are busy either way); with more cores the server's work, which one
# connection keeps in one backend, spreads over as many (docs/PERFORMANCE.md, "Ingest").
DEFAULT_WRITERS = max(1, min(8, os.cpu_count() or 1))
# A load that adds at least this many articles, and at least this share of those already stored,
# ends with ANALYZE (Article.objects.refresh_statistics): a few seconds per 100,000 articles.
ANALYZE_AFTER_ARTICLES = 1000
ANALYZE_AFTER_SHARE = 0.1


def collect_files(paths: list[str]) -> tuple[list[Path], list[Path], list[str]]:
    """The page files among ``paths`` (a folder's .txt files), the .csv files given by name (a
    shell's ``folder/*`` names the folder's manifest.csv too): no page, by the rule of the upload
    page and the API (``articles.forms.is_csv``); and the paths that name nothing (a typo in a
    list of folders fails alone, as a bad file does)."""
    files: list[Path] = []
    tables: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt"))
        elif path.is_file():
            (tables if is_csv(path) else files).append(path)
        else:
            missing.append(raw)
    return files, tables, missing


class Command(BaseCommand):
    help = "Ingest page text files (or folders of .txt files): split, tag counties, store, index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument("--paper", help="newspaper name (else from manifest.csv beside the files)")
        parser.add_argument("--date", help="issue date YYYY-MM-DD (else from the manifest; unknown if absent)")
        parser.add_argument("--page", default=None, help="page label, e.g. 第3版")
        parser.add_argument("--prefecture", default=None, help="the paper's prefecture code, e.g. 1407")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--workers", type=int, default=min(2, os.cpu_count() or 1),
            help="with --writers 1: processes that parse files while this one writes (1: parse here)",
        )
        parser.add_argument(
            "--writers", type=int, default=DEFAULT_WRITERS,
            help="processes that each parse and write whole batches through their own database "
            "connection, so the server's work runs in that many backends (default "
            f"{DEFAULT_WRITERS}: one per core, at most 8; 1: one connection, parsed by --workers)",
        )
        parser.add_argument(
            "--batch", type=int, default=50,
            help="files per transaction (a batch that fails is retried one file per transaction)",
        )
        parser.add_argument(
            "--draft", action="store_true",
            help="store the pages as drafts, for an editor to check and publish (default: published)",
        )
        slot = parser.add_mutually_exclusive_group()
        slot.add_argument(
            "--replace", action="store_true",
            help="a file with the paper, date and page of a stored page but other text replaces it "
            "(the old text is kept in the page's history); default: reported and not written",
        )
        slot.add_argument(
            "--keep-both", action="store_true",
            help="such a file is stored as a second page beside the first",
        )

    def handle(self, *args: object, **opts: object) -> None:
        try:
            self._ingest(opts)
        except KeyboardInterrupt:
            # Each batch is its own transaction: what was reported stored stays, the rest is not
            # half written; the same command again skips what is stored.
            self.stderr.write(
                "interrupted: files reported above are stored, none is half written; run the same command "
                "again to finish (stored files are reported as already in the archive)"
            )
            raise SystemExit(130) from None
        except DatabaseError as exc:
            raise CommandError(database_refusal(exc)) from None

    def _ingest(self, opts: dict) -> None:
        self.verbosity = opts["verbosity"]
        paper = opts["paper"].strip() if opts["paper"] is not None else None
        label = opts["page"].strip() if opts["page"] is not None else None
        if paper is not None and not paper:
            raise CommandError("--paper is empty: give the paper's name")
        try:
            date = parse_date(opts["date"] or "", where="--date")
            prefecture = parse_prefecture(opts["prefecture"] or "", where="--prefecture")
        except ManifestError as exc:
            raise CommandError(str(exc)) from None
        if opts["workers"] < 1 or opts["batch"] < 1 or opts["writers"] < 1:
            raise CommandError("--workers, --writers and --batch must be at least 1")
        files, tables, missing = collect_files(opts["paths"])
        results: list[IngestResult] = []
        for raw in missing:
            results.append(IngestResult(raw, Outcome.FAILED, error="no such file or folder"))
            self._report(Path(raw), results[-1])
        for path in tables:
            if path.name == MANIFEST_NAME:
                # Read anyway for the files beside it (read_folder_manifest): not an error.
                if self.verbosity >= 1:
                    self.stdout.write(f"{path}: not a page: the folder's manifest, read for the files beside it")
                continue
            results.append(IngestResult(
                path.name, Outcome.FAILED,
                error="not a page: a CSV table (page files are plain text, .txt; a folder's manifest is "
                f"named {MANIFEST_NAME})",
            ))
            self._report(path, results[-1])
        if not files:
            refused = f": {len(results)} failed: {', '.join(r.name for r in results)}" if results else ""
            raise CommandError(f"no .txt files found{refused}")
        # Each folder's manifest.csv, read once: row by row, so that a bad row fails its own file
        # alone; one that cannot be used at all (unreadable, a bad header) fails each of the
        # folder's files with its reason.
        manifests: dict[Path, Manifest | ManifestError] = {}
        sources: list[Source] = []
        for path in files:
            try:
                if path.parent not in manifests:
                    try:
                        manifests[path.parent] = read_folder_manifest(path.parent)
                    except ManifestError as exc:
                        manifests[path.parent] = exc
                manifest = manifests[path.parent]
                if isinstance(manifest, ManifestError):
                    raise manifest
                row = manifest.find(path.name)
                if row is not None and row.error is not None:
                    raise row.error
                entry = row.entry if row is not None else Entry()
                meta = PageMeta(
                    paper=paper or entry.paper,
                    date=date or entry.date,
                    label=label if label is not None else entry.page,
                    prefecture_code=prefecture or entry.prefecture,
                )
                if not meta.paper:
                    if row is not None:  # listed, with its paper cell left empty
                        raise ManifestError(f"{MANIFEST_NAME}:{row.line}: the paper cell is empty (or pass --paper)")
                    raise ManifestError(f"no paper name: pass --paper or list the file in {MANIFEST_NAME}")
            except (ManifestError, OSError) as exc:
                results.append(IngestResult(path.name, Outcome.FAILED, error=str(exc).strip()))
                self._report(path, results[-1])
                continue
            sources.append(Source(path.name, meta, path=path))
        stored_before = Article.objects.count()
        bar = tqdm(total=len(sources), unit="file", disable=bool(opts["no_progress"]) or opts["verbosity"] == 0)
        same_slot = "replace" if opts["replace"] else "keep" if opts["keep_both"] else "report"
        status = Page.Status.DRAFT if opts["draft"] else Page.Status.PUBLISHED
        written = ingest_sources(
            sources, workers=opts["workers"], batch=opts["batch"], status=status, same_slot=same_slot,
            writers=opts["writers"],
        )
        try:
            for source, result in zip(sources, written):
                self._report(source.path, result)
                # Kept for the summary without its page, whose whole text a million articles
                # would make 2 GB of this process.
                results.append(replace(result, page=None))
                bar.update()
        except (DatabaseError, WriterDied) as exc:
            # The server (or a writer process) went away mid-run: what was committed stays.
            reason = str(exc).strip().split("\n")[0]
            raise CommandError(
                f"{'the database failed' if isinstance(exc, DatabaseError) else 'a writer stopped'} ({reason}); "
                "files after the last reported one may not be written: run the command again to complete the "
                "load (files already stored are reported as such)"
            ) from None
        finally:
            bar.close()
        added = sum(r.articles for r in results if r.outcome in (Outcome.CREATED, Outcome.REPLACED))
        if added >= ANALYZE_AFTER_ARTICLES and added >= ANALYZE_AFTER_SHARE * stored_before:
            Article.objects.refresh_statistics()
            # Search processes keep the planner's estimates until a write is announced: the load's
            # last commit came before the new statistics, so announce them too.
            clear_caches()
            if self.verbosity >= 2:
                self.stdout.write(f"statistics refreshed (ANALYZE) after {added} new articles")
        self._summary(results)

    def _report(self, path: Path, result: IngestResult) -> None:
        if result.outcome in (Outcome.FAILED, Outcome.SAME_SLOT):
            tqdm.write(self.style.ERROR(f"{path}: {result.message}"), file=self.stderr._out)
        elif self.verbosity >= 2 or (result.outcome == Outcome.REPLACED and (self.verbosity >= 1 or result.conflicts)):
            tqdm.write(f"{path}: {result.message}", file=self.stdout._out)
        if result.outcome == Outcome.REPLACED and result.conflicts:
            # As the API's "conflicts" and the upload preview list them: never dropped unsaid.
            n = len(result.conflicts)
            lines = [self.style.WARNING(
                f"{path}: {n} hand correction{'s' if n > 1 else ''} of the old page not carried over "
                "(recorded in the page's history, to be made again if needed):"
            )]
            lines += [f"  {text}" for text in lost_lines(result)]
            tqdm.write("\n".join(lines), file=self.stdout._out)

    def _summary(self, results: list[IngestResult]) -> None:
        def of(outcome: Outcome) -> list[IngestResult]:
            return [r for r in results if r.outcome == outcome]

        created, duplicate, same_slot, replaced, failed = (
            of(Outcome.CREATED), of(Outcome.DUPLICATE), of(Outcome.SAME_SLOT), of(Outcome.REPLACED), of(Outcome.FAILED)
        )
        articles = sum(r.articles for r in created)
        parts = [f"{len(created)} ingested ({articles} articles)"]
        if replaced:
            dropped = sum(len(r.conflicts) for r in replaced)
            lost = f" ({dropped} hand correction{'s' if dropped > 1 else ''} not carried over)" if dropped else ""
            parts.append(f"{len(replaced)} replaced{lost}")
        if duplicate:
            parts.append(f"{len(duplicate)} already in the archive")
        if same_slot:
            parts.append(
                f"{len(same_slot)} not written: a stored page has the same paper, date and page "
                "with other text (--replace or --keep-both)"
            )
        if failed:
            parts.append(f"{len(failed)} failed")
        summary = ", ".join(parts)
        if failed or same_slot:
            names = ", ".join(r.name for r in failed + same_slot)
            raise CommandError(f"{summary}: {names}")
        self.stdout.write(self.style.SUCCESS(summary))
        for r in duplicate:
            if self.verbosity >= 1 and len(duplicate) <= 20:
                self.stdout.write(f"{r.name}: {r.message}")


def lost_lines(result: IngestResult) -> list[str]:
    """Each correction a replace dropped (writer's ``lost``, the API's "conflicts") in English,
    as the upload preview words them: the article's title, its lines in the old file, why, and
    what had been corrected (each field, and its value when short)."""
    shown = []
    with translation.override("en"):
        for lost in result.lost:
            conflict = lost.conflict
            why = ingest_text.translated(conflict.why)
            text = f"“{conflict.headline or '(untitled)'}” (lines {lost.lines} of the old file): {why}"
            fields = []
            for label, value in lost.shown_changes():
                label = ingest_text.translated(label)
                fields.append(f"{label} (to “{value}”)" if value else label)
            shown.append(text + ("; corrected: " + ", ".join(fields) if fields else ""))
    return shown
