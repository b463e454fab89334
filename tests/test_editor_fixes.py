"""Reviewed defects of the editors' and admins' pages: a refused form keeps what was typed, a second
click on a used-up draft, Enter in the correction page's line form, breadcrumbs of drafts that
lead nowhere, and the article history's heading in English."""

from __future__ import annotations

import datetime as dt
import os
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import writer
from articles.models import Article, Newspaper, Page
from articles.roles import Role
from ingest import corrections
from tests.browser import CHROMIUM, IN_CI
from tests.conftest import SEED_FILES
from tests.factories import make_user
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

if CHROMIUM:
    # What require_chromium() does for a module of browser tests, for the one here (the module's
    # other tests run without a browser): Playwright's sync API runs an event loop in this thread
    # from the module's browser fixture on, and the ORM calls around it are plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
elif IN_CI:
    raise RuntimeError("CI needs Debian's chromium for the browser tests (apt-get install chromium)")

Status = Page.Status


def store(i: int, *, paper: str = "运城日报", date: dt.date | None = dt.date(2025, 7, 24), label: str = "第3版",
          status: str = Status.DRAFT) -> Page:
    meta = writer.PageMeta(paper=paper, date=date, label=label)
    return writer.ingest_file(SEED_FILES[i].name, SEED_FILES[i].read_bytes(), meta, status=status).page


@pytest.fixture
def editor(client):
    client.force_login(make_user("editor", role=Role.EDITOR))
    return client


@pytest.fixture
def admin(client):
    client.force_login(make_user("admin", role=Role.ADMIN))
    return client


def sent(html: str, action_ends: str, *pairs: tuple[str, str]) -> dict[str, list[str]]:
    """The form of ``html`` posting to ``…action_ends`` (holding ``pairs``) as a browser sends it."""
    return form_as_sent(html, lambda to, fields: to.endswith(action_ends) and all(p in fields for p in pairs))


# -- A. a refused form keeps what was typed -----------------------------------------------------


def test_a_refused_meta_form_is_shown_again_as_typed_with_the_error_beside_the_date(editor):
    page = store(3)
    response = editor.post(f"/pages/{page.pk}/meta/", {"paper": "新报名", "date": "1700-01-01", "label": "第9版"})
    assert response.status_code == 400
    html = response.content.decode()
    form = sent(html, "/meta/")
    assert (form["paper"], form["date"], form["label"]) == (["新报名"], ["1700-01-01"], ["第9版"])
    assert re.search(r'<details class="page-meta" id="page-meta" open>', html)
    # The reason inside the date's own field group, not only somewhere on the page.
    date_group = re.search(r'<div class="field">(?:(?!<div class="field">).)*?name="date".*?</div>', html, re.S).group()
    assert "日期须在 1800-01-01 到" in date_group
    assert 'aria-invalid="true"' in date_group
    assert 'role="alert"' in html
    page.refresh_from_db()
    assert (page.issue.newspaper.name, page.issue.date, page.label) == ("运城日报", dt.date(2025, 7, 24), "第3版")


@pytest.mark.parametrize(("field", "value", "why"), [
    ("paper", "运城\n日报", "报名含有换行或不是文字的字符"),
    ("label", "第3\x07版", "版次含有换行或不是文字的字符"),
    ("label", "第3\u2028版", "版次含有换行或不是文字的字符"),
    # Invisible format characters (Unicode's Cf) pasted in from Word or WeChat: 测试日报 and
    # 测试日报 + U+200B were two papers that looked the same.
    ("paper", "运城日报\u200b", "报名含有看不见的格式字符 U+200B"),
    ("paper", "\ufeff运城日报", "报名含有看不见的格式字符 U+FEFF"),
    ("paper", "运城\u2060日报", "报名含有看不见的格式字符 U+2060"),
    ("label", "第3\u200d版", "版次含有看不见的格式字符 U+200D"),
])
def test_the_meta_form_refuses_a_name_or_label_upload_would_refuse(editor, field, value, why):
    page = store(3)
    data = {"paper": "运城日报", "date": "2025-07-24", "label": "第3版", field: value}
    response = editor.post(f"/pages/{page.pk}/meta/", data)
    assert response.status_code == 400 and why in response.content.decode()
    page.refresh_from_db()
    assert (page.issue.newspaper.name, page.label) == ("运城日报", "第3版")


