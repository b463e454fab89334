"""Several writers at once (``manage.py ingest --writers N``, articles/ingest_pool.py): the same
rows and outcomes as one writer, and a file two writers meet at the same time stored once.

Real PostgreSQL, transactional tests: the writers are forked processes (or, for the forced race,
threads), each with its own connection, so their commits must be real for the test to see them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from articles.models import Article, Caption, Page
from articles.writer import Outcome, PageMeta, Prepared, Source, Writer, ingest_sources, prepare
from tests.conftest import SEED_FILES
from tests.test_bulk_ingest import seed_sources
from tests.test_bulk_ingest import snapshot as bulk_snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("counties")]

SLOT = PageMeta(paper="太行日报", date=dt.date(2024, 5, 1), label="第2版")


def variants() -> list[Source]:
    """The seeds, a CRLF copy of one (the same text: a duplicate), a file the database refuses,
    an unreadable one, and two other files for the same paper, date and page (one place)."""
    sources = seed_sources()
    crlf = SEED_FILES[1].read_bytes().replace(b"\n", b"\r\n")
    return [
        sources[1],
        Source("crlf.txt", sources[1].meta, data=crlf),
        sources[0],
        *sources[2:],
        Source("bad.txt", PageMeta(paper="报" * 101), data=SEED_FILES[0].read_bytes() + "\n\n补记\n".encode()),
        Source("photo.txt", PageMeta(paper="测试日报"), data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50),
        Source("slot-a.txt", SLOT, data=SEED_FILES[2].read_bytes() + "\n\n一\n".encode()),
        Source("slot-b.txt", SLOT, data=SEED_FILES[3].read_bytes() + "\n\n二\n".encode()),
    ]


def snapshot() -> list[tuple]:
    return bulk_snapshot(papers_by_name=True)


def wipe() -> None:
    Page.objects.all().delete()
    from articles.models import Issue, Newspaper

    Issue.objects.all().delete()
    Newspaper.objects.all().delete()


def outcomes(results) -> list[tuple[str, Outcome, int]]:
    return [(r.name, r.outcome, r.articles) for r in results]


def test_several_writers_store_the_same_rows_with_the_same_outcomes_as_one(monkeypatch):
    from articles import writer

    # bad.txt's paper name, too long for its column, left for the database to refuse (it is
    # refused before reading otherwise: writer.meta_refusal); the forked writers inherit this.
    monkeypatch.setattr(writer, "meta_refusal", lambda name, meta: None)
    # batch=2 puts the CRLF copy in its original's batch and the two same-place files in one
    # batch: every outcome is decided the same way whichever writer finishes first.
    one = outcomes(ingest_sources(variants(), workers=1, batch=2))
    expected = snapshot()
    wipe()

    many = list(ingest_sources(variants(), batch=2, writers=3))

    assert outcomes(many) == one
    assert snapshot() == expected
    assert Counter(o for _, o, _ in one) == {
        Outcome.CREATED: 6, Outcome.DUPLICATE: 1, Outcome.FAILED: 2, Outcome.SAME_SLOT: 1,
    }
    assert "database refused" in many[[r.name for r in many].index("bad.txt")].error


def test_the_same_file_in_batches_of_different_writers_is_stored_once():
    sources = seed_sources()
    crlf = Source("crlf.txt", sources[0].meta, data=SEED_FILES[0].read_bytes().replace(b"\n", b"\r\n"))
    copies = [Source(f"copy{i}.txt", sources[0].meta, path=SEED_FILES[0]) for i in range(3)]
    # One file per batch: the four copies go to four writers at once.
    results = list(ingest_sources([sources[0], *copies, crlf, sources[1]], batch=1, writers=4))

    assert Counter(r.outcome for r in results) == {Outcome.CREATED: 2, Outcome.DUPLICATE: 4}
    assert Page.objects.count() == 2
    stored = Page.objects.get(content_key=prepare(sources[0]).key)
    for r in results:
        if r.outcome == Outcome.DUPLICATE:
            assert r.page.pk == stored.pk, r.name
    assert Article.objects.filter(page=stored).count() == next(r.articles for r in results if r.page.pk == stored.pk and r.outcome == Outcome.CREATED)


def test_files_for_one_place_are_written_in_their_order_whatever_the_writers():
    # Which of two files for one place is stored (or replaces the other) follows their order, as
    # with one writer, not which writer commits first: such a run is written by one writer.
    a = Source("slot-a.txt", SLOT, data=SEED_FILES[2].read_bytes())
    b = Source("slot-b.txt", SLOT, data=SEED_FILES[3].read_bytes())

    results = list(ingest_sources([a, b], batch=1, writers=2))

    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.SAME_SLOT]
    assert Page.objects.get().source_name == "slot-a.txt"
    replaced = list(ingest_sources([b, a], batch=1, writers=2, same_slot="replace"))
    assert [r.outcome for r in replaced] == [Outcome.REPLACED, Outcome.REPLACED]
    assert Page.objects.get().source_name == "slot-a.txt"


def test_a_writer_that_dies_ends_the_run_with_an_error_not_a_wait(monkeypatch, tmp_path: Path):
    # A writer killed mid-batch (out of memory, kill -9): its batch is not written, the run ends
    # with an error naming what happened instead of waiting for the lost batch for ever.
    import os

    from django.core.management import CommandError

    from articles import ingest_pool

    real = ingest_pool.prepare
    monkeypatch.setattr(ingest_pool, "prepare", lambda s: os._exit(9) if s.name == "die.txt" else real(s))
    sources = seed_sources()
    with pytest.raises(ingest_pool.WriterDied):
        list(ingest_sources([*sources[:2], Source("die.txt", sources[2].meta, path=SEED_FILES[2])], batch=1, writers=2))

    folder = tmp_path / "pages"
    folder.mkdir()
    for name, seed in (("a.txt", SEED_FILES[3]), ("die.txt", SEED_FILES[4])):
        (folder / name).write_bytes(seed.read_bytes())
    with pytest.raises(CommandError, match="a writer stopped.*run the command again"):
        call_command("ingest", str(folder), paper="太行日报", writers=2, batch=1, no_progress=True,
                     stdout=StringIO(), stderr=StringIO())


def _prepared(source: Source) -> Prepared:
    p = prepare(source)
    assert isinstance(p, Prepared)
    return p


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


def test_a_writer_that_meets_a_file_being_written_waits_and_reports_it_as_a_duplicate(monkeypatch):
    """The race forced: writer A has COPYed the file and not committed when writer B, which
    looked before A's commit and saw nothing, comes to write it too."""
    source = seed_sources()[0]
    copied, go = threading.Event(), threading.Event()
    results: dict[str, list] = {}
    original = Writer._copy

    def slow_copy(self, items):
        ids = original(self, items)
        if threading.current_thread().name == "A":
            copied.set()
            assert go.wait(30)
        return ids

    monkeypatch.setattr(Writer, "_copy", slow_copy)

    def write(name: str, file_name: str) -> None:
        try:
            results[name] = Writer().write([_prepared(Source(file_name, source.meta, path=source.path))])
        finally:
            connections.close_all()

    a = threading.Thread(target=write, args=("A", "first.txt"), name="A")
    b = threading.Thread(target=write, args=("B", "second.txt"), name="B")
    a.start()
    assert copied.wait(30)
    b.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock():  # B is blocked on A's lock on the text
        assert time.monotonic() < deadline and b.is_alive(), "B did not wait for A"
        time.sleep(0.01)
    go.set()
    a.join(30)
    b.join(30)

    assert [r.outcome for r in results["A"]] == [Outcome.CREATED]
    assert [r.outcome for r in results["B"]] == [Outcome.DUPLICATE]
    assert results["B"][0].page.pk == results["A"][0].page.pk
    assert Page.objects.count() == 1
    assert Caption.objects.filter(article__page=results["A"][0].page).count() == sum(
        len(r.captions) for r in _prepared(source).articles
    )


def test_the_command_with_writers_reports_as_before(tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    for i in range(12):
        (folder / f"{i:02d}.txt").write_text(f"太行日报 第{i + 1}期\n\n{texts[i % len(texts)]}", encoding="utf-8")

    def run() -> str:
        out = StringIO()
        call_command("ingest", str(folder), paper="太行日报", writers=3, batch=2, no_progress=True,
                     stdout=out, stderr=StringIO())
        return out.getvalue()

    assert "12 ingested" in run()
    assert Page.objects.count() == 12
    out = run()
    assert "0 ingested" in out and "12 already in the archive" in out
    assert Page.objects.count() == 12
