"""The search page: facets that keep every filter, removable chips, a year chart, sort, the
empty state, the county offer, Chinese quotes, and queries with nothing to search for."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from articles import memo
from articles.query import parse
from ingest.model import County
from tests.factories import make_article

pytestmark = pytest.mark.django_db

JIANG = County("140826", "绛县", "", "运城市", "山西省")
XINJIANG = County("140825", "新绛县", "新绛", "运城市", "山西省")
PINGYAO = County("140728", "平遥县", "平遥", "晋中市", "山西省")


@pytest.fixture
def stories(db):
    make_article(headline="绛县党建", body="绛县网格化党建。", counties=(JIANG,), date=dt.date(2021, 5, 1), paper="运城日报")
    make_article(headline="新绛县党建", body="新绛县网格化党建。", counties=(XINJIANG,), date=dt.date(2023, 5, 1), paper="运城日报")
    make_article(headline="绛县冬季", body="绛县下雪。", counties=(JIANG,), date=dt.date(2023, 1, 2), paper="山西日报")


def _links(text: str, css_class: str = "") -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(html.unescape(h)).query) for h in re.findall(r'href="(/search\?[^"]*)"', text)]


def test_facet_links_keep_every_other_filter(client, stories):
    text = client.get("/search", {"q": "党建", "paper": "运城日报", "sort": "date", "date_from": "2020-01-01"}).content.decode()
    county_links = [q for q in _links(text) if "county" in q]
    assert county_links
    for q in county_links:
        assert q["q"] == ["党建"] and q["paper"] == ["运城日报"] and q["sort"] == ["date"] and q["date_from"] == ["2020-01-01"]
        assert "page" not in q


def test_each_filter_is_a_chip_that_removes_only_itself(client, stories):
    text = client.get("/search", {"q": "党建", "county": "140826", "paper": "运城日报"}).content.decode()
    chips = re.findall(r'<li class="chip">([^<]*) <a href="([^"]*)"', text)
    assert [label.strip() for label, _ in chips] == ["县区：绛县", "报纸：运城日报"]
    without_county = parse_qs(urlsplit(html.unescape(chips[0][1])).query)
    assert without_county == {"q": ["党建"], "paper": ["运城日报"]}


def test_results_by_year_as_a_server_side_svg(client, stories):
    text = client.get("/search", {"q": "绛县"}).content.decode()
    svg = text[text.index("<svg"):text.index("</svg>")]
    assert svg.count('<rect class="bar"') == 2  # 2021 and 2023; 2022 is an empty slot
    assert "2022" in svg and "<script" not in text and "http" not in svg
    year_link = parse_qs(urlsplit(html.unescape(re.search(r'<a href="([^"]*)" aria-label="2023年', svg).group(1))).query)
    assert year_link == {"q": ["绛县"], "date_from": ["2023-01-01"], "date_to": ["2023-12-31"]}


def test_sort_links_keep_the_filters(client, stories):
    text = client.get("/search", {"q": "党建", "county": "140826"}).content.decode()
    by_date = [q for q in _links(text) if q.get("sort") == ["date"]]
    assert by_date and by_date[0]["county"] == ["140826"]


def test_query_counts_are_fixed(client, stories, settings, django_assert_num_queries):
    # Every fact asked afresh (SEARCH_MEMO_SECONDS=0, as in the other tests). One transaction (2)
    # for: estimate, table size, plan settings + the newest matches (the count, and the facets'
    # sample with what they count), the first tier's estimate + read, the rows; then the facets'
    # county names and the papers, the rows' county names (captions only for a story without a
    # title), the county named by a term
    with django_assert_num_queries(13):
        assert client.get("/search", {"q": "绛县"}).status_code == 200
    # filters only: the county, capped count (4 with its savepoint), rows, their county names
    with django_assert_num_queries(7):
        assert client.get("/search", {"county": "140826"}).status_code == 200

    # As served: the estimates, the table's size and the county and paper names are kept in the
    # process until a write (articles/memo.py), so a search sends only its reads: the transaction
    # (2), the plan setting, the newest matches, the first tier's read and the rows.
    settings.SEARCH_MEMO_SECONDS = 300
    memo.forget()
    client.get("/search", {"q": "绛县"})
    with django_assert_num_queries(6):
        response = client.get("/search", {"q": "绛县"})
    # The same page: the county offer and the rows' and facets' county names from what is kept.
    text = response.content.decode()
    assert "只看绛县的报道" in text and "新绛县" in text[text.index('class="facets"'):]


def test_a_paper_or_county_another_process_just_wrote_is_found_by_a_search_with_kept_facts(client, stories, settings):
    # This process keeps the papers' and counties' names until it reads the shared generation
    # again (up to PAGE_CACHE_CHECK_SECONDS later): a story of a paper written meanwhile by
    # another process (here: no commit hook runs, so nothing tells this one) is still listed,
    # with its paper in the facets, not an error.
    settings.SEARCH_MEMO_SECONDS = 300
    memo.forget()
    assert client.get("/search", {"q": "党建"}).status_code == 200
    make_article(headline="平遥党建", body="平遥古城党建。", counties=(PINGYAO,), date=dt.date(2024, 3, 1), paper="晋中日报")
    text = client.get("/search", {"q": "党建"}).content.decode()
    assert "平遥党建" in text and "晋中日报" in text[text.index('class="facets"'):]
    assert "平遥县" in text


def test_empty_state_suggests_what_to_try(client, stories):
    text = client.get("/search", {"q": "绛县 火星", "paper": "运城日报"}).content.decode()
    assert "没有找到" in text
    assert "去掉「报纸：运城日报」" in text and "只查「绛县」" in text
    quoted = client.get("/search", {"q": "“绛县 党建”"}).content.decode()
    assert "不加引号" in quoted


def test_a_county_name_offers_that_county_and_says_why_another_matched(client, stories):
    text = client.get("/search", {"q": "绛县"}).content.decode()
    offer = text[text.index('class="notice county-hint"'):]
    offer = offer[:offer.index("</p>")]
    assert "只看绛县的报道" in offer and "county=140826" in offer
    assert "新绛县" in offer  # why 新绛县's story is in the results
    filtered = client.get("/search", {"q": "绛县", "county": "140826"}).content.decode()
    assert "county-hint" not in filtered and "新绛县党建" not in filtered
    # An offer that could only show nothing is not made: no match at all, or none tagged 绛县;
    # why 新绛县's story matched is still said when it is all there is.
    assert "county-hint" not in client.get("/search", {"q": "绛县 火星"}).content.decode()
    text = client.get("/search", {"q": "绛县", "date_from": "2023-03-01"}).content.decode()
    hint = text[text.index('class="notice county-hint"'):]
    hint = hint[:hint.index("</p>")]
    assert "只看绛县的报道" not in hint and "新绛县" in hint and "所以" in hint


@pytest.mark.parametrize("q", ["“网格化党建”", "「网格化党建」", '"网格化党建"', "『网格化党建』"])
def test_every_kind_of_quote_makes_a_phrase(q):
    (term,) = parse(q).terms
    assert term.text == "网格化党建" and term.quoted


def test_a_phrase_keeps_its_inner_spaces_and_can_be_excluded():
    terms = parse("「网格 化」 -“党建” 介休").terms
    assert [(t.text, t.quoted, t.negated) for t in terms] == [("网格 化", True, False), ("党建", True, True), ("介休", False, False)]


def test_chinese_quotes_search_as_a_phrase(client, stories):
    make_article(headline="网格化的党建", body="网格化的党建工作。")
    text = client.get("/search", {"q": "“网格化党建”"}).content.decode()
    assert "绛县党建" in text and "网格化的党建" not in text


@pytest.mark.parametrize("q", ["🙂", "\\", "!!", "“”", "。，", "-"])
def test_nothing_searchable_is_a_400_with_a_message_never_everything(client, stories, q):
    response = client.get("/search", {"q": q})
    text = response.content.decode()
    assert response.status_code == 400
    assert "没有可检索的文字" in text and "绛县党建" not in text


def test_every_form_control_has_a_label(client, stories):
    text = client.get("/search", {"q": "绛县"}).content.decode()
    for control in re.findall(r"<(?:input|select)\b[^>]*>", text):
        if 'type="hidden"' in control:
            continue
        ident = re.search(r'id="([^"]+)"', control)
        assert "aria-label=" in control or (ident and f'for="{ident.group(1)}"' in text), control


def test_result_links_carry_the_terms_to_the_article(client, stories):
    text = client.get("/search", {"q": "绛县 党建"}).content.decode()
    links = re.findall(r'class="headline" href="(/articles/\d+/\?q=[^"]*)"', text)
    assert links and all(parse_qs(urlsplit(html.unescape(u)).query) == {"q": ["绛县 党建"]} for u in links)
    article = client.get(html.unescape(links[0])).content.decode()
    assert '<mark id="hit-1">' in article


def test_a_date_range_alone_lists_that_span_newest_first(client, stories):
    text = client.get("/search", {"date_from": "2023-01-01", "date_to": "2023-12-31"}).content.decode()
    assert text.index("新绛县党建") < text.index("绛县冬季") and "绛县党建</a>" not in text.replace("新绛县党建</a>", "")
    assert "日期：2023-01-01 至 2023-12-31" in text


def test_search_with_a_trailing_slash_is_sent_on_with_its_query(client):
    response = client.get("/search/?q=%E7%BB%9B%E5%8E%BF&sort=date")
    assert response.status_code == 301 and response["Location"] == "/search?q=%E7%BB%9B%E5%8E%BF&sort=date"
    assert client.head("/search/").status_code == 301 and client.post("/search/").status_code == 405
    # A script's raw UTF-8 (not percent-encoded) arrives as the same address, not as mojibake.
    raw = client.get("/search/", QUERY_STRING="q=介休".encode().decode("latin-1"))
    assert raw["Location"] == "/search?q=%E4%BB%8B%E4%BC%91"


def test_the_year_chart_says_how_many_matches_have_no_date(client, stories):
    make_article(headline="日期不详的党建", body="党建。", counties=(JIANG,), date=None, paper="运城日报")
    text = client.get("/search", {"q": "党建"}).content.decode()
    caption = text[text.index("<figcaption>"):text.index("</figcaption>")]
    assert "另有 1 篇日期不详" in caption  # the bars count 2; the results, 3
    assert "日期不详" not in client.get("/search", {"q": "冬季"}).content.decode().split("</figcaption>")[0]


def test_empty_state_offers_each_way_out_once_and_no_empty_filters_heading(client, stories):
    one_filter = client.get("/search", {"q": "绛县 火星", "paper": "运城日报"}).content.decode()
    assert "去掉「报纸：运城日报」" in one_filter
    assert "去掉全部筛选条件" not in one_filter  # the same address as removing the one filter
    assert 'id="facets-heading"' not in one_filter  # no facets: no heading over nothing
    no_filter = client.get("/search", {"q": "火星"}).content.decode()
    tips = no_filter[no_filter.index('class="empty-state"'):]
    assert "也可以" not in tips and "可以试试：" in tips  # nothing before it to say "also" to


def test_a_year_of_one_match_beside_a_large_year_still_shows_a_bar_and_every_bar_its_count(client, rf):
    from articles.params import SearchParams
    from articles.views import CHART_MIN_BAR, _chart

    chart = _chart(rf.get("/search", {"q": "党建"}), SearchParams(q="党建"), [("2019", 1), ("2020", 150), ("2025", 400)])
    heights = {b["year"]: b["height"] for b in chart["bars"]}
    assert heights[2019] == CHART_MIN_BAR  # 1 of 400 rounds to nothing: it must not look like 2021's none
    assert heights[2021] == 0 and heights[2025] > heights[2020] > heights[2019]


def test_the_chart_prints_each_years_count_and_links_no_bar_to_the_page_shown(client, stories):
    text = client.get("/search", {"q": "党建"}).content.decode()
    counts = re.findall(r'<text class="bar-count"[^>]*>(\d+)</text>', text)
    assert counts == ["1", "1"]  # 2021 and 2023; 2022 has none and no count
    one_year = client.get("/search", {"q": "党建", "date_from": "2023-01-01", "date_to": "2023-12-31"}).content.decode()
    chart = one_year[one_year.index("<svg"):one_year.index("</svg>")]
    assert 'class="bar"' in chart and "<a " not in chart  # drawn, but a link to this very page would do nothing


def test_the_search_pages_title_tells_its_filters_and_page_apart(client, stories):
    def title(**params) -> str:
        text = client.get("/search", params).content.decode()
        return html.unescape(text[text.index("<title>") + 7:text.index("</title>")])

    plain, second = title(q="党建"), title(q="党建", page_size=1, page=2)
    filtered = title(q="党建", paper="运城日报")
    assert len({plain, second, filtered}) == 3
    assert "第 2 页" in second and "报纸：运城日报" in filtered


def test_on_one_column_a_link_leads_to_the_filters_after_the_results(client, stories):
    text = client.get("/search", {"q": "党建"}).content.decode()
    assert '<span class="jump-facets"> · <a href="#facets-heading">' in text and 'id="facets-heading"' in text
    assert "jump-facets" not in client.get("/search", {"q": "火星"}).content.decode()  # no filters to jump to


def test_a_match_only_in_the_subheadline_shows_in_the_snippet(client, db):
    make_article(headline="去年我国经济总量再上台阶", subheadline="人均GDP达10276美元", body="国家统计局发布公报，经济运行总体平稳。")
    from articles.models import Article

    Article.objects.update(visible=True)
    text = client.get("/search", {"q": "GDP"}).content.decode()
    assert "人均<mark>GDP</mark>达10276美元" in text
    api = client.get("/api/articles", {"q": "GDP"}).json()["results"][0]["snippet"]
    assert "<mark>GDP</mark>" in api
