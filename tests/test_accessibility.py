"""Accessibility: axe-core, injected into every page kind by Playwright, finds no serious or critical
violation (issue 11, "Quality bars → Accessibility").

axe-core comes from the ``axe-playwright-python`` wheel (the [test] extra), which ships axe.min.js
itself: nothing is fetched at run time. Playwright drives Debian's Chromium against a live server
(the harness of tests/test_browser.py). Violations of lesser impact (moderate, minor) are printed,
not failed: run with ``-s`` to see them.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest

from articles import corrections_views
from articles.models import Article, Page, PageRevision
from articles.roles import Role
from articles.writer import PageMeta, apply_state, ingest_file, load_state
from ingest import corrections
from tests.browser import IN_CI, require_chromium
from tests.conftest import SEED_FILES
from tests.factories import PASSWORD, ingest_seeds, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

require_chromium()

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:
    if IN_CI:
        raise RuntimeError("CI needs axe-playwright-python (pip install -e '.[test]')") from None
    pytest.skip("axe-playwright-python is not installed (pip install -e '.[test]')", allow_module_level=True)


# Text with Chinese in it whose nearest lang is not Chinese, and attributes likewise (the project's
# rule: Chinese content on a page in another language is marked lang="zh-Hans").
UNMARKED_CHINESE = r"""() => {
  const out = [], cjk = /[\u3400-\u9fff]/;
  const w = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n; (n = w.nextNode());) {
    const el = n.parentElement;
    if (cjk.test(n.textContent) && !/^zh/i.test(el.closest('[lang]').lang)) out.push(n.textContent.trim().slice(0, 40));
  }
  for (const el of document.querySelectorAll('main [aria-label], main [title], main [placeholder], main [alt]'))
    for (const a of ['aria-label', 'title', 'placeholder', 'alt'])
      if (cjk.test(el.getAttribute(a) || '') && !/^zh/i.test(el.closest('[lang]').lang)) out.push('@' + a + ' ' + el.getAttribute(a));
  return out;
}"""

FAILING = {"serious", "critical"}
AXE_OPTIONS = {"resultTypes": ["violations"]}



@pytest.fixture(scope="module")
def axe():
    return Axe()


def describe(violation: dict) -> str:
    nodes = "".join(
        f"\n      {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').replace(chr(10), ' ')}"
        for node in violation["nodes"][:5]
    )
    more = f"\n      … {len(violation['nodes']) - 5} more" if len(violation["nodes"]) > 5 else ""
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']}{nodes}{more}"


class Audit:
    """Runs axe on each page visited; collects the serious and critical violations to fail on."""

    def __init__(self, axe):
        self.axe = axe
        self.failures: list[str] = []

    def check(self, page, name: str, url: str | None = None, *, status: int = 200) -> None:
        if url is not None:
            response = page.goto(url)
            assert response is not None and response.status == status, (name, url, response and response.status)
        page.wait_for_load_state()
        # Contrast means nothing without the site's stylesheet: make sure it was served.
        assert page.evaluate("[...document.styleSheets].some(s => s.cssRules.length > 0)"), (name, "no stylesheet")
        # Check what a reader can unfold too (the page's source lines, "cite", …).
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        violations = self.axe.run(page, options=AXE_OPTIONS).response["violations"]
        bad = [v for v in violations if v["impact"] in FAILING]
        rest = [v for v in violations if v["impact"] not in FAILING]
        print(f"\naxe {name} ({page.url}): {len(bad)} serious/critical, {len(rest)} other")
        for violation in rest:
            print(describe(violation))
        if bad:
            self.failures.append(f"{name} ({page.url}):\n" + "\n".join(describe(v) for v in bad))

    def assert_clean(self) -> None:
        assert not self.failures, "axe-core found serious or critical violations:\n" + "\n".join(self.failures)


def test_reader_pages_have_no_serious_accessibility_violation(new_page, axe):
    ingest_seeds()  # the seed pages are undated: one more, dated, for the calendar and the issue
    seed = SEED_FILES[3]
    text = seed.read_text(encoding="utf-8").replace("篮球比赛", "篮球赛", 1)
    meta = PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版", prefecture_code="1408")
    ingest_file("运城日报-20250724-03.txt", text.encode("utf-8"), meta, status=Page.Status.PUBLISHED)
    audit = Audit(axe)
    page = new_page()
    article = (
        Article.objects.visible()
        .filter(page__issue__date__isnull=False)
        .select_related("page__issue__newspaper")
        .order_by("pk")
        .first()
    )
    stored = article.page
    issue = stored.issue
    with_kicker = Article.objects.visible().exclude(kicker="").exclude(byline=[]).order_by("pk").first()
    kicker_hits = with_kicker.get_absolute_url() + "?q=" + quote(f"{with_kicker.kicker[:2]} {with_kicker.byline[0]}")
    paper = issue.newspaper
    undated = Article.objects.visible().filter(page__issue__date__isnull=True).exclude(intertitles=[]).first()

    audit.check(page, "home", "/")
    audit.check(page, "search results", "/search?q=" + quote("介休"))
    # A county facet chosen: its removable chip, facets that keep it; then sorted by date.
    page.locator("aside.facets").get_by_role("link", name="介休市").first.click()
    audit.check(page, "search, filtered")
    audit.check(page, "search, by date", page.url + "&sort=date")
    audit.check(page, "search, no results", "/search?q=" + quote("火星殖民基地"))
    audit.check(page, "search 400", "/search?q=" + quote("介") + "&page=abc", status=400)
    # Arriving from a search: the terms are highlighted, with next/previous-hit buttons.
    audit.check(page, "article", article.get_absolute_url() + "?q=" + quote("党建"))
    audit.check(page, "papers", "/papers/")
    audit.check(page, "paper calendar", f"/papers/{paper.pk}/")
    audit.check(page, "issue", f"/papers/{paper.pk}/{issue.date.isoformat()}/")
    audit.check(page, "undated issue", f"/papers/{undated.page.issue.newspaper_id}/undated/")
    audit.check(page, "page", f"/pages/{stored.pk}/")
    audit.check(page, "article with intertitles", undated.get_absolute_url())
    audit.check(page, "counties", "/counties/")
    audit.check(page, "county", "/counties/" + quote("介休市") + "/")
    audit.check(page, "exports", "/export/")
    audit.check(page, "404", "/no-such-page/", status=404)
    audit.check(page, "sign-in", "/accounts/login/")

    # The same pages in English (the footer's switch).
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    audit.check(page, "home (English)")
    audit.check(page, "search results (English)", "/search?q=" + quote("介休"))
    audit.check(page, "article (English)", article.get_absolute_url() + "?q=" + quote("党建"))
    audit.check(page, "404 (English)", "/no-such-page/", status=404)
    # Terms found in the kicker and the byline: marked inside grey text, which must stay readable.
    audit.check(page, "article, hits in kicker and byline (English)", kicker_hits)
    assert page.locator(".story .kicker mark").count() and page.locator(".story .byline mark").count()
    audit.check(page, "search, filtered (English)", "/search?q=" + quote("党建") + "&county=" + quote("介休市"))
    audit.check(page, "paper calendar (English)", f"/papers/{paper.pk}/")
    audit.check(page, "page (English)", f"/pages/{stored.pk}/")
    audit.check(page, "exports (English)", "/export/")
    audit.assert_clean()

    # Chinese content on these English pages is marked lang="zh-Hans" (the interface's words are not).
    for url in ("/", "/search?q=" + quote("介休"), "/search?q=" + quote("党建") + "&county=" + quote("介休市"),
                kicker_hits, f"/papers/{paper.pk}/", f"/pages/{stored.pk}/", "/export/"):
        page.goto(url)
        assert page.evaluate(UNMARKED_CHINESE) == [], url

    # 320 px wide (WCAG 1.4.10): the header's search button fits, nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/search?q=" + quote("介休"))
    box = page.locator(".site-header .search-form button").bounding_box()
    assert box["x"] + box["width"] <= 320, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    # The check itself works: contrast and links in text were really checked (with the stylesheet)…
    page.goto("/search?q=" + quote("介休"))
    checked = axe.run(page, options={"runOnly": ["color-contrast", "link-in-text-block"]}).response
    assert {r["id"] for r in checked["passes"]} == {"color-contrast", "link-in-text-block"}, checked["incomplete"]
    # …and an image without a text alternative is a critical violation.
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">')")
    found = {v["id"]: v["impact"] for v in axe.run(page, options=AXE_OPTIONS).response["violations"]}
    assert found.get("image-alt") == "critical", found


def assert_focus_clear_of_the_line_actions(page, url: str) -> None:
    """WCAG 2.4.11 on the correction page, in English (the longer labels, the taller bar): tabbing
    back and forth over the lines, no focused control is under the sticky "ticked lines" bar; on a
    phone the bar is not sticky at all."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": origin}])
    try:
        for width, height, sticky in ((1280, 720, True), (1000, 720, False), (375, 667, False)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
            position = page.evaluate("getComputedStyle(document.querySelector('#line-actions')).position")
            assert position == ("sticky" if sticky else "static"), (width, position)
            boxes = page.locator("input[name=line]")
            for start, key in ((boxes.last, "Shift+Tab"), (boxes.first, "Tab")):
                start.focus()
                for _ in range(40):
                    page.keyboard.press(key)
                    covered = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
                        if (e.closest('#line-actions')) return null;
                        const top = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 4));
                        return !!(top && top.closest('#line-actions')); }""")
                    if covered is None:
                        break
                    assert not covered, (width, key, page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    finally:
        page.context.clear_cookies(name="django_language")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)


def test_editor_and_admin_pages_have_no_serious_accessibility_violation(new_page, axe, monkeypatch):
    ingest_seeds()
    make_user("admin", role=Role.ADMIN)
    audit = Audit(axe)
    page = new_page()

    page.goto("/upload/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    audit.check(page, "sign-in, wrong password")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/upload/")
    audit.check(page, "upload")

    # A form sent without a file shows its errors.
    page.get_by_role("button", name="上传为草稿").click()
    page.wait_for_load_state()
    audit.check(page, "upload, with errors")

    # A new draft: a seed page under another date.
    seed = SEED_FILES[3]
    text = seed.read_text(encoding="utf-8").replace("篮球比赛", "篮球赛", 1)
    page.goto("/upload/")
    page.get_by_label("版面文本文件").set_input_files(
        files=[{"name": "草稿.txt", "mimeType": "text/plain", "buffer": text.encode("utf-8")}]
    )
    page.get_by_label("报名").fill("运城日报")
    page.get_by_label("日期").fill("2025-07-25")
    page.get_by_label("版次").fill("第3版")
    page.get_by_role("button", name="上传为草稿").click()
    page.wait_for_url("**/upload/drafts/")
    audit.check(page, "upload results and drafts")
    audit.check(page, "drafts", "/upload/drafts/")

    draft = Page.objects.get(status=Page.Status.DRAFT)
    audit.check(page, "preview", f"/pages/{draft.pk}/preview/")

    stored = Page.objects.get(source_name=SEED_FILES[0].name)
    audit.check(page, "correction", f"/pages/{stored.pk}/correct/")
    assert_focus_clear_of_the_line_actions(page, f"/pages/{stored.pk}/correct/")
    page.locator("article.correct-article").nth(1).get_by_role("button", name="与下一篇合并").click()
    page.wait_for_load_state()
    audit.check(page, "correction, after a change")
    # A draft of another file for a corrected page: its preview lists the correction a replace
    # would drop, with the box to tick before replacing.
    dated = PageMeta(paper="运城日报", date=dt.date(2025, 7, 26), label="第3版")
    text = SEED_FILES[1].read_text(encoding="utf-8") + "\n\n本版编辑 张三\n"  # not a seed's bytes: a page of its own
    corrected = ingest_file("旧稿.txt", text.encode("utf-8"), dated, status=Page.Status.PUBLISHED).page
    merged = corrections.merge_with_next(load_state(corrected), 0, source=corrected.raw_text.split("\n"))
    apply_state(corrected, merged, user=None, action=PageRevision.Action.CORRECT, summary="合并")
    changed = corrected.raw_text.replace("。", "！").encode("utf-8")
    other = ingest_file("新稿.txt", changed, dated, status=Page.Status.DRAFT, same_slot="keep").page
    audit.check(page, "preview of a draft that would drop a correction", f"/pages/{other.pk}/preview/")
    assert page.get_by_label("我知道这些人工校正不会沿用").count() == 1
    audit.check(page, "history", f"/pages/{stored.pk}/history/")
    ref = Article.objects.filter(page=stored).order_by("pk").values_list("pk", flat=True).first()
    audit.check(page, "article history", f"/pages/{stored.pk}/history/articles/{ref}/")
    monkeypatch.setattr(corrections_views, "HISTORY_PER_SCREEN", 1)  # its screens and their links
    audit.check(page, "history, an older screen", f"/pages/{stored.pk}/history/?page=2")
    assert page.locator("nav.pagination a[rel=prev]").count() == 1
    # A picture story of more captions than the edit form holds at once: a window, and its links.
    lines = ["图片新闻"] + [f"图为第{j}个村的群众在广场上跳舞。 王海旋 摄" for j in range(120)]
    photos = ingest_file("图片.txt", "\n".join(lines).encode("utf-8"), PageMeta(paper="运城日报", date=dt.date(2025, 7, 27), label="第4版"), status=Page.Status.PUBLISHED).page
    audit.check(page, "correction, a window of captions", f"/pages/{photos.pk}/correct/?captions=2")
    assert page.get_by_role("link", name="前一组图片说明").count() == 2  # under the text and under the form
    audit.check(page, "re-split", f"/pages/{stored.pk}/resplit/")
    audit.check(page, "password change", "/accounts/password_change/")
    # The admin: an article's change form with its captions (a tabular inline), a list.
    captioned = Article.objects.filter(captions__isnull=False).order_by("pk").first()
    audit.check(page, "admin article change", f"/admin/articles/article/{captioned.pk}/change/")
    assert page.locator("textarea[name$='-text']").count()
    audit.check(page, "admin page list", "/admin/articles/page/")
    page.goto("/upload/")
    page.get_by_role("button", name="退出").click()
    audit.check(page, "home, signed out")

    # An editor may not correct a split: the 403 page.
    make_user("editor", role=Role.EDITOR)
    editor = new_page()
    editor.goto("/accounts/login/")
    editor.get_by_label("用户名").fill("editor")
    editor.get_by_label("密码").fill(PASSWORD)
    editor.get_by_role("button", name="登录").click()
    editor.wait_for_load_state()
    audit.check(editor, "403", f"/pages/{stored.pk}/correct/", status=403)
    audit.assert_clean()
