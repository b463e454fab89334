"""The API's addresses end without "/": a client that adds one is told the address it meant."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/articles/", "/api/articles/12/", "/api/pages/"])
def test_an_api_address_with_a_trailing_slash_names_the_address_without_it(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert path[:-1] in response.json()["error"]


def test_a_post_with_a_trailing_slash_is_not_redirected(client):
    # A redirect would make the client send its upload again without the body.
    response = client.post("/api/pages/", {"paper": "x"})
    assert response.status_code == 404
    assert "/api/pages" in response.json()["error"]


def test_an_address_that_is_nothing_without_its_slash_either_says_only_nothing_here(client):
    for path in ("/api/nothing/", "/api/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "末尾" not in response.json()["error"]


def test_the_hint_is_in_english_for_an_english_reader(client):
    client.cookies["django_language"] = "en"
    error = client.get("/api/articles/", HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert "do not end" in error and "/api/articles" in error
