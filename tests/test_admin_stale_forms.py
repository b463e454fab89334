"""The Django admin's article and page forms against changes made after they were opened.

A change form says which version of the page it was made from; when another admin corrected the
page since (the correction page, another admin form) or an editor withdrew it, the form is refused
with a message that says so, and nothing is written. An up-to-date form writes only the fields the
admin changed, and its revision's summary is written in Chinese like every other.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from articles import revision_text
from articles.models import Article, ArticleCounty, Caption, Page, PageRevision
from articles.roles import Role
from articles.writer import load_state
from ingest import corrections
from tests.conftest import SEED_FILES
from tests.factories import make_user
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

ARTICLE_STALE = "这篇文章所在的版面在你打开表单之后被改过"
ARTICLE_STALE_EN = "The page this article is on was changed after you opened this form"
PAGE_STALE_STATUS = "这个版面的状态在你打开表单之后被改过"
PAGE_STALE = "这个版面在你打开表单之后被改过"
REOPEN = "请重新打开"


@pytest.fixture
def page(seeds) -> Page:
    """The first seed page (6 articles), published."""
    return Page.objects.get(source_name=SEED_FILES[0].name)


def signed_in(role: Role, name: str) -> Client:
    client = Client()
    client.force_login(make_user(name, role=role))
    return client


@pytest.fixture
def first_admin(db) -> Client:
    return signed_in(Role.ADMIN, "zhang")


@pytest.fixture
def second_admin(db) -> Client:
    return signed_in(Role.ADMIN, "wang")


def version(page: Page) -> int:
    return page.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def state_of(page: Page):
    page.refresh_from_db()
    return load_state(page)


def article_form(client: Client, article_id: int) -> dict:
    """The admin's change form of the article, as a browser sends it back unchanged."""
    html = client.get(f"/admin/articles/article/{article_id}/change/").content.decode()
    data = form_as_sent(html, lambda action, fields: any(name == "headline" for name, _ in fields))
    data["_save"] = ["Save"]
    return data


def page_form(client: Client, page: Page) -> dict:
    html = client.get(f"/admin/articles/page/{page.pk}/change/").content.decode()
    data = form_as_sent(html, lambda action, fields: any(name == "label" for name, _ in fields))
    data["_save"] = ["Save"]
    return data


def correct(client: Client, page: Page, action: str, **data) -> None:
    """A change on the correction page, made from the page's latest version."""
    data.setdefault("version", version(page))
    response = client.post(f"/pages/{page.pk}/correct/{action}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def fix_headline(client: Client, page: Page, index: int, headline: str) -> None:
    """The correction page's field form of article ``index`` with a new headline."""
    article = state_of(page).articles[index]
    data = {name: getattr(article, name) for name in corrections.TEXT_FIELDS}
    data.update(
        article=index, headline=headline, byline="、".join(article.byline), intertitle=article.intertitles,
        caption_text=[c.text for c in article.captions], caption_credit=[c.credit for c in article.captions],
    )
    correct(client, page, "edit", **data)


def refused(response, message: str) -> str:
    """The refused form's page: shown again (200) with ``message`` among the form's own errors,
    where the admin sees it (not in a hidden field's)."""
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    shown = re.search(r'<ul class="errorlist nonfield">(.*?)</ul>', html, re.DOTALL)
    assert shown is not None and message in shown.group(1), html[:4000]
    return html


def snapshot(page: Page) -> tuple:
    """Everything a save could change on the page: its split, rows and revisions."""
    page.refresh_from_db()
    articles = list(
        Article.objects.filter(page=page).order_by("position").values_list(
            "id", "headline", "byline_text", "body", "blocks", "lines", "search_head", "search_body"
        )
    )
    captions = list(Caption.objects.filter(article__page=page).order_by("id").values_list("id", "text", "credit"))
    tags = list(
        ArticleCounty.objects.filter(article__page=page).order_by("id").values_list("id", "county_id", "primary")
    )
    revisions = list(page.revisions.order_by("number").values_list("number", "summary"))
    return load_state(page), articles, captions, tags, revisions, page.status, page.label, page.issue_id


# -- stale article forms -------------------------------------------------------------------------


def test_a_stale_article_form_after_lines_were_moved_is_refused_and_writes_nothing(page, first_admin, second_admin):
    state = state_of(page)
    subject = state.articles[2]
    form = article_form(first_admin, subject.ref)
    moved = subject.lines[-2:]
    correct(second_admin, page, "lines", line=moved, do="previous")
    after_move = snapshot(page)
    form["byline_text"] = ["补上的署名"]
    response = first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form)
    html = refused(response, ARTICLE_STALE)
    assert REOPEN in html
    assert snapshot(page) == after_move
    # Every line in exactly one place: the moved lines' text is in the previous article only.
    now = state_of(page)
    holder = next(a for a in now.articles if a.ref == subject.ref)
    assert not set(moved) & set(holder.lines)
    assert set(moved) <= set(now.articles[1].lines)
    piece = "".join(corrections.source_lines(page.raw_text)[moved[-1] - 1].split())[2:8]
    assert sum(piece in "".join(text(a).split()) for a in now.articles) == 1


