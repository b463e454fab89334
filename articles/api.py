"""The JSON write API for scripts: upload a page file as a draft, publish it.

Scripts authenticate with ``Authorization: Token <key>`` (``manage.py apitoken NAME``; articles/auth.py)
and nothing else: a session cookie is never accepted here, which is why these views alone may be
exempt from CSRF. Every write goes through articles/writer.py, so nothing is written on a refusal.

    POST /api/pages                 multipart: file, paper, date (YYYY-MM-DD), page (label),
                                    prefecture (4 digits), same_slot (report|replace|keep),
                                    lost_ok (1: a replace may drop hand corrections)
        201 created      the draft page and its articles
        200 duplicate    the same file (or the same text) is stored already: that page, nothing written
        200 replaced     same_slot=replace: the stored page, now with the new text; "conflicts" lists
                         its hand corrections that could not be carried over (the old article's id,
                         headline, reason, message and old source lines)
        409 same_slot    the archive holds this paper + date + page with other text: that page;
                         nothing written (send same_slot=replace, or same_slot=keep for both)
        409 lost_corrections  same_slot=replace would drop hand corrections of the stored page
                         (listed in "conflicts", as above); nothing written: send lost_ok=1 too
                         (an editor's key: only an admin's may drop them, lost_ok or not)
        400              the form or the file is refused: "error" names the file and says why
        413              Content-Length over UPLOAD_MAX_REQUEST_BYTES: refused before the body is read
    POST /api/pages/<id>/publish   keep_both=1 to publish a draft beside a page of its slot
        200              the page, published (already published: the same, nothing changed)
        409 same_slot    a draft or a withdrawn page of a slot that holds another page, without keep_both=1
        404              no such page
    Both: 401 without or with a wrong token, 403 without the role, 405 for another method.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt

from articles import ingest_text, writer
from articles.auth import mark_used, token_of
from articles.forms import is_csv, named, read_csv, upload_name, validate_issue_date, validate_prefecture
from articles.models import ApiToken, Page
from articles.roles import role_names
from articles.ratelimits import rate_limited
from articles.shapes import page_detail
from articles.upload_limits import over_limit, refusal, too_many_files
from ingest.carry import Conflict
from ingest.manifest import PREFECTURE_PATTERN

_JSON = {"ensure_ascii": False}


def _answer(body: dict[str, object], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params=_JSON)


def _refuse(message: str, status: int, **extra: object) -> JsonResponse:
    return _answer({"error": message, **extra}, status)


def _page(pk: int) -> Page | None:
    return Page.objects.select_related("issue__newspaper", "uploaded_by").filter(pk=pk).first()


def _same_slot(page: Page) -> list[int]:
    """Other pages of the page's paper, date, edition and label (a slot needs a date and a label)."""
    return list(writer.other_pages_in_slot(page).values_list("pk", flat=True))


def _conflict(conflict: Conflict) -> dict[str, object]:
    """A correction of the replaced page not carried over to the new text (ingest/carry.py)."""
    return {
        "article": conflict.ref,
        "headline": conflict.headline,
        "reason": conflict.reason,
        "message": ingest_text.translated(conflict.why),
        "lines": list(conflict.lines),
    }


