"""Replacing a page from a draft's preview, and the preview's other forms, when someone else got
there first: the corrections a replace would drop listed before the button and confirmed on
purpose, what re-uploading the old file does and does not bring back said truthfully, a replace or
a paper/date/page form made from an older version of the page refused, and a second tab's 发布 or
保存 of a draft that is gone led to the drafts list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from articles import writer
from articles.models import Article, Page, PageRevision
from articles.roles import Role
from ingest import corrections
from tests.conftest import SEED_FILES
from tests.factories import make_user, signed_in
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

Status = Page.Status
DAY = dt.date(2025, 7, 24)
META = writer.PageMeta(paper="运城日报", date=DAY, label="第3版")
FIXED = "管理员校正过的标题"


def published(name: str = "old.txt", data: bytes | None = None) -> Page:
    data = SEED_FILES[1].read_bytes() if data is None else data
    return writer.ingest_file(name, data, META, status=Status.PUBLISHED).page


def draft_for(name: str, text: str) -> Page:
    """A draft of the same slot, kept beside the page as the upload page keeps it."""
    return writer.ingest_file(name, text.encode(), META, status=Status.DRAFT, same_slot="keep").page


def correct_headline(page: Page, i: int = 0, headline: str = FIXED) -> None:
    state = writer.load_state(page)
    fixed = corrections.edit_fields(state, i, headline=headline)
    writer.apply_state(page, fixed, user=None, action=PageRevision.Action.EDIT, summary="改标题")


def changed_inside(page: Page, i: int = 0) -> str:
    """The page's text with one character added to the last line of its article ``i``."""
    lines = page.raw_text.split("\n")
    n = writer.load_state(page).articles[i].lines[-1]
    lines[n - 1] = lines[n - 1] + "。"
    return "\n".join(lines)


def changed_outside(page: Page, i: int = 0) -> str:
    """The page's text with a line changed that article ``i`` does not hold."""
    state = writer.load_state(page)
    mine = set(state.articles[i].lines)
    lines = page.raw_text.split("\n")
    n = next(n for a in state.articles[1:] for n in a.lines if n not in mine and lines[n - 1].strip())
    lines[n - 1] = lines[n - 1] + "（更正）"
    return "\n".join(lines)


def replace_form(html: str, target: Page) -> dict[str, list[str]]:
    return form_as_sent(html, lambda to, fields: to.endswith("/replace/") and ("target", str(target.pk)) in fields)


def meta_form(html: str) -> dict[str, list[str]]:
    return form_as_sent(html, lambda to, fields: to.endswith("/meta/"))


def shown_messages(client: Client) -> str:
    return client.get("/upload/drafts/").content.decode()


def state_of(page: Page) -> tuple:
    page = Page.objects.get(pk=page.pk)
    return page.raw_text, page.source_name, list(page.revisions.values_list("number", flat=True))


# -- the corrections a replace would drop, listed and confirmed ------------------------------------


def corrected_with_draft() -> tuple[Page, Page, tuple]:
    """A published page with an admin's correction, a draft of its place whose file changes the
    corrected article's lines (so a replace drops the correction), and the page's state."""
    page = published()
    correct_headline(page)
    return page, draft_for("new.txt", changed_inside(page)), state_of(page)


def test_the_preview_lists_the_corrections_a_replace_would_drop_and_writes_nothing(counties):
    page, draft, before = corrected_with_draft()
    admin = signed_in("adm", Role.ADMIN)
    html = admin.get(f"/pages/{draft.pk}/preview/").content.decode()
    listed = html[html.index('class="notice lost-corrections"') : html.index("</div>", html.index('class="notice lost-corrections"'))]
    assert f"《{FIXED}》" in listed and "这篇文章的原文行在新文件中有改动" in listed
    assert f"标题（改为“{FIXED}”）" in listed  # what was corrected, and to what
    assert "重新上传旧文件只会找回旧文本，找不回这些校正" in listed
    # before the button, and the button's form asks for the confirmation
    assert html.index("lost-corrections") < html.index("用这份文件替换原版面")
    assert re.search(r'<input type="checkbox" name="lost_ok" value="1" required[^>]*> 我知道这些人工校正不会沿用', html)
    assert state_of(page) == before and Page.objects.filter(pk=draft.pk).exists()


