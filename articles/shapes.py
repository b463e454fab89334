"""The JSON shapes of articles: one place turns a model into what the API answers."""

from __future__ import annotations

from articles.models import Article


def county_names(article: Article) -> list[str]:
    """County names, primary first (uses the prefetch of ArticleQuerySet.for_listing)."""
    return [tag.county.name for tag in article.county_tags.all()]


def article_row(article: Article, snippet: str) -> dict[str, object]:
    return {
        "id": article.pk,
        "headline": article.headline,
        "kicker": article.kicker,
        "counties": county_names(article),
        "date": article.date.isoformat() if article.date else None,
        "paper": article.newspaper.name,
        "url": article.get_absolute_url(),
        "snippet": snippet,
    }


def article_detail(article: Article) -> dict[str, object]:
    issue = article.issue
    return {
        "id": article.pk,
        "url": article.get_absolute_url(),
        "section": article.section,
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "byline": list(article.byline),
        "byline_text": article.byline_text,
        "source": article.source,
        "body": article.body,
        "blocks": article.reading_order(),
        "intertitles": list(article.intertitles),
        "captions": [{"text": c.text, "credit": c.credit} for c in article.captions.all()],
        "counties": [
            {"code": tag.county.code, "name": tag.county.name, "primary": tag.primary}
            for tag in article.county_tags.all()
        ],
        "continued": article.continued,
        "warnings": list(article.warnings),
        "lines": list(article.lines),
        "issue": {
            "id": issue.pk,
            "paper": article.newspaper.name,
            "date": issue.date.isoformat() if issue.date else None,
            "page": issue.page,
            "file": issue.source_name,
        },
    }
