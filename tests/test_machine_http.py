"""HTTP as machines and browsers' scripts use it: exports in print order, HEAD without the work,
a download's ASCII file name, 405 (not CSRF's 403) on every address that only shows, CORS on the
public read API only, conditional GET (304) and explicit Cache-Control, and the 429 / 503 the
OpenAPI description declares (articles/export.py, articles/machine_views.py, articles/cors.py,
articles/caching.py, archive/urls.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from articles import caching, export, writer
from articles.models import Newspaper, Page
from articles.writer import get_issue, get_newspaper
from tests.factories import make_article, make_page
from tests.test_outage import outage  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PAPER = "晋中日报"
EXPORT = f"/export/{quote(PAPER)}/2025.jsonl"


def _page(label: str, number: int | None, *, date: dt.date = dt.date(2025, 3, 2), edition: str = "") -> Page:
    page = make_page(paper=PAPER, date=date)
    Page.objects.filter(pk=page.pk).update(label=label, number=number, issue=get_issue(get_newspaper(PAPER), date, edition))
    page.refresh_from_db()
    return page


@pytest.fixture
def ingested_out_of_order(db) -> list[str]:
    """Pages of 晋中日报 2025 ingested in an order that is not their print order; returns the
    headlines in print order."""
    later_day = dt.date(2025, 3, 9)
    p3 = _page("第3版", 3)
    unnumbered = _page("要闻", None)
    p1 = _page("第1版", 1)
    p2 = _page("第2版", 2)
    p1_late = _page("第1版", 1, date=later_day)  # ingested before the earlier day's 第1版 of edition B
    b1 = _page("第1版", 1, edition="B")
    p2_kept = _page("第2版", 2)  # a duplicate slot kept (keep both): after the first 第2版, by id
    for page, names in (
        (p3, ["三版一", "三版二"]),
        (unnumbered, ["要闻一"]),
        (p1, ["一版一", "一版二", "一版三"]),
        (p1_late, ["九日一版"]),
        (p2, ["二版一"]),
        (b1, ["B一版"]),
        (p2_kept, ["二版重一", "二版重二"]),
    ):
        for name in names:
            make_article(page=page, headline=name)
    return ["一版一", "一版二", "一版三", "二版一", "二版重一", "二版重二", "三版一", "三版二", "要闻一", "B一版", "九日一版"]


def _lines(body: str) -> list[str]:
    return [json.loads(line)["headline"] for line in body.splitlines()]


# --- 2. print order ---------------------------------------------------------------------------


def test_export_is_in_print_order_not_ingest_order(client, ingested_out_of_order):
    out = io.StringIO()
    call_command("export", "--paper", PAPER, "--year", "2025", stdout=out, stderr=io.StringIO())
    assert _lines(out.getvalue()) == ingested_out_of_order
    response = client.get(EXPORT)
    assert _lines(b"".join(response.streaming_content).decode()) == ingested_out_of_order


@pytest.mark.parametrize("batch", [1, 2, 3, 4, 5, 500])
def test_export_batches_neither_repeat_nor_skip_a_row_on_the_print_order_key(ingested_out_of_order, batch):
    slot = export.Slot(Newspaper.objects.get(name=PAPER), 2025)
    assert _lines("".join(export.export_lines(slot, batch=batch))) == ingested_out_of_order


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_undated_export_is_in_print_order_too(db, batch):
    pages = [_page("第2版", 2, date=None), _page("副刊", None, date=None), _page("第1版", 1, date=None)]
    for page, name in zip(pages, ["二", "副", "一"]):
        make_article(page=page, headline=f"{name}甲")
        make_article(page=page, headline=f"{name}乙")
    slot = export.Slot(Newspaper.objects.get(name=PAPER), None)
    assert _lines("".join(export.export_lines(slot, batch=batch))) == ["一甲", "一乙", "二甲", "二乙", "副甲", "副乙"]


# --- 8. HEAD runs no export -------------------------------------------------------------------


def test_head_of_an_export_answers_the_headers_and_runs_no_export_query(client, ingested_out_of_order):
    get = client.get(EXPORT)
    b"".join(get.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        head = client.head(EXPORT)
        body = b"".join(head.streaming_content)
    assert head.status_code == 200 and body == b""
    for header in ("Content-Type", "Content-Disposition", "ETag", "Cache-Control"):
        assert head[header] == get[header], header
    # The paper and "is there anything": no article row read, no captions, no counties.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert not any('"articles_article"."headline"' in q["sql"] or "articles_caption" in q["sql"] for q in queries)
    assert client.head(f"/export/{quote(PAPER)}/1999.jsonl").status_code == 404


# --- 11. an ASCII file name beside the paper's own ------------------------------------------


@pytest.mark.parametrize("year", ["2025", "undated"])
def test_export_download_names_an_ascii_fallback_file(client, db, year):
    article = make_article(paper=PAPER, date=dt.date(2025, 1, 1) if year == "2025" else None, headline="头条")
    disposition = client.get(f"/export/{quote(PAPER)}/{year}.jsonl")["Content-Disposition"]
    fallback = f"paper-{article.newspaper_id}-{year}.jsonl"
    assert disposition == f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(f'{PAPER}-{year}.jsonl')}"
    assert disposition.isascii()


# --- 15. 405, not 403, on every address that only shows -------------------------------------


@pytest.fixture
def site(db) -> dict[str, str]:
    article = make_article(paper=PAPER, date=dt.date(2025, 1, 1), headline="头条", body="正文")
    return {"article": str(article.pk), "page": str(article.page_id), "paper": str(article.newspaper_id)}


READ_ONLY_HTML = [
    "/", "/search", "/articles/{article}/", "/pages/{page}/", "/issues/{page}/", "/counties/", "/papers/",
    "/papers/{paper}/", "/papers/{paper}/2025/", "/papers/{paper}/2025-01-01/", "/export/",
    "/feeds/latest/", "/feeds/search", "/sitemap.xml", "/sitemap-articles.xml", "/robots.txt", "/opensearch.xml",
    f"/export/{quote(PAPER)}/2025.jsonl", "/export/paper-{paper}-2025.jsonl", "/healthz",
]
READ_ONLY_API = ["/api/openapi.json", "/api/articles", "/api/articles/{article}"]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("address", READ_ONLY_HTML + READ_ONLY_API)
def test_a_write_method_on_a_read_only_address_is_405_not_csrf_403(site, address, method):
    url = address.format(**site)
    strict = Client(enforce_csrf_checks=True)  # as a real client: CSRF is checked
    response = getattr(strict, method)(url, data="x=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405, (url, response.status_code)
    assert response["Allow"] == "GET, HEAD"
    if address.startswith("/api/"):
        assert response["Content-Type"] == "application/json"
        assert "POST" not in response.json()["error"] or method == "post"
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "GET, HEAD" in response.content.decode() or "405" in response.content.decode()


def test_the_editors_write_api_still_takes_post(client):
    assert client.post("/api/pages").status_code == 401  # not 405: a token is what it lacks


# --- 14. CORS on the public read API, never on the editors' --------------------------------


def test_the_read_api_is_readable_from_any_origin_in_every_answer(client, site):
    for url, status in (
        ("/api/articles", 200),
        (f"/api/articles/{site['article']}", 200),
        ("/api/articles?page_size=500", 400),
        ("/api/articles/999999", 404),
    ):
        response = client.get(url, HTTP_ORIGIN="https://example.org")
        assert response.status_code == status, url
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert response["Access-Control-Expose-Headers"] == "Retry-After, ETag"
        assert not response.has_header("Access-Control-Allow-Credentials")
    refused = client.post("/api/articles", HTTP_ORIGIN="https://example.org")
    assert refused.status_code == 405 and refused["Access-Control-Allow-Origin"] == "*"
    assert refused["Content-Type"] == "application/json" and refused["Allow"] == "GET, HEAD"
    assert client.get("/api/openapi.json")["Access-Control-Allow-Origin"] == "*"


def test_the_editors_write_api_is_not_opened_to_other_origins(client, site):
    for response in (
        client.post("/api/pages", HTTP_ORIGIN="https://example.org"),
        client.get("/api/pages", HTTP_ORIGIN="https://example.org"),
        client.post(f"/api/pages/{site['page']}/publish", HTTP_ORIGIN="https://example.org"),
    ):
        assert response.status_code in (401, 405)
        assert not response.has_header("Access-Control-Allow-Origin")
    # Nor the site's pages.
    assert not client.get("/").has_header("Access-Control-Allow-Origin")


# --- 9. 429 and 503 as the description says --------------------------------------------------


def _validator(spec: dict, status: str, path: str) -> Draft202012Validator:
    schema = spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": spec["components"]})


def test_the_description_declares_429_and_503_with_retry_after(client):
    spec = client.get("/api/openapi.json").json()
    for path, method in (("/api/articles", "get"), ("/api/articles/{id}", "get"), ("/api/pages", "post")):
        responses = spec["paths"][path][method]["responses"]
        for status in ("429", "503"):
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            assert responses[status]["headers"]["Retry-After"]["required"] is True
    assert "503" in spec["paths"]["/api/pages/{id}/publish"]["post"]["responses"]
    assert "429" not in spec["paths"]["/api/pages/{id}/publish"]["post"]["responses"]  # not limited


def test_a_real_429_of_the_read_api_matches_its_description(client, site, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_USE_CACHE = "default"  # emptied for each test (tests/conftest.py)
    settings.RATE_LIMIT_API = "1/h"
    spec = client.get("/api/openapi.json").json()
    assert client.get("/api/articles").status_code == 200
    response = client.get(f"/api/articles/{site['article']}")
    assert response.status_code == 429
    _validator(spec, "429", "/api/articles/{id}").validate(response.json())
    assert re.fullmatch(spec["paths"]["/api/articles/{id}"]["get"]["responses"]["429"]["headers"]["Retry-After"]["schema"]["pattern"], response["Retry-After"])
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("ETag")  # only a 200 is a version of the resource


def test_a_real_503_of_the_read_api_matches_its_description(client, outage):  # noqa: F811
    spec = {"paths": {"/api/articles": {"get": {"responses": {"503": {"content": {"application/json": {"schema": {
        "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}}}}}, "components": {}}
    response = client.get("/api/articles")
    assert response.status_code == 503
    _validator(spec, "503", "/api/articles").validate(response.json())
    assert response["Retry-After"].isdigit() and response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "*"


# --- 7. conditional GET and Cache-Control -----------------------------------------------------


MACHINE = ["/feeds/latest/", "/sitemap.xml", "/sitemap-articles.xml", "/robots.txt", "/opensearch.xml"]
ALWAYS_ASKED = ["/api/articles", "/api/articles/{article}", "/api/openapi.json", f"/export/{quote(PAPER)}/2025.jsonl"]


@pytest.mark.parametrize("address", MACHINE + ALWAYS_ASKED)
def test_an_unchanged_answer_is_304_without_a_query(client, site, address, django_assert_num_queries):
    url = address.format(**site)
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(0):  # not the view: the generation is in the cache
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        head = client.head(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and head.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == first["Cache-Control"]
    expected = "public, max-age=300" if address in MACHINE else "public, no-cache"
    assert first["Cache-Control"] == expected
    assert "Cookie" in first["Vary"]


def test_a_write_makes_the_old_etag_stale(client, site, django_capture_on_commit_callbacks):
    etags = {url: client.get(url)["ETag"] for url in ("/feeds/latest/", "/api/articles", EXPORT)}
    with django_capture_on_commit_callbacks(execute=True):
        make_article(paper=PAPER, date=dt.date(2025, 2, 2), headline="新的一篇")
    for url, etag in etags.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200, url
        assert response["ETag"] != etag
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "新的一篇" in body.decode(), url


def test_the_etag_follows_the_language(client, site):
    chinese = client.get("/api/openapi.json")["ETag"]
    client.cookies["django_language"] = "en"
    try:
        english = client.get("/api/openapi.json", HTTP_IF_NONE_MATCH=chinese)
        assert english.status_code == 200 and english["ETag"] != chinese
    finally:
        from django.utils import translation

        translation.activate("zh-hans")


@pytest.mark.parametrize("address", ["/feeds/latest/", "/sitemap.xml", "/sitemap-articles.xml", "/api/articles", EXPORT])
def test_if_modified_since_is_304_until_a_write(
    client, site, address, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(caching, "_now", lambda: 1_750_000_000)
    first = client.get(address)
    modified = first["Last-Modified"]
    with django_assert_num_queries(0):
        response = client.get(address, HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 304 and response["Last-Modified"] == modified
    assert client.get(address, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    # If-None-Match wins when both are sent: a stale ETag is a 200 whatever the date says.
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=modified, HTTP_IF_NONE_MATCH='W/"old-zh-hans"').status_code == 200
    # A withdrawal moves neither the feed's newest entry nor the sitemap's day; the write's time it does.
    monkeypatch.setattr(caching, "_now", lambda: 1_750_000_060)
    with django_capture_on_commit_callbacks(execute=True):
        writer.set_status(Page.objects.get(pk=site["page"]), Page.Status.WITHDRAWN)
    after = client.get(address, HTTP_IF_MODIFIED_SINCE=modified)
    if address == EXPORT:
        assert after.status_code == 404  # nothing published left in that year
    else:
        assert after.status_code == 200 and after["Last-Modified"] != modified


@pytest.mark.parametrize("address", ["/", "/search?q=头条", "/articles/{article}/", "/pages/{page}/", "/counties/", "/export/"])
def test_html_pages_are_private_and_asked_for_again(client, site, address):
    response = client.get(address.format(**site))
    assert response.status_code == 200
    # Each carries the reader's own CSRF token and language: no shared cache may keep it.
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")


def test_refusals_are_not_made_cacheable(client, site):
    for url in ("/api/articles/999999", "/api/articles?page_size=500", f"/export/{quote(PAPER)}/1999.jsonl", "/articles/999999/"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert not response.has_header("ETag") and "public" not in response.get("Cache-Control", ""), url


@pytest.mark.django_db
def test_with_a_read_replica_no_validators_are_sent(client, settings):
    # An answer read from a replica a moment behind could carry the generation of a write it does
    # not show yet; 304s would then keep the stale answer until the next write.
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "ETag" not in response and "Last-Modified" not in response
    assert "no-cache" in response["Cache-Control"]


def test_a_cross_origin_revalidation_is_preflighted_and_answered_304(client):
    # A script on another site that asks again with If-None-Match is preflighted; the preflight
    # says what may be sent, and the read that follows is a 304.
    preflight = client.options(
        "/api/articles", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    first = client.get("/api/articles", HTTP_ORIGIN="https://example.org")
    again = client.get("/api/articles", HTTP_ORIGIN="https://example.org", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["Access-Control-Allow-Origin"] == "*"
    # A plain OPTIONS is still the read-only address's 405; the editors' API is never opened.
    assert client.options("/api/articles").status_code == 405
    editors = client.options("/api/pages", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in editors


def test_favicon_ico_leads_to_the_sites_icon_which_every_page_links(client, db):
    # Browsers ask /favicon.ico on every page unless told otherwise: a 404 on each page view.
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")
    assert client.head("/favicon.ico").status_code == 302
    assert '<link rel="icon" type="image/svg+xml" href="' in client.get("/").content.decode()
