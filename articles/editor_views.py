"""What editors do in the browser: upload page files as drafts, preview them, publish, discard,
withdraw, and settle a page that takes the place of one already in the archive.

Every write goes through articles/writer.py; these views only choose what to call and say what
happened, naming each file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles import ingest_text, writer
from articles.forms import PageMetaForm, PlannedFile, ReplaceForm, UploadForm
from articles.ratelimits import rate_limited
from articles.models import Newspaper, Page
from articles.paging import CAPTIONS_SHOWN, Part
from articles.roles import role_required
from ingest import corrections
from ingest import model as parsed
from ingest.carry import TextChanges, text_changes
from ingest.manifest import ISSUE_DATE_MIN, MANIFEST, NAME, NO_SUCH_DATE, issue_date_max

logger = logging.getLogger(__name__)

Status = Page.Status
Outcome = writer.Outcome

# The upload's per-file results, shown once on the page the upload redirects to.
RESULTS_KEY = "upload-results"
# What the editor typed last (paper, ISO date, prefecture): the next upload starts from it.
LAST_KEY = "upload-last"
RECENT_UPLOADS = 50


# -- upload ------------------------------------------------------------------------------------


# HEAD wherever GET: left out, a HEAD was a 405, checked before the sign-in redirect.
@require_http_methods(["GET", "HEAD", "POST"])
@role_required("articles.add_page")
@rate_limited("upload", "RATE_LIMIT_UPLOAD", method="POST")
def upload(request: HttpRequest) -> HttpResponse:
    """Store each file as a draft on its own (one bad file never stops the others), then show
    the results and the editor's drafts."""
    papers = list(_paper_choices())
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, papers=papers)
        if form.is_valid():
            results = [_store(request, planned) for planned in form.planned()]
            for notice in form.notices():  # manifest rows no file took: told, nothing refused
                messages.warning(request, notice)
            shared = form.shared()
            # ISO, as the date input needs it: refilled as 2025/03/29 it would be refused.
            request.session[LAST_KEY] = {
                "paper": shared.paper,
                "date": shared.date.isoformat() if shared.date else "",
                "prefecture": shared.prefecture,
            }
            request.session[RESULTS_KEY] = results
            return redirect("drafts")
    else:
        form = UploadForm(initial=request.session.get(LAST_KEY, {}), papers=papers)
    context = {"form": form, "drafts": _drafts(request.user)[:20]}
    return render(request, "articles/upload.html", context)


def _paper_choices() -> QuerySet:
    """The names offered as the editor types a paper: papers that hold a page."""
    return Newspaper.objects.holding_pages().order_by("name").values_list("name", flat=True)


def _store(request: HttpRequest, planned: PlannedFile) -> dict[str, object]:
    """One file as a draft; the result as plain data for the session.

    The writer reports every refusal it knows (unreadable file, database refusal) as FAILED. An
    error nobody foresaw (a parser bug on a strange page) is logged and reported for this file
    alone: its transaction rolled back, and the editor's other files still go in.
    """
    try:
        return _store_one(request, planned)
    except Exception:
        logger.exception("upload of %s failed", planned.name)
        return _result(planned.name, Outcome.FAILED, message=_("未入库：处理这个文件时出了错（已记入日志，请告诉管理员）"))


