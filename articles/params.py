"""Reading and validating search parameters; the HTML page and the JSON API share this."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from math import ceil
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from articles.models import PREFECTURE_CODE, ArticleQuerySet, County
from articles.query import MAX_QUERY_CHARS, ParsedQuery, QueryError, parse
from articles.ranking import RankedResults, newest_sample
from ingest.tokens import strip_controls

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000
SORTS = ("relevance", "date")
NOTHING_SEARCHABLE = gettext_lazy("检索词里没有可检索的文字（汉字、字母或数字）：符号和表情无法检索，请换一个词。")


class ParamError(ValueError):
    """A parameter the reader must fix; the message names it. ``str()`` names it as the API's
    callers send it (date_from); ``reader`` as the search form labels it (起始日期（date_from）)."""

    def __init__(self, message: str, *, reader: str | None = None) -> None:
        super().__init__(message)
        self.reader = reader or message


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    query: ParsedQuery | None = None
    county: County | None = None
    prefecture: str = ""
    prefecture_name: str = ""  # the prefecture's name, however it was given (1408: 运城市)
    paper: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "relevance"

    def filter(
        self, qs: ArticleQuerySet, *, ordered: bool = True, match: bool = True
    ) -> ArticleQuerySet | RankedResults:
        """Apply the query and filters; order by relevance with a query, else newest first.

        ``ordered=False`` skips ranking (for counts); ``match=False`` the query too (the filters
        alone). Readers see only published pages: this is where every search, count and facet
        gets that rule."""
        qs = qs.visible()
        if self.county:
            qs = qs.in_county(self.county.code)
        if self.prefecture:
            qs = qs.in_prefecture(self.prefecture)
        if self.paper:
            qs = qs.in_paper(self.paper)
        qs = qs.between(self.date_from, self.date_to)
        if not match:
            return qs
        if not ordered:
            return qs.matching(self.query) if self.query else qs
        if self.query:
            return RankedResults(qs, self.query, by_date=self.sort == "date")
        return qs.newest()

    def reaches(self, depth: int) -> bool:
        """Whether more than ``depth`` visible articles match: asked of a page past the depth, which
        is then too deep to list, or else only past the end. Counted as the page counts (the
        ranking's capped count: its plans, no more than ``depth`` + 1 matches read, at once "more"
        when the planner's estimate is far above), never by walking to the page's own offset."""
        from articles.models import Article

        return self.filter(Article.objects.all()).capped_count(depth + 1) > depth

    def facets(self, *, exact_count: bool, results: object = None) -> dict[str, list[tuple]] | None:
        """The facets the search page shows: over every match when the count was exact (at most
        SEARCH_COUNT_CAP), else over the newest FACET_SAMPLE matches; None without a query.
        ``results``: the page's RankedResults, whose estimates and plan settings are reused."""
        if not self.query:
            return None
        from articles.models import Article

        sample = settings.SEARCH_COUNT_CAP if exact_count else settings.FACET_SAMPLE
        plans = results.plans if isinstance(results, RankedResults) else None
        counted = results.newest if isinstance(results, RankedResults) else None
        if counted is not None and (exact_count or len(counted) >= sample):
            # The count found them (RankedResults.capped_count): the same newest matches.
            return Article.objects.facets(counted[:sample])
        base = self.filter(Article.objects.all(), ordered=False, match=False)
        return Article.objects.facets(newest_sample(base, self.query, sample, plans=plans))


# As written, ASCII digits only: int() would also take " 2", "1_000" and "١٢".
_INTEGER = re.compile(r"-?[0-9]+")
# An id or a code in a URL: ASCII digits, as written (str.isdigit also takes "²", "①" and "５").
ASCII_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _int(params: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = params.get(name, "")
    if not raw:  # an empty field of the search form: not given
        return default
    try:
        if not _INTEGER.fullmatch(raw):
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        raise ParamError(
            gettext("%(name)s 须为整数（收到 %(raw)r）") % {"name": name, "raw": raw[:20]},
            reader=gettext("%(name)s须为整数（收到 %(raw)r）") % {"name": field_name(name), "raw": raw[:20]},
        ) from None
    if not lo <= value <= hi:
        raise ParamError(
            gettext("%(name)s 须在 %(lo)s 到 %(hi)s 之间") % {"name": name, "lo": lo, "hi": hi},
            reader=gettext("%(name)s须在 %(lo)s 到 %(hi)s 之间") % {"name": field_name(name), "lo": lo, "hi": hi},
        )
    return value


class NoSuchDay(ValueError):
    """Written YYYY-MM-DD, but no such day (2025-02-30): said as such, not as a bad form."""


def iso_date(raw: str) -> dt.date:
    """A date written YYYY-MM-DD, the one form the site's addresses and filters take; ValueError
    otherwise (``fromisoformat`` alone would also take "20250724" and "2025-W30-2", each a second
    address of the same issue), NoSuchDay for a day the calendar lacks."""
    if not _ISO_DATE.fullmatch(raw):
        raise ValueError(raw)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise NoSuchDay(raw) from None


def _date(params: Mapping[str, str], name: str) -> dt.date | None:
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        return iso_date(raw)
    except NoSuchDay:
        facts = {"name": name, "value": raw}
        raise ParamError(
            gettext("%(name)s：没有 %(value)s 这一天") % facts,
            reader=gettext("%(name)s：没有 %(value)s 这一天") % {**facts, "name": field_name(name)},
        ) from None
    except ValueError:
        raise ParamError(
            gettext("%(name)s 须为 YYYY-MM-DD 格式的日期") % {"name": name},
            reader=gettext("%(name)s须为 YYYY-MM-DD 格式的日期") % {"name": field_name(name)},
        ) from None


def place_name(county: County) -> str:
    """Province, prefecture and county as one name (山西省运城市绛县); a county directly under its
    province (a municipality's district, 新疆's 五家渠市) has the province for prefecture: said once."""
    prefecture = "" if county.prefecture == county.province else county.prefecture
    return f"{county.province}{prefecture}{county.name}"


# The search form's labels of the parameters a reader can get wrong (templates/articles/search.html):
# a message names the field as the form shows it, and the parameter as the API's callers send it.
FIELD_LABELS = {
    "date_from": gettext_lazy("起始日期"),
    "date_to": gettext_lazy("截止日期"),
    "sort": gettext_lazy("排序"),
    "page": gettext_lazy("页码"),
    "page_size": gettext_lazy("每页篇数"),
}


def field_name(name: str) -> str:
    """起始日期（date_from）: the form's label, then the parameter's name."""
    return gettext("%(label)s（%(name)s）") % {"label": FIELD_LABELS[name], "name": name}


def resolve_county(value: str) -> County:
    """A county by six-digit code, full name (介休市) or unambiguous short name (介休)."""
    value = value.strip()
    if "\x00" in value:  # from a URL (/counties/%00/): no name holds a NUL, and PostgreSQL refuses one
        county = None
    elif ASCII_DIGITS.fullmatch(value):
        county = County.objects.filter(code=value).first()
    else:
        # Every county of that name (郊区: three), so that the message can name them all.
        matches = list(County.objects.filter(name=value).order_by("code")) or list(
            County.objects.filter(short_name=value).order_by("code")
        )
        if len(matches) > 1:
            names = gettext("、").join(
                gettext("%(place)s（%(code)s）") % {"place": place_name(c), "code": c.code} for c in matches
            )
            raise ParamError(gettext("县区 %(value)r 不唯一：%(names)s，请用代码") % {"value": value, "names": names})
        county = matches[0] if matches else None
    if county is None:
        raise ParamError(gettext("没有名为 %(value)r 的县区") % {"value": value})
    return county


def resolve_prefecture(value: str) -> tuple[str, str]:
    """A prefecture as the county table knows it: its name (运城市) or its four-digit code (1408),
    returned as given, with its name. Anything else is refused, never a filter that matches
    nothing (运城) or a prefix of some other division (14: a province; 14082: part of a county's
    code)."""
    value = value.strip()
    if "\x00" in value:  # no name holds a NUL, and PostgreSQL refuses one
        name = None
    elif PREFECTURE_CODE.fullmatch(value):
        name = County.objects.filter(code__startswith=value).values_list("prefecture", flat=True).first()
    else:
        name = value if County.objects.filter(prefecture=value).exists() else None
    if name is None:
        raise ParamError(
            gettext("prefecture：没有名为 %(value)r 的地市，请用地市全称（如 运城市）或四位代码（如 1408）")
            % {"value": value[:50]}
        )
    return value, name


def past_depth(page: int, page_size: int) -> bool:
    """Whether the page starts past the depth search lists to (SEARCH_MAX_DEPTH)."""
    return (page - 1) * page_size >= settings.SEARCH_MAX_DEPTH


# Every parameter read_params reads: one given twice is ambiguous (which county?).
PARAM_NAMES = ("q", "sort", "county", "prefecture", "paper", "date_from", "date_to", "page", "page_size")


def read_params(params: Mapping[str, str], *, limit_depth: bool = True) -> SearchParams:
    """Validate request parameters; raise ParamError with a reader-facing message.

    ``limit_depth``: refuse a page that starts past SEARCH_MAX_DEPTH (searches; a county's own
    list, newest first on its index, pages cheaply to its end)."""
    # A parameter sent twice is ambiguous (which county?): refused, never the last one silently
    # taken (the search page, its feed and the API alike). Other parameters are not read.
    getlist = getattr(params, "getlist", None)
    repeated = [name for name in PARAM_NAMES if getlist is not None and len(getlist(name)) > 1]
    if repeated:
        raise ParamError(gettext("每个参数只能给一次：%(names)s") % {"names": ", ".join(repeated)})
    # NUL and other control characters cannot reach PostgreSQL text. The fixed-form values (sort,
    # page, page_size, dates) are checked as sent: one with a control character in it is wrong.
    text_params = {key: strip_controls(params.get(key, "")) for key in params}
    q = text_params.get("q", "")
    if not q.strip() and params.get("q", "").strip():
        # Only control characters (a NUL): nothing searchable, as an emoji alone — never the
        # whole archive, which an empty q lists.
        raise ParamError(str(NOTHING_SEARCHABLE))
    if len(params.get("q", "")) > MAX_QUERY_CHARS:  # as sent, as the API's description counts it
        raise ParamError(gettext("检索词过长：最多 %(n)s 个字符。") % {"n": MAX_QUERY_CHARS})
    try:
        query = parse(q) if q.strip() else None
    except QueryError as exc:
        raise ParamError(str(exc)) from None
    if query is not None and not query.terms:
        # Only an emoji, a backslash, punctuation: searching for nothing must not list everything.
        raise ParamError(str(NOTHING_SEARCHABLE))
    sort = params.get("sort", "") or "relevance"
    if sort not in SORTS:
        choices = gettext(" 或 ").join(SORTS)
        raise ParamError(
            gettext("sort 只能是 %(choices)s") % {"choices": choices},
            reader=gettext("%(label)s：sort 只能是 %(choices)s") % {"label": FIELD_LABELS["sort"], "choices": choices},
        )
    county_value = text_params.get("county", "").strip()
    prefecture_value = text_params.get("prefecture", "").strip()
    date_from = _date(params, "date_from")
    date_to = _date(params, "date_to")
    if date_from and date_to and date_from > date_to:
        raise ParamError(
            gettext("date_from 晚于 date_to"),
            reader=gettext("%(start)s晚于%(end)s") % {"start": field_name("date_from"), "end": field_name("date_to")},
        )
    page = _int(params, "page", 1, 1, MAX_PAGE)
    page_size = _int(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    county = resolve_county(county_value) if county_value else None
    prefecture = resolve_prefecture(prefecture_value) if prefecture_value else ("", "")
    read = SearchParams(
        q=q.strip(),
        query=query or None,
        county=county,
        prefecture=prefecture[0],
        prefecture_name=prefecture[1],
        paper=text_params.get("paper", "").strip(),
        date_from=date_from,
        date_to=date_to,
        page=page,
        page_size=page_size,
        sort=sort,
    )
    depth = settings.SEARCH_MAX_DEPTH
    if limit_depth and past_depth(page, page_size) and read.reaches(depth):
        # A deep page costs in proportion to its offset (articles/paging.py); the filters reach
        # any story in a few pages. A page past the depth of a search with no more matches than
        # the depth is only past the end (the page says so), not too deep.
        last = ceil(depth / page_size)
        facts = {"last": last, "depth": depth, "size": page_size}
        raise ParamError(
            gettext("page：每页 %(size)s 篇时只能翻到第 %(last)s 页（前 %(depth)s 篇），请用日期、县区或报纸缩小范围")
            % facts,
            reader=gettext("只列出前 %(depth)s 篇（每页 %(size)s 篇时到第 %(last)s 页为止）：请用日期、县区或报纸缩小范围。")
            % facts,
        )
    return read
