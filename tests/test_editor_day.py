"""An editor's day on published pages (a reviewer's run through it in a browser): the way from a
reader's page to its controls, what a replace would change shown before it is chosen, a copy
uploaded without a paper recognised as a copy, a taken place named as the editor knows pages,
and an emptied date said aloud."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import writer
from articles.models import Page
from articles.roles import Role
from tests.conftest import SEED_FILES
from tests.factories import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

Status = Page.Status
META = writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第3版")


def published(meta: writer.PageMeta = META, seed: int = 3) -> Page:
    return writer.ingest_file(SEED_FILES[seed].name, SEED_FILES[seed].read_bytes(), meta, status=Status.PUBLISHED).page


def test_an_editor_reaches_a_published_pages_controls_from_the_page_and_its_articles():
    # The preview (publish, withdraw, paper/date/label) was reachable only from the editor's own
    # uploads: a seed page or another editor's page with a wrong date could not be found.
    page = published()
    article = page.articles.order_by("position").first()
    manage = f'href="/pages/{page.pk}/preview/"'
    editor = signed_in("ed", Role.EDITOR)
    assert manage in editor.get(page.get_absolute_url()).content.decode()
    assert manage in editor.get(article.get_absolute_url()).content.decode()
    for reader in (Client(), signed_in("reader")):
        assert manage not in reader.get(page.get_absolute_url()).content.decode()
        assert manage not in reader.get(article.get_absolute_url()).content.decode()


def test_the_same_slot_preview_lists_the_lines_the_new_file_changes():
    page = published()
    lines = page.raw_text.split("\n")
    n = max(range(len(lines)), key=lambda k: len(lines[k]))
    old_line = lines[n].strip()
    lines[n] = lines[n] + "（更正）"
    draft = writer.ingest_file("new.txt", "\n".join(lines).encode(), META, status=Status.DRAFT, same_slot="keep").page
    html = signed_in("ed", Role.EDITOR).get(f"/pages/{draft.pk}/preview/").content.decode()
    assert "这份文件与它相比：原有的 1 行不见了，新有 1 行" in html
    assert f"<del>{old_line}</del>" in html and f"<ins>{old_line}（更正）</ins>" in html
    # the same text but for blank lines: said so, nothing listed
    same = writer.ingest_file("same.txt", (page.raw_text + "\n\n\n").replace("\n", "\n\n").encode(), META, status=Status.DRAFT, same_slot="keep").page
    html = signed_in("ed2", Role.EDITOR).get(f"/pages/{same.pk}/preview/").content.decode()
    assert "只有空行或行尾空格不同" in html


def test_a_stored_page_uploaded_without_its_paper_is_named_a_copy_not_asked_for_a_paper():
    page = published()
    editor = signed_in("ed", Role.EDITOR)
    data = page.raw_text.replace("\n", "\r\n").encode()  # a CRLF copy: the same text
    response = editor.post("/upload/", {"files": [SimpleUploadedFile("copy.txt", data, content_type="text/plain")]}, follow=True)
    html = response.content.decode()
    assert "档案中已有这个版面，未重复写入" in html and "不知道是哪份报纸" not in html
    assert f"/pages/{page.pk}/" in html
    assert Page.objects.count() == 1


def test_moving_a_page_onto_a_taken_place_names_and_links_the_page_there():
    holder = published()
    other = published(writer.PageMeta(paper="运城日报", date=dt.date(2025, 7, 24), label="第4版"), seed=4)
    editor = signed_in("ed", Role.EDITOR)
    response = editor.post(
        f"/pages/{other.pk}/meta/", {"paper": "运城日报", "date": "2025-07-24", "label": "第3版", "version": writer.version(other)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="/pages/{holder.pk}/preview/">{holder}</a>' in html and "号）" not in html
    assert Page.objects.get(pk=other.pk).label == "第4版"


def test_emptying_a_published_pages_date_says_it_left_its_issue():
    page = published()
    editor = signed_in("ed", Role.EDITOR)
    response = editor.post(
        f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "", "label": "第3版", "version": writer.version(page)}, follow=True
    )
    said = [str(m) for m in response.context["messages"]]
    assert "已更新报名、日期和版次。" in said
    assert any("这个版面现在没有日期" in m for m in said)
    # a change that keeps a date says nothing of the kind
    response = editor.post(
        f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "2025-07-25", "label": "第3版", "version": writer.version(page)}, follow=True
    )
    assert not any("没有日期" in str(m) for m in response.context["messages"])


def test_two_pages_kept_in_one_place_are_told_apart_on_the_issue_page():
    first = published()
    lines = first.raw_text.split("\n")
    lines[-1] += "（二）"
    second = writer.ingest_file("v2.txt", "\n".join(lines).encode(), META, status=Status.PUBLISHED, same_slot="keep").page
    html = Client().get(f"/papers/{first.issue.newspaper_id}/2025-07-24/").content.decode()
    assert f'<a href="/pages/{first.pk}/">第3版</a>' in html
    assert f'<a href="/pages/{second.pk}/">第3版（另一份：源文件 v2.txt）</a>' in html


def test_an_editor_publishes_an_issues_drafts_at_once_and_a_taken_place_is_left_for_its_preview():
    taken = published()  # 第3版 of that day is in the archive already
    editor = signed_in("ed", Role.EDITOR)
    user = Page.objects.model._meta.get_field("uploaded_by").related_model.objects.get(username="ed")
    drafts = [
        writer.ingest_file(SEED_FILES[k].name, SEED_FILES[k].read_bytes(), writer.PageMeta("运城日报", META.date, label), status=Status.DRAFT, user=user, same_slot="keep").page
        for k, label in ((0, "第1版"), (1, "第2版"), (4, "第3版"))
    ]
    html = editor.get("/upload/drafts/").content.decode()
    assert 'action="/upload/drafts/publish/"' in html and html.count('name="pages"') == 3
    response = editor.post("/upload/drafts/publish/", {"pages": [d.pk for d in drafts]}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert "已发布 2 个版面：读者现在可以看到并检索它们的文章。" in said
    assert any("档案中已有同一报纸、日期、版次的版面，没有发布" in m and f"/pages/{drafts[2].pk}/preview/" in m for m in said)
    assert [Page.objects.get(pk=d.pk).status for d in drafts] == [Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]
    assert Page.objects.get(pk=taken.pk).status == Status.PUBLISHED
    # nothing ticked: said so
    response = editor.post("/upload/drafts/publish/", {}, follow=True)
    assert any("没有选中草稿" in str(m) for m in response.context["messages"])


def test_each_previewed_article_links_to_its_source_lines_and_back():
    # On a phone the source lines come some 12,000 px below the articles: a way there and back.
    page = published()
    html = signed_in("ed", Role.EDITOR).get(f"/pages/{page.pk}/preview/").content.decode()
    first = writer.load_state(page).articles[0].lines[0]
    assert f'<a href="#line-{first}">' in html and f'<tr id="line-{first}"' in html
    assert '<a href="#a1">#1</a>' in html


def test_publishing_drafts_that_are_gone_says_so():
    page = published()
    editor = signed_in("ed", Role.EDITOR)
    response = editor.post("/upload/drafts/publish/", {"pages": [page.pk, 999999]}, follow=True)
    assert any("没有发布任何版面" in str(m) for m in response.context["messages"])


def test_undated_or_unlabelled_pages_are_no_copies_of_each_other_on_the_issue_page():
    undated = writer.PageMeta(paper="运城日报", date=None, label="第1版")
    first = published(undated, seed=0)
    second = writer.ingest_file("feb.txt", SEED_FILES[1].read_bytes(), undated, status=Status.PUBLISHED, same_slot="keep").page
    html = Client().get(f"/papers/{first.issue.newspaper_id}/undated/").content.decode()
    assert second.pk != first.pk and "另一份" not in html
