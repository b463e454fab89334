"""Search lists its results to a depth (SEARCH_MAX_DEPTH) and no further: a deep page's cost grows
with its offset, so past the depth the page is refused with a way to narrow, never a slow scan."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from articles.models import Article
from ingest.model import County
from tests.factories import make_article

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")


@pytest.fixture
def seven(settings):
    """Seven stories of one county; results listed four deep."""
    for day in range(1, 8):
        make_article(date=dt.date(2024, 1, day), headline=f"介休市一月{day}日", body="网格化管理。", counties=(JIEXIU,))
    Article.objects.update(visible=True)  # make_article writes no copies
    settings.SEARCH_MAX_DEPTH = 4


def _next(text: str) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]*)"', text)
    return found.group(1) if found else None


def test_the_last_listed_page_has_no_next_link_and_says_how_to_narrow(client, seven):
    first = client.get("/search", {"q": "网格化", "page_size": "2"}).content.decode()
    assert _next(first) and "只列出前" not in first
    last = client.get("/search", {"q": "网格化", "page_size": "2", "page": "2"}).content.decode()
    assert last.count('<li class="result">') == 2
    assert _next(last) is None
    assert "检索结果只列出前 4 篇" in last


def test_a_page_past_the_depth_is_refused_with_the_filters_kept(client, seven):
    response = client.get("/search", {"q": "网格化", "county": "140781", "page_size": "2", "page": "3"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "只列出前 4 篇" in text and "第 2 页为止" in text
    assert 'name="county" value="140781"' in text  # the filter stays on the form
    assert '<li class="result">' not in text


def test_the_api_refuses_a_page_past_the_depth_in_the_callers_language(client, seven):
    ok = client.get("/api/articles", {"county": "介休市", "page_size": "2", "page": "2"})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 2
    refused = client.get("/api/articles", {"county": "介休市", "page_size": "2", "page": "3"})
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("page：")
    client.cookies["django_language"] = "en"
    english = client.get("/api/articles", {"county": "介休市", "page_size": "2", "page": "3"}).json()
    assert english["error"].startswith("page: with 2 per page the results end at page 2")


def test_an_estimated_count_pages_only_to_the_depth(client, seven, settings):
    settings.SEARCH_COUNT_CAP = 3  # seven matches: the count is an estimate
    last = client.get("/search", {"county": "介休市", "page_size": "2", "page": "2"}).content.decode()
    assert _next(last) is None and "检索结果只列出前 4 篇" in last


def test_results_within_the_depth_say_nothing_of_it(client, seven, settings):
    settings.SEARCH_MAX_DEPTH = 100
    text = client.get("/search", {"q": "网格化", "page_size": "2", "page": "4"}).content.decode()
    assert text.count('<li class="result">') == 1 and "只列出前" not in text


def test_a_countys_own_page_is_not_limited_by_the_search_depth(client, seven):
    text = client.get("/counties/介休市/", {"page_size": "2", "page": "4"}).content.decode()
    assert "介休市一月1日" in text and "只列出前" not in text


def test_a_page_past_the_end_of_a_small_search_is_past_the_end_not_too_deep(client, seven):
    # One match, listed four deep: page 5 of 2 a page starts past the depth, but the search
    # has no more matches than the depth — the reader is told the results ended, not to narrow
    # a search of one. (Counted to the depth, never walked to the page's own offset.)
    past = client.get("/search", {"q": "一月1日", "page_size": "2", "page": "5"})
    assert past.status_code == 200
    text = past.content.decode()
    assert "已经过了最后一页" in text and "只列出前" not in text
    api = client.get("/api/articles", {"q": "一月1日", "page_size": "2", "page": "5"})
    assert api.status_code == 200 and api.json()["results"] == []
    # Seven matches, more than the depth: past the depth is too deep, wherever the end is.
    assert client.get("/search", {"q": "网格化", "page_size": "2", "page": "5"}).status_code == 400


def test_a_nul_alone_is_nothing_searchable_never_the_whole_archive(client, seven):
    api = client.get("/api/articles", {"q": "\x00"})
    assert api.status_code == 400 and "没有可检索的文字" in api.json()["error"]
    page = client.get("/search", {"q": "\x00 "})
    assert page.status_code == 400
    assert "\x00" not in page.content.decode()
