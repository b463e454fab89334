"""An admin saves forms without changing anything, in a real browser: nothing changes and no
version is recorded. A browser sends a textarea's line breaks as \\r\\n, and sends back what a box
shows: the correction page's field and county forms and the Django admin's article form must
read back as what they showed.
"""

from __future__ import annotations

import re

import pytest

from articles.models import Article, Caption, Page
from articles.roles import Role
from articles.writer import load_state
from tests.browser import require_chromium, sign_in_at
from tests.conftest import SEED_FILES
from tests.factories import ingest_seeds, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

require_chromium()


def status(page, words: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("status").first).to_contain_text(words)


def saved_text(ref: int) -> tuple:
    row = Article.objects.filter(pk=ref).values_list("body", "blocks", "intertitles", "search_head", "search_body").get()
    return row, list(Caption.objects.filter(article=ref).values_list("text", "credit"))


def test_forms_saved_unchanged_in_the_browser_change_nothing(new_page):
    ingest_seeds()
    make_user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    stored = Page.objects.get(source_name=SEED_FILES[1].name)
    state = load_state(stored)
    # The article with a caption of two lines.
    n = next(i for i, a in enumerate(state.articles) if any("\n" in c.text for c in a.captions)) + 1

    page = new_page()
    sign_in_at(page, f"/pages/{stored.pk}/correct/", "admin")

    article = page.locator(f"#article-{n}")
    article.get_by_text("编辑字段").click()
    article.get_by_role("button", name="保存字段").click()
    status(page, "没有改动")
    assert not stored.revisions.exists()

    # 城区 is the name of several counties: the box must show one that reads back as 140502.
    article = page.locator(f"#article-{n}")
    article.get_by_label("区县（名称或代码，空格分隔）").fill("140502")
    article.get_by_role("button", name="保存区县").click()
    status(page, "已保存")
    assert page.locator(f"#a{n}-counties").input_value() == "晋城市城区"
    page.locator(f"#article-{n}").get_by_role("button", name="保存区县").click()
    status(page, "没有改动")
    assert stored.revisions.count() == 2  # the state at ingest, the county

    # The Django admin's article form: the captioned article, and one with intertitles.
    for article in load_state(stored).articles:
        if not (article.intertitles or any("\n" in c.text for c in article.captions)):
            continue
        before = saved_text(article.ref)
        page.goto(f"/admin/articles/article/{article.ref}/change/")
        page.get_by_role("button", name=re.compile("^(保存|Save)$")).click()
        page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))
        assert saved_text(article.ref) == before
    assert stored.revisions.count() == 2
