"""A newspaper's issue and its pages; page status; one history (PageRevision) instead of
django-simple-history.

Every row is kept: the old ``Issue`` (one page file) becomes ``Page``; each distinct paper + date
of the pages becomes an ``Issue`` (the undated pages of a paper share one). Existing pages were
public, so they become PUBLISHED (published when ingested) and their articles visible. Each page
gets its ``content_key``; where two stored pages have the same text (a copy with a trailing
newline, stored twice before this check existed), the first keeps it and the others are kept but
withdrawn, so their stories no longer show twice.
"""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_key(text: str) -> str:
    # Frozen copy of articles.writer.content_key at the time of this migration.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(label: str):
    # Frozen copy of articles.writer.page_number at the time of this migration.
    import re

    digits = re.search(r"\d+", label)
    if digits:
        return int(digits.group())
    numeral = re.search(r"[零〇一二两三四五六七八九十]+", label)
    if not numeral:
        return None
    text, value = numeral.group(), 0
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones[:1], 0) if ones else 0)
    else:
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
    return value or None


def forwards(apps, schema_editor):
    Issue = apps.get_model("articles", "Issue")
    Page = apps.get_model("articles", "Page")
    Article = apps.get_model("articles", "Article")
    issues = {}
    seen_keys = set()
    duplicates = []
    batch = []
    for page in Page.objects.order_by("id").only("id", "newspaper_id", "date", "label", "raw_text", "ingested_at").iterator(2000):
        slot = (page.newspaper_id, page.date)
        if slot not in issues:
            issues[slot] = Issue.objects.create(newspaper_id=page.newspaper_id, date=page.date, edition="").id
        page.issue_id = issues[slot]
        page.number = _number(page.label)
        page.published_at = page.ingested_at
        key = _content_key(page.raw_text)
        if key in seen_keys:
            page.content_key = None
            page.status = "withdrawn"
            duplicates.append(page.id)
        else:
            seen_keys.add(key)
            page.content_key = key
            page.status = "published"
        page.raw_text = None  # not written back (update_fields below); frees memory
        batch.append(page)
        if len(batch) >= 2000:
            Page.objects.bulk_update(batch, ["issue", "number", "published_at", "content_key", "status"])
            batch = []
    Page.objects.bulk_update(batch, ["issue", "number", "published_at", "content_key", "status"])
    if duplicates:
        Article.objects.filter(page_id__in=duplicates).update(visible=False)


def backwards(apps, schema_editor):
    Page = apps.get_model("articles", "Page")
    for page in Page.objects.select_related("issue").iterator(2000):
        page.newspaper_id = page.issue.newspaper_id
        page.date = page.issue.date
        page.save(update_fields=["newspaper", "date"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_lz4_compression"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The rename of Issue to Page renames its content type (and back): with the current table.
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.DeleteModel(name="HistoricalArticle"),
        migrations.RemoveIndex(model_name="issue", name="issue_latest_idx"),
        migrations.RemoveConstraint(model_name="article", name="article_issue_position_uniq"),
        migrations.RemoveIndex(model_name="article", name="article_date_idx"),
        migrations.RenameModel(old_name="Issue", new_name="Page"),
        migrations.RenameField(model_name="article", old_name="issue", new_name="page"),
        migrations.RenameField(model_name="page", old_name="page", new_name="label"),
        migrations.AlterField(
            model_name="page",
            name="newspaper",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="articles.newspaper"
            ),
        ),
        migrations.CreateModel(
            name="Issue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(blank=True, null=True, verbose_name="日期")),
                ("edition", models.CharField(blank=True, max_length=50, verbose_name="版别")),
                (
                    "newspaper",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="issues", to="articles.newspaper"
                    ),
                ),
            ],
            options={
                "verbose_name": "期",
                "verbose_name_plural": "期",
                "ordering": ["newspaper", models.OrderBy(models.F("date"), descending=True, nulls_last=True), "edition"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("newspaper", "date", "edition"),
                        name="issue_paper_date_edition_uniq",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="page",
            name="issue",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="pages", to="articles.issue"
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="number",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="版号"),
        ),
        migrations.AddField(
            model_name="page",
            name="content_key",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name="内容指纹"),
        ),
        migrations.AddField(
            model_name="page",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("published", "已发布"), ("withdrawn", "已撤回")],
                default="published",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="上传者",
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
        ),
        migrations.AddField(
            model_name="article",
            name="visible",
            field=models.BooleanField(default=True, verbose_name="公开"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="page", name="newspaper"),
        migrations.RemoveField(model_name="page", name="date"),
        migrations.AlterField(
            model_name="page",
            name="issue",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="pages", to="articles.issue"),
        ),
        migrations.AlterField(
            model_name="page",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("published", "已发布"), ("withdrawn", "已撤回")],
                default="draft",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="visible",
            field=models.BooleanField(default=False, verbose_name="公开"),
        ),
        migrations.AlterModelOptions(
            name="page",
            options={
                "ordering": ["-ingested_at", "-id"],
                "permissions": [("publish_page", "可发布版面"), ("correct_page", "可校正拆分")],
                "verbose_name": "版面",
                "verbose_name_plural": "版面",
            },
        ),
        migrations.AlterModelOptions(
            name="article",
            options={"ordering": ["page", "position"], "verbose_name": "文章", "verbose_name_plural": "文章"},
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(fields=("page", "position"), name="article_page_position_uniq"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.OrderBy(models.F("date"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("visible", True)),
                name="article_visible_date_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="page",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-ingested_at", "-id"],
                name="page_latest_visible_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="page",
            index=models.Index(fields=["issue", "label"], name="page_issue_label_idx"),
        ),
        migrations.CreateModel(
            name="PageRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(verbose_name="版本")),
                ("parent", models.PositiveIntegerField(blank=True, null=True, verbose_name="前一版本")),
                ("created_at", models.DateTimeField(verbose_name="时间")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("ingest", "入库"),
                            ("edit", "编辑"),
                            ("correct", "校正"),
                            ("resplit", "重新切分"),
                            ("replace", "替换文件"),
                            ("undo", "撤销"),
                            ("revert", "恢复版本"),
                        ],
                        max_length=10,
                        verbose_name="操作",
                    ),
                ),
                ("summary", models.TextField(blank=True, verbose_name="说明")),
                ("state", models.JSONField(verbose_name="切分")),
                ("raw_text", models.TextField(blank=True, null=True, verbose_name="替换前原文")),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="revisions", to="articles.page"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
            ],
            options={
                "verbose_name": "版面修订",
                "verbose_name_plural": "版面修订",
                "ordering": ["page", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("page", "number"), name="pagerevision_page_number_uniq")
                ],
            },
        ),
    ]
