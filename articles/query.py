"""The reader's query language, parsed into terms (plain Python, shared by the page and the API).

- Terms are separated by whitespace and ANDed: ``介休 党建``.
- ``"quoted phrase"`` matches exactly as written (spaces inside are kept as a gap); Chinese
  keyboards' quotes mean the same: ``“网格化党建”``, ``「…」``, ``『…』``, ``＂…＂``.
- ``-term`` (or ``-"phrase"``) excludes articles containing it; so does a Chinese keyboard's
  full-width minus (``－介休``), the small one (``﹣``) and the mathematical one (``−``).
- Everything else is literal text: tsquery operators, backslashes and quotes mean nothing special.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from ingest.tokens import fold, loose_query, phrase_query, strip_controls, units, words_query

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

# Opening quote → its closing one. A phrase runs to its closing quote, or to the end of the query.
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
MINUS = "-－﹣−"  # ASCII, full-width, small, mathematical: what keyboards type as "minus"
_TOKEN = re.compile(
    f"([{MINUS}]?)(?:" + "|".join(f"{re.escape(o)}([^{re.escape(c)}]*){re.escape(c)}?" for o, c in QUOTES.items()) + r")|(\S+)"
)
_BARE = len(QUOTES) + 2  # the group of an unquoted term


class QueryError(ValueError):
    """A query the archive cannot run; the message is shown to the reader."""


@dataclass(frozen=True)
class Term:
    text: str  # as typed (without quotes or the leading minus)
    quoted: bool = False
    negated: bool = False

    def phrase(self, weights: str = "") -> str:
        query = phrase_query(self.text, weights)
        assert query is not None  # parse() keeps only searchable terms
        return query

    def loose(self, weights: str = "", *, estimate: bool = False) -> str:
        """The phrase's grams without positions: a superset of its matches (tokens.loose_query);
        ``estimate``: any of them, for the planner's estimate."""
        query = loose_query(self.text, weights, any_gram=estimate)
        assert query is not None
        return query

    def words(self, weights: str = "", *, estimate: bool = False) -> str | None:
        """The term's jieba tokens, ANDed (ORed for an ``estimate``); None for quoted terms,
        which must match exactly."""
        if self.quoted:
            return None
        return words_query(self.text, weights, any_word=estimate)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    def __bool__(self) -> bool:
        return bool(self.positive)


def _searchable(text: str) -> bool:
    seq, _ = units(fold(text))
    return bool(seq)


def parse(q: str) -> ParsedQuery:
    """Parse the reader's query; raise QueryError with a message a reader understands."""
    q = strip_controls(q).strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(gettext("检索词过长：最多 %(n)s 个字符。") % {"n": MAX_QUERY_CHARS})
    terms: list[Term] = []
    for match in _TOKEN.finditer(q):
        if match.group(_BARE) is not None:
            raw = match.group(_BARE)
            negated = raw[0] in MINUS and len(raw) > 1
            text = raw[1:] if negated else raw
            quoted = False
        else:
            negated = bool(match.group(1))
            text = next(g for g in match.groups()[1:_BARE - 1] if g is not None).strip()
            quoted = True
        if not text or not _searchable(text):
            continue  # punctuation alone cannot be searched for
        terms.append(Term(text=text, quoted=quoted, negated=negated))
    if len(terms) > MAX_TERMS:
        raise QueryError(gettext("检索词过多：最多 %(n)s 个。") % {"n": MAX_TERMS})
    parsed = ParsedQuery(tuple(terms))
    if terms and not parsed.positive:
        raise QueryError(gettext("请至少给出一个要查找的词（只有排除词无法检索）。"))
    return parsed


def query_text(query: ParsedQuery | Sequence[Term]) -> str:
    """The query as parsed, written back: its terms in order, one space apart, a phrase in quotes
    (the first pair whose closing quote it does not hold), an exclusion with its minus. ``parse``
    reads it as the same terms, so queries that differ only in spacing, in the quotes used or in
    terms that cannot be searched (``万荣  😀``) are written the same. Also some of its terms
    (the search page's suggestions): each written as it was asked."""
    parts = []
    for term in query.terms if isinstance(query, ParsedQuery) else query:
        text = term.text
        if term.quoted:
            opening, closing = next((o, c) for o, c in QUOTES.items() if c not in text)
            text = f"{opening}{text}{closing}"
        parts.append(f"-{text}" if term.negated else text)
    return " ".join(parts)
