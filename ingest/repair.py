"""Repair damage done by PDF text extraction: broken paragraphs and stray spaces.

Two kinds of damage are repaired, and nothing else is touched, so the body keeps every character
of the page except whitespace:

* A column break splits a paragraph anywhere, even inside a word (`健全网格运行机` / `制,`), and
  the extractor puts a blank line between the halves. Blank lines therefore do not separate
  paragraphs: a line that ends without sentence-final punctuation continues on the next line.
* Narrow columns are extracted with a space at every visual line end (`党建引 领`, `问题 27 件`).
  Chinese prose has no spaces, so a space next to a Chinese character or punctuation is removed;
  spaces between Latin words or numbers (`COVID 19`, `iPhone 15 Pro`) stay. In titles, a space
  separates headline parts and is kept (collapsed to one ASCII space); list marks before a title
  (`●`, `■`, `◆`) and `【】` around it are not its words and are dropped (:func:`clean_title`).
"""

from __future__ import annotations

import re

from ingest.chars import CJK_ANY, ends_sentence

_CJK_CLASS = f"[{CJK_ANY}]"
# Whitespace with a Chinese character or full-width punctuation on at least one side.
_STRAY_SPACE_RE = re.compile(rf"(?<={_CJK_CLASS})\s+|\s+(?={_CJK_CLASS})")
# ASCII punctuation used in Chinese text by some typesetters (`桥梁, 实现`): a space after it in
# Chinese context is stray too — covered by the lookahead above when a Chinese character follows.
_SPACE_RUN_RE = re.compile(r"\s+")
_ANY_SPACE_RE = re.compile(r"\s")

# Paragraph-opening adverbials: a line starting with one of these (and a comma) begins a new
# paragraph even when the line before it was cut off (`…篮球场` / `而今,民乐园…`): the cut line is
# the end of a story continued elsewhere, not the first half of this sentence.
_PARAGRAPH_OPENERS_RE = re.compile(
    r"(?:而今|如今|目前|此外|同时|近年来|近日|日前|据悉|据了解|另外|然而|但是|因此|总之|今年以来|下一步|"
    r"与此同时|随后|此前|当前|眼下|截至目前|近期|去年|今年|未来|最后|首先|其次|再次|一方面|另一方面)"
    r"\s*[，,]"
)


def remove_stray_spaces(text: str) -> str:
    """Drop whitespace inside Chinese text; keep single spaces between Latin/digit words."""
    if _ANY_SPACE_RE.search(text) is None:
        return text  # the common case, and a 1 MB line without spaces costs one scan
    text = _STRAY_SPACE_RE.sub("", text)
    return _SPACE_RUN_RE.sub(" ", text).strip()


def normalize_title(text: str) -> str:
    """Titles keep their part separators: every whitespace run becomes one ASCII space."""
    return _SPACE_RUN_RE.sub(" ", text).strip()


# Marks printed before a title, not part of its words: list bullets of briefs (`●陈埭镇…`),
# intertitle squares and diamonds (`■ 老街巷…`, `◆生产线“换脑”`), and the lenticular brackets
# around an intertitle (`【一片茶叶富了一方百姓】`).
_TITLE_MARK_RE = re.compile(r"[■□◆◇●○◎★☆※▶►]+\s*")
_BRACKETED_RE = re.compile(r"【\s*([^【】]+?)\s*】")


def clean_title(text: str) -> str:
    """A title's words: :func:`normalize_title`, without a leading list mark or the `【】`
    around it. A title that is nothing but marks is kept as printed."""
    text = normalize_title(text)
    m = _TITLE_MARK_RE.match(text)
    if m is not None and m.end() < len(text):
        text = text[m.end() :]
    m = _BRACKETED_RE.fullmatch(text)
    return m.group(1) if m is not None else text


def continues(previous: str, following: str) -> bool:
    """True when ``following`` is the rest of the paragraph that ``previous`` started.

    The column break splits a sentence: join when the line ends without closing punctuation —
    unless the next line opens like a new paragraph, in which case the previous one was cut off.
    """
    if not previous or not following:
        return False
    if ends_sentence(previous):
        return False
    if _PARAGRAPH_OPENERS_RE.match(following):
        return False
    return True


def join_fragments(parts: list[str]) -> str:
    """Join the halves of a broken paragraph, repairing stray spaces across the seam."""
    # a space at the seam: removed next to Chinese text, kept between two Latin words
    return remove_stray_spaces(" ".join(parts))
