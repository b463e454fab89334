"""Odd text in a URL's path: what names nothing is a 404, never a 500.

A NUL (%00) reaches the view as part of a name; PostgreSQL text cannot hold one, so a lookup with
it fails (DataError) instead of finding nothing. Ids are ASCII digits only (tests/test_browse.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from articles.models import Article
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]


@pytest.fixture
def reader(db) -> Client:
    make_article(paper="晋中日报", date=dt.date(2025, 3, 2), headline="头条", body="介休的消息。")
    Article.objects.update(visible=True)
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/counties/%00/",
        "/counties/a%00b/",
        "/counties/%00/?page=1",
        "/feeds/counties/%00/",
        "/papers/%00/",
        "/papers/%00/2025/",
        "/papers/%00/2025-03-02/",
        "/papers/%00/undated/",
        "/papers/1/%00/",
        "/export/%00/2025.jsonl",
        "/export/%00/undated.jsonl",
        "/export/%E6%99%8B%00/2025.jsonl",
        "/sitemap-%00.xml",
    ],
)
def test_a_nul_in_the_path_is_404(reader: Client, path: str):
    assert reader.get(path).status_code == 404
