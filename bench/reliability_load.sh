#!/usr/bin/env bash
# The long load of issue 12 (docs/RELIABILITY.md): a steady rate of readers over a realistic mix —
# search with and without filters, article, county, paper, issue and page pages, feeds, the API —
# against gunicorn on 127.0.0.1 as production runs it (archive/gunicorn_conf.py: gthread, 2 workers
# × 4 threads, DEBUG off, collected static files), driven by locust (bench/reliability_load.py).
# Prints per-minute requests, errors, p50/p95/p99 and the resident memory of gunicorn's master and
# workers, then: zero errors? p95 of the last minute within 20% of the first? memory flat?
# Exits 1 when any of the three is no.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load bench/reliability_load.sh
#
# The database is one kept by bench/search_bench.py --keep (see docs/PERFORMANCE.md); any migrated
# database with published pages works. Needs locust: .venv/bin/pip install -e '.[bench]'.
# Environment: DURATION (600, seconds measured), WARMUP (30, seconds before measuring), RATE (12,
# requests a second in all), USERS (16), PORT (8002), WORKERS (2), THREADS (4), OUT (a folder for
# the report, paths and logs; default a new temporary one).
# The rate limits are raised for the run: locust is one address standing in for many readers.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the loaded bench database}"
DURATION=${DURATION:-600}
WARMUP=${WARMUP:-30}
RATE=${RATE:-12}
USERS=${USERS:-16}
PORT=${PORT:-8002}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-4}
OUT=${OUT:-$(mktemp -d /tmp/reliability-load.XXXXXX)}
mkdir -p "$OUT/paths"
if [ ! -x .venv/bin/locust ]; then
    echo "locust is not installed: .venv/bin/pip install -e '.[bench]'" >&2
    exit 2
fi

export DATABASE_URL DJANGO_SETTINGS_MODULE=bench.serve_settings BENCH_STATIC_ROOT="$OUT/static"
export DEBUG=0 SECRET_KEY="reliability-load-$(date +%s)-not-secret" ALLOWED_HOSTS=127.0.0.1
export RATE_LIMIT_SEARCH=1000000/m RATE_LIMIT_API=1000000/m

.venv/bin/python manage.py collectstatic --noinput -v0
# The paths: bench/serve_paths.py's lists (the load test of issue 11), searches split by filter,
# feeds and API searches made from them.
for kind in county paper issue page article; do
    .venv/bin/python bench/serve_paths.py "$kind" > "$OUT/paths/$kind.txt"
done
.venv/bin/python bench/serve_paths.py search > "$OUT/paths/all_search.txt"
grep -v -E '[?&](county|sort|page)=' "$OUT/paths/all_search.txt" > "$OUT/paths/search.txt" || true
grep -E '[?&](county|sort|page)=' "$OUT/paths/all_search.txt" > "$OUT/paths/search_filtered.txt" || true
{
    echo "/feeds/latest/"
    sed -n '1,20s#^/counties/#/feeds/counties/#p' "$OUT/paths/county.txt"
    sed -n '1,20s#^/search?#/feeds/search?#p' "$OUT/paths/search.txt"
} > "$OUT/paths/feed.txt"
sed 's#^/search?#/api/articles?#' "$OUT/paths/search.txt" > "$OUT/paths/api.txt"

# As `manage.py serve` runs it: the command line from gunicorn_argv in
# articles/management/commands/serve.py (as tests/test_outage_server.py does); its pid kept to
# stop it by id and to find its workers.
mapfile -t GUNICORN_ARGV < <(.venv/bin/python -c '
import sys
from articles.management.commands.serve import gunicorn_argv
print("\n".join(gunicorn_argv(sys.argv[1], workers=int(sys.argv[2]), threads=int(sys.argv[3]))))
' "127.0.0.1:$PORT" "$WORKERS" "$THREADS")
.venv/bin/python -m "${GUNICORN_ARGV[@]}" > "$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "gunicorn did not start: $OUT/gunicorn.log" >&2; exit 2; }

echo "machine: $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD) + work tree; $(date -u +%FT%TZ)"
echo "database: ${DATABASE_URL##*/}; paths: $(wc -l < "$OUT/paths/article.txt") articles, $(wc -l < "$OUT/paths/search.txt") + $(wc -l < "$OUT/paths/search_filtered.txt") searches, $(wc -l < "$OUT/paths/feed.txt") feeds"
echo "locust: $USERS users, $RATE req/s in all, ${WARMUP} s warm-up + ${DURATION} s measured; gunicorn $WORKERS workers × $THREADS threads on 127.0.0.1:$PORT"
status=0
# 5 s beyond the measured minutes, so that the last one is whole (a partial minute is not reported).
RELIABILITY_PATHS="$OUT/paths" GUNICORN_PID=$GUNICORN RELIABILITY_RATE=$RATE RELIABILITY_USERS=$USERS \
RELIABILITY_WARMUP=$WARMUP RELIABILITY_REPORT="$OUT/report.json" \
    .venv/bin/locust -f bench/reliability_load.py --headless --only-summary --loglevel WARNING \
    -u "$USERS" -r "$USERS" -t "$((WARMUP + DURATION + 5))s" --stop-timeout 10 \
    --host "http://127.0.0.1:$PORT" || status=$?
echo "report, paths and gunicorn's log: $OUT"
exit "$status"
