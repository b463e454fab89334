"""Where ingest's CPU goes, per article, each part measured alone on an idle machine.

Not a test: it prints figures. It needs a PostgreSQL server on this machine (it reads the
server process's CPU time from /proc) and a corpus written by bench/search_bench.py:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/ingest_cost.py /tmp/corpus100k/part000 --files 1000

1. parse: ``articles.writer.prepare`` for each file in this process (decode, split, tag counties,
   build the three search vectors): what one parse worker spends.
2. write: the prepared files written by the production ``articles.writer.Writer`` (COPY, batches
   of 50 files) into a fresh database ``bench_ingest_cost``: this process's CPU, and the CPU of
   the server process that serves its connection.

search_bench.py measures the real load, where the parts compete for the cores; this shows what
each costs, hence the fastest rate the cores allow however the work is spread across them:
cores / (CPU per article in all).

``--parse-only``: step 1 alone, best of ``--repeat`` passes, no database needed (nothing connects);
with ``--parts``, also the CPU of the county tagger (``Gazetteer.tag``) and of the three search
vectors (``articles.indexing.field_vectors``) within it. Under callgrind, each pass lies between
two calls of ``time.process_time`` (``--dump-before=time_process_time`` cuts the profile there):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --dump-before=time_process_time \\
        .venv/bin/python bench/ingest_cost.py /tmp/corp/c100k/part000 --files 38 --parse-only
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_bench import _with_dbname, create_database, drop_database, setup_django  # noqa: E402

DB_NAME = "bench_ingest_cost"
BATCH = 50


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process on this machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of page files with manifest.csv (from search_bench.py)")
    parser.add_argument("--files", type=int, default=1000, help="page files to use")
    parser.add_argument("--parse-only", action="store_true", help="parse alone, no database")
    parser.add_argument("--repeat", type=int, default=1, help="passes of the parse (--parse-only): the best is shown")
    parser.add_argument("--parts", action="store_true", help="also time the tagger and the vectors (--parse-only)")
    args = parser.parse_args()
    if args.parse_only:
        # Django for articles.writer's imports only: no query is made, so no server is needed.
        setup_django(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/parse_only")
        measure_parse(args.folder, args.files, repeat=args.repeat, parts=args.parts)
        return
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("set DATABASE_URL to a PostgreSQL server on this machine")

    create_database(url, DB_NAME, replace=True)
    try:
        setup_django(_with_dbname(url, DB_NAME))
        measure(args.folder, args.files)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url, DB_NAME)


def _sources(folder: Path, n_files: int) -> tuple[list, int]:
    from articles.writer import PageMeta, Source
    from ingest.manifest import read_manifest

    manifest = read_manifest(folder)
    paths = sorted(folder.glob("*.txt"))[:n_files]
    sources = [
        Source(p.name, PageMeta(paper=e.paper, date=e.date, label=e.page, prefecture_code=e.prefecture), path=p)
        for p in paths
        for e in [manifest[p.name]]
    ]
    return sources, sum(p.stat().st_size for p in paths)


def measure_parse(folder: Path, n_files: int, *, repeat: int, parts: bool) -> None:
    """CPU per article of ``articles.writer.prepare`` alone (best of ``repeat`` passes)."""
    import articles.writer as writer
    from ingest.gazetteer import Gazetteer
    from ingest.tokens import warm_fold

    sources, n_bytes = _sources(folder, n_files)
    spent = {"tag": 0.0, "vectors": 0.0}
    if parts:

        def timed(name, function):
            def call(*args, **kwargs):
                started = time.process_time()
                try:
                    return function(*args, **kwargs)
                finally:
                    spent[name] += time.process_time() - started

            return call

        Gazetteer.tag = timed("tag", Gazetteer.tag)
        writer.field_vectors = timed("vectors", writer.field_vectors)
    warm_fold()  # as a forking parent does
    writer.prepare(sources[0])  # loads the gazetteer, the dictionaries and the tables
    best = None
    for _ in range(repeat):
        spent.update(tag=0.0, vectors=0.0)
        started = time.process_time()
        prepared = [writer.prepare(s) for s in sources]
        took = time.process_time() - started
        if best is None or took < best[0]:
            best = (took, dict(spent))
    articles = sum(len(p.articles) for p in prepared)
    per = 1000 / articles
    print(f"{articles:,} articles from {len(sources):,} files, {n_bytes / 1e6:.1f} MB; best of {repeat}:")
    print(f"  parse (one worker: decode, split, tag, vectors)  {best[0] * per:.3f} ms an article")
    if parts:
        print(f"    of which the county tagger                     {best[1]['tag'] * per:.3f} ms")
        print(f"    of which the three search vectors              {best[1]['vectors'] * per:.3f} ms")


def measure(folder: Path, n_files: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from articles.writer import Writer, prepare

    call_command("migrate", verbosity=0)  # loads the counties too (migration 0006)
    sources, n_bytes = _sources(folder, n_files)
    prepare(sources[0])  # loads the gazetteer and the dictionaries

    started = time.process_time()
    prepared = [prepare(s) for s in sources]
    parse = time.process_time() - started
    articles = sum(len(p.articles) for p in prepared)

    writer = Writer()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    server_before, started = process_cpu(backend), time.process_time()
    for i in range(0, len(prepared), BATCH):
        writer.write(prepared[i : i + BATCH])
    write = time.process_time() - started
    server = process_cpu(backend) - server_before

    per = 1000 / articles
    total = parse + write + server
    cores = os.cpu_count() or 1
    print(f"{articles:,} articles from {len(paths):,} files, {n_bytes / 1e6:.1f} MB; CPU per article, each part alone:")
    print(f"  parse (one worker: decode, split, tag, vectors)  {parse * per:.2f} ms")
    print(f"  write (this process: COPY)                        {write * per:.2f} ms")
    print(f"  server (the backend: rows, TOAST, 7 GIN indexes)  {server * per:.2f} ms")
    print(f"  in all                                            {total * per:.2f} ms")
    ceiling = n_bytes / (total / cores) / 1e6
    server_only = n_bytes / (server / cores) / 1e6
    print(
        f"fastest rate {cores} cores allow at this cost: {ceiling:.2f} MB/s "
        f"({articles / (total / cores):,.0f} articles/s); "
        f"with parsing and writing free, the server alone: {server_only:.2f} MB/s"
    )


if __name__ == "__main__":
    main()