def text(article) -> str:
    """All the words an article shows."""
    return "\n".join([article.kicker, article.headline, article.subheadline, article.byline_text, article.source,
                      *(b.text for b in article.blocks), *(c.text for c in article.captions)])


def test_a_stale_article_form_never_reverts_another_admins_headline(page, first_admin, second_admin):
    subject = state_of(page).articles[1]
    form = article_form(first_admin, subject.ref)
    fix_headline(second_admin, page, 1, "另一位管理员改好的标题")
    after_fix = snapshot(page)
    form["byline_text"] = ["补上的署名"]
    refused(first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form), ARTICLE_STALE)
    assert snapshot(page) == after_fix
    assert Article.objects.get(pk=subject.ref).headline == "另一位管理员改好的标题"


def test_a_stale_article_form_with_county_tags_says_why_instead_of_an_invisible_error(page, first_admin, second_admin):
    index, subject = next((i, a) for i, a in enumerate(state_of(page).articles) if a.counties)
    form = article_form(first_admin, subject.ref)
    old_tags = [int(v) for k, vs in form.items() if re.fullmatch(r"county_tags-\d+-id", k) for v in vs]
    assert old_tags
    fix_headline(second_admin, page, index, "县区标签重写之后")
    # The writer wrote the article's tags again: the ids in the open form are gone.
    assert not ArticleCounty.objects.filter(pk__in=old_tags).exists()
    after_fix = snapshot(page)
    form["byline_text"] = ["补上的署名"]
    html = refused(first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form), ARTICLE_STALE)
    assert "请更正以下错误" in html
    assert snapshot(page) == after_fix


def test_a_stale_article_form_is_refused_in_english_too(page, first_admin, second_admin):
    first_admin.cookies["django_language"] = "en"
    subject = state_of(page).articles[1]
    form = article_form(first_admin, subject.ref)
    fix_headline(second_admin, page, 1, "另一位管理员改好的标题")
    html = refused(first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form), ARTICLE_STALE_EN)
    assert "Open the article again" in html and ARTICLE_STALE not in html


def test_an_article_form_opened_before_another_admin_form_saved_is_refused(page, first_admin, second_admin):
    subject = state_of(page).articles[0]
    mine, theirs = article_form(first_admin, subject.ref), article_form(second_admin, subject.ref)
    theirs["headline"] = ["先保存的标题"]
    assert second_admin.post(f"/admin/articles/article/{subject.ref}/change/", theirs).status_code == 302
    after = snapshot(page)
    mine["source"] = ["后保存的来源"]
    refused(first_admin.post(f"/admin/articles/article/{subject.ref}/change/", mine), ARTICLE_STALE)
    assert snapshot(page) == after


# -- stale page forms ----------------------------------------------------------------------------


def test_a_stale_page_form_never_publishes_a_withdrawn_page_again(page, first_admin):
    form = page_form(first_admin, page)
    editor = signed_in(Role.EDITOR, "li")
    assert editor.post(f"/pages/{page.pk}/withdraw/").status_code == 302
    after_withdraw = snapshot(page)
    assert after_withdraw[5] == Page.Status.WITHDRAWN
    form["label"] = ["第5版"]
    html = refused(first_admin.post(f"/admin/articles/page/{page.pk}/change/", form), PAGE_STALE_STATUS)
    assert "已撤回" in html and REOPEN in html
    assert snapshot(page) == after_withdraw
    assert not Article.objects.visible().filter(page=page).exists()


def test_a_stale_page_form_after_a_correction_is_refused(page, first_admin, second_admin):
    form = page_form(first_admin, page)
    fix_headline(second_admin, page, 0, "改过的标题")
    after = snapshot(page)
    form["label"] = ["第5版"]
    refused(first_admin.post(f"/admin/articles/page/{page.pk}/change/", form), PAGE_STALE)
    assert snapshot(page) == after


# -- up-to-date forms ----------------------------------------------------------------------------


def test_an_up_to_date_article_form_saves_only_the_field_changed(page, first_admin):
    index, subject = 1, state_of(page).articles[1]
    before = snapshot(page)
    form = article_form(first_admin, subject.ref)
    form["byline_text"] = ["本报记者 张三"]
    response = first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = state_of(page)
    expected = before[0]
    expected.articles[index].byline_text = "本报记者 张三"
    assert after == expected  # every other field, caption, county and article as it was
    revision = page.revisions.order_by("-number").first()
    assert revision.summary == f"后台编辑第{index + 1}篇《{subject.headline}》：署名原文"


