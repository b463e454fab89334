"""The county tallies (models.CountyTally), counted once here for the archive as it stands, after
which articles/writer.py keeps them with every write; and a page's place (paper, date, edition,
label) in its revisions, so that a change of it is a version like any correction (writer.META).

The fill reads the visible articles grouped by their set of county codes, as the counties page
did on every write until now: seconds at a million stories, once. Code still running from before
the upgrade writes no tallies: run ``manage.py recountcounties`` once the new code serves
(docs/OPERATIONS.md, "Upgrades and migrations").
"""

from django.db import migrations, models
from django.db.models import Count


def _keys(codes, places):
    # Frozen copy of models.tally_keys at the time of this migration.
    keys = {("", "", "")}
    for code in codes:
        place = places.get(str(code))
        if place is not None:
            province, prefecture = place
            keys.update({(str(code), "", ""), ("", province, prefecture), ("", province, "")})
    return keys


def fill_tallies(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    County = apps.get_model("articles", "County")
    CountyTally = apps.get_model("articles", "CountyTally")
    places = {
        code: (province, prefecture)
        for code, province, prefecture in County.objects.using(db).values_list("code", "province", "prefecture")
    }
    sets = Article.objects.using(db).filter(visible=True).order_by().values_list("county_codes").annotate(n=Count("id"))
    sums = {}
    for codes, n in sets.iterator(chunk_size=10_000):
        for key in _keys(codes, places):
            sums[key] = sums.get(key, 0) + n
    CountyTally.objects.using(db).bulk_create(
        [CountyTally(county=c, province=p, prefecture=q, n=n) for (c, p, q), n in sums.items() if n], batch_size=1000
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0013_revision_refs"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountyTally",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("county", models.CharField(blank=True, max_length=6)),
                ("province", models.CharField(blank=True, max_length=50)),
                ("prefecture", models.CharField(blank=True, max_length=50)),
                ("n", models.IntegerField()),
            ],
            options={
                "verbose_name": "县区计数",
                "verbose_name_plural": "县区计数",
            },
        ),
        # The fill before the revisions' new column: a migration is one transaction, and the
        # column's ACCESS EXCLUSIVE lock, taken last, then blocks the history's readers for a
        # moment, not for the scan of every visible article.
        migrations.RunPython(fill_tallies, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="pagerevision",
            name="meta",
            field=models.JSONField(blank=True, null=True, verbose_name="报名、日期、版次"),
        ),
        migrations.AlterField(
            model_name="pagerevision",
            name="action",
            field=models.CharField(
                choices=[
                    ("ingest", "入库"), ("edit", "编辑"), ("correct", "校正"), ("resplit", "重新切分"),
                    ("replace", "替换文件"), ("undo", "撤销"), ("revert", "恢复版本"), ("meta", "更正报名、日期或版次"),
                ],
                max_length=10,
                verbose_name="操作",
            ),
        ),
    ]
