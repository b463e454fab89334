"""Search tokens: folding, character grams and jieba words, as PostgreSQL tsvector/tsquery text.

Two vectors are stored per article:

- ``grams`` (two vectors: the head — titles, captions, byline — and the body): at every
  character position the pair of CJK characters starting there (the lone
  character at the end of a run), or a whole Latin/digit word. A query term becomes a phrase of
  its pairs (``介休 <-> 休市``), a one-character term a prefix (``党:*``), so a match means the
  term is a substring of the text: recall never depends on where the segmenter cut (绛县 inside
  新绛县委, names like 付炎).
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

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import chain

import rjieba

FIELD_GAP = 8  # positions left empty between two fields so no phrase spans them


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


# Texts at least this long are folded through the code-point array (_fold_codes): for a short
# one, making the array costs more than str.translate.
_FOLD_ARRAY_MIN = 48
_CAPITAL_SIGMA = "\u03a3"  # its lower case depends on the next character (final ς): str.lower() only


@cache
def _fold_codes():
    """fold() as one array from code point to code point: the table, then lower case where it is
    one character (the str.lower() step of fold, character by character)."""
    import numpy as np  # with lightgbm (the splitter), so already loaded where ingest runs

    codes = np.arange(0x110000, dtype=np.uint32)
    # Upper case ends below U+20000 (Adlam, U+1E921, in Unicode 14–16): read that far only.
    for code, lowered in enumerate(map(str.lower, map(chr, range(0x20000)))):
        if len(lowered) == 1 and lowered != chr(code):
            codes[code] = ord(lowered)
    for code, target in _fold_table().items():
        lowered = target.lower()
        codes[code] = ord(lowered if len(lowered) == 1 else target)
    return codes


def warm_fold() -> None:
    """Build fold()'s array now (0.2 s), in a process that forks workers, rather than in the
    first request or page of each."""
    _fold_codes()


# fold() keeps its last results for texts up to this long: a page's fields are folded to tag their
# counties (ingest/pipeline.py) and again for the search vectors (articles/indexing.py).
_FOLD_CACHE_MAX_CHARS = 4096


def fold(text: str) -> str:
    """Fold text for matching, keeping its length (one character in, one character out)."""
    if len(text) > _FOLD_CACHE_MAX_CHARS:
        return _fold(text)
    return _fold_recent(text)


def _fold(text: str) -> str:
    if len(text) >= _FOLD_ARRAY_MIN and _CAPITAL_SIGMA not in text:
        # A body's worth of text: str.translate looks each character up in a dict (about 120 ns
        # a character: 6% of parsing a page, and of a search page's Python for its snippets);
        # the array maps them all at once, some 15 times faster. The same result as below,
        # which the tests hold (tests/test_tokens_fast.py).
        import numpy as np

        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return _fold_codes()[codes].tobytes().decode("utf-32-le", "surrogatepass")
    return _fold_slowly(text)


_fold_recent = functools.lru_cache(maxsize=256)(_fold)  # a page's fields, a few times over


def _fold_slowly(text: str) -> str:
    """fold() with str.translate and str.lower(), as it was first written: for short texts, and
    for a capital sigma, whose lower case str.lower() picks by the character after it."""
    folded = text.translate(_fold_table())
    if folded.isascii():
        return folded
    lowered = folded.lower()  # other scripts' case (Ä → ä)
    if len(lowered) == len(folded):
        return lowered
    # A few characters lowercase to two (İ → i̇): keep those as they are, so offsets hold.
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\u3007"
# PostgreSQL refuses a lexeme over 2,047 bytes (a tsvector and a tsquery alike): a longer word —
# an unbroken URL, a base64 blob — is cut into pieces of at most this many characters (4 bytes
# each at most), at consecutive positions, so the whole word is still a phrase of its pieces.
# The cut is made here for every token: grams (the regex below) and jieba words (_bounded).
MAX_WORD_CHARS = 500
# A run of CJK characters, or a Latin/digit word (word characters that are not CJK, not "_"),
# at most MAX_WORD_CHARS of it.
_UNIT_RE = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]{{1,{MAX_WORD_CHARS}}})")


@dataclass(frozen=True)
class Unit:
    """A searchable unit: one CJK character or one Latin/digit word, at a position."""

    text: str
    pos: int
    cjk: bool


def units(folded: str, start: int = 0) -> tuple[list[Unit], int]:
    """Split folded text into units, one position each; every other character (punctuation,
    space) takes a position too, so units on either side of it are never adjacent.

    Returns the units and the next free position.
    """
    out: list[Unit] = []
    pos = start
    prev_end = 0
    for match in _UNIT_RE.finditer(folded):
        pos += match.start() - prev_end
        prev_end = match.end()
        run = match.group(1)
        if run:
            out.extend(Unit(ch, pos + i, True) for i, ch in enumerate(run))
            pos += len(run)
        else:
            out.append(Unit(match.group(2), pos, False))
            pos += 1
    return out, pos + len(folded) - prev_end


def weighted_fields(
    *, headline: str, kicker: str, subheadline: str, body: str, captions: str, byline: str
) -> list[tuple[str, str]]:
    """The article's searchable text with weights: A headline, B kicker and subheadline,
    C body, D captions and byline."""
    return [
        (headline, "A"),
        (kicker, "B"),
        (subheadline, "B"),
        (captions, "D"),
        (byline, "D"),
        (body, "C"),
    ]


def head_and_body(fields: Sequence[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split weighted fields into the small "head" (everything but the body) and the body.

    The head vector is small enough to stay inline in the row, so ranking (which field matched)
    reads it cheaply; only the body vector is large and stored out of line.
    """
    return [f for f in fields if f[1] != "C"], [f for f in fields if f[1] == "C"]


