"""Admins see and revoke the scripts' API keys in the admin (articles/roles.py ADMIN_PERMISSIONS)."""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import sync_roles

# The roles as 0007 made them (a migration's frozen copy, read from it), and after this one.
BEFORE = importlib.import_module("articles.migrations.0007_roles_and_api_tokens").ROLES
AFTER = {**BEFORE, "管理员": [*BEFORE["管理员"], "articles.view_apitoken", "articles.delete_apitoken"]}


def _sync(roles):
    def run(apps, schema_editor):
        # Permissions are created after the whole migrate run (post_migrate): made here first.
        for config in apps.get_app_configs():
            config.models_module = True
            create_permissions(config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
            config.models_module = None
        sync_roles(apps, roles)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_caption_credit_text")]

    operations = [migrations.RunPython(_sync(AFTER), _sync(BEFORE))]
