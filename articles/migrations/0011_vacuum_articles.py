"""VACUUM (ANALYZE) of the article table after 0009 rewrote every row.

0009's fill leaves a dead copy of every article row (and index entries for both copies) until
autovacuum gets round to a table that size, throttled, minutes to hours later. Until then every
search reads past the dead rows: measured at 100,000 articles, PostgreSQL's CPU a search under
the load test was 26.9 ms with them and 15.3 ms after this VACUUM (13 s), the same as a table
that never had them (docs/PERFORMANCE.md). VACUUM cannot run inside a transaction, hence
``atomic = False``; on a new or small archive it takes no time."""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("articles", "0010_county_code_digits")]

    operations = [migrations.RunSQL("VACUUM (ANALYZE) articles_article", migrations.RunSQL.noop)]
