"""The server's worker model: a few slow clients cannot starve the others (archive/gunicorn_conf.py).

A real gunicorn with the site's configuration, on one worker so that nothing but its threads can
help, serves a small app whose /slow holds a thread for seconds."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archive import gunicorn_conf
from articles.management.commands.serve import gunicorn_argv
from tests.slow_wsgi import SLOW

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 10) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200
        response.read()
    return time.monotonic() - started


@pytest.fixture
def server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.slow_wsgi:application", "--config", "python:archive.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "/dev/null"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _get(f"{base}/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"gunicorn did not start: {proc.stderr.read().decode() if proc.poll() is not None else ''}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=gunicorn_conf.graceful_timeout + 5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_healthz_answers_fast_while_slow_clients_hold_the_worker(server):
    slow_clients = gunicorn_conf.threads - 1
    with ThreadPoolExecutor(slow_clients) as pool:
        held = [pool.submit(_get, f"{server}/slow") for _ in range(slow_clients)]
        time.sleep(0.5)  # all of them inside the worker now
        assert not any(f.done() for f in held)
        took = [_get(f"{server}/healthz") for _ in range(5)]
        assert max(took) < 0.5, took
        assert all(f.result() >= SLOW - 0.1 for f in held)


def test_serve_and_the_image_run_gthread_workers_from_the_configuration():
    argv = gunicorn_argv("127.0.0.1:8000", workers=2, threads=4)
    assert argv[argv.index("--config") + 1] == "python:archive.gunicorn_conf"
    assert "--config python:archive.gunicorn_conf" in (ROOT / "Dockerfile").read_text()
    assert gunicorn_conf.worker_class == "gthread" and gunicorn_conf.threads >= 2
    # Between the request-line bound gunicorn allows and what a filtered Chinese search URL needs.
    assert 4094 < gunicorn_conf.limit_request_line <= 8190
    assert gunicorn_conf.graceful_timeout < 10 <= gunicorn_conf.timeout  # inside Docker's stop grace


def test_serve_leaves_workers_and_threads_to_gunicorn_unless_given():
    # Given on the command line they would beat GUNICORN_CMD_ARGS="--workers 4 --threads 8".
    assert "--workers" not in gunicorn_argv("127.0.0.1:8000") and "--threads" not in gunicorn_argv("127.0.0.1:8000")
    argv = gunicorn_argv("127.0.0.1:8000", workers=3)
    assert argv[argv.index("--workers") + 1] == "3" and "--threads" not in argv


@pytest.mark.parametrize("args", [["--workers", "0"], ["--threads", "0"], ["--port", "70000"]])
def test_serve_refuses_a_server_that_could_never_answer(args):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=args[0]):
        call_command("serve", *args)  # refused before it migrates or loads anything


def test_serve_refuses_a_port_another_server_listens_on_before_it_prepares_anything():
    import socket

    from django.core.management import CommandError, call_command

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("serve", "--port", str(port))  # no migrate, no seeds, no gunicorn retries


def test_the_image_carries_the_english_translations():
    assert "COPY locale ./locale" in (ROOT / "Dockerfile").read_text()


def test_each_thread_checks_its_kept_connection(settings):
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database.get("CONN_MAX_AGE", 0) <= 60
