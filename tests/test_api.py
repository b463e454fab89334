"""The JSON API: shapes, validation (400, never 500), query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, County
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_list_shape_and_newest_first_without_q(client, seeds, django_assert_max_num_queries):
    # capped count (its savepoint, planner setting, count, release) + rows + two prefetches
    with django_assert_max_num_queries(7):
        response = client.get("/api/articles", {"page_size": 5})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == Article.objects.count() and data["page"] == 1
    assert len(data["results"]) == 5
    row = data["results"][0]
    assert set(row) == {"id", "headline", "kicker", "counties", "date", "paper", "url", "snippet"}
    assert row["url"] == f"/articles/{row['id']}/"


def test_list_with_q_is_ranked_and_snippets_are_marked(client, seeds):
    data = client.get("/api/articles", {"q": "介休"}).json()
    assert data["count"] >= 5
    assert "<mark>介休</mark>" in "".join(r["snippet"] for r in data["results"])


def test_county_filter_by_name_and_by_code_agree(client, seeds):
    jiexiu = County.objects.get(name="介休市")
    by_name = client.get("/api/articles", {"county": "介休市"}).json()
    by_code = client.get("/api/articles", {"county": jiexiu.code}).json()
    by_short = client.get("/api/articles", {"county": "介休"}).json()
    assert by_name == by_code == by_short
    assert by_name["count"] >= 5
    assert all("介休市" in r["counties"] for r in by_name["results"])


def test_jiang_county_filter_never_returns_xinjiang_stories(client, seeds):
    data = client.get("/api/articles", {"county": "绛县"}).json()
    assert data["count"] >= 1
    assert all("绛县" in r["counties"] for r in data["results"])
    assert not any("新绛" in r["headline"] for r in data["results"])


def test_paper_and_date_filters(client):
    make_article(headline="甲", paper="晋中日报", date=dt.date(2025, 3, 1))
    make_article(headline="乙", paper="运城日报", date=dt.date(2025, 5, 1))
    assert [r["headline"] for r in client.get("/api/articles", {"paper": "运城日报"}).json()["results"]] == ["乙"]
    data = client.get("/api/articles", {"date_from": "2025-04-01", "date_to": "2025-12-31"}).json()
    assert [r["headline"] for r in data["results"]] == ["乙"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"}, {"page": "0"}, {"page_size": "101"}, {"page_size": "-1"}, {"date_from": "2025-13-01"},
        {"date_to": "yesterday"}, {"county": "不存在县"}, {"sort": "random"}, {"q": "党" * 10_000},
        {"date_from": "2025-02-01", "date_to": "2025-01-01"}, {"q": "-介休"},
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, params):
    response = client.get("/api/articles", params)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("q", ["a & b", "   ", "介休\x00党建", "介休 🙂", '“介休”'])
def test_odd_queries_never_fail(client, seeds, q):
    response = client.get("/api/articles", {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("q", ["\\", "'", '"', "(", ":*", "🙂", "!!", "“”", "-", "\x00"])
def test_a_query_with_nothing_searchable_is_400_never_everything(client, seeds, q):
    response = client.get("/api/articles", {"q": q})
    assert response.status_code == 400
    assert "没有可检索的文字" in response.json()["error"]


def test_detail_has_every_field(client, seeds, django_assert_max_num_queries):
    article = Article.objects.filter(captions__isnull=False).first()
    with django_assert_max_num_queries(5):
        data = client.get(f"/api/articles/{article.pk}").json()
    for key in ("kicker", "headline", "subheadline", "byline", "body", "intertitles", "captions", "counties", "page"):
        assert key in data
    assert set(data["page"]) >= {"id", "url", "paper", "date", "label", "file"}
    assert data["captions"] and set(data["captions"][0]) == {"text", "credit", "credit_text"}


def test_detail_of_missing_article_is_404(client):
    assert client.get("/api/articles/999999").status_code == 404


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] is True


def test_healthz_answers_503_when_the_database_does_not(client, settings):
    from django.db import connections

    broken = dict(connections["default"].settings_dict)
    connections["default"].close()
    original = connections["default"].settings_dict
    connections["default"].settings_dict = {**broken, "HOST": "127.0.0.1", "PORT": "1", "NAME": "nope"}
    try:
        response = client.get("/healthz")
    finally:
        connections["default"].close()
        connections["default"].settings_dict = original
    assert response.status_code == 503


def test_prefecture_filter_by_name_and_code(client, seeds):
    by_name = client.get("/api/articles", {"prefecture": "运城市", "page_size": 100}).json()
    by_code = client.get("/api/articles", {"prefecture": "1408", "page_size": 100}).json()
    assert by_name == by_code
    assert by_name["count"] >= 8
    ids = [r["id"] for r in by_name["results"]]
    assert len(ids) == len(set(ids))


def test_a_parameter_sent_twice_is_400_naming_it(client, seeds):
    response = client.get("/api/articles?county=绛县&q=党建&county=新绛县&page=1")
    assert response.status_code == 400
    assert response.json()["error"].endswith("county")
    assert client.get("/api/articles?county=绛县&q=党建").status_code == 200
    assert client.get("/api/articles?county=绛县&_=1&_=2").status_code == 200  # not a parameter it reads


@pytest.mark.parametrize("url", ["/search?q=介休&county=140781&county=141081", "/search?q=介休&q=党建", "/feeds/search?q=介休&q=党建"])
def test_the_search_page_and_its_feed_refuse_a_parameter_sent_twice_too(client, seeds, url):
    # The page kept the last value: one county of two, one term of two, and said nothing.
    response = client.get(url)
    assert response.status_code == 400
    assert "每个参数只能给一次" in response.content.decode()


def test_a_photo_storys_snippet_quotes_its_captions_with_the_terms_marked(client, counties):
    # A story of pictures alone had the snippet "\n\n" (no body, no titles), even for a search
    # that matched only its caption.
    story = make_article(captions=("黄河滩涂稻浪香，稻田里农户正在收割。",))
    (row,) = client.get("/api/articles", {"q": "稻田"}).json()["results"]
    assert row["id"] == story.pk and "<mark>稻田</mark>" in row["snippet"]
    (row,) = [r for r in client.get("/api/articles").json()["results"] if r["id"] == story.pk]
    assert row["snippet"].startswith("黄河滩涂稻浪香")
    # and the search page the same
    assert "<mark>稻田</mark>" in client.get("/search", {"q": "稻田"}).content.decode()
