"""Atom feeds (Django's syndication framework): the latest stories, a county's, a search's.

Every feed starts from ``Article.objects.visible()`` (the search feed through
``SearchParams.filter``, which applies it), so a draft or withdrawn page never reaches a reader.
A search feed takes the search page's parameters and validation (articles/params.py): a bad query
is a 400 with the message, never a 500. Its entries are the newest matches (feed readers want
what is new), whatever ``sort`` says.

Every entry's ``<updated>`` and every sitemap address's ``<lastmod>`` say when its page last
changed for readers by one rule, ``last_changed`` (articles/sitemaps.py uses it too). Every feed is
written by ``ArchiveAtom1Feed``: well-formed XML whatever the text, one ``<author>`` per name, the
entries marked as Chinese.

Ids. Django's syndication makes a feed's ``<id>`` (its alternate link) and each entry's (the
article's address) absolute with the host the request named (``RequestSite``: there is no
``django.contrib.sites`` here), and archive/settings.py has no canonical origin to prefer (only
``ALLOWED_HOSTS``, a list, none of them canonical): so the same feed asked for at 127.0.0.1 and at
localhost has two ids. Behind one public name (the proxy's ``Host``) they are stable; a setting of
the site's own origin, if one is added, is what these ids should use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys

from django.contrib.syndication.views import Feed
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, County, Page, PageRevision
from articles.params import ParamError, SearchParams, place_name, read_params, resolve_county
from articles.query import MAX_QUERY_CHARS, query_text

FEED_ITEMS = 50
SUMMARY_CHARS = 300
SITE_NAME = gettext_lazy("地方报纸档案")
# The search page's own parameters minus paging and order (a feed is always newest first).
SEARCH_KEYS = ("q", "county", "prefecture", "paper", "date_from", "date_to")
# What XML 1.0 cannot hold (its Char production): C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF. Article text and a reader's query may carry any of them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The language of the archive's content (articles, names of papers, counties and people),
# whatever the language of the page around it (templates mark it lang="zh-Hans" likewise).
CONTENT_LANGUAGE = "zh-Hans"


def last_changed(page: str = "") -> Greatest:
    """When a page last changed for its readers, as an SQL expression: its last revision (every
    correction, re-split, replacement, undo, revert and move writes one), or when it was published
    (else ingested) if that is later. ``page``: the path to the page from the model queried, ""
    on Page, "page__" on Article. An article changes when its page does.

    The revision is the page's highest number (numbers follow time: each is written under the
    page's lock, with the time of writing), one probe of the (page, number) unique index; PostgreSQL's
    GREATEST ignores the NULL of a page never revised."""
    revised = PageRevision.objects.filter(page_id=OuterRef(f"{page}id")).order_by("-number").values("created_at")[:1]
    return Greatest(Coalesce(F(f"{page}published_at"), F(f"{page}ingested_at")), Subquery(revised))


def latest_change() -> dt.datetime | None:
    """The latest ``last_changed`` of any visible page, in one query. The same rule, taken apart so
    that no page is probed: the latest publication and the latest revision of a visible page,
    whichever is later (the greatest of the greatest is the greatest of each part's maximum)."""
    visible = Page.objects.visible()
    revised = PageRevision.objects.filter(page__in=visible.values("id")).order_by("-created_at").values("created_at")
    latest = visible.aggregate(
        at=Greatest(Max(Coalesce(F("published_at"), F("ingested_at"))), Subquery(revised[:1]))
    )
    return latest["at"]


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (dropped: none of them is ever printed)."""
    return _NOT_XML.sub("", text)


class _XMLSafeGenerator(SimplerXMLGenerator):
    """Django's feed writer, which writes U+FFFE as it is (the feed no longer parses) and refuses
    a C0 control with an exception (a 500): here every text and attribute value drops what XML
    1.0 cannot hold, so a feed parses whatever an article or a query holds."""

    def characters(self, content: str) -> None:
        super().characters(xml_text(content) if content else content)

    def startElement(self, name: str, attrs: dict) -> None:  # noqa: N802 (SAX's name)
        if attrs:
            attrs = {key: xml_text(value) if isinstance(value, str) else value for key, value in attrs.items()}
        super().startElement(name, attrs)


class ArchiveAtom1Feed(Atom1Feed):
    """Atom as Django writes it, but well-formed whatever the text (``_XMLSafeGenerator``), each
    entry marked as Chinese (an English feed's ``xml:lang="en"`` must not reach its articles), and
    one ``<author>`` per name (Django's Atom1Feed writes one author an item: ``authors``)."""

    def write(self, outfile, encoding: str) -> None:
        # Atom1Feed.write with the safe generator (Django names its class inside the method).
        handler = _XMLSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def item_attributes(self, item: dict) -> dict:
        return {**super().item_attributes(item), "xml:lang": CONTENT_LANGUAGE}

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class _ArticleFeed(Feed):
    """What every feed says of an article."""

    feed_type = ArchiveAtom1Feed
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

    def item_extra_kwargs(self, item: Article) -> dict:
        # The people (Atom's author is a person), not the printed line around them
        # ("本报讯(记者 金刚)"): the byline's names as the splitter read them, an <author> each.
        return {"authors": [name.strip() for name in item.byline if name.strip()]}

    def item_categories(self, item: Article) -> list[str]:
        return [tag.county.name for tag in item.county_tags.all()]

    def item_pubdate(self, item: Article) -> dt.datetime:
        # The paper's date (midnight, local time) when known; else when its page was published
        # (or stored): never the page's last change, which a correction moves, making an old
        # story look new to a feed reader.
        if item.date:
            return timezone.make_aware(dt.datetime.combine(item.date, dt.time()))
        return item.page.published_at or item.page.ingested_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        # A correction after publication changes the entry: readers' feed clients look here.
        return item.changed_at

    @staticmethod
    def _articles():
        return Article.objects.visible().for_detail()

    @staticmethod
    def _with_changes(articles) -> list[Article]:
        """The articles, each with ``changed_at``: when its page last changed (``last_changed``),
        read for all their pages in one query."""
        articles = list(articles)
        pages = Page.objects.filter(id__in={a.page_id for a in articles})
        changed = dict(pages.values_list("id", last_changed()))
        for article in articles:
            article.changed_at = changed[article.page_id]
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


def search_query_string(params: SearchParams) -> str:
    """A search's own parameters in one form whatever the address said: a fixed order, the county
    by its code, the query as parsed, dates as ISO dates; paging and order left out (a feed is
    always newest first). The search feed's links, and so its id, are made of it."""
    query = QueryDict(mutable=True)
    if params.query:
        text = query_text(params.query)
        # Closing a phrase left open adds a character: never past what read_params accepts.
        query["q"] = text if len(text) <= MAX_QUERY_CHARS else params.q
    if params.county:
        query["county"] = params.county.code
    if params.prefecture:  # as given: its name or its code (one more query to tell them alike)
        query["prefecture"] = params.prefecture
    if params.paper:
        query["paper"] = params.paper
    if params.date_from:
        query["date_from"] = params.date_from.isoformat()
    if params.date_to:
        query["date_to"] = params.date_to.isoformat()
    return query.urlencode()


class SearchFeed(_ArticleFeed):
    """A search's feed. Its id is its alternate link (Django's default), the search page's address
    made of ``search_query_string``: ``?q=万荣&county=140822``, ``?county=140822&q=万荣`` and
    ``?q=万荣&county=万荣县`` are one feed with one id (and, as every id here, the host asked: see
    the module's docstring)."""

    def get_object(self, request: HttpRequest) -> tuple[SearchParams, str]:
        params = read_params(request.GET)  # ParamError → 400 (see __call__)
        return params, search_query_string(params)

    def title(self, obj: tuple[SearchParams, str]) -> str:
        params = obj[0]
        parts = [f"“{params.q}”"] if params.q else []
        if params.county:
            parts.append(params.county.name)
        parts += [p for p in (params.prefecture_name, params.paper) if p]  # a prefecture by name, however given
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


def _search_feed_query(request: HttpRequest) -> QueryDict:
    """The search feed's parameters of a search page: the search's own ones that are not empty."""
    query = request.GET.copy()
    for key in list(query):
        if key not in SEARCH_KEYS or not query.get(key, "").strip():
            del query[key]
    return query


def _answers(check, *args) -> bool:
    try:
        check(*args)
    except ParamError:
        return False
    return True


def feed_links(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """Context processor: the feeds a page offers (<link rel="alternate"> in base.html), each only
    when it would answer 200.

    Every page offers the latest stories; a county page its county's, a search its own. A page
    that rendered normally has found its county, or passed its search through the validation the
    feed applies (read_params), so the address alone says it: no query. An error page — the 404
    of an unknown county, the 400 of a search refused — is rendered while its exception is handled
    (the 404 handler; the views' ``except ParamError``): only then is the feed's own check run,
    and a feed that would refuse is not offered."""
    links = [(_("地方报纸档案 · 最新文章"), reverse("feed-latest"))]
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    failing = sys.exc_info()[1] is not None
    if name == "county":
        county = match.kwargs.get("name", "")
        if not failing or _answers(resolve_county, county):
            # By the county's name, which the county page found (views.county), not the address's
            # code (/counties/140781/); an error page's county has none.
            found = getattr(request, "county", None)
            title = _("%(county)s · 新文章") % {"county": found.name if found is not None else county}
            links.append((title, reverse("feed-county", args=[county])))
    elif name == "search":
        query = _search_feed_query(request)
        if query and (not failing or _answers(read_params, query)):
            label = request.GET.get("q", "").strip() or _("当前条件")
            links.append((_("检索“%(label)s” · 新文章") % {"label": label}, f"{reverse('feed-search')}?{query.urlencode()}"))
    return {"feed_links": links}
