"""The models and the migrations agree: a model change without its migration fails here."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def _compression(table: str, column: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [table, column],
        )
        return cursor.fetchone()[0]


def _server_has_lz4() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_large_columns_use_lz4_where_the_server_has_it():
    # 'l' is LZ4; '' is the server's default (pglz), which a server without LZ4 keeps.
    expected = "l" if _server_has_lz4() else ""
    for table, column in [
        ("articles_article", "search_head"),
        ("articles_article", "search_body"),
        ("articles_article", "search_words"),
        ("articles_article", "body"),
        ("articles_page", "raw_text"),
    ]:
        assert _compression(table, column) == expected, (table, column)


@pytest.mark.django_db(transaction=True)
def test_pages_migration_keeps_every_row_and_withdraws_stored_copies():
    """0005: each old Issue (one page file) becomes a Page of a new Issue per paper and date;
    all published; of two stored copies of one text the first stays, the other is withdrawn."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = [("articles", "0004_lz4_compression")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    paper = old.get_model("articles", "Newspaper").objects.create(name="晋中日报")
    OldIssue, OldArticle = old.get_model("articles", "Issue"), old.get_model("articles", "Article")
    texts = ["甲\n乙", "甲\n乙\n", "丙", "丁"]
    dates = [None, None, dt.date(2025, 1, 2), dt.date(2025, 1, 2)]
    labels = ["", "", "第3版", "第4版"]
    for n, (text, date, label) in enumerate(zip(texts, dates, labels)):
        issue = OldIssue.objects.create(
            newspaper=paper, date=date, page=label, source_name=f"{n}.txt", sha256=f"{n:064x}", raw_text=text
        )
        OldArticle.objects.create(issue=issue, newspaper=paper, date=date, position=0, headline=text[:1])

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    from articles.models import Article, Issue, Page

    pages = list(Page.objects.order_by("source_name").select_related("issue"))
    assert [p.source_name for p in pages] == ["0.txt", "1.txt", "2.txt", "3.txt"]
    assert [p.raw_text for p in pages] == texts  # verbatim
    assert [p.status for p in pages] == ["published", "withdrawn", "published", "published"]
    assert pages[1].content_key is None and pages[0].content_key
    assert [p.label for p in pages] == labels and [p.number for p in pages] == [None, None, 3, 4]
    assert all(p.published_at == p.ingested_at for p in pages)
    assert Issue.objects.count() == 2  # the undated pages share one; the two of 2025-01-02 another
    assert pages[2].issue_id == pages[3].issue_id and pages[0].issue.date is None
    assert Article.objects.count() == 4
    assert list(Article.objects.filter(visible=False).values_list("page__source_name", flat=True)) == ["1.txt"]


@pytest.mark.django_db(transaction=True)
def test_county_codes_migration_fills_every_row_from_its_tags():
    """0009: the row's copy of its county codes, primary first, from the tags already stored."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from articles.models import Article
    from tests.factories import ingest_seeds

    ingest_seeds()
    written = dict(Article.objects.values_list("id", "county_codes"))
    assert any(written.values())

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("articles", "0008_cache_table")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaves)

    assert dict(Article.objects.values_list("id", "county_codes")) == written
