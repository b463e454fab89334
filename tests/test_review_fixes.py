"""Defects a reviewer of the running site found (seventh session), each held by its behaviour:
the language switch after a refused form, 405 pages, the API and a manifest, manifest dates, an
undated article's English citation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.auth import issue_token
from articles.models import Article, Page, PageRevision
from articles.roles import Role
from ingest.manifest import ManifestError, parse_date
from tests.conftest import SEED_FILES
from tests.factories import make_article, make_user
from tests.shown import shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, seeds):
    client.force_login(make_user("corrector", role=Role.ADMIN))
    return client


@pytest.fixture
def page(seeds) -> Page:
    return Page.objects.get(source_name=SEED_FILES[0].name)


def test_a_forms_address_opened_as_a_page_answers_the_sites_405_page(admin_client, page):
    # GET of a POST-only address (a form's action, reached by a link or the language switch) was
    # a blank 405.
    response = admin_client.get(f"/pages/{page.pk}/undo/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    text = response.content.decode()
    assert "<footer" in text and "这个地址只接受表单提交" in text
    assert admin_client.head(f"/pages/{page.pk}/undo/").status_code == 405
    # A reader page refusing a POST says which methods it takes.
    refused = admin_client.post("/papers/")
    assert refused.status_code == 405 and "GET" in refused.content.decode()
    # Under /api/ a refusal stays JSON.
    api = admin_client.get(f"/api/pages/{page.pk}/publish")
    assert api.status_code == 405 and api["Content-Type"].startswith("application/json")


def test_the_language_switch_on_a_refused_forms_page_leads_back_to_the_form(admin_client, page):
    # A refused undo is shown at the undo's own address; the switch led there, to a 405.
    history = f"/pages/{page.pk}/history/"
    response = admin_client.post(f"/pages/{page.pk}/undo/", {"version": "0"}, HTTP_REFERER=f"http://testserver{history}")
    assert response.status_code == 400
    assert f'name="next" value="{history}"' in response.content.decode()
    # Without a Referer of this site: home.
    elsewhere = admin_client.post(f"/pages/{page.pk}/undo/", {"version": "0"}, HTTP_REFERER="http://evil.example/x")
    assert 'name="next" value="/"' in elsewhere.content.decode()
    # A page fetched by GET leads back to itself, query included.
    assert 'name="next" value="/search?q=%E4%BB%8B%E4%BC%91"' in admin_client.get("/search?q=%E4%BB%8B%E4%BC%91").content.decode()


def test_the_api_refuses_a_manifest_sent_as_a_page(client, db):
    key = issue_token(make_user("editor", role=Role.EDITOR))
    manifest = SimpleUploadedFile("manifest.csv", "file,paper,date\na.txt,晋中日报,2025-01-01\n".encode(), content_type="text/csv")
    response = client.post("/api/pages", {"file": manifest, "paper": "晋中日报"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400
    assert "manifest.csv 是清单文件" in response.json()["error"]
    assert not Page.objects.exists()


@pytest.mark.parametrize("value", ["20250501", "2025-W18-4", "2025-5-1", "2025/05/01"])
def test_a_date_option_not_written_as_yyyy_mm_dd_is_refused(value):
    # parse_date is the --date option's (and the form's) strict reading; a manifest row also takes
    # year-first forms such as 2025/4/1 (tests/test_manifest_rows.py).
    with pytest.raises(ManifestError, match="is not YYYY-MM-DD"):
        parse_date(value, where="manifest.csv:2")


def test_a_manifest_date_of_no_such_day_says_so():
    with pytest.raises(ManifestError, match="no such day") as caught:
        parse_date("2025-13-45", where="manifest.csv:2")
    assert "不存在" in caught.value.zh
    assert parse_date("2025-05-01", where="manifest.csv:2").isoformat() == "2025-05-01"


def test_an_undated_articles_english_citation_has_one_full_stop_after_n_d(client, db):
    article = make_article(paper="晋中日报", headline="无日期的报道", byline=("张三",))
    article.page.label, article.page.number = "", None
    article.page.save()
    client.cookies["django_language"] = "en"
    text = shown(client.get(f"/articles/{article.pk}/").content.decode())
    assert "n.d.." not in text
    assert f"晋中日报, n.d. http://testserver/articles/{article.pk}/" in text


def test_a_merged_away_articles_permalink_leads_to_the_article_holding_its_text(client, admin_client, page):
    # A permalink cited before an admin merged two stories answered 404 ("a stable permalink").
    from articles import writer

    state = writer.load_state(page)
    first, second = state.articles[1], state.articles[2]
    admin_client.post(f"/pages/{page.pk}/correct/merge/", {"article": 1, "version": 0})
    assert not Article.objects.filter(pk=second.ref).exists()
    admin_client.logout()
    response = client.get(f"/articles/{second.ref}/")
    assert response.status_code == 302 and response["Location"] == f"/articles/{first.ref}/"
    assert client.get(response["Location"]).status_code == 200
    # Undone, the article and its address are back (so the redirect was a temporary one).
    writer.undo(page)
    assert client.get(f"/articles/{second.ref}/").status_code == 200
    # An id that never was is still a 404.
    assert client.get(f"/articles/{second.ref + 100000}/").status_code == 404


def test_a_moved_permalink_gives_no_hint_of_a_draft(client, db):
    # A draft's article merged away: a reader gets the same 404 as for any unknown id.
    from articles import writer
    from ingest.corrections import merge_with_next, source_lines

    page = writer.ingest_file("d.txt", SEED_FILES[0].read_bytes(), writer.PageMeta("晋中日报"), status=Page.Status.DRAFT).page
    state = writer.load_state(page)
    gone = state.articles[2].ref
    merged = merge_with_next(state, 1, source=source_lines(page.raw_text))
    writer.apply_state(page, merged, user=None, action=PageRevision.Action.CORRECT)
    assert not Article.objects.filter(pk=gone).exists()
    assert client.get(f"/articles/{gone}/").status_code == 404


def test_search_results_mark_their_chinese_text_on_an_english_page(client, seeds):
    chinese = client.get("/search", {"q": "介休"}).content.decode()
    assert 'class="headline" href=' in chinese and 'lang="zh-Hans"' not in chinese.split("<ol", 1)[1]
    client.cookies["django_language"] = "en"
    english = client.get("/search", {"q": "介休"}).content.decode()
    assert 'class="headline" lang="zh-Hans" href=' in english
    assert '<p class="snippet" lang="zh-Hans">' in english
