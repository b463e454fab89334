"""Feeds, sitemap, robots.txt and OpenSearch after the second review: when a page last changed (one
rule for entries and sitemap), feeds well-formed whatever the text, the entries' language, a
search feed's stable id, feeds offered only where they answer, one author per name, what crawlers
are kept from, OpenSearch's ShortName."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from hypothesis import given, settings as hypothesis_settings, strategies as st

from articles.feeds import ArchiveAtom1Feed, feed_links, query_text
from articles.models import Article, County, Page, PageRevision
from articles.query import QueryError, parse
from articles.writer import apply_state, load_state, replace_page
from ingest.model import County as ParsedCounty
from tests.conftest import SEED_FILES
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LONG_AGO = dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone.utc)
# Everything XML 1.0 cannot hold, of each kind: C0 controls, a lone surrogate, the two non-characters.
NOT_XML = "\x01\x08\x0b\x0c\x1f\ud800\udfff\ufffe\uffff"


def strict_atom(response) -> ET.Element:
    """The feed, parsed strictly (expat refuses what is not well-formed), with Atom's rules checked
    as the reviewer's checker does: one id, title and updated on the feed and on every entry, a
    self link, an alternate link per entry, no empty author name or title, no id twice."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{element}")) == 1, element
    assert "self" in [link.get("rel", "alternate") for link in root.findall(f"{ATOM}link")]
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for element in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{element}")) == 1, element
        assert (entry.findtext(f"{ATOM}title") or "").strip()
        assert any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link"))
        for author in entry.findall(f"{ATOM}author"):
            assert (author.findtext(f"{ATOM}name") or "").strip()
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids))
    return root


def entry_of(root: ET.Element, article: Article) -> ET.Element:
    (entry,) = [e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith(f"/articles/{article.pk}/")]
    return entry


def county(name: str) -> ParsedCounty:
    row = County.objects.get(name=name)
    return ParsedCounty(row.code, row.name, row.short_name, row.prefecture, row.province)


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


# --- 5. lastmod and <updated>: when the page last changed, one rule ------------------------------


def backdate(page: Page) -> None:
    """As if the page had been ingested, published and last revised long ago."""
    Page.objects.filter(pk=page.pk).update(ingested_at=LONG_AGO, published_at=LONG_AGO)
    PageRevision.objects.filter(page=page).update(created_at=LONG_AGO)


