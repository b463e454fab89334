"""sitemap.xml (Django's sitemaps): an index of sections, each paged, listing only what readers see.

Rows are read as plain values (no model instances): a section page of ``LIMIT`` addresses is
one or two queries plus the paginator's count. Articles come newest first (the order of their
partial index), the other sections in id order.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.db.models import Exists, F, Max, OuterRef
from django.db.models.functions import Coalesce, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

from articles.models import Article, ArticleCounty, County, Newspaper, Page

# Well under the protocol's 50,000: a section page stays quick to make (under 0.1 s) and to fetch.
LIMIT = 2_000
_STAND_IN = 987_654_321  # a key no URL pattern contains
# The section template: only what these sections have (Django's own also loops over alternates,
# change frequency and priority, which no section sets), at half the cost per address.
TEMPLATE = "articles/sitemap.xml"
COUNTIES_CACHE_KEY = "sitemap-counties"


class _RowSitemap(Sitemap):
    """Items are dicts with the row's key (``key``)."""

    limit = LIMIT
    url_name = ""
    key = "id"

    @cached_property
    def _address(self) -> tuple[str, str]:
        # reverse() per address costs as much as the rest of a section page together: reverse
        # once with a stand-in key and fill each row's key into the result.
        address = reverse(self.url_name, args=[_STAND_IN])
        prefix, _, suffix = address.partition(str(_STAND_IN))
        return prefix, suffix

    def location(self, item: dict) -> str:
        prefix, suffix = self._address
        return f"{prefix}{quote(str(item[self.key]))}{suffix}"


class _ChangingSitemap(_RowSitemap):
    """Items also carry the ``changed`` date of their page (published, else ingested), made a
    date by the database: formatting a datetime per address would cost most of the page."""

    def lastmod(self, item: dict):
        return item["changed"]

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item of the section: one aggregate instead,
        # over pages (an article changes when its page does).
        latest = Page.objects.visible().aggregate(latest=Max(Coalesce(F("published_at"), F("ingested_at"))))
        return latest["latest"]


class _VisibleArticles:
    """The visible articles newest first, as the paginator pages them: ``count()`` and slices.

    A slice is read in two steps. Its ids come from the partial index of visible articles by
    date alone (an index-only scan, so even a far page's OFFSET stays cheap); only those rows are
    then joined to their page for the date it changed. One query joining first would run the join
    for every row the OFFSET skips: seconds for the last page of a million articles."""

    def count(self) -> int:
        return Article.objects.visible().count()

    def __getitem__(self, index: slice) -> list[dict]:
        ids = list(Article.objects.visible().newest().values_list("id", flat=True)[index])
        changed = TruncDate(Coalesce(F("page__published_at"), F("page__ingested_at")))
        rows = {row["id"]: row for row in Article.objects.filter(id__in=ids).values("id", changed=changed)}
        return [rows[pk] for pk in ids if pk in rows]


class ArticleSitemap(_ChangingSitemap):
    url_name = "article"

    def items(self) -> _VisibleArticles:
        return _VisibleArticles()


class PageSitemap(_ChangingSitemap):
    url_name = "page"

    def items(self):
        changed = TruncDate(Coalesce(F("published_at"), F("ingested_at")))
        return Page.objects.visible().order_by("id").values("id", changed=changed)


class CountySitemap(_RowSitemap):
    """Counties with at least one story a reader can see."""

    url_name = "county"
    key = "code"

    def items(self) -> list[dict]:
        # Every tag of every visible article is read to find them: cached like the front page's
        # counts (a new county appears within HOME_CACHE_SECONDS).
        rows = cache.get(COUNTIES_CACHE_KEY)
        if rows is None:
            tagged = ArticleCounty.objects.filter(article__visible=True).values("county_id")
            rows = list(County.objects.filter(code__in=tagged).order_by("code").values("code"))
            cache.set(COUNTIES_CACHE_KEY, rows, timeout=settings.HOME_CACHE_SECONDS)
        return rows


class PaperSitemap(_RowSitemap):
    """Papers with at least one story a reader can see (when the site has a page per paper)."""

    url_name = "paper"

    def items(self):
        stories = Article.objects.visible().filter(newspaper=OuterRef("pk"))
        return Newspaper.objects.filter(Exists(stories)).order_by("id").values("id")


class FixedSitemap(Sitemap):
    """The pages that are always there."""

    def items(self) -> list[str]:
        return [name for name in ("home", "papers", "counties", "exports") if _exists(name)]

    def location(self, item: str) -> str:
        return reverse(item)


def _exists(url_name: str, *args: object) -> bool:
    try:
        reverse(url_name, args=args)
    except NoReverseMatch:
        return False
    return True


def sitemaps() -> dict[str, Sitemap]:
    """The sections of sitemap.xml; papers only when there is a paper page to point to."""
    sections: dict[str, Sitemap] = {
        "site": FixedSitemap(),
        "articles": ArticleSitemap(),
        "pages": PageSitemap(),
        "counties": CountySitemap(),
    }
    if _exists("paper", 1):
        sections["papers"] = PaperSitemap()
    return sections
