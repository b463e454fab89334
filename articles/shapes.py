"""The JSON shapes of articles: one place turns a model into what the API answers."""

from __future__ import annotations

from django.urls import reverse

from articles.models import Article, Page


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
    page = article.page
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
        "captions": [{"text": c.text, "credit": c.credit, "credit_text": c.credit_text} for c in article.captions.all()],
        "counties": [
            {"code": tag.county.code, "name": tag.county.name, "primary": tag.primary}
            for tag in article.county_tags.all()
        ],
        "continued": article.continued,
        "warnings": list(article.warnings),
        "lines": list(article.lines),
        "page": {
            "id": page.pk,
            "url": page.get_absolute_url(),
            "paper": article.newspaper.name,
            "date": article.date.isoformat() if article.date else None,
            "label": page.label,
            "file": page.source_name,
        },
    }


def page_detail(page: Page) -> dict[str, object]:
    """A page and its articles in full, in order (the write API's answer). Two queries for the
    articles, captions and counties; ``page`` should come with ``issue__newspaper`` and ``uploaded_by``."""
    articles = Article.objects.for_detail().filter(page=page).order_by("position")
    issue = page.issue
    return {
        "id": page.pk,
        "url": page.get_absolute_url(),
        "preview_url": reverse("page-preview", args=[page.pk]),
        "status": page.status,
        "paper": issue.newspaper.name,
        "date": issue.date.isoformat() if issue.date else None,
        "edition": issue.edition,
        "label": page.label,
        "number": page.number,
        "file": page.source_name,
        "sha256": page.sha256,
        "uploaded_by": page.uploaded_by.get_username() if page.uploaded_by else None,
        "ingested_at": page.ingested_at.isoformat(),
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "furniture": page.furniture,
        "articles": [article_detail(a) for a in articles],
    }
