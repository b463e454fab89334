"""Per-client rate limits on search, the JSON API and uploads: 429 with Retry-After and a clear
message (articles/ratelimits.py). Off in the other tests; on here."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from archive.env import env_rate
from articles.auth import issue_token
from articles.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_USE_CACHE = "default"  # the tests' own, emptied for each test (tests/conftest.py)
    # Per hour, not per minute: the windows are fixed, and on a loaded machine four searches
    # could straddle a minute's end and find the count reset.
    settings.RATE_LIMIT_SEARCH = "3/h"
    settings.RATE_LIMIT_API = "2/h"
    settings.RATE_LIMIT_UPLOAD = "1/h"


@pytest.fixture
def english(client, settings):
    """The reader's language cookie set to English. LanguageCookieMiddleware leaves the language
    active on the thread after the response, so it is put back for the tests that follow."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_search_over_the_limit_is_429_with_retry_after_and_a_message(client):
    for _ in range(3):
        assert client.get("/search", {"q": "农业"}).status_code == 200
    response = client.get("/search", {"q": "农业"})
    text = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "请求太频繁" in text and "每小时 3 次" in text and f"请 {response['Retry-After']} 秒后再试" in text
    assert '<header class="site-header">' in text


def test_a_searchs_feed_counts_against_the_same_limit(client):
    # The feed runs the same search: without the limit it was a way round it.
    for _ in range(2):
        assert client.get("/search", {"q": "农业"}).status_code == 200
    assert client.get("/feeds/search", {"q": "农业"}).status_code == 200
    assert client.get("/feeds/search", {"q": "农业"}).status_code == 429
    assert client.get("/search", {"q": "农业"}).status_code == 429


def test_another_client_is_not_limited(client):
    for _ in range(4):
        client.get("/search", {"q": "农业"})
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.get("/search", {"q": "农业"}).status_code == 200


def test_the_api_over_the_limit_is_json_429(client):
    for _ in range(2):
        assert client.get("/api/articles", {"q": "农业"}).status_code == 200
    response = client.get("/api/articles/1")
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert response["Content-Type"].startswith("application/json")
    assert "请求太频繁" in response.content.decode("utf-8")  # UTF-8, not \\u-escaped


def test_uploads_are_limited_per_account(client):
    key = issue_token(make_user("editor", role=Role.EDITOR))
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.post("/api/pages", {"paper": "x"}, **auth).status_code == 400  # counted, then refused by the form
    response = client.post("/api/pages", {"paper": "x"}, **auth)
    assert response.status_code == 429 and "每小时 1 次" in response.json()["error"]
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_the_upload_form_is_limited_on_post_only(client):
    client.force_login(make_user("editor", role=Role.EDITOR))
    assert client.post("/upload/", {"paper": "x"}).status_code == 200
    assert client.post("/upload/", {"paper": "x"}).status_code == 429
    assert client.get("/upload/").status_code == 200


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(client, settings):
    settings.BEHIND_PROXY = True
    for _ in range(3):
        client.get("/search", headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    # A new claimed address on the left does not make a new client.
    assert client.get("/search", headers={"X-Forwarded-For": "5.6.7.8, 203.0.113.9"}).status_code == 429
    assert client.get("/search", headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 200


def test_limits_can_be_turned_off(client, settings):
    settings.RATELIMIT_ENABLE = False
    assert all(client.get("/search").status_code == 200 for _ in range(5))


def test_a_bad_rate_stops_start_up(monkeypatch):
    monkeypatch.setenv("X_RATE", "60 per minute")
    with pytest.raises(ImproperlyConfigured, match="X_RATE"):
        env_rate("X_RATE", "1/m")
    monkeypatch.setenv("X_RATE", "10/5m")
    assert env_rate("X_RATE", "1/m") == "10/5m"


def test_the_refusal_is_english_once_chosen(client, english):
    for _ in range(3):
        client.get("/search")
    text = client.get("/search").content.decode()
    assert "Too many requests: at most 3 per hour from one user or address." in text
