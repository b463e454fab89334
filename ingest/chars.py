"""Character classes shared by the splitter modules (pure Python, no Django).

Chinese newspaper text mixes CJK ideographs, full-width punctuation and ASCII. Most splitting
rules ask the same few questions about a character: is it Chinese, does it end a sentence, does it
close a quotation. They are answered here once, with compiled regexes, so every module agrees.
"""

from __future__ import annotations

import operator
import re

# CJK ideographs (unified + extension A + compatibility) — the letters of Chinese text.
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width / CJK punctuation and symbols that sit inside Chinese text without spaces.
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2014-\u2027\u2e80-\u2eff\u3200-\u32ff\u25a0-\u25ff"
CJK_ANY = CJK_CHARS + CJK_PUNCT

CJK_RE = re.compile(f"[{CJK_CHARS}]")

# A sentence is complete when it ends with one of these (before any closing quote or bracket).
TERMINAL = "。！？!?…；;"
# Closing quotes and brackets that may follow the sentence-final mark: `…挺好的。”`.
CLOSERS = "”’」』）)】》〉\"'"
OPENERS = "“‘「『（(【《〈"
CLOSER_FOR = {"”": "“", "’": "‘", "」": "「", "』": "『", "）": "（", ")": "(", "】": "【", "》": "《"}

_FIRST_CLOSER_RE = re.compile("[" + re.escape("".join(CLOSER_FOR)) + "]")

# Any punctuation that a sentence body may contain: used to tell prose from titles.
CLAUSE_PUNCT_RE = re.compile(r"[，,、；;。！？!?]")
SENTENCE_END_INSIDE_RE = re.compile(r"[。！？；;]")


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (not punctuation)."""
    return bool(CJK_RE.match(ch))


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends a sentence (or a colon-introduced block).

    The column break splits a sentence anywhere, so a line that does not end with sentence-final
    punctuation (possibly followed by closing quotes) is an unfinished paragraph. A colon also
    ends a paragraph in news prose (`他说：` then a quoted paragraph).
    """
    stripped = text.rstrip()
    core = stripped.rstrip(CLOSERS)
    if not core:
        # only closers, e.g. `”`: the quote ends, treat as finished
        return bool(stripped)
    last = core[-1]
    if last in TERMINAL or last in "：:":
        return True
    # `……` and `——` at the very end: an ellipsis ends, a dash does not
    return False


def unmatched_closer_first(text: str, limit: int = 400) -> bool:
    """True when the first closing quote/bracket near the start of ``text`` has no opener.

    A fragment continued from another page starts in the middle of a quotation (`伙人”。`), so the
    first closer it meets has no opener before it. Only the first ``limit`` characters count.
    """
    m = _FIRST_CLOSER_RE.search(text, 0, limit)
    if m is None:
        return False
    return CLOSER_FOR[m.group()] not in text[: m.start()]


_CJK_RUN_RE = re.compile("[\u4e00-\u9fff]{2,}")


def cjk_pairs(text: str) -> set[str]:
    """Pairs of adjacent Chinese characters (the words, without punctuation and numbers): what
    the splitter compares to tell whether two pieces of text speak of the same things."""
    out: set[str] = set()
    for run in _CJK_RUN_RE.findall(text):
        # each character joined to the next: a third cheaper than slicing pair by pair
        out.update(map(operator.add, run, run[1:]))
    return out
