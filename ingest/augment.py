"""PDF-extraction damage for clean labelled pages, so the labeller sees pages as ingest gets them.

The shared corpus has one paragraph a line and nothing else; a regional page's extracted text
(see ``seeds/``) also has paragraphs cut at column breaks (with or without a blank line between
the pieces), stray spaces, half-width punctuation, page headers (date, page number, page name,
staff line) and column labels over stories. :func:`damage` adds a random mix of these to a page,
keeping every line's label (a cut piece of a paragraph is body; headers and labels are
furniture). Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import random

from ingest.corpus import BODY, FURNITURE, START, LabelledLine, LabelledPage

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


def damage(page: LabelledPage, rng: random.Random, punctuation: bool = True) -> LabelledPage:
    """A copy of ``page`` with a random mix of extraction damage; labels kept. Without
    ``punctuation`` the characters stay as they are (half-width forms would hide the gold's
    first and last characters from the scorer), only lines, blanks and spaces change."""
    no_blanks = rng.random() < 0.25  # some extractors put no blank line between lines
    width = rng.choice((None, None, None, rng.randint(14, 30)))  # narrow columns cut at a width
    cut_share = rng.choice((0.0, 0.2, 0.4, 0.7)) if width is None else 1.0
    spaces = rng.random() < 0.3
    half = rng.random() < 0.3 and punctuation
    columns = rng.random() < 0.3
    out: list[LabelledLine] = []
    gap = 0 if no_blanks else 1
    if rng.random() < 0.7:
        out.extend(LabelledLine(t, gap, FURNITURE) for t in _header(rng))
    for line in page.lines:
        text = line.text
        if half:
            text = text.translate(_HALF)
        if columns and line.label == START and rng.random() < 0.25:
            out.append(LabelledLine(rng.choice(_COLUMNS), gap, FURNITURE))
        if line.label == BODY and len(text) > 40 and rng.random() < cut_share:
            pieces = _cut(text, rng, width)
        else:
            pieces = [text]
        if spaces and line.label == BODY:
            every = rng.randint(8, 16)
            pieces = [_stray_spaces(p, rng, every) for p in pieces]
        for k, piece in enumerate(pieces):
            piece_gap = gap if k == 0 else (0 if no_blanks or rng.random() < 0.3 else 1)
            out.append(LabelledLine(piece.strip() or piece, piece_gap, line.label if k == 0 else BODY))
    if out:
        out[0].gap = 0
    return LabelledPage(page.name + "~", page.group, [x for x in out if x.text.strip()], page.gold)
