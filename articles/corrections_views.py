"""The admin's pages for a page's split: correct it, see its history, undo, revert, re-split.

Every change goes the same way: lock the page, check that the admin saw its latest version,
``writer.load_state`` → one pure function of :mod:`ingest.corrections` →
``writer.apply_state`` (rows, search vectors, copies and the revision, in one transaction).
An impossible action answers 400 with the reason in Chinese, on the page the admin came from.
Forms are plain POST forms with real buttons and labels: no JavaScript needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Page as Paginated
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles import ingest_text, revision_text, writer
from articles.models import Newspaper, Page, PageRevision
from articles.paging import CAPTIONS_SHOWN, Part
from articles.roles import role_required
from ingest import corrections
from ingest.carry import carry_over
from ingest.corrections import CorrectionError
from ingest.gazetteer import Gazetteer
from ingest.model import County, FurnitureKind
from ingest.model import Page as PageState
from ingest.model import ParsedArticle as PageArticle
from ingest.pipeline import parse_page

PERMISSION = "articles.correct_page"
Action = PageRevision.Action

# The "收回到" choice that makes the unmarked furniture lines an article of their own (a page
# split into furniture alone has no other).
NEW_ARTICLE = "new"
FURNITURE_CHOICES = [(kind.value, corrections.FURNITURE_LABELS[kind]) for kind in FurnitureKind]  # shown through ingest_text
_NAME_SEP_RE = re.compile(r"[、,，;；/\s]+")


class _NoChange(Exception):
    """The action leaves the page as it is: nothing to record."""


@dataclass
class _Change:
    state: PageState
    action: str
    summary: str
    anchor: str = ""


@dataclass(frozen=True)
class _PageText:
    """What the structural corrections need besides the state: the source lines, and how to tag a
    re-read article's counties (the paper's prefecture, as at ingest)."""

    source: list[str]
    tagger: corrections.Tagger

    @classmethod
    def of(cls, page: Page, paper: Newspaper) -> _PageText:
        hint = (paper.prefecture_code,) if paper.prefecture_code else ()
        return cls(corrections.source_lines(page.raw_text), corrections.Tagger(hint_prefectures=hint))


# -- reading the request ---------------------------------------------------------------------


def _get_page_or_404(pk: int) -> Page:
    return get_object_or_404(Page.objects.select_related("issue__newspaper"), pk=pk)


def _locked_or_404(page: Page) -> Page:
    """The page locked for a change; a 404 when it went (a draft discarded, or used up by a
    replace) between the view's first read and the lock: the page is not there to change."""
    # Only the page row is locked (its issue and paper are read along, not locked with it).
    return get_object_or_404(Page.objects.select_for_update(of=("self",)).select_related("issue__newspaper"), pk=page.pk)


def _int(post: QueryDict, name: str, what: str) -> int:
    value = post.get(name, "").strip()
    try:
        return int(value)
    except ValueError:
        raise CorrectionError(_("请选择%(what)s。") % {"what": what}) from None


def _check_version(post: QueryDict, page: Page) -> None:
    """Refuse a form made from an older version: another admin changed the page since."""
    try:
        seen = int(post.get("version", ""))
    except ValueError:
        raise CorrectionError(_("表单缺少版本号：请刷新页面后再操作。")) from None
    latest = writer.version(page)
    if seen != latest:
        raise CorrectionError(
            _("这个版面刚被修改过（现在是版本 %(latest)s，你看到的是版本 %(seen)s）。请看过最新的切分后再操作。") % {"latest": latest, "seen": seen}
        )


def _title(state: PageState, i: int) -> str:
    headline = state.articles[i].headline
    return f"第{i + 1}篇《{headline}》" if headline else f"第{i + 1}篇"


# -- the actions -----------------------------------------------------------------------------


