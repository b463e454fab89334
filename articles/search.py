"""Article queries: filters, search and ranking, as QuerySet methods (``Article.objects.search(q)``)."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connections, models, transaction
from django.db.models import Count, IntegerField, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from articles.query import ParsedQuery, Term, parse

# Ranking tiers, best first: every term exactly (as a substring) in the headline; in the
# headline, kicker or subheadline; there or in the body; anywhere (captions, byline too); then
# the same four for matches only through jieba words.
#
# A tier that names weights reads the vector cut to them, ts_filter(vector, '{a,b}'), which has
# its own GIN index (articles/models.py): asking the whole vector for 'term':AB would make
# PostgreSQL recheck the weights of every candidate, and an empty tier would cost as much as a
# full one. Lower-case weights name such a cut; upper-case ones (ABC: all but captions and
# byline, which has no index of its own) are asked of the whole vector in the query.
_HEAD_WEIGHTS = ("a", "ab", "ab", "")
_WITH_BODY = (False, False, True, True)
_WORD_WEIGHTS = ("a", "ab", "ABC", "")


def _vector(column: str, weights: str) -> str:
    return f"ts_filter({column}, '{{{','.join(weights)}}}')" if weights else column


def _exact(
    term: Term, head_weights: str = "", body: bool = True, *, loose: bool = False, estimate: bool = False
) -> tuple[str, list[str]]:
    """SQL true when the term is a substring of the head fields of these weights (or of the body).

    ``loose``: true when all of the term's grams are there, anywhere (a superset; see
    tokens.loose_query) — which GIN answers without reading any vector, so the large body
    vector is read only for the few candidates that are then checked exactly.
    """
    query = term.loose(estimate=estimate) if loose else term.phrase()
    sql = f"{_vector('search_head', head_weights)} @@ %s::tsquery"
    params = [query]
    if body:
        sql = f"({sql} OR search_body @@ %s::tsquery)"
        params.append(query)
    return sql, params


def _words(term: Term, weights: str, *, loose: bool = False, estimate: bool = False) -> tuple[str, list[str]]:
    """SQL true when the article has all of the term's jieba words in the weighted fields.

    Upper-case weights are tested on the whole vector (no index of its own); ``loose`` leaves
    that test out, since it means reading the vector from TOAST.
    """
    if weights.isupper():
        query = term.words("" if loose else weights, estimate=estimate)
        column = "search_words"
    else:
        query = term.words(estimate=estimate)
        column = _vector("search_words", weights)
    if query is None:  # quoted, or no word: the term must be there as a substring
        return _exact(term, loose=loose, estimate=estimate)
    return f"{column} @@ %s::tsquery", [query]


def _term_condition(term: Term, *, loose: bool = False, estimate: bool = False) -> tuple[str, list[str]]:
    """SQL true when the article contains the term (substring, or all its words unless quoted)."""
    sql, params = _exact(term, loose=loose, estimate=estimate)
    words = term.words(estimate=estimate)
    if words is None:
        return sql, params
    return f"({sql} OR search_words @@ %s::tsquery)", [*params, words]


def _all(parts: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    return " AND ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]


def tier_chains(
    query: ParsedQuery, *, loose: bool = False, estimate: bool = False
) -> list[tuple[str, tuple[str, list[str]]]]:
    """SQL conditions of the ranking tiers, best first, each named by its chain.

    Two chains: "exact" (every term a substring of the headline; of the titles; of the titles or
    body; anywhere) and "words" (the same through jieba words). Within a chain each condition
    includes the ones before it. An article's tier is the first condition it meets; one that
    meets none (a term found only as a substring, another only through its words) ranks last.

    ``loose``: supersets of the same conditions that the indexes answer without reading the
    large vectors (for finding candidates; see ranking.newest_ids); with ``estimate``, looser
    still, for the planner's estimate of their size (tokens.loose_query).
    """
    tiers = [
        ("exact", _all([_exact(t, weights, body, loose=loose, estimate=estimate) for t in query.positive]))
        for weights, body in zip(_HEAD_WEIGHTS, _WITH_BODY)
    ]
    if any(not t.quoted for t in query.positive):
        for weights in _WORD_WEIGHTS:
            tiers.append(("words", _all([_words(t, weights, loose=loose, estimate=estimate) for t in query.positive])))
    return tiers


def exclusion_condition(query: ParsedQuery) -> tuple[str, list[str]] | None:
    """SQL true for articles containing none of the negative terms, or None without any."""
    if not query.negative:
        return None
    parts = [_exact(term) for term in query.negative]
    return _all([(f"NOT {sql}", params) for sql, params in parts])


def match_condition(query: ParsedQuery, *, loose: bool = False, estimate: bool = False) -> tuple[str, list[str]]:
    """SQL true for articles containing every positive term and none of the negative ones.

    ``loose``: a superset for finding candidates (the negative terms are left out: excluding by a
    superset would drop real matches).
    """
    parts = [_term_condition(t, loose=loose, estimate=estimate) for t in query.positive]
    exclusion = exclusion_condition(query)
    if exclusion is not None and not loose:
        parts.append(exclusion)
    return _all(parts)


def _tier_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """SQL for the ranking tier of a matching article (0 best)."""
    tiers = [condition for _, condition in tier_chains(query)]
    whens = " ".join(f"WHEN {sql} THEN {tier}" for tier, (sql, _) in enumerate(tiers))
    return f"CASE {whens} ELSE {len(tiers)} END", [p for _, params in tiers for p in params]


class ArticleQuerySet(models.QuerySet):
    def for_listing(self) -> ArticleQuerySet:
        """What a result row shows: paper, issue and county names, in three queries."""
        from articles.models import ArticleCounty

        # A row never shows these, yet they are most of its bytes: the search vectors (some 10 KB
        # an article, to fetch and decompress) and the whole page text (20 KB an issue).
        unshown = ["search_head", "search_body", "search_words", "issue__raw_text", "issue__furniture"]
        return self.select_related("newspaper", "issue").defer(*unshown).prefetch_related(
            Prefetch(
                "county_tags",
                queryset=ArticleCounty.objects.select_related("county").order_by("-primary", "county__name"),
            )
        )

    def for_detail(self) -> ArticleQuerySet:
        return self.for_listing().prefetch_related("captions")

    def capped_count(self, cap: int) -> int:
        """The count, but reading at most ``cap`` matching rows (SELECT count(*) FROM (… LIMIT cap)).

        The LIMIT makes a sequential scan look cheap to the planner, but for a search it reads
        every row's vectors until ``cap`` match; the GIN bitmap finds them without reading
        non-matching rows at all. So the sequential scan is ruled out for this one statement.
        """
        with transaction.atomic(using=self.db), connections[self.db].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return self.order_by()[:cap].count()

    def estimated_count(self) -> int:
        """The planner's estimate of the count: one EXPLAIN, no rows read."""
        plan = json.loads(self.order_by().values("id").explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])


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
        sql, params = match_condition(query)
        return self.filter(RawSQL(sql, params, output_field=models.BooleanField()))

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

    def facets(self, ids: list[int]) -> dict[str, list[tuple]]:
        """Counts by county, paper and year over the given articles (a search's newest matches).

        The search ran once to find the ids; the three grouped queries look rows up by id
        instead of evaluating it again.
        """
        from articles.models import ArticleCounty

        rows = self.filter(id__in=ids)
        counties = (
            ArticleCounty.objects.filter(article__in=ids)
            .values("county__code", "county__name")
            .annotate(n=Count("article", distinct=True))
            .order_by("-n", "county__code")[:30]
        )
        papers = rows.values("newspaper__name").annotate(n=Count("id")).order_by("-n", "newspaper__name")[:30]
        years = (
            rows.filter(~Q(date=None))
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
