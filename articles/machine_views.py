"""Pages for machines: sitemap, robots.txt, OpenSearch, bulk export, the OpenAPI description; and
the error pages (404, 500) in the site's style. The feeds are articles/feeds.py."""

from __future__ import annotations

import datetime as dt
import re
import sys
from urllib.parse import quote

from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.template import TemplateDoesNotExist, loader
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_safe

from articles import openapi
from articles.export import Slot, export_lines, summary
from articles.middleware import OUTAGE_ERRORS, outage_response
from articles.models import Newspaper
from articles.sitemaps import TEMPLATE as SITEMAP_TEMPLATE, sitemaps

JSON = {"ensure_ascii": False}


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, sitemaps(), sitemap_url_name="sitemap-section")


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps(), section=section, template_name=SITEMAP_TEMPLATE)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever a page's <link rel="icon">
    says: the icon's hashed static address. Found (302), not moved for good: a browser keeps a
    permanent redirect, and the hashed name changes with the icon."""
    return HttpResponseRedirect(static("favicon.svg"))


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # A view, not a static file: the sitemap's address needs the host the crawler asked for.
    # Crawlers are kept from: a search's parameters (terms, county, paper, dates, sort, page), an
    # unbounded space of rate-limited addresses whose stories the sitemap already lists (the page,
    # its feed, the read API); sign-in, the language switch, the editors' and admins' pages.
    paths = []
    for name in ("search", "feed-search", "api-articles", "login", "set_language", "upload", "admin:index"):
        path = reverse(name)
        # An area by its folder (/accounts/login/ → /accounts/, /i18n/setlang/ → /i18n/); an address
        # without a trailing slash (/search) as itself: its parameters are covered by the prefix.
        paths.append("/" + path.strip("/").split("/")[0] + "/" if path.endswith("/") else path)
    # The editors' and admins' pages of a page (preview, publish, correct, history…) beside the page
    # itself under /pages/<id>/: RFC 9309's "*" (major crawlers read it) in place of the id.
    stand_in = "987654321"  # an id no address holds
    actions = ("preview", "publish", "withdraw", "discard", "replace", "meta", "correct", "history", "undo",
               "revert", "resplit")
    paths += [reverse(f"page-{action}", args=[stand_in]).replace(stand_in, "*") for action in actions]
    # Only Disallow lines: what they do not name is allowed, under RFC 9309's longest match and
    # under the first match of older readers (Python's urllib.robotparser) alike.
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in dict.fromkeys(paths)), ""]
    lines += [f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    context = {
        "search_url": request.build_absolute_uri(reverse("search")),
        "feed_url": request.build_absolute_uri(reverse("feed-search")),
        "api_url": request.build_absolute_uri(reverse("api-articles")),
        "self_url": request.build_absolute_uri(reverse("opensearch")),
        "home_url": request.build_absolute_uri(reverse("home")),
    }
    return render(
        request, "articles/opensearch.xml", context, content_type="application/opensearchdescription+xml; charset=utf-8"
    )


@require_safe
def exports(request: HttpRequest) -> HttpResponse:
    rows = summary()
    context = {"rows": rows, "total": sum(r.count for r in rows)}
    return render(request, "articles/exports.html", context)


def _get_slot_or_404(paper: str | None, paper_id: int | None, year: int | None) -> Slot:
    if year is not None and not dt.MINYEAR <= year <= dt.MAXYEAR:  # no such date: the slot's date range would fail
        raise Http404(_("没有这一年"))
    if paper_id is not None:
        # Papers without a public page are not told apart from unknown ones (no name given away).
        found = Newspaper.objects.public().filter(pk=paper_id).first()
        if found is None:
            raise Http404(_("没有这份报纸"))
    else:
        # No name holds a NUL (PostgreSQL text cannot): asking for one would be a DataError.
        found = Newspaper.objects.public().filter(name=paper).first() if paper and "\x00" not in paper else None
        if found is None:
            raise Http404(_("没有名为“%(paper)s”的报纸") % {"paper": paper})
    slot = Slot(found, year)
    if not slot.articles().exists():
        when = _("日期不详") if year is None else _("%(year)s 年") % {"year": year}
        raise Http404(_("%(paper)s %(when)s没有公开的文章") % {"paper": found.name, "when": when})
    return slot


@require_safe
def export_year(
    request: HttpRequest, paper: str | None = None, year: int | None = None, paper_id: int | None = None
) -> StreamingHttpResponse:
    """By name (/export/晋中日报/2025.jsonl) or, for a name no path can hold, by id
    (/export/paper-3-2025.jsonl: ``SummaryRow.url`` says which). HEAD answers the same headers
    and runs no export: the server would read the whole year only to throw it away."""
    slot = _get_slot_or_404(paper, paper_id, year)
    lines = export_lines(slot) if request.method != "HEAD" else iter(())
    response = StreamingHttpResponse(lines, content_type="application/jsonl; charset=utf-8")
    response["Content-Disposition"] = export_disposition(slot)
    return response


def export_disposition(slot: Slot) -> str:
    """The paper's own name for clients that read ``filename*`` (RFC 6266, every browser), and an
    ASCII one by the paper's id for those that read only ``filename`` (``curl -OJ`` would save
    every paper's year as 2025.jsonl)."""
    fallback = f"paper-{slot.paper.pk}-{slot.year_label}.jsonl"
    return f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(slot.filename)}"


