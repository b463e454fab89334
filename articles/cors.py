"""Cross-origin reads of the public read API (/api/articles, /api/articles/{id}).

The read API needs no credentials, so any web page may read it: ``Access-Control-Allow-Origin: *``
on every answer of those views, errors included (a browser hides from the page a 400, 404 or 429
without it, and the script sees only "network error"). The wildcard never carries cookies
(browsers refuse ``*`` with credentials), so nothing of a signed-in reader's session leaks. Never
on the editors' write API: it is opened by a token, and no other site's page may drive it.

A GET with at most the safelisted headers needs no preflight. One that asks again with
``If-None-Match`` or ``If-Modified-Since`` (to be answered 304) is preflighted: that preflight,
an OPTIONS with ``Origin`` and ``Access-Control-Request-Method: GET``, is answered 204 with what
may be sent. Any other OPTIONS is the 405 of every read-only address.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from articles.middleware import OUTAGE_ERRORS, ApiErrorMiddleware, outage_response

logger = logging.getLogger("articles.middleware")

ALLOW_ORIGIN = "*"
# Retry-After (429, 503) and ETag are not safelisted response headers: a page's script may read
# them only so.
EXPOSE = "Retry-After, ETag"
# What a preflight may ask for: a read, asked again with the validators it was given.
ALLOW_METHODS = "GET, HEAD"
ALLOW_HEADERS = "If-None-Match, If-Modified-Since"
PREFLIGHT_MAX_AGE = "86400"


def _preflight(request: HttpRequest) -> bool:
    method = request.headers.get("Access-Control-Request-Method", "")
    return request.method == "OPTIONS" and "Origin" in request.headers and method in ("GET", "HEAD")


def allow_any_origin(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let any origin read the view's answers, whatever their status."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if _preflight(request):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = ALLOW_ORIGIN
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
            return response
        try:
            response = view(request, *args, **kwargs)
        except OUTAGE_ERRORS as exc:
            # DatabaseOutageMiddleware would answer the same 503, but past this wrapper.
            logger.error("database unreachable on %s %s: %s", request.method, request.path, exc)
            response = outage_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            # A bare refusal (require_safe's 405) is made JSON now, not by ApiErrorMiddleware later,
            # which would keep only its own few headers and drop these.
            response = ApiErrorMiddleware.as_json(response, request)
        response["Access-Control-Allow-Origin"] = ALLOW_ORIGIN
        response["Access-Control-Expose-Headers"] = EXPOSE
        return response

    return wrapped
