"""Score a split page against a hand-made expected split (the figures of the splitter issue).

The expected split is JSON (see ``tests/expected/*.json``): per article the first and last source
line, title parts, byline names, source, section, paragraph count, first paragraph prefix,
intertitles, captions (text prefix + credit), the continued flag, and snippets that only exist
once broken paragraphs are repaired; plus the furniture lines. An expected article's lines are
the non-blank lines of its range that are not furniture.

Figures (each a fraction, higher is better, except ``spurious``):

* ``boundaries`` — expected articles whose exact line set is one predicted article;
* ``titles``     — kicker + headline + subheadline all equal (whitespace ignored);
* ``bylines``    — byline names and source equal;
* ``captions``   — expected captions found in the right article with text prefix and credit;
* ``paragraphs`` — paragraph counts, first-paragraph prefixes and repaired snippets found;
* ``counties``   — the primary county (first tag) equals the expected one ("" for none), where the
  expected split gives one and the page was parsed with county tagging;
* ``spurious``   — predicted articles that match no expected article (lower is better).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.model import Page, ParsedArticle

_WS_RE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS_RE.sub("", text)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Score:
    boundaries: Tally = field(default_factory=Tally)
    titles: Tally = field(default_factory=Tally)
    bylines: Tally = field(default_factory=Tally)
    captions: Tally = field(default_factory=Tally)
    paragraphs: Tally = field(default_factory=Tally)
    counties: Tally = field(default_factory=Tally)
    spurious: Tally = field(default_factory=Tally)  # right = spurious articles, total = predicted
    misses: list[str] = field(default_factory=list)

    def merge(self, other: Score) -> None:
        for name in ("boundaries", "titles", "bylines", "captions", "paragraphs", "counties", "spurious"):
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.right += theirs.right
            mine.total += theirs.total
        self.misses.extend(other.misses)

    def figures(self) -> dict[str, float]:
        return {
            "boundaries": self.boundaries.ratio,
            "titles": self.titles.ratio,
            "bylines": self.bylines.ratio,
            "captions": self.captions.ratio,
            "paragraphs": self.paragraphs.ratio,
            "counties": self.counties.ratio,
            "spurious": self.spurious.right / self.spurious.total if self.spurious.total else 0.0,
        }


def load_expected(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def expected_lines(text: str, expected: dict[str, Any]) -> list[set[int]]:
    """The line set of every expected article: non-blank, non-furniture lines of its range."""
    nonblank = {no for no, raw in enumerate(text.split("\n"), start=1) if raw.strip()}
    furniture = {f["line"] for f in expected.get("furniture", [])}
    return [
        {no for no in range(a["lines"][0], a["lines"][1] + 1) if no in nonblank and no not in furniture}
        for a in expected["articles"]
    ]


def _best_match(lines: set[int], page: Page) -> tuple[int, ParsedArticle | None]:
    best, best_overlap = -1, 0
    for k, article in enumerate(page.articles):
        overlap = len(lines & set(article.lines))
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    if best < 0 or best_overlap * 2 < len(lines):
        return -1, None
    return best, page.articles[best]


def score_page(
    page: Page, expected: dict[str, Any], text: str, label: str = "", *, counties: bool = False
) -> Score:
    """Score one page; ``counties`` when the page went through county tagging too."""
    score = Score()
    matched: set[int] = set()
    for exp, lines in zip(expected["articles"], expected_lines(text, expected)):
        name = f"{label} {exp['lines'][0]}-{exp['lines'][1]}"
        k, got = _best_match(lines, page)
        if got is not None:
            matched.add(k)
        ok = got is not None and set(got.lines) == lines
        score.boundaries.add(ok)
        if not ok:
            score.misses.append(f"{name}: boundary (got {got.lines if got else None})")
        _score_article(score, exp, got, name, counties=counties)
    for k in range(len(page.articles)):
        score.spurious.add(k not in matched)
        if k not in matched:
            score.misses.append(f"{label}: spurious article at lines {page.articles[k].lines[:3]}…")
    return score


def _score_article(
    score: Score, exp: dict[str, Any], got: ParsedArticle | None, name: str, *, counties: bool
) -> None:
    title_ok = got is not None and all(
        _squash(getattr(got, part)) == _squash(exp[part]) for part in ("kicker", "headline", "subheadline")
    )
    score.titles.add(title_ok)
    if not title_ok:
        score.misses.append(f"{name}: title {(got.kicker, got.headline, got.subheadline) if got else None}")
    byline_ok = got is not None and got.byline == exp["byline"] and _squash(got.source) == _squash(exp["source"])
    score.bylines.add(byline_ok)
    if not byline_ok:
        score.misses.append(f"{name}: byline {(got.byline, got.source) if got else None}")
    remaining = list(got.captions) if got is not None else []
    for cap in exp["captions"]:
        hit = next(
            (
                c
                for c in remaining
                if _squash(c.credit) == _squash(cap["credit"]) and _squash(c.text).startswith(_squash(cap["text"]))
            ),
            None,
        )
        score.captions.add(hit is not None)
        if hit is None:
            score.misses.append(f"{name}: caption {cap}")
        else:
            remaining.remove(hit)
    if counties and "county" in exp:
        primary = got.counties[0].name if got is not None and got.counties else ""
        score.counties.add(primary == exp["county"])
        if primary != exp["county"]:
            score.misses.append(f"{name}: primary county {primary!r}, expected {exp['county']!r}")
    paragraphs = got.paragraphs if got is not None else []
    count_ok = len(paragraphs) == exp["paragraphs"]
    score.paragraphs.add(count_ok)
    if not count_ok:
        score.misses.append(f"{name}: {len(paragraphs)} paragraphs, expected {exp['paragraphs']}")
    if exp["first_paragraph"]:
        first_ok = bool(paragraphs) and _squash(paragraphs[0]).startswith(_squash(exp["first_paragraph"]))
        score.paragraphs.add(first_ok)
        if not first_ok:
            score.misses.append(f"{name}: first paragraph {paragraphs[0][:20] if paragraphs else None}")
    for snippet in exp["repaired"]:
        found = any(snippet in p for p in paragraphs)
        score.paragraphs.add(found)
        if not found:
            score.misses.append(f"{name}: repaired snippet {snippet!r} not found")


def score_seeds(seed_dir: Path, expected_dir: Path, split: Any) -> Score:
    """Score ``split`` (a ``(text, file name) -> Page`` function) over every page in ``seed_dir``
    that has an expected JSON in ``expected_dir``."""
    total = Score()
    for exp_path in sorted(expected_dir.glob("*.json")):
        page_path = seed_dir / f"{exp_path.stem}.txt"
        text = page_path.read_text(encoding="utf-8")
        page = split(text, page_path.name)
        total.merge(score_page(page, load_expected(exp_path), text, label=exp_path.stem[:3], counties=True))
    return total
