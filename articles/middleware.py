"""Every refusal under /api/ is JSON with a readable (UTF-8, not \\u-escaped) message; elsewhere a
bare 405 (a form's address opened as a link) is the site's page.

The API's own views answer JSON already; what reaches a client from elsewhere is Django's: a bare
405 from ``require_safe``, the resolver's 404 for an unknown address, a 400 for a bad host or a
too-large upload, a 403 from CSRF. Those are rewritten here, keeping their status and headers
(``Allow`` above all).

``DatabaseOutageMiddleware`` answers 503 with ``Retry-After`` while the database cannot be reached,
instead of a 500: the outage is not a bug, and clients should come back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

MESSAGES = {
    400: _("请求有误"),
    401: _("需要认证"),
    403: _("没有权限"),
    404: _("没有这个地址"),
    405: _("不支持这个请求方法"),
    413: _("请求过大"),
    429: _("请求太频繁，请稍后再试"),
    500: _("服务器内部错误，请稍后再试"),
    503: _("数据库暂时无法访问，请稍后再试"),
}
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
            or (settings.DEBUG and response.status_code >= 500)  # keep Django's debug page
        ):
            return response
        return self.as_json(response, request)

    @staticmethod
    def as_json(response: HttpResponse, request: HttpRequest) -> JsonResponse:
        status = response.status_code
        message = str(MESSAGES.get(status) or response.reason_phrase)
        if status == 405 and response.has_header("Allow"):
            message = gettext("%(message)s：%(method)s（可用：%(allow)s）") % {"message": message, "method": request.method, "allow": response["Allow"]}
        answer = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
        for header in KEPT_HEADERS:
            if response.has_header(header):
                answer[header] = response[header]
        return answer




class MethodPageMiddleware:
    """A page's bare 405 (``require_POST``'s, ``require_safe``'s) as the site's page. Inside the
    CSRF and session middleware, so the page's own forms (the language switch) get their token's
    cookie like any page's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not request.path.startswith(API_PREFIX) and not response.content:
            return self.page(response, request)
        return response

    @staticmethod
    def page(response: HttpResponse, request: HttpRequest) -> HttpResponse:
        """A page's bare 405 (``require_POST``'s: a form's address opened as a link, a GET of
        /pages/6/undo/) as the site's page, saying what the address takes; the Allow header kept."""
        allow = response.get("Allow", "")
        context = {"allow": allow, "method": request.method, "form_only": "GET" not in allow.replace(" ", "").split(",")}
        html = loader.render_to_string("405.html", context, request)
        page = HttpResponse(html if request.method != "HEAD" else b"", status=405)
        for header in KEPT_HEADERS:
            if response.has_header(header):
                page[header] = response[header]
        return page


# Connection refused, the server gone mid-query, a pool closed under us: an outage. A bad query
# (ProgrammingError, IntegrityError) is a bug and stays a 500.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 for a database outage: JSON under /api/, else templates/503.html, which is rendered
    without a request context so that nothing in it asks the database."""
    seconds = settings.OUTAGE_RETRY_AFTER_SECONDS
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {"error": str(MESSAGES[503])}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render({"retry_after": seconds}), status=503)
    response["Retry-After"] = str(seconds)
    # Never cached: the page must go away when the database is back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """A view that fails because the database is unreachable answers 503, not 500. Failures in
    other middleware (a session saved after the view) reach handler500, which asks the same
    question (articles/machine_views.py server_error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGE_ERRORS):
            logger.error("database unreachable on %s %s: %s", request.method, request.path, exception)
            return outage_response(request)
        return None
