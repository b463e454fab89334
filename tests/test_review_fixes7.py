"""What a security review found (eleventh session): a discard racing another editor's publish
answered with a 500, and papers without a public page were named to readers by the export's and
the paper page's 404s; and (a review of huge pages) the admin's lists read every row's search
vectors, revision states and page texts. (Sign-in findings: tests/test_accounts.py.)"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from articles import writer
from articles.models import Article, Page
from articles.roles import Role
from tests.conftest import SEED_FILES
from tests.factories import signed_in
from tests.test_review_fixes6_editor import edit_headline
from tests.test_editor_replace_safety import META, Status

pytestmark = pytest.mark.django_db


def test_discarding_a_draft_another_editor_publishes_meanwhile_says_so(counties, monkeypatch):
    draft = writer.ingest_file("d.txt", SEED_FILES[3].read_bytes(), META, status=Status.DRAFT).page
    discard = writer.discard

    def published_meanwhile(page: Page) -> None:  # the other editor's click lands first
        writer.set_status(Page.objects.get(pk=page.pk), Status.PUBLISHED)
        discard(page)

    monkeypatch.setattr(writer, "discard", published_meanwhile)
    editor = signed_in("ed", Role.EDITOR)
    response = editor.post(f"/pages/{draft.pk}/discard/", follow=True)
    assert response.status_code == 200 and "只有草稿可以删除" in response.content.decode()
    assert Page.objects.get(pk=draft.pk).status == Status.PUBLISHED


def named(text: str, name: str) -> str:
    """The page with the name asked for (as said back in its links too) made one placeholder."""
    for form in (quote(quote(name)), quote(name), name):
        text = text.replace(form, "NAME")
    return text


def test_a_paper_with_only_drafts_is_not_told_apart_from_an_unknown_one(client, counties):
    draft = writer.ingest_file("d.txt", SEED_FILES[3].read_bytes(), META, status=Status.DRAFT).page
    paper = draft.issue.newspaper
    year = draft.issue.date.year

    def shown(url: str) -> tuple[int, str]:
        response = client.get(url)
        return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())

    # By id: the same 404 as an id no paper has (its address said back), the name nowhere in it.
    status, text = shown(f"/export/paper-{paper.pk}-{year}.jsonl")
    unknown = shown(f"/export/paper-{paper.pk + 1000}-{year}.jsonl")[1].replace(f"paper-{paper.pk + 1000}-", f"paper-{paper.pk}-")
    assert status == 404 and text == unknown and paper.name not in text
    status, text = shown(f"/papers/{paper.pk}/")
    assert status == 404 and paper.name not in text
    status, text = shown(f"/papers/{paper.pk}/{draft.issue.date.isoformat()}/")
    assert status == 404 and paper.name not in text and "没有这一期" not in text  # as for an unknown paper
    # By name: what a name no paper has gets (the name asked for is said back, nothing more).
    status, text = shown(f"/export/{paper.name}/{year}.jsonl")
    assert status == 404 and f"没有名为“{paper.name}”的报纸" in text and "没有公开的文章" not in text
    status, text = shown(f"/papers/{paper.name}/")
    assert status == 404 and named(text, paper.name) == named(shown("/papers/无此报/")[1], "无此报")
    writer.set_status(draft, Status.PUBLISHED)
    assert client.get(f"/papers/{paper.pk}/").status_code == 200
    assert client.get(f"/export/paper-{paper.pk}-{year}.jsonl").status_code == 200


@pytest.mark.parametrize("url", ["/admin/articles/article/", "/admin/articles/pagerevision/"])
def test_admin_lists_do_not_read_texts_or_states_a_row_at_a_time(counties, url, django_assert_max_num_queries):
    for i in range(3):  # three pages, each with a hand correction: rows in both lists
        page = writer.ingest_file(f"p{i}.txt", SEED_FILES[i].read_bytes(), META, status=Status.PUBLISHED, same_slot="keep").page
        edit_headline(page, f"改过的标题{i}")
    admin = signed_in("adm", Role.ADMIN)
    with django_assert_max_num_queries(12):
        html = admin.get(url).content.decode()
    assert 'id="result_list"' in html


def test_an_article_with_very_many_captions_is_edited_in_the_admin_without_a_row_for_each(counties, monkeypatch):
    from articles import admin as archive_admin
    from tests.forms_as_sent import form_as_sent

    monkeypatch.setattr(archive_admin, "ADMIN_CAPTION_ROWS", 0)  # every captioned article is "many"
    page = writer.ingest_file("p.txt", SEED_FILES[0].read_bytes(), META, status=Status.PUBLISHED).page
    article = next(a for a in Article.objects.filter(page=page) if a.captions.exists())
    captions = list(article.captions.values_list("text", flat=True))
    admin = signed_in("adm", Role.ADMIN)
    html = admin.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="captions-TOTAL_FORMS"' not in html and "条图片说明，这里不逐条列出" in html
    form = form_as_sent(html, lambda action, fields: any(name == "headline" for name, _ in fields))
    form.update(_save=["Save"], headline=["管理员改的标题"])
    assert admin.post(f"/admin/articles/article/{article.pk}/change/", form).status_code == 302
    saved = Article.objects.get(headline="管理员改的标题")
    assert list(saved.captions.values_list("text", flat=True)) == captions  # untouched


def test_the_admins_page_form_shows_the_files_first_lines_and_how_many_there_are(counties, monkeypatch):
    from articles import admin as archive_admin

    monkeypatch.setattr(archive_admin, "ADMIN_SOURCE_LINES", 3)
    page = writer.ingest_file("p.txt", SEED_FILES[0].read_bytes(), META, status=Status.PUBLISHED).page
    lines = page.raw_text.split("\n")
    html = signed_in("adm", Role.ADMIN).get(f"/admin/articles/page/{page.pk}/change/").content.decode()
    assert f"共 {len(lines)} 行，这里只列出前 3 行" in html
    later = next(line for line in lines[3:] if line.strip())
    assert lines[0] in html and later not in html
