"""Which language a page is made in: Simplified Chinese unless the reader chose English.

The choice is the footer's switch (Django's ``set_language`` view, which sets the language cookie);
the browser's Accept-Language is not consulted, because the archive is Chinese and most of its
readers' browsers say ``en-US`` whatever they read. Templates and messages carry their Chinese text
as the msgid, with English in locale/en/LC_MESSAGES/django.po; Django's own messages follow too.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


def chosen_language(request: HttpRequest) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageCookieMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        request.LANGUAGE_CODE = language
        # Only for this request: the thread's language is put back after it (a worker thread, or a
        # test, must not carry a reader's English into what it does next).
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def return_path(request: HttpRequest) -> str:
    """Where the language switch leads back to: this page, if it can be fetched again — not the
    address of a form's POST (an error shown in answer to a correction, an undo), which answers a
    GET with 405: there the page the form was on (the Referer, when it is this site's), else home."""
    if request.method in ("GET", "HEAD"):
        # The query as Django decoded it, encoded again: get_full_path() takes the raw query
        # string, and one a client sent as bare UTF-8 (not percent-encoded) came back as mojibake.
        return escape_uri_path(request.path) + (f"?{request.GET.urlencode()}" if request.GET else "")
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "") or "/"
    return "/"


# Django's view (it refuses an off-site ``next``), POST only; like every form here, with its token.
set_language = require_POST(django_set_language)
