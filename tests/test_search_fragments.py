"""The search page's fragments made in Python (articles/templatetags/archive.py: result rows, facet
links, fixed addresses; views._urls_setting, County.objects.named): the same HTML, addresses and
answers as the template markup and the code they replaced, escaped the same way, in Chinese and
in English."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote_plus

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from articles import memo, views
from articles.models import County as CountyRow
from articles.templatetags.archive import facet_items, result_rows, site_url
from ingest.model import County
from tests.factories import make_article

# The template markup the fragments replaced (templates/articles/search.html before): the
# fragments must give these bytes.
ROWS_TEMPLATE = Template(
    """{% load archive %}{% for r in rows %}<li class="result">
  {% if r.kicker %}<div class="kicker"{% zh_lang %}>{{ r.kicker }}</div>{% endif %}
  <a class="headline"{% zh_lang %} href="{{ r.url }}">{{ r.title }}</a>
  <div class="meta">
    {{ r.paper|zh_span }} · {{ r.date }}{% if r.label %} · {{ r.label|zh_span }}{% endif %}
    {% for c in r.counties %}{% if forloop.first %} · {% endif %}<a class="county{% if c.primary %} primary{% endif %}" href="{{ c.url }}"{% zh_lang %}>{{ c.name }}</a>{% endfor %}
  </div>
  {% if r.snippet %}<p class="snippet"{% zh_lang %}>{{ r.snippet }}</p>{% endif %}
