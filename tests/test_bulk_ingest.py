"""articles/writer.py: the command's form (parsed in workers, COPY in batches) writes the same rows
as the upload's (ingest_file)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Model

from articles.models import Article, ArticleCounty, Caption, Page
from articles.writer import PageMeta, Outcome, Source, ingest_sources
from tests.conftest import SEED_FILES
from tests.factories import ingest_seeds, seed_meta

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]


def seed_sources() -> list[Source]:
    metas = seed_meta()
    return [Source(p.name, metas[p.name], path=p) for p in SEED_FILES]


def _values(obj: Model, skip: set[str]) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in skip}


def snapshot(*, papers_by_name: bool = False) -> list[tuple]:
    """Every stored row of every page, by file name and position, without ids and times
    (``papers_by_name``: nor the papers' ids, which differ from one load to the next)."""
    rows = []
    for page in Page.objects.select_related("issue__newspaper").order_by("source_name"):
        articles = []
        for article in page.articles.order_by("position"):
            captions = [_values(c, {"id", "article_id"}) for c in article.captions.order_by("position")]
            tags = sorted(article.county_tags.values_list("county_id", "primary"))
            skip = {"id", "page_id", "newspaper_id"} if papers_by_name else {"id", "page_id"}
            articles.append((_values(article, skip), captions, tags))
        paper = page.issue.newspaper
        if papers_by_name:
            issue = paper.name, paper.prefecture_code, page.issue.date, page.issue.edition
        else:
            issue = _values(page.issue, {"id"}), paper.name
        rows.append((_values(page, {"id", "issue_id", "ingested_at", "published_at"}), issue, articles))
    return rows


def test_bulk_writes_the_same_rows_as_the_one_file_path():
    ingest_seeds()
    expected = snapshot()
    Page.objects.all().delete()

    results = list(ingest_sources(seed_sources(), workers=1, batch=2))

    assert [r.outcome for r in results] == [Outcome.CREATED] * len(SEED_FILES)
    assert snapshot() == expected


def test_worker_processes_give_the_same_results_in_the_same_order():
    results = list(ingest_sources(seed_sources(), workers=2, batch=2))

    assert [r.name for r in results] == [p.name for p in SEED_FILES]
    assert [r.outcome for r in results] == [Outcome.CREATED] * len(SEED_FILES)
    assert sum(r.articles for r in results) == Article.objects.count()


def test_files_seen_before_or_twice_in_one_batch_are_duplicates():
    sources = seed_sources()
    list(ingest_sources(sources[:2], batch=10))
    counts = Article.objects.count()

    results = list(ingest_sources([*sources[:3], sources[2]], batch=10))

    assert [r.outcome for r in results] == [Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.CREATED, Outcome.DUPLICATE]
    assert Page.objects.count() == 3
    assert Article.objects.count() == counts + results[2].articles


def test_a_file_the_database_refuses_fails_alone_with_its_name(monkeypatch):
    from articles import writer

    sources = seed_sources()
    # A paper name longer than the column holds: the whole batch fails, then each file alone.
    # (Such a name is refused before the file is read, writer.meta_refusal: left to the database
    # here, as whatever else it may refuse would be.)
    monkeypatch.setattr(writer, "meta_refusal", lambda name, meta: None)
    bad = Source("bad.txt", PageMeta(paper="报" * 101), data=SEED_FILES[0].read_bytes() + "\n\n补记\n".encode())

    results = list(ingest_sources([sources[0], bad, sources[1]], batch=10))

    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.FAILED, Outcome.CREATED]
    assert results[1].name == "bad.txt" and "database refused" in results[1].error
    assert "INSERT" not in results[1].error and "COPY" not in results[1].error
    assert Page.objects.count() == 2
    assert not Page.objects.filter(source_name="bad.txt").exists()
    # Nothing of the refused file was half written.
    assert Article.objects.filter(page__source_name="bad.txt").count() == 0


def test_unreadable_files_fail_with_a_message_and_the_rest_is_stored():
    sources = seed_sources()
    binary = Source("photo.txt", PageMeta(paper="测试日报"), data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    missing = Source("gone.txt", PageMeta(paper="测试日报"), path=SEED_FILES[0].parent / "no-such-file.txt")

    results = list(ingest_sources([binary, sources[0], missing], workers=2, batch=1))

    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.CREATED, Outcome.FAILED]
    assert results[0].error and results[2].error
    assert Page.objects.count() == 1


def test_dates_and_pages_come_from_the_metadata():
    meta = PageMeta(paper="晋中日报", date=dt.date(2024, 5, 1), label="第2版", prefecture_code="1407")
    list(ingest_sources([Source("p2.txt", meta, path=SEED_FILES[0])]))

    page = Page.objects.get()
    issue = page.issue
    assert (issue.date, page.label, page.number, issue.newspaper.prefecture_code) == (dt.date(2024, 5, 1), "第2版", 2, "1407")
    assert set(Article.objects.values_list("date", flat=True)) == {dt.date(2024, 5, 1)}
    assert Caption.objects.filter(article__page=page).exists()
    assert ArticleCounty.objects.filter(article__page=page, primary=True).exists()
