"""Highlighting matches in Python, on the original text.

PostgreSQL's ts_headline cannot see our character grams, so matches are found here: folding keeps
offsets (one character in, one out), so a match in folded text is a match in the original.
Everything is HTML-escaped; ``<mark>`` is the only markup added, and on the article page
(``Hits``) the links from each hit to the previous and next.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy

from articles.query import Term
from ingest.tokens import fold, query_words, word_tokens

# The links from one marked hit to the next in an article.
PREVIOUS_HIT, NEXT_HIT = gettext_lazy("上一处"), gettext_lazy("下一处")


def needles_for(terms: Sequence[Term | str]) -> list[str]:
    """What to mark for the reader's terms: each term, then its words (for word-only matches).

    A term that matches only as written — quoted (a ``Term`` with ``quoted``), or one with a
    single-character word (``query_words``: 雷神山 is 雷 | 神山) — is marked only whole: its
    words alone (网格 of "网格化", 神山 of 火神山) are no match and must not look like one."""
    needles: list[str] = []
    for term in terms:
        text = term if isinstance(term, str) else term.text
        needles.append(fold(text))
        if (isinstance(term, str) or not term.quoted) and query_words(text):
            needles.extend(word_tokens(text))
    return [n for n in dict.fromkeys(needles) if n.strip()]


def _spans(folded: str, needles: Sequence[str]) -> list[tuple[int, int]]:
    """Where to mark: longer needles first, a match kept unless it overlaps one already kept.
    The characters kept are flagged in one array, so each match is checked in constant time (a
    long article with thousands of matches was checked against every span so far: seconds)."""
    spans: list[tuple[int, int]] = []
    taken = bytearray(len(folded))
    for needle in sorted(needles, key=len, reverse=True):
        start = folded.find(needle)
        while start >= 0:
            end = start + len(needle)
            if taken.find(1, start, end) == -1:
                spans.append((start, end))
                taken[start:end] = b"\x01" * (end - start)
            start = folded.find(needle, end)
    return sorted(spans)


def _render(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    out: list[str] = []
    cursor = offset
    for start, end in spans:
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def mark(text: str, needles: Sequence[str]) -> SafeString:
    """The whole text, escaped, with every match wrapped in <mark>."""
    return mark_safe(_render(text, _spans(fold(text), needles)))


def marks(text: str, needles: Sequence[str]) -> bool:
    """Whether ``text`` holds any of ``needles`` (folded, as ``mark`` finds them)."""
    folded = fold(text)
    return any(needle in folded for needle in needles)


def snippet(text: str, needles: Sequence[str], width: int = 120) -> SafeString:
    """About ``width`` characters around the first match (or the opening), escaped and marked."""
    spans = _spans(fold(text), needles) if needles else []
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
    else:
        start = 0
    end = min(len(text), start + width)
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    body = _render(text[:end], inside, start)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)


class Marked(SafeString):
    """A text of the article as ``Hits`` marks it. On a title or subheading (marked without links
    of its own, so that its name stays its words) that holds marks, ``next_hit`` is the hit after
    its last: the one "next" link the template shows after it."""

    last_hit: int | None = None
    next_hit: int | None = None


class Hits:
    """Marks the reader's terms through a whole article, numbering each mark (``#hit-3``) and
    following it with links to the previous and next one: hit-to-hit reading without JavaScript.

    Call it on each text in the order the page shows them, then ``finish`` each result once all
    are marked (the last hit's number is known only then)."""

    LAST = "\x00last\x00"  # the number of the last hit, known only at the end (never in text)

    def __init__(self, needles: list[str]) -> None:
        self.needles = needles
        self.count = 0
        # The links' labels are the page's language, inside text marked as Chinese.
        language = get_language() or "zh-hans"
        self.nav_lang = "" if language.startswith("zh") else f' lang="{language}"'

    def __call__(self, text: str, *, nav: bool = True) -> str:
        """``nav=False`` (titles, subheadings): numbered marks without the links, so a heading
        stays plain text; ``finish`` gives it ``next_hit``, for a link shown after it."""
        if not self.needles or not text:
            return escape(text)
        first = self.count
        marked = Marked(re.sub(r"<mark>(.*?)</mark>", lambda m: self._number(m, nav), str(mark(text, self.needles))))
        if not nav and self.count > first:
            marked.last_hit = self.count
        return marked

    def _number(self, match: re.Match, nav: bool) -> str:
        self.count += 1
        n = self.count
        if not nav:
            return f'<mark id="hit-{n}">{match.group(1)}</mark>'
        return (
            f'<mark id="hit-{n}">{match.group(1)}</mark><span class="hit-nav"{self.nav_lang}>'
            f'<a href="#hit-{n - 1 if n > 1 else self.LAST}" aria-label="{PREVIOUS_HIT}">↑</a>'
            f'<a href="#hit-{n + 1}" aria-label="{NEXT_HIT}">↓</a></span>'
        )

    def finish(self, html: str) -> Marked:
        """A text as the page shows it, the last hit's number put in: the last hit's "next" goes
        back to the first, as does a plain text's ``next_hit`` when its last hit is the last."""
        finished = Marked(html.replace(self.LAST, str(self.count)).replace(f'href="#hit-{self.count + 1}"', 'href="#hit-1"'))
        last = getattr(html, "last_hit", None)
        if last:
            finished.next_hit = last % self.count + 1
        return finished
