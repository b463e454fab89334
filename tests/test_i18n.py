"""The site in English (issue 11): every page's chrome translated, Chinese still the default.

The check: the pages of an archive whose own text is English (a paper called "Test Daily", ASCII
articles) are rendered with the English switch on; any CJK character left is then chrome nobody
translated, except what is content or deliberately Chinese (the gazetteer's county names, the
example searches in Chinese, the language switch's own "中文").
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from articles.models import Article, County, Page
from articles.roles import Role
from articles.writer import PageMeta, ingest_file
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# Chinese on purpose in English: the switch back to Chinese, the example searches (the archive is
# Chinese, so its examples are), a file-name example, the list separator editors type, and the
# GB/T 7714 citation's devised titles (a Chinese standard's form, cited in Chinese in any language).
ALLOWED = (
    "[无题][N]", "[图片新闻][N]", "[出版日期不详]",
    '<button type="submit" name="language" value="zh-hans" class="link-button" lang="zh-Hans">中文</button>',
    "介休 党建", "介休 网格化", "介休 “网格化党建” -招聘", "介休市 / 介休", "晋中日报_2025-03-29_第3版.txt",
    "“第3版”", "“、”", "“” 「」",
)
PAGE_TEXT = """Test Daily
Harvest festival opens in the county

The annual harvest festival opened on Saturday with a parade through the old town.
Farmers brought apples, pears and grapes to the market square.

Bridge repairs finish early

