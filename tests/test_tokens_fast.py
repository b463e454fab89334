"""The fast paths of ingest/tokens.py give what the plain versions give.

fold(), grams_vector() and words_vector() are on ingest's hot path (fold also in every search
result's highlight): fold maps a long text's code points through a NumPy array, grams_vector
builds a whole field's entries in a few C passes (_field_grams), words_vector drops repeated
tokens before testing them and joins a field's plain words at once. These hold each to its plain
version, byte for byte: over the seed pages, the unseen test pages and hostile strings.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import rjieba

from articles.indexing import field_vectors, searchable_fields
from ingest.tokens import (
    _FOLD_ARRAY_MIN,
    _MAX_TABLE_POSITION,
    _WORD,
    _WORDLIKE_RE,
    MAX_VECTOR_BYTES,
    MAX_WORD_CHARS,
    _bounded,
    _field_grams,
    _field_grams_array,
    _field_grams_joined,
    _fit,
    _grams_entries,
    _fold_slowly,
    _quote,
    _walked_grams,
    fold,
    grams_vector,
    head_and_body,
    word_tokens,
    words_vector,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Characters fold cares about: traditional, full-width, Latin and Greek case, the one whose lower
# case is two characters (İ), the capital sigma whose lower case depends on what follows, lone
# surrogates (from a bad decode), and anything else.
_INTERESTING = st.sampled_from("體國說ＡＢＣａ１２３　ABCxyzÄÖÜİΣσςΑΒΓ介休网格化，。！“”\n\t \ud800\udfff")
_TEXT = st.text(alphabet=st.one_of(_INTERESTING, st.characters()), min_size=0, max_size=200)


def test_every_seed_page_folds_the_same_both_ways():
    pages = sorted(SEEDS.rglob("*.txt"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert fold(text) == _fold_slowly(text), page.name


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_any_text_folds_the_same_both_ways(text):
    assert fold(text) == _fold_slowly(text)
    assert len(fold(text)) == len(text)


def test_a_long_text_with_a_final_capital_sigma_keeps_str_lower_s_final_sigma():
    text = "ΟΔΟΣ " * _FOLD_ARRAY_MIN
    assert fold(text) == _fold_slowly(text)
    assert "ς" in fold(text)


def test_a_long_traditional_full_width_text_folds_to_simplified_half_width_lower_case():
    text = "臺灣國語ＡＢＣ１２３" * 10
    assert fold(text) == "台湾国语abc123" * 10


def test_no_character_past_the_array_s_lowering_range_has_a_lower_case():
    # _fold_codes reads lower cases below U+20000 only: true of this Python's Unicode tables.
    assert all(chr(c).lower() == chr(c) for c in range(0x20000, 0x110000))


def _words_vector_slowly(fields: list[tuple[str, str]]) -> str:
    """words_vector() as first written, from word_tokens()."""
    out = []
    for number, (text, weight) in enumerate(fields, 1):
        for token in dict.fromkeys(word_tokens(text)):
            out.append(f"{_quote(token.strip())}:{number}{weight}")
    return _fit(out)


def _fields(text: str) -> list[tuple[str, str]]:
    return [(text[:30], "A"), (text[30:45], "B"), (text[45:], "C"), ("", "D")]


def test_every_seed_page_gives_the_same_words_vector_both_ways():
    for page in sorted(SEEDS.rglob("*.txt")):
        fields = _fields(page.read_text(encoding="utf-8"))
        assert words_vector(fields) == _words_vector_slowly(fields), page.name


# As stored text: no lone surrogates (tokens.strip_controls drops them before anything is indexed).
_STORED_TEXT = _TEXT.map(lambda text: "".join(ch for ch in text if not "\ud800" <= ch <= "\udfff"))


@settings(max_examples=200, deadline=None)
@given(_STORED_TEXT)
def test_any_text_gives_the_same_words_vector_both_ways(text):
    assert words_vector(_fields(text)) == _words_vector_slowly(_fields(text))


def test_words_longer_than_a_lexeme_may_be_are_cut_into_the_same_pieces_both_ways():
    long_word = "a" * (MAX_WORD_CHARS + 20)
    text = f"{long_word} 介休 {long_word} {'a' * 20} it's a\\b 介休"
    assert words_vector(_fields(text)) == _words_vector_slowly(_fields(text))


# --- grams_vector and words_vector as whole fields (ninth pass at issue 13) -----------------------

TESTS = Path(__file__).resolve().parent


def _grams_vector_slowly(fields: list[tuple[str, str]]) -> str:
    """grams_vector() as it was before it built whole fields at once: an entry per position, the
    module's plain walk (_grams_entries over _walked_grams, which _three_ways holds to units())."""
    return _fit(_grams_entries(fields))


