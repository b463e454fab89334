"""Search vectors of an article, kept in step with its text.

Every write (articles/writer.py, and the reindex command) computes vectors here, inside the
same transaction as the change, so search never disagrees with what the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from articles.models import SEARCH_FIELDS, Article, Caption
from ingest.tokens import fold, grams_vector, head_and_body, weighted_fields, words_vector


def vectors(article: Article, caption_texts: Sequence[str]) -> tuple[str, str, str]:
    """(head grams, body grams, words) tsvector text for an article's current fields."""
    return field_vectors(
        headline=article.headline,
        kicker=article.kicker,
        subheadline=article.subheadline,
        body=article.body,
        intertitles=article.intertitles,
        captions=caption_texts,
        byline=article.byline,
    )


def searchable_fields(
    *,
    headline: str,
    kicker: str,
    subheadline: str,
    body: str,
    intertitles: Sequence[str] = (),
    captions: Sequence[str],
    byline: Sequence[str],
) -> list[tuple[str, str]]:
    """An article's text as weighted fields, unfolded: what the vectors index.

    The subheadings (intertitles) are searched as body text: ``body`` holds the paragraphs only
    (writer.article_fields), and a reader finds a story by the words it prints, subheadings
    included — a merge turns the second story's headline into one."""
    return weighted_fields(
        headline=headline,
        kicker=kicker,
        subheadline=subheadline,
        body="\n".join([body, *intertitles]) if intertitles else body,
        captions="\n".join(captions),
        byline=" ".join(byline),
    )


def field_vectors(
    *,
    headline: str,
    kicker: str,
    subheadline: str,
    body: str,
    intertitles: Sequence[str] = (),
    captions: Sequence[str],
    byline: Sequence[str],
) -> tuple[str, str, str]:
    """(head grams, body grams, words) tsvector text for an article's fields (no model needed)."""
    fields = searchable_fields(
        headline=headline, kicker=kicker, subheadline=subheadline, body=body, intertitles=intertitles,
        captions=captions, byline=byline,
    )
    # Folded once here; both vectors read the same folded text.
    fields = [(fold(text), weight) for text, weight in fields]
    head, body_fields = head_and_body(fields)
    return (
        grams_vector(head, folded=True),
        grams_vector(body_fields, folded=True),
        words_vector(fields, folded=True),
    )


def reindex(articles: Iterable[Article]) -> int:
    """Recompute and store the vectors of saved articles (captions read in one query)."""
    articles = list(articles)
    captions: dict[int, list[str]] = {a.pk: [] for a in articles}
    for article_id, text in Caption.objects.filter(article__in=articles).order_by("position").values_list(
        "article_id", "text"
    ):
        captions[article_id].append(text)
    with transaction.atomic():
        for article in articles:
            article.search_head, article.search_body, article.search_words = vectors(article, captions[article.pk])
        Article.objects.bulk_update(articles, SEARCH_FIELDS, batch_size=500)
    return len(articles)
