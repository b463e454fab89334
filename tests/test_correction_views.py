"""An admin corrects a page's split in the browser: every action through the views, search
following each change, undo and revert, re-split, refusals, permissions and query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.test.utils import CaptureQueriesContext

from articles import corrections_views, writer
from articles.models import Article, Page, PageRevision
from articles.roles import Role
from articles.writer import Action, load_state
from ingest import corrections
from ingest.gazetteer import Gazetteer
from ingest.model import page_from_dict, page_to_dict
from tests.conftest import SEED_FILES
from tests.test_corrections import random_action
from tests.factories import make_user
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(seeds) -> Page:
    """The first seed page (6 articles), published."""
    return Page.objects.get(source_name=SEED_FILES[0].name)


@pytest.fixture
def corrector(client):
    client.force_login(make_user("corrector", role=Role.ADMIN))
    return client


def url(page: Page, action: str = "") -> str:
    return f"/pages/{page.pk}/correct/{action + '/' if action else ''}"


def version(page: Page) -> int:
    return page.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def post(client, page: Page, action: str, **data):
    data.setdefault("version", version(page))
    return client.post(url(page, action), data)


def found(text: str) -> set[int]:
    """The ids of the visible articles a reader's search for ``text`` finds."""
    return set(Article.objects.visible().search(text).values_list("id", flat=True))


def edit_data(article, index: int, **changes) -> dict:
    """The edit form of one article as the page fills it, with some fields changed."""
    data = {name: getattr(article, name) for name in corrections.TEXT_FIELDS}
    data.update(
        article=index,
        byline="、".join(article.byline),
        intertitle=article.intertitles,
        caption_text=[c.text for c in article.captions],
        caption_credit=[c.credit for c in article.captions],
    )
    data.update(changes)
    return data


def state_of(page: Page):
    """The page's split as stored now (load_state reads the furniture from the instance)."""
    page.refresh_from_db()
    return load_state(page)


def line_text(page: Page, no: int) -> str:
    return corrections.source_lines(page.raw_text)[no - 1].strip()


# -- the page ----------------------------------------------------------------------------------


def test_correction_page_shows_every_line_and_where_it_went(corrector, page):
    response = corrector.get(url(page))
    assert response.status_code == 200
    html = response.content.decode()
    state = state_of(page)
    for no, raw in enumerate(corrections.source_lines(page.raw_text), start=1):
        if raw.strip():
            assert f'id="line-{no}"' in html
            assert f'<label for="line-box-{no}">{no}</label>' in html
    assert html.count('class="correct-article"') == len(state.articles)
    for label in ("从这一行起拆成新文章", "移到上一篇", "移到下一篇", "标为版面元素", "与下一篇合并", "保存字段", "保存区县"):
        assert label in html
    assert "csrfmiddlewaretoken" in html


# -- each action, and search follows -----------------------------------------------------------


def test_split_makes_a_new_article_that_search_finds(corrector, page):
    before = state_of(page)
    article = before.articles[1]
    at = article.lines[-3]
    phrase = line_text(page, at)[:12]
    old_id = article.ref
    assert old_id in found(phrase)

    response = post(corrector, page, "lines", line=at, do="split")
    assert response.status_code == 302 and response["Location"].startswith(url(page))

    after = state_of(page)
    assert len(after.articles) == len(before.articles) + 1
    new = after.articles[2]
    assert new.lines[0] == at and new.ref not in {a.ref for a in before.articles}
    assert found(phrase) == {new.ref}, "the moved text is found in the new article, no longer in the old"
    revision = page.revisions.order_by("-number").first()
    assert (revision.number, revision.action, revision.user.username) == (1, PageRevision.Action.CORRECT, "corrector")
    assert "拆分" in revision.summary
    follow = corrector.get(response["Location"])
    assert "已保存" in follow.content.decode()


def test_undo_of_a_split_restores_the_state_at_ingest_and_search(corrector, page):
    before = state_of(page)
    at = before.articles[1].lines[-3]
    phrase = line_text(page, at)[:12]
    post(corrector, page, "lines", line=at, do="split")
    response = corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page), "next": "correct"})
    assert response.status_code == 302 and response["Location"] == url(page)
    assert state_of(page) == before
    assert found(phrase) == {before.articles[1].ref}
    assert page_from_dict(page.revisions.get(number=0).state) == before


