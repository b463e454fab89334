"""Editors' and admins' flows a review found wrong (tenth session): a draft's own hand corrections
kept when it replaces a page, a draft of a
legacy-encoded file replacing a page near the size limit, undo not offered when it would put a page
back in a paper deleted since, saving the paper/date/page form unchanged not said to have changed
anything, and a draft discarded meanwhile answered as gone, not with a 500."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from articles import writer
from articles.models import Newspaper, Page, PageRevision
from articles.roles import Role
from ingest import corrections
from tests.conftest import SEED_FILES
from tests.factories import make_user
from tests.forms_as_sent import form_as_sent
from tests.test_editor_replace_safety import DAY, META, Status, published, signed_in

pytestmark = pytest.mark.django_db

Action = PageRevision.Action
ON_DRAFT = "管理员在草稿上改的标题"


def draft_of(data: bytes, name: str = "new.txt") -> Page:
    return writer.ingest_file(name, data, META, status=Status.DRAFT, same_slot="keep").page


def edit_headline(page: Page, headline: str, i: int = 0) -> None:
    state = writer.load_state(page)
    writer.apply_state(page, corrections.edit_fields(state, i, headline=headline), user=None, action=Action.EDIT, summary="改标题")


def replace_from_preview(client: Client, draft: Page, target: Page):
    html = client.get(f"/pages/{draft.pk}/preview/").content.decode()
    form = form_as_sent(html, lambda to, fields: to.endswith("/replace/") and ("target", str(target.pk)) in fields)
    return client.post(f"/pages/{draft.pk}/replace/", form)


def test_a_drafts_own_hand_corrections_become_the_replaced_pages(counties):
    page = published()
    lines = page.raw_text.split("\n")
    draft = draft_of(("\n".join(lines[:-1] + [lines[-1] + "（更正）"])).encode())
    edit_headline(draft, ON_DRAFT)
    response = replace_from_preview(signed_in("ed", Role.EDITOR), draft, page)
    assert response.status_code == 302
    assert not Page.objects.filter(pk=draft.pk).exists()
    assert writer.load_state(page).articles[0].headline == ON_DRAFT
    replace = page.revisions.order_by("-number").first()
    assert replace.action == Action.REPLACE and replace.state["articles"][0]["headline"] == ON_DRAFT


def test_a_replace_that_fails_keeps_the_draft(counties, monkeypatch):
    from django.db import DatabaseError

    page = published()
    draft = draft_of(SEED_FILES[2].read_bytes())

    def refused(*args, **kwargs):
        raise DatabaseError("refused")

    monkeypatch.setattr(writer, "_record", refused)
    assert writer.replace_with_draft(page, draft).outcome == writer.Outcome.FAILED
    assert Page.objects.filter(pk=draft.pk).exists()


def test_a_draft_of_a_gb18030_file_replaces_a_page_though_its_text_is_longer_in_utf8(counties):
    text = SEED_FILES[1].read_text(encoding="utf-8")
    page = published()
    data = (text + "\n补记一行。\n").encode("gb18030")
    # The limit the GB 18030 file passed, which its text re-encoded as UTF-8 would not.
    with override_settings(INGEST_MAX_FILE_BYTES=len(data) + 10):
        draft = draft_of(data)
        assert draft is not None
        response = replace_from_preview(signed_in("ed", Role.EDITOR), draft, page)
    assert response.status_code == 302 and response.url.endswith(f"/pages/{page.pk}/preview/")
    assert "补记一行。" in Page.objects.get(pk=page.pk).raw_text
    assert not Page.objects.filter(pk=draft.pk).exists()


def test_undo_is_not_offered_when_it_would_put_the_page_back_in_a_deleted_paper(counties):
    page = published()
    old_paper = page.issue.newspaper
    writer.update_page_meta(page, paper="临汾日报")
    assert writer.undo_refusal(page) is None
    Newspaper.objects.filter(pk=old_paper.pk).delete()  # no pages left in it: the admin deletes it
    assert "no longer in the archive" in writer.undo_refusal(Page.objects.get(pk=page.pk))
    html = signed_in("admin", Role.ADMIN).get(f"/pages/{page.pk}/history/").content.decode()
    assert "撤销上一次改动" not in html


def test_saving_the_paper_date_and_page_unchanged_says_nothing_changed_and_records_nothing(counties):
    draft = draft_of(SEED_FILES[2].read_bytes())
    editor = signed_in("ed", Role.EDITOR)
    html = editor.get(f"/pages/{draft.pk}/preview/").content.decode()
    form = form_as_sent(html, lambda to, fields: to.endswith("/meta/"))
    response = editor.post(f"/pages/{draft.pk}/meta/", form, follow=True)
    shown = response.content.decode()
    assert "报名、日期和版次都没有改动" in shown and "已更新报名、日期和版次" not in shown
    assert not PageRevision.objects.filter(page=draft, action=Action.META).exists()


def test_publishing_through_the_api_a_draft_discarded_meanwhile_is_a_404_not_a_500(client, counties, monkeypatch):
    from articles import api
    from articles.auth import issue_token

    key = issue_token(make_user("api-ed", role=Role.EDITOR))
    draft = draft_of(SEED_FILES[3].read_bytes())
    same_slot = api._same_slot

    def discarded_meanwhile(page: Page):
        found = same_slot(page)
        writer.discard(Page.objects.get(pk=page.pk))  # another editor's click, while this one read
        return found

    monkeypatch.setattr(api, "_same_slot", discarded_meanwhile)
    response = client.post(f"/api/pages/{draft.pk}/publish", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 404 and str(draft.pk) in response.json()["error"]


def test_a_page_kept_beside_another_may_have_its_label_written_otherwise(counties):
    published()
    kept = draft_of(SEED_FILES[2].read_bytes())
    writer.update_page_meta(kept, label="第三版")  # the same place (3), written otherwise
    assert Page.objects.get(pk=kept.pk).label == "第三版"
    # Moving a page of another place onto that one is still refused.
    fifth = writer.ingest_file("p5.txt", SEED_FILES[4].read_bytes(), writer.PageMeta(paper="运城日报", date=DAY, label="第5版"), status=Status.DRAFT).page
    with pytest.raises(writer.SlotTaken):
        writer.update_page_meta(fifth, label="第3版")


@pytest.mark.parametrize("action", ["undo", "revert"])
def test_an_undo_or_revert_of_a_draft_discarded_meanwhile_is_a_404_not_a_500(counties, monkeypatch, action):
    from articles import corrections_views

    draft = draft_of(SEED_FILES[3].read_bytes())
    edit_headline(draft, "改过的标题")
    read = corrections_views._get_page_or_404

    def read_then_discarded(pk: int) -> Page:  # another editor discards it right after this read
        page = read(pk)
        writer.discard(Page.objects.get(pk=pk))
        return page

    monkeypatch.setattr(corrections_views, "_get_page_or_404", read_then_discarded)
    form = {"version": str(writer.version(draft)), "number": "0"}
    assert signed_in("admin", Role.ADMIN).post(f"/pages/{draft.pk}/{action}/", form).status_code == 404


def test_a_replace_from_a_preview_of_a_draft_corrected_since_is_refused(counties):
    page = published()
    draft = draft_of(SEED_FILES[2].read_bytes())
    editor = signed_in("ed", Role.EDITOR)
    html = editor.get(f"/pages/{draft.pk}/preview/").content.decode()
    form = form_as_sent(html, lambda to, fields: to.endswith("/replace/") and ("target", str(page.pk)) in fields)
    edit_headline(draft, "预览之后改的标题")  # an admin's correction, after the preview was opened
    response = editor.post(f"/pages/{draft.pk}/replace/", form)
    assert response.status_code == 400 and "这份草稿在你打开这个预览之后被改过" in response.content.decode()
    assert Page.objects.filter(pk=draft.pk).exists() and page.revisions.filter(action=Action.REPLACE).count() == 0
