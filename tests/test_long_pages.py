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


def test_an_article_of_many_captions_is_corrected_a_window_of_captions_at_a_time(counties):
    """A picture page of 20,000 captions made a correction page of 9 MB in 2.7 s, and its edit
    form (a field pair for every caption) could not be sent at all: more fields than a request
    may carry. The form edits CAPTIONS_SHOWN of them at a time and keeps the others."""
    from articles.models import Caption
    from articles.paging import CAPTIONS_SHOWN
    from tests.forms_as_sent import form_as_sent

    lines = ["图片新闻"] + [f"图为第{j}个村的群众在广场上跳舞。 王海旋 摄" for j in range(CAPTIONS_SHOWN * 2 + 50)]
    page = writer.ingest_file("photos.txt", "\n".join(lines).encode(), META, status=Page.Status.DRAFT).page
    before = list(Caption.objects.filter(article__page=page).order_by("position").values_list("text", flat=True))
    assert len(before) == CAPTIONS_SHOWN * 2 + 50
    admin = signed_in("adm", Role.ADMIN)
    first = admin.get(f"/pages/{page.pk}/correct/").content.decode()
    assert first.count('name="caption_text"') == CAPTIONS_SHOWN
    assert f'href="/pages/{page.pk}/correct/?captions=2#article-1"' in first
    second = admin.get(f"/pages/{page.pk}/correct/?captions=2").content.decode()
    assert f"图片说明第 {CAPTIONS_SHOWN + 1}–{CAPTIONS_SHOWN * 2} 条，共 {len(before)} 条" in second
    form = form_as_sent(second, lambda to, fields: to.endswith("/edit/?captions=2"))
    assert form["caption_text"][0] == before[CAPTIONS_SHOWN] and len(form["caption_text"]) == CAPTIONS_SHOWN
    form["caption_text"][0] = "改过的一条图片说明"
    response = admin.post(f"/pages/{page.pk}/correct/edit/?captions=2", form)
    assert response.status_code == 302 and response["Location"].endswith("?captions=2#article-1")
    after = list(Caption.objects.filter(article__page=page).order_by("position").values_list("text", flat=True))
    assert after == before[:CAPTIONS_SHOWN] + ["改过的一条图片说明"] + before[CAPTIONS_SHOWN + 1 :]
    # The last window holds the rest, and says so; a window sent as another is refused, writing nothing.
    third = admin.get(f"/pages/{page.pk}/correct/?captions=3").content.decode()
    assert third.count('name="caption_text"') == 50 and "后一组图片说明" not in third
    stale = form_as_sent(third, lambda to, fields: to.endswith("/edit/?captions=3"))
    stale["caption_from"] = ["0"]
    assert admin.post(f"/pages/{page.pk}/correct/edit/?captions=3", stale).status_code == 400
    assert list(Caption.objects.filter(article__page=page).order_by("position").values_list("text", flat=True)) == after
    for bad in ("0", "x", "-1"):
        assert admin.get(f"/pages/{page.pk}/correct/?captions={bad}").status_code == 404
    from tests.test_i18n import english

    in_english = english(admin).get(f"/pages/{page.pk}/correct/?captions=2").content.decode()
    assert f"Captions {CAPTIONS_SHOWN + 1}–{CAPTIONS_SHOWN * 2} of {len(before)}" in in_english
    assert "Previous captions" in in_english and "Next captions" in in_english


def test_a_refused_caption_window_is_never_saved_onto_the_captions_that_moved_into_it(counties):
    """Another admin's change moved the captions along (the first marked as furniture): the form
    made for captions 101–200 is refused, shown again with the captions as they are now, and
    neither it nor the form sent again as it was writes a caption's text onto its neighbour."""
    from articles.models import Caption
    from articles.paging import CAPTIONS_SHOWN
    from tests.forms_as_sent import form_as_sent

    lines = ["图片新闻"] + [f"图为第{j}个村的群众在广场上跳舞。 王海旋 摄" for j in range(CAPTIONS_SHOWN * 2 + 50)]
    page = writer.ingest_file("photos.txt", "\n".join(lines).encode(), META, status=Page.Status.DRAFT).page
    x, y = signed_in("x", Role.ADMIN), signed_in("y", Role.ADMIN)
    html = x.get(f"/pages/{page.pk}/correct/?captions=2").content.decode()
    form = form_as_sent(html, lambda to, fields: to.endswith("/edit/?captions=2"))
    form["caption_text"][0] += "（改）"
    first = writer.load_state(page).articles[0].captions[0].lines[0]
    assert y.post(f"/pages/{page.pk}/correct/lines/", {"version": writer.version(page), "line": first, "do": "mark", "kind": "other"}).status_code == 302
    stored = list(Caption.objects.filter(article__page=page).order_by("position").values_list("text", flat=True))
    refused = x.post(f"/pages/{page.pk}/correct/edit/?captions=2", form)
    assert refused.status_code == 400
    again = form_as_sent(refused.content.decode(), lambda to, fields: to.endswith("/edit/?captions=2") and ("ref", form["ref"][0]) in fields)
    assert again["caption_text"] == stored[CAPTIONS_SHOWN : CAPTIONS_SHOWN * 2]  # as they are now
    form["version"] = again["version"]  # the old form sent again with the new version: still refused
    assert x.post(f"/pages/{page.pk}/correct/edit/?captions=2", form).status_code == 400
    assert list(Caption.objects.filter(article__page=page).order_by("position").values_list("text", flat=True)) == stored


def test_the_history_of_a_long_page_lists_fewer_versions_a_screen(counties, monkeypatch):
    """A version costs in proportion to its page: a long page's history shows fewer a screen
    (one for a page of 100,000 lines), its comparisons made by PostgreSQL."""
    from articles import corrections_views
    from ingest import corrections

    page = long_page()
    monkeypatch.setattr(corrections_views, "HISTORY_TEXT_PER_SCREEN", len(page.raw_text) * 2)  # two a screen
    for k in range(3):
        state = corrections.edit_fields(writer.load_state(page), 150 + k, headline=f"长版面改过的标题{k}")
        writer.apply_state(page, state, user=None, action=writer.Action.EDIT, summary=f"编辑{k}")
    admin = signed_in("adm", Role.ADMIN)

    def versions(html: str) -> list[int]:
        return [int(n) for n in re.findall(r'<section class="revision" id="v(\d+)"', html)]

    first = admin.get(f"/pages/{page.pk}/history/").content.decode()
    assert versions(first) == [3, 2] and "<ins>长版面改过的标题2" in first and f'href="/pages/{page.pk}/history/?page=2"' in first
    assert versions(admin.get(f"/pages/{page.pk}/history/?page=2").content.decode()) == [1, 0]
