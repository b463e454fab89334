"""An index of the article ids each revision's state holds, so that the permalink of an article an
admin merged away can find the article that holds its text now (PageRevisionQuerySet.last_holding).

Written as SQL: Django puts an expression and its operator class inside one pair of parentheses,
which PostgreSQL refuses. The expression is models.REVISION_REFS's, as a query states it.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0012_index_intertitles"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX revision_refs_gin ON articles_pagerevision"
            " USING gin ((jsonb_path_query_array(state, '$.articles[*].ref')) jsonb_path_ops)",
            reverse_sql="DROP INDEX revision_refs_gin",
        ),
    ]
