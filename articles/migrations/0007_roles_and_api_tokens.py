"""API tokens, and the groups of the two roles (编辑, 管理员) with their permissions (articles/roles.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from articles.roles import sync_roles_now

_CRUD = ("add", "change", "delete", "view")

# The roles as they were when this migration was written (articles/roles.py may change later; a
# change there needs a new migration calling sync_roles, and tests/test_accounts.py says so).
ROLES = {
    "编辑": ["articles.view_page", "articles.add_page", "articles.change_page", "articles.publish_page"],
    "管理员": [
        *(f"articles.{a}_{m}" for m in ("page", "article", "caption", "newspaper", "issue", "articlecounty") for a in _CRUD),
        "articles.publish_page", "articles.correct_page", "articles.view_county", "articles.view_pagerevision",
        *(f"auth.{a}_{m}" for m in ("user", "group") for a in _CRUD),
        "axes.view_accessattempt", "axes.delete_accessattempt",
    ],
}


def make_roles(apps, schema_editor):
    # The permissions made first, including Page's publish_page/correct_page from 0005 and axes'.
    sync_roles_now(apps, schema_editor, ROLES)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_load_counties'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, verbose_name='令牌摘要')),
                ('created_at', models.DateTimeField(verbose_name='创建时间')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='最近使用')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='api_token', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': 'API 令牌',
                'verbose_name_plural': 'API 令牌',
                'constraints': [models.UniqueConstraint(fields=('key_hash',), name='apitoken_key_hash_uniq')],
            },
        ),
        migrations.RunPython(make_roles, remove_roles),
    ]
