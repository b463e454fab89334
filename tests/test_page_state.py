"""The JSON form of a parsed page (what a page revision stores) round-trips exactly."""

from __future__ import annotations

import json

import pytest

from ingest.model import Caption, County, Page, ParsedArticle, page_from_dict, page_to_dict
from ingest.pipeline import parse_page
from tests.conftest import SEED_FILES


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_page_round_trips_through_json(path) -> None:
    page = parse_page(path.read_text(encoding="utf-8"))
    for n, article in enumerate(page.articles):
        article.ref = 1000 + n
    data = json.loads(json.dumps(page_to_dict(page), ensure_ascii=False))
    assert page_from_dict(data) == page
    assert page_to_dict(page_from_dict(data)) == data


def test_every_field_survives() -> None:
    county = County(code="140781", name="介休市", short="介休", prefecture="晋中市", province="山西省")
    article = ParsedArticle(
        kicker="k", headline="h", subheadline="s", byline=["韩笑"], byline_text="本报讯(记者 韩笑)",
        source="据《山西日报》", section="政务动态", captions=[Caption(text="c", credit="王成", lines=[3])],
        lines=[1, 2, 3], continued=True, counties=[county], ref=7,
    )
    page = Page(articles=[article, ParsedArticle()])
    back = page_from_dict(json.loads(json.dumps(page_to_dict(page))))
    assert back == page
    assert back.articles[0].counties[0] is not county and back.articles[0].counties[0] == county
    assert back.articles[1].ref is None


def test_ingest_never_sets_ref() -> None:
    page = parse_page(SEED_FILES[0].read_text(encoding="utf-8"))
    assert all(a.ref is None for a in page.articles)