def post_only(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """405 as JSON, like every other answer here, for any method but POST."""

    @wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
        if request.method != "POST":
            response = _refuse(_("只接受 POST（收到 %(method)s）。") % {"method": request.method}, 405)
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    return checked


def _token_refusal(token: ApiToken | None) -> str | None:
    """Why the request's key is not accepted (no key, a wrong one, an expired one), else None."""
    if token is None:
        return _("需要有效的 API 令牌：请求头 Authorization: Token <key>（管理员用 manage.py apitoken NAME 生成）。")
    if token.expired(timezone.now()):
        day = timezone.localtime(token.expires_at).date().isoformat()
        return _("这个 API 令牌已于 %(date)s 过期：请管理员用 manage.py apitoken NAME --rotate 换一个新的。") % {"date": day}
    return None


def token_required(perm: str) -> Callable:
    """Token authentication for a write view: 401 (with how to get a token) without a valid key,
    403 naming the role when the key's user lacks ``perm``; else the view runs as that user."""

    def decorator(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
        @csrf_exempt
        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
            token = token_of(request)
            refusal = _token_refusal(token)
            if refusal is not None:
                response = _refuse(refusal, 401)
                response["WWW-Authenticate"] = 'Token realm="api"'
                return response
            mark_used(token)
            user = token.user
            if not user.has_perm(perm):
                roles = role_names(perm) or _("相应")
                return _refuse(_("%(user)s 没有这项权限：需要%(roles)s角色。") % {"user": user.get_username(), "roles": roles}, 403)
            request.user = user
            return view(request, *args, **kwargs)

        guarded.required_perm = perm
        return guarded

    return decorator


# Django's zh-hans text for a NUL in a field reads "empty strings are not allowed": said plainly.
_NUL = {"null_characters_not_allowed": gettext_lazy("含有不是文字的空字符 NUL（U+0000）")}


class PageUploadForm(forms.Form):
    # Lengths and formats are checked on the values as sent, as /api/openapi.json states them
    # (Django would strip spaces first, and strptime takes 2025-7-4); surrounding spaces go after.
    file = forms.FileField(allow_empty_file=True)  # refused by the writer, naming the file
    paper = forms.CharField(max_length=100, strip=False, error_messages=_NUL)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"], validators=[validate_issue_date])
    page = forms.CharField(max_length=50, required=False, strip=False, error_messages=_NUL)
    prefecture = forms.RegexField(
        rf"^{PREFECTURE_PATTERN}\Z", required=False, strip=False, validators=[validate_prefecture], error_messages=_NUL
    )
    same_slot = forms.ChoiceField(choices=[(v, v) for v in ("report", "replace", "keep")], required=False)
    # As the browser's replace form (forms.ReplaceForm.lost_ok): a replace cannot be undone, so
    # one that drops hand corrections is made only when the script says it knows.
    lost_ok = forms.ChoiceField(choices=[("", ""), ("1", "1")], required=False)

    def clean_file(self):
        upload = named(self.cleaned_data["file"])  # the browser's escapes decoded, as on the upload page
        # The browser's upload takes a manifest beside the pages; here one file is one page, and
        # a manifest's rows (or any table) stored as a page's text would be a page of nonsense.
        if is_csv(upload):
            name = upload.name
            if read_csv(upload, settings.INGEST_MAX_FILE_BYTES).is_manifest:
                raise forms.ValidationError(
                    _("%(name)s 是清单文件，不是版面：接口一次收一个版面文件，报名、日期和版次用 paper、date、page 字段给出。")
                    % {"name": name}
                )
            raise forms.ValidationError(_("%(name)s 是 CSV 表格，不是版面：版面文件是纯文本（.txt）。") % {"name": name})
        return upload

    def clean_paper(self) -> str:
        paper = self.cleaned_data["paper"].strip()
        if not paper:
            raise forms.ValidationError(self.fields["paper"].error_messages["required"], code="required")
        return paper

    def clean_page(self) -> str:
        return self.cleaned_data["page"].strip()

    def clean_date(self):
        sent = self.data.get("date", "")
        if sent and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", sent):
            raise forms.ValidationError(self.fields["date"].error_messages["invalid"], code="invalid")
        return self.cleaned_data["date"]


# How much of a refused value a 400 repeats.
MAX_ECHOED = 40


def _form_refusal(request: HttpRequest, form: PageUploadForm) -> JsonResponse:
    """A 400 naming the file sent (when one was) and, for each field refused, why and the value
    as sent (cut short): a script's author sees which file and which value went wrong."""
    fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    parts = []
    for name, errors in fields.items():
        part = f"{name}: {' '.join(errors)}"
        sent = request.POST.get(name, "") if name != "file" else ""
        if sent and sent[:MAX_ECHOED] not in part:  # said once: some reasons name the value already
            part += _("（收到“%(value)s”）") % {"value": sent[:MAX_ECHOED]}
        parts.append(part)
    summary = _("；").join(parts)
    sent_file = request.FILES.get("file")
    if sent_file is None:
        return _refuse(_("请求有误：%(summary)s") % {"summary": summary}, 400, fields=fields)
    name = upload_name(sent_file)
    message = _("%(file)s：请求有误：%(summary)s") % {"file": name, "summary": summary}
    return _refuse(message, 400, fields=fields, file=name)


@post_only
@token_required("articles.add_page")
@rate_limited("upload", "RATE_LIMIT_UPLOAD")
def upload_page(request: HttpRequest) -> JsonResponse:
    if over_limit(request):  # on the declared length, before the body is read
        return refusal(request)
    counted = too_many_files(request)
    if counted is not None:
        return counted
    # A field sent twice is ambiguous (which paper?): refused, not the last one silently taken.
    repeated = [n for n in PageUploadForm.base_fields if len(request.POST.getlist(n)) + len(request.FILES.getlist(n)) > 1]
    if repeated:
        return _refuse(_("每个字段只能给一次：%(names)s") % {"names": ", ".join(repeated)}, 400)
    form = PageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_refusal(request, form)
    data = form.cleaned_data
    upload = data["file"]
    if data["same_slot"] == "replace" and not request.user.has_perm("articles.change_page"):
        return _refuse(_("替换已有版面需要修改版面的权限。"), 403)
    meta = writer.PageMeta(
        paper=data["paper"].strip(), date=data["date"], label=data["page"].strip(), prefecture_code=data["prefecture"]
    )
    # A file over the page limit waits on disk (FILE_UPLOAD_MAX_MEMORY_SIZE): refused unread.
    result = writer.oversized(upload.name, upload.size) or writer.ingest_file(
        upload.name, upload.read(), meta,
        status=Page.Status.DRAFT, user=request.user, same_slot=data["same_slot"] or "report",
        lost_ok=data["lost_ok"] == "1",
    )
    if result.outcome == writer.Outcome.FAILED:
        return _refuse(f"{result.name}: {result.reason}", 400, file=result.name, outcome=result.outcome)
    body = {"outcome": result.outcome, "message": result.message_zh, "page": page_detail(_page(result.page.pk))}
    if result.outcome == writer.Outcome.LOST_CORRECTIONS and result.admin_needed:
        body["message"] = result.message_zh  # lost_ok=1 would not help: only an admin's key may
    elif result.outcome == writer.Outcome.LOST_CORRECTIONS:
        body["message"] = ngettext(
            "%(message)s。这 %(n)s 处校正列在 conflicts 里；确认不要它们，就加上 lost_ok=1 再发送一次。",
            "%(message)s。这 %(n)s 处校正列在 conflicts 里；确认不要它们，就加上 lost_ok=1 再发送一次。",
            len(result.lost),
        ) % {"message": result.message_zh, "n": len(result.lost)}
    if result.outcome in (writer.Outcome.REPLACED, writer.Outcome.LOST_CORRECTIONS):
        # As the browser's replace shows them: the old page's hand corrections the new text lost
        # (or, unconfirmed, would lose).
        body["conflicts"] = [_conflict(c) for c in result.conflicts]
    status = {
        writer.Outcome.CREATED: 201, writer.Outcome.SAME_SLOT: 409, writer.Outcome.LOST_CORRECTIONS: 409,
    }.get(result.outcome, 200)
    return _answer(body, status)


@post_only
@token_required("articles.publish_page")
def publish_page(request: HttpRequest, pk: int) -> JsonResponse:
    if request.POST.getlist("keep_both") not in ([], [""], ["1"]):
        return _refuse(_("keep_both 只能是 1"), 400)
    page = _page(pk)
    if page is None:
        return _refuse(_("没有编号为 %(pk)s 的版面。") % {"pk": pk}, 404)
    if page.status != Page.Status.PUBLISHED and request.POST.get("keep_both") != "1":
        # As on the preview page: never a silent second copy of a page.
        others = _same_slot(page)
        if others:
            if page.discardable:
                message = _("档案中已有同一报纸、日期、版次的版面：发送 keep_both=1 以两者都保留，或先删除这个草稿。")
            else:  # withdrawn: never deleted, only published again beside the others
                message = _("档案中已有同一报纸、日期、版次的版面：发送 keep_both=1，把这个撤回的版面再次发布，两者都保留。")
            return _refuse(message, 409, outcome="same_slot", page=page_detail(page), others=others)
    if page.status != Page.Status.PUBLISHED:
        try:
            writer.set_status(page, Page.Status.PUBLISHED, user=request.user)
        except Page.DoesNotExist:  # discarded (or used by a replace) since it was read
            return _refuse(_("没有编号为 %(pk)s 的版面。") % {"pk": pk}, 404)
        page = _page(pk)
    return _answer({"outcome": "published", "page": page_detail(page)})
