"""Search benchmark on a SYNTHETIC corpus: ingest rate, storage, and query latency.

Not a test: it prints figures (and writes them to bench/out/). Run against a PostgreSQL server:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/search_bench.py --articles 100000

Only the server of DATABASE_URL is used: the benchmark creates its own database there
(``bench_<N>`` unless --db-name), migrates it, loads the corpus, measures, and drops it again
unless --keep. It never touches the database named in the URL.

1. Corpus: seed paragraphs (seeds/*.txt, split by the real parser) recombined into N new
   articles with real county names (kicker, headline, lead), a dozen papers and dates over ten
   years. Deterministic (--seed) and streamed one page at a time, so memory stays bounded.
   The text is SYNTHETIC: term frequencies are those of ~150 recombined paragraphs, not of a
   real archive; re-measure on real pages before trusting absolute numbers.
2. Load: the corpus is written as page files (pages of ~10 articles, folders of 10,000 files
   with a manifest.csv each), then loaded by ``manage.py ingest FOLDER... --workers W --writers N
   --batch B`` in a child process: the production command, timed from start to exit. Peak RSS
   is that of the largest process (the writer or one of its parse workers or writers). The load
   is made once per value of --writers (default 1,2,4; the archive emptied in between), and the
   rates are printed side by side: how the load scales with writers. The last load is measured.
3. Queries: a fixed mix through the search page's own path (``read_params`` →
   ``params.filter(Article.objects.for_listing())`` → ``articles.paging.get_page`` for page 1
   with its count), the page's facets (``SearchParams.facets``), an exact count, and a naive
   ``LIKE '%q%'`` scan over headline||body for comparison. Warm cache, one client.
   EXPLAIN (ANALYZE, BUFFERS) of the slowest queries goes to bench/out/explain_<N>.txt.
4. Tantivy side by side (when the ``tantivy`` package is installed, unless --no-tantivy): the
   same articles, tokenised by the archive's own functions, indexed in Tantivy; its index rate,
   size per article, and the same queries' p50/p95 and match counts beside the archive's and the
   LIKE baseline's (bench/tantivy_side.py).

Figures and their reading: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import math
import os
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT_DIR = ROOT / "bench" / "out"

# The ingest package is plain Python (no Django): the corpus is made before Django is set up.
from ingest.gazetteer import Gazetteer
from ingest.model import BlockKind, County
from ingest.pipeline import parse_page

import tantivy_side  # bench/tantivy_side.py, beside this file

# --------------------------------------------------------------------------------------------
# Synthetic corpus
# --------------------------------------------------------------------------------------------

# A dozen papers, each with the prefecture it covers (山西日报 covers the whole province).
PAPERS = {
    "太原日报": "1401",
    "大同日报": "1402",
    "阳泉日报": "1403",
    "长治日报": "1404",
    "晋城日报": "1405",
    "朔州日报": "1406",
    "晋中日报": "1407",
    "运城日报": "1408",
    "忻州日报": "1409",
    "临汾日报": "1410",
    "吕梁日报": "1411",
    "山西日报": "",
}
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = (dt.date(2025, 12, 31) - FIRST_DAY).days + 1
ARTICLES_PER_PAGE = 10

# Reporter names are drawn from ~1,500 generated names plus the seeds' own: a seed name such as
# 付炎 lands in ~0.1% of articles, which makes it the "rare term" of the query mix.
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟段雷钱汤尹易常武乔贺赖龚"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞刚桂英玉兰萍鹏飞斌宇浩凯晨欣雪琳婷倩颖佳慧丹亮健波辉瑞嘉振锋蕾"
GENERATED_NAMES = 1500
# Query terms a generated name must not contain, so the rare-term counts stay the seeds' own.
RESERVED_CHARS = set("党塔")

MIN_PARAGRAPH_CHARS = 30


@dataclass(frozen=True)
class Pool:
    """The material articles are recombined from: all small, loaded once."""

    paragraphs: list[str]
    headlines: list[str]
    kickers: list[
        str
    ]  # seed kickers that name no county (place kickers come from the gazetteer)
    names: list[str]
    seed_names: list[str]
    counties: list[County]  # every county of the gazetteer
    shanxi: list[County]
    by_prefecture: dict[str, list[County]]


def load_pool(gazetteer: Gazetteer, rng: random.Random) -> Pool:
    """Parse the seed pages with the real parser and keep their paragraphs, titles and names."""
    paragraphs: list[str] = []
    headlines: list[str] = []
    kickers: list[str] = []
    seed_names: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        page = parse_page(path.read_text(encoding="utf-8"))
        for article in page.articles:
            if article.headline:
                headlines.append(article.headline)
            if article.kicker and not gazetteer.find(article.kicker):
                kickers.append(article.kicker)
            seed_names.extend(n for n in article.byline if n not in seed_names)
            for block in article.blocks:
                # Whole sentences only: fragments continued from another page would be read as
                # titles or continuations, and change the split.
                text = block.text.strip()
                if (
                    block.kind == BlockKind.PARAGRAPH
                    and len(text) >= MIN_PARAGRAPH_CHARS
                    and text[-1] in "。！？”"
                    and not text.startswith("本报")
                ):
                    paragraphs.append(text)
    names = set(seed_names)
    generated: list[str] = []
    while len(generated) < GENERATED_NAMES:
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))
        )
        if (
            name not in names
            and not RESERVED_CHARS & set(name)
            and not gazetteer.find(name)
        ):
            names.add(name)
            generated.append(name)
    counties = gazetteer.counties()
    by_prefecture: dict[str, list[County]] = defaultdict(list)
    for county in counties:
        by_prefecture[county.code[:4]].append(county)
    return Pool(
        paragraphs=paragraphs,
        headlines=headlines,
        kickers=kickers,
        names=sorted(generated) + seed_names,
        seed_names=seed_names,
        counties=counties,
        shanxi=[c for c in counties if c.code.startswith("14")],
        by_prefecture=dict(by_prefecture),
    )


@dataclass(frozen=True)
class SyntheticPage:
    name: str
    text: str
    paper: str
    prefecture_code: str
    date: dt.date
    page: str
    articles: int  # articles generated (the splitter decides how many are stored)


def _pick_county(rng: random.Random, pool: Pool, prefecture: str) -> County:
    """Mostly the paper's own prefecture, some elsewhere in Shanxi, a few anywhere in China."""
    roll = rng.random()
    if roll < 0.55 and prefecture:
        return rng.choice(pool.by_prefecture[prefecture])
    if roll < 0.85:
        return rng.choice(pool.shanxi)
    return rng.choice(pool.counties)


