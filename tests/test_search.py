"""Article.objects.search: recall equal to a substring scan, precision, ranking, query language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from articles.models import Article, County
from articles.query import QueryError, parse
from ingest.tokens import fold, word_tokens
from tests.factories import ingest_seeds, make_article

pytestmark = pytest.mark.django_db


def searchable_text(article: Article) -> str:
    parts = [article.headline, article.kicker, article.subheadline, article.body, *article.intertitles]
    parts += [" ".join(article.byline)]
    parts += [c.text for c in article.captions.all()]
    return fold("\n".join(parts))


def ids(qs) -> list[int]:
    return list(qs.values_list("id", flat=True))


class TestRecallOnSeeds:
    QUERIES = [
        "介休", "付炎", "罗晓庆", "绛县", "新绛", "楚侯乡", "网格化", "党建引领", "社区", "党", "的", "绛",
        "黨建", "萤火微光", "5A", "PM2.5", "2024年", "龙凤河", "“四邻”", "兴县 森林防火", "宝山花园社区",
        "居民 志愿者", "合伙人", "侯马", "稷山县", "摄", "韩笑", "临汾侯马市", "新绛县委组织部",
        "星火长明",  # only in a subheading (seed 003)
    ]

    @pytest.fixture(autouse=True)
    def seeds(self):
        ingest_seeds()

    def test_search_finds_every_article_a_substring_scan_finds(self):
        articles = list(Article.objects.prefetch_related("captions"))
        for q in self.QUERIES:
            terms = [fold(t) for t in q.split()]
            expected = {a.id for a in articles if all(t.strip("“”") in searchable_text(a) for t in terms)}
            found = set(ids(Article.objects.search(q)))
            assert expected <= found, f"{q}: missing {expected - found}"

    def test_every_result_contains_each_term_or_all_its_words(self):
        articles = {a.id: a for a in Article.objects.prefetch_related("captions")}
        for q in self.QUERIES:
            for article_id in ids(Article.objects.search(q)):
                text = searchable_text(articles[article_id])
                for term in q.split():
                    assert fold(term).strip("“”") in text or all(w in text for w in word_tokens(term)), (q, article_id)

    def test_loose_conditions_hold_wherever_the_exact_ones_do(self):
        # Ranking reads candidates by the loose form of each condition, then checks them exactly.
        from articles.search import match_condition, tier_chains

        def matching(sql: str, params: list[str]) -> set[int]:
            return set(ids(Article.objects.filter(RawSQL(sql, params, output_field=BooleanField()))))

        for q in self.QUERIES:
            query = parse(q)
            pairs = [(match_condition(query), match_condition(query, loose=True))]
            pairs += [(e, lo) for (_, e), (_, lo) in zip(tier_chains(query), tier_chains(query, loose=True))]
            for exact, loose in pairs:
                assert matching(*exact) <= matching(*loose), (q, exact)

    def test_jiexiu_finds_the_jiexiu_stories(self):
        titles = [" ".join(t) for t in Article.objects.search("介休").values_list("kicker", "headline", "subheadline")]
        assert any("介休市网格化党建激活基层治理“大文章”" in t for t in titles)
        assert any("龙凤河" in t for t in titles)
        assert any("坂地农旅" in t for t in titles)
        assert len(titles) >= 6

    def test_jiang_county_never_matches_xinjiang_county_by_filter(self):
        jiang = County.objects.get(name="绛县")
        for article in Article.objects.in_county(jiang.code):
            assert jiang in article.counties.all()
            assert "绛县" in searchable_text(article)

    def test_traditional_query_finds_simplified_text(self):
        assert ids(Article.objects.search("黨建")) == ids(Article.objects.search("党建"))

    def test_search_uses_the_gram_index_not_a_scan(self):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            qs = Article.objects.search("介休")
            plan = qs.explain()
            cursor.execute("RESET enable_seqscan")
        assert "article_head_gin" in plan and "article_body_gin" in plan


class TestSubheadings:
    def test_a_story_is_found_by_the_words_of_its_subheadings(self):
        story = make_article(headline="记事", body="正文一段。", intertitles=("星火长明：机制创新",))
        make_article(headline="别的", body="无关。")
        assert ids(Article.objects.search("星火长明")) == [story.id]
        assert ids(Article.objects.search('"机制创新"')) == [story.id]

    def test_a_phrase_never_runs_from_the_body_into_a_subheading(self):
        make_article(headline="记事", body="文峰", intertitles=("塔修缮",))
        assert ids(Article.objects.search('"文峰塔"')) == []

    def test_a_merged_story_is_still_found_by_its_headline_now_a_subheading(self):
        from articles.models import PageRevision
        from articles.writer import apply_state, load_state
        from ingest import corrections

        ingest_seeds()
        second = Article.objects.get(headline__contains="聚力新突破")
        page = second.page
        state = load_state(page)
        i = next(n for n, a in enumerate(state.articles) if a.ref == second.id) - 1
        merged = corrections.merge_with_next(state, i, source=corrections.source_lines(page.raw_text))
        apply_state(page, merged, user=None, action=PageRevision.Action.CORRECT, summary="test")
        found = list(Article.objects.search("聚力新突破"))
        assert found, "the merged story is no longer found by its second story's headline"
        assert any("聚力新突破" in t for a in found for t in a.intertitles)


class TestRanking:
    def test_headline_beats_kicker_beats_body_beats_caption(self):
        old = dt.date(2020, 1, 1)
        new = dt.date(2025, 1, 1)
        caption = make_article(headline="图片新闻", body="无关。", captions=("汾阳文峰塔夜景",), date=new)
        body = make_article(headline="其他消息", body="今天去了汾阳文峰塔。", date=new)
        kicker = make_article(kicker="汾阳文峰塔", headline="修缮完成", body="内容。", date=new)
        headline = make_article(headline="汾阳文峰塔迎客", body="内容。", date=old)
        assert ids(Article.objects.search("汾阳文峰塔")) == [headline.id, kicker.id, body.id, caption.id]

    def test_exact_match_beats_word_only_match(self):
        words_only = make_article(headline="文峰塔修缮和汾阳旅游", body="。", date=dt.date(2025, 1, 1))
        exact = make_article(headline="记事", body="汾阳文峰塔。", date=dt.date(2020, 1, 1))
        assert ids(Article.objects.search("汾阳文峰塔")) == [exact.id, words_only.id]

    def test_newer_first_within_a_tier_then_stable_by_id(self):
        a = make_article(headline="平遥古城", date=dt.date(2024, 1, 1))
        b = make_article(headline="平遥古城", date=dt.date(2025, 1, 1))
        c = make_article(headline="平遥古城", date=dt.date(2025, 1, 1))
        undated = make_article(headline="平遥古城")
        assert ids(Article.objects.search("平遥古城")) == [c.id, b.id, a.id, undated.id]

    def test_sort_by_date_ignores_fields(self):
        body_new = make_article(headline="记事", body="平遥古城。", date=dt.date(2025, 1, 1))
        head_old = make_article(headline="平遥古城", date=dt.date(2020, 1, 1))
        assert ids(Article.objects.search("平遥古城", sort="date")) == [body_new.id, head_old.id]


class TestQueryLanguage:
    def test_terms_are_anded(self):
        both = make_article(body="介休的绵山。")
        make_article(body="介休。")
        assert ids(Article.objects.search("介休 绵山")) == [both.id]

    def test_quoted_phrase_is_exact(self):
        exact = make_article(body="文峰塔修缮。")
        make_article(body="文峰塔与修缮无关。")
        assert ids(Article.objects.search('"文峰塔修缮"')) == [exact.id]

    def test_minus_excludes(self):
        keep = make_article(body="平遥古城。")
        make_article(body="平遥古城和介休。")
        assert ids(Article.objects.search("平遥古城 -介休")) == [keep.id]

    @pytest.mark.parametrize("minus", ["-", "－", "﹣", "−"])
    def test_a_chinese_keyboards_minus_excludes_too(self, minus):
        # A full-width minus (－介休) used to be read as part of the term: the articles WITH 介休.
        keep = make_article(body="平遥古城。")
        make_article(body="平遥古城和介休。")
        assert ids(Article.objects.search(f"平遥古城 {minus}介休")) == [keep.id]
        assert ids(Article.objects.search(f'平遥古城 {minus}“介休”')) == [keep.id]

    def test_one_character_terms_match_substrings(self):
        hit = make_article(body="一座塔。")
        make_article(body="一座桥。")
        assert ids(Article.objects.search("塔")) == [hit.id]

    def test_latin_case_and_full_width_fold(self):
        hit = make_article(body="ＰＭ２.５年均浓度")
        assert ids(Article.objects.search("pm2.5")) == [hit.id]

    @pytest.mark.parametrize(
        "q",
        ["a & b", "a | b", "!a", "(a)", "a:*", "'", "\\", '"', '""', "a\\'b", "‐", "🙂🙂", "介休 & | ! ( ) : *", "-"],
    )
    def test_operators_and_odd_input_are_literal(self, q):
        make_article(body="介休 a & b")
        query = parse(q)
        if query:
            list(Article.objects.search(query))

    def test_too_long_query_is_refused_with_a_message(self):
        with pytest.raises(QueryError, match="过长"):
            parse("党" * 10_000)

    def test_only_exclusions_is_refused(self):
        with pytest.raises(QueryError):
            parse("-介休")


class TestCappedCounts:
    def test_small_results_are_counted_exactly_large_ones_estimated(self, client, settings):
        settings.SEARCH_COUNT_CAP = 100
        for i in range(3):
            make_article(headline=f"平遥古城 {i}")
        data = client.get("/api/articles", {"q": "平遥"}).json()
        assert data["count"] == 3 and data["count_exact"] is True
        settings.SEARCH_COUNT_CAP = 2
        data = client.get("/api/articles", {"q": "平遥"}).json()
        assert data["count_exact"] is False and data["count"] >= 1
        assert len(data["results"]) == 3  # the estimate labels the count; the rows are real
        page = client.get("/search", {"q": "平遥"}).content.decode()
        assert "约" in page and "分类统计按最新" in page


def test_listing_rows_leave_out_the_search_vectors_and_the_page_text():
    # They are most of a row's bytes and no result row shows them.
    sql = str(Article.objects.for_listing().query)
    for column in ["search_head", "search_body", "search_words", "raw_text", "furniture"]:
        assert column not in sql
    assert '"articles_page"."label"' in sql and '"articles_newspaper"."name"' in sql