def lastmods(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {u.findtext(f"{SM}loc").removeprefix("http://testserver"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}


def index_lastmods(client) -> dict[str, str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {s.findtext(f"{SM}loc").removeprefix("http://testserver"): (s.findtext(f"{SM}lastmod") or "")[:10]
            for s in root.findall(f"{SM}sitemap")}


def correct(article: Article, headline: str) -> None:
    state = load_state(article.page)
    state.articles[0].headline = headline
    apply_state(article.page, state, user=None, action=PageRevision.Action.CORRECT, summary="test")


def test_sitemap_lastmod_follows_a_correction_after_publication(client, counties):
    story = make_article(headline="改正前", date=dt.date(2025, 1, 1))
    backdate(story.page)
    article_url, page_url = f"/articles/{story.pk}/", f"/pages/{story.page_id}/"
    assert lastmods(client, "/sitemap-articles.xml")[article_url] == "2020-01-01"
    assert lastmods(client, "/sitemap-pages.xml")[page_url] == "2020-01-01"
    assert index_lastmods(client)["/sitemap-articles.xml"] == "2020-01-01"

    correct(story, "改正后")
    today = timezone.localdate().isoformat()
    assert lastmods(client, "/sitemap-articles.xml")[article_url] == today
    assert lastmods(client, "/sitemap-pages.xml")[page_url] == today
    index = index_lastmods(client)
    # The site's own day (TIME_ZONE, Asia/Shanghai), as above: UTC's date is a day behind after 16:00 UTC.
    assert index["/sitemap-articles.xml"] == index["/sitemap-pages.xml"] == today


def test_sitemap_lastmod_follows_a_replaced_file(client, counties):
    page = make_page(paper="晋中日报", date=dt.date(2025, 7, 24), text="旧的版面\n")
    backdate(page)
    assert lastmods(client, "/sitemap-pages.xml")[f"/pages/{page.pk}/"] == "2020-01-01"
    result = replace_page(page, "new.txt", SEED_FILES[0].read_bytes())
    assert result.page.pk == page.pk, result
    assert lastmods(client, "/sitemap-pages.xml")[f"/pages/{page.pk}/"] == timezone.localdate().isoformat()


def test_sitemap_lastmod_follows_a_later_publication(client, counties):
    # Revised as a draft long ago, published now: the publication is the later change.
    story = make_article(headline="草稿改过", date=dt.date(2025, 1, 1))
    backdate(story.page)
    Page.objects.filter(pk=story.page_id).update(published_at=timezone.now())
    assert lastmods(client, "/sitemap-articles.xml")[f"/articles/{story.pk}/"] == timezone.localdate().isoformat()


def test_feed_entry_and_sitemap_agree_on_when_a_page_changed(client, counties):
    story = make_article(headline="同一规则", date=dt.date(2025, 1, 1))
    backdate(story.page)
    correct(story, "同一规则（改）")
    story.refresh_from_db()
    updated = parse_datetime(entry_of(strict_atom(client.get("/feeds/latest/")), story).findtext(f"{ATOM}updated"))
    revised = PageRevision.objects.filter(page=story.page).order_by("-number").first().created_at
    assert updated == revised
    assert lastmods(client, "/sitemap-articles.xml")[f"/articles/{story.pk}/"] == timezone.localtime(updated).date().isoformat()


@pytest.mark.parametrize("pages", [2, 8])
def test_sitemap_sections_and_feeds_read_the_changes_in_fixed_queries(client, counties, pages, django_assert_num_queries):
    for n in range(pages):
        story = make_article(headline=f"第{n}篇", body="介休", counties=(county("介休市"),), date=dt.date(2025, 1, 1 + n))
        correct(story, f"第{n}篇（改）")
    with django_assert_num_queries(3):  # count, ids, rows with the date each changed
        assert len(lastmods(client, "/sitemap-articles.xml")) == pages
    with django_assert_num_queries(3):
        assert len(lastmods(client, "/sitemap-pages.xml")) == pages
    # a count per paged section (articles, pages, counties, papers) + the latest change (articles, pages)
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")
    with django_assert_num_queries(4):  # rows, captions, counties, the pages' last changes
        strict_atom(client.get("/feeds/latest/"))


# --- 6. well-formed whatever the text ------------------------------------------------------------


def test_every_feed_is_well_formed_whatever_the_article_text(client, counties):
    story = make_article(headline="万荣新闻", body="正文", byline=("张三",), counties=(county("万荣县"),), date=dt.date(2025, 1, 1))
    bad = "\x01\x0b\ufffe\uffff"  # what PostgreSQL text holds of NOT_XML (not surrogates)
    Article.objects.filter(pk=story.pk).update(
        headline=f"万荣{bad}新闻", body=f"正{bad}文\n第二段{bad}", byline=[f"张{bad}三", "李四"]
    )
    for url in ("/feeds/latest/", "/feeds/counties/万荣县/", "/feeds/search?q=万荣"):
        entry = entry_of(strict_atom(client.get(url)), story)
        assert entry.findtext(f"{ATOM}title") == "万荣新闻"  # only the characters are gone
        assert entry.findtext(f"{ATOM}summary") == "<p>正文</p><p>第二段</p>"
        assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == ["张三", "李四"]


@pytest.mark.parametrize("q", ["万荣\ufffe", "万荣\uffff", "\ufffe万荣", "万荣 \ufffe", '"万荣\ufffe"'])
def test_search_feed_is_well_formed_with_a_noncharacter_in_the_query(client, seeds, q):
    response = client.get(f"/feeds/search?q={quote(q)}")
    root = strict_atom(response)
    assert "\ufffe" not in root.findtext(f"{ATOM}title") and "万荣" in root.findtext(f"{ATOM}title")


def test_feed_writer_drops_every_character_xml_cannot_hold_and_keeps_the_rest(db):
    kept = "甲\t乙\n丙\r丁\ufffd😀\U0010fffd"
    feed = ArchiveAtom1Feed(title=f"标{NOT_XML}题", link="/", description="", language="en", feed_url="/f")
    feed.add_item(title=f"{kept}{NOT_XML}", link="/a/", description=f"<p>{NOT_XML}</p>", categories=[f"县{NOT_XML}"],
                  authors=[f"张{NOT_XML}三"])
    out = io.StringIO()
    feed.write(out, "utf-8")
    root = ET.fromstring(out.getvalue().encode("utf-8"))
    assert root.findtext(f"{ATOM}title") == "标题"
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == kept.replace("\r", "\n")  # XML reads a CR as a line end
    assert entry.find(f"{ATOM}category").get("term") == "县"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "张三"


# --- 12. the entries' language ------------------------------------------------------------------


def test_english_feed_marks_its_chinese_entries_as_chinese(client, seeds):
    root = strict_atom(english(client).get("/feeds/latest/"))
    assert root.get(XML_LANG) == "en"  # the feed's own words (title, subtitle) are English
    entries = root.findall(f"{ATOM}entry")
    assert entries and all(e.get(XML_LANG) == "zh-Hans" for e in entries)


def test_chinese_feed_entries_are_chinese_too(client, seeds):
    root = strict_atom(client.get("/feeds/latest/"))
    assert root.get(XML_LANG) == "zh-hans"
    assert all(e.get(XML_LANG) == "zh-Hans" for e in root.findall(f"{ATOM}entry"))


# --- 13. a search feed's id ---------------------------------------------------------------------


def feed_id(client, query: str) -> tuple[str, str]:
    root = strict_atom(client.get(f"/feeds/search?{query}"))
    self_link = next(link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    return root.findtext(f"{ATOM}id"), self_link


def test_one_search_has_one_feed_id_whatever_its_address_says(client, seeds):
    wanrong = quote("万荣")
    same = [
        f"q={wanrong}&county=140822",
        f"county=140822&q={wanrong}",
        f"q={wanrong}&county={quote('万荣县')}",
        f"q={wanrong}&county={quote('万荣')}&page=2&sort=relevance&utm_source=x",
        f"q=%20{wanrong}%20%20&county=140822",  # the query as parsed: spacing is no difference
        f"q={quote('“万荣”')}&county=140822&date_from=",  # nor the quotes, nor an empty field
    ]
    found = {feed_id(client, query) for query in same[:4]}
    assert found == {(f"http://testserver/search?q={wanrong}&county=140822", f"http://testserver/feeds/search?q={wanrong}&county=140822")}
    assert feed_id(client, same[4]) == feed_id(client, same[0])
    # A phrase stays a phrase (a quoted term is another search than a bare one).
    assert feed_id(client, same[5])[0] == f"http://testserver/search?q={quote(chr(34) + '万荣' + chr(34))}&county=140822"
    # Another search, another id.
    assert feed_id(client, f"q={wanrong}")[0] != feed_id(client, same[0])[0]
    assert feed_id(client, f"q={wanrong}&date_from=2025-07-01")[0].endswith("&date_from=2025-07-01")


def test_search_feed_ids_follow_the_host_asked(client, seeds):
    # No canonical origin is configured (archive/settings.py): Django's syndication uses the host.
    response = client.get("/feeds/search?q=介休", HTTP_HOST="localhost")
    assert ET.fromstring(response.content).findtext(f"{ATOM}id").startswith("http://localhost/search?")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('万荣介休ab1 -－"“”「」『』＂😀'), max_size=30))
def test_a_query_written_back_reads_as_the_same_terms(q):
    try:
        parsed = parse(q)
    except QueryError:
        return
    assert parse(query_text(parsed)) == parsed


# --- 16. feeds offered only where they answer ----------------------------------------------------


FEED_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">')


def offered(response) -> list[str]:
    return [href.replace("&amp;", "&") for href in FEED_LINK.findall(response.content.decode())]


def test_unknown_county_page_offers_no_county_feed(client, counties):
    response = client.get(f"/counties/{quote('万荣x')}/")
    assert response.status_code == 404
    assert offered(response) == ["/feeds/latest/"]


@pytest.mark.parametrize("address", ["140822", "万荣", "万荣县"])
def test_a_county_page_titles_its_feed_with_the_county_s_name(client, counties, address):
    text = client.get(f"/counties/{quote(address)}/").content.decode()
    assert f'title="万荣县 · 新文章" href="/feeds/counties/{quote(address)}/"' in text


@pytest.mark.parametrize("query", [{"q": "😀"}, {"county": "999999"}, {"q": "万荣", "county": "不存在县"}, {"q": "-万荣"},
                                   {"q": "万荣", "date_from": "2025-13-01"}, {"prefecture": "运城"}])
def test_refused_search_page_offers_no_search_feed(client, counties, query):
    response = client.get("/search", query)
    assert response.status_code == 400
    assert offered(response) == ["/feeds/latest/"]


@pytest.mark.parametrize(
    "url",
    ["/", "/counties/万荣县/", "/counties/140822/", "/counties/万荣/", "/counties/万荣县/?page=abc", "/counties/万荣x/",
     "/search?q=万荣", "/search?q=万荣&county=万荣县&sort=date&page=2", "/search?county=140822", "/search?q=😀",
     "/search?county=999999", "/search?q=万荣&page=abc", "/nowhere/"],
)
def test_every_feed_a_page_offers_answers(client, seeds, url):
    links = offered(client.get(url))
    assert links[0] == "/feeds/latest/"
    for href in links:
        strict_atom(client.get(href))


def test_a_page_that_rendered_asks_no_query_to_offer_its_feed(seeds, django_assert_num_queries):
    for url in ("/counties/万荣县/", "/search?q=万荣&county=万荣县"):
        request = RequestFactory().get(url)
        request.resolver_match = resolve(urlsplit(url).path)
        with django_assert_num_queries(0):
            links = feed_links(request)["feed_links"]
        assert len(links) == 2


# --- 19. one author per name --------------------------------------------------------------------


def test_each_name_of_a_byline_is_its_own_author(client, counties):
    many = make_article(headline="四人署名", byline=("张三", "李四", "王五", "赵六"), date=dt.date(2025, 1, 2))
    none = make_article(headline="无署名", date=dt.date(2025, 1, 1))
    root = strict_atom(client.get("/feeds/latest/"))
    names = [a.findtext(f"{ATOM}name") for a in entry_of(root, many).findall(f"{ATOM}author")]
    assert names == ["张三", "李四", "王五", "赵六"]
    assert entry_of(root, none).findall(f"{ATOM}author") == []
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "地方报纸档案"  # the feed's, which an entry without one inherits


# --- 10. robots.txt -----------------------------------------------------------------------------


def robots_rules(text: str) -> list[tuple[str, str]]:
    return [tuple(part.strip() for part in line.split(":", 1)) for line in text.splitlines() if line.startswith(("Allow:", "Disallow:"))]


def allowed_by_rfc9309(rules: list[tuple[str, str]], path: str) -> bool:
    """RFC 9309: the longest matching rule wins ("*" any characters, "$" the end); Allow on a tie."""
    best = None
    for kind, pattern in rules:
        regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\$", "$")
        if re.match(regex, path) and (best is None or len(pattern) > len(best[1]) or (len(pattern) == len(best[1]) and kind == "Allow")):
            best = (kind, pattern)
    return best is None or best[0] == "Allow"


KEPT_OUT = ["/search", "/search?q=介休&county=140781&sort=date&page=3", "/search?date_from=2025-01-01",
            "/feeds/search?q=介休", "/api/articles?q=介休", "/accounts/login/?next=/upload/", "/accounts/password_change/",
            "/i18n/setlang/", "/admin/", "/admin/articles/page/", "/upload/", "/upload/drafts/"]
LET_IN = ["/", "/articles/12/", "/pages/7/", "/counties/140781/", "/counties/", "/papers/", "/papers/3/",
          "/feeds/latest/", "/feeds/counties/140781/", "/sitemap.xml", "/sitemap-articles.xml?p=2", "/export/",
          "/opensearch.xml", "/api/openapi.json"]
EDITORS = ["/pages/7/preview/", "/pages/7/publish/", "/pages/7/withdraw/", "/pages/7/discard/", "/pages/7/replace/",
           "/pages/7/meta/", "/pages/7/correct/", "/pages/7/correct/split/", "/pages/7/history/",
           "/pages/7/history/articles/12/", "/pages/7/undo/", "/pages/7/revert/", "/pages/7/resplit/"]


def test_robots_txt_keeps_crawlers_from_searches_sign_in_and_the_editors_pages(client):
    text = client.get("/robots.txt", HTTP_HOST="localhost").content.decode()
    assert "Sitemap: http://localhost/sitemap.xml" in text.splitlines()
    rules = robots_rules(text)
    # As crawlers that follow RFC 9309 read it ("*" included)…
    for path in KEPT_OUT + EDITORS:
        assert not allowed_by_rfc9309(rules, path), path
    for path in LET_IN:
        assert allowed_by_rfc9309(rules, path), path
    # …and as Python's robotparser does (first match, plain prefixes).
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    for path in KEPT_OUT:
        assert not parser.can_fetch("AnyBot", f"http://localhost{path}"), path
    for path in LET_IN:
        assert parser.can_fetch("AnyBot", f"http://localhost{path}"), path


# --- 20. OpenSearch ShortName -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_opensearch_short_name_fits_sixteen_characters_and_long_name_says_it_all(client, language):
    if language == "en":
        english(client)
    root = ET.fromstring(client.get("/opensearch.xml").content)
    short, long = root.findtext(f"{OS}ShortName"), root.findtext(f"{OS}LongName")
    assert 0 < len(short) <= 16 and len(long) <= 48
    assert long == {"zh-hans": "地方报纸档案", "en": "Regional Newspaper Archive"}[language]
    assert short == {"zh-hans": "地方报纸档案", "en": "Regional Papers"}[language]
