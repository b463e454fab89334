"""Whole reader pages kept per process until the next write (articles/page_cache.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Page
from articles.roles import Role
from articles.writer import Action, apply_state, load_state, set_status
from ingest.model import County
from tests.factories import make_article, make_page, make_user

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
MARCH_5 = dt.date(2024, 3, 5)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _pages_kept(settings):
    settings.PAGE_CACHE_SECONDS = 600  # tests/settings.py turns the page cache off elsewhere


@pytest.fixture
def story(db) -> Article:
    page = make_page(paper="晋中日报", date=MARCH_5)
    Page.objects.filter(pk=page.pk).update(label="第1版", number=1)
    article = make_article(page=page, headline="介休网格化党建", body="介休市的消息。", counties=(JIEXIU,))
    Article.objects.update(visible=True)  # make_page writes no copies
    return article


def addresses(article: Article) -> dict[str, str]:
    return {
        "home": "/",
        "counties": "/counties/",
        "county": "/counties/140781/",
        "papers": "/papers/",
        "paper": f"/papers/{article.newspaper_id}/",
        "issue": f"/papers/{article.newspaper_id}/2024-03-05/",
        "page": f"/pages/{article.page_id}/",
        "article": f"/articles/{article.pk}/",
    }


def test_every_reader_page_is_made_once_then_served_from_memory(client, story, django_assert_num_queries):
    for kind, url in addresses(story).items():
        first = client.get(url)
        assert first.status_code == 200, kind
        with django_assert_num_queries(0):  # the generation is in the (test) memory cache too
            again = client.get(url)
        assert again.status_code == 200, kind
        # The same page but for the reader's own CSRF token in the footer's language form.
        assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode()), kind
        assert "Cookie" in again["Vary"], kind
        assert client.head(url).status_code == 200, kind


@pytest.mark.parametrize("write", ["withdraw", "correct"])
def test_a_write_is_seen_on_the_next_request_of_every_kept_page(
    client, story, django_capture_on_commit_callbacks, write
):
    urls = addresses(story)
    for url in urls.values():
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        if write == "withdraw":
            set_status(story.page, Page.Status.WITHDRAWN)
        else:
            state = load_state(story.page)
            state.articles[0] = dataclasses.replace(state.articles[0], headline="改过的标题")
            apply_state(story.page, state, user=None, action=Action.EDIT, summary="test")
    for kind, url in urls.items():
        response = client.get(url)
        text = response.content.decode()
        if write == "correct":
            assert response.status_code == 200, kind
            if kind in ("home", "county", "issue", "page", "article"):
                assert "改过的标题" in text and "介休网格化党建" not in text, kind
        elif kind in ("paper", "issue", "page", "article"):
            assert response.status_code == 404, kind
        else:
            assert "介休网格化党建" not in text, kind
            assert "介休市" not in text if kind == "counties" else True, kind


def test_a_signed_in_editor_never_gets_the_anonymous_copy(client, story):
    url = f"/pages/{story.page_id}/"
    anonymous = client.get(url).content.decode()
    assert "校正拆分" not in anonymous
    editor = Client()
    editor.force_login(make_user("guanli", role=Role.ADMIN))
    text = editor.get(url).content.decode()
    assert "guanli" in text and "校正拆分" in text  # their own header, and the page's correction link
    # Nor is their page kept for readers.
    assert "guanli" not in client.get(url).content.decode()


def test_a_draft_seen_by_an_editor_is_never_kept_for_readers(client, story):
    draft = make_page(paper="晋中日报", date=MARCH_5, status=Page.Status.DRAFT)
    editor = Client()
    editor.force_login(make_user("bianji", role=Role.EDITOR))
    assert editor.get(f"/pages/{draft.pk}/").status_code == 200
    assert client.get(f"/pages/{draft.pk}/").status_code == 404


def test_the_english_page_is_not_served_to_a_chinese_reader(story):
    url = f"/articles/{story.pk}/"
    english = Client()
    english.cookies["django_language"] = "en"
    chinese = Client()
    for _ in range(2):  # made, then kept: each language its own copy
        assert '<html lang="en">' in english.get(url).content.decode()
        assert '<html lang="zh-Hans">' in chinese.get(url).content.decode()


def test_each_reader_gets_a_csrf_token_of_their_own_that_works(story):
    url = f"/articles/{story.pk}/"
    Client().get(url)  # made and kept
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(url)
    token = TOKEN.search(response.content.decode()).group(1)
    assert "\x00" not in response.content.decode()
    assert reader.cookies["csrftoken"].value
    other = Client().get(url)
    assert TOKEN.search(other.content.decode()).group(1) != token
    # The kept page's language form posts with the reader's token and cookie.
    switched = reader.post("/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert '<html lang="en">' in reader.get(url).content.decode()


def test_a_reader_with_a_message_or_a_session_gets_a_page_made_for_them(client, story):
    url = f"/articles/{story.pk}/"
    client.get(url)
    for cookie in ("messages", "sessionid"):
        reader = Client()
        reader.cookies[cookie] = "anything"
        with CaptureQueriesContext(connection) as made:
            assert reader.get(url).status_code == 200
        assert len(made.captured_queries) > 0, cookie  # made again, not from memory


def test_pages_are_not_kept_when_turned_off(client, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = f"/articles/{story.pk}/"
    client.get(url)
    Article.objects.filter(pk=story.pk).update(headline="库里直接改的")
    assert "库里直接改的" in client.get(url).content.decode()


def test_another_process_s_write_is_seen_once_the_generation_is_read_again(client, story, settings):
    from django.core.cache import cache

    from articles.writer import HOME_GENERATION_KEY

    url = f"/articles/{story.pk}/"
    settings.PAGE_CACHE_CHECK_SECONDS = 60
    client.get(url)
    # Another worker's write: the rows change and the shared generation goes (writer.clear_caches
    # there; this process's memo of the generation is not told).
    Article.objects.filter(pk=story.pk).update(headline="另一进程改的")
    cache.delete(HOME_GENERATION_KEY)
    assert "另一进程改的" not in client.get(url).content.decode()  # within the check interval
    settings.PAGE_CACHE_CHECK_SECONDS = 0  # the interval over: the generation is read again
    assert "另一进程改的" in client.get(url).content.decode()


def test_kept_pages_expire_spread_over_the_second_half_of_their_lifetime(settings):
    # Pages kept in one busy minute must not all be made afresh in one later minute.
    from articles import page_cache

    settings.PAGE_CACHE_SECONDS = 600
    lifetimes = [page_cache._lifetime() for _ in range(200)]
    assert all(300 <= t <= 600 for t in lifetimes) and max(lifetimes) - min(lifetimes) > 100


def test_an_address_with_a_parameter_the_page_does_not_read_is_made_each_time(client, story, django_assert_max_num_queries):
    # Made-up parameters (?x=1, ?x=2 …) must not fill a worker's memory with copies of one page.
    url = f"/articles/{story.pk}/?x=1"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) > 0
    # The parameter the article page reads (the reader's search terms) is kept as usual.
    hits = f"/articles/{story.pk}/?q=介休"
    client.get(hits)
    with django_assert_max_num_queries(0):
        assert client.get(hits).status_code == 200


def test_a_write_during_a_generation_read_is_not_forgotten():
    # A read that began before a write in this process must not put the old generation back.
    from django.core.cache import cache

    from articles import page_cache
    from articles.writer import HOME_GENERATION_KEY

    page_cache.forget_generation()
    cache.set(HOME_GENERATION_KEY, "old", timeout=None)
    real_get = cache.get

    def get_then_write(key, *args, **kwargs):
        value = real_get(key, *args, **kwargs)
        cache.set(HOME_GENERATION_KEY, "new", timeout=None)
        page_cache.forget_generation()  # the write commits while the read is under way
        return value

    cache.get = get_then_write
    try:
        assert page_cache.current_generation() == "old"
    finally:
        del cache.get
    assert page_cache.current_generation() == "new"