def test_an_editor_sees_what_a_replace_would_drop_and_leaves_it_to_an_admin(counties):
    # A replace cannot be undone, and the corrections it drops are an admin's audited work: an
    # editor who ticked the box threw them away for good (a reviewer's finding).
    page, draft, before = corrected_with_draft()
    editor = signed_in("ed", Role.EDITOR)
    html = editor.get(f"/pages/{draft.pk}/preview/").content.decode()
    assert f"《{FIXED}》" in html and "只有管理员可以做会丢掉人工校正的替换" in html
    assert "用这份文件替换原版面" not in html and 'name="lost_ok"' not in html
    assert "两者都保留" in html  # keeping both drops nothing
    # Sent anyway, confirmed: refused, nothing written, the draft kept.
    response = editor.post(f"/pages/{draft.pk}/replace/", {"target": page.pk, "version": writer.version(page), "lost_ok": "1"})
    assert response.status_code == 400 and "只有管理员可以这样替换" in response.content.decode()
    assert state_of(page) == before and Page.objects.filter(pk=draft.pk).exists()
    assert Article.objects.filter(page=page, headline=FIXED).exists()
    # The writer holds the rule for every caller (the API, the upload page).
    result = writer.replace_with_draft(page, draft, user=editor_user("ed"))
    assert result.outcome == writer.Outcome.LOST_CORRECTIONS and result.admin_needed
    assert state_of(page) == before and Page.objects.filter(pk=draft.pk).exists()