def _article_lines(rng: random.Random, pool: Pool, prefecture: str) -> list[str]:
    """One article in the shape the splitter reads: [kicker] headline, lead, body, [closing]."""
    county = _pick_county(rng, pool, prefecture)
    place = county.short or county.name
    lines: list[str] = []
    roll = rng.random()
    if roll < 0.25:
        lines.append(county.name)  # a place kicker: `兴县` / headline
    elif roll < 0.35:
        lines.append(county.province + county.name)
    elif roll < 0.45:
        lines.append(rng.choice(pool.kickers))
    headline = rng.choice(pool.headlines)
    lines.append(place + headline if rng.random() < 0.35 else headline)
    reporter, other = rng.choice(pool.names), rng.choice(pool.names)
    lead_text = f"近日,{county.name}" + rng.choice(pool.paragraphs)
    style = rng.random()
    if style < 0.5:
        lines.append(f"本报讯(记者 {reporter}){lead_text}")
        closing = ""
    elif style < 0.8:
        lines.append(f"本报讯 {lead_text}")
        closing = f"({reporter})" if rng.random() < 0.7 else f"({reporter} {other})"
    else:
        lines.append(f"本报讯(记者 {reporter}){lead_text}")
        closing = f"({other})"
    lines.extend(rng.sample(pool.paragraphs, rng.randint(1, 7)))
    if closing:
        lines.append(closing)
    return lines


def page_count(n_articles: int) -> int:
    return -(-n_articles // ARTICLES_PER_PAGE)


def synthetic_page(
    pool: Pool, seed: int, number: int, n_articles: int
) -> SyntheticPage:
    """Page `number` of a corpus of n_articles. Each page has its own RNG (seeded by the corpus
    seed and the page number), so any page can be made alone: loader processes share the work
    without generating each other's pages, and the corpus is the same however it is loaded."""
    rng = random.Random(f"{seed}:{number}")
    count = min(ARTICLES_PER_PAGE, n_articles - number * ARTICLES_PER_PAGE)
    paper = rng.choice(list(PAPERS))
    prefecture = PAPERS[paper]
    blocks = ["\n\n".join(_article_lines(rng, pool, prefecture)) for _ in range(count)]
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    return SyntheticPage(
        name=f"synthetic_{number:07d}.txt",
        text="\n\n\n".join(blocks) + "\n",
        paper=paper,
        prefecture_code=prefecture,
        date=day,
        page=f"第{rng.randint(1, 8)}版",
        articles=count,
    )


def synthetic_pages(
    pool: Pool, seed: int, n_articles: int, numbers: Iterable[int]
) -> Iterator[SyntheticPage]:
    """The given pages of the corpus, made one at a time (bounded memory)."""
    for number in numbers:
        yield synthetic_page(pool, seed, number, n_articles)


# --------------------------------------------------------------------------------------------
# Database lifecycle (before Django is set up: Django must see the bench database's URL)
# --------------------------------------------------------------------------------------------


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment)
    )


