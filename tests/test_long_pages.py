"""Long page files shown a part at a time on the editors' and admins' pages too: the preview and
the correction page list a part's source lines and the articles holding them, numbered as on the
whole page (a 100,000-line page took 8–11 s and 20 MB whole to preview, 20–30 s to correct), and
the correction forms come back to their part."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from articles import writer
from articles.models import Article, Page
from articles.paging import LINES_PER_SCREEN
from articles.roles import Role
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

META = writer.PageMeta(paper="测试日报", date=dt.date(2025, 5, 1), label="第7版")


def long_page(stories: int = 400) -> Page:
    """A page of short signed stories, six lines each: 2,400 lines, three parts."""
    lines = []
    for i in range(stories):
        lines += [f"介休市第{i}次会议召开", f"本报讯 第{i}篇消息开幕。", f"第{i}篇的第一段内容丰富多彩。", f"第{i}篇的第二段。", f"(记者 王{i})", ""]
    return writer.ingest_file("long.txt", "\n".join(lines).encode(), META, status=Page.Status.DRAFT).page


def test_the_preview_of_a_long_page_shows_a_part_with_its_articles_numbered_as_on_the_page(counties):
    page = long_page()
    editor = signed_in("ed", Role.EDITOR)
    first = editor.get(f"/pages/{page.pk}/preview/").content.decode()
    assert "第 1 部分" in first and 'href="?part=2"' in first
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', first)]
    assert numbers[0] == 1 and max(numbers) <= LINES_PER_SCREEN
    second = editor.get(f"/pages/{page.pk}/preview/?part=2").content.decode()
    shown = {int(n) for n in re.findall(r'<article class="story preview-story" id="a(\d+)"', second)}
    holding = {
        a.position + 1
        for a in Article.objects.filter(page=page)
        if any(LINES_PER_SCREEN < n <= 2 * LINES_PER_SCREEN for n in a.lines)
    }
    assert shown == holding and min(shown) > 1  # numbered as on the whole page
    for number in shown:  # each line's article is linked to its place on this part
        assert f'href="#a{number}"' in second
    assert f"{page.articles.count()} 篇文章" in second  # the whole page's count
    assert 'href="?part=1"' in second and 'href="?part=3"' in second
    assert editor.get(f"/pages/{page.pk}/preview/?part=4").status_code == 404
    assert editor.get(f"/pages/{page.pk}/preview/?part=x").status_code == 404


def test_the_correction_page_of_a_long_page_shows_a_part_and_its_forms_come_back_to_it(counties):
    from tests.forms_as_sent import form_as_sent

    page = long_page()
    admin = signed_in("adm", Role.ADMIN)
    html = admin.get(f"/pages/{page.pk}/correct/?part=2").content.decode()
    lines = [int(n) for n in re.findall(r'<tr id="line-(\d+)"', html)]
    assert min(lines) > LINES_PER_SCREEN and max(lines) <= 2 * LINES_PER_SCREEN
    target = Article.objects.filter(page=page).order_by("position")[200]  # its lines are in part 2
    assert any(LINES_PER_SCREEN < n <= 2 * LINES_PER_SCREEN for n in target.lines)
    number = target.position + 1
    assert f'id="article-{number}"' in html and 'id="article-1"' not in html
    assert f"{page.articles.count()} 篇文章" in html
    # Saving one article's fields from part 2 comes back to part 2, at that article.
    form = form_as_sent(html, lambda to, fields: to.endswith("/edit/?part=2") and ("article", str(number - 1)) in fields)
    form["headline"] = ["第二部分里改过的标题"]
    response = admin.post(f"/pages/{page.pk}/correct/edit/?part=2", form)
    assert response.status_code == 302 and response["Location"].endswith(f"?part=2#article-{number}")
    assert Article.objects.get(pk=target.pk).headline == "第二部分里改过的标题"
    # A refused form (made from an older version) is shown again on its part, as typed.
    form["headline"] = ["又改的标题"]
    refused = admin.post(f"/pages/{page.pk}/correct/edit/?part=2", form)
    assert refused.status_code == 400
    assert f'id="article-{number}"' in refused.content.decode() and "又改的标题" in refused.content.decode()
    assert admin.get(f"/pages/{page.pk}/correct/?part=4").status_code == 404


def test_moving_a_line_or_undoing_on_a_later_part_comes_back_to_that_part(counties):
    page = long_page()
    admin = signed_in("adm", Role.ADMIN)
    # The first line of part 2 that opens an article: moved into the previous article, whose
    # own first line is on part 1.
    opening = min(a.lines[0] for a in Article.objects.filter(page=page) if a.lines[0] > LINES_PER_SCREEN)
    version = writer.version(page)
    moved = admin.post(f"/pages/{page.pk}/correct/lines/?part=2", {"version": version, "line": [opening], "do": "previous"})
    assert moved.status_code == 302 and "?part=2#article-" in moved["Location"]
    undone = admin.post(f"/pages/{page.pk}/undo/?part=2", {"version": version + 1, "next": "correct"})
    assert undone.status_code == 302 and undone["Location"].endswith("/correct/?part=2")
