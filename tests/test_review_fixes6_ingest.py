"""Ways in: ``manage.py ingest --replace`` names the hand corrections it drops, a .csv named on
the command line (a shell's ``folder/*``) is no page, and an upload whose multipart body has no
boundary is a clear 400 on the upload page and the API."""

from __future__ import annotations

import logging
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles import writer
from articles.auth import issue_token
from articles.models import Page, PageRevision
from articles.roles import Role
from ingest import corrections
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

PLACE = ("--paper", "运城日报", "--date", "2025-07-24", "--page", "第3版")
CORRECTED = "管理员校正过的标题"


def run_ingest(*args: str, verbosity: int = 1) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, no_progress=True, writers=1, workers=1, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def corrected_file(tmp_path: Path) -> tuple[Path, Page]:
    """A page stored by the command, its first article's headline corrected by hand."""
    path = tmp_path / "p.txt"
    shutil.copy(SEED_FILES[1], path)
    run_ingest(str(path), *PLACE)
    page = Page.objects.get()
    fixed = corrections.edit_fields(writer.load_state(page), 0, headline=CORRECTED)
    writer.apply_state(page, fixed, user=None, action=PageRevision.Action.EDIT, summary="改标题")
    return path, page


def change_line(path: Path, page: Page, article: int) -> None:
    """The file again, one character added to the last line of that article."""
    lines = page.raw_text.split("\n")
    lines[writer.load_state(page).articles[article].lines[-1] - 1] += "。"
    path.write_text("\n".join(lines), encoding="utf-8")


# -- (A) a replace names what it drops ------------------------------------------------------------


def test_replace_by_command_prints_each_hand_correction_it_drops(corrected_file):
    path, page = corrected_file
    change_line(path, page, 0)
    out, _ = run_ingest(str(path), *PLACE, "--replace")
    assert "p.txt: 1 hand correction of the old page not carried over" in out
    # The title, the old lines, why (as the API's "conflicts" say it), the field and its value.
    assert f"“{CORRECTED}” (lines " in out and " of the old file): " in out
    assert "this article’s source lines changed in the new file, so its hand corrections could not be kept" in out
    assert f"corrected: Headline (to “{CORRECTED}”)" in out
    assert "1 replaced (1 hand correction not carried over)" in out
    assert not page.articles.filter(headline=CORRECTED).exists()


def test_replace_by_command_names_dropped_corrections_even_when_quiet(corrected_file):
    path, page = corrected_file
    change_line(path, page, 0)
    out, _ = run_ingest(str(path), *PLACE, "--replace", verbosity=0)
    assert f"“{CORRECTED}”" in out and "not carried over" in out


def test_replace_that_carries_every_correction_reports_no_loss(corrected_file):
    path, page = corrected_file
    change_line(path, page, 3)  # another article than the corrected one
    out, _ = run_ingest(str(path), *PLACE, "--replace")
    assert "replaced" in out and "not carried over" not in out
    assert page.articles.filter(headline=CORRECTED).exists()


# -- (B) a .csv named on the command line is no page ----------------------------------------------


def test_shell_glob_with_the_manifest_stores_the_pages_and_reads_the_manifest(tmp_path: Path):
    for p in SEED_FILES[:2]:
        shutil.copy(p, tmp_path / p.name)
    rows = "".join(f"{p.name},运城日报,2025-07-24,{i + 1},1408\n" for i, p in enumerate(SEED_FILES[:2]))
    (tmp_path / "manifest.csv").write_text("file,paper,date,page,prefecture\n" + rows, encoding="utf-8")
    out, _ = run_ingest(*sorted(str(p) for p in tmp_path.iterdir()))  # what the shell's * gives
    assert "manifest.csv: not a page: the folder's manifest, read for the files beside it" in out
    assert "2 ingested" in out
    assert sorted(Page.objects.values_list("source_name", "label")) == sorted(
        [(SEED_FILES[0].name, "第1版"), (SEED_FILES[1].name, "第2版")]
    )


def test_a_csv_file_named_on_the_command_line_is_refused_and_the_others_go_in(tmp_path: Path):
    page = tmp_path / "page.txt"
    shutil.copy(SEED_FILES[1], page)
    table = tmp_path / "counts.csv"
    table.write_text("县,篇数\n绛县,3\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("ingest", str(table), str(page), paper="运城日报", no_progress=True, stdout=StringIO(), stderr=err)
    assert "1 ingested" in str(refused.value) and "1 failed: counts.csv" in str(refused.value)
    assert f"{table}: not a page: a CSV table (page files are plain text, .txt" in err.getvalue()
    assert list(Page.objects.values_list("source_name", flat=True)) == ["page.txt"]


# -- (E) a multipart body without its boundary ----------------------------------------------------


def no_boundary(client: Client, path: str, **extra):
    return client.generic("POST", path, b"garbage", content_type="multipart/form-data", **extra)


def test_upload_without_a_multipart_boundary_is_a_clear_400_and_no_traceback(client, caplog):
    client.force_login(make_user("editor", role=Role.EDITOR))
    with caplog.at_level(logging.WARNING):
        response = no_boundary(client, "/upload/")
    assert response.status_code == 400
    assert "无法读取这次上传" in response.content.decode() and "boundary" in response.content.decode()
    assert not [r for r in caplog.records if r.exc_info]
    assert not Page.objects.exists()


def test_upload_without_a_boundary_is_explained_in_english(client, settings):
    from django.utils import translation

    client.force_login(make_user("editor", role=Role.EDITOR))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        text = no_boundary(client, "/upload/").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "This upload could not be read" in text and "无法读取" not in text


def test_api_upload_without_a_boundary_is_json_400_and_no_traceback(client, caplog):
    key = issue_token(make_user("editor", role=Role.EDITOR))
    with caplog.at_level(logging.WARNING):
        response = no_boundary(client, "/api/pages", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "无法读取这次上传" in response.json()["error"]
    assert "curl -F" in response.json()["error"] and "上传页面" not in response.json()["error"]  # a script's fix, not a browser's
    assert not [r for r in caplog.records if r.exc_info]


def test_upload_with_a_boundary_still_reaches_the_form(client):
    client.force_login(make_user("editor", role=Role.EDITOR))
    body = b"--XX\r\nContent-Disposition: form-data; name=\"paper\"\r\n\r\nabc\r\n--XX--\r\n"
    response = client.generic("POST", "/upload/", body, content_type="multipart/form-data; boundary=XX")
    assert response.status_code == 200  # the form again, asking for a file
    assert "无法读取这次上传" not in response.content.decode()

