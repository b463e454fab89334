"""A caption's credit as printed (``Caption.credit_text``). Existing captions keep "" (their
names are shown with 摄, as before) until their page is re-split or its file replaced."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_admin_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="caption",
            name="credit_text",
            # A default in the database too: the code still running until the restart COPYs
            # captions without this column.
            field=models.TextField(blank=True, db_default="", default="", verbose_name="署名原文"),
        ),
    ]
