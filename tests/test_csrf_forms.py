"""CSRF on every form: each POST form the site renders carries its token, and a POST without one to
any write address is refused with the site's 403 page (templates/403_csrf.html), writing nothing.

The forms are found in the pages as each role sees them; the write addresses are every route that
does not answer POST with 405 (tests/test_permissions.py ``test_every_address_refuses_post_or_has_a_row``
keeps that list and the matrix in step). The JSON write API takes no cookie, so it needs no token
(tests/test_permissions.py ``test_a_session_never_stands_in_for_a_token``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve

from articles import writer
from articles.models import Article, Page, PageRevision
from articles.roles import Role
from ingest import corrections
from tests.conftest import SEED_FILES
from tests.factories import PASSWORD, make_article, make_user

pytestmark = pytest.mark.django_db

TOKEN = "csrfmiddlewaretoken"
REFUSED = "这个表单的安全校验没有通过，所以什么也没有保存"  # templates/403_csrf.html


@dataclass
class PostForm:
    page: str  # where it was found
    action: str
    fields: dict[str, str]


class FormFinder(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[PostForm] = []
        self._open: PostForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            # No action: the form posts to its own page.
            self._open = PostForm(self.page, values.get("action") or self.page, {})
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and values.get("name"):
            self._open.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def post_forms(client: Client, url: str) -> list[PostForm]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    finder = FormFinder(url)
    finder.feed(response.content.decode())
    return finder.forms


@dataclass
class Site:
    published: Page
    draft: Page
    article: Article
    editor: User
    admin: User


@pytest.fixture
def site(counties) -> Site:
    """A published page with one correction made (so history has a revision to revert) and an
    article without lines (so the correction page offers to delete it and a re-split differs), and a
    draft of another file in its slot (so the preview offers replace and keep both)."""
    editor = make_user("editor", role=Role.EDITOR)
    admin = make_user("admin", role=Role.ADMIN)
    slot = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版", prefecture_code="1408")
    published = writer.ingest_file(SEED_FILES[3].name, SEED_FILES[3].read_bytes(), slot, status=Page.Status.PUBLISHED).page
    draft = writer.ingest_file(
        SEED_FILES[4].name, SEED_FILES[4].read_bytes(), slot, status=Page.Status.DRAFT, user=editor, same_slot="keep"
    ).page
    merged = corrections.merge_with_next(writer.load_state(published), 0, source=corrections.source_lines(published.raw_text))
    writer.apply_state(published, merged, user=admin, action=PageRevision.Action.CORRECT, summary="test")
    make_article(page=published)
    article = published.articles.order_by("position").first()
    return Site(published=published, draft=draft, article=article, editor=editor, admin=admin)


def pages_with_forms(site: Site) -> dict[str, list[str]]:
    """Who sees which pages with POST forms."""
    pub, draft = site.published.pk, site.draft.pk
    return {
        "anonymous": ["/", "/accounts/login/", "/admin/login/"],
        "editor": ["/", "/upload/", "/upload/drafts/", f"/pages/{draft}/preview/", f"/pages/{pub}/preview/", "/accounts/password_change/"],
        "admin": [
            # the replace drops the fixture's correction: offered to an admin only
            f"/pages/{draft}/preview/",
            f"/pages/{pub}/correct/", f"/pages/{pub}/history/", f"/pages/{pub}/history/articles/{site.article.pk}/",
            f"/pages/{pub}/resplit/", "/admin/", f"/admin/articles/page/{pub}/change/", "/admin/auth/user/add/",
        ],
    }


def clients(site: Site, **options) -> dict[str, Client]:
    out = {"anonymous": Client(**options), "editor": Client(**options), "admin": Client(**options)}
    out["editor"].force_login(site.editor)
    out["admin"].force_login(site.admin)
    return out


def _route(action: str) -> str:
    try:
        match = resolve(urlsplit(action).path)
    except Resolver404:
        return f"unresolved {action}"
    return f"admin:{match.url_name}" if match.namespace == "admin" else match.url_name + "".join(
        f"/{v}" for k, v in match.kwargs.items() if k == "action"
    )


def test_every_post_form_carries_its_csrf_token(site):
    found: dict[str, list[str]] = {}
    missing = []
    for who, client in clients(site).items():
        for url in pages_with_forms(site)[who]:
            for form in post_forms(client, url):
                found.setdefault(_route(form.action), []).append(url)
                if len(form.fields.get(TOKEN, "")) < 32:
                    missing.append((who, url, form.action))
    assert missing == []
    # Every write form of the site was seen (so the check above covered it).
    assert set(found) >= {
        "login", "logout", "set_language", "password_change", "upload", "drafts-publish", "page-publish", "page-withdraw",
        "page-discard", "page-replace", "page-meta", "page-undo", "page-revert", "page-resplit",
        *(f"page-correct-action/{a}" for a in ("lines", "edit", "counties", "merge", "reorder", "delete")),
        "admin:login", "admin:logout", "admin:articles_page_change", "admin:auth_user_add",
    }, found


def snapshot() -> tuple:
    """What a refused POST must leave as it was."""
    return (
        list(Page.objects.order_by("pk").values_list("pk", "status", "label", "issue_id", "sha256", "raw_text")),
        list(Article.objects.order_by("pk").values_list("pk", "page_id", "position", "headline", "lines", "visible")),
        PageRevision.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "username", "password", "is_staff", "last_login")),
    )


def write_requests(site: Site) -> list[tuple[str, str, dict]]:
    """(who, url, data) for every write address, as its form would send it (less the token)."""
    pub, draft = site.published.pk, site.draft.pk
    version = site.published.revisions.order_by("-number").values_list("number", flat=True).first()
    upload = SimpleUploadedFile(SEED_FILES[0].name, SEED_FILES[0].read_bytes(), content_type="text/plain")
    correct = [
        (f"/pages/{pub}/correct/{action}/", {"version": version, "article": 0, **data})
        for action, data in (
            ("merge", {}), ("delete", {}), ("reorder", {"direction": "down"}), ("edit", {"headline": "改过的标题"}),
            ("counties", {"counties": "140781"}), ("lines", {"lines": "1", "to": "new"}),
        )
    ]
    return [
        ("anonymous", "/accounts/login/", {"username": "editor", "password": PASSWORD}),
        ("anonymous", "/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}),
        ("editor", "/i18n/setlang/", {"language": "en", "next": "/"}),
        ("editor", "/accounts/logout/", {}),
        ("editor", "/accounts/password_change/",
         {"old_password": PASSWORD, "new_password1": "Li-Si-2026-archive", "new_password2": "Li-Si-2026-archive"}),
        ("editor", "/upload/", {"files": [upload], "paper": "晋中日报", "date": "2025-06-01", "page": "第2版"}),
        ("editor", "/upload/drafts/publish/", {"pages": [draft]}),
        ("editor", f"/pages/{draft}/publish/", {"keep_both": "1"}),
        ("editor", f"/pages/{pub}/withdraw/", {}),
        ("editor", f"/pages/{draft}/discard/", {}),
        ("editor", f"/pages/{draft}/replace/", {"target": pub}),
        ("editor", f"/pages/{pub}/meta/", {"paper": "运城日报", "date": "2025-07-25", "label": "第4版"}),
        *(("admin", url, data) for url, data in correct),
        ("admin", f"/pages/{pub}/undo/", {"version": version}),
        ("admin", f"/pages/{pub}/revert/", {"version": version, "number": 0}),
        ("admin", f"/pages/{pub}/resplit/", {"version": version}),
        ("admin", "/admin/logout/", {}),
        ("admin", f"/admin/articles/page/{pub}/change/", {"label": "第5版"}),
        ("admin", "/admin/auth/user/add/", {"username": "wang", "password1": "Wang-Wu-2026-x", "password2": "Wang-Wu-2026-x"}),
    ]


def test_a_post_without_the_token_is_refused_and_writes_nothing(site):
    strict = clients(site, enforce_csrf_checks=True)
    for who, url, data in write_requests(site):
        before = snapshot()
        response = strict[who].post(url, data)
        assert response.status_code == 403, (url, response.status_code)
        assert REFUSED in response.content.decode(), url  # the site's page, in its style
        assert snapshot() == before, url
        assert "django_language" not in response.cookies and "sessionid" not in response.cookies, url
    # Still signed in: the refused sign-out did nothing.
    assert strict["editor"].get("/upload/").status_code == 200


def test_a_wrong_token_is_refused_like_none(site):
    client = clients(site, enforce_csrf_checks=True)["editor"]
    client.get("/upload/")  # sets the CSRF cookie
    before = snapshot()
    response = client.post(f"/pages/{site.published.pk}/withdraw/", {TOKEN: "x" * 64})
    assert response.status_code == 403 and REFUSED in response.content.decode()
    assert snapshot() == before


def test_the_token_the_form_carries_is_accepted(site):
    """The control: the same strict client, with the form's own token, gets through."""
    client = clients(site, enforce_csrf_checks=True)["editor"]
    form = next(f for f in post_forms(client, f"/pages/{site.published.pk}/preview/") if "withdraw" in f.action)
    response = client.post(form.action, form.fields)
    assert response.status_code == 302
    assert Page.objects.get(pk=site.published.pk).status == Page.Status.WITHDRAWN


def test_the_refusal_follows_the_readers_language(site):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 403
    text = response.content.decode()
    assert REFUSED not in text and 'lang="en"' in text


def test_every_write_address_of_the_matrix_is_tried(site):
    """The permissions matrix lists every address that takes a POST (tests/test_permissions.py
    checks that); each but the token-only API is tried above without its token."""
    from tests.test_permissions import ROWS

    tried = {resolve(urlsplit(url).path).url_name for _, url, _ in write_requests(site)}
    matrix = {resolve(row.url.format(published=1, draft=2, article=3)).url_name for row in ROWS if row.method == "post" and not row.api}
    assert matrix - tried == set()
