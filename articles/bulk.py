"""Many page files at once: parsed in worker processes, written with COPY, committed in batches.

``manage.py ingest`` uses this; the upload page stores its few files through
``store.ingest_bytes``. Both write the same rows (tests/test_bulk_ingest.py holds them together).

The work per file is mostly Python (decoding, splitting, county tagging, search vectors), so it
runs in ``workers`` forked processes while the parent writes. Writing a batch of files in one
transaction with ``COPY`` costs a fraction of one ``INSERT`` per row and one commit per file.
Every file is still all or nothing: when a batch fails, its files are written again one
transaction each, so only the file at fault is refused, with its own message.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from articles.indexing import field_vectors
from articles.models import Article, ArticleCounty, Caption, County, Issue, Newspaper
from articles.store import (
    HOME_CACHE_KEY,
    IngestResult,
    IssueMeta,
    Outcome,
    article_fields,
    get_newspaper,
    read_page,
)
from ingest.decode import UnreadableFile, sha256


@dataclass(frozen=True)
class Source:
    """One page file to ingest: its bytes, or a path a worker reads them from."""

    name: str
    meta: IssueMeta
    data: bytes | None = None
    path: Path | None = None


@dataclass
class Prepared:
    """A parsed page as plain rows, made in a worker: cheap to pickle back to the parent."""

    name: str
    meta: IssueMeta
    digest: str
    text: str
    furniture: list[dict]
    articles: list[tuple]  # ARTICLE_COLUMNS after the ids
    captions: list[list[tuple]]  # per article: (position, text, credit, lines)
    counties: list[list[str]]  # per article: county codes, primary first


# Columns written by COPY, in order; the ids and foreign keys come first, then what
# store.article_fields gives and the three search vectors.
ARTICLE_COLUMNS = (
    "section",
    "kicker",
    "headline",
    "subheadline",
    "byline",
    "byline_text",
    "source",
    "body",
    "intertitles",
    "blocks",
    "lines",
    "continued",
    "warnings",
    "search_head",
    "search_body",
    "search_words",
)
_JSON_COLUMNS = {"blocks"}


def prepare(source: Source) -> Prepared | IngestResult:
    """Read, decode, parse and index one file (no database): in a worker process."""
    try:
        data = source.data if source.data is not None else source.path.read_bytes()
        text, page = read_page(data, source.meta)
    except (OSError, UnreadableFile) as exc:
        return IngestResult(source.name, Outcome.FAILED, error=str(exc).strip())
    rows, captions, counties = [], [], []
    for p in page.articles:
        fields = article_fields(p)
        caption_texts = [c.text for c in p.captions]
        head, body, words = field_vectors(
            headline=p.headline,
            kicker=p.kicker,
            subheadline=p.subheadline,
            body=p.body,
            captions=caption_texts,
            byline=p.byline,
        )
        fields.update(search_head=head, search_body=body, search_words=words)
        rows.append(
            tuple(
                json.dumps(fields[c], ensure_ascii=False) if c in _JSON_COLUMNS else fields[c]
                for c in ARTICLE_COLUMNS
            )
        )
        captions.append([(j, c.text, c.credit, list(c.lines)) for j, c in enumerate(p.captions)])
        counties.append(list(dict.fromkeys(c.code for c in p.counties)))
    furniture = [{"line": f.line, "kind": str(f.kind), "text": f.text} for f in page.furniture]
    return Prepared(source.name, source.meta, sha256(data), text, furniture, rows, captions, counties)


def prepared(sources: Iterable[Source], *, workers: int, batch: int) -> Iterator[list[Prepared | IngestResult]]:
    """Batches of prepared files, in the order given, parsed by ``workers`` processes.

    At most ``workers + 1`` batches are parsed ahead of the writer, so memory stays bounded
    however many files there are.
    """
    chunks = _chunks(sources, batch)
    if workers <= 1:
        for chunk in chunks:
            yield [prepare(s) for s in chunk]
        return
    # Forked workers inherit the loaded gazetteer and dictionaries; they never use the parent's
    # database connection.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.map_async(prepare, chunk))
            if len(pending) > workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _chunks(items: Iterable[Source], size: int) -> Iterator[list[Source]]:
    chunk: list[Source] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Writer:
    """Writes batches of prepared pages; remembers papers and counties between batches."""

    def __init__(self) -> None:
        self._papers: dict[str, Newspaper] = {}
        self._known_counties = set(County.objects.values_list("code", flat=True))

    def write(self, batch: Sequence[Prepared | IngestResult]) -> list[IngestResult]:
        """Store a batch, each file all or nothing; results in the batch's order."""
        results: dict[int, IngestResult] = {}
        todo: list[tuple[int, Prepared]] = []
        for i, item in enumerate(batch):
            if isinstance(item, IngestResult):
                results[i] = item
            else:
                todo.append((i, item))
        seen = set(Issue.objects.filter(sha256__in=[p.digest for _, p in todo]).values_list("sha256", flat=True))
        fresh: list[tuple[int, Prepared]] = []
        for i, p in todo:
            if p.digest in seen:
                results[i] = IngestResult(p.name, Outcome.DUPLICATE)
            else:
                seen.add(p.digest)  # the same content twice in one run: the second is a duplicate
                fresh.append((i, p))
        try:
            results.update(self._store(fresh))
        except DatabaseError:
            # Something in the batch was refused: write its files one transaction each, so the
            # others are kept and the bad one is named.
            for i, p in fresh:
                try:
                    results.update(self._store([(i, p)]))
                except DatabaseError as exc:
                    results[i] = IngestResult(p.name, Outcome.FAILED, error=f"the database refused it: {exc}".strip())
        for i, p in todo:
            if i not in results:  # a repeat of a file earlier in this batch
                results[i] = IngestResult(p.name, Outcome.DUPLICATE)
        return [results[i] for i in range(len(batch))]

    def _paper(self, meta: IssueMeta) -> Newspaper:
        paper = self._papers.get(meta.paper)
        if paper is None or (meta.prefecture_code and not paper.prefecture_code):
            paper = self._papers[meta.paper] = get_newspaper(meta)
        return paper

    def _store(self, items: list[tuple[int, Prepared]]) -> dict[int, IngestResult]:
        if not items:
            return {}
        papers = list(self._papers.items())
        try:
            with transaction.atomic():
                out = self._copy(items)
                transaction.on_commit(lambda: cache.delete(HOME_CACHE_KEY))
        except DatabaseError:
            self._papers = dict(papers)  # a paper created in the rolled-back transaction is gone
            raise
        return out

    def _copy(self, items: list[tuple[int, Prepared]]) -> dict[int, IngestResult]:
        pages = [p for _, p in items]
        papers = [self._paper(p.meta) for p in pages]
        issue_ids = _next_ids(Issue, len(pages))
        article_ids = _next_ids(Article, sum(len(p.articles) for p in pages))
        now = timezone.now()
        ids = iter(article_ids)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's cursor: Django's wrapper has no COPY
            with raw.copy(_copy_sql(Issue, ["id", "newspaper_id", "date", "page", "source_name", "sha256",
                                            "raw_text", "furniture", "ingested_at"])) as copy:
                for issue_id, paper, p in zip(issue_ids, papers, pages):
                    copy.write_row((issue_id, paper.id, p.meta.date, p.meta.page, p.name, p.digest, p.text,
                                    json.dumps(p.furniture, ensure_ascii=False), now))
            captions, tags = [], []
            with raw.copy(_copy_sql(Article, ["id", "issue_id", "newspaper_id", "date", "position",
                                              *ARTICLE_COLUMNS])) as copy:
                for issue_id, paper, p in zip(issue_ids, papers, pages):
                    for position, (row, caps, codes) in enumerate(zip(p.articles, p.captions, p.counties)):
                        article_id = next(ids)
                        copy.write_row((article_id, issue_id, paper.id, p.meta.date, position, *row))
                        captions.extend((article_id, *c) for c in caps)
                        known = [c for c in codes if c in self._known_counties]
                        tags.extend((article_id, code, n == 0) for n, code in enumerate(known))
            with raw.copy(_copy_sql(Caption, ["article_id", "position", "text", "credit", "lines"])) as copy:
                for row in captions:
                    copy.write_row(row)
            with raw.copy(_copy_sql(ArticleCounty, ["article_id", "county_id", "primary"])) as copy:
                for row in tags:
                    copy.write_row(row)
        return {
            i: IngestResult(p.name, Outcome.CREATED, articles=len(p.articles), chars=len(p.text))
            for i, p in items
        }


def _copy_sql(model: type, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


def _next_ids(model: type, n: int) -> list[int]:
    """n fresh primary keys from the table's sequence (rows written by COPY need them first)."""
    if not n:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
        )
        return [row[0] for row in cursor.fetchall()]


def ingest_sources(
    sources: Iterable[Source], *, workers: int = 1, batch: int = 50
) -> Iterator[IngestResult]:
    """Ingest files, yielding one result per file in the order given."""
    writer = Writer()
    for chunk in prepared(sources, workers=workers, batch=batch):
        yield from writer.write(chunk)
