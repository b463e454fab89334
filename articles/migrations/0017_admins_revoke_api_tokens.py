"""Admins see and revoke the scripts' API keys in the admin (articles/roles.py ADMIN_PERMISSIONS)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import sync_roles

_CRUD = ("add", "change", "delete", "view")
# The roles as they were before this migration (0007) and after it.
BEFORE = {
    "编辑": ["articles.view_page", "articles.add_page", "articles.change_page", "articles.publish_page"],
    "管理员": [
        *(f"articles.{a}_{m}" for m in ("page", "article", "caption", "newspaper", "issue", "articlecounty") for a in _CRUD),
        "articles.publish_page", "articles.correct_page", "articles.view_county", "articles.view_pagerevision",
        *(f"auth.{a}_{m}" for m in ("user", "group") for a in _CRUD),
        "axes.view_accessattempt", "axes.delete_accessattempt",
    ],
}
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
