"""A change of a page's paper, date or label (the editor's form, the admin) is a version in the
page's history like any correction: who, when, old → new; undone and reverted like the others."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from articles.models import Article, Newspaper, Page, PageRevision
from articles.roles import Role
from articles.writer import (
    Action, CannotUndo, PageMeta, apply_state, ingest_file, load_state, meta_at, revert, undo, update_page_meta,
)
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PUBLISHED = Page.Status.PUBLISHED
META = PageMeta(paper="晋中日报", date=dt.date(2025, 3, 29), label="第3版", prefecture_code="1407")
OLD = ("晋中日报", dt.date(2025, 3, 29), "第3版")
NEW = ("吕梁日报", dt.date(2024, 1, 2), "第4版")
MOVE = {"paper": "吕梁日报", "date": "2024-01-02", "label": "第4版"}


def seed(n: int = 0) -> bytes:
    return SEED_FILES[n].read_bytes()


def place(page: Page) -> tuple:
    page = Page.objects.select_related("issue__newspaper").get(pk=page.pk)
    copies = set(Article.objects.filter(page=page).values_list("newspaper__name", "date"))
    assert copies == {(page.issue.newspaper.name, page.issue.date)}  # the articles' copies follow
    return page.issue.newspaper.name, page.issue.date, page.label


def signed_in(role: Role | None, name: str) -> Client:
    client = Client()
    client.force_login(make_user(name, role=role))
    return client


@pytest.fixture
def page(counties) -> Page:
    return ingest_file("a.txt", seed(0), META, status=PUBLISHED).page


def latest(page: Page) -> PageRevision:
    return page.revisions.order_by("-number").first()


def test_the_editors_form_records_who_when_and_each_value_before_and_after(page):
    editor = signed_in(Role.EDITOR, "li")
    response = editor.post(f"/pages/{page.pk}/meta/", MOVE)
    assert response.status_code == 302
    assert place(page) == NEW
    first, change = list(page.revisions.order_by("number"))
    assert (first.number, first.action) == (0, Action.INGEST)  # the state before, recorded first
    assert (change.number, change.parent, change.action, change.user.username) == (1, 0, Action.META, "li")
    assert change.created_at is not None
    assert change.summary == "报名：晋中日报 → 吕梁日报；日期：2025-03-29 → 2024-01-02；版次：第3版 → 第4版"
    ids = dict(Newspaper.objects.values_list("name", "id"))
    assert change.meta == {
        "paper": "吕梁日报", "paper_id": ids["吕梁日报"], "date": "2024-01-02", "edition": "", "label": "第4版",
        "before": {"paper": "晋中日报", "paper_id": ids["晋中日报"], "date": "2025-03-29", "edition": "", "label": "第3版"},
    }
    assert change.state == first.state  # the split is unchanged
    history = signed_in(Role.ADMIN, "zhang").get(f"/pages/{page.pk}/history/").content.decode()
    assert "更正报名、日期或版次" in history and "晋中日报 → 吕梁日报" in history and "li" in history


def test_only_what_changed_is_named_and_an_unchanged_form_records_nothing(page):
    editor = signed_in(Role.EDITOR, "li")
    editor.post(f"/pages/{page.pk}/meta/", {"paper": "晋中日报", "date": "2025-03-29", "label": "第3版"})
    assert not page.revisions.exists()
    editor.post(f"/pages/{page.pk}/meta/", {"paper": "晋中日报", "date": "", "label": "第3版"})
    assert latest(page).summary == "日期：2025-03-29 → 日期不详"


def test_an_english_admin_reads_the_change_in_english(page):
    signed_in(Role.EDITOR, "li").post(f"/pages/{page.pk}/meta/", {"paper": "吕梁日报", "date": "", "label": "第3版"})
    admin = signed_in(Role.ADMIN, "zhang")
    admin.cookies["django_language"] = "en"
    history = admin.get(f"/pages/{page.pk}/history/").content.decode()
    assert "paper: 晋中日报 → 吕梁日报; date: 2025-03-29 → date unknown" in history
    assert "报名：" not in history


def test_without_the_permission_nothing_changes_and_nothing_is_recorded(page):
    assert signed_in(None, "reader").post(f"/pages/{page.pk}/meta/", MOVE).status_code == 403
    assert Client().post(f"/pages/{page.pk}/meta/", MOVE).status_code == 302  # to sign in
    with pytest.raises(PermissionDenied):
        update_page_meta(page, paper="吕梁日报", user=User.objects.get(username="reader"))
    assert place(page) == OLD
    assert not page.revisions.exists()


def test_undo_puts_the_page_back_in_its_place():
    admin = signed_in(Role.ADMIN, "zhang")
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    admin.post(f"/pages/{page.pk}/meta/", MOVE)
    response = admin.post(f"/pages/{page.pk}/undo/", {"version": "1"})
    assert response.status_code == 302
    assert place(page) == OLD
    undone = latest(page)
    assert (undone.action, undone.summary, undone.user.username) == (Action.UNDO, "撤销 v1", "zhang")
    assert undone.meta["before"]["paper"] == "吕梁日报" and undone.meta["paper"] == "晋中日报"
    with pytest.raises(CannotUndo):
        undo(page)  # back at the state at ingest


def test_undo_walks_back_through_corrections_and_moves_in_order(page):
    state = load_state(page)
    state.articles[0].headline = "改过的标题"
    apply_state(page, state, user=None, action=Action.CORRECT)  # v1
    update_page_meta(page, paper="吕梁日报", date=dt.date(2024, 1, 2), label="第4版")  # v2
    state = load_state(page)
    state.articles[1].headline = "又改一篇"
    apply_state(page, state, user=None, action=Action.CORRECT)  # v3
    undo(page)
    assert place(page) == NEW and load_state(page).articles[1].headline != "又改一篇"
    undo(page)
    assert place(page) == OLD and load_state(page).articles[0].headline == "改过的标题"
    undo(page)
    assert place(page) == OLD and load_state(page).articles[0].headline != "改过的标题"
    revert(page, 3)  # the latest split, and the place it had
    assert place(page) == NEW and load_state(page).articles[1].headline == "又改一篇"
    revert(page, 1)
    assert place(page) == OLD


def test_each_undo_names_the_change_it_takes_back(page):
    # Undo after undo walks back (it does not redo): the second takes back v2, not the first
    # undo (v4), and its label says so; after a revert the same holds.
    original = load_state(page).articles[0].headline
    for n in (1, 2, 3):
        state = load_state(page)
        state.articles[0].headline = f"第{n}次改的标题"
        apply_state(page, state, user=None, action=Action.CORRECT)  # v1, v2, v3
    summaries = []
    for _ in range(3):
        summaries.append(undo(page).summary)  # v4, v5, v6
    assert summaries == ["撤销 v3", "撤销 v2", "撤销 v1"]
    revert(page, 3)  # v7
    assert undo(page).summary == "撤销 v7"  # v8: back at v6's state, the ingest's
    revert(page, 2)  # v9
    state = load_state(page)
    state.articles[0].headline = "又改"
    apply_state(page, state, user=None, action=Action.CORRECT)  # v10
    assert [undo(page).summary, undo(page).summary] == ["撤销 v10", "撤销 v9"]
    assert load_state(page).articles[0].headline == original  # v12: v8's state, the ingest's


def test_undo_is_refused_when_another_page_has_taken_the_old_place(page):
    update_page_meta(page, label="第4版")
    other = ingest_file("b.txt", seed(1), META, status=PUBLISHED).page  # now at 第3版
    with pytest.raises(CannotUndo) as refused:
        undo(page)
    assert refused.value.holder == other
    assert place(page)[2] == "第4版" and latest(page).action == Action.META
    response = signed_in(Role.ADMIN, "zhang").post(f"/pages/{page.pk}/undo/", {"version": "1"})
    assert response.status_code == 400
    assert f"第 {other.pk} 号版面已占用" in response.content.decode()


def test_revisions_recorded_before_places_were_stand_for_the_place_before_the_first_move(page):
    state = load_state(page)
    state.articles[0].headline = "改过的标题"
    apply_state(page, state, user=None, action=Action.CORRECT)  # v1
    PageRevision.objects.filter(page=page).update(meta=None)  # as recorded before migration 0014
    assert meta_at(list(page.revisions.all()), 1) is None  # nothing says: the page stays where it is
    update_page_meta(page, paper="吕梁日报", date=dt.date(2024, 1, 2), label="第4版")  # v2
    assert meta_at(list(page.revisions.all()), 0)["paper"] == "晋中日报"
    undo(page)
    assert place(page) == OLD and load_state(page).articles[0].headline == "改过的标题"
    revert(page, 2)
    assert place(page) == NEW
    revert(page, 0)
    assert place(page) == OLD and load_state(page).articles[0].headline != "改过的标题"


def test_the_admins_page_form_records_the_change_too(client, page):
    admin = User.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    response = client.post(
        f"/admin/articles/page/{page.pk}/change/",
        {"paper": page.issue.newspaper_id, "date": "2025-03-30", "label": "第3版", "status": "published",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    change = latest(page)
    assert (change.action, change.user, change.summary) == (Action.META, admin, "日期：2025-03-29 → 2025-03-30")


def test_a_moved_pages_edition_is_kept_and_recorded(counties):
    page = ingest_file("a.txt", seed(0), dataclasses.replace(META, edition="晚报版"), status=PUBLISHED).page
    update_page_meta(page, label="第5版")
    assert latest(page).meta["edition"] == latest(page).meta["before"]["edition"] == "晚报版"
    undo(page)
    page.refresh_from_db()
    assert (page.issue.edition, page.label) == ("晚报版", "第3版")


def test_undo_after_the_paper_was_renamed_keeps_the_page_with_its_paper(page):
    # The place is kept by the paper's id: a rename in the admin since is no move, and undo never
    # makes a paper of the old name.
    state = load_state(page)
    state.articles[0].headline = "改过的标题"
    apply_state(page, state, user=None, action=Action.CORRECT)
    Newspaper.objects.filter(name="晋中日报").update(name="晋中日报社")
    undo(page)
    assert place(page)[0] == "晋中日报社"
    assert not Newspaper.objects.filter(name="晋中日报").exists()


def test_undo_to_the_place_of_a_paper_since_gone_is_refused(page):
    update_page_meta(page, paper="吕梁日报")
    moved_from = Newspaper.objects.get(name="晋中日报")
    assert not moved_from.issues.exists()
    moved_from.delete()
    with pytest.raises(CannotUndo):
        undo(page)
    assert place(page)[0] == "吕梁日报"
