"""Pagination that never counts more than it must.

Counting every match of a common term reads every matching row (and its search vectors); a
reader needs the exact number only while it is small. So the count stops reading after
``SEARCH_COUNT_CAP`` + 1 matches (for a common term that is after a few thousand rows, however
large the archive); past the cap the page shows the planner's estimate as "约 N 篇" and the
API says ``count_exact: false``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property


class ReaderPage(Page):
    """A page of results whose "previous" link always leads somewhere that exists.

    Django's ``previous_page_number`` refuses (EmptyPage) a number past the last page, so a page
    two or more past the end (a stale bookmark, results withdrawn since, a number typed by hand)
    would be a 500 where it shows its pagination. From past the end the way back is the last page.
    """

    def previous_page_number(self) -> int:
        if self.number - 1 <= self.paginator.num_pages:
            return super().previous_page_number()
        # Past an estimated count a page can still hold rows: then the one before it may too.
        return self.number - 1 if len(self) else self.paginator.num_pages


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap if cap is not None else settings.SEARCH_COUNT_CAP

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        counted = self.object_list.capped_count(self.cap + 1)
        if counted <= self.cap:
            return counted, True
        return max(self.object_list.estimated_count(), counted), False

    def _get_page(self, *args, **kwargs) -> ReaderPage:
        return ReaderPage(*args, **kwargs)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def exact(self) -> bool:
        """False when ``count`` is the planner's estimate of a large result."""
        return self._counted[1]

    def page(self, number: int | str) -> Page:
        if self.exact:
            return super().page(number)
        # An estimate must not clip the page: slice exactly what was asked for.
        number = self.validate_number(number) if int(number) <= self.num_pages else int(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


def get_page(qs, number: int, per_page: int) -> Page:
    """One page of results; past the last page, an empty page with the count, not an error."""
    paginator = CappedPaginator(qs, per_page)
    try:
        return paginator.page(number)
    except EmptyPage:
        return ReaderPage([], number, paginator)
