"""The article page: everything a reader needs to read, find their terms, move on and cite."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from articles.models import LISTED_CAPTIONS, Article, Page, with_display_titles
from articles.writer import Action, apply_state, load_state
from ingest.model import Block, BlockKind, Caption as ParsedCaption, County, Page as ParsedPage, ParsedArticle
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
TEXT = "\n".join(["介休市网格化党建", "第一段。", "小标题", "第二段介休。", "春耕时节", "政务动态"])


@pytest.fixture
def story(db):
    page = make_page(paper="晋中日报", date=dt.date(2024, 3, 5), text=TEXT)
    Page.objects.filter(pk=page.pk).update(label="第3版", number=3)
    page.refresh_from_db()
    articles = [
        ParsedArticle(headline="前一篇", blocks=[Block(BlockKind.PARAGRAPH, "介休前文。")], counties=[JIEXIU]),
        ParsedArticle(
            kicker="引题",
            headline="介休市网格化党建激活基层治理",
            subheadline="副题",
            byline=["刘燕", "乔润霞"],
            blocks=[
                Block(BlockKind.PARAGRAPH, "第一段介休。"),
                Block(BlockKind.INTERTITLE, "小标题"),
                Block(BlockKind.PARAGRAPH, "第二段介休，网格化。"),
            ],
            captions=[ParsedCaption(text="春耕时节", credit="张三")],
            counties=[JIEXIU],
            lines=[1, 2, 3, 4, 5],
        ),
        ParsedArticle(captions=[ParsedCaption(text="无题照片的说明。后半句")]),
    ]
    apply_state(page, ParsedPage(articles), user=None, action=Action.EDIT)
    return {a.position: a for a in page.articles.all()}


def test_article_page_shows_every_part(client, story, django_assert_num_queries):
    article = story[1]
    # article (paper, page, issue), counties, captions; the page's articles and the untitled one's
    # first caption; the article's source lines; related stories (all titled: no captions read)
    with django_assert_num_queries(7):
        text = client.get(f"/articles/{article.pk}/").content.decode()
    for part in ("引题", "<h1>介休市网格化党建激活基层治理</h1>", "副题", "刘燕、乔润霞", "晋中日报", "2024年3月5日", "第3版"):
        assert part in text, part
    assert '<h2 class="intertitle">小标题</h2>' in text
    assert "春耕时节" in text and "张三" in text
    assert 'href="/counties/140781/"' in text
    # warm: the related stories come from the cache, checked against what readers may see
    with django_assert_num_queries(7):  # the related rows' query is now their visibility check
        client.get(f"/articles/{article.pk}/")


def test_source_lines_on_demand_without_script(client, story):
    text = client.get(f"/articles/{story[1].pk}/").content.decode()
    details = text[text.index('<details class="source-text">'):text.index("</details>")]
    assert "第二段介休。" in details and "政务动态" not in details  # its own lines only
    assert "<script" not in text


def test_previous_and_next_article_on_the_page(client, story):
    text = client.get(f"/articles/{story[1].pk}/").content.decode()
    assert f'rel="prev" href="/articles/{story[0].pk}/"' in text
    assert f'rel="next" href="/articles/{story[2].pk}/"' in text
    assert "下一篇：无题照片的说明。" in text  # an untitled story's title is its caption's start


def test_arriving_from_a_search_the_pages_other_articles_keep_the_way_back(client, story):
    # Previous, next and the page's list carry the search on: terms marked, "back" kept.
    text = client.get(f"/articles/{story[1].pk}/", {"q": "介休", "county": "140781", "page": "2"}).content.decode()
    trail = "?q=%E4%BB%8B%E4%BC%91&amp;county=140781&amp;page=2"
    assert f'rel="prev" href="/articles/{story[0].pk}/{trail}"' in text
    assert f'rel="next" href="/articles/{story[2].pk}/{trail}"' in text
    siblings = text[text.index('<nav class="siblings"'):]
    assert f'href="/articles/{story[0].pk}/{trail}"' in siblings
    onward = client.get(f"/articles/{story[0].pk}/{trail}".replace("&amp;", "&")).content.decode()
    assert '<mark id="hit-1">介休</mark>' in onward and "回到检索结果" in onward
    assert f'rel="prev" href="/articles/{story[0].pk}/"' in client.get(f"/articles/{story[1].pk}/").content.decode()


def test_a_long_page_lists_only_the_stories_around_the_article(client, django_assert_max_num_queries):
    page = make_page(paper="晋中日报", date=dt.date(2024, 3, 5), text="")
    articles = [ParsedArticle(headline=f"第{i}条简讯", blocks=[Block(BlockKind.PARAGRAPH, f"内容{i}。")]) for i in range(60)]
    apply_state(page, ParsedPage(articles), user=None, action=Action.EDIT)
    by_position = {a.position: a for a in page.articles.all()}
    with django_assert_max_num_queries(8):  # as a short page's: not one query per story
        text = client.get(f"/articles/{by_position[30].pk}/").content.decode()
    listed = text[text.index('id="siblings-heading"'):text.index("</nav>", text.index('id="siblings-heading"'))]
    shown = [int(n) for n in re.findall(r"第(\d+)条简讯", listed)]
    assert shown == list(range(20, 41))  # ten either side, in print order
    assert '<ol start="21">' in listed
    assert "前面还有文章：见本版" in listed and "后面还有文章：见本版" in listed
    assert f'href="{page.get_absolute_url()}"' in listed
    assert f'rel="prev" href="{by_position[29].get_absolute_url()}"' in text
    assert f'rel="next" href="{by_position[31].get_absolute_url()}"' in text
    # At the page's ends the list stops there, with no link past it.
    first = client.get(f"/articles/{by_position[0].pk}/").content.decode()
    assert "前面还有文章" not in first and "后面还有文章" in first and '<ol start="1">' in first
    last = client.get(f"/articles/{by_position[59].pk}/").content.decode()
    assert "后面还有文章" not in last and "前面还有文章" in last


def test_cite_block_gb_t_7714_and_plain_with_permalink(client, story):
    article = story[1]
    text = client.get(f"/articles/{article.pk}/").content.decode()
    # The subheadline is the title's other title information (正题：副题); the kicker is not cited.
    assert "刘燕, 乔润霞. 介休市网格化党建激活基层治理：副题[N]. 晋中日报, 2024-03-05(3)." in text
    assert "刘燕、乔润霞：《介休市网格化党建激活基层治理：副题》，《晋中日报》2024年3月5日第3版。" in text
    assert f"http://testserver/articles/{article.pk}/" in text
    assert article.get_absolute_url() == f"/articles/{article.pk}/"


def test_arriving_from_a_search_marks_the_terms_with_hit_links(client, story):
    text = client.get(f"/articles/{story[1].pk}/", {"q": "介休"}).content.decode()
    ids = re.findall(r'<mark id="hit-(\d+)">介休</mark>', text)
    assert ids == ["1", "2", "3"]  # headline, first and second paragraph
    assert "<h1><mark id=\"hit-1\">介休</mark>市网格化党建激活基层治理</h1>" in text  # no links in the heading
    second = text[text.index('<mark id="hit-2">'):text.index('<mark id="hit-3">')]
    assert 'href="#hit-1" aria-label="上一处"' in second and 'href="#hit-3" aria-label="下一处"' in second
    assert 'href="#hit-1" aria-label="下一处"' in text[text.index('<mark id="hit-3">'):]  # the last leads back
    assert 'href="#hit-1"' in text and "标出 3 处" in text
    plain = client.get(f"/articles/{story[1].pk}/").content.decode()
    assert "<mark" not in plain


def test_highlighting_escapes_the_text(client):
    article = make_article(headline="<b>介休</b>", body="<script>介休</script>")
    Article.objects.update(visible=True)
    text = client.get(f"/articles/{article.pk}/", {"q": "介休"}).content.decode()
    assert "<script>介休" not in text and "&lt;script&gt;" in text
    assert "&lt;b&gt;<mark" in text


def test_odd_query_on_an_article_link_is_ignored(client, story):
    for q in ("🙂", "-介休", "\\", "党" * 500):
        assert client.get(f"/articles/{story[1].pk}/", {"q": q}).status_code == 200


def test_related_stories_share_the_county_and_keywords(client, story):
    near = make_article(headline="介休网格化党建再出新招", body="介休市网格化党建。", counties=(JIEXIU,))
    make_article(headline="别处的新闻", body="无关的内容。")
    Article.objects.update(visible=True)
    text = client.get(f"/articles/{story[1].pk}/").content.decode()
    related = text[text.index('id="related-heading"'):]
    related = related[:related.index("</section>")]
    assert f'href="/articles/{near.pk}/"' in related
    assert "别处的新闻" not in related
    assert related.index("介休网格化党建再出新招") < related.index("前一篇")  # shared keywords first


def test_a_withdrawn_story_leaves_the_cached_related_stories(client, story):
    from articles.writer import set_status

    near = make_article(headline="介休网格化党建再出新招", body="介休市网格化党建。", counties=(JIEXIU,))
    Article.objects.update(visible=True)
    assert f'href="/articles/{near.pk}/"' in client.get(f"/articles/{story[1].pk}/").content.decode()
    set_status(near.page, Page.Status.WITHDRAWN)
    assert f'href="/articles/{near.pk}/"' not in client.get(f"/articles/{story[1].pk}/").content.decode()


def test_untitled_story_is_titled_by_its_caption_or_as_a_photo(client, story):
    untitled = story[2]
    text = client.get(f"/articles/{untitled.pk}/").content.decode()
    assert "<title>无题照片的说明。 - 地方报纸档案</title>" in text
    bare = make_article()
    assert bare.display_title == "图片新闻"


def test_lists_title_a_photo_story_by_its_first_caption_with_text_reading_no_other(client, story):
    page = story[0].page
    photos = ParsedArticle(captions=[ParsedCaption(text="  "), *[ParsedCaption(text=f"第{i}张照片的说明。") for i in range(50)]])
    apply_state(page, ParsedPage([*load_state(page).articles, photos]), user=None, action=Action.EDIT)
    last = with_display_titles(list(Article.objects.filter(page=page).order_by("position")))[-1]
    # its first few captions only (a list quotes them: models.LISTED_CAPTIONS), never all fifty
    assert last.display_title == "第0张照片的说明。" and len(last.first_captions) == LISTED_CAPTIONS < 50
    # The article before it names it so in its "next" link, as the full captions would.
    text = client.get(f"/articles/{story[2].pk}/").content.decode()
    assert "下一篇：第0张照片的说明。" in text


def test_an_article_with_very_many_captions_shows_the_first_and_says_so(client, monkeypatch):
    from articles import views

    monkeypatch.setattr(views, "ARTICLE_CAPTIONS_SHOWN", 3)
    monkeypatch.setattr(views, "ARTICLE_SOURCE_LINES_SHOWN", 4)
    lines = ["图片专版", *[f"第{i}张照片的说明。" for i in range(6)]]
    page = make_page(paper="晋中日报", date=dt.date(2024, 3, 5), text="\n".join(lines))
    many = ParsedArticle(
        headline="图片专版", captions=[ParsedCaption(text=t) for t in lines[1:]], lines=list(range(1, len(lines) + 1))
    )
    apply_state(page, ParsedPage([many]), user=None, action=Action.EDIT)
    text = client.get(f"/articles/{page.articles.get().pk}/").content.decode()
    assert text.count('<figure class="caption">') == 3 and "第2张照片的说明。" in text and "第3张照片" not in text.split("<details")[0]
    assert "只列出前 3 条图片说明。" in text
    source = text[text.index('<details class="source-text">'):text.index("</details>")]
    assert source.count('<td class="num">') == 4 and "只列出前 4 行。" in source and "版面原文（第 1–4 行）" in source
    assert "在整版原文中查看" in source


def test_readers_never_see_a_draft_article(client, story):
    Page.objects.filter(pk=story[1].page_id).update(status=Page.Status.DRAFT)
    Article.objects.update(visible=False)
    assert client.get(f"/articles/{story[1].pk}/").status_code == 404


def test_related_stories_read_their_keywords_from_the_titles_and_the_opening_only():
    # jieba's cost grows faster than the text on some runs (one character repeated): the
    # keywords come from the first KEYWORD_CHARS, so a huge body cannot hold the page up.
    from articles.related import KEYWORD_CHARS, keywords

    story = make_article(headline="介休", body="介休市网格化党建。" + "的" * KEYWORD_CHARS + "平遥古城葫芦丝剪纸非遗")
    found = keywords(story)
    assert "网格化" in found
    assert not {"平遥古城", "葫芦丝", "剪纸", "非遗"} & set(found)


def test_a_number_is_no_keyword_of_related_stories(db):
    from articles.related import KEYWORDS, keywords

    story = make_article(headline="去年我国经济总量990865亿元", body="2019年国内生产总值990865亿元，人均GDP达10276美元，2019年经济运行总体平稳。")
    found = keywords(story)
    assert found and not any(w.isdigit() for w in found) and len(found) <= KEYWORDS


def test_a_photo_storys_credit_is_shown_once_under_its_picture_not_again_as_its_byline(client, db):
    page = make_page(paper="晋中日报", date=dt.date(2024, 3, 5), text="市区龙凤南大街一角\n人间最美四月天。\n记者 张文慧 摄")
    photo = ParsedArticle(
        headline="市区龙凤南大街一角", byline=["张文慧"], byline_text="记者 张文慧 摄",
        captions=[ParsedCaption(text="人间最美四月天。", credit="张文慧", credit_text="记者 张文慧 摄")], lines=[1, 2, 3],
    )
    signed = ParsedArticle(
        headline="春耕", byline=["刘燕"], byline_text="记者 刘燕", blocks=[Block(BlockKind.PARAGRAPH, "春耕正忙。")],
        captions=[ParsedCaption(text="田间", credit="张三", credit_text="张三 摄")],
    )
    apply_state(page, ParsedPage([photo, signed]), user=None, action=Action.EDIT)
    Article.objects.filter(page=page).update(visible=True)
    first, second = page.articles.order_by("position")
    text = client.get(f"/articles/{first.pk}/").content.decode()
    story = text[text.index('<article class="story">'):text.index('<details class="source-text">')]  # not the source lines
    assert story.count("记者 张文慧 摄") == 1 and 'class="byline"' not in story
    assert 'class="byline"' in client.get(f"/articles/{second.pk}/").content.decode()  # a reporter's byline stays