def grams_vector(fields: Sequence[tuple[str, str]], *, folded: bool = False) -> str:
    """tsvector text of the character grams of weighted fields (``folded``: already folded).

    One lexeme per position: the pair of CJK characters starting there, or the lone character at
    the end of a run, or a Latin/digit word. PostgreSQL merges repeated lexemes, drops positions
    past 256 per lexeme and clamps them at 16,383 — so this only has to list them.
    """
    parts: list[str] = []
    pos = 1
    for text, weight in fields:
        folded_text = text if folded else fold(text)
        part, size = _field_grams(folded_text, weight, pos)
        if part:
            parts.append(part)
        pos += size + FIELD_GAP
    # Too long for PostgreSQL (rare): shrunk entry by entry, from the plain walk's entries.
    return _within_limit(parts, lambda: _grams_entries(fields, folded=folded))


def _within_limit(parts: list[str], entries: Callable[[], list[str]]) -> str:
    """The vector's parts joined, or, past what PostgreSQL takes (rare), ``entries()`` — the same
    vector entry by entry, from the plain path — shrunk by _fit."""
    text = " ".join(parts)
    if len(text) * 3 <= MAX_VECTOR_BYTES or len(text.encode()) <= MAX_VECTOR_BYTES:
        return text
    return _fit(entries())


def _grams_entries(fields: Sequence[tuple[str, str]], *, folded: bool = False) -> list[str]:
    """grams_vector's entries, one per position, walking the text run by run (as units() does)."""
    out: list[str] = []
    pos = 1
    for text, weight in fields:
        entries, size = _walked_grams(text if folded else fold(text), weight, pos)
        out += entries
        pos += size + FIELD_GAP
    return out


def _walked_grams(text: str, weight: str, pos: int) -> tuple[list[str], int]:
    """One field's grams_vector entries from position ``pos``, and how many positions it takes:
    the plain form of _field_grams, which tests/test_tokens_fast.py holds it to."""
    out: list[str] = []
    start = pos
    prev_end = 0
    for match in _UNIT_RE.finditer(text):
        pos += match.start() - prev_end
        prev_end = match.end()
        run = match.group(1)
        if run:
            # Neither CJK runs nor words can hold a quote or backslash: no escaping needed.
            out.extend([f"'{run[i:i + 2]}':{pos + i}{weight}" for i in range(len(run))])
            pos += len(run)
        else:
            out.append(f"'{match.group(2)}':{pos}{weight}")
            pos += 1
    return out, pos + len(text) - prev_end - start


