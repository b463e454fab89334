"""Shared test setup: the real PostgreSQL (DATABASE_URL's server, else the embedded one)."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def counties(db):
    """The gazetteer's counties (migration 0006 loads them; a transactional test's flush does
    not spare them, so tests that run after one ask for this)."""
    from articles.counties import load_counties
    from articles.models import County

    load_counties(County)


@pytest.fixture(autouse=True)
def _empty_cache(request):
    # The front page caches whole-table counts per process; each test starts without them.
    if request.config.pluginmanager.hasplugin("django"):
        from django.core.cache import caches

        from articles import views
        from articles.page_cache import forget_generation

        for alias in ("default", "local", "pages", "related"):
            caches[alias].clear()
        forget_generation()
        views._kept_summary.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(request):
    # The parser's tests also run without Django (-p no:django): nothing to set up there.
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    # The hashed manifest exists only after collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seeds(db):
    """The five seed pages, ingested through the real path."""
    from tests.factories import ingest_seeds

    return ingest_seeds()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, once per browser test module (tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """A maker of browser tabs on the live server, each in a fresh context (no shared cookies)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
