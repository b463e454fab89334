"""Content-Security-Policy (django-csp, ``CONTENT_SECURITY_POLICY`` in archive/settings.py).

Every answer carries the policy, and no page needs an exception from it: no ``<script>`` without
``src``, no ``<style>`` element, no ``style=`` or ``on…=`` attribute, in any template and in the
HTML of every page kind as each role sees it (the Django admin's included). A real browser then
loads a round of pages and reports no ``securitypolicyviolation``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from articles import writer
from articles.models import Article, Newspaper, Page
from articles.roles import Role
from articles.views import issue_url
from ingest.model import County
from tests.browser import CHROMIUM, IN_CI
from tests.conftest import SEED_FILES
from tests.factories import ingest_seeds, make_article, make_user

HEADER = "Content-Security-Policy"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# The browser test's Playwright runs an event loop in this thread; the ORM calls around it are
# plain synchronous setup (as tests/browser.py's require_chromium says for the browser modules).
if CHROMIUM:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")


def directives(response) -> dict[str, list[str]]:
    policy = response[HEADER]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


class InlineFinder(HTMLParser):
    """What a policy without 'unsafe-inline' would block in a page: inline script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # A <script type="application/json"> (the admin's constants) is data, never run.
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            if name in ("href", "src", "action", "formaction") and (_value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_policy_is_strict():
    response = Client().get("/robots.txt")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response[HEADER] and "unsafe-eval" not in response[HEADER]
    # Nothing but default-src widens what loads: scripts, styles, images and fetches are 'self'.
    assert not {"script-src", "style-src", "img-src", "connect-src", "font-src"} & set(policy)


def test_no_template_has_inline_script_or_style():
    """Every template, reachable or not (413, 429, 503 and the includes among them)."""
    problems = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # Template tags are not HTML: {% if %}…{% endif %} inside a tag would confuse the parser.
        found = inline_parts(re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", text, flags=re.S))
        if found:
            problems[str(path.relative_to(TEMPLATES))] = found
    assert problems == {}


@dataclass
class Archive:
    article: Article
    page: Page
    draft: Page
    paper: Newspaper
    editor: object
    admin: object


def build_archive() -> Archive:
    """The seed pages (published), two dated stories for the search page's year chart, a draft."""
    results = ingest_seeds()
    make_article(headline="介休市网格化党建", body="介休网格化党建。", counties=(JIEXIU,), date=dt.date(2023, 5, 1), paper="晋中日报")
    make_article(headline="介休冬季", body="介休下雪。", counties=(JIEXIU,), date=dt.date(2025, 1, 2), paper="晋中日报")
    editor = make_user("editor", role=Role.EDITOR)
    admin = make_user("admin", role=Role.ADMIN)
    slot = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第9版", prefecture_code="1408")
    text = SEED_FILES[4].read_bytes() + "\n本报讯 草稿多出的一段。\n".encode()
    draft = writer.ingest_file("draft.txt", text, slot, status=Page.Status.DRAFT, user=editor).page
    page = results[3].page
    article = page.articles.order_by("position").first()
    return Archive(article=article, page=page, draft=draft, paper=page.issue.newspaper, editor=editor, admin=admin)


STATUS = {"search, a bad parameter": 400, "404": 404, "403 (an admin's page)": 403}


def reader_pages(a: Archive) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/search?q=介休",
        "search, nothing found": "/search?q=没有这样的词语",
        "search, a bad parameter": "/search?page=abc",
        "article": f"/articles/{a.article.pk}/",
        "article with hits": f"/articles/{a.article.pk}/?q=绛县",
        "page": f"/pages/{a.page.pk}/",
        "counties": "/counties/",
        "county": "/counties/介休市/",
        "papers": "/papers/",
        "paper calendar": f"/papers/{a.paper.pk}/",
        "issue": issue_url(a.paper.pk, a.page.issue.date),
        "exports": "/export/",
        "sign-in": "/accounts/login/",
        "404": "/nothing-here/",
    }


def editor_pages(a: Archive) -> dict[str, str]:
    return {
        "upload": "/upload/",
        "drafts": "/upload/drafts/",
        "preview": f"/pages/{a.draft.pk}/preview/",
        "draft page": f"/pages/{a.draft.pk}/",
        "password change": "/accounts/password_change/",
        "403 (an admin's page)": f"/pages/{a.page.pk}/correct/",
    }


def admin_pages(a: Archive) -> dict[str, str]:
    return {
        "correction page": f"/pages/{a.page.pk}/correct/",
        "history": f"/pages/{a.page.pk}/history/",
        "article history": f"/pages/{a.page.pk}/history/articles/{a.article.pk}/",
        "re-split": f"/pages/{a.page.pk}/resplit/",
        "admin index": "/admin/",
        "admin: pages": "/admin/articles/page/",
        "admin: a page": f"/admin/articles/page/{a.page.pk}/change/",
        "admin: articles": "/admin/articles/article/",
        "admin: an article": f"/admin/articles/article/{a.article.pk}/change/",
        "admin: users": "/admin/auth/user/",
        "admin: add user": "/admin/auth/user/add/",
        "admin: lockouts": "/admin/axes/accessattempt/",
    }


@pytest.mark.django_db
def test_every_page_kind_carries_the_policy_and_nothing_inline():
    archive = build_archive()
    clients = {"reader": Client(), "editor": Client(), "admin": Client()}
    clients["editor"].force_login(archive.editor)
    clients["admin"].force_login(archive.admin)
    problems = {}
    for who, pages in (("reader", reader_pages), ("editor", editor_pages), ("admin", admin_pages)):
        for name, url in pages(archive).items():
            response = clients[who].get(url)
            assert response.status_code == STATUS.get(name, 200), (name, response.status_code)
            assert response["Content-Type"].startswith("text/html"), name
            assert HEADER in response, name
            found = inline_parts(response.content.decode())
            if found:
                problems[f"{name} ({who}, {url})"] = found
            if name == "admin: an article":  # its counties are Select2 widgets: the admin's most script
                assert "admin-autocomplete" in response.content.decode()
            if name == "search":
                assert "<svg" in response.content.decode()  # the year chart, drawn under the policy
    # The admin's login page, in English too (Django's own strings).
    for language in ("zh-hans", "en"):
        client = Client()
        client.cookies["django_language"] = language
        response = client.get("/admin/login/")
        assert HEADER in response and not inline_parts(response.content.decode())
    assert problems == {}


@pytest.mark.django_db
def test_error_pages_carry_the_policy(settings, counties):
    settings.ROOT_URLCONF = "tests.urls_boom"
    client = Client(raise_request_exception=False)
    for url, status in (("/boom/", 500), ("/api/boom", 500), ("/nothing/", 404), ("/api/nothing", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert HEADER in response, url
        assert not inline_parts(response.content.decode())
    # 400: a host not allowed; 403: a POST without its CSRF token (templates/403_csrf.html).
    bad_host = Client().get("/", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400 and HEADER in bad_host
    refused = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en"})
    assert refused.status_code == 403 and HEADER in refused
    assert not inline_parts(refused.content.decode())


@pytest.mark.django_db
def test_api_feeds_and_machine_answers_carry_the_policy(seeds):
    client = Client()
    article = Article.objects.first()
    for url in (
        "/api/articles?q=介休", f"/api/articles/{article.pk}", "/api/articles/999999", "/api/openapi.json",
        "/healthz", "/feeds/latest/", "/sitemap.xml", "/robots.txt", "/opensearch.xml",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert HEADER in response, url
    assert HEADER in client.post("/api/pages")  # 401 from the token check


@pytest.mark.django_db
def test_a_kept_page_carries_the_policy_too(settings, seeds):
    """Pages kept for anonymous readers (articles/page_cache.py) get the header as they are served."""
    settings.PAGE_CACHE_SECONDS = 600
    for _ in range(2):
        response = Client().get("/counties/")
        assert response.status_code == 200 and HEADER in response


# --- In a real browser: nothing blocked ------------------------------------------------------

# Collects every violation of the page's policy (the listener is installed by Playwright before any
# of the page's own content runs; the policy does not apply to it).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _signed_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not CHROMIUM and not IN_CI, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_a_browser_reports_no_policy_violation(browser, live_server):
    archive = build_archive()
    rounds = (
        (None, reader_pages(archive)),
        (archive.editor, editor_pages(archive)),
        (archive.admin, admin_pages(archive)),
    )
    violations = {}
    console = []
    for user, pages in rounds:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        try:
            if user is not None:
                _signed_in(context, live_server, user)
            context.add_init_script(LISTEN)
            tab = context.new_page()
            tab.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
            for name, url in pages.items():
                tab.goto(url)
                tab.wait_for_load_state("load")
                if name == "admin: an article":
                    # The county field is Select2 (autocomplete): open it, so its script draws.
                    tab.locator(".select2-selection").first.click()
                    tab.wait_for_selector(".select2-dropdown")
                found = tab.evaluate("window.__violations")
                if found:
                    violations[name] = found
                # Every stylesheet applied: a blocked one would leave the page unstyled.
                assert tab.evaluate("document.styleSheets.length") >= 1, name
        finally:
            context.close()
    assert violations == {} and console == []