# _field_grams marks every character by what it is: a CJK character stays, a Latin/digit word
# becomes _WORD (one position, like the word), anything else _OTHER (one position, no lexeme).
_WORD, _OTHER = "\x02", "\x01"
_WORD_RE = re.compile(f"[^\\W_{_CJK}]{{1,{MAX_WORD_CHARS}}}")  # as _UNIT_RE's second group
_OTHER_RE = re.compile(f"[^{_CJK}{_WORD}]")
_OTHER_ENTRY_RE = re.compile(f" '{_OTHER}[^ ]*")  # an entry of a position with no lexeme
_WORD_ENTRY_RE = re.compile(f"{_WORD}(?s:.)")  # a word's mark and the character after it
_MAX_TABLE_POSITION = 1 << 16  # past this (a field of 65,536 characters), the plain walk
_POSITION_TAILS: dict[str, list[str]] = {}  # weight -> ["':{position}{weight} '", ...]


def _position_tails(weight: str, end: int) -> list[str]:
    """The text that follows an entry's lexeme at each position up to ``end``, made once."""
    tails = _POSITION_TAILS.get(weight, [])
    if len(tails) < end:
        # A new list, never one extended in place: threads that build it at once all get it right.
        tails = tails + [f"':{k}{weight} '" for k in range(len(tails), max(end, 4096))]
        _POSITION_TAILS[weight] = tails
    return tails


def _field_grams(text: str, weight: str, pos: int) -> tuple[str, int]:
    """One field's grams_vector entries (joined by spaces) from position ``pos``, and how many
    positions the field takes: _walked_grams' entries, made in a few passes in C rather than an
    f-string per character (tests/test_tokens_fast.py holds the three together).

    The text is marked first: a Latin/digit word becomes one _WORD character (a word takes one
    position), any other character that is not CJK becomes _OTHER, so each position is one
    character. Every position's entry is then its character, the next one, and the position
    (``休市':12C '``); the entries of _OTHER characters are dropped, the _OTHER second character
    of a run's last pair removed, and each _WORD replaced by its word.
    """
    if not text:
        return "", 0
    if _WORD in text or len(text) + pos >= _MAX_TABLE_POSITION:
        entries, size = _walked_grams(text, weight, pos)  # the marks themselves in the text; or huge
        return " ".join(entries), size
    if len(text) >= _GRAMS_ARRAY_MIN:
        return _field_grams_array(text, weight, pos)
    return _field_grams_joined(text, weight, pos)


def _field_grams_joined(text: str, weight: str, pos: int) -> tuple[str, int]:
    """_field_grams for a short field (a title, a byline): by str.join and regular expressions."""
    words = _WORD_RE.findall(text)
    marked = _OTHER_RE.sub(_OTHER, _WORD_RE.sub(_WORD, text) if words else text)
    size = len(marked)
    # The character after each one, where only a CJK character counts (a word's mark does not).
    following = (marked[1:].replace(_WORD, _OTHER) if words else marked[1:]) + _OTHER
    tails = _position_tails(weight, pos + size)[pos : pos + size]
    joined = " '" + "".join(chain.from_iterable(zip(marked, following, tails)))
    joined = _OTHER_ENTRY_RE.sub("", joined)
    if words:
        pieces = _WORD_ENTRY_RE.split(joined)
        joined = pieces[0] + "".join(chain.from_iterable(zip(words, pieces[1:])))
    # [1:-2]: the space before the first entry and the " '" after the last.
    return joined.replace(_OTHER, "")[1:-2], size


# Fields at least this long are made by _field_grams_array: NumPy's fixed cost (some twenty calls)
# is repaid on a body, not on a title.
_GRAMS_ARRAY_MIN = 64
# An entry as a row of code points: the character, the next one, then "':", the position in five
# digits (_OTHER for leading zeros), the weight, " '"; _OTHER characters are dropped at the end.
_ENTRY_WIDTH = 12
_ENTRY_TAILS: dict[str, object] = {}  # weight -> the rows' last 10 columns, at every position


_CJK_CLASS, _WORD_CLASS = 1, 2  # _code_classes' values; 0: any other character


@cache
def _code_classes():
    """A NumPy array over all code points: _CJK_CLASS for CJK (_CJK), _WORD_CLASS for those that
    make up Latin/digit words (the class of _WORD_RE), read from the regular expressions."""
    import numpy as np  # loaded already where ingest runs (fold, the splitter)

    every = "".join(map(chr, range(0x110000)))
    classes = np.zeros(0x110000, dtype=np.uint8)
    for value, pattern in ((_CJK_CLASS, f"[{_CJK}]+"), (_WORD_CLASS, f"[^\\W_{_CJK}]+")):
        for match in re.finditer(pattern, every):
            classes[match.start() : match.end()] = value
    return classes