</li>
        {% endfor %}"""
)
FACETS_TEMPLATE = Template(
    """{% for f in items %}<li>{% if f.active %}<strong aria-current="true">{{ f.label }}</strong>{% else %}<a href="{{ f.url }}">{{ f.label }}</a>{% endif %} <span class="muted">{{ f.n_text }}</span></li>{% endfor %}"""
)

HOSTILE = '<script>alert("x")</script> & \'1\''
ROWS = [
    {
        "kicker": HOSTILE, "url": "/articles/1/?q=a&b=<c>", "title": HOSTILE, "paper": "<b>报</b>", "date": "2021年5月1日",
        "label": "第<3>版", "snippet": mark_safe("…<mark>党建</mark>&amp;"),
        "counties": [{"name": "绛县", "url": "/counties/140826/", "primary": True},
                     {"name": "<i>新绛县</i>", "url": "/counties/140825/?x=\"y\"", "primary": False}],
    },
    {"kicker": "", "url": "/articles/2/", "title": "标题", "paper": "报", "date": "日期不详", "label": "", "snippet": "",
     "counties": []},
    {"kicker": "引题", "url": "/articles/3/", "title": "题", "paper": "报", "date": "2020年1月1日", "label": "A2",
     "snippet": "plain & <unsafe>", "counties": [{"name": "介休市", "url": "/counties/140781/", "primary": False}]},
]
FACETS = [
    {"label": HOSTILE, "n": 3, "url": "/search?q=%3Cb%3E&county=1", "active": False, "n_text": "3"},
    {"label": "2021", "n": 1200, "url": "/search?q=a", "active": True, "n_text": "1,200"},
    {"label": "运城日报", "n": 1, "url": "/search?paper=x&q=<y>", "active": None, "n_text": "1"},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_result_rows_are_the_template_markup_they_replaced(language):
    with translation.override(language):
        assert result_rows(ROWS) == ROWS_TEMPLATE.render(Context({"rows": ROWS}))
        assert result_rows([]) == ""
    rows = result_rows(ROWS)
    assert "<script>" not in rows and "&lt;script&gt;" in rows and "<mark>党建</mark>" in rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_facet_items_are_the_template_markup_they_replaced(language):
    with translation.override(language):
        assert facet_items(FACETS) == FACETS_TEMPLATE.render(Context({"items": FACETS}))
    assert "<script>" not in facet_items(FACETS)


def test_an_english_page_marks_the_chinese_of_each_row():
    with translation.override("en"):
        rows = result_rows(ROWS[2:])
    assert '<a class="headline" lang="zh-Hans"' in rows and '<span lang="zh-Hans">报</span>' in rows
    with translation.override("zh-hans"):
        assert "lang=" not in result_rows(ROWS[2:])


@pytest.mark.parametrize("name", ["home", "search", "counties", "papers", "feed-latest", "set_language", "login"])
def test_site_url_is_the_reversed_address(name):
    assert site_url(name) == reverse(name)
    rendered = Template("{% load archive %}{% site_url '" + name + "' as u %}[{{ u }}]{% site_url '" + name + "' %}")
    assert rendered.render(Context({})) == f"[{reverse(name)}]{reverse(name)}"


def _old_url(get: QueryDict, **values: str) -> str:
    """views._url as it was written first: a copy of the QueryDict, page dropped, values set."""
    query = get.copy()
    query.pop("page", None)
    for name, value in values.items():
        query[name] = value
    encoded = query.urlencode()
    return f"{reverse('search')}?{encoded}" if encoded else reverse("search")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=党建",
        "q=党建&county=140826&page=3",
        "county=140826&q=a+b&county=140825&sort=date",
        "paper=%3Cb%3E&q=%26%3D&xcounty=%00&page=2",
        "q=x&paper=运城日报&date_from=2020-01-01",
    ],
)
def test_facet_addresses_are_those_of_url(query):
    request = RequestFactory().get("/search?" + query)
    for name in ("county", "paper"):
        setting = views._urls_setting(request, name)
        for value in ("140781", "运城 日报", "<&=>", 7):
            assert setting(value) == views._url(request, **{name: value}) == _old_url(request.GET, **{name: str(value)})
    assert quote_plus("<&=>") in views._urls_setting(request, "paper")("<&=>")


@pytest.mark.django_db
def test_counties_named_as_a_scan_of_them_finds_them(settings):
    settings.SEARCH_MEMO_SECONDS = 300
    memo.forget()
    CountyRow.objects.update_or_create(code="140826", defaults={"name": "绛县", "short_name": "", "prefecture": "运城市", "province": "山西省"})
    CountyRow.objects.update_or_create(code="140825", defaults={"name": "新绛县", "short_name": "新绛", "prefecture": "运城市", "province": "山西省"})
    rows = list(CountyRow.objects.values_list("code", "name", "short_name"))
    for names in (["绛县"], ["新绛"], ["新绛县", "绛县", "新绛"], ["没有"], ["郊区"], ["介休", "介休市"]):
        scan = sorted((c, n, s) for c, n, s in rows if n in names or s in names)[:5]
        assert CountyRow.objects.named(names) == scan
    settings.SEARCH_MEMO_SECONDS = 0  # nothing kept: the database answers the same
    assert CountyRow.objects.named(["新绛", "绛县"]) == sorted((c, n, s) for c, n, s in rows if {n, s} & {"新绛", "绛县"})[:5]


@pytest.mark.django_db
def test_the_search_page_rows_in_english_and_chinese(client):
    jiang = County("140826", "绛县", "", "运城市", "山西省")
    make_article(headline="绛县<党建>", body="绛县网格化党建 & 治理。", counties=(jiang,), date=dt.date(2021, 5, 1), paper="运城<日报>")
    text = client.get("/search", {"q": "党建"}).content.decode()
    assert '<a class="headline" href="/articles/' in text and "绛县&lt;党建&gt;" in text and "运城&lt;日报&gt;" in text
    assert "2021年5月1日" in text and '<a class="county primary" href="/counties/140826/">绛县</a>' in text
    client.cookies["django_language"] = "en"
    text = client.get("/search", {"q": "党建"}).content.decode()
    assert '<a class="headline" lang="zh-Hans" href="/articles/' in text and '<span lang="zh-Hans">运城&lt;日报&gt;</span>' in text
    assert '<a class="county primary" href="/counties/140826/" lang="zh-Hans">绛县</a>' in text
