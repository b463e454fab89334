"""Long page files shown a part at a time on the editors' pages too: the preview lists a part's
source lines and the articles holding them, numbered as on the whole page (a 100,000-line page
took 8–11 s and 20 MB whole)."""

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
