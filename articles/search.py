"""Article queries: filters, search and ranking, as QuerySet methods (``Article.objects.search(q)``)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, IntegerField, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from articles.query import ParsedQuery, Term, parse

# Ranking tiers: an exact (substring) match in the headline first, then kicker/subheadline,
# body, captions/byline; then the same order for matches only through jieba words.
_FIELD_TIERS = ("A", "AB", "ABC", "ABCD")
_WORD_TIER_OFFSET = len(_FIELD_TIERS)
NO_TIER = 2 * len(_FIELD_TIERS)


def _term_condition(term: Term) -> tuple[str, list[str]]:
    """SQL true when the article contains the term (substring, or all its words unless quoted)."""
    words = term.words()
    if words is None:
        return "search_grams @@ %s::tsquery", [term.phrase()]
    return "(search_grams @@ %s::tsquery OR search_words @@ %s::tsquery)", [term.phrase(), words]


def _tier_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """SQL for the ranking tier: the best field in which every term matches."""
    whens: list[str] = []
    params: list[str] = []
    for tier, weights in enumerate(_FIELD_TIERS):
        whens.append(f"WHEN search_grams @@ %s::tsquery THEN {tier}")
        params.append(" & ".join(t.phrase(weights) for t in query.positive))
    if any(t.words() for t in query.positive):
        for tier, weights in enumerate(_FIELD_TIERS):
            # A quoted term has no word form: it is still required as a substring.
            parts = [(t.words(weights), t.phrase(weights)) for t in query.positive]
            word_sql = " AND ".join(
                "search_words @@ %s::tsquery" if words else "search_grams @@ %s::tsquery" for words, _ in parts
            )
            whens.append(f"WHEN {word_sql} THEN {tier + _WORD_TIER_OFFSET}")
            params.extend(words or phrase for words, phrase in parts)
    return f"CASE {' '.join(whens)} ELSE {NO_TIER} END", params


class ArticleQuerySet(models.QuerySet):
    def for_listing(self) -> ArticleQuerySet:
        """What a result row shows: paper, issue and county names, in three queries."""
        from articles.models import ArticleCounty

        return self.select_related("newspaper", "issue").prefetch_related(
            Prefetch(
                "county_tags",
                queryset=ArticleCounty.objects.select_related("county").order_by("-primary", "county__name"),
            )
        )

    def for_detail(self) -> ArticleQuerySet:
        return self.for_listing().prefetch_related("captions")

    def newest(self) -> ArticleQuerySet:
        return self.order_by(models.F("date").desc(nulls_last=True), "-id")

    def in_county(self, code: str) -> ArticleQuerySet:
        """Articles tagged with exactly this county (by code: 绛县 never brings 新绛县)."""
        return self.filter(county_tags__county_id=code)

    def in_prefecture(self, name_or_code: str) -> ArticleQuerySet:
        """Articles tagged with any county of a prefecture, by name (运城市) or code (1408)."""
        from articles.models import ArticleCounty

        if name_or_code.isdigit():
            tags = ArticleCounty.objects.filter(county__code__startswith=name_or_code)
        else:
            tags = ArticleCounty.objects.filter(county__prefecture=name_or_code)
        # A subquery, not a join: an article with two counties in the prefecture appears once.
        return self.filter(id__in=tags.values("article_id"))

    def in_paper(self, name: str) -> ArticleQuerySet:
        return self.filter(newspaper__name=name)

    def between(self, date_from: dt.date | None, date_to: dt.date | None) -> ArticleQuerySet:
        qs = self
        if date_from:
            qs = qs.filter(date__gte=date_from)
        if date_to:
            qs = qs.filter(date__lte=date_to)
        return qs

    def matching(self, query: ParsedQuery | str) -> ArticleQuerySet:
        """Articles that contain every positive term and none of the negative ones; unordered."""
        if isinstance(query, str):
            query = parse(query)
        qs = self
        for term in query.positive:
            sql, params = _term_condition(term)
            qs = qs.filter(RawSQL(sql, params, output_field=models.BooleanField()))
        for term in query.negative:
            qs = qs.exclude(
                RawSQL("search_grams @@ %s::tsquery", [term.phrase()], output_field=models.BooleanField())
            )
        return qs

    def search(self, query: ParsedQuery | str, *, sort: str = "relevance") -> ArticleQuerySet:
        """Matching articles, best first: exact before word-only, headline before body, then newest.

        ``sort="date"`` orders by date only (newest first). The tie-break is always the id, so
        pages never shuffle.
        """
        if isinstance(query, str):
            query = parse(query)
        qs = self.matching(query)
        if sort == "date":
            return qs.newest()
        tier_sql, params = _tier_sql(query)
        return qs.annotate(tier=RawSQL(tier_sql, params, output_field=IntegerField())).order_by(
            "tier", models.F("date").desc(nulls_last=True), "-id"
        )

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Counts by county, paper and year over this queryset (three grouped queries)."""
        base = self.order_by()
        ids = base.values("id")
        from articles.models import ArticleCounty

        counties = (
            ArticleCounty.objects.filter(article__in=ids)
            .values("county__code", "county__name")
            .annotate(n=Count("article", distinct=True))
            .order_by("-n", "county__code")[:30]
        )
        papers = base.values("newspaper__name").annotate(n=Count("id")).order_by("-n", "newspaper__name")[:30]
        years = (
            base.filter(~Q(date=None))
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(n=Count("id"))
            .order_by("-year")
        )
        return {
            "county": [(c["county__code"], c["county__name"], c["n"]) for c in counties],
            "paper": [(p["newspaper__name"], p["n"]) for p in papers],
            "year": [(str(y["year"]), y["n"]) for y in years],
        }