def test_merge_then_the_second_article_is_gone_and_its_text_found_in_the_first(corrector, page):
    before = state_of(page)
    first, second = before.articles[1], before.articles[2]
    phrase = second.paragraphs[-1][:12]
    response = post(corrector, page, "merge", article=1)
    assert response.status_code == 302
    after = state_of(page)
    assert len(after.articles) == len(before.articles) - 1
    assert after.articles[1].ref == first.ref and after.articles[1].headline == first.headline
    assert not Article.objects.filter(pk=second.ref).exists()
    assert found(phrase) == {first.ref}


def test_move_lines_to_the_next_article(corrector, page):
    before = state_of(page)
    tail = before.articles[1].lines[-2:]
    phrase = line_text(page, tail[-1])[:12]
    response = post(corrector, page, "lines", line=tail, do="next")
    assert response.status_code == 302
    after = state_of(page)
    assert set(tail) <= set(after.articles[2].lines) and not set(tail) & set(after.articles[1].lines)
    assert found(phrase) == {before.articles[2].ref}
    post(corrector, page, "lines", line=tail, do="previous")
    assert state_of(page).articles[1].lines == before.articles[1].lines
    assert found(phrase) == {before.articles[1].ref}


def test_marked_furniture_is_no_longer_found_and_comes_back_when_unmarked(corrector, page):
    before = state_of(page)
    no = before.articles[1].lines[-1]
    phrase = line_text(page, no)[:12]
    response = post(corrector, page, "lines", line=no, do="mark", kind="banner")
    assert response.status_code == 302
    page.refresh_from_db()
    assert {"line": no, "kind": "banner", "text": line_text(page, no)} in page.furniture
    assert found(phrase) == set()
    response = post(corrector, page, "lines", line=no, do="unmark", into=1)
    assert response.status_code == 302
    after = state_of(page)
    assert after.furniture == before.furniture and after.articles[1].lines == before.articles[1].lines
    assert found(phrase) == {before.articles[1].ref}


def test_edit_fields_through_the_form(corrector, page):
    before = state_of(page)
    article = before.articles[1]
    data = {
        "article": 1,
        "section": "社区",
        "kicker": "",
        "headline": "合伙共建温暖人心",
        "subheadline": "",
        "byline": "张三、李四",
        "byline_text": "本报讯（记者 张三 李四）",
        "source": "",
        "caption_text": [c.text for c in article.captions],
        "caption_credit": ["王成"] * len(article.captions),
    }
    response = post(corrector, page, "edit", **data)
    assert response.status_code == 302
    edited = Article.objects.get(pk=article.ref)
    assert (edited.section, edited.headline, edited.byline) == ("社区", "合伙共建温暖人心", ["张三", "李四"])
    assert [c.credit for c in edited.captions.all()] == ["王成"] * len(article.captions)
    assert article.ref in found("合伙共建温暖人心")
    summary = page.revisions.order_by("-number").first().summary
    assert "标题" in summary and "作者" in summary


def test_edit_with_nothing_changed_records_nothing(corrector, page):
    for index, article in enumerate(state_of(page).articles):
        response = post(corrector, page, "edit", **edit_data(article, index))
        assert response.status_code == 302
    assert not page.revisions.exists()


def test_set_counties_and_the_primary_one(corrector, page):
    article = state_of(page).articles[0]
    response = post(corrector, page, "counties", article=0, counties="介休市 平遥县", primary="平遥县")
    assert response.status_code == 302
    tags = list(Article.objects.get(pk=article.ref).county_tags.order_by("-primary", "county_id"))
    assert [(t.county.name, t.primary) for t in tags] == [("平遥县", True), ("介休市", False)]
    assert article.ref in set(Article.objects.visible().in_county("140728").values_list("id", flat=True))


def test_unknown_county_is_refused_with_a_message(corrector, page):
    response = post(corrector, page, "counties", article=0, counties="不存在县")
    assert response.status_code == 400
    assert "地名表里没有“不存在县”" in response.content.decode()


def test_reorder_then_moving_every_line_up_removes_the_emptied_article_until_undone(corrector, page):
    before = state_of(page)
    assert post(corrector, page, "reorder", article=0, to=1).status_code == 302
    assert [a.ref for a in state_of(page).articles[:2]] == [before.articles[1].ref, before.articles[0].ref]
    # Every line of the third article moved up: it would have no text at all, and readers would
    # see it as 图片新闻, so the same step (one revision) removes it.
    emptied = state_of(page).articles[2]
    stored = Article.objects.get(pk=emptied.ref)
    revisions = page.revisions.count()
    response = post(corrector, page, "lines", line=emptied.lines, do="previous")
    assert response.status_code == 302 and response["Location"].endswith("#article-2")
    assert page.revisions.count() == revisions + 1
    state = state_of(page)
    assert len(state.articles) == len(before.articles) - 1 and all(a.lines for a in state.articles)
    assert set(emptied.lines) <= set(state.articles[1].lines)
    assert not Article.objects.filter(pk=emptied.ref).exists()
    assert corrections.placement_problems(state, corrections.source_lines(page.raw_text)) == []
    corrector.logout()
    # Its permalink leads to the article its lines went into (views._moved_article_url).
    moved = corrector.get(f"/articles/{emptied.ref}/")
    assert moved.status_code == 302 and moved["Location"] == f"/articles/{state.articles[1].ref}/"
    # Undo brings it back as it was, with its id.
    writer.undo(page)
    back = Article.objects.get(pk=emptied.ref)
    assert (back.headline, back.body, back.lines, back.position) == (stored.headline, stored.body, stored.lines, 2)
    assert corrector.get(f"/articles/{emptied.ref}/").status_code == 200


