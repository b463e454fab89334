"""Reader pages and the JSON API. Views are thin: rules live on querysets and in articles/params.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.core.paginator import Page
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from articles.forms import UploadForm
from articles.highlight import needles_for, snippet
from articles.models import Article, County, Issue
from articles.paging import get_page
from articles.params import ParamError, SearchParams, read_params, resolve_county
from articles.shapes import article_detail, article_row
from articles.store import (
    HOME_CACHE_KEY,
    IngestResult,
    IssueMeta,
    Outcome,
    Preview,
    ensure_counties,
    ingest_bytes,
    preview_bytes,
)


def _page(qs, params: SearchParams) -> Page:
    return get_page(qs, params.page, params.page_size)


def _needles(params: SearchParams) -> list[str]:
    return needles_for([t.text for t in params.query.positive]) if params.query else []


def _snippet(article: Article, needles: list[str]):
    text = article.body or "\n".join([article.kicker, article.headline, article.subheadline])
    return snippet(text, needles)


def _home_summary() -> dict[str, object]:
    """Counties with article counts and the article total: whole-table aggregates, so cached
    (articles/store.py drops the cache when an ingest commits)."""
    summary = cache.get(HOME_CACHE_KEY)
    if summary is None:
        counties = list(
            County.objects.annotate(article_count=Count("article_tags"))
            .filter(article_count__gt=0)
            .order_by("province", "prefecture", "code")
        )
        summary = {"counties": counties, "article_total": Article.objects.count()}
        cache.set(HOME_CACHE_KEY, summary, timeout=settings.HOME_CACHE_SECONDS)
    return summary


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    issues = (
        Issue.objects.select_related("newspaper")
        .annotate(article_count=Count("articles"))
        .order_by("-ingested_at", "-id")[:12]
    )
    context = {"issues": issues, **_home_summary()}
    return render(request, "articles/home.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    try:
        params = read_params(request.GET)
    except ParamError as exc:
        return render(request, "articles/search.html", {"error": str(exc), "q": request.GET.get("q", "")}, status=400)
    page = None
    facets = None
    if params.query or params.county or params.paper or params.prefecture:
        qs = params.filter(Article.objects.for_listing())
        page = _page(qs, params)
        facets = params.facets(exact_count=page.paginator.exact)
        needles = _needles(params)
        for article in page.object_list:
            article.snippet = _snippet(article, needles)
    context = {
        "params": params,
        "q": params.q,
        "page": page,
        "facets": facets,
        "facet_sample": settings.FACET_SAMPLE,
        "query_string": _query_string(request, drop="page"),
    }
    return render(request, "articles/search.html", context)


def _query_string(request: HttpRequest, *, drop: str) -> str:
    query = request.GET.copy()
    query.pop(drop, None)
    return query.urlencode()


@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Article.objects.for_detail(), pk=pk)
    siblings = Article.objects.filter(issue_id=obj.issue_id).order_by("position").only("id", "position", "kicker", "headline", "subheadline", "body")
    context = {"article": obj, "siblings": siblings}
    return render(request, "articles/article.html", context)


@require_GET
def county(request: HttpRequest, name: str) -> HttpResponse:
    try:
        found = resolve_county(name)
    except ParamError:
        raise Http404("没有这个县区") from None
    try:
        params = read_params(request.GET)
    except ParamError as exc:
        return render(request, "articles/county.html", {"county": found, "error": str(exc)}, status=400)
    qs = Article.objects.for_listing().in_county(found.code).newest()
    page = _page(qs, params)
    for item in page.object_list:
        item.snippet = _snippet(item, [])
    context = {"county": found, "page": page, "query_string": _query_string(request, drop="page")}
    return render(request, "articles/county.html", context)


@require_GET
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Issue.objects.select_related("newspaper"), pk=pk)
    articles = list(obj.articles.order_by("position").only("id", "issue", "position", "kicker", "headline", "subheadline", "body", "lines", "warnings"))
    owner = {line: a for a in articles for line in a.lines}
    furniture = {f["line"]: f for f in obj.furniture}
    rows = [
        {"number": n, "text": text, "article": owner.get(n), "furniture": furniture.get(n)}
        for n, text in enumerate(obj.source_lines(), 1)
    ]
    context = {"issue": obj, "articles": articles, "rows": rows}
    return render(request, "articles/issue.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("articles.add_issue", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    """Editors load page files; each file is stored (or refused) on its own, like the command.

    With "preview" the split is shown and nothing is stored.
    """
    results: list[IngestResult] = []
    previews: list[Preview] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            meta = IssueMeta(
                paper=form.cleaned_data["paper"].strip(),
                date=form.cleaned_data["date"],
                page=form.cleaned_data["page"].strip(),
                prefecture_code=form.cleaned_data["prefecture"],
            )
            files = form.cleaned_data["files"]
            if "preview" in request.POST:
                previews = [preview_bytes(f.name, f.read(), meta) for f in files]
            else:
                ensure_counties()
                results = [ingest_bytes(f.name, f.read(), meta) for f in files]
                form = UploadForm(initial={"paper": meta.paper, "date": meta.date, "prefecture": meta.prefecture_code})
    else:
        form = UploadForm()
    failed = any(r.outcome == Outcome.FAILED for r in results) or any(p.error for p in previews)
    context = {"form": form, "results": results, "previews": previews}
    return render(request, "articles/upload.html", context, status=400 if failed else 200)


# --- JSON API -----------------------------------------------------------------------------


@require_GET
def api_articles(request: HttpRequest) -> JsonResponse:
    try:
        params = read_params(request.GET)
    except ParamError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    page = _page(params.filter(Article.objects.for_listing()), params)
    needles = _needles(params)
    return JsonResponse(
        {
            "count": page.paginator.count,
            "count_exact": page.paginator.exact,
            "page": params.page,
            "page_size": params.page_size,
            "results": [article_row(a, str(_snippet(a, needles))) for a in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def api_article(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        obj = Article.objects.for_detail().get(pk=pk)
    except Article.DoesNotExist:
        return JsonResponse({"error": "没有这篇文章"}, status=404)
    return JsonResponse(article_detail(obj), json_dumps_params={"ensure_ascii": False})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
