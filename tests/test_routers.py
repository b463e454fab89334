"""Reads from a streaming replica (archive/routers.py), enabled by DATABASE_REPLICA_URL: only an
anonymous reader's GET or HEAD reads there; whoever may just have written reads the primary."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver

from archive import urls
from archive.routers import REPLICA, ReplicaRouter, may_read_replica, reading_replica
from articles.auth import issue_token
from articles.models import ApiToken, Article, County, Page, PageRevision
from articles.roles import Role
from tests.conftest import SEED_FILES
from tests.factories import database_url, make_user

ROOT = Path(__file__).resolve().parent.parent
router = ReplicaRouter()


def test_readers_content_is_read_from_the_replica_when_the_request_may():
    with reading_replica():
        for model in (Article, Page, County, PageRevision):
            assert router.db_for_read(model) == REPLICA, model


def test_without_the_requests_leave_everything_reads_the_primary():
    # A command, a signed-in editor, an API write: nobody said the replica will do.
    for model in (Article, Page, County, PageRevision):
        assert router.db_for_read(model) == "default", model


def test_sign_ins_tokens_and_the_shared_cache_stay_on_the_primary():
    # A session, token or cache generation written a moment ago may not be on the replica yet.
    from django.core.cache.backends.db import DatabaseCache

    cache = DatabaseCache("archive_cache", {})
    with reading_replica():
        for model in (User, Session, ApiToken, cache.cache_model_class):
            assert router.db_for_read(model) == "default", model


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_and_every_write_go_to_the_primary():
    with reading_replica():
        assert router.db_for_read(Article) == REPLICA
        with transaction.atomic():
            # The writer reads back what it has just written: the replica may not have it yet.
            assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate(REPLICA, "articles") is False
    assert router.allow_migrate("default", "articles") is True


def _settings_with(replica_url: str, primary: str = "postgres://x@127.0.0.1/archive") -> subprocess.CompletedProcess:
    code = ("import django; from django.conf import settings; d = settings.DATABASES;"
            "print(sorted(d), settings.DATABASE_ROUTERS, d['replica']['HOST'], d['replica']['OPTIONS']['options'],"
            " d['replica']['TEST'])")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "SECRET_KEY": "x",
           "DATABASE_REPLICA_URL": replica_url}
    if primary:
        env["DATABASE_URL"] = primary
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_the_replica_url_turns_the_router_on():
    done = _settings_with("postgres://reader@replica.example:5432/archive")
    assert done.returncode == 0, done.stderr
    assert "['default', 'replica'] ['archive.routers.ReplicaRouter'] replica.example" in done.stdout
    assert "work_mem=" in done.stdout and "'MIRROR': 'default'" in done.stdout  # as the primary's connections


def test_the_replica_keeps_its_own_connection_options():
    done = _settings_with("postgres://reader@replica.example:5432/archive?options=-c%20statement_timeout%3D5000")
    assert done.returncode == 0, done.stderr
    assert "-c statement_timeout=5000 -c work_mem=" in done.stdout  # its own, then the primary's


@pytest.mark.parametrize(
    ("url", "primary", "message"),
    [
        ("mysql://x@replica/archive", "postgres://x@127.0.0.1/archive", "must point at PostgreSQL"),
        ("not a url", "postgres://x@127.0.0.1/archive", "DATABASE_REPLICA_URL"),
        ("postgres://x@replica/archive", "", "needs DATABASE_URL"),
    ],
)
def test_a_bad_replica_url_stops_start_up(url, primary, message):
    done = _settings_with(url, primary)
    assert done.returncode != 0
    assert message in done.stderr


# Run in a child process with the real settings and both URLs naming the test database: the
# search page's code path and the API, each query recorded with the connection it went to.
_CHILD = """
import json, django
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article
from archive.routers import reading_replica
from articles.paging import get_page
from articles.params import read_params

captured = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")}
for capture in captured.values():
    capture.__enter__()
with reading_replica():  # as for an anonymous reader's request (the API's below is one)
    params = read_params({"q": "介休"})
    page = get_page(params.filter(Article.objects.for_listing()), params.page, params.page_size)
    ids = [a.pk for a in page.object_list]
    params.facets(exact_count=page.paginator.exact)
api = Client().get("/api/articles", {"q": "介休"})
for capture in captured.values():
    capture.__exit__(None, None, None)
