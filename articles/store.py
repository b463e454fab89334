"""Storing parsed pages: one transaction per file, idempotent by content hash.

The editors' upload page calls ``ingest_bytes``. ``manage.py ingest`` writes the same rows for
many files at once through articles/bulk.py, which shares ``read_page`` and ``article_fields``
with this module (tests/test_bulk_ingest.py checks that the rows are the same).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction

from articles.indexing import vectors
from articles.models import Article, ArticleCounty, Caption, County, Issue, Newspaper
from ingest.decode import UnreadableFile, decode, sha256
from ingest.gazetteer import Gazetteer
from ingest.model import BlockKind, Page, ParsedArticle
from ingest.pipeline import parse_page
from ingest.tokens import strip_controls

# The front page's cached whole-table counts (articles/views.py).
HOME_CACHE_KEY = "home-summary"


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass
class IngestResult:
    name: str
    outcome: Outcome
    issue: Issue | None = None
    articles: int = 0
    chars: int = 0
    error: str = ""


@dataclass(frozen=True)
class IssueMeta:
    paper: str
    date: dt.date | None = None
    page: str = ""
    prefecture_code: str = ""


def ensure_counties(gazetteer: Gazetteer | None = None) -> int:
    """Load the gazetteer's counties into the County table (once; later calls add only new codes)."""
    gaz = gazetteer or Gazetteer.default()
    if County.objects.count() >= len(gaz.counties()):
        return 0  # the usual case: loaded on the first ingest
    existing = set(County.objects.values_list("code", flat=True))
    fresh = [
        County(code=c.code, name=c.name, short_name=c.short, prefecture=c.prefecture, province=c.province)
        for c in gaz.counties()
        if c.code not in existing
    ]
    County.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)


def ingest_bytes(name: str, data: bytes, meta: IssueMeta) -> IngestResult:
    """Decode, parse and store one page file. Writes nothing when the content was seen before
    or when anything fails; the result says which and why."""
    digest = sha256(data)
    seen = Issue.objects.filter(sha256=digest).first()
    if seen is not None:
        return IngestResult(name, Outcome.DUPLICATE, issue=seen)
    try:
        text, page = read_page(data, meta)
    except UnreadableFile as exc:
        return IngestResult(name, Outcome.FAILED, error=str(exc))
    try:
        with transaction.atomic():
            issue = store_page(name, digest, text, page, meta)
            # The front page's counts include this page once it is committed.
            transaction.on_commit(lambda: cache.delete(HOME_CACHE_KEY))
    except IntegrityError as exc:
        # Another process stored the same file since the check above: the unique hash held.
        seen = Issue.objects.filter(sha256=digest).first()
        if seen is None:
            return IngestResult(name, Outcome.FAILED, error=f"the database refused it: {exc}".strip())
        return IngestResult(name, Outcome.DUPLICATE, issue=seen)
    except DatabaseError as exc:
        # The transaction rolled back: nothing of this file was written.
        return IngestResult(name, Outcome.FAILED, error=f"the database refused it: {exc}".strip())
    return IngestResult(name, Outcome.CREATED, issue=issue, articles=len(page.articles), chars=len(text))


def read_page(data: bytes, meta: IssueMeta) -> tuple[str, Page]:
    """Decode and parse one file without storing it (ingest and the editors' preview)."""
    text = strip_controls(decode(data, max_bytes=settings.INGEST_MAX_FILE_BYTES))
    page = parse_page(text, hint_prefectures=[meta.prefecture_code] if meta.prefecture_code else [])
    return text, page


@dataclass
class Preview:
    name: str
    page: Page | None = None
    lines: list[str] | None = None
    error: str = ""


def preview_bytes(name: str, data: bytes, meta: IssueMeta) -> Preview:
    """The split an ingest would store, for an editor to check first; writes nothing."""
    try:
        text, page = read_page(data, meta)
    except UnreadableFile as exc:
        return Preview(name, error=str(exc))
    return Preview(name, page=page, lines=text.splitlines())


def get_newspaper(meta: IssueMeta) -> Newspaper:
    """The paper of a file's metadata, created on first sight; a prefecture learnt later is kept."""
    paper, created = Newspaper.objects.get_or_create(
        name=meta.paper, defaults={"prefecture_code": meta.prefecture_code}
    )
    if not created and meta.prefecture_code and not paper.prefecture_code:
        paper.prefecture_code = meta.prefecture_code
        paper.save(update_fields=["prefecture_code"])
    return paper


def store_page(name: str, digest: str, text: str, page: Page, meta: IssueMeta) -> Issue:
    """Write one parsed page; the caller holds the transaction."""
    paper = get_newspaper(meta)
    issue = Issue.objects.create(
        newspaper=paper,
        date=meta.date,
        page=meta.page,
        source_name=name,
        sha256=digest,
        raw_text=text,
        furniture=[{"line": f.line, "kind": str(f.kind), "text": f.text} for f in page.furniture],
    )
    create_articles(issue, page.articles)
    return issue


def create_articles(issue: Issue, parsed: Sequence[ParsedArticle], *, start: int = 0) -> list[Article]:
    """Create Article rows (with captions, county tags and search vectors) for parsed articles."""
    rows = []
    for i, p in enumerate(parsed):
        article = Article(
            issue=issue, newspaper_id=issue.newspaper_id, date=issue.date, position=start + i, **article_fields(p)
        )
        # The vectors are written with the row, in the caller's transaction.
        article.search_head, article.search_body, article.search_words = vectors(
            article, [c.text for c in p.captions]
        )
        rows.append(article)
    articles = Article.objects.bulk_create(rows)
    Caption.objects.bulk_create(
        [
            Caption(article=a, position=j, text=c.text, credit=c.credit, lines=c.lines)
            for a, p in zip(articles, parsed)
            for j, c in enumerate(p.captions)
        ]
    )
    tag_counties(zip(articles, ([c.code for c in p.counties] for p in parsed)))
    return articles


def article_fields(p: ParsedArticle) -> dict[str, object]:
    return {
        "section": p.section,
        "kicker": p.kicker,
        "headline": p.headline,
        "subheadline": p.subheadline,
        "byline": list(p.byline),
        "byline_text": p.byline_text,
        "source": p.source,
        "body": p.body,
        "intertitles": p.intertitles,
        # Paragraph text lives in body only; blocks keep the print order (Article.reading_order).
        "blocks": [
            {"kind": str(b.kind)} if b.kind == BlockKind.PARAGRAPH else {"kind": str(b.kind), "text": b.text}
            for b in p.blocks
        ],
        "lines": list(p.lines),
        "continued": p.continued,
        "warnings": [str(w) for w in p.warnings],
    }


def tag_counties(pairs: Iterable[tuple[Article, list[str]]]) -> None:
    """Tag new articles with counties; the first code of each list is the primary county.

    Codes missing from the County table (a gazetteer newer than the loaded rows) are skipped.
    """
    pairs = list(pairs)
    known = set(County.objects.filter(code__in={c for _, codes in pairs for c in codes}).values_list("code", flat=True))
    tags = []
    for article, codes in pairs:
        codes = [c for c in dict.fromkeys(codes) if c in known]
        tags.extend(ArticleCounty(article=article, county_id=c, primary=(i == 0)) for i, c in enumerate(codes))
    ArticleCounty.objects.bulk_create(tags)
