"""sitemap.xml (Django's sitemaps): an index of sections, each paged, listing only what readers see.

Rows are read as plain values (no model instances): a section page of ``LIMIT`` addresses is
one or two queries plus the paginator's count. Articles come newest first (the order of their
partial index), the other sections in id order. An article's or a page's ``lastmod`` is when its
page last changed for readers — a correction, a re-split, a replaced file, as well as its
publication — by the feeds' rule (``feeds.last_changed``), so crawlers come back for a correction.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

from articles.feeds import last_changed, latest_change
from articles.models import Article, ArticleCounty, County, Newspaper, Page
from articles.page_cache import generation_kept

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
    """Items also carry the ``changed`` date of their page (``feeds.last_changed``), made a date by
    the database: formatting a datetime per address would cost most of the page."""

    def lastmod(self, item: dict):
        return item["changed"]

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item of the section: one aggregate instead,
        # over pages (an article changes when its page does).
        return latest_change()


class _Changed:
    """Rows of ``in_order`` (a query in the section's order), as the paginator pages them:
    ``count()`` and slices, each row with the date its page last changed.

    A slice is read in two steps. Its ids come from ``in_order`` alone (for articles, an index-only
    scan of the partial index of visible articles by date, so even a far page's OFFSET stays
    cheap); only those rows are then read with the date they changed (a probe of their page's
    revisions each). One query doing both would probe for every row the OFFSET skips: seconds for
    the last page of a million articles."""

    # What Django's Paginator asks of a list before it warns of an unordered one (bool() of this
    # attribute: a queryset here would be read whole just to answer).
    ordered = True

    def __init__(self, in_order: QuerySet, page: str) -> None:
        self.in_order = in_order
        self.page = page  # the path from the row to its page: "page__", or "" for a page

    def count(self) -> int:
        return self.in_order.count()

    def __getitem__(self, index: slice) -> list[dict]:
        ids = list(self.in_order.values_list("id", flat=True)[index])
        changed = TruncDate(last_changed(self.page))
        rows = self.in_order.model.objects.filter(id__in=ids).order_by().values("id", changed=changed)
        rows = {row["id"]: row for row in rows}
        return [rows[pk] for pk in ids if pk in rows]


class ArticleSitemap(_ChangingSitemap):
    url_name = "article"

    def items(self) -> _Changed:
        return _Changed(Article.objects.visible().newest(), page="page__")


class PageSitemap(_ChangingSitemap):
    url_name = "page"

    def items(self) -> _Changed:
        return _Changed(Page.objects.visible().order_by("id"), page="")


class CountySitemap(_RowSitemap):
    """Counties with at least one story a reader can see."""

    url_name = "county"
    key = "code"

    def items(self) -> list[dict]:
        # Every tag of every visible article is read to find them: kept until the next write.
        def counties() -> list[dict]:
            tagged = ArticleCounty.objects.filter(article__visible=True).values("county_id")
            return list(County.objects.filter(code__in=tagged).order_by("code").values("code"))

        return generation_kept(COUNTIES_CACHE_KEY, counties, settings.HOME_CACHE_SECONDS)


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