def test_an_up_to_date_article_form_writes_a_body_change_but_not_the_untouched_fields(page, first_admin):
    index, subject = 1, state_of(page).articles[1]
    form = article_form(first_admin, subject.ref)
    paragraphs = form["body"][0].split("\r\n")
    paragraphs[0] = "改写的第一段。"
    form["body"] = ["\r\n".join(paragraphs)]
    form["headline"] = ["新标题"]
    assert first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form).status_code == 302
    now = state_of(page).articles[index]
    assert (now.headline, now.paragraphs[0]) == ("新标题", "改写的第一段。")
    assert (now.lines, now.kicker, now.byline, now.counties, now.captions) == (
        subject.lines, subject.kicker, subject.byline, subject.counties, subject.captions
    )
    assert page.revisions.order_by("-number").first().summary == f"后台编辑第{index + 1}篇《{subject.headline}》：标题、正文"


def test_an_up_to_date_page_form_changes_the_label_and_leaves_the_status(page, first_admin):
    published_at = page.published_at
    form = page_form(first_admin, page)
    form["label"] = ["第5版"]
    response = first_admin.post(f"/admin/articles/page/{page.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert (page.label, page.status, page.published_at) == ("第5版", Page.Status.PUBLISHED, published_at)
    assert page.revisions.order_by("-number").first().action == PageRevision.Action.META


def test_an_up_to_date_page_form_withdraws_the_page(page, first_admin):
    form = page_form(first_admin, page)
    form["status"] = [Page.Status.WITHDRAWN]
    assert first_admin.post(f"/admin/articles/page/{page.pk}/change/", form).status_code == 302
    page.refresh_from_db()
    assert page.status == Page.Status.WITHDRAWN and not page.revisions.exists()
    assert not Article.objects.visible().filter(page=page).exists()


# -- the admin's summaries ------------------------------------------------------------------------


def test_the_admins_summary_reads_in_chinese_and_in_english_on_the_history_page(page, first_admin):
    subject = state_of(page).articles[1]
    form = article_form(first_admin, subject.ref)
    form["headline"], form["byline_text"] = ["新的标题"], ["本报记者 张三"]
    assert first_admin.post(f"/admin/articles/article/{subject.ref}/change/", form).status_code == 302
    summary = f"后台编辑第2篇《{subject.headline}》：标题、署名原文"
    assert page.revisions.order_by("-number").first().summary == summary
    history = first_admin.get(f"/pages/{page.pk}/history/").content.decode()
    assert summary in history and "admin:" not in history
    first_admin.cookies["django_language"] = "en"
    history = first_admin.get(f"/pages/{page.pk}/history/").content.decode()
    english = f"Edited article 2 “{subject.headline}” in the admin: Headline, Byline as printed"
    assert english in history and "后台编辑" not in history


def test_an_admin_summary_without_a_headline_is_translated():
    with translation.override("en"):
        assert revision_text.summary("后台编辑第4篇：区县、图片说明") == "Edited Article 4 in the admin: Counties, Caption"


# -- labels in the Chinese admin -------------------------------------------------------------------


ENGLISH_LABEL = re.compile(
    r">\s*(?:Newspaper|Date|Page|Position|Blocks|Warnings|Lines|County|Primary|Article|Issue|Sha256|N)\s*<|"
    r">\s*(?:NEWSPAPER|DATE|PAGE|POSITION|BLOCKS|WARNINGS|LINES|COUNTY PRIMARY)\s*<"
)


def test_the_chinese_admin_shows_no_english_field_labels(page, first_admin):
    subject = state_of(page).articles[0]
    pages = {
        "article list": "/admin/articles/article/",
        "article form": f"/admin/articles/article/{subject.ref}/change/",
        "page form": f"/admin/articles/page/{page.pk}/change/",
        "issue list": "/admin/articles/issue/",
    }
    for what, url in pages.items():
        html = first_admin.get(url).content.decode()
        assert not ENGLISH_LABEL.search(html), (what, ENGLISH_LABEL.search(html))
    article = first_admin.get(pages["article form"]).content.decode()
    for label in ("段落次序", "切分提示", "源行号", "所属报纸", "日期", "版面", "标注县区", "主要县区", "文内顺序"):
        assert label in article, label
    listing = first_admin.get(pages["article list"]).content.decode()
    for label in ("所属报纸", "日期", "版面", "版内顺序"):
        assert label in listing, label


def test_every_model_field_has_a_label_with_an_english_translation():
    from django.apps import apps

    for model in apps.get_app_config("articles").get_models():
        for field in model._meta.get_fields():
            if field.auto_created or not field.concrete and not field.many_to_many:
                continue
            label = str(field.verbose_name)
            assert re.search(r"[\u4e00-\u9fff]", label), (model.__name__, field.name, label)
            with translation.override("en"):
                assert not re.search(r"[\u4e00-\u9fff]", str(field.verbose_name)), (model.__name__, field.name)
