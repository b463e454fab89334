"""Admins see and revoke the scripts' API keys in the admin (articles/roles.py ADMIN_PERMISSIONS)."""

import importlib

from django.db import migrations

from articles.roles import sync_roles_now

# The roles as 0007 made them (a migration's frozen copy, read from it), and after this one.
BEFORE = importlib.import_module("articles.migrations.0007_roles_and_api_tokens").ROLES
AFTER = {**BEFORE, "管理员": [*BEFORE["管理员"], "articles.view_apitoken", "articles.delete_apitoken"]}


def _sync(roles):
    return lambda apps, schema_editor: sync_roles_now(apps, schema_editor, roles)


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_caption_credit_text")]

    operations = [migrations.RunPython(_sync(AFTER), _sync(BEFORE))]
