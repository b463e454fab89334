"""The project's settings, with a test-only signing key; everything else is read as in production."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from archive.settings import *  # noqa: E402,F403

# Tests make many accounts: a fast hash (never in production) instead of PBKDF2's 10^6 rounds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
