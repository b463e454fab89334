"""API tokens for scripts that write through the JSON API (``Authorization: Token <key>``).

Only the SHA-256 of a key is stored (``ApiToken.key_hash``): a leaked database does not leak
working keys, and a key is shown once, when it is made (``manage.py apitoken``). A key has 256
random bits, so an unsalted fast hash is enough and lets the lookup be one indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from articles.models import ApiToken

SCHEME = "token"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user, *, rotate: bool = False) -> str | None:
    """A new key for the user, replacing any old one when ``rotate``; None when the user already
    has a token and ``rotate`` is false (the old key cannot be shown: only its hash is kept)."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the user's row so that two concurrent calls cannot both think there is no token yet.
        type(user)._default_manager.select_for_update().only("pk").get(pk=user.pk)
        if not rotate and ApiToken.objects.filter(user=user).exists():
            return None
        ApiToken.objects.update_or_create(
            user=user,
            defaults={"key_hash": hash_key(key), "created_at": timezone.now(), "last_used_at": None},
        )
    return key


def token_of(request: HttpRequest) -> ApiToken | None:
    """The token of an active user whose key the request sends as ``Authorization: Token <key>``,
    else None. It may have expired (``ApiToken.expired``): the caller says so rather than "no key"."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != SCHEME or not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    return token


def mark_used(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
