"""Reader pages after the second review: distinct story counts of the counties index, a refused
search keeping its filters, year links within the reader's range, the offers for counties that
share a name, citations, and the smaller fixes (calendar labels, feed authors, counties directly
under a province, the ambiguity message)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from articles.models import Article, Page
from ingest.model import County
from tests.factories import make_article, make_page
from tests.shown import shown

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
PINGYAO = County("140728", "平遥县", "平遥", "晋中市", "山西省")
JIANG = County("140826", "绛县", "", "运城市", "山西省")
WUJIAQU = County("659004", "五家渠市", "五家渠", "新疆维吾尔自治区", "新疆维吾尔自治区")
KASHI = County("653101", "喀什市", "喀什", "喀什地区", "新疆维吾尔自治区")
JIAOQU_YANGQUAN = County("140311", "郊区", "", "阳泉市", "山西省")


def _visible() -> None:
    Article.objects.filter(page__status=Page.Status.PUBLISHED).update(visible=True)  # make_page writes no copies


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


# --- 1. The counties index counts stories, not tags -------------------------------------------


def test_counties_index_counts_a_story_with_two_counties_once_in_its_prefecture_and_province(client, django_assert_num_queries):
    make_article(date=dt.date(2024, 1, 1), headline="两地合作", body="介休和平遥。", counties=(JIEXIU, PINGYAO))
    make_article(date=dt.date(2024, 1, 2), headline="介休", body="介休。", counties=(JIEXIU,))
    make_article(date=dt.date(2024, 1, 3), headline="绛县", body="绛县。", counties=(JIANG,))
    make_article(page=make_page(date=dt.date(2024, 1, 4), status=Page.Status.DRAFT), headline="草稿", body="介休。", counties=(JIEXIU,))
    _visible()
    # The summary's five queries: the visible stories' sets of county codes (the total too), those
    # counties, latest issues, latest stories with their counties (every one titled: no captions).
    with django_assert_num_queries(5):
        text = client.get("/counties/").content.decode()
    province = _section(text, "<h2", "</h2>")
    assert "山西省" in province and "3 篇" in province  # not 4: the two-county story once
    jinzhong = _section(text, "晋中市", "</h3>")
    assert "2 篇" in jinzhong  # 介休 2 + 平遥 1 tags, two stories
    assert '<a href="/counties/140781/">介休市</a> <span class="muted">2</span>' in text
    assert '<a href="/counties/140728/">平遥县</a> <span class="muted">1</span>' in text


def test_home_total_counts_untagged_stories_and_top_counties_their_own(client):
    make_article(date=dt.date(2024, 1, 1), headline="两地合作", body="介休和平遥。", counties=(JIEXIU, PINGYAO))
    make_article(date=dt.date(2024, 1, 2), headline="没有县区", body="正文。")
    _visible()
    from articles import views

    summary = views._summary()
    assert summary["article_total"] == 2
    assert {(c.code, c.n) for c in summary["counties"]} == {("140781", 1), ("140728", 1)}
    assert summary["county_groups"] == {("山西省", "晋中市"): 1, ("山西省",): 1}
    assert 'href="/counties/140781/"' in client.get("/").content.decode()


def test_a_county_directly_under_its_province_is_not_named_twice(client):
    make_article(date=dt.date(2024, 1, 1), headline="五家渠", body="五家渠市。", counties=(WUJIAQU,))
    make_article(date=dt.date(2024, 1, 2), headline="喀什", body="喀什市。", counties=(KASHI,))
    _visible()
    text = client.get("/counties/659004/").content.decode()
    crumbs = _section(text, '<nav class="breadcrumbs"', "</nav>")
    assert crumbs.count("新疆维吾尔自治区") == 1
    assert "新疆维吾尔自治区 新疆维吾尔自治区" not in text
    index = client.get("/counties/").content.decode()
    assert "<h3>新疆维吾尔自治区" not in index
    # Beside a prefecture, the province's own counties come after it, under their own heading.
    assert index.index("喀什地区") < index.index("直辖县级行政区") < index.index("五家渠市")
    feed = client.get("/feeds/counties/659004/").content.decode()
    assert "新疆维吾尔自治区新疆维吾尔自治区" not in feed


# --- 2. A refused search keeps the reader's filters -------------------------------------------


def test_a_refused_search_shows_the_form_as_sent_with_its_filters():
    client = Client()
    response = client.get(
        "/search", {"q": "党建", "date_from": "2025-12-01", "date_to": "2025-01-01", "county": "140826", "sort": "date", "paper": "运城日报"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'name="date_from" value="2025-12-01"' in text and 'name="date_to" value="2025-01-01"' in text
    assert '<option value="date" selected>' in text
    assert '<input type="hidden" name="county" value="140826">' in text
    assert '<input type="hidden" name="paper" value="运城日报">' in text
    assert "起始日期（date_from）晚于截止日期（date_to）" in text


@pytest.mark.parametrize(
    ("params", "reader", "api"),
    [
        ({"page": "0"}, "页码（page）须在 1 到", "page 须在 1 到"),
        ({"page_size": "x"}, "每页篇数（page_size）须为整数", "page_size 须为整数"),
        ({"date_to": "2025-1-31"}, "截止日期（date_to）须为 YYYY-MM-DD 格式的日期", "date_to 须为 YYYY-MM-DD 格式的日期"),
        ({"date_to": "2025-13-01"}, "截止日期（date_to）：没有 2025-13-01 这一天", "date_to：没有 2025-13-01 这一天"),
        ({"sort": "size"}, "排序：sort 只能是 relevance 或 date", "sort 只能是 relevance 或 date"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "起始日期（date_from）晚于截止日期（date_to）", "date_from 晚于 date_to"),
    ],
)
def test_messages_name_the_form_s_labels_and_the_api_keeps_parameter_names(client, params, reader, api):
    response = client.get("/search", {"q": "党建", **params})
    assert response.status_code == 400 and reader in html.unescape(response.content.decode())
    answer = client.get("/api/articles", {"q": "党建", **params})
    assert answer.status_code == 400 and answer.json()["error"].startswith(api)


def test_labelled_messages_in_english():
    client = english(Client())
    text = client.get("/search", {"q": "x", "date_from": "2025-02-01", "date_to": "2025-01-01"}).content.decode()
    assert "From (date_from) is after To (date_to)" in text
    assert client.get("/api/articles", {"date_from": "x"}).json() == {"error": "date_from must be a date as YYYY-MM-DD"}


# --- 3. Year links stay within the reader's range ---------------------------------------------


def test_year_links_are_clipped_to_the_active_date_range(client):
    for day in (dt.date(2024, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 9, 1)):
        make_article(date=day, headline=f"党建{day}", body="党建工作。", counties=(JIANG,))
    _visible()
    text = client.get("/search", {"q": "党建", "county": "140826", "date_from": "2020-01-01", "date_to": "2025-06-30"}).content.decode()
    links = {html.unescape(u) for u in re.findall(r'href="(/search\?[^"]*)"', text)}
    assert any("date_from=2025-01-01" in u and "date_to=2025-06-30" in u for u in links)
    assert any("date_from=2024-01-01" in u and "date_to=2024-12-31" in u for u in links)
    assert not any("date_to=2025-12-31" in u for u in links)


def test_a_year_within_the_range_is_the_active_facet(client):
    make_article(date=dt.date(2025, 3, 1), headline="党建", body="党建。")
    _visible()
    text = client.get("/search", {"q": "党建", "date_from": "2025-02-01", "date_to": "2025-06-30"}).content.decode()
    assert '<strong aria-current="true">2025</strong>' in text


# --- 4. Counties sharing a name ---------------------------------------------------------------


def test_counties_sharing_a_name_are_told_apart_and_empty_ones_left_out(client):
    make_article(date=dt.date(2025, 3, 1), headline="郊区新闻", body="郊区的消息。", counties=(JIAOQU_YANGQUAN,))
    make_article(date=dt.date(2025, 3, 2), headline="郊区另一条", body="郊区。")
    _visible()
    text = client.get("/search", {"q": "郊区"}).content.decode()
    hints = re.findall(r'<p class="notice county-hint">(.*?)</p>', text, re.S)
    assert len(hints) == 1, hints
    assert "只看郊区（阳泉市）的报道" in hints[0] and "county=140311" in hints[0]
    assert "的名称里也有" not in hints[0]


def test_a_single_county_hint_keeps_its_plain_name(client):
    make_article(date=dt.date(2025, 3, 1), headline="绛县新闻", body="绛县的消息。", counties=(JIANG,))
    _visible()
    text = client.get("/search", {"q": "绛县"}).content.decode()
    assert "只看绛县的报道" in text


def test_the_ambiguity_message_names_every_county_in_the_reader_s_language():
    response = Client().get("/search", {"county": "郊区"})
    text = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "（140311）、" in text and "（230811）" in text and "（340711）" in text
    text = html.unescape(shown(english(Client()).get("/search", {"county": "郊区"}).content.decode()))
    assert "山西省阳泉市郊区 (140311), " in text and "(230811)" in text and "(340711)" in text
    assert "）" not in text.split("is ambiguous")[1].split("</p>")[0]


# --- 5. Citations -----------------------------------------------------------------------------


def _citations(text: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r'<code class="citation"(?: lang="zh-Hans")?>(.*?)</code>', shown(text), re.S)]


def test_a_photo_story_is_cited_with_a_devised_title(client):
    page = make_page(date=dt.date(2025, 3, 1))
    story = make_article(page=page, captions=("春耕时节，农民在田间忙碌。图为介休市义安镇的麦田里，农机正在作业。",))
    _visible()
    gb, plain = _citations(client.get(f"/articles/{story.pk}/").content.decode())
    assert "[图片新闻][N]. " in gb and "春耕" not in gb
    assert plain.startswith("[图片新闻]，《")
    gb, plain = _citations(english(client).get(f"/articles/{story.pk}/").content.decode())
    assert plain.startswith("[Photo story]. ")


def test_english_citation_turns_inner_quotes_single(client):
    story = make_article(date=dt.date(2025, 3, 1), headline="让“老字号”焕发新活力", body="正文。")
    _visible()
    _gb, plain = _citations(english(client).get(f"/articles/{story.pk}/").content.decode())
    assert "“让‘老字号’焕发新活力.”" in plain


# --- 6. Smaller -------------------------------------------------------------------------------


def test_calendar_days_are_labelled_with_a_full_date(client):
    story = make_article(date=dt.date(2024, 11, 19), headline="十一月", body="正文。")
    _visible()
    paper = story.newspaper_id
    assert 'aria-label="2024年11月19日"' in client.get(f"/papers/{paper}/").content.decode()
    text = english(client).get(f"/papers/{paper}/").content.decode()
    assert 'aria-label="November 19, 2024"' in text and 'aria-label="19/11"' not in text


def test_feed_authors_are_the_names_not_the_printed_byline(client):
    story = make_article(date=dt.date(2024, 11, 19), headline="消息", body="正文。", byline=("金刚", "李明"))
    Article.objects.filter(pk=story.pk).update(byline_text="本报讯(记者 金刚 李明)")
    _visible()
    feed = client.get("/feeds/latest/").content.decode()
    # One <author> per name (Atom: an author is one person).
    entry = feed.split("<entry ")[1]
    assert "<name>金刚</name>" in entry and "<name>李明</name>" in entry and "本报讯" not in entry.split("</author>")[0]
