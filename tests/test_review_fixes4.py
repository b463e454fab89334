"""Fixes after the fourth review: line breaks other than LF kept as line breaks, the county page's
English count."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, Page
from articles.writer import PageMeta, ingest_file
from ingest.decode import decode
from ingest.model import County
from tests.factories import make_article

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")


@pytest.mark.parametrize("brk", ["\x0c", "\x0b", "\x85", "\u2028", "\u2029", "\x1e"])
def test_a_line_break_other_than_lf_is_read_as_one(brk):
    # pdftotext puts a form feed between pages; NEL and the Unicode separators break lines too.
    assert decode(f"新绛县{brk}凤凰苑\n".encode()) == "新绛县\n凤凰苑\n"


@pytest.mark.django_db
def test_a_form_feed_inside_a_page_file_keeps_both_lines_in_the_stored_text(counties):
    text = "介休市网格化党建激活基层治理\n本报讯（记者 韩笑）近日，介休市推进网格化管理。\x0c第二栏的文字继续说明。\n"
    meta = PageMeta(paper="晋中日报", date=dt.date(2025, 3, 29), label="第3版", prefecture_code="1407")
    page = ingest_file("ff.txt", text.encode(), meta, status=Page.Status.PUBLISHED).page
    stored = Page.objects.get(pk=page.pk).raw_text
    assert "推进网格化管理。\n第二栏的文字继续说明。" in stored and "\x0c" not in stored


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "shown"), [(1, "1 in all"), (2, "2 in all, newest first")])
def test_the_english_county_page_counts_one_story_and_several_alike(client, n, shown):
    for day in range(1, n + 1):
        make_article(date=dt.date(2024, 1, day), headline=f"介休市一月{day}日", body="网格化管理。", counties=(JIEXIU,))
    Article.objects.update(visible=True)  # make_article writes no copies
    client.cookies["django_language"] = "en"
    text = client.get("/counties/介休市/").content.decode()
    assert shown in text and "story" not in text.split(shown)[0][-40:]


TWO_STORIES = (
    "介休市推进网格化管理\n\n本报讯（记者 韩笑）近日，介休市推进网格化管理，社区服务更加便捷。\n\n"
    "平遥县古城迎来游客高峰\n\n本报讯（记者 刘凯华）国庆期间，平遥古城接待游客人数创新高。\n"
)
ONE_LONGER_STORY = (
    "介休市推进网格化管理\n\n本报讯（记者 韩笑）近日，介休市推进网格化管理，社区服务更加便捷。\n\n"
    "网格员每天走访居民，记录诉求，及时解决问题。\n\n居民说，有事找网格员，办事不出社区。\n"
)


@pytest.mark.django_db
def test_a_story_dropped_by_a_replaced_file_is_gone_not_redirected_to_another(client, counties):
    # Its last line number counts the lines of the old text: in the new one that line is another
    # story's, and a citation must never land there.
    from articles.writer import replace_page

    meta = PageMeta(paper="晋中日报", date=dt.date(2025, 3, 29), label="第3版", prefecture_code="1407")
    page = ingest_file("two.txt", TWO_STORIES.encode(), meta, status=Page.Status.PUBLISHED).page
    first, second = Article.objects.filter(page=page).order_by("position")
    assert "平遥" in second.headline
    replace_page(page, "one.txt", ONE_LONGER_STORY.encode())
    assert not Article.objects.filter(pk=second.pk).exists()
    assert Article.objects.filter(page=page, lines__contains=[second.lines[0]]).exists()  # the line is another's now
    assert client.get(f"/articles/{second.pk}/").status_code == 404
    assert client.get(f"/articles/{first.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_story_printed_without_a_title_is_cited_by_a_devised_one_not_its_first_words():
    from articles.views import _cite

    fragment = make_article(headline="", kicker="", subheadline="", body="(上接第一版)要进一步提高政治站位，压紧压实责任。")
    cite = _cite(fragment, "https://example.org/articles/1/")
    assert "[无题][N]." in cite["gb"] and "上接" not in cite["gb"]
    assert cite["plain"].startswith("[无题]，《")


@pytest.mark.django_db
def test_book_title_marks_inside_a_cited_title_become_single_ones():
    from articles.views import _cite

    story = make_article(headline="学习《习近平谈治国理政》第五卷", body="正文。")
    plain = _cite(story, "https://example.org/articles/1/")["plain"]
    assert "《学习〈习近平谈治国理政〉第五卷》" in plain


@pytest.mark.django_db
@pytest.mark.parametrize("part", ["abc", "0", "-1", "１", "2", "9" * 5000])
def test_a_page_part_that_names_no_part_is_a_404(client, part):
    story = make_article(headline="介休市一月1日", body="网格化管理。")
    Article.objects.update(visible=True)
    Page.objects.update(status=Page.Status.PUBLISHED)
    assert client.get(f"/pages/{story.page_id}/", {"part": part}).status_code == 404
    assert client.get(f"/pages/{story.page_id}/", {"part": "1"}).status_code == 200


@pytest.mark.django_db
def test_a_county_and_a_paper_reached_by_name_name_their_one_address(client):
    make_article(headline="介休市一月1日", body="网格化管理。", counties=(JIEXIU,), date=dt.date(2024, 1, 1))
    Article.objects.update(visible=True)
    Page.objects.update(status=Page.Status.PUBLISHED)
    for name in ("介休市", "介休", "140781"):
        text = client.get(f"/counties/{name}/").content.decode()
        assert '<link rel="canonical" href="http://testserver/counties/140781/">' in text
    paper = Article.objects.get().newspaper
    for key in (paper.name, str(paper.pk)):
        text = client.get(f"/papers/{key}/").content.decode()
        assert f'<link rel="canonical" href="http://testserver/papers/{paper.pk}/2024/">' in text


@pytest.mark.django_db
def test_search_results_ask_crawlers_not_to_index_them(client):
    make_article(headline="介休市一月1日", body="网格化管理。")
    Article.objects.update(visible=True)
    text = client.get("/search", {"q": "网格化"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in text


@pytest.mark.django_db
def test_the_way_back_to_a_deep_page_of_small_pages_keeps_the_page(rf):
    # Page 60 of 10 a page lies within the listing's depth (590 of 1,000); read alone, with the
    # default 20 a page, it would not.
    from articles.views import _back_to_search

    back = _back_to_search(rf.get("/articles/1/", {"q": "网格化", "page": "60", "page_size": "10"}), "网格化")
    assert "page=60" in back and "page_size=10" in back
    assert "page=60" not in _back_to_search(rf.get("/articles/1/", {"q": "网格化", "page": "60"}), "网格化")
