"""The fast paths of ingest/tokens.py give what the plain versions give.

fold() and words_vector() are on ingest's hot path (fold also in every search result's
highlight): fold maps a long text's code points through a NumPy array, words_vector drops
repeated tokens before testing them. These hold each to its plain version.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.tokens import MAX_WORD_CHARS, _FOLD_ARRAY_MIN, _fit, _fold_slowly, _quote, fold, word_tokens, words_vector

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
