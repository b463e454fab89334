"""/api/openapi.json: valid OpenAPI 3.1 that says what the API really does; API errors as
readable UTF-8 JSON everywhere under /api/, Django's own refusals included."""

from __future__ import annotations

import inspect
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from articles import feeds, params
from articles.auth import issue_token
from articles.models import Article
from articles.roles import Role
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def check(spec: dict, schema: str, instance: object) -> None:
    """``instance`` is valid against ``#/components/schemas/<schema>``."""
    root = {"$ref": f"#/components/schemas/{schema}", "components": spec["components"]}
    Draft202012Validator(root).validate(instance)


def test_it_is_valid_openapi_3_1(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "http://testserver/"}]


def _route(pattern) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1] == "pk" else "{" + m[1] + "}", str(pattern.pattern))


def test_every_api_address_is_described(spec):
    routes = {_route(p) for p in get_resolver().url_patterns if str(p.pattern).startswith("api/")}
    routes.discard("/api/openapi.json")
    assert routes <= set(spec["paths"]), routes - set(spec["paths"])
    assert "/healthz" in spec["paths"]
    assert set(spec["paths"]) - {"/healthz"} == routes  # nothing described that does not exist


def test_search_parameters_are_those_params_reads(spec):
    documented = {p["name"] for p in spec["paths"]["/api/articles"]["get"]["parameters"]}
    source = inspect.getsource(params.read_params)
    read = set(re.findall(r'(?:params\.get|_int\(params,|_date\(params,)\(?\s*"(\w+)"', source))
    assert documented == read
    # The search feed takes the same, less paging and order.
    assert documented - {"page", "page_size", "sort"} == set(feeds.SEARCH_KEYS)


def test_list_detail_and_health_answers_match_their_schemas(client, spec, seeds):
    listed = client.get("/api/articles", {"q": "介休", "page_size": 3}).json()
    check(spec, "ArticleList", listed)
    assert listed["results"]
    article = Article.objects.filter(captions__isnull=False).first()
    check(spec, "ArticleDetail", client.get(f"/api/articles/{article.pk}").json())
    check(spec, "Health", client.get("/healthz").json())
    # additionalProperties: false, so a field added to a shape and not to the schema fails here.
    detail = client.get(f"/api/articles/{article.pk}").json()
    assert set(detail) == set(spec["components"]["schemas"]["ArticleDetail"]["properties"])


def test_documented_parameter_examples_work(client, spec, seeds):
    for parameter in spec["paths"]["/api/articles"]["get"]["parameters"]:
        if "example" in parameter:
            response = client.get("/api/articles", {parameter["name"]: parameter["example"]})
            assert response.status_code == 200, (parameter["name"], response.json())


def test_write_api_answers_match_their_schemas(client, spec, counties):
    editor = make_user("editor", role=Role.EDITOR)
    auth = {"HTTP_AUTHORIZATION": f"Token {issue_token(editor)}"}
    upload = SimpleUploadedFile(SEED_FILES[0].name, SEED_FILES[0].read_bytes(), content_type="text/plain")
    created = client.post("/api/pages", {"file": upload, "paper": "晋中日报", "date": "2025-06-01", "page": "第2版"}, **auth)
    assert created.status_code == 201
    check(spec, "PageWritten", created.json())
    published = client.post(f"/api/pages/{created.json()['page']['id']}/publish", **auth)
    check(spec, "PageWritten", published.json())
    check(spec, "Error", client.post("/api/pages", {}, **auth).json())


def _readable(response) -> dict:
    assert response["Content-Type"] == "application/json"
    raw = response.content.decode("utf-8")
    assert "\\u" not in raw  # UTF-8 as is, never \u escapes
    return response.json()


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/articles?page=abc", 400),
        ("get", "/api/articles?county=不存在县", 400),
        ("get", "/api/articles/999999999", 404),
        ("get", "/api/nothing", 404),
        ("get", "/api/articles/", 404),
        ("get", "/api/articles/abc", 404),
        ("post", "/api/articles", 405),
        ("delete", "/api/articles/1", 405),
        ("put", "/api/openapi.json", 405),
        ("get", "/api/pages", 405),
        ("post", "/api/pages", 401),
    ],
)
def test_every_api_refusal_is_readable_json(client, spec, counties, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    body = _readable(response)
    check(spec, "Error", body)
    assert re.search(r"[\u4e00-\u9fff]", body["error"])  # a message in Chinese, readable as sent


def test_405_keeps_allow_and_says_what_is_allowed(client):
    response = client.post("/api/articles")
    assert response["Allow"] == "GET, HEAD"
    assert "GET, HEAD" in response.json()["error"]


def test_html_pages_keep_their_html_errors(client, counties):
    response = client.get("/nothing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert client.post("/").status_code == 405


def test_openapi_answers_head(client):
    assert client.head("/api/openapi.json").status_code == 200


def test_the_upload_fields_are_described_as_the_api_checks_them():
    from articles import openapi
    from articles.api import PageUploadForm

    schema = openapi.spec()["paths"]["/api/pages"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    validator = Draft202012Validator(schema)
    base = {"file": "x"}
    # A paper of only whitespace is refused by the API (clean_paper), so the description refuses it too.
    for paper, ok in (("太行日报", True), (" 太行日报 ", True), ("   ", False), ("\t\u3000", False)):
        assert validator.is_valid({**base, "paper": paper}) is ok, paper
        form = PageUploadForm({"paper": paper}, {"file": SimpleUploadedFile("a.txt", b"x")})
        assert form.is_valid() is ok, (paper, form.errors)
    # One pattern for a prefecture code everywhere: four ASCII digits, not any Unicode digit.
    for code, ok in (("1407", True), ("\u0661\u0664\u0660\u0667", False), ("140", False)):
        assert validator.is_valid({**base, "paper": "x", "prefecture": code}) is ok, code
        form = PageUploadForm({"paper": "x", "prefecture": code}, {"file": SimpleUploadedFile("a.txt", b"x")})
        assert form.is_valid() is ok, (code, form.errors)
