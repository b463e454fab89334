"""Reader pages after the ninth session's review: a sectioned page cited by its code, the GB/T
citation in Chinese in either language, a county page's townships named in captions, county and
province names marked as Chinese on English pages."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from articles.models import Article, Page
from articles.views import _cite
from ingest.model import County
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

NEHE = County("230281", "讷河市", "讷河", "齐齐哈尔市", "黑龙江省")
PERMALINK = "https://example.org/articles/1/"


def _visible() -> None:
    Article.objects.filter(page__status=Page.Status.PUBLISHED).update(visible=True)


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _citations(text: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r'<code class="citation"(?: lang="zh-Hans")?>(.*?)</code>', text, re.S)]


@pytest.mark.parametrize(
    ("label", "number", "cited"),
    [
        ("A03版", 3, "(A03)"), ("B2版：体育", 2, "(B2)"), ("第A5版", 5, "(A5)"), ("第3版", 3, "(3)"),
        ("要闻", None, "(要闻)"), ("第5版：G20峰会", 5, "(5)"), ("第12版·H7N9防控", 12, "(12)"),
    ],
)
def test_the_gb_citation_gives_a_sectioned_pages_code_not_its_bare_number(label, number, cited):
    story = make_article(date=dt.date(2025, 10, 21), headline="标题", body="正文。")
    Page.objects.filter(pk=story.page_id).update(label=label, number=number)
    story.refresh_from_db()
    assert _cite(story, PERMALINK)["gb"].endswith(f"2025-10-21{cited}.")


def test_the_gb_citation_stays_chinese_on_an_english_page(client):
    story = make_article(page=make_page(), captions=("介休市义安镇的麦田里，农机正在作业。",))
    _visible()
    gb, plain = _citations(english(client).get(f"/articles/{story.pk}/").content.decode())
    assert "[图片新闻][N]. " in gb and "[出版日期不详]" in gb
    assert plain.startswith("[Photo story]. ") and "n.d." in plain


def test_a_county_page_lists_a_township_named_only_in_a_photo_caption(client):
    make_article(
        date=dt.date(2025, 9, 1),
        captions=("讷河市拉哈镇的农民正在收获大豆。",),
        counties=(NEHE,),
    )
    _visible()
    text = client.get("/counties/230281/").content.decode()
    townships = text[text.index('class="townships"'):]
    assert "拉哈镇" in townships[: townships.index("</p>")]


def test_county_and_province_names_are_marked_chinese_on_english_pages(client):
    make_article(date=dt.date(2025, 9, 1), headline="讷河市秋收", body="讷河市的秋收。", counties=(NEHE,))
    _visible()
    english(client)
    county = client.get("/counties/230281/").content.decode()
    assert '<h1 lang="zh-Hans">讷河市</h1>' in county
    assert '<span lang="zh-Hans">黑龙江省</span>' in county and '<span lang="zh-Hans">齐齐哈尔市</span>' in county
    index = client.get("/counties/").content.decode()
    assert '<span lang="zh-Hans">黑龙江省</span>' in index
    assert '<ul class="county-cloud" lang="zh-Hans">' in index
