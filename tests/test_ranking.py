"""Tier-by-tier paging (articles/ranking.py) gives exactly the reference order of search()."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article
from articles.query import parse
from articles import memo, ranking
from articles.ranking import RankedResults
from tests.factories import ingest_seeds, make_article

pytestmark = pytest.mark.django_db


def reference(q: str) -> list[int]:
    return list(Article.objects.search(q).values_list("id", flat=True))


def paged(q: str, size: int, *, by_date: bool = False) -> list[int]:
    results = RankedResults(Article.objects.for_listing(), parse(q), by_date=by_date)
    ids: list[int] = []
    for start in range(0, results.count() + size, size):
        ids.extend(a.id for a in results[start : start + size])
    return ids


@pytest.fixture
def corpus():
    ingest_seeds()
    # Every tier, with dates out of step with the tiers, and ties on date.
    day = dt.date(2025, 1, 1)
    make_article(headline="文峰塔修缮", date=day)
    make_article(kicker="文峰塔", headline="修缮", date=day + dt.timedelta(days=3))
    make_article(headline="记事", body="文峰塔修缮完成。", date=day + dt.timedelta(days=9))
    make_article(headline="图片", body="无关。", captions=("文峰塔修缮现场",), date=day)
    make_article(headline="修缮和文峰塔", date=day + dt.timedelta(days=1))
    make_article(headline="修缮", body="文峰塔。", date=day)
    make_article(headline="记事", body="文峰塔修缮完成。", date=day)
    make_article(headline="文峰塔修缮", date=None)


@pytest.mark.parametrize(
    "q",
    ["文峰塔修缮", "文峰塔 修缮", '"文峰塔修缮"', "介休", "社区", "党", "党建 社区", "社区 -介休", "绛县", "5A", "塔"],
)
@pytest.mark.parametrize("size", [1, 3, 20])
def test_pages_follow_the_reference_order(corpus, q, size):
    assert paged(q, size) == reference(q)


@pytest.mark.parametrize("window", [1, 2, 1000])
@pytest.mark.parametrize("q", ["社区", "文峰塔修缮", "党", "文峰塔 -修缮", "修缮 文峰"])
def test_candidate_windows_of_any_size_give_the_same_pages(corpus, settings, q, window):
    # A window of one candidate per row makes most tiers widen their window (better tiers' rows
    # and loose-only matches are dropped by the exact check); a large one reads all at once.
    settings.SEARCH_WINDOW = window
    assert paged(q, 7) == reference(q)
    assert paged(q, 7, by_date=True) == list(Article.objects.search(q, sort="date").values_list("id", flat=True))


@pytest.mark.parametrize("fetch_us", [0.0, 1e9], ids=["sort-candidates", "walk-date-index"])
@pytest.mark.parametrize("q", ["社区", "文峰塔修缮", "党", "修缮 文峰", "塔"])
def test_both_plans_for_many_candidates_give_the_same_pages(corpus, settings, monkeypatch, q, fetch_us):
    # The cost of collecting candidates decides the plan: never, or always, walk the date index.
    settings.SEARCH_WINDOW = 1
    monkeypatch.setattr(ranking, "FETCH_US", fetch_us)
    assert paged(q, 7) == reference(q)
    assert paged(q, 7, by_date=True) == list(Article.objects.search(q, sort="date").values_list("id", flat=True))


@pytest.mark.parametrize("growth", [2, 8])
@pytest.mark.parametrize("plan", ["walk", "bounded", "collect"])
@pytest.mark.parametrize("q", ["社区", "文峰塔修缮", "党", "修缮 文峰", "塔", "社区 -介休"])
def test_every_plan_reads_the_same_newest_matches(corpus, settings, monkeypatch, q, plan, growth):
    # The facets' sample and sort=date read the newest matches; however the candidates are read
    # (walk the date index; collect those in a date range, widening it when too few; collect
    # all), the ids are those of the reference order by date. A window of one candidate per
    # match, so that loose-only candidates leave it short and the next, larger one is read.
    settings.SEARCH_WINDOW = 1
    monkeypatch.setattr(ranking, "SAMPLE_MARGIN", 1.0)
    monkeypatch.setattr(ranking, "SAMPLE_GROWTH", growth)
    monkeypatch.setattr(ranking, "BOUND_MIN_WINDOW", 1)
    monkeypatch.setattr(ranking, "choose_plan", lambda **_: plan)
    newest = list(Article.objects.search(q, sort="date").values_list("id", flat=True))
    rows = {a[0]: a for a in Article.objects.values_list("id", *ranking.SAMPLE_FIELDS)}
    for limit in (1, 3, len(newest) + 1):
        sample = ranking.newest_sample(Article.objects.visible(), parse(q), limit)
        assert [row[0] for row in sample] == newest[:limit]
        # The facets' sample: the same articles, with what the facets count read alongside.
        assert sample == [rows[i] for i in newest[:limit]]
    assert paged(q, 7, by_date=True) == newest


def test_a_results_page_costs_a_bounded_number_of_queries(corpus, client, django_assert_max_num_queries):
    # estimate + capped count (4 with its savepoint) + ranking (savepoint, plan, release, table
    # size; per tier an estimate, a read and an exact check) + rows + prefetch: 4 tiers here
    with django_assert_max_num_queries(26):
        response = client.get("/api/articles", {"q": "文峰塔 修缮"})
    assert response.status_code == 200
    # Both terms in the headline first, newest first, undated last within the tier.
    assert [r["headline"] for r in response.json()["results"]][:3] == ["修缮和文峰塔", "文峰塔修缮", "文峰塔修缮"]


@pytest.mark.parametrize("q", ["文峰塔修缮", "修缮 文峰", "社区 -介休"])
def test_checking_candidates_in_parts_finds_the_newest_exact_matches(corpus, monkeypatch, q):
    # The facets' sample checks its candidates newest first, part by part, until it has enough:
    # for every number wanted and every part size, the same ids as checking them all at once.
    query = parse(q)
    base = Article.objects.visible()
    exact, loose = ranking.match_condition(query), ranking.match_condition(query, loose=True)
    candidates = list(base.filter(ranking._condition(*loose)).newest().values_list("id", flat=True))
    matching = ranking._exact_ids(base, exact, candidates)
    newest = [i for i in candidates if i in matching]
    for part in (1, 2, 64):
        monkeypatch.setattr(ranking, "EXACT_PART_MIN", part)
        for need in range(1, len(newest) + 2):
            assert ranking._exact_newest(base, exact, candidates, need) == newest[:need]


def test_estimates_and_table_facts_are_kept_until_a_write(corpus, settings, django_assert_num_queries,
                                                           django_capture_on_commit_callbacks):
    # A process asks the planner once per statement: the next search with the same terms sends no
    # EXPLAIN, nor reads the table's size or a walk's bound again; a write drops all of it.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_MEMO_SECONDS = 300
    memo.forget()

    def statements(q: str) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            results = RankedResults(Article.objects.all(), parse(q))
            results.capped_count(1001)
            list(results[0:20])
        return [query["sql"] for query in ctx.captured_queries]

    first = statements("社区")
    assert any(sql.startswith("EXPLAIN") for sql in first)
    again = statements("社区")
    assert not any(sql.startswith("EXPLAIN") or "pg_relation_size" in sql for sql in again)
    assert len(again) < len(first)
    assert paged("社区", 7) == reference("社区")

    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="社区新闻", date=dt.date(2025, 6, 1))
    assert any(sql.startswith("EXPLAIN") for sql in statements("社区"))
    assert paged("社区", 7) == reference("社区")


@pytest.mark.parametrize(
    "q", ["文峰塔 修缮", "修缮 文峰塔 完成", "党建 社区", "社区 -介休", '文峰塔 "修缮"', "文峰塔", "介休 党建 -修缮"]
)
def test_the_exact_check_s_words_first_form_keeps_the_same_articles(corpus, q):
    # search.checking_condition tests every term's words in one read of the word vector first:
    # it must hold for exactly the articles the plain condition holds for.
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from articles.search import checking_condition, match_condition

    def ids(condition):
        sql, params = condition
        return set(Article.objects.filter(RawSQL(sql, params, output_field=BooleanField())).values_list("id", flat=True))

    query = parse(q)
    assert ids(checking_condition(query)) == ids(match_condition(query))
    assert ids(match_condition(query))  # the corpus has matches for each, so the test tests something