Repairs to the river bridge finished two weeks early, the works office said.
Traffic returns to both lanes on Monday.
"""


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def untranslated(text: str) -> list[str]:
    """CJK runs left in a page once content and deliberate Chinese are taken out, with context."""
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    names = set()
    for row in County.objects.values_list("name", "prefecture", "province"):
        names.update(row)
    left = []
    for match in CJK.finditer(text):
        if match.group() in names:
            continue
        left.append(text[max(0, match.start() - 60) : match.end() + 20])
    return left


@pytest.fixture
def archive(counties):
    """One published page and one draft of an English "paper", through the real write path."""
    meta = PageMeta(paper="Test Daily", date=dt.date(2025, 3, 29), label="A1")
    published = ingest_file("test-daily-a1.txt", PAGE_TEXT.encode(), meta, status=Page.Status.PUBLISHED).page
    draft_meta = PageMeta(paper="Test Daily", date=dt.date(2025, 3, 30), label="A1")
    draft_text = PAGE_TEXT.replace("Saturday", "Sunday").encode()
    draft = ingest_file("test-daily-a1-next.txt", draft_text, draft_meta, status=Page.Status.DRAFT).page
    return published, draft


def tour(published: Page, draft: Page) -> dict[str, tuple[str, str, int]]:
    """Each page of the site: who sees it ("reader", "editor", "admin"), its address, its status."""
    article = Article.objects.filter(page=published).order_by("position").first()
    county = County.objects.order_by("code").first()
    paper = published.issue.newspaper_id
    return {
        "home": ("reader", "/", 200),
        "search": ("reader", "/search?q=harvest", 200),
        "search with a filter": ("reader", f"/search?q=harvest&paper=Test+Daily&county={county.code}", 200),
        "search, no match": ("reader", "/search?q=harvest+-festival&date_from=2024-01-01", 200),
        "search, bad request": ("reader", "/search?q=harvest&date_from=soon", 400),
        "search form": ("reader", "/search", 200),
        "article": ("reader", f"/articles/{article.pk}/?q=harvest", 200),
        "counties": ("reader", "/counties/", 200),
        "county": ("reader", f"/counties/{county.code}/", 200),
        "papers": ("reader", "/papers/", 200),
        "paper calendar": ("reader", f"/papers/{paper}/2025/", 200),
        "issue": ("reader", f"/papers/{paper}/2025-03-29/", 200),
        "page": ("reader", f"/pages/{published.pk}/", 200),
        "sign-in": ("reader", "/accounts/login/", 200),
        "404": ("reader", "/no/such/address/", 404),
        "reader's 404": ("reader", "/counties/999999/", 404),
        "export": ("reader", "/export/", 200),
        "upload": ("editor", "/upload/", 200),
        "drafts": ("editor", "/upload/drafts/", 200),
        "preview": ("editor", f"/pages/{draft.pk}/preview/", 200),
        "403": ("editor", f"/pages/{published.pk}/correct/", 403),
        "password change": ("editor", "/accounts/password_change/", 200),
        "correction page": ("admin", f"/pages/{published.pk}/correct/", 200),
        "history": ("admin", f"/pages/{published.pk}/history/", 200),
        "re-split": ("admin", f"/pages/{published.pk}/resplit/", 200),
        "page as an admin": ("admin", f"/pages/{published.pk}/", 200),
        "preview as an admin": ("admin", f"/pages/{draft.pk}/preview/", 200),
    }


def test_every_page_is_english_once_chosen(archive):
    published, draft = archive
    clients = {"reader": english(Client())}
    clients["editor"] = english(Client())
    clients["editor"].force_login(make_user("editor", role=Role.EDITOR))
    clients["admin"] = english(Client())
    clients["admin"].force_login(make_user("admin", role=Role.ADMIN))
    problems = {}
    for name, (who, url, status) in tour(published, draft).items():
        response = clients[who].get(url)
        assert response.status_code == status, (name, url, response.status_code)
        text = response.content.decode()
        assert '<html lang="en">' in text, name
        left = untranslated(text)
        if left:
            problems[name] = left
    assert not problems, "\n".join(f"{name}: {left}" for name, left in problems.items())


def test_messages_and_errors_follow_the_language(archive):
    published, draft = archive
    editor = english(Client())
    editor.force_login(make_user("editor", role=Role.EDITOR))
    # A form error, a message after a redirect, a refusal from the permission check.
    text = editor.post("/upload/", {"paper": "Test Daily"}).content.decode()
    assert "This field is required." in text and not untranslated(text)
    response = editor.post(f"/pages/{draft.pk}/publish/", follow=True)
    text = response.content.decode()
    assert "Published: readers can now see and search this page’s articles." in text
    assert not untranslated(text)
    text = editor.get(f"/pages/{published.pk}/history/").content.decode()
    assert "This page needs the “Administrator” role, which your account does not have." in text
    # A search the reader must fix, in the page and in the API.
    reader = english(Client())
    text = reader.get("/search", {"q": "harvest", "sort": "size"}).content.decode()
    assert "sort must be relevance or date" in text
    assert reader.get("/api/articles", {"date_from": "x"}).json() == {"error": "date_from must be a date as YYYY-MM-DD"}
    assert reader.get("/api/no-such").json() == {"error": "Nothing at this address"}


def test_a_correction_refused_by_ingest_is_translated_at_the_boundary(archive):
    published, _ = archive
    admin = english(Client())
    admin.force_login(make_user("admin", role=Role.ADMIN))
    version = published.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    # ingest.corrections.merge_with_next refuses the last article, in Chinese; the page says it in English.
    last = Article.objects.filter(page=published).count() - 1
    response = admin.post(f"/pages/{published.pk}/correct/merge/", {"version": version, "article": last})
    text = response.content.decode()
    assert response.status_code == 400
    assert f"Article {last + 1} is the last one: there is no following article to merge with." in text
    assert not untranslated(text)
    # The same refusal in Chinese is ingest's own text, unchanged.
    admin.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    text = admin.post(f"/pages/{published.pk}/correct/merge/", {"version": version, "article": last}).content.decode()
    assert f"第{last + 1}篇文章是最后一篇，后面没有可以合并的文章。" in text


def test_dates_are_written_for_the_language(archive):
    published, _ = archive
    url = f"/pages/{published.pk}/"
    assert "2025年3月29日" in Client().get(url).content.decode()
    text = english(Client()).get(url).content.decode()
    assert "March 29, 2025" in text and "2025年" not in text
    calendar = english(Client()).get(f"/papers/{published.issue.newspaper_id}/2025/").content.decode()
    assert "<caption>March " in calendar and 'abbr="Monday">Mo</th>' in calendar


def test_chinese_stays_the_default_without_a_cookie(archive):
    published, _ = archive
    for url in ("/", "/search?q=harvest", f"/pages/{published.pk}/", "/no/such/address/"):
        response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(url)
        text = response.content.decode()
        assert response["Content-Language"] == "zh-hans"
        assert '<html lang="zh-Hans">' in text and "地方报纸档案" in text and "Regional Newspaper Archive" not in text


def test_the_500_page_in_english(client, settings, counties):
    from django.test import RequestFactory
    from django.utils import translation

    from articles.machine_views import server_error

    with translation.override("en"):
        text = server_error(RequestFactory().get("/")).content.decode()
    assert '<html lang="en">' in text and "Server error" in text and not untranslated(text)
    with translation.override("zh-hans"):
        assert "服务器出错" in server_error(RequestFactory().get("/")).content.decode()


def test_every_msgid_has_an_english_translation():
    from pathlib import Path

    po = (Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    empty = re.findall(r'\nmsgid "(.+)"\nmsgstr ""\n(?!")', po)
    empty += re.findall(r'\nmsgid "(.+)"\nmsgid_plural "[^\n]*"\n(?:msgstr\[\d\] "[^\n]*"\n)*msgstr\[\d\] ""\n', po)
    assert not empty
    assert "fuzzy" not in po  # gettext skips fuzzy entries: they would show Chinese
    assert (Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.mo").exists()


def test_pages_that_show_changes_are_english_too(archive):
    from django.core.files.uploadedfile import SimpleUploadedFile

    published, _draft = archive
    admin = english(Client())
    admin.force_login(make_user("admin", role=Role.ADMIN))
    version = published.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    article = Article.objects.filter(page=published).order_by("position").first()
    fields = {"version": version, "article": 0, "section": "", "kicker": "", "headline": "Harvest festival",
              "subheadline": "", "byline_text": "", "source": "", "byline": ""}
    response = admin.post(f"/pages/{published.pk}/correct/edit/", fields, follow=True)
    assert "Saved: " in response.content.decode(), article.headline
    for url in (f"/pages/{published.pk}/history/", f"/pages/{published.pk}/correct/", f"/pages/{published.pk}/resplit/"):
        text = admin.get(url).content.decode()
        assert '<html lang="en">' in text and not untranslated(text), (url, untranslated(text))
    history = admin.get(f"/pages/{published.pk}/history/").content.decode()
    assert '<th scope="row">Headline</th>' in history
    # The summary is part of the record, written in Chinese whoever made the change; shown in English.
    assert published.revisions.order_by("-number").first().summary == "编辑第1篇：标题"
    assert "Edited Article 1: Headline" in history
    editor = english(Client())
    editor.force_login(make_user("editor", role=Role.EDITOR))
    text = PAGE_TEXT.replace("harvest", "spring")
    upload = SimpleUploadedFile("Test Daily_2025-04-01_A1.txt", text.encode(), content_type="text/plain")
    text = editor.post("/upload/", {"paper": "Test Daily", "files": [upload]}, follow=True).content.decode()
    assert "Saved as a draft (" in text and not untranslated(text), untranslated(text)
    text = editor.post("/accounts/logout/", follow=True).content.decode()
    assert not untranslated(text)


def _prose(node: object) -> list[str]:
    """Every description, summary and title in an OpenAPI document."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("description", "summary", "title") and isinstance(v, str)]
        return found + [s for v in node.values() for s in _prose(v)]
    if isinstance(node, list):
        return [s for v in node for s in _prose(v)]
    return []


