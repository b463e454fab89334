"""The Django admin as a review found it (tenth session): an issue's edition not changed behind
the pages' history, no second published copy of a page in its place, a page once published never
made a draft (so never discarded), deleting pages left to the editors' pages, and an admin unable
to make anyone a superuser or to widen the roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from articles import writer
from articles.models import Page
from articles.roles import Role
from tests.conftest import SEED_FILES
from tests.factories import make_user, signed_in
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

Status = Page.Status
META = writer.PageMeta(paper="晋中日报", date=dt.date(2025, 3, 1), label="第1版")


def admin_form(client: Client, url: str, field: str) -> dict[str, list[str]]:
    html = client.get(url).content.decode()
    data = form_as_sent(html, lambda action, fields: any(name == field for name, _ in fields))
    data["_save"] = ["Save"]
    return data


def test_an_issues_edition_is_not_changed_in_the_admin(counties):
    page = writer.ingest_file("a.txt", SEED_FILES[0].read_bytes(), META, status=Status.PUBLISHED).page
    html = signed_in("adm", Role.ADMIN).get(f"/admin/articles/issue/{page.issue_id}/change/").content.decode()
    assert 'name="edition"' not in html  # a page's place changes through its own form, recorded


def test_the_admin_does_not_publish_a_second_copy_of_a_published_page(counties):
    writer.ingest_file("a.txt", SEED_FILES[0].read_bytes(), META, status=Status.PUBLISHED)
    kept = writer.ingest_file("b.txt", SEED_FILES[1].read_bytes(), META, status=Status.DRAFT, same_slot="keep").page
    admin = signed_in("adm", Role.ADMIN)
    data = admin_form(admin, f"/admin/articles/page/{kept.pk}/change/", "label")
    data["status"] = [Status.PUBLISHED]
    response = admin.post(f"/admin/articles/page/{kept.pk}/change/", data)
    assert response.status_code == 200 and "已有一个已发布的版面" in response.content.decode()
    assert Page.objects.get(pk=kept.pk).status == Status.DRAFT


def test_a_page_once_published_is_never_a_draft_again_nor_discarded(counties):
    page = writer.ingest_file("a.txt", SEED_FILES[0].read_bytes(), META, status=Status.PUBLISHED).page
    admin = signed_in("adm", Role.ADMIN)
    html = admin.get(f"/admin/articles/page/{page.pk}/change/").content.decode()
    assert 'value="draft"' not in html and 'value="withdrawn"' in html
    with pytest.raises(ValueError):
        writer.set_status(page, Status.DRAFT)
    writer.set_status(page, Status.WITHDRAWN)
    Page.objects.filter(pk=page.pk).update(status=Status.DRAFT)  # as an older admin form could
    response = signed_in("ed", Role.EDITOR).post(f"/pages/{page.pk}/discard/")
    assert response.status_code == 302 and Page.objects.filter(pk=page.pk).exists()
    with pytest.raises(ValueError):
        writer.discard(page)


def test_pages_are_not_deleted_in_the_admin(counties):
    draft = writer.ingest_file("a.txt", SEED_FILES[0].read_bytes(), META, status=Status.DRAFT).page
    admin = signed_in("adm", Role.ADMIN)
    assert admin.get(f"/admin/articles/page/{draft.pk}/delete/").status_code == 403
    assert "删除草稿" in signed_in("ed", Role.EDITOR).get(f"/pages/{draft.pk}/preview/").content.decode()


def test_an_admin_cannot_make_a_superuser_or_widen_a_role():
    me = make_user("adm", role=Role.ADMIN)
    client = Client()
    client.force_login(me)
    data = admin_form(client, f"/admin/auth/user/{me.pk}/change/", "username")
    data["is_superuser"] = ["on"]
    client.post(f"/admin/auth/user/{me.pk}/change/", data)
    me.refresh_from_db()
    assert not me.is_superuser
    boss = make_user("boss")
    boss.is_superuser = boss.is_staff = True
    boss.save()
    # A superuser's account is shown, not changed: no field to post, no password to set.
    assert 'name="username"' not in client.get(f"/admin/auth/user/{boss.pk}/change/").content.decode()
    assert client.post(f"/admin/auth/user/{boss.pk}/password/", {"password1": "Xy12345678!", "password2": "Xy12345678!"}).status_code == 403
    role = Group.objects.get(name=Role.ADMIN.label)
    html = client.get(f"/admin/auth/group/{role.pk}/change/").content.decode()
    assert 'name="permissions"' not in html


def test_an_admin_revokes_a_scripts_api_key_in_the_admin(client):
    from articles.auth import issue_token
    from articles.models import ApiToken

    key = issue_token(make_user("script-ed", role=Role.EDITOR))
    assert client.post("/api/pages/999999/publish", HTTP_AUTHORIZATION=f"Token {key}").status_code == 404  # accepted
    admin = signed_in("adm", Role.ADMIN)
    token = ApiToken.objects.get()
    listed = admin.get("/admin/articles/apitoken/").content.decode()
    assert "script-ed" in listed and key not in listed
    assert admin.post(f"/admin/articles/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 302
    assert client.post("/api/pages/999999/publish", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert signed_in("ed", Role.EDITOR).get("/admin/articles/apitoken/").status_code == 302  # editors are not staff
