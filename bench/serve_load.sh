#!/usr/bin/env bash
# Load test of the served pages (issue 11, "Quality bars → Speed"): gunicorn with the production
# settings (archive/gunicorn_conf.py: gthread, 2 workers × 4 threads; whitenoise manifest storage,
# DEBUG off) on 127.0.0.1, and wrk over each kind of page, cycling through distinct paths
# (bench/serve_paths.py lists them from the database, bench/wrk_paths.lua cycles them).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load bench/serve_load.sh
#
# The database is one loaded by bench/search_bench.py --keep (100,000 articles for the issue's bar).
# Environment: PORT (8001), DURATION (20s), WARMUP (5s), THREADS (2), CONNECTIONS (8), TIMEOUT (10s), KINDS.
# Static files are collected into a temporary folder (bench/serve_settings.py), not the work tree.
# The search rate limit (60/min per client address) is raised for the run, since wrk is one
# address standing in for many readers; the limit's counters (the database cache) are still kept.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the loaded bench database}"
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

# As archive/management/commands/serve.py runs it (gunicorn_argv), pid kept to stop it by id.
.venv/bin/gunicorn archive.wsgi:application --config python:archive.gunicorn_conf \
    --bind "127.0.0.1:$PORT" --workers 2 --threads 4 > "$WORK/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done

echo "machine: $(nproc) cpus; $(git rev-parse --short HEAD) + work tree; $(date -u +%FT%TZ)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT --latency (after a $WARMUP warm-up per kind)"
for kind in $KINDS; do
    paths="$WORK/$kind.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$paths" > /dev/null
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "=== $kind: $(wc -l < "$paths") paths, load average before: $load"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency -s bench/wrk_paths.lua \
        "http://127.0.0.1:$PORT" -- "$paths" | tee "$WORK/$kind.wrk"
done
echo "paths, wrk output and gunicorn's log: $WORK"
