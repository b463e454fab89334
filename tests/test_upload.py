"""The editors' upload page: permission enforced, each file stored or refused on its own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Issue
from tests.conftest import SEED_FILES

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="add_issue"))
    client.force_login(user)
    return user


def seed_upload(i: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(SEED_FILES[i].name, SEED_FILES[i].read_bytes(), content_type="text/plain")


def test_anonymous_readers_cannot_upload(client):
    response = client.post("/upload/", {"paper": "晋中日报", "files": [seed_upload()]})
    assert response.status_code == 403
    assert not Issue.objects.exists()


def test_logged_in_user_without_permission_cannot_upload(client):
    client.force_login(User.objects.create_user("reader", password="pw"))
    assert client.get("/upload/").status_code == 403


def test_editor_uploads_pages_and_sees_each_outcome(client, editor):
    response = client.post(
        "/upload/",
        {"paper": "晋中日报", "date": "2025-06-01", "page": "第2版", "prefecture": "1407",
         "files": [seed_upload(0), SimpleUploadedFile("scan.txt", b"\x00PNG\x00" * 20)]},
    )
    text = response.content.decode()
    assert response.status_code == 400  # one file failed
    assert "已入库" in text and "scan.txt" in text and "NUL" in text
    issue = Issue.objects.get()
    assert issue.date.isoformat() == "2025-06-01" and issue.page == "第2版"
    again = client.post("/upload/", {"paper": "晋中日报", "files": [seed_upload(0)]})
    assert "此前已入库" in again.content.decode()
    assert Issue.objects.count() == 1


def test_upload_form_errors_are_shown(client, editor):
    response = client.post("/upload/", {"paper": "", "prefecture": "abc"})
    assert response.status_code == 200
    assert Issue.objects.count() == 0
    assert "errorlist" in response.content.decode()


def test_preview_shows_the_split_and_stores_nothing(client, editor):
    response = client.post("/upload/", {"paper": "运城日报", "prefecture": "1408", "preview": "1", "files": [seed_upload(3)]})
    text = response.content.decode()
    assert response.status_code == 200
    assert "绛县举办迎“八一”双拥篮球比赛" in text and "开头接续他版" in text and "预览未写入" in text
    assert not Issue.objects.exists()
