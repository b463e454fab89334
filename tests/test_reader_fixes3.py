"""Reader pages after the third review: paging that follows the rows, not an estimate; the read
API's refusals (405, not CSRF's 403) in the reader's language; the skip link; Chinese content
marked as Chinese on English pages; the page view's localised date; a warning badge's label."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from articles.models import Article, ArticleQuerySet, Page
from articles.paging import CappedPaginator, get_page
from articles.roles import Role
from ingest.model import County
from tests.factories import make_article, make_page, make_user

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
API_MESSAGE_405 = "不支持这个请求方法：{method}（可用：GET, HEAD）"


def _stories(n: int) -> list[Article]:
    stories = [
        make_article(date=dt.date(2024, 1, day), headline=f"介休市一月{day}日", body="网格化管理。", counties=(JIEXIU,))
        for day in range(1, n + 1)
    ]
    Article.objects.update(visible=True)  # make_page writes no copies
    return stories


@pytest.fixture
def estimate(monkeypatch, settings):
    """Seven stories, a count cap of 3 (so their count is an estimate) and a planner's estimate
    the test chooses."""
    _stories(7)
    settings.SEARCH_COUNT_CAP = 3

    def set_estimate(value: int) -> None:
        monkeypatch.setattr(ArticleQuerySet, "estimated_count", lambda self: value)

    return set_estimate


def _links(text: str) -> dict[str, str]:
    return {rel: html.unescape(href) for rel, href in re.findall(r'<a rel="(prev|next)" href="([^"]*)"', text)}


# --- Paging past a count that is an estimate -----------------------------------------------


def test_an_estimate_below_the_real_count_does_not_end_the_paging(estimate):
    estimate(1)  # the planner says 1; there are 7
    qs = Article.objects.visible().newest()
    first = get_page(qs, 1, 2)
    assert not first.paginator.exact
    assert first.paginator.count == 3  # the cap, never cap + 1 (which only says "more than the cap")
    assert first.has_next() and first.next_page_number() == 2

    third = get_page(qs, 3, 2)  # past the estimate's single page, and it has rows
    assert len(third) == 2 and third.has_next() and third.has_previous()
    assert third.paginator.count == 7  # 4 before it, 2 on it, one more fetched: at least 7
    last = get_page(qs, 4, 2)
    assert len(last) == 1 and not last.has_next()
    assert last.paginator.count == 7 and last.paginator.num_pages == 4  # the end seen: the real count


def test_an_estimate_above_the_real_count_ends_at_the_short_page(estimate):
    estimate(500)
    qs = Article.objects.visible().newest()
    assert get_page(qs, 1, 2).paginator.count == 500
    last = get_page(qs, 4, 2)
    assert len(last) == 1 and not last.has_next() and last.paginator.count == 7
    empty = get_page(qs, 5, 2)
    assert not len(empty) and empty.past_the_end and not empty.has_next()
    # The last page is not known from an empty page past an estimate: no "previous" into more
    # empty pages; the pagination offers the first page.
    assert not empty.has_previous()


def test_an_exact_count_pages_as_before():
    _stories(3)
    page = CappedPaginator(Article.objects.visible().newest(), 2, cap=10).page(2)
    assert page.paginator.exact and page.paginator.count == 3 and not page.has_next() and len(page) == 1


def test_the_search_page_follows_the_rows_past_the_estimate(client, estimate):
    estimate(1)
    params = {"county": "介休市", "page_size": "2"}
    first = client.get("/search", params).content.decode()
    # Only the cap is known (the estimate is below it): "more than 3", never "about 4".
    assert "超过 <strong>3</strong> 篇" in first and "<strong>4</strong>" not in first
    assert _links(first)["next"].endswith("page=2")

    third = client.get("/search", {**params, "page": "3"}).content.decode()
    assert third.count('<li class="result">') == 2
    assert _links(third) == {"prev": _links(third)["prev"], "next": _links(third)["next"]}
    assert _links(third)["next"].endswith("page=4") and "第 3 / 约 4 页" in third

    last = client.get("/search", {**params, "page": "4"}).content.decode()
    assert last.count('<li class="result">') == 1
    assert "next" not in _links(last) and "第 4 / 4 页" in last and "约 <strong>7</strong> 篇" in last


def test_an_empty_page_past_an_estimate_says_so(client, estimate):
    estimate(500)
    response = client.get("/search", {"county": "介休市", "page_size": "2", "page": "9"})
    text = response.content.decode()
    assert response.status_code == 200
    assert '<li class="result">' not in text and "第 9 页没有结果：已经过了最后一页。" in text
    assert _links(text) == {} and "回到第一页" in text and "第 9 / " not in text
    client.cookies["django_language"] = "en"
    assert "Page 9 has no results: it is past the last page." in client.get(
        "/search", {"county": "介休市", "page_size": "2", "page": "9"}
    ).content.decode()


def test_an_empty_page_past_an_exact_count_says_so_and_leads_back(client):
    _stories(3)
    text = client.get("/search", {"county": "介休市", "page_size": "1", "page": "6"}).content.decode()
    assert "第 6 页没有结果：已经过了最后一页。" in text and _links(text)["prev"].endswith("page=3")
    assert "回到第一页" not in text


def test_the_api_returns_rows_past_the_estimate(client, estimate):
    estimate(1)
    body = client.get("/api/articles", {"county": "介休市", "page_size": "2", "page": "3"}).json()
    assert len(body["results"]) == 2 and body["count_exact"] is False and body["count"] == 7
    assert client.get("/api/articles", {"county": "介休市", "page_size": "2"}).json()["count"] == 3


# --- The read API's refusals -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("url", ["/api/articles", "/api/articles/1"])
def test_a_write_to_the_read_api_is_405_not_csrf_403(method, url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(url)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json() == {"error": API_MESSAGE_405.format(method=method.upper())}


def test_the_api_middleware_errors_follow_the_language(client):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    assert client.post("/api/articles").json() == {"error": "Method not allowed: POST (allowed: GET, HEAD)"}
    assert client.options("/api/articles").json() == {"error": "Method not allowed: OPTIONS (allowed: GET, HEAD)"}
    # Every read-only address under /api/ is a 405 in JSON, the description's too (no CSRF 403).
    refused = client.post("/api/openapi.json")
    assert refused.status_code == 405 and refused.json() == {"error": "Method not allowed: POST (allowed: GET, HEAD)"}


def test_a_post_to_the_search_page_is_the_405_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/search", {"q": "党建"})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert "<html" in response.content.decode()


# --- Skip link ------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "跳到正文"), ("en", "Skip to main content")])
def test_the_skip_link_is_the_first_focusable_element(client, language, label):
    client.cookies["django_language"] = language
    text = client.get("/papers/").content.decode()
    body = text.split("<body>", 1)[1]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert first.group(0) == '<a class="skip-link" href="#content">'
    assert f'<a class="skip-link" href="#content">{label}</a>' in text
    assert '<main id="content" class="container" tabindex="-1">' in text


def test_the_skip_link_shows_on_focus():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert ".skip-link:focus" in css


# --- Chinese content on English pages ----------------------------------------------------------


def test_article_content_is_marked_chinese_on_english_pages(client):
    story = make_article(
        date=dt.date(2024, 1, 2), kicker="引题", headline="介休市网格化", subheadline="副题", body="正文。",
        byline=("刘燕",), captions=("说明。",), counties=(JIEXIU,),
    )
    Article.objects.update(visible=True)
    client.cookies["django_language"] = "en"
    text = client.get(f"/articles/{story.pk}/").content.decode()
    for part in ('<h1 lang="zh-Hans">', '<p class="kicker" lang="zh-Hans">', '<p class="subheadline" lang="zh-Hans">',
                 '<p class="byline" lang="zh-Hans">', '<div class="body" lang="zh-Hans">', '<span lang="zh-Hans">测试日报</span>',
                 'lang="zh-Hans">介休市</a>'):
        assert part in text, part
    row = client.get("/counties/介休市/").content.decode()
    assert '<a class="headline" lang="zh-Hans"' in row and '<span lang="zh-Hans">测试日报</span>' in row
    assert 'lang="zh-Hans">测试日报</a>' in client.get("/papers/").content.decode()


def test_chinese_pages_carry_no_extra_lang(client):
    story = make_article(date=dt.date(2024, 1, 2), headline="介休市网格化", body="正文。", counties=(JIEXIU,))
    Article.objects.update(visible=True)
    for url in (f"/articles/{story.pk}/", "/counties/介休市/", "/papers/", f"/pages/{story.page_id}/"):
        assert 'lang="zh-Hans">' not in client.get(url).content.decode().split("</head>", 1)[1], url


# --- The page view's title; a warning's label ---------------------------------------------------


@pytest.mark.parametrize(("language", "date"), [("zh-hans", "2025年12月17日"), ("en", "December 17, 2025")])
def test_the_page_views_heading_has_a_localised_date(client, language, date):
    page = make_page(paper="长治日报", date=dt.date(2025, 12, 17))
    Page.objects.filter(pk=page.pk).update(label="第4版")
    client.cookies["django_language"] = language
    text = client.get(f"/pages/{page.pk}/").content.decode()
    assert "2025-12-17 第4版" not in text.split("</head>", 1)[0]
    assert f"<title>长治日报 {date} 第4版 - " in text
    h1 = re.search(r"<h1>(.*?)</h1>", text).group(1)
    assert re.sub(r"<[^>]+>", "", h1) == f"长治日报 {date} 第4版"
    assert str(Page.objects.get(pk=page.pk)) == "长治日报 2025-12-17 第4版"  # the admin's, the history's


def test_a_warning_badge_is_titled_with_its_label(client):
    story = make_article(date=dt.date(2024, 1, 2), headline="接续", body="正文。")
    Article.objects.filter(pk=story.pk).update(warnings=["continued_fragment"], visible=True)
    text = client.get(f"/pages/{story.page_id}/").content.decode()
    assert 'title="continued_fragment"' not in text and 'title="开头接续他版"' in text


def test_a_reader_sees_what_a_warning_says_of_the_story_an_editor_every_note(client):
    story = make_article(date=dt.date(2024, 1, 2), headline="接续", body="正文。")
    Article.objects.filter(pk=story.pk).update(warnings=["continued_fragment", "no_byline", "too_short"], visible=True)
    text = client.get(f"/pages/{story.page_id}/").content.decode()
    assert "开头接续他版" in text and "无署名" not in text and "篇幅过短" not in text
    client.force_login(make_user("editor", role=Role.EDITOR))
    text = client.get(f"/pages/{story.page_id}/").content.decode()
    assert "开头接续他版" in text and "无署名" in text and "篇幅过短" in text


def test_a_count_that_is_only_the_cap_says_so(estimate):
    estimate(1)
    qs = Article.objects.visible().newest()
    assert get_page(qs, 1, 1).paginator.more_than == 3
    # The rows a deeper page read prove 7 (its one row more), the estimate says 1: "more than 6",
    # not "about 7" (a floor shown as "约" looked like a count).
    assert get_page(qs, 3, 2).paginator.more_than == 6
    estimate(50)
    assert get_page(qs, 3, 2).paginator.more_than is None  # the planner's 50: "约 50"
    assert get_page(qs, 4, 2).paginator.more_than is None  # the end shown: 7, exactly