def _words_vector_by_token(fields: list[tuple[str, str]]) -> str:
    """words_vector() as the sixth session left it: token by token, a set of pieces per field."""
    out = []
    for number, (text, weight) in enumerate(fields, 1):
        tail = f":{number}{weight}"
        done = set()
        for token in dict.fromkeys(rjieba.cut_for_search(fold(text))):
            if not (token.isalnum() or _WORDLIKE_RE.search(token)):
                continue
            for piece in _bounded([token]) if len(token) > MAX_WORD_CHARS else (token,):
                if piece in done:
                    continue
                done.add(piece)
                out.append(_quote(piece.strip()) + tail)
    return _fit(out)


def _field_vectors_slowly(**article) -> tuple[str, str, str]:
    """articles.indexing.field_vectors() from the plain functions."""
    fields = searchable_fields(**article)
    head, body_fields = head_and_body(fields)
    return (
        _grams_vector_slowly(head),
        _grams_vector_slowly(body_fields),
        _words_vector_slowly(fields),
    )


def _pages() -> list[Path]:
    pages = sorted(SEEDS.rglob("*.txt")) + sorted(p for d in sorted(TESTS.glob("unseen*")) for p in d.glob("*.txt"))
    assert len(pages) > 30
    return pages


def _all_fields(text: str) -> list[tuple[str, str]]:
    """A page cut into every weight's field, the body the largest."""
    cuts = [(0, 30, "A"), (30, 45, "B"), (45, 60, "B"), (60, 200, "D"), (200, 230, "D"), (230, None, "C")]
    return [(text[start:end], weight) for start, end, weight in cuts]


def _both_vectors_agree(fields: list[tuple[str, str]]) -> None:
    head, body = head_and_body(fields)
    for part in (head, body, fields):
        assert grams_vector(part) == _grams_vector_slowly(part)
        assert grams_vector([(fold(t), w) for t, w in part], folded=True) == _grams_vector_slowly(part)
    assert words_vector(fields) == _words_vector_slowly(fields) == _words_vector_by_token(fields)


def test_every_seed_and_unseen_page_gives_the_same_vectors_both_ways():
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        _both_vectors_agree(_all_fields(text))
        # each line a field of its own (short fields: titles, bylines), in turn through the weights
        lines = text.splitlines()[:60]
        _both_vectors_agree([(line, "ABCD"[i % 4]) for i, line in enumerate(lines)])


def test_every_seed_page_gives_the_same_field_vectors_both_ways():
    for page in _pages():
        lines = page.read_text(encoding="utf-8").splitlines()
        article = dict(
            headline=lines[0] if lines else "",
            kicker=lines[1] if len(lines) > 1 else "",
            subheadline="",
            body="\n".join(lines[4:]),
            intertitles=lines[2:3],
            captions=lines[3:4],
            byline=["本报记者", "张三"],
        )
        assert field_vectors(**article) == _field_vectors_slowly(**article), page.name


# Hostile texts: lone surrogates, the marks _field_grams uses (\x01, \x02), Latin and digit words
# (long ones too), quotes and backslashes, mixed scripts, CJK outside the BMP, spaces of all kinds.
_HOSTILE = st.sampled_from(
    ["\x01", "\x02", "\ud800", "\udfff", "'", "\\", "_", "a", "Z", "9", "Ä", "İ", "Σ", "𠀀", "𪚥", "〇", "介", "休",
     "體", "Ａ", "１", "　", " ", "\n", "\t", "，", "。", "-", ".", "%", "a" * MAX_WORD_CHARS, "x" * (MAX_WORD_CHARS - 1),
     "b" * (MAX_WORD_CHARS + 1), "é", "ß", "ㄅ", "가", "あ", "ア"]
)
_HOSTILE_TEXT = st.lists(st.one_of(_HOSTILE, st.characters(), _INTERESTING), max_size=60).map("".join)
_FIELD_LISTS = st.lists(st.tuples(_HOSTILE_TEXT, st.sampled_from("ABCD")), max_size=6)


@settings(max_examples=300, deadline=None)
@given(_FIELD_LISTS)
def test_any_fields_give_the_same_grams_vector_both_ways(fields):
    assert grams_vector(fields) == _grams_vector_slowly(fields)


