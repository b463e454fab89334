"""gunicorn's settings, for `manage.py serve` and the Docker image (`gunicorn -c python:archive.gunicorn_conf`).

Worker model: gthread. The site's slow requests are waits, not work — a search waiting on
PostgreSQL, a bulk export streaming a year of a paper, a client on a slow line reading it. With
sync workers each of those holds a whole process, so two slow clients on two workers stalled
everything, `/healthz` included, for as long as they lasted. A gthread worker serves `threads`
requests at once (Django's database connections are per thread) and parks idle keep-alive
connections in its poller instead of a thread, so a few slow clients take a few threads and the
rest keep answering. Threads share one interpreter, which is fine for requests that mostly wait;
CPU-heavy work (ingest) runs in `manage.py ingest`, not in requests.

The environment overrides these (GUNICORN_CMD_ARGS="--workers 4 --threads 8"), and the command
line both (`manage.py serve --workers N --threads N`).
"""

worker_class = "gthread"
workers = 2
# Per worker. Workers × threads is also the number of database connections the site may hold
# (CONN_MAX_AGE keeps one per thread): 2 × 4 = 8, well inside PostgreSQL's default 100.
threads = 4

# With gthread the worker's main loop reports to the master between requests whatever its threads
# are doing, so `timeout` does not cut off one slow request (which sync workers did, killing the
# whole process); it restarts a worker whose process is stuck (a C call holding the interpreter).
# 30 s is far above any healthy pause of the loop.
timeout = 30
# On SIGTERM (a deploy, `docker stop`) requests under way get this long to finish before the
# worker is killed: a search takes well under a second; an export streams for longer but may be
# fetched again. Kept below Docker's default 10 s stop grace so the master exits cleanly itself.
graceful_timeout = 8
# Idle keep-alive connections (behind a proxy, or a browser) are held this long without a thread.
keepalive = 5

# The request line and headers are bounded here (the body is bounded by the app: uploads by
# UPLOAD_MAX_REQUEST_BYTES on Content-Length, everything else by DATA_UPLOAD_MAX_MEMORY_SIZE).
# 8190 is gunicorn's largest request line: a search URL with several filters in percent-encoded
# Chinese (9 bytes a character) can pass its default 4094.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Workers are replaced after this many requests (staggered), so that slow growth in a worker's
# memory (caches, fragmentation) never accumulates over a long run. Not much more often: a new
# worker starts with empty caches (pages, the home summary), and at 200 requests a second 2,000
# meant a restart every few seconds.
max_requests = 20000
max_requests_jitter = 2000
# The application (Django, jieba's dictionary and keyword table: about 2 s of CPU) is loaded once
# in the master and shared by the workers it forks, so a replaced worker answers at once instead
# of taking a core for seconds. Nothing opens a database connection while loading.
preload_app = True

accesslog = "-"

# gunicorn 25+ opens a control socket for `gunicornc`, one path for every server of the user
# ($HOME/.gunicorn/gunicorn.ctl): a second site on the machine took it, and stopping one removed
# the other's. Nothing here uses it; signals (HUP, TERM, TTIN/TTOU) still manage the master.
control_socket_disable = True
