"""The site's URLs plus two that fail, for the 500 page's tests (tests/test_error_pages.py)."""

from django.urls import path

from archive.urls import handler404, handler500, urlpatterns as site_urls  # noqa: F401


def boom(request, **kwargs):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("api/boom", boom), *site_urls]
