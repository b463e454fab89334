"""Typed readers for environment variables that fail loudly on a bad value.

Settings are read once, in ``archive/settings.py``; nothing else reads the environment.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if maximum is None:
            raise ImproperlyConfigured(f"{name}={number}: must be at least {minimum}")
        if minimum is None:
            raise ImproperlyConfigured(f"{name}={number}: must be at most {maximum}")
        raise ImproperlyConfigured(f"{name}={number} is outside {minimum}..{maximum}")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words, in any case: LOG_LEVEL=info is INFO."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    folded = value.strip().upper()
    if folded not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}")
    return folded


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item; separate items with single commas")
    return items


_RATE = re.compile(r"^[1-9]\d*/([1-9]\d*)?[smhd]$")  # "10/0m" has no period: refused


def env_rate(name: str, default: str) -> str:
    """A rate limit as django-ratelimit writes it: "60/m" (per second, minute, hour, day; "10/5m")."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate (write COUNT/PERIOD: 60/m, 1000/h, 10/5m)")
    return value