def _lines_action(post: QueryDict, state: PageState, ctx: _PageText) -> _Change:
    """The left-hand form: the lines ticked, and which button was pressed."""
    try:
        nos = sorted({int(v) for v in post.getlist("line")})
    except ValueError:
        raise CorrectionError(_("行号必须是数字。")) from None
    if not nos:
        raise CorrectionError(_("请先勾选原文中的行。"))
    do = post.get("do", "")
    places = corrections.line_places(state)
    ranges = corrections.line_ranges(nos, ctx.source)
    if do in ("split", "previous", "next"):
        owners = set()
        for no in nos:
            place = places.get(no)
            if place is None or place.article is None:
                raise CorrectionError(_("第%(line)s行不在任何文章里。") % {"line": no})
            owners.add(place.article)
        if len(owners) != 1:
            raise CorrectionError(_("所选的行分属不同的文章：请只选同一篇文章的行。"))
        i = owners.pop()
        if do == "split":
            if len(nos) != 1:
                raise CorrectionError(_("拆分时请只勾选一行：新文章从这一行开始。"))
            new = corrections.split_article(state, i, nos[0], source=ctx.source, tagger=ctx.tagger)
            return _Change(new, Action.CORRECT, f"拆分{_title(state, i)}：从第{nos[0]}行起成为新的一篇", f"#article-{i + 2}")
        new = corrections.move_lines(state, i, nos, do, source=ctx.source, tagger=ctx.tagger)
        j = i - 1 if do == "previous" else i + 1
        if len(new.articles) < len(state.articles) and do == "next":
            j = i  # article i was emptied and removed: the next one moved up into its place
        where = "上一篇" if do == "previous" else "下一篇"
        return _Change(new, Action.CORRECT, f"把第{ranges}行从{_title(state, i)}移到{where}", f"#article-{j + 1}")
    if do == "mark":
        kind = post.get("kind", FurnitureKind.OTHER)
        new = corrections.mark_furniture(state, nos, kind, source=ctx.source, tagger=ctx.tagger)
        label = corrections.FURNITURE_LABELS.get(kind, kind)  # type: ignore[call-overload]
        return _Change(new, Action.CORRECT, f"把第{ranges}行标为版面元素（{label}）", f"#line-{nos[0]}")
    if do == "unmark":
        if post.get("into", "").strip() == NEW_ARTICLE:
            new = corrections.unmark_furniture(state, nos, None, source=ctx.source, tagger=ctx.tagger)
            # The new article is the one that holds the first line (the others' lines are as they were).
            k = next(k for k, a in enumerate(new.articles) if nos[0] in a.lines)
            return _Change(new, Action.CORRECT, f"把版面元素第{ranges}行收回到{_title(new, k)}", f"#article-{k + 1}")
        into = _int(post, "into", _("要收回到的文章"))
        new = corrections.unmark_furniture(state, nos, into, source=ctx.source, tagger=ctx.tagger)
        return _Change(new, Action.CORRECT, f"把版面元素第{ranges}行收回到{_title(state, into)}", f"#article-{into + 1}")
    raise CorrectionError(_("请选择要做的操作。"))


def _article_index(post: QueryDict, state: PageState) -> int:
    i = _int(post, "article", _("文章"))
    if not 0 <= i < len(state.articles):
        raise CorrectionError(_("没有第%(n)s篇文章。") % {"n": i + 1})
    return i


def _edit_action(post: QueryDict, state: PageState, ctx: _PageText) -> _Change:
    i = _article_index(post, state)
    article = state.articles[i]
    fields: dict[str, object] = {name: post.get(name, "") for name in corrections.TEXT_FIELDS}
    fields["byline"] = [n for n in _NAME_SEP_RE.split(post.get("byline", "")) if n]
    if article.intertitles:
        fields["intertitles"] = post.getlist("intertitle")
    if article.captions:
        texts, credits = post.getlist("caption_text"), post.getlist("caption_credit")
        if len(texts) != len(credits):
            raise CorrectionError(_("图片说明和摄影者的数目不一致。"))
        pairs = list(zip(texts, credits, strict=True))
        if "caption_from" in post:
            # The page's form edits a window of the captions (CAPTIONS_SHOWN from caption_from)
            # of an article of caption_count; the others are kept as they are. A post without
            # it (a script's) sends them all. The count is checked too: a change since (a caption
            # line marked as furniture) would put the window's text on its neighbours.
            start = _int(post, "caption_from", _("图片说明的起点"))
            total = _int(post, "caption_count", _("图片说明的条数"))
            window = _caption_window(start, len(article.captions))
            if total != len(article.captions) or start != window.start or len(pairs) != len(window):
                raise CorrectionError(
                    _("这篇文章现在有%(total)s条图片说明，表单是按%(then)s条做的，从第%(first)s条起送来%(n)s条：请看过最新的再改。")
                    % {"total": len(article.captions), "then": total, "first": start + 1, "n": len(pairs)}
                )
            pairs = [(c.text, c.credit) for c in article.captions[: window.start]] + pairs + [
                (c.text, c.credit) for c in article.captions[window.stop :]
            ]
        fields["captions"] = pairs
    new = corrections.edit_fields(state, i, **fields)
    changed = corrections.article_changes(article, new.articles[i], ctx.source)
    if not changed:
        raise _NoChange
    labels = "、".join(c.label for c in changed)
    return _Change(new, Action.EDIT, f"编辑{_title(state, i)}：{labels}", f"#article-{i + 1}")


