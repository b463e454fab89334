"""Reads of the archive's content from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``).

Enabled only when that variable is set (archive/settings.py); docs/OPERATIONS.md says when it is
worth it. The replica is a moment behind the primary, so it is opt-in per request: only an
anonymous reader's GET or HEAD (no session signed in, no Authorization header) outside the
editors' and admins' addresses and the write API reads there (:class:`ReplicaReadsMiddleware`),
and only the content models below. Everything else reads the primary:

- whoever may just have written: the API's POST reads back the page it committed, an editor's
  preview and drafts show what was uploaded a moment ago, the writer checks what it refused or
  replaced, a correction checks the page it locked; from a replica that has not received the
  write yet, each would find nothing;
- every read inside a transaction on the primary, and every command (no request at all);
- sessions, users, API tokens, sign-in lockouts and the shared cache (its generation keys say
  which pages are stale), whoever asks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"

# What readers read: published through articles/writer.py, a moment late on the replica at worst.
REPLICATED = frozenset({
    "articles.newspaper",
    "articles.issue",
    "articles.page",
    "articles.article",
    "articles.caption",
    "articles.articlecounty",
    "articles.county",
    "articles.pagerevision",
})

# Whether this request may read the replica, asked on its first read of the content (so that the
# session it may load for that is loaded in the view, where a database outage is the 503); unset
# for everything else (a command, a thread of its own, a test) unless it asks with reading_replica().
_replica_reads: ContextVar[Callable[[], bool] | None] = ContextVar("replica_reads", default=None)


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads of the content models inside this block may go to the replica."""
    token = _replica_reads.set(lambda: True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: object) -> str:
        # Not label_lower: the database cache's stand-in model has only app_label and model_name.
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if label not in REPLICATED:
            return DEFAULT_DB_ALIAS  # before asking may_read_replica, which may read a session here
        may = _replica_reads.get()
        if may is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA if may() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool:
        # The replica is the primary's copy: a row read there may point at one read here.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: object) -> bool:
        # The replica receives the schema through replication; migrations run on the primary.
        return db == DEFAULT_DB_ALIAS


# Where someone reads what they have just written, whoever they are: the write API, the editors'
# pages (upload, drafts, a page's preview and every action under /pages/<id>/…), the admin and
# sign-in. /pages/<id>/ itself is the reader's page. tests/test_routers.py checks that every
# address of articles/editor_views.py, corrections_views.py and api.py is matched here.
_PRIMARY_PATHS = re.compile(r"^/(?:api/pages(?:/|$)|upload/|pages/\d+/.|admin/|accounts/)")


def may_read_replica(request: HttpRequest) -> bool:
    """An anonymous reader's GET or HEAD outside the addresses above."""
    if request.method not in ("GET", "HEAD") or "authorization" in request.headers:
        return False
    if _PRIMARY_PATHS.match(request.path_info):
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True  # no session, so nobody signed in: asked without loading one (no Vary: Cookie)
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


class ReplicaReadsMiddleware:
    """Lets the view of :func:`may_read_replica`'s requests read the replica (after
    AuthenticationMiddleware: a signed-in editor reads the primary everywhere). Asked once, on the
    request's first read of the content, not here: nothing in this middleware touches the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _replica_reads.set(functools.cache(lambda: may_read_replica(request)))
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
