"""A manifest read row by row: a bad row refuses its own file only, year-first dates as a
spreadsheet re-saves them are read, a manifest is known by its header whatever the browser named
it, rows match the browser's base names and rows no file took are told; upload names lose the
browser's escapes (ingest/manifest.py, articles/forms.py, the ingest command, the API)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils.html import escape

from articles.auth import issue_token
from articles.forms import upload_name
from articles.models import Page
from articles.roles import Role
from ingest.manifest import Entry, ManifestError, manifest_rows, parse_manifest
from tests.conftest import SEED_FILES
from tests.factories import make_user
from tests.shown import shown

HEADER = "file,paper,date,page,prefecture\n"
D = dt.date(2025, 4, 1)


# -- reading rows (no database) -----------------------------------------------------------------


def test_a_bad_row_is_kept_with_its_error_and_the_other_rows_are_read():
    manifest = manifest_rows(HEADER + "c1.txt,晋中日报,,,\nc2.txt,晋中日报,,,\nc3.txt,晋中日报,,,14O4\nc4.txt,晋中日报,,,\n")
    assert manifest.find("c1.txt").entry == Entry("晋中日报") and manifest.find("c4.txt").entry == Entry("晋中日报")
    bad = manifest.find("c3.txt")
    assert bad.entry is None and str(bad.error) == "manifest.csv:4: prefecture '14O4' is not a four-digit code such as 1407"
    assert manifest.find("c9.txt") is None
    # all or nothing where that is wanted (the benches, the seeds): the first bad row is raised
    with pytest.raises(ManifestError, match="manifest.csv:3: prefecture"):
        parse_manifest(HEADER + "c1.txt,晋中日报,,,\nc3.txt,晋中日报,,,14O4\n")


def test_a_prefecture_code_of_no_prefecture_is_refused_naming_the_row():
    # 9999 is four digits, but no prefecture's: stored with a new paper it would hint no county.
    manifest = manifest_rows(HEADER + "c1.txt,晋中日报,,,1407\nc2.txt,新报,,,9999\n")
    assert manifest.find("c1.txt").entry == Entry("晋中日报", prefecture="1407")
    assert str(manifest.find("c2.txt").error) == "manifest.csv:3: prefecture '9999' is no prefecture's code (1407 is 晋中市)"


@pytest.mark.parametrize("written", ["2025-04-01", "2025/4/1", "2025.4.1", "2025/04/01", "2025-4-1", "2025年4月1日", " 2025/4/1 "])
def test_a_year_first_date_as_a_spreadsheet_resaves_it_is_read(written):
    assert manifest_rows(f"{HEADER}a.txt,x,{written},,\n").find("a.txt").entry.date == D


@pytest.mark.parametrize("written", ["4/1/2025", "1.4.2025", "2025/4.1", "20250401", "2025/4/1 0:00", "25/4/1"])
def test_a_date_not_year_first_is_refused_saying_what_is_read(written):
    error = manifest_rows(f"{HEADER}a.txt,x,{written},,\n").find("a.txt").error
    assert str(error) == f"manifest.csv:2: date {written!r} is not YYYY-MM-DD (year first 2025/4/1 and 2025.4.1 are read too)"


def test_a_resaved_date_of_no_such_day_or_out_of_range_is_named_as_written():
    manifest = manifest_rows(f"{HEADER}a.txt,x,2025/2/30,,\nb.txt,x,1700.1.1,,\n")
    assert str(manifest.find("a.txt").error) == "manifest.csv:2: date '2025/2/30' is no such day"
    assert "manifest.csv:3: date '1700.1.1' is outside 1800-01-01 to" in str(manifest.find("b.txt").error)


def test_a_row_naming_a_folder_matches_the_base_name_a_browser_sends():
    manifest = manifest_rows(f"{HEADER}2025-04-01/a1.txt,晋中日报,2025-04-01,第1版,\n")
    assert manifest.find("a1.txt").entry == Entry("晋中日报", D, "第1版")
    assert manifest.unused(["a1.txt"]) == []


def test_a_base_name_two_folders_share_is_refused_naming_both_rows():
    manifest = manifest_rows(f"{HEADER}x/a1.txt,晋中日报,,,\ny/a1.txt,吕梁日报,,,\n")
    error = manifest.find("a1.txt").error
    assert str(error) == "manifest.csv: rows 2, 3 all name a file a1.txt (x/a1.txt, y/a1.txt): write the one meant as a1.txt"
    # a row naming the file exactly settles it
    manifest = manifest_rows(f"{HEADER}x/a1.txt,晋中日报,,,\na1.txt,吕梁日报,,,\n")
    assert manifest.find("a1.txt").entry.paper == "吕梁日报"


def test_a_file_listed_twice_is_refused_at_its_second_row():
    manifest = manifest_rows(f"{HEADER}a.txt,晋中日报,,,\nb.txt,x,,,\na.txt,吕梁日报,,,\n")
    assert str(manifest.find("a.txt").error) == "manifest.csv:4: a.txt is listed twice"
    assert manifest.find("b.txt").entry.paper == "x"


def test_rows_no_file_took_are_listed_with_rows_without_a_name():
    manifest = manifest_rows(f"{HEADER}a.txt,x,,,\nc9.txt,x,,,\n,y,,,\nd.txt,x,bad,,\n")
    assert [(r.line, r.name) for r in manifest.unused(["a.txt", "other.txt"])] == [(3, "c9.txt"), (4, ""), (5, "d.txt")]


def test_a_spreadsheets_blank_rows_are_left_out_and_rows_are_numbered_as_it_numbers_them():
    # Excel writes formatted empty rows as commas; a quoted cell may hold a line break, and is
    # still one row: the rows after it were named by the file's line, one too far on.
    manifest = manifest_rows(f'{HEADER}a.txt,x,,"第\n2版",\n,,,,\n\nb.txt,x,,,14O4\n')
    assert [(r.line, r.name) for r in manifest.rows] == [(2, "a.txt"), (5, "b.txt")]
    assert str(manifest.find("b.txt").error).startswith("manifest.csv:5: prefecture")


# A manifest as a spreadsheet saves it (CRLF; row 3's paper cell holds a line break): rows 4, 5 and
# 7 were named as 5, 6 and 8, and w2's refusal named neither manifest.csv nor its row.
SPREADSHEET = (
    "file,paper,date,page,prefecture\r\n2025-04-01\\w1.txt,窗口报,2025-04-01,第1版,\r\n"
    'w2.txt,"窗口\r\n报",2025-04-01,第2版,\r\nw3.txt,窗口报,2025-04-01,第3版,14O7\r\n'
    "W4.TXT,窗口报,2025-04-01,第4版,\r\n,,,,\r\nw5.txt,窗口报,2025-4-31,第5版,\r\n"
)


def test_rows_after_a_cell_with_a_line_break_are_named_as_a_spreadsheet_shows_them():
    manifest = manifest_rows(SPREADSHEET)
    assert str(manifest.find("w2.txt").error) == "manifest.csv:3: the paper name holds a line break: write it on one line"
    assert str(manifest.find("w3.txt").error).startswith("manifest.csv:4: prefecture '14O7'")
    assert [(r.line, r.name) for r in manifest.unused(["w1.txt", "w2.txt", "w3.txt", "w5.txt"])] == [(5, "W4.TXT")]
    assert str(manifest.find("w5.txt").error).startswith("manifest.csv:7: date '2025-4-31' is no such day")
    with pytest.raises(ManifestError, match="manifest.csv:4: malformed"):  # the whole manifest refused, at its row
        manifest_rows(f'{HEADER}a.txt,"晋中\n日报",,,\nb.txt,x,,,\nc.txt,"x"y,,,\n')


@pytest.mark.parametrize(("cell", "what"), [("paper", "paper name"), ("page", "page label")])
def test_a_paper_or_page_cell_with_a_line_break_is_refused_naming_the_row(cell, what):
    values = {"paper": "窗口报", "page": "第2版", cell: '"窗口\r\n报"'}
    manifest = manifest_rows(f"{HEADER}w1.txt,窗口报,,,\nw2.txt,{values['paper']},,{values['page']},\nw3.txt,窗口报,,,\n")
    assert str(manifest.find("w2.txt").error) == f"manifest.csv:3: the {what} holds a line break: write it on one line"
    assert manifest.find("w3.txt").entry == Entry("窗口报")
    # Spaces and line ends around a value are no line break in it.
    assert manifest_rows(f'{HEADER}w1.txt," 窗口报\n",,,\n').find("w1.txt").entry == Entry("窗口报")


def test_a_header_typed_with_capitals_and_spaces_is_read():
    assert manifest_rows("File, Paper ,DATE\na.txt,x,2025/4/1\n").find("a.txt").entry == Entry("x", D)


def test_a_bad_header_still_refuses_the_whole_manifest():
    with pytest.raises(ManifestError, match="manifest.csv: unknown columns data"):
        manifest_rows("file,paper,data\na.txt,x,2025-04-01\n")


@pytest.mark.parametrize(
    ("sent", "name"),
    [
        ("weird name;'%22<b>&.txt", "weird name;'\"<b>&.txt"),
        ("two%0D%0Alines.txt", "two  lines.txt"),
        ("50%.txt", "50%.txt"),  # a browser sends "%" as it is
        ("a%25b%2Fc%0a.txt", "a%25b%2Fc%0a.txt"),  # no other escape, nor a lower-case one
    ],
)
def test_an_upload_name_loses_exactly_the_browsers_three_escapes(sent, name):
    assert upload_name(SimpleUploadedFile(sent, b"x")) == name


# -- the ingest command ------------------------------------------------------------------------------


def _folder(tmp_path: Path, manifest: str) -> Path:
    for i, seed in enumerate(SEED_FILES, 1):
        (tmp_path / f"c{i}.txt").write_bytes(seed.read_bytes())
    (tmp_path / "manifest.csv").write_text(manifest, encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
@pytest.mark.usefixtures("counties")
def test_the_command_fails_only_the_file_whose_row_is_bad(tmp_path):
    manifest = HEADER + "c1.txt,晋中日报,2025-04-01,第1版,1407\nc2.txt,晋中日报,2025/4/1,第2版,\nc3.txt,晋中日报,,第3版,14O4\n"
    folder = _folder(tmp_path, manifest)  # c4.txt and c5.txt have no row: --paper names them
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"^4 ingested \(\d+ articles\), 1 failed: c3.txt$"):
        call_command("ingest", str(folder), paper="测试报", workers=1, writers=1, no_progress=True, stdout=out, stderr=err)
    assert f"{folder / 'c3.txt'}: {folder / 'manifest.csv'}:4: prefecture '14O4' is not a four-digit code such as 1407" in err.getvalue()
    assert "Traceback" not in err.getvalue() and err.getvalue().count("manifest.csv") == 1
    pages = {p.source_name: p for p in Page.objects.select_related("issue")}
    assert sorted(pages) == ["c1.txt", "c2.txt", "c4.txt", "c5.txt"]
    assert (pages["c2.txt"].issue.date, pages["c2.txt"].label) == (D, "第2版")  # the re-saved date read


@pytest.mark.django_db
@pytest.mark.usefixtures("counties")
def test_the_command_still_fails_every_file_of_a_folder_whose_manifest_header_is_bad(tmp_path):
    folder = _folder(tmp_path, "file,paper,data\nc1.txt,晋中日报,2025-04-01\n")
    err = StringIO()
    with pytest.raises(CommandError, match="0 ingested"):
        call_command("ingest", str(folder), paper="测试报", workers=1, writers=1, no_progress=True, stdout=StringIO(), stderr=err)
    assert err.getvalue().count("unknown columns data") == len(SEED_FILES) and not Page.objects.exists()


# -- the upload page -----------------------------------------------------------------------------------

@pytest.fixture
def editor(client, db):
    user = make_user("editor", role=Role.EDITOR)
    client.force_login(user)
    return user


def page_file(i: int, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SEED_FILES[i].read_bytes(), content_type="text/plain")


def csv_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(client, *files, language: str = "zh-hans", **fields):
    client.cookies["django_language"] = language
    return client.post("/upload/", {"paper": "", "prefecture": "", **fields, "files": list(files)})


def results(client, response) -> str:
    assert response.status_code == 302 and response["Location"] == "/upload/drafts/", response.content.decode()[-3000:]
    return client.get("/upload/drafts/").content.decode()


def stored() -> dict[str, Page]:
    return {p.source_name: p for p in Page.objects.select_related("issue__newspaper")}


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "未入库：manifest.csv:3：地市代码 14O4 不是四位数字（如 1407）"),
        ("en", "Not stored: manifest.csv:3: prefecture 14O4 is not a four-digit code such as 1407"),
    ],
)
def test_a_bad_row_refuses_its_own_file_and_the_others_are_stored(client, editor, language, says):
    manifest = HEADER + "a.txt,吕梁日报,2025/4/1,第2版,1411\nb.txt,临汾日报,,,14O4\n"
    text = results(client, upload(
        client, csv_file("manifest.csv", manifest), page_file(1, "a.txt"), page_file(2, "b.txt"),
        page_file(3, "运城日报_2025-03-29_第3版.txt"), language=language,
    ))
    assert escape(says) in text
    pages = stored()
    assert sorted(pages) == ["a.txt", "运城日报_2025-03-29_第3版.txt"]  # b.txt alone refused; the file without a row too went on
    assert (pages["a.txt"].issue.newspaper.name, pages["a.txt"].issue.date, pages["a.txt"].label) == ("吕梁日报", D, "第2版")


@pytest.mark.parametrize(
    ("language", "says"),
    [("zh-hans", "未入库：manifest.csv:4：a.txt 列了两次"), ("en", "Not stored: manifest.csv:4: a.txt is listed twice")],
)
def test_a_file_listed_twice_is_refused_alone(client, editor, language, says):
    manifest = "file,paper\na.txt,吕梁日报\nb.txt,临汾日报\na.txt,临汾日报\n"
    text = results(client, upload(client, csv_file("manifest.csv", manifest), page_file(1, "a.txt"), page_file(2, "b.txt"), language=language))
    assert escape(says) in text and sorted(stored()) == ["b.txt"]


def test_an_upload_names_the_manifests_rows_as_a_spreadsheet_shows_them(client, editor):
    files = [page_file(i, f"w{n}.txt") for i, n in ((0, 1), (1, 2), (2, 3), (3, 5))]
    manifest = SimpleUploadedFile("manifest.csv", b"\xef\xbb\xbf" + SPREADSHEET.encode("utf-8"), content_type="text/csv")
    text = results(client, upload(client, manifest, *files))
    for says in (
        "未入库：manifest.csv:3：报名这一格里有换行：报名只能写成一行",
        "未入库：manifest.csv:4：地市代码 14O7 不是四位数字（如 1407）",
        "第 5 行 W4.TXT",
        "未入库：manifest.csv:7：日期 2025-4-31 不存在",
    ):
        assert escape(says) in text, says
    assert sorted(stored()) == ["w1.txt"]


@pytest.mark.parametrize("name", ["manifest (1).csv", "Manifest.CSV", "清单.csv"])
def test_a_manifest_under_another_name_is_read_as_the_manifest(client, editor, name):
    # manifest (1).csv: the browser's name for a second download; 清单.csv: known by its header
    manifest = HEADER + "a.txt,吕梁日报,2025-04-01,第2版,1411\n"
    text = results(client, upload(client, csv_file(name, manifest), page_file(1, "a.txt")))
    page = stored()["a.txt"]
    assert (page.issue.newspaper.name, page.issue.date, page.label) == ("吕梁日报", D, "第2版")
    assert set(stored()) == {"a.txt"} and "报名、日期、版次取自manifest.csv" in text


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "一次只能附一个 manifest 清单，这次有 2 个：manifest.csv、manifest (1).csv。请合并成一个再上传。"),
        ("en", "Attach only one manifest to an upload; this one has 2: manifest.csv, manifest (1).csv. Merge them into one and upload again."),
    ],
)
def test_two_manifests_are_refused_naming_both(client, editor, language, says):
    manifest = HEADER + "a.txt,吕梁日报,,,\n"
    response = upload(
        client, csv_file("manifest.csv", manifest), csv_file("manifest (1).csv", manifest), page_file(1, "a.txt"), language=language
    )
    assert response.status_code == 200 and escape(says) in response.content.decode()
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "未入库：这是 CSV 表格，不是版面：版面文件是纯文本（.txt）"),
        ("en", "Not stored: this is a CSV table, not a page: page files are plain text (.txt)"),
    ],
)
def test_a_csv_that_is_no_manifest_is_refused_by_name_and_the_pages_go_on(client, editor, language, says):
    text = results(client, upload(
        client, csv_file("版面统计.csv", "版次,字数\n第1版,3200\n"), page_file(1, "a.txt"), paper="吕梁日报", language=language
    ))
    text = shown(text)  # an English page marks the name's Chinese part (lang="zh-Hans")
    assert escape(says) in text and "版面统计.csv" in text
    assert sorted(stored()) == ["a.txt"]


def test_a_row_naming_a_folder_matches_the_browsers_base_name(client, editor):
    manifest = HEADER + "2025-04-01/a1.txt,吕梁日报,2025-04-01,第1版,\n"
    results(client, upload(client, csv_file("manifest.csv", manifest), page_file(1, "a1.txt")))
    page = stored()["a1.txt"]
    assert (page.issue.newspaper.name, page.issue.date, page.label) == ("吕梁日报", D, "第1版")


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "manifest.csv 中有 2 行没有对应的上传文件，未采用：第 3 行 c9.txt；第 4 行（没有文件名）"),
        ("en", "manifest.csv: 2 rows matched no uploaded file and were not used: row 3 (c9.txt); row 4 (no file name)"),
    ],
)
def test_rows_that_match_no_uploaded_file_are_told_and_nothing_is_refused(client, editor, language, says):
    manifest = HEADER + "a.txt,吕梁日报,,,\nc9.txt,吕梁日报,,,\n,临汾日报,,,\n"
    text = results(client, upload(client, csv_file("manifest.csv", manifest), page_file(1, "a.txt"), language=language))
    assert escape(says) in text and sorted(stored()) == ["a.txt"]


def test_a_quote_in_an_uploaded_file_name_is_stored_as_the_editor_named_it(client, editor):
    # What a browser sends for  weird name;'"<b>&.txt  (HTML's multipart/form-data encoding)
    text = results(client, upload(client, page_file(1, "weird name;'%22<b>&.txt"), paper="吕梁日报"))
    assert sorted(stored()) == ["weird name;'\"<b>&.txt"]
    assert escape("weird name;'\"<b>&.txt") in text and "%22" not in text


# -- the API ---------------------------------------------------------------------------------------


@pytest.fixture
def key(db) -> str:
    return issue_token(make_user("scripter", role=Role.EDITOR))


def api_upload(client, key: str, upload: SimpleUploadedFile, language: str = "zh-hans"):
    client.cookies["django_language"] = language
    data = {"file": upload, "paper": "运城日报", "date": "2025-07-24", "page": "第3版"}
    return client.post("/api/pages", data, HTTP_AUTHORIZATION=f"Token {key}")


def test_the_api_stores_a_file_name_without_the_browsers_escapes(client, key):
    response = api_upload(client, key, page_file(3, "say %22hi%22.txt"))
    assert response.status_code == 201 and sorted(stored()) == ['say "hi".txt']


@pytest.mark.parametrize("name", ["manifest (1).csv", "Manifest.CSV", "清单.csv"])
def test_the_api_refuses_a_manifest_under_any_name(client, key, name):
    response = api_upload(client, key, csv_file(name, HEADER + "a.txt,x,,,\n"))
    assert response.status_code == 400 and f"{name} 是清单文件，不是版面" in response.json()["error"]
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "表.csv 是 CSV 表格，不是版面：版面文件是纯文本（.txt）。"),
        ("en", "表.csv is a CSV table, not a page: page files are plain text (.txt)."),
    ],
)
def test_the_api_refuses_a_csv_that_is_no_page(client, key, language, says):
    response = api_upload(client, key, csv_file("表.csv", "版次,字数\n第1版,3200\n"), language=language)
    assert response.status_code == 400 and says in response.json()["error"]
    assert not Page.objects.exists()
