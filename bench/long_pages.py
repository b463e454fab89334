"""The editors' and admins' pages of long or odd page files, timed one request at a time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/long_pages .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/long_pages .venv/bin/python bench/long_pages.py --build
    DATABASE_URL=…/long_pages .venv/bin/python bench/long_pages.py [--post]   # again, on the same pages

``--build`` writes the files of issue 11's "whatever the file behind it" and stores them through the
archive's own write path: a page of 100,000 lines (16,667 short signed stories), a picture story of
20,000 captions, a page of 5,000 one-line items, and a page of 40 stories corrected 300 times; the
long page gets 8 corrections, so that its history has versions to compare. Then each page is asked
twice through Django's test client (DEBUG off, signed in as an admin) and the second answer timed:
the preview, the correction page, a caption window, the histories. ``--post`` also saves a field of
one story on the long page and on the picture story (each a new version). The figures are in
docs/PERFORMANCE.md ("the admins' pages of long files").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "long-pages-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from articles import writer  # noqa: E402
from articles.models import Page  # noqa: E402
from articles.roles import Role, assign_role  # noqa: E402
from ingest import corrections  # noqa: E402

PAPER, DATE = "长版面测试报", dt.date(2025, 5, 1)
USER = "long-pages-admin"


def _long() -> str:
    lines: list[str] = []
    for i in range(16_667):
        lines += [f"介休市第{i}次会议召开", f"本报讯 第{i}篇消息开幕，会议强调要加强基层治理。",
                  f"第{i}篇的第一段内容丰富多彩，群众纷纷点赞。", f"第{i}篇的第二段，干部表示将继续努力。", f"(记者 王{i})", ""]
    return "\n".join(lines[:100_000])


def _captions() -> str:
    return "\n".join(["图片新闻"] + [f"图为第{j}个村的群众在广场上跳舞。 王海旋 摄" for j in range(20_000)])


def _items() -> str:
    return "\n".join(f"第{i}条简讯：介休市召开第{i}次会议。" for i in range(5_000))


def _small() -> str:
    return "\n".join(
        line for i in range(40) for line in (f"介休市第{i}次会议召开", f"本报讯 第{i}篇消息开幕。", f"第{i}篇的第一段内容丰富多彩。", f"(记者 王{i})", "")
    )


def _corrected(page: Page, times: int, user) -> None:
    for k in range(times):
        state = writer.load_state(page)
        i = k % len(state.articles)
        writer.apply_state(page, corrections.edit_fields(state, i, headline=f"改过的标题{k}"), user=user, action=writer.Action.EDIT, summary=f"编辑{k}")


def build() -> None:
    model = get_user_model()
    user = model.objects.filter(username=USER).first() or model.objects.create_user(USER, password=None)
    assign_role(user, Role.ADMIN)
    for label, name, text, edits in (
        ("第1版", "long.txt", _long(), 8),
        ("第2版", "captions.txt", _captions(), 0),
        ("第3版", "items.txt", _items(), 0),
        ("第4版", "small.txt", _small(), 300),
    ):
        started = time.perf_counter()
        result = writer.ingest_file(name, text.encode("utf-8"), writer.PageMeta(paper=PAPER, date=DATE, label=label), status=Page.Status.PUBLISHED)
        if result.page is None:
            raise SystemExit(f"{name}: {result.message}")
        _corrected(result.page, edits, user)
        print(f"stored {name}: {result.page.articles.count()} stories, {edits} corrections, {time.perf_counter() - started:.1f} s")


def _timed(client: Client, label: str, method: str, url: str, data: dict | None = None) -> None:
    if method == "get":
        client.get(url)  # the second answer is timed: the first pays a process's one-off loading
    started = time.perf_counter()
    response = client.get(url) if method == "get" else client.post(url, data or {})
    took = (time.perf_counter() - started) * 1000
    print(f"{label:52s} {response.status_code} {took:8.0f} ms {len(response.content) / 1024:8.0f} KB")


def measure(post: bool) -> None:
    from tests.forms_as_sent import form_as_sent

    pages = {p.label: p for p in Page.objects.filter(issue__newspaper__name=PAPER, issue__date=DATE)}
    if len(pages) < 4:
        raise SystemExit("the pages are not there: run with --build first")
    long, captions, items, small = (pages[label] for label in ("第1版", "第2版", "第3版", "第4版"))
    client = Client()
    client.force_login(get_user_model().objects.get(username=USER))
    story = long.articles.order_by("position")[5]
    for label, url in (
        ("article on the 100,000-line page", f"/articles/{story.pk}/"),
        ("preview, 100,000-line page", f"/pages/{long.pk}/preview/"),
        ("correction page, 100,000-line page", f"/pages/{long.pk}/correct/"),
        ("history, 100,000-line page", f"/pages/{long.pk}/history/"),
        ("one story's history there", f"/pages/{long.pk}/history/articles/{story.pk}/"),
        ("preview, 20,000-caption story", f"/pages/{captions.pk}/preview/"),
        ("correction page, 20,000-caption story", f"/pages/{captions.pk}/correct/"),
        ("its captions 101–200", f"/pages/{captions.pk}/correct/?captions=2"),
        ("history, 20,000-caption story", f"/pages/{captions.pk}/history/"),
        ("correction page, 5,000-item page", f"/pages/{items.pk}/correct/"),
        ("preview, 5,000-item page", f"/pages/{items.pk}/preview/"),
        ("history of 300 corrections, 40-story page", f"/pages/{small.pk}/history/"),
    ):
        _timed(client, label, "get", url)
    if post:
        for label, page, url, article in (
            ("save a story's fields, 100,000-line page", long, f"/pages/{long.pk}/correct/", "3"),
            ("save captions 1–100, 20,000-caption story", captions, f"/pages/{captions.pk}/correct/", "0"),
        ):
            html = client.get(url).content.decode()
            form = form_as_sent(html, lambda to, fields, a=article: "/edit/" in to and ("article", a) in fields)
            form["headline"] = [f"又改的标题{time.time()}"]
            _timed(client, label, "post", f"/pages/{page.pk}/correct/edit/", form)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="store the long pages first")
    parser.add_argument("--post", action="store_true", help="also time a correction saved on two of them")
    args = parser.parse_args()
    if args.build:
        build()
    measure(args.post)


if __name__ == "__main__":
    main()
