"""A database outage: every request answers 503 in the site's style with Retry-After (JSON under
/api/), and the site recovers by itself when the database is back.

The outage is real: the connection is pointed at a port where nothing listens, so psycopg's own
"connection refused" reaches the views."""

from __future__ import annotations

import json
import socket

import pytest
from django.db import connections

from tests.test_error_pages import in_site_style


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free once closed: nothing listens there


class Outage:
    """The default connection pointed at a closed port until ``end()``."""

    def __init__(self) -> None:
        self.connection = connections["default"]
        self.saved = dict(self.connection.settings_dict)

    def start(self) -> None:
        self.connection.close()
        self.connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))

    def end(self) -> None:
        self.connection.close()
        self.connection.settings_dict.clear()
        self.connection.settings_dict.update(self.saved)


@pytest.fixture
def outage(django_db_blocker, settings):
    settings.DEBUG = False
    with django_db_blocker.unblock():
        outage = Outage()
        outage.start()
        try:
            yield outage
        finally:
            outage.end()


@pytest.fixture
def english(client, settings):
    """The reader's language cookie set to English. LanguageCookieMiddleware leaves the language
    active on the thread after the response, so it is put back for the tests that follow."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_page_in_the_outage_is_the_site_503_with_retry_after(client, outage, settings):
    response = client.get("/search", {"q": "农业"})
    text = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    in_site_style(text)
    assert "暂时无法访问" in text and f"请 {settings.OUTAGE_RETRY_AFTER_SECONDS} 秒后再试" in text
    assert "Server Error" not in text and "OperationalError" not in text and "127.0.0.1" not in text


@pytest.mark.parametrize("path", ["/", "/counties/", "/papers/", "/articles/1/", "/upload/", "/api/articles/1"])
def test_every_page_is_503_not_500(client, outage, path):
    client.cookies["sessionid"] = "a" * 32  # a signed-in visitor: their session is in the database too
    response = client.get(path)
    assert response.status_code == 503
    assert response.has_header("Retry-After")


def test_the_api_in_the_outage_is_json_503(client, outage):
    response = client.get("/api/articles", {"q": "农业"})
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.has_header("Retry-After")
    raw = response.content.decode("utf-8")
    assert "数据库暂时无法访问" in raw  # UTF-8, not \\u-escaped
    assert json.loads(raw) == {"error": "数据库暂时无法访问，请稍后再试"}  # the API's Error shape


def test_a_bug_is_still_a_500(client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.urls_boom"
    failing = type(client)(raise_request_exception=False)
    assert failing.get("/boom/").status_code == 500


@pytest.mark.django_db(transaction=True)  # no test transaction: the outage closes the connection
def test_the_site_recovers_by_itself_when_the_database_is_back(client, outage):
    assert client.get("/healthz").status_code == 503
    assert client.get("/search", {"q": "农业"}).status_code == 503
    outage.end()  # the database is back; nothing restarted
    assert client.get("/healthz").status_code == 200
    assert client.get("/search", {"q": "农业"}).status_code == 200


def test_the_outage_page_follows_the_readers_language(client, english, outage, settings):
    text = client.get("/search", {"q": "x"}).content.decode()
    assert '<html lang="en">' in text and "Temporarily unavailable" in text
    assert f"try again in {settings.OUTAGE_RETRY_AFTER_SECONDS} seconds" in text


def test_an_outage_outside_a_view_is_the_503_too(rf):
    # A failure in a middleware (a session saved after the view) reaches handler500 instead.
    from django.db import OperationalError

    from articles.machine_views import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        page, api = server_error(rf.get("/search")), server_error(rf.get("/api/articles"))
    assert page.status_code == api.status_code == 503
    assert page.has_header("Retry-After") and "暂时无法访问" in page.content.decode()
    assert api["Content-Type"].startswith("application/json")
