"""The archive's data: papers, issue pages, articles, captions and the county gazetteer."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from articles.search import ArticleQuerySet

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


class Newspaper(models.Model):
    name = models.CharField("报名", max_length=100, unique=True)
    # Four-digit prefecture code of the paper's home (1407 晋中): breaks ties between
    # same-named townships when tagging counties.
    prefecture_code = models.CharField("所在地市代码", max_length=4, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "报纸"
        verbose_name_plural = "报纸"

    def __str__(self) -> str:
        return self.name


class Issue(models.Model):
    """One ingested page file. The raw text is kept verbatim: nothing is ever lost."""

    newspaper = models.ForeignKey(Newspaper, on_delete=models.PROTECT, related_name="issues")
    # Unknown for the seed pages: never invent one.
    date = models.DateField("日期", null=True, blank=True)
    page = models.CharField("版次", max_length=50, blank=True)
    source_name = models.CharField("源文件", max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    raw_text = models.TextField("原文")
    furniture = models.JSONField("版面元素", default=list, blank=True)
    ingested_at = models.DateTimeField("入库时间", auto_now_add=True)

    class Meta:
        ordering = ["-ingested_at", "-id"]
        verbose_name = "版面"
        verbose_name_plural = "版面"
        indexes = [
            # The front page lists the latest issues.
            models.Index(fields=["-ingested_at", "-id"], name="issue_latest_idx"),
        ]

    def __str__(self) -> str:
        when = self.date.isoformat() if self.date else "日期不详"
        page = f" {self.page}" if self.page else ""
        return f"{self.newspaper} {when}{page}"

    def source_lines(self) -> list[str]:
        return self.raw_text.splitlines()


class County(models.Model):
    """A county-level division from the gazetteer (see ingest/gazetteer.py)."""

    code = models.CharField("代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50, db_index=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    prefecture = models.CharField("所属地市", max_length=50)
    province = models.CharField("所属省份", max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = "县区"
        verbose_name_plural = "县区"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("county", args=[self.code])


class Article(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="articles")
    # Copies of the issue's paper and date: search filters and sorts on them without a join.
    newspaper = models.ForeignKey(Newspaper, on_delete=models.PROTECT, related_name="articles")
    date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField("版内顺序")
    section = models.TextField("栏目", blank=True)
    kicker = models.TextField("引题", blank=True)
    headline = models.TextField("标题", blank=True)
    subheadline = models.TextField("副题", blank=True)
    byline = ArrayField(models.TextField(), verbose_name="作者", default=list, blank=True)
    byline_text = models.TextField("署名原文", blank=True)
    source = models.TextField("来源", blank=True)
    body = models.TextField("正文", blank=True)
    intertitles = ArrayField(models.TextField(), verbose_name="小标题", default=list, blank=True)
    # Print order of the body: [{"kind": "p"}, {"kind": "h", "text": intertitle}, {"kind": "j",
    # "text": jump line}, …]; each "p" stands for the next paragraph of body (see reading_order).
    blocks = models.JSONField(default=list, blank=True)
    lines = ArrayField(models.PositiveIntegerField(), verbose_name="源行号", default=list, blank=True)
    continued = models.BooleanField("续前文", default=False)
    warnings = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    counties = models.ManyToManyField(County, through="ArticleCounty", related_name="articles")

    # Filled by articles.indexing in the same transaction as every change to the text
    # (ingest/tokens.py says what is in them).
    search_head = SearchVectorField(null=True, editable=False)  # titles, captions, byline: small
    search_body = SearchVectorField(null=True, editable=False)
    search_words = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=SEARCH_FIELDS)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "position"]
        verbose_name = "文章"
        verbose_name_plural = "文章"
        constraints = [
            models.UniqueConstraint(fields=["issue", "position"], name="article_issue_position_uniq"),
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
            # Browse and sort=date: newest first with a stable tie-break.
            models.Index(
                models.F("date").desc(nulls_last=True), models.F("id").desc(), name="article_date_idx"
            ),
            # Paper filter on the API and the paper facet.
            models.Index(fields=["newspaper", "date"], name="article_paper_date_idx"),
        ]

    def __str__(self) -> str:
        return self.title or f"(无标题 #{self.pk})"

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


class Caption(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captions")
    position = models.PositiveIntegerField()
    text = models.TextField("图片说明", blank=True)
    credit = models.TextField("摄影", blank=True)
    lines = ArrayField(models.PositiveIntegerField(), default=list, blank=True)

    class Meta:
        ordering = ["article", "position"]
        verbose_name = "图片说明"
        verbose_name_plural = "图片说明"

    def __str__(self) -> str:
        return self.text[:40]


class ArticleCounty(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="county_tags")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="article_tags")
    primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = "县区标签"
        verbose_name_plural = "县区标签"
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
