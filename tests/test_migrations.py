"""The models and the migrations agree: a model change without its migration fails here."""

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
        ("articles_issue", "raw_text"),
    ]:
        assert _compression(table, column) == expected, (table, column)
