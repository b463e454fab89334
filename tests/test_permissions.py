"""Who may do what: every write, editor or admin page and API × anonymous / reader / editor / admin.

One row per endpoint; add a row when you add one. Expected answers, in the order of ``WHO``:
``LOGIN`` is a redirect to /accounts/login/?next=… (a visitor is asked to sign in, never a bare
403), ``ADMIN_LOGIN`` a redirect to the Django admin's sign-in (it admits staff only: admins).
A "reader" is a signed-in user with no role. The API takes tokens only: each user sends their own
token, the visitor none. Whatever is refused (sign-in, 401, 403) writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import writer
from articles.auth import issue_token
from articles.models import ApiToken, Article, Page, PageRevision
from articles.roles import Role
from ingest import corrections
from tests.conftest import SEED_FILES
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
WHO = ("anonymous", "reader", "editor", "admin")


@dataclass
class Pages:
    """The pages a row's URL and data refer to."""

    published: Page  # seed 3, published, with one correction already made (so undo has work)
    draft: Page  # seed 4 uploaded as a draft into the published page's slot ("keep both")
    article: int  # an article of the published page


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    url: str  # formatted with Pages: {published}, {draft}, {article}
    expect: tuple[int | str, int | str, int | str, int | str]
    data: Callable[[Pages], dict] = field(default=lambda pages: {})
    api: bool = False
    done: Callable[[Pages], bool] | None = None  # for a write: did it happen, when allowed?


