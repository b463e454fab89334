"""Editors upload page files as drafts, preview them, publish, discard, withdraw and replace.

Every write goes through articles/writer.py; these tests hold the pages to what an editor sees.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from articles import writer
from articles.models import Article, Page, PageRevision
from articles.roles import Role
from articles.templatetags.archive import WARNING_LABELS
from ingest import corrections
from ingest.model import Caption, Warning
from tests.conftest import SEED_FILES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

Status = Page.Status
# A story of seed 3 (运城日报): its headline, a line of its body, its county.
HEADLINE = "绛县举办迎“八一”双拥篮球比赛"


@pytest.fixture
def editor(client):
    user = make_user("editor", role=Role.EDITOR)
    client.force_login(user)
    return user


def seed_file(i: int = 3, name: str | None = None, data: bytes | None = None) -> SimpleUploadedFile:
    path = SEED_FILES[i]
    return SimpleUploadedFile(name or path.name, path.read_bytes() if data is None else data, content_type="text/plain")


def upload(client, *files, **fields):
    data = {"paper": "运城日报", "prefecture": "1408", **fields, "files": list(files)}
    return client.post("/upload/", data)


def results_page(client, response) -> str:
    assert response.status_code == 302 and response["Location"] == "/upload/drafts/", response.content.decode()[:3000]
    return client.get("/upload/drafts/").content.decode()


def searchable(client, text: str) -> bool:
    """A reader (no account) finds it through the search API."""
    return Client().get("/api/articles", {"q": text}).json()["count"] > 0


# -- who may ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client):
    for url in ("/upload/", "/upload/drafts/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    response = upload(client, seed_file())
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/upload/"
    assert not Page.objects.exists()


def test_signed_in_readers_get_403(client):
    client.force_login(make_user("reader"))
    assert client.get("/upload/").status_code == 403
    assert upload(client, seed_file()).status_code == 403
    page = writer.ingest_file("x.txt", SEED_FILES[0].read_bytes(), writer.PageMeta("晋中日报"), status=Status.DRAFT).page
    for action in ("publish", "withdraw", "discard", "replace"):
        assert client.post(f"/pages/{page.pk}/{action}/").status_code == 403
    assert client.get(f"/pages/{page.pk}/preview/").status_code == 403
    assert Page.objects.get().status == Status.DRAFT


def test_a_user_who_may_upload_but_not_publish_cannot_publish(client):
    user = make_user("intern")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_page", "view_page"]))
    client.force_login(user)
    results_page(client, upload(client, seed_file()))
    page = Page.objects.get()
    assert client.post(f"/pages/{page.pk}/publish/").status_code == 403
    assert Page.objects.get().status == Status.DRAFT


def test_writes_are_post_only_and_need_the_csrf_token(editor):
    page = writer.ingest_file("x.txt", SEED_FILES[0].read_bytes(), writer.PageMeta("晋中日报"), status=Status.DRAFT).page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    for action in ("publish", "withdraw", "discard", "replace"):
        assert strict.get(f"/pages/{page.pk}/{action}/").status_code == 405
        assert strict.post(f"/pages/{page.pk}/{action}/").status_code == 403  # no token
    assert strict.post("/upload/", {"paper": "x", "files": [seed_file()]}).status_code == 403
    assert Page.objects.get().status == Status.DRAFT
    form = strict.get("/upload/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in form
    preview = strict.get(f"/pages/{page.pk}/preview/").content.decode()
    assert preview.count('name="csrfmiddlewaretoken"') == preview.count('method="post"') >= 3


# -- the form ----------------------------------------------------------------------------------


def test_the_form_offers_existing_papers_and_a_date_input(client, editor):
    writer.ingest_file("x.txt", SEED_FILES[0].read_bytes(), writer.PageMeta("晋中日报"), status=Status.PUBLISHED)
    text = client.get("/upload/").content.decode()
    assert '<option value="晋中日报">' in text and 'list="paper-choices"' in text
    assert 'type="date"' in text and 'multiple' in text


def test_after_an_upload_the_form_is_refilled_with_an_iso_date(client, editor):
    results_page(client, upload(client, seed_file(), date="2025-06-01"))
    text = client.get("/upload/").content.decode()
    assert 'value="2025-06-01"' in text and 'value="运城日报"' in text
    assert "2025/06/01" not in text


def test_a_date_in_another_format_is_refused_with_a_message(client, editor):
    response = upload(client, seed_file(), date="2025/06/01")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Page.objects.exists()


def test_paper_date_and_page_come_from_the_file_name_when_the_form_is_blank(client, editor):
    text = results_page(client, upload(client, seed_file(name="运城日报_2025-03-29_第3版.txt"), paper=""))
    assert "报名、日期、版次取自文件名" in text
    page = Page.objects.select_related("issue__newspaper").get()
    assert (page.issue.newspaper.name, page.issue.date, page.label, page.number) == ("运城日报", dt.date(2025, 3, 29), "第3版", 3)


def test_a_manifest_uploaded_with_the_files_names_each_one(client, editor):
    manifest = "file,paper,date,page,prefecture\na.txt,吕梁日报,2025-04-01,第2版,1411\nb.txt,临汾日报,,,1410\n"
    text = results_page(
        client,
        upload(
            client,
            SimpleUploadedFile("manifest.csv", manifest.encode("gbk")),  # as a Chinese spreadsheet saves it
            seed_file(1, name="a.txt"),
            seed_file(2, name="b.txt"),
            paper="",
            prefecture="",
        ),
    )
    assert "报名、日期、版次取自manifest.csv" in text
    pages = {p.source_name: p for p in Page.objects.select_related("issue__newspaper")}
    assert set(pages) == {"a.txt", "b.txt"}
    assert (pages["a.txt"].issue.newspaper.name, pages["a.txt"].issue.date, pages["a.txt"].label) == ("吕梁日报", dt.date(2025, 4, 1), "第2版")
    assert (pages["b.txt"].issue.newspaper.name, pages["b.txt"].issue.date) == ("临汾日报", None)


def test_a_manifest_with_a_bad_header_is_refused_and_nothing_written(client, editor):
    # No row of it can be trusted (data for date: every date would be lost), so the whole upload
    # waits for it; a bad row refuses its own file only (tests/test_manifest_rows.py).
    manifest = "file,paper,data\na.txt,吕梁日报,2025-04-01\n"
    response = upload(client, SimpleUploadedFile("manifest.csv", manifest.encode()), seed_file(1, name="a.txt"))
    text = response.content.decode()
    assert response.status_code == 200 and "manifest.csv" in text and "data" in text
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    ("language", "says"),
    [("zh-hans", "manifest.csv 无法读取：文件含有 NUL 字节"), ("en", "manifest.csv cannot be read: file holds NUL bytes")],
)
def test_an_unreadable_manifest_is_refused_in_the_readers_language(client, editor, language, says):
    client.cookies["django_language"] = language
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20
    response = upload(client, SimpleUploadedFile("manifest.csv", png), seed_file(1, name="a.txt"))
    text = response.content.decode()
    assert response.status_code == 200 and escape(says) in text, text[-3000:]
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "manifest.csv 有误：manifest.csv：表头有不认识的列 colour"),
        ("en", "manifest.csv has an error: manifest.csv: unknown columns colour"),
    ],
)
def test_a_bad_manifest_is_refused_in_the_readers_language(client, editor, language, says):
    # Its reasons were English on the Chinese page. (A row listed twice refuses its own file now:
    # tests/test_manifest_rows.py.)
    client.cookies["django_language"] = language
    manifest = "file,paper,colour\na.txt,吕梁日报,red\n"
    response = upload(client, SimpleUploadedFile("manifest.csv", manifest.encode()), seed_file(1, name="a.txt"))
    text = response.content.decode()
    assert response.status_code == 200 and escape(says) in text, text[-3000:]
    assert not Page.objects.exists()


def test_a_prefecture_code_is_four_ascii_digits(client, editor):
    # Arabic-Indic digits are digits to \d and str.isdigit, not a prefecture code.
    response = upload(client, seed_file(1), prefecture="\u0661\u0664\u0660\u0667")
    assert response.status_code == 200 and not Page.objects.exists()
    assert "prefecture" in response.context["form"].errors


def test_one_typed_page_label_for_many_files_is_refused(client, editor):
    response = upload(client, seed_file(3), seed_file(4), page="第3版")
    assert response.status_code == 200 and "多个文件不能共用一个版次" in response.content.decode()
    assert not Page.objects.exists()


def test_too_many_files_are_refused_with_the_limit(client, editor, settings):
    settings.UPLOAD_MAX_FILES = 2
    response = upload(client, seed_file(0), seed_file(1), seed_file(2))
    assert response.status_code == 200 and "一次最多上传 2 个文件，这次选了 3 个" in response.content.decode()
    assert not Page.objects.exists()


def test_an_oversized_file_is_refused_by_name_and_the_others_stored(client, editor, settings):
    small, big = SEED_FILES[3], max(SEED_FILES, key=lambda p: p.stat().st_size)
    settings.INGEST_MAX_FILE_BYTES = (small.stat().st_size + big.stat().st_size) // 2
    text = results_page(client, upload(client, seed_file(3), seed_file(SEED_FILES.index(big), name="big.txt")))
    assert "big.txt" in text and "超过每个版面" in text
    assert list(Page.objects.values_list("source_name", flat=True)) == [small.name]


def test_a_file_without_a_paper_anywhere_is_refused_by_name(client, editor):
    text = results_page(client, upload(client, seed_file(3), paper=""))
    assert SEED_FILES[3].name in text and "不知道是哪份报纸" in text
    assert not Page.objects.exists()


def test_a_prefecture_code_of_no_prefecture_is_refused_on_the_form(client, editor):
    response = upload(client, seed_file(3), prefecture="9999")
    assert response.status_code == 200 and "9999 不是任何地市的代码" in response.content.decode()
    assert not Page.objects.exists()


def test_a_file_that_can_be_no_page_says_so_before_asking_for_its_paper(client, editor):
    empty = SimpleUploadedFile("empty.txt", b"")
    binary = SimpleUploadedFile("photo.txt", bytes(range(256)) * 8)
    text = results_page(client, upload(client, empty, binary, seed_file(3), paper=""))
    assert "empty.txt" in text and "文件是空的" in text
    assert "photo.txt" in text and text.count("不知道是哪份报纸") == 1  # the seed page's only
    assert not Page.objects.exists()


# -- upload → draft → preview → publish ------------------------------------------------------------


def test_an_upload_makes_drafts_that_readers_cannot_see(client, editor):
    text = results_page(client, upload(client, seed_file(3), SimpleUploadedFile("scan.txt", b"\x00PNG\x00" * 20)))
    page = Page.objects.get()
    assert page.status == Status.DRAFT and page.uploaded_by == editor
    assert "scan.txt" in text and "NUL" in text and "已存为草稿" in text
    assert f'href="/pages/{page.pk}/preview/"' in text
    assert not Article.objects.visible().exists()
    assert not searchable(client, HEADLINE)
    assert Client().get(f"/pages/{page.pk}/").status_code == 404


def test_utf16_without_bom_uploads_like_utf8(client, editor):
    data = SEED_FILES[3].read_text(encoding="utf-8").encode("utf-16-le")
    results_page(client, upload(client, seed_file(3, name="u16.txt", data=data)))
    assert HEADLINE in Page.objects.get().raw_text


@pytest.mark.parametrize("seed", [1, 3])
def test_the_preview_shows_each_article_in_full_beside_the_source_lines(client, editor, seed, django_assert_max_num_queries):
    results_page(client, upload(client, seed_file(seed)))
    page = Page.objects.get()
    state = writer.load_state(page)
    with django_assert_max_num_queries(12):
        response = client.get(f"/pages/{page.pk}/preview/")
    text = response.content.decode()
    assert response.status_code == 200
    for a in state.articles:
        assert escape(a.headline) in text
        for b in a.blocks:  # the whole body, intertitles and jump lines in order
            assert escape(b.text) in text
        for c in a.captions:
            assert escape(c.text) in text and escape(c.credit) in text
        for value in (a.kicker, a.subheadline, a.byline_text, a.source, *(c.name for c in a.counties)):
            assert escape(value) in text
        for w in a.warnings:
            assert WARNING_LABELS[str(w)] in text  # in Chinese
    assert text.count('class="intertitle"') == sum(len(a.intertitles) for a in state.articles)
    # every non-blank source line, marked with where it went
    lines = [line for line in page.raw_text.split("\n") if line.strip()]
    assert text.count('<td class="num">') == len(lines)
    assert "无归属" not in text
    assert '<button type="submit">发布</button>' in text and "删除草稿" in text


def test_the_preview_names_warnings_in_chinese_and_shows_captions_with_credits(client, editor):
    results_page(client, upload(client, seed_file(3)))
    page = Page.objects.get()
    state = writer.load_state(page)
    first = state.articles[0]
    first.warnings = [Warning.NO_BYLINE, Warning.CONTINUED_FRAGMENT]
    first.captions = [Caption(text="图为比赛现场", credit="张三 摄", lines=[first.lines[-1]])]
    writer.apply_state(page, state, user=editor, action=PageRevision.Action.EDIT, summary="test")
    text = client.get(f"/pages/{page.pk}/preview/").content.decode()
    assert "无署名" in text and "开头接续他版" in text
    assert '<figcaption>图为比赛现场 <span class="credit">张三 摄</span></figcaption>' in text
    assert "图片说明" in text  # its source line is marked as a caption


def test_publish_makes_the_page_public_and_searchable_at_once(client, editor):
    results_page(client, upload(client, seed_file(3)))
    page = Page.objects.get()
    response = client.post(f"/pages/{page.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == f"/pages/{page.pk}/preview/"
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED and page.published_at is not None
    assert searchable(client, HEADLINE)
    assert Client().get(f"/pages/{page.pk}/").status_code == 200
    assert "已发布" in client.get(f"/pages/{page.pk}/preview/").content.decode()


def test_withdraw_hides_a_published_page_and_it_can_be_published_again(client, editor):
    results_page(client, upload(client, seed_file(3)))
    page = Page.objects.get()
    client.post(f"/pages/{page.pk}/publish/")
    client.post(f"/pages/{page.pk}/withdraw/")
    assert Page.objects.get().status == Status.WITHDRAWN and not searchable(client, HEADLINE)
    client.post(f"/pages/{page.pk}/publish/")
    assert Page.objects.get().status == Status.PUBLISHED and searchable(client, HEADLINE)


def test_discard_deletes_a_draft_but_never_a_published_page(client, editor):
    results_page(client, upload(client, seed_file(3), seed_file(4)))
    draft, other = Page.objects.order_by("id")
    response = client.post(f"/pages/{draft.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == "/upload/drafts/"
    assert not Page.objects.filter(pk=draft.pk).exists()
    assert not Article.objects.filter(page_id=draft.pk).exists()
    client.post(f"/pages/{other.pk}/publish/")
    client.post(f"/pages/{other.pk}/discard/")
    assert Page.objects.get(pk=other.pk).status == Status.PUBLISHED


def test_the_drafts_page_lists_mine_and_others_in_few_queries(client, editor, django_assert_max_num_queries):
    colleague = make_user("colleague", role=Role.EDITOR)
    for i, user in ((0, editor), (1, editor), (2, colleague)):
        writer.ingest_file(SEED_FILES[i].name, SEED_FILES[i].read_bytes(), writer.PageMeta("某报"), status=Status.DRAFT, user=user)
    with django_assert_max_num_queries(10):
        text = client.get("/upload/drafts/").content.decode()
    assert SEED_FILES[0].name in text and SEED_FILES[1].name in text
    assert "其他编辑的草稿" in text and "colleague" in text


# -- the same page again -------------------------------------------------------------------------


@pytest.mark.parametrize("again", [lambda b: b, lambda b: b + b"\n", lambda b: b.replace(b"\n", b"\r\n")], ids=["same-bytes", "trailing-newline", "crlf"])
def test_the_same_page_again_is_already_in_the_archive(client, editor, again):
    results_page(client, upload(client, seed_file(3)))
    first = Page.objects.get()
    client.post(f"/pages/{first.pk}/publish/")
    text = results_page(client, upload(client, seed_file(3, name="again.txt", data=again(SEED_FILES[3].read_bytes()))))
    assert "档案中已有这个版面" in text and f'href="/pages/{first.pk}/preview/"' in text
    assert Page.objects.count() == 1
    assert Article.objects.visible().filter(headline=HEADLINE).count() == 1


def _corrected(i: int = 3) -> bytes:
    """Seed ``i`` with one body line changed (a typo fixed in the corrected file)."""
    lines = SEED_FILES[i].read_text(encoding="utf-8").split("\n")
    n = max(range(len(lines)), key=lambda k: len(lines[k]))
    lines[n] = lines[n] + "（更正）"
    return "\n".join(lines).encode("utf-8")


SLOT = {"paper": "运城日报", "date": "2025-07-24", "page": "第3版"}


def test_the_same_slot_with_other_text_is_recognised_and_never_published_silently(client, editor):
    results_page(client, upload(client, seed_file(3), **SLOT))
    first = Page.objects.get()
    client.post(f"/pages/{first.pk}/publish/")
    text = results_page(client, upload(client, seed_file(3, name="v2.txt", data=_corrected()), **SLOT))
    second = Page.objects.exclude(pk=first.pk).get()
    assert second.status == Status.DRAFT
    assert "同一报纸、日期、版次" in text and f'href="/pages/{first.pk}/preview/"' in text
    preview = client.get(f"/pages/{second.pk}/preview/").content.decode()
    assert "用这份文件替换原版面" in preview and "两者都保留" in preview
    assert '<button type="submit">发布</button>' not in preview
    # a plain publish is refused: the editor must say which
    client.post(f"/pages/{second.pk}/publish/")
    assert Page.objects.get(pk=second.pk).status == Status.DRAFT


def test_keep_both_on_purpose(client, editor):
    results_page(client, upload(client, seed_file(3), **SLOT))
    first = Page.objects.get()
    results_page(client, upload(client, seed_file(3, name="v2.txt", data=_corrected()), **SLOT))
    second = Page.objects.exclude(pk=first.pk).get()
    client.post(f"/pages/{second.pk}/publish/", {"keep_both": "1"})
    assert Page.objects.get(pk=second.pk).status == Status.PUBLISHED
    assert Page.objects.count() == 2


def test_replace_keeps_the_page_its_history_and_its_corrections(client, editor):
    results_page(client, upload(client, seed_file(3), **SLOT))
    page = Page.objects.get()
    client.post(f"/pages/{page.pk}/publish/")
    # An admin fixed a headline of an article whose lines the corrected file leaves alone.
    state = writer.load_state(page)
    corrected_bytes = _corrected()
    changed_line = next(
        n for n, (a, b) in enumerate(zip(page.raw_text.split("\n"), corrected_bytes.decode().split("\n")), 1) if a != b
    )
    keep = next(i for i, a in enumerate(state.articles) if changed_line not in a.lines and a.headline)
    hit = next(i for i, a in enumerate(state.articles) if changed_line in a.lines)
    fixed = corrections.edit_fields(state, keep, headline="校正后的标题")
    fixed = corrections.edit_fields(fixed, hit, headline="也被校正的标题")
    writer.apply_state(page, fixed, user=editor, action=PageRevision.Action.EDIT, summary="test")
    kept_id = state.articles[keep].ref
    old_text = page.raw_text

    results_page(client, upload(client, seed_file(3, name="v2.txt", data=corrected_bytes), **SLOT))
    draft = Page.objects.exclude(pk=page.pk).get()
    # "也被校正的标题" is dropped: listed on the preview, and the replace is an admin's, on their word.
    assert client.post(f"/pages/{draft.pk}/replace/", {"target": page.pk, "lost_ok": "1"}).status_code == 400
    client.force_login(make_user("admin", role=Role.ADMIN))
    assert client.post(f"/pages/{draft.pk}/replace/", {"target": page.pk}).status_code == 400
    response = client.post(f"/pages/{draft.pk}/replace/", {"target": page.pk, "lost_ok": "1"})
    assert response.status_code == 302 and response["Location"] == f"/pages/{page.pk}/preview/"
    assert not Page.objects.filter(pk=draft.pk).exists()
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED and page.source_name == "v2.txt" and "（更正）" in page.raw_text
    assert page.revisions.filter(raw_text=old_text).exists()  # the old version, kept in its history
    assert Article.objects.get(pk=kept_id).headline == "校正后的标题"
    assert searchable(client, "校正后的标题") and searchable(client, "（更正）")
    text = client.get(f"/pages/{page.pk}/preview/").content.decode()
    assert "已替换" in text and "也被校正的标题" in text and "人工校正未能沿用" in text  # the conflict, shown


def test_replace_needs_a_page_of_the_same_slot(client, editor):
    results_page(client, upload(client, seed_file(3), **SLOT))
    results_page(client, upload(client, seed_file(4), **{**SLOT, "page": "第4版"}))
    first, other = Page.objects.order_by("id")
    client.post(f"/pages/{other.pk}/replace/", {"target": first.pk})
    assert Page.objects.count() == 2 and Page.objects.get(pk=first.pk).source_name == SEED_FILES[3].name


def test_a_wrong_guess_is_corrected_on_the_preview_without_a_new_upload(client, editor):
    results_page(client, upload(client, seed_file(3)))
    page = Page.objects.get()
    assert page.issue.date is None
    response = client.post(f"/pages/{page.pk}/meta/", {"paper": "运城晚报", "date": "2025-07-24", "label": "第5版"})
    assert response.status_code == 302
    page = Page.objects.select_related("issue__newspaper").get()
    assert (page.issue.newspaper.name, page.issue.date, page.label, page.number) == ("运城晚报", dt.date(2025, 7, 24), "第5版", 5)
    assert set(Article.objects.filter(page=page).values_list("date", flat=True)) == {dt.date(2025, 7, 24)}
    text = client.get(f"/pages/{page.pk}/preview/").content.decode()
    assert 'value="2025-07-24"' in text and 'value="第5版"' in text
    client.post(f"/pages/{page.pk}/meta/", {"paper": "运城晚报", "date": "24/07/2025", "label": ""})
    assert Page.objects.get().issue.date == dt.date(2025, 7, 24)  # a bad date changes nothing


def test_a_file_that_breaks_the_parser_is_reported_and_the_others_stored(client, editor, monkeypatch):
    real = writer.read_page

    def fragile(data, meta):
        if b"BOOM" in data:
            raise RuntimeError("a parser bug")
        return real(data, meta)

    monkeypatch.setattr(writer, "read_page", fragile)
    text = results_page(client, upload(client, SimpleUploadedFile("boom.txt", "BOOM\n第一行\n".encode()), seed_file(4)))
    assert "boom.txt" in text and "处理这个文件时出了错" in text
    assert list(Page.objects.values_list("source_name", flat=True)) == [SEED_FILES[4].name]


def test_head_answers_wherever_get_does(client):
    # The upload page once allowed GET and POST only: HEAD was a 405 where GET was a 200, and
    # an anonymous HEAD got that 405 (method checked first) instead of the way to sign in.
    for url in ("/upload/", "/upload/drafts/"):
        response = client.head(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    client.force_login(make_user("editor", role=Role.EDITOR))
    for url in ("/upload/", "/upload/drafts/"):
        assert client.head(url).status_code == client.get(url).status_code == 200, url


def test_the_form_advertises_only_file_names_a_browser_sends(client, editor):
    # A browser sends a file's name without its folders (and Django would drop them): the
    # folder form 2025-03-29/03.txt the page once gave as an example stored the page undated.
    text = client.get("/upload/").content.decode()
    assert "2025-03-29/03.txt" not in text and "2025-03-29_03.txt" in text
    results_page(client, upload(client, seed_file(3, name="2025-03-29_03.txt")))
    page = Page.objects.get()
    assert (page.issue.date, page.label) == (dt.date(2025, 3, 29), "第3版")
