"""Which paper, date and page a file is: manifest rows and file names (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.decode import UnreadableFile
from ingest.manifest import (
    FORM, ISSUE_DATE_MIN, MANIFEST, NAME, Entry, ManifestError, guess_from_name, issue_date_in_range, issue_date_max,
    manifest_from_bytes, parse_manifest, prefill, read_manifest,
)

D = dt.date(2025, 3, 29)


@pytest.mark.parametrize(
    "name,paper,date,page,number",
    [
        ("晋中日报_2025-03-29_第3版.txt", "晋中日报", D, "第3版", 3),
        ("晋中日报2025年3月29日第03版.txt", "晋中日报", D, "第3版", 3),
        ("jzrb-20250329-03.txt", "", D, "第3版", 3),
        ("2025-03-29/03.txt", "", D, "第3版", 3),
        ("运城日报/2025-07-24/p3.txt", "运城日报", dt.date(2025, 7, 24), "第3版", 3),
        ("吕梁晚报-A03-2025.04.01.txt", "吕梁晚报", dt.date(2025, 4, 1), "A03", 3),
        ("2025_03_29_第12版.txt", "", D, "第12版", 12),
        ("page12.txt", "", None, "第12版", 12),
        ("20250329.txt", "", D, "", None),
        # names that say nothing: the seeds' hashes and a scan
        ("000_7f5b6c240486804c.txt", "", None, "", None),
        ("001_49cb030964a73740.txt", "", None, "", None),
        ("scan.txt", "", None, "", None),
        # no such date: not taken for one
        ("晋中日报_2025-02-30.txt", "晋中日报", None, "", None),
    ],
)
def test_file_names_say_paper_date_and_page(name, paper, date, page, number):
    assert guess_from_name(name) == (guess := guess_from_name(name))
    assert (guess.paper, guess.date, guess.page, guess.number) == (paper, date, page, number)


def test_a_latin_paper_code_names_a_paper_only_through_aliases():
    assert guess_from_name("jzrb-20250329-03.txt", aliases={"JZRB": "晋中日报"}).paper == "晋中日报"
    assert guess_from_name("jzrb-20250329-03.txt").paper == ""


def test_a_folder_gives_the_date_but_never_the_page():
    guess = guess_from_name("第3版/2025-03-29.txt")
    assert guess.date == D and guess.page == ""


MANIFEST_TEXT = "file,paper,date,page,prefecture\na.txt,晋中日报,2025-03-29,第3版,1407\nb.txt,吕梁日报,,,\n"


def test_an_uploaded_manifest_is_parsed():
    entries = parse_manifest(MANIFEST_TEXT)
    assert entries["a.txt"] == Entry("晋中日报", D, "第3版", "1407")
    assert entries["b.txt"] == Entry("吕梁日报")


@pytest.mark.parametrize(
    "text,message",
    [
        ("name,paper\na.txt,x\n", "header lacks file"),
        ("file,paper,colour\na.txt,x,red\n", "unknown columns colour"),
        # day first is either of two days: refused (year first, 2025/03/29, is read: test_manifest_rows.py)
        ("file,paper,date\na.txt,x,29/03/2025\n", r"manifest.csv:2: date '29/03/2025' is not YYYY-MM-DD"),
        ("file,paper\na.txt,x\na.txt,y\n", "listed twice"),
        ("file,paper,prefecture\na.txt,x,14\n", "four-digit"),
        ("file,paper,prefecture\na.txt,x,\u0661\u0664\u0660\u0667\n", "four-digit"),  # digits, not ASCII ones
    ],
)
def test_a_bad_manifest_says_where(text, message):
    with pytest.raises(ManifestError, match=message):
        parse_manifest(text)


def test_the_form_wins_then_the_manifest_then_the_name():
    manifest = parse_manifest(MANIFEST_TEXT)
    # blank form: the manifest's row
    got = prefill("a.txt", Entry(), manifest)
    assert got.entry == Entry("晋中日报", D, "第3版", "1407") and got.number == 3
    assert got.origin == {"paper": MANIFEST, "date": MANIFEST, "page": MANIFEST, "prefecture": MANIFEST}
    # typed paper wins; the rest from the manifest
    got = prefill("a.txt", Entry(paper="太原日报"), manifest)
    assert got.entry.paper == "太原日报" and got.origin["paper"] == FORM and got.entry.date == D
    # no manifest row: the name says it
    got = prefill("临汾日报_2025-03-29_第2版.txt", Entry(prefecture="1410"), manifest)
    assert got.entry == Entry("临汾日报", D, "第2版", "1410") and got.number == 2
    assert got.origin == {"paper": NAME, "date": NAME, "page": NAME, "prefecture": FORM}
    # the manifest's blank date is filled from the name
    got = prefill("b.txt", Entry(), {"b.txt": Entry("吕梁日报")})
    assert got.entry.date is None and got.origin == {"paper": MANIFEST}


def test_a_typed_label_gives_its_page_number():
    assert prefill("x.txt", Entry(page="第7版")).number == 7
    assert prefill("x.txt", Entry(page="A05")).number == 5
    assert prefill("x.txt", Entry(page="要闻")).number is None


MANIFEST_ROW = "file,paper,date,page,prefecture\na.txt,吕梁日报,2025-04-01,第2版,1411\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_a_manifest_is_read_like_a_page_file_in_any_encoding(tmp_path, encoding):
    # Spreadsheets in China often save CSV as GBK; the command and the upload form read it alike.
    expected = {"a.txt": Entry("吕梁日报", dt.date(2025, 4, 1), "第2版", "1411")}
    assert manifest_from_bytes(MANIFEST_ROW.encode(encoding)) == expected
    (tmp_path / "manifest.csv").write_bytes(MANIFEST_ROW.encode(encoding))
    assert read_manifest(tmp_path) == expected


def test_an_unreadable_manifest_says_why_and_where(tmp_path):
    binary = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20
    with pytest.raises(UnreadableFile) as refused:
        manifest_from_bytes(binary)
    assert refused.value.zh.startswith("文件含有 NUL 字节")  # the upload page shows it in the reader's language
    (tmp_path / "manifest.csv").write_bytes(binary)
    with pytest.raises(ManifestError, match=r"manifest.csv: file holds NUL bytes"):
        read_manifest(tmp_path)
    assert read_manifest(tmp_path / "nowhere") == {}


@pytest.mark.parametrize("value", ["0001-01-01", "1799-12-31", "9999-12-31"])
def test_a_manifest_date_outside_the_archive_range_says_where(value):
    # Any date 0001..9999 was once taken, and a paper's calendar then failed on the year 9999.
    with pytest.raises(ManifestError, match=rf"manifest.csv:2: date '{value}' is outside 1800-01-01 to \d{{4}}-\d\d-\d\d"):
        parse_manifest(f"file,paper,date\na.txt,x,{value}\n")


def test_the_range_runs_from_1800_to_a_year_after_today():
    today = dt.date.today()
    assert ISSUE_DATE_MIN == dt.date(1800, 1, 1) and issue_date_in_range(ISSUE_DATE_MIN)
    assert issue_date_in_range(issue_date_max()) and not issue_date_in_range(issue_date_max() + dt.timedelta(days=1))
    assert 365 <= (issue_date_max() - today).days <= 366
    assert issue_date_max(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)  # no 29 February next year


def test_a_file_name_date_outside_the_range_is_dropped_like_an_impossible_one():
    # File names take 19xx and 20xx years: 2099 is inside that but no issue's date yet.
    guess = guess_from_name("晋中日报_2099-03-29_第3版.txt")
    assert (guess.paper, guess.date, guess.page) == ("晋中日报", None, "第3版")