def test_the_admins_page_form_refuses_a_label_upload_would_refuse(admin):
    page = store(3)
    html = admin.get(f"/admin/articles/page/{page.pk}/change/").content.decode()
    form = form_as_sent(html, lambda action, fields: any(name == "label" for name, _ in fields))
    form.update(_save=["Save"], label=["第3\x0b版"])
    response = admin.post(f"/admin/articles/page/{page.pk}/change/", form)
    assert response.status_code == 200 and "版次含有换行或不是文字的字符" in response.content.decode()
    page.refresh_from_db()
    assert page.label == "第3版"


@pytest.mark.parametrize("paper", ["测试日报\u200b", "测试\u200c日报", "\ufeff测试日报"])
def test_an_upload_refuses_a_paper_name_holding_an_invisible_character_naming_it(editor, paper):
    store(3, paper="测试日报")
    response = editor.post("/upload/", {"paper": paper, "files": [SimpleUploadedFile("z.txt", SEED_FILES[4].read_bytes())]})
    assert response.status_code == 302
    html = editor.get("/upload/drafts/").content.decode()
    assert "z.txt" in html and "报名含有看不见的格式字符 U+" in html
    assert list(Newspaper.objects.values_list("name", flat=True)) == ["测试日报"]


def test_the_meta_form_closed_and_filled_from_the_page_when_nothing_was_refused(editor):
    page = store(3)
    html = editor.get(f"/pages/{page.pk}/preview/").content.decode()
    assert '<details class="page-meta" id="page-meta">' in html
    assert sent(html, "/meta/")["date"] == ["2025-07-24"]


def test_a_taken_slot_is_refused_on_the_form_with_the_typed_values_kept(editor):
    taken = store(3, label="第3版")
    page = store(4, label="第4版")
    response = editor.post(f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "2025-07-24", "label": "第3版"})
    assert response.status_code == 400
    html = response.content.decode()
    assert sent(html, "/meta/")["label"] == ["第3版"]
    assert f'<a href="/pages/{taken.pk}/preview/">{taken}</a>' in html and re.search(r'<details class="page-meta" id="page-meta" open>', html)
    assert Page.objects.get(pk=page.pk).label == "第4版"


def test_a_valid_meta_form_still_saves_and_redirects(editor):
    page = store(3)
    response = editor.post(f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "2025-07-25", "label": "第5版"})
    assert response.status_code == 302 and response["Location"] == f"/pages/{page.pk}/preview/"
    assert Page.objects.get(pk=page.pk).label == "第5版"


@pytest.fixture
def corrected(seeds) -> Page:
    """The first seed page (six articles), published."""
    return Page.objects.get(source_name=SEED_FILES[0].name)


def version(page: Page) -> int:
    return page.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def correct_url(page: Page, action: str = "") -> str:
    return f"/pages/{page.pk}/correct/{action + '/' if action else ''}"