def test_the_json_api_and_its_description_follow_the_language(archive):
    from articles.auth import issue_token

    published, draft = archive
    reader = english(Client())
    # The write API's refusals: no token, a token without the role, no such page, a field sent twice.
    assert reader.post("/api/pages").json()["error"].startswith("A valid API token is required")
    auth = {"HTTP_AUTHORIZATION": f"Token {issue_token(make_user('someone'))}"}
    assert reader.post("/api/pages", **auth).json() == {
        "error": "someone lacks the permission: it needs the “Editor” or “Administrator” role."
    }
    auth = {"HTTP_AUTHORIZATION": f"Token {issue_token(make_user('editor', role=Role.EDITOR))}"}
    assert reader.post("/api/pages/999999/publish", **auth).json() == {"error": "There is no page number 999999."}
    assert reader.get("/api/pages", **auth).json() == {"error": "Only POST is accepted (received GET)."}
    refused = reader.post("/api/pages", {"paper": ["Test Daily", "Other Daily"]}, **auth).json()
    assert refused == {"error": "Each field may be sent once only: paper"}
    form = reader.post("/api/pages", {"paper": "Test Daily"}, **auth).json()
    assert form["error"] == "Bad request: file: This field is required."
    # The description, in English throughout but for the example page label (第3版) and the quotes.
    english_spec = reader.get("/api/openapi.json").json()
    assert english_spec["info"]["title"] == "Regional Newspaper Archive JSON API"
    left = [text for text in _prose(english_spec) if untranslated(text.replace("第3版", "").replace("「…」", ""))]
    assert left == []
    # Chinese by default, the same document otherwise.
    chinese_spec = Client().get("/api/openapi.json").json()
    assert chinese_spec["info"]["title"] == "地方报纸档案 JSON 接口"
    assert Client().post("/api/pages", **auth).json()["error"].startswith("请求有误：")
    assert set(chinese_spec["paths"]) == set(english_spec["paths"])
    assert chinese_spec["components"]["schemas"].keys() == english_spec["components"]["schemas"].keys()


def test_a_published_page_s_preview_says_published_not_the_button_s_publish(archive):
    published, _draft = archive
    editor = english(Client())
    editor.force_login(make_user("editor", role=Role.EDITOR))
    text = editor.get(f"/pages/{published.pk}/preview/").content.decode()
    assert "· Published " in text
    assert "· Publish " not in text


def test_a_furniture_line_in_a_page_diff_is_labelled_in_english_its_text_as_printed():
    from django.utils import translation

    from articles.ingest_text import translated

    with translation.override("en"):
        assert translated("第7行 创建新时代文明实践") == "Line 7: 创建新时代文明实践"
        assert translated("正文") != "正文"  # the fixed labels still translate
    with translation.override("zh-hans"):
        assert translated("第7行 创建新时代文明实践") == "第7行 创建新时代文明实践"
