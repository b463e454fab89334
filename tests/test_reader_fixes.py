"""Reader pages after review: paging past the end, the article's link into a long page's part,
the prefecture filter's validation, and what a quoted phrase marks."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from articles.models import Article
from articles.paging import ReaderPage, get_page
from ingest.model import County
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
JIANG = County("140826", "绛县", "", "运城市", "山西省")


def _stories(n: int, county: County = JIEXIU) -> list[Article]:
    stories = [
        make_article(date=dt.date(2024, 1, day), headline=f"{county.name}一月{day}日", body="网格化管理。", counties=(county,))
        for day in range(1, n + 1)
    ]
    Article.objects.update(visible=True)  # make_page writes no copies
    return stories


def _prev_link(text: str) -> str | None:
    found = re.search(r'<a rel="prev" href="([^"]*)"', text)
    return html.unescape(found.group(1)) if found else None


# --- Paging past the last page -------------------------------------------------------------


def test_a_page_far_past_the_end_leads_back_to_the_last_page():
    _stories(3)
    page = get_page(Article.objects.visible().newest(), 9, 1)
    assert isinstance(page, ReaderPage) and not page.object_list
    assert page.has_previous() and page.previous_page_number() == 3
    assert not page.has_next()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_search_and_county_pages_far_past_the_end_render_with_a_way_back(client, language):
    _stories(3)
    client.cookies["django_language"] = language
    for url, params in (
        ("/search", {"county": "介休市", "page_size": "1", "page": "6"}),
        ("/search", {"q": "网格化", "page_size": "1", "page": "10"}),
        ("/counties/介休市/", {"page_size": "1", "page": "10"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        assert "page=3" in _prev_link(response.content.decode()), (url, params)
        assert client.head(url, params).status_code == 200, (url, params)
        # No "page 10 of 3": the notice says it is past the end, the link leads to the last page.
        assert f"{params['page']} / 3" not in response.content.decode(), (url, params)


def test_past_the_end_of_a_single_page_result_still_links_back(client):
    _stories(2)
    text = client.get("/counties/介休市/", {"page": "5"}).content.decode()
    assert _prev_link(text).endswith("page=1")


def test_the_api_far_past_the_end_is_an_empty_page(client):
    _stories(2)
    body = client.get("/api/articles", {"county": "介休市", "page": "50"}).json()
    assert body["results"] == [] and body["count"] == 2 and body["page"] == 50


def test_an_issue_screen_far_past_the_end_shows_the_last_screen(client):
    story = _stories(1)[0]
    page = story.page
    url = f"/papers/{page.issue.newspaper_id}/{page.issue.date.isoformat()}/"
    response = client.get(url, {"page": "40"})
    assert response.status_code == 200 and story.headline in response.content.decode()


# --- The article's link into its page's source ---------------------------------------------


def test_the_source_link_names_the_part_that_holds_the_articles_first_line(client):
    from articles import views

    lines = [f"第{n}行。" for n in range(1, 2501)]
    page = make_page(date=dt.date(2024, 7, 1), text="\n".join(lines))
    early = make_article(page=page, headline="前面的", body="正文。")
    late = make_article(page=page, headline="后面的", body="正文。")
    Article.objects.filter(pk=early.pk).update(lines=[1, 2], visible=True)
    Article.objects.filter(pk=late.pk).update(lines=[1500, 1501, 2100], visible=True)
    assert views.LINES_PER_SCREEN == 1000

    text = client.get(f"/articles/{late.pk}/").content.decode()
    assert f'href="/pages/{page.pk}/?part=2#line-1500"' in text
    assert 'id="line-1500"' in client.get(f"/pages/{page.pk}/", {"part": 2}).content.decode()
    # On the first part no ?part: the page's own address.
    assert f'href="/pages/{page.pk}/#line-1"' in client.get(f"/articles/{early.pk}/").content.decode()


# --- The prefecture filter -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["运城", "1", "14", "140", "14082", "140826", "１４０８", "运城市x"])
def test_a_prefecture_that_is_not_a_name_or_four_digit_code_is_a_400_naming_it(client, value):
    _stories(1, JIANG)
    response = client.get("/api/articles", {"prefecture": value})
    assert response.status_code == 400, value
    assert "prefecture" in response.json()["error"] and "地市" in response.json()["error"]


def test_a_prefecture_by_name_or_code_filters_to_its_counties(client):
    _stories(2, JIANG)
    _stories(1, JIEXIU)
    by_name = client.get("/api/articles", {"prefecture": "运城市"}).json()
    by_code = client.get("/api/articles", {"prefecture": "1408"}).json()
    assert by_name == by_code and by_name["count"] == 2
    assert client.get("/api/articles", {"prefecture": " 1407 "}).json()["count"] == 1
    # The search page's chip names the prefecture however it was given.
    for value in ("1408", "运城市"):
        assert "地市：运城市" in client.get("/search", {"prefecture": value}).content.decode()
        assert "<title>检索 运城市 · " in client.get("/feeds/search", {"prefecture": value}).content.decode()


def test_the_search_page_and_feed_refuse_a_bad_prefecture_with_the_same_message(client):
    response = client.get("/search", {"prefecture": "运城"})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "prefecture：没有名为 '运城' 的地市" in text
    assert client.get("/feeds/search", {"prefecture": "14082"}).status_code == 400
    client.cookies["django_language"] = "en"
    english = client.get("/api/articles", {"prefecture": "运城"}).json()["error"]
    assert english.startswith("prefecture: there is no prefecture called '运城'")


def test_in_prefecture_takes_only_a_whole_four_digit_code():
    _stories(1, JIANG)
    assert Article.objects.in_prefecture("1408").count() == 1
    assert Article.objects.in_prefecture("14").count() == 0
    assert Article.objects.in_prefecture("14082").count() == 0


# --- Highlighting a quoted phrase -----------------------------------------------------------

BODY = "网格化管理覆盖全村。网格员每天上门，网格里的事有人管。"


def _marks(text: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", text)


def test_a_quoted_phrase_marks_only_the_whole_phrase_on_the_article_page(client):
    story = make_article(headline="基层治理", body=BODY)
    Article.objects.update(visible=True)
    quoted = client.get(f"/articles/{story.pk}/", {"q": '"网格化"'}).content.decode()
    assert _marks(quoted) == ["网格化"]
    for q in ("“网格化”", "「网格化」"):
        assert _marks(client.get(f"/articles/{story.pk}/", {"q": q}).content.decode()) == ["网格化"]
    # Unquoted, its words are searched too (word-only matches), so they are marked as well.
    assert "网格" in _marks(client.get(f"/articles/{story.pk}/", {"q": "网格化"}).content.decode())


def test_a_quoted_phrase_marks_only_the_whole_phrase_in_api_snippets_and_results(client):
    make_article(headline="基层治理", body=BODY)
    Article.objects.update(visible=True)
    row = client.get("/api/articles", {"q": '"网格化"'}).json()["results"][0]
    assert _marks(row["snippet"]) == ["网格化"]
    search = client.get("/search", {"q": '"网格化"'}).content.decode()
    assert "网格" not in [m for m in _marks(search)]
