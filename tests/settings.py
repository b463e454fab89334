"""The project's settings, with a test-only signing key; everything else is read as in production."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from archive.settings import *  # noqa: E402,F403

# Tests make many accounts: a fast hash (never in production) instead of PBKDF2's 10^6 rounds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Production shares one database cache between processes (archive/settings.py); each test
# starts with an empty cache of its own instead, which needs no database access to clear.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "related": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "related"},
}

# Whole pages kept for anonymous readers (articles/page_cache.py) would hide what a test changes
# behind the writer's back (an ORM update, a commit callback not run); tests/test_page_cache.py
# turns them on.
PAGE_CACHE_SECONDS = 0
# Likewise search's per-process memo of estimates and table facts (articles/ranking.py): tests
# that change rows behind the writer's back would see another test's table; tests/test_ranking.py
# turns it on.
SEARCH_MEMO_SECONDS = 0

# Rate limits count every request; tests that are about them turn them on (tests/test_ratelimits.py).
RATELIMIT_ENABLE = False
