"""Plain factory functions for tests (no JSON fixtures)."""

from __future__ import annotations

import datetime as dt
import itertools

from articles.models import Article, Issue, Newspaper
from articles.store import IssueMeta, create_articles, ensure_counties, ingest_bytes
from ingest.model import Block, BlockKind, County, ParsedArticle
from ingest.model import Caption as ParsedCaption
from tests.conftest import SEED_FILES

_counter = itertools.count()


def seed_meta() -> dict[str, IssueMeta]:
    from ingest.manifest import read_manifest

    entries = read_manifest(SEED_FILES[0].parent)
    return {
        name: IssueMeta(paper=e.paper, date=e.date, page=e.page, prefecture_code=e.prefecture)
        for name, e in entries.items()
    }


def ingest_seeds() -> list:
    # Transactional tests (the browser's live server) flush every table, counties included.
    ensure_counties()
    metas = seed_meta()
    return [ingest_bytes(p.name, p.read_bytes(), metas[p.name]) for p in SEED_FILES]


def make_issue(*, paper: str = "测试日报", date: dt.date | None = None, text: str = "") -> Issue:
    newspaper, _ = Newspaper.objects.get_or_create(name=paper)
    n = next(_counter)
    return Issue.objects.create(
        newspaper=newspaper, date=date, source_name=f"test-{n}.txt", sha256=f"{n:064x}", raw_text=text
    )


def make_article(
    *,
    issue: Issue | None = None,
    headline: str = "",
    kicker: str = "",
    subheadline: str = "",
    body: str = "",
    captions: tuple[str, ...] = (),
    byline: tuple[str, ...] = (),
    counties: tuple[County, ...] = (),
    date: dt.date | None = None,
    paper: str = "测试日报",
) -> Article:
    """One stored, indexed article built through the real ingest path (create_articles)."""
    issue = issue or make_issue(paper=paper, date=date)

    parsed = ParsedArticle(
        kicker=kicker,
        headline=headline,
        subheadline=subheadline,
        byline=list(byline),
        blocks=[Block(BlockKind.PARAGRAPH, p) for p in body.split("\n") if p],
        captions=[ParsedCaption(text=c) for c in captions],
        counties=list(counties),
    )
    start = issue.articles.count()
    (article,) = create_articles(issue, [parsed], start=start)
    return article
