"""Open-loop load at a fixed rate: requests start on a schedule, whatever the server's answers.

    .venv/bin/python bench/open_load.py http://127.0.0.1:8001 paths.txt --rate 50 --duration 30

wrk (bench/serve_load.sh) is closed-loop: each of its connections sends the next request when
the last answer arrives, so it pushes the server to the most it can do and measures latency at
that saturation, with queues as long as its connections. "Serves 50 requests a second with p95
under 200 ms" is a question about a given rate of readers, who do not wait for each other:
here requests arrive at that rate (Poisson arrivals by default, as from many independent
readers; ``--arrivals uniform`` for evenly spaced ones), each is timed from the moment it was due
to be sent — so a request held back because every connection was busy counts its wait, as
wrk2 does — and the paths are cycled as by bench/wrk_paths.lua.

Prints the rate achieved, latency percentiles, statuses and this process's own CPU (it shares
the machine with the server).
"""

from __future__ import annotations

import argparse
import http.client
import queue
import random
import resource
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="http://host:port")
    parser.add_argument("paths", help="file of request paths, one per line, percent-encoded")
    parser.add_argument("--rate", type=float, default=50.0, help="requests a second (default 50)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of arrivals (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds at the rate before timing (default 5)")
    parser.add_argument("--arrivals", choices=("poisson", "uniform"), default="poisson")
    parser.add_argument("--connections", type=int, default=64, help="most requests in flight (default 64)")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with open(args.paths, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    if not paths:
        raise SystemExit(f"{args.paths}: no paths")
    url = urlsplit(args.base)
    rng = random.Random(args.seed)

    due: queue.Queue = queue.Queue()
    results: list[tuple[float, float, int]] = []  # (due time, latency s, status; 0 = failed)
    lock = threading.Lock()

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            item = due.get()
            if item is None:
                return
            at, path = item
            status = 0
            for _attempt in range(2):  # a kept-alive connection the server closed: once more, afresh
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=args.timeout)
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    break
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
            done = time.perf_counter()
            with lock:
                results.append((at, done - at, status))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    for t in threads:
        t.start()

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    end = start + args.warmup + args.duration
    at, i = start, 0
    while at < end:
        now = time.perf_counter()
        if at > now:
            time.sleep(at - now)
        due.put((at, paths[i % len(paths)]))
        i += 1
        at += rng.expovariate(args.rate) if args.arrivals == "poisson" else 1 / args.rate
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join(args.timeout * 2)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)

    timed = [(a, lat, s) for a, lat, s in results if a >= start + args.warmup]
    latencies = [lat * 1000 for _, lat, s in timed]
    statuses = Counter(s for _, _, s in timed)
    span = max(a for a, _, _ in timed) - min(a for a, _, _ in timed) if len(timed) > 1 else float("nan")
    cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / max(len(results), 1) * 1000
    print(
        f"open loop, {args.arrivals} arrivals at {args.rate:g}/s for {args.duration:g} s (after {args.warmup:g} s):"
        f" {len(timed)} requests, {len(timed) / span if span == span else float('nan'):.1f} req/s sent;"
        f" latency ms from the due time p50 {percentile(latencies, 50):.1f} p95 {percentile(latencies, 95):.1f}"
        f" p99 {percentile(latencies, 99):.1f} max {max(latencies, default=float('nan')):.1f};"
        f" statuses {' '.join(f'{k}={v}' for k, v in sorted(statuses.items()))};"
        f" this client's CPU {cpu:.2f} ms a request"
    )


if __name__ == "__main__":
    main()
