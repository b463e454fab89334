"""Settings helpers fail loudly on bad values."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from archive.env import env_bool, env_int, env_list


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_bounds(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1, minimum=1, maximum=20) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "99")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1, maximum=20)


def test_env_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_HOSTS", "a,,b")
    with pytest.raises(ImproperlyConfigured):
        env_list("X_HOSTS", [])


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.SECRET_KEY"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "archive.settings", "DATABASE_URL": "postgres://x@127.0.0.1/x"},
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr
