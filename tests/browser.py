"""The browser tests' shared harness: Playwright driving Debian's Chromium against a live server.

A browser test module calls ``require_chromium()`` at import and uses the ``browser`` fixture
(tests/conftest.py). Without Chromium the module is skipped, except under ``CI=true``, where a
missing browser must fail the run, not hide it.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling module without Debian's Chromium (fail under CI)."""
    if not CHROMIUM:
        if IN_CI:
            raise RuntimeError("CI needs Debian's chromium for the browser tests (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
    # are plain synchronous setup, not code running inside that loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")



def sign_in_at(page, path: str, name: str) -> None:
    """Open ``path`` signed out, sign in as ``name`` on the sign-in page it sends to, and land
    back on ``path`` (every test user has tests.factories.PASSWORD)."""
    from tests.factories import PASSWORD

    page.goto(path)
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{path}")
