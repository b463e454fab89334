"""Chinese by default, English by the reader's choice (the footer's switch); groundwork for issue 11."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_chinese_whatever_the_browser_says(client, counties):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "Cookie" in response["Vary"]
    text = response.content.decode()
    assert '<span aria-current="true">中文</span>' in text
    assert 'name="language" value="en"' in text


def test_the_switch_sets_english_and_comes_back(client, counties):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/search?q=介休"})
    assert response.status_code == 302 and response["Location"] == "/search?q=%E4%BB%8B%E4%BC%91"
    assert response.cookies["django_language"].value == "en"
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 3600  # kept, not for one visit
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert '<span aria-current="true">English</span>' in page.content.decode()
    # Django's own messages follow the choice.
    assert "This field is required." in client.post("/accounts/login/", {}).content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_the_switch_never_redirects_off_site_nor_takes_an_unknown_language(client, counties):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    client.cookies["django_language"] = "fr"
    assert client.get("/")["Content-Language"] == "zh-hans"
    assert client.get("/i18n/setlang/").status_code == 405


def test_the_switch_needs_the_csrf_token_like_every_form(counties):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 403
    page = strict.get("/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == page.count('method="post"') == 1
