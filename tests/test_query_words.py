"""A term matches where its jieba words stand apart only when each is a word of its own: 于都
(于 | 都), 2020年 (2020 | 年), 1月23日 match only as written, and only their whole text is marked."""

from __future__ import annotations

import pytest

from articles.highlight import needles_for
from articles.models import Article
from articles.query import parse
from ingest.tokens import query_words
from tests.factories import make_article


@pytest.mark.parametrize("term", ["于都", "2020年", "1月23日", "14亿", "火神山医院", "雷神山", "党"])
def test_a_term_with_a_one_character_word_has_no_words_only_reading(term):
    assert query_words(term) == []


@pytest.mark.parametrize(("term", "words"), [("基层治理", ["基层", "治理"]), ("国务院联防联控机制", ["国务院", "联防", "联控", "机制"])])
def test_a_term_of_whole_words_may_match_them_apart(term, words):
    assert query_words(term) == words


@pytest.mark.django_db
def test_searching_a_county_whose_name_jieba_cuts_in_two_finds_only_its_stories(db):
    make_article(headline="于都县推进春耕", body="于都县组织农户开展春耕生产。")
    make_article(headline="研究会发布报告", body="研究会于2月27日发布报告，以前都是纸本。")  # 于 … 都 apart
    make_article(headline="基层治理有新招", body="社区推进治理创新。")
    make_article(headline="社区服务", body="基层干部下沉社区，创新治理方式。")  # 基层 … 治理 apart
    Article.objects.update(visible=True)
    assert list(Article.objects.visible().search("于都").values_list("headline", flat=True)) == ["于都县推进春耕"]
    assert set(Article.objects.visible().search("基层治理").values_list("headline", flat=True)) == {"基层治理有新招", "社区服务"}


def test_only_the_whole_term_is_marked_when_it_matches_only_as_written():
    assert needles_for(parse("雷神山").positive) == ["雷神山"]  # not 神山 in 火神山
    assert "治理" in needles_for(parse("基层治理").positive)