def test_moving_every_line_down_removes_the_emptied_article(corrector, page):
    before = state_of(page)
    response = post(corrector, page, "lines", line=before.articles[2].lines, do="next")
    # The receiving article moved up into the removed one's place: the answer points at it.
    assert response.status_code == 302 and response["Location"].endswith("#article-3")
    state = state_of(page)
    assert [a.ref for a in state.articles] == [a.ref for k, a in enumerate(before.articles) if k != 2]
    assert set(before.articles[2].lines) <= set(state.articles[2].lines)


def test_an_empty_article_stored_before_can_be_deleted(corrector, page):
    # Moves used to leave the article they emptied in place: such a page still offers to delete it.
    state = state_of(page)
    empty = state.articles[2]
    state.articles[1].lines = sorted(state.articles[1].lines + empty.lines)
    state.articles[2] = type(empty)(ref=empty.ref)
    writer.apply_state(page, state, user=None, action=Action.CORRECT, summary="test")
    html = corrector.get(url(page)).content.decode()
    assert "删除这篇空文章" in html
    assert post(corrector, page, "delete", article=2).status_code == 302
    assert len(state_of(page).articles) == len(state.articles) - 1
    assert not Article.objects.filter(pk=empty.ref).exists()
    assert corrections.placement_problems(state_of(page), corrections.source_lines(page.raw_text)) == []


# -- forms sent back as the page shows them -----------------------------------------------------


def form_on_page(client, page: Page, action: str, index: int) -> dict:
    """Article ``index``'s form for ``action`` as a browser sends it back unchanged."""
    html = client.get(url(page)).content.decode()
    return form_as_sent(
        html, lambda to, fields: to.endswith(f"/correct/{action}/") and ("article", str(index)) in fields
    )


def test_a_county_whose_name_is_shared_saves_unchanged(corrector, page):
    # 城区 is the name of several counties: the box shows one the gazetteer reads back as this one.
    assert post(corrector, page, "counties", article=0, counties="140502").status_code == 302
    data = form_on_page(corrector, page, "counties", 0)
    assert (data["counties"], data["primary"]) == (["晋城市城区"], ["晋城市城区"])
    revisions = page.revisions.count()
    response = corrector.post(url(page, "counties"), data, follow=True)
    assert response.status_code == 200 and "没有改动" in response.content.decode()
    assert page.revisions.count() == revisions
    assert [c.code for c in state_of(page).articles[0].counties] == ["140502"]


def test_every_county_box_label_reads_back_as_its_county():
    gazetteer = Gazetteer.default()
    for county in gazetteer.counties():
        assert gazetteer.lookup(corrections_views._county_label(county)).code == county.code, county


def test_every_edit_form_sent_back_unchanged_records_nothing(corrector, seeds):
    # The browser sends a textarea's line breaks as \r\n: a caption of two lines came back as
    # a change of 图片说明 whatever field was edited.
    page = Page.objects.get(source_name=SEED_FILES[1].name)
    state = state_of(page)
    captioned = next(i for i, a in enumerate(state.articles) if any("\n" in c.text for c in a.captions))
    for index in range(len(state.articles)):
        data = form_on_page(corrector, page, "edit", index)
        response = corrector.post(url(page, "edit"), data)
        assert response.status_code == 302, index
    assert not page.revisions.exists()
    data = form_on_page(corrector, page, "edit", captioned)
    assert any("\r\n" in text for text in data["caption_text"])
    data["headline"] = ["人间最美四月天"]
    assert corrector.post(url(page, "edit"), data).status_code == 302
    assert page.revisions.order_by("-number").first().summary.endswith("：标题")
    assert state_of(page).articles[captioned].captions == state.articles[captioned].captions


