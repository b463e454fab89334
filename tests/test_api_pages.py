"""The scripted upload API: POST /api/pages makes a draft, POST /api/pages/<id>/publish publishes it.

Token authentication only; every refusal writes nothing (see articles/api.py for the answers).
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import writer
from articles.auth import issue_token
from articles.models import ApiToken, Article, Page
from articles.roles import Role
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = "/api/pages"


@pytest.fixture
def editor():
    return make_user("editor", role=Role.EDITOR)


@pytest.fixture
def key(editor) -> str:
    return issue_token(editor)


def seed(i: int = 0, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or SEED_FILES[i].name, SEED_FILES[i].read_bytes(), content_type="text/plain")


def post(client, url: str, key: str | None = None, data: dict | None = None, **extra):
    if key is not None:
        extra["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client.post(url, data or {}, **extra)


def upload(client, key: str | None, i: int = 0, **fields):
    data = {"file": seed(i), "paper": "运城日报", "date": "2025-07-24", "page": "第3版", **fields}
    return post(client, PAGES, key, data)


# --- upload ----------------------------------------------------------------------------------


def test_editor_uploads_a_page_as_a_draft(client, editor, key):
    response = upload(client, key, 3)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["outcome"] == "created"
    page = Page.objects.get()
    assert body["page"]["id"] == page.pk and body["page"]["status"] == "draft"
    assert body["page"]["paper"] == "运城日报" and body["page"]["date"] == "2025-07-24"
    assert body["page"]["label"] == "第3版" and body["page"]["file"] == SEED_FILES[3].name
    headlines = [a["headline"] for a in body["page"]["articles"]]
    assert "绛县举办迎“八一”双拥篮球比赛" in headlines
    assert len(headlines) == page.articles.count()
    assert page.status == Page.Status.DRAFT and page.uploaded_by == editor
    assert not Article.objects.visible().exists()  # a draft is not public


def test_answers_are_readable_utf8_json(client, key):
    response = upload(client, key, 3)
    raw = response.content.decode("utf-8")
    assert "运城日报" in raw and "\\u" not in raw


def test_publish_makes_the_draft_public(client, key):
    page_id = upload(client, key, 3).json()["page"]["id"]
    response = post(client, f"{PAGES}/{page_id}/publish", key)
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "published" and body["page"]["status"] == "published"
    page = Page.objects.get(pk=page_id)
    assert page.status == Page.Status.PUBLISHED and page.published_at is not None
    assert Article.objects.visible().filter(page=page).count() == page.articles.count() > 0
    again = post(client, f"{PAGES}/{page_id}/publish", key)
    assert again.status_code == 200 and again.json()["page"]["status"] == "published"


def test_publish_of_an_unknown_page_is_404(client, key):
    response = post(client, f"{PAGES}/999999/publish", key)
    assert response.status_code == 404 and "999999" in response.json()["error"]


def test_same_file_again_is_the_same_page_and_writes_nothing(client, key):
    first = upload(client, key, 3).json()["page"]["id"]
    again = upload(client, key, 3)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate" and again.json()["page"]["id"] == first
    assert Page.objects.count() == 1


def test_same_slot_with_other_text_is_a_conflict_until_told_what_to_do(client, key):
    first = upload(client, key, 3).json()["page"]["id"]
    conflict = upload(client, key, 4)
    body = conflict.json()
    assert conflict.status_code == 409
    assert body["outcome"] == "same_slot" and body["page"]["id"] == first and body["message"]
    assert Page.objects.count() == 1
    kept = upload(client, key, 4, same_slot="keep")
    assert kept.status_code == 201 and Page.objects.count() == 2


def test_same_slot_replace_replaces_the_stored_page(client, key):
    first = upload(client, key, 3).json()["page"]["id"]
    replaced = upload(client, key, 4, same_slot="replace")
    assert replaced.status_code == 200
    assert replaced.json()["outcome"] == "replaced" and replaced.json()["page"]["id"] == first
    assert Page.objects.count() == 1
    assert Page.objects.get().raw_text == SEED_FILES[4].read_text(encoding="utf-8")


# --- refusals write nothing --------------------------------------------------------------------


def test_a_bad_file_is_refused_by_name(client, key):
    data = {"file": SimpleUploadedFile("scan.txt", b"\x00PNG\x00" * 20), "paper": "运城日报"}
    response = post(client, PAGES, key, data)
    assert response.status_code == 400
    body = response.json()
    assert body["file"] == "scan.txt" and body["error"].startswith("scan.txt: ")
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"paper": ""}, "paper"), ({"date": "2025/07/24"}, "date"), ({"file": ""}, "file"),
     ({"prefecture": "14"}, "prefecture"), ({"prefecture": "9999"}, "prefecture"), ({"same_slot": "overwrite"}, "same_slot"),
     ({"lost_ok": "yes"}, "lost_ok")],
    ids=["no-paper", "bad-date", "no-file", "bad-prefecture", "no-such-prefecture", "bad-same-slot", "bad-lost-ok"],
)
def test_a_bad_form_is_refused_naming_the_field(client, key, fields, field):
    data = {"file": seed(3), "paper": "运城日报", "date": "2025-07-24", **fields}
    if data["file"] == "":
        del data["file"]
    response = post(client, PAGES, key, data)
    assert response.status_code == 400
    assert field in response.json()["fields"] and field in response.json()["error"]
    assert not Page.objects.exists()


def test_a_bad_form_names_the_file_and_the_value_refused(client, key):
    body = upload(client, key, 3, date="2025-02-30").json()
    assert body["file"] == SEED_FILES[3].name
    assert body["error"] == f"{SEED_FILES[3].name}：请求有误：date: 输入一个有效的日期。（收到“2025-02-30”）"
    body = upload(client, key, 3, prefecture="9999").json()
    assert body["error"].endswith("prefecture: 9999 不是任何地市的代码（如 1407 是晋中市）")  # the value said once


@pytest.mark.parametrize("field", ["paper", "page", "prefecture"])
def test_a_nul_in_a_field_is_called_what_it_is(client, key, field):
    # Django's zh-hans text for it, "不允许是用空字符串", reads "empty strings are not allowed".
    body = upload(client, key, 3, **{field: "14\x0007"}).json()
    assert list(body["fields"]) == [field] and "含有不是文字的空字符 NUL（U+0000）" in body["fields"][field]
    assert "空字符串" not in body["error"] and not Page.objects.exists()


@pytest.mark.parametrize(("paper", "char"), [("测试日报\u200b", "U+200B"), ("\ufeff测试日报", "U+FEFF"), ("测试\u2060日报", "U+2060")])
def test_a_paper_name_holding_an_invisible_character_is_refused_naming_it(client, key, paper, char):
    # Accepted, it made a second paper 测试日报 beside the first, looking the same.
    upload(client, key, 3, paper="测试日报")
    response = upload(client, key, 4, paper=paper, page="第4版")
    assert response.status_code == 400
    assert f"报名含有看不见的格式字符 {char}（零宽空格之类" in response.json()["error"]
    assert Page.objects.count() == 1 and set(Page.objects.values_list("issue__newspaper__name", flat=True)) == {"测试日报"}


@pytest.mark.parametrize(
    "authorization",
    [None, "Token ", "Token not-a-key", "Bearer {key}", "{key}"],
    ids=["none", "empty", "wrong-key", "other-scheme", "no-scheme"],
)
def test_without_a_valid_token_401_and_nothing_written(client, key, authorization):
    extra = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization.format(key=key)}
    response = client.post(PAGES, {"file": seed(3), "paper": "运城日报"}, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert "Authorization: Token" in response.json()["error"]
    assert not Page.objects.exists()


def test_a_signed_in_session_is_not_a_token(client, editor):
    # Session cookies are refused here, which is what makes these views safe without CSRF.
    client.force_login(editor)
    response = upload(client, None, 3)
    assert response.status_code == 401
    assert not Page.objects.exists()


def test_an_inactive_users_token_is_refused(client, editor, key):
    editor.is_active = False
    editor.save()
    assert upload(client, key, 3).status_code == 401


def test_a_rotated_token_stops_working(client, editor, key):
    new = issue_token(editor, rotate=True)
    assert upload(client, key, 3).status_code == 401
    assert upload(client, new, 3).status_code == 201


def test_without_the_role_403_and_nothing_written(client):
    reader_key = issue_token(make_user("reader"))
    response = upload(client, reader_key, 3)
    assert response.status_code == 403
    assert "“编辑”" in response.json()["error"]
    assert not Page.objects.exists()


def test_publish_refusals_leave_the_draft_a_draft(client, key):
    page_id = upload(client, key, 3).json()["page"]["id"]
    reader_key = issue_token(make_user("reader"))
    assert post(client, f"{PAGES}/{page_id}/publish").status_code == 401
    assert post(client, f"{PAGES}/{page_id}/publish", reader_key).status_code == 403
    assert client.get(f"{PAGES}/{page_id}/publish", HTTP_AUTHORIZATION=f"Token {key}").status_code == 405
    assert Page.objects.get(pk=page_id).status == Page.Status.DRAFT
    assert not Article.objects.visible().exists()


def test_get_is_not_allowed(client, key):
    response = client.get(PAGES, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 405 and response["Allow"] == "POST" and "POST" in response.json()["error"]


def test_a_token_records_when_it_was_last_used(client, editor, key):
    assert ApiToken.objects.get(user=editor).last_used_at is None
    upload(client, key, 3)
    assert ApiToken.objects.get(user=editor).last_used_at is not None


def test_error_answers_are_json(client):
    response = post(client, PAGES, None, {"paper": "运城日报"})
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]


def test_publishing_a_second_copy_of_a_slot_needs_keep_both(client, key):
    first = upload(client, key, 3).json()["page"]["id"]
    post(client, f"{PAGES}/{first}/publish", key)
    second = upload(client, key, 4, same_slot="keep").json()["page"]["id"]
    refused = post(client, f"{PAGES}/{second}/publish", key)
    assert refused.status_code == 409
    assert refused.json()["outcome"] == "same_slot" and refused.json()["others"] == [first]
    assert Page.objects.get(pk=second).status == Page.Status.DRAFT
    assert post(client, f"{PAGES}/{second}/publish", key, {"keep_both": "1"}).status_code == 200
    assert Page.objects.get(pk=second).status == Page.Status.PUBLISHED


def test_publishing_a_withdrawn_page_again_beside_another_needs_keep_both_and_says_only_that(client, key):
    # The 409 said "……或先删除这个草稿", but a page once published is no draft and cannot be deleted.
    first = upload(client, key, 3).json()["page"]["id"]
    post(client, f"{PAGES}/{first}/publish", key)
    writer.set_status(Page.objects.get(pk=first), Page.Status.WITHDRAWN)
    second = upload(client, key, 4, same_slot="keep").json()["page"]["id"]
    refused = post(client, f"{PAGES}/{first}/publish", key)
    assert refused.status_code == 409 and refused.json()["others"] == [second]
    assert "keep_both=1" in refused.json()["error"] and "草稿" not in refused.json()["error"]
    # A draft's still names the draft: it may be deleted instead.
    assert "先删除这个草稿" in post(client, f"{PAGES}/{second}/publish", key).json()["error"]
    assert post(client, f"{PAGES}/{first}/publish", key, {"keep_both": "1"}).status_code == 200
    assert Page.objects.get(pk=first).status == Page.Status.PUBLISHED


def test_publish_answers_in_a_fixed_number_of_queries(client, key, django_assert_max_num_queries):
    page_id = upload(client, key, 3).json()["page"]["id"]
    assert Page.objects.get(pk=page_id).articles.count() > 3
    # Token (+ last used), the role's permissions, page, slot, the status change (savepoint, lock,
    # two updates), the county tallies (the stories' codes, their places, one insert of deltas),
    # and the answer's page, articles, counties and captions: none per article.
    with django_assert_max_num_queries(18):
        assert post(client, f"{PAGES}/{page_id}/publish", key).status_code == 200


def test_an_oversized_file_is_refused_by_name(client, key, settings):
    settings.INGEST_MAX_FILE_BYTES = 1024
    response = upload(client, key, 3)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{SEED_FILES[3].name}: ")
    assert not Page.objects.exists()


def test_a_script_needs_no_csrf_token(key):
    from django.test import Client

    response = upload(Client(enforce_csrf_checks=True), key, 3)
    assert response.status_code == 201
