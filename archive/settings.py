"""Settings for the archive, read from the environment (see README "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from archive.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is unset; set it (or DEBUG=1 for a development key)")
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refusals under /api/ as JSON, whoever made them (articles/middleware.py).
    "articles.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "articles.i18n.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out sign-in into the lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.feeds.feed_links",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…)")
else:
    from archive.embedded import database_settings

    EMBEDDED_DATA_DIR = Path(env_str("EMBEDDED_PGDATA") or BASE_DIR / ".pgdata")
    DATABASES = {"default": database_settings(EMBEDDED_DATA_DIR)}

# Per connection: search collects candidates in bitmaps, which must fit work_mem to stay exact (a
# lossy bitmap makes PostgreSQL recheck every row of a page, reading its vectors); JIT compiling
# costs more than these short queries ever take.
DATABASE_WORK_MEM_MB = env_int("DATABASE_WORK_MEM_MB", 32, minimum=1, maximum=4096)
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c work_mem={DATABASE_WORK_MEM_MB}MB -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
# Chinese by default; English when the reader picks it in the footer (articles/i18n.py).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Sign-in: Django's auth views under /accounts/ (templates/registration/). Editor pages send a
# visitor there; a signed-in user without the role gets templates/403.html (articles/roles.py).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed sign-ins (the site's form and the admin's) are throttled by django-axes: after
# AXES_FAILURE_LIMIT failures in a row one user name from one address is refused, even with the
# right password, for AXES_COOLOFF_MINUTES. Keyed on name + address together so that one
# office behind a shared address is not locked out by a single colleague's typos.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.accounts.lockout"

# Per-process memory cache: only the front page's whole-table counts use it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HOME_CACHE_SECONDS = env_int("HOME_CACHE_SECONDS", 300, minimum=0)

# Searches matching more than this show the planner's estimate ("约 N 篇"), and their facets are
# counted over the newest FACET_SAMPLE matches (articles/paging.py).
SEARCH_COUNT_CAP = env_int("SEARCH_COUNT_CAP", 1_000, minimum=100)
# Not even counted up to the cap when the planner expects this many times more (articles/ranking.py).
SEARCH_ESTIMATE_FACTOR = env_int("SEARCH_ESTIMATE_FACTOR", 10, minimum=2)
FACET_SAMPLE = env_int("FACET_SAMPLE", 1_000, minimum=100)
# A results page reads this many candidates per row it shows before checking them exactly
# (more when too few pass: articles/ranking.py, newest_ids).
SEARCH_WINDOW = env_int("SEARCH_WINDOW", 2, minimum=1)

# Upload limits: a page of text is tens of kilobytes; a whole issue a few hundred.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
INGEST_MAX_FILE_BYTES = env_int("INGEST_MAX_FILE_BYTES", 5 * 1024 * 1024, minimum=1024)
# Files one upload may carry (a manifest.csv among them not counted); Django refuses a request
# with many more before the form can say so, so its own cap sits a little above.
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 100, minimum=1, maximum=10_000)
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES + 10

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "WARNING"},
}
