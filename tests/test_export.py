"""Bulk export as JSON Lines: ``manage.py export``, the download view and the exports page."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import tracemalloc
import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core.management import CommandError, call_command

from articles import export
from articles.models import Article, Newspaper, Page
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(db) -> list[Article]:
    """晋中日报 2025: two pages of two stories, a 2024 story, another paper's, and a draft's."""
    first = make_page(paper="晋中日报", date=dt.date(2025, 3, 2))
    second = make_page(paper="晋中日报", date=dt.date(2025, 1, 5))
    stories = [
        make_article(page=second, headline="一月头条", body="正文一\n正文二", captions=("图一",), byline=("张三",)),
        make_article(page=second, headline="一月二条"),
        make_article(page=first, headline="三月头条"),
        make_article(page=first, headline="三月二条"),
    ]
    make_article(paper="晋中日报", date=dt.date(2024, 12, 31), headline="去年")
    make_article(paper="运城日报", date=dt.date(2025, 6, 1), headline="别报")
    draft = make_page(paper="晋中日报", date=dt.date(2025, 2, 1), status=Page.Status.DRAFT)
    make_article(page=draft, headline="草稿不导出")
    return stories


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_one_api_detail_per_line_in_print_order(client, year_2025):
    out, err = run("--paper", "晋中日报", "--year", "2025")
    lines = out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["headline"] for r in rows] == ["一月头条", "一月二条", "三月头条", "三月二条"]
    # Every field of the API's detail, with the same values.
    for row in rows:
        assert row == client.get(f"/api/articles/{row['id']}").json()
    assert "正文一" in lines[0]  # UTF-8 as is, not \\u escapes
    assert "4 篇" in err


def test_command_writes_a_file(tmp_path, year_2025):
    target = tmp_path / "jz-2025.jsonl"
    out, err = run("--paper", "晋中日报", "--year", "2025", "-o", str(target))
    assert out == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    assert not list(tmp_path.glob("*.partial"))


def test_command_refuses_an_unknown_paper_or_a_bad_year(year_2025):
    with pytest.raises(CommandError, match="没有名为 '人民日报' 的报纸.*晋中日报"):
        run("--paper", "人民日报", "--year", "2025")
    with pytest.raises(CommandError, match="--year"):
        run("--paper", "晋中日报", "--year", "去年")


def test_command_on_an_empty_year_warns_and_writes_nothing(year_2025):
    out, err = run("--paper", "晋中日报", "--year", "1999")
    assert out == "" and "没有公开的文章" in err


def test_undated_articles_have_their_own_file(seeds):
    out, _ = run("--paper", "运城日报", "--year", "undated")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == Article.objects.visible().filter(newspaper__name="运城日报", date=None).count() > 0
    assert all(r["page"]["date"] is None for r in rows)


def test_batches_are_read_by_keyset_in_constant_queries(year_2025, django_assert_num_queries):
    slot = export.Slot(Newspaper.objects.get(name="晋中日报"), 2025)
    # batches of 3: [3 stories, 1 story]; each batch is rows + captions + counties
    with django_assert_num_queries(6):
        rows = [json.loads(line) for line in export.export_lines(slot, batch=3)]
    assert [r["headline"] for r in rows] == ["一月头条", "一月二条", "三月头条", "三月二条"]
    with django_assert_num_queries(3 * 4 + 1):  # batches of one, and the empty read at the end
        assert len(list(export.export_lines(slot, batch=1))) == 4


def _page_of(paper: str, n: int, body: str) -> Page:
    """One page of ``n`` stories, written in one go."""
    from articles.writer import Action, apply_state, load_state
    from ingest.model import Block, BlockKind, ParsedArticle

    page = make_page(paper=paper, date=dt.date(2025, 5, 5))
    state = load_state(page)
    state.articles.extend(
        ParsedArticle(headline=f"第{i}篇", blocks=[Block(BlockKind.PARAGRAPH, body)]) for i in range(n)
    )
    apply_state(page, state, user=None, action=Action.EDIT, summary="test")
    return page


def test_memory_stays_flat_however_many_articles(db):
    _page_of("大报", 60, "正文" * 5_000)
    slot = export.Slot(Newspaper.objects.get(name="大报"), 2025)

    def peak(batch: int) -> int:
        tracemalloc.start()
        try:
            for _ in export.export_lines(slot, batch=batch):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(5)  # the first read also allocates what every later one reuses (compiled queries, …)
    # Reading 60 long articles 5 at a time must not hold all 60 at once (nor keep earlier batches
    # alive in reference cycles until the garbage collector runs).
    assert peak(5) < peak(60) * 0.5


@pytest.mark.django_db(transaction=True)
def test_an_export_reads_one_snapshot(counties):
    """Outside a transaction, the export opens its own (REPEATABLE READ): what another connection
    changes while it runs is read as it was when the export began."""
    page = _page_of("快照日报", 4, "正文")
    lines = export.export_lines(export.Slot(Newspaper.objects.get(name="快照日报"), 2025), batch=2)
    first = json.loads(next(lines))

    def edit() -> None:
        from django.db import connection

        try:
            Article.objects.filter(page=page).update(headline="改过了")
        finally:
            connection.close()

    worker = threading.Thread(target=edit)
    worker.start()
    worker.join()
    rest = [json.loads(line) for line in lines]
    assert [r["headline"] for r in [first, *rest]] == ["第0篇", "第1篇", "第2篇", "第3篇"]
    assert set(Article.objects.filter(page=page).values_list("headline", flat=True)) == {"改过了"}


def test_download_streams_the_same_lines(client, year_2025, django_assert_max_num_queries):
    out, _ = run("--paper", "晋中日报", "--year", "2025")
    url = f"/export/{quote('晋中日报')}/2025.jsonl"
    with django_assert_max_num_queries(5):  # paper, exists, rows, captions, counties
        response = client.get(url)
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    paper_id = Newspaper.objects.get(name="晋中日报").pk
    assert response["Content-Disposition"] == (
        f'attachment; filename="paper-{paper_id}-2025.jsonl"; filename*=utf-8\'\'' + quote("晋中日报-2025.jsonl")
    )
    assert body == out


def test_download_of_nothing_is_404(client, year_2025):
    assert client.get(f"/export/{quote('人民日报')}/2025.jsonl").status_code == 404
    assert client.get(f"/export/{quote('晋中日报')}/1999.jsonl").status_code == 404
    for year in (0, 10000, 99999):  # no such date: a 404, not a 500
        assert client.get(f"/export/{quote('晋中日报')}/{year}.jsonl").status_code == 404
    # A year with only a draft's stories has nothing a reader may see.
    make_article(page=make_page(paper="晋中日报", date=dt.date(2023, 1, 1), status=Page.Status.DRAFT), headline="草稿")
    assert client.get(f"/export/{quote('晋中日报')}/2023.jsonl").status_code == 404
    assert client.head(f"/export/{quote('晋中日报')}/2025.jsonl").status_code == 200


def test_exports_page_lists_paper_and_year_with_counts(client, year_2025, seeds, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/export/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="/export/{quote("晋中日报")}/2025.jsonl"' in text
    assert f'href="/export/{quote("晋中日报")}/2024.jsonl"' in text
    assert f'href="/export/{quote("运城日报")}/undated.jsonl"' in text
    rows = {(r.paper, r.year): r.count for r in export.summary()}
    assert rows[("晋中日报", 2025)] == 4  # not the draft's
    assert rows[("晋中日报", 2024)] == 1
    assert [r.year for r in export.summary() if r.paper == "晋中日报"][:2] == [2025, 2024]
    for link in ("/export/", "/api/openapi.json"):
        assert f'href="{link}"' in client.get("/").content.decode()  # reachable from the footer


def test_a_paper_name_with_a_slash_is_listed_and_downloadable(client, year_2025):
    # A name such as 人民日报/海外版 once made the exports page a 500 for every reader: its link
    # could not be built (Django's "str" converter stops at "/").
    make_article(paper="斜杠/日报", date=dt.date(2025, 5, 1), headline="斜杠头条")
    make_article(paper="斜杠/日报", headline="斜杠无日期")
    page = client.get("/export/")
    text = page.content.decode()
    assert page.status_code == 200
    for year, headline in (("2025", "斜杠头条"), ("undated", "斜杠无日期")):
        href = f"/export/{quote('斜杠/日报')}/{year}.jsonl"
        assert f'href="{href}"' in text
        response = client.get(href)
        assert response.status_code == 200
        (row,) = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
        assert row["headline"] == headline
    # The file's name keeps no "/" (a browser would take it for a folder).
    assert "filename*=utf-8''" + quote("斜杠_日报-2025.jsonl") in client.get(f"/export/{quote('斜杠/日报')}/2025.jsonl")["Content-Disposition"]
    # The documented addresses (docs/API.md) are unchanged.
    assert client.get("/export/%E6%99%8B%E4%B8%AD%E6%97%A5%E6%8A%A5/2025.jsonl").status_code == 200
    assert client.get(f"/export/{quote('斜杠')}/2025.jsonl").status_code == 404  # part of a name is no name


@pytest.mark.parametrize("name", ["人民日报/海外版/", "百分%报", "问号?报#井号", "换\n行报", "点..报", "2025"])
def test_any_paper_name_gets_a_link_that_downloads(client, db, name):
    make_article(paper=name, date=dt.date(2025, 5, 1), headline="怪名头条")
    href = f"/export/{quote(name)}/2025.jsonl"
    assert f'href="{href}"' in client.get("/export/").content.decode()
    response = client.get(href)
    assert response.status_code == 200 and "怪名头条" in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("name", ["..", ".", "晋中/..", "人民/./日报", "%2E%2E", "晋中日报", "点..报"])
def test_every_download_link_survives_the_browsers_path_steps(client, db, name):
    # A browser resolves "." and ".." segments (and "%2E%2E") before it sends a request: the
    # link of a paper named ".." led to /export/2025.jsonl, a 404. Such a name is linked by its id.
    article = make_article(paper=name, date=dt.date(2025, 5, 1), headline="路径头条")
    make_article(paper=name, headline="路径无日期")
    text = client.get("/export/").content.decode()
    hrefs = [h for h in re.findall(r'href="(/export/[^"]+\.jsonl)"', text)]
    assert len(hrefs) == 2
    for href, headline in zip(hrefs, ("路径头条", "路径无日期")):
        assert urlsplit(urljoin("http://testserver/export/", href)).path == href  # as a browser sends it
        response = client.get(href)
        assert response.status_code == 200
        (row,) = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
        assert row["headline"] == headline
    by_id = f"/export/paper-{article.newspaper_id}-2025.jsonl"
    assert (by_id in hrefs) == (name in ("..", ".", "晋中/..", "人民/./日报"))
    assert client.get(f"/export/paper-{article.newspaper_id + 999}-2025.jsonl").status_code == 404


def test_a_year_before_1000_is_exported_and_a_year_no_date_has_is_refused(client, year_2025):
    # The year once went into the date range as text: "999-01-01" is no date, and both the
    # download and the command failed with a traceback.
    make_article(paper="晋中日报", date=dt.date(999, 6, 1), headline="千年以前")
    out, _ = run("--paper", "晋中日报", "--year", "999")
    assert [json.loads(line)["headline"] for line in out.splitlines()] == ["千年以前"]
    response = client.get(f"/export/{quote('晋中日报')}/999.jsonl")
    assert response.status_code == 200 and "千年以前" in b"".join(response.streaming_content).decode()
    assert f'href="/export/{quote("晋中日报")}/999.jsonl"' in client.get("/export/").content.decode()
    assert client.get(f"/export/{quote('晋中日报')}/998.jsonl").status_code == 404
    for year in ("0", "10000", "-5"):
        with pytest.raises(CommandError, match="--year"):
            run("--paper", "晋中日报", "--year", year)