def _store_one(request: HttpRequest, planned: PlannedFile) -> dict[str, object]:
    name = planned.name
    if planned.refusal:
        return _result(name, Outcome.FAILED, message=_("未入库：%(reason)s") % {"reason": planned.refusal})
    too_large = writer.oversized(name, planned.upload.size)
    if too_large is not None:
        return _result(name, Outcome.FAILED, message=_("未入库：%(reason)s") % {"reason": too_large.reason})
    entry = planned.meta.entry
    if not entry.paper:
        # A file that can be no page is told so first: naming its paper would not save it.
        data = planned.upload.read()
        unusable = writer.unreadable(name, data)
        if unusable is not None:
            return _result(name, Outcome.FAILED, message=_("未入库：%(reason)s") % {"reason": unusable.reason})
        # Nor would it a page stored already: that is the answer, with where it is.
        stored = writer.stored_copy(data)
        if stored is not None:
            return _result(name, Outcome.DUPLICATE, page=stored, message=_("档案中已有这个版面，未重复写入"))
        return _result(name, Outcome.FAILED, message=_("未入库：不知道是哪份报纸——请在表单中填写报名，或写在 manifest.csv 或文件名里"))
    meta = writer.PageMeta(paper=entry.paper, date=entry.date, label=entry.page, prefecture_code=entry.prefecture)
    data = planned.upload.read()
    result = writer.ingest_file(name, data, meta, status=Status.DRAFT, user=request.user, same_slot="report")
    if result.outcome == Outcome.SAME_SLOT:
        occupant = result.page
        # Kept as a draft beside the page it would replace, so the editor chooses on its preview
        # (replace it, or keep both) without choosing the file again. Readers see neither change.
        result = writer.ingest_file(name, data, meta, status=Status.DRAFT, user=request.user, same_slot="keep")
        if result.outcome == Outcome.CREATED:
            return _result(
                name,
                Outcome.SAME_SLOT,
                page=result.page,
                other=occupant,
                message=_("已存为草稿；档案中已有同一报纸、日期、版次的版面，内容不同：请在预览中选择替换它，或两者都保留"),
            )
    if result.outcome == Outcome.CREATED:
        message = ngettext("已存为草稿（%(n)s 篇文章），请预览后发布", "已存为草稿（%(n)s 篇文章），请预览后发布", result.articles) % {"n": result.articles} + _origin_note(planned)
        return _result(name, Outcome.CREATED, page=result.page, message=message)
    if result.outcome == Outcome.DUPLICATE:
        return _result(name, Outcome.DUPLICATE, page=result.page, message=_("档案中已有这个版面，未重复写入"))
    return _result(name, Outcome.FAILED, message=_("未入库：%(reason)s") % {"reason": result.reason})


_FIELD_NAMES = {"paper": gettext_lazy("报名"), "date": gettext_lazy("日期"), "page": gettext_lazy("版次")}
_SOURCE_NAMES = {MANIFEST: "manifest.csv", NAME: gettext_lazy("文件名")}


def _origin_note(planned: PlannedFile) -> str:
    """Which values were not typed but read from the manifest or the file name, so the editor
    checks them on the preview: "（报名、日期取自文件名）"."""
    parts = []
    for source, source_name in _SOURCE_NAMES.items():
        fields = [label for key, label in _FIELD_NAMES.items() if planned.meta.origin.get(key) == source]
        if fields:
            parts.append(_("%(fields)s取自%(source)s") % {"fields": _("、").join(str(f) for f in fields), "source": source_name})
    unused = _unused_date_note(planned)
    if unused:
        parts.append(unused)
    return _("（%(notes)s）") % {"notes": _("；").join(parts)} if parts else ""


def _unused_date_note(planned: PlannedFile) -> str:
    """Why the date in the file's name was not used (no date given elsewhere): the page is
    stored with its date unknown, and the editor must know it was not forgotten but refused, as
    the form and a manifest refuse such a date."""
    value, reason = planned.meta.unused_date, planned.meta.unused_date_reason
    if not value:
        return ""
    if reason == NO_SUCH_DATE:
        return _("文件名中的日期 %(value)s 不存在，未采用，日期记为不详") % {"value": value}
    lo, hi = ISSUE_DATE_MIN.isoformat(), issue_date_max().isoformat()
    return _("文件名中的日期 %(value)s 不在 %(lo)s 到 %(hi)s 之间，未采用，日期记为不详") % {"value": value, "lo": lo, "hi": hi}


def _result(name: str, outcome: str, *, page: Page | None = None, other: Page | None = None, message: str) -> dict[str, object]:
    return {
        "name": name,
        "outcome": str(outcome),
        "message": message,
        "page_id": page.pk if page is not None else None,
        "page": str(page) if page is not None else "",
        "other_id": other.pk if other is not None else None,
        "other": str(other) if other is not None else "",
    }


