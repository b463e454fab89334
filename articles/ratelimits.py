"""Per-client rate limits (django-ratelimit) on search, the JSON API and uploads.

Over its limit a client gets 429 with ``Retry-After`` (the seconds left in the window) and a
message saying so; JSON under /api/. The rates are settings (RATE_LIMIT_SEARCH, RATE_LIMIT_API,
RATE_LIMIT_UPLOAD); RATELIMIT_ENABLE turns them all off (tests do, but for the tests of this).

A client is its account when signed in (or sending an API token), else its address: with
BEHIND_PROXY the one the proxy appended to X-Forwarded-For, since anything to its left is what the
client claimed. The counters live in a per-process memory cache (CACHES["ratelimit"]; the shared
database cache would take a write per search): with N workers a client may get up to N times the
rate. That bounds abuse without another service; memcached or Redis there would make it exact.
"""

from __future__ import annotations

import ipaddress

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _, gettext_lazy
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

_UNITS = {"s": gettext_lazy("秒"), "m": gettext_lazy("分钟"), "h": gettext_lazy("小时"), "d": gettext_lazy("天")}


def client_address(request: HttpRequest) -> str | None:
    """The client's address: behind a proxy (BEHIND_PROXY) the last one X-Forwarded-For names
    (the one our proxy saw), else the connection's; None when neither is known (a request made
    in code). AXES_CLIENT_IP_CALLABLE too: sign-in failures count by the same address (stored
    as an address: a forwarded entry that is none is not taken)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = _address(forwarded[-1])
            if address is not None:
                return address
    return request.META.get("REMOTE_ADDR") or None


def _address(entry: str) -> str | None:
    """The IP address of a forwarded entry as proxies write it (`203.0.113.6`, `203.0.113.6:51234`,
    `[2001:db8::1]:443`, `2001:db8::1`), else None (`unknown`, an obfuscated name)."""
    host = entry
    if entry.startswith("["):  # an IPv6 address with a port
        host = entry[1:].partition("]")[0]
    elif entry.count(":") == 1:  # an IPv4 address with a port
        host = entry.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """RATELIMIT_IP_META_KEY: the address the limits count by."""
    return client_address(request) or "unknown"


def describe(rate: str) -> str:
    """"60/m" → "每分钟 60 次", "10/5m" → "每 5 分钟 10 次"."""
    count, _slash, per = rate.partition("/")
    number, unit = per[:-1], _UNITS[per[-1]]
    if number:
        return _("每 %(number)s %(unit)s %(count)s 次") % {"number": number, "unit": unit, "count": count}
    return _("每%(unit)s %(count)s 次") % {"unit": unit, "count": count}


def too_many(request: HttpRequest, rate: str, seconds: int) -> HttpResponse:
    seconds = max(int(seconds), 1)
    message = _("请求太频繁：每个用户或地址%(rate)s。请 %(seconds)s 秒后再试。") % {"rate": describe(rate), "seconds": seconds}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(group: str, setting: str, *, method: str | list[str] = ALL) -> Callable:
    """Count each call of the view (for ``method``) against the rate named by ``setting``, read
    at request time, per client; over it, answer 429 instead of running the view."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            rate = getattr(settings, setting)
            usage = get_usage(request, group=group, key="user_or_ip", rate=rate, method=method, increment=True)
            if usage is not None and usage["should_limit"]:
                return too_many(request, rate, usage["time_left"])
            return view(request, *args, **kwargs)

        return limited

    return decorator
