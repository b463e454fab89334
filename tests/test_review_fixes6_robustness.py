"""What a fuzzing review found (tenth session): a manifest row with an unclosed quote or an
overlong cell refused alone, a paper name or label holding a line break refused, a file named in
another encoding stored under its name as text (its batch-mates stored too), two writers that
meet the same file seeing it as the same file, and a caption that prints its own photographer's
credit keeping it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles import writer
from articles.models import Newspaper, Page, PageRevision
from ingest.decode import file_name
from ingest.manifest import ManifestError, is_manifest_header, manifest_rows
from ingest.splitter import split_page
from tests.conftest import SEED_FILES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

HEADER = "file,paper,date,page,prefecture\n"


def run_ingest(*args: str, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, no_progress=True, writers=1, workers=1, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_a_manifest_with_an_unclosed_quote_is_refused_naming_the_row_not_read_on_over_the_rows_below():
    with pytest.raises(ManifestError, match="manifest.csv:2: malformed"):
        manifest_rows(HEADER + 'a.txt,"晋中日报,2025-03-01,第1版,1407\nb.txt,吕梁日报,2025-03-01,第2版,1411\n')


def test_a_manifest_cell_longer_than_the_csv_limit_is_refused_not_a_crash():
    with pytest.raises(ManifestError, match="manifest.csv:2: malformed"):
        manifest_rows(HEADER + 'a.txt,"' + "晋" * 200_000 + "\nb.txt,吕梁日报,2025-03-01,第2版,1411\n")
    assert not is_manifest_header('"' + "x" * 200_000)


def test_a_row_with_more_cells_than_the_header_is_refused_but_trailing_empty_cells_are_not():
    rows = manifest_rows(HEADER + "a.txt,晋中日报,2025-03-01,第1版,1407,,\nb.txt,吕梁,日报,2025-03-01,第2版,1411\n").rows
    assert [(r.name, r.error is not None) for r in rows] == [("a.txt", False), ("b.txt", True)]


def test_a_folder_whose_manifest_cannot_be_read_fails_its_own_files_and_the_other_folders_go_in(tmp_path: Path):
    bad, good = tmp_path / "bad", tmp_path / "good"
    for folder, rows in ((bad, 'a.txt,"晋中日报,2025-03-01,第1版,1407\n'), (good, "b.txt,吕梁日报,2025-03-01,第2版,1411\n")):
        folder.mkdir()
        (folder / "manifest.csv").write_text(HEADER + rows)
    shutil.copy(SEED_FILES[1], bad / "a.txt")
    shutil.copy(SEED_FILES[2], good / "b.txt")
    err = StringIO()
    with pytest.raises(CommandError, match="1 failed: a.txt"):
        call_command("ingest", str(bad), str(good), no_progress=True, writers=1, workers=1, stdout=StringIO(), stderr=err)
    assert "manifest.csv:2: malformed" in err.getvalue()
    assert list(Newspaper.objects.values_list("name", flat=True)) == ["吕梁日报"]


def test_a_row_whose_stray_comma_comes_before_the_file_column_still_refuses_that_file():
    rows = manifest_rows("paper,date,page,file\n晋中日报,副刊,2025-01-01,3,a.txt\n").rows
    assert [(r.name, r.error is not None) for r in rows] == [("a.txt", True)]


@pytest.mark.parametrize("paper", ["人民\n日报", "报\x07名"])
def test_a_paper_name_holding_a_line_break_or_a_control_character_is_refused(paper):
    meta = writer.PageMeta(paper=paper, date=dt.date(2025, 3, 1), label="第1版")
    result = writer.ingest_file("a.txt", SEED_FILES[1].read_bytes(), meta, status=Page.Status.DRAFT)
    assert result.outcome == writer.Outcome.FAILED and "line break" in result.error
    assert not Newspaper.objects.exists()


def test_a_file_name_in_another_encoding_is_read_as_text():
    gbk = "测试版面.txt".encode("gbk").decode("utf-8", "surrogateescape")  # as os.listdir gives it
    assert file_name(gbk) == "测试版面.txt"
    assert file_name("bad\udcffname.txt") == "bad\ufffdname.txt"
    assert file_name("晋中日报.txt") == "晋中日报.txt"


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_a_file_named_in_another_encoding_is_stored_and_so_are_its_batch_mates(tmp_path: Path):
    folder = os.fsencode(tmp_path)
    for k, raw in enumerate([b"a.txt", "乙版.txt".encode("gbk"), b"bad\xffname.txt", b"d.txt"]):
        with open(os.path.join(folder, raw), "wb") as f:
            f.write(SEED_FILES[k + 1].read_bytes())
    run_ingest(str(tmp_path), paper="运城日报", batch=4)
    names = set(Page.objects.values_list("source_name", flat=True))
    assert names == {"a.txt", "乙版.txt", "bad\ufffdname.txt", "d.txt"}


@pytest.mark.parametrize("same_slot", ["report", "replace"])
def test_a_file_another_writer_commits_while_this_one_looks_is_the_same_file(monkeypatch, same_slot):
    meta = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版")
    source = writer.Source("p.txt", meta, data=SEED_FILES[1].read_bytes())
    stored_slots = writer.Writer._stored_slots
    fired = []

    def other_writer_commits_first(self, metas):  # the other process, right inside this one's look
        if not fired:
            fired.append(True)
            assert writer.Writer(same_slot=same_slot).write([writer.prepare(source)])[0].outcome == writer.Outcome.CREATED
        return stored_slots(self, metas)

    monkeypatch.setattr(writer.Writer, "_stored_slots", other_writer_commits_first)
    result = writer.Writer(same_slot=same_slot).write([writer.prepare(source)])[0]
    assert result.outcome == writer.Outcome.DUPLICATE
    assert Page.objects.count() == 1 and not PageRevision.objects.filter(action=PageRevision.Action.REPLACE).exists()


def test_a_caption_with_its_own_credit_keeps_it_beside_the_runs_credit_line():
    text = (
        "腐乳产业带动农户增收\n\n本报讯（记者 李四）近年来，某县大力发展腐乳产业，带动周边农户就业增收。\n\n"
        "▲工人在包装产品。 通讯员 赵 丽 摄\n\n▲质检人员在查看发酵情况。\n\n本报记者 张 三 摄\n"
    )
    [article] = split_page(text).articles
    assert [(c.text, c.credit) for c in article.captions] == [("工人在包装产品。", "赵丽"), ("质检人员在查看发酵情况。", "张三")]
    assert [c.lines for c in article.captions] == [[5], [7, 9]]
