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
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL

from articles.memo import remembered
from articles.query import ParsedQuery
from articles.search import checking_condition, exclusion_condition, match_condition, tier_chains

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
# A third way between the two: collect through the GIN bitmap only the candidates dated within
# the newest rows where the estimate puts BOUND_SLACK windows of them (a BitmapAnd with the date
# index), and sort those. It reads no vector (a walk tests each row's, from TOAST for the body)
# and fetches a few windows of rows instead of every candidate; the GIN scan still reads every
# posting, at about GIN_US each (estimated as the candidates' count). The range is placed by the
# geometric mean of two estimates, one that errs high (any pair of a term) and one that errs low
# (every pair); too few in it: it is widened BOUND_WIDEN times and read again.
# Only for windows of BOUND_MIN_WINDOW or more: a results page's (tens of rows) is read best by
# a short walk or a small collection.
GIN_US = 0.1
BOUND_SLACK = 3
BOUND_WIDEN = 4
BOUND_MIN_WINDOW = 500
# The facets' sample checks its candidates in parts of at least this many (_exact_newest).
EXACT_PART_MIN = 64
# The facets' sample reads this many candidates per match it needs (newest_sample), and when too
# few pass the exact check, a window SAMPLE_GROWTH times as large: for most terms nearly every
# candidate (all of a term's pairs in one field) has them side by side, so reading 2× (as a
# results page does, whose window also holds better tiers' rows) read and tested 800 rows of a
# thousand-row sample for nothing (docs/PERFORMANCE.md).
SAMPLE_MARGIN = 1.25
SAMPLE_GROWTH = 2
# What the facets count, read with the sample's own candidates (newest_sample): the rows are
# fetched to be sorted anyway, and reading these there spares fetching a thousand rows again.
SAMPLE_FIELDS = ("newspaper_id", "date", "county_codes")


class _Plans:
    """What one search decides once and reuses: the planner's estimates (by statement), the
    table's size, and the plan PostgreSQL is made to use.

    Its estimates for text search are rough (a phrase of pairs looks rarer than either pair),
    and the wrong plan costs a hundred times more: walking the date index for a rare term reads
    the whole table; collecting a common term's matches to sort them reads them all (80 ms for
    a pair in 60% of a million articles, before a single row). So the plan is imposed statement
    by statement with ``SET LOCAL`` (``plans.use(bitmap=…)``), inside a transaction
    (``with plans.transaction(): …``). One search page (results, count, facets) shares one
    ``_Plans``; inside the view's own transaction the settings are made only when they change.
    """

    def __init__(self, using: str) -> None:
        self.using = using
        self._state: str | None = None  # what SET LOCAL last imposed in this transaction
        self._estimates: dict[tuple, int] = {}
        self._bases: dict[int, tuple[models.QuerySet, tuple]] = {}  # by id(): the base, its statement
        self.table_rows: float | None = None  # read once per search (_table_rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # No savepoint: nothing is retried after an error inside, which ends the request anyway.
        outer = connections[self.using].in_atomic_block
        try:
            with transaction.atomic(using=self.using, savepoint=False):
                yield
        finally:
            if not outer:  # SET LOCAL ends with the transaction
                self._state = None

    def _set(self, state: str, sql: str) -> None:
        if state != self._state:
            with connections[self.using].cursor() as cursor:
                cursor.execute(sql)
            self._state = state

    def use(self, *, bitmap: bool) -> None:
        on, off = ("enable_bitmapscan", "enable_indexscan") if bitmap else ("enable_indexscan", "enable_bitmapscan")
        self._set(str(bitmap), f"SET LOCAL enable_seqscan = off; SET LOCAL {off} = off; SET LOCAL {on} = on")

    def estimate(self, base: models.QuerySet, condition: Condition) -> int:
        """The planner's estimate of the rows of ``base`` meeting ``condition`` (one EXPLAIN, once
        per statement).

        Known by the base's statement and the condition, which together make the statement: the
        base's is compiled once per search (a search asks four or five estimates of one base, and
        compiling a statement costs more than finding its estimate among those kept), the whole
        statement only when it is to be explained."""
        key = (*self._statement(base), condition[0], tuple(condition[1]))
        if key not in self._estimates:
            self._estimates[key] = remembered(("estimate", self.using, *key), lambda: self._explain(base, condition))
        return self._estimates[key]

    def _statement(self, base: models.QuerySet) -> tuple[str, tuple]:
        """The SQL and parameters of ``base``'s ids, compiled once for each base object (kept
        with it, so that its id is not another's)."""
        kept = self._bases.get(id(base))
        if kept is None:
            sql, params = base.order_by().values("id").query.get_compiler(using=self.using).as_sql()
            kept = self._bases[id(base)] = (base, (sql, tuple(params)))
        return kept[1]

    def _explain(self, base: models.QuerySet, condition: Condition) -> int:
        query = base.filter(_condition(*condition)).order_by().values("id").query
        sql, params = query.get_compiler(using=self.using).as_sql()
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])


def _table_rows(qs: models.QuerySet) -> float:
    """Rows in the article table now: its size on disk times rows per page at the last VACUUM or
    ANALYZE (8 if never)."""
    return remembered(("table rows", qs.db, qs.model._meta.db_table), lambda: _count_table_rows(qs))


def _count_table_rows(qs: models.QuerySet) -> float:
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
    fields: tuple[str, ...] = (),
    margin: float | None = None,
    growth: int = 8,
) -> list:
    """The ``limit`` newest ids (date, then id, descending) of ``base`` meeting ``exact`` (with
    ``fields``: rows of the id and those fields).

    ``loose`` must hold wherever ``exact`` does, and the indexes answer it cheaply. Candidates
    meeting it are read newest first, ``window`` at a time (at least ``margin`` × limit, by default
    SEARCH_WINDOW × limit), and checked against ``exact``; a window that yields too few is followed
    by one ``growth`` times as large, until the candidates run out. Exact matches among the newest candidates are the
    newest exact matches, so the result is the same as sorting them all.

    The planner's estimate of the candidates (of ``estimate``, a looser condition that it
    estimates better; else of ``loose``) decides how they are read (``choose_plan``): walking the
    date index (testing rows on the way, for a common term), collecting those dated within a
    range of the newest rows through the GIN bitmap and the date index (many candidates, a
    large window: the facets' sample), or collecting them all through the GIN bitmap and
    sorting (for a rare one). A walk that goes on much longer than the estimate promised stops
    and collects instead.
    """
    if limit <= 0:
        return []
    recheck = exact != loose
    # Without a recheck every candidate is a match: a window of ``limit`` is enough.
    window = max(window, math.ceil((margin or settings.SEARCH_WINDOW) * limit)) if recheck else limit
    matches = base.filter(_condition(*loose)).order_by()
    looser = estimate
    estimate = max(plans.estimate(base, looser or loose), 1)
    if plans.table_rows is None:
        plans.table_rows = _table_rows(base)
    rows = max(plans.table_rows, estimate)
    test_us = TEST_VECTOR_US if ("search_body" in loose[0] or "search_words" in loose[0]) else TEST_HEAD_US
    if window < BOUND_MIN_WINDOW:  # a results page's window: walk or collect, as the estimate says
        walk_rows = window * rows / estimate  # rows a walk reads to find a window of candidates
        plan = "walk" if WALK_SLACK * walk_rows * test_us < estimate * FETCH_US else "collect"
    elif len(base.query.alias_map) > 1:
        # A large window of rows that come through a join (a county's tags): the date index
        # narrows neither a walk nor a range to them (measured: collecting is as fast or 2-10×
        # faster at 100,000 articles).
        plan = "collect"
    else:
        # A large window (the facets' sample): a walk of the date index would read many rows,
        # so its cost is worth a second estimate, one that errs low, to place it better.
        low = max(plans.estimate(base, loose), 1) if looser is not None else estimate
        walk_rows = window * rows / min(estimate, math.sqrt(estimate * low))
        plan = choose_plan(walk_rows=walk_rows, test_us=test_us, estimate=estimate, window=window)
        if plan == "bounded":
            walk_rows *= BOUND_SLACK
    if plan == "walk":
        walk_rows *= WALK_SLACK
    found: list = []
    reads = _read_newest(
        plans, matches, window, walk_rows=int(walk_rows) if plan != "collect" else None, bitmap=plan == "bounded",
        fields=fields, growth=growth,
    )
    for batch in reads:
        if recheck and batch:
            ids = [row[0] for row in batch] if fields else batch
            if window >= BOUND_MIN_WINDOW:
                ok = set(_exact_newest(base, exact, ids, limit - len(found)))
            else:
                ok = _exact_ids(base, exact, ids)
            batch = [row for row, i in zip(batch, ids) if i in ok]
        found.extend(batch)
        if len(found) >= limit:
            break
    return found[:limit]


def _exact_newest(base: ArticleQuerySet, exact: Condition, ids: list[int], need: int) -> list[int]:
    """Those of ``ids`` (newest first) that meet ``exact``, checked newest first in parts until
    ``need`` are found: the rest are older, so they are not needed. Checking reads each row's
    vectors (from TOAST); the facets' sample reads SAMPLE_MARGIN times the candidates it needs,
    and most of them usually match. Each next part is what is still needed at the rate seen so far, with a
    margin, so a part rarely falls short."""
    found: list[int] = []
    checked, size = 0, need
    while checked < len(ids) and len(found) < need:
        part = ids[checked : checked + size]
        checked += len(part)
        ok = _exact_ids(base, exact, part)
        found.extend(i for i in part if i in ok)
        rate = max(len(found) / checked, 0.05)
        size = max(math.ceil((need - len(found)) / rate * 1.25), EXACT_PART_MIN)
    return found[:need]


def choose_plan(*, walk_rows: float, test_us: float, estimate: float, window: int) -> str:
    """How to read the newest candidates: "walk" the date index, "bounded" (collect those in a
    date range through the bitmap), or "collect" them all. A walk must also beat collecting by
    WALK_SLACK (its reading is cut there when the estimate was wrong)."""
    walk = walk_rows * test_us
    collect = estimate * FETCH_US
    bounded = estimate * GIN_US + BOUND_SLACK * window * FETCH_US
    if WALK_SLACK * walk < collect and walk <= bounded:
        return "walk"
    return "bounded" if bounded < collect else "collect"


def _exact_ids(base: ArticleQuerySet, exact: Condition, ids: list[int]) -> set[int]:
    """Those of ``ids`` that meet ``exact``: the rows fetched by id, then tested.

    The condition is kept out of the scan (OFFSET 0 fences it off): given the chance, the
    planner would answer it from the GIN indexes, reading every match in the table to test
    forty rows.
    """
    table = connections[base.db].ops.quote_name(base.model._meta.db_table)
    sql = f"SELECT id FROM (SELECT * FROM {table} WHERE id = ANY(%s::bigint[]) OFFSET 0) a WHERE {exact[0]}"
    # The ids as an array's text: psycopg adapts a list of ints one by one in Python (the facets'
    # sample checks thousands).
    array = "{" + ",".join(str(int(i)) for i in ids) + "}"
    with connections[base.db].cursor() as cursor:
        cursor.execute(sql, [array, *exact[1]])
        return {row[0] for row in cursor.fetchall()}


def _read_newest(
    plans: _Plans, matches: ArticleQuerySet, window: int, *, walk_rows: int | None, bitmap: bool = False,
    fields: tuple[str, ...] = (),
    growth: int = 8,
) -> Iterator[list]:
    """The newest candidates in batches: the first ``window``, then each next window ×``growth``
    (ids, or with ``fields`` rows of the id and those fields).

    ``walk_rows``: read only the candidates dated within the newest ``walk_rows`` articles (for
    each window) — walking the date index, or with ``bitmap`` collecting them through the GIN
    bitmap and the date index together. A walk that ends there short of a window collects
    instead; a bounded collection is tried again on a range BOUND_WIDEN times as large. None:
    collect them all and sort.
    """
    checked = 0
    while True:
        ids = None
        while walk_rows is not None and ids is None:
            plans.use(bitmap=bitmap)
            bound = _date_at(matches, walk_rows)
            walked = matches if bound is None else matches.filter(date__gte=bound)
            ids = list(_values(walked.newest(), fields)[:window])
            if len(ids) < window and bound is not None:
                ids = None
                if bitmap:
                    walk_rows *= BOUND_WIDEN
                else:
                    walk_rows = None
        if ids is None:
            plans.use(bitmap=True)
            ids = list(_values(matches.newest(), fields)[:window])
        yield ids[checked:]
        if len(ids) < window:
            return
        checked, window = len(ids), window * growth
        if walk_rows is not None:
            walk_rows *= growth


def _values(qs: ArticleQuerySet, fields: tuple[str, ...]) -> models.QuerySet:
    return qs.values_list("id", *fields) if fields else qs.values_list("id", flat=True)


def _date_at(qs: ArticleQuerySet, n: int) -> dt.date | None:
    """The date of the n-th newest visible article (filters aside), None past the dated ones: a
    walk of the date index (of visible articles) down to it reads about n rows."""
    def read() -> dt.date | None:
        row = qs.model._default_manager.db_manager(qs.db).visible().newest().values_list("date", flat=True)[n : n + 1]
        return next(iter(row), None)

    return remembered(("date at", qs.db, n), read)


