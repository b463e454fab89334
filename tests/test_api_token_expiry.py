"""API keys stop working API_TOKEN_DAYS after they were made (0: never), with a 401 that says so
and how to get a new one; the admin and ``manage.py apitoken`` show when a key expires."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.auth import issue_token
from articles.models import ApiToken
from articles.roles import Role
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db

PUBLISH = "/api/pages/999999/publish"  # no such page: 404 once the key is accepted


def made_days_ago(user, days: int) -> None:
    ApiToken.objects.filter(user=user).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_a_key_past_its_days_is_refused_with_the_day_it_expired(client, settings):
    settings.API_TOKEN_DAYS = 30
    editor = make_user("ed", role=Role.EDITOR)
    key = issue_token(editor)
    assert client.post(PUBLISH, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404
    made_days_ago(editor, 31)
    ApiToken.objects.update(last_used_at=None)
    response = client.post(PUBLISH, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Token realm="api"'
    expired_on = timezone.localtime(ApiToken.objects.get().expires_at).date().isoformat()
    error = response.json()["error"]
    assert expired_on in error and "--rotate" in error and "ed" not in error.replace("manage.py", "")
    assert ApiToken.objects.get().last_used_at is None  # a refused key is not "used"


def test_a_rotated_key_works_again(client, settings):
    settings.API_TOKEN_DAYS = 30
    editor = make_user("ed", role=Role.EDITOR)
    issue_token(editor)
    made_days_ago(editor, 400)
    key = issue_token(editor, rotate=True)
    assert client.post(PUBLISH, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404


def test_with_zero_days_a_key_never_expires(client, settings):
    settings.API_TOKEN_DAYS = 0
    editor = make_user("ed", role=Role.EDITOR)
    key = issue_token(editor)
    made_days_ago(editor, 5000)
    assert ApiToken.objects.get().expires_at is None
    assert client.post(PUBLISH, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404


def test_the_expired_message_is_translated(client, settings):
    settings.API_TOKEN_DAYS = 1
    editor = make_user("ed", role=Role.EDITOR)
    key = issue_token(editor)
    made_days_ago(editor, 2)
    client.cookies["django_language"] = "en"  # the footer's switch; Accept-Language is not read
    response = client.post(PUBLISH, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.json()["error"].startswith("This API token expired on ")


def test_apitoken_says_until_when_the_key_works(settings):
    settings.API_TOKEN_DAYS = 10
    make_user("bot", role=Role.EDITOR)
    out, err = StringIO(), StringIO()
    call_command("apitoken", "bot", stdout=out, stderr=err)
    until = (timezone.localtime() + dt.timedelta(days=10)).date().isoformat()
    assert f"valid until {until}" in err.getvalue()
    assert "\n" not in out.getvalue().strip()  # the key alone on stdout


def test_the_admin_lists_when_each_key_expires(settings):
    settings.API_TOKEN_DAYS = 10
    fresh, old = make_user("fresh", role=Role.EDITOR), make_user("old", role=Role.EDITOR)
    issue_token(fresh), issue_token(old)
    made_days_ago(old, 11)
    html = signed_in("adm", Role.ADMIN).get("/admin/articles/apitoken/").content.decode()
    assert (timezone.localtime() + dt.timedelta(days=10)).date().isoformat() in html
    assert "（已过期）" in html