print(json.dumps({
    "ids": ids,
    "api": [r["id"] for r in api.json()["results"]],
    "sql": {alias: [q["sql"] for q in capture.captured_queries] for alias, capture in captured.items()},
}))
"""


@pytest.mark.django_db(transaction=True)  # the child reads what this test committed
def test_with_a_replica_searches_read_there_and_only_the_shared_cache_reads_the_primary(seeds):
    url = database_url()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url, "DATABASE_REPLICA_URL": url,
           "ALLOWED_HOSTS": "testserver"}
    done = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["ids"] and seen["api"] == seen["ids"]
    on_replica, on_primary = seen["sql"]["replica"], seen["sql"]["default"]
    assert any("articles_article" in sql for sql in on_replica)
    assert any("SET LOCAL" in sql for sql in on_replica)  # the search's imposed plans, in its transaction there
    assert not any('"articles_' in sql for sql in on_primary), on_primary


# -- which requests may read the replica (ReplicaReadsMiddleware) -------------------------------

WRITERS_VIEWS = {"articles.editor_views", "articles.corrections_views", "articles.api"}


def _patterns(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _example_path(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: {"int": "7", "slug": "split"}.get(m[1] or "", "x"), route)


def _request(path: str, method: str = "get", *, user=None, session: bool = False, **headers: str):
    factory = RequestFactory(headers=headers)
    request = getattr(factory, method)(path)
    if session:
        request.COOKIES["sessionid"] = "s"
    request.user = user or AnonymousUser()
    return request


def test_every_editor_correction_and_write_api_address_reads_the_primary():
    routes = [(route, p) for route, p in _patterns(urls.urlpatterns) if p.callback.__module__ in WRITERS_VIEWS]
    assert len(routes) >= 15, routes  # upload, drafts, the page actions, corrections, /api/pages…
    for route, _ in routes:
        path = _example_path(route)
        assert not may_read_replica(_request(path)), path


@pytest.mark.parametrize(
    "path", ["/", "/search?q=x", "/articles/7/", "/pages/7/", "/counties/", "/papers/", "/api/articles", "/feeds/latest/"]
)
def test_an_anonymous_readers_get_may_read_the_replica(path):
    assert may_read_replica(_request(path))
    assert may_read_replica(_request(path, "head"))
    assert may_read_replica(_request(path, session=True))  # a session, nobody signed in


def test_a_signed_in_user_a_token_or_a_post_reads_the_primary():
    editor = User(username="e")  # an unsaved user is authenticated all the same
    assert not may_read_replica(_request("/pages/7/", user=editor, session=True))
    assert not may_read_replica(_request("/api/articles", authorization="Token abc"))
    assert not may_read_replica(_request("/search", "post"))
    assert not may_read_replica(_request("/admin/"))


# -- a replica that lags ------------------------------------------------------------------------


@pytest.fixture
def lagging_replica(transactional_db, settings) -> Iterator:
    """A replica alias on the test database whose connection holds a snapshot taken before the
    test writes anything: it answers like a replica that has received nothing since.
    ``catch_up()`` ends the snapshot."""
    # Made here rather than in DATABASES: the test case allows only the databases it was set up with.
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    replica = load_backend(primary["ENGINE"]).DatabaseWrapper({**primary, "CONN_MAX_AGE": None}, REPLICA)
    connections[REPLICA] = replica
    settings.DATABASE_ROUTERS = ["archive.routers.ReplicaRouter"]
    with replica.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT count(*) FROM articles_page")  # the snapshot is taken here

    def catch_up() -> None:
        with replica.cursor() as cursor:
            cursor.execute("COMMIT")

    replica.catch_up = catch_up
    try:
        yield replica
    finally:
        # Before the test case's own teardown walks the connections.
        replica.close()
        del connections[REPLICA]


@pytest.mark.usefixtures("counties")
def test_with_a_lagging_replica_a_writer_reads_its_own_writes_and_a_reader_the_replica(lagging_replica, client):
    key = issue_token(make_user("editor", role=Role.EDITOR))
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    upload = SimpleUploadedFile("p1.txt", SEED_FILES[0].read_bytes())
    # The API reads back the page it has just committed: from the replica it would find nothing.
    response = client.post("/api/pages", {"file": upload, "paper": "太行日报"}, **auth)
    assert response.status_code == 201, response.content
    pk = response.json()["page"]["id"]
    response = client.post(f"/api/pages/{pk}/publish", **auth)
    assert response.status_code == 200, response.content
    assert Page.objects.get(pk=pk).status == Page.Status.PUBLISHED

    # An anonymous reader reads the replica, which has not received the page yet.
    with CaptureQueriesContext(lagging_replica) as on_replica:
        assert client.get(f"/pages/{pk}/").status_code == 404
    assert any("articles_page" in q["sql"] for q in on_replica.captured_queries)
    # Its editor, signed in, reads the primary.
    client.force_login(User.objects.get(username="editor"))
    assert client.get(f"/pages/{pk}/").status_code == 200
    client.logout()

    lagging_replica.catch_up()
    assert client.get(f"/pages/{pk}/").status_code == 200
