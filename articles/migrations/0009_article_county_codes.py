"""Article.county_codes: the county tags' codes on the article row, with a GIN index (the
county filter as a bitmap PostgreSQL can AND with the text's; articles/models.py).

One transaction: every row rewritten and the index built with the table locked (about 2 minutes
per 100,000 articles; docs/OPERATIONS.md, "Upgrades and migrations")."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# Primary first, then as tagged: the order articles/writer.py writes.
FILL = """
UPDATE articles_article a SET county_codes = t.codes
  FROM (SELECT article_id, array_agg(county_id::int ORDER BY NOT "primary", id) AS codes
          FROM articles_articlecounty GROUP BY article_id) t
 WHERE t.article_id = a.id
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_cache_table")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="county_codes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.IntegerField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(fields=["county_codes"], name="article_county_codes_gin"),
        ),
        # The county filter's estimates (ranking.py chooses plans by them) from the new column.
        migrations.RunSQL("ANALYZE articles_article (county_codes)", migrations.RunSQL.noop),
    ]
