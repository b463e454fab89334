"""locust file of the long load (bench/reliability_load.sh, docs/RELIABILITY.md): readers at a steady
rate over a realistic mix, with per-minute p95 and errors and the app processes' memory.

Run by the script, which starts gunicorn and writes the path lists; by hand:

    RELIABILITY_PATHS=DIR GUNICORN_PID=PID .venv/bin/locust -f bench/reliability_load.py --headless \
        -u 16 -r 16 -t 630s --host http://127.0.0.1:8002

Environment: RELIABILITY_PATHS (a folder of KIND.txt, one percent-encoded path a line),
GUNICORN_PID (the master; its workers are found as its children), RELIABILITY_RATE (requests a
second, all users together: 12), RELIABILITY_USERS (16, as on the command line), RELIABILITY_WARMUP
(seconds not measured: 30), RELIABILITY_REPORT (a JSON file for the figures).

Each user asks at a constant rate (locust's constant_throughput) whatever the answers take, as
long as the server keeps up, so the rate is steady. Errors are every answer but a 200 (a 429
included) and every failed connection, warm-up included. p95 is per whole minute after the
warm-up. Memory, sampled every 10 s: the proportional set size (PSS: a page shared between
processes is counted once, split among them; the workers share the application the master
loaded, preload_app) of gunicorn's master and workers together, the resident set of the largest
worker, and the machine's load average (the highest of the minute).
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from pathlib import Path

import gevent
import psutil
from locust import FastHttpUser, constant_throughput, events, task

# The mix, in requests out of 100: what readers of a newspaper archive mostly do is search.
MIX = {
    "search": 30,  # a term, no filter
    "search_filtered": 15,  # a term or none, with a county, sort=date or page 2
    "article": 20,
    "county": 10,
    "paper": 5,
    "issue": 5,
    "page": 5,
    "feed": 8,  # latest, a county's, a search's
    "api": 2,  # GET /api/articles?q=…
}
RATE = float(os.environ.get("RELIABILITY_RATE", "12"))
USERS = int(os.environ.get("RELIABILITY_USERS", "16"))
WARMUP = float(os.environ.get("RELIABILITY_WARMUP", "30"))
SAMPLE_SECONDS = 10
MEMORY_GROWTH_ALLOWED = 0.10  # "flat": the last minute's resident memory at most 10% above the first's
P95_DRIFT_ALLOWED = 0.20  # the bar: p95 of the last minute within 20% of the first

_dir = Path(os.environ.get("RELIABILITY_PATHS", "."))
PATHS = {kind: [line for line in (_dir / f"{kind}.txt").read_text().splitlines() if line] for kind in MIX
         if (_dir / f"{kind}.txt").exists()}
KINDS = [kind for kind in MIX if PATHS.get(kind)]
WEIGHTS = [MIX[kind] for kind in KINDS]


class Reader(FastHttpUser):
    wait_time = constant_throughput(RATE / USERS)

    @task
    def read(self) -> None:
        kind = random.choices(KINDS, WEIGHTS)[0]
        with self.client.get(random.choice(PATHS[kind]), name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class Record:
    """Per-minute latencies and errors after the warm-up, memory samples, all errors."""

    def __init__(self) -> None:
        self.started = time.time()
        self.latencies: dict[int, list[float]] = {}
        self.errors: dict[int, int] = {}
        self.kinds: dict[int, dict[str, int]] = {}
        self.errors_total = 0
        self.errors_in_warmup = 0
        self.error_samples: list[str] = []
        # (seconds since the start of measuring, total PSS, largest worker's RSS, workers, the machine's 1-minute load average)
        self.memory: list[tuple[float, int, int, int, float]] = []
        self.worker_pids: set[int] = set()

    @property
    def measuring_since(self) -> float:
        return self.started + WARMUP

    def minute(self, at: float) -> int | None:
        return None if at < self.measuring_since else int((at - self.measuring_since) // 60)


record = Record()


@events.test_start.add_listener
def _start(environment, **_kwargs) -> None:
    global record
    record = Record()
    pid = os.environ.get("GUNICORN_PID")
    if pid:
        gevent.spawn(_sample_memory, int(pid))


def _sample_memory(pid: int) -> None:
    master = psutil.Process(pid)
    while True:
        try:
            workers = master.children(recursive=True)
            sizes, pss = [], master.memory_full_info().pss
            for worker in workers:
                try:
                    pss += worker.memory_full_info().pss
                    sizes.append(worker.memory_info().rss)
                    record.worker_pids.add(worker.pid)
                except psutil.NoSuchProcess:  # replaced (max_requests) between the two calls
                    pass
            total = pss
        except psutil.NoSuchProcess:
            return
        now = time.time()
        if now >= record.measuring_since:
            record.memory.append((now - record.measuring_since, total, max(sizes, default=0), len(sizes), os.getloadavg()[0]))
        gevent.sleep(SAMPLE_SECONDS)


@events.request.add_listener
def _request(request_type, name, response_time, response_length, exception=None, **_kwargs) -> None:
    now = time.time()
    minute = record.minute(now)
    if exception is not None:
        record.errors_total += 1
        if len(record.error_samples) < 10:
            record.error_samples.append(f"{name}: {exception}")
        if minute is None:
            record.errors_in_warmup += 1
        else:
            record.errors[minute] = record.errors.get(minute, 0) + 1
    if minute is not None:
        record.latencies.setdefault(minute, []).append(response_time)
        kinds = record.kinds.setdefault(minute, {})
        kinds[name] = kinds.get(name, 0) + 1


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _yes(verdict: bool | None) -> str:
    return "n/a" if verdict is None else "yes" if verdict else "NO"


@events.quitting.add_listener
def _report(environment, **_kwargs) -> None:
    ended = time.time()
    whole = int((ended - record.measuring_since) // 60)  # the last, partial minute is left out
    rows = []
    for minute in range(whole):
        latencies = record.latencies.get(minute, [])
        memory = [m for m in record.memory if minute * 60 <= m[0] < (minute + 1) * 60]
        rows.append({
            "minute": minute + 1,
            "requests": len(latencies),
            "rate": round(len(latencies) / 60, 1),
            "errors": record.errors.get(minute, 0),
            "p50_ms": round(_percentile(latencies, 50), 1) if latencies else None,
            "p95_ms": round(_percentile(latencies, 95), 1) if latencies else None,
            "p99_ms": round(_percentile(latencies, 99), 1) if latencies else None,
            "pss_mb": round(sum(m[1] for m in memory) / len(memory) / 2**20, 1) if memory else None,
            "largest_worker_mb": round(max(m[2] for m in memory) / 2**20, 1) if memory else None,
            "workers": max((m[3] for m in memory), default=None),
            "load_average": round(max(m[4] for m in memory), 2) if memory else None,
        })
    print()
    print(f"target rate {RATE:g}/s from {USERS} users; warm-up {WARMUP:g} s not measured; {whole} whole minutes measured")
    print("minute  requests   req/s  errors   p50 ms   p95 ms   p99 ms   PSS MB (master+workers)  largest worker RSS MB  load avg")
    for r in rows:
        print(f"{r['minute']:>6}  {r['requests']:>8}  {r['rate']:>6}  {r['errors']:>6}  {r['p50_ms'] or '-':>7}  "
              f"{r['p95_ms'] or '-':>7}  {r['p99_ms'] or '-':>7}  {r['pss_mb'] or '-':>23}  {r['largest_worker_mb'] or '-':>21}  "
              f"{r['load_average'] or '-':>8}")
    verdicts = {}
    verdicts["zero errors"] = record.errors_total == 0
    # With fewer than two whole minutes there is no first and last to compare (a capacity probe).
    first, last = (rows[0], rows[-1]) if len(rows) >= 2 else (None, None)
    if first and first["p95_ms"] and last["p95_ms"]:
        drift = last["p95_ms"] / first["p95_ms"] - 1
        verdicts["p95 last minute within 20% of the first"] = drift <= P95_DRIFT_ALLOWED
        p95_text = f"{last['p95_ms']} vs {first['p95_ms']} ms ({drift:+.0%})"
    else:
        p95_text = "not compared: fewer than two whole minutes"
    if first and first["pss_mb"] and last["pss_mb"]:
        growth = last["pss_mb"] / first["pss_mb"] - 1
        verdicts["memory flat (last minute at most 10% above the first)"] = growth <= MEMORY_GROWTH_ALLOWED
        memory_text = f"{last['pss_mb']} vs {first['pss_mb']} MB ({growth:+.0%}); worker processes seen: {len(record.worker_pids)}"
    else:
        memory_text = "not compared: fewer than two whole minutes, or no samples (GUNICORN_PID unset?)"
    print()
    print(f"zero errors? {'yes' if verdicts['zero errors'] else 'NO'}: {record.errors_total} errors "
          f"({record.errors_in_warmup} in the warm-up) of {sum(len(v) for v in record.latencies.values())} measured requests")
    for sample in record.error_samples:
        print(f"    {sample}")
    print(f"p95 last minute vs first within 20%? {_yes(verdicts.get('p95 last minute within 20% of the first'))}: {p95_text}")
    print(f"memory flat? {_yes(verdicts.get('memory flat (last minute at most 10% above the first)'))}: {memory_text}")
    report = os.environ.get("RELIABILITY_REPORT")
    if report:
        Path(report).write_text(json.dumps({
            "rate": RATE, "users": USERS, "warmup_seconds": WARMUP, "mix": MIX, "minutes": rows,
            "errors_total": record.errors_total, "error_samples": record.error_samples,
            "worker_processes_seen": len(record.worker_pids), "verdicts": verdicts,
        }, ensure_ascii=False, indent=1))
    environment.process_exit_code = 0 if all(verdicts.values()) else 1
