"""The page a sign-in gets once django-axes has locked its user name out (AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

import math

from axes.helpers import get_client_username
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout(request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None) -> HttpResponse:
    """429 with the reason, the wait and who can lift it, in the site's style."""
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


# AccessAttempt.username is a varchar(255); Django's sign-in form does not bound the name it is
# sent (its max_length is set after the field is built, so no validator checks it), and a longer
# one made axes' insert fail: a 500 for any visitor. The name is cut for the record only; the
# sign-in itself is refused as any wrong name is.
_RECORDED_NAME_CHARS = 255


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name tried, as axes reads it, cut to what its table holds."""
    if credentials:
        name = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        name = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return name[:_RECORDED_NAME_CHARS] if isinstance(name, str) else name

