"""The Django admin: every model is there, nothing crashes, and changes go through the writer."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from articles.models import Article, ArticleCounty, Caption, Newspaper, Page, PageRevision
from articles.writer import Action, apply_state, load_state
from ingest import corrections
from ingest.model import Block, BlockKind
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return user


def test_every_model_has_an_admin_that_lists_and_shows_it(client, superuser, seeds):
    from articles.models import ArticleCounty, Caption, County, Issue

    for model in (Newspaper, Issue, Page, Article, County, PageRevision):
        assert admin.site.is_registered(model), model
    # Captions and county tags are edited inline on their article.
    assert not admin.site.is_registered(Caption) and not admin.site.is_registered(ArticleCounty)
    page = Page.objects.first()
    from articles.writer import Action, apply_state, load_state

    apply_state(page, load_state(page), user=superuser, action=Action.EDIT)
    for model in (Newspaper, Issue, Page, Article, County, PageRevision):
        meta = model._meta
        listing = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert listing.status_code == 200, meta.model_name
        obj = model.objects.first()
        change = client.get(f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/")
        assert change.status_code == 200, meta.model_name


def test_adding_an_article_or_a_page_is_refused_not_a_crash(client, superuser):
    for name in ("article", "page", "pagerevision"):
        assert client.get(f"/admin/articles/{name}/add/").status_code == 403, name


def test_a_change_of_paper_and_date_in_the_admin_reaches_the_articles_at_once(client, superuser, seeds):
    page = Page.objects.order_by("id").first()
    other = Newspaper.objects.exclude(pk=page.issue.newspaper_id).first()
    response = client.post(
        f"/admin/articles/page/{page.pk}/change/",
        {"paper": other.pk, "date": "2025-03-29", "label": "第3版", "status": "published",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert (page.issue.newspaper, page.issue.date.isoformat(), page.label, page.number) == (other, "2025-03-29", "第3版", 3)
    assert set(page.articles.values_list("newspaper_id", "date")) == {(other.pk, page.issue.date)}
    data = client.get("/api/articles", {"paper": other.name, "date_from": "2025-03-29"}).json()
    assert {r["id"] for r in data["results"]} >= set(page.articles.values_list("id", flat=True)[:1])


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_the_admin_holds_a_page_to_the_archives_range_of_dates(client, superuser, seeds, date):
    # The editor's page form and uploads refuse these; the admin's form took them, and a year
    # 9999 page broke its paper's calendar.
    page = Page.objects.order_by("id").first()
    response = client.post(
        f"/admin/articles/page/{page.pk}/change/",
        {"paper": page.issue.newspaper_id, "date": date, "label": page.label, "status": "published",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200 and "日期须在 1800-01-01 到" in response.content.decode()
    page.refresh_from_db()
    assert page.issue.date is None or page.issue.date.year not in (1, 9999)


def test_withdrawing_a_page_in_the_admin_hides_it_from_readers(client, superuser, seeds):
    page = Page.objects.order_by("id").first()
    article = page.articles.first()
    response = client.post(
        f"/admin/articles/page/{page.pk}/change/",
        {"paper": page.issue.newspaper_id, "date": "", "label": page.label, "status": "withdrawn",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Article.objects.visible().filter(page=page).exists()
    client.logout()
    assert client.get(f"/articles/{article.pk}/").status_code == 404


def test_an_admin_change_of_captions_and_counties_goes_through_the_writer(client, superuser, seeds):
    article = Article.objects.filter(captions__isnull=False).order_by("id").first()
    caption = article.captions.order_by("position").first()
    form = {
        "section": article.section, "kicker": article.kicker, "headline": article.headline,
        "subheadline": article.subheadline, "byline": ",".join(article.byline), "byline_text": article.byline_text,
        "source": article.source, "body": article.body, "intertitles": ",".join(article.intertitles),
        "continued": "on" if article.continued else "",
        "captions-TOTAL_FORMS": "1", "captions-INITIAL_FORMS": "1",
        "captions-0-id": caption.pk, "captions-0-article": article.pk,
        "captions-0-text": "绵山云海", "captions-0-credit": caption.credit,
        "county_tags-TOTAL_FORMS": "1", "county_tags-INITIAL_FORMS": "0",
        "county_tags-0-county": "140781", "county_tags-0-primary": "on", "county_tags-0-article": article.pk,
    }
    response = client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Article.objects.search("绵山云海").values_list("id", flat=True)) == [article.pk]
    assert list(article.county_tags.values_list("county_id", "primary")) == [("140781", True)]
    assert PageRevision.objects.filter(page=article.page_id, action="edit", user=superuser).exists()


# -- saving the article form -------------------------------------------------------------------


def article_with(seeds, headline: str) -> Article:
    return Article.objects.get(headline__startswith=headline)


def admin_form(client, article: Article) -> dict:
    """The article's change form as a browser sends it back unchanged (textareas with \\r\\n)."""
    html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    data = form_as_sent(html, lambda action, fields: any(name == "headline" for name, _ in fields))
    data["_save"] = ["Save"]
    return data


def stored(article: Article) -> tuple:
    """Everything a save could change, search vectors included."""
    row = Article.objects.filter(pk=article.pk).values_list(
        "headline", "body", "intertitles", "blocks", "byline", "search_head", "search_body", "search_words"
    )
    captions = list(Caption.objects.filter(article=article).values_list("position", "text", "credit"))
    tags = list(ArticleCounty.objects.filter(article=article).values_list("county_id", "primary"))
    return row.get(), captions, tags


