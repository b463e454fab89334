"""Highlighting matches in Python, on the original text.

PostgreSQL's ts_headline cannot see our character grams, so matches are found here: folding keeps
offsets (one character in, one out), so a match in folded text is a match in the original.
Everything is HTML-escaped; ``<mark>`` is the only markup added.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.query import Term
from ingest.tokens import fold, word_tokens


def needles_for(terms: Sequence[Term | str]) -> list[str]:
    """What to mark for the reader's terms: each term, then its words (for word-only matches).

    A quoted term (a ``Term`` with ``quoted``) matches only as written, so only the whole phrase
    is marked: its words alone (网格 of "网格化") are no match and must not look like one."""
    needles: list[str] = []
    for term in terms:
        text = term if isinstance(term, str) else term.text
        needles.append(fold(text))
        if isinstance(term, str) or not term.quoted:
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
