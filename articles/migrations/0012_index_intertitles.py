"""The search vectors of articles with subheadings, made again with the subheadings in them.

Until now the body vector held the paragraphs only (Article.body), so a story could not be found
by the words of its subheadings, and a merge made the second story's headline unsearchable
(articles/indexing.field_vectors now indexes them as body text). Only the articles that have
subheadings change; they are read and written in batches."""

from django.db import migrations

BATCH = 500


def reindex_with_intertitles(apps, schema_editor):
    from articles.indexing import field_vectors  # plain functions of the fields, no model

    Article = apps.get_model("articles", "Article")
    Caption = apps.get_model("articles", "Caption")
    db = schema_editor.connection.alias
    ids = list(Article.objects.using(db).exclude(intertitles=[]).order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        articles = list(Article.objects.using(db).filter(id__in=ids[start : start + BATCH]))
        captions: dict[int, list[str]] = {a.id: [] for a in articles}
        for article_id, text in (
            Caption.objects.using(db).filter(article__in=articles).order_by("position").values_list("article_id", "text")
        ):
            captions[article_id].append(text)
        for a in articles:
            a.search_head, a.search_body, a.search_words = field_vectors(
                headline=a.headline,
                kicker=a.kicker,
                subheadline=a.subheadline,
                body=a.body,
                intertitles=a.intertitles,
                captions=captions[a.id],
                byline=a.byline,
            )
        Article.objects.using(db).bulk_update(articles, ["search_head", "search_body", "search_words"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_vacuum_articles")]

    operations = [migrations.RunPython(reindex_with_intertitles, migrations.RunPython.noop, elidable=True)]
