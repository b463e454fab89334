"""PDF-extraction damage for clean labelled pages, so the labeller sees pages as ingest gets them.

The shared corpus has one paragraph a line and nothing else; a regional page's extracted text
(see ``seeds/``) also has paragraphs cut at column breaks (with or without a blank line between
the pieces), stray spaces, half-width punctuation, page headers (date, page number, page name,
staff line) and column labels over stories; a city daily also prints the reporters' names on a
line of their own (`本报记者 X`) and may break a long headline over two lines (``layout``,
``broken_titles``). :func:`damage` adds a random mix of these to a page, keeping every line's
label (a cut piece of a paragraph is body; headers and labels are furniture; a headline's second
line is title). Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import random
import re

from ingest.corpus import BODY, FURNITURE, START, TITLE, LabelledLine, LabelledPage

_WEEKDAYS = "一二三四五六日"
_PAGE_NAMES = ("要闻", "综合", "本地新闻", "县域经济", "民生", "时政", "经济", "社会", "专版", "文化")
_COLUMNS = ("政务动态", "经济资讯", "简  讯", "本地新闻", "县域动态", "民生视点", "图片新闻", "乡镇传真", "来论")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
_HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.5 else "")


def _header(rng: random.Random) -> list[str]:
    day, wd, no = rng.randint(1, 28), rng.choice(_WEEKDAYS), rng.randint(1, 16)
    pool = [
        f"{rng.randint(2018, 2025)}年{rng.randint(1, 12)}月{day}日  星期{wd}",
        rng.choice((f"第{no}版", f"{no}", f"0{no}" if no < 10 else str(no), f"A{no}")),
        rng.choice((f"{no} {rng.choice(_PAGE_NAMES)}", rng.choice(_PAGE_NAMES))),
        rng.choice((f"编辑：{_name(rng)}  美编：{_name(rng)}  校对：{_name(rng)}", f"责编/{_name(rng)}")),
    ]
    k = rng.randint(1, 4)
    return rng.sample(pool, k)


def _cut(text: str, rng: random.Random, width: int | None) -> list[str]:
    """A paragraph cut at column breaks: at a fixed width, or at one or two random places."""
    if width:
        return [text[k : k + width] for k in range(0, len(text), width)]
    cuts = sorted(rng.sample(range(8, len(text) - 4), min(rng.randint(1, 2), max(0, len(text) - 12))))
    pieces, last = [], 0
    for c in cuts:
        pieces.append(text[last:c])
        last = c
    pieces.append(text[last:])
    return [p for p in pieces if p.strip()]


def _stray_spaces(text: str, rng: random.Random, every: int) -> str:
    out = []
    for k, ch in enumerate(text):
        out.append(ch)
        if k and k % every == 0 and rng.random() < 0.8:
            out.append(" ")
    return "".join(out)


_DATELINE_BYLINE_RE = re.compile(r"^(?:本报|据新华社|新华社)[^（(，。]{0,20}电\s*[（(]记者([^）)]{2,30})[）)]\s*(\S.*)$")
_OWN_LINE_ROLES = ("本报记者 ", "记者 ", "□本报记者 ", "■记者 ", "本报记者  ")
MIN_BROKEN_TITLE_CHARS = 12


def _byline_own_line(text: str, rng: random.Random) -> list[str] | None:
    """A city daily's layout of a dateline byline: `本报记者 X Y` on a line of its own over the
    text (the names stay the story's byline; the dateline is dropped)."""
    m = _DATELINE_BYLINE_RE.match(text)
    if m is None:
        return None
    names = [x for x in re.split(r"[、，,\s]+", m.group(1)) if x]
    return [rng.choice(_OWN_LINE_ROLES) + " ".join(names), m.group(2)]


def _broken_title(text: str) -> list[str]:
    """A headline printed over two lines: broken at a space, else in the middle."""
    core = text.strip()
    k = core.find(" ", 4)
    if k < 0 or k > len(core) - 4:
        k = len(core) // 2
    return [core[:k].strip(), core[k:].strip()]


def damage(
    page: LabelledPage, rng: random.Random, punctuation: bool = True, layout: bool = False, broken_titles: bool = False
) -> LabelledPage:
    """A copy of ``page`` with a random mix of extraction damage; labels kept. Without
    ``punctuation`` the characters stay as they are (half-width forms would hide the gold's
    first and last characters from the scorer), only lines, blanks and spaces change."""
    no_blanks = rng.random() < 0.25  # some extractors put no blank line between lines
    width = rng.choice((None, None, None, rng.randint(14, 30)))  # narrow columns cut at a width
    cut_share = rng.choice((0.0, 0.2, 0.4, 0.7)) if width is None else 1.0
    spaces = rng.random() < 0.3
    half = rng.random() < 0.3 and punctuation
    columns = rng.random() < 0.3
    # a city daily's layout: the reporters' names on a line of their own over the text
    own_byline = layout and rng.random() < 0.4
    # (headlines broken over two lines: for held-out copies only; trained on, they cost ~1 point
    # of titles on clean and damaged pages and gained nothing on broken ones)
    break_titles = layout and rng.random() < 0.3 and broken_titles
    out: list[LabelledLine] = []
    gap = 0 if no_blanks else 1
    prev_label = ""
    if rng.random() < 0.7:
        out.extend(LabelledLine(t, gap, FURNITURE) for t in _header(rng))
    for line in page.lines:
        text = line.text
        if half:
            text = text.translate(_HALF)
        if columns and line.label == START and rng.random() < 0.25:
            out.append(LabelledLine(rng.choice(_COLUMNS), gap, FURNITURE))
        labels = None
        if own_byline and line.label == BODY and prev_label in (START, TITLE) and (split := _byline_own_line(text, rng)):
            pieces, labels = split, [BODY, BODY]
        elif break_titles and line.label in (START, TITLE) and len(text.strip()) >= MIN_BROKEN_TITLE_CHARS and rng.random() < 0.5:
            pieces, labels = _broken_title(text), [line.label, TITLE]
        elif line.label == BODY and len(text) > 40 and rng.random() < cut_share:
            pieces = _cut(text, rng, width)
        else:
            pieces = [text]
        prev_label = line.label
        if spaces and line.label == BODY:
            every = rng.randint(8, 16)
            pieces = [_stray_spaces(p, rng, every) for p in pieces]
        for k, piece in enumerate(pieces):
            piece_gap = gap if k == 0 else (0 if no_blanks or rng.random() < 0.3 else 1)
            label = labels[k] if labels else line.label if k == 0 else BODY
            out.append(LabelledLine(piece.strip() or piece, piece_gap, label))
    if out:
        out[0].gap = 0
    return LabelledPage(page.name + "~", page.group, [x for x in out if x.text.strip()], page.gold)