def test_head_is_answered_wherever_get_is(corrector, page):
    ref = state_of(page).articles[0].ref
    for path in ("correct/", "history/", "resplit/", f"history/articles/{ref}/"):
        assert corrector.get(f"/pages/{page.pk}/{path}").status_code == 200, path
        assert corrector.head(f"/pages/{page.pk}/{path}").status_code == 200, path


# -- refusals ----------------------------------------------------------------------------------


def test_impossible_actions_answer_400_with_the_reason(corrector, page):
    state = state_of(page)
    first_line = state.articles[1].lines[0]
    cases = [
        ("lines", {"line": first_line, "do": "split"}, "不能从这里拆分"),
        ("lines", {"do": "split"}, "请先勾选原文中的行"),
        ("lines", {"line": [state.articles[0].lines[-1], state.articles[1].lines[-1]], "do": "next"}, "分属不同的文章"),
        ("lines", {"line": state.articles[0].lines[0], "do": "previous"}, "前面没有文章"),
        ("lines", {"line": state.articles[1].lines[1:3], "do": "split"}, "只勾选一行"),
        ("merge", {"article": len(state.articles) - 1}, "最后一篇"),
        ("merge", {"article": "x"}, "请选择文章"),
        ("delete", {"article": 0}, "只能删除空文章"),
        ("lines", {"line": state.articles[0].lines[0], "do": "unmark", "into": 0}, "不是版面元素"),
    ]
    for action, data, message in cases:
        response = post(corrector, page, action, **data)
        assert response.status_code == 400, (action, data)
        assert message in response.content.decode(), (action, data)
    assert not page.revisions.exists()


def test_a_form_from_an_older_version_is_refused(corrector, page):
    post(corrector, page, "reorder", article=0, to=1)
    response = post(corrector, page, "reorder", article=0, to=1, version=0)
    assert response.status_code == 400
    assert "刚被修改过" in response.content.decode()
    assert version(page) == 1


def test_unknown_action_is_404_and_get_is_not_allowed(corrector, page):
    assert post(corrector, page, "explode", article=0).status_code == 404
    assert corrector.get(url(page, "merge")).status_code == 405


# -- history, undo, revert ---------------------------------------------------------------------


