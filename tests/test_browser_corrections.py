"""What an admin does, in a real browser: split an article at a line, merge it back, move a line,
undo; a reader's search follows each step.

Playwright drives Debian's Chromium against a live server (the harness of tests/test_browser.py).
With ``SCREENSHOTS=1`` the correction page is saved to docs/screenshots/correct.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from articles.models import Page
from articles.roles import Role
from articles.writer import load_state
from ingest.corrections import source_lines
from tests.browser import require_chromium, sign_in_at
from tests.conftest import SEED_FILES
from tests.factories import ingest_seeds, make_user

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

require_chromium()




def found_in(reader, phrase: str) -> set[int]:
    """The article ids a reader's search for ``phrase`` lists."""
    reader.goto(f"/search?q={quote(phrase)}")
    hrefs = reader.locator("ol.results a.headline").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return {int(m.group(1)) for h in hrefs if (m := re.search(r"/articles/(\d+)/", h or ""))}


def saved(page, words: str) -> None:
    """Wait for the page after a change, saying it was saved (with ``words``)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("status").first).to_contain_text(words)


def test_admin_splits_merges_moves_and_undoes_and_search_follows(new_page, tmp_path):
    ingest_seeds()
    make_user("admin", role=Role.ADMIN)
    stored = Page.objects.get(source_name=SEED_FILES[0].name)
    before = load_state(stored)
    source = source_lines(stored.raw_text)
    second = before.articles[1]
    at = second.lines[-3]
    phrase = source[at - 1].strip()[:10]

    page = new_page()
    sign_in_at(page, f"/pages/{stored.pk}/correct/", "admin")
    reader = new_page()
    assert found_in(reader, phrase) == {second.ref}

    # Split, by keyboard only: tick the line, then press the button.
    page.get_by_label(str(at), exact=True).focus()
    page.keyboard.press("Space")
    button = page.get_by_role("button", name="从这一行起拆成新文章")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    saved(page, "已保存：拆分")
    assert page.locator("article.correct-article").count() == len(before.articles) + 1
    split = load_state(stored)
    new_ref = split.articles[2].ref
    assert found_in(reader, phrase) == {new_ref}
    page.goto(f"/pages/{stored.pk}/correct/")
    shot = SCREENSHOTS / "correct.png" if os.environ.get("SCREENSHOTS") else tmp_path / "correct.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))

    # Merge it back.
    page.locator("#article-2").get_by_role("button", name="与下一篇合并").click()
    saved(page, "已保存：合并")
    assert page.locator("article.correct-article").count() == len(before.articles)
    assert found_in(reader, phrase) == {second.ref}

    # Move the second article's last line to the third.
    last = second.lines[-1]
    last_phrase = source[last - 1].strip()[:10]
    page.get_by_label(str(last), exact=True).check()
    page.get_by_role("button", name="移到下一篇").click()
    saved(page, "移到下一篇")
    assert found_in(reader, last_phrase) == {before.articles[2].ref}

    # Undo the move.
    page.get_by_role("button", name="撤销上一次改动").click()
    saved(page, "已撤销")
    assert found_in(reader, last_phrase) == {second.ref}

    page.get_by_role("link", name="修改历史", exact=True).click()
    page.wait_for_url(f"**/pages/{stored.pk}/history/")
    assert page.get_by_role("heading", name=re.compile("版本 0")).count() == 1
    assert page.locator("section.revision").count() == 5  # ingest, split, merge, move, undo