def test_refused_counties_are_shown_again_as_typed(admin, corrected):
    state = writer.load_state(corrected)
    response = admin.post(
        correct_url(corrected, "counties"),
        {"version": version(corrected), "article": 0, "ref": state.articles[0].ref, "counties": "介休市 不存在县", "primary": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不存在县" in html and 'role="alert"' in html
    form = sent(html, "/correct/counties/", ("article", "0"))
    assert form["counties"] == ["介休市 不存在县"]
    # The other articles' boxes still show what is stored.
    other = sent(html, "/correct/counties/", ("article", "1"))
    assert "不存在县" not in other["counties"][0]
    assert writer.load_state(corrected).articles[0].counties == state.articles[0].counties


def test_a_typed_headline_survives_a_stale_version_and_follows_its_article(admin, corrected):
    state = writer.load_state(corrected)
    seen = version(corrected)
    target = state.articles[2]
    # Another admin splits the first article meanwhile: the third article is now the fourth.
    first = state.articles[0]
    split = corrections.split_article(state, 0, first.lines[-1], source=corrections.source_lines(corrected.raw_text))
    writer.apply_state(corrected, split, user=None, action=writer.Action.CORRECT, summary="拆分")
    data = {name: getattr(target, name) for name in corrections.TEXT_FIELDS}
    data.update(
        version=seen, article=2, ref=target.ref, headline="管理员刚输入的标题", byline="、".join(target.byline),
        intertitle=target.intertitles, caption_text=[c.text for c in target.captions],
        caption_credit=[c.credit for c in target.captions],
    )
    response = admin.post(correct_url(corrected, "edit"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个版面刚被修改过" in html
    moved = sent(html, "/correct/edit/", ("ref", str(target.ref)))
    assert moved["article"] == ["3"] and moved["headline"] == ["管理员刚输入的标题"]
    assert moved["version"] == [str(version(corrected))]  # sent again, it applies to the latest version
    # Not put into the article now at the old place.
    assert sent(html, "/correct/edit/", ("article", "2"))["headline"] != ["管理员刚输入的标题"]
    # The edited article's fields are open; the others closed.
    assert len(re.findall(r"<details open>\s*<summary>编辑字段</summary>", html)) == 1
    assert Article.objects.get(pk=target.ref).headline == target.headline

    # Sent again from the re-rendered form, it is saved to that article.
    response = admin.post(correct_url(corrected, "edit"), moved)
    assert response.status_code == 302
    assert Article.objects.get(pk=target.ref).headline == "管理员刚输入的标题"


def test_ticked_lines_and_the_line_form_s_choices_are_kept_after_a_refusal(admin, corrected):
    state = writer.load_state(corrected)
    two = state.articles[1].lines[:2]
    response = admin.post(
        correct_url(corrected, "lines"),
        {"version": version(corrected), "line": two, "do": "split", "kind": "banner", "into": "2"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "拆分时请只勾选一行" in html
    form = sent(html, "/correct/lines/")
    assert form["line"] == [str(n) for n in two]
    assert form["kind"] == ["banner"] and form["into"] == ["2"]


def test_a_correction_page_without_a_refusal_ticks_nothing(admin, corrected):
    form = sent(admin.get(correct_url(corrected)).content.decode(), "/correct/lines/")
    assert "line" not in form and form["kind"] == ["other"]


# -- B. a second click on a used-up draft ---------------------------------------------------------


def test_discarding_a_draft_twice_ends_on_the_drafts_page_saying_so(editor):
    page = store(3)
    first = editor.post(f"/pages/{page.pk}/discard/")
    assert first.status_code == 302 and first["Location"] == "/upload/drafts/"
    editor.get("/upload/drafts/")  # the first click's message, read
    second = editor.post(f"/pages/{page.pk}/discard/")
    assert second.status_code == 302 and second["Location"] == "/upload/drafts/"
    assert "这份草稿已经删除了" in editor.get("/upload/drafts/").content.decode()


def test_a_draft_deleted_while_its_discard_runs_is_no_error(editor, monkeypatch):
    page = store(3)
    real = writer.discard

    def late(p):  # the other click's transaction commits first
        Page.objects.filter(pk=p.pk).delete()
        return real(p)

    monkeypatch.setattr(writer, "discard", late)
    response = editor.post(f"/pages/{page.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == "/upload/drafts/"
    assert "这份草稿已经删除了" in editor.get("/upload/drafts/").content.decode()


def test_replacing_with_a_draft_twice_ends_on_the_drafts_page_saying_so(editor):
    original = store(3, status=Status.PUBLISHED)
    text = SEED_FILES[3].read_text(encoding="utf-8").replace("。", "。（更正）", 1)
    meta = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版")
    draft = writer.ingest_file("v2.txt", text.encode(), meta, status=Status.DRAFT, same_slot="keep").page
    first = editor.post(f"/pages/{draft.pk}/replace/", {"target": original.pk})
    assert first.status_code == 302 and first["Location"] == f"/pages/{original.pk}/preview/"
    editor.get(first["Location"])
    revisions = original.revisions.count()
    second = editor.post(f"/pages/{draft.pk}/replace/", {"target": original.pk})
    assert second.status_code == 302 and second["Location"] == "/upload/drafts/"
    assert "这份草稿已经不在了" in editor.get("/upload/drafts/").content.decode()
    assert original.revisions.count() == revisions


def test_an_address_that_never_was_a_draft_is_no_404_either_but_changes_nothing(editor):
    page = store(3, status=Status.PUBLISHED)
    response = editor.post(f"/pages/{page.pk + 1000}/discard/")
    assert response.status_code == 302 and response["Location"] == "/upload/drafts/"
    assert Page.objects.filter(pk=page.pk).exists()


# -- C. Enter in the line form submits nothing ------------------------------------------------------


def test_the_line_form_s_first_submit_button_submits_nothing(admin, corrected):
    html = admin.get(correct_url(corrected)).content.decode()
    form = html[html.index('id="lines-form"'):]
    first = re.search(r"<button[^>]*>", form).group()
    # Implicit submission presses the form's first submit button: a dialog's method outside a
    # dialog sends nothing. Hidden, it is neither seen nor reached with Tab.
    assert 'formmethod="dialog"' in first and "hidden" in first and 'name="' not in first
    assert '<a href="#line-actions">' in form and 'id="line-actions"' in form


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not CHROMIUM and not IN_CI, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_enter_on_a_ticked_line_saves_nothing_and_the_buttons_still_work(new_page):
    from playwright.sync_api import expect

    from tests.browser import sign_in_at
    from tests.factories import ingest_seeds

    ingest_seeds()
    make_user("admin", role=Role.ADMIN)
    stored = Page.objects.get(source_name=SEED_FILES[0].name)
    state = writer.load_state(stored)
    at = state.articles[1].lines[-2]
    page = new_page()
    path = f"/pages/{stored.pk}/correct/"
    sign_in_at(page, path, "admin")
    sent_forms = []
    page.on("request", lambda r: sent_forms.append(r.url) if r.method == "POST" else None)

    box = page.get_by_label(str(at), exact=True)
    box.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    assert sent_forms == [] and stored.revisions.count() == 0
    expect(box).to_be_checked()
    # Enter in the furniture kind's list submits nothing either.
    page.get_by_label("版面元素类别").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert sent_forms == [] and page.url.endswith(path)

    # From the end of the table, one link back to the actions: the next Tab is the first button.
    page.get_by_role("link", name="回到对勾选的行的操作").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="从这一行起拆成新文章")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("已保存：拆分")
    assert len(writer.load_state(stored).articles) == len(state.articles) + 1


# -- D. breadcrumbs lead where a reader can go -------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.hrefs, self.text = False, [], []

    def handle_starttag(self, tag, attrs):
        if tag == "nav" and ("class", "breadcrumbs") in attrs:
            self.inside = True
        elif tag == "a" and self.inside:
            self.hrefs.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)


def crumbs(html: str) -> tuple[list[str], str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs, "".join(parser.text)


def reader_can_follow(hrefs: list[str], *, editor: Client | None = None, theirs: tuple[str, ...] = ()) -> None:
    """Every step answers 200 for a reader; ``theirs``, the editor's own (the drafts, a draft page),
    for the editor."""
    reader = Client()
    for href in hrefs:
        if href in theirs:
            assert editor.get(href).status_code == 200, href
        else:
            assert reader.get(href).status_code == 200, href


def test_a_draft_of_a_new_paper_links_to_the_drafts_not_to_a_404(editor):
    page = store(3, paper="新报名")
    article = Article.objects.filter(page=page).first()
    for path in (f"/pages/{page.pk}/", f"/articles/{article.pk}/"):
        hrefs, text = crumbs(editor.get(path).content.decode())
        assert hrefs[0] == "/upload/drafts/" and "新报名" in text and "2025年7月24日" in text, path
        assert not any(h.startswith(f"/papers/{page.issue.newspaper_id}/") for h in hrefs), path
        reader_can_follow(hrefs, editor=editor, theirs=("/upload/drafts/", f"/pages/{page.pk}/"))


def test_a_draft_of_a_paper_with_published_pages_links_to_the_paper_only(editor):
    store(3, date=dt.date(2025, 7, 23), status=Status.PUBLISHED)
    page = store(4, date=dt.date(2025, 7, 24))
    hrefs, _ = crumbs(editor.get(f"/pages/{page.pk}/").content.decode())
    paper = page.issue.newspaper_id
    assert f"/papers/{paper}/" in hrefs and f"/papers/{paper}/2025-07-24/" not in hrefs
    reader_can_follow(hrefs, editor=editor, theirs=("/upload/drafts/",))


def test_a_draft_in_an_issue_with_a_published_page_links_to_that_issue(editor):
    store(3, label="第3版", status=Status.PUBLISHED)
    page = store(4, label="第4版")
    paper = page.issue.newspaper_id
    hrefs, _ = crumbs(editor.get(f"/pages/{page.pk}/").content.decode())
    assert hrefs == ["/upload/drafts/", f"/papers/{paper}/", f"/papers/{paper}/2025-07-24/"]
    reader_can_follow(hrefs, editor=editor, theirs=("/upload/drafts/",))


def test_a_withdrawn_page_seen_by_an_editor_links_only_where_a_reader_can_go(editor):
    page = store(3, status=Status.PUBLISHED)
    writer.set_status(page, Status.WITHDRAWN)
    hrefs, text = crumbs(editor.get(f"/pages/{page.pk}/").content.decode())
    assert hrefs == ["/papers/"] and "运城日报" in text
    reader_can_follow(hrefs)


def test_a_published_page_and_its_article_keep_every_link_for_a_reader(client):
    page = store(3, status=Status.PUBLISHED)
    article = Article.objects.filter(page=page).first()
    paper = page.issue.newspaper_id
    hrefs, _ = crumbs(client.get(f"/pages/{page.pk}/").content.decode())
    assert hrefs == ["/papers/", f"/papers/{paper}/", f"/papers/{paper}/2025-07-24/"]
    hrefs, _ = crumbs(client.get(f"/articles/{article.pk}/").content.decode())
    assert hrefs == ["/papers/", f"/papers/{paper}/", f"/papers/{paper}/2025-07-24/", f"/pages/{page.pk}/"]
    reader_can_follow(hrefs)


def test_a_published_page_s_breadcrumb_asks_the_database_nothing(client, django_assert_max_num_queries):
    page = store(3, status=Status.PUBLISHED)
    with django_assert_max_num_queries(4):  # as tests/test_pages.py allows the page view
        client.get(f"/pages/{page.pk}/")


# -- E. the article history's heading in English ----------------------------------------------------


def test_an_article_s_history_is_headed_article_n_in_english_and_unchanged_in_chinese(admin, corrected):
    ref = writer.load_state(corrected).articles[0].ref
    path = f"/pages/{corrected.pk}/history/articles/{ref}/"
    assert f"· 文章 {ref}</span>" in admin.get(path).content.decode()
    admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = admin.get(path).content.decode()
    assert f"· Article {ref}</span>" in html and f"Articles {ref}" not in html


# -- F. a withdrawn page whose place holds another page is published again ------------------------


def withdrawn_beside(other_status: str) -> tuple[Page, Page]:
    """A page published, then withdrawn, whose place (paper, date, page) holds another page: one
    kept beside it on purpose (published), or a replacement not yet dealt with (a draft)."""
    page = store(3, status=Status.PUBLISHED)
    meta = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版")
    other = writer.ingest_file("v2.txt", SEED_FILES[4].read_bytes(), meta, status=other_status, same_slot="keep").page
    return writer.set_status(page, Status.WITHDRAWN), other


@pytest.mark.parametrize("other_status", [Status.PUBLISHED, Status.DRAFT])
def test_a_withdrawn_page_whose_place_is_held_is_offered_keep_both_on_its_preview(editor, other_status):
    # Its preview offered only 发布, which was refused with "请选择“替换原版面”或“两者都保留”": a dead end.
    page, other = withdrawn_beside(other_status)
    html = editor.get(f"/pages/{page.pk}/preview/").content.decode()
    assert sent(html, f"/pages/{page.pk}/publish/", ("keep_both", "1")) and "两者都保留，再次发布" in html
    with pytest.raises(AssertionError, match="no such form"):  # no plain 发布, which is only refused
        form_as_sent(html, lambda to, fields: to.endswith(f"/pages/{page.pk}/publish/") and ("keep_both", "1") not in fields)
    assert "/replace/" not in html  # a replace uses a draft up: this page is none
    refused = editor.post(f"/pages/{page.pk}/publish/", follow=True).content.decode()
    assert "“两者都保留，再次发布”" in refused and "替换原版面" not in refused
    assert Page.objects.get(pk=page.pk).status == Status.WITHDRAWN
    editor.post(f"/pages/{page.pk}/publish/", {"keep_both": "1"})
    assert Page.objects.get(pk=page.pk).status == Status.PUBLISHED
    assert Page.objects.get(pk=other.pk).status == other_status


def test_the_admin_points_a_withdrawn_page_to_keep_both_not_to_a_replace_it_cannot_make(admin):
    page, other = withdrawn_beside(Status.PUBLISHED)
    html = admin.get(f"/admin/articles/page/{page.pk}/change/").content.decode()
    form = form_as_sent(html, lambda action, fields: any(name == "label" for name, _ in fields))
    form.update(_save=["Save"], status=[Status.PUBLISHED])
    text = admin.post(f"/admin/articles/page/{page.pk}/change/", form).content.decode()
    assert f"已发布的版面（第 {other.pk} 号）：没有发布" in text and "“两者都保留，再次发布”" in text
    assert "替换原版面" not in text
    assert Page.objects.get(pk=page.pk).status == Status.WITHDRAWN
