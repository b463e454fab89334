"""Accessibility as a review found it wrong (axe-core and Playwright against a running site):
highlighted terms in grey text (a kicker, a byline) too faint, Chinese content on English pages
not marked ``lang="zh-Hans"`` (breadcrumbs, the paper calendar, the home page's lists, the search
page's facets, chips, suggestions and county hint, an article's hits line and plain citation, the
editors' preview, correction, history, drafts and export pages), the correction page's sticky bar
hiding the focus, the header's search button cut off at 320 px, the admin's caption textareas
without a label and its breadcrumbs' links told apart by colour alone.

Chinese pages stay as they were: ``lang`` is marked only on a page in another language. The
browser checks (contrast, focus, reflow, axe on the admin) are in tests/test_accessibility.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from articles.models import Article, Caption, Page
from articles.templatetags.archive import zh_runs
from articles.writer import PageMeta, ingest_file
from ingest.model import County
from tests.factories import make_article, make_user
from articles.roles import Role

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 5)
JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
CSS = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text(encoding="utf-8")
ZH = 'lang="zh-Hans"'


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def unmarked_chinese(html: str) -> list[str]:
    """Text of the page's <main> with Chinese in it outside any element marked zh-Hans (a rough
    parse: enough for the markup these templates write)."""
    found, stack = [], []
    for tag, text in re.findall(r"(<[^>]*>)|([^<]+)", main(html)):
        if tag:
            name = re.match(r"</?([a-zA-Z0-9]+)", tag)
            if not name or tag.endswith("/>") or name.group(1).lower() in {"input", "br", "img", "meta", "link", "hr"}:
                continue
            if tag.startswith("</"):
                if stack:
                    stack.pop()
            else:
                stack.append(ZH in tag)
        elif re.search(r"[\u3400-\u9fff]", text) and not any(stack):
            found.append(text.strip())
    return found


# 1. A highlighted term is as readable inside grey text as anywhere.


def test_a_mark_takes_the_texts_own_colour_not_the_grey_around_it():
    rule = re.search(r"(?m)^mark \{([^}]*)\}", CSS).group(1)
    assert "color: var(--ink)" in rule and "background: #ffe58f" in rule


# 2. Chinese content on a page in English is marked so; a Chinese page is as it was.


def test_zh_runs_marks_the_chinese_in_a_mixed_sentence_only_on_a_page_not_in_chinese():
    with translation.override("en"):
        assert zh_runs("County: 介休市") == f"County: <span {ZH}>介休市</span>"
        assert zh_runs("运城日报 2025-12-26 第3版") == f"<span {ZH}>运城日报 2025-12-26 第3版</span>"
        assert zh_runs("<b>旧稿</b>.txt") == f"&lt;b&gt;<span {ZH}>旧稿</span>&lt;/b&gt;.txt"  # escaped first
        assert zh_runs("no Chinese") == "no Chinese"
    with translation.override("zh-hans"):
        assert zh_runs("县区：介休市 <b>") == "县区：介休市 &lt;b&gt;"


def test_the_facets_mark_the_county_and_paper_lists_but_not_the_years(counties):
    make_article(headline="介休市党建", body="党建。", counties=(JIEXIU,), date=DAY, paper="晋中日报")
    Article.objects.update(visible=True)
    html = english().get("/search", {"q": "党建"}).content.decode()
    facets = html[html.index('<aside class="facets"') :]
    assert facets.count(f"<ul {ZH}>") == 2 and "<ul>" in facets  # county, paper; the years
    assert "lang=" not in main(Client().get("/search", {"q": "党建"}).content.decode())


@pytest.fixture
def story(counties):
    a = make_article(
        headline="介休市网格化党建", kicker="宝山花园社区", body="介休市的党建工作。", byline=("梁桂连",),
        counties=(JIEXIU,), date=DAY, paper="晋中日报",
    )
    Article.objects.update(visible=True)
    return a


def test_the_search_page_in_english_marks_facets_chips_suggestions_and_the_county_hint(story):
    client = english()
    page = client.get("/search", {"q": "介休"}).content.decode()
    assert unmarked_chinese(page) == [], unmarked_chinese(page)
    filtered = client.get("/search", {"q": "党建", "county": "介休市", "paper": "晋中日报"}).content.decode()
    assert unmarked_chinese(filtered) == [], unmarked_chinese(filtered)
    # The chip's "remove" link is named in hidden text (a name in an attribute cannot be marked).
    assert f'<span class="visually-hidden">Remove the filter: County: <span {ZH}>介休市</span></span>' in filtered
    assert "aria-label=\"Remove the filter" not in filtered
    empty = client.get("/search", {"q": "火星殖民基地", "paper": "晋中日报"}).content.decode()
    assert unmarked_chinese(empty) == [], unmarked_chinese(empty)
    assert f"<span {ZH}>晋中日报</span>" in empty


def test_the_search_page_in_chinese_is_unmarked_and_keeps_the_chips_aria_label(story):
    page = Client().get("/search", {"q": "党建", "county": "介休市"}).content.decode()
    assert "lang=" not in main(page)
    assert '<a href="/search?q=%E5%85%9A%E5%BB%BA" aria-label="去掉筛选：县区：介休市">×</a>' in page
    assert 'placeholder="检索全文，如：介休 党建"' in page and 'placeholder="如：介休 “网格化党建” -招聘"' in page


def test_the_article_page_in_english_marks_the_hits_line_and_the_plain_citation(story):
    page = english().get(f"/articles/{story.pk}/", {"q": "宝山 梁桂连"}).content.decode()
    assert unmarked_chinese(page) == [], unmarked_chinese(page)
    hits = re.search(r'<p class="hits".*?</p>', page, re.S).group(0)
    assert f"<span {ZH}>宝山 梁桂连</span>" in hits
    citation = re.findall(r'<code class="citation"[^>]*>(.*?)</code>', page, re.S)[1]
    assert re.search(f"<span {ZH}>[^<]*梁桂连[^<]*</span>", citation) and "March 5, 2024" in citation
    # The interface's words stay English: the header's placeholder holds no Chinese example.
    assert 'placeholder="Full text (in Chinese)"' in page


def test_the_paper_calendar_and_the_home_page_in_english_mark_the_names(story):
    client = english()
    paper = story.newspaper
    calendar = client.get(f"/papers/{paper.pk}/").content.decode()
    assert unmarked_chinese(calendar) == [], unmarked_chinese(calendar)
    assert f"<h1 {ZH}>晋中日报</h1>" in calendar
    home = client.get("/").content.decode()
    assert unmarked_chinese(home) == [], unmarked_chinese(home)
    assert "lang=" not in main(Client().get(f"/papers/{paper.pk}/").content.decode())


def test_breadcrumbs_and_the_source_file_in_english_are_marked(counties):
    meta = PageMeta(paper="运城日报", date=DAY, label="第3版")
    stored = ingest_file("旧稿.txt", "运城日报\n标题一\n正文一段，介休市的消息。\n".encode(), meta, status=Page.Status.PUBLISHED).page
    client = english()
    page = client.get(f"/pages/{stored.pk}/").content.decode()
    assert f"Source file <span {ZH}>旧稿</span>.txt" in page
    article = client.get(stored.articles.first().get_absolute_url()).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', article, re.S).group(0)
    assert f"{ZH}>运城日报</a>" in crumbs and f"<span {ZH}>第3版</span>" in crumbs


def test_editors_pages_in_english_mark_the_article_text(counties):
    admin = make_user("admin", role=Role.ADMIN)
    meta = PageMeta(paper="运城日报", date=DAY, label="第3版")
    text = "运城日报\n引题一行\n标题一\n本报记者 张三\n正文一段，介休市的消息。\n图为介休市街景\n"
    draft = ingest_file("草稿.txt", text.encode(), meta, status=Page.Status.DRAFT).page
    client = english()
    client.force_login(admin)
    for url in (f"/pages/{draft.pk}/preview/", f"/pages/{draft.pk}/correct/", f"/pages/{draft.pk}/history/", "/upload/drafts/"):
        html = client.get(url).content.decode()
        # An <option> holds text only: "Article 1 标题…" cannot mark its Chinese part.
        left = [t for t in unmarked_chinese(html) if not t.startswith("Article ")]
        assert left == [], (url, left)


def test_exports_in_english_mark_the_papers_names(story):
    html = english().get("/export/").content.decode()
    assert unmarked_chinese(html) == [], unmarked_chinese(html)


# 3 and 6: the correction page's bar, the header's search form at 320 px (the CSS; the browser
# checks are in tests/test_accessibility.py).


def test_the_line_actions_bar_is_sticky_only_where_it_is_short_and_leaves_room_for_the_focus():
    assert re.search(r"@media \(max-width: 69\.99rem\), \(max-height: 35\.99rem\) \{ \.line-actions \{ position: static; \} \}", CSS)
    assert re.search(r"html:has\(\.line-actions\) \{ scroll-padding-top: 15rem; \}", CSS)


def test_the_header_search_form_may_shrink_on_a_phone():
    assert ".search-form input[type=search] { min-width: 0; }" in CSS


# 5 and 7: the admin.


def test_admin_caption_fields_have_accessible_names_and_breadcrumb_links_are_underlined(story):
    Caption.objects.create(article=story, position=0, text="图为介休市街景", credit="张三", credit_text="张三 摄", lines=[])
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    html = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    for name in ("text", "credit", "credit_text"):
        tag = re.search(rf'<textarea name="captions-0-{name}"[^>]*>', html).group(0)
        assert re.search(r'aria-label="[^"]+"', tag), tag
    assert "/static/css/admin.css" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "admin.css").read_text(encoding="utf-8")
    assert "div.breadcrumbs a { text-decoration: underline;" in css


def test_a_search_refused_with_a_400_says_so_in_its_title(story):
    for client, word in ((Client(), "出错："), (english(), "Error: ")):
        page = client.get("/search", {"q": "😀"}).content.decode()
        assert re.search(r"<title>([^<]*)</title>", page).group(1).startswith(word)
    page = Client().get("/search", {"q": "介休"}).content.decode()
    assert not re.search(r"<title>([^<]*)</title>", page).group(1).startswith("出错")
