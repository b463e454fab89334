"""Uploads over the size limit are refused on their declared ``Content-Length``, before a byte of
the body is read; anonymous uploads are sent to sign in before it is read too.

Django parses a multipart body whole the first time anything touches ``request.POST`` or
``request.FILES`` — and ``CsrfViewMiddleware`` touches ``request.POST`` for the upload form before
the view's own checks run. So the upload page's checks happen here, in ``process_view`` of a
middleware listed before the CSRF one; ``POST /api/pages`` (CSRF-exempt, token checked first)
asks ``over_limit`` at the top of its view.

A request without ``Content-Length`` (chunked) has, to Django, an empty body: nothing to bound.

The number of files is only known by reading the body: Django stops parsing at
``DATA_UPLOAD_MAX_NUMBER_FILES`` with ``TooManyFilesSent``, which would be a bare 400; here it is a
413 that says the limit (the form itself refuses more than ``UPLOAD_MAX_FILES``, tests/test_upload.py).
A body Django cannot parse as multipart at all (no boundary) is a 400 that says so, not a
logged traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The browser's upload form (by URL name); its POSTs are guarded here.
UPLOAD_VIEWS = {"upload"}


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads such a body as empty


def over_limit(request: HttpRequest) -> bool:
    return declared_length(request) > settings.UPLOAD_MAX_REQUEST_BYTES


def refusal(request: HttpRequest) -> HttpResponse:
    """413 naming the size sent and the limit (JSON under /api/)."""
    limit = settings.UPLOAD_MAX_REQUEST_BYTES
    message = _("这次上传有 %(size)s，超过一次上传 %(max)s 的上限：请分批上传（每个文件最多 %(file_max)s）。") % {
        "size": filesizeformat(declared_length(request)),
        "max": filesizeformat(limit),
        "file_max": filesizeformat(settings.INGEST_MAX_FILE_BYTES),
    }
    return _refuse(request, message)


def too_many_files(request: HttpRequest) -> HttpResponse | None:
    """Parse the body (its size bounded above) and refuse, with the limit, more files than Django
    reads, or a body that is no multipart form (400); None when the count is within it."""
    try:
        request.POST  # noqa: B018 — parses the files too
    except TooManyFilesSent:
        message = _("这次上传的文件太多：一次最多 %(max)s 个文件，请分批上传。") % {"max": settings.UPLOAD_MAX_FILES}
        return _refuse(request, message)
    except MultiPartParserError:
        # A client's mistake (a script that sets the type by hand, without the boundary that
        # separates the parts): nothing of it can be read, and nothing is wrong here.
        if request.path.startswith("/api/"):  # a script: what to fix in its request
            message = _("无法读取这次上传：请求的表单内容（multipart/form-data）格式有误，例如 Content-Type 里缺少分隔符（boundary）。请让 HTTP 客户端自己生成表单（如 curl -F）。")
        else:
            message = _("无法读取这次上传：请求的表单内容（multipart/form-data）格式有误，例如缺少分隔符（boundary）。请从上传页面选择文件重新上传。")
        return _refuse(request, message, status=400)
    return None


def _refuse(request: HttpRequest, message: str, status: int = 413) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "413.html" if status == 413 else "400.html", {"message": message}, status=status)


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, args: tuple, kwargs: dict) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "POST" or match is None or match.url_name not in UPLOAD_VIEWS:
            return None
        # As the view's login_required would, but before CSRF reads the body. A signed-in user
        # without the role gets the view's 403 after a body bounded below.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if over_limit(request):
            return refusal(request)
        return too_many_files(request)
