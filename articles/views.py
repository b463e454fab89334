"""Reader pages and the JSON API. Views are thin: rules live on querysets and in articles/params.py.

What readers see is decided once, by ``Article.objects.visible()`` / ``Page.objects.visible()``
(published pages); every reader view below starts from them (editors with ``view_page`` also
see drafts on the page and article views, ``_readable``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus, urlencode

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, gettext_noop, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from articles.highlight import Hits, marks, needles_for, snippet
from articles.models import (
    Article, Caption, County, CountyTally, Issue, Newspaper, PageRevision, listed_text, with_display_titles,
)
from articles.models import Page as NewspaperPage
from articles.page_cache import current_generation, reader_page
from articles.paging import CAPTIONS_SHOWN, LINES_PER_SCREEN, Part, get_page
from articles.params import (
    ASCII_DIGITS, DEFAULT_PAGE_SIZE, NoSuchDay, ParamError, SearchParams, iso_date, past_depth, read_params,
    resolve_county,
)
from articles.query import QueryError, parse, query_text
from articles.ratelimits import rate_limited
from articles.related import related_articles
from articles.shapes import article_detail, article_row
from articles.writer import HOME_CACHE_KEY
from ingest.gazetteer import Gazetteer
from ingest.lines import compact
from ingest.tokens import strip_controls

HOME_ISSUES = 12
HOME_STORIES = 10
HOME_COUNTIES = 30
ISSUE_PAGES_PER_SCREEN = 40
# An issue lists this many stories of each of its pages (a page of 10,000 one-line items listed
# whole cost seconds); the page's own view lists the rest.
ISSUE_STORIES_PER_PAGE = 30
# The article page lists this many stories of its newspaper page either side of it (a page of
# 10,000 one-line items listed whole cost a second); the page view lists them all, a part at a time.
SIBLINGS_EITHER_SIDE = 10
# An article shows this many of its captions and source lines (a picture page of 20,000 captions
# cost 1.5 s and 4 MB); the page view shows them all, a part at a time.
ARTICLE_CAPTIONS_SHOWN = CAPTIONS_SHOWN
ARTICLE_SOURCE_LINES_SHOWN = 300
# What an untitled story needs for its display title (Article.display_title): its captions' text.
CAPTIONS = Prefetch("captions", queryset=Caption.objects.only("id", "article_id", "position", "text"))
FURNITURE_LABELS = {"banner": gettext_lazy("通栏标语"), "column": gettext_lazy("栏目名"), "other": gettext_lazy("版面元素")}
# The calendar's column heads (Monday first) and their full names for screen readers.
WEEKDAYS = [
    (pgettext_lazy("weekday", "一"), gettext_lazy("星期一")),
    (pgettext_lazy("weekday", "二"), gettext_lazy("星期二")),
    (pgettext_lazy("weekday", "三"), gettext_lazy("星期三")),
    (pgettext_lazy("weekday", "四"), gettext_lazy("星期四")),
    (pgettext_lazy("weekday", "五"), gettext_lazy("星期五")),
    (pgettext_lazy("weekday", "六"), gettext_lazy("星期六")),
    (pgettext_lazy("weekday", "日"), gettext_lazy("星期日")),
]


def _page(qs, params: SearchParams) -> Page:
    """A page of search results, listed to SEARCH_MAX_DEPTH (articles/paging.py)."""
    return get_page(qs, params.page, params.page_size, depth=settings.SEARCH_MAX_DEPTH)


def _needles(params: SearchParams) -> list[str]:
    return needles_for(params.query.positive) if params.query else []


def _snippet(article: Article, needles: list[str]):
    text = listed_text(article)
    if needles and article.body and not marks(article.body, needles):
        # Found in the kicker or subheadline alone (人均GDP达10276美元 under its headline): the
        # snippet opens with them, so the reader sees what matched.
        titles = " ".join(t for t in (article.kicker, article.subheadline) if t)
        if titles and marks(titles, needles):
            text = f"{titles} {article.body}"
    return snippet(text, needles)


def _readable(request: HttpRequest, qs):
    """Readers see published pages only (``visible()``); editors also drafts and withdrawn pages."""
    return qs if request.user.has_perm("articles.view_page") else qs.visible()


def _visible_issues():
    """Issues with at least one page readers may see (``Page.objects.visible()`` decides)."""
    return Issue.objects.filter(id__in=NewspaperPage.objects.visible().values("issue_id"))


class NotHere(Http404):
    """A 404 of a browse page, with the page one level up to offer (a paper's calendar for a day
    it did not appear, the counties for an unknown one): a way on besides search and home."""

    def __init__(self, message: str | None, *, up: tuple[str, str]) -> None:
        super().__init__(message)
        self.up = up


def _calendar(paper: Newspaper, year: int | None = None) -> tuple[str, str]:
    """(address, link text) of a paper's calendar, at ``year`` if given: a 404's way up."""
    url = reverse("paper-year", args=[paper.pk, year]) if year else reverse("paper", args=[paper.pk])
    return url, _("%(paper)s的往期") % {"paper": paper.name}


def issue_url(paper_id: int, date: dt.date | None) -> str:
    return reverse("paper-issue", args=[paper_id, date.isoformat() if date else "undated"])


# --- Home, counties ----------------------------------------------------------------------


@dataclass(frozen=True)
class CountyLink:
    """A county with its count of visible stories, as the cached summary keeps it (plain data,
    its address worked out once: cheap to read back and to render 2,833 times)."""

    code: str
    name: str
    n: int
    url: str
    prefecture: str
    province: str


# This process's home summary: (generation, expiry on the monotonic clock, summary). A plain
# dict, not the "local" cache, which would pickle and unpickle its 3,000 objects on every read
# (11 ms a page); only ever replaced whole, so threads never see half of one.
_kept_summary: dict[str, tuple[str, float, dict[str, object]]] = {}


def _summary() -> dict[str, object]:
    """Whole-table aggregates and the latest lists, cached as one entry (articles/writer.py drops
    it when a write commits): counties with their visible stories' counts, the story total, the
    latest issues and stories."""
    # Read before counting: a write that commits meanwhile deletes it, so what is counted now
    # is never taken for newer than that write.
    generation = current_generation()
    kept = _kept_summary.get(HOME_CACHE_KEY)
    fresh = kept is not None and kept[0] == generation and time.monotonic() < kept[1]
    summary = kept[2] if fresh else None
    if summary is None:
        counties, groups, total = _county_counts()
        issues = list(
            _visible_issues().select_related("newspaper").order_by(F("date").desc(nulls_last=True), "-id")[:HOME_ISSUES]
        )
        stories = with_display_titles(list(Article.objects.visible().for_listing().newest()[:HOME_STORIES]))
        summary = {
            "counties": counties,
            "county_groups": groups,
            "top_counties": sorted(counties, key=lambda c: (-c.n, c.code))[:HOME_COUNTIES],
            "article_total": total,
            "issues": [(issue_url(i.newspaper_id, i.date), i.newspaper.name, i.date, i.edition) for i in issues],
            "stories": stories,
        }
        _kept_summary[HOME_CACHE_KEY] = (generation, time.monotonic() + settings.HOME_CACHE_SECONDS, summary)
    return summary


def _county_counts() -> tuple[list[CountyLink], dict[tuple[str, ...], int], int]:
    """Counties with their visible stories' counts; the distinct stories of each prefecture
    (province, prefecture) and province (province,); the total of visible stories.

    Read from the tallies the writer keeps in the transaction of every write (models.CountyTally:
    deltas summed, a few thousand rows whatever the archive's size), never from the articles: a
    recount read every visible story, 830 ms at 100,000 of them, after each write. A story tagged
    with two counties of one prefecture is one story of it (``CountyTally.objects.recount`` is
    the reference). Two queries: the tallies, then every county (3,000 short rows, 6 ms; a list of
    the codes to read made it 30). About 10 ms of Python: the addresses are made from one reverse()
    (14 µs each, 40 ms for 3,000)."""
    tallies = CountyTally.objects.counts()
    # In the order of the division codes (北京 11, 天津 12, 河北 13, 山西 14…), as the statistical
    # list and every printed gazetteer have them: a prefecture's counties follow one another.
    rows = County.objects.order_by("code").values_list("code", "name", "prefecture", "province")
    # County.get_absolute_url, with the code put in place of a stand-in (never a county's code).
    head, _, tail = reverse("county", args=["000000"]).rpartition("000000")
    counties = [
        CountyLink(code, name, tallies.counties[code], f"{head}{code}{tail}", prefecture, province)
        for code, name, prefecture, province in rows if code in tallies.counties
    ]
    return counties, tallies.groups, tallies.total


@require_safe
@reader_page
def home(request: HttpRequest) -> HttpResponse:
    summary = _summary()
    context = {
        "article_total": summary["article_total"],
        "issues": summary["issues"],
        "stories": summary["stories"],
        "top_counties": summary["top_counties"],
        "county_total": len(summary["counties"]),
    }
    return render(request, "articles/home.html", context)


@dataclass
class Group:
    name: str
    n: int = 0
    items: list = field(default_factory=list)
    direct: bool = False  # counties directly under the province (its name as their prefecture)


@require_safe
@reader_page
def counties(request: HttpRequest) -> HttpResponse:
    """Every county with stories, by province and prefecture, with its count (cached aggregate)."""
    summary = _summary()
    groups = summary["county_groups"]
    provinces: dict[str, Group] = {}
    for county in summary["counties"]:
        prov = provinces.setdefault(county.province, Group(county.province, groups[(county.province,)]))
        if not prov.items or prov.items[-1].name != county.prefecture:
            prov.items.append(Group(county.prefecture, groups[(county.province, county.prefecture)]))
        prov.items[-1].items.append(county)
    for prov in provinces.values():
        # Counties directly under the province (a municipality's districts, 新疆's 五家渠市) have
        # the province for prefecture: no second heading of the same name; after the
        # prefectures when the province has some.
        for group in prov.items:
            group.direct = group.name == prov.name
        prov.items.sort(key=lambda group: group.direct)
    return render(request, "articles/counties.html", {"provinces": list(provinces.values())})


@require_safe
@reader_page(query=("page",))
def county(request: HttpRequest, name: str) -> HttpResponse:
    try:
        found = resolve_county(name)
    except ParamError:
        raise NotHere(_("没有这个县区"), up=(reverse("counties"), _("按县区浏览"))) from None
    request.county = found  # the county's feed link is titled with its name (feeds.feed_links)
    try:
        # Only the paging is this page's: a search's parameters carried along (?q=…) are not
        # read, so none of them makes the county's list a 400.
        # Each with every value sent: a page number given twice is refused, as a search's is.
        paging = QueryDict(mutable=True)
        for k in ("page", "page_size"):
            if k in request.GET:
                paging.setlist(k, request.GET.getlist(k))
        params = read_params(paging, limit_depth=False)
    except ParamError as exc:
        return render(request, "articles/county.html", {"county": found, "error": exc.reader}, status=400)
    qs = Article.objects.visible().for_listing().prefetch_related(CAPTIONS).in_county(found.code).newest()  # every caption: _townships reads them
    page = get_page(qs, params.page, params.page_size)  # to its end: cheap on the county's index
    for item in page.object_list:
        item.snippet = _snippet(item, [])
    context = {
        "county": found,
        "page": page,
        "townships": _townships(found.code, page.object_list),
        # One address for the county, reached by code, full or short name (the sitemap's: code).
        "canonical": request.build_absolute_uri(found.get_absolute_url() + (f"?page={page.number}" if page.number > 1 else "")),
        "query_string": _query_string(request, drop="page"),
    }
    return render(request, "articles/county.html", context)


def _townships(code: str, stories: list[Article]) -> list[dict[str, object]]:
    """The county's townships (乡, 镇, 街道) that these stories name, as the tagger reads them
    (ingest/gazetteer.py, the county's prefecture as the hint, so that 城关镇 is this county's),
    each with its stories here and a search for it within the county; every story gets
    ``townships``, the links to those it names."""
    gazetteer = Gazetteer.default()
    found: dict[str, dict[str, object]] = {}
    for story in stories:
        # The captions too, as the tagger reads them: a photo story's place is in its caption.
        captions = [c.text for c in story.captions.all()]
        text = "\n".join(t for t in (story.kicker, story.headline, story.subheadline, story.body, *captions) if t)
        story.townships = []
        for mention in gazetteer.find(text, hint_prefectures=[code[:4]]):
            if mention.kind != "street" or mention.county.code != code:
                continue
            name = "".join(mention.matched.split())  # as printed, less a line break's spaces
            if name not in found:
                query = QueryDict(mutable=True)
                query.update({"q": name, "county": code})
                found[name] = {"name": name, "url": f"{reverse('search')}?{query.urlencode()}", "n": 0}
            if found[name] not in story.townships:
                story.townships.append(found[name])
                found[name]["n"] += 1
    return sorted(found.values(), key=lambda t: (-t["n"], t["name"]))


# --- Browse: papers, a paper's calendar, an issue, a page --------------------------------


def _get_paper_or_404(key: str) -> Newspaper:
    """A paper by id (the permalink, ASCII digits) or by its name (晋中日报)."""
    if "\x00" in key:  # no name holds a NUL (PostgreSQL text cannot): asking would be a DataError
        raise Http404
    # ASCII digits only: str.isdigit also takes "²" (int() then fails) and "５" (paper 5 again).
    lookup = {"pk": int(key)} if ASCII_DIGITS.fullmatch(key) else {"name": key}
    return get_object_or_404(Newspaper, **lookup)


@require_safe
@reader_page
def papers(request: HttpRequest) -> HttpResponse:
    rows = (
        Newspaper.objects.filter(issues__in=_visible_issues())  # before annotate: counts these issues only
        .annotate(
            issue_count=Count("issues", filter=Q(issues__date__isnull=False)),
            undated=Count("issues", filter=Q(issues__date__isnull=True)),
            first_date=Min("issues__date"),
            last_date=Max("issues__date"),
        )
        .order_by("name")
    )
    return render(request, "articles/papers.html", {"papers": rows})


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[dict[str, str | None]]]
    count: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


def _months(paper_id: int, year: int, days: set[dt.date]) -> list[Month]:
    """The year's months that have issues, as weeks of days; None pads a week.

    Each cell is a dict with every key (the template's cheapest lookup, where a missing one
    costs an exception and a dir(): a year's calendar has 400-odd cells): the day as text ("" to
    pad a week) and, for an issue's day, its address and its label for screen readers.
    """
    cal = calendar.Calendar(firstweekday=0)
    pad = {"day": "", "url": None, "label": None}  # one for every padding cell, never changed
    url = reverse("paper-issue", args=[paper_id, "0000-00-00"]).replace("0000-00-00", "%s")
    # The whole date, as a screen reader says it ("March 5, 2024", not "5/3"): the day alone
    # is the cell's text, and a calendar's year and month are only in headings above it.
    label_format = _("Y年n月j日")
    months = []
    for month in range(1, 13):
        count = sum(1 for d in days if d.month == month)
        if not count:
            continue
        weeks = []
        # Day numbers (0 pads a week), not monthdatescalendar's dates: its padding of January of
        # year 1 and December of 9999 would be dates before or after any date (OverflowError).
        for week in cal.monthdayscalendar(year, month):
            cells = []
            for day in week:
                d = dt.date(year, month, day) if day else None
                cells.append(
                    pad if d is None
                    else {"day": str(day), "url": url % d.isoformat(), "label": date_format(d, label_format)}
                    if d in days else {"day": str(day), "url": None, "label": None}
                )
            weeks.append(cells)
        months.append(Month(year, month, weeks, count))
    return months


@require_safe
@reader_page
def paper(request: HttpRequest, key: str, year: int | None = None) -> HttpResponse:
    """A paper's issues as a calendar, one year at a time (the latest by default)."""
    obj = _get_paper_or_404(key)
    issues = _visible_issues().filter(newspaper=obj)
    years = list(
        issues.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("id")).order_by(F("year").desc(nulls_last=True))
    )
    if not years:  # no public page (drafts only, or all withdrawn): as if it were unknown
        raise Http404
    dated = [y for y in years if y["year"] is not None]
    undated = next((y["n"] for y in years if y["year"] is None), 0)
    if year is None and dated:
        year = dated[0]["year"]
    elif year is not None and year not in {y["year"] for y in dated}:
        raise NotHere(_("这一年没有这份报纸"), up=_calendar(obj))
    days = set(issues.filter(date__year=year).values_list("date", flat=True)) if year else set()
    context = {
        "paper": obj,
        "years": dated,
        "year": year,
        "months": _months(obj.pk, year, days) if year else [],
        "undated_url": issue_url(obj.pk, None) if undated else None,
        "weekdays": WEEKDAYS,
        # One address for the same page, reached by id or by name (the sitemap's: by id).
        "canonical": request.build_absolute_uri(reverse("paper-year", args=[obj.pk, year]) if year else reverse("paper", args=[obj.pk])),
    }
    return render(request, "articles/paper.html", context)


