"""Facts kept in each process until a write readers would see, or for SEARCH_MEMO_SECONDS.

Search asks the database the same things about the table on every request — the planner's
estimates of a term's rows (an EXPLAIN costs as much planning as the statement itself, a
millisecond or more with the vectors' fine statistics), the table's size, the date of the n-th
newest article, the counties' names — none of which is any one query's answer. They are kept
here under the shared generation that every write through articles/writer.py replaces
(articles/page_cache.py): at once in the writing process, within PAGE_CACHE_CHECK_SECONDS in the
others (each reads the generation at most that often); and for at most SEARCH_MEMO_SECONDS
(0: never kept). A stale estimate could only choose a slower plan, never other rows; a paper or
county that another process has just written is read again when it is missing from what is kept
(Newspaper.objects.ranked, County.objects.names); a county or paper renamed in the admin (which
does not go through the writer) shows its new name within SEARCH_MEMO_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from articles.page_cache import current_generation

T = TypeVar("T")

_memo: dict[tuple, tuple[str, float, object]] = {}
# Entries before all are dropped: an estimate's key holds its statement (a few KB at most, the
# query's length being bounded by MAX_QUERY_CHARS), so a worker keeps at most some tens of MB.
ENTRIES = 5000


def enabled() -> bool:
    return settings.SEARCH_MEMO_SECONDS > 0


def remembered(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``key`` in this process since the last write."""
    if not enabled():
        return compute()
    generation, now = current_generation(), time.monotonic()
    kept = _memo.get(key)
    if kept is not None and kept[0] == generation and now < kept[1]:
        return kept[2]  # type: ignore[return-value]
    value = compute()
    if len(_memo) >= ENTRIES:
        _memo.clear()
    _memo[key] = (generation, now + settings.SEARCH_MEMO_SECONDS, value)
    return value


def forget() -> None:
    _memo.clear()
