"""manage.py ingest: seeds in, idempotent, one transaction per file, clear failures."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleCounty, Caption, Page
from tests.conftest import SEED_FILES, SEEDS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]


def run_ingest(*args: str, **opts: object) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out, stderr=StringIO(), no_progress=True, **opts)
    return out.getvalue()


def test_seeds_ingest_into_articles_with_counties():
    output = run_ingest(str(SEEDS))
    assert "5 ingested" in output
    assert Page.objects.count() == 5
    assert set(Page.objects.values_list("status", flat=True)) == {Page.Status.PUBLISHED}
    assert Article.objects.count() >= 25
    assert ArticleCounty.objects.filter(primary=True).count() >= 15
    assert Caption.objects.exists()
    # Paper names come from the manifest; the seeds' dates are unknown and stay unknown.
    assert set(Page.objects.values_list("issue__newspaper__name", flat=True)) == {"晋中日报", "吕梁日报", "临汾日报", "运城日报"}
    assert not Page.objects.exclude(issue__date=None).exists()


def test_second_ingest_writes_nothing():
    run_ingest(str(SEEDS))
    counts = (Page.objects.count(), Article.objects.count(), Caption.objects.count(), ArticleCounty.objects.count())
    output = run_ingest(str(SEEDS))
    assert "0 ingested" in output and "5 already in the archive" in output
    assert (Page.objects.count(), Article.objects.count(), Caption.objects.count(), ArticleCounty.objects.count()) == counts


def test_raw_text_is_kept_verbatim():
    run_ingest(str(SEED_FILES[0]), paper="晋中日报")
    page = Page.objects.get()
    assert page.raw_text == SEED_FILES[0].read_text(encoding="utf-8")


def test_every_source_line_is_stored_once():
    run_ingest(str(SEEDS))
    for page in Page.objects.all():
        lines = [n for a in page.articles.all() for n in a.lines] + [f["line"] for f in page.furniture]
        expected = [n for n, text in enumerate(page.source_lines(), 1) if text.strip()]
        assert sorted(lines) == expected, page.source_name


def test_failed_file_leaves_nothing_behind_and_names_the_file(tmp_path: Path):
    good = tmp_path / "good.txt"
    shutil.copy(SEED_FILES[1], good)
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (tmp_path / "empty.txt").write_bytes(b"   \n\n")
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest", str(tmp_path), paper="测试日报", no_progress=True, stdout=StringIO(), stderr=err)
    message = str(excinfo.value)
    assert "2 failed" in message and "binary.txt" in message and "empty.txt" in message
    assert "binary.txt: file holds NUL bytes" in err.getvalue()
    assert "empty.txt: file is empty" in err.getvalue()
    # The good file went in; the bad ones left no issue and no articles.
    assert list(Page.objects.values_list("source_name", flat=True)) == ["good.txt"]


def test_file_without_paper_fails_with_a_message(tmp_path: Path):
    page = tmp_path / "page.txt"
    shutil.copy(SEED_FILES[0], page)
    with pytest.raises(CommandError):
        call_command("ingest", str(page), no_progress=True, stdout=StringIO(), stderr=StringIO())
    assert not Page.objects.exists()


def test_gbk_file_is_decoded(tmp_path: Path):
    page = tmp_path / "gbk.txt"
    page.write_bytes(SEED_FILES[1].read_text(encoding="utf-8").encode("gb18030"))
    run_ingest(str(page), paper="吕梁日报", date="2025-04-21", page="第2版")
    page = Page.objects.get()
    assert page.raw_text == SEED_FILES[1].read_text(encoding="utf-8")
    assert page.issue.date.isoformat() == "2025-04-21" and page.label == "第2版"
    assert set(Article.objects.values_list("date", flat=True)) == {page.issue.date}


def test_bad_date_option_is_a_usage_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_ingest(str(SEEDS), date="21/04/2025")


def test_missing_path_is_a_usage_error():
    err = StringIO()
    with pytest.raises(CommandError, match="no .txt files found: 1 failed: /nonexistent/folder"):
        call_command("ingest", "/nonexistent/folder", no_progress=True, stdout=StringIO(), stderr=err)
    assert "/nonexistent/folder: no such file or folder" in err.getvalue()


def test_a_missing_path_fails_alone_and_the_others_are_stored(tmp_path: Path):
    # A typo in a list of folders (a cron job's) must not lose the whole load.
    good = tmp_path / "good.txt"
    shutil.copy(SEED_FILES[1], good)
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "ingest", str(tmp_path / "nonexistent"), str(good), paper="测试日报", no_progress=True, stdout=StringIO(), stderr=err
        )
    assert "1 ingested" in str(excinfo.value) and "1 failed" in str(excinfo.value)
    assert "nonexistent: no such file or folder" in err.getvalue()
    assert list(Page.objects.values_list("source_name", flat=True)) == ["good.txt"]


def test_paper_and_page_options_are_trimmed_and_a_blank_paper_refused(tmp_path: Path):
    page = tmp_path / "page.txt"
    shutil.copy(SEED_FILES[1], page)
    with pytest.raises(CommandError, match="--paper is empty"):
        run_ingest(str(page), paper="  ")
    run_ingest(str(page), paper=" 吕梁日报 ", date="2025-04-21", page=" 第2版 ")
    stored = Page.objects.select_related("issue__newspaper").get()
    assert (stored.issue.newspaper.name, stored.label) == ("吕梁日报", "第2版")


def test_a_manifest_row_with_an_empty_paper_cell_is_named_by_its_row(tmp_path: Path):
    shutil.copy(SEED_FILES[1], tmp_path / "a.txt")
    (tmp_path / "manifest.csv").write_text("file,paper,date\na.txt,,2025-04-21\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(tmp_path), no_progress=True, stdout=StringIO(), stderr=err)
    assert "a.txt: manifest.csv:2: the paper cell is empty" in err.getvalue()


def test_database_trouble_is_one_line_that_says_what_to_do():
    from django.db import OperationalError, ProgrammingError

    from articles.writer import database_refusal

    down = database_refusal(OperationalError("connection failed: Connection refused\n\tIs the server running?"))
    assert down.startswith("cannot use the database of DATABASE_URL (connection failed: Connection refused)")
    bare = database_refusal(ProgrammingError('relation "articles_article" does not exist\nLINE 1: SELECT COUNT(*)'))
    assert bare == 'the database is not migrated to this version (relation "articles_article" does not exist): run manage.py migrate first'
    assert "SELECT" not in bare


def test_a_huge_page_is_stored_and_searchable(tmp_path: Path):
    # 300,000 characters on one line: far past PostgreSQL's 16,383 positions and 1 MiB of
    # tsvector text, which must neither fail the file nor lose its opening from search.
    import random

    rng = random.Random(7)
    body = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(300_000))
    page = tmp_path / "huge.txt"
    page.write_text(f"文峰塔大事记\n\n本报讯 平遥古城{body}。\n", encoding="utf-8")
    run_ingest(str(page), paper="测试日报")
    assert Page.objects.count() == 1
    assert Article.objects.search("平遥古城").exists()
    assert Article.objects.search("文峰塔").exists()


def test_draft_option_stores_pages_readers_do_not_see():
    run_ingest(str(SEED_FILES[0]), paper="晋中日报", draft=True)
    page = Page.objects.get()
    assert page.status == Page.Status.DRAFT and page.published_at is None
    assert Article.objects.exists() and not Article.objects.visible().exists()


def test_same_paper_date_and_page_with_other_text_is_reported_then_replaced_or_kept(tmp_path: Path):
    slot = {"paper": "晋中日报", "date": "2025-03-29", "page": "第3版"}
    run_ingest(str(SEED_FILES[0]), **slot)
    other = tmp_path / "corrected.txt"
    shutil.copy(SEED_FILES[1], other)
    err = StringIO()
    with pytest.raises(CommandError, match="1 not written") as excinfo:
        call_command("ingest", str(other), no_progress=True, stdout=StringIO(), stderr=err, **slot)
    assert "corrected.txt" in str(excinfo.value)
    assert "corrected.txt: not written: the archive holds 晋中日报 2025-03-29 第3版 with different text" in err.getvalue()
    assert Page.objects.count() == 1

    output = run_ingest(str(other), replace=True, **slot)
    assert "1 replaced" in output
    page = Page.objects.get()
    assert page.source_name == "corrected.txt" and page.raw_text == SEED_FILES[1].read_text(encoding="utf-8")
    assert page.revisions.filter(action="replace").get().raw_text == SEED_FILES[0].read_text(encoding="utf-8")

    run_ingest(str(SEED_FILES[2]), keep_both=True, **slot)
    assert Page.objects.filter(label="第3版").count() == 2


def _planner_rows() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles_article'")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("threshold", "analyzed"), [(1, True), (10_000, False)])
def test_a_load_that_grows_the_archive_much_refreshes_the_planners_statistics(monkeypatch, threshold, analyzed):
    # Search shows "about N" from the planner's estimates: right after a large load, before
    # autovacuum's ANALYZE, it said 约 1,001 for 3,491 matches.
    from articles.management.commands import ingest

    monkeypatch.setattr(ingest, "ANALYZE_AFTER_ARTICLES", threshold)
    before = _planner_rows()  # ANALYZE writes it in place: a rolled-back test's stays
    run_ingest(str(SEEDS))
    if analyzed:
        assert _planner_rows() == Article.objects.count()
    else:
        assert _planner_rows() == before
