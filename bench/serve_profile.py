"""One client in-process over the load test's search paths: CPU and wall time, statements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_perf_load \
        .venv/bin/python bench/serve_profile.py [--reps 3] [--profile out.prof] [--save DIR] [--compare DIR]

Runs each search path of bench/serve_paths.py through Django's test client (warm: one pass
first), with the production settings and DEBUG off, and prints per request: wall and process CPU
ms (CPU is less noisy on a shared machine), statements, and the statements by kind. ``--save``
writes each answer (CSRF tokens blanked) to DIR; ``--compare`` checks the answers against such a
folder (whitespace runs counted as one space), so a speed change can be shown to change no page.

``--mix bench``: the search benchmark's 19 query classes (bench/search_bench.py query_mix) instead
of the load test's paths, each timed as the whole served page — results, count, facets and chart,
rendered — with its p50 and p95 over the repetitions: the search page for one client, as issue
11 asks at 1,000,000 articles (bench/search_bench.py times the page and the facets apart).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "serve-profile-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("RATE_LIMIT_SEARCH", "1000000/m")
import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

sys.argv, argv = sys.argv[:1], sys.argv[1:]
from serve_paths import search_paths  # noqa: E402

_SPACE = re.compile(rb"\s+")
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _same(html: bytes) -> bytes:
    """The answer with runs of whitespace made one space (a template's indentation may change)."""
    return _SPACE.sub(b" ", html)


def kind(sql: str) -> str:
    s = sql.lstrip().upper()
    if s.startswith("EXPLAIN"):
        return "estimate"
    if s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
        return "transaction"
    if s.startswith("SET"):
        return "set"
    if "PG_RELATION_SIZE" in s:
        return "table size"
    return "select"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--profile")
    parser.add_argument("--save")
    parser.add_argument("--compare")
    parser.add_argument("--detail", action="store_true", help="per path: wall and SQL ms, the slowest statement")
    parser.add_argument("--mix", choices=("load", "bench"), default="load",
                        help="the load test's paths (default) or the search benchmark's query classes")
    args = parser.parse_args(argv)
    if args.mix == "bench":
        from urllib.parse import urlencode

        from search_bench import query_mix

        classes = query_mix("140781")  # 介休市, as bench/search_bench.py picks it
        paths = ["/search?" + urlencode(case.params) for case in classes]
        labels = {path: case.label for path, case in zip(paths, classes)}
    else:
        paths = search_paths()
        labels = {}
    walls: dict[str, list[float]] = {p: [] for p in paths}
    client = Client()
    plain_static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain_static):  # no manifest needed (nothing collected)
        for p in paths:  # warm
            client.get(p)
        kinds: Counter = Counter()
        statements = 0
        wall = cpu = 0.0
        differ = []
        detail: dict[str, list[float]] = {}
        slowest: dict[str, tuple[float, str]] = {}
        prof = cProfile.Profile(time.process_time) if args.profile else None  # CPU time, not waits
        for rep in range(args.reps):
            for i, p in enumerate(paths):
                with CaptureQueriesContext(connection) as ctx:
                    t0, c0 = time.perf_counter(), time.process_time()
                    if prof:
                        prof.enable()
                    response = client.get(p)
                    if prof:
                        prof.disable()
                    walls[p].append((time.perf_counter() - t0) * 1000)
                    wall += time.perf_counter() - t0
                    cpu += time.process_time() - c0
                assert response.status_code == 200, (p, response.status_code)
                statements += len(ctx.captured_queries)
                if args.detail:
                    times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
                    spent = detail.setdefault(p, [0.0, 0.0])
                    spent[0] += (time.perf_counter() - t0) * 1000
                    spent[1] += sum(times)
                    worst = max(zip(times, (q["sql"] for q in ctx.captured_queries)), default=(0.0, ""))
                    if worst[0] > slowest.get(p, (0.0, ""))[0]:
                        slowest[p] = worst
                kinds.update(kind(q["sql"]) for q in ctx.captured_queries)
                if rep == 0 and (args.save or args.compare):
                    body = _TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', response.content)
                    if args.save:
                        Path(args.save).mkdir(parents=True, exist_ok=True)
                        (Path(args.save) / f"{i:02d}.html").write_bytes(body)
                    if args.compare and _same((Path(args.compare) / f"{i:02d}.html").read_bytes()) != _same(body):
                        differ.append(p)
    n = args.reps * len(paths)
    print(f"{len(paths)} paths × {args.reps}: wall {wall / n * 1000:.1f} ms, CPU {cpu / n * 1000:.1f} ms, "
          f"statements {statements / n:.1f} per request")
    print("by kind:", ", ".join(f"{k} {v / n:.2f}" for k, v in kinds.most_common()))
    if args.compare:
        print("answers differing:", differ or "none")
    for p, (w, q) in sorted(detail.items(), key=lambda item: -item[1][1]):
        t, sql = slowest.get(p, (0.0, ""))
        print(f"{w / args.reps:7.1f} ms wall {q / args.reps:7.1f} ms SQL  {unquote(p):40}  slowest {t:6.1f} ms: {sql[:160]}")
    if labels:
        print("the whole served page (results, count, facets, chart), wall ms over the repetitions:")
        for p in paths:
            times = sorted(walls[p])
            p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
            print(f"  {labels[p]:28} p50 {times[len(times) // 2]:7.1f}  p95 {p95:7.1f}  max {times[-1]:7.1f}")
    if prof:
        prof.dump_stats(args.profile)


if __name__ == "__main__":
    main()