@require_safe
def openapi_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(openapi.spec(request.build_absolute_uri("/")), json_dumps_params={**JSON, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # readable by API tools in a browser
    return response


# --- Error pages (archive/urls.py handler404, handler500) ------------------------------------


# Django's own 404 messages (shortcuts, generic views, paginator, the resolver, static files).
_DJANGO_404 = re.compile(r"^No .*(matches the given query|found matching the query)|^Invalid page|^That page|^Empty|does not exist|Directory indexes|^The requested resource|^\W*$", re.IGNORECASE)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page. A message written for readers (Http404("没有这个县区")) is shown; Django's own
    ("No Article matches the given query.", the resolver's) are for developers and are not.
    Under /api/ the answer is JSON (articles/middleware.py would turn it so anyway)."""
    message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    # In Chinese a reader's message is never ASCII; in English it is, so Django's own are told by their wording.
    if message.isascii() and (get_language() != "en" or _DJANGO_404.search(message)):
        message = ""
    if request.path.startswith("/api/"):
        if not message and (bare := _api_without_slash(request.path)):
            # The API's addresses end without "/" (every page's with one): a client adding it is
            # told the address it meant — not redirected, which would drop a POST's body.
            message = _("没有这个地址：API 的地址末尾没有“/”，请用 %(path)s") % {"path": bare}
        return JsonResponse({"error": message or _("没有这个地址")}, status=404, json_dumps_params=JSON)
    context = {"message": message, "request_path": request.path, "up": getattr(exception, "up", None)}
    return render(request, "404.html", context, status=404)


def _api_without_slash(path: str) -> str:
    """``path`` without its final "/" when that is an API address, else ""."""
    if not path.endswith("/") or path == "/api/":
        return ""
    try:
        resolve(path[:-1])
    except Resolver404:
        return ""
    return path[:-1]


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: rendered without a request context (no context processor, no database: the
    database may be what failed), as Django's own default does. When the database is what
    failed (outside a view, where DatabaseOutageMiddleware does not see it) the answer is its 503."""
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return outage_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": _("服务器内部错误，请稍后再试")}, status=500, json_dumps_params=JSON)
    try:
        body = loader.get_template("500.html").render()
    except TemplateDoesNotExist:
        body = "<h1>服务器内部错误 Server Error (500)</h1>"
    return HttpResponse(body, status=500)
