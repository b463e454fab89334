"""Settings for the archive, read from the environment (see README "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from archive.env import env_bool, env_choice, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The port `manage.py serve` binds on 127.0.0.1 (the Docker image binds gunicorn itself).
PORT = env_int("PORT", 8000, minimum=1, maximum=65535)

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
    # Before staticfiles: `manage.py runserver` leaves static files to WhiteNoise, as gunicorn
    # does; Django's own handler looks up unhashed names and, with DEBUG off, served no CSS.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer, the ones made by the middleware below included.
    "csp.middleware.CSPMiddleware",
    # A database outage is a 503 with Retry-After, not a 500 (articles/middleware.py).
    "articles.middleware.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "articles.i18n.LanguageCookieMiddleware",
    # Refusals under /api/ as JSON, whoever made them (articles/middleware.py): inside the language
    # override, so that they follow the reader's language; outside CSRF, whose 403 it rewrites.
    "articles.middleware.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Upload POSTs: sign-in and size checked before CSRF reads the body (articles/upload_limits.py).
    "articles.upload_limits.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous readers' GET/HEAD may read the replica, when there is one (archive/routers.py).
    "archive.routers.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A page's bare 405 as the site's page (articles/middleware.py); inside CSRF, for its forms' cookie.
    "articles.middleware.MethodPageMiddleware",
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


def _postgres(url: str, var: str) -> dict:
    """A PostgreSQL database's settings from the URL in the environment variable ``var``."""
    try:
        database = dj_database_url.parse(url, conn_max_age=60)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{var} is not a database URL: {exc}") from None
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{var} must point at PostgreSQL (postgres://…)")
    return database


_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": _postgres(_database_url, "DATABASE_URL")}
else:
    from archive.embedded import database_settings

    # Absolute: the backend starts a server only for an absolute folder (archive/embedded/base.py).
    EMBEDDED_DATA_DIR = Path(env_str("EMBEDDED_PGDATA") or BASE_DIR / ".pgdata").resolve()
    _existing = next(p for p in (EMBEDDED_DATA_DIR, *EMBEDDED_DATA_DIR.parents) if p.exists())
    if not _existing.is_dir():  # the folder, or the nearest part of its path that exists
        _named = "EMBEDDED_PGDATA" if env_str("EMBEDDED_PGDATA") else "the embedded database's folder"
        raise ImproperlyConfigured(f"{_named}: {_existing} is not a folder, so {EMBEDDED_DATA_DIR} cannot hold the embedded database")
    DATABASES = {"default": database_settings(EMBEDDED_DATA_DIR)}

# A streaming replica of DATABASE_URL's database: anonymous readers' reads of the archive's content
# go there, every write and everything else to the primary (archive/routers.py; docs/OPERATIONS.md
# says when).
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    if not _database_url:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (the primary) set too")
    DATABASES["replica"] = _postgres(_replica_url, "DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database through it
    DATABASE_ROUTERS = ["archive.routers.ReplicaRouter"]

# Per connection: search collects candidates in bitmaps, which must fit work_mem to stay exact (a
# lossy bitmap makes PostgreSQL recheck every row of a page, reading its vectors); JIT compiling
# costs more than these short queries ever take. Added to a URL's own ?options=, not in its place.
DATABASE_WORK_MEM_MB = env_int("DATABASE_WORK_MEM_MB", 32, minimum=1, maximum=4096)
for _database in DATABASES.values():
    _options = _database.setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c work_mem={DATABASE_WORK_MEM_MB}MB -c jit=off".strip()
    # gunicorn's gthread workers (archive/gunicorn_conf.py) give each thread its own connection,
    # kept between requests (CONN_MAX_AGE); checked before reuse so that after a database restart
    # a thread's stale connection is replaced rather than failing its next request.
    _database["CONN_HEALTH_CHECKS"] = True

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
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.accounts.lockout"
AXES_USERNAME_CALLABLE = "articles.accounts.attempted_username"
# The address a failure is counted by is the one the rate limits use: behind a proxy
# (BEHIND_PROXY) the client's, from X-Forwarded-For, not the proxy's, which every client shares
# (five wrong passwords from anyone would lock a user out for everyone).
AXES_CLIENT_IP_CALLABLE = "articles.ratelimits.client_address"

# What a 503 during a database outage asks clients to wait (Retry-After).
OUTAGE_RETRY_AFTER_SECONDS = env_int("OUTAGE_RETRY_AFTER_SECONDS", 30, minimum=1, maximum=3600)

# Per-client rate limits (articles/ratelimits.py): over one, 429 with Retry-After. Counted in a
# per-process memory cache ("ratelimit" below), not the shared database cache: counting there
# would write to the database on every search. So with N workers a client may get up to N times these.
RATELIMIT_ENABLE = env_bool("RATE_LIMITS", True)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "articles.ratelimits.client_ip"
RATE_LIMIT_SEARCH = env_rate("RATE_LIMIT_SEARCH", "60/m")  # the search page
RATE_LIMIT_API = env_rate("RATE_LIMIT_API", "120/m")  # the JSON read API
RATE_LIMIT_UPLOAD = env_rate("RATE_LIMIT_UPLOAD", "300/h")  # upload POSTs, the form's and the API's

# One cache for every process (gunicorn's workers, `manage.py ingest`, the admin): what readers
# may see (related stories, the home page summary's generation) is dropped by whichever process
# writes, so no worker keeps serving a withdrawn story. Its table is made by migration 0008.
# Large entries read on every view (the home summary, about 400 KB at 100,000 articles) stay in
# each process's memory ("local"), tagged with the shared generation they were made under.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "archive_cache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
    # An article's related stories (articles/related.py), per process. Not in "default": a crawl
    # of 300 articles filled that table's 300 entries, and its cull (by key order) deleted the
    # shared generation first, emptying every worker's kept pages.
    "related": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "related",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # Whole reader pages for anonymous readers, per process, until the next write (articles/page_cache.py).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        # 2,000 pages of 4–30 KB (at most 128 KB each: articles/page_cache.py) a worker: 256 MB at worst.
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 2000, minimum=10)},
    },
}
HOME_CACHE_SECONDS = env_int("HOME_CACHE_SECONDS", 300, minimum=0)
# A kept page is dropped after at most this long (at least half of it: articles/page_cache.py)
# even without a write (0: pages are not kept); a write through articles/writer.py drops them at
# once. Each process reads the shared generation at most
# once per PAGE_CACHE_CHECK_SECONDS (0: on every page), so another process's write reaches it
# within that time.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=0)
PAGE_CACHE_CHECK_SECONDS = env_int("PAGE_CACHE_CHECK_SECONDS", 1, minimum=0)

