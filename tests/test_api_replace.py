"""POST /api/pages with same_slot=replace: the answer lists the hand corrections it could not carry
over, as the browser's replace shows them (articles/editor_views.py ``replace``), and, as the
browser does, a replace that would drop some is made only when confirmed (lost_ok=1), and only
with an admin's key: an editor may not throw away an admin's corrections."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator

from articles import writer
from articles.auth import issue_token
from articles.models import Page, PageRevision
from articles.roles import Role
from ingest import corrections
from ingest.carry import LINES_CHANGED
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

SLOT = {"paper": "运城日报", "date": "2025-07-24", "page": "第3版"}


def _corrected() -> bytes:
    """Seed 3 with its longest line changed (a typo fixed in the corrected file)."""
    lines = SEED_FILES[3].read_text(encoding="utf-8").split("\n")
    n = max(range(len(lines)), key=lambda k: len(lines[k]))
    lines[n] = lines[n] + "（更正）"
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def editor():
    user = make_user("editor", role=Role.EDITOR)
    user.api_key = issue_token(user)  # one key a user (a second replaces the first)
    return user


@pytest.fixture
def admin():
    user = make_user("admin", role=Role.ADMIN)
    user.api_key = issue_token(user)
    return user


def upload(client, editor, data: bytes, **fields):
    file = SimpleUploadedFile("v.txt", data, content_type="text/plain")
    return client.post("/api/pages", {"file": file, **SLOT, **fields}, HTTP_AUTHORIZATION=f"Token {editor.api_key}")


def _correct_two_headlines(page: Page, editor) -> tuple[int, int]:
    """An admin's fixes: one on an article the corrected file leaves alone, one on the article
    whose line it changes. Their refs (the stored articles' ids)."""
    state = writer.load_state(page)
    new_lines = _corrected().decode().split("\n")
    changed = next(n for n, (a, b) in enumerate(zip(page.raw_text.split("\n"), new_lines), 1) if a != b)
    keep = next(i for i, a in enumerate(state.articles) if changed not in a.lines and a.headline)
    hit = next(i for i, a in enumerate(state.articles) if changed in a.lines)
    fixed = corrections.edit_fields(state, keep, headline="校正后的标题")
    fixed = corrections.edit_fields(fixed, hit, headline="也被校正的标题")
    writer.apply_state(page, fixed, user=editor, action=PageRevision.Action.EDIT, summary="test")
    return state.articles[keep].ref, state.articles[hit].ref


def test_a_replace_that_would_drop_corrections_is_refused_with_them_listed_until_confirmed(client, editor, admin):
    # The browser asks for a tick (ReplaceForm.lost_ok) before such a replace, which cannot be
    # undone; the API made it at once and only reported the corrections it had thrown away.
    first = upload(client, editor, SEED_FILES[3].read_bytes())
    page = Page.objects.get(pk=first.json()["page"]["id"])
    _kept, lost = _correct_two_headlines(page, editor)
    before = (page.raw_text, writer.version(page), list(page.articles.values_list("id", "headline").order_by("id")))
    response = upload(client, admin, _corrected(), same_slot="replace")
    assert response.status_code == 409
    body = response.json()
    assert body["outcome"] == "lost_corrections" and body["page"]["id"] == page.pk
    assert "lost_ok=1" in body["message"] and "不能撤销" in body["message"]
    (conflict,) = body["conflicts"]
    assert conflict["article"] == lost and conflict["headline"] == "也被校正的标题" and conflict["reason"] == LINES_CHANGED
    page.refresh_from_db()
    after = (page.raw_text, writer.version(page), list(page.articles.values_list("id", "headline").order_by("id")))
    assert after == before and Page.objects.count() == 1  # nothing written, not even revision 0
    spec = client.get("/api/openapi.json").json()
    Draft202012Validator({"$ref": "#/components/schemas/PageWritten", "components": spec["components"]}).validate(body)
    # Confirmed on purpose (as "1" only, like keep_both) with an admin's key, it is made.
    assert upload(client, admin, _corrected(), same_slot="replace", lost_ok="on").status_code == 400
    confirmed = upload(client, admin, _corrected(), same_slot="replace", lost_ok="1")
    assert confirmed.status_code == 200 and confirmed.json()["outcome"] == "replaced"


def test_an_editors_key_cannot_drop_corrections_even_confirmed(client, editor):
    # A replace cannot be undone: with lost_ok=1 an editor threw away an admin's audited
    # corrections for good (a reviewer's finding, in the browser as here).
    first = upload(client, editor, SEED_FILES[3].read_bytes())
    page = Page.objects.get(pk=first.json()["page"]["id"])
    _correct_two_headlines(page, editor)
    before = (page.raw_text, writer.version(page))
    response = upload(client, editor, _corrected(), same_slot="replace", lost_ok="1")
    assert response.status_code == 409
    body = response.json()
    assert body["outcome"] == "lost_corrections" and "只有管理员" in body["message"] and len(body["conflicts"]) == 1
    page.refresh_from_db()
    assert (page.raw_text, writer.version(page)) == before
    spec = client.get("/api/openapi.json").json()
    Draft202012Validator({"$ref": "#/components/schemas/PageWritten", "components": spec["components"]}).validate(body)


def test_replace_lists_the_corrections_it_could_not_carry_over(client, editor, admin):
    # The answer once said "replaced" and nothing more, though a correction had been lost.
    first = upload(client, editor, SEED_FILES[3].read_bytes())
    page = Page.objects.get(pk=first.json()["page"]["id"])
    _kept, lost = _correct_two_headlines(page, editor)
    response = upload(client, admin, _corrected(), same_slot="replace", lost_ok="1")
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "replaced" and body["page"]["id"] == page.pk
    (conflict,) = body["conflicts"]
    assert conflict["article"] == lost and conflict["headline"] == "也被校正的标题"
    assert conflict["reason"] == LINES_CHANGED and "人工校正未能沿用" in conflict["message"]
    assert conflict["lines"] and all(isinstance(n, int) for n in conflict["lines"])
    # As the description says (articles/openapi.py PageWritten).
    spec = client.get("/api/openapi.json").json()
    Draft202012Validator({"$ref": "#/components/schemas/PageWritten", "components": spec["components"]}).validate(body)


def test_the_conflicts_are_in_the_readers_language(client, editor):
    first = upload(client, editor, SEED_FILES[3].read_bytes())
    _correct_two_headlines(Page.objects.get(pk=first.json()["page"]["id"]), editor)
    client.cookies["django_language"] = "en"
    (conflict,) = upload(client, editor, _corrected(), same_slot="replace").json()["conflicts"]  # the 409's list
    assert conflict["message"].startswith("this article") and conflict["reason"] == LINES_CHANGED


def test_a_replace_whose_corrections_are_all_carried_needs_no_confirmation(client, editor):
    first = upload(client, editor, SEED_FILES[3].read_bytes())
    page = Page.objects.get(pk=first.json()["page"]["id"])
    state = writer.load_state(page)
    changed = next(n for n, (a, b) in enumerate(zip(page.raw_text.split("\n"), _corrected().decode().split("\n")), 1) if a != b)
    keep = next(i for i, a in enumerate(state.articles) if changed not in a.lines and a.headline)
    fixed = corrections.edit_fields(state, keep, headline="校正后的标题")
    writer.apply_state(page, fixed, user=editor, action=PageRevision.Action.EDIT, summary="test")
    body = upload(client, editor, _corrected(), same_slot="replace").json()
    assert body["outcome"] == "replaced" and body["conflicts"] == []
    assert page.articles.filter(headline="校正后的标题").exists()


def test_a_replace_that_loses_nothing_says_so(client, editor):
    upload(client, editor, SEED_FILES[3].read_bytes())
    body = upload(client, editor, _corrected(), same_slot="replace").json()
    assert body["outcome"] == "replaced" and body["conflicts"] == []
    # Only a replace has the list: a new draft has nothing to lose.
    assert "conflicts" not in upload(client, editor, SEED_FILES[0].read_bytes(), page="第4版").json()
