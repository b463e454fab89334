#!/usr/bin/env bash
# Load test of the served pages (issue 11, "Quality bars → Speed"): gunicorn with the production
# settings (archive/gunicorn_conf.py: gthread, 2 workers × 4 threads; whitenoise manifest storage,
# DEBUG off) on 127.0.0.1, and wrk over each kind of page, cycling through distinct paths
# (bench/serve_paths.py lists them from the database, bench/wrk_paths.lua cycles them).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load bench/serve_load.sh
#
# The database is one loaded by bench/search_bench.py --keep (100,000 articles for the issue's bar).
# Environment: PORT (8001), DURATION (20s), WARMUP (5s), THREADS (2), CONNECTIONS (8), TIMEOUT (10s), KINDS,
# WORKERS (2) and WORKER_THREADS (4): gunicorn's, as archive/gunicorn_conf.py has them.
# OPEN_RATE (e.g. 50): after wrk, each kind again at that fixed rate of arrivals (bench/open_load.py:
# open loop, latency from the time each request was due), for OPEN_DURATION (30) seconds.
# wrk holds its connections open (keep-alive) for the whole run, and each stays with the worker
# that accepted it: the split is printed per kind, since a run where one worker holds most of
# them has that worker's one interpreter doing most of the Python (docs/PERFORMANCE.md).
# The site's own settings pass through: PAGE_CACHE_SECONDS=0 measures the reader pages made afresh
# on every request (articles/page_cache.py keeps them per worker otherwise).
# Static files are collected into a temporary folder (bench/serve_settings.py), not the work tree.
# The search rate limit (60/min per client address) is raised for the run, since wrk is one
# address standing in for many readers; the limit's counters (a memory cache per worker) are still kept.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the loaded bench database}"
command -v wrk > /dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
PORT=${PORT:-8001}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
TIMEOUT=${TIMEOUT:-10s}  # wrk drops slower answers from its latency figures (its default is 2 s)
KINDS=${KINDS:-"home county paper issue page article search"}
WORK=$(mktemp -d /tmp/serve-load.XXXXXX)

export DATABASE_URL DJANGO_SETTINGS_MODULE=bench.serve_settings BENCH_STATIC_ROOT="$WORK/static"
export DEBUG=0 SECRET_KEY="serve-load-$(date +%s)-not-secret" ALLOWED_HOSTS=127.0.0.1
export RATE_LIMIT_SEARCH=1000000/m RATE_LIMIT_API=1000000/m

.venv/bin/python manage.py collectstatic --noinput -v0
for kind in $KINDS; do
    .venv/bin/python bench/serve_paths.py "$kind" > "$WORK/$kind.txt"
done

# As articles/management/commands/serve.py runs it (gunicorn_argv), pid kept to stop it by id;
# gunicorn's access log format with the worker's pid added.
.venv/bin/gunicorn archive.wsgi:application --config python:archive.gunicorn_conf \
    --bind "127.0.0.1:$PORT" --workers "${WORKERS:-2}" --threads "${WORKER_THREADS:-4}" \
    --access-logformat '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s' \
    > "$WORK/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done

# CPU time (clock ticks) of gunicorn's workers and of this database's server processes, and the
# requests in the access log: read before and after each run, they give the CPU a request costs,
# which the other work on a shared machine disturbs far less than the rate.
cpu_now() {
    local pids ticks=(0 0) i=0
    for pids in "$(pgrep -P "$GUNICORN" | tr '\n' ' ')" \
        "$(psql "$DATABASE_URL" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" | tr '\n' ' ')"; do
        for pid in $pids; do
            [ -r "/proc/$pid/stat" ] && ticks[i]=$((ticks[i] + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
        done
        i=$((i + 1))
    done
    # Backends that ended since (the site closes a connection after CONN_MAX_AGE, 60 s) took
    # their CPU with them: the server's main process holds it as its children's (cutime + cstime).
    # Likewise a gunicorn worker replaced after max_requests: its master holds its CPU.
    ticks[0]=$((ticks[0] + $(awk '{print $16 + $17}' "/proc/$GUNICORN/stat")))
    local postmaster
    postmaster=$(head -1 "$(psql "$DATABASE_URL" -Atc "SHOW data_directory")/postmaster.pid" 2>/dev/null || true)
    [ -r "/proc/$postmaster/stat" ] && ticks[1]=$((ticks[1] + $(awk '{print $16 + $17}' "/proc/$postmaster/stat")))
    echo "${ticks[0]} ${ticks[1]} $(grep -c '" [0-9][0-9][0-9] ' "$WORK/gunicorn.log")"
}
cpu_per_request() {  # before after: "gunicorn X ms, PostgreSQL Y ms of CPU a request"
    read -r g0 p0 n0 <<< "$1"; read -r g1 p1 n1 <<< "$2"
    awk -v g=$((g1 - g0)) -v p=$((p1 - p0)) -v n=$((n1 - n0)) -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n > 0) printf "CPU a request: gunicorn %.1f ms, PostgreSQL %.1f ms (%d requests)\n", g * 1000 / hz / n, p * 1000 / hz / n, n }'
}

echo "machine: $(nproc) cpus; $(git rev-parse --short HEAD) + work tree; $(date -u +%FT%TZ)"
# The machine's speed, to read figures from different machines side by side (docs/PERFORMANCE.md):
# the same code's CPU a request varies about as this does.
echo "machine speed: $(.venv/bin/python -c 'import time
s = time.process_time(); x = 0
for i in range(10_000_000): x += i
print(f"{time.process_time() - s:.2f}")') s of CPU for 10,000,000 Python additions"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT --latency (after a $WARMUP warm-up per kind)"
for kind in $KINDS; do
    paths="$WORK/$kind.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$paths" > /dev/null
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "=== $kind: $(wc -l < "$paths") paths, load average before: $load"
    before=$(cpu_now)
    lines=$(wc -l < "$WORK/gunicorn.log")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency -s bench/wrk_paths.lua \
        "http://127.0.0.1:$PORT" -- "$paths" | tee "$WORK/$kind.wrk"
    cpu_per_request "$before" "$(cpu_now)"
    echo "requests per worker: $(tail -n +"$((lines + 1))" "$WORK/gunicorn.log" | grep -o '" <[0-9]*>$' | sort | uniq -c | awk '{printf "%s%s %d", sep, $3, $1; sep=", "}')"
    if [ -n "${OPEN_RATE:-}" ]; then
        before=$(cpu_now)
        .venv/bin/python bench/open_load.py "http://127.0.0.1:$PORT" "$paths" --rate "$OPEN_RATE" \
            --duration "${OPEN_DURATION:-30}" | tee "$WORK/$kind.open"
        cpu_per_request "$before" "$(cpu_now)"
    fi
done
echo "paths, wrk output and gunicorn's log: $WORK"
