"""What the parser produces: plain dataclasses, no Django.

A page is a list of articles plus page furniture. Every non-blank source line of the page is
listed exactly once, either in one article's ``lines`` or as one ``Furniture`` item, so an editor
can always find where a character went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FurnitureKind(StrEnum):
    BANNER = "banner"  # page-wide slogan or campaign banner (创建新时代党建引领基层治理示范区)
    COLUMN = "column"  # column label (政务动态, 经济 资讯)
    OTHER = "other"  # anything else that belongs to no story


class BlockKind(StrEnum):
    PARAGRAPH = "p"
    INTERTITLE = "h"
    JUMP = "j"  # a jump line (`（上接第1版）`, `（下转第6版）`): where the story goes on; not body


class Warning(StrEnum):
    NO_HEADLINE = "no_headline"
    NO_BYLINE = "no_byline"
    CONTINUED_FRAGMENT = "continued_fragment"  # starts with text continued from another page
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    PHOTO_ONLY = "photo_only"  # a photo story: caption and credit, no body


@dataclass(frozen=True)
class County:
    """A county-level division (县, 县级市, 区) of the gazetteer."""

    code: str  # six-digit division code, e.g. "140781"
    name: str  # full name, e.g. "介休市"
    short: str  # short name usable alone when unambiguous ("介休"), else ""
    prefecture: str  # e.g. "晋中市"
    province: str  # e.g. "山西省"


@dataclass
class Caption:
    text: str  # the caption without its credit
    credit: str = ""  # the photographer's name(s) or "资料图片"; "" when none
    lines: list[int] = field(default_factory=list)
    # The credit as printed (`通讯员 刘丹 摄`, `制图：高远`, `（新华社记者 张三 摄）`): what a reader
    # is shown, role words and all; "" when none was read (then ``credit`` is shown with 摄).
    credit_text: str = ""


@dataclass
class Block:
    kind: BlockKind
    text: str


@dataclass
class Furniture:
    line: int  # 1-based source line number
    kind: FurnitureKind
    text: str


@dataclass
class ParsedArticle:
    kicker: str = ""
    headline: str = ""
    subheadline: str = ""
    byline: list[str] = field(default_factory=list)  # clean personal names, one per entry
    byline_text: str = ""  # the byline as printed, e.g. "本报讯(记者 韩笑)"
    source: str = ""  # a source line such as "据《山西日报》"
    section: str = ""  # the column label over the story, e.g. "政务动态"
    blocks: list[Block] = field(default_factory=list)  # paragraphs, intertitles, jump lines, in order
    captions: list[Caption] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # 1-based source lines, sorted, no repeats
    continued: bool = False  # opens with a fragment continued from another page
    warnings: list[Warning] = field(default_factory=list)
    counties: list[County] = field(default_factory=list)  # primary first
    # The id of the stored article this one was loaded from: an opaque handle for the write path
    # (corrections keep it so the row is updated in place). Ingest never sets it.
    ref: int | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == BlockKind.PARAGRAPH]

    @property
    def intertitles(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == BlockKind.INTERTITLE]

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Page:
    articles: list[ParsedArticle] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)


# -- JSON form -------------------------------------------------------------------------------
# A page's state is stored as JSON (each revision of a page keeps one), so the round trip must
# be exact: ``page_from_dict(page_to_dict(p)) == p`` for every field, enums and counties included.


def page_to_dict(page: Page) -> dict[str, Any]:
    """The page as plain JSON-safe data (str, int, bool, None, lists and dicts)."""
    return {
        "articles": [_article_to_dict(a) for a in page.articles],
        "furniture": [{"line": f.line, "kind": str(f.kind), "text": f.text} for f in page.furniture],
    }


def page_from_dict(d: dict[str, Any]) -> Page:
    """The page :func:`page_to_dict` made; raises ``ValueError``/``KeyError`` on malformed data."""
    return Page(
        articles=[article_from_dict(a) for a in d.get("articles", [])],
        furniture=[
            Furniture(line=int(f["line"]), kind=FurnitureKind(f["kind"]), text=str(f["text"]))
            for f in d.get("furniture", [])
        ],
    )


def _county_to_dict(c: County) -> dict[str, str]:
    return {"code": c.code, "name": c.name, "short": c.short, "prefecture": c.prefecture, "province": c.province}


def _article_to_dict(a: ParsedArticle) -> dict[str, Any]:
    return {
        "ref": a.ref,
        "section": a.section,
        "kicker": a.kicker,
        "headline": a.headline,
        "subheadline": a.subheadline,
        "byline": list(a.byline),
        "byline_text": a.byline_text,
        "source": a.source,
        "blocks": [{"kind": str(b.kind), "text": b.text} for b in a.blocks],
        "captions": [
            {"text": c.text, "credit": c.credit, "lines": list(c.lines), "credit_text": c.credit_text} for c in a.captions
        ],
        "lines": list(a.lines),
        "continued": a.continued,
        "warnings": [str(w) for w in a.warnings],
        "counties": [_county_to_dict(c) for c in a.counties],
    }


def article_from_dict(d: dict[str, Any]) -> ParsedArticle:
    """One article of :func:`page_from_dict`."""
    ref = d.get("ref")
    return ParsedArticle(
        kicker=str(d.get("kicker", "")),
        headline=str(d.get("headline", "")),
        subheadline=str(d.get("subheadline", "")),
        byline=[str(n) for n in d.get("byline", [])],
        byline_text=str(d.get("byline_text", "")),
        source=str(d.get("source", "")),
        section=str(d.get("section", "")),
        blocks=[Block(kind=BlockKind(b["kind"]), text=str(b["text"])) for b in d.get("blocks", [])],
        captions=[
            Caption(
                text=str(c["text"]), credit=str(c.get("credit", "")), lines=[int(n) for n in c.get("lines", [])],
                credit_text=str(c.get("credit_text", "")),
            )
            for c in d.get("captions", [])
        ],
        lines=[int(n) for n in d.get("lines", [])],
        continued=bool(d.get("continued", False)),
        warnings=[Warning(w) for w in d.get("warnings", [])],
        counties=[County(**{k: str(c[k]) for k in ("code", "name", "short", "prefecture", "province")}) for c in d.get("counties", [])],
        ref=None if ref is None else int(ref),
    )
