"""The archive's data: a newspaper's issues and pages, their articles, captions and counties.

Newspaper → Issue (one paper, one date, an edition) → Page (one source file, kept verbatim)
→ Article. Pages are written only by articles/writer.py; readers see only published pages
(``Page.objects.visible()``, ``Article.objects.visible()``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models, router, transaction
from django.db.models import Count, IntegerField, Prefetch, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTransform
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.query import ParsedQuery, parse
from articles.search import match_condition, tier_sql
from ingest.manifest import ManifestError, parse_prefecture

SEARCH_FIELDS = ["search_head", "search_body", "search_words"]


def _weights(field: str, weights: str) -> models.Func:
    """``ts_filter(field, '{a,b}')``: the lexemes of a vector that carry the given weights.

    articles/search.py writes the same expression in SQL; PostgreSQL uses the index only when the
    two are identical.
    """
    return models.Func(
        models.F(field),
        models.Value("{" + ",".join(weights) + "}"),
        function="ts_filter",
        output_field=SearchVectorField(),
    )


# A prefecture's code is the first four digits of its counties' six (GB/T 2260): 1408 运城市.
# Anything shorter or longer is a province or part of a county's code, never a prefecture.
PREFECTURE_CODE = re.compile(r"[0-9]{4}")


class NewspaperQuerySet(models.QuerySet):
    def holding_pages(self) -> NewspaperQuerySet:
        """Papers with at least one page. A paper whose last page was moved to another paper
        (writer.update_page_meta) stays a row, but offering its name to an editor would invite
        uploads under a name the archive no longer shows."""
        return self.filter(models.Exists(Page.objects.filter(issue__newspaper=models.OuterRef("pk"))))

    def public(self) -> NewspaperQuerySet:
        """Papers a reader may know of: with at least one page readers see. A paper that holds
        only drafts (a paper still to come) or withdrawn pages is not named anywhere a reader
        looks, not even in a 404 that would tell it apart from a paper that does not exist."""
        return self.filter(models.Exists(Page.objects.visible().filter(issue__newspaper=models.OuterRef("pk"))))

    def ranked(self, ids: set[str]) -> dict[str, tuple[int, str]]:
        """Every paper's (rank by name, name) by id as text — the paper lists' order, in
        PostgreSQL's collation — kept per process until a write (articles/memo.py); read again
        when one of ``ids`` is missing from what is kept (a paper another process has just
        written), and without it if it is missing still."""
        from articles import memo  # memo → page_cache → writer → models: imported when used

        def read() -> dict[str, tuple[int, str]]:
            rows = self.order_by("name").values_list("id", "name")
            return {str(paper_id): (rank, name) for rank, (paper_id, name) in enumerate(rows)}

        kept = memo.remembered(("papers", self.db), read)
        return kept if ids <= kept.keys() else read()


def validate_prefecture_code(value: str) -> None:
    """Empty, or the four-digit code of a prefecture of the gazetteer (ingest.manifest's
    parse_prefecture, the one rule; here for every form of a paper, the admin's too)."""
    try:
        parse_prefecture(value or "", where="")
    except ManifestError:
        raise ValidationError(
            gettext("%(value)s 不是任何地市的代码（如 1407 是晋中市）"), code="unknown", params={"value": value}
        ) from None


class Newspaper(models.Model):
    name = models.CharField(_("报名"), max_length=100, unique=True)
    # Four-digit prefecture code of the paper's home (1407 晋中): breaks ties between
    # same-named townships when tagging counties.
    prefecture_code = models.CharField(_("所在地市代码"), max_length=4, blank=True, validators=[validate_prefecture_code])

    objects = NewspaperQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("报纸")
        verbose_name_plural = _("报纸")

    def __str__(self) -> str:
        return self.name


class Issue(models.Model):
    """One paper's issue of one date (and edition). Its pages are the source files.

    Pages whose date is unknown share one issue per paper and edition with date NULL (the
    constraint below treats NULL dates as equal): "that paper, date unknown". Giving such a page
    its date (writer.update_page_meta) moves it to the issue of that date.
    """

    newspaper = models.ForeignKey(Newspaper, on_delete=models.PROTECT, related_name="issues", verbose_name=_("所属报纸"))
    # Unknown for the seed pages: never invent one.
    date = models.DateField(_("日期"), null=True, blank=True)
    edition = models.CharField(_("版别"), max_length=50, blank=True)

    class Meta:
        ordering = ["newspaper", models.F("date").desc(nulls_last=True), "edition"]
        verbose_name = _("期")
        verbose_name_plural = _("期")
        constraints = [
            # One issue per paper, date and edition (the writer's get_or_create relies on it);
            # the undated pages of a paper share one.
            models.UniqueConstraint(
                fields=["newspaper", "date", "edition"], name="issue_paper_date_edition_uniq", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        when = self.date.isoformat() if self.date else gettext("日期不详")
        edition = f" {self.edition}" if self.edition else ""
        return f"{self.newspaper} {when}{edition}"


class PageQuerySet(models.QuerySet):
    def visible(self) -> PageQuerySet:
        """What readers may see: published pages (never drafts or withdrawn ones)."""
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    """One ingested page file. The raw text is kept verbatim: nothing is ever lost."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="pages", verbose_name=_("期"))
    label = models.CharField(_("版次"), max_length=50, blank=True)  # as printed: 第3版, A2
    number = models.PositiveIntegerField(_("版号"), null=True, blank=True)  # 3 of 第3版, for ordering
    source_name = models.CharField(_("源文件"), max_length=255)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64, unique=True)
    # SHA-256 of the normalised text (writer.content_key): the same page with a trailing newline
    # or CRLF line ends is the same page. NULL only for duplicates stored before this existed.
    content_key = models.CharField(_("内容指纹"), max_length=64, unique=True, null=True, blank=True)
    raw_text = models.TextField(_("原文"))
    furniture = models.JSONField(_("版面元素"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("上传者"),
    )
    ingested_at = models.DateTimeField(_("入库时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["-ingested_at", "-id"]
        verbose_name = _("版面")
        verbose_name_plural = _("版面")
        permissions = [("publish_page", "可发布版面"), ("correct_page", "可校正拆分")]
        indexes = [
            # The front page lists the latest published pages.
            models.Index(
                fields=["-ingested_at", "-id"], name="page_latest_visible_idx", condition=Q(status="published")
            ),
            # Same-slot check at ingest: the pages of an issue with a label.
            models.Index(fields=["issue", "label"], name="page_issue_label_idx"),
        ]

    def __str__(self) -> str:
        label = f" {self.label}" if self.label else ""
        return f"{self.issue}{label}"

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.pk])

    @property
    def discardable(self) -> bool:
        """A draft never published, which may be deleted whole, history and all (writer.discard);
        a page once published is withdrawn, never lost, whatever its status since."""
        return self.status == self.Status.DRAFT and self.published_at is None

    def source_lines(self) -> list[str]:
        # Numbered as the splitter numbers them (ingest/lines.py): by "\n" only. splitlines() would
        # also break at a form feed, which pdftotext puts at every page break.
        return self.raw_text.split("\n")


# The last county directory read (CountyQuerySet._directory) and its index by name.
_counties_by_name: tuple[dict, dict[str, list[tuple[str, str, str]]]] | None = None


class CountyQuerySet(models.QuerySet):
    def names(self, codes: set[str]) -> dict[str, str]:
        """The names of these counties by code (those in the table), in the order of their
        names in PostgreSQL's collation (as the county lists are ordered)."""
        if not codes:
            return {}
        known = self._directory()
        if known is not None and codes <= known.keys():
            return {code: known[code][0] for code in sorted(codes, key=lambda code: known[code][2])}
        return dict(self.filter(code__in=codes).order_by("name", "code").values_list("code", "name"))

    def named(self, names: list[str], limit: int = 5) -> list[tuple[str, str, str]]:
        """(code, name, short name) of the counties whose full or short name is one of these,
        by code."""
        by_name = self._by_name()
        if by_name is None:
            found = self.filter(Q(name__in=names) | Q(short_name__in=names)).order_by("code")
            return list(found.values_list("code", "name", "short_name")[:limit])
        return sorted({county for name in set(names) for county in by_name.get(name, ())})[:limit]

    def _by_name(self) -> dict[str, list[tuple[str, str, str]]] | None:
        """Every county's (code, name, short name) under its name and its short name, made once
        from each directory kept (``_directory``): a search's terms are looked up in it, not
        matched against three thousand counties each time."""
        global _counties_by_name
        known = self._directory()
        if known is None:
            return None
        if _counties_by_name is None or _counties_by_name[0] is not known:
            by_name: dict[str, list[tuple[str, str, str]]] = {}
            for code, (name, short, _rank) in known.items():
                for key in {name, short}:
                    by_name.setdefault(key, []).append((code, name, short))
            _counties_by_name = (known, by_name)  # the directory kept with it: its index is its own
        return _counties_by_name[1]

    def _directory(self) -> dict[str, tuple[str, str, int]] | None:
        """Every county's (name, short name, rank in the order of names) by code, kept per
        process (articles/memo.py; about 3,000 rows); None when nothing is kept."""
        from articles import memo  # memo → page_cache → writer → models: imported when used

        if not memo.enabled():
            return None
        return memo.remembered(
            ("counties", self.db),
            lambda: {
                code: (name, short, rank)
                for rank, (code, name, short) in enumerate(
                    self.order_by("name", "code").values_list("code", "name", "short_name")
                )
            },
        )


class County(models.Model):
    """A county-level division from the gazetteer (see ingest/gazetteer.py; loaded by migration
    0006, new codes by ``manage.py loadcounties``)."""

    # Six digits (GB/T 2260): Article.county_codes holds them as integers.
    code = models.CharField(
        _("代码"), max_length=6, primary_key=True,
        validators=[RegexValidator(r"^[1-9][0-9]{5}$", _("县区代码是六位数字"))],
    )
    name = models.CharField(_("名称"), max_length=50, db_index=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    prefecture = models.CharField(_("所属地市"), max_length=50)
    province = models.CharField(_("所属省份"), max_length=50)

    objects = CountyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("县区")
        verbose_name_plural = _("县区")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("county", args=[self.code])


class ArticleQuerySet(models.QuerySet):
    """Article queries: visibility, filters, search and ranking (SQL conditions: articles/search.py)."""

    def refresh_statistics(self) -> None:
        """ANALYZE the article table. Search chooses its plans and shows its "about N" counts by
        the planner's estimates (articles/ranking.py); after a load that grew the table by a good
        part they are stale until autovacuum gets to it (a minute or more): 约 1,001 for 3,491."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"ANALYZE {connections[self.db].ops.quote_name(self.model._meta.db_table)}")

    def visible(self) -> ArticleQuerySet:
        """What readers may see: articles of published pages (a copy on the row, so search needs
        no join)."""
        return self.filter(visible=True)

    def for_listing(self) -> ArticleQuerySet:
        """What a result row shows: paper, page and county names, in three queries."""
        # A row never shows these, yet they are most of its bytes: the search vectors (some 10 KB
        # an article, to fetch and decompress) and the whole page text (20 KB a page).
        unshown = ["search_head", "search_body", "search_words", "page__raw_text", "page__furniture"]
        return self.select_related("newspaper", "page__issue__newspaper").defer(*unshown).prefetch_related(
            Prefetch(
                "county_tags",
                queryset=ArticleCounty.objects.select_related("county").order_by("-primary", "county__name"),
            )
        )

    def for_results(self) -> ArticleQuerySet:
        """What a search result row shows (views._result_rows) and nothing else: its titles, body
        (the snippet), date, county codes, paper name and page label, in one query."""
        return self.select_related("newspaper", "page").only(
            "kicker", "headline", "subheadline", "body", "date", "county_codes", "newspaper__name", "page__label"
        )

    def for_detail(self) -> ArticleQuerySet:
        return self.for_listing().prefetch_related("captions")

    def on_lines(self, lo: int, hi: int) -> ArticleQuerySet:
        """Articles holding any of source lines ``lo``..``hi``. Each article's own lines tested
        against the two ends: ``lines && ARRAY[lo..hi]`` compares every line with every one of a
        part's thousand (seconds on a page of 10,000 stories)."""
        held = "EXISTS (SELECT 1 FROM unnest(lines) AS line WHERE line BETWEEN %s AND %s)"
        return self.filter(RawSQL(held, [lo, hi], output_field=models.BooleanField()))

    def capped_count(self, cap: int) -> int:
        """The count, but reading at most ``cap`` matching rows (SELECT count(*) FROM (… LIMIT cap)).

        The LIMIT makes a sequential scan look cheap to the planner, but for a search it reads
        every row's vectors until ``cap`` match; the GIN bitmap finds them without reading
        non-matching rows at all. So the sequential scan is ruled out for this one statement.
        """
        with transaction.atomic(using=self.db), connections[self.db].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return self.order_by()[:cap].count()

    def estimated_count(self) -> int:
        """The planner's estimate of the count: one EXPLAIN, no rows read."""
        plan = json.loads(self.order_by().values("id").explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])

    def newest(self) -> ArticleQuerySet:
        return self.order_by(models.F("date").desc(nulls_last=True), "-id")

    def in_county(self, code: str) -> ArticleQuerySet:
        """Articles tagged with exactly this county (by code: 绛县 never brings 新绛县)."""
        if not code.isdigit():  # every gazetteer code is six digits
            return self.none()
        return self.filter(county_codes__contains=[int(code)])

    def in_prefecture(self, name_or_code: str) -> ArticleQuerySet:
        """Articles tagged with any county of a prefecture, by name (运城市) or code (1408)."""
        if PREFECTURE_CODE.fullmatch(name_or_code):  # else a name (params.py refuses the rest)
            tags = ArticleCounty.objects.filter(county__code__startswith=name_or_code)
        else:
            tags = ArticleCounty.objects.filter(county__prefecture=name_or_code)
        # A subquery, not a join: an article with two counties in the prefecture appears once.
        return self.filter(id__in=tags.values("article_id"))

    def in_paper(self, name: str) -> ArticleQuerySet:
        return self.filter(newspaper__name=name)

    def between(self, date_from: dt.date | None, date_to: dt.date | None) -> ArticleQuerySet:
        qs = self
        if date_from:
            qs = qs.filter(date__gte=date_from)
        if date_to:
            qs = qs.filter(date__lte=date_to)
        return qs

    def matching(self, query: ParsedQuery | str) -> ArticleQuerySet:
        """Articles that contain every positive term and none of the negative ones; unordered."""
        if isinstance(query, str):
            query = parse(query)
        sql, params = match_condition(query)
        return self.filter(RawSQL(sql, params, output_field=models.BooleanField()))

    def search(self, query: ParsedQuery | str, *, sort: str = "relevance") -> ArticleQuerySet:
        """Matching articles, best first: exact before word-only, headline before body, then newest.

        ``sort="date"`` orders by date only (newest first). The tie-break is always the id, so
        pages never shuffle. This is the reference order; articles/ranking.py computes one page
        of it without ranking every match.
        """
        if isinstance(query, str):
            query = parse(query)
        qs = self.matching(query)
        if sort == "date":
            return qs.newest()
        sql, params = tier_sql(query)
        return qs.annotate(tier=RawSQL(sql, params, output_field=IntegerField())).order_by(
            "tier", models.F("date").desc(nulls_last=True), "-id"
        )

    def facets(self, rows: list[tuple]) -> dict[str, list[tuple]]:
        """Counts by county (top 30), paper (top 30) and year over the given articles (a search's
        newest matches), from their rows (id, newspaper_id, date, county_codes): ranking's
        sample reads those with the candidates (ranking.newest_sample).

        Counted here; the counties' names are kept per process (County.objects.names), the
        papers (a dozen or so) read in the order of their names.
        """
        if not rows:
            return {"county": [], "paper": [], "year": [], "undated": 0}
        # An article's county is tagged once (article_county_uniq), so its code is there once.
        # Counted on the raw values, made strings once each after (a thousand rows a search), the
        # columns taken by itemgetter: no Python step per row.
        by_county = Counter(chain.from_iterable(map(itemgetter(3), rows)))
        by_paper = {str(key): n for key, n in Counter(map(itemgetter(1), rows)).items()}
        dates = Counter(map(itemgetter(2), rows))
        undated = dates.pop(None, 0)  # no year: counted apart, so the years' bars say what they leave out
        by_year: Counter[str] = Counter()
        for day, n in dates.items():
            by_year[str(day.year)] += n
        # Most first, ties by code: sorted as plain tuples (no key function over a few hundred).
        top = [(code, -minus_n) for minus_n, code in sorted([(-n, str(code)) for code, n in by_county.items()])[:30]]
        names = County.objects.using(self.db).names({code for code, _n in top})
        papers = Newspaper.objects.using(self.db).ranked(set(by_paper))
        known = [(key, n) for key, n in by_paper.items() if key in papers]
        ranked = sorted(known, key=lambda item: (-item[1], papers[item[0]][0]))  # ties: by name
        return {
            "county": [(code, names[code], n) for code, n in top if code in names],
            "paper": [(papers[key][1], n) for key, n in ranked[:30]],
            "year": sorted(by_year.items(), key=lambda item: -int(item[0])),
            "undated": undated,
        }


class Article(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="articles", verbose_name=_("版面"))
    # Copies of the page's paper, date and status, written by articles/writer.py in the same
    # transaction as the page: search filters, sorts and hides on them without a join.
    newspaper = models.ForeignKey(Newspaper, on_delete=models.PROTECT, related_name="articles", verbose_name=_("所属报纸"))
    date = models.DateField(_("日期"), null=True, blank=True)
    visible = models.BooleanField(_("公开"), default=False)  # the page is published
    position = models.PositiveIntegerField(_("版内顺序"))
    section = models.TextField(_("栏目"), blank=True)
    kicker = models.TextField(_("引题"), blank=True)
    headline = models.TextField(_("标题"), blank=True)
    subheadline = models.TextField(_("副题"), blank=True)
    byline = ArrayField(models.TextField(), verbose_name=_("作者"), default=list, blank=True)
    byline_text = models.TextField(_("署名原文"), blank=True)
    source = models.TextField(_("来源"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    intertitles = ArrayField(models.TextField(), verbose_name=_("小标题"), default=list, blank=True)
    # Print order of the body: [{"kind": "p"}, {"kind": "h", "text": intertitle}, {"kind": "j",
    # "text": jump line}, …]; each "p" stands for the next paragraph of body (see reading_order).
    blocks = models.JSONField(_("段落次序"), default=list, blank=True)
    lines = ArrayField(models.PositiveIntegerField(), verbose_name=_("源行号"), default=list, blank=True)
    continued = models.BooleanField(_("续前文"), default=False)
    warnings = ArrayField(models.CharField(max_length=40), verbose_name=_("切分提示"), default=list, blank=True)
    counties = models.ManyToManyField(County, through="ArticleCounty", related_name="articles", verbose_name=_("县区"))
    # The tags' county codes as integers, primary first: a copy written by articles/writer.py with
    # the tags, so the county filter is one more GIN bitmap that PostgreSQL ANDs with the text's
    # instead of a join that no index narrows to the text's matches.
    county_codes = ArrayField(models.IntegerField(), verbose_name=_("县区代码"), default=list, blank=True, editable=False)

    # Filled by articles/writer.py in the same transaction as every change to the text
    # (ingest/tokens.py says what is in them).
    search_head = SearchVectorField(_("检索向量（标题等）"), null=True, editable=False)  # titles, captions, byline: small
    search_body = SearchVectorField(_("检索向量（正文）"), null=True, editable=False)
    search_words = SearchVectorField(_("检索向量（词）"), null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["page", "position"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        constraints = [
            models.UniqueConstraint(fields=["page", "position"], name="article_page_position_uniq"),
        ]
        indexes = [
            # Substring search: every term is a phrase of character grams (Article.objects.search).
            GinIndex(fields=["search_head"], name="article_head_gin"),
            GinIndex(fields=["search_body"], name="article_body_gin"),
            # Word search: a term matched through all of its jieba tokens.
            GinIndex(fields=["search_words"], name="article_words_gin"),
            # Ranking tiers "in the headline" and "in the titles": the same vectors cut to those
            # fields' weights, so the index answers a tier without rechecking weights row by row
            # (articles/search.py; an empty tier is then found empty at once).
            GinIndex(_weights("search_head", "a"), name="article_headline_gin"),
            GinIndex(_weights("search_head", "ab"), name="article_titles_gin"),
            GinIndex(_weights("search_words", "a"), name="article_headline_words_gin"),
            GinIndex(_weights("search_words", "ab"), name="article_titles_words_gin"),
            # Browse, county pages, sort=date and ranking's walk (articles/ranking.py): visible
            # articles newest first with a stable tie-break; every reader query says visible.
            models.Index(
                models.F("date").desc(nulls_last=True),
                models.F("id").desc(),
                name="article_visible_date_idx",
                condition=Q(visible=True),
            ),
            # Paper filter on the API and the paper facet.
            models.Index(fields=["newspaper", "date"], name="article_paper_date_idx"),
            # The county filter of search, the API, feeds and the county page (in_county).
            GinIndex(fields=["county_codes"], name="article_county_codes_gin"),
        ]

    def __str__(self) -> str:
        return self.title or gettext("(无标题 #%(pk)s)") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("article", args=[self.pk])

    def reading_order(self) -> list[dict[str, str]]:
        """Paragraphs (from body), intertitles and jump lines in the order they were printed.

        Paragraphs after the last one blocks knows of (a correction that added some) come last.
        """
        paragraphs = iter(self.body.split("\n") if self.body else [])
        order: list[dict[str, str]] = []
        for block in self.blocks:
            if block.get("kind") == "p":
                text = next(paragraphs, None)
                if text is not None:
                    order.append({"kind": "p", "text": text})
            else:
                order.append({"kind": block.get("kind", "p"), "text": block.get("text", "")})
        order.extend({"kind": "p", "text": text} for text in paragraphs)
        return order

    @property
    def title(self) -> str:
        return self.headline or self.kicker or self.subheadline or (self.body[:24] if self.body else "")

    def fetched_captions(self) -> list:
        """The captions already read with the row, never a query: its first ones only
        (``with_display_titles``), else all of them when prefetched, else none."""
        captions = getattr(self, "first_captions", None)
        if captions is None:
            captions = getattr(self, "_prefetched_objects_cache", {}).get("captions", ())
        return list(captions)

    @property
    def display_title(self) -> str:
        """The title readers see everywhere, never blank: the titles, else the body's start, else
        (a photo story) its first caption's start, else 图片新闻. Captions count only when already
        fetched (``prefetch_related("captions")``): this never runs a query."""
        if self.title:
            return self.title
        text = next((c.text.strip() for c in self.fetched_captions() if c.text.strip()), "")
        if text:
            first = re.split(r"(?<=[。！？；])", text, maxsplit=1)[0]
            return first if len(first) <= 24 else first[:24] + "…"
        return gettext("图片新闻")


# A story without body text (a photo story) is shown in a list by its first captions' text.
LISTED_CAPTIONS = 3


def with_display_titles(articles: list[Article]) -> list[Article]:
    """``articles``, with what ``Article.display_title`` and ``listed_text`` read beyond the row
    fetched for those without a title or without body text: their first captions with text, and
    no more of them (a photo page may have thousands). One query, none when every one has both."""
    wanting = [a for a in articles if not a.title or not a.body]
    captions = Caption.objects.only("id", "article_id", "position", "text").filter(text__regex=r"\S").order_by("position")
    # A sliced prefetch goes to an attribute of its own: Django cannot make it the related manager's.
    models.prefetch_related_objects(
        wanting, models.Prefetch("captions", queryset=captions[:LISTED_CAPTIONS], to_attr="first_captions")
    )
    return articles


def listed_text(article: Article) -> str:
    """What a list of stories quotes from ``article``: its body, or for a photo story its first
    captions (``with_display_titles`` fetched them), or its titles."""
    if article.body:
        return article.body
    captions = "\n".join(c.text.strip() for c in article.fetched_captions()[:LISTED_CAPTIONS] if c.text.strip())
    return captions or "\n".join(t for t in (article.kicker, article.headline, article.subheadline) if t)


class Caption(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captions", verbose_name=_("所属文章"))
    position = models.PositiveIntegerField(_("文内顺序"))
    text = models.TextField(_("图片说明"), blank=True)
    credit = models.TextField(_("摄影"), blank=True)
    # The credit as printed (通讯员 刘丹 摄, 制图：高远), shown to readers; "" when none was read or
    # the credit was corrected by hand (then the names are shown with 摄).
    credit_text = models.TextField(_("署名原文"), blank=True, default="", db_default="")
    lines = ArrayField(models.PositiveIntegerField(), verbose_name=_("源行号"), default=list, blank=True)

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("图片说明")
        verbose_name_plural = _("图片说明")

    def __str__(self) -> str:
        return self.text[:40]


class ArticleCounty(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="county_tags", verbose_name=_("所属文章"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="article_tags", verbose_name=_("标注县区"))
    primary = models.BooleanField(_("主要县区"), default=False)

    class Meta:
        verbose_name = _("县区标签")
        verbose_name_plural = _("县区标签")
        constraints = [
            models.UniqueConstraint(fields=["article", "county"], name="article_county_uniq"),
            # An article is about at most one county first.
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(primary=True), name="article_one_primary_county"
            ),
        ]
        indexes = [
            # County pages and the county filter: the articles tagged with one county.
            models.Index(fields=["county", "article"], name="articlecounty_county_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.county_id}{' (主)' if self.primary else ''}"


@dataclass(frozen=True)
class Tallies:
    """The counties summary's numbers: visible stories per county (by code), distinct visible
    stories per prefecture ``(province, prefecture)`` and province ``(province,)`` — a story
    tagged with two counties of one prefecture is one story of it — and the total of visible
    stories, tagged or not. Keys with no story are left out."""

    counties: dict[str, int]
    groups: dict[tuple[str, ...], int]
    total: int


# The key of a tally row: a county's code; or a province and prefecture; or a province; or
# nothing at all (the total). Prefectures and provinces by name, as the counties page groups them.
TallyKey = tuple[str, str, str]  # (county, province, prefecture)
TOTAL_KEY: TallyKey = ("", "", "")

# A reader folds the deltas when the table holds this many rows more than it has keys (the
# writers fold every writer.TALLY_FOLD_EVERY rows they append, so a reader rarely has to).
TALLY_FOLD_AFTER = 10_000
# pg_try_advisory_xact_lock key of a fold: one fold at a time, never waited for.
_TALLY_FOLD_LOCK = 0x636F756E7479  # "county"


def tally_keys(codes, places: dict[str, tuple[str, str]]) -> set[TallyKey]:
    """The keys one visible story with these county codes counts once in: the total, each of
    its counties and each prefecture and province they lie in (a set: two counties of one
    prefecture, one story of it). A code without its County row counts in the total only, as
    the counties page never showed one."""
    keys = {TOTAL_KEY}
    for code in codes:
        place = places.get(str(code))
        if place is not None:
            province, prefecture = place
            keys.update({(str(code), "", ""), ("", province, prefecture), ("", province, "")})
    return keys


def tallies_of(sums: dict[TallyKey, int]) -> Tallies:
    counties: dict[str, int] = {}
    groups: dict[tuple[str, ...], int] = {}
    total = 0
    for (county, province, prefecture), n in sums.items():
        if not n:
            continue
        if county:
            counties[county] = n
        elif prefecture:
            groups[(province, prefecture)] = n
        elif province:
            groups[(province,)] = n
        else:
            total = n
    return Tallies(counties, groups, total)


class CountyTallyQuerySet(models.QuerySet):
    def counts(self, *, fold: bool = True) -> Tallies:
        """The tallies as they stand: the deltas summed, one query over a few thousand rows
        whatever the archive's size. Folds them afterwards when they have piled up (``fold``;
        ``fold=False``: a pure read)."""
        rows = list(
            self.order_by().values_list("county", "province", "prefecture").annotate(total=Sum("n"), rows=Count("id"))
        )
        if fold and sum(r[4] for r in rows) - len(rows) > TALLY_FOLD_AFTER:
            self.fold()
        return tallies_of({(county, province, prefecture): n for county, province, prefecture, n, _rows in rows})

    def add(self, before, after, places: dict[str, tuple[str, str]]) -> int:
        """Append the change from the visible stories ``before`` to those ``after`` (each an
        iterable of stories' county codes) as one delta row per key that changed; ``places``:
        (province, prefecture) by county code for every code named. Returns the rows written.

        Rows are only ever appended by writers, never updated: each writer's transaction adds
        rows of its own, so concurrent writers (``manage.py ingest --writers N``, uploads,
        corrections) never wait on one another as they would on a shared counter row, which
        every write would update and hold locked until it commits."""
        delta: dict[TallyKey, int] = {}
        for sign, stories in ((-1, before), (1, after)):
            for codes in stories:
                for key in tally_keys(codes, places):
                    delta[key] = delta.get(key, 0) + sign
        rows = [
            CountyTally(county=county, province=province, prefecture=prefecture, n=n)
            for (county, province, prefecture), n in delta.items() if n
        ]
        self.bulk_create(rows)
        return len(rows)

    def fold(self) -> bool:
        """Replace the deltas by one row per key (their sum), in one statement; False when
        another fold holds the lock. A fold deletes only rows committed when it starts (or
        written by its own transaction): a writer's rows committed meanwhile stay as deltas, and
        writers never wait on it (they insert, it deletes)."""
        db = router.db_for_write(CountyTally)
        table = connections[db].ops.quote_name(CountyTally._meta.db_table)
        with transaction.atomic(using=db), connections[db].cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_TALLY_FOLD_LOCK])
            if not cursor.fetchone()[0]:
                return False
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} RETURNING county, province, prefecture, n) "
                f"INSERT INTO {table} (county, province, prefecture, n) "
                "SELECT county, province, prefecture, sum(n) FROM gone "
                "GROUP BY county, province, prefecture HAVING sum(n) <> 0"
            )
        return True

    def recount(self) -> Tallies:
        """The tallies counted afresh from the visible articles (grouped by their set of county
        codes, each set added once to each key it names): seconds at a million stories. The
        reference the kept tallies are checked against (tests, ``manage.py recountcounties``)."""
        db = router.db_for_write(CountyTally)
        places = {
            code: (province, prefecture)
            for code, province, prefecture in County.objects.using(db).values_list("code", "province", "prefecture")
        }
        sets = Article.objects.using(db).visible().order_by().values_list("county_codes").annotate(n=Count("id"))
        sums: dict[TallyKey, int] = {}
        for codes, n in sets.iterator(chunk_size=10_000):
            for key in tally_keys(codes, places):
                sums[key] = sums.get(key, 0) + n
        return tallies_of(sums)

    def rebuild(self) -> Tallies:
        """Replace the tallies by a recount (``manage.py recountcounties``: after a change made
        outside articles/writer.py, such as a county's prefecture renamed in the admin). The table
        is locked against writers' deltas meanwhile: a write that commits first is in the
        recount, one that commits after adds its delta to it."""
        db = router.db_for_write(CountyTally)
        table = connections[db].ops.quote_name(CountyTally._meta.db_table)
        with transaction.atomic(using=db):
            with connections[db].cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            fresh = self.recount()
            CountyTally.objects.using(db).all().delete()
            rows = [CountyTally(county=code, n=n) for code, n in fresh.counties.items()]
            rows += [
                CountyTally(province=key[0], prefecture=key[1] if len(key) > 1 else "", n=n)
                for key, n in fresh.groups.items()
            ]
            if fresh.total:
                rows.append(CountyTally(n=fresh.total))
            CountyTally.objects.using(db).bulk_create(rows, batch_size=1000)
        return fresh


class CountyTally(models.Model):
    """Visible stories counted per county, prefecture and province, and in all (``Tallies``), so
    that the home page and the counties index never read the articles: append-only deltas that
    articles/writer.py adds in the transaction of every write that changes what readers see
    (``CountyTallyQuerySet.add``), summed on read (``counts``) and folded now and then (``fold``).
    Filled for an existing archive by migration 0014; ``manage.py recountcounties`` rebuilds them."""

    id = models.BigAutoField(_("编号"), primary_key=True)
    # The key (TallyKey): a county's code alone, a province with a prefecture, a province alone,
    # or nothing (the total of visible stories).
    county = models.CharField(_("县区代码"), max_length=6, blank=True)
    province = models.CharField(_("所属省份"), max_length=50, blank=True)
    prefecture = models.CharField(_("所属地市"), max_length=50, blank=True)
    n = models.IntegerField(_("增减"))

    objects = CountyTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("县区计数")
        verbose_name_plural = _("县区计数")
        # No index: every read sums the whole table (a few thousand rows once folded).

    def __str__(self) -> str:
        key = self.county or "/".join(part for part in (self.province, self.prefecture) if part) or "*"
        return f"{key}: {self.n:+d}"


# The article ids a revision's state holds (each article's "ref"), as a JSON array: the
# expression of the index revision_refs_gin (migration 0013), which a query must repeat exactly.
REVISION_REFS = models.Func(
    models.F("state"), models.Value("$.articles[*].ref"), function="jsonb_path_query_array", output_field=models.JSONField()
)


# The stories of two revisions' states that are not in the other as they are (the same ref, the
# same fields), each with its index, compared by PostgreSQL: a page's history then never reads a
# state whole (5 MB of JSON a version on a page of 16,000 stories, 0.3 s each to decode). Stories
# are paired by ref (a hash of small values), then compared whole; a story without a ref is never
# the same. Parameters: befores, afters (the pairs), page id, numbers.
_DIFFERENCES = """
WITH pairs AS (SELECT * FROM unnest(%s::int[], %s::int[]) AS p(before, after)),
stories AS MATERIALIZED (
    SELECT r.number, x.i - 1 AS i, x.d, x.d -> 'ref' AS ref
    FROM articles_pagerevision r, jsonb_array_elements(r.state -> 'articles') WITH ORDINALITY AS x(d, i)
    WHERE r.page_id = %s AND r.number = ANY(%s)
)
SELECT p.after, false, a.i, a.d::text FROM pairs p JOIN stories a ON a.number = p.before
LEFT JOIN stories b ON b.number = p.after AND b.ref = a.ref AND a.ref <> 'null'::jsonb
WHERE b.d IS NULL OR b.d <> a.d
UNION ALL
SELECT p.after, true, b.i, b.d::text FROM pairs p JOIN stories b ON b.number = p.after
LEFT JOIN stories a ON a.number = p.before AND a.ref = b.ref AND b.ref <> 'null'::jsonb
WHERE a.d IS NULL OR a.d <> b.d
"""


class PageRevisionQuerySet(models.QuerySet):
    def outlines(self, numbers: Iterable[int]) -> dict[int, tuple[list, list]]:
        """Revisions ``numbers`` (of this queryset's page) as each story's ref in order (None
        for a story without one: the list stays aligned with the stories) and the furniture: what
        a history compares besides the stories that differ (``differences``)."""
        refs = RawSQL(
            "SELECT coalesce(jsonb_agg(x.d -> 'ref' ORDER BY x.i), '[]') "
            "FROM jsonb_array_elements(articles_pagerevision.state -> 'articles') WITH ORDINALITY AS x(d, i)",
            [], output_field=models.JSONField(),
        )
        rows = (
            self.filter(number__in=list(numbers))
            .annotate(refs=refs, furniture_lines=KeyTransform("furniture", "state"))
            .values_list("number", "refs", "furniture_lines")
        )
        return {number: (refs or [], furniture or []) for number, refs, furniture in rows}

    def differences(self, page_id: int, pairs: list[tuple[int, int]]) -> dict[int, tuple[dict[int, dict], dict[int, dict]]]:
        """For each pair (before, after) of revision numbers of page ``page_id``, keyed by
        ``after``: the stories of each state that the other does not hold as they are, by their
        index on the page (as ``page_to_dict`` wrote them); see ``_DIFFERENCES``. Read from this
        queryset's database. A state's refs are unique (``writer._sync`` makes them so)."""
        found: dict[int, tuple[dict[int, dict], dict[int, dict]]] = {after: ({}, {}) for _, after in pairs}
        if not pairs:
            return found
        numbers = sorted({n for pair in pairs for n in pair})
        with connections[self.db].cursor() as cursor:
            cursor.execute(_DIFFERENCES, [[b for b, _ in pairs], [a for _, a in pairs], page_id, numbers])
            for after, is_after, index, story in cursor.fetchall():
                found[after][1 if is_after else 0][index] = json.loads(story)
        return found

    def stories_of(self, ref: int) -> dict[int, dict]:
        """The revisions (of this queryset) that hold the story ``ref``, by number, each with the
        story as it stood there: found by revision_refs_gin, read out of each state by PostgreSQL."""
        story = models.Func(
            models.F("state"), models.Value("$.articles[*] ? (@.ref == $ref)"), models.Value(json.dumps({"ref": ref})),
            function="jsonb_path_query_first", output_field=models.JSONField(),
        )
        return dict(
            self.alias(refs=REVISION_REFS).filter(refs__contains=[ref]).annotate(story=story).values_list("number", "story")
        )

    def last_holding(self, article_id: int) -> tuple[int, int] | None:
        """Where an article that is gone (merged into another, its lines moved) last stood:
        (its page, its first line) in the latest revision that held it, or None — also when the
        page's file was replaced since: that line number then counts the lines of another text,
        and would lead a citation to whatever story holds it now. One index look-up
        (revision_refs_gin) and one of the page's revisions."""
        revision = (
            self.alias(refs=REVISION_REFS).filter(refs__contains=[article_id])
            .order_by("-number", "-id").only("page_id", "number", "state").first()
        )
        if revision is None:
            return None
        replaced = PageRevision.objects.filter(
            page_id=revision.page_id, number__gt=revision.number, action=PageRevision.Action.REPLACE
        )
        if replaced.exists():
            return None
        for article in revision.state.get("articles", []):
            if article.get("ref") == article_id and article.get("lines"):
                return revision.page_id, int(article["lines"][0])
        return None


class PageRevision(models.Model):
    """One version of a page's split, from the state at ingest (number 0) on.

    ``state`` is ``ingest.model.page_to_dict`` of the page after the change, with each article's
    ``ref`` its Article id, so undo and revert restore the rows and their ids exactly.
    ``parent`` is the revision this one was made from (an undo's parent is the parent of the
    revision it returned to), so undo walks back along the chain (writer.undo).
    """

    class Action(models.TextChoices):
        INGEST = "ingest", _("入库")
        EDIT = "edit", _("编辑")
        CORRECT = "correct", _("校正")
        RESPLIT = "resplit", _("重新切分")
        REPLACE = "replace", _("替换文件")
        UNDO = "undo", _("撤销")
        REVERT = "revert", _("恢复版本")
        META = "meta", _("更正报名、日期或版次")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("版面"))
    number = models.PositiveIntegerField(_("版本"))
    parent = models.PositiveIntegerField(_("前一版本"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("用户"),
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    summary = models.TextField(_("说明"), blank=True)
    state = models.JSONField(_("切分"))
    # The page's text before this revision replaced its file (action REPLACE); else NULL.
    raw_text = models.TextField(_("替换前原文"), null=True, blank=True)
    # The page's paper, date, edition and label after this revision ({"paper", "date" (ISO or
    # null), "edition", "label"}); a META revision (writer.update_page_meta) also keeps them from
    # before it under "before". NULL on revisions recorded before migration 0014: writer.meta_at
    # says what they stand for. Undo and revert put the page back in its place with its split.
    meta = models.JSONField(_("报名、日期、版次"), null=True, blank=True)

    objects = PageRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["page", "number"]
        verbose_name = _("版面修订")
        verbose_name_plural = _("版面修订")
        constraints = [
            # Numbers are the page's version numbers; two concurrent changes cannot both take one.
            models.UniqueConstraint(fields=["page", "number"], name="pagerevision_page_number_uniq"),
        ]
        # revision_refs_gin (migration 0013, SQL: Django cannot write an operator class after a
        # function): the ids a state holds, for PageRevisionQuerySet.last_holding.

    def __str__(self) -> str:
        return f"{self.page_id} v{self.number} {self.get_action_display()}"


class ApiToken(models.Model):
    """A script's key for the JSON write API (``Authorization: Token <key>``, articles/auth.py).

    Only the key's SHA-256 is kept: ``manage.py apitoken`` shows a key once, when it is made.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token", verbose_name=_("用户")
    )
    key_hash = models.CharField(_("令牌摘要"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        constraints = [
            # Every API request looks its token up by this hash.
            models.UniqueConstraint(fields=["key_hash"], name="apitoken_key_hash_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.user} 的 API 令牌"

    @property
    def expires_at(self) -> dt.datetime | None:
        """When the key stops working: API_TOKEN_DAYS after it was made (None: never). Read from
        the setting, not stored, so shortening it takes effect on the keys already out."""
        days = settings.API_TOKEN_DAYS
        return self.created_at + dt.timedelta(days=days) if days else None

    def expired(self, now: dt.datetime) -> bool:
        expires_at = self.expires_at
        return expires_at is not None and now >= expires_at
