"""Conditional GET and Cache-Control for what the site serves (wired in archive/urls.py).

Validators. What feeds, sitemaps, exports, the read API and the OpenAPI description answer changes
only when a write changes what readers see, and every such write goes through articles/writer.py,
which renews the shared write generation (articles/page_cache.py ``current_generation``). So their
ETag is that generation with the answer's language: ``W/"<generation>-<language>"``, read before
the view runs; a request whose ``If-None-Match`` holds it is answered 304 without running the view
(no query, no export, no search). The language is in it because the prose (feed titles, the
OpenAPI description) follows the language cookie (and the answers say ``Vary: Cookie``). Weak:
the same generation means the same content, not the same bytes. With a read replica
(DATABASE_REPLICA_URL) there are no validators: an answer read from a replica a moment behind
could carry the generation of a write it does not show yet, and 304s would keep it until the next
write. A deploy that changes what an address answers, without a write, should be followed by one
(or a cache clear) to renew the validators.

Their Last-Modified is likewise the time the generation was first seen (``generation_time``),
not the feeds' newest entry or the sitemaps' day: a withdrawal, or a story published under an old
date, changes what they answer without moving those, and a client asking ``If-Modified-Since``
alone would be told "unchanged". HTTP dates count whole seconds: two writes within one second,
with a fetch between them, may leave an If-Modified-Since-only client one write behind until the
next; If-None-Match has no such gap.

Cache-Control, said explicitly everywhere it matters:

- feeds, sitemaps, robots.txt, OpenSearch: ``public, max-age=300``. Nothing in them is personal,
  and five minutes late is on time for a feed reader or a crawler.
- the read API, exports, the OpenAPI description: ``public, no-cache``. Anyone may keep them, but
  must ask again each time (a 304, through the ETag, costs nothing): a withdrawn story must leave
  a script's answers at once, and an API client expects what is there now.
- HTML pages: ``private, no-cache``. Every page carries the reader's own CSRF token (the footer's
  language switch) and is made in the reader's language, so no shared cache may hand one reader's
  page to another (``Vary: Cookie`` alone leaves that to the cache's care), and the browser asks
  again each time (the next write may have withdrawn what it shows). No ETag: the token differs on
  every answer, and a browser's kept copy would carry a token its CSRF cookie may since have
  replaced (a sign-in renews it).

Only a 200 or a 304 is given these; a refusal keeps what it says (the outage's ``no-store``) or
nothing.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from archive.routers import REPLICA
from articles.page_cache import current_generation

View = Callable[..., HttpResponse]

MACHINE_MAX_AGE = 300
# A generation's time is kept this long; one asked for after it expired is stamped anew (later:
# a 200 where a 304 would have done, never the reverse).
GENERATION_TIME_SECONDS = 30 * 24 * 3600

# This process's copy of the current generation's time: (generation, seconds since the epoch).
_time_memo: tuple[str, int] | None = None


def _now() -> int:
    return int(time.time())


def generation_time(generation: str) -> int:
    """When ``generation`` was first seen by any process (shared through the default cache): the
    answers' Last-Modified. Every write makes a new generation, first seen after the write, so a
    write moves it on — unlike the feeds' newest entry or the sitemaps' day, which a withdrawal or a
    story published under an old date leaves where they were."""
    global _time_memo
    memo = _time_memo
    if memo is not None and memo[0] == generation:
        return memo[1]
    key = f"generation-time:{generation}"
    cache.add(key, _now(), timeout=GENERATION_TIME_SECONDS)  # the first process's time stands
    seen = cache.get(key) or _now()
    _time_memo = (generation, seen)
    return seen


def _cache_control(response: HttpResponse, **directives: object) -> HttpResponse:
    if response.status_code in (200, 304) and not response.has_header("Cache-Control"):
        patch_cache_control(response, **directives)
    return response


def revalidated(view: View, **directives: object) -> View:
    """The view's GET and HEAD answered 304 while the write generation is the one the client
    holds (If-None-Match) or saw (If-Modified-Since), before the view runs; its 200s carry that
    generation as ETag and its time as Last-Modified, and the Cache-Control ``directives``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if REPLICA in settings.DATABASES:
            # The content may come from a replica that has not yet replayed the write which made
            # the generation: tagged with it, a stale answer would be confirmed by 304s until the
            # next write. No validators then; the Cache-Control still says who may keep it.
            return _cache_control(view(request, *args, **kwargs), **directives)
        generation = current_generation()
        etag = f'W/"{generation}-{get_language()}"'
        modified = generation_time(generation)
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        response = get_conditional_response(request, etag=etag, last_modified=modified)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
        if response.status_code in (200, 304):
            response.headers.setdefault("ETag", etag)
            response["Last-Modified"] = http_date(modified)
        return _cache_control(response, **directives)

    return wrapped


def for_machines(view: View) -> View:
    """Feeds, sitemaps, robots.txt, OpenSearch: anyone may keep them five minutes."""
    return revalidated(view, public=True, max_age=MACHINE_MAX_AGE)


def always_revalidated(view: View) -> View:
    """The read API, exports, the OpenAPI description: kept only if asked for again each time."""
    return revalidated(view, public=True, no_cache=True)


def private_page(view: View) -> View:
    """An HTML page: the reader's own (CSRF token, language), asked for again each time."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return _cache_control(view(request, *args, **kwargs), private=True, no_cache=True)

    return wrapped
