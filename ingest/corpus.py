"""Labelled pages for the learned splitter: real pages with gold articles, and hand-made splits.

Two sources give a label to every non-blank line of a page (:data:`LABELS`):

* the shared corpus (``../shared/corpus/rmrb-2020-02``: ``NAME.txt`` + ``NAME.gold.json``, one
  paragraph a line, articles in page order, titles, first/last characters of the running text);
* the archive's own hand-made splits (``seeds/`` + ``tests/expected/``, ``tests/unseen*/``):
  per article its line range, titles and intertitles, plus the furniture lines.

A page is a list of :class:`LabelledLine` (the text, blank lines before it, its label), so a page
can be damaged (:mod:`ingest.augment`) without losing its labels. Nothing here is read when a
page is split: the training command and the tests use it, and :func:`expected_form` writes an
admin's corrected page in the hand-made form (``manage.py export_corrections``). Plain Python,
no Django.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.model import Page

# Line labels: what a line does on its page.
START = "S"  # the first line of a story: its first title line, or its first line when it has none
TITLE = "T"  # a further title line of the same story (headline under a kicker, subheadline)
INTERTITLE = "I"  # a subheading inside a story
BODY = "B"  # anything else of a story: paragraphs, bylines, captions, credits, end notes
FURNITURE = "F"  # belongs to no story: banners, page names, dates, page numbers, column labels
LABELS = (START, TITLE, INTERTITLE, BODY, FURNITURE)

_WS_RE = re.compile(r"\s+")
_CLOSING = "。！？!?”」』…）)"
MAX_INTERTITLE_CHARS = 30


def squash(text: str | None) -> str:
    return _WS_RE.sub("", text or "")


@dataclass
class LabelledLine:
    text: str
    gap: int  # blank lines before it
    label: str


@dataclass
class LabelledPage:
    name: str  # file stem, unique within its source
    group: str  # cross-validation group: the day for corpus pages, the set for hand-made ones
    lines: list[LabelledLine]
    gold: dict | None = None  # the page in score_split.py's gold form (corpus pages only)

    def text(self) -> str:
        out: list[str] = []
        for line in self.lines:
            out.extend([""] * line.gap)
            out.append(line.text)
        return "\n".join(out) + "\n"


# -- the shared corpus ----------------------------------------------------------------------------

_ROLE_RE = re.compile(r"^(?:本报|新华社|人民日报)?(?:特约|实习)?(?:记者|通讯员|实习生|评论员|摄影|撰稿)+")
_BRACKETS_RE = re.compile(r"[（(]([^（）()]*)[）)]")


def byline_names(byline: str | None) -> list[str]:
    """The names of a corpus byline (`本报北京2月2日电  （记者王观、李四）` → 王观, 李四)."""
    if not byline:
        return []
    groups = _BRACKETS_RE.findall(byline)
    if not groups:
        return []
    names: list[str] = []
    for part in re.split(r"[、，,\s]+", groups[-1]):
        part = _ROLE_RE.sub("", part.strip())
        if part:
            names.append(part)
    return names


def _is_intertitle(text: str) -> bool:
    core = squash(text)
    return 0 < len(core) <= MAX_INTERTITLE_CHARS and core[-1] not in _CLOSING and "。" not in core


def align_corpus_page(text: str, articles: list[dict]) -> list[str] | None:
    """A label for every non-blank line of a corpus page, or None when the gold cannot be found
    in the text in order (such pages are left out of training)."""
    lines = [squash(t) for t in text.split("\n") if t.strip()]
    labels: list[str | None] = [None] * len(lines)
    p = 0
    for a in articles:
        parts = [squash(a.get(k)) for k in ("kicker", "headline", "subheadline")]
        title = "".join(parts)
        first = True
        # title lines: consume lines while they spell the title from its start
        done = ""
        while title and len(done) < len(title) and p < len(lines) and lines[p] and title.startswith(done + lines[p]):
            labels[p] = START if first else TITLE
            first = False
            done += lines[p]
            p += 1
        if title and done != title:
            return None
        head, tail = squash(a.get("first_chars")), squash(a.get("last_chars"))
        if not (head or tail):
            continue
        # the running text may start or end across lines (a caption over its credit line)
        q = next((k for k in range(p, min(p + 3, len(lines))) if head in "".join(lines[k : k + 3])), None)
        if q is None:
            return None
        r = next((k for k in range(q, len(lines)) if tail in "".join(lines[max(q, k - 3) : k + 1])), None)
        if r is None:
            return None
        for k in range(p, r + 1):
            if k == p and first:
                labels[k] = START
                first = False
            elif k > q and k < r and _is_intertitle(lines[k]):
                labels[k] = INTERTITLE
            else:
                labels[k] = BODY
        p = r + 1
        end_note = squash(a.get("end_note"))
        while p < len(lines) and end_note and lines[p] == end_note:
            labels[p] = BODY
            p += 1
    # lines after the last article, or between articles the gold does not cover
    if any(label is None for label in labels):
        return None
    return labels  # type: ignore[return-value]


def corpus_gold(articles: list[dict]) -> dict:
    """One corpus page in score_split.py's gold form."""
    out = []
    for a in articles:
        out.append(
            {
                "kicker": a.get("kicker"),
                "headline": a.get("headline"),
                "subheadline": a.get("subheadline"),
                "byline": byline_names(a.get("byline")),
                "body_first": a.get("first_chars") or "",
                "body_last": a.get("last_chars") or "",
                "captions": [],  # a caption may be a whole paragraph: scored as text, not captions
                "counties": [],
                "body_must_contain": [],
            }
        )
    return {"articles": out}


