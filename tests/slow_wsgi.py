"""A WSGI app for tests/test_worker_model.py: /slow holds its thread for SLOW seconds (a client on
a slow line, a long export), /healthz answers at once."""

import time

SLOW = 3.0


def application(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(SLOW)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