def _per_page(articles) -> Coalesce:
    """How many of ``articles`` each page of the statement has: counted with the page (the
    articles' own index on page_id), not a query per page."""
    count = articles.filter(page_id=OuterRef("pk")).values("page_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(count), 0)


@require_safe
@reader_page(query=("page",))
def paper_issue(request: HttpRequest, key: str, day: str) -> HttpResponse:
    """One issue (every edition of that date): its pages in order, each with its stories.

    The address is the paper and the date (/papers/3/2024-03-05/): /issues/<id>/ was a page's
    address before issues and pages were told apart, and still leads to that page.
    """
    obj = _get_paper_or_404(key)
    if day == "undated":
        date = None
    else:
        try:
            date = iso_date(day)
        except NoSuchDay:
            raise NotHere(_("没有 %(day)s 这一天") % {"day": day}, up=_calendar(obj)) from None
        except ValueError:
            raise NotHere(_("日期格式应为 YYYY-MM-DD"), up=_calendar(obj)) from None
    pages_qs = (
        NewspaperPage.objects.visible()
        .filter(issue__newspaper=obj, issue__date=date) if date else
        NewspaperPage.objects.visible().filter(issue__newspaper=obj, issue__date__isnull=True)
    )
    pages_qs = pages_qs.select_related("issue").defer("raw_text", "furniture").annotate(
        story_count=_per_page(Article.objects.visible())
    ).order_by(
        "issue__edition", F("number").asc(nulls_last=True), "label", "id"
    )
    screen = Paginator(pages_qs, ISSUE_PAGES_PER_SCREEN).get_page(request.GET.get("page"))
    if not screen.object_list:
        # A paper with no public page at all is not told apart from one that does not exist.
        if Newspaper.objects.public().filter(pk=obj.pk).exists():
            # That year's calendar when the paper has issues that year, else its latest.
            year = date.year if date and _visible_issues().filter(newspaper=obj, date__year=date.year).exists() else None
            raise NotHere(_("没有这一期"), up=_calendar(obj, year))
        raise Http404
    pages = list(screen.object_list)
    by_page: dict[int, list[Article]] = {p.pk: [] for p in pages}
    # Each page's first stories: a page's are numbered 0, 1, 2… (writer) and all readable or none.
    stories = with_display_titles(list(
        Article.objects.visible()
        .filter(page__in=pages, position__lt=ISSUE_STORIES_PER_PAGE)
        .only("id", "page_id", "position", "kicker", "headline", "subheadline", "body")
        .order_by("page_id", "position")
    ))
    for story in stories:
        by_page[story.page_id].append(story)
    for p in pages:
        p.stories = by_page[p.pk]
        p.more_stories = p.story_count - len(p.stories)
    issues = _visible_issues().filter(newspaper=obj, date__isnull=False)
    context = {
        "paper": obj,
        "date": date,
        "pages": pages,
        "page": screen,
        "query_string": "",
        "previous": issues.filter(date__lt=date).order_by("-date").values_list("date", flat=True).first() if date else None,
        "next": issues.filter(date__gt=date).order_by("date").values_list("date", flat=True).first() if date else None,
    }
    context["previous_url"] = issue_url(obj.pk, context["previous"]) if context["previous"] else None
    context["next_url"] = issue_url(obj.pk, context["next"]) if context["next"] else None
    return render(request, "articles/issue.html", context)


_LINE_SLICE = "(string_to_array(raw_text, E'\\n'))[%s:%s]"


@require_safe
@reader_page(query=("part",))
def page(request: HttpRequest, pk: int) -> HttpResponse:
    """A page's articles in print order beside its source lines, furniture shown as such.

    A long file is shown a part at a time (LINES_PER_SCREEN lines): PostgreSQL cuts the part out
    of the text, so a 100,000-line page is never sent, split or rendered whole.
    """
    part = Part.of(request)
    lo, hi = part.lo, part.hi
    pages = (
        NewspaperPage.objects.select_related("issue__newspaper")
        .defer("raw_text")
        # One line past the part tells whether another follows (counting them all costs more).
        .annotate(
            part_lines=RawSQL(_LINE_SLICE, [lo, hi + 1], output_field=ArrayField(TextField())),
            # The page's own count for its header, as the issue lists it: a part lists only its
            # articles. Read with the page (the articles' index on page_id), not a query more.
            article_total=_per_page(Article.objects.all()),
        )
    )
    obj = get_object_or_404(_readable(request, pages), pk=pk)
    lines = obj.part_lines or []
    if part.number > 1 and not lines:
        raise Http404(_("没有这一部分"))
    shown = part.context(more=len(lines) > LINES_PER_SCREEN)
    stories = obj.articles.order_by("position").only(
        "id", "page", "position", "kicker", "headline", "subheadline", "body", "lines", "warnings"
    )
    if shown["paged"]:
        stories = stories.on_lines(lo, hi)
    articles = with_display_titles(list(stories))
    owner = {line: a for a in articles for line in a.lines}
    furniture = {f["line"]: f for f in obj.furniture if lo <= f.get("line", 0) <= hi}
    rows = [
        {
            "number": n,
            "text": text,
            "article": owner.get(n),
            "furniture": FURNITURE_LABELS.get(furniture[n].get("kind"), FURNITURE_LABELS["other"]) if n in furniture else None,
        }
        for n, text in enumerate(lines[:LINES_PER_SCREEN], lo)
    ]
    context = {
        "page": obj,
        "articles": articles,
        "article_total": obj.article_total,
        "rows": rows,
        "issue_url": issue_url(obj.issue.newspaper_id, obj.issue.date),
        **shown,
    }
    return render(request, "articles/page.html", context)


@require_safe
def issue_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    """/issues/<id>/ was the page's address before issues and pages were told apart: old links
    (cited, bookmarked) keep working. An issue's own address is /papers/<paper>/<date>/."""
    return redirect("page", pk=pk, permanent=True)


# --- Article ----------------------------------------------------------------------------


def _source_lines(article: Article, limit: int | None = None) -> list[tuple[int, str]]:
    """The article's own lines of the page file (its first ``limit``), cut out of the text by
    PostgreSQL: a page of 100,000 lines is never sent whole to show twenty of them."""
    if not article.lines:
        return []
    own = sorted(article.lines)[:limit]
    lo, hi = own[0], own[-1]
    texts = (
        NewspaperPage.objects.filter(pk=article.page_id)
        .annotate(part_lines=RawSQL(_LINE_SLICE, [lo, hi], output_field=ArrayField(TextField())))
        .values_list("part_lines", flat=True)
        .first()
    ) or []
    wanted = set(own)
    return [(lo + i, text) for i, text in enumerate(texts) if lo + i in wanted]


def _moved_article_url(request: HttpRequest, pk: int) -> str | None:
    """Where an article an admin merged into another (or whose lines went elsewhere) is read now:
    the article of its page that holds its first line, else that line on the page — so that a
    permalink cited before the correction still leads to the text. None for an id that never
    was, or while the article or its page is not for this reader (a draft: no hint of it)."""
    if Article.objects.filter(pk=pk).exists():
        return None  # it exists, but not for this reader
    held = PageRevision.objects.last_holding(pk)
    if held is None:
        return None
    page_id, line = held
    holder = _readable(request, Article.objects.filter(page_id=page_id, lines__contains=[line])).only("id").first()
    if holder is not None:
        return holder.get_absolute_url()
    page = _readable(request, NewspaperPage.objects.filter(pk=page_id)).first()
    return _line_url(page.get_absolute_url(), line) if page is not None else None


# What a search result's link carries to the article, so that the article's "back to the search
# results" returns to that very page of them: the search's own parameters (SearchParams), in this
# order. The article page reads only these (and is kept per address with them, reader_page).
SEARCH_TRAIL = ("q", "county", "prefecture", "paper", "date_from", "date_to", "sort", "page_size", "page")
_TRAIL_DEFAULTS = {"sort": "relevance", "page_size": str(DEFAULT_PAGE_SIZE), "page": "1"}


def _search_trail(params: SearchParams) -> str:
    """A result link's query string: the search as the search page read it (validated; the
    county by its code), defaults left out, so the address stays short."""
    values = {
        "q": params.q,
        "county": params.county.code if params.county else "",
        "prefecture": params.prefecture,
        "paper": params.paper,
        "date_from": params.date_from.isoformat() if params.date_from else "",
        "date_to": params.date_to.isoformat() if params.date_to else "",
        "sort": params.sort,
        "page_size": str(params.page_size),
        "page": str(params.page),
    }
    return "&".join(
        f"{name}={quote(values[name], safe='/')}"
        for name in SEARCH_TRAIL if values[name] and values[name] != _TRAIL_DEFAULTS.get(name)
    )


def _back_to_search(request: HttpRequest, q: str) -> str:
    """The search results page a result link came from (``_search_trail``), or "": always the
    search page's own address (never one from the request), with only its parameters, each
    checked as the search page reads it and dropped if wrong. ``q``: the terms, already parsed.
    No query runs: a county travels as its code, a prefecture or paper as a name."""
    kept = {"q": q} if q else {}
    for name in SEARCH_TRAIL[1:]:
        raw = request.GET.get(name, "")
        if not raw or "\x00" in raw:
            continue
        if name == "county":
            ok = len(raw) == 6 and ASCII_DIGITS.fullmatch(raw) is not None
        elif name in ("prefecture", "paper"):
            raw = strip_controls(raw).strip()
            ok = 0 < len(raw) <= (50 if name == "prefecture" else 100)  # the models' max_length
        else:  # dates, sort, page, page_size: as read_params reads them (no query without a county)
            # A page is read with its page size: how deep it lies (SEARCH_MAX_DEPTH) depends on both.
            together = {"page_size": request.GET.get("page_size", "")} if name == "page" else {}
            try:
                read = read_params({name: raw, **together}, limit_depth=False)  # no query: the depth below
            except ParamError:
                continue
            if name == "page" and past_depth(read.page, read.page_size):
                continue
            ok = raw != _TRAIL_DEFAULTS.get(name)
        if ok:
            kept[name] = raw
    if not kept:
        return ""
    return f"{reverse('search')}?{urlencode(kept, quote_via=quote, safe='/')}"


def _line_url(page_url: str, line: int) -> str:
    """A line of a page file on the page view: a long file is shown LINES_PER_SCREEN lines a part,
    and the line's anchor exists only on its own part (?part=2 for lines 1001–2000)."""
    return f"{page_url}{Part.holding(line).query}#line-{line}"


# A subheadline's leading dash (——记…) introduces it in print; cited after a colon it goes.
_SUBTITLE_LEAD = "—–－-─ \u3000"


# The devised titles of stories printed without one (cited in brackets, in the reader's language).
_UNTITLED_TEXT, _UNTITLED_PHOTO = gettext_noop("无题"), gettext_noop("图片新闻")


def _cited_title(article: Article, colon: str) -> str:
    """The title as cited: the headline, then the subheadline as its other title information
    (GB/T 7714-2015: 正题：副题). The kicker (引题) only leads into the headline in print and
    is not part of the cited title; a story without a headline is cited by the title line it
    has (its kicker or subheadline); "" when it printed none."""
    if not article.headline:
        return article.kicker or article.subheadline
    other = article.subheadline.strip().lstrip(_SUBTITLE_LEAD).strip()
    return f"{article.headline}{colon}{other}" if other and other != article.headline else article.headline


# A page's code with its section letter, as the label opens with it (A03 of "A03版", B2 of "B2版：
# 体育", A5 of "第A5版"); a topic after the page (第5版：G20峰会) is no code.
_SECTION_PAGE = re.compile(r"^\s*第?\s*([A-Za-z]{1,2})\s*([0-9]{1,3})(?![0-9])")


def _cited_page(page: NewspaperPage) -> str:
    """The page (版次) as GB/T 7714 puts it after the date: the number (3), or where the paper
    has sections the printed code (A03) — page 3 of section B is not page 3 of section A."""
    coded = _SECTION_PAGE.match(page.label or "")
    if coded:
        return coded.group(1) + coded.group(2)
    return str(page.number) if page.number else page.label


def _cite(article: Article, permalink: str) -> dict[str, str]:
    """GB/T 7714-2015 (newspaper, [N]) and a plain Chinese citation.

    A story printed without a title has none to transcribe: as in bibliographic description
    (GB/T 3792, ISBD), the cataloguer's devised title is given in square brackets — [图片新闻] for
    a photo with its caption, [无题] for text (a fragment continued from another page) — never the
    body's or a caption's start, which a reader would take for a printed title (and, cut at 24
    characters, not find)."""
    names = [n for n in article.byline if n]
    authors = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
    title = _cited_title(article, "：")
    devised = "" if title else (_UNTITLED_TEXT if article.body.strip() else _UNTITLED_PHOTO)
    paper = article.newspaper.name
    page_no = _cited_page(article.page)
    when = article.date.isoformat() if article.date else "[出版日期不详]"
    # A Chinese standard's form, in Chinese whatever the reader's language (its [出版日期不详] too).
    gb_title = f"[{devised}]" if devised else title
    gb = f"{authors + '. ' if authors else ''}{gb_title}[N]. {paper}, {when}{f'({page_no})' if page_no else ''}."
    plain_date = f"{article.date.year}年{article.date.month}月{article.date.day}日" if article.date else "（日期不详）"
    plain_page = article.page.label or (f"第{article.page.number}版" if article.page.number else "")
    # A title inside book-title marks takes single ones for its own (GB/T 15834: 《学习〈…〉第五卷》).
    plain_title = f"[{devised}]" if devised else "《" + title.replace("《", "〈").replace("》", "〉") + "》"
    plain = f"{'、'.join(names) + '：' if names else ''}{plain_title}，《{paper}》{plain_date}{plain_page}。{permalink}"
    if get_language() == "en":
        # The same facts in an English reader's order; the title and paper stay as printed.
        en_date = date_format(article.date, "F j, Y") if article.date else "n.d."
        en_page = f", {article.page.label or article.page.number}" if article.page.label or article.page.number else ""
        # "n.d." ends in its own full stop: no second one after it (when no page follows).
        tail = f"{en_date}{en_page}"
        # Quotation marks inside the quoted title become single ones (‘老字号’), not a second “…”.
        en_title = _cited_title(article, ": ")
        quoted = "[" + _(devised) + "]." if devised else "“" + en_title.replace("“", "‘").replace("”", "’") + ".”"
        plain = f"{', '.join(names) + '. ' if names else ''}{quoted} {paper}, {tail}{'' if tail.endswith('.') else '.'} {permalink}"
    return {"gb": gb, "plain": plain}


# A query that is one quoted phrase, shown inside the page's own 「」 without its quotes
# (「「网格化党建」」 read as a typo).
_ONE_PHRASE = re.compile(r'[「“"『](?P<inner>[^「」“”"『』]+)[」”"』]')


def _unquoted(q: str) -> str:
    one = _ONE_PHRASE.fullmatch(q)
    return one["inner"] if one else q


@require_safe
@reader_page(query=SEARCH_TRAIL)
def article(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _readable(request, Article.objects.for_listing()).filter(pk=pk).first()
    if obj is None:
        moved = _moved_article_url(request, pk)
        if moved is None:
            raise Http404(_("没有这篇文章（或未发布）。"))
        # Temporary: an undo brings the article, and its address, back.
        return redirect(moved)
    # Its first captions, one past those shown saying whether there are more (Article.display_title
    # reads them too).
    obj.first_captions = list(obj.captions.order_by("position")[: ARTICLE_CAPTIONS_SHOWN + 1])
    # A page's stories are numbered 0, 1, 2… (writer) and all readable or none, so the ones either
    # side are found by position; one more each way tells whether the list goes on.
    around = SIBLINGS_EITHER_SIDE
    window = with_display_titles(list(
        _readable(request, Article.objects.filter(page_id=obj.page_id))
        .filter(position__range=(obj.position - around - 1, obj.position + around + 1))
        .order_by("position")
        .only("id", "position", "kicker", "headline", "subheadline", "body")
    ))
    siblings = [s for s in window if abs(s.position - obj.position) <= around]
    previous = next((s for s in siblings if s.position == obj.position - 1), None)
    following = next((s for s in siblings if s.position == obj.position + 1), None)

    q = request.GET.get("q", "").strip()
    try:
        query = parse(q) if q else None
    except QueryError:
        query = None
    hits = Hits(needles_for(query.positive) if query else [])
    # The heading is the headline, else the first title there is (Article.title): that title
    # is then not shown a second time above or below it.
    heading = obj.headline or obj.display_title
    byline = obj.byline_text or "、".join(obj.byline)
    shown_captions = obj.first_captions[:ARTICLE_CAPTIONS_SHOWN]
    if obj.byline_text and compact(obj.byline_text) in {compact(c.credit_text) for c in shown_captions if c.credit_text}:
        # A photo story's byline as printed is its picture's credit (记者 张文慧 摄): shown once,
        # under the picture, not again under the title.
        byline = ""
    # Marked (and so numbered) in the order the page shows them: titles, byline, captions, body.
    marked = {
        "kicker": hits(obj.kicker, nav=False) if obj.headline else "",
        "headline": hits(heading, nav=False),
        "subheadline": hits(obj.subheadline, nav=False) if obj.headline or obj.kicker else "",
        "byline": hits(byline, nav=False),
        "captions": [
            {"html": hits(c.text), "credit": c.credit, "credit_text": c.credit_text}
            for c in shown_captions
        ],
        # A subheading's marks without the links, as a title's: its name stays its words.
        "blocks": [{"kind": b["kind"], "html": hits(b["text"], nav=b["kind"] != "h")} for b in obj.reading_order()],
    }
    # One string, so the last hit's number reaches every "previous" link that needs it.
    heads = ("kicker", "headline", "subheadline", "byline")
    parts = [marked[k] for k in heads] + [c["html"] for c in marked["captions"]] + [b["html"] for b in marked["blocks"]]
    finished = iter([hits.finish(p) for p in parts])
    for key in heads:
        marked[key] = next(finished)
    for caption in marked["captions"]:
        caption["html"] = next(finished)
    for block in marked["blocks"]:
        block["html"] = next(finished)

    permalink = request.build_absolute_uri(obj.get_absolute_url())
    source_lines = _source_lines(obj, ARTICLE_SOURCE_LINES_SHOWN)
    q = q if hits.count or query else ""
    back_url = _back_to_search(request, q)
    context = {
        "article": obj,
        "marked": marked,
        "q": q,
        "q_shown": _unquoted(q),
        "back_url": back_url,
        # The way back to the search travels on to the page's other articles (previous, next, the
        # page's list): their terms marked and "back to the results" kept, as on a result link.
        "trail": back_url.partition("?")[2],
        "hit_count": hits.count,
        "more_captions": len(obj.first_captions) > ARTICLE_CAPTIONS_SHOWN,
        "siblings": siblings,
        "siblings_before": window[0].position < obj.position - around,
        "siblings_after": window[-1].position > obj.position + around,
        "previous": previous,
        "next": following,
        "source_lines": source_lines,
        "more_source_lines": len(obj.lines) > ARTICLE_SOURCE_LINES_SHOWN,
        "source_url": _line_url(obj.page.get_absolute_url(), source_lines[0][0]) if source_lines else None,
        "related": related_articles(obj) if obj.visible else [],
        "permalink": permalink,
        "cite": _cite(obj, permalink),
        "issue_url": issue_url(obj.newspaper_id, obj.page.issue.date),
    }
    return render(request, "articles/article.html", context)


# --- Search -----------------------------------------------------------------------------

# A bar's width and gap, the tallest bar, the year under it and its count over it (px).
CHART_BAR, CHART_GAP, CHART_HEIGHT, CHART_LABEL, CHART_COUNT = 28, 8, 100, 18, 16
# A year with any match gets a bar at least this tall: a year of 1 beside one of 400 must not
# look like a year of none.
CHART_MIN_BAR = 3
CHART_MAX_YEARS = 100


def _url(request: HttpRequest, drop: tuple[str, ...] = (), **values: str) -> str:
    """This search's address with some parameters changed or dropped (and back to page 1).

    A search page has fifty-odd of these (facets, chart, chips): the parameters are read once
    per request and encoded as QueryDict.urlencode would, without copying a QueryDict each time.
    """
    path, encoded_lists = _url_parts(request)
    query = {name: part for name, part in encoded_lists.items() if name not in drop}
    for name, value in values.items():
        query[name] = f"{quote_plus(name)}={quote_plus(str(value))}"
    encoded = "&".join(query.values())
    return f"{path}?{encoded}" if encoded else path


def _url_parts(request: HttpRequest) -> tuple[str, dict[str, str]]:
    """The search's path and its parameters, each encoded once ("name=value&name=value" per
    name, page left out), read once per request."""
    base = getattr(request, "_search_url_parts", None)
    if base is None:
        encoded_lists = {
            name: "&".join(f"{quote_plus(name)}={quote_plus(v)}" for v in vs)
            for name, vs in request.GET.lists() if name != "page"
        }
        base = request._search_url_parts = (reverse("search"), encoded_lists)
    return base


def _urls_setting(request: HttpRequest, name: str) -> Callable[[object], str]:
    """``_url(request, name=value)`` for many values of one parameter (a facet's thirty counties):
    the address around the value is joined once, each value only encoded."""
    path, encoded_lists = _url_parts(request)
    names = list(encoded_lists)
    at = names.index(name) if name in encoded_lists else len(names)  # in its place, or last
    before = "".join(f"{encoded_lists[n]}&" for n in names[:at])
    after = "".join(f"&{encoded_lists[n]}" for n in names[at + 1:])
    head = f"{path}?{before}{quote_plus(name)}="
    return lambda value: f"{head}{quote_plus(str(value))}{after}"


def _query_string(request: HttpRequest, *, drop: str) -> str:
    query = request.GET.copy()
    query.pop(drop, None)
    return query.urlencode()


def _chips(request: HttpRequest, params: SearchParams) -> list[dict[str, str]]:
    chips = []
    if params.county:
        chips.append({"label": _("县区：%(name)s") % {"name": params.county.name}, "url": _url(request, ("county",))})
    if params.prefecture:
        chips.append({"label": _("地市：%(name)s") % {"name": params.prefecture_name}, "url": _url(request, ("prefecture",))})
    if params.paper:
        chips.append({"label": _("报纸：%(name)s") % {"name": params.paper}, "url": _url(request, ("paper",))})
    if params.date_from or params.date_to:
        span = _("%(start)s 至 %(end)s") % {"start": params.date_from or "…", "end": params.date_to or "…"}
        chips.append({"label": _("日期：%(span)s") % {"span": span}, "url": _url(request, ("date_from", "date_to"))})
    return chips


def _year_span(year: str | int, params: SearchParams) -> dict[str, str]:
    """A year's dates as the date parameters, within the reader's own range: the year's count
    (18 in 2025 between 2020-01-01 and 2025-06-30) is of that part of it, and so is its link."""
    start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    if params.date_from and params.date_from > start:
        start = params.date_from
    if params.date_to and params.date_to < end:
        end = params.date_to
    # Four digits, as the date parameters need them: the year 999 is 0999-01-01.
    return {"date_from": f"{start.year:04d}-{start:%m-%d}", "date_to": f"{end.year:04d}-{end:%m-%d}"}


def _year_active(year: str | int, params: SearchParams) -> bool:
    """The range is that year's (or its part within the range): its link would change nothing."""
    return bool(params.date_from and params.date_to) and params.date_from.year == params.date_to.year == int(year)


def _facet_links(request: HttpRequest, params: SearchParams, facets: dict[str, list[tuple]]) -> dict[str, list[dict]]:
    """Facet values as links that set one filter and keep every other."""
    county_url, paper_url = _urls_setting(request, "county"), _urls_setting(request, "paper")
    return {
        "county": [
            {"label": name, "n": n, "url": county_url(code), "active": params.county and params.county.code == code}
            for code, name, n in facets["county"]
        ],
        "paper": [
            {"label": name, "n": n, "url": paper_url(name), "active": params.paper == name}
            for name, n in facets["paper"]
        ],
        "year": [
            {"label": year, "n": n, "url": _url(request, **_year_span(year, params)), "active": _year_active(year, params)}
            for year, n in facets["year"]
        ],
    }


def _chart(request: HttpRequest, params: SearchParams, years: list[tuple[str, int]], *, undated: int = 0) -> dict | None:
    """Results by year as bars for a server-drawn SVG (no script): every year from the first to
    the last, empty ones too, so the gaps show; over a span of more than CHART_MAX_YEARS (a page
    dated 1800 beside one of 2025) only the years with results, so the chart stays a chart."""
    if not years:
        return None
    counts = {int(y): n for y, n in years}
    first, last = min(counts), max(counts)
    top = max(counts.values())
    shown = range(first, last + 1) if last - first < CHART_MAX_YEARS else sorted(counts)
    bars = []
    for i, year in enumerate(shown):
        n = counts.get(year, 0)
        height = max(CHART_MIN_BAR, round(CHART_HEIGHT * n / top)) if n else 0
        x = i * (CHART_BAR + CHART_GAP)
        y = CHART_COUNT + CHART_HEIGHT - height
        bars.append({
            "year": year, "n": n, "x": x, "y": y, "height": height, "count_y": y - 4,
            # Said three times a bar (the chart's title, the link, the bar's title): made once.
            "label": ngettext("%(year)s年 %(n)s 篇", "%(year)s年 %(n)s 篇", n) % {"year": year, "n": n},
            # No link where it would change nothing (the range is already that year's).
            "label_x": x + CHART_BAR / 2,
            "url": _url(request, **_year_span(year, params)) if n and not _year_active(year, params) else None,
        })
    return {
        # The chart's accessible title, "2021年 3 篇，2022年 5 篇…", joined here (not in a loop
        # of the template, where each separator was a translate tag).
        "title": _("，").join(b["label"] for b in bars),
        "undated": undated,  # matches without a date: in no bar, said under the chart
        "bars": bars, "width": len(bars) * (CHART_BAR + CHART_GAP) - CHART_GAP, "bar": CHART_BAR,
        "height": CHART_COUNT + CHART_HEIGHT + CHART_LABEL, "label_y": CHART_COUNT + CHART_HEIGHT + CHART_LABEL - 4,
    }


def _county_hints(request: HttpRequest, params: SearchParams, facets: dict | None, exact: bool) -> list[dict]:
    """A term that is a county's name (绛县, 介休): offer that county's stories only, and say why
    a county whose name contains it (新绛县) matched too — search finds text, not places.

    Counties sharing a name (郊区: 阳泉市's, 佳木斯市's, 铜陵市's) are told apart by their
    prefecture, and one with none of the matches is left out: the facets counted the matches'
    counties (all of them, when there are fewer than their 30 and the count was exact; else a
    query tells whether the county has any visible story at all). ``others`` are told by code."""
    if params.county or not params.query:
        return []
    terms = [t.text for t in params.query.positive]
    named = County.objects.named(terms)
    if not named:
        return []
    counted = {code: n for code, _name, n in (facets or {}).get("county", [])}
    complete = facets is not None and exact and len(counted) < 30
    named_codes = {code for code, _name, _short in named}
    by_term: dict[str, list[tuple[str, str]]] = {}
    for code, name, short_name in named:
        by_term.setdefault(name if name in terms else short_name, []).append((code, name))
    hints = []
    for term, found in by_term.items():
        prefectures: dict[str, str] = {}
        if len(found) > 1:
            prefectures = dict(County.objects.filter(code__in=[c for c, _n in found]).values_list("code", "prefecture"))
            found = [
                (code, name) for code, name in found
                if code in counted or (not complete and Article.objects.visible().in_county(code).exists())
            ]
        elif complete:
            # Every match's county is known: an offer that could only show nothing is left out
            # (介休 万荣, found in no story tagged 介休市; any search that found nothing).
            found = [(code, name) for code, name in found if code in counted]
        others = [
            other for c, other, _n in (facets or {}).get("county", []) if term in other and c not in named_codes
        ]
        for i, (code, name) in enumerate(found):
            label = (
                _("%(name)s（%(prefecture)s）") % {"name": name, "prefecture": prefectures[code]}
                if code in prefectures else name
            )
            county = County(code=code, name=label)
            # The literal matches are said once for the term, after its last offer.
            hints.append({
                "term": term, "county": county, "url": _url(request, county=code),
                "others": others if i == len(found) - 1 else [],
            })
        if not found and others:
            # No offer (no match is tagged with the county), but why 新绛县's stories matched
            # 绛县 still needs saying: most of all when they are all there is.
            hints.append({"term": term, "county": None, "url": "", "others": others})
    return hints


def _suggestions(request: HttpRequest, params: SearchParams, chips: list[dict]) -> list[dict[str, str]]:
    """What to try when nothing matched: fewer filters, fewer terms, no quotes, no exclusions."""
    tries = [{"label": _("去掉「%(label)s」") % {"label": c["label"]}, "url": c["url"]} for c in chips]
    if len(chips) > 1:  # with one filter, removing it is removing them all: offered once
        only_q = QueryDict(mutable=True)
        only_q["q"] = params.q
        tries.append({"label": _("去掉全部筛选条件"), "url": f"{reverse('search')}?{only_q.urlencode()}"})
    query = params.query
    if query and len(query.positive) > 1:
        # Each term as it was asked: a phrase keeps its quotes (unquoted, it would be its words).
        tries += [
            {"label": _("只查「%(term)s」") % {"term": t.text}, "url": _url(request, q=query_text([t]))} for t in query.positive
        ]
    if query and any(t.quoted for t in query.terms):
        loose = " ".join(("-" if t.negated else "") + t.text.replace(" ", "") for t in query.terms)
        tries.append({"label": _("不加引号：%(q)s") % {"q": loose}, "url": _url(request, q=loose)})
    if query and query.negative:
        kept = query_text(query.positive)
        tries.append({"label": _("不排除：%(q)s") % {"q": kept}, "url": _url(request, q=kept)})
    return tries


_URL_MARKER = 987654321
# Result rows' dates as shown, by language, format and day, kept per process: date_format costs
# some tens of microseconds a date (a page shows twenty), and its answer never changes.
_DAY_TEXTS: dict[tuple[str | None, str, dt.date], str] = {}
DAY_TEXTS_KEPT = 20_000


def _day_text(day: dt.date, day_format: str) -> str:
    key = (get_language(), day_format, day)
    text = _DAY_TEXTS.get(key)
    if text is None:
        if len(_DAY_TEXTS) >= DAY_TEXTS_KEPT:
            _DAY_TEXTS.clear()
        text = _DAY_TEXTS[key] = date_format(day, day_format)
    return text


def _result_rows(
    articles: list[Article], q: str, needles: list[str], *, params: SearchParams | None = None
) -> list[dict[str, object]]:
    """What a search result row shows (as includes/article_row.html would show it), worked out
    in Python: twenty rows of an include cost the page more than its queries did. The county
    tags come from the row's own copy of their codes (primary first) and the counties' names
    kept per process (County.objects.names), each county's address reversed once; captions only
    for a story without any title (display_title falls back to them). ``params``: the search,
    carried on each link (``_search_trail``) for the article's way back to these results."""
    trail = _search_trail(params) if params is not None else (f"q={quote(q, safe='/')}" if q else "")
    suffix = f"?{trail}" if trail else ""
    day_format = _("Y年n月j日")
    # reverse() once, not per row or county (a tenth of a millisecond each, and a page has some
    # forty): the address around an id, or a code (six digits, which reverse() leaves as they are).
    head, _marker, tail = reverse("article", args=[_URL_MARKER]).partition(str(_URL_MARKER))
    county_head, _marker, county_tail = reverse("county", args=[_URL_MARKER]).partition(str(_URL_MARKER))
    with_display_titles(articles)
    names = County.objects.names({str(code) for a in articles for code in a.county_codes})
    county_urls = {
        code: f"{county_head}{code}{county_tail}" if ASCII_DIGITS.fullmatch(code) else reverse("county", args=[code])
        for code in names
    }
    counties: dict[int, list[dict[str, object]]] = {}
    for article in articles:
        codes = [str(code) for code in article.county_codes if str(code) in names]
        # The primary county first, the others by name (as ArticleQuerySet.for_listing orders them:
        # ``names`` comes in the database's order of names).
        ordered = codes[:1] + [code for code in names if code in codes[1:]]
        counties[article.id] = [
            {"name": names[code], "url": county_urls[code], "primary": n == 0} for n, code in enumerate(ordered)
        ]
    rows = []
    for article in articles:
        rows.append({
            "kicker": article.kicker if article.headline else "",
            "url": f"{head}{article.id}{tail}{suffix}",
            "title": article.display_title,
            "paper": article.newspaper.name,
            "date": _day_text(article.date, day_format) if article.date else _("日期不详"),
            "label": article.page.label,
            "counties": counties.get(article.id, []),
            "snippet": _snippet(article, needles),
        })
    return rows


def _facet_counts(facets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    # Each number formatted once (intcomma localises it, some ten microseconds): the facets' fifty
    # counts are mostly the same few small numbers.
    texts: dict[int, str] = {}
    for items in facets.values():
        for item in items:
            n = item["n"]
            item["n_text"] = texts[n] if n in texts else texts.setdefault(n, intcomma(n))
    return facets


@require_safe
@rate_limited("search", "RATE_LIMIT_SEARCH")
def search(request: HttpRequest) -> HttpResponse:
    try:
        params = read_params(request.GET)
    except ParamError as exc:
        # The form again as the reader sent it, every filter kept (the hidden ones too): a
        # corrected date must not search the whole archive.
        context = {
            "error": exc.reader,
            "q": strip_controls(request.GET.get("q", "")),  # a NUL is no character to hand back
            "form": _form_values(request),
            "hidden_filters": _hidden_filters(request),
        }
        return render(request, "articles/search.html", context, status=400)
    page = facets = links = chart = None
    rows: list[dict[str, object]] = []
    chips = _chips(request, params)
    if params.query or params.county or params.paper or params.prefecture or params.date_from or params.date_to:
        # Visible articles only; _result_rows reads the rows' counties and captions.
        qs = params.filter(Article.objects.for_results())
        # One transaction for the count, the page and the facets: the plan settings of
        # articles/ranking.py are made once each (SET LOCAL), not again in each part's own.
        with transaction.atomic(using=Article.objects.db) if params.query else nullcontext():
            page = _page(qs, params)
            facets = params.facets(exact_count=page.paginator.exact, results=page.paginator.object_list)
        rows = _result_rows(page.object_list, params.q, _needles(params), params=params)
        if facets:
            links = _facet_counts(_facet_links(request, params, facets))
            if not any(links.values()):  # nothing matched: no "filters" heading over nothing
                links = None
            chart = _chart(request, params, facets["year"], undated=facets["undated"])
    context = {
        "params": params,
        "q": params.q,
        "page": page,
        "rows": rows,
        "facets": links,
        "chart": chart,
        "chips": chips,
        "county_hints": _county_hints(request, params, facets, page.paginator.exact) if page is not None else [],
        "suggestions": _suggestions(request, params, chips) if page is not None and not page.paginator.count else [],
        "sort_urls": {"relevance": _url(request, ("sort",)), "date": _url(request, sort="date")},
        "facet_sample": settings.FACET_SAMPLE,
        "query_string": _query_string(request, drop="page"),
        "form": _form_values(request),
        "hidden_filters": _hidden_filters(request),
    }
    return render(request, "articles/search.html", context)


def search_slash(request: HttpRequest) -> HttpResponse:
    """/search/, typed by hand (every other page's address ends in "/"): sent on to /search with
    its query as Django read it (UTF-8), re-encoded — a client's raw UTF-8 is not passed on as
    the Latin-1 the server's environment holds it in."""
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(reverse("search") + (f"?{query}" if query else ""))


def _form_values(request: HttpRequest) -> dict[str, str]:
    """The search form's visible fields as sent (raw: a refused value is shown to be corrected)."""
    return {name: request.GET.get(name, "") for name in ("date_from", "date_to", "sort")}


def _hidden_filters(request: HttpRequest) -> list[tuple[str, str]]:
    """The filters the form carries without showing them (set by links: a county, a paper)."""
    return [(k, request.GET[k]) for k in ("county", "prefecture", "paper") if request.GET.get(k)]


# --- JSON API -----------------------------------------------------------------------------


@require_safe
@rate_limited("api", "RATE_LIMIT_API")
def api_articles(request: HttpRequest) -> JsonResponse:
    try:
        params = read_params(request.GET)
    except ParamError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    page = _page(params.filter(Article.objects.for_listing()), params)  # visible only
    needles = _needles(params)
    return JsonResponse(
        {
            "count": page.paginator.count,
            "count_exact": page.paginator.exact,
            "page": params.page,
            "page_size": params.page_size,
            "results": [article_row(a, str(_snippet(a, needles))) for a in with_display_titles(list(page.object_list))],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@rate_limited("api", "RATE_LIMIT_API")
def api_article(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        obj = Article.objects.visible().for_detail().get(pk=pk)
    except Article.DoesNotExist:
        return JsonResponse({"error": _("没有这篇文章")}, status=404, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(article_detail(obj), json_dumps_params={"ensure_ascii": False})


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