# -- the editor's list -------------------------------------------------------------------------


def _drafts(user) -> QuerySet[Page]:
    return (
        Page.objects.filter(status=Status.DRAFT, uploaded_by=user)
        .select_related("issue__newspaper")
        .annotate(article_count=Count("articles"))
        .order_by("-ingested_at", "-id")
    )


@require_safe
@role_required("articles.add_page")
def drafts(request: HttpRequest) -> HttpResponse:
    """My drafts, the other editors' drafts and my recent uploads; the last upload's results on top."""
    results = request.session.pop(RESULTS_KEY, [])
    others = (
        Page.objects.filter(status=Status.DRAFT)
        .filter(~Q(uploaded_by=request.user) | Q(uploaded_by=None))
        .select_related("issue__newspaper", "uploaded_by")
        .annotate(article_count=Count("articles"))
        .order_by("-ingested_at", "-id")[:RECENT_UPLOADS]
    )
    recent = (
        Page.objects.filter(uploaded_by=request.user)
        .exclude(status=Status.DRAFT)
        .select_related("issue__newspaper")
        .annotate(article_count=Count("articles"))
        .order_by("-ingested_at", "-id")[:RECENT_UPLOADS]
    )
    context = {"results": results, "mine": _drafts(request.user)[:200], "others": others, "recent": recent}
    return render(request, "articles/upload_drafts.html", context)


# -- preview -----------------------------------------------------------------------------------


FURNITURE_LABELS = {"banner": gettext_lazy("通栏标语"), "column": gettext_lazy("栏目标签"), "other": gettext_lazy("其他")}


@dataclass
class SourceRow:
    number: int
    text: str
    article: int | None = None  # 1-based index of the article the line went to
    caption: bool = False
    furniture: str = ""  # the furniture kind, when the line is page furniture


def _get_page_or_404(pk: int) -> Page:
    return get_object_or_404(Page.objects.select_related("issue__newspaper", "uploaded_by"), pk=pk)


def _slot_pages(page: Page) -> list[Page]:
    """Other pages of the same paper, date, edition and label (a replacement or a second copy)."""
    return list(
        writer.other_pages_in_slot(page)
        .select_related("issue__newspaper")
        .annotate(article_count=Count("articles"))
        .order_by("id")
    )


# The lines of a same-slot page that a draft's file changes, shown before the editor chooses
# to replace it: at most this many of each kind (a wrong file differs everywhere).
CHANGED_LINES_SHOWN = 200


def _text_changes(other: Page, draft: Page) -> TextChanges:
    """What the draft's file changes of ``other``'s text (ingest.carry matches the lines, as the
    replace will: a hand correction is lost where its lines are listed)."""
    return text_changes(other.raw_text.split("\n"), draft.raw_text.split("\n"))


@dataclass
class LostRow:
    """A correction the replace would drop, as the preview lists it."""

    headline: str
    lines: str
    why: str
    changes: list[tuple[str, str]]  # (field, its corrected value when short enough to show; else "")


@dataclass
class ReplaceTarget:
    """A page the draft may replace, its version (which the replace form carries) and the
    corrections that replace would drop."""

    page: Page
    version: int
    lost: list[LostRow]




def _replace_targets(draft: Page, slot_pages: list[Page]) -> list[ReplaceTarget]:
    """What replacing each page with the draft's file would drop, computed as the replace
    computes it and written nowhere (``writer.lost_corrections``)."""
    targets = []
    for other in slot_pages:
        rows = []
        for lost in writer.lost_corrections(other, draft):
            conflict = lost.conflict
            changes = [(ingest_text.translated(label), value) for label, value in lost.shown_changes()]
            rows.append(LostRow(
                headline=conflict.headline or _("（无标题）"),
                lines=lost.lines,
                why=ingest_text.translated(conflict.why),
                changes=changes,
            ))
        targets.append(ReplaceTarget(other, writer.version(other), rows))
    return targets


