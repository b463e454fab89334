"""Pagination that never counts more than it must.

Counting every match of a common term reads every matching row; a reader needs the exact number
only while it is small. Past ``SEARCH_COUNT_CAP`` the page says "more than N" and stops paging
there (a reader narrows the search instead of reading page 5,000).
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
    def _capped(self) -> int:
        # Stops reading after cap + 1 matches (ArticleQuerySet / RankedResults.capped_count).
        return self.object_list.capped_count(self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._capped, self.cap)

    @property
    def exact(self) -> bool:
        """False when there are more matches than ``count``."""
        return self._capped <= self.cap


def get_page(qs, number: int, per_page: int) -> Page:
    """One page of results; past the last page, an empty page with the true count, not an error."""
    paginator = CappedPaginator(qs, per_page)
    try:
        return paginator.page(number)
    except EmptyPage:
        return Page([], number, paginator)