def test_history_shows_who_when_what_and_the_fields_before_and_after(corrector, page):
    before = state_of(page)
    post(corrector, page, "edit", **edit_data(before.articles[0], 0, headline="新的标题"))
    response = corrector.get(f"/pages/{page.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "版本 1" in html and "版本 0" in html and "corrector" in html and "入库" in html
    assert "<del>" + before.articles[0].headline in html and "<ins>新的标题" in html
    assert "恢复到版本 0" in html and "撤销上一次改动" in html
    mine = corrector.get(f"/pages/{page.pk}/history/articles/{before.articles[0].ref}/")
    assert mine.status_code == 200 and "新的标题" in mine.content.decode()
    other = corrector.get(f"/pages/{page.pk}/history/articles/{before.articles[3].ref}/").content.decode()
    assert "版本 1" not in other and "版本 0" in other
    title = lambda text: text[text.index("<title>"):text.index("</title>")]  # noqa: E731
    assert title(mine.content.decode()) != title(html)  # one article's history is told apart in a tab
    assert f"文章 {before.articles[0].ref}" in title(mine.content.decode())
    assert corrector.get(f"/pages/{page.pk}/history/articles/999999/").status_code == 404


def test_history_lists_its_versions_a_screen_at_a_time_newest_first(corrector, page, monkeypatch):
    """Every version shown is compared with the one before it: a history of hundreds of
    corrections is listed HISTORY_PER_SCREEN at a time, each screen reading only its states."""
    monkeypatch.setattr(corrections_views, "HISTORY_PER_SCREEN", 2)
    first = state_of(page).articles[0]
    for k in range(3):  # versions 1–3 change the first article, version 4 another one
        post(corrector, page, "edit", **edit_data(state_of(page).articles[0], 0, headline=f"标题{k}"))
    post(corrector, page, "edit", **edit_data(state_of(page).articles[2], 2, headline="另一篇的标题"))

    def versions(html: str) -> list[int]:
        return [int(n) for n in re.findall(r'<section class="revision" id="v(\d+)"', html)]

    newest = corrector.get(f"/pages/{page.pk}/history/").content.decode()
    assert versions(newest) == [4, 3] and f'href="/pages/{page.pk}/history/?page=2"' in newest and "另一篇的标题" in newest
    assert "<del>标题1" in newest and "<ins>标题2" in newest  # version 3 against version 2
    assert versions(corrector.get(f"/pages/{page.pk}/history/?page=2").content.decode()) == [2, 1]
    assert versions(corrector.get(f"/pages/{page.pk}/history/?page=3").content.decode()) == [0]
    assert versions(corrector.get(f"/pages/{page.pk}/history/?page=x").content.decode()) == [4, 3]
    # One article's history pages its own versions: 3, 2 | 1, 0 (version 4 did not touch it),
    # compared a screen and one more at a time: the first screen does not yet know the count.
    mine = f"/pages/{page.pk}/history/articles/{first.ref}/"
    one = corrector.get(mine).content.decode()
    assert versions(one) == [3, 2] and "第 1 页" in one and f'href="{mine}?page=2"' in one
    two = corrector.get(mine + "?page=2").content.decode()
    assert versions(two) == [1, 0] and "第 2 / 2 页" in two


def test_the_history_compares_stored_states_in_postgresql_as_it_compares_them_in_python(page):
    """Stories found the same or not by PostgreSQL (PageRevisionQuerySet.differences) as by
    corrections.diff_states, on states no write makes too: a story without a ref, one with its
    keys in another order or its numbers written otherwise, furniture alone changed."""
    state = page_to_dict(state_of(page))
    first, *rest = state["articles"]
    reordered = dict(reversed(list(first.items())))
    unreffed = {k: v for k, v in rest[0].items() if k != "ref"}
    cases = [
        (state, {**state, "articles": [reordered, *rest]}),
        (state, {**state, "articles": [first, unreffed, *rest[1:]]}),
        ({**state, "articles": [first, unreffed, *rest[1:]]}, {**state, "articles": [first, *rest[1:]]}),
        (state, {**state, "furniture": [*state["furniture"], {"line": 1, "kind": "banner", "text": "x"}]}),
        (state, {"articles": state["articles"][::-1], "furniture": state["furniture"]}),
    ]
    source = corrections.source_lines(page.raw_text)
    for k, (before, after) in enumerate(cases):
        for number, s in ((1000 + 2 * k, before), (1001 + 2 * k, after)):
            PageRevision.objects.create(
                page=page, number=number, parent=None, created_at=timezone.now(), action=PageRevision.Action.CORRECT, state=s, meta={}
            )
        pair = (1000 + 2 * k, 1001 + 2 * k)
        outlines = page.revisions.outlines(pair)
        changed = PageRevision.objects.differences(page.pk, [pair])[pair[1]]
        (old_refs, old_furniture), (new_refs, new_furniture) = outlines[pair[0]], outlines[pair[1]]
        got = corrections.diff_changed(old_refs, new_refs, *changed, old_furniture, new_furniture, source)
        assert got == corrections.diff_states(before, after, source), k


def test_a_refused_revert_on_an_older_screen_shows_that_screen_with_links_that_work(corrector, page, monkeypatch):
    monkeypatch.setattr(corrections_views, "HISTORY_PER_SCREEN", 2)
    for k in range(3):
        post(corrector, page, "edit", **edit_data(state_of(page).articles[0], 0, headline=f"标题{k}"))
    second = corrector.get(f"/pages/{page.pk}/history/?page=2").content.decode()
    assert f'action="/pages/{page.pk}/revert/?page=2"' in second
    refused = corrector.post(f"/pages/{page.pk}/revert/?page=2", {"version": 0, "number": 1})  # a stale version
    assert refused.status_code == 400
    html = refused.content.decode()
    assert '<section class="revision" id="v1"' in html  # the screen it was sent from
    for link in re.findall(r'<a rel="(?:prev|next)" href="([^"]+)"', html):
        assert link.startswith(f"/pages/{page.pk}/history/?page=") and corrector.get(link).status_code == 200


def test_revert_to_the_state_at_ingest_after_several_changes(corrector, page):
    before = state_of(page)
    post(corrector, page, "merge", article=1)
    post(corrector, page, "lines", line=before.articles[0].lines[-1], do="mark", kind="other")
    post(corrector, page, "reorder", article=0, to=2)
    assert version(page) == 3
    response = corrector.post(f"/pages/{page.pk}/revert/", {"number": 0, "version": 3})
    assert response.status_code == 302
    assert state_of(page) == before
    assert found(before.articles[2].paragraphs[-1][:12]) == {before.articles[2].ref}
    assert page.revisions.order_by("-number").first().action == PageRevision.Action.REVERT


def test_reverting_to_a_version_the_page_is_already_at_records_nothing(corrector, page):
    # After an undo the page is as version 0 again: "恢复到版本 0" used to record a version 3
    # that changed nothing.
    post(corrector, page, "edit", **edit_data(state_of(page).articles[0], 0, headline="手改的标题"))
    assert corrector.post(f"/pages/{page.pk}/undo/", {"version": 1}).status_code == 302
    response = corrector.post(f"/pages/{page.pk}/revert/", {"number": 0, "version": 2}, follow=True)
    assert response.status_code == 200
    assert "版面现在就是版本 0 的样子，没有改动。" in response.content.decode()
    assert version(page) == 2
    # A version that differs is still restored.
    assert corrector.post(f"/pages/{page.pk}/revert/", {"number": 1, "version": 2}).status_code == 302
    assert version(page) == 3 and state_of(page).articles[0].headline == "手改的标题"


def test_undo_twice_walks_back_and_nothing_left_is_a_400(corrector, page):
    before = state_of(page)
    post(corrector, page, "reorder", article=0, to=1)
    middle = state_of(page)
    post(corrector, page, "merge", article=2)
    corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page)})
    assert state_of(page) == middle
    corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page)})
    assert state_of(page) == before
    response = corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page)})
    assert response.status_code == 400 and "没有可以撤销的改动" in response.content.decode()