def test_saving_an_article_unchanged_in_the_admin_changes_nothing_and_records_no_revision(client, superuser, seeds):
    # An intertitle with an ASCII comma (the comma-separated field cut it in two and shifted the
    # rest) and a caption of two lines (the browser sends it back with \r\n).
    article = article_with(seeds, "“萤火微光”")
    page = article.page
    state = load_state(page)
    i = next(k for k, a in enumerate(state.articles) if a.ref == article.pk)
    titles = state.articles[i].intertitles
    state = corrections.edit_fields(state, i, intertitles=["织密矩阵,组织扎根照亮治理末梢", *titles[1:]])
    apply_state(page, state, user=superuser, action=Action.EDIT, summary="test")
    captioned = Caption.objects.filter(text__contains="\n").first().article
    for subject in (article, captioned):
        before, revisions = stored(subject), PageRevision.objects.filter(page=subject.page_id).count()
        response = client.post(f"/admin/articles/article/{subject.pk}/change/", admin_form(client, subject))
        assert response.status_code == 302, response.content.decode()[:3000]
        assert stored(subject) == before
        assert PageRevision.objects.filter(page=subject.page_id).count() == revisions
    assert Article.objects.get(pk=article.pk).intertitles[0] == "织密矩阵,组织扎根照亮治理末梢"


def test_admin_edits_of_paragraphs_and_intertitles_change_only_those_blocks(client, superuser, seeds):
    article = article_with(seeds, "“萤火微光”")
    before = next(a for a in load_state(article.page).articles if a.ref == article.pk)
    data = admin_form(client, article)
    paragraphs = data["body"][0].split("\r\n")
    titles = data["intertitles"][0].split("\r\n")
    # One paragraph removed from the first section, one intertitle retitled, one line break
    # typed as a lone \r: no later paragraph or intertitle moves to another block's place.
    removed = paragraphs.pop(1)
    titles[1] = "微光成炬,精准服务"
    data["body"] = ["\r".join(paragraphs)]
    data["intertitles"] = ["\r\n".join(titles)]
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = next(a for a in load_state(article.page).articles if a.ref == article.pk)
    expected = [b for b in before.blocks if b.text != removed]
    k = next(k for k, b in enumerate(expected) if b.text == before.intertitles[1])
    expected[k] = Block(BlockKind.INTERTITLE, "微光成炬,精准服务")
    assert after.blocks == expected
    assert not any("\r" in b.text for b in after.blocks)
    revision = PageRevision.objects.filter(page=article.page_id).order_by("-number").first()
    assert revision.summary == "后台编辑第1篇《“萤火微光”点亮新绛社区治理路》：正文、小标题"


def test_retexted_puts_an_added_item_after_the_one_it_follows():
    from articles.admin import _retexted

    P, H = BlockKind.PARAGRAPH, BlockKind.INTERTITLE
    blocks = [Block(P, "a"), Block(H, "x"), Block(P, "b"), Block(H, "y"), Block(P, "c")]
    assert _retexted(blocks, P, ["a", "b", "c"]) == blocks
    assert _retexted(blocks, P, ["a", "b", "new", "c"]) == [*blocks[:3], Block(P, "new"), *blocks[3:]]
    assert _retexted(blocks, P, ["new", "a", "b", "c"]) == [Block(P, "new"), *blocks]
    assert _retexted(blocks, H, ["x"]) == blocks[:3] + blocks[4:]
    assert _retexted(blocks, H, ["x", "y", "z"]) == [*blocks[:4], Block(H, "z"), blocks[4]]
    assert _retexted([Block(P, "a")], H, ["z"]) == [Block(P, "a"), Block(H, "z")]


@pytest.mark.parametrize(("code", "kept"), [("9999", False), ("14", False), ("1408", True), ("", True)])
def test_the_admin_holds_a_paper_to_a_prefecture_of_the_gazetteer(client, superuser, code, kept):
    paper = Newspaper.objects.create(name="运城日报", prefecture_code="1408")
    response = client.post(f"/admin/articles/newspaper/{paper.pk}/change/", {"name": "运城日报", "prefecture_code": code})
    paper.refresh_from_db()
    if kept:
        assert response.status_code == 302 and paper.prefecture_code == code
    else:
        assert response.status_code == 200 and "不是任何地市的代码" in response.content.decode()
        assert paper.prefecture_code == "1408"


@pytest.mark.parametrize("name", ["运城日报\u200b", "运城\n日报", "\ufeff运城日报"])
def test_the_admin_refuses_a_paper_name_that_is_not_one_line_of_visible_text(client, superuser, name):
    # As uploads, the API and the preview's form refuse it: a twin of 运城日报 that looks the same.
    paper = Newspaper.objects.create(name="运城日报")
    response = client.post(f"/admin/articles/newspaper/{paper.pk}/change/", {"name": name, "prefecture_code": ""})
    assert response.status_code == 200 and "报名含有" in response.content.decode()
    paper.refresh_from_db()
    assert paper.name == "运城日报"
    added = client.post("/admin/articles/newspaper/add/", {"name": name, "prefecture_code": ""})
    assert added.status_code == 200 and Newspaper.objects.count() == 1


def test_the_admin_is_headed_with_the_archives_name_not_djangos(client, superuser):
    text = client.get("/admin/").content.decode()
    assert "地方报纸档案 · 管理" in text and "Django" not in text[text.index("<title>"):text.index("</title>")]
