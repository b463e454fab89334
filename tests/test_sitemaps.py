"""sitemap.xml (index + paged sections, visible content only), robots.txt, the OpenSearch description."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles import sitemaps
from articles.models import Article, County, Newspaper, Page
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"


def locations(response, element: str = "url") -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [e.findtext(f"{SM}loc") for e in root.findall(f"{SM}{element}")]


def section(client, url: str) -> list[str]:
    return [loc.removeprefix("http://testserver") for loc in locations(client.get(url))]


@pytest.fixture
def draft(seeds) -> Page:
    page = make_page(status=Page.Status.DRAFT, paper="草稿日报", date=dt.date(2025, 1, 1))
    make_article(page=page, headline="草稿")
    # Dated stories beside the undated seeds: the articles section lists them newest first.
    make_article(headline="旧", date=dt.date(2019, 1, 1))
    make_article(headline="新", date=dt.date(2025, 1, 1))
    return page


def test_index_lists_every_section(client, seeds, draft, django_assert_max_num_queries):
    # a count per paged section (articles, pages, counties, papers) + latest change (articles, pages)
    with django_assert_max_num_queries(6):
        response = client.get("/sitemap.xml")
    found = locations(response, "sitemap")
    assert found == [
        "http://testserver/sitemap-site.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-counties.xml",
        "http://testserver/sitemap-papers.xml",
    ]


def test_sections_list_visible_content_only(client, seeds, draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # count + ids + rows
        articles = section(client, "/sitemap-articles.xml")
    visible = Article.objects.visible().newest()
    assert articles == [f"/articles/{a.pk}/" for a in visible]  # newest first
    assert f"/articles/{draft.articles.get().pk}/" not in articles

    pages = section(client, "/sitemap-pages.xml")
    assert pages == [f"/pages/{p.pk}/" for p in Page.objects.visible().order_by("id")]
    assert f"/pages/{draft.pk}/" not in pages

    counties = section(client, "/sitemap-counties.xml")
    jiexiu = County.objects.get(name="介休市")
    assert f"/counties/{jiexiu.code}/" in counties
    assert len(counties) == County.objects.filter(article_tags__article__visible=True).distinct().count()
    assert len(counties) < County.objects.count()  # not every county of the gazetteer
    with django_assert_max_num_queries(0):  # cached, as the front page's counts are
        assert section(client, "/sitemap-counties.xml") == counties

    assert articles[0] == f"/articles/{Article.objects.get(headline='新').pk}/"

    papers = section(client, "/sitemap-papers.xml")
    assert f"/papers/{Newspaper.objects.get(name='晋中日报').pk}/" in papers
    assert f"/papers/{Newspaper.objects.get(name='草稿日报').pk}/" not in papers

    assert section(client, "/sitemap-site.xml") == ["/", "/papers/", "/counties/", "/export/"]


def test_article_entries_carry_lastmod(client, seeds):
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    lastmods = [u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")]
    assert lastmods and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in lastmods)
    today = timezone.localdate().isoformat()  # the seeds were published just now (local date)
    assert set(lastmods) == {today}


def test_large_sections_are_paged(client, seeds, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 10)
    total = Article.objects.visible().count()
    pages = -(-total // 10)
    assert pages >= 2
    index = locations(client.get("/sitemap.xml"), "sitemap")
    article_pages = [loc for loc in index if "sitemap-articles" in loc]
    assert article_pages == ["http://testserver/sitemap-articles.xml"] + [
        f"http://testserver/sitemap-articles.xml?p={n}" for n in range(2, pages + 1)
    ]
    seen = []
    for n in range(1, pages + 1):
        seen += section(client, f"/sitemap-articles.xml?p={n}")
    assert seen == [f"/articles/{pk}/" for pk in Article.objects.visible().newest().values_list("id", flat=True)]
    assert client.get(f"/sitemap-articles.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_allows_the_content_and_names_the_sitemap_on_this_host(client):
    response = client.get("/robots.txt", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    # Searches, sign-in and the editors' pages are kept from crawlers (tests/test_feeds_sitemaps2.py);
    # the site as a whole is not.
    assert lines[0] == "User-agent: *"
    assert "Disallow: /" not in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert client.get("/robots.txt", secure=True)["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://testserver/sitemap.xml" in client.get("/robots.txt", secure=True).content.decode()
    assert client.head("/robots.txt").status_code == 200


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{OS}OpenSearchDescription"
    assert len(root.findtext(f"{OS}ShortName")) <= 16
    assert root.findtext(f"{OS}InputEncoding") == "UTF-8"
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{OS}Url")}
    assert templates["text/html"] == "http://testserver/search?q={searchTerms}&page={startPage?}"
    assert templates["application/atom+xml"] == "http://testserver/feeds/search?q={searchTerms}"
    assert templates["application/json"].startswith("http://testserver/api/articles?q={searchTerms}")
    assert templates["application/opensearchdescription+xml"] == "http://testserver/opensearch.xml"


def test_opensearch_templates_work(client, seeds):
    root = ET.fromstring(client.get("/opensearch.xml").content)
    for url in root.findall(f"{OS}Url"):
        template = url.get("template").removeprefix("http://testserver")
        address = template.replace("{searchTerms}", "介休").replace("{startPage?}", "1").replace("{count?}", "10")
        assert client.get(address).status_code == 200, address
