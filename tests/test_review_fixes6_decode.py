"""Files that hold no page text are refused, never stored: one of control characters only (an
empty page before), and one in an encoding a page does not come in (stored garbled before) —
through decode, the upload page, the API and the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.auth import issue_token
from articles.models import Page
from articles.roles import Role
from ingest.decode import UnreadableFile, decode
from tests.factories import make_user

CONTROLS_ONLY = b"\x01\x02\x03\x1b\x7f\x08\n\x01"
NOT_A_PAGE_ENCODING = {
    "latin1.txt": "Café résumé naïve, façade.\n".encode("latin-1") * 20,
    "latin1-short.txt": "Café résumé naïve\n".encode("latin-1"),
    "sjis.txt": "これは日本語のテキストです。新聞の記事。\n".encode("shift_jis") * 10,
    "cp1251.txt": "Привет мир, это тест.\n".encode("cp1251") * 5,
}
NO_TEXT_ZH = "文件里只有空白，没有文字"
WRONG_ENCODING_ZH = "文件不是 UTF-8、UTF-16、GB 18030 或 Big5 编码的文字"
PAGE = "绛县举办迎“八一”双拥篮球比赛\n本报讯 记者张三报道 7月23日，绛县举办了比赛。\n"


# -- decode ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [CONTROLS_ONLY, b"\x01\x02\x03\x04\x05\x06\x07\x08", b"\x1b\x07\r\n\x7f \t\x0c"])
def test_a_file_of_control_characters_only_is_refused_as_having_no_text(data):
    with pytest.raises(UnreadableFile) as refused:
        decode(data)
    assert refused.value.zh == NO_TEXT_ZH


def test_control_characters_around_text_still_leave_the_text():
    assert "绛县" in decode(b"\x01\x02" + PAGE.encode() + b"\x7f")


@pytest.mark.parametrize("name", list(NOT_A_PAGE_ENCODING))
def test_a_file_in_another_encoding_is_refused_not_read_garbled(name):
    with pytest.raises(UnreadableFile) as refused:
        decode(NOT_A_PAGE_ENCODING[name])
    assert refused.value.zh == WRONG_ENCODING_ZH


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030", "big5", "utf-16", "utf-8"])
def test_the_encodings_a_page_comes_in_are_still_read(codec):
    text = PAGE if codec != "big5" else "絳縣舉辦迎「八一」雙擁籃球比賽\n本報訊 記者張三報道 7月23日，絳縣舉辦了比賽。\n"
    assert decode(text.encode(codec)) == text


# -- every way in ---------------------------------------------------------------------------------


REFUSED = [("ctrl.txt", CONTROLS_ONLY, NO_TEXT_ZH)] + [
    (name, data, WRONG_ENCODING_ZH) for name, data in NOT_A_PAGE_ENCODING.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_the_api_refuses_such_a_file_naming_it(counties, client, name, data, reason):
    key = issue_token(make_user("editor", role=Role.EDITOR))
    upload = SimpleUploadedFile(name, data, content_type="text/plain")
    response = client.post("/api/pages", {"file": upload, "paper": "运城日报"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400
    assert response.json()["error"] == f"{name}: {reason}"
    assert not Page.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_the_upload_page_refuses_such_a_file_naming_it(counties, client, name, data, reason):
    client.force_login(make_user("editor", role=Role.EDITOR))
    upload = SimpleUploadedFile(name, data, content_type="text/plain")
    response = client.post("/upload/", {"paper": "运城日报", "files": [upload]}, follow=True)
    text = response.content.decode()
    assert name in text and f"未入库：{reason}" in text
    assert not Page.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_file_of_control_characters(counties, tmp_path):
    (tmp_path / "ctrl.txt").write_bytes(CONTROLS_ONLY)
    err = StringIO()
    with pytest.raises(CommandError, match="1 failed: ctrl.txt"):
        call_command("ingest", str(tmp_path), paper="运城日报", no_progress=True, stdout=StringIO(), stderr=err)
    assert "ctrl.txt: file has no text" in err.getvalue()
    assert not Page.objects.exists()