def _entry_tails(weight: str):
    """The last 10 columns of _field_grams_array's rows for each position below
    _MAX_TABLE_POSITION (2.6 MB, made once per weight: in practice the body's)."""
    tails = _ENTRY_TAILS.get(weight)
    if tails is None:
        import numpy as np

        positions = np.arange(_MAX_TABLE_POSITION)
        tails = np.empty((_MAX_TABLE_POSITION, _ENTRY_WIDTH - 2), dtype=np.uint32)
        tails[:, 0] = ord("'")
        tails[:, 1] = ord(":")
        for j in range(5):
            unit = 10 ** (4 - j)
            tails[:, 2 + j] = np.where(positions >= unit, positions // unit % 10 + ord("0"), ord(_OTHER))
        tails[0, 6] = ord("0")
        tails[:, 7] = ord(weight)
        tails[:, 8] = ord(" ")
        tails[:, 9] = ord("'")
        _ENTRY_TAILS[weight] = tails
    return tails


def _field_grams_array(text: str, weight: str, pos: int) -> tuple[str, int]:
    """_field_grams for a long field (a body): the entries as rows of one NumPy array of code
    points (_ENTRY_WIDTH), the rows of _OTHER characters dropped, then every _OTHER code point,
    read back as one string."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _code_classes().take(codes)
    words: list[str] = []
    if (classes == _WORD_CLASS).any():
        in_word = classes == _WORD_CLASS
        starts = in_word.copy()
        starts[1:] &= ~in_word[:-1]
        ends = in_word.copy()
        ends[:-1] &= ~in_word[1:]
        first_chars, last_chars = np.flatnonzero(starts), np.flatnonzero(ends)
        if (last_chars - first_chars).max() >= MAX_WORD_CHARS:
            return _field_grams_joined(text, weight, pos)  # a word cut into pieces: rare
        words = [text[i:j] for i, j in zip(first_chars.tolist(), (last_chars + 1).tolist())]
        # A word takes one position, its first character's, which becomes _WORD.
        kept = ~in_word | starts
        codes = np.where(starts, ord(_WORD), codes)[kept]
        classes = classes[kept]
    size = len(codes)
    cjk = classes == _CJK_CLASS
    # The characters with an entry (CJK, or a word's first), their offsets and second characters.
    at = np.flatnonzero(classes)
    second = np.full(size, ord(_OTHER), dtype=np.uint32)
    second[:-1] = np.where(cjk[:-1] & cjk[1:], codes[1:], ord(_OTHER))
    rows = np.empty((len(at), _ENTRY_WIDTH), dtype=np.uint32)
    rows[:, 0] = codes[at]
    rows[:, 1] = second[at]
    rows[:, 2:] = _entry_tails(weight)[at + pos]
    flat = rows.ravel()
    joined = flat[flat != ord(_OTHER)].tobytes().decode("utf-32-le")
    if not joined:
        return "", size
    if words:
        pieces = joined.split(_WORD)
        joined = pieces[0] + "".join(chain.from_iterable(zip(words, pieces[1:])))
    # the quote before the first entry; [:-2]: the " '" after the last
    return "'" + joined[:-2], size


# PostgreSQL reads at most 1 MiB of tsvector text and keeps no position above 16,383.
MAX_VECTOR_BYTES = 1_048_575
MAX_POSITION = 16_383


def _fit(entries: list[str]) -> str:
    """Join tsvector entries, shrinking the rare vector that PostgreSQL would refuse.

    Past position 16,383 PostgreSQL would collapse every position anyway, so there each lexeme is
    listed once (a one- or two-character term is still found there; a longer phrase was never
    findable past that point). If that is still too long, the tail is left out of the index.
    """
    text = " ".join(entries)
    if len(text) * 3 <= MAX_VECTOR_BYTES or len(text.encode()) <= MAX_VECTOR_BYTES:
        return text
    kept: list[str] = []
    seen_late: set[str] = set()
    size = 0
    for entry in entries:
        lexeme, _, position = entry.rpartition(":")
        digits = position.rstrip("ABCD")
        if digits.isdigit() and int(digits) > MAX_POSITION:
            key = lexeme + position[len(digits):]
            if key in seen_late:
                continue
            seen_late.add(key)
            entry = f"{lexeme}:{MAX_POSITION}{position[len(digits):]}"
        size += len(entry.encode()) + 1
        if size > MAX_VECTOR_BYTES:
            break
        kept.append(entry)
    return " ".join(kept)


_WORDLIKE_RE = re.compile(r"[^\W_]")


def _is_word_token(token: str) -> bool:
    return _WORDLIKE_RE.search(token) is not None


def word_tokens(text: str, *, folded: bool = False) -> list[str]:
    """jieba search-mode tokens of folded text, punctuation and spaces dropped."""
    # isalnum() is the fast test for the usual all-word token; the pattern catches mixed ones.
    tokens = rjieba.cut_for_search(text if folded else fold(text))
    return _bounded([t for t in tokens if t.isalnum() or _WORDLIKE_RE.search(t)])


def _bounded(tokens: list[str]) -> list[str]:
    """Tokens over MAX_WORD_CHARS cut into pieces of that size (see MAX_WORD_CHARS)."""
    if all(len(t) <= MAX_WORD_CHARS for t in tokens):
        return tokens
    return [t[i : i + MAX_WORD_CHARS] for t in tokens for i in range(0, len(t), MAX_WORD_CHARS)]


def _quote(lexeme: str) -> str:
    if "'" not in lexeme and "\\" not in lexeme:
        return "'" + lexeme + "'"
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def words_vector(fields: Sequence[tuple[str, str]], *, folded: bool = False) -> str:
    """tsvector text of the jieba search-mode tokens of weighted fields (``folded``: already).

    Words carry no phrase semantics, so a word's position is just its field's number: the
    vector stays small and its weights still say which field a word is in.
    """
    parts: list[str] = []
    for number, (text, weight) in enumerate(fields, 1):
        if not text:
            continue
        # word_tokens() and dict.fromkeys() as one pass, repeats dropped before they are tested
        # (a body repeats most of its words), and the field's entries joined at once when every
        # token is a plain word (no quote, backslash or space to deal with, none too long): the
        # same entries in the same order (ingest's hot path; tests/test_tokens_fast.py holds it
        # to _words_entries).
        distinct = dict.fromkeys(rjieba.cut_for_search(text if folded else fold(text)))
        tokens = [t for t in distinct if t.isalnum() or _WORDLIKE_RE.search(t)]
        if not tokens:
            continue
        if "".join(tokens).isalnum() and max(map(len, tokens)) <= MAX_WORD_CHARS:
            tail = f"':{number}{weight}"
            parts.append("'" + (tail + " '").join(tokens) + tail)
        else:
            parts.append(" ".join(_field_words(tokens, f":{number}{weight}")))
    return _within_limit(parts, lambda: _words_entries(fields, folded=folded))


def _words_entries(fields: Sequence[tuple[str, str]], *, folded: bool = False) -> list[str]:
    """words_vector's entries, token by token: its plain form."""
    out: list[str] = []
    for number, (text, weight) in enumerate(fields, 1):
        tokens = dict.fromkeys(rjieba.cut_for_search(text if folded else fold(text)))
        out += _field_words([t for t in tokens if t.isalnum() or _WORDLIKE_RE.search(t)], f":{number}{weight}")
    return out


def _field_words(tokens: list[str], tail: str) -> list[str]:
    """The entries of a field's word tokens (distinct, in order), cut and quoted."""
    out: list[str] = []
    done: set[str] = set()
    for token in tokens:
        for piece in _bounded([token]) if len(token) > MAX_WORD_CHARS else (token,):
            if piece in done:
                continue
            done.add(piece)
            out.append(_quote(piece.strip()) + tail)
    return out


# --- queries -------------------------------------------------------------------------------


def _phrase_parts(term: str, weight: str) -> list[tuple[str, int]]:
    """(tsquery lexeme, position) for each gram a substring match of ``term`` needs.

    Each CJK character of the term is the pair starting at its position; a lone CJK character
    (a one-character term, or one ending a run at the end of the term) may be followed by any
    character in the text, so it is a prefix; so is a Latin or digit word ending the term.
    """
    seq, _ = units(fold(term))
    suffix = f":{weight}" if weight else ""
    parts: list[tuple[str, int]] = []
    for i, unit in enumerate(seq):
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        last = nxt is None
        if unit.cjk:
            if nxt is not None and nxt.cjk and nxt.pos == unit.pos + 1:
                parts.append((_quote(unit.text + nxt.text) + suffix, unit.pos))
            elif i > 0 and seq[i - 1].cjk and seq[i - 1].pos == unit.pos - 1:
                continue  # the pair starting one position earlier already holds this character
            elif last:
                parts.append((_quote(unit.text) + ":*" + weight, unit.pos))
            else:
                parts.append((_quote(unit.text) + suffix, unit.pos))
        else:
            parts.append((_quote(unit.text) + (":*" + weight if last else suffix), unit.pos))
    return parts


def phrase_query(term: str, weight: str = "") -> str | None:
    """tsquery text matching ``term`` as a substring in the grams vector, or None if unsearchable."""
    parts = _phrase_parts(term, weight)
    if not parts:
        return None
    query = parts[0][0]
    for (lexeme, pos), (_prev, prev_pos) in zip(parts[1:], parts):
        query = f"{query} <{pos - prev_pos}> {lexeme}"
    return f"({query})" if len(parts) > 1 else query


def loose_query(term: str, weight: str = "", *, any_gram: bool = False) -> str | None:
    """``phrase_query`` without the positions: every gram anywhere, in any order.

    A superset of the phrase's matches that a GIN index answers alone (a phrase makes it recheck
    every candidate's positions, which means reading the whole vector): used to find candidates
    cheaply, which the exact condition then checks.

    ``any_gram``: any one of the grams, for the planner's estimate only. It takes the grams of a
    term to be independent, so it puts ``a & b`` at a fraction of either (葫芦 & 芦丝: 0.1% of
    articles where 3% hold both); with ``|`` it errs the other way, by at most the number of grams.
    """
    lexemes = list(dict.fromkeys(lexeme for lexeme, _ in _phrase_parts(term, weight)))
    if not lexemes:
        return None
    joiner = " | " if any_gram else " & "
    return f"({joiner.join(lexemes)})" if len(lexemes) > 1 else lexemes[0]


def query_words(term: str) -> list[str]:
    """The jieba words of a term that an article may hold apart and still match it (基层 … 治理
    for 基层治理), or [] when the term has no such reading: when any of its words is a single
    character. 于都 is 于 | 都, 2020年 is 2020 | 年, 1月23日 is 1 | 月 | 23 | 日, 火神山医院 is
    火神 | 山 | 医院: those found apart are no match of the term (于都 found 241 articles where
    4 hold it), so such a term matches only as written."""
    tokens = _cut_words([term])
    return [] if any(len(t) < 2 for t in tokens) else tokens


def _cut_words(texts: Sequence[str]) -> list[str]:
    """The distinct jieba words (default mode, folded, no punctuation or spaces) of ``texts``."""
    return list(dict.fromkeys(_bounded([t.strip() for text in texts for t in rjieba.cut(fold(text)) if _is_word_token(t)])))


def any_words_query(words: Sequence[str]) -> str | None:
    """tsquery text of any one of the jieba tokens of ``words`` (related stories' keywords), or
    None when they hold none."""
    tokens = _cut_words(words)
    return "(" + " | ".join(_quote(t) for t in tokens) + ")" if tokens else None


def words_query(term: str, weight: str = "", *, any_word: bool = False) -> str | None:
    """tsquery text requiring every word of ``term`` (``query_words``: a words-only match), or
    None when it has none.

    ``any_word``: any one of them (for the planner's estimate, as in ``loose_query``)."""
    tokens = query_words(term)
    if not tokens:
        return None
    suffix = f":{weight}" if weight else ""
    return "(" + (" | " if any_word else " & ").join(_quote(t) + suffix for t in tokens) + ")"


# NUL and the C0/C1 controls (tab and newline aside), and lone surrogates: PostgreSQL text and
# UTF-8 cannot hold them. Format and private-use characters are text and stay.
_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """Drop the characters no page text means: control characters (NUL, which PostgreSQL text
    cannot hold, among them), lone surrogates, and the noncharacters U+FFFE and U+FFFF, which no
    XML document may hold either (the feeds and sitemaps carry the text). Line breaks are read as
    line breaks before this (ingest.decode)."""
    return _CONTROLS_RE.sub("", text)
