"""HTTPS=1, one switch for an HTTPS deployment: HSTS, the SSL redirect, secure cookies, and with
BEHIND_PROXY=1 the proxy's X-Forwarded-Proto. Settings are read once at start-up, so each case
starts its own process with its own environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# 50 characters of some variety: what check --deploy asks of a real key.
REAL_KEY = "k3y-for-the-https-test-only-9f8e7d6c5b4a3928171615141312"


def _env(**extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_sec"),
        "SECRET_KEY": REAL_KEY,
    }
    env.update(extra)
    return env


def _deploy_check(**extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_env(**extra), capture_output=True, text=True, check=False, timeout=120,
    )


def _settings(*names: str, **extra: str) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_env(**extra), capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(proc.stdout)


def test_deploy_check_is_clean_with_https_on():
    proc = _deploy_check(HTTPS="1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_deploy_check_names_what_is_missing_without_https():
    proc = _deploy_check()
    assert proc.returncode != 0
    assert "SECURE_SSL_REDIRECT" in proc.stderr + proc.stdout


def test_https_turns_on_hsts_redirect_and_secure_cookies():
    names = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    on = _settings(*names, HTTPS="1")
    assert on["SECURE_SSL_REDIRECT"] and on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"]
    assert on["SECURE_HSTS_SECONDS"] >= 31_536_000 and on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert not any(_settings(*names).values())


def test_proxy_header_is_trusted_only_behind_a_proxy():
    assert _settings("SECURE_PROXY_SSL_HEADER", HTTPS="1")["SECURE_PROXY_SSL_HEADER"] is None
    behind = _settings("SECURE_PROXY_SSL_HEADER", HTTPS="1", BEHIND_PROXY="1")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_secure_cookies_alone_still_works():
    assert _settings("SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT", SECURE_COOKIES="1") == {
        "SESSION_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": False,
    }


def test_a_bad_https_value_stops_start_up():
    proc = _deploy_check(HTTPS="sometimes")
    assert proc.returncode != 0 and "HTTPS" in proc.stderr


@pytest.mark.django_db
def test_redirect_honours_the_proxys_forwarded_proto(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    plain = client.get("/robots.txt")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    forwarded = client.get("/robots.txt", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.status_code == 200
    assert forwarded["Strict-Transport-Security"].startswith("max-age=31536000")
    # The health probe of a load balancer speaks plain HTTP to the app.
    assert client.get("/healthz").status_code in (200, 503)