def _and(*conditions: Condition | None) -> Condition:
    present = [c for c in conditions if c is not None]
    return " AND ".join(f"({sql})" for sql, _ in present), [p for _, params in present for p in params]


def ranked_ids(
    base: ArticleQuerySet, query: ParsedQuery, stop: int, *, by_date: bool = False, plans: _Plans | None = None
) -> list[int]:
    """Ids of the first ``stop`` matches of ``base`` in rank order (or newest first)."""
    plans = plans or _Plans(base.db)
    with plans.transaction():
        if by_date:
            exact, loose = _exact_and_loose(query)
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


def _exact_and_loose(query: ParsedQuery) -> tuple[Condition, Condition]:
    """The exact condition (as the exact check tests it: search.checking_condition) and the loose
    one. Where the two are the same condition, no candidate needs checking (newest_ids compares
    them), so the loose one is given for both."""
    exact, loose = match_condition(query), match_condition(query, loose=True)
    return (loose if exact == loose else checking_condition(query)), loose


def _estimate(query: ParsedQuery) -> Condition:
    return match_condition(query, loose=True, estimate=True)


def newest_sample(
    base: ArticleQuerySet, query: ParsedQuery, limit: int, *, plans: _Plans | None = None
) -> list[tuple]:
    """The ``limit`` newest matches as rows (id, *SAMPLE_FIELDS): what the facets count."""
    plans = plans or _Plans(base.db)
    with plans.transaction():
        exact, loose = _exact_and_loose(query)
        return newest_ids(
            plans, base, exact, loose, limit, estimate=_estimate(query), fields=SAMPLE_FIELDS,
            margin=SAMPLE_MARGIN, growth=SAMPLE_GROWTH,
        )


@dataclass
class RankedResults:
    """The ranked matches of a query, as a lazy sequence for Django's Paginator."""

    base: ArticleQuerySet  # filters applied (and for_listing() for what a row shows)
    query: ParsedQuery
    by_date: bool = False  # sort=date: newest first instead of by tier
    _cache: dict[tuple[int, int], list] = field(default_factory=dict)
    _loose_estimate: int = 0  # the planner's estimate of the candidates, from capped_count
    newest: list[tuple] | None = None  # the newest matches up to the count's cap, if counted (newest_sample)
    plans: _Plans | None = None  # shared by the count, the page and the facets (newest_sample)

    def __post_init__(self) -> None:
        if self.plans is None:
            self.plans = _Plans(self.base.db)

    @cached_property
    def _unordered(self) -> ArticleQuerySet:
        """The base without its order, one object for the count, the page and the facets: the
        plans compile its statement once (``_Plans.estimate``)."""
        return self.base.order_by()

    def _matches(self) -> ArticleQuerySet:
        return self._unordered.filter(_condition(*match_condition(self.query)))

    def count(self) -> int:
        return self._matches().count()

    def capped_count(self, cap: int) -> int:
        """The count up to ``cap``; at once ``cap`` when the estimate is far above it.

        Counting even a thousand matches of a common term means building a bitmap of all of
        them first (170 ms for a pair in 60% of a million articles), and the reader is shown
        the estimate anyway.
        """
        self._loose_estimate = self.plans.estimate(self._unordered, match_condition(self.query, loose=True))
        if self._loose_estimate >= settings.SEARCH_ESTIMATE_FACTOR * cap:
            return cap
        # Counted by finding the newest ``cap`` matches: the facets are counted over those same
        # rows (all the matches when there are fewer; SearchParams.facets), so the search page
        # reads them once instead of once to count and again for the facets.
        self.newest = newest_sample(self._unordered, self.query, cap, plans=self.plans)
        return len(self.newest)

    def estimated_count(self) -> int:
        return max(self.plans.estimate(self._unordered, match_condition(self.query)), self._loose_estimate)

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RankedResults supports plain slices only")
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = start + settings.SEARCH_COUNT_CAP
        key = (start, stop)
        if key not in self._cache:
            ids = ranked_ids(self._unordered, self.query, stop, by_date=self.by_date, plans=self.plans)[start:stop]
            rows = {a.id: a for a in self.base.order_by().filter(id__in=ids)}
            self._cache[key] = [rows[i] for i in ids if i in rows]
        return self._cache[key]
