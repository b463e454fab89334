"""Corrections: furniture lines made a new article (a page split into furniture alone could not
be corrected at all), audited and undoable; an undo refused because the page's former paper was
deleted says so in the reader's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from articles import writer
from articles.models import Newspaper, Page
from articles.roles import Role
from articles.writer import Action, load_state
from ingest import corrections
from ingest.pipeline import parse_page
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

META = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版")
FURNITURE_ONLY = "第3版\n责任编辑：张三\n2025年7月24日 星期四\n"


@pytest.fixture
def admin() -> Client:
    client = Client()
    client.force_login(make_user("corrector", role=Role.ADMIN))
    return client


@pytest.fixture
def furniture_page(counties) -> Page:
    page = writer.ingest_file("f.txt", FURNITURE_ONLY.encode(), META, status=Page.Status.PUBLISHED).page
    assert not page.articles.exists() and len(page.furniture) == 3
    return page


def unmark(client: Client, page: Page, lines: list[int], into: str):
    return client.post(
        f"/pages/{page.pk}/correct/lines/",
        {"version": writer.version(page), "line": [str(n) for n in lines], "do": "unmark", "into": into},
    )


def every_line_once(page: Page) -> bool:
    state = load_state(page)
    return not corrections.placement_problems(state, corrections.source_lines(page.raw_text))


# -- (F) a new article from furniture lines ------------------------------------------------------


def test_unmarking_furniture_into_a_new_article_is_placed_by_its_first_line():
    text = FURNITURE_ONLY + "绛县举办迎“八一”双拥篮球比赛\n本报讯 记者张三报道 7月23日，绛县举办了比赛。\n"
    source = corrections.source_lines(text)
    state = parse_page(text)
    furniture = [f.line for f in state.furniture]
    assert furniture[:3] == [1, 2, 3] and state.articles
    new = corrections.unmark_furniture(state, [2], None, source=source)
    assert [a.lines for a in new.articles] == [[2], *[a.lines for a in state.articles]]
    assert new.articles[0].ref is None and 2 not in [f.line for f in new.furniture]
    assert not corrections.placement_problems(new, source)


def test_unmarking_a_line_that_is_no_furniture_into_a_new_article_is_refused():
    text = "绛县举办迎“八一”双拥篮球比赛\n本报讯 记者张三报道 7月23日，绛县举办了比赛。\n"
    with pytest.raises(corrections.CorrectionError, match="第2行不是版面元素"):
        corrections.unmark_furniture(parse_page(text), [2], None, source=corrections.source_lines(text))


def test_a_furniture_only_page_offers_a_new_article_to_take_lines_into(admin, furniture_page):
    html = admin.get(f"/pages/{furniture_page.pk}/correct/").content.decode()
    select = re.search(r'<select name="into" id="unmark-into">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["新文章"]


def test_furniture_lines_made_a_new_article_are_recorded_and_undone(admin, furniture_page):
    page = furniture_page
    response = unmark(admin, page, [2, 3], "new")
    assert response.status_code == 302 and response["Location"].endswith("#article-1")
    article = page.articles.get()
    assert article.lines == [2, 3] and "责任编辑：张三" in article.body
    page.refresh_from_db()
    assert [f["line"] for f in page.furniture] == [1] and every_line_once(page)
    revision = page.revisions.order_by("-number").first()
    assert revision.action == Action.CORRECT and revision.summary == "把版面元素第2–3行收回到第1篇"
    assert revision.user.get_username() == "corrector"
    history = admin.get(f"/pages/{page.pk}/history/").content.decode()
    assert "把版面元素第2–3行收回到第1篇" in history
    response = admin.post(f"/pages/{page.pk}/undo/", {"version": writer.version(page)})
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.articles.exists() and [f["line"] for f in page.furniture] == [1, 2, 3] and every_line_once(page)


def test_a_new_article_among_others_keeps_the_rest_as_they_were(admin, counties):
    page = writer.ingest_file("old.txt", SEED_FILES[1].read_bytes(), META, status=Page.Status.PUBLISHED).page
    before = load_state(page)
    line = before.furniture[0].line
    assert unmark(admin, page, [line], "new").status_code == 302
    page.refresh_from_db()
    after = load_state(page)
    assert len(after.articles) == len(before.articles) + 1
    kept = [a.ref for a in before.articles]
    assert [a.ref for a in after.articles if a.ref in kept] == kept
    assert any(a.lines == [line] for a in after.articles) and every_line_once(page)


def test_a_refused_new_article_keeps_the_choice(admin, furniture_page):
    # Line 9 does not exist: refused, the form shown again with "新文章" still chosen.
    response = unmark(admin, furniture_page, [9], "new")
    assert response.status_code == 400
    assert re.search(r'<option value="new" selected>新文章</option>', response.content.decode())
    assert not furniture_page.articles.exists()


def test_the_new_article_choice_is_translated(admin, furniture_page, settings):
    from django.utils import translation

    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        html = admin.get(f"/pages/{furniture_page.pk}/correct/").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert '<option value="new">a new article</option>' in html


# -- (G) an undo refused: the paper of that version is gone ---------------------------------------


@pytest.fixture
def moved_from_deleted_paper(counties) -> Page:
    """A page moved to another paper, the paper it came from deleted since."""
    page = writer.ingest_file("old.txt", SEED_FILES[1].read_bytes(), META, status=Page.Status.PUBLISHED).page
    writer.update_page_meta(page, paper="运城晚报", user=None)
    Newspaper.objects.filter(name="运城日报").delete()
    return page


def refusal(response) -> str:
    return re.search(r'<div class="error" role="alert"><p>(.*?)</p>', response.content.decode(), re.S).group(1)


def test_undo_to_a_deleted_paper_is_refused_in_chinese(admin, moved_from_deleted_paper):
    page = moved_from_deleted_paper
    response = admin.post(f"/pages/{page.pk}/undo/", {"version": writer.version(page)})
    assert response.status_code == 400
    assert refusal(response) == "那一版所在的报纸（运城日报）已不在档案中：不能把版面放回那一版的报纸，没有改动。"


def test_revert_to_a_deleted_paper_is_refused_in_english_on_english_pages(admin, moved_from_deleted_paper, settings):
    from django.utils import translation

    page = moved_from_deleted_paper
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        response = admin.post(f"/pages/{page.pk}/revert/", {"version": writer.version(page), "number": 0})
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert response.status_code == 400
    assert refusal(response).startswith("The paper of that version (运城日报) is no longer in the archive")
    assert page.revisions.count() == 2  # revision 0 and the move: nothing recorded