# An article's captions shown in the preview (a picture page of 20,000 was 2 MB); its source
# lines beside it show every one.
PREVIEW_CAPTIONS_SHOWN = CAPTIONS_SHOWN


def _source_rows(
    lines: list[str], lo: int, articles: list[tuple[int, parsed.ParsedArticle]], furniture: list[dict]
) -> list[SourceRow]:
    """Source lines ``lo``… (``lines``), numbered as the splitter numbers them, with where each
    went: the article of that number, or the page's furniture."""
    rows = {n: SourceRow(number=n, text=text) for n, text in enumerate(lines, lo)}
    for number, article in articles:
        captioned = {n for c in article.captions for n in c.lines}
        for n in article.lines:
            if n in rows:
                rows[n].article = number
                rows[n].caption = n in captioned
    for f in furniture:
        if f["line"] in rows:
            rows[f["line"]].furniture = FURNITURE_LABELS.get(str(f["kind"]), str(f["kind"]))
    return list(rows.values())


@require_safe
@role_required("articles.view_page")
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A page as its articles will read, beside its source lines: each line marked with where it
    went. Drafts are published or discarded from here; published pages withdrawn."""
    return _render_preview(request, _get_page_or_404(pk))


def _render_preview(
    request: HttpRequest, page: Page, *, meta_form: PageMetaForm | None = None, replace_error: str = "", status: int = 200
) -> HttpResponse:
    """The preview; ``meta_form``, when given, is the editor's refused form, shown as typed with
    its errors (and opened); ``replace_error``, why the replace was refused."""
    part = Part.of(request)
    lo, hi = part.lo, part.hi
    lines = page.raw_text.split("\n")
    shown = part.context_for(len(lines))
    # A long page a part at a time: the articles holding its lines, numbered as on the whole page.
    articles, article_count, _furniture = writer.load_screen(page, lo, hi, paged=shown["paged"])
    rows = _source_rows(lines[lo - 1:hi], lo, articles, page.furniture)
    if meta_form is None:
        meta_form = PageMetaForm(
            initial={"paper": page.issue.newspaper.name, "date": page.issue.date, "label": page.label, "version": writer.version(page)}
        )
    slot_pages = _slot_pages(page)
    for other in slot_pages:
        other.changes = _text_changes(other, page)
    replacing = page.discardable and request.user.has_perm("articles.publish_page")
    context = {
        "page": page,
        "meta_form": meta_form,
        # Open when something is missing, or when the editor's values were refused.
        "meta_open": meta_form.is_bound or not page.issue.date or not page.label,
        "paper_choices": _paper_choices(),
        "articles": articles,
        "article_count": article_count,
        "rows": [r for r in rows if r.text.strip()],
        "captions_shown": PREVIEW_CAPTIONS_SHOWN,
        "captions_shown_slice": f":{PREVIEW_CAPTIONS_SHOWN}",
        "changed_shown_slice": f":{CHANGED_LINES_SHOWN}",
        "changed_shown": CHANGED_LINES_SHOWN,
        **shown,
        "slot_pages": slot_pages,
        "replace_targets": _replace_targets(page, slot_pages) if replacing else [],
        "draft_version": writer.version(page) if replacing else 0,
        # a replace that drops hand corrections is an admin's (writer.may_drop_corrections)
        "may_drop_corrections": writer.may_drop_corrections(request.user),
        "replace_error": replace_error,
    }
    return render(request, "articles/upload_preview.html", context, status=status)


# -- publish, withdraw, discard, replace -------------------------------------------------------


@require_POST
@role_required("articles.publish_page")
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    page = Page.objects.select_related("issue__newspaper").filter(pk=pk).first()
    if page is None:  # a second tab's click: the draft was discarded, or used up by a replace
        return _draft_gone(request, GONE)
    if page.status == Status.PUBLISHED:
        messages.info(request, _("这个版面已经发布。"))
        return redirect("page-preview", pk=page.pk)
    others = _slot_pages(page)
    if others and request.POST.get("keep_both") != "1":  # a draft, or a withdrawn page again
        # Never a silent second copy of a page: the editor says "keep both" on purpose. A
        # withdrawn page replaces nothing (a replace uses a draft up): it is offered keep both alone.
        if page.discardable:
            messages.error(request, _("档案中已有同一报纸、日期、版次的版面：请选择“替换原版面”或“两者都保留”。"))
        else:
            messages.error(request, _("档案中已有同一报纸、日期、版次的版面：要再次发布这个撤回的版面，请选择“两者都保留，再次发布”。"))
        return redirect("page-preview", pk=page.pk)
    try:
        page = writer.set_status(page, Status.PUBLISHED, user=request.user)
    except Page.DoesNotExist:  # gone between the two reads (the clicks came together)
        return _draft_gone(request, GONE)
    messages.success(
        request,
        format_html(_("已发布：读者现在可以看到并检索这个版面的文章。<a href=\"{}\">查看版面</a>"), page.get_absolute_url()),
    )
    return redirect("page-preview", pk=page.pk)


# At most this many drafts published by one click (the list shows the newest 200).
PUBLISH_MANY_MAX = 200


@require_POST
@role_required("articles.publish_page")
def publish_drafts(request: HttpRequest) -> HttpResponse:
    """Publish the drafts ticked on the drafts list (an issue's pages, uploaded together), each as
    its own 发布 would: one transaction a page. A draft whose place holds another page is left
    for its preview, where the editor chooses to replace that page or keep both."""
    try:
        pks = sorted({int(v) for v in request.POST.getlist("pages")})[:PUBLISH_MANY_MAX]
    except ValueError:
        pks = []
    if not pks:
        messages.error(request, _("没有选中草稿：请勾选要发布的草稿。"))
        return redirect("drafts")
    published: list[Page] = []
    left = 0  # drafts left for their previews (their place is taken)
    for page in Page.objects.filter(pk__in=pks, status=Status.DRAFT).select_related("issue__newspaper").order_by("pk"):
        if _slot_pages(page):
            left += 1
            messages.warning(
                request,
                format_html(
                    _("{}：档案中已有同一报纸、日期、版次的版面，没有发布：请在<a href=\"{}\">预览</a>中选择替换它或两者都保留。"),
                    str(page), reverse("page-preview", args=[page.pk]),
                ),
            )
            continue
        try:
            published.append(writer.set_status(page, Status.PUBLISHED, user=request.user))
        except Page.DoesNotExist:  # discarded or used by a replace meanwhile
            continue
    if not published and not left:
        # every ticked draft published, discarded or used by a replace meanwhile (another tab)
        messages.info(request, _("没有发布任何版面：选中的草稿已经不是草稿了（已发布、已删除或已用于替换）。"))
    if published:
        messages.success(
            request,
            ngettext("已发布 %(n)s 个版面：读者现在可以看到并检索它们的文章。", "已发布 %(n)s 个版面：读者现在可以看到并检索它们的文章。", len(published))
            % {"n": len(published)},
        )
    return redirect("drafts")


@require_POST
@role_required("articles.publish_page")
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    page = _get_page_or_404(pk)
    if page.status != Status.PUBLISHED:
        messages.info(request, _("只有已发布的版面可以撤回。"))
        return redirect("page-preview", pk=page.pk)
    writer.set_status(page, Status.WITHDRAWN, user=request.user)
    messages.success(request, _("已撤回：读者不再能看到或检索这个版面；可以再次发布。"))
    return redirect("page-preview", pk=page.pk)


# A draft used up by 替换原版面 or deleted: what a later 发布, 保存 or 替换 of it is told.
GONE = gettext_lazy("这份草稿已经不在了：它已替换了原版面，或已被删除。")


def _draft_gone(request: HttpRequest, message: str) -> HttpResponse:
    """A POST for a draft that is no longer there: a second click on 删除草稿, 替换原版面, 发布
    or 保存 (the first, or another tab's, used the draft up), or another editor's. Said on the
    drafts list, not a 404."""
    messages.info(request, message)
    return redirect("drafts")


@require_POST
@role_required("articles.add_page")
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    page = Page.objects.filter(pk=pk).first()
    if page is None:
        return _draft_gone(request, _("这份草稿已经删除了。"))
    if not page.discardable:
        messages.error(request, _("只有草稿可以删除；已发布的版面请撤回。"))
        return redirect("page-preview", pk=page.pk)
    name = page.source_name
    try:
        writer.discard(page)
    except Page.DoesNotExist:  # deleted between the two reads (the clicks came together)
        return _draft_gone(request, _("这份草稿已经删除了。"))
    except writer.NotDiscardable:  # published by another editor meanwhile: checked again under the lock
        messages.error(request, _("只有草稿可以删除；已发布的版面请撤回。"))
        return redirect("page-preview", pk=page.pk)
    messages.success(request, _("已删除草稿 %(name)s。") % {"name": name})
    return redirect("drafts")


class _Refused(Exception):
    """A form refused under the page's lock (made from an older version; a replace not
    confirmed): nothing written, the preview shown again with the reason."""


@require_POST
@role_required("articles.publish_page")
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's file takes the place of a page of the same slot: that page keeps its address
    and status, its old text goes into its history, and the draft's split as it stands (hand
    corrections made on the draft included) is the new one, with the page's own corrections
    carried over where their lines are unchanged (the rest are listed as conflicts). The draft
    is used up (writer.replace_with_draft).

    Refused, writing nothing, when the page has changed since the preview showed it (the form
    carries its version), and, when the replace would drop hand corrections (listed on the
    preview), unless the editor ticked that they know: a replace cannot be undone."""
    draft = Page.objects.select_related("issue__newspaper").filter(pk=pk).first()
    if draft is None:
        return _draft_gone(request, GONE)
    if not request.user.has_perm("articles.change_page"):
        messages.error(request, _("替换版面需要修改版面的权限。"))
        return redirect("page-preview", pk=draft.pk)
    if not draft.discardable:  # the rule writer.replace_with_draft uses up a draft by
        messages.error(request, _("只有草稿可以替换其他版面。"))
        return redirect("page-preview", pk=draft.pk)
    form = ReplaceForm(request.POST)
    targets = {p.pk: p for p in _slot_pages(draft)}
    target = targets.get(form.cleaned_data["target"]) if form.is_valid() else None
    if target is None:
        messages.error(request, _("请选择要替换的版面（同一报纸、日期、版次）。"))
        return redirect("page-preview", pk=draft.pk)
    name = draft.source_name
    try:
        with transaction.atomic():
            # Both pages locked at once, in the order of their ids: two editors replacing each
            # other's drafts never wait on each other in a circle. The draft too, since the
            # replace takes its split as it stands: the corrections listed are the ones seen.
            rows = {p.pk: p for p in Page.objects.select_for_update().filter(pk__in=[target.pk, draft.pk]).order_by("pk")}
            locked = rows.get(target.pk)
            if locked is None:  # a draft in the slot, discarded since the preview
                raise _Refused(_("请选择要替换的版面（同一报纸、日期、版次）。"))
            stale = form.stale(locked)
            if stale:
                raise _Refused(stale)
            if draft.pk not in rows:
                raise Page.DoesNotExist("the draft went meanwhile")
            draft = rows[draft.pk]
            stale = form.stale_draft(draft)
            if stale:
                raise _Refused(stale)
            lost = writer.lost_corrections(locked, draft)
            if lost and not writer.may_drop_corrections(request.user):
                raise _Refused(_("这次替换会丢掉列出的人工校正，只有管理员可以这样替换：没有替换。草稿留着，请管理员来替换。"))
            if lost and not form.cleaned_data["lost_ok"]:
                raise _Refused(_("这次替换会丢掉列出的人工校正，而替换不能撤销：没有替换。请勾选“我知道这些人工校正不会沿用”后再替换。"))
            result = writer.replace_with_draft(target, draft, user=request.user)
            if result.outcome != Outcome.REPLACED:
                transaction.set_rollback(True)
    except _Refused as refused:
        # A double click: the first replace used the draft up (and so changed the page's version).
        draft = Page.objects.select_related("issue__newspaper").filter(pk=draft.pk).first()
        if draft is None:
            return _draft_gone(request, GONE)
        return _render_preview(request, draft, replace_error=str(refused), status=400)
    except Page.DoesNotExist:  # used up between the two reads (the clicks came together)
        return _draft_gone(request, GONE)
    if result.outcome != Outcome.REPLACED:
        messages.error(request, _("%(name)s：未能替换：%(reason)s") % {"name": name, "reason": result.message_zh})
        return redirect("page-preview", pk=draft.pk)
    messages.success(request, ngettext("%(name)s：已替换 %(target)s（%(n)s 篇文章；旧文本保留在修订记录中）。", "%(name)s：已替换 %(target)s（%(n)s 篇文章；旧文本保留在修订记录中）。", result.articles) % {"name": name, "target": target, "n": result.articles})
    for conflict in result.conflicts:
        messages.warning(
            request,
            format_html(
                _("人工校正未能沿用：《{}》——{}"),
                conflict.headline or _("（无标题）"),
                ingest_text.translated(conflict.why),
            ),
        )
    if result.conflicts:
        messages.warning(
            request,
            _(
                "替换不能撤销。重新上传旧文件只会找回旧文本，找不回上面这些人工校正；"
                "它们记在这个版面的修订记录里，需要时请照着重新校正。"
            ),
        )
    return redirect("page-preview", pk=target.pk)


@require_POST
@role_required("articles.change_page")
def edit_meta(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the paper, date or page label the upload guessed; the articles' copies follow.

    A refusal shows the preview again with the editor's values as typed and the reason beside
    the field (400): redirected, the form was refilled from the stored values and the typing lost.
    A form made from an older version of the page (another editor saved since) is refused so,
    as the admin's page form is: saved, it would write the old values back over the new.
    """
    page = Page.objects.filter(pk=pk).first()
    if page is None:  # a second tab's 保存: the draft was discarded, or used up by a replace
        return _draft_gone(request, GONE)
    form = PageMetaForm(request.POST)
    if not form.is_valid():
        return _render_preview(request, _get_page_or_404(pk), meta_form=form, status=400)
    d = form.cleaned_data
    try:
        with transaction.atomic():
            locked = Page.objects.select_for_update().get(pk=pk)
            if form.refused_as_stale(locked):
                raise _Refused
            before = writer.version(locked)
            had_date = locked.issue.date is not None
            writer.update_page_meta(locked, paper=d["paper"], date=d["date"], label=d["label"].strip(), user=request.user)
            changed = writer.version(locked) != before
    except _Refused:
        gone = Page.objects.filter(pk=pk).first() is None  # a double click after a replace used it up
        return _draft_gone(request, GONE) if gone else _render_preview(request, _get_page_or_404(pk), meta_form=form, status=400)
    except Page.DoesNotExist:  # gone between the two reads
        return _draft_gone(request, GONE)
    except writer.SlotTaken as taken:
        # named and linked as the editor knows pages, not by its row number
        holder = format_html('<a href="{}">{}</a>', reverse("page-preview", args=[taken.holder.pk]), str(taken.holder))
        form.add_error(None, format_html(_("同一报纸、日期和版次已有一个版面：{}。没有改动。"), holder))
        return _render_preview(request, _get_page_or_404(pk), meta_form=form, status=400)
    if changed:
        messages.success(request, _("已更新报名、日期和版次。"))
        if had_date and d["date"] is None:
            # An emptied date (or one the browser's date box dropped) takes the page out of its
            # issue and the paper's calendar: said, not left for the editor to find.
            messages.warning(request, _("这个版面现在没有日期：它不再列在任何一期和报纸的日历里，读者只能从检索或县区找到它。"))
    else:  # the same values saved again: nothing was written, nothing is said to have been
        messages.info(request, _("报名、日期和版次都没有改动。"))
    return redirect("page-preview", pk=pk)
