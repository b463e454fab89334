"""The SQL conditions of search and ranking, for ``ArticleQuerySet`` (articles/models.py) and
articles/ranking.py. Plain strings and parameters: this module never imports the models."""

from __future__ import annotations

from articles.query import ParsedQuery, Term

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
    """SQL true when the article contains the term (substring, or all its words unless quoted).

    Tested in this order, stopping at the first that holds: the head vector (in the row), the
    word vector (2.9 KB out of line), the body vector (6.5 KB out of line): most matches of a
    word are settled before the body is read.
    """
    words = term.words(estimate=estimate)
    if words is None:
        return _exact(term, loose=loose, estimate=estimate)
    query = term.loose(estimate=estimate) if loose else term.phrase()
    return (
        "(search_head @@ %s::tsquery OR search_words @@ %s::tsquery OR search_body @@ %s::tsquery)",
        [query, words, query],
    )


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


def checking_condition(query: ParsedQuery) -> tuple[str, list[str]]:
    """``match_condition(query)`` written to be tested row by row on a few candidates (ranking's
    exact check; never given to the planner to find rows with).

    Each term's test reads the word vector (out of line) on its own, and PostgreSQL reads it
    from TOAST again for each: three terms, three reads of the same vector. Most candidates hold
    every term's words, so one test of all of them, ``search_words @@ (w1 & w2 & …)``, settles
    them with one read; it implies the full condition (each term's words are one of its ways to
    match), which follows for the rest. One term, or a term without words: as it is.
    """
    words = [t.words() for t in query.positive]
    if len(words) < 2 or None in words:
        return match_condition(query)
    every_term, params = _all([_term_condition(t) for t in query.positive])
    parts = [(f"(search_words @@ %s::tsquery OR ({every_term}))", [" & ".join(words), *params])]
    exclusion = exclusion_condition(query)
    if exclusion is not None:
        parts.append(exclusion)
    return _all(parts)


def tier_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """SQL for the ranking tier of a matching article (0 best)."""
    tiers = [condition for _, condition in tier_chains(query)]
    whens = " ".join(f"WHEN {sql} THEN {tier}" for tier, (sql, _) in enumerate(tiers))
    return f"CASE {whens} ELSE {len(tiers)} END", [p for _, params in tiers for p in params]
