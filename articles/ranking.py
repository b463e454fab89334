"""One page of ranked search results without ranking every match.

``ArticleQuerySet.search`` defines the order: tier (which fields hold the terms), then newest,
then id. Computing a tier for every match and sorting costs time in proportion to the number of
matches — seconds for a common term in a large archive. Here each tier is fetched on its own,
newest first and cut at what the page needs, in two steps (``newest_ids``):

1. candidates: the newest rows meeting a *loose* form of the tier's condition (every gram of a
   term anywhere, no positions, no weights on the large vectors), which the GIN indexes answer
   without reading the vectors. The planner's estimate decides whether to walk the date index
   (a common term) or collect the candidates through a bitmap and sort them (a rare one), and
   that plan is imposed: left to itself, PostgreSQL often picks the one that costs 100× more.
2. the exact condition (phrases, weights, excluded terms) on those candidates only.

Counting stops at SEARCH_COUNT_CAP, and is skipped when the estimate is far above it.

The page is the same as slicing the reference order (tests/test_ranking.py holds the two
together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL

from articles.query import ParsedQuery
from articles.search import exclusion_condition, match_condition, tier_chains

if TYPE_CHECKING:
    from articles.models import ArticleQuerySet

Condition = tuple[str, list[str]]


def _condition(sql: str, params: list[str]) -> RawSQL:
    return RawSQL(sql, params, output_field=models.BooleanField())


# Rough costs per row in µs, measured at 1,000,000 articles (docs/PERFORMANCE.md): a candidate
# collected through a GIN bitmap and sorted, and a row tested while walking the date index —
# against the inline head vector, or against a vector stored out of line (read from TOAST).
FETCH_US = 5.0
TEST_HEAD_US = 1.0
TEST_VECTOR_US = 15.0
# A walk of the date index reads at most this many times the rows the estimate says it needs;
# past that the estimate was wrong, and the candidates are collected instead. So a walk is
# chosen only when it is expected to cost this many times less than collecting: a wrong guess
# then costs at most about twice the right one.
WALK_SLACK = 4


class _Plans:
    """Makes PostgreSQL collect rows through a bitmap, or walk an index in order, statement by
    statement, inside one transaction (``with _Plans(db) as plans: plans.use(bitmap=…)``).

    Its estimates for text search are rough (a phrase of pairs looks rarer than either pair),
    and the wrong plan costs a hundred times more: walking the date index for a rare term reads
    the whole table; collecting a common term's matches to sort them reads them all (80 ms for
    a pair in 60% of a million articles, before a single row).
    """

    def __init__(self, using: str) -> None:
        self.using = using
        self._atomic = transaction.atomic(using=using)
        self._bitmap: bool | None = None
        self.table_rows: float | None = None  # read once per search (_table_rows)

    def __enter__(self) -> _Plans:
        self._atomic.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._atomic.__exit__(*exc)

    def use(self, *, bitmap: bool) -> None:
        if bitmap == self._bitmap:
            return
        on, off = ("enable_bitmapscan", "enable_indexscan") if bitmap else ("enable_indexscan", "enable_bitmapscan")
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SET LOCAL enable_seqscan = off; SET LOCAL {off} = off; SET LOCAL {on} = on")
        self._bitmap = bitmap


def _table_rows(qs: models.QuerySet) -> float:
    """Rows in the article table now: its size on disk times rows per page at the last VACUUM or
    ANALYZE (8 if never)."""
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(oid) / current_setting('block_size')::int"
            " * CASE WHEN relpages > 0 AND reltuples > 0 THEN reltuples / relpages ELSE 8 END"
            " FROM pg_class WHERE oid = %s::regclass",
            [qs.model._meta.db_table],
        )
        return float(cursor.fetchone()[0])


def newest_ids(
    plans: _Plans,
    base: ArticleQuerySet,
    exact: Condition,
    loose: Condition,
    limit: int,
    *,
    estimate: Condition | None = None,
    window: int = 0,
) -> list[int]:
    """The ``limit`` newest ids (date, then id, descending) of ``base`` meeting ``exact``.

    ``loose`` must hold wherever ``exact`` does, and the indexes answer it cheaply. Candidates
    meeting it are read newest first, ``window`` at a time (at least SEARCH_WINDOW × limit), and
    checked against ``exact``; a window that yields too few is followed by one eight times as
    large, until the candidates run out. Exact matches among the newest candidates are the
    newest exact matches, so the result is the same as sorting them all.

    The planner's estimate of the candidates (of ``estimate``, a looser condition that it
    estimates better; else of ``loose``) decides how they are read: walking the date index
    (testing rows on the way, for a common term) or collecting them all through the GIN bitmap
    and sorting (for a rare one). A walk that goes on much longer than the estimate promised
    stops and collects instead.
    """
    if limit <= 0:
        return []
    recheck = exact != loose
    # Without a recheck every candidate is a match: a window of ``limit`` is enough.
    window = max(window, settings.SEARCH_WINDOW * limit) if recheck else limit
    matches = base.filter(_condition(*loose)).order_by()
    plans.use(bitmap=True)
    estimate = max(base.filter(_condition(*(estimate or loose))).estimated_count(), 1)
    if plans.table_rows is None:
        plans.table_rows = _table_rows(base)
    rows = max(plans.table_rows, estimate)
    test_us = TEST_VECTOR_US if ("search_body" in loose[0] or "search_words" in loose[0]) else TEST_HEAD_US
    walk_rows = window * rows / estimate  # rows a walk reads to find a window of candidates
    walk = WALK_SLACK * walk_rows * test_us < estimate * FETCH_US
    found: list[int] = []
    for batch in _read_newest(plans, matches, window, walk_rows=int(WALK_SLACK * walk_rows) if walk else None):
        if recheck and batch:
            ok = _exact_ids(base, exact, batch)
            batch = [i for i in batch if i in ok]
        found.extend(batch)
        if len(found) >= limit:
            break
    return found[:limit]


def _exact_ids(base: ArticleQuerySet, exact: Condition, ids: list[int]) -> set[int]:
    """Those of ``ids`` that meet ``exact``: the rows fetched by id, then tested.

    The condition is kept out of the scan (OFFSET 0 fences it off): given the chance, the
    planner would answer it from the GIN indexes, reading every match in the table to test
    forty rows.
    """
    table = connections[base.db].ops.quote_name(base.model._meta.db_table)
    sql = f"SELECT id FROM (SELECT * FROM {table} WHERE id = ANY(%s) OFFSET 0) a WHERE {exact[0]}"
    with connections[base.db].cursor() as cursor:
        cursor.execute(sql, [ids, *exact[1]])
        return {row[0] for row in cursor.fetchall()}


def _read_newest(plans: _Plans, matches: ArticleQuerySet, window: int, *, walk_rows: int | None) -> Iterator[list[int]]:
    """The newest candidates in batches: the first ``window``, then each next window ×8.

    ``walk_rows``: walk the date index, but no further than the newest ``walk_rows`` articles
    (for each window); None, or a walk that ends there short of a window: collect and sort.
    """
    checked = 0
    while True:
        ids = None
        if walk_rows is not None:
            plans.use(bitmap=False)
            bound = _date_at(matches, walk_rows)
            walked = matches if bound is None else matches.filter(date__gte=bound)
            ids = list(walked.newest().values_list("id", flat=True)[:window])
            if len(ids) < window and bound is not None:
                ids, walk_rows = None, None
        if ids is None:
            plans.use(bitmap=True)
            ids = list(matches.newest().values_list("id", flat=True)[:window])
        yield ids[checked:]
        if len(ids) < window:
            return
        checked, window = len(ids), window * 8
        if walk_rows is not None:
            walk_rows *= 8


def _date_at(qs: ArticleQuerySet, n: int) -> dt.date | None:
    """The date of the n-th newest visible article (filters aside), None past the dated ones: a
    walk of the date index (of visible articles) down to it reads about n rows."""
    row = qs.model._default_manager.visible().newest().values_list("date", flat=True)[n : n + 1]
    return next(iter(row), None)


def _and(*conditions: Condition | None) -> Condition:
    present = [c for c in conditions if c is not None]
    return " AND ".join(f"({sql})" for sql, _ in present), [p for _, params in present for p in params]


def ranked_ids(base: ArticleQuerySet, query: ParsedQuery, stop: int, *, by_date: bool = False) -> list[int]:
    """Ids of the first ``stop`` matches of ``base`` in rank order (or newest first)."""
    with _Plans(base.db) as plans:
        if by_date:
            exact, loose = match_condition(query), match_condition(query, loose=True)
            return newest_ids(plans, base, exact, loose, stop, estimate=_estimate(query))
        return _ranked_ids(plans, base, query, stop)


def _ranked_ids(plans: _Plans, base: ArticleQuerySet, query: ParsedQuery, stop: int) -> list[int]:
    exclusion = exclusion_condition(query)
    ids: list[int] = []
    # Tiers come in nested chains (exact matches, then word matches): an article in a better tier
    # is in the last tier seen of its chain, so excluding the last of each chain is enough.
    last_of_chain: dict[str, Condition] = {}
    # The final "tier" catches matches that meet no tier condition.
    exact_tiers = [*tier_chains(query), ("rest", match_condition(query))]
    loose_tiers = [*tier_chains(query, loose=True), ("rest", match_condition(query, loose=True))]
    estimates = [*tier_chains(query, loose=True, estimate=True), ("rest", _estimate(query))]
    for (chain, tier), (_, loose), (_, estimate) in zip(exact_tiers, loose_tiers, estimates):
        better = [(f"NOT ({sql})", params) for sql, params in last_of_chain.values()]
        exact = _and(tier, exclusion, *better)
        # Candidates from better tiers are dropped by the exact check; there are fewer than
        # ``stop`` of them (else the page would be full), so a window of 2 × stop suffices.
        window = settings.SEARCH_WINDOW * stop
        ids.extend(newest_ids(plans, base, exact, _and(loose), stop - len(ids), estimate=estimate, window=window))
        if len(ids) >= stop:
            break
        last_of_chain[chain] = tier
    return ids


def _estimate(query: ParsedQuery) -> Condition:
    return match_condition(query, loose=True, estimate=True)


def newest_matches(base: ArticleQuerySet, query: ParsedQuery, limit: int) -> list[int]:
    """Ids of the ``limit`` newest matches of ``query`` in ``base`` (the facets' sample)."""
    with _Plans(base.db) as plans:
        exact, loose = match_condition(query), match_condition(query, loose=True)
        return newest_ids(plans, base, exact, loose, limit, estimate=_estimate(query))


@dataclass
class RankedResults:
    """The ranked matches of a query, as a lazy sequence for Django's Paginator."""

    base: ArticleQuerySet  # filters applied (and for_listing() for what a row shows)
    query: ParsedQuery
    by_date: bool = False  # sort=date: newest first instead of by tier
    _cache: dict[tuple[int, int], list] = field(default_factory=dict)
    _loose_estimate: int = 0  # the planner's estimate of the candidates, from capped_count

    def _matches(self) -> ArticleQuerySet:
        return self.base.order_by().filter(_condition(*match_condition(self.query)))

    def count(self) -> int:
        return self._matches().count()

    def capped_count(self, cap: int) -> int:
        """The count up to ``cap``; at once ``cap`` when the estimate is far above it.

        Counting even a thousand matches of a common term means building a bitmap of all of
        them first (170 ms for a pair in 60% of a million articles), and the reader is shown
        the estimate anyway.
        """
        loose = self.base.order_by().filter(_condition(*match_condition(self.query, loose=True)))
        self._loose_estimate = loose.estimated_count()
        if self._loose_estimate >= settings.SEARCH_ESTIMATE_FACTOR * cap:
            return cap
        return self._matches().capped_count(cap)

    def estimated_count(self) -> int:
        return max(self._matches().estimated_count(), self._loose_estimate)

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RankedResults supports plain slices only")
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = start + settings.SEARCH_COUNT_CAP
        key = (start, stop)
        if key not in self._cache:
            ids = ranked_ids(self.base.order_by(), self.query, stop, by_date=self.by_date)[start:stop]
            rows = {a.id: a for a in self.base.order_by().filter(id__in=ids)}
            self._cache[key] = [rows[i] for i in ids if i in rows]
        return self._cache[key]
