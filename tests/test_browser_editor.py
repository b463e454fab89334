"""What an editor does, in a real browser: sign in, upload, preview, publish; replace a page.

Playwright drives Debian's Chromium against a live server (the harness of tests/test_browser.py).
With ``SCREENSHOTS=1`` the preview is saved to docs/screenshots/preview.png (committed after
``pngquant --quality=60-85``, to keep it small).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from articles.models import Article, Page
from articles.roles import Role
from tests.browser import require_chromium, sign_in_at
from tests.conftest import SEED_FILES
from tests.factories import make_user

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("counties")]

require_chromium()


SEED = SEED_FILES[3]  # 运城日报
HEADLINE = "绛县举办迎“八一”双拥篮球比赛"



def sign_in(page, name: str) -> None:
    sign_in_at(page, "/upload/", name)


def upload(page, path: Path, *, name: str | None = None, data: bytes | None = None, **fields: str) -> None:
    page.goto("/upload/")
    payload = {"name": name or path.name, "mimeType": "text/plain", "buffer": data if data is not None else path.read_bytes()}
    page.get_by_label("版面文本文件").set_input_files(files=[payload])
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="上传为草稿").click()
    page.wait_for_url("**/upload/drafts/")


def test_editor_uploads_previews_and_publishes_and_a_reader_finds_the_story(new_page, tmp_path):
    make_user("editor", role=Role.EDITOR)
    page = new_page()
    sign_in(page, "editor")
    upload(page, SEED, 报名="运城日报", 日期="2025-07-24", 版次="第3版", 所在地市代码="1408")
    assert "已存为草稿" in page.locator("table.upload-results").inner_text()

    page.locator("table.upload-results").get_by_role("link", name=re.compile("^预览")).click()
    page.wait_for_url("**/preview/")
    story = page.locator("article.preview-story", has=page.get_by_role("heading", name=HEADLINE))
    assert story.count() == 1
    assert "绛县" in story.locator(".tags").inner_text()
    assert story.locator(".body p").count() >= 2
    assert page.locator(".preview-source tbody tr").count() > 10
    # A line of the source links to the article it went to.
    first_line = page.locator(".preview-source tbody tr").filter(has_text=HEADLINE).first
    assert first_line.get_by_role("link").inner_text().startswith("#")
    shot = SCREENSHOTS / "preview.png" if os.environ.get("SCREENSHOTS") else tmp_path / "preview.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))  # docs/screenshots/preview.png is this, through pngquant

    # Not public yet.
    reader = new_page()
    reader.goto("/search?q=双拥篮球")
    assert reader.get_by_role("link", name=HEADLINE).count() == 0

    page.get_by_role("button", name="发布", exact=True).click()
    assert "已发布" in page.get_by_role("status").first.inner_text()
    stored = Page.objects.select_related("issue").get()
    assert stored.status == Page.Status.PUBLISHED and stored.issue.date.isoformat() == "2025-07-24"

    reader.goto("/search?q=双拥篮球")
    reader.get_by_role("link", name=HEADLINE).click()
    assert reader.locator("h1").inner_text() == HEADLINE


def test_editor_replaces_a_page_with_a_corrected_file(new_page):
    make_user("editor", role=Role.EDITOR)
    page = new_page()
    sign_in(page, "editor")
    slot = {"报名": "运城日报", "日期": "2025-07-24", "版次": "第3版"}
    upload(page, SEED, **slot)
    original = Page.objects.get()
    page.goto(f"/pages/{original.pk}/preview/")
    page.get_by_role("button", name="发布", exact=True).click()

    text = SEED.read_text(encoding="utf-8")
    corrected = text.replace(HEADLINE, HEADLINE.replace("篮球比赛", "篮球赛"), 1)
    assert corrected != text
    upload(page, SEED, name="运城日报-更正.txt", data=corrected.encode("utf-8"), **slot)
    results = page.locator("table.upload-results").inner_text()
    assert "同一报纸、日期、版次" in results

    page.locator("table.upload-results").get_by_role("link", name=re.compile("^预览")).click()
    page.get_by_role("button", name=re.compile("用这份文件替换原版面")).click()
    page.wait_for_url(f"**/pages/{original.pk}/preview/")
    assert "已替换" in page.get_by_role("status").first.inner_text()
    assert Page.objects.count() == 1
    original.refresh_from_db()
    assert original.source_name == "运城日报-更正.txt" and original.status == Page.Status.PUBLISHED
    assert Article.objects.visible().filter(headline=HEADLINE.replace("篮球比赛", "篮球赛")).exists()

    reader = new_page()
    reader.goto("/search?q=双拥篮球赛")
    assert reader.get_by_role("link", name=HEADLINE.replace("篮球比赛", "篮球赛")).count() == 1
