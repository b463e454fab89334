"""The table of the shared cache (settings.CACHES: DatabaseCache "archive_cache")."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_roles_and_api_tokens")]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
