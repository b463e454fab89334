"""Compress the large columns with LZ4 where the server has it.

The search vectors (6–10 KB an article) and the page text are stored out of line and compressed.
With PostgreSQL's default method (pglz), trying to compress them was about an eighth of the
server's work per article at ingest (the same 10,000 articles written both ways), and reading
them back is part of every exact check. LZ4 does both several times faster and stores the
vectors a little smaller (docs/PERFORMANCE.md). A server built without LZ4
(the embedded one) keeps pglz: the setting is only about speed, never about what is stored.

The setting applies to values written from now on; older rows stay readable as they are.
"""

from django.db import migrations

COLUMNS = {
    "articles_article": ["search_head", "search_body", "search_words", "body"],
    "articles_issue": ["raw_text"],  # renamed articles_page by 0005; the setting moves with it
}


def _has_lz4(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _set(method: str):
    def run(apps, schema_editor) -> None:
        if method == "lz4" and not _has_lz4(schema_editor):
            return
        for table, columns in COLUMNS.items():
            changes = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in columns)
            schema_editor.execute(f"ALTER TABLE {table} {changes}")

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_statistics")]

    operations = [migrations.RunPython(_set("lz4"), reverse_code=_set("default"))]