# -- re-split ----------------------------------------------------------------------------------


def test_resplit_with_the_same_splitter_changes_nothing(corrector, page):
    response = corrector.get(f"/pages/{page.pk}/resplit/")
    assert response.status_code == 200 and "没有需要保存的改动" in response.content.decode()


def test_resplit_shows_the_difference_then_keeps_hand_corrections_of_unchanged_lines(corrector, page, monkeypatch):
    before = state_of(page)
    assert post(corrector, page, "edit", **edit_data(before.articles[4], 4, headline="手改的标题")).status_code == 302
    real_parse = corrections_views.parse_page
    source = corrections.source_lines(page.raw_text)

    def newer_splitter(text, **kwargs):  # a "newer" splitter that reads articles 2 and 3 as one
        return corrections.merge_with_next(real_parse(text, **kwargs), 1, source=source)

    monkeypatch.setattr(corrections_views, "parse_page", newer_splitter)
    preview = corrector.get(f"/pages/{page.pk}/resplit/")
    html = preview.content.decode()
    assert preview.status_code == 200 and "删去" in html and "按新的切分保存" in html
    assert version(page) == 1, "showing the difference writes nothing"
    response = corrector.post(f"/pages/{page.pk}/resplit/", {"version": 1})
    assert response.status_code == 302
    after = state_of(page)
    assert len(after.articles) == len(before.articles) - 1
    assert after.articles[3].headline == "手改的标题", "a hand correction on unchanged lines is kept"
    assert page.revisions.order_by("-number").first().action == PageRevision.Action.RESPLIT


# -- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/pages/{pk}/correct/", "/pages/{pk}/history/", "/pages/{pk}/resplit/"],
)
def test_visitors_are_sent_to_sign_in_and_editors_refused(client, page, path):
    path = path.format(pk=page.pk)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    client.force_login(make_user("editor", role=Role.EDITOR))
    assert client.get(path).status_code == 403
    client.force_login(make_user("admin", role=Role.ADMIN))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("action", ["lines", "merge", "edit", "counties", "reorder", "delete"])
def test_nobody_but_an_admin_can_post_a_correction(client, page, action):
    data = {"article": 1, "version": 0, "line": state_of(page).articles[1].lines[-1], "do": "split"}
    response = client.post(url(page, action), data)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("editor", role=Role.EDITOR))
    assert client.post(url(page, action), data).status_code == 403
    assert client.post(f"/pages/{page.pk}/undo/", {"version": 0}).status_code == 403
    assert client.post(f"/pages/{page.pk}/revert/", {"number": 0, "version": 0}).status_code == 403
    assert not page.revisions.exists()


# -- queries -----------------------------------------------------------------------------------


def test_correction_page_queries_do_not_grow_with_the_articles(corrector, page, django_assert_max_num_queries):
    small = Page.objects.get(source_name=SEED_FILES[4].name)  # 3 articles
    corrector.get(url(page))  # warm the session and permission caches alike
    with CaptureQueriesContext(connection) as big_queries:
        corrector.get(url(page))
    with CaptureQueriesContext(connection) as small_queries:
        corrector.get(url(small))
    assert len(big_queries) == len(small_queries)
    # session, user, 2 × permissions, page, articles, captions, county tags, counties, latest revision
    with django_assert_max_num_queries(10):
        corrector.get(url(page))
    post(corrector, page, "reorder", article=0, to=1)
    # … and the history: page, revisions, the stories that differ and the states' outlines
    # (refs, furniture), each one statement for the whole screen.
    with django_assert_max_num_queries(8):
        corrector.get(f"/pages/{page.pk}/history/")


