"""Every page renders, escapes what it shows, and runs a bounded number of queries."""

from __future__ import annotations

import pytest

from articles.models import Article, County, Page
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_home_lists_issues_and_counties(client, seeds, django_assert_max_num_queries):
    # Cold cache: counties, latest issues, latest stories (+ their counties and captions), total;
    # warm: none (tests/test_browse.py).
    with django_assert_max_num_queries(6):
        response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "晋中日报" in text and "介休市" in text and 'name="q"' in text


def test_search_page_lists_jiexiu_stories_with_marks(client, seeds, django_assert_max_num_queries):
    # estimate + capped count (4 with its savepoint) + ranking (savepoint, plan, release, table
    # size; per tier an estimate, a read, a check) + rows + prefetch + facet sample (the same, one
    # tier) + three facet queries + the rows' captions (untitled stories' titles) + the county
    # named by a term (the "only this county" offer)
    with django_assert_max_num_queries(30):
        response = client.get("/search", {"q": "介休"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "介休市网格化党建激活基层治理" in text
    assert "<mark>介休</mark>" in text
    assert "县区" in text  # facets


def test_search_page_without_query_invites_one(client):
    response = client.get("/search")
    assert response.status_code == 200


def test_search_page_bad_input_is_400_with_message(client):
    response = client.get("/search", {"q": "x", "page": "abc"})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_article_page_shows_the_whole_article(client, seeds, django_assert_max_num_queries):
    article = Article.objects.filter(captions__isnull=False).first()
    # article, its counties, captions; the page's other articles and their captions; its source
    # lines; related stories and their captions (cached after this)
    with django_assert_max_num_queries(8):
        response = client.get(f"/articles/{article.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert article.headline in text
    assert article.captions.first().text in text


def test_county_page_by_name_and_code(client, seeds, django_assert_max_num_queries):
    county = County.objects.get(name="介休市")
    with django_assert_max_num_queries(9):
        response = client.get("/counties/介休市/")
    assert response.status_code == 200
    assert client.get(f"/counties/{county.code}/").status_code == 200
    assert client.get("/counties/没有这个县/").status_code == 404


def test_page_view_shows_every_line(client, seeds, django_assert_max_num_queries):
    page = Page.objects.first()
    with django_assert_max_num_queries(4):
        response = client.get(f"/pages/{page.pk}/")
    assert response.status_code == 200
    # The page's address before issues and pages were told apart still leads there.
    old = client.get(f"/issues/{page.pk}/")
    assert old.status_code == 301 and old["Location"] == f"/pages/{page.pk}/"


def test_everything_rendered_is_escaped(client):
    article = make_article(headline="<script>alert(1)</script>标题", body="<b>正文</b>里有介休")
    detail = client.get(f"/articles/{article.pk}/").content.decode()
    results = client.get("/search", {"q": "介休"}).content.decode()
    for text in (detail, results):
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;" in text
    assert "&lt;b&gt;正文&lt;/b&gt;" in results


def test_public_urls_are_stable(client, seeds):
    # Permalinks are cited by readers and libraries: a change must fail loudly.
    article = Article.objects.first()
    assert article.get_absolute_url() == f"/articles/{article.pk}/"
    assert County.objects.get(name="介休市").get_absolute_url() == "/counties/140781/"
    for url in ("/", "/search?q=%E4%BB%8B%E4%BC%91", "/api/articles", "/healthz"):
        assert client.get(url).status_code == 200, url


def test_article_page_shows_the_byline_as_printed(client):
    article = make_article(headline="标题", body="正文。", byline=("刘燕", "乔润霞"))
    text = client.get(f"/articles/{article.pk}/").content.decode()
    assert "刘燕、乔润霞" in text
    Article.objects.filter(pk=article.pk).update(byline_text="本报讯(记者 刘燕)")
    text = client.get(f"/articles/{article.pk}/").content.decode()
    assert "本报讯(记者 刘燕)" in text and "本、报" not in text


def test_front_page_counts_follow_a_committed_ingest(client, django_capture_on_commit_callbacks):
    from articles.writer import PageMeta, ingest_file
    from tests.conftest import SEED_FILES

    assert "收录 0 篇" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(
            SEED_FILES[0].name, SEED_FILES[0].read_bytes(), PageMeta(paper="晋中日报", prefecture_code="1407"),
            status=Page.Status.PUBLISHED,
        )
    text = client.get("/").content.decode()
    assert "收录 0 篇" not in text and "介休市" in text


def test_a_withdrawal_in_another_process_reaches_this_ones_front_page(client, django_capture_on_commit_callbacks):
    from articles import views
    from articles.writer import PageMeta, ingest_file, set_status
    from tests.conftest import SEED_FILES

    with django_capture_on_commit_callbacks(execute=True):
        page = ingest_file(
            SEED_FILES[0].name, SEED_FILES[0].read_bytes(), PageMeta(paper="晋中日报", prefecture_code="1407"),
            status=Page.Status.PUBLISHED,
        ).page
    assert "介休市" in client.get("/").content.decode()
    kept = dict(views._kept_summary)
    with django_capture_on_commit_callbacks(execute=True):
        set_status(page, Page.Status.WITHDRAWN)
    # This process's copy is still there, as another worker's would be; the shared generation
    # the withdrawal deleted is what makes it stale.
    views._kept_summary.update(kept)
    assert "收录 0 篇" in client.get("/").content.decode()


def test_body_text_is_stored_once_and_read_in_print_order(client):
    from articles.writer import Action, apply_state
    from ingest.model import Block, BlockKind, Page as ParsedPage, ParsedArticle
    from tests.factories import make_page

    parsed = ParsedArticle(
        headline="标题",
        blocks=[
            Block(BlockKind.PARAGRAPH, "第一段。"),
            Block(BlockKind.INTERTITLE, "小标题"),
            Block(BlockKind.PARAGRAPH, "第二段。"),
            Block(BlockKind.JUMP, "（下转第3版）"),
        ],
    )
    page = make_page()
    apply_state(page, ParsedPage([parsed]), user=None, action=Action.EDIT)
    article = page.articles.get()
    assert article.blocks == [{"kind": "p"}, {"kind": "h", "text": "小标题"}, {"kind": "p"}, {"kind": "j", "text": "（下转第3版）"}]
    assert [b["text"] for b in article.reading_order()] == ["第一段。", "小标题", "第二段。", "（下转第3版）"]
    # A correction that adds a paragraph to the body shows it too.
    article.body += "\n第三段。"
    assert article.reading_order()[-1] == {"kind": "p", "text": "第三段。"}
    text = client.get(article.get_absolute_url()).content.decode()
    assert text.index("第一段") < text.index("小标题") < text.index("第二段")
