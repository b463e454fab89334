"""A real client against the API's own description: schemathesis reads /api/openapi.json from the
app and sends what the description allows (and, in negative mode, what it does not), then checks
every answer — no 500, status codes, content types, headers and bodies as described, bad input
refused, operations that need a token refusing a request without one.

It runs on the real PostgreSQL with the seed pages published and an editor's token, bounded
(``MAX_EXAMPLES`` per operation and mode) so that the module takes well under a minute.

Schemathesis's own pytest integration (``@schema.parametrize()``) needs a pytest older than ours
(it sets ``Function._nodeid``, gone in pytest 9), so each operation is driven through its
Hypothesis strategy here, with the same checks (``case.call_and_validate``).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles import openapi
from articles.auth import issue_token
from articles.models import Article, Page
from articles.roles import Role
from articles.writer import PageMeta, ingest_file
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# CI sends the same examples every run (derandomized); SCHEMATHESIS_MAX_EXAMPLES=300 explores
# with new random ones each time.
EXPLORE = "SCHEMATHESIS_MAX_EXAMPLES" in os.environ
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", 25))
# Schema-valid input the archive cannot accept: a county or paper that is not there, a file that
# is not a page of text. The description says so (400, "error" names the parameter or the file).
EXCLUDED = [positive_data_acceptance]
OPERATIONS = [(path, method) for path, item in openapi.spec()["paths"].items() for method in item]


@pytest.fixture
def api_schema(seeds):
    # Django's test client does the same: each request would otherwise close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(seeds) -> str:
    return issue_token(make_user("editor", role=Role.EDITOR))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_the_api_keeps_to_its_description(api_schema, token, path, method, mode):
    operation = api_schema[path][method.upper()]
    headers = {"Authorization": f"Token {token}"} if operation.definition.raw.get("security") else {}

    if mode is GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters") and not operation.body:
        pytest.skip("nothing to get wrong: no parameters, no body")

    # The token as a fixed header of every case: negative mode then mutates the rest, not the key.
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=MAX_EXAMPLES, derandomize=not EXPLORE, deadline=None, suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case):
        case.call_and_validate(excluded_checks=EXCLUDED)

    check()


def test_a_real_article_and_a_real_draft_answer_as_described(api_schema, token, seeds):
    """Generated ids almost never name a row, so the 200s of these two are checked on fixed cases."""
    article = Article.objects.visible().order_by("pk").first()
    case = api_schema["/api/articles/{id}"]["GET"].Case(path_parameters={"id": article.pk})
    response = case.call_and_validate(excluded_checks=EXCLUDED)
    assert response.status_code == 200 and response.json()["id"] == article.pk

    text = SEED_FILES[0].read_bytes() + "\n本报讯 一份草稿多出的一行。\n".encode()
    draft = ingest_file("draft.txt", text, PageMeta(paper="测试日报"), status=Page.Status.DRAFT).page
    case = api_schema["/api/pages/{id}/publish"]["POST"].Case(
        path_parameters={"id": draft.pk}, headers={"Authorization": f"Token {token}"}
    )
    response = case.call_and_validate(excluded_checks=EXCLUDED)
    assert response.status_code == 200 and response.json()["outcome"] == "published"
    draft.refresh_from_db()
    assert draft.status == Page.Status.PUBLISHED
