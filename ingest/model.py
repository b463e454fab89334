"""What the parser produces: plain dataclasses, no Django.

A page is a list of articles plus page furniture. Every non-blank source line of the page is
listed exactly once, either in one article's ``lines`` or as one ``Furniture`` item, so an editor
can always find where a character went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