def read_corpus(folder: Path) -> list[LabelledPage]:
    """Every page of a corpus folder whose gold aligns with its text, in name order."""
    pages: list[LabelledPage] = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        name = gold_path.name[: -len(".gold.json")]
        txt = gold_path.with_name(name + ".txt")
        if not txt.exists():
            continue
        text = txt.read_text(encoding="utf-8")
        articles = json.loads(gold_path.read_text(encoding="utf-8"))
        labels = align_corpus_page(text, articles)
        if labels is None:
            continue
        raw = [t.strip() for t in text.split("\n")]
        lines: list[LabelledLine] = []
        gap = 0
        k = 0
        for t in raw:
            if not t:
                gap += 1
                continue
            lines.append(LabelledLine(t, gap, labels[k]))
            k += 1
            gap = 0
        day = re.search(r"(\d{8})", name)
        pages.append(LabelledPage(name, day.group(1) if day else name, lines, corpus_gold(articles)))
    return pages


# -- the archive's hand-made splits ---------------------------------------------------------------


def label_expected_page(text: str, expected: dict) -> list[str]:
    """Labels of a page from a hand-made expected split (``tests/expected/*.json`` form)."""
    raw = text.split("\n")
    numbered = [(no, t.strip()) for no, t in enumerate(raw, start=1) if t.strip()]
    furniture = {f["line"] for f in expected.get("furniture", [])}
    label_of: dict[int, str] = {}
    for a in expected.get("articles", []):
        lo, hi = a["lines"]
        inside = [(no, t) for no, t in numbered if lo <= no <= hi and no not in furniture]
        title = squash("".join(a.get(k) or "" for k in ("kicker", "headline", "subheadline")))
        inter = {squash(x) for x in a.get("intertitles", [])}
        section = squash(a.get("section"))
        done = ""
        started = False
        for no, t in inside:
            s = squash(t)
            if not started and section and s == section and not title.startswith(s):
                label_of[no] = FURNITURE  # the column label over the story: the rules own it
                continue
            if title and len(done) < len(title) and s and title[len(done) :].startswith(s):
                label_of[no] = TITLE if started else START
                done += s
                started = True
                continue
            if not started:
                label_of[no] = START
                started = True
            elif s in inter and done == title:
                label_of[no] = INTERTITLE
            else:
                label_of[no] = BODY
    return [label_of.get(no, FURNITURE) for no, _ in numbered]


def read_expected(pages_dir: Path, expected_dir: Path, group: str) -> list[LabelledPage]:
    out: list[LabelledPage] = []
    for exp in sorted(expected_dir.glob("*.json")):
        txt = pages_dir / (exp.stem + ".txt")
        if not txt.exists():
            continue
        text = txt.read_text(encoding="utf-8")
        expected = json.loads(exp.read_text(encoding="utf-8"))
        if "articles" not in expected:
            continue
        labels = label_expected_page(text, expected)
        lines: list[LabelledLine] = []
        gap = 0
        k = 0
        for t in text.split("\n"):
            t = t.strip()
            if not t:
                gap += 1
                continue
            lines.append(LabelledLine(t, gap, labels[k]))
            k += 1
            gap = 0
        out.append(LabelledPage(exp.stem, group, lines))
    return out


def expected_form(page: Page, name: str) -> dict | None:
    """A page's split (as an admin left it) in the hand-made expected form that
    :func:`read_expected` labels: per article its line range, titles and intertitles, and the
    furniture lines. None when the articles' line ranges overlap (lines moved across another
    story): a range cannot say which lines are whose, and a wrong label teaches worse than none."""
    articles = [a for a in page.articles if a.lines]
    spans = sorted((min(a.lines), max(a.lines)) for a in articles)
    if any(lo <= prev_hi for (_, prev_hi), (lo, _) in zip(spans, spans[1:])):
        return None
    return {
        "seed": name,
        "notes": "Exported from the archive's corrected split (manage.py export_corrections).",
        "furniture": [{"line": f.line, "kind": str(f.kind)} for f in page.furniture],
        "articles": [
            {
                "lines": [min(a.lines), max(a.lines)],
                "section": a.section, "kicker": a.kicker, "headline": a.headline, "subheadline": a.subheadline,
                "byline": list(a.byline), "source": a.source, "continued": a.continued,
                "intertitles": a.intertitles,
            }
            for a in sorted(articles, key=lambda a: min(a.lines))
        ],
    }