def _counties_action(post: QueryDict, state: PageState, ctx: _PageText) -> _Change:
    i = _article_index(post, state)
    gazetteer = Gazetteer.default()
    counties = []
    for name in _NAME_SEP_RE.split(post.get("counties", "")):
        if not name:
            continue
        county = gazetteer.lookup(name)
        if county is None:
            raise CorrectionError(_("地名表里没有“%(name)s”（或者这个名字不止一个区县在用，请写全称或代码）。") % {"name": name})
        counties.append(county)
    primary_name = post.get("primary", "").strip()
    primary = None
    if primary_name:
        primary = gazetteer.lookup(primary_name)
        if primary is None:
            raise CorrectionError(_("地名表里没有“%(name)s”。") % {"name": primary_name})
        if primary not in counties:
            counties.insert(0, primary)
    new = corrections.set_counties(state, i, counties, primary)
    if new == state:
        raise _NoChange
    names = "、".join(c.name for c in new.articles[i].counties) or "无"
    return _Change(new, Action.EDIT, f"{_title(state, i)}的区县：{names}", f"#article-{i + 1}")


def _merge_action(post: QueryDict, state: PageState, ctx: _PageText) -> _Change:
    i = _article_index(post, state)
    new = corrections.merge_with_next(state, i, source=ctx.source, tagger=ctx.tagger)
    return _Change(new, Action.CORRECT, f"合并{_title(state, i)}与第{i + 2}篇", f"#article-{i + 1}")


def _reorder_action(post: QueryDict, state: PageState, ctx: _PageText) -> _Change:
    i = _article_index(post, state)
    to = _int(post, "to", _("新的位置"))
    new = corrections.reorder(state, i, to)
    if new == state:
        raise _NoChange
    return _Change(new, Action.CORRECT, f"把{_title(state, i)}移到第{to + 1}位", f"#article-{to + 1}")


def _delete_action(post: QueryDict, state: PageState, ctx: _PageText) -> _Change:
    i = _article_index(post, state)
    new = corrections.delete_empty(state, i)
    return _Change(new, Action.CORRECT, f"删除空的第{i + 1}篇")


_ACTIONS: dict[str, Callable[[QueryDict, PageState, _PageText], _Change]] = {
    "lines": _lines_action,
    "edit": _edit_action,
    "counties": _counties_action,
    "merge": _merge_action,
    "reorder": _reorder_action,
    "delete": _delete_action,
}


# -- the correction page ---------------------------------------------------------------------


