"""What the database refuses, and two loads at once: one file fails alone, in plain words."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles import writer
from articles.models import Article, Page
from articles.writer import Outcome, PageMeta, Source, ingest_file, ingest_sources
from tests.conftest import SEED_FILES
from tests.factories import seed_meta

PUBLISHED = Page.Status.PUBLISHED
SQL_WORDS = ("INSERT", "COPY", "SELECT", "Traceback", "psycopg", "CONTEXT", "DETAIL")

URL = "https://example.com/archive/" + "a1b2c3d4e5" * 210  # 2,128 characters, no break after the last /


@pytest.mark.django_db
@pytest.mark.usefixtures("counties")
def test_a_page_with_a_2100_character_url_is_stored_and_searchable(tmp_path: Path):
    page = tmp_path / "url.txt"
    page.write_text(f"平遥古城迎来游客高峰\n\n本报讯 详见 {URL} 网页。文峰塔也开放了。\n", encoding="utf-8")
    out = StringIO()
    call_command("ingest", str(page), paper="测试日报", no_progress=True, stdout=out, stderr=StringIO())
    assert "1 ingested" in out.getvalue()
    article = Article.objects.get()
    assert URL in article.body
    assert Article.objects.search("文峰塔").exists()
    assert Article.objects.search("example.com").exists()
    assert Article.objects.search("a1b2c3d4e5a1b2c3d4e5").exists()  # inside the over-long word
    # The same through the single-file form (the upload page and the API).
    result = ingest_file("url2.txt", f"{URL}\n另一版。\n".encode(), PageMeta(paper="测试日报"), status=PUBLISHED)
    assert result.outcome == Outcome.CREATED


@pytest.mark.django_db
@pytest.mark.usefixtures("counties")
def test_a_file_the_database_refuses_fails_alone_in_the_command_with_a_plain_message(tmp_path: Path, monkeypatch):
    from articles import writer

    # Such a name is refused before the file is read (writer.meta_refusal): left to the database
    # here, as whatever else it may refuse would be. Forked parse workers inherit the patch.
    monkeypatch.setattr(writer, "meta_refusal", lambda name, meta: None)
    for i in range(3):
        (tmp_path / f"p{i}.txt").write_bytes(SEED_FILES[i].read_bytes())
    # The paper of p1 is longer than the column holds: the database refuses that file only.
    (tmp_path / "manifest.csv").write_text(
        f"file,paper,date,page,prefecture\np0.txt,晋中日报,,,\np1.txt,{'报' * 101},,,\np2.txt,临汾日报,,,\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest", str(tmp_path), no_progress=True, batch=10, stdout=StringIO(), stderr=err)
    assert "2 ingested" in str(excinfo.value) and "1 failed" in str(excinfo.value) and "p1.txt" in str(excinfo.value)
    message = err.getvalue()
    assert "p1.txt: the database refused it (" in message
    for word in SQL_WORDS:
        assert word not in message
    assert sorted(Page.objects.values_list("source_name", flat=True)) == ["p0.txt", "p2.txt"]


@pytest.mark.django_db
@pytest.mark.usefixtures("counties")
def test_any_database_refusal_of_one_file_is_caught_for_that_file(monkeypatch):
    # A refusal we cannot provoke with data (too large a vector, a full disk): simulated.
    from django.db import DataError

    real = writer.write_articles

    def refuse_second(rows, known):
        if any(r[6].fields["headline"] and "吕梁" in str(r[6].fields) for r in rows):
            raise DataError("string is too long for tsvector (1048577 bytes, max 1048575 bytes)")
        return real(rows, known)

    monkeypatch.setattr(writer, "write_articles", refuse_second)
    metas = seed_meta()
    sources = [Source(p.name, metas[p.name], path=p) for p in SEED_FILES[:3]]
    results = list(ingest_sources(sources, batch=3))
    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.FAILED, Outcome.CREATED]
    assert results[1].error == "the database refused it (string is too long for tsvector (1048577 bytes, max 1048575 bytes))"
    single = ingest_file(SEED_FILES[1].name, SEED_FILES[1].read_bytes(), metas[SEED_FILES[1].name], status=PUBLISHED)
    assert single.outcome == Outcome.FAILED and "未入库：the database refused it" in single.message_zh


def _race(monkeypatch, run) -> list:
    """Run ``run`` in two threads (each with its own connection) that both pass the duplicate
    check before either writes: the loser meets the unique keys."""
    barrier = threading.Barrier(2, timeout=30)
    waited = threading.local()
    real = writer.Writer._store

    def store_after_both_checked(self, items):
        if not getattr(waited, "done", False):  # the first write of each thread (not its retries)
            waited.done = True
            barrier.wait()
        return real(self, items)

    monkeypatch.setattr(writer.Writer, "_store", store_after_both_checked)
    results: list = [None, None]
    errors: list = []

    def work(i: int) -> None:
        try:
            results[i] = run()
        except BaseException as exc:  # noqa: BLE001 — the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("counties")
def test_two_loads_of_the_same_new_files_at_once_one_reports_already_in_the_archive(monkeypatch):
    metas = seed_meta()
    sources = [Source(p.name, metas[p.name], path=p) for p in SEED_FILES[:3]]
    results = _race(monkeypatch, lambda: list(ingest_sources(sources, batch=10)))
    outcomes = sorted([r.outcome for r in results[0]], reverse=True), sorted([r.outcome for r in results[1]], reverse=True)
    assert sorted(outcomes) == [[Outcome.CREATED] * 3, [Outcome.DUPLICATE] * 3]
    loser = results[0] if results[0][0].outcome == Outcome.DUPLICATE else results[1]
    assert all(r.message == "already in the archive, nothing written" and r.page is not None for r in loser)
    assert Page.objects.count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("counties")
def test_two_uploads_of_the_same_new_file_at_once(monkeypatch):
    meta = PageMeta(paper="晋中日报")
    data = SEED_FILES[0].read_bytes()
    results = _race(monkeypatch, lambda: ingest_file("a.txt", data, meta, status=PUBLISHED))
    assert sorted(r.outcome for r in results) == [Outcome.CREATED, Outcome.DUPLICATE]
    assert Page.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("counties")
def test_the_upload_page_never_shows_the_databases_sql(client, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import DataError

    from articles.roles import Role
    from tests.factories import make_user

    def refuse(rows, known):
        # What psycopg says about a refused COPY: the reason, then the statement and the row.
        raise DataError(
            'value too long for type character varying(100)\nCONTEXT:  COPY articles_page, line 1: "1\t2\t…"'
        )

    monkeypatch.setattr(writer, "write_articles", refuse)
    client.force_login(make_user("editor", role=Role.EDITOR))
    upload = SimpleUploadedFile(SEED_FILES[0].name, SEED_FILES[0].read_bytes(), content_type="text/plain")
    response = client.post("/upload/", {"paper": "晋中日报", "files": [upload]}, follow=True)
    text = response.content.decode()
    assert "the database refused it (value too long for type character varying(100))" in text
    for word in SQL_WORDS:
        assert word not in text
    assert not Page.objects.exists()
