"""Pagination that never counts more than it must.

Counting every match of a common term reads every matching row (and its search vectors); a
reader needs the exact number only while it is small. The planner's estimate decides: when it
expects at most ``SEARCH_COUNT_CAP`` matches the count is exact (and stops reading past the
cap); above that the page shows the estimate as "约 N 篇" and the API says ``count_exact: false``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap if cap is not None else settings.SEARCH_COUNT_CAP

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        estimate = self.object_list.estimated_count()
        if estimate <= self.cap:
            # Stops reading after cap + 1 matches, should the estimate be far too low.
            counted = self.object_list.capped_count(self.cap + 1)
            if counted <= self.cap:
                return counted, True
            estimate = counted
        return estimate, False

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
        return Page([], number, paginator)
