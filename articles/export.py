"""Bulk export: a paper's articles of one year (or of unknown date) as JSON Lines.

One line per article, the API's detail shape (articles/shapes.py ``article_detail``), in print
order: date, edition, page number (unnumbered pages last), page label, then the article's position
on its page — the order of the issue page (views.paper_issue), never the order pages were ingested
in. Read in batches by keyset on that whole key, never by offset and never all at once, so memory
stays flat however large the year; visible articles only. ``manage.py export`` and the
download view (articles/machine_views.py) both call ``export_lines``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse

from articles.models import Article, ArticleQuerySet, Newspaper
from articles.page_cache import generation_kept
from articles.shapes import article_detail

BATCH = 500
UNDATED = "undated"  # the year of the articles whose date is unknown
SUMMARY_CACHE_KEY = "export-summary-2"  # "-2": its rows carry the paper's id since 2026-11-28
_UNSAFE_IN_FILENAME = re.compile(r"[/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Slot:
    """What one export file holds: a paper's visible articles of a year (None: date unknown)."""

    paper: Newspaper
    year: int | None

    @property
    def year_label(self) -> str:
        return str(self.year) if self.year is not None else UNDATED

    @property
    def filename(self) -> str:
        # A name's "/" (人民日报/海外版) or line break is no part of a file's name.
        return f"{_UNSAFE_IN_FILENAME.sub('_', self.paper.name)}-{self.year_label}.jsonl"

    def articles(self) -> ArticleQuerySet:
        qs = Article.objects.visible().filter(newspaper=self.paper)
        if self.year is None:
            return qs.filter(date__isnull=True)
        # A range, not date__year: the (newspaper, date) index answers it. Dates, not text: the
        # year 999 is no "999-01-01" (never a date), and parse_year keeps the year a date's.
        return qs.filter(date__gte=dt.date(self.year, 1, 1), date__lte=dt.date(self.year, 12, 31))


def parse_year(value: str) -> int | None:
    """"2025" → 2025, "undated" → None; ValueError otherwise (a year no date has: 0, 10000)."""
    if value == UNDATED:
        return None
    year = int(value)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"year out of range: {value}")
    return year


class PaperNameConverter:
    """A paper's name in an export's address (/export/<name>/2025.jsonl), as stored: any text, "/"
    and line breaks included (a name such as 人民日报/海外版 must not break the exports page;
    Django's "str" stops at "/" and its "path" at a line break). Unambiguous: the address ends in
    /<year>.jsonl or /undated.jsonl, and the name is all before that last "/"."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# A page without a number (a label such as 要闻) comes after the numbered ones, as on the issue
# page; the writer stores no number past 9,999, so int4's largest stands for "none".
UNNUMBERED = 2**31 - 1
# Print order. page_id breaks the tie of two pages of one issue with the same number and label (a
# kept duplicate), and (page_id, position) is unique: the key is total, so a keyset on it neither
# repeats nor skips a row between batches.
PRINT_ORDER = ("date", "print_edition", "print_number", "print_label", "page_id", "position")


def in_print_order(qs: ArticleQuerySet) -> ArticleQuerySet:
    """``qs`` with its page's place in the issue annotated, ordered by ``PRINT_ORDER``."""
    return qs.annotate(
        print_edition=F("page__issue__edition"),
        print_number=Coalesce(F("page__number"), Value(UNNUMBERED)),
        print_label=F("page__label"),
    ).order_by(*PRINT_ORDER)


def _after(row: Article) -> Q:
    """Rows after ``row`` in print order: (k1 > v1) or (k1 = v1 and k2 > v2) or … A slot's dates
    are all known or all unknown; an unknown one (NULL) compares with nothing, so it is left out."""
    fields = PRINT_ORDER if row.date is not None else PRINT_ORDER[1:]
    later, equal = Q(), Q()
    for field in fields:
        value = getattr(row, field)
        later |= equal & Q(**{f"{field}__gt": value})
        equal &= Q(**{field: value})
    if row.date is not None:
        # Said again on its own, so that the (newspaper, date) index starts at this date instead
        # of the year's first (PostgreSQL does not draw it out of the OR).
        later &= Q(date__gte=row.date)
    return later


def _batches(qs: ArticleQuerySet, size: int) -> Iterator[list[Article]]:
    """Batches in print order (``PRINT_ORDER``), each after the last row of the one before."""
    ordered = in_print_order(qs)
    after: Article | None = None
    while True:
        batch = list((ordered.filter(_after(after)) if after is not None else ordered)[:size])
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return
        after = batch[-1]


def export_lines(slot: Slot, *, batch: int = BATCH) -> Iterator[str]:
    """The slot's articles, one JSON object per line (UTF-8 text, not escaped to ASCII).

    Outside a transaction, read in one of its own (REPEATABLE READ, read only), so that an edit
    made while a long export runs can neither duplicate nor drop an article."""
    if connection.in_atomic_block:
        yield from _lines(slot, batch)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield from _lines(slot, batch)


def _lines(slot: Slot, batch: int) -> Iterator[str]:
    for rows in _batches(slot.articles().for_detail(), batch):
        for article in rows:
            line = json.dumps(article_detail(article), ensure_ascii=False) + "\n"
            # Prefetched captions and county tags point back at their article; that cycle would
            # keep every batch alive until the garbage collector ran, and memory would grow with
            # the export instead of staying at one batch.
            article._prefetched_objects_cache.clear()
            yield line


@dataclass(frozen=True)
class SummaryRow:
    paper: str
    year: int | None
    count: int
    paper_id: int

    @property
    def year_label(self) -> str:
        return str(self.year) if self.year is not None else UNDATED

    @property
    def url(self) -> str:
        """The download's address: by the paper's name (/export/晋中日报/2025.jsonl), or by its id
        where a browser would not keep the name as it is — a name with a "." or ".." segment
        ("..", "晋中/..") is a path step to it, resolved before the request is sent (and so is
        its percent-encoded form, "%2E%2E")."""
        if name_keeps_in_path(self.paper):
            if self.year is None:
                return reverse("export-undated", args=[self.paper])
            return reverse("export-year", args=[self.paper, self.year])
        if self.year is None:
            return reverse("export-undated-by-id", args=[self.paper_id])
        return reverse("export-year-by-id", args=[self.paper_id, self.year])


def name_keeps_in_path(name: str) -> bool:
    # A "%" of a name goes into the address as "%25", so "%2E%2E" in a name is no path step.
    return not any(segment in {".", ".."} for segment in name.split("/"))


def summary() -> list[SummaryRow]:
    """Visible articles per paper and year (None last): the exports page. A whole-table count,
    so kept until the next write (a download itself is always read live)."""

    def count() -> list[SummaryRow]:
        grouped = (
            Article.objects.visible()
            .annotate(year=ExtractYear("date"))
            .values("newspaper__name", "newspaper_id", "year")
            .annotate(n=Count("id"))
            .order_by("newspaper__name", "year")
        )
        rows = [SummaryRow(r["newspaper__name"], r["year"], r["n"], r["newspaper_id"]) for r in grouped]
        rows.sort(key=lambda r: (r.paper, r.year is None, -(r.year or 0)))
        return rows

    return generation_kept(SUMMARY_CACHE_KEY, count, settings.HOME_CACHE_SECONDS)
