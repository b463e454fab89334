from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from articles import api, corrections_views, editor_views, feeds, i18n, machine_views, views
from articles.caching import always_revalidated, for_machines, private_page
from articles.cors import allow_any_origin
from articles.export import PaperNameConverter
from articles.ratelimits import rate_limited

register_converter(PaperNameConverter, "paper_name")  # any paper name, "/" included


def read_only(view):
    """An address that only shows: GET and HEAD, anything else a 405 with ``Allow: GET, HEAD``
    (the site's 405 page, articles/middleware.py MethodPageMiddleware; JSON under /api/), never
    CSRF's 403 — a refusal that says "your form expired" to a request no form sends. Exempt from
    CSRF safely: require_safe lets through only the methods CSRF never checks."""
    return csrf_exempt(require_safe(view))


def html(view):
    """An HTML page that only shows: read only, and the reader's own (articles/caching.py)."""
    return read_only(private_page(view))


def machine(view):
    """Feeds, sitemaps, robots.txt, OpenSearch: read only, 304 until the next write, kept 5 minutes."""
    return read_only(for_machines(view))


def download(view):
    """Exports, the OpenAPI description: read only, 304 until the next write, asked again each time."""
    return read_only(always_revalidated(view))


def read_api(view):
    """The public read API: a download any web page may read (articles/cors.py). The 304 is
    answered before the rate limit counts the request: it costs nothing."""
    return allow_any_origin(download(view))


urlpatterns = [
    path("", html(views.home), name="home"),
    # Every address that only shows is wrapped (read_only and its kinds above): a POST, PUT or
    # DELETE there is a 405 with Allow: GET, HEAD, not CSRF's 403; and each says who may keep it.
    path("search", html(views.search), name="search"),
    # Every other page's address ends in "/": a hand-typed /search/ is sent on, its query kept.
    path("search/", read_only(views.search_slash), name="search-slash"),
    path("articles/<int:pk>/", html(views.article), name="article"),
    path("pages/<int:pk>/", html(views.page), name="page"),
    path("issues/<int:pk>/", read_only(views.issue_redirect), name="issue"),  # the page's address until 2026-11
    path("counties/", html(views.counties), name="counties"),
    path("counties/<str:name>/", html(views.county), name="county"),
    # Browse: papers → a paper's calendar (a year at a time) → an issue (paper + date) → its pages.
    path("papers/", html(views.papers), name="papers"),
    path("papers/<str:key>/", html(views.paper), name="paper"),
    path("papers/<str:key>/<int:year>/", html(views.paper), name="paper-year"),
    path("papers/<str:key>/<str:day>/", html(views.paper_issue), name="paper-issue"),
    path("upload/", editor_views.upload, name="upload"),
    path("upload/drafts/", html(editor_views.drafts), name="drafts"),
    path("upload/drafts/publish/", editor_views.publish_drafts, name="drafts-publish"),
    path("pages/<int:pk>/preview/", html(editor_views.preview), name="page-preview"),
    path("pages/<int:pk>/publish/", editor_views.publish, name="page-publish"),
    path("pages/<int:pk>/withdraw/", editor_views.withdraw, name="page-withdraw"),
    path("pages/<int:pk>/discard/", editor_views.discard, name="page-discard"),
    path("pages/<int:pk>/replace/", editor_views.replace, name="page-replace"),
    path("pages/<int:pk>/meta/", editor_views.edit_meta, name="page-meta"),
    # Admins: correct a page's split, its history, undo, revert, re-split (articles/corrections_views.py)
    path("pages/<int:pk>/correct/", html(corrections_views.correct), name="page-correct"),
    path("pages/<int:pk>/correct/<slug:action>/", corrections_views.correct_action, name="page-correct-action"),
    path("pages/<int:pk>/history/", html(corrections_views.history), name="page-history"),
    path("pages/<int:pk>/history/articles/<int:ref>/", html(corrections_views.article_history), name="article-history"),
    path("pages/<int:pk>/undo/", corrections_views.undo, name="page-undo"),
    path("pages/<int:pk>/revert/", corrections_views.revert, name="page-revert"),
    path("pages/<int:pk>/resplit/", corrections_views.resplit, name="page-resplit"),
    path("api/articles", read_api(views.api_articles), name="api-articles"),
    path("api/articles/<int:pk>", read_api(views.api_article), name="api-article"),
    # Scripts: upload a page file as a draft, publish it (token authentication; articles/api.py).
    path("api/pages", api.upload_page, name="api-pages"),
    path("api/pages/<int:pk>/publish", api.publish_page, name="api-page-publish"),
    path("healthz", read_only(views.healthz), name="healthz"),
    # For machines (articles/feeds.py, articles/machine_views.py): feeds, sitemap, robots, OpenSearch,
    # bulk export, the API's OpenAPI description.
    path("feeds/latest/", machine(feeds.LatestFeed()), name="feed-latest"),
    path("feeds/counties/<str:name>/", machine(feeds.CountyFeed()), name="feed-county"),
    # A search's feed runs the search: counted with the search page's (one limit for both).
    path("feeds/search", machine(rate_limited("search", "RATE_LIMIT_SEARCH")(feeds.SearchFeed())), name="feed-search"),
    path("sitemap.xml", machine(machine_views.sitemap_index), name="sitemap"),
    path("sitemap-<section>.xml", machine(machine_views.sitemap_section), name="sitemap-section"),
    path("robots.txt", machine(machine_views.robots_txt), name="robots"),
    path("favicon.ico", machine_views.favicon, name="favicon"),
    path("opensearch.xml", machine(machine_views.opensearch), name="opensearch"),
    path("export/", html(machine_views.exports), name="exports"),
    path("export/<paper_name:paper>/<int:year>.jsonl", download(machine_views.export_year), name="export-year"),
    path("export/<paper_name:paper>/undated.jsonl", download(machine_views.export_year), name="export-undated"),
    # By the paper's id, for a name a browser would not keep in a path (".."): no "/" after
    # "export/", so the name's addresses above never take it.
    path("export/paper-<int:paper_id>-<int:year>.jsonl", download(machine_views.export_year), name="export-year-by-id"),
    path("export/paper-<int:paper_id>-undated.jsonl", download(machine_views.export_year), name="export-undated-by-id"),
    path("api/openapi.json", download(machine_views.openapi_json), name="openapi"),
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    # Django's own sign-in views, in the site's style (templates/registration/); no password reset
    # by mail: an admin sets a new password (manage.py changepassword or the admin).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
]

handler404 = machine_views.page_not_found
handler500 = machine_views.server_error
