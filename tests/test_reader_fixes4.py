"""Reader fixes, fourth round: "back to the search results" returns to the very page of results a
reader came from (every filter, the sort, the page), and a citation gives the subheadline too."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Page
from ingest.model import County
from tests.factories import make_article, make_page
from tests.shown import shown

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
RESULT_LINK = re.compile(r'<a class="headline"[^>]* href="([^"]+)"')
BACK_LINK = re.compile(r'<a href="([^"]*)">回到检索结果</a>')


def _visible() -> None:
    Article.objects.filter(page__status=Page.Status.PUBLISHED).update(visible=True)  # make_page writes no copies


def _result_links(client: Client, query: dict[str, str]) -> list[str]:
    response = client.get("/search", query)
    assert response.status_code == 200
    return [html.unescape(href) for href in RESULT_LINK.findall(response.content.decode())]


def _back_link(client: Client, url: str) -> str | None:
    response = client.get(url)
    assert response.status_code == 200
    found = BACK_LINK.findall(response.content.decode())
    return html.unescape(found[0]) if found else None


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


@pytest.fixture
def stories() -> list[Article]:
    """Five stories of 介休 in 晋中日报 (one a day in March 2024), one in another paper, one of
    another year: the filters below leave the five."""
    found = [
        make_article(
            paper="晋中日报", date=dt.date(2024, 3, day), headline=f"介休网格化党建第{day}篇", body="介休市的消息。",
            counties=(JIEXIU,),
        )
        for day in range(1, 6)
    ]
    make_article(paper="山西日报", date=dt.date(2024, 3, 9), headline="介休另一报", body="介休。", counties=(JIEXIU,))
    make_article(paper="晋中日报", date=dt.date(2023, 3, 9), headline="介休去年", body="介休。", counties=(JIEXIU,))
    _visible()
    return found


FILTERED = {
    "q": "介休 网格化",
    "county": "介休",  # by its short name: the links carry its code
    "paper": "晋中日报",
    "date_from": "2024-01-01",
    "date_to": "2024-12-31",
    "sort": "date",
    "page_size": "2",
    "page": "2",
}


# --- 1. Back to the search results ----------------------------------------------------------


def test_a_result_link_carries_the_search_and_the_article_leads_back_to_the_same_results_page(client, stories):
    links = _result_links(client, FILTERED)
    assert len(links) == 2  # the second page of two
    carried = _query(links[0])
    assert carried == {
        "q": ["介休 网格化"], "county": ["140781"], "paper": ["晋中日报"], "date_from": ["2024-01-01"],
        "date_to": ["2024-12-31"], "sort": ["date"], "page_size": ["2"], "page": ["2"],
    }
    back = _back_link(client, links[0])
    assert back is not None and urlsplit(back).path == "/search"
    assert _query(back) == carried
    # The very page the reader left: the same rows, in the same order.
    assert _result_links(client, {k: v[0] for k, v in _query(back).items()}) == links


def test_the_article_still_marks_the_terms_when_the_link_carries_filters(client, stories):
    link = _result_links(client, FILTERED)[0]
    text = client.get(link).content.decode()
    assert '<mark id="hit-1">介休</mark>' in text
    assert "检索词「介休 网格化」在本文标出" in text


def test_a_search_with_only_the_defaults_links_with_its_terms_alone(client, stories):
    links = _result_links(client, {"q": "介休", "sort": "relevance", "page": "1", "page_size": "20"})
    assert links and all(re.fullmatch(r"/articles/\d+/\?q=%E4%BB%8B%E4%BC%91", link) for link in links)
    assert _back_link(client, links[0]) == "/search?q=%E4%BB%8B%E4%BC%91"


def test_a_search_by_filters_alone_leads_back_too(client, stories):
    links = _result_links(client, {"county": "140781", "paper": "晋中日报", "page_size": "2", "page": "3"})
    assert _query(links[0]) == {"county": ["140781"], "paper": ["晋中日报"], "page_size": ["2"], "page": ["3"]}
    text = client.get(links[0]).content.decode()
    assert "<mark" not in text and "检索词「" not in text  # no terms to mark or to report
    back = _back_link(client, links[0])
    assert _query(back) == _query(links[0])
    assert _result_links(client, {k: v[0] for k, v in _query(back).items()}) == links


def test_a_prefecture_search_is_carried_by_the_name_it_was_given(client, stories):
    links = _result_links(client, {"q": "介休", "prefecture": "晋中市"})
    assert links and _query(links[0]) == {"q": ["介休"], "prefecture": ["晋中市"]}
    assert _query(_back_link(client, links[0])) == {"q": ["介休"], "prefecture": ["晋中市"]}


def test_the_back_link_carries_only_valid_search_parameters_escaped(client, stories):
    article = stories[0]
    hostile = {
        "q": "介休",
        "page": "abc",  # not a number
        "page_size": "1000",  # out of range
        "sort": "evil",
        "date_from": "2024-13-01",  # no such month
        "date_to": "20240301",  # not YYYY-MM-DD
        "county": '"><script>alert(1)</script>',  # not a county code
        "paper": '<b>"晋中日报"</b>',  # a name: kept, but escaped in the page and encoded in the link
        "next": "https://evil.example/",  # not a search parameter
    }
    response = client.get(f"/articles/{article.pk}/", hostile)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<script>alert" not in text and '<b>"晋中日报"' not in text and 'href="https://evil' not in text
    back = html.unescape(BACK_LINK.findall(text)[0])
    assert back.startswith("/search?")  # never an address from the request: no open redirect
    assert _query(back) == {"q": ["介休"], "paper": ['<b>"晋中日报"</b>']}
    assert '"' not in back and "<" not in back


def test_control_characters_and_a_nul_never_reach_the_back_link(client, stories):
    # paper: a NUL (dropped with it); prefecture: 晋\x01中市 (the control character dropped)
    query = "q=%E4%BB%8B%E4%BC%91&paper=%00x&prefecture=%E6%99%8B%01%E4%B8%AD%E5%B8%82"
    back = _back_link(client, f"/articles/{stories[0].pk}/?{query}")
    assert _query(back) == {"q": ["介休"], "prefecture": ["晋中市"]}


def test_the_permalink_and_canonical_address_stay_bare_with_a_search_carried(client, stories):
    link = _result_links(client, FILTERED)[0]
    article_id = re.match(r"/articles/(\d+)/", link).group(1)
    text = client.get(link).content.decode()
    bare = f"http://testserver/articles/{article_id}/"
    assert f'<link rel="canonical" href="{bare}">' in text
    assert f'永久链接：<a href="{bare}">{bare}</a>' in text


def test_a_carried_search_costs_the_article_page_no_query(client, stories):
    article = stories[0]
    url = f"/articles/{article.pk}/"
    client.get(url)  # the related stories are kept after the first
    with CaptureQueriesContext(connection) as bare:
        client.get(url)
    with CaptureQueriesContext(connection) as carried:
        client.get(url, {**FILTERED, "county": "140781", "prefecture": "晋中市"})
    assert len(carried) == len(bare)


def test_the_page_cache_keeps_each_carried_search_apart(client, stories, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 600  # tests/settings.py turns the page cache off elsewhere
    url = f"/articles/{stories[0].pk}/"
    second = f"{url}?q=%E4%BB%8B%E4%BC%91&page_size=2&page=2"
    third = f"{url}?q=%E4%BB%8B%E4%BC%91&page_size=2&page=3"
    assert _query(_back_link(client, second))["page"] == ["2"]
    assert _query(_back_link(client, third))["page"] == ["3"]
    with django_assert_num_queries(0):  # each kept under its own address
        assert _query(_back_link(client, second))["page"] == ["2"]
        assert _query(_back_link(client, third))["page"] == ["3"]
    assert _back_link(client, url) is None  # and the bare page has no way back


# --- 2. Citations with a subheadline ----------------------------------------------------------


def _citations(text: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r'<code class="citation"(?: lang="zh-Hans")?>(.*?)</code>', shown(text), re.S)]


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture
def subtitled() -> Article:
    page = make_page(paper="晋中日报", date=dt.date(2024, 3, 5))
    Page.objects.filter(pk=page.pk).update(label="第3版", number=3)
    story = make_article(
        page=page, kicker="聚焦基层治理", headline="网格织密服务网", subheadline="——介休市推进“网格化”党建纪实",
        byline=("刘燕",), body="正文。",
    )
    _visible()
    return story


def test_a_subheadline_is_cited_after_the_headline_and_a_colon_without_the_kicker(client, subtitled):
    gb, plain = _citations(client.get(subtitled.get_absolute_url()).content.decode())
    assert gb == "刘燕. 网格织密服务网：介休市推进“网格化”党建纪实[N]. 晋中日报, 2024-03-05(3)."
    assert plain.startswith("刘燕：《网格织密服务网：介休市推进“网格化”党建纪实》，《晋中日报》2024年3月5日第3版。")
    assert "聚焦基层治理" not in gb + plain


def test_the_english_citation_gives_headline_colon_subheadline_with_nested_quotes(client, subtitled):
    gb, plain = _citations(english(client).get(subtitled.get_absolute_url()).content.decode())
    assert gb == "刘燕. 网格织密服务网：介休市推进“网格化”党建纪实[N]. 晋中日报, 2024-03-05(3)."
    assert plain.startswith("刘燕. “网格织密服务网: 介休市推进‘网格化’党建纪实.” 晋中日报, March 5, 2024, 第3版. ")
    assert "聚焦基层治理" not in plain


def test_a_story_without_a_subheadline_is_cited_by_its_headline_alone(client):
    story = make_article(headline="网格织密服务网", kicker="聚焦基层治理", body="正文。", date=dt.date(2024, 3, 5))
    _visible()
    gb, plain = _citations(client.get(story.get_absolute_url()).content.decode())
    assert "网格织密服务网[N]. " in gb and "：" not in gb.split("[N]")[0]
    assert plain.startswith("《网格织密服务网》，")


def test_a_story_without_a_headline_keeps_its_title_and_adds_no_colon(client):
    story = make_article(kicker="聚焦基层治理", subheadline="介休纪实", body="正文。", date=dt.date(2024, 3, 5))
    _visible()
    gb, plain = _citations(client.get(story.get_absolute_url()).content.decode())
    assert gb.startswith("聚焦基层治理[N]. ")
    assert plain.startswith("《聚焦基层治理》，")
