"""Print the request paths of the load test (bench/serve_load.sh), one per line, percent-encoded.

    DJANGO_SETTINGS_MODULE=bench.serve_settings .venv/bin/python bench/serve_paths.py KIND

KIND is home, county, paper, issue, page, article or search. Each kind but home gives several
distinct paths (deterministic: picked by id/name order from the loaded database) so that no one
cached answer carries the run; search gives 60 queries: common, mid, low, rare names, two and
three terms, a quoted phrase, county filters, sort=date, page 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
import django  # noqa: E402

django.setup()

from articles.models import Article, ArticleCounty, Newspaper  # noqa: E402
from articles.models import Page as NewspaperPage  # noqa: E402

N = 50


def spread(ids: list, n: int = N) -> list:
    """n items spread over the list (deterministic)."""
    if len(ids) <= n:
        return ids
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def search_paths() -> list[str]:
    common = ["党建", "社区", "党", "乡村振兴", "基层治理", "志愿者"]
    mid = ["网格化", "森林", "绛县", "介休", "农业", "脱贫"]
    low = ["葫芦丝", "稻浪", "雪", "塔", "剪纸", "非遗"]
    rare = ["付炎", "罗晓庆"]
    # Rare names: a few reporter bylines from the loaded database.
    bylines = Article.objects.exclude(byline=[]).order_by("id").values_list("byline", flat=True)[:2000]
    names = []
    for b in bylines:
        for part in b:
            if 2 <= len(part) <= 3 and part not in names and part not in rare:
                names.append(part)
    rare += spread(names, 12)
    multi = ["介休 党建", "社区 志愿者", "网格化 基层治理", "乡村振兴 农业", "党建 社区 志愿者", '"基层治理"']
    counties = ["140781", "140826", "140105"]
    queries: list[dict] = []
    for q in common + mid + low + rare + multi:
        queries.append({"q": q})
    for q in ["党建", "网格化", "付炎", ""]:
        for c in counties[:2]:
            queries.append({"q": q, "county": c} if q else {"county": c})
    for q in ["社区", "付炎", "网格化", "党建 社区"]:
        queries.append({"q": q, "sort": "date"})
    for q in ["党建", "社区"]:
        queries.append({"q": q, "page": "2"})
    return ["/search?" + urlencode({k: v for k, v in params.items()}) for params in queries]


def main(kind: str) -> None:
    if kind == "home":
        paths = ["/"]
    elif kind == "county":
        codes = ArticleCounty.objects.order_by().values_list("county_id", flat=True).distinct()
        paths = [f"/counties/{quote(str(c))}/" for c in spread(sorted(codes))]
    elif kind == "paper":
        paths = [f"/papers/{p}/" for p in Newspaper.objects.order_by("id").values_list("id", flat=True)]
    elif kind == "issue":
        rows = NewspaperPage.objects.visible().order_by("id").values_list("issue__newspaper_id", "issue__date")
        seen = sorted({(n, d) for n, d in rows if d})
        paths = [f"/papers/{n}/{d.isoformat()}/" for n, d in spread(seen)]
    elif kind == "page":
        ids = list(NewspaperPage.objects.visible().order_by("id").values_list("id", flat=True))
        paths = [f"/pages/{i}/" for i in spread(ids)]
    elif kind == "article":
        ids = list(Article.objects.visible().order_by("id").values_list("id", flat=True))
        paths = [f"/articles/{i}/" for i in spread(ids)]
    elif kind == "search":
        paths = search_paths()
    else:
        raise SystemExit(f"unknown kind {kind}")
    for p in paths:
        print(p)


if __name__ == "__main__":
    main(sys.argv[1])
