"""Whole reader pages kept in each process's memory until the next write.

The browse pages (home, counties, a county, papers, a paper's calendar, an issue, a page, an
article) change only when something is written, and every write that changes what readers see
goes through articles/writer.py, which deletes the shared *generation* on commit
(``writer.clear_caches``). So an anonymous reader's page is kept under the generation read before
it was made, with the address (scheme, host, path and query) and the page language; the next
write makes a new generation, and every process then makes its pages afresh. A write that commits
while a page is being made deletes the generation that page is filed under: it is never taken for
newer than the write. (Not so with a read replica, DATABASE_REPLICA_URL: a page made from a replica
that has not yet replayed the write is kept under the new generation until it expires; see
docs/OPERATIONS.md.) The home summary (``views._summary``) is kept under the same generation.

Who gets a kept page: GET or HEAD without a session cookie and without a messages cookie — so
never a signed-in user (editors see drafts and their own header), nor anyone with a message
waiting. Their pages are made fresh, and not kept.

Every page's footer has the language switch, a POST form with a CSRF token. A kept page holds a
placeholder instead, and each reader gets a token of their own (``get_token``, which also sets the
CSRF cookie exactly as making the page would have).

Why not Django's ``cache_page``: its key includes the value of every header named in ``Vary``, and
pages vary on ``Cookie`` (the language): every reader with a CSRF cookie would get an entry of
their own, and a first visit (which sets that cookie) is never kept at all. It also expires by the
clock, not by writes, and would send ``Cache-Control: max-age`` to browsers, which would then keep a
withdrawn story.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from articles.writer import HOME_GENERATION_KEY

CACHE_ALIAS = "pages"
# Larger pages (a part of a very long page file) are made each time: a few would otherwise take
# the memory of hundreds of ordinary ones (an article page is about 13 KB).
MAX_BYTES = 128 * 1024
# Stands for the reader's own CSRF token in a kept page (never in text: not a token's alphabet).
TOKEN_PLACEHOLDER = b"\x00csrf\x00"
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')

# This process's last read of the shared generation: (value, monotonic time of the read).
_memo: tuple[str, float] | None = None


def current_generation() -> str:
    """The shared generation (made if missing), read at most once per PAGE_CACHE_CHECK_SECONDS
    in each process; a write in this process forgets the memo at once (``forget_generation``)."""
    global _memo
    now = time.monotonic()
    memo, forgotten = _memo, _forgotten
    if memo is not None and now - memo[1] < settings.PAGE_CACHE_CHECK_SECONDS:
        return memo[0]
    generation = cache.get(HOME_GENERATION_KEY)
    if generation is None:
        made = uuid.uuid4().hex
        # Another process may have made one first (add keeps theirs); or a write deleted it just
        # now, and then the one made here is as new as any.
        generation = made if cache.add(HOME_GENERATION_KEY, made, timeout=None) else cache.get(HOME_GENERATION_KEY) or made
    if forgotten == _forgotten:  # no write in this process since the read began: keep it
        _memo = (generation, now)
    return generation


def generation_kept(key: str, compute: Callable[[], object], timeout: int) -> object:
    """``compute()``, kept in the shared cache under ``key`` until a write commits (the shared
    generation changes: writer.clear_caches) or ``timeout`` passes: whole-table lists that are
    costly to make and must follow what readers may see (the county sitemap, the exports page).
    The generation is read before computing, so a write that commits meanwhile leaves the value
    stale at once, never taken for newer than that write."""
    generation = current_generation()
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == generation:
        return kept[1]
    value = compute()
    cache.set(key, (generation, value), timeout=timeout)
    return value


# Bumped by every write in this process: a read that began before it must not be remembered.
_forgotten = 0


def forget_generation() -> None:
    """Called by writer.clear_caches: this process reads the new generation on its next page."""
    global _memo, _forgotten
    _forgotten += 1
    _memo = None


def _keepable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request: HttpRequest, generation: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return f"page:{generation}:{get_language()}:{digest}"


def _lifetime() -> float:
    """Between half and all of PAGE_CACHE_SECONDS: pages kept in the same minute (a worker's
    first, busy minute) expire over several minutes, not together. Measured: with one lifetime
    for all, the tenth minute of the long load made every page afresh at once and its p95 rose
    from 345 to 567 ms (docs/RELIABILITY.md)."""
    return settings.PAGE_CACHE_SECONDS * random.uniform(0.5, 1.0)


def reader_page(view: Callable[..., HttpResponse] | None = None, *, query: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """Serve anonymous readers the page kept for this address, language and generation, or make
    it and keep it (200 answers only). ``query``: the parameters the view reads; an address with
    any other parameter is made each time and not kept, so made-up parameters (``?x=1``, ``?x=2``…)
    cannot fill a worker's memory with copies of one page."""
    if view is None:
        return functools.partial(reader_page, query=query)
    allowed = frozenset(query)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _keepable(request) or not allowed.issuperset(request.GET.keys()):
            return view(request, *args, **kwargs)
        pages = caches[CACHE_ALIAS]
        key = _key(request, current_generation())
        kept = pages.get(key)
        if kept is not None:
            headers, body = kept
            if TOKEN_PLACEHOLDER in body:
                body = body.replace(TOKEN_PLACEHOLDER, get_token(request).encode("ascii"))
            return HttpResponse(body, headers=headers)
        response = view(request, *args, **kwargs)
        keep = response.status_code == 200 and not response.streaming and not response.cookies
        if keep and len(response.content) <= MAX_BYTES:
            body = _TOKEN.sub(rb"\1" + TOKEN_PLACEHOLDER + rb"\2", response.content)
            headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
            pages.set(key, (headers, body), timeout=_lifetime())
        return response

    return wrapped
