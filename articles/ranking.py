"""One page of ranked search results without ranking every match.

``ArticleQuerySet.search`` defines the order: tier (which fields hold the terms), then newest,
then id. Computing a tier for every match and sorting costs time in proportion to the number of
matches — seconds for a common term in a large archive. Here each tier is fetched on its own,
already in date order and cut at what the page needs (``ORDER BY date DESC, id DESC LIMIT n``):
PostgreSQL can then walk the date index and stop after a few rows when a tier is large, or
collect a small tier from the GIN indexes and sort it. The page is the same as slicing the
reference order (tests/test_ranking.py holds the two together).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL

from articles.query import ParsedQuery
from articles.search import ArticleQuerySet, exclusion_condition, match_condition, tier_chains


def _condition(sql: str, params: list[str]) -> RawSQL:
    return RawSQL(sql, params, output_field=models.BooleanField())


def newest_ids(qs: ArticleQuerySet, limit: int) -> list[int]:
    """The ``limit`` newest ids of ``qs`` (date, then id, descending), whatever its size.

    PostgreSQL has two good plans and picks by its estimate of the match count, which for text
    search can be far off: walking the date index is instant for a common term and reads the
    whole table for a rare one; collecting matches from the GIN index and sorting is the other
    way round. So probe first: fetch up to SEARCH_PROBE matches in any order (cheap either
    way); if that is all of them, sort them here; otherwise the term is common and the date
    walk stops after a few rows.
    """
    probe = settings.SEARCH_PROBE
    found = list(qs.order_by().values_list("id", "date")[:probe])
    if len(found) < probe:
        # Newest first, undated last, then id descending: ArticleQuerySet.newest().
        found.sort(key=lambda row: (row[1] is not None, row[1] or dt.date.min, row[0]), reverse=True)
        return [row[0] for row in found[:limit]]
    return list(qs.newest().values_list("id", flat=True)[:limit])


def ranked_ids(base: ArticleQuerySet, query: ParsedQuery, stop: int, *, by_date: bool = False) -> list[int]:
    """Ids of the first ``stop`` matches of ``base`` in rank order (or newest first)."""
    if by_date:
        return newest_ids(base.filter(_condition(*match_condition(query))), stop)
    exclusion = exclusion_condition(query)
    if exclusion is not None:
        base = base.filter(_condition(*exclusion))
    ids: list[int] = []
    # Tiers come in nested chains (exact matches, then word matches): an article in a better tier
    # is in the last tier seen of its chain, so excluding the last of each chain is enough.
    last_of_chain: dict[str, tuple[str, list[str]]] = {}
    # A tier's condition implies the match, so it is all the tier's query tests (which lets the
    # index answer it alone). The final "tier" catches matches that meet no tier condition.
    for chain, (sql, params) in [*tier_chains(query), ("rest", match_condition(query))]:
        tier = base.filter(_condition(sql, params))
        for better_sql, better_params in last_of_chain.values():
            tier = tier.exclude(_condition(better_sql, better_params))
        ids.extend(newest_ids(tier, stop - len(ids)))
        if len(ids) >= stop:
            break
        last_of_chain[chain] = (sql, params)
    return ids


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
