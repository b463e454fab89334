"""The gazetteer's counties (ingest/data/divisions.tsv) as County rows, once, here: callers never
load them. ``manage.py loadcounties`` adds codes of a newer gazetteer."""

from django.db import migrations


def load(apps, schema_editor):
    from articles.counties import load_counties

    load_counties(apps.get_model("articles", "County"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_issue_page_status")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