def _admin_connect(url: str):
    """Autocommit connection to the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    return psycopg.connect(_with_dbname(url, "postgres"), autocommit=True)


def create_database(url: str, name: str, replace: bool) -> None:
    if not name.startswith("bench_"):
        sys.exit(
            f"refusing to use database {name!r}: the benchmark's databases are named bench_*"
        )
    with _admin_connect(url) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and not replace:
            sys.exit(
                f"database {name} exists: pass --replace to drop it, or --db-name for another"
            )
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str, name: str) -> None:
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "search-bench-" + os.urandom(16).hex()
    import django

    django.setup()
    # Import the whole application now: others edit the work tree while a long run goes on, and
    # a module imported lazily an hour later could come from a half-edited file.
    import articles.indexing
    import articles.paging
    import articles.params
    import articles.writer
    import articles.views  # noqa: F401


# --------------------------------------------------------------------------------------------
# Measuring helpers
# --------------------------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); NaN of no samples (a phase not run)."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --------------------------------------------------------------------------------------------
# Loading: the corpus is written as page files with a manifest, then `manage.py ingest` loads
# them exactly as it would load a paper's pages (articles/writer.py).
# --------------------------------------------------------------------------------------------

FILES_PER_FOLDER = 10_000


def write_corpus(pool: Pool, seed: int, n_articles: int, folder: Path) -> tuple[list[Path], int]:
    """Write the corpus as page files in folders of FILES_PER_FOLDER, each with manifest.csv.

    Returns the folders and the bytes of page text. An existing complete corpus is reused.
    """
    import csv

    n_pages = page_count(n_articles)
    folders = [folder / f"part{k:03d}" for k in range(-(-n_pages // FILES_PER_FOLDER))]
    done = folder / f"complete-{seed}-{n_articles}"
    if done.exists():
        return folders, int(done.read_text())
    total = 0
    for k, part in enumerate(folders):
        part.mkdir(parents=True, exist_ok=True)
        numbers = range(k * FILES_PER_FOLDER, min((k + 1) * FILES_PER_FOLDER, n_pages))
        with open(part / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["file", "paper", "date", "page", "prefecture"])
            for page in synthetic_pages(pool, seed, n_articles, numbers):
                data = page.text.encode("utf-8")
                (part / page.name).write_bytes(data)
                total += len(data)
                out.writerow([page.name, page.paper, page.date.isoformat(), page.page, page.prefecture_code])
    done.write_text(str(total))
    return folders, total


@dataclass
class LoadStats:
    files: int
    bytes: int
    seconds: float
    articles: int
    peak_rss_mb: float  # the largest single process: the writer or one of its parse workers
    loader_cpu_s: float  # the command and its parse workers, user + system
    server_cpu_s: float | None  # every PostgreSQL process meanwhile (None: not on this machine)
    machine_busy: float | None = None  # share of all cores busy meanwhile, every process (others' too)

    @property
    def mb_per_s(self) -> float:
        return self.bytes / self.seconds / 1e6 if self.seconds else 0.0

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


class ServerCpu:
    """CPU seconds the local PostgreSQL server's processes spend while the load runs.

    The ingest command's own backend exits with it, so its CPU cannot be read afterwards: the
    server's processes are sampled every half second instead, which misses at most the last
    half second of a process that exits. Reads nothing (None) when the server is not on this
    machine or psutil is missing.
    """

    def __init__(self, interval: float = 0.5) -> None:
        import threading

        self._interval = interval
        self._seen: dict[int, tuple[float, float]] = {}  # pid -> (CPU at first sight, last)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        for proc in psutil.process_iter(["name", "cpu_times"]):
            times = proc.info["cpu_times"]
            if proc.info["name"] != "postgres" or times is None:
                continue
            cpu = times.user + times.system
            first = self._seen.get(proc.pid, (cpu, cpu))[0]
            self._seen[proc.pid] = (first, cpu)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self) -> ServerCpu:
        try:
            import psutil  # noqa: F401  (a test dependency)
        except ImportError:
            return self  # nothing sampled: seconds is None
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
            self._sample()

    @property
    def seconds(self) -> float | None:
        if not self._seen:
            return None
        return sum(last - first for first, last in self._seen.values())


def _local_server(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")


def run_ingest(folders: list[Path], url: str, workers: int, batch: int, writers: int = 1) -> tuple[float, float, float | None]:
    """`manage.py ingest FOLDER...` in a child process, as an editor would run it.

    Returns wall seconds, the CPU seconds of the loader (the command and its parse workers or
    writers) and of the server (None when it is not on this machine).
    """
    import subprocess

    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only")}
    progress = [] if sys.stderr.isatty() else ["--no-progress"]  # no bar redrawn into a log file
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    local = _local_server(url)
    server = ServerCpu()
    machine = machine_jiffies()
    started = time.perf_counter()
    with server if local else contextlib.nullcontext():
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "ingest", *map(str, folders),
             # The synthetic corpus may draw the same paper, date and page label twice: both
             # pages are meant to be stored.
             "--workers", str(workers), "--writers", str(writers), "--batch", str(batch), "--keep-both",
             *progress],
            env=env, check=True,
        )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    loader = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    busy = None
    if machine is not None and (end := machine_jiffies()) is not None and end[1] > machine[1]:
        busy = (end[0] - machine[0]) / (end[1] - machine[1])
    run_ingest.machine_busy = busy  # read by the caller (the return value keeps its shape)
    return wall, loader, server.seconds if local else None


def machine_jiffies() -> tuple[int, int] | None:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat (None elsewhere): a
    load that leaves cores idle can use more writers; one on a machine others keep busy cannot
    be read for scaling."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def empty_archive() -> None:
    """Empty the archive's tables (between two loads of the scaling runs), as a new database
    would be, and checkpoint so that each load starts from the same state."""
    from django.db import connection

    from articles.models import Issue, Newspaper, Page

    tables = ", ".join(m._meta.db_table for m in (Page, Issue, Newspaper))
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        cur.execute("CHECKPOINT")


def print_scaling(loads: list[tuple[int, LoadStats]]) -> None:
    """The same corpus loaded with 1, 2, 4… writers (``manage.py ingest --writers``)."""
    cores = os.cpu_count() or 1
    base = loads[0][1].articles_per_s or 1.0
    print(f"\n  ingest scaling ({cores} cores; writers = processes that parse and write with their own connection):")
    print(
        "| writers | wall s | articles/s | MB/s | vs first | CPU ms/article loader / server | cores busy: load / "
        "all processes |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for writers, st in loads:
        per = 1000 / st.articles if st.articles else 0.0
        server = f"{st.server_cpu_s * per:.2f}" if st.server_cpu_s is not None else "–"
        busy = (
            f"{(st.loader_cpu_s + st.server_cpu_s) / (st.seconds * cores):.0%}"
            if st.server_cpu_s is not None and st.seconds else "–"
        )
        busy += f" / {st.machine_busy:.0%}" if st.machine_busy is not None else ""
        print(
            f"| {writers} | {st.seconds:.1f} | {st.articles_per_s:.0f} | {st.mb_per_s:.2f} | "
            f"{st.articles_per_s / base:.2f}x | {st.loader_cpu_s * per:.2f} / {server} | {busy} |"
        )
    counts = list(dict.fromkeys(w for w, _ in loads))
    if len(counts) < len(loads):
        by_count = {w: sorted((st for v, st in loads if v == w), key=lambda st: st.articles_per_s) for w in counts}
        best_first = by_count[counts[0]][-1].articles_per_s or 1.0
        print("\n| writers | loads | best articles/s | best MB/s | median articles/s | best vs first |")
        print("|---:|---:|---:|---:|---:|---:|")
        for w, runs in by_count.items():
            best, median = runs[-1], runs[len(runs) // 2]
            print(
                f"| {w} | {len(runs)} | {best.articles_per_s:.0f} | {best.mb_per_s:.2f} | "
                f"{median.articles_per_s:.0f} | {best.articles_per_s / best_first:.2f}x |"
            )


# --------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------


def relation_sizes() -> list[tuple[str, int, int]]:
    """(relation, own size, total size incl. TOAST and indexes) for the article table and friends."""
    from django.db import connection

    from articles.models import Article, ArticleCounty, Caption, Page

    article = Article._meta.db_table
    rows: list[tuple[str, int, int]] = []
    with connection.cursor() as cur:
        for table in (
            article,
            Page._meta.db_table,
            ArticleCounty._meta.db_table,
            Caption._meta.db_table,
        ):
            cur.execute(
                "SELECT pg_relation_size(c.oid), pg_total_relation_size(c.oid), c.reltoastrelid "
                "FROM pg_class c WHERE c.relname = %s",
                [table],
            )
            own, total, toast = cur.fetchone()
            rows.append((f"{table} (heap)", own, total))
            if toast:
                cur.execute(
                    "SELECT pg_relation_size(%s::oid), pg_total_relation_size(%s::oid)",
                    [toast, toast],
                )
                t_own, t_total = cur.fetchone()
                rows.append((f"  {table} TOAST", t_own, t_total))
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass ORDER BY 2 DESC",
                [table],
            )
            rows.extend(
                (f"  index {name}", size, size) for name, size in cur.fetchall()
            )
        cur.execute("SELECT pg_database_size(current_database())")
        rows.append(("database total", cur.fetchone()[0], 0))
    return rows


def column_averages() -> dict[str, float]:
    """Average stored size (after compression) of each search vector column, and of a row."""
    from django.contrib.postgres.search import SearchVectorField
    from django.db import connection

    from articles.models import Article

    vectors = [
        f.column
        for f in Article._meta.concrete_fields
        if isinstance(f, SearchVectorField)
    ]
    columns = (
        ["avg(char_length(body))"]
        + [f"avg(pg_column_size({c}))" for c in vectors]
        + ["avg(pg_column_size(t.*))"]
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM {Article._meta.db_table} t")
        values = [float(v or 0) for v in cur.fetchone()]
    names = ["body characters"] + [f"{c} bytes" for c in vectors] + ["whole row bytes"]
    return dict(zip(names, values))


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    klass: str
    params: dict[str, str]

    @property
    def label(self) -> str:
        parts = [self.params.get("q", "")]
        parts += [f"{k}={v}" for k, v in self.params.items() if k != "q"]
        return " ".join(p for p in parts if p)


def query_mix(county_code: str) -> list[Case]:
    """The fixed mix. Shares of articles are those of this synthetic corpus (recombined seed
    paragraphs make most words far commoner than in a real archive)."""
    return [
        Case("common (~70-90%)", {"q": "党建"}),
        Case("common (~70-90%)", {"q": "社区"}),
        Case("mid (~15-40%)", {"q": "网格化"}),
        Case("mid (~15-40%)", {"q": "志愿者"}),
        Case("low (~3%)", {"q": "葫芦丝"}),
        Case("rare name (~0.1%)", {"q": "付炎"}),
        Case("rare name (~0.1%)", {"q": "罗晓庆"}),
        Case("2-char (~25%)", {"q": "森林"}),
        Case("2-char (~3%)", {"q": "稻浪"}),
        Case("2-char county (~30%)", {"q": "绛县"}),
        Case("multi-term", {"q": "介休 党建"}),
        Case("quoted phrase", {"q": '"基层治理"'}),
        Case("county filter + term", {"q": "党建", "county": county_code}),
        Case("county filter, no q", {"county": county_code}),
        Case("sort=date, common", {"q": "社区", "sort": "date"}),
        Case("sort=date, rare", {"q": "付炎", "sort": "date"}),
        Case("1-char common (~90%)", {"q": "党"}),
        Case("1-char (~4%)", {"q": "雪"}),
        Case("1-char rare", {"q": "塔"}),
    ]


def search_page(params_in: dict[str, str]):
    """What the search page (articles.views.search) does for page 1: validate, filter and rank,
    the capped count, and the first 20 rows with the listing's prefetches."""
    from articles.models import Article
    from articles.paging import get_page
    from articles.params import read_params

    params = read_params(params_in)
    page = get_page(
        params.filter(Article.objects.for_listing()), params.page, params.page_size
    )
    rows = list(page.object_list)
    assert len(rows) == min(page.paginator.count, params.page_size)
    return params, page


