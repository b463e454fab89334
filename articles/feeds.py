"""Atom feeds (Django's syndication framework): the latest stories, a county's, a search's.

Every feed starts from ``Article.objects.visible()`` (the search feed through
``SearchParams.filter``, which applies it), so a draft or withdrawn page never reaches a reader.
A search feed takes the search page's parameters and validation (articles/params.py): a bad query
is a 400 with the message, never a 500. Its entries are the newest matches (feed readers want
what is new), whatever ``sort`` says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, County, PageRevision
from articles.params import ParamError, SearchParams, place_name, read_params, resolve_county

FEED_ITEMS = 50
SUMMARY_CHARS = 300
SITE_NAME = gettext_lazy("地方报纸档案")
# The search page's own parameters minus paging and order (a feed is always newest first).
SEARCH_KEYS = ("q", "county", "prefecture", "paper", "date_from", "date_to")


class _ArticleFeed(Feed):
    """What every feed says of an article."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except ParamError as exc:
            return render(request, "400.html", {"message": str(exc)}, status=400)

    def item_title(self, item: Article) -> str:
        return item.display_title

    def item_description(self, item: Article) -> str:
        # Atom's <summary type="html">: the text is escaped here, the feed escapes it once more.
        text = item.body or "\n".join(c.text for c in item.captions.all())
        if len(text) > SUMMARY_CHARS:
            text = text[:SUMMARY_CHARS] + "…"
        return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Article) -> str | None:
        # The people (Atom's author is a person), not the printed line around them
        # ("本报讯(记者 金刚)"): the byline's names as the splitter read them.
        names = [name for name in item.byline if name.strip()]
        return _("、").join(names) if names else None

    def item_categories(self, item: Article) -> list[str]:
        return [tag.county.name for tag in item.county_tags.all()]

    def item_pubdate(self, item: Article) -> dt.datetime:
        # The paper's date (midnight, local time) when known; else when the page was published.
        if item.date:
            return timezone.make_aware(dt.datetime.combine(item.date, dt.time()))
        return self.item_updateddate(item)

    def item_updateddate(self, item: Article) -> dt.datetime:
        published = item.page.published_at or item.page.ingested_at
        # A correction after publication changes the entry: readers' feed clients look here.
        changed = getattr(item, "changed_at", None)
        return max(published, changed) if changed else published

    @staticmethod
    def _articles():
        return Article.objects.visible().for_detail()

    @staticmethod
    def _with_changes(articles) -> list[Article]:
        """The articles, each with ``changed_at``: when its page's split last changed (every
        correction, replacement or undo writes a page revision), read for all in one query."""
        articles = list(articles)
        latest = dict(
            PageRevision.objects.filter(page_id__in={a.page_id for a in articles})
            .values("page_id")
            .annotate(at=Max("created_at"))
            .values_list("page_id", "at")
        )
        for article in articles:
            article.changed_at = latest.get(article.page_id)
        return articles


class LatestFeed(_ArticleFeed):
    title = gettext_lazy("地方报纸档案 · 最新文章")
    subtitle = gettext_lazy("新近入库的各报文章，按报纸日期从新到旧。")

    def link(self) -> str:
        return reverse("home")

    def items(self):
        return self._with_changes(self._articles().newest()[:FEED_ITEMS])


class CountyFeed(_ArticleFeed):
    def get_object(self, request: HttpRequest, name: str) -> County:
        try:
            return resolve_county(name)
        except ParamError:
            raise Http404(_("没有这个县区")) from None

    def title(self, county: County) -> str:
        return f"{county.name} · {SITE_NAME}"

    def subtitle(self, county: County) -> str:
        return _("%(place)s的新文章") % {"place": place_name(county)}

    def link(self, county: County) -> str:
        return county.get_absolute_url()

    def feed_url(self, county: County) -> str:
        return reverse("feed-county", args=[county.code])

    def items(self, county: County):
        return self._with_changes(self._articles().in_county(county.code).newest()[:FEED_ITEMS])


class SearchFeed(_ArticleFeed):
    def get_object(self, request: HttpRequest) -> tuple[SearchParams, str]:
        params = read_params(request.GET)  # ParamError → 400 (see __call__)
        # Only the search's own parameters, in a fixed order: the feed's address is stable.
        query = request.GET.copy()
        for key in list(query):
            if key not in SEARCH_KEYS:
                del query[key]
        return params, query.urlencode()

    def title(self, obj: tuple[SearchParams, str]) -> str:
        params = obj[0]
        parts = [f"“{params.q}”"] if params.q else []
        if params.county:
            parts.append(params.county.name)
        parts += [p for p in (params.prefecture, params.paper) if p]
        if params.date_from or params.date_to:
            parts.append(f"{params.date_from or ''}–{params.date_to or ''}")
        return _("检索 %(what)s · %(site)s") % {"what": " · ".join(parts) or _("全部"), "site": SITE_NAME}

    def subtitle(self, obj: tuple[SearchParams, str]) -> str:
        return _("符合这次检索的文章，按报纸日期从新到旧。")

    def link(self, obj: tuple[SearchParams, str]) -> str:
        return f"{reverse('search')}?{obj[1]}" if obj[1] else reverse("search")

    def feed_url(self, obj: tuple[SearchParams, str]) -> str:
        return f"{reverse('feed-search')}?{obj[1]}" if obj[1] else reverse("feed-search")

    def items(self, obj: tuple[SearchParams, str]):
        params = dataclasses.replace(obj[0], sort="date", page=1, page_size=FEED_ITEMS)
        return self._with_changes(params.filter(self._articles())[:FEED_ITEMS])  # filter(): visible only


def feed_links(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """Context processor: the feeds a page offers (<link rel="alternate"> in base.html).

    Every page offers the latest stories; a county page its county's, a search its own. Built
    from the address alone: no query."""
    links = [(_("地方报纸档案 · 最新文章"), reverse("feed-latest"))]
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    if name == "county":
        county = match.kwargs.get("name", "")
        links.append((_("%(county)s · 新文章") % {"county": county}, reverse("feed-county", args=[county])))
    elif name == "search":
        query = request.GET.copy()
        for key in list(query):
            if key not in SEARCH_KEYS or not query.get(key, "").strip():
                del query[key]
        if query:
            label = request.GET.get("q", "").strip() or _("当前条件")
            links.append((_("检索“%(label)s” · 新文章") % {"label": label}, f"{reverse('feed-search')}?{query.urlencode()}"))
    return {"feed_links": links}