def editor_user(name: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_nothing_is_listed_or_asked_when_every_correction_carries_over(counties):
    page = published()
    correct_headline(page)
    draft = draft_for("new.txt", changed_outside(page))
    html = signed_in("ed", Role.EDITOR).get(f"/pages/{draft.pk}/preview/").content.decode()
    assert "lost-corrections" not in html and "lost_ok" not in html
    assert "用这份文件替换原版面" in html


def test_a_replace_that_drops_corrections_is_refused_unless_confirmed_and_nothing_is_written(counties):
    page = published()
    correct_headline(page)
    draft = draft_for("new.txt", changed_inside(page))
    before = state_of(page)
    admin = signed_in("adm", Role.ADMIN)
    form = replace_form(admin.get(f"/pages/{draft.pk}/preview/").content.decode(), page)
    assert "lost_ok" not in form  # as a browser without the required check would send it
    response = admin.post(f"/pages/{draft.pk}/replace/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请勾选“我知道这些人工校正不会沿用”后再替换" in html
    assert f"《{FIXED}》" in html and 'name="lost_ok"' in html  # the list and the form, shown again
    assert state_of(page) == before and Page.objects.filter(pk=draft.pk).exists()
    assert Article.objects.filter(page=page, headline=FIXED).exists()


def test_a_confirmed_replace_drops_them_and_says_what_uploading_the_old_file_brings_back(counties):
    page = published()
    correct_headline(page)
    draft = draft_for("new.txt", changed_inside(page))
    admin = signed_in("adm", Role.ADMIN)
    form = replace_form(admin.get(f"/pages/{draft.pk}/preview/").content.decode(), page)
    response = admin.post(f"/pages/{draft.pk}/replace/", {**form, "lost_ok": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/pages/{page.pk}/preview/"
    said = [str(m) for m in response.context["messages"]]
    assert any("已替换" in m for m in said) and any(f"人工校正未能沿用：《{FIXED}》" in m for m in said)
    assert any("重新上传旧文件只会找回旧文本，找不回上面这些人工校正" in m for m in said)
    assert not Page.objects.filter(pk=draft.pk).exists()
    assert Page.objects.get(pk=page.pk).source_name == "new.txt"
    assert not Article.objects.filter(page=page, headline=FIXED).exists()


def test_undo_and_revert_past_a_replace_say_truthfully_what_uploading_the_old_file_does(counties):
    page = published()
    correct_headline(page)
    result = writer.replace_page(page, "new.txt", changed_inside(page).encode())
    assert result.outcome == writer.Outcome.REPLACED and result.conflicts
    admin = signed_in("adm", Role.ADMIN)
    version = writer.version(page)
    for response in (
        admin.post(f"/pages/{page.pk}/undo/", {"version": version}),
        admin.post(f"/pages/{page.pk}/revert/", {"version": version, "number": 1}),
    ):
        html = response.content.decode()
        assert response.status_code == 400
        assert "重新上传旧文件只会找回旧文本，找不回替换前的人工校正" in html and "记在下面的修订记录里" in html
        assert "请重新上传旧文件" not in html
    assert "uploading the old file again brings back its text, not the hand corrections" in writer.undo_refusal(page)


# -- a replace from a stale preview ---------------------------------------------------------------


def test_a_replace_from_a_preview_opened_before_another_replace_is_refused(counties):
    page = published()
    text = page.raw_text
    first, second = draft_for("a.txt", text + "\nA的更正稿"), draft_for("b.txt", text + "\nB的旧稿")
    a, b = signed_in("ed_a", Role.EDITOR), signed_in("ed_b", Role.EDITOR)
    form_a = replace_form(a.get(f"/pages/{first.pk}/preview/").content.decode(), page)
    form_b = replace_form(b.get(f"/pages/{second.pk}/preview/").content.decode(), page)
    assert form_a["version"] == form_b["version"] == ["0"]
    assert a.post(f"/pages/{first.pk}/replace/", form_a).status_code == 302
    after_a = state_of(page)
    response = b.post(f"/pages/{second.pk}/replace/", form_b)
    assert response.status_code == 400
    assert "要替换的版面在你打开这个预览之后被改过（现在是版本 1，你打开的是版本 0）：没有替换。" in response.content.decode()
    assert state_of(page) == after_a and after_a[1] == "a.txt"
    assert Page.objects.filter(pk=second.pk, status=Status.DRAFT).exists()  # B's draft is kept


def test_a_replace_from_a_preview_opened_before_a_correction_is_refused_and_then_lists_it(counties):
    page = published()
    draft = draft_for("new.txt", changed_inside(page))
    admin = signed_in("adm", Role.ADMIN)
    form = replace_form(admin.get(f"/pages/{draft.pk}/preview/").content.decode(), page)
    assert "lost_ok" not in form  # nothing to drop yet
    correct_headline(page)  # another admin, meanwhile
    before = state_of(page)
    response = admin.post(f"/pages/{draft.pk}/replace/", form)
    html = response.content.decode()
    assert response.status_code == 400 and "在你打开这个预览之后被改过" in html
    assert f"《{FIXED}》" in html and 'name="lost_ok"' in html  # what the replace would now drop
    assert state_of(page) == before and Article.objects.filter(page=page, headline=FIXED).exists()


# -- the paper/date/page form from a stale preview -------------------------------------------------


def test_a_stale_meta_form_is_refused_and_shown_again_as_typed(counties):
    page = writer.ingest_file(SEED_FILES[0].name, SEED_FILES[0].read_bytes(), META, status=Status.DRAFT).page
    a, b = signed_in("ed_a", Role.EDITOR), signed_in("ed_b", Role.EDITOR)
    url = f"/pages/{page.pk}/preview/"
    form_a, form_b = meta_form(a.get(url).content.decode()), meta_form(b.get(url).content.decode())
    assert form_a["version"] == ["0"]
    assert b.post(f"/pages/{page.pk}/meta/", {**form_b, "label": ["第4版"]}).status_code == 302
    response = a.post(f"/pages/{page.pk}/meta/", {**form_a, "date": ["2025-07-25"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个版面在你打开预览之后被改过（现在是版本 1，你打开的是版本 0）：报名、日期、版次没有保存。" in html
    page = Page.objects.select_related("issue").get(pk=page.pk)
    assert (page.label, page.issue.date) == ("第4版", DAY)  # B's fix kept
    shown = meta_form(html)
    assert shown["date"] == ["2025-07-25"] and shown["label"] == ["第3版"]  # as A typed
    assert shown["version"] == ["1"]  # told, A may now save it on purpose
    assert a.post(f"/pages/{page.pk}/meta/", shown).status_code == 302
    page = Page.objects.select_related("issue").get(pk=page.pk)
    assert (page.label, page.issue.date) == ("第3版", dt.date(2025, 7, 25))


def test_a_meta_form_without_a_version_is_taken_as_made_from_the_page_as_it_is(counties):
    # The admin's page form's rule: a script's post, not the page's form.
    page = writer.ingest_file(SEED_FILES[0].name, SEED_FILES[0].read_bytes(), META, status=Status.DRAFT).page
    correct_headline(page)
    response = signed_in("ed", Role.EDITOR).post(f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "2025-07-24", "label": "第4版"})
    assert response.status_code == 302 and Page.objects.get(pk=page.pk).label == "第4版"


def test_a_meta_form_with_a_version_that_is_no_number_is_refused(counties):
    page = writer.ingest_file(SEED_FILES[0].name, SEED_FILES[0].read_bytes(), META, status=Status.DRAFT).page
    response = signed_in("ed", Role.EDITOR).post(
        f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "2025-07-24", "label": "第4版", "version": "x"}
    )
    assert response.status_code == 400 and "表单的版本号不对" in response.content.decode()
    assert Page.objects.get(pk=page.pk).label == "第3版"


# -- a second tab's 发布 or 保存 of a draft that is gone ------------------------------------------------


@pytest.mark.parametrize("gone_by", ["discard", "replace"])
@pytest.mark.parametrize("action", ["publish", "meta"])
def test_a_second_tab_s_click_on_a_draft_gone_leads_to_the_drafts_list_saying_so(counties, gone_by, action):
    editor = signed_in("ed", Role.EDITOR)
    if gone_by == "discard":
        draft = writer.ingest_file("a.txt", SEED_FILES[0].read_bytes(), META, status=Status.DRAFT).page
        html = editor.get(f"/pages/{draft.pk}/preview/").content.decode()
        assert editor.post(f"/pages/{draft.pk}/discard/").status_code == 302
    else:
        page = published()
        draft = draft_for("new.txt", page.raw_text + "\n更正")
        html = editor.get(f"/pages/{draft.pk}/preview/").content.decode()
        assert editor.post(f"/pages/{draft.pk}/replace/", replace_form(html, page)).status_code == 302
    form = meta_form(html) if action == "meta" else {}
    response = editor.post(f"/pages/{draft.pk}/{action}/", form)
    assert response.status_code == 302 and response["Location"] == "/upload/drafts/"
    assert "这份草稿已经不在了：它已替换了原版面，或已被删除。" in shown_messages(editor)


def test_the_replace_safety_texts_are_english_on_an_english_page(counties):
    page = published()
    correct_headline(page)
    draft = draft_for("new.txt", changed_inside(page))
    for user in (signed_in("adm", Role.ADMIN), signed_in("ed", Role.EDITOR)):
        user.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = user.get(f"/pages/{draft.pk}/preview/").content.decode()
        for chinese in ("会丢掉这些人工校正", "我知道这些人工校正不会沿用", "重新上传旧文件", "；校正过：", "（改为", "（原第", "只有管理员"):
            assert chinese not in html
        response = user.post(f"/pages/{draft.pk}/replace/", {"target": page.pk, "version": writer.version(page)})
        assert response.status_code == 400 and "后再替换" not in response.content.decode()
        assert "只有管理员" not in response.content.decode()


def test_the_second_of_two_replace_clicks_that_came_together_is_led_to_the_drafts_list(counties, monkeypatch):
    from articles import editor_views

    page = published()
    draft = draft_for("new.txt", changed_outside(page))
    client = signed_in("ed", Role.EDITOR)
    form = replace_form(client.get(f"/pages/{draft.pk}/preview/").content.decode(), page)
    slot_pages = editor_views._slot_pages

    def first_click_commits_meanwhile(d: Page) -> list[Page]:
        # The first click's request runs to its end while this one waits for the page's lock:
        # the draft is used up and the page's version has moved on.
        found = slot_pages(d)
        writer.discard(Page.objects.get(pk=d.pk))
        writer.replace_page(page, d.source_name, d.raw_text.encode(), user=None)
        return found

    monkeypatch.setattr(editor_views, "_slot_pages", first_click_commits_meanwhile)
    response = client.post(f"/pages/{draft.pk}/replace/", form)
    assert (response.status_code, response["Location"]) == (302, "/upload/drafts/")