_STORED_HOSTILE_TEXT = _HOSTILE_TEXT.map(lambda text: "".join(ch for ch in text if not "\ud800" <= ch <= "\udfff"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_STORED_HOSTILE_TEXT, st.sampled_from("ABCD")), max_size=6))
def test_any_fields_give_the_same_words_vector_both_ways(fields):
    assert words_vector(fields) == _words_vector_slowly(fields) == _words_vector_by_token(fields)


def test_empty_fields_and_empty_vectors():
    assert grams_vector([]) == _grams_vector_slowly([]) == ""
    fields = [("", "A"), ("，。 ", "B"), ("", "C")]
    assert grams_vector(fields) == _grams_vector_slowly(fields) == ""
    assert words_vector(fields) == _words_vector_slowly(fields) == ""
    fields = [("", "A"), ("介", "B"), ("", "D"), ("a", "C")]
    assert grams_vector(fields) == _grams_vector_slowly(fields) == "'介':9B 'a':26C"
    assert words_vector(fields) == _words_vector_slowly(fields)


def test_words_at_and_over_the_cut_give_the_same_vectors_both_ways():
    for n in (MAX_WORD_CHARS - 1, MAX_WORD_CHARS, MAX_WORD_CHARS + 1, 2 * MAX_WORD_CHARS, 2 * MAX_WORD_CHARS + 3):
        for text in ("a" * n, f"介休{'7' * n}市", f"{'x' * n}介 {'y' * n}", f"3.5%介休{'Q' * n}it's"):
            fields = [(text, "A"), (text, "C")]
            assert grams_vector(fields) == _grams_vector_slowly(fields), (n, text[:20])
            assert words_vector(fields) == _words_vector_slowly(fields) == _words_vector_by_token(fields)


def test_a_field_past_the_position_table_and_a_vector_past_a_mebibyte_give_the_same_both_ways():
    text = "介休市网格化党建abc，" * 8_000  # 96,000 characters: past _MAX_TABLE_POSITION
    for fields in ([(text, "C")], [("标题", "A"), (text, "C")], [(text[:70_000], "A"), (text, "C")]):
        assert grams_vector(fields) == _grams_vector_slowly(fields)
    huge = "".join(chr(0x4E00 + i % 20_000) for i in range(200_000))  # every gram distinct: over 1 MiB
    assert len(_grams_vector_slowly([(huge, "C")]).encode()) <= MAX_VECTOR_BYTES
    assert grams_vector([(huge, "C")]) == _grams_vector_slowly([(huge, "C")])
    words = " ".join(f"w{i}" for i in range(120_000))  # over a mebibyte of word entries
    assert words_vector([(words, "C")]) == _words_vector_slowly([(words, "C")])


def test_the_marks_inside_a_text_are_kept_apart_from_the_fast_path_s_own():
    for text in ("介\x02休", "\x02", "a\x02b介", "介\x01休\x01", "\x01\x02介"):
        assert grams_vector([(text, "C")]) == _grams_vector_slowly([(text, "C")])


def _three_ways(text: str, weight: str, pos: int) -> None:
    """_field_grams' two fast forms give what the plain walk gives, from any position."""
    entries, size = _walked_grams(text, weight, pos)
    walked = (" ".join(entries), size)
    assert _field_grams(text, weight, pos) == walked
    if _WORD not in text and len(text) + pos < _MAX_TABLE_POSITION:
        assert _field_grams_joined(text, weight, pos) == walked
        if text:
            assert _field_grams_array(text, weight, pos) == walked


def test_every_page_gives_the_same_field_grams_three_ways_across_the_digit_counts():
    for page in _pages():
        text = fold(page.read_text(encoding="utf-8"))
        for pos in (1, 5, 95, 9_990, 60_000):
            _three_ways(text[:3_000], "C", pos)
            _three_ways(text[:40], "A", pos)


@settings(max_examples=300, deadline=None)
@given(_HOSTILE_TEXT, st.sampled_from("ABCD"), st.sampled_from([1, 2, 9, 10, 98, 999, 9_995, 65_000]))
def test_any_text_gives_the_same_field_grams_three_ways(text, weight, pos):
    _three_ways(text, weight, pos)
    _three_ways(fold(text), weight, pos)


def test_fold_gives_the_same_from_its_cache_and_past_it():
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        for piece in (text, text[:4_096], text[:4_097], text[:100], text[:47]):
            assert fold(piece) == fold(piece) == _fold_slowly(piece)
