"""One page of ranked search results without ranking every match.

``ArticleQuerySet.search`` defines the order: tier (which fields hold the terms), then newest,
then id. Computing a tier for every match and sorting costs time in proportion to the number of
matches — seconds for a common term in a large archive. Here each tier is fetched on its own,
newest first and cut at what the page needs, in two steps (``newest_ids``):

1. candidates: the newest rows meeting a *loose* form of the tier's condition (every gram of a
   term anywhere, no positions, no weights on the large vectors), which the GIN indexes answer
   without reading the vectors. PostgreSQL walks the date index for a common term and sorts
   the few matches of a rare one.
2. the exact condition (phrases, weights, excluded terms) on those candidates only.

The page is the same as slicing the reference order (tests/test_ranking.py holds the two
together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL

from articles.query import ParsedQuery
from articles.search import ArticleQuerySet, exclusion_condition, match_condition, tier_chains

Condition = tuple[str, list[str]]


def _condition(sql: str, params: list[str]) -> RawSQL:
    return RawSQL(sql, params, output_field=models.BooleanField())


# Rough costs per row in µs, measured at 100,000 articles (docs/PERFORMANCE.md): a candidate
# fetched through a GIN bitmap (no vector read), and a row tested while walking the date index —
# against the inline head vector, or against a vector stored out of line (read from TOAST).
FETCH_US = 1.0
TEST_HEAD_US = 1.0
TEST_VECTOR_US = 15.0

# The physical block of a row: a bitmap scan returns rows in block order, so the block reached
# after n candidates tells what share of the table held them.
def _block(model: type[models.Model]) -> RawSQL:
    return RawSQL(f'("{model._meta.db_table}".ctid::text::point)[0]::bigint', [], output_field=models.BigIntegerField())


class _Plans:
    """Makes PostgreSQL collect rows through a bitmap, or walk an index in order, statement by
    statement, inside one transaction (``with _Plans(db) as plans: plans.use(bitmap=…)``).

    Its estimates for text search are far off (a phrase of pairs looks rarer than either pair),
    and the wrong plan costs a hundred times more: walking the date index for a rare term reads
    the whole table; collecting a common term's matches to sort them reads them all.
    """

    def __init__(self, using: str) -> None:
        self.using = using
        self._atomic = transaction.atomic(using=using)
        self._bitmap: bool | None = None

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


def _table_size(qs: ArticleQuerySet) -> tuple[int, float]:
    """(pages, rows) of the article table now: its size on disk, and rows per page as of its last
    VACUUM or ANALYZE (8 if never)."""
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(oid) / current_setting('block_size')::int,"
            " CASE WHEN relpages > 0 AND reltuples > 0 THEN reltuples / relpages ELSE 8 END"
            " FROM pg_class WHERE oid = %s::regclass",
            [qs.model._meta.db_table],
        )
        pages, per_page = cursor.fetchone()
    return pages, pages * per_page


def _newest_first(row: tuple) -> tuple:
    # ArticleQuerySet.newest(): date descending with undated last, then id descending.
    return (row[1] is not None, row[1] or dt.date.min, row[0])


def newest_ids(
    plans: _Plans, base: ArticleQuerySet, exact: Condition, loose: Condition, limit: int, *, window: int = 0
) -> list[int]:
    """The ``limit`` newest ids (date, then id, descending) of ``base`` meeting ``exact``.

    ``loose`` must hold wherever ``exact`` does, and the indexes answer it cheaply. Candidates
    meeting it are read newest first, ``window`` at a time (at least SEARCH_WINDOW × limit), and
    checked against ``exact``; a window that yields too few is followed by one eight times as
    large, until the candidates run out. Exact matches among the newest candidates are the
    newest exact matches, so the result is the same as sorting them all.

    How the candidates are read is decided by a probe: up to SEARCH_PROBE of them, in any
    order, through the GIN bitmap. Fewer than that are all there is, sorted here. Otherwise the
    block the probe reached estimates how many there are, and the cheaper plan is chosen:
    walking the date index (testing each row on the way) or sorting all candidates.
    """
    if limit <= 0:
        return []
    window = max(window, settings.SEARCH_WINDOW * limit)
    matches = base.filter(_condition(*loose)).order_by()
    probe = settings.SEARCH_PROBE
    plans.use(bitmap=True)
    rows = list(matches.annotate(block=_block(base.model)).values_list("id", "date", "block")[:probe])
    if len(rows) < probe:
        rows.sort(key=_newest_first, reverse=True)
        ordered = [row[0] for row in rows]
        batches = (ordered[:window] if n == 0 else ordered[n:n * 8] for n in _window_starts(window, len(ordered)))
    else:
        pages, tuples = _table_size(base)
        total = probe * max(pages, 1) / (max(row[2] for row in rows) + 1)
        test_us = TEST_VECTOR_US if ("search_body" in loose[0] or "search_words" in loose[0]) else TEST_HEAD_US
        walk = window * max(tuples, total) / total * test_us < total * FETCH_US
        batches = _read_newest(plans, matches, window, walk=walk)
    recheck = exact != loose
    found: list[int] = []
    for batch in batches:
        if recheck and batch:
            ok = set(
                base.model._default_manager.filter(id__in=batch)
                .filter(_condition(*exact))
                .order_by()
                .values_list("id", flat=True)
            )
            batch = [i for i in batch if i in ok]
        found.extend(batch)
        if len(found) >= limit:
            break
    return found[:limit]


def _window_starts(window: int, total: int) -> Iterator[int]:
    """Where each window starts: 0, window, 8 × window, 64 × window… while below ``total``."""
    yield 0
    start = window
    while start < total:
        yield start
        start *= 8


def _read_newest(plans: _Plans, matches: ArticleQuerySet, window: int, *, walk: bool) -> Iterator[list[int]]:
    """The newest candidates in batches: the first ``window``, then each next window ×8."""
    checked = 0
    while True:
        plans.use(bitmap=not walk)
        ids = list(matches.newest().values_list("id", flat=True)[:window])
        yield ids[checked:]
        if len(ids) < window:
            return
        checked, window = len(ids), window * 8


def _and(*conditions: Condition | None) -> Condition:
    present = [c for c in conditions if c is not None]
    return " AND ".join(f"({sql})" for sql, _ in present), [p for _, params in present for p in params]


def ranked_ids(base: ArticleQuerySet, query: ParsedQuery, stop: int, *, by_date: bool = False) -> list[int]:
    """Ids of the first ``stop`` matches of ``base`` in rank order (or newest first)."""
    with _Plans(base.db) as plans:
        if by_date:
            return newest_ids(plans, base, match_condition(query), match_condition(query, loose=True), stop)
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
    for (chain, tier), (_, loose) in zip(exact_tiers, loose_tiers):
        better = [(f"NOT ({sql})", params) for sql, params in last_of_chain.values()]
        exact = _and(tier, exclusion, *better)
        # Candidates from better tiers are dropped by the exact check; there are fewer than
        # ``stop`` of them (else the page would be full), so a window of 2 × stop suffices.
        ids.extend(newest_ids(plans, base, exact, _and(loose), stop - len(ids), window=settings.SEARCH_WINDOW * stop))
        if len(ids) >= stop:
            break
        last_of_chain[chain] = tier
    return ids


def newest_matches(base: ArticleQuerySet, query: ParsedQuery, limit: int) -> list[int]:
    """Ids of the ``limit`` newest matches of ``query`` in ``base`` (the facets' sample)."""
    with _Plans(base.db) as plans:
        return newest_ids(plans, base, match_condition(query), match_condition(query, loose=True), limit)


@dataclass
class RankedResults:
    """The ranked matches of a query, as a lazy sequence for Django's Paginator."""

    base: ArticleQuerySet  # filters applied (and for_listing() for what a row shows)
    query: ParsedQuery
    by_date: bool = False  # sort=date: newest first instead of by tier
    _cache: dict[tuple[int, int], list] = field(default_factory=dict)

    def _matches(self) -> ArticleQuerySet:
        return self.base.order_by().filter(_condition(*match_condition(self.query)))

    def count(self) -> int:
        return self._matches().count()

    def capped_count(self, cap: int) -> int:
        return self._matches().capped_count(cap)

    def estimated_count(self) -> int:
        return self._matches().estimated_count()

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