def seed_file(i: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(SEED_FILES[i].name, SEED_FILES[i].read_bytes(), content_type="text/plain")


def _version(pages: Pages) -> int:
    return pages.published.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def _status(page: Page) -> str | None:
    return Page.objects.filter(pk=page.pk).values_list("status", flat=True).first()


def _one_more_page(pages: Pages) -> bool:
    return Page.objects.count() == 3


def _one_more_revision(pages: Pages) -> bool:
    return pages.published.revisions.count() == 3  # revision 0, the fixture's merge, this one


# fmt: off
ROWS = [
    # Readers' pages stay open; a draft is for editors only.
    Row("front page", "get", "/", (200, 200, 200, 200)),
    Row("published page", "get", "/pages/{published}/", (200, 200, 200, 200)),
    Row("draft page", "get", "/pages/{draft}/", (404, 404, 200, 200)),
    Row("password change", "get", "/accounts/password_change/", (LOGIN, 200, 200, 200)),
    # Everyone's writes: sign in (a wrong password: the form again), sign out, a new password, the language.
    Row("sign in", "post", "/accounts/login/", (200, 200, 200, 200), data=lambda p: {"username": "nobody", "password": "x"}),
    Row("sign out", "post", "/accounts/logout/", (302, 302, 302, 302)),
    Row("password change: save", "post", "/accounts/password_change/", (LOGIN, 302, 302, 302),
        data=lambda p: {"old_password": PASSWORD, "new_password1": "Li-Si-2026-archive", "new_password2": "Li-Si-2026-archive"}),
    Row("language switch", "post", "/i18n/setlang/", (302, 302, 302, 302), data=lambda p: {"language": "en", "next": "/"}),
    # Editors: upload → preview → publish, withdraw, discard, replace, correct the metadata.
    Row("upload form", "get", "/upload/", (LOGIN, 403, 200, 200)),
    Row("upload files", "post", "/upload/", (LOGIN, 403, 302, 302),
        data=lambda p: {"files": [seed_file(0)], "paper": "晋中日报", "date": "2025-06-01", "page": "第2版"},
        done=_one_more_page),
    Row("drafts", "get", "/upload/drafts/", (LOGIN, 403, 200, 200)),
    Row("preview", "get", "/pages/{draft}/preview/", (LOGIN, 403, 200, 200)),
    Row("publish", "post", "/pages/{draft}/publish/", (LOGIN, 403, 302, 302), data=lambda p: {"keep_both": "1"},
        done=lambda p: _status(p.draft) == "published"),
    # The fixture's draft sits in a taken place: left for its preview (302, not published).
    Row("publish drafts", "post", "/upload/drafts/publish/", (LOGIN, 403, 302, 302), data=lambda p: {"pages": [p.draft.pk]},
        done=lambda p: _status(p.draft) == "draft"),
    Row("withdraw", "post", "/pages/{published}/withdraw/", (LOGIN, 403, 302, 302),
        done=lambda p: _status(p.published) == "withdrawn"),
    Row("discard draft", "post", "/pages/{draft}/discard/", (LOGIN, 403, 302, 302),
        done=lambda p: _status(p.draft) is None),
    # The fixture's merge is dropped, confirmed: an admin's to drop, never an editor's (400, nothing written).
    Row("replace page", "post", "/pages/{draft}/replace/", (LOGIN, 403, 400, 302),
        data=lambda p: {"target": p.published.pk, "lost_ok": "1"},
        done=lambda p: _status(p.draft) is None and Page.objects.get(pk=p.published.pk).raw_text == p.draft.raw_text),
    Row("edit paper/date/label", "post", "/pages/{published}/meta/", (LOGIN, 403, 302, 302),
        data=lambda p: {"paper": "运城日报", "date": "2025-07-25", "label": "第4版"},
        done=lambda p: Page.objects.get(pk=p.published.pk).label == "第4版"),
    # Admins: correct splits, history, undo, revert, re-split.
    Row("correction page", "get", "/pages/{published}/correct/", (LOGIN, 403, 403, 200)),
    Row("correct: merge", "post", "/pages/{published}/correct/merge/", (LOGIN, 403, 403, 302),
        data=lambda p: {"version": _version(p), "article": 0}, done=_one_more_revision),
    Row("history", "get", "/pages/{published}/history/", (LOGIN, 403, 403, 200)),
    Row("article history", "get", "/pages/{published}/history/articles/{article}/", (LOGIN, 403, 403, 200)),
    Row("undo", "post", "/pages/{published}/undo/", (LOGIN, 403, 403, 302), data=lambda p: {"version": _version(p)},
        done=_one_more_revision),
    Row("revert", "post", "/pages/{published}/revert/", (LOGIN, 403, 403, 302),
        data=lambda p: {"version": _version(p), "number": 0}, done=_one_more_revision),
    Row("re-split: difference", "get", "/pages/{published}/resplit/", (LOGIN, 403, 403, 200)),
    Row("re-split: apply", "post", "/pages/{published}/resplit/", (LOGIN, 403, 403, 302),
        data=lambda p: {"version": _version(p)}),
    # Scripts (token only).
    Row("API upload", "post", "/api/pages", (401, 403, 201, 201), api=True,
        data=lambda p: {"file": seed_file(0), "paper": "晋中日报", "date": "2025-06-01", "page": "第2版"},
        done=_one_more_page),
    Row("API publish", "post", "/api/pages/{draft}/publish", (401, 403, 200, 200), api=True,
        data=lambda p: {"keep_both": "1"}, done=lambda p: _status(p.draft) == "published"),
    # The Django admin: staff only, which is admins.
    Row("admin index", "get", "/admin/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    Row("admin: pages", "get", "/admin/articles/page/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    Row("admin: a page", "get", "/admin/articles/page/{published}/change/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    Row("admin: articles", "get", "/admin/articles/article/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    # Articles come from splitting a page, never from "add" (which used to crash).
    Row("admin: add article", "get", "/admin/articles/article/add/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403)),
    Row("admin: users", "get", "/admin/auth/user/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    Row("admin: add user", "get", "/admin/auth/user/add/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    Row("admin: groups", "get", "/admin/auth/group/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    Row("admin: lockouts", "get", "/admin/axes/accessattempt/", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
]
# fmt: on

CASES = [
    pytest.param(row, who, expect, id=f"{row.name}-{who}")
    for row in ROWS
    for who, expect in zip(WHO, row.expect, strict=True)
]


@pytest.fixture
def users():
    return {
        "anonymous": None,
        "reader": make_user("reader"),
        "editor": make_user("editor", role=Role.EDITOR),
        "admin": make_user("admin", role=Role.ADMIN),
    }


@pytest.fixture
def pages(users, counties) -> Pages:
    slot = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版", prefecture_code="1408")
    published = writer.ingest_file(
        SEED_FILES[3].name, SEED_FILES[3].read_bytes(), slot, status=Page.Status.PUBLISHED
    ).page
    draft = writer.ingest_file(
        SEED_FILES[4].name, SEED_FILES[4].read_bytes(), slot, status=Page.Status.DRAFT, user=users["editor"], same_slot="keep"
    ).page
    assert published and draft and published.issue_id == draft.issue_id
    source = corrections.source_lines(published.raw_text)
    merged = corrections.merge_with_next(writer.load_state(published), 0, source=source)
    writer.apply_state(published, merged, user=users["admin"], action=PageRevision.Action.CORRECT, summary="test")
    return Pages(published=published, draft=draft, article=published.articles.order_by("position").first().pk)


def snapshot() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(Page.objects.order_by("pk").values_list("pk", "status", "label", "issue_id", "sha256")),
        list(Article.objects.order_by("pk").values_list("pk", "page_id", "position", "headline", "lines", "visible")),
        PageRevision.objects.count(),
    )


@pytest.mark.parametrize(("row", "who", "expect"), CASES)
def test_permissions(client, users, pages, row: Row, who: str, expect: int | str):
    user = users[who]
    extra = {}
    if row.api:
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Token {issue_token(user)}"
    elif user is not None:
        client.force_login(user)
    url = row.url.format(published=pages.published.pk, draft=pages.draft.pk, article=pages.article)
    before = snapshot()
    if row.method == "get":
        response = client.get(url, **extra)
    else:
        response = client.post(url, row.data(pages), **extra)
    if expect == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/")
    elif expect == ADMIN_LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expect, response.content.decode()[:500]
    if expect in (LOGIN, ADMIN_LOGIN, 400, 401, 403):
        assert snapshot() == before
    elif row.done is not None:
        assert row.done(pages), f"{row.name}: answered {response.status_code} but did not happen"
    if expect == 403 and not row.api:
        assert "没有权限" in response.content.decode()  # the site's 403 page, saying why


def test_a_session_never_stands_in_for_a_token(client, users, pages):
    # The API is exempt from CSRF because it ignores cookies: a signed-in editor's browser cannot
    # be made to upload by another site.
    client.force_login(users["editor"])
    before = snapshot()
    assert client.post("/api/pages", {"file": seed_file(0), "paper": "晋中日报"}).status_code == 401
    assert client.post(f"/api/pages/{pages.draft.pk}/publish").status_code == 401
    assert snapshot() == before
    assert not ApiToken.objects.exists()


def test_every_guarded_address_has_a_row():
    """An address guarded by a role (``role_required``, the API's ``token_required``) needs a row."""
    from django.urls import get_resolver, resolve

    guarded = {
        p.name for p in get_resolver().url_patterns if getattr(getattr(p, "callback", None), "required_perm", None)
    }
    covered = {resolve(row.url.format(published=1, draft=2, article=3)).url_name for row in ROWS}
    assert {"upload", "page-correct", "api-pages"} <= guarded
    assert guarded - covered == set()


def test_every_address_that_takes_a_post_has_a_row(client, counties):
    """Every write address is in the matrix: an address not answering a reader's POST with 405
    has a POST row (the Django admin, all staff-only, is its own matrix above). Signed in, so that
    a page that is only signed-in users' (the password changed page) answers for its method."""
    from django.urls import URLPattern, get_resolver, resolve, reverse
    from django.urls.converters import IntConverter, SlugConverter

    def sample(converter) -> object:
        return 1 if isinstance(converter, IntConverter) else "merge" if isinstance(converter, SlugConverter) else "x"

    reader = make_user("reader")
    writes = set()
    for p in get_resolver().url_patterns:
        if not isinstance(p, URLPattern):
            continue  # admin/
        client.force_login(reader)  # again after sign-out
        url = reverse(p.name, kwargs={name: sample(c) for name, c in p.pattern.converters.items()})
        if client.post(url).status_code != 405:
            writes.add(p.name)
    posted = {resolve(row.url.format(published=1, draft=2, article=3)).url_name for row in ROWS if row.method == "post"}
    assert {"upload", "page-correct-action", "api-pages", "set_language", "login", "logout"} <= writes
    assert writes - posted == set()
