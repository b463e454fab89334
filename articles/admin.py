"""Admin: corrections to splits are audited (django-simple-history) and reindexed in the same transaction."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from articles.indexing import reindex
from articles.models import Article, ArticleCounty, Caption, County, Issue, Newspaper


class CaptionInline(admin.TabularInline):
    model = Caption
    extra = 0
    fields = ["position", "text", "credit"]


class CountyInline(admin.TabularInline):
    model = ArticleCounty
    extra = 0
    autocomplete_fields = ["county"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "newspaper", "date", "issue", "position", "continued"]
    list_filter = ["newspaper", "continued"]
    search_fields = ["headline", "kicker"]
    raw_id_fields = ["issue"]
    readonly_fields = ["lines", "newspaper", "date"]
    inlines = [CaptionInline, CountyInline]
    fields = [
        "issue", "position", "section", "kicker", "headline", "subheadline", "byline", "byline_text",
        "source", "body", "intertitles", "blocks", "continued", "warnings", "lines", "newspaper", "date",
    ]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Captions change the search text too: reindex after the inlines are saved,
        # still inside the admin's transaction.
        with transaction.atomic():
            reindex([form.instance])


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source_name", "ingested_at"]
    list_filter = ["newspaper"]
    search_fields = ["source_name", "sha256"]
    readonly_fields = ["sha256", "raw_text", "source_name", "ingested_at", "furniture"]


@admin.register(Newspaper)
class NewspaperAdmin(admin.ModelAdmin):
    list_display = ["name", "prefecture_code"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "prefecture", "province"]
    search_fields = ["code", "name", "short_name"]
