"""400, 403, 404 and 500 pages in the site's style (DEBUG off, as in production); HEAD wherever GET."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.models import Article, Page
from articles.roles import Role
from tests.factories import make_article, make_page, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def in_site_style(text: str) -> None:
    assert '<header class="site-header">' in text and '<footer class="site-footer">' in text
    assert 'href="/static/css/site.css"' in text
    assert '<html lang="zh-Hans">' in text


def test_unknown_address_is_the_site_404(client, counties):
    response = client.get("/no/such/page/")
    text = response.content.decode()
    assert response.status_code == 404
    in_site_style(text)
    assert "找不到页面" in text and 'role="search"' in text
    assert "Not Found" not in text and "Resolver404" not in text


def test_a_readers_404_message_is_shown_djangos_own_is_not(client, counties):
    text = client.get("/counties/不存在县/").content.decode()
    assert "没有这个县区" in text
    response = client.get("/articles/999999999/")
    assert response.status_code == 404
    assert "matches the given query" not in response.content.decode()


def test_a_draft_story_is_404_for_readers(client, db):
    article = make_article(page=make_page(status=Page.Status.DRAFT), headline="草稿")
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 404
    assert "草稿" not in response.content.decode()


def test_403_is_the_site_page(client, counties):
    client.force_login(make_user("reader"))
    response = client.get("/upload/")
    text = response.content.decode()
    assert response.status_code == 403
    in_site_style(text)
    assert "没有权限" in text


def test_a_bad_host_is_the_site_400(client, counties):
    response = client.get("/", HTTP_HOST="evil.example")
    text = response.content.decode()
    assert response.status_code == 400
    in_site_style(text)
    assert "请求有误" in text


@pytest.fixture
def failing(settings) -> Client:
    settings.ROOT_URLCONF = "tests.urls_boom"
    return Client(raise_request_exception=False)


def test_500_is_the_site_page_and_asks_nothing_of_the_database(failing, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = failing.get("/boom/")
    text = response.content.decode()
    assert response.status_code == 500
    in_site_style(text)
    assert "服务器出错" in text
    assert "a bug" not in text and "Traceback" not in text


def test_500_of_a_signed_in_user_still_asks_nothing(failing, django_assert_num_queries, counties):
    failing.force_login(make_user("reader"))
    with django_assert_num_queries(0):
        assert failing.get("/boom/").status_code == 500


def test_500_under_api_is_json(failing):
    response = failing.get("/api/boom")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "服务器内部错误，请稍后再试"}


def test_head_answers_wherever_get_does(client, seeds):
    article = Article.objects.visible().first()
    urls = ["/", "/search?q=介休", f"/articles/{article.pk}/", f"/pages/{article.page_id}/", "/counties/介休市/",
            "/papers/", "/counties/", "/api/articles", f"/api/articles/{article.pk}", "/healthz", "/export/",
            "/sitemap.xml", "/robots.txt", "/opensearch.xml", "/feeds/latest/", "/accounts/login/"]
    for url in urls:
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200, url
        assert head.content == b"", url
    assert client.head("/").status_code == 200


def test_head_on_editor_pages_as_on_get(client, counties):
    client.force_login(make_user("editor", role=Role.EDITOR))
    assert client.head("/upload/drafts/").status_code == client.get("/upload/drafts/").status_code == 200


def test_other_methods_still_405(client, counties):
    for url in ("/", "/search", "/export/", "/sitemap.xml"):
        assert client.post(url).status_code == 405, url


def test_no_view_answers_get_but_not_head():
    """``require_GET`` refuses HEAD with a 405; views say ``require_safe`` (GET and HEAD)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("articles/**/*.py"), *root.glob("archive/*.py")]:
        assert "require_GET" not in path.read_text(encoding="utf-8"), path.relative_to(root)
