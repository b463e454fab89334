"""The reading side as a review found it wrong (tenth session): search hits numbered in the order
the article page shows them, a byline that matched marked like any other hit, a story titled
only by its kicker showing it once, the empty state's suggestions keeping a phrase's quotes,
an issue addressed only by its YYYY-MM-DD date, and the county sitemap following a write."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from articles.models import Article, Page
from articles.writer import set_status
from ingest.model import County
from tests.factories import ingest_seeds, make_article, make_page

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 5)
JIXIAN = County("141028", "吉县", "吉县", "临汾市", "山西省")


def story_html(page: str) -> str:
    return page[page.index("<article") : page.index("</article>")]


def test_hits_are_numbered_in_the_order_the_page_shows_them(counties):
    a = make_article(headline="平遥古城", body="第一段平遥。\n第二段平遥。", captions=("图为平遥古城夜景",), date=DAY)
    Article.objects.update(visible=True)
    story = story_html(Client().get(f"/articles/{a.pk}/", {"q": "平遥"}).content.decode())
    shown = [int(n) for n in re.findall(r'<mark id="hit-(\d+)"', story)]
    assert shown == [1, 2, 3, 4]  # headline, the caption (shown above the body), the body's two
    # the last hit's "next" goes back to the first, and "最后一处" is the body's last
    assert story.rindex('href="#hit-1"') > story.index('<mark id="hit-4"')


def test_a_term_found_in_the_byline_is_marked_there_not_called_a_word_match(counties):
    a = make_article(headline="春耕忙", body="田间地头一片繁忙。", byline=("王小明",), date=DAY)
    Article.objects.update(visible=True)
    client = Client()
    assert f"/articles/{a.pk}/" in client.get("/search", {"q": "“王小明”"}).content.decode()
    page = client.get(f"/articles/{a.pk}/", {"q": "“王小明”"}).content.decode()
    assert "没有逐字出现" not in page
    assert '<p class="byline"><mark id="hit-1">王小明</mark></p>' in page


@pytest.mark.parametrize(("fields", "title"), [({"kicker": "本报评论员文章"}, "本报评论员文章"), ({"subheadline": "一段副题"}, "一段副题")])
def test_a_story_titled_only_by_its_kicker_or_subheadline_shows_that_title_once(counties, fields, title):
    a = make_article(body="正文。", date=DAY, **fields)
    Article.objects.update(visible=True)
    page = Client().get(f"/articles/{a.pk}/").content.decode()
    head = page[page.index("<article") : page.index('<div class="body"')]
    assert head.count(title) == 1 and f">{title}</h1>" in head


def test_the_suggestions_for_no_results_keep_a_phrases_quotes(counties):
    make_article(headline="网格化党建", body="介休", date=DAY)
    Article.objects.update(visible=True)
    page = Client().get("/search", {"q": "“网格化 党建” -介休"}).content.decode()
    links = [html.unescape(u) for u in re.findall(r'<li><a href="([^"]+)">不排除', page)]
    assert len(links) == 1
    assert parse_qs(urlsplit(links[0]).query)["q"] == ['"网格化 党建"']


def test_only_one_term_suggestions_keep_its_quotes(counties):
    make_article(headline="别的", body="别的", date=DAY)
    Article.objects.update(visible=True)
    page = Client().get("/search", {"q": "“网格化 党建” 志愿"}).content.decode()
    links = [html.unescape(u) for u in re.findall(r'<li><a href="([^"]+)">只查', page)]
    assert sorted(parse_qs(urlsplit(u).query)["q"][0] for u in links) == ['"网格化 党建"', "志愿"]


def test_an_issue_is_addressed_by_its_yyyy_mm_dd_date_only(counties):
    a = make_article(paper="晋中日报", headline="x", body="y", date=DAY)
    Article.objects.update(visible=True)
    client = Client()
    assert client.get(f"/papers/{a.newspaper_id}/2024-03-05/").status_code == 200
    for other in ("2024-W10-2", "2024W102", "20240305"):
        assert client.get(f"/papers/{a.newspaper_id}/{other}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_county_sitemap_lists_a_county_as_soon_as_its_first_story_is_published():
    ingest_seeds()
    client = Client()
    assert "/counties/141028/" not in client.get("/sitemap-counties.xml").content.decode()
    page = make_page(status=Page.Status.DRAFT, date=DAY)
    make_article(page=page, headline="吉县苹果丰收", body="吉县。", counties=(JIXIAN,))
    set_status(page, Page.Status.PUBLISHED)  # the writer: the caches follow on commit
    assert "/counties/141028/" in client.get("/sitemap-counties.xml").content.decode()
    set_status(page, Page.Status.WITHDRAWN)
    assert "/counties/141028/" not in client.get("/sitemap-counties.xml").content.decode()


def test_the_language_switch_leads_back_to_a_search_sent_as_bare_utf8(counties):
    # A client that does not percent-encode (curl with a raw address) sends the query's UTF-8
    # bytes as they are; the switch's way back must still read 网格化, not its mojibake.
    page = Client().get("/search", QUERY_STRING="q=网格化".encode().decode("latin-1")).content.decode()
    back = html.unescape(re.search(r'name="next" value="([^"]*)"', page).group(1))
    assert parse_qs(urlsplit(back).query) == {"q": ["网格化"]}


def test_a_county_page_ignores_search_parameters_it_does_not_read(counties):
    make_article(headline="绛县新闻", body="绛县。", date=DAY, counties=(County("140826", "绛县", "绛县", "运城市", "山西省"),))
    Article.objects.update(visible=True)
    client = Client()
    assert client.get("/counties/140826/", {"q": "😀"}).status_code == 200
    assert client.get("/counties/140826/", {"county": "郊区"}).status_code == 200
    assert client.get("/counties/140826/", {"page": "x"}).status_code == 400  # its own paging is still checked


def test_the_language_switchs_way_back_keeps_a_path_encoded(counties):
    # A name holding "?" or "#" (a paper's, in its address) stays part of the path.
    page = Client().get("/papers/%E6%99%9A%E6%8A%A5%3F%23/").content.decode()
    back = html.unescape(re.search(r'name="next" value="([^"]*)"', page).group(1))
    assert back == "/papers/%E6%99%9A%E6%8A%A5%3F%23/"


def test_a_term_not_in_the_article_is_not_said_to_have_matched_by_its_words(counties):
    a = make_article(headline="春耕忙", body="田间地头一片繁忙。", date=DAY)
    Article.objects.update(visible=True)
    page = Client().get(f"/articles/{a.pk}/", {"q": "绛县"}).content.decode()
    assert "检索词「绛县」在本文没有逐字出现" in page and "按分词匹配" not in page


@pytest.mark.parametrize("q", ["「春耕」", "“春耕”", '"春耕"'])
def test_a_quoted_query_is_shown_in_the_hit_banner_without_doubled_quotes(counties, q):
    a = make_article(headline="春耕忙", body="田间地头一片繁忙。", date=DAY)
    Article.objects.update(visible=True)
    page = Client().get(f"/articles/{a.pk}/", {"q": q}).content.decode()
    assert "检索词「春耕」在本文标出 1 处" in page
