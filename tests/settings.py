"""The project's settings, with a test-only signing key; everything else is read as in production."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from archive.settings import *  # noqa: E402,F403
