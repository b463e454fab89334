"""Defects of the write path found in review: one page of an issue under two labels, conflicts
reported for corrections nobody made, stale caches after writes and admin saves, the admin
refusing a page kept twice on purpose, Chinese page numbers, a file name's date dropped without
a word, and papers without pages offered to editors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import writer
from articles.auth import issue_token
from articles.models import County, Newspaper, Page
from articles.page_cache import current_generation
from articles.related import related_articles
from articles.roles import Role
from ingest import model as parsed
from ingest.manifest import NO_SUCH_DATE, OUT_OF_RANGE, guess_from_name
from tests.conftest import SEED_FILES
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

Status = Page.Status
DAY = dt.date(2025, 7, 24)


@pytest.fixture
def editor(client):
    user = make_user("editor", role=Role.EDITOR)
    user.api_key = issue_token(user)
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return user


def _store(i: int, label: str, *, paper: str = "吕梁日报", status: str = Status.PUBLISHED, same_slot="report", data=None):
    data = SEED_FILES[i].read_bytes() if data is None else data
    return writer.ingest_file(f"f{i}.txt", data, writer.PageMeta(paper, DAY, label), status=status, same_slot=same_slot)


# -- 1. a bare page number is the same page as 第N版 ----------------------------------------------


def test_a_bare_page_number_takes_the_place_of_the_same_numbered_page():
    stored = _store(1, "第2版")
    again = _store(2, "2", status=Status.DRAFT)
    assert again.outcome == writer.Outcome.SAME_SLOT and again.page.pk == stored.page.pk
    assert _store(2, "第二版", status=Status.DRAFT).outcome == writer.Outcome.SAME_SLOT
    assert list(writer.pages_in_slot(stored.page.issue.newspaper, DAY, "", "02")) == [stored.page]


def test_a_bare_page_number_is_stored_as_the_file_names_label():
    result = _store(1, "3")
    assert (result.page.label, result.page.number) == ("第3版", 3)


def test_section_pages_of_one_number_stay_apart_and_unnumbered_labels_compare_literally():
    assert _store(1, "A2").outcome == writer.Outcome.CREATED
    assert _store(2, "B2").outcome == writer.Outcome.CREATED
    assert _store(3, "第2版").outcome == writer.Outcome.CREATED
    assert _store(4, "要闻").outcome == writer.Outcome.CREATED
    assert _store(0, "要闻", status=Status.DRAFT).outcome == writer.Outcome.SAME_SLOT


def test_an_upload_labelled_2_asks_about_the_stored_第2版(client, editor):
    stored = _store(1, "第2版")
    file = SimpleUploadedFile("x.txt", SEED_FILES[2].read_bytes(), content_type="text/plain")
    client.post("/upload/", {"paper": "吕梁日报", "date": DAY.isoformat(), "page": "2", "files": [file]})
    (result,) = client.session.get("upload-results") or [None]
    assert result["outcome"] == "same_slot" and result["other_id"] == stored.page.pk


def test_the_api_with_page_2_reports_the_stored_第2版(client, editor):
    stored = _store(1, "第2版")
    file = SimpleUploadedFile("x.txt", SEED_FILES[2].read_bytes(), content_type="text/plain")
    response = client.post(
        "/api/pages", {"file": file, "paper": "吕梁日报", "date": DAY.isoformat(), "page": "2"},
        HTTP_AUTHORIZATION=f"Token {editor.api_key}",
    )
    assert response.json()["outcome"] == "same_slot", response.content
    assert Page.objects.count() == 1 and Page.objects.get().pk == stored.page.pk


# -- 2. a second replace reports no corrections nobody made ---------------------------------------


def _one_char_changed(text: str, times: int) -> bytes:
    lines = text.split("\n")
    n = max(range(len(lines)), key=lambda k: len(lines[k]))
    lines[n] = lines[n][:-1] + "甲乙"[times - 1]
    return "\n".join(lines).encode("utf-8")


def test_a_second_replace_reports_no_hand_corrections(client, editor, counties):
    text = SEED_FILES[3].read_text(encoding="utf-8")
    slot = {"paper": "复现报", "date": "2024-01-01", "page": "第1版", "same_slot": "replace"}
    answers = []
    for data in (text.encode("utf-8"), _one_char_changed(text, 1), _one_char_changed(text, 2)):
        file = SimpleUploadedFile("r.txt", data, content_type="text/plain")
        answers.append(client.post("/api/pages", {"file": file, **slot}, HTTP_AUTHORIZATION=f"Token {editor.api_key}").json())
    assert [a["outcome"] for a in answers] == ["created", "replaced", "replaced"]
    assert answers[1]["conflicts"] == [] and answers[2]["conflicts"] == []
    page = Page.objects.get()
    assert list(page.revisions.order_by("number").values_list("action", flat=True)) == ["ingest", "replace", "replace"]


def test_the_split_of_the_file_is_the_latest_replace(counties):
    page = _store(3, "第1版").page
    assert writer.split_of_file(page) == writer.load_state(page)
    text = SEED_FILES[3].read_text(encoding="utf-8")
    replaced = _store(3, "第1版", same_slot="replace", data=_one_char_changed(text, 1))
    assert replaced.outcome == writer.Outcome.REPLACED
    assert writer.split_of_file(page) == writer.load_state(page)


# -- 3. related stories follow a write ------------------------------------------------------------


def test_related_stories_show_a_corrected_headline_at_once(counties, django_capture_on_commit_callbacks):
    row = County.objects.order_by("code").first()
    county = parsed.County(row.code, row.name, row.short_name, row.prefecture, row.province)
    one = make_article(headline="县里修路", body="县里修路通车，村民出行方便。", counties=(county,), date=DAY)
    other = make_article(headline="旧的标题", body="县里修路之后，村民出行方便。", counties=(county,), date=DAY)
    assert [r.title for r in related_articles(one)] == ["旧的标题"]
    state = writer.load_state(other.page)
    with django_capture_on_commit_callbacks(execute=True):
        writer.apply_state(
            other.page, replace_headline(state, "新的标题"), user=None, action=writer.Action.EDIT, summary="test"
        )
    assert [r.title for r in related_articles(one)] == ["新的标题"]


def replace_headline(state: parsed.Page, headline: str) -> parsed.Page:
    from ingest import corrections

    return corrections.edit_fields(state, 0, headline=headline)


# -- 4. admin saves of a paper clear the readers' caches ------------------------------------------


def test_renaming_a_paper_in_the_admin_clears_the_kept_pages(client, superuser, django_capture_on_commit_callbacks):
    paper = _store(1, "第2版").page.issue.newspaper
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/articles/newspaper/{paper.pk}/change/", {"name": "吕梁晚报", "prefecture_code": "1411"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Newspaper.objects.get(pk=paper.pk).name == "吕梁晚报"
    assert current_generation() != before


# -- 5. the admin saves a page kept twice on purpose ----------------------------------------------


def test_the_admin_changes_the_status_of_a_page_kept_twice(client, superuser):
    _store(1, "第1版")
    second = _store(2, "第1版", same_slot="keep").page
    response = client.post(
        f"/admin/articles/page/{second.pk}/change/",
        {"paper": second.issue.newspaper_id, "date": DAY.isoformat(), "label": "第1版", "status": "withdrawn",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    second.refresh_from_db()
    assert second.status == Status.WITHDRAWN


def test_the_admin_still_refuses_moving_a_page_onto_a_taken_place(client, superuser):
    _store(1, "第1版")
    second = _store(2, "第2版").page
    response = client.post(
        f"/admin/articles/page/{second.pk}/change/",
        {"paper": second.issue.newspaper_id, "date": DAY.isoformat(), "label": "第1版", "status": "published",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200 and "同一报纸、日期和版次已有一个版面" in response.content.decode()


# -- 6. Chinese page numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, number",
    [
        ("第一百版", 100), ("第一百零五版", 105), ("第一百一十版", 110), ("第两百版", 200), ("第三千版", 3000),
        ("第九千九百九十九版", 9999), ("第十二版", 12), ("第十版", 10), ("第二十版", 20), ("第〇版", 0),
        ("第零版", 0), ("第0版", 0), ("第3版", 3), ("A2", 2), ("第二〇版", 20), ("第百百版", None), ("要闻", None),
    ],
)
def test_page_numbers_read_chinese_numerals_up_to_9999(label, number):
    assert writer.page_number(label) == number


# -- 7. a file name's date that cannot be used is reported ----------------------------------------


@pytest.mark.parametrize(
    "name, reason",
    [("2025-02-30_03.txt", NO_SUCH_DATE), ("1700-01-01_03.txt", OUT_OF_RANGE), ("2030-01-01_03.txt", OUT_OF_RANGE)],
)
def test_the_name_guess_tells_which_date_it_did_not_use(name, reason, settings):
    guess = guess_from_name(name)
    assert (guess.date, guess.page, guess.unused_date, guess.unused_date_reason) == (None, "第3版", name[:10], reason)


@pytest.mark.parametrize(
    "name, says",
    [
        ("2025-02-30_03.txt", "文件名中的日期 2025-02-30 不存在，未采用"),
        ("1700-01-01_03.txt", "文件名中的日期 1700-01-01 不在 1800-01-01 到"),
        ("2030-01-01_03.txt", "文件名中的日期 2030-01-01 不在 1800-01-01 到"),
    ],
)
def test_an_upload_says_the_date_in_its_name_was_not_used(client, editor, name, says):
    file = SimpleUploadedFile(name, SEED_FILES[3].read_bytes(), content_type="text/plain")
    client.post("/upload/", {"paper": "运城日报", "files": [file]})
    (result,) = client.session["upload-results"]
    assert result["outcome"] == "created" and says in result["message"] and "版次取自文件名" in result["message"]
    page = Page.objects.get()
    assert (page.issue.date, page.label) == (None, "第3版")


def test_the_unused_date_is_told_in_english(client, editor):
    client.cookies["django_language"] = "en"
    file = SimpleUploadedFile("2025-02-30_03.txt", SEED_FILES[3].read_bytes(), content_type="text/plain")
    client.post("/upload/", {"paper": "运城日报", "files": [file]})
    (result,) = client.session["upload-results"]
    assert "the date 2025-02-30 in the file name does not exist" in result["message"]


def test_a_date_given_in_the_form_needs_no_word_about_the_names(client, editor):
    file = SimpleUploadedFile("2025-02-30_03.txt", SEED_FILES[3].read_bytes(), content_type="text/plain")
    client.post("/upload/", {"paper": "运城日报", "date": "2025-03-01", "files": [file]})
    (result,) = client.session["upload-results"]
    assert "文件名中的日期" not in result["message"]


# -- 8. papers without pages are not offered ------------------------------------------------------


def test_a_paper_left_without_pages_is_not_offered_on_the_upload_form(client, editor):
    page = _store(1, "第2版", paper="旧报名").page
    response = client.post(
        f"/pages/{page.pk}/meta/", {"paper": "新报名", "date": DAY.isoformat(), "label": "第2版"}
    )
    assert response.status_code in (200, 302)
    assert Page.objects.get(pk=page.pk).issue.newspaper.name == "新报名"
    text = client.get("/upload/").content.decode()
    assert '<option value="新报名">' in text and '<option value="旧报名">' not in text


def _line_changed(text: str, n: int, mark: str) -> bytes:
    lines = text.split("\n")
    lines[n - 1] = lines[n - 1] + mark
    return "\n".join(lines).encode("utf-8")


def test_a_correction_carried_by_one_replace_is_still_one_at_the_next(counties):
    from ingest import corrections

    page = _store(3, "第1版").page
    text = page.raw_text
    state = writer.load_state(page)
    fixed, other = [i for i, a in enumerate(state.articles) if a.headline and len(a.lines) > 1][:2]
    writer.apply_state(
        page, corrections.edit_fields(state, fixed, headline="人工校正的标题"), user=None,
        action=writer.Action.EDIT, summary="test",
    )
    body_line = state.articles[other].lines[-1]
    first = _store(3, "第1版", same_slot="replace", data=_line_changed(text, body_line, "（一）"))
    assert first.conflicts == [] and "人工校正的标题" in [a.headline for a in writer.load_state(page).articles]
    second = _store(3, "第1版", same_slot="replace", data=_line_changed(text, body_line, "（二）"))
    assert second.conflicts == [] and "人工校正的标题" in [a.headline for a in writer.load_state(page).articles]
    # A change to the corrected story's own lines is still reported: that correction was real.
    own = state.articles[fixed].lines[-1]
    third = _store(3, "第1版", same_slot="replace", data=_line_changed(text, own, "（三）"))
    assert [c.headline for c in third.conflicts] == ["人工校正的标题"]
