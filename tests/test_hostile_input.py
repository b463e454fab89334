"""Hostile files through every way in: ``manage.py ingest``, the upload page and ``POST /api/pages``.

Each file of tests/hostile_files.py either loads correctly — its text stored verbatim (line ends
as ``\\n``), every non-blank line in exactly one article or furniture entry, findable by search,
served escaped — or is refused with a message that names the file and the problem, with no
traceback and no SQL, and nothing written.

Upload limits refused before the body is read (request size on ``Content-Length``, anonymous
uploads) are tested in tests/test_upload_limits.py; the per-form file count in tests/test_upload.py
(``UPLOAD_MAX_FILES``). Here: what is left, Django's own count bound, which only reading the body
can find.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from articles.auth import issue_token
from articles.models import Article, Issue, Newspaper, Page, PageRevision
from articles.roles import Role
from tests.factories import make_user
from ingest.decode import decode
from tests.hostile_files import CASES, SCRIPT, Hostile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

PAPER = "太行日报"
# What must never reach an editor: a traceback, SQL, the driver's words.
LEAKS = ("Traceback", "INSERT", "COPY ", "SELECT", "psycopg", "CONTEXT:", "DETAIL:", 'File "/')

# The two slowest cases run through one way in only. The 100,000 lines cost seconds of parsing
# on every run, and every way in reaches the same ``writer.prepare`` → ``read_page`` with the
# same bytes (the command from a path, the upload page and the API from memory): the command
# alone, which also lets the page be searched and served as published. The 20 MB file is refused
# by a different check in each (the command and the API by decode's size bound, the upload form
# by the file's size before reading it), so it runs through all three.
ONCE = {"100k_lines": "command"}


@dataclass
class Answer:
    """What a way in did with one file: the page it stored, or the message it refused it with."""

    page: Page | None
    message: str


def by_command(case: Hostile, tmp_path: Path, client: Client) -> Answer:
    path = tmp_path / case.name
    path.write_bytes(case.data())
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", str(path), paper=PAPER, workers=1, no_progress=True, stdout=out, stderr=err)
    except CommandError as exc:
        return Answer(None, f"{err.getvalue()}\n{exc}")
    return Answer(Page.objects.get(source_name=case.name), out.getvalue())


def by_upload(case: Hostile, tmp_path: Path, client: Client) -> Answer:
    client.force_login(make_user("editor", role=Role.EDITOR))
    upload = SimpleUploadedFile(case.name, case.data(), content_type="text/plain")
    response = client.post("/upload/", {"paper": PAPER, "files": [upload]})
    assert response.status_code == 302, response.content.decode()[:2000]
    results = client.get(response["Location"])
    assert results.status_code == 200
    return Answer(Page.objects.filter(source_name=case.name).first(), results.content.decode())


def by_api(case: Hostile, tmp_path: Path, client: Client) -> Answer:
    key = issue_token(make_user("scripter", role=Role.EDITOR))
    upload = SimpleUploadedFile(case.name, case.data(), content_type="text/plain")
    response = client.post("/api/pages", {"paper": PAPER, "file": upload}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code == 201:
        return Answer(Page.objects.get(pk=body["page"]["id"]), body["message"])
    assert response.status_code == 400, body
    assert body["file"] == case.name
    return Answer(None, body["error"])


WAYS_IN = {"command": by_command, "upload": by_upload, "api": by_api}


def counts() -> tuple[int, ...]:
    return (Newspaper.objects.count(), Issue.objects.count(), Page.objects.count(), Article.objects.count(),
            PageRevision.objects.count())


def cases() -> list:
    params = []
    for case in CASES.values():
        for way in WAYS_IN:
            if ONCE.get(case.id, way) == way:
                params.append(pytest.param(case, way, id=f"{case.id}-{way}"))
    return params


@pytest.mark.parametrize("case,way", cases())
def test_a_hostile_file_loads_correctly_or_is_refused_by_name(case: Hostile, way: str, tmp_path: Path, client: Client):
    before = counts()
    answer = WAYS_IN[way](case, tmp_path, client)
    for leak in LEAKS:
        assert leak not in answer.message, f"{case.id} via {way} leaks {leak!r}: {answer.message[:500]}"
    if not case.loads:
        assert answer.page is None, f"{case.id} via {way} was stored"
        assert counts() == before, "a refusal wrote something"
        assert case.name in answer.message
        assert escape(case.reason(way)) in answer.message, answer.message[-1500:]
        return
    page = answer.page
    assert page is not None, f"{case.id} via {way} was refused: {answer.message[-1500:]}"
    assert page.raw_text == case.expected_text()
    assert_every_line_accounted_for(page)
    if case.search:
        assert Article.objects.filter(page=page).search(case.search).exists()
    # Served to its editor (a draft) or anyone (published): whole, or a part at a time when long.
    client.force_login(make_user("viewer", role=Role.EDITOR))
    response = client.get(f"/pages/{page.pk}/")
    assert response.status_code == 200
    assert len(response.content) < 3_000_000
    assert "<script>" not in response.content.decode()


def assert_every_line_accounted_for(page: Page) -> None:
    placed = [n for article in page.articles.all() for n in article.lines]
    placed += [f["line"] for f in page.furniture]
    expected = [n for n, text in enumerate(page.source_lines(), 1) if text.strip()]
    assert sorted(placed) == expected


# -- short pages: too little for a detector ------------------------------------------------------

SHORT_PAGES = ["图片新闻", "广告", "社论", "体育", "国际", "财经", "天气预报", "要闻", "专题", "讣告", "中", "公告"]


@pytest.mark.parametrize("text", SHORT_PAGES)
@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_a_short_gbk_page_is_read_as_gbk(text: str, end: str):
    # Before: 广告 came out as 嫘豢 (Big5), 图片新闻 as 芞え陔恓, 中 as Hebrew alef (valid UTF-8).
    assert decode((text + end).encode("gbk")) == text + end.replace("\r\n", "\n")


@pytest.mark.parametrize("text", ["圖片新聞", "廣告", "新聞", "臺灣", "體育", "財經", "天氣預報", "讀者來信"])
def test_a_short_big5_page_is_still_big5(text: str):
    assert decode(f"{text}\n".encode("big5")) == f"{text}\n"


# -- served: escaped, never live ---------------------------------------------------------------


def test_html_in_a_page_is_stored_verbatim_and_served_escaped(tmp_path: Path, client: Client):
    case = CASES["html"]
    page = by_command(case, tmp_path, client).page
    article = page.articles.get()
    assert SCRIPT in article.body
    reader = Client()
    for url in (f"/pages/{page.pk}/", f"/articles/{article.pk}/"):
        html = reader.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html, url
    results = reader.get("/search", {"q": "榆社县"})
    html = results.content.decode()
    assert results.status_code == 200 and f"/articles/{article.pk}/" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<h1>榆社县" not in html
    detail = reader.get(f"/api/articles/{article.pk}").json()
    assert SCRIPT in detail["body"]  # JSON is data: the text as printed, for the client to escape


def test_html_in_an_uploaded_draft_is_escaped_on_its_preview(client: Client):
    client.force_login(make_user("editor", role=Role.EDITOR))
    upload = SimpleUploadedFile("html.txt", CASES["html"].data(), content_type="text/plain")
    client.post("/upload/", {"paper": PAPER, "files": [upload]})
    page = Page.objects.get()
    for url in (f"/pages/{page.pk}/preview/", f"/pages/{page.pk}/", "/upload/drafts/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url


# -- the file count Django bounds while reading the body ------------------------------------------


def test_more_files_than_django_reads_get_a_clear_refusal(client: Client, settings):
    settings.UPLOAD_MAX_FILES = 3
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    client.force_login(make_user("editor", role=Role.EDITOR))
    files = [SimpleUploadedFile(f"p{i}.txt", b"x\n") for i in range(8)]
    response = client.post("/upload/", {"paper": PAPER, "files": files})
    text = response.content.decode()
    assert response.status_code == 413
    assert '<header class="site-header">' in text and "一次最多 3 个文件" in text
    assert not Page.objects.exists()


def test_more_files_than_django_reads_get_a_json_refusal_from_the_api(client: Client, settings):
    settings.UPLOAD_MAX_FILES = 3
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    key = issue_token(make_user("scripter", role=Role.EDITOR))
    files = [SimpleUploadedFile(f"p{i}.txt", b"x\n") for i in range(8)]
    response = client.post("/api/pages", {"paper": PAPER, "file": files}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "一次最多 3 个文件" in response.json()["error"]
    assert not Page.objects.exists()


def test_the_reason_follows_the_editors_language(client: Client, settings):
    from django.utils import translation

    client.force_login(make_user("editor", role=Role.EDITOR))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        upload = SimpleUploadedFile("nul.txt", CASES["nul"].data(), content_type="text/plain")
        response = client.post("/upload/", {"paper": PAPER, "files": [upload]})
        text = client.get(response["Location"]).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the cookie's language stays on the thread
    assert "nul.txt" in text and "file holds NUL bytes (the first on line 4)" in text
    assert not Page.objects.exists()


# -- hostile file names -----------------------------------------------------------------------------

# No "/" in it: Django keeps only what follows the last one (tested below with "../../").
NAME_SCRIPT = "<img src=x onerror=alert(1)>.txt"


def test_a_hostile_file_name_is_shown_escaped(client: Client):
    client.force_login(make_user("editor", role=Role.EDITOR))
    files = [
        SimpleUploadedFile(NAME_SCRIPT, b"", content_type="text/plain"),  # refused: named in the message
        SimpleUploadedFile("../../" + "长" * 300 + ".txt", CASES["gbk"].data(), content_type="text/plain"),
    ]
    response = client.post("/upload/", {"paper": PAPER, "files": files})
    html = client.get(response["Location"]).content.decode()
    assert "<img src=x" not in html and escape(NAME_SCRIPT) in html
    page = Page.objects.get()
    assert "/" not in page.source_name and len(page.source_name) <= 255
    for url in (f"/pages/{page.pk}/preview/", f"/pages/{page.pk}/", "/upload/drafts/"):
        assert client.get(url).status_code == 200


def test_a_hostile_file_name_through_the_api(client: Client):
    key = issue_token(make_user("scripter", role=Role.EDITOR))
    upload = SimpleUploadedFile(NAME_SCRIPT, CASES["gbk"].data(), content_type="text/plain")
    response = client.post("/api/pages", {"paper": PAPER, "file": upload}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201
    assert Page.objects.get().source_name == NAME_SCRIPT  # data; escaped wherever it is shown
    client.force_login(make_user("editor", role=Role.EDITOR))
    for url in (f"/pages/{Page.objects.get().pk}/preview/", "/upload/drafts/"):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html and escape(NAME_SCRIPT) in html, url


# -- the command's manifest.csv ----------------------------------------------------------------------


def test_a_gbk_manifest_is_read_like_an_uploaded_one(tmp_path: Path):
    (tmp_path / "p1.txt").write_bytes(CASES["gbk"].data())
    (tmp_path / "manifest.csv").write_bytes("file,paper,date,page\np1.txt,太行日报,2025-04-12,第2版\n".encode("gbk"))
    call_command("ingest", str(tmp_path), workers=1, no_progress=True, stdout=StringIO(), stderr=StringIO())
    page = Page.objects.select_related("issue__newspaper").get()
    assert (page.issue.newspaper.name, str(page.issue.date), page.label) == ("太行日报", "2025-04-12", "第2版")


@pytest.mark.parametrize(
    "manifest", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, b"file,paper\n\xff\xfe\x00\x01"], ids=["png", "not-text"]
)
def test_an_unreadable_manifest_fails_its_files_by_name(tmp_path: Path, manifest: bytes):
    (tmp_path / "p1.txt").write_bytes(CASES["gbk"].data())
    (tmp_path / "manifest.csv").write_bytes(manifest)
    err = StringIO()
    with pytest.raises(CommandError, match="1 failed: p1.txt"):
        call_command("ingest", str(tmp_path), workers=1, no_progress=True, stdout=StringIO(), stderr=err)
    assert "manifest.csv: file" in err.getvalue() and "Traceback" not in err.getvalue()
    assert counts() == (0, 0, 0, 0, 0)