def test_the_page_links_to_its_corrections_for_admins_only(client, page):
    assert "校正拆分" not in client.get(f"/pages/{page.pk}/").content.decode()
    client.force_login(make_user("editor", role=Role.EDITOR))
    assert "校正拆分" not in client.get(f"/pages/{page.pk}/").content.decode()
    client.force_login(make_user("admin", role=Role.ADMIN))
    assert f'href="/pages/{page.pk}/correct/"' in client.get(f"/pages/{page.pk}/").content.decode()
    assert f'href="/pages/{page.pk}/correct/"' in client.get(f"/pages/{page.pk}/preview/").content.decode()


def test_a_form_without_its_version_is_refused(corrector, page):
    response = corrector.post(url(page, "reorder"), {"article": 0, "to": 1})
    assert response.status_code == 400 and "缺少版本号" in response.content.decode()


def test_an_article_links_to_its_history_for_admins(client, page):
    article = page.articles.order_by("position").first()
    assert "这篇的修改历史" not in client.get(f"/articles/{article.pk}/").content.decode()
    client.force_login(make_user("admin", role=Role.ADMIN))
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert f'href="/pages/{page.pk}/history/articles/{article.pk}/"' in html


# -- random sequences through the write path ---------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_corrections_stored_then_all_undone_give_back_the_page_at_ingest(page, data):
    """Through the real write path: every stored state keeps each line in one place, and undoing
    every change restores the state at ingest exactly, article ids and search included."""
    # Each example in a savepoint rolled back at its end: the next one starts from the same rows.
    with transaction.atomic():
        _random_corrections_then_undo_all(page, data)
        transaction.set_rollback(True)


def _random_corrections_then_undo_all(page: Page, data) -> None:  # noqa: ANN001
    initial = state_of(page)
    source = corrections.source_lines(page.raw_text)
    phrases = {a.ref: a.paragraphs[-1][:12] for a in initial.articles if a.paragraphs}
    changes = 0
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        current = state_of(page)
        _, action = random_action(data, current, source)
        try:
            new = action(current)
        except corrections.CorrectionError:
            continue
        writer.apply_state(page, new, user=None, action=PageRevision.Action.CORRECT, summary="random")
        changes += 1
        assert corrections.placement_problems(state_of(page), source) == []
    for _ in range(changes):
        writer.undo(page)
    assert state_of(page) == initial
    # The history's comparison by PostgreSQL says what the comparison of the stored states says.
    stored = dict(page.revisions.values_list("number", "state"))
    pairs = [(n - 1, n) for n in sorted(stored) if n - 1 in stored]
    changed = PageRevision.objects.differences(page.pk, pairs)
    outlines = page.revisions.outlines(stored)
    for b, a in pairs:
        (old_refs, old_furniture), (new_refs, new_furniture) = outlines[b], outlines[a]
        assert corrections.diff_changed(old_refs, new_refs, *changed[a], old_furniture, new_furniture, source) == (
            corrections.diff_states(stored[b], stored[a], source)
        )
    if changes:
        assert page_from_dict(page.revisions.get(number=0).state) == initial
    for ref, phrase in phrases.items():
        assert ref in found(phrase)


def test_resplit_after_the_file_was_replaced_keeps_the_corrections_and_history_reads(corrector, page):
    before = state_of(page)
    assert post(corrector, page, "edit", **edit_data(before.articles[0], 0, headline="手改的标题")).status_code == 302
    text = "前言一行。\n\n" + page.raw_text  # every line number moves by two
    result = writer.replace_page(page, "new.txt", text.encode("utf-8"))
    assert result.outcome == writer.Outcome.REPLACED, result.message
    assert "手改的标题" in {a.headline for a in state_of(page).articles}
    response = corrector.get(f"/pages/{page.pk}/resplit/")
    assert response.status_code == 200
    if "按新的切分保存" in response.content.decode():
        assert corrector.post(f"/pages/{page.pk}/resplit/", {"version": version(page)}).status_code == 302
    assert "手改的标题" in {a.headline for a in state_of(page).articles}
    history = corrector.get(f"/pages/{page.pk}/history/")
    assert history.status_code == 200 and "替换文件" in history.content.decode()


