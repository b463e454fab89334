"""The Django admin: every model is there, nothing crashes, and changes go through the writer."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from articles.models import Article, Newspaper, Page, PageRevision

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
