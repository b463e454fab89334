"""Uploads over the size limit are refused on their declared Content-Length, before the body is
read; anonymous uploads are sent away before it is read too (articles/upload_limits.py).

The test client's body is a FakePayload that fails loudly when read past its end: a request that
declares far more than it carries proves, by answering at all, that nobody read its body."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.auth import issue_token
from articles.models import Page
from articles.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

BOUNDARY = "limit-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
SMALL_BODY = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"paper\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode()


def declared(client: Client, path: str, length: int, **extra):
    """A POST that declares ``length`` bytes but carries a few: reading its body would fail."""
    return client.generic("POST", path, SMALL_BODY, content_type=MULTIPART, CONTENT_LENGTH=str(length), **extra)


@pytest.fixture
def limit(settings) -> int:
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024
    return settings.UPLOAD_MAX_REQUEST_BYTES


@pytest.fixture
def english(client, settings):
    """The reader's language cookie set to English. LanguageCookieMiddleware leaves the language
    active on the thread after the response, so it is put back for the tests that follow."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_an_editors_upload_over_the_limit_is_413_with_the_limit(client, limit):
    client.force_login(make_user("editor", role=Role.EDITOR))
    response = declared(client, "/upload/", 50 * 1024 * 1024)
    text = response.content.decode()
    assert response.status_code == 413
    assert "50.0\xa0MB" in text and "1.0\xa0MB" in text and "请分批上传" in text
    assert '<header class="site-header">' in text
    assert not Page.objects.exists()


def test_the_limit_holds_with_csrf_enforced(limit):
    # CsrfViewMiddleware reads request.POST for its token: the refusal must come first.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("editor", role=Role.EDITOR))
    strict.get("/upload/")  # the CSRF cookie, as a browser has it
    assert declared(strict, "/upload/", 50 * 1024 * 1024).status_code == 413


def test_anonymous_upload_is_sent_to_sign_in_without_reading_the_body(limit):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/")
    response = declared(strict, "/upload/", 50 * 1024 * 1024)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/upload/"
    response = declared(strict, "/upload/", 1000)
    assert response.status_code == 302


def test_the_api_over_the_limit_is_json_413(client, limit):
    key = issue_token(make_user("editor", role=Role.EDITOR))
    response = declared(client, "/api/pages", 50 * 1024 * 1024, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    raw = response.content.decode("utf-8")
    assert "超过一次上传" in raw and "1.0\xa0MB" in raw  # UTF-8, not \\u-escaped
    assert not Page.objects.exists()


def test_the_api_without_a_token_is_401_without_reading_the_body(client, limit):
    response = declared(client, "/api/pages", 1000)
    assert response.status_code == 401 and response.has_header("WWW-Authenticate")


def test_an_upload_under_the_limit_goes_on_to_the_form(client, limit):
    client.force_login(make_user("editor", role=Role.EDITOR))
    response = client.post("/upload/", {"paper": "运城日报"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_other_posts_are_not_bounded_by_the_upload_limit(client, limit):
    # Only the upload views: a large sign-in form is Django's (DATA_UPLOAD_MAX_MEMORY_SIZE) to bound.
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200


def test_djangos_own_bounds_sit_within_the_request_limit(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.UPLOAD_MAX_REQUEST_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.INGEST_MAX_FILE_BYTES
    assert settings.UPLOAD_MAX_REQUEST_BYTES > settings.INGEST_MAX_FILE_BYTES
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES > settings.UPLOAD_MAX_FILES


def test_the_refusal_is_english_once_chosen(client, english, limit):
    client.force_login(make_user("editor", role=Role.EDITOR))
    text = declared(client, "/upload/", 50 * 1024 * 1024).content.decode()
    assert "over the limit of 1.0\xa0MB for one upload" in text
