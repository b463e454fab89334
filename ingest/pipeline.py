"""The whole parse of one page: split into articles, then tag each with its counties.

A county paper (县报, 融媒体中心) calls its own county just 县: `我县`, `县税务局`, `县城至柳城公路`.
Such a story names no county, but the page does: when most of the page's tagged stories have the
same primary county, that is the paper's home county, and an untagged story that speaks of "the
county" this way is about it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ingest.gazetteer import Gazetteer
from ingest.model import BlockKind, County, Page, ParsedArticle
from ingest.splitter import split_page
from ingest.tokens import fold


def parse_page(text: str, *, hint_prefectures: Sequence[str] = (), gazetteer: Gazetteer | None = None) -> Page:
    """Split page text into articles and tag each with counties (primary first)."""
    gaz = gazetteer or Gazetteer.default()
    page = split_page(text)
    for article in page.articles:
        article.counties = tag_counties(article, gaz, hint_prefectures=hint_prefectures)
    _tag_home_county(page, gaz)
    return page


def tag_counties(article: ParsedArticle, gazetteer: Gazetteer, *, hint_prefectures: Sequence[str] = ()) -> list[County]:
    """The counties one article is about, primary first (also used when a correction re-reads one)."""
    # Folding (traditional → simplified, full-width → ASCII) lets 臨猗縣 find 临猗县.
    captions = [fold(c.text) for c in article.captions]
    if not article.body.strip():
        # A photo story's captions are its text: a place they name is where the pictures were
        # taken, as a story's lead names where it happened (a caption beside a story's text
        # only illustrates it, and counts less).
        return gazetteer.tag(
            kicker=fold(article.kicker), headline=fold(article.headline), subheadline=fold(article.subheadline),
            body="\n".join(captions), hint_prefectures=tuple(hint_prefectures),
        )
    return gazetteer.tag(
        kicker=fold(article.kicker),
        headline=fold(article.headline),
        subheadline=fold(article.subheadline),
        body=fold(article.body),
        captions=captions,
        hint_prefectures=tuple(hint_prefectures),
    )


# How a county paper names its own county: 我县, 全县, 县委, 县城, 县税务局, 县图书馆 …
_OWN_COUNTY_RE = re.compile(r"(?:我|全|本)县|县(?:委|政府|城|人大|政协)|县[\u4e00-\u9fff]{1,8}?(?:局|馆|院|中心|办)")
MIN_HOME_STORIES = 2  # stories that must agree on a county before it is taken as the home county


def _home_county(page: Page) -> County | None:
    """The county most of the page's tagged stories are about, if they agree."""
    primaries = Counter(a.counties[0] for a in page.articles if a.counties)
    if not primaries:
        return None
    county, count = primaries.most_common(1)[0]
    if count < MIN_HOME_STORIES or count * 2 <= sum(primaries.values()):
        return None
    return county


def _story_text(article: ParsedArticle) -> str:
    return "".join((article.kicker, article.headline, article.subheadline, article.body))


def _speaks_of_own_county(article: ParsedArticle) -> bool:
    return _OWN_COUNTY_RE.search(_story_text(article)) is not None


def _tag_home_county(page: Page, gazetteer: Gazetteer) -> None:
    """Untagged stories that say 我县/县城/县X局 get the page's home county (see module docs) —
    only a story that names no other county: one the tagger left untagged although it names
    other counties is about several or none (a national round-up's 湖北嘉鱼县人民医院 is no 县X院
    of the page's county), while one naming the home county once in passing among its 全县 and
    县委 (今年以来，于都县主要经济指标…) is the county paper's own story."""
    home = _home_county(page)
    if home is None:
        return
    for article in page.articles:
        if article.counties or not _speaks_of_own_county(article):
            continue
        named = {m.county.code for m in gazetteer.find(fold(_story_text(article)))}
        if named <= {home.code}:
            article.counties = [home]


def running_text(article: ParsedArticle) -> str:
    """The article's text as a reader reads it: its paragraphs with its subheadings in place
    (``intertitles`` lists them too; ``ParsedArticle.body`` is the paragraphs alone). A story's
    first or last words may be a subheading's (a poem's lines under a cartoon, a section
    opening with its heading): a scorer looking for them in the text finds them."""
    return "\n".join(b.text for b in article.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.INTERTITLE))


def page_to_json(page: Page, *, file: str) -> dict[str, object]:
    """The ``split --json`` shape: one object per article, then the page furniture."""
    return {
        "file": file,
        "articles": [
            {
                "kicker": a.kicker,
                "headline": a.headline,
                "subheadline": a.subheadline,
                "byline": list(a.byline),
                "byline_text": a.byline_text,
                "source": a.source,
                "body": running_text(a),
                "intertitles": a.intertitles,
                "captions": [{"text": c.text, "credit": c.credit, "credit_text": c.credit_text} for c in a.captions],
                "counties": [c.name for c in a.counties],
                "section": a.section,
                "continued": a.continued,
                "warnings": [str(w) for w in a.warnings],
                "lines": list(a.lines),
            }
            for a in page.articles
        ],
        "furniture": [{"line": f.line, "kind": str(f.kind), "text": f.text} for f in page.furniture],
    }
