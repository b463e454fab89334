"""Every refusal under /api/ is JSON with a readable (UTF-8, not \\u-escaped) message.

The API's own views answer JSON already; what reaches a client from elsewhere is Django's: a bare
405 from ``require_safe``, the resolver's 404 for an unknown address, a 400 for a bad host or a
too-large upload, a 403 from CSRF. Those are rewritten here, keeping their status and headers
(``Allow`` above all).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"

MESSAGES = {
    400: _("请求有误"),
    401: _("需要认证"),
    403: _("没有权限"),
    404: _("没有这个地址"),
    405: _("不支持这个请求方法"),
    413: _("请求过大"),
    500: _("服务器内部错误，请稍后再试"),
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
