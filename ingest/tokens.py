"""Search tokens: folding, character grams and jieba words, as PostgreSQL tsvector/tsquery text.

Two vectors are stored per article:

- ``grams``: every CJK character (unigram) and every pair of adjacent CJK characters (bigram),
  plus whole Latin/digit words, each at its character position. A query term becomes a phrase
  of its bigrams (``介休 <-> 休市``), so a match means the term is a substring of the text: recall
  never depends on where the segmenter cut (绛县 inside 新绛县委, names like 付炎).
- ``words``: jieba search-mode tokens. They let a term match an article that has all of the
  term's words but not the term itself, and carry relevance.

Both are built in Python because PostgreSQL's parsers cannot segment Chinese
(``to_tsvector('simple', '介休市网格化党建')`` is one lexeme). Fields are weighted
A (headline), B (kicker, subheadline), C (body), D (captions, byline) and separated by position
gaps so that a phrase never spans two fields.

Folding (traditional → simplified, full-width → half-width, Latin case) is one character in, one
character out, so offsets found in folded text are offsets in the original: the highlighter
relies on that.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import rjieba

# PostgreSQL keeps at most 256 positions per lexeme and none above 16,383.
MAX_POSITIONS_PER_LEXEME = 255
MAX_POSITION = 16383
FIELD_GAP = 8  # positions left empty between two fields so no phrase spans them

WEIGHTS = ("A", "B", "C", "D")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or code == 0x3007  # 〇
    )


@cache
def _fold_table() -> dict[int, str]:
    """One-to-one character map: traditional → simplified, full-width → ASCII, upper → lower."""
    table: dict[int, str] = {}
    dicts = resources.files("opencc_purepy") / "dicts" / "TSCharacters.txt"
    for line in dicts.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1:
            table[ord(trad)] = simp
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(ord("Ａ"), ord("Ｚ") + 1):
        table[code] = chr(code - 0xFEE0 + 32)
    return table


def fold(text: str) -> str:
    """Fold text for matching, keeping its length (one character in, one character out)."""
    folded = text.translate(_fold_table())
    if folded.isascii():
        return folded
    # Other scripts' case (Ä → ä): only where lowercasing keeps the length.
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)


@dataclass(frozen=True)
class Unit:
    """A searchable unit: one CJK character or one Latin/digit word, at a position."""

    text: str
    pos: int
    cjk: bool


def units(folded: str, start: int = 0) -> tuple[list[Unit], int]:
    """Split folded text into units; anything else (punctuation, space) leaves a position gap.

    Returns the units and the next free position.
    """
    out: list[Unit] = []
    pos = start
    word_start = -1
    for i, ch in enumerate(folded):
        if _is_cjk(ch):
            if word_start >= 0:
                out.append(Unit(folded[word_start:i], pos, False))
                pos += 1
                word_start = -1
            out.append(Unit(ch, pos, True))
            pos += 1
        elif ch.isalnum():
            if word_start < 0:
                word_start = i
        else:
            if word_start >= 0:
                out.append(Unit(folded[word_start:i], pos, False))
                pos += 1
                word_start = -1
            pos += 1
    if word_start >= 0:
        out.append(Unit(folded[word_start:], pos, False))
        pos += 1
    return out, pos


def _gram_entries(seq: Sequence[Unit]) -> Iterable[tuple[str, int]]:
    for i, unit in enumerate(seq):
        yield unit.text, unit.pos
        if unit.cjk and i + 1 < len(seq):
            nxt = seq[i + 1]
            if nxt.cjk and nxt.pos == unit.pos + 1:
                yield unit.text + nxt.text, unit.pos


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class _VectorBuilder:
    def __init__(self) -> None:
        self.positions: dict[str, list[str]] = {}

    def add(self, lexeme: str, pos: int, weight: str) -> None:
        if pos < 1:
            pos = 1
        if pos > MAX_POSITION:
            pos = MAX_POSITION
        entries = self.positions.setdefault(lexeme, [])
        if len(entries) < MAX_POSITIONS_PER_LEXEME:
            entries.append(f"{pos}{weight}")

    def text(self) -> str:
        return " ".join(f"{_quote(lex)}:{','.join(pos)}" for lex, pos in self.positions.items())


def weighted_fields(
    *, headline: str, kicker: str, subheadline: str, body: str, captions: str, byline: str
) -> list[tuple[str, str]]:
    """The article's searchable text with weights, in the order positions are assigned.

    Body goes last: in a very long story only its tail can pass position 16,383.
    """
    return [
        (headline, "A"),
        (kicker, "B"),
        (subheadline, "B"),
        (captions, "D"),
        (byline, "D"),
        (body, "C"),
    ]


def grams_vector(fields: Sequence[tuple[str, str]]) -> str:
    """tsvector text of the character grams of weighted fields."""
    builder = _VectorBuilder()
    pos = 1
    for text, weight in fields:
        seq, pos = units(fold(text), pos)
        for lexeme, at in _gram_entries(seq):
            builder.add(lexeme, at, weight)
        pos += FIELD_GAP
    return builder.text()


def _is_word_token(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def word_tokens(text: str) -> list[str]:
    """jieba search-mode tokens of folded text, punctuation and spaces dropped."""
    return [t for t in rjieba.cut_for_search(fold(text)) if _is_word_token(t) and not t.isspace()]


def words_vector(fields: Sequence[tuple[str, str]]) -> str:
    """tsvector text of the jieba search-mode tokens of weighted fields."""
    builder = _VectorBuilder()
    base = 1
    for text, weight in fields:
        folded = fold(text)
        for token, start, _end in rjieba.tokenize(folded, "search"):
            if _is_word_token(token):
                builder.add(token.strip(), base + start, weight)
        base += len(folded) + FIELD_GAP
    return builder.text()


# --- queries -------------------------------------------------------------------------------


def phrase_query(term: str, weight: str = "") -> str | None:
    """tsquery text matching ``term`` as a substring in the grams vector, or None if unsearchable.

    A one-character CJK term is its unigram; longer CJK runs chain their bigrams; a Latin or digit
    word at the end of the term may be the start of a longer word in the text.
    """
    seq, _ = units(fold(term))
    if not seq:
        return None
    suffix = f":{weight}" if weight else ""
    parts: list[tuple[str, int]] = []
    i = 0
    while i < len(seq):
        unit = seq[i]
        if unit.cjk:
            run = [unit]
            while i + 1 < len(seq) and seq[i + 1].cjk and seq[i + 1].pos == run[-1].pos + 1:
                i += 1
                run.append(seq[i])
            if len(run) == 1:
                parts.append((_quote(run[0].text) + suffix, run[0].pos))
            else:
                for a, b in zip(run, run[1:]):
                    parts.append((_quote(a.text + b.text) + suffix, a.pos))
        else:
            last = i == len(seq) - 1
            parts.append((_quote(unit.text) + (":*" + weight if last else suffix), unit.pos))
        i += 1
    query = parts[0][0]
    for (lexeme, pos), (_prev, prev_pos) in zip(parts[1:], parts):
        gap = pos - prev_pos
        query = f"{query} <{gap}> {lexeme}"
    return f"({query})" if len(parts) > 1 else query


def words_query(term: str, weight: str = "") -> str | None:
    """tsquery text requiring every jieba token of ``term`` (tokens-only match), or None."""
    tokens = list(dict.fromkeys(t.strip() for t in rjieba.cut(fold(term)) if _is_word_token(t)))
    if not tokens:
        return None
    suffix = f":{weight}" if weight else ""
    return "(" + " & ".join(_quote(t) + suffix for t in tokens) + ")"


def cjk_or_word(ch: str) -> bool:
    """True for characters that count as searchable text (CJK or alphanumeric)."""
    return _is_cjk(ch) or ch.isalnum()


def strip_controls(text: str) -> str:
    """Drop control characters (NUL included) that PostgreSQL text cannot hold."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
