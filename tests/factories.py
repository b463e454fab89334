"""Plain factory functions for tests (no JSON fixtures)."""

from __future__ import annotations

import datetime as dt
import itertools
from urllib.parse import quote

from django.db import connection

from articles.models import Article, Page
from articles.writer import Action, PageMeta, apply_state, get_issue, get_newspaper, ingest_file, load_state
from ingest.model import Block, BlockKind, County, ParsedArticle
from ingest.model import Caption as ParsedCaption
from tests.conftest import SEED_FILES

_counter = itertools.count()


def database_url() -> str:
    """The test database as a DATABASE_URL, for a child process (DATABASE_URL's server, or the
    embedded one's socket)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    host = quote(s["HOST"] or "", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


def seed_meta() -> dict[str, PageMeta]:
    from ingest.manifest import read_manifest

    entries = read_manifest(SEED_FILES[0].parent)
    return {
        name: PageMeta(paper=e.paper, date=e.date, label=e.page, prefecture_code=e.prefecture)
        for name, e in entries.items()
    }


def ingest_seeds(status: str = Page.Status.PUBLISHED) -> list:
    """The five seed pages through the real write path (published, as ``manage.py serve`` loads them)."""
    from articles.counties import load_counties
    from articles.models import County as CountyRow

    # Transactional tests (the browser's live server) flush every table, counties included.
    load_counties(CountyRow)
    metas = seed_meta()
    return [ingest_file(p.name, p.read_bytes(), metas[p.name], status=status) for p in SEED_FILES]


def make_page(
    *, paper: str = "测试日报", date: dt.date | None = None, text: str = "", status: str = Page.Status.PUBLISHED
) -> Page:
    """An empty page (no articles) with this text; make_article fills it."""
    n = next(_counter)
    return Page.objects.create(
        issue=get_issue(get_newspaper(paper), date),
        source_name=f"test-{n}.txt",
        sha256=f"{n:064x}",
        content_key=f"{n:064x}",
        raw_text=text,
        status=status,
    )


def make_article(
    *,
    page: Page | None = None,
    headline: str = "",
    kicker: str = "",
    subheadline: str = "",
    body: str = "",
    intertitles: tuple[str, ...] = (),
    captions: tuple[str, ...] = (),
    byline: tuple[str, ...] = (),
    counties: tuple[County, ...] = (),
    date: dt.date | None = None,
    paper: str = "测试日报",
) -> Article:
    """One stored, indexed article, added to its page through the real write path (its
    subheadings, if any, after the body's paragraphs)."""
    page = page or make_page(paper=paper, date=date)
    parsed = ParsedArticle(
        kicker=kicker,
        headline=headline,
        subheadline=subheadline,
        byline=list(byline),
        blocks=[Block(BlockKind.PARAGRAPH, p) for p in body.split("\n") if p]
        + [Block(BlockKind.INTERTITLE, t) for t in intertitles],
        captions=[ParsedCaption(text=c) for c in captions],
        counties=list(counties),
    )
    state = load_state(page)
    state.articles.append(parsed)
    revision = apply_state(page, state, user=None, action=Action.EDIT, summary="test")
    return Article.objects.get(pk=revision.state["articles"][-1]["ref"])


PASSWORD = "Zhang-San-2025-archive"


def make_user(name: str = "user", *, role=None, password: str = PASSWORD, **fields):
    """An account, with a role ("编辑"/"管理员" group, articles/roles.py) when one is given."""
    from django.contrib.auth.models import Group, User

    from articles.roles import assign_role, sync_roles

    user = User.objects.create_user(name, password=password, **fields)
    if role is not None:
        if not Group.objects.filter(name=role.label).exists():
            sync_roles()  # transactional tests flush the groups the migration made
        assign_role(user, role)
    return user


def signed_in(name: str, role=None):
    """A test client signed in as a new account of that role."""
    from django.test import Client

    client = Client()
    client.force_login(make_user(name, role=role))
    return client
