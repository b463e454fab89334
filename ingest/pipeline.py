"""The whole parse of one page: split into articles, then tag each with its counties."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.gazetteer import Gazetteer
from ingest.model import Page
from ingest.splitter import split_page
from ingest.tokens import fold


def parse_page(text: str, *, hint_prefectures: Sequence[str] = (), gazetteer: Gazetteer | None = None) -> Page:
    """Split page text into articles and tag each with counties (primary first)."""
    gaz = gazetteer or Gazetteer.default()
    page = split_page(text)
    for article in page.articles:
        # Folding (traditional → simplified, full-width → ASCII) lets 臨猗縣 find 临猗县.
        article.counties = gaz.tag(
            kicker=fold(article.kicker),
            headline=fold(article.headline),
            subheadline=fold(article.subheadline),
            body=fold(article.body),
            captions=[fold(c.text) for c in article.captions],
            hint_prefectures=tuple(hint_prefectures),
        )
    return page


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
                "body": a.body,
                "intertitles": a.intertitles,
                "captions": [{"text": c.text, "credit": c.credit} for c in a.captions],
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