def run_search(params_in: dict[str, str]) -> int:
    return search_page(params_in)[1].paginator.count


def exact_count(params_in: dict[str, str]) -> int:
    """Every match counted (what an uncapped paginator would do)."""
    from articles.models import Article
    from articles.params import read_params

    return read_params(params_in).filter(Article.objects.all(), ordered=False).count()


def facets_runner(params_in: dict[str, str]) -> Callable[[], int] | None:
    """The page's facet queries for this search (``SearchParams.facets``, as the view runs them),
    or None when the page shows no facets (no query)."""
    params, page = search_page(params_in)
    if not params.query:
        return None

    def run() -> int:
        facets = params.facets(exact_count=page.paginator.exact)
        return len(facets["county"]) + len(facets["paper"]) + len(facets["year"])

    return run


def _like_terms(case: Case) -> list[str]:
    from articles.query import parse

    q = case.params.get("q", "")
    return [t.text for t in parse(q).positive] if q.strip() else []


def run_like(case: Case) -> int:
    """Naive baseline: LIKE '%term%' over headline||body (every term), count + first 20 by date."""
    from django.db import connection

    from articles.models import Article, ArticleCounty

    table = Article._meta.db_table
    joins, where, params = "", [], []
    if "county" in case.params:
        joins = f" JOIN {ArticleCounty._meta.db_table} ac ON ac.article_id = a.id AND ac.county_id = %s"
        params.append(case.params["county"])
    for term in _like_terms(case):
        where.append("(a.headline || a.body) LIKE %s")
        params.append(
            "%"
            + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
    sql_where = " WHERE " + " AND ".join(where) if where else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table} a{joins}{sql_where}", params)
        total = cur.fetchone()[0]
        cur.execute(
            f"SELECT a.id FROM {table} a{joins}{sql_where} ORDER BY a.date DESC NULLS LAST, a.id DESC LIMIT 20",
            params,
        )
        cur.fetchall()
    return total


