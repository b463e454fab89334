"""``kill -9`` of ``manage.py ingest`` in the middle of a batch leaves no partial page, and running
it again finishes the batch without a duplicate.

A real child process (with its forked writers, all in one process group) writes to the test
database, so the test is transactional: the child's commits are real and the test sees them.
Each page is written in the same transaction as its articles (a batch of files per transaction,
articles/writer.py), by WRITERS processes each with its own connection (articles/ingest_pool.py):
a kill loses whole batches, never part of a page.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article, ArticleCounty, Caption, Page
from articles.writer import PageMeta, Prepared, Source, prepare
from tests.conftest import SEED_FILES
from tests.factories import database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("counties")]

ROOT = Path(__file__).resolve().parent.parent
PAPER = "太行日报"
FILES = 60
BATCH = 5  # files per transaction: the kill lands after some batches are committed
KILL_AFTER = 2 * BATCH  # pages seen committed before the kill
WRITERS = 2  # manage.py ingest --writers: batches written at once, each by its own connection
CHILD_APP = "test-kill-ingest"  # the child's application_name


def make_batch(folder: Path) -> list[Path]:
    """FILES different pages: the seeds' text, each copy with its own issue line."""
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    paths = []
    for i in range(FILES):
        path = folder / f"{i:04d}.txt"
        path.write_text(f"太行日报 第{i + 1}期\n\n{texts[i % len(texts)]}", encoding="utf-8")
        paths.append(path)
    return paths


def ingest(folder: Path, **popen: object) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # Its connections named, so that writing_now() sees only them (libpq reads PGAPPNAME).
        "PGAPPNAME": CHILD_APP,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "ingest", str(folder), "--paper", PAPER, "--workers", "2",
               "--writers", str(WRITERS), "--batch", str(BATCH), "--no-progress"]
    # Its own session: the parse workers share its process group, and the kill takes them all.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **popen)


def writing_now() -> bool:
    """A client backend of the child is in a transaction that has written rows (it holds a
    transaction id): the child is in the middle of a batch. Autovacuum, another test run's
    connections or a monitoring client never count."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND application_name = %s AND backend_xid IS NOT NULL",
            [CHILD_APP],
        )
        return cursor.fetchone()[0] > 0


def kill_mid_batch(proc: subprocess.Popen, pages: int, timeout: float = 120) -> int:
    """kill -9 the child's process group once ``pages`` pages are committed and it is writing
    the next batch; returns the pages committed just before."""
    deadline = time.monotonic() + timeout
    while True:
        count = Page.objects.count()
        if count >= pages and writing_now():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            assert_group_gone(proc.pid)
            return count
        if proc.poll() is not None:
            pytest.fail(f"ingest ended (exit {proc.returncode}) before it was caught writing after {pages} pages")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"ingest wrote {count} pages in {timeout} s")
        time.sleep(0.005)


def assert_group_gone(pgid: int, timeout: float = 10) -> None:
    """No parse worker outlives the kill (orphans are reaped by init)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"processes of group {pgid} are still running after kill -9")


def wait_for_backends_to_go(timeout: float = 10) -> None:
    """The killed client's server process ends its transaction when it sees the socket close."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                [CHILD_APP],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


def expected(path: Path) -> Prepared:
    """The same file split in this process, as the child would have."""
    result = prepare(Source(path.name, PageMeta(paper=PAPER), path=path))
    assert isinstance(result, Prepared), result
    return result


def assert_no_partial_page(paths: dict[str, Path], *, compare: bool) -> None:
    for page in Page.objects.prefetch_related("articles"):
        articles = list(page.articles.all())
        placed = sorted([n for a in articles for n in a.lines] + [f["line"] for f in page.furniture])
        lines = [n for n, text in enumerate(page.source_lines(), 1) if text.strip()]
        assert placed == lines, f"{page.source_name}: lines missing, a partial page"
        if compare:
            want = expected(paths[page.source_name])
            assert page.raw_text == want.text and page.sha256 == want.digest
            assert [a.lines for a in articles] == [r.fields["lines"] for r in want.articles], page.source_name
            assert sum(len(r.captions) for r in want.articles) == Caption.objects.filter(article__page=page).count()
    # Nothing hangs off a page that is not there.
    assert not Article.objects.exclude(page__in=Page.objects.all()).exists()
    assert not ArticleCounty.objects.exclude(article__in=Article.objects.all()).exists()


def test_kill_9_mid_batch_leaves_no_partial_page_and_a_rerun_completes_it(tmp_path: Path):
    paths = {p.name: p for p in make_batch(tmp_path / "batch")}

    proc = ingest(tmp_path / "batch", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = kill_mid_batch(proc, KILL_AFTER)
    wait_for_backends_to_go()
    stored = Page.objects.count()
    assert seen <= stored < FILES, f"the kill must land in the middle of the run ({stored} of {FILES} written)"
    # Whole batches only: those being written when the kill came are gone entirely (at most
    # one more per writer may have committed between the last look and the kill).
    assert stored % BATCH == 0 and stored - seen <= WRITERS * BATCH
    assert_no_partial_page(paths, compare=True)
    before = set(Page.objects.values_list("sha256", flat=True))

    rerun = ingest(tmp_path / "batch", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{FILES - stored} ingested" in out and f"{stored} already in the archive" in out, out
    assert Page.objects.count() == FILES
    assert len(set(Page.objects.values_list("content_key", flat=True))) == FILES
    assert before <= set(Page.objects.values_list("sha256", flat=True))
    assert set(Page.objects.values_list("source_name", flat=True)) == set(paths)
    assert_no_partial_page(paths, compare=False)

    again = ingest(tmp_path / "batch", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "0 ingested" in out and f"{FILES} already in the archive" in out, out
    assert Page.objects.count() == FILES
