"""Atom feeds: latest, per county, per search; visible articles only; the search page's validation;
autodiscovery links on every page."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.utils.html import escape

from articles.models import Article, County, Page
from ingest.model import County as ParsedCounty
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # Atom's required elements, on the feed and on every entry.
    for element in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{element}") is not None
    found = root.findall(f"{ATOM}entry")
    for entry in found:
        for element in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{element}") is not None, element
    return found


def titles(response) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in entries(response)]


def links(response) -> list[str]:
    return [e.find(f"{ATOM}link").get("href") for e in entries(response)]


@pytest.fixture
def draft_story(counties) -> Article:
    """A story on an unpublished page (dated in the future, so first if it leaked): no feed may show it."""
    page = make_page(status=Page.Status.DRAFT, date=dt.date(2030, 1, 1))
    return make_article(page=page, headline="介休草稿未发布的秘密", body="介休 党建 草稿", counties=(jiexiu(),))


def jiexiu() -> ParsedCounty:
    row = County.objects.get(name="介休市")
    return ParsedCounty(row.code, row.name, row.short_name, row.prefecture, row.province)


def test_latest_feed_lists_visible_stories_newest_first(client, seeds, draft_story, django_assert_max_num_queries):
    old = make_article(headline="旧闻一则", date=dt.date(2020, 1, 1))
    new = make_article(headline="新闻一则", date=dt.date(2026, 5, 1))
    # rows + captions + counties + the pages' last changes
    with django_assert_max_num_queries(4):
        response = client.get("/feeds/latest/")
    found = titles(response)
    assert found[0] == "新闻一则"
    assert found.index("新闻一则") < found.index("旧闻一则")
    assert draft_story.headline not in found
    assert len(found) == min(50, Article.objects.visible().count())
    assert links(response)[0] == f"http://testserver/articles/{new.pk}/"
    assert f"http://testserver/articles/{old.pk}/" in links(response)


def test_entry_has_author_categories_and_an_escaped_summary(client, counties):
    make_article(
        headline="标题 <b>不加粗</b>",
        body="第一段 <script>alert(1)</script>\n第二段",
        byline=("张三",),
        counties=(jiexiu(),),
        date=dt.date(2025, 3, 1),
    )
    (entry,) = entries(client.get("/feeds/latest/"))
    assert entry.findtext(f"{ATOM}title") == "标题 <b>不加粗</b>"  # text, escaped by the feed
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Declared HTML, so the article's text must arrive escaped inside it.
    assert summary.text == "<p>第一段 &lt;script&gt;alert(1)&lt;/script&gt;</p><p>第二段</p>"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "张三"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["介休市"]
    assert entry.findtext(f"{ATOM}published").startswith("2025-03-01T00:00:00+08:00")


def test_untitled_photo_story_gets_a_title(client, db):
    make_article(captions=("太行山下的秋收。摄影 李四",))
    make_article(body="")
    assert set(titles(client.get("/feeds/latest/"))) == {"太行山下的秋收。", "图片新闻"}


def test_county_feed_by_name_and_code(client, seeds, draft_story, django_assert_max_num_queries):
    jiexiu = County.objects.get(name="介休市")
    # county lookup + rows + captions + counties + the pages' last changes
    with django_assert_max_num_queries(5):
        by_name = client.get("/feeds/counties/介休市/")
    by_code = client.get(f"/feeds/counties/{jiexiu.code}/")
    assert titles(by_name) == titles(by_code)
    assert titles(by_name) and draft_story.headline not in titles(by_name)
    for entry in entries(by_name):
        assert "介休市" in [c.get("term") for c in entry.findall(f"{ATOM}category")]
    root = ET.fromstring(by_name.content)
    self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == [f"http://testserver/feeds/counties/{jiexiu.code}/"]


def test_unknown_county_feed_is_404(client, counties):
    assert client.get("/feeds/counties/不存在县/").status_code == 404


def ids(response) -> list[int]:
    return [int(href.rstrip("/").rsplit("/", 1)[1]) for href in links(response)]


def test_search_feed_is_the_search_newest_first(client, seeds, draft_story, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = client.get("/feeds/search", {"q": "介休", "sort": "relevance"})
    found = ids(response)
    api = client.get("/api/articles", {"q": "介休", "sort": "date", "page_size": 50}).json()
    assert found == [r["id"] for r in api["results"]]
    assert found and draft_story.pk not in found


def test_search_feed_filters_as_the_search_page_does(client, seeds):
    everything = set(ids(client.get("/feeds/search", {"q": "党建"})))
    in_county = ids(client.get("/feeds/search", {"q": "党建", "county": "介休市"}))
    assert in_county and set(in_county) <= everything
    tagged = set(Article.objects.filter(county_tags__county__name="介休市").values_list("id", flat=True))
    assert set(in_county) <= tagged
    # No query: the filters alone, newest first.
    assert ids(client.get("/feeds/search", {"county": "介休市"}))


def test_search_feed_title_and_links_name_the_search(client, seeds):
    response = client.get("/feeds/search", {"q": "介休", "county": "介休市", "page": "3", "utm": "x"})
    root = ET.fromstring(response.content)
    assert "“介休”" in root.findtext(f"{ATOM}title") and "介休市" in root.findtext(f"{ATOM}title")
    hrefs = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    # The search in one form (feeds.search_query_string): the county by its code, paging dropped.
    query = f"q={quote('介休')}&county=140781"
    assert hrefs["alternate"] == f"http://testserver/search?{query}"
    assert hrefs["self"] == f"http://testserver/feeds/search?{query}"


@pytest.mark.parametrize(
    "params",
    [{"q": "-介休"}, {"q": "党" * 10_000}, {"sort": "random"}, {"county": "不存在县"}, {"date_from": "2025-13-01"},
     {"page": "abc"}, {"date_from": "2025-02-01", "date_to": "2025-01-01"}],
)
def test_bad_search_feed_is_400_with_the_message(client, counties, params):
    response = client.get("/feeds/search", params)
    text = response.content.decode()
    assert response.status_code == 400
    assert "请求有误" in text  # the site's 400 page
    # The same validation, and the same message, as the search page and the API.
    message = client.get("/api/articles", params).json()["error"]
    assert escape(message) in text
    assert client.get("/search", params).status_code == 400


@pytest.mark.parametrize("q", ["a & b", "\\", "'", "(", ":*", "\x00", "   ", "介休\x00党建"])
def test_odd_search_feed_queries_never_fail(client, seeds, q):
    assert client.get("/feeds/search", {"q": q}).status_code in (200, 400)


def test_feeds_answer_head(client, seeds):
    for url in ("/feeds/latest/", "/feeds/counties/介休市/", "/feeds/search?q=介休"):
        response = client.head(url)
        assert response.status_code == 200 and response.content == b""
    assert client.post("/feeds/latest/").status_code == 405


def test_every_page_offers_the_latest_feed_and_opensearch(client, seeds):
    for url in ("/", "/search", "/export/", "/nowhere/"):
        text = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml" title="地方报纸档案 · 最新文章" href="/feeds/latest/">' in text
        assert '<link rel="search" type="application/opensearchdescription+xml"' in text


def test_county_and_search_pages_offer_their_own_feed(client, seeds):
    text = client.get("/counties/介休市/").content.decode()
    href = f"/feeds/counties/{quote('介休市')}/"
    assert f'href="{href}"' in text
    assert client.get(href).status_code == 200

    text = client.get("/search", {"q": "介休", "county": "介休市", "page": "2"}).content.decode()
    href = f"/feeds/search?q={quote('介休')}&amp;county={quote('介休市')}"
    assert f'href="{href}"' in text
    assert len(titles(client.get(href.replace("&amp;", "&")))) >= 1

    # An empty search page has nothing to subscribe to but the latest stories.
    assert "/feeds/search" not in client.get("/search").content.decode()


def test_an_entry_s_updated_time_follows_a_correction_after_publication(client, counties):
    from django.utils.dateparse import parse_datetime

    from articles.models import PageRevision
    from articles.writer import apply_state, load_state

    story = make_article(headline="修缮前的标题", date=dt.date(2025, 1, 1))

    def updated() -> dt.datetime:
        (entry,) = [e for e in entries(client.get("/feeds/latest/")) if e.findtext(f"{ATOM}title") == story.display_title]
        return parse_datetime(entry.findtext(f"{ATOM}updated"))

    before = updated()
    story.refresh_from_db()
    state = load_state(story.page)
    state.articles[0].headline = "修缮后的标题"
    apply_state(story.page, state, user=None, action=PageRevision.Action.CORRECT, summary="test")
    story.refresh_from_db()
    assert updated() > before


def test_an_undated_entry_keeps_its_published_time_through_a_correction(client, counties):
    # Its <published> was the page's last change: a correction made an old story look new.
    from django.utils.dateparse import parse_datetime

    from articles.models import PageRevision
    from articles.writer import apply_state, load_state

    story = make_article(headline="日期不详的报道", date=None)

    def times() -> tuple[dt.datetime, dt.datetime]:
        (entry,) = [e for e in entries(client.get("/feeds/latest/")) if e.findtext(f"{ATOM}title") == story.display_title]
        return parse_datetime(entry.findtext(f"{ATOM}published")), parse_datetime(entry.findtext(f"{ATOM}updated"))

    published, updated = times()
    state = load_state(story.page)
    state.articles[0].headline = "日期不详的报道（更正）"
    apply_state(story.page, state, user=None, action=PageRevision.Action.CORRECT, summary="test")
    story.refresh_from_db()
    assert story.display_title == "日期不详的报道（更正）"
    assert times()[0] == published and times()[1] > updated