@require_safe
@role_required(PERMISSION)
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Source lines on one side, the articles on the other; a form for every action.
    ``?line=N`` (the "go to line" form): that line, in the part of a long page that holds it."""
    page = _get_page_or_404(pk)
    if "line" in request.GET:
        raw = request.GET["line"].strip()
        count = page.raw_text.count("\n") + 1
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= count):
            error = _("没有第 %(line)s 行：这个版面的原文共 %(count)s 行。") % {"line": raw[:20], "count": count}
            return _render_correct(request, page, error=error, status=400)
        line = int(raw)
        return redirect(reverse("page-correct", args=[page.pk]) + Part.holding(line).query + f"#line-{line}")
    return _render_correct(request, page)


def _county_label(county: County) -> str:
    """How the county box shows a county: a name the gazetteer reads back as this county, so
    that saving the box unchanged keeps it. 64 county names are shared (城区, 朝阳区, 鼓楼区):
    those are qualified by their prefecture (晋城市城区), then province, else shown as the code."""
    gazetteer = Gazetteer.default()
    for label in (county.name, county.prefecture + county.name, county.province + county.prefecture + county.name):
        found = gazetteer.lookup(label)
        if found is not None and found.code == county.code:
            return label
    return county.code


@dataclass(frozen=True)
class _Typed:
    """What the admin sent in a refused correction, shown again as typed (the page is re-read,
    the admin's typing is not): the ticked lines and the line form's choices, and the fields or
    counties of the one article the form was for."""

    action: str
    post: QueryDict

    def ticked(self) -> set[int]:
        if self.action != "lines":
            return set()
        return {int(v) for v in self.post.getlist("line") if v.strip().isdigit()}

    def article_index(self, shown: list[tuple[int, PageArticle]]) -> int | None:
        """The article the refused form was for, among those shown (numbered 1, 2… on the page)
        as they are now: by its id (another admin's change may have moved it), else by its
        place; None when it is gone (or not on this part of a long page)."""
        ref = self.post.get("ref", "").strip()
        if ref:
            return next((n - 1 for n, a in shown if str(a.ref) == ref), None)
        index = self.post.get("article", "").strip()
        return int(index) if index.isdigit() and any(n - 1 == int(index) for n, _ in shown) else None

    def captions_fit(self, start: int, total: int) -> bool:
        """Whether the typed captions are those of the window from ``start`` of an article of
        ``total`` captions (the page's form says which it was made for; a script's post, all)."""
        if "caption_from" in self.post:
            return self.post.get("caption_from") == str(start) and self.post.get("caption_count") == str(total)
        return total <= CAPTIONS_SHOWN and len(self.post.getlist("caption_text")) == total

    def fields(self) -> dict[str, object]:
        typed: dict[str, object] = {name: self.post.get(name, "") for name in corrections.TEXT_FIELDS}
        typed["byline"] = self.post.get("byline", "")
        typed["intertitles"] = self.post.getlist("intertitle")
        typed["captions"] = [
            {"text": text, "credit": credit}
            for text, credit in zip(self.post.getlist("caption_text"), self.post.getlist("caption_credit"), strict=False)
        ]
        return typed


def _typed_into(typed: _Typed | None) -> int | str | None:
    value = typed.post.get("into", "").strip() if typed and typed.action == "lines" else ""
    if value == NEW_ARTICLE:
        return value
    return int(value) if value.isdigit() else None


def _caption_window(start: int, total: int) -> range:
    """The captions (0-based) the edit form of an article of ``total`` captions holds from
    ``start``: ``CAPTIONS_SHOWN`` of them, the first ones when ``start`` is past the last."""
    start = start if 0 <= start < total else 0
    return range(start, min(start + CAPTIONS_SHOWN, total))


def _fields(a, captions: range) -> dict[str, object]:
    """The edit form's values as stored (the captions of the window ``captions``)."""
    stored: dict[str, object] = {name: getattr(a, name) for name in corrections.TEXT_FIELDS}
    stored["byline"] = "、".join(a.byline)
    stored["intertitles"] = list(a.intertitles)
    stored["captions"] = [{"text": c.text, "credit": c.credit} for c in a.captions[captions.start : captions.stop]]
    return stored


def _with_captions(query: str, start: int) -> str:
    """``query`` (``?part=N`` or nothing) naming the captions' window from ``start`` too, past the first."""
    if start < CAPTIONS_SHOWN:
        return query
    return f"{query}{'&' if query else '?'}captions={start // CAPTIONS_SHOWN + 1}"


def _caption_pages(here: str, query: str, window: range, total: int, anchor: str) -> dict[str, object] | None:
    """The links between an article's caption windows (``here``: the page's address, ``query``:
    its part), when it has more than one."""
    if total <= CAPTIONS_SHOWN:
        return None
    return {
        "first": window.start + 1,
        "last": window.stop,
        "total": total,
        "previous": here + _with_captions(query, window.start - CAPTIONS_SHOWN) + anchor if window.start else "",
        "next": here + _with_captions(query, window.stop) + anchor if window.stop < total else "",
    }


def _render_correct(
    request: HttpRequest, page: Page, *, error: str = "", status: int = 200, typed: _Typed | None = None
) -> HttpResponse:
    """The correction page from the stored state; ``typed``: a refused form's values, kept."""
    source = corrections.source_lines(page.raw_text)
    part = Part.of(request)
    caption_start = Part.caption_start(request)
    here = reverse("page-correct", args=[page.pk])
    lo, hi = part.lo, part.hi
    shown_part = part.context_for(len(source))
    # A long page a part at a time, as its preview: the part's lines and the articles holding them.
    shown, article_count, furniture = writer.load_screen(page, lo, hi, paged=shown_part["paged"])
    # Every revision, newest first, without its state: the latest for the header, all of them
    # for whether undo is offered (writer.undo_refusal).
    revisions = list(page.revisions.select_related("user").defer("state", "raw_text").order_by("-number"))
    latest = revisions[0] if revisions else None
    places = corrections.line_places(PageState(articles=[a for _, a in shown], furniture=furniture), [n - 1 for n, _ in shown])
    starts = {a.lines[0]: n - 1 for n, a in shown if a.lines}
    ticked = typed.ticked() if typed else set()
    rows = []
    for no, text in enumerate(source[lo - 1:hi], start=lo):
        if not text.strip():
            continue
        place = places.get(no)
        rows.append(
            {
                "no": no,
                "text": text.strip(),
                "article": place.article if place else None,
                "caption": place.caption if place else None,
                "furniture": corrections.FURNITURE_LABELS[place.furniture] if place and place.furniture else "",
                "starts": starts.get(no),
                "ticked": no in ticked,
            }
        )
    articles = []
    for n, a in shown:
        window = _caption_window(caption_start, len(a.captions))
        articles.append(
            {
                "index": n - 1,
                "number": n,
                "a": a,
                "lines": corrections.line_ranges(a.lines, source),
                "captions": a.captions[window.start : window.stop],
                "caption_from": window.start,
                "caption_pages": _caption_pages(here, shown_part["part_query"], window, len(a.captions), f"#article-{n}"),
                "edit_query": _with_captions(shown_part["part_query"], window.start),
                "fields": _fields(a, window),
                "counties": " ".join(_county_label(c) for c in a.counties),
                "primary": _county_label(a.counties[0]) if a.counties else "",
                "url": reverse("article", args=[a.ref]) if a.ref else "",
                "history": reverse("article-history", args=[page.pk, a.ref]) if a.ref else "",
                "last": n == article_count,
                "editing": False,
            }
        )
    at = typed.article_index(shown) if typed is not None and typed.action in ("edit", "counties") else None
    if typed is not None and at is not None:
        # Into that article's form only: put into another, saving it again would change the wrong one.
        item = next(item for item in articles if item["index"] == at)
        if typed.action == "edit":
            fields = typed.fields()
            if not typed.captions_fit(item["caption_from"], len(item["a"].captions)):
                # Typed for other captions than this window holds now: shown as stored, never put
                # on their neighbours (the error says why).
                fields["captions"] = item["fields"]["captions"]
            item.update(fields=fields, editing=True)
        else:
            item.update(counties=typed.post.get("counties", ""), primary=typed.post.get("primary", ""))
    context = {
        "page": page,
        "article_count": article_count,
        "rows": rows,
        # Its part_query: the forms' actions keep the part, so that a refused form is shown again where it was.
        **shown_part,
        "articles": articles,
        "version": latest.number if latest else 0,
        "latest": latest,
        "can_undo": writer.undo_refusal(page, revisions) is None,
        "furniture": [{"line": f.line, "text": f.text, "label": corrections.FURNITURE_LABELS[f.kind]} for f in furniture],
        "furniture_choices": FURNITURE_CHOICES,
        # The line form's choices as the admin left them (a refused form keeps them).
        "kind": typed.post.get("kind", FurnitureKind.OTHER) if typed and typed.action == "lines" else FurnitureKind.OTHER,
        "into": _typed_into(typed),
        "new_article": NEW_ARTICLE,
        "error": error,
    }
    return render(request, "articles/correct.html", context, status=status)


@require_POST
@role_required(PERMISSION)
def correct_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Apply one correction (see ``_ACTIONS``) and record it as a revision."""
    handler = _ACTIONS.get(action)
    if handler is None:
        raise Http404(_("没有这个操作"))
    here = Part.of(request)  # the part it was made on (read before anything is written)
    captions = Part.caption_start(request)  # and the edit form's window of captions
    page = _get_page_or_404(pk)
    try:
        with transaction.atomic():
            locked = _locked_or_404(page)
            _check_version(request.POST, locked)
            change = handler(request.POST, writer.load_state(locked), _PageText.of(locked, page.issue.newspaper))
            writer.apply_state(locked, change.state, user=request.user, action=change.action, summary=change.summary)
    except CorrectionError as exc:
        typed = _Typed(action, request.POST)
        return _render_correct(request, page, error=ingest_text.message(exc), status=400, typed=typed)
    except _NoChange:
        messages.info(request, _("没有改动。"))
        return redirect(reverse("page-correct", args=[page.pk]) + _with_captions(here.query, captions if action == "edit" else 0))
    messages.success(request, _("已保存：%(summary)s") % {"summary": revision_text.summary(change.summary)})
    query = _part_query(change, here)
    if action == "edit":  # back to the captions' window the form was for
        query = _with_captions(query, captions)
    return redirect(reverse("page-correct", args=[page.pk]) + query + change.anchor)


def _part_query(change: _Change, here: Part) -> str:
    """``?part=N`` for the part of a long page to come back to: the one the admin was on
    (``here``) while it still shows where the change sends them (its anchor: an article, or a
    line), else the part that does (the article's first line); nothing for the first part."""
    kind, _, number = change.anchor.removeprefix("#").rpartition("-")
    lines = [int(number)] if number.isdigit() else []
    if kind == "article":
        articles = change.state.articles
        lines = articles[lines[0] - 1].lines if lines and 0 < lines[0] <= len(articles) else []
    return (here if not lines or any(here.holds(line) for line in lines) else Part.holding(lines[0])).query


# -- history, undo, revert -------------------------------------------------------------------


@dataclass
class _Entry:
    revision: PageRevision
    diff: corrections.PageDiff | None  # None for the state at ingest
    changes: tuple[corrections.ArticleChange, ...]


# A page's history lists this many versions at a time, newest first, each compared with the one
# before it (300 corrections of a page of 40 stories took 0.4 s listed whole); a long page's
# fewer, so that a screen compares about HISTORY_TEXT_PER_SCREEN characters of page text at most:
# a version costs in proportion to its page (one version a screen for a page of 100,000 lines or
# of 20,000 captions, where PostgreSQL's comparison of two states takes about 0.1 s).
HISTORY_PER_SCREEN = 50
HISTORY_TEXT_PER_SCREEN = 500_000


def _per_screen(longest: int) -> int:
    """Versions a screen for a page whose longest text (its file now, or one it replaced) is
    ``longest`` characters."""
    return max(1, min(HISTORY_PER_SCREEN, HISTORY_TEXT_PER_SCREEN // max(longest, 1)))


def _screen_number(number: str | None) -> int:
    """The screen ``?page=`` asks for, as ``Paginator.get_page`` reads it (anything else: the first)."""
    return int(number) if number and number.isascii() and number.isdigit() and 0 < int(number) < 10**6 else 1


def _entries(
    page: Page, revisions: list[PageRevision], number: str | None, ref: int | None = None
) -> tuple[list[_Entry], Paginated, bool]:
    """The history's screen ``number`` (``?page=``, Django's ``Paginator.get_page``) of its
    entries, newest first, the screen, and whether the number of screens is known; ``revisions``:
    the page's, oldest first, without their states (``ref``: only the versions that changed that
    article). The states are compared by PostgreSQL (``PageRevisionQuerySet.differences``): only
    the stories that differ are read."""
    before = {r.number: p.number for p, r in zip(revisions, revisions[1:])}  # each version's predecessor
    # The text each revision's line numbers refer to: a replaced file keeps the text before.
    texts: dict[int, str] = {}
    text = page.raw_text
    for revision in reversed(revisions):
        texts[revision.number] = text
        if revision.raw_text is not None:
            text = revision.raw_text
    stored = PageRevision.objects.filter(page=page)

    def entries(shown: list[PageRevision]) -> list[_Entry]:
        pairs = [(before[r.number], r.number) for r in shown if r.number in before]
        changed = stored.differences(page.pk, pairs)
        outlines = stored.outlines({n for pair in pairs for n in pair})
        out = []
        for r in shown:
            if r.number not in before:  # the first version: the state at ingest
                out.append(_Entry(r, None, ()))
                continue
            (old_refs, old_furniture), (new_refs, new_furniture) = outlines[before[r.number]], outlines[r.number]
            source = corrections.source_lines(texts[r.number])
            diff = corrections.diff_changed(old_refs, new_refs, *changed[r.number], old_furniture, new_furniture, source)
            mine = diff.articles if ref is None else tuple(
                c for c in diff.articles if ref in {getattr(c.before, "ref", None), getattr(c.after, "ref", None)}
            )
            out.append(_Entry(r, diff, mine))
        return out

    newest_first = list(reversed(revisions))
    per_screen = _per_screen(max(len(t) for t in texts.values()) if texts else len(page.raw_text))
    if ref is None:
        screen = Paginator(newest_first, per_screen).get_page(number)
        return entries(list(screen)), screen, True
    # One article's versions: those where it stood otherwise than in the version before, and of
    # those the ones where it changed in what a history shows (its warnings alone do not show).
    # Compared newest first, a screen's worth and one more at a time, until the screen asked for
    # is full: an article's history costs what its screen shows, however often it changed.
    held = stored.stories_of(ref)
    touched = [
        r for r in newest_first
        if (held.get(before[r.number]) != held.get(r.number) if r.number in before else held.get(r.number) is not None)
    ]
    need = _screen_number(number) * per_screen + 1
    shown: list[_Entry] = []
    done = 0
    while len(shown) < need and done < len(touched):
        batch = touched[done : done + per_screen + 1]
        done += len(batch)
        shown += [e for e in entries(batch) if e.diff is None or e.changes]
    screen = Paginator(shown, per_screen).get_page(number)
    return list(screen), screen, done >= len(touched)


def _render_history(
    request: HttpRequest, page: Page, *, ref: int | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    revisions = list(page.revisions.select_related("user").defer("state").order_by("number"))
    entries, screen, counted = _entries(page, revisions, request.GET.get("page"), ref)
    if ref is not None and not entries and not page.articles.filter(pk=ref).exists():
        raise Http404(_("这个版面没有这篇文章"))
    context = {
        "page": page,
        "entries": entries,
        "screen": screen,
        "screens_counted": counted,  # one article's: the screens past this one not yet compared
        "here": reverse("page-history", args=[page.pk]) if ref is None else reverse("article-history", args=[page.pk, ref]),
        # The undo and revert forms come back to this screen when refused (shown at their address).
        "screen_query": f"?page={screen.number}" if screen.number > 1 else "",
        "ref": ref,
        "version": revisions[-1].number if revisions else 0,
        "can_undo": writer.undo_refusal(page, revisions) is None,
        # Versions before the latest file replacement cannot be made current again.
        "revertible_from": writer.last_replacement(page, revisions),
        "error": error,
    }
    return render(request, "articles/history.html", context, status=status)


@require_safe
@role_required(PERMISSION)
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of the page's split from ingest on: who, when, what, before and after."""
    return _render_history(request, _get_page_or_404(pk))


@require_safe
@role_required(PERMISSION)
def article_history(request: HttpRequest, pk: int, ref: int) -> HttpResponse:
    """The versions that touched one article (also one that was since merged away)."""
    return _render_history(request, _get_page_or_404(pk), ref=ref)


@require_POST
@role_required(PERMISSION)
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo the latest change (again and again, back to the state at ingest)."""
    here = Part.of(request)  # the correction page's part it was made on (read before anything is written)
    page = _get_page_or_404(pk)
    try:
        with transaction.atomic():
            _check_version(request.POST, _locked_or_404(page))
            revision = writer.undo(page, request.user)
    except CorrectionError as exc:
        return _render_history(request, page, error=ingest_text.message(exc), status=400)
    except writer.CannotUndo as exc:
        return _render_history(request, page, error=_cannot_undo(exc), status=400)
    messages.success(request, _("已撤销：现在是版本 %(n)s。") % {"n": revision.number})
    if request.POST.get("next") == "correct":  # back to the part of a long page it was undone from
        return redirect(reverse("page-correct", args=[pk]) + here.query)
    return redirect("page-history", pk=pk)


@require_POST
@role_required(PERMISSION)
def revert(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the split that of an earlier version again (itself a change, undoable)."""
    page = _get_page_or_404(pk)
    try:
        number = _int(request.POST, "number", _("要恢复的版本"))
        with transaction.atomic():
            _check_version(request.POST, _locked_or_404(page))
            if not page.revisions.filter(number=number).exists():
                raise CorrectionError(_("没有版本 %(n)s。") % {"n": number})
            revision = writer.revert(page, number, request.user)
    except CorrectionError as exc:
        return _render_history(request, page, error=ingest_text.message(exc), status=400)
    except writer.NothingToRevert:
        messages.info(request, _("版面现在就是版本 %(number)s 的样子，没有改动。") % {"number": number})
        return redirect("page-history", pk=pk)
    except writer.CannotUndo as exc:
        return _render_history(request, page, error=_cannot_undo(exc), status=400)
    messages.success(request, _("已恢复到版本 %(number)s（记为版本 %(n)s）。") % {"number": number, "n": revision.number})
    return redirect("page-history", pk=pk)


# writer._paper_gone's reason (the writer's reasons are English; these pages say them in the
# reader's language).
_PAPER_GONE_RE = re.compile(r"the paper of that version \((?P<paper>.*)\) is no longer in the archive")


def _cannot_undo(exc: Exception) -> str:
    text = str(exc)
    holder = getattr(exc, "holder", None)
    if holder is not None:
        return _("第 %(pk)s 号版面已占用那一版的报名、日期和版次：没有改动。") % {"pk": holder.pk}
    if "nothing" in text:
        return _("没有可以撤销的改动。")
    gone = _PAPER_GONE_RE.search(text)
    if gone is not None:
        return _("那一版所在的报纸（%(paper)s）已不在档案中：不能把版面放回那一版的报纸，没有改动。") % {"paper": gone["paper"]}
    if "replaced" in text:
        return _(
            "版面文件已被替换：替换本身和替换之前的版本不能撤销，也不能恢复。重新上传旧文件只会找回旧文本，"
            "找不回替换前的人工校正；这些校正记在下面的修订记录里，需要时请照着重新校正。"
        )
    return text


# -- re-split --------------------------------------------------------------------------------


def _resplit_state(page: Page, current: PageState) -> tuple[PageState, list]:
    """The page split again by the current splitter, with the hand corrections of unchanged lines."""
    paper = page.issue.newspaper
    hint = [paper.prefecture_code] if paper.prefecture_code else []
    fresh = parse_page(page.raw_text, hint_prefectures=hint)
    source = corrections.source_lines(page.raw_text)
    # The splitter's split of this file tells its own output from hand corrections (the same
    # rule as replacing a file: writer.split_of_file).
    proposed, conflicts = carry_over(current, source, fresh, source, original=writer.split_of_file(page))
    if corrections.placement_problems(proposed, source):
        raise CorrectionError(_("重新切分的结果有行没有归属，没有保存。请报告这个版面。"))
    return proposed, conflicts


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(PERMISSION)
def resplit(request: HttpRequest, pk: int) -> HttpResponse:
    """Split the page again with the current splitter: GET shows the difference, POST applies it."""
    page = _get_page_or_404(pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                locked = _locked_or_404(page)
                _check_version(request.POST, locked)
                current = writer.load_state(locked)
                proposed, conflicts = _resplit_state(locked, current)
                diff = corrections.diff_pages(current, proposed, corrections.source_lines(locked.raw_text))
                if not diff:
                    raise _NoChange
                counts = {kind: sum(1 for c in diff.articles if c.kind == kind) for kind in ("added", "removed", "changed")}
                summary = f"用当前的切分程序重新切分：新增{counts['added']}篇，删去{counts['removed']}篇，改动{counts['changed']}篇"
                writer.apply_state(locked, proposed, user=request.user, action=Action.RESPLIT, summary=summary)
        except CorrectionError as exc:
            return _render_resplit(request, page, error=ingest_text.message(exc), status=400)
        except _NoChange:
            messages.info(request, _("新的切分与现在的相同，没有改动。"))
            return redirect("page-correct", pk=pk)
        messages.success(request, _("已保存：%(summary)s") % {"summary": revision_text.summary(summary)})
        return redirect("page-correct", pk=pk)
    return _render_resplit(request, page)


def _render_resplit(request: HttpRequest, page: Page, *, error: str = "", status: int = 200) -> HttpResponse:
    current = writer.load_state(page)
    try:
        proposed, conflicts = _resplit_state(page, current)
        diff = corrections.diff_pages(current, proposed, corrections.source_lines(page.raw_text))
    except CorrectionError as exc:
        error, diff, conflicts, status = ingest_text.message(exc), None, [], 400
    context = {
        "page": page,
        "diff": diff,
        "conflicts": conflicts,
        "version": writer.version(page),
        "error": error,
    }
    return render(request, "articles/resplit.html", context, status=status)
