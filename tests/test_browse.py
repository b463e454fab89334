"""Browsing without a query: papers → a paper's calendar → an issue → a page; home; counties."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, Page
from ingest.model import County
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
JIANG = County("140826", "绛县", "", "运城市", "山西省")
MARCH_5 = dt.date(2024, 3, 5)


def _page(paper="晋中日报", date=MARCH_5, label="第1版", number=1, status=Page.Status.PUBLISHED, text=""):
    page = make_page(paper=paper, date=date, status=status, text=text)
    Page.objects.filter(pk=page.pk).update(label=label, number=number)
    page.refresh_from_db()
    return page


@pytest.fixture
def archive(db):
    """晋中日报: two issues in 2024 (two pages on 3 March 5), one in 2023; a draft issue; 吕梁日报 undated."""
    front = _page(label="第1版", number=1)
    third = _page(label="第3版", number=3)
    make_article(page=third, headline="第三版的稿子", body="正文。", counties=(JIEXIU,))
    make_article(page=front, headline="头版头条", body="介休的消息。", counties=(JIEXIU,))
    make_article(page=front, headline="头版二条", body="绛县的消息。", counties=(JIANG,))
    make_article(page=_page(date=dt.date(2024, 4, 1)), headline="四月", body="正文。")
    make_article(page=_page(date=dt.date(2023, 12, 31)), headline="去年", body="正文。")
    make_article(page=_page(date=dt.date(2024, 5, 1), status=Page.Status.DRAFT), headline="草稿里的", body="正文。", counties=(JIEXIU,))
    make_article(page=_page(paper="吕梁日报", date=None, label="", number=None), headline="无日期", body="正文。")
    Article.objects.filter(page__status=Page.Status.PUBLISHED).update(visible=True)  # make_page writes no copies
    return {"front": front, "third": third}


def test_papers_list_each_paper_with_its_issue_count_and_date_range(client, archive, django_assert_num_queries):
    with django_assert_num_queries(1):
        text = client.get("/papers/").content.decode()
    assert "晋中日报" in text and "吕梁日报" in text
    assert "3 期" in text  # the draft issue of 2024-05-01 is not counted
    assert "2023年12月31日 至 2024年4月1日" in text
    assert "日期不详的版面" in text


def test_paper_calendar_links_each_issue_of_the_latest_year(client, archive, django_assert_num_queries):
    paper = archive["front"].issue.newspaper
    with django_assert_num_queries(3):
        text = client.get(f"/papers/{paper.pk}/").content.decode()
    assert f'href="/papers/{paper.pk}/2024-03-05/"' in text
    assert f'href="/papers/{paper.pk}/2024-04-01/"' in text
    assert "2024-05-01" not in text  # a draft issue
    assert f'href="/papers/{paper.pk}/2023/"' in text
    older = client.get(f"/papers/{paper.pk}/2023/").content.decode()
    assert f'href="/papers/{paper.pk}/2023-12-31/"' in older
    assert client.get(f"/papers/{paper.pk}/2019/").status_code == 404
    assert client.get("/papers/晋中日报/").status_code == 200  # by name too
    assert client.get("/papers/999999/").status_code == 404
    make_page(paper="只有草稿报", date=MARCH_5, status=Page.Status.DRAFT)
    assert client.get("/papers/只有草稿报/").status_code == 404  # readers never see draft-only papers
    assert "只有草稿报" not in client.get("/papers/").content.decode()


def test_issue_lists_its_pages_in_order_with_their_stories(client, archive, django_assert_num_queries):
    paper = archive["front"].issue.newspaper
    # paper, count, pages, their stories, previous and next issue (every story titled: no captions read)
    with django_assert_num_queries(6):
        response = client.get(f"/papers/{paper.pk}/2024-03-05/")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("第1版") < text.index("头版头条") < text.index("头版二条") < text.index("第3版") < text.index("第三版的稿子")
    assert f'href="/pages/{archive["front"].pk}/"' in text
    assert f'href="/papers/{paper.pk}/2023-12-31/"' in text and f'href="/papers/{paper.pk}/2024-04-01/"' in text


def test_an_issue_lists_a_long_pages_first_stories_and_links_the_rest(client, archive, django_assert_num_queries, monkeypatch):
    from articles import views

    monkeypatch.setattr(views, "ISSUE_STORIES_PER_PAGE", 1)  # the front page has two stories
    paper = archive["front"].issue.newspaper
    with django_assert_num_queries(6):  # as before: the cut with the stories, the counts with the pages
        text = client.get(f"/papers/{paper.pk}/2024-03-05/").content.decode()
    front = text[text.index("第1版"):text.index("第3版")]
    assert "头版头条" in front and "头版二条" not in front
    assert "2 篇" in front and "还有 1 篇：见这一版" in front and f'href="{archive["front"].get_absolute_url()}"' in front
    third = text[text.index("第3版"):]
    assert "第三版的稿子" in third and "还有" not in third


def test_undated_pages_make_one_issue_and_bad_dates_are_404(client, archive):
    from articles.models import Newspaper

    paper = Newspaper.objects.get(name="吕梁日报")
    assert "无日期" in client.get(f"/papers/{paper.pk}/undated/").content.decode()
    assert client.get(f"/papers/{paper.pk}/2024-02-30/").status_code == 404
    assert client.get(f"/papers/{paper.pk}/2024-03-05/").status_code == 404
    draft_day = client.get(f"/papers/{archive['front'].issue.newspaper_id}/2024-05-01/")
    assert draft_day.status_code == 404


def test_a_day_or_year_without_an_issue_offers_the_papers_calendar(client, archive):
    paper_id = archive["front"].issue.newspaper_id
    for path, up in (
        (f"/papers/{paper_id}/2024-03-06/", f'href="/papers/{paper_id}/2024/"'),  # no issue that day
        (f"/papers/{paper_id}/2024-02-30/", f'href="/papers/{paper_id}/"'),  # no such day
        (f"/papers/{paper_id}/1999/", f'href="/papers/{paper_id}/"'),  # no issue that year
        (f"/papers/{paper_id}/2030-01-01/", f'href="/papers/{paper_id}/"'),  # nor that day's year
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert f"<a {up}>晋中日报的往期</a> · " in response.content.decode(), path
    unknown = client.get("/counties/火星县/").content.decode()
    assert '<a href="/counties/">按县区浏览</a> · ' in unknown
    # A paper with no public page is not told apart from none: no calendar offered.
    from articles.models import Newspaper

    hidden = Newspaper.objects.create(name="只有草稿的报纸")
    assert "往期" not in client.get(f"/papers/{hidden.pk}/2024-03-05/").content.decode()


def test_old_issue_links_still_lead_to_the_page(client, archive):
    page = archive["front"]
    old = client.get(f"/issues/{page.pk}/")
    assert old.status_code == 301 and old["Location"] == f"/pages/{page.pk}/"


def test_page_shows_articles_in_print_order_and_furniture_as_such(client, archive, django_assert_num_queries):
    page = _page(date=dt.date(2024, 6, 1), text="创建示范区\n头条\n正文。\n政务动态\n")
    make_article(page=page, headline="头条", body="正文。")
    Page.objects.filter(pk=page.pk).update(furniture=[{"line": 1, "kind": "banner", "text": "创建示范区"}, {"line": 4, "kind": "column", "text": "政务动态"}])
    with django_assert_num_queries(2):  # the page, its articles (titled: no captions read)
        text = client.get(f"/pages/{page.pk}/").content.decode()
    assert "通栏标语" in text and "栏目名" in text
    assert 'href="/papers/' in text and "2024年6月1日" in text  # back to its issue


def test_home_is_cheap_latest_issues_stories_and_top_counties(client, archive, django_assert_num_queries):
    # cold: counties with counts, latest issues, latest stories + their counties, total (every
    # story titled: no captions read)
    with django_assert_num_queries(5):
        text = client.get("/").content.decode()
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
    assert "2024年4月1日" in text and "四月" in text
    assert "草稿里的" not in text and "2024年5月1日" not in text  # a draft issue is not the latest
    assert 'href="/counties/140781/"' in text and 'href="/counties/"' in text
    for url in ("/papers/", "/counties/", "/search"):  # header nav: every page is reachable from home
        assert f'href="{url}"' in text


def test_counties_grouped_by_province_and_prefecture_count_visible_stories_only(client, archive, django_assert_num_queries):
    with django_assert_num_queries(5):  # the home page's cached summary, shared
        text = client.get("/counties/").content.decode()
    assert text.index("山西省") < text.index("晋中市") < text.index("介休市") < text.index("运城市") < text.index("绛县")
    jiexiu = text[text.index("介休市"):]
    assert jiexiu.split("</li>")[0].endswith('<span class="muted">2</span>')  # the draft's story not counted


def test_counties_list_provinces_in_the_order_of_their_division_codes(client, archive):
    for county in (County("310101", "黄浦区", "", "上海市", "上海市"), County("110101", "东城区", "", "北京市", "北京市")):
        make_article(headline=f"{county.name}的消息", body="正文。", counties=(county,))
    Article.objects.update(visible=True)
    text = client.get("/counties/").content.decode()
    # 北京 11, 山西 14, 上海 31 (by their names' code points: 上海, 北京, 山西)
    assert text.index("北京市") < text.index("山西省") < text.index("上海市")


def test_county_page_lists_stories_newest_first_with_paging(client, archive, django_assert_num_queries):
    for day in range(1, 26):
        make_article(date=dt.date(2022, 1, day), headline=f"介休一月{day}日", body="正文。", counties=(JIEXIU,))
    Article.objects.update(visible=True)
    Article.objects.filter(page__status=Page.Status.DRAFT).update(visible=False)
    # the county, capped count (savepoint, SET, count, release), rows, their counties, captions
    with django_assert_num_queries(8):
        first = client.get("/counties/介休市/").content.decode()
    assert first.index("第三版的稿子") < first.index("介休一月25日")
    assert "草稿里的" not in first and 'rel="next"' in first
    second = client.get("/counties/介休市/?page=2").content.decode()
    assert "介休一月1日" in second


def test_county_page_names_the_townships_its_stories_mention(client, archive, django_assert_num_queries):
    make_article(date=dt.date(2024, 6, 1), headline="北关街道的新事", body="介休市北关街道办了一场讲座。", counties=(JIEXIU,))
    make_article(date=dt.date(2024, 6, 2), headline="两地", body="介休市北关街道、西关街道共建。古绛镇也来了。", counties=(JIEXIU,))
    Article.objects.update(visible=True)
    Article.objects.filter(page__status=Page.Status.DRAFT).update(visible=False)
    with django_assert_num_queries(8):  # the townships are read from the rows' own text: no query
        text = client.get("/counties/140781/").content.decode()
    summary = text[text.index('class="townships"'):].split("</p>")[0]
    # Each township with its stories on this page, most first, linking to a search within the county.
    assert summary.index("北关街道") < summary.index("西关街道")
    assert '<a href="/search?q=%E5%8C%97%E5%85%B3%E8%A1%97%E9%81%93&amp;county=140781">北关街道</a> <span class="muted">2</span>' in summary
    assert "古绛镇" not in summary and ">古绛镇</a>" not in text  # 绛县's township, not 介休's
    rows = text.split('<li class="result">')[1:]
    labelled = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in rows}
    assert 'class="township"' in labelled["北关街道的新事"] and "西关街道" in labelled["两地"]
    assert 'class="township"' not in labelled["头版头条"]


def test_untitled_story_has_a_title_everywhere(client, db, django_assert_num_queries):
    photo = make_article(captions=("春耕时节，农民在田间忙碌。摄影 张三",), counties=(JIEXIU,))
    bare = make_article(counties=(JIEXIU,))
    Article.objects.update(visible=True)
    county = client.get("/counties/140781/").content.decode()
    page = client.get(photo.page.get_absolute_url()).content.decode()
    for text in (county, page, client.get("/").content.decode()):
        assert "春耕时节，农民在田间忙碌。" in text
    assert "图片新闻" in client.get(bare.get_absolute_url()).content.decode()
    assert "<h1>图片新闻</h1>" in client.get(bare.get_absolute_url()).content.decode()


def test_browse_urls_are_stable(client, archive):
    paper = archive["front"].issue.newspaper
    for url in ("/papers/", f"/papers/{paper.pk}/", f"/papers/{paper.pk}/2024/", f"/papers/{paper.pk}/2024-03-05/", "/counties/"):
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url


def test_a_long_page_is_shown_a_part_at_a_time(client, db, django_assert_num_queries):
    from articles import views

    lines = [f"第{n}行。" for n in range(1, 2501)]
    page = _page(date=dt.date(2024, 7, 1), text="\n".join(lines))
    story = make_article(page=page, headline="长文", body="正文。")
    Article.objects.filter(pk=story.pk).update(lines=[1, 2])
    with django_assert_num_queries(2):  # the page with its part of the text, its articles (titled)
        first = client.get(f"/pages/{page.pk}/").content.decode()
    assert views.LINES_PER_SCREEN == 1000
    assert "第1000行。" in first and "第1001行。" not in first and "第 1 部分" in first
    last = client.get(f"/pages/{page.pk}/", {"part": 3}).content.decode()
    assert "第2500行。" in last and "第2000行。" not in last and 'id="line-2001"' in last
    assert "长文" in first and "长文" not in last
    assert 'rel="next"' not in last and 'rel="next" href="?part=2"' in first  # each part lists its own articles
    assert "· 1 篇文章" in last  # the header counts the whole page's, as the issue lists it
    assert client.get(f"/pages/{page.pk}/", {"part": 4}).status_code == 404
    assert client.get(f"/pages/{page.pk}/", {"part": 99999999999}).status_code == 404  # past int4: not a 500


def test_a_paper_id_is_ascii_digits_and_other_digits_are_404(client, archive):
    # str.isdigit took "²" and "①" (int() then failed: a 500) and "５", which served paper 5 at
    # a second address; only ASCII digits are an id, the rest a name no paper has.
    paper = archive["front"].issue.newspaper
    full_width = str(paper.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.get(f"/papers/{paper.pk}/").status_code == 200
    for key in ("²", "①", full_width, "٣", f"{paper.pk}²"):
        assert client.get(f"/papers/{key}/").status_code == 404, key
        assert client.get(f"/papers/{key}/2024-03-05/").status_code == 404, key


@pytest.mark.parametrize("date", [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(999, 2, 3)])
def test_a_paper_dated_at_the_ends_of_the_calendar_is_shown(client, db, date):
    # Uploads now refuse such dates (ingest/manifest.py issue_date_in_range), but pages stored
    # before may carry them: the calendar of year 9999 once failed building the padding of its
    # last week (a day after 9999-12-31), and the paper's page defaults to its latest year.
    make_article(page=_page(paper="边界日报", date=date), headline="边界", body="正文。")
    make_article(page=_page(paper="边界日报", date=dt.date(2024, 1, 2)), headline="平常", body="正文。")
    Article.objects.update(visible=True)
    paper = Page.objects.filter(issue__date=date).get().issue.newspaper
    latest = client.get(f"/papers/{paper.pk}/")
    assert latest.status_code == 200
    response = client.get(f"/papers/{paper.pk}/{date.year}/")
    assert response.status_code == 200
    assert f'href="/papers/{paper.pk}/{date.isoformat()}/"' in response.content.decode()
    assert client.get(f"/papers/{paper.pk}/{date.isoformat()}/").status_code == 200


def test_a_county_page_past_its_last_page_does_not_say_the_county_has_no_stories(client, archive):
    text = client.get("/counties/140781/", {"page_size": "1", "page": "5"}).content.decode()
    assert "已经过了最后一页" in text
    assert "暂无报道" not in text  # the county has two stories, on pages 1 and 2


def test_a_county_page_refuses_a_page_number_given_twice_as_search_does(client, archive):
    response = client.get("/counties/140781/?page=1&page=2")
    assert response.status_code == 400
    assert "每个参数只能给一次" in response.content.decode()


def test_an_impossible_day_is_said_to_be_no_such_day_not_a_bad_format(client, archive):
    paper = archive["front"].issue.newspaper
    missing = client.get(f"/papers/{paper.pk}/2025-02-30/")
    assert missing.status_code == 404 and "没有 2025-02-30 这一天" in missing.content.decode()
    refused = client.get("/search", {"q": "介休", "date_from": "2025-02-30"})
    assert refused.status_code == 400 and "没有 2025-02-30 这一天" in refused.content.decode()
    assert client.get("/api/articles", {"date_to": "2025-13-01"}).json()["error"] == "date_to：没有 2025-13-01 这一天"


def test_undated_pages_without_a_label_are_told_apart_by_their_file(client, archive):
    other = _page(paper="吕梁日报", date=None, label="", number=None)
    make_article(page=other, headline="另一版", body="正文。")
    Article.objects.filter(page=other).update(visible=True)
    paper = other.issue.newspaper
    listed = client.get(f"/papers/{paper.pk}/undated/").content.decode()
    names = {p.source_name for p in Page.objects.filter(issue__newspaper=paper)}
    assert len(names) == 2 and all(name in listed for name in names)
    assert other.source_name in client.get(f"/pages/{other.pk}/").content.decode().split("</title>")[0]
