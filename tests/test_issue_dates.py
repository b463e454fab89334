"""The dates an issue may carry: one range (ingest/manifest.py ``issue_date_in_range``: 1800-01-01
to a year after today) for every way in — the upload form, a page's meta form, the API, a
manifest, the ingest command — and pages that never fail on a date stored before it held.

Any date 0001..9999 was once taken; then a paper's page failed on year 9999 (its calendar) and a
search drew one bar for each of 9,999 years.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles import writer
from articles.auth import issue_token
from articles.models import Article, Page
from articles.roles import Role
from ingest.manifest import ISSUE_DATE_MIN, issue_date_max
from tests.conftest import SEED_FILES
from tests.factories import make_article, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

TOO_EARLY = "1799-12-31"
TOO_LATE = (issue_date_max() + dt.timedelta(days=1)).isoformat()


def seed_file(name: str = "page.txt", i: int = 3) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SEED_FILES[i].read_bytes(), content_type="text/plain")


@pytest.fixture
def editor(client):
    user = make_user("editor", role=Role.EDITOR)
    client.force_login(user)
    return user


@pytest.mark.parametrize("date", [TOO_EARLY, TOO_LATE, "9999-12-31", "0001-01-01"])
def test_the_upload_form_refuses_a_date_outside_the_range_naming_the_field(client, editor, date):
    response = client.post("/upload/", {"paper": "运城日报", "date": date, "files": [seed_file()]})
    text = response.content.decode()
    assert response.status_code == 200 and "日期须在 1800-01-01 到" in text and date in text
    assert not Page.objects.exists()


def test_the_ends_of_the_range_are_taken(client, editor):
    for i, date in ((3, ISSUE_DATE_MIN), (4, issue_date_max())):
        response = client.post("/upload/", {"paper": "运城日报", "date": date.isoformat(), "files": [seed_file(i=i)]})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(Page.objects.values_list("issue__date", flat=True)) == [ISSUE_DATE_MIN, issue_date_max()]


def test_a_manifest_date_outside_the_range_fails_the_upload_by_name(client, editor):
    manifest = SimpleUploadedFile("manifest.csv", b"file,paper,date\npage.txt,x,9999-01-01\n", content_type="text/csv")
    # The row's file is refused by name, on the results (a bad row refuses only its own file).
    text = client.post("/upload/", {"files": [seed_file(), manifest]}, follow=True).content.decode()
    assert "page.txt" in text and "manifest.csv" in text and "9999-01-01" in text
    assert "不在 1800-01-01 到" in text  # in the page's language
    assert not Page.objects.exists()


def test_a_file_name_date_outside_the_range_is_not_taken(client, editor):
    client.post("/upload/", {"paper": "运城日报", "files": [seed_file("运城日报_2099-07-24_第3版.txt")]})
    page = Page.objects.get()
    assert page.issue.date is None and page.label == "第3版"  # the date left for the editor to give


def test_the_meta_form_refuses_a_date_outside_the_range(client, editor):
    page = writer.ingest_file("x.txt", SEED_FILES[3].read_bytes(), writer.PageMeta("运城日报"), status=Page.Status.DRAFT).page
    response = client.post(f"/pages/{page.pk}/meta/", {"paper": "运城日报", "date": "9999-12-31", "label": ""})
    page.refresh_from_db()
    assert page.issue.date is None
    # Refused in the answer to the POST itself, the form shown again as typed.
    assert response.status_code == 400 and "日期须在 1800-01-01 到" in response.content.decode()


def test_the_api_refuses_a_date_outside_the_range_naming_the_field(client):
    key = issue_token(make_user("scripted", role=Role.EDITOR))
    response = client.post(
        "/api/pages", {"file": seed_file(), "paper": "运城日报", "date": "9999-12-31"}, HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["date"] and "1800-01-01" in response.json()["error"]
    assert not Page.objects.exists()


def test_the_ingest_command_refuses_a_date_outside_the_range(tmp_path):
    (tmp_path / "page.txt").write_bytes(SEED_FILES[3].read_bytes())
    with pytest.raises(CommandError, match=r"--date: date '1799-12-31' is outside 1800-01-01 to"):
        call_command("ingest", str(tmp_path / "page.txt"), "--paper", "运城日报", "--date", TOO_EARLY)
    assert not Page.objects.exists()


def test_a_search_over_centuries_draws_only_the_years_with_results(client):
    # Dates stored before the range held: one bar per year from 0001 to 9999 was 9,999 bars.
    for date in (dt.date(1, 1, 1), dt.date(999, 5, 1), dt.date(2024, 1, 2), dt.date(9999, 12, 31)):
        make_article(paper="边界日报", date=date, headline="边界", body="千年的消息。")
    Article.objects.update(visible=True)
    text = client.get("/search", {"q": "消息"}).content.decode()
    assert text.count('class="bar-label"') == 4
    # The year 999 as four digits, as the date parameters need it: a link that works.
    link = "/search?q=%E6%B6%88%E6%81%AF&amp;date_from=0999-01-01&amp;date_to=0999-12-31"
    assert link in text
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_a_search_over_a_few_years_still_shows_the_empty_ones(client):
    for date in (dt.date(2020, 1, 1), dt.date(2024, 1, 2)):
        make_article(paper="晋中日报", date=date, headline="近年", body="近年的消息。")
    Article.objects.update(visible=True)
    text = client.get("/search", {"q": "消息"}).content.decode()
    assert text.count('class="bar-label"') == 5  # 2020 to 2024, gaps included