# Searches matching more than this show the planner's estimate ("约 N 篇"), and their facets are
# counted over the newest FACET_SAMPLE matches (articles/paging.py).
SEARCH_COUNT_CAP = env_int("SEARCH_COUNT_CAP", 1_000, minimum=100)
# Not even counted up to the cap when the planner expects this many times more (articles/ranking.py).
SEARCH_ESTIMATE_FACTOR = env_int("SEARCH_ESTIMATE_FACTOR", 10, minimum=2)
FACET_SAMPLE = env_int("FACET_SAMPLE", 1_000, minimum=100)
# Search lists its results this deep and no further (articles/paging.py): a page's cost grows
# with its offset; dates, a county or a paper narrow the rest.
SEARCH_MAX_DEPTH = env_int("SEARCH_MAX_DEPTH", 1_000, minimum=100)
# What search learns about the table rather than about a query — the planner's estimates, the
# table's size, the dates that bound a walk of the date index (articles/ranking.py) — is kept in
# each process this long (0: asked every time), and dropped at once by a write readers would see.
SEARCH_MEMO_SECONDS = env_int("SEARCH_MEMO_SECONDS", 300, minimum=0)
# A results page reads this many candidates per row it shows before checking them exactly
# (more when too few pass: articles/ranking.py, newest_ids).
SEARCH_WINDOW = env_int("SEARCH_WINDOW", 2, minimum=1)

# Upload limits: a page of text is tens of kilobytes; a whole issue a few hundred.
INGEST_MAX_FILE_BYTES = env_int("INGEST_MAX_FILE_BYTES", 5 * 1024 * 1024, minimum=1024)
# A printed page has a few thousand lines at most; splitting costs about 40 µs a line, so this
# bounds one file's parse (in an upload request too) to a few seconds.
INGEST_MAX_LINES = env_int("INGEST_MAX_LINES", 100_000, minimum=1000)
# One upload POST (/upload/, /api/pages), all files together: refused with 413 on its declared
# Content-Length before the body is read (articles/upload_limits.py). At least one largest file.
UPLOAD_MAX_REQUEST_BYTES = env_int(
    "UPLOAD_MAX_REQUEST_BYTES", max(64 * 1024 * 1024, INGEST_MAX_FILE_BYTES + 1024 * 1024),
    minimum=INGEST_MAX_FILE_BYTES + 64 * 1024,
)
# Django's own bounds, within that: the form fields (not files) of any request, and the body of
# any request that is not multipart; a file larger than a page may be spills to a temporary file
# instead of memory (it is refused by name anyway).
DATA_UPLOAD_MAX_MEMORY_SIZE = min(env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024), UPLOAD_MAX_REQUEST_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = min(DATA_UPLOAD_MAX_MEMORY_SIZE, INGEST_MAX_FILE_BYTES)
# Files one upload may carry (a manifest.csv among them not counted); Django refuses a request
# with many more before the form can say so, so its own cap sits a little above.
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 100, minimum=1, maximum=10_000)
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES + 10
# An API key stops working this many days after it was made (0: never), so a key copied into a
# script and forgotten does not write forever; `manage.py apitoken NAME --rotate` makes a new one.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365, minimum=0)

# One switch for an HTTPS deployment: HSTS, the redirect from http:// and cookies sent over HTTPS
# only. Off by default so that `manage.py serve` on 127.0.0.1 (plain HTTP) keeps working.
HTTPS = env_bool("HTTPS", False)
# Behind a proxy that ends TLS, Django sees plain HTTP; the proxy's X-Forwarded-Proto says what the
# client used. Trusted only when asked for: without a proxy that sets (and overwrites) it, a client
# could claim https itself.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_SSL_REDIRECT = HTTPS
# A load balancer's or container's health probe speaks plain HTTP to the app itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", True)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# SECURE_COOKIES (older): secure cookies alone, for a site whose HTTPS is set up elsewhere.
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The reader's language (the footer's switch) is kept a year, not until the browser closes.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images, fonts and fetches from this site
# only, and nothing inline: the templates have no <script> or <style> element and no style= or
# on…= attribute (tests/test_csp.py checks every page kind, and a browser that nothing is blocked).
# The search page's chart is SVG markup in the page, not an image, so img-src needs no data:.
# The Django admin keeps to it too: its scripts are files, its inline <script>s are JSON data.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))},
}