def test_no_undo_or_revert_button_is_offered_where_it_would_be_refused(corrector, page):
    # The buttons used to show whatever the state: a click on one answered 400 ("nothing to
    # undo", "the file was replaced since"). Each is offered only where writer allows it.
    def undo_offered(path: str) -> bool:
        return f'action="/pages/{page.pk}/undo/"' in corrector.get(path).content.decode()

    history, correct = f"/pages/{page.pk}/history/", f"/pages/{page.pk}/correct/"
    assert not undo_offered(history) and not undo_offered(correct)  # nothing changed since ingest
    before = state_of(page)
    assert post(corrector, page, "edit", **edit_data(before.articles[0], 0, headline="手改的标题")).status_code == 302
    assert undo_offered(history) and undo_offered(correct)
    result = writer.replace_page(page, "new.txt", ("前言一行。\n\n" + page.raw_text).encode("utf-8"))
    assert result.outcome == writer.Outcome.REPLACED, result.message
    assert not undo_offered(history) and not undo_offered(correct)
    text = corrector.get(history).content.decode()
    assert "不能恢复到这一版" in text and 'name="number"' not in text  # every earlier version is another file's
    # What is not offered would have been refused.
    assert corrector.post(f"/pages/{page.pk}/revert/", {"version": version(page), "number": 0}).status_code == 400
    assert corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page)}).status_code == 400
    # A change after the replacement can be undone, and the replacement's version restored.
    after = state_of(page)
    assert post(corrector, page, "edit", **edit_data(after.articles[0], 0, headline="再改的标题")).status_code == 302
    assert undo_offered(history) and undo_offered(correct)
    offered = {int(n) for n in re.findall(r'name="number" value="(\d+)"', corrector.get(history).content.decode())}
    assert offered == {writer.last_replacement(page)}
    assert corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page)}).status_code == 302
    assert state_of(page) == after


# -- merges and re-reads lose no byline, caption or character (reviewed defects) ----------------


def test_merge_keeps_both_bylines_and_the_second_articles_captions_and_undo_restores(corrector, page):
    # 晋中日报, "与下一篇合并" on article 1: its byline 李晨昊, article 2's byline 王海旋 and its two
    # captions (lines 57 and 61) were lost, read as body paragraphs.
    before = state_of(page)
    first, second = before.articles[0], before.articles[1]
    assert second.captions and first.byline and second.byline
    assert post(corrector, page, "merge", article=0).status_code == 302
    merged = state_of(page).articles[0]
    assert merged.ref == first.ref and merged.headline == first.headline
    assert set(first.byline + second.byline) <= set(merged.byline)
    assert [(c.lines, c.credit) for c in second.captions] == [(c.lines, c.credit) for c in merged.captions]
    assert corrections.character_problems(state_of(page), corrections.source_lines(page.raw_text)) == []
    shown = corrector.get(f"/articles/{first.ref}/").content.decode()
    assert second.captions[0].text[:10] in shown and second.byline[0] in shown
    assert corrector.post(f"/pages/{page.pk}/undo/", {"version": version(page)}).status_code == 302
    assert state_of(page) == before


def test_marking_a_photo_storys_title_as_furniture_keeps_its_credit_line(corrector, seeds):
    # 吕梁日报, line 43 (the photo story's title) marked as furniture: 记者 … 摄 of line 49 vanished.
    page = Page.objects.get(source_name=SEED_FILES[1].name)
    source = corrections.source_lines(page.raw_text)
    assert post(corrector, page, "lines", line=43, do="mark", kind="other").status_code == 302
    state = state_of(page)
    article = next(a for a in state.articles if 49 in a.lines)
    shown = [c.credit_text for c in article.captions] + [article.byline_text]
    assert any("记者 张文慧 摄" in text for text in shown)
    assert "张文慧" in article.byline + [c.credit for c in article.captions]
    assert corrections.character_problems(state, source) == []


def test_go_to_line_leads_to_the_line_in_the_part_that_holds_it(corrector, page):
    response = corrector.get(url(page), {"line": "7"})
    assert response.status_code == 302 and response["Location"] == f"{url(page)}#line-7"
    assert 'id="jump-line"' in corrector.get(url(page)).content.decode()
    for wrong in ("0", "999999", "abc", "٣"):
        refused = corrector.get(url(page), {"line": wrong})
        assert refused.status_code == 400 and "这个版面的原文共" in refused.content.decode(), wrong


def test_go_to_line_on_a_long_page_opens_its_part(corrector, db):
    from articles.paging import LINES_PER_SCREEN
    from tests.factories import make_page

    long_page = make_page(paper="晋中日报", text="\n".join(f"第{n}行的文字。" for n in range(1, LINES_PER_SCREEN + 20)))
    response = corrector.get(url(long_page), {"line": str(LINES_PER_SCREEN + 5)})
    assert response["Location"] == f"{url(long_page)}?part=2#line-{LINES_PER_SCREEN + 5}"