@dataclass
class Timing:
    samples: list[float]
    matches: int

    def summary(self) -> dict[str, float | None]:
        if not self.samples:  # not run: null in the JSON, "–" in the tables
            return {"p50": None, "p95": None, "p99": None, "reps": 0}
        return {
            "p50": percentile(self.samples, 50),
            "p95": percentile(self.samples, 95),
            "p99": percentile(self.samples, 99),
            "reps": len(self.samples),
        }


def measure(
    fn: Callable[[], int], reps: int, budget_s: float, min_reps: int = 5
) -> Timing:
    """One warm-up run (it also gives the match count), then up to `reps` timed runs; slow
    queries stop early once `budget_s` is spent (never fewer than `min_reps` runs), so that
    one-character terms cannot eat the whole time budget."""
    matches = fn()
    samples: list[float] = []
    spent = 0.0
    while len(samples) < reps and (len(samples) < min_reps or spent < budget_s):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        samples.append(elapsed)
        spent += elapsed
    return Timing(samples, matches)


@contextmanager
def captured_sql() -> Iterator[list[tuple[str, object]]]:
    from django.db import connection

    seen: list[tuple[str, object]] = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def explain(case: Case) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of every SQL statement the search page runs for this case."""
    from django.db import connection

    with captured_sql() as statements:
        run_search(case.params)
    out = [f"=== {case.klass}: {case.label}"]
    with connection.cursor() as cur:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            out.append("--- " + sql[:3000])
            out.extend(row[0] for row in cur.fetchall())
    return "\n".join(out)


def ms(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):  # not measured (--like-reps 0)
        return "–"
    return f"{seconds * 1e3:,.1f}" if seconds < 10 else f"{seconds * 1e3:,.0f}"


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See the module docstring (bench/search_bench.py) for what each phase does.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--articles", type=int, default=20_000, help="synthetic articles to generate"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=20240601,
        help="RNG seed (the corpus is deterministic)",
    )
    parser.add_argument(
        "--reps", type=int, default=30, help="timed repetitions per search query"
    )
    parser.add_argument(
        "--like-reps",
        type=int,
        default=5,
        help="timed repetitions per LIKE baseline query",
    )
    parser.add_argument(
        "--query-budget",
        type=float,
        default=20.0,
        help="seconds of timed runs per query before stopping early",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="manage.py ingest --workers"
    )
    parser.add_argument(
        "--batch", type=int, default=50, help="manage.py ingest --batch (files per transaction)"
    )
    parser.add_argument(
        "--writers",
        default="1,2,4",
        help="manage.py ingest --writers: a comma list loads the corpus once per value (the archive "
        "emptied between loads) and prints the scaling; the last load is measured",
    )
    parser.add_argument(
        "--load-repeats",
        type=int,
        default=1,
        help="load the corpus this many times with each --writers value, interleaved (1,2,4,1,2,4…): "
        "the scaling table then gives the best and the median of each, for a machine others share",
    )
    parser.add_argument(
        "--tantivy",
        action=argparse.BooleanOptionalAction,
        default=tantivy_side.available(),
        help="also index the same articles in Tantivy (bench/tantivy_side.py) and run the same "
        "queries there (default: on when the tantivy package is installed)",
    )
    parser.add_argument(
        "--corpus-dir",
        default=None,
        help="write the page files here and keep them (reused when complete); default a temporary folder",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure an existing bench database (kept with --keep) without loading",
    )
    parser.add_argument(
        "--db-name", default=None, help="database to create (default bench_<articles>)"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="drop the bench database first if it exists",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards"
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=4,
        help="EXPLAIN ANALYZE the N slowest query classes",
    )
    return parser.parse_args()


def git_revision() -> str:
    """The commit measured, and whether the work tree differed from it (others edit alongside)."""
    import subprocess

    def git(*argv: str) -> str:
        return subprocess.run(
            ["git", *argv], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout

    dirty = [
        line[3:]
        for line in git("status", "--porcelain", "--untracked-files=no").splitlines()
    ]
    return git("rev-parse", "--short", "HEAD").strip() + (
        f" + uncommitted changes in {', '.join(dirty)}" if dirty else ""
    )


def machine_facts() -> dict[str, str]:
    from django.db import connection

    facts = {"cpus": str(os.cpu_count()), "code": git_revision()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        model = next(
            line.split(":", 1)[1].strip()
            for line in cpuinfo
            if line.startswith("model name")
        )
        facts["cpu"] = model
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        facts["server"] = cur.fetchone()[0].split(" on ")[0]
        for name in (
            "shared_buffers",
            "work_mem",
            "maintenance_work_mem",
            "effective_cache_size",
            "jit",
        ):
            cur.execute(f"SHOW {name}")
            facts[name] = cur.fetchone()[0]
    return facts


def main() -> None:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        sys.exit(
            "set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres"
        )
    try:
        writer_counts = [int(w) for w in str(args.writers).split(",") if w.strip()]
    except ValueError:
        sys.exit(f"--writers takes a comma list of numbers, not {args.writers!r}")
    if not writer_counts or min(writer_counts) < 1:
        sys.exit("--writers: at least one number, each at least 1")
    args.writer_counts = writer_counts
    db_name = args.db_name or f"bench_{args.articles}"
    if not args.reuse:
        create_database(base_url, db_name, args.replace)
    url = _with_dbname(base_url, db_name)
    setup_django(url)
    try:
        results = run(args, db_name, url)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(base_url, db_name)
            print(f"\ndropped database {db_name}")
        else:
            print(f"\nkept database {db_name}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"search_bench_{args.articles}.json"
    out.write_text(
        json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    print(f"figures written to {out.relative_to(ROOT)}")


def run(args: argparse.Namespace, db_name: str, url: str) -> dict[str, object]:
    from django.core.management import call_command
    from django.db import connection

    wall = time.perf_counter()
    writer_counts = args.writer_counts
    results: dict[str, object] = {
        "command": " ".join(sys.argv),
        "articles_requested": args.articles,
    }
    print("=" * 100)
    print(
        "SEARCH BENCHMARK on a SYNTHETIC corpus: seed paragraphs recombined with real county names."
    )
    print(
        "Term frequencies are not those of a real archive; use the figures for orders of magnitude."
    )
    print("=" * 100)
    call_command("migrate", verbosity=0)  # loads the counties too (migration 0006)
    facts = machine_facts()
    results["machine"] = facts
    print("machine: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
    print(f"database: {db_name}")

    gazetteer = Gazetteer.default()
    pool = load_pool(gazetteer, random.Random(args.seed))
    print(
        f"pool: {len(pool.paragraphs)} seed paragraphs, {len(pool.headlines)} headlines, "
        f"{len(pool.names)} reporter names ({len(pool.seed_names)} from the seeds), {len(pool.counties)} counties"
    )

    # --- load ---------------------------------------------------------------------------------
    if args.reuse:
        print("\n[1] --reuse: measuring the database as it was loaded before (no load)")
    else:
        import tempfile

        corpus = Path(args.corpus_dir) if args.corpus_dir else Path(tempfile.mkdtemp(prefix="bench-corpus-"))
        t0 = time.perf_counter()
        folders, n_bytes = write_corpus(pool, args.seed, args.articles, corpus)
        n_files = page_count(args.articles)
        print(
            f"\n[1] corpus: {n_files:,} page files, {n_bytes / 1e6:.1f} MB of text in {corpus} "
            f"(written in {time.perf_counter() - t0:.0f} s, not timed below)"
        )
        from articles.models import Article

        loads: list[tuple[int, LoadStats]] = []
        for k, writers in enumerate([w for _ in range(args.load_repeats) for w in writer_counts]):
            if k:
                empty_archive()
            print(
                f"    loading with the production command: manage.py ingest <{len(folders)} folders> "
                f"--workers {args.workers} --writers {writers} --batch {args.batch}"
            )
            seconds, loader_cpu, server_cpu = run_ingest(folders, url, args.workers, args.batch, writers)
            stats = LoadStats(
                files=n_files,
                bytes=n_bytes,
                seconds=seconds,
                articles=Article.objects.count(),
                peak_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                loader_cpu_s=loader_cpu,
                server_cpu_s=server_cpu,
                machine_busy=getattr(run_ingest, "machine_busy", None),
            )
            print(
                f"  => {stats.articles:,} articles from {stats.files:,} files, {stats.bytes / 1e6:.1f} MB in "
                f"{stats.seconds:.1f} s: {stats.mb_per_s:.2f} MB/s, {stats.articles_per_s:.0f} articles/s; "
                f"peak RSS of the largest loader process so far {stats.peak_rss_mb:.0f} MB"
            )
            print_cpu(stats)
            loads.append((writers, stats))
        if len(loads) > 1:
            print_scaling(loads)
        results["ingest"] = {
            **vars(stats), "writers": loads[-1][0], "mb_per_s": stats.mb_per_s, "articles_per_s": stats.articles_per_s
        }
        results["ingest_scaling"] = [
            {"writers": w, "seconds": st.seconds, "articles": st.articles, "articles_per_s": st.articles_per_s,
             "mb_per_s": st.mb_per_s, "loader_cpu_s": st.loader_cpu_s, "server_cpu_s": st.server_cpu_s,
             "machine_busy": st.machine_busy}
            for w, st in loads
        ]
        if not args.corpus_dir:
            import shutil

            shutil.rmtree(corpus)

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    vacuum = time.perf_counter() - t0
    results["vacuum_analyze_s"] = vacuum
    print(f"  VACUUM ANALYZE: {vacuum:.1f} s")

    # --- storage ------------------------------------------------------------------------------
    from articles.models import Article

    total_articles = Article.objects.count()
    results["articles_stored"] = total_articles
    print(f"\n[2] storage for {total_articles:,} articles")
    sizes = relation_sizes()
    results["sizes"] = [
        {"relation": r, "bytes": own, "total_bytes": total} for r, own, total in sizes
    ]
    for name, own, total in sizes:
        extra = f"  (total {total / 2**20:8.1f} MB)" if total and total != own else ""
        print(f"  {name:<46} {own / 2**20:9.1f} MB{extra}")
    averages = column_averages()
    results["averages"] = averages
    print("  per article: " + ", ".join(f"{k} {v:,.0f}" for k, v in averages.items()))

    # --- queries ------------------------------------------------------------------------------
    county = gazetteer.lookup("介休市")
    cases = query_mix(county.code if county else "140781")
    print(
        f"\n[3] query latency, warm cache, one client: {args.reps} runs per search query "
        f"(stopping early past {args.query_budget:.0f} s, min 5), {args.like_reps} per LIKE query"
    )
    print(
        "    page   = what articles.views.search runs for page 1: read_params, params.filter(for_listing()),"
    )
    print(
        "             get_page (exact count below SEARCH_COUNT_CAP, else the planner's estimate) and the first 20 rows with their prefetches"
    )
    print(
        "    facets = SearchParams.facets as the page runs it (county, paper, year; over every match when the"
    )
    print("             count is exact, else over the newest FACET_SAMPLE matches)")
    print(
        "    exact count = params.filter(ordered=False).count(), every match counted (3 runs)"
    )
    print(
        "    LIKE   = naive baseline: count(*) + first 20 by date, (headline || body) LIKE '%term%' per term"
    )
    rows = []
    for case in cases:
        search = measure(
            functools.partial(run_search, case.params), args.reps, args.query_budget
        )
        facet_fn = facets_runner(case.params)
        facets = (
            measure(facet_fn, max(3, args.reps // 3), args.query_budget / 2, min_reps=3)
            if facet_fn
            else None
        )
        exact = measure(
            functools.partial(exact_count, case.params),
            3,
            args.query_budget / 4,
            min_reps=1,
        )
        like = (
            measure(
                functools.partial(run_like, case),
                args.like_reps,
                args.query_budget / 3,
                min_reps=min(3, args.like_reps),
            )
            if args.like_reps
            else Timing([], 0)  # --like-reps 0: no LIKE scan at all
        )
        row = {
            "class": case.klass,
            "query": case.label,
            "matches": exact.matches,
            "shown_count": search.matches,
            "search": search.summary(),
            "exact_count": exact.summary(),
            "facets": facets.summary() if facets else None,
            "like_matches": like.matches,
            "like": like.summary(),
        }
        rows.append(row)
        print(
            f"  {case.klass:<22} {case.label:<20} matches {exact.matches:>7,}  "
            f"page p50 {ms(row['search']['p50']):>7} p95 {ms(row['search']['p95']):>7} ms  "
            f"facets p50 {ms(row['facets']['p50']) if facets else '-':>7}  "
            f"exact count {ms(row['exact_count']['p50']):>7}  "
            f"LIKE {like.matches:>7,} p50 {ms(row['like']['p50']):>7} ms",
            flush=True,
        )
    results["queries"] = rows
    print()
    print_table(rows, total_articles)

    # --- EXPLAIN of the slowest classes ---------------------------------------------------------
    slowest = sorted(zip(cases, rows), key=lambda cr: -cr[1]["search"]["p95"])[
        : args.explain
    ]
    plans = [explain(case) for case, _ in slowest]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    plan_file = OUT_DIR / f"explain_{args.articles}.txt"
    plan_file.write_text("\n\n".join(plans) + "\n", encoding="utf-8")
    print(
        f"\nEXPLAIN (ANALYZE, BUFFERS) of the {len(plans)} slowest queries written to {plan_file.relative_to(ROOT)}"
    )
    for plan in plans:
        print_plan_summary(plan)

    # --- Tantivy side by side -----------------------------------------------------------------
    if args.tantivy:
        results["tantivy"] = tantivy_phase(args, cases, rows, results)
    results["wall_seconds"] = time.perf_counter() - wall
    print(f"\ntotal wall time {results['wall_seconds']:.0f} s")
    return results


def tantivy_phase(args: argparse.Namespace, cases: list[Case], rows: list[dict], results: dict) -> dict:
    """The same articles in Tantivy, with the archive's tokens (bench/tantivy_side.py): index
    rate, size per article, and the same queries' latency and match counts beside the archive's."""
    print("\n[4] Tantivy side by side: the same articles, the archive's own grams and jieba words pre-tokenised")
    ix = tantivy_side.build(threads=1)
    try:
        mb = ix.text_bytes / 1e6
        figures = {
            "articles": ix.articles,
            "text_mb": mb,
            "read_s": ix.read_s,
            "tokenise_s": ix.tokenise_s,
            "index_s": ix.index_s,
            "articles_per_s": ix.articles / ix.build_s if ix.build_s else 0.0,
            "mb_per_s": mb / ix.build_s if ix.build_s else 0.0,
            "engine_mb_per_s": mb / ix.index_s if ix.index_s else 0.0,
            "size_bytes": ix.size_bytes,
            "bytes_per_article": ix.size_bytes / ix.articles if ix.articles else 0.0,
        }
        print(
            f"  indexed {ix.articles:,} articles ({mb:.1f} MB of field text) in one process, one indexing thread: "
            f"{ix.build_s:.1f} s = tokenise {ix.tokenise_s:.1f} s (the archive's Python: fold, grams, jieba) "
            f"+ Tantivy {ix.index_s:.1f} s (documents, commit, merges); reading the rows back {ix.read_s:.1f} s not counted"
        )
        print(
            f"  => {figures['articles_per_s']:.0f} articles/s, {figures['mb_per_s']:.2f} MB/s "
            f"(Tantivy's part alone {figures['engine_mb_per_s']:.1f} MB/s); "
            f"index {ix.size_bytes / 2**20:.1f} MB = {figures['bytes_per_article'] / 1024:.2f} KB per article"
        )
        vectors = sum(v for k, v in results.get("averages", {}).items() if k.startswith("search_"))
        gin = sum(
            r["bytes"] for r in results.get("sizes", [])
            if r["relation"].strip().startswith("index ") and r["relation"].endswith("_gin")
            and "county" not in r["relation"]
        )
        stored = results.get("articles_stored") or ix.articles or 1
        figures["archive_search_bytes_per_article"] = vectors + gin / stored
        print(
            f"  archive, same articles: {(vectors + gin / stored) / 1024:.2f} KB of search data per article "
            f"(vectors {vectors / 1024:.2f} KB + their GIN indexes {gin / stored / 1024:.2f} KB)"
        )
        out_rows = []
        print("| class | query | archive matches | LIKE matches | Tantivy substring | Tantivy substring or words | "
              "archive page p50 / p95 ms | Tantivy p50 / p95 ms |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for case, row in zip(cases, rows):
            query = tantivy_side.query(ix, case.params)
            timing = measure(functools.partial(tantivy_side.search, ix, case.params, query), args.reps, args.query_budget)
            substring = tantivy_side.count(ix, case.params, words=False)
            either = tantivy_side.count(ix, case.params, words=True)
            t = timing.summary()
            out_rows.append({"class": case.klass, "query": case.label, "substring_matches": substring,
                             "matches": either, "search": t})
            s = row["search"]
            like = f"{row['like_matches']:,}" if row["like"]["reps"] else "–"
            flag = "" if either == row["matches"] else " ≠"
            print(
                f"| {case.klass} | `{case.label}` | {row['matches']:,} | {like} | {substring:,} | {either:,}{flag} | "
                f"{ms(s['p50'])} / {ms(s['p95'])} | {t['p50'] * 1000:.2f} / {t['p95'] * 1000:.2f} |",
                flush=True,
            )
        figures["queries"] = out_rows
        same = sum(1 for r, a in zip(out_rows, rows) if r["matches"] == a["matches"])
        print(f"  Tantivy's substring-or-words count equals the archive's for {same} of {len(rows)} queries")
        return figures
    finally:
        ix.close()


def print_cpu(stats: LoadStats) -> None:
    """Where the load's CPU went, per article, and the rate the machine's cores allow at that cost."""
    if not stats.articles:
        return
    per = 1000 / stats.articles
    cores = os.cpu_count() or 1
    parts = [f"loader {stats.loader_cpu_s * per:.2f} ms (the command and its parse workers)"]
    total = stats.loader_cpu_s
    if stats.server_cpu_s is not None:
        parts.append(f"server {stats.server_cpu_s * per:.2f} ms (every PostgreSQL process)")
        total += stats.server_cpu_s
    print(f"  CPU per article: {', '.join(parts)}; {total * per:.2f} ms in all")
    if stats.server_cpu_s is not None:
        ceiling = stats.bytes / (total / cores) / 1e6
        busy = total / (stats.seconds * cores)
        print(
            f"  at that cost {cores} cores allow at most {ceiling:.2f} MB/s; they were {busy:.0%} busy"
        )


def print_table(rows: list[dict], total_articles: int) -> None:
    """The figures as a Markdown table (pasted into docs/PERFORMANCE.md)."""
    print(
        f"| class | query | matches (of {total_articles:,}) | page p50 / p95 / p99 ms | runs | "
        "facets p50 / p95 ms | exact count p50 ms | LIKE matches | LIKE p50 ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s, f, lk = r["search"], r["facets"], r["like"]
        facets = f"{ms(f['p50'])} / {ms(f['p95'])}" if f else "–"
        print(
            f"| {r['class']} | `{r['query']}` | {r['matches']:,} | {ms(s['p50'])} / {ms(s['p95'])} / "
            f"{ms(s['p99'])} | {s['reps']} | {facets} | {ms(r['exact_count']['p50'])} | {r['like_matches']:,} | "
            f"{ms(lk['p50'])} |"
        )


def print_plan_summary(plan: str) -> None:
    """Top node and execution time of each statement: enough to see which one dominates."""
    lines = plan.splitlines()
    print("  " + lines[0])
    for i, line in enumerate(lines):
        if line.startswith("--- "):
            sql = line.upper()
            table = sql.split(" FROM ", 1)[1][:40] if " FROM " in sql else ""
            kind = (
                "count"
                if "COUNT(" in sql
                else "prefetch"
                if "ARTICLECOUNTY" in table
                else "county lookup"
                if '"ARTICLES_COUNTY"' in table
                else "page"
            )
            top = lines[i + 1].strip() if i + 1 < len(lines) else ""
            exec_time = next(
                (
                    x.strip()
                    for x in lines[i + 1 :]
                    if x.strip().startswith("Execution Time")
                ),
                "",
            )
            print(f"    [{kind:13}] {top[:100]}  {exec_time}")


if __name__ == "__main__":
    main()
