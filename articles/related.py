"""Related stories for the article page: the same county, ranked by shared keywords.

Keywords are jieba's TF-IDF extraction (``jieba.analyse.extract_tags``) over the article's titles
and body. The candidates are bounded before anything is ranked: the newest ``CANDIDATES``
visible articles of the article's counties (or, with no county, the newest that share a
keyword), so a county of 300,000 stories costs as much as one of 30. The answer is cached per
article under the shared write generation (articles/page_cache.py), so any write through
articles/writer.py (a headline corrected, a page moved to another paper or date) is seen at the
next read, not an hour later; and a cached list is checked against ``Article.objects.visible()``
when it is read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.cache import caches
from django.db import models
from django.db.models import F
from django.db.models.expressions import RawSQL

from articles.models import Article, ArticleCounty, with_display_titles
from articles.page_cache import current_generation
from ingest.tokens import any_words_query

KEYWORDS = 5
CANDIDATES = 200
LIMIT = 5
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Related:
    pk: int
    url: str
    title: str
    paper: str
    date: dt.date | None


# jieba's segmenting grows faster than the text on some inputs (a run of one character: 3,000 of
# 的 take 0.1 s, 10,000 take 0.9 s, 200,000 took minutes), and the article page waits for it. A
# story's subject is in its titles and opening: the keywords are read from this much of it.
KEYWORD_CHARS = 2000


def keywords(article: Article, k: int = KEYWORDS) -> list[str]:
    """The article's few most telling words (jieba's TF-IDF keywords over its titles and the
    opening of its body, KEYWORD_CHARS in all; the dictionary loads once)."""
    import jieba.analyse

    text = "\n".join([article.kicker, article.headline, article.subheadline, article.body])[:KEYWORD_CHARS]
    # A number (2019, 10276) says nothing of the subject: two stories sharing "2019年" are not
    # related. Asked for a few more, so that k words remain.
    words = [w for w in jieba.analyse.extract_tags(text, topK=2 * k) if len(w) > 1 and not _NUMBER.fullmatch(w)]
    return words[:k]


_NUMBER = re.compile(r"[0-9０-９.,%．，％]+")


def related_articles(article: Article, limit: int = LIMIT) -> list[Related]:
    """Up to ``limit`` visible stories like this one (cached); ``article.county_tags`` prefetched."""
    # Under the generation a write deletes (writer.clear_caches): a title, paper or date changed
    # anywhere is never shown from an older list.
    key = f"related:{current_generation()}:{article.pk}:{limit}"
    cache = caches["related"]
    found = cache.get(key)
    if found is None:
        found = _find(article, limit)
        cache.set(key, found, timeout=CACHE_SECONDS)
    elif found:
        # Withdrawn (or unpublished) since it was cached: left out, in one query.
        visible = set(Article.objects.visible().filter(pk__in=[r.pk for r in found]).values_list("pk", flat=True))
        found = [r for r in found if r.pk in visible]
    return found


def _find(article: Article, limit: int) -> list[Related]:
    words = keywords(article)
    tsquery = any_words_query(words) if words else None
    codes = [tag.county_id for tag in article.county_tags.all()]
    others = Article.objects.visible().exclude(pk=article.pk)
    if codes:
        # A subquery, not a join: a story of two of these counties is one candidate.
        tagged = ArticleCounty.objects.filter(county_id__in=codes).values("article_id")
        candidates = others.filter(id__in=tagged)
    elif tsquery:
        candidates = others.filter(RawSQL("search_words @@ %s::tsquery", [tsquery], output_field=models.BooleanField()))
    else:
        return []
    ids = candidates.newest().values("id")[:CANDIDATES]
    score = (
        RawSQL("ts_rank(search_words, %s::tsquery)", [tsquery], output_field=models.FloatField())
        if tsquery
        else models.Value(0.0, output_field=models.FloatField())
    )
    rows = with_display_titles(list(
        Article.objects.filter(id__in=ids)
        .annotate(score=score)
        .select_related("newspaper")
        .only("id", "kicker", "headline", "subheadline", "body", "date", "newspaper__name")
        .order_by("-score", F("date").desc(nulls_last=True), "-id")[:limit]
    ))
    return [Related(a.pk, a.get_absolute_url(), a.display_title, a.newspaper.name, a.date) for a in rows]
