"""Pagination that never counts more than it must.

Counting every match of a common term reads every matching row (and its search vectors); a
reader needs the exact number only while it is small. So the count stops reading after
``SEARCH_COUNT_CAP`` + 1 matches (for a common term that is after a few thousand rows, however
large the archive); past the cap the page shows the planner's estimate as "约 N 篇" and the
API says ``count_exact: false``.

An estimate can be far off either way (运城市: 1,001 estimated, 1,925 there; 党建: 3,559 estimated,
2,650 there), so it never decides where the paging ends. Past the cap a page fetches one row more
than it shows: that row says whether there is a next page; a short page is the last one, and then
the count is known (it becomes what the rows say). A page past the estimate that has rows is
shown like any other; the count shown is never below what the pages seen prove, nor below the cap
(an estimate under the cap is wrong: there are more than the cap).

Search results are listed to a depth (``SEARCH_MAX_DEPTH``, given as ``depth``): a page's offset
costs in proportion to the rows before it (page 2,000 of a common term read 80,000 candidates,
about a second), and no reader pages that far — narrowing by date, county or paper reaches any
story in a few pages. Past the depth there is no "next" link; ``articles/params.py`` refuses a page
number past it.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


class ReaderPage(Page):
    """A page of results whose "previous" link always leads somewhere that exists.

    Django's ``previous_page_number`` refuses (EmptyPage) a number past the last page, so a page
    two or more past the end (a stale bookmark, results withdrawn since, a number typed by hand)
    would be a 500 where it shows its pagination. From past the end the way back is the last page
    — when the count is exact; past an estimated count the last page is not known, so an empty
    page has no "previous" (the pagination offers the first page instead).
    """

    # Past an estimated count: whether the row after this page exists (CappedPaginator.page).
    more: bool | None = None

    @property
    def estimated(self) -> bool:
        return self.more is not None

    @property
    def past_the_end(self) -> bool:
        """An empty page after the first: a number past the last page."""
        return self.number > 1 and not len(self)

    @property
    def deepest(self) -> bool:
        """The last page a search lists (``depth``) while more results follow it."""
        last = self.paginator.last_listed
        if last is None or self.number != last:
            return False
        return bool(self.more) if self.estimated else self.paginator.count > self.end_index()

    def end_index(self) -> int:
        # Django's takes the count for the last page's end, and with a depth the last page listed
        # is not the last.
        return (self.number - 1) * self.paginator.per_page + len(self) if len(self) else 0

    def has_next(self) -> bool:
        if self.paginator.last_listed is not None and self.number >= self.paginator.last_listed:
            return False
        return self.more if self.estimated else super().has_next()

    def next_page_number(self) -> int:
        return self.number + 1 if self.estimated else super().next_page_number()

    def has_previous(self) -> bool:
        if self.estimated:
            return self.number > 1 and bool(len(self))
        return super().has_previous()

    def previous_page_number(self) -> int:
        if self.estimated:
            return self.number - 1
        if self.number - 1 <= self.paginator.num_pages:
            return super().previous_page_number()
        return self.paginator.num_pages


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page: int, cap: int | None = None, depth: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap if cap is not None else settings.SEARCH_COUNT_CAP
        self.depth = depth  # None: every page is listed (a county's or an issue's stories)
        self._seen = 0  # past the cap: how many rows the pages fetched prove there are at least
        self._end: int | None = None  # past the cap: the count, once a short page showed the end

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        counted = self.object_list.capped_count(self.cap + 1)
        if counted <= self.cap:
            return counted, True
        # More than the cap. An estimate below the cap is wrong, and cap + 1 only says "more than
        # the cap": shown as "约 1,001" it looked like a count. The cap is the honest floor.
        return max(self.object_list.estimated_count(), self.cap), False

    def _get_page(self, *args, **kwargs) -> ReaderPage:
        return ReaderPage(*args, **kwargs)

    @property
    def count(self) -> int:  # type: ignore[override]
        counted, exact = self._counted
        if exact:
            return counted
        if self._end is not None:
            return self._end
        return max(counted, self._seen)

    @property
    def last_listed(self) -> int | None:
        """The last page number within ``depth`` (None: no depth)."""
        return ceil(self.depth / self.per_page) if self.depth else None

    @property
    def num_pages(self) -> int:  # type: ignore[override]
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        pages = ceil(max(1, self.count - self.orphans) / self.per_page)
        return min(pages, self.last_listed) if self.last_listed else pages

    @property
    def exact(self) -> bool:
        """False when ``count`` is the planner's estimate of a large result (or what the pages
        read since proved): past the cap, whatever a short page then shows."""
        return self._counted[1]

    @property
    def more_than(self) -> int | None:
        """N when all that is known is "more than N" (the page says 超过 N 篇), else None: the
        count is past the cap, no page showed the end, and the estimate is no larger than what
        is known — the cap (the count read cap + 1 rows), or the rows a deeper page read (its
        one row more proves ``_seen``). Shown as "约 1,001" that floor looked like a count."""
        if self.exact or self._end is not None:
            return None
        estimate = self._counted[0]
        if estimate > max(self.cap, self._seen):
            return None  # the planner's figure, above all that is proven: "约"
        return max(self.cap, self._seen - 1)

    def page(self, number: int | str) -> Page:
        if self.exact:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        # The estimate neither clips the page nor ends the paging: one row more than a page says
        # whether another follows.
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if more:
            self._seen = max(self._seen, bottom + len(rows) + 1)
        elif rows:
            self._end = bottom + len(rows)
        page = self._get_page(rows, number, self)
        page.more = more
        return page


def get_page(qs, number: int, per_page: int, *, depth: int | None = None) -> Page:
    """One page of results; past the last page, an empty page with the count, not an error.
    ``depth``: list no further than that many results (the caller refuses a page past it)."""
    paginator = CappedPaginator(qs, per_page, depth=depth)
    try:
        return paginator.page(number)
    except EmptyPage:
        return ReaderPage([], number, paginator)


# --- parts of a long page file ---------------------------------------------------------------------

# A long file is shown a part of this many source lines at a time (the page view, the editors'
# preview, the correction page): a 100,000-line page is never split into rows or rendered whole.
LINES_PER_SCREEN = 1000
# More parts than a page of INGEST_MAX_FILE_BYTES can fill, far below int4's limit.
MAX_PARTS = 1_000_000
# An article's captions are shown this many at a time (the article page and the preview show the
# first ones; the correction page's form edits them a window at a time, ``?captions=N``): a picture
# page of 20,000 captions cost 1.5 s and 4 MB as an article, 2.7 s and 9 MB as a correction page,
# and its edit form, a field pair for every caption, was more fields than a request may carry.
CAPTIONS_SHOWN = 100


@dataclass(frozen=True)
class Part:
    """One part of a page file: source lines ``lo``..``hi``, numbered from 1 as ``?part=N``."""

    number: int

    @classmethod
    def of(cls, request: HttpRequest) -> Part:
        """The part the request's ``?part=`` names (the first without one). Anything else names
        no part, a 404 as a number past the last part is, never silently the first. (Checked
        short first: int() refuses a string of 4,301 digits or more.)"""
        raw = request.GET.get("part", "1")
        if len(raw) > len(str(MAX_PARTS)) or not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PARTS:
            raise Http404(_("没有这一部分"))
        return cls(int(raw))

    @classmethod
    def holding(cls, line: int) -> Part:
        return cls((line - 1) // LINES_PER_SCREEN + 1)

    @property
    def lo(self) -> int:
        return (self.number - 1) * LINES_PER_SCREEN + 1

    @property
    def hi(self) -> int:
        return self.lo + LINES_PER_SCREEN - 1

    def holds(self, line: int) -> bool:
        return self.lo <= line <= self.hi

    @property
    def query(self) -> str:
        """``?part=N`` for an address of this part; nothing for the first."""
        return f"?part={self.number}" if self.number > 1 else ""

    @staticmethod
    def caption_start(request: HttpRequest) -> int:
        """The first caption (0-based) of the window ``?captions=N`` names (``CAPTIONS_SHOWN``
        captions each, the first without one; an article with fewer captions shows its first
        window); anything but a number from 1 is a 404."""
        raw = request.GET.get("captions", "1")
        if len(raw) > 7 or not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise Http404(_("没有这一部分"))
        return (int(raw) - 1) * CAPTIONS_SHOWN

    def context_for(self, count: int) -> dict[str, object]:
        """``context`` for a page file of ``count`` source lines; a part past its last is a 404
        (the first never is: an empty file still has one)."""
        if self.number > 1 and count < self.lo:
            raise Http404(_("没有这一部分"))
        return self.context(more=count > self.hi)

    def context(self, *, more: bool) -> dict[str, object]:
        """What includes/page_parts.html and the pages around it show; ``more``: lines follow."""
        return {
            "part": self.number,
            "paged": self.number > 1 or more,
            "lines_per_part": LINES_PER_SCREEN,
            "previous_part": self.number - 1 if self.number > 1 else None,
            "next_part": self.number + 1 if more else None,
            "part_query": self.query,
        }
