"""What a reader does, in a real browser: Playwright driving Debian's Chromium against a live server."""

from __future__ import annotations

import pytest

from articles.models import Article
from tests.browser import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

require_chromium()




@pytest.fixture
def page(browser, live_server):
    from tests.factories import ingest_seeds

    ingest_seeds()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_reader_searches_from_the_home_page_and_opens_a_story(page):
    page.goto("/")
    page.get_by_role("searchbox", name="检索词").first.fill("介休")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.results li.result").count() >= 5
    assert page.locator("ol.results mark").first.inner_text() == "介休"
    page.get_by_role("link", name="介休市网格化党建激活基层治理“大文章”").click()
    assert page.locator("h1").inner_text() == "介休市网格化党建激活基层治理“大文章”"
    assert page.locator(".tags .county.primary").first.inner_text() == "介休市"


def test_reader_narrows_results_with_a_county_facet(page):
    page.goto("/search?q=社区")
    total = page.locator("ol.results li.result").count()
    page.locator("aside.facets").get_by_role("link", name="河津市").click()
    # click() returns once the navigation has begun; the rows are counted on the loaded page.
    page.wait_for_load_state("load")
    rows = page.locator("ol.results li.result")
    assert 0 < rows.count() <= total
    assert "县区：河津市" in page.locator(".count").inner_text()


def test_reader_browses_a_county_page(page):
    page.goto("/")
    page.locator("ul.county-cloud").get_by_role("link", name="绛县", exact=True).click()
    headlines = page.locator("ol.results a.headline").all_inner_texts()
    assert "绛县举办迎“八一”双拥篮球比赛" in headlines
    assert not any("新绛" in h for h in headlines)


def test_bad_input_shows_a_message_not_an_error_page(page):
    response = page.goto("/search?q=%E4%BB%8B&page=abc")
    assert response.status == 400
    assert page.get_by_role("alert").is_visible()


def test_article_page_shows_captions_and_intertitles(page):
    article = Article.objects.exclude(intertitles=[]).first()
    page.goto(article.get_absolute_url())
    assert page.locator("h2.intertitle").count() == len(article.intertitles)
