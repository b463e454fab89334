"""WSGI entry point for gunicorn."""

import logging
import os

import jieba
import jieba.analyse  # noqa: F401 (reads its IDF table on import: related stories' keywords)
from django.core.wsgi import get_wsgi_application

from ingest.gazetteer import Gazetteer
from ingest.tokens import warm_fold

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

# jieba logs its start-up at DEBUG through a handler of its own, and the root's prints it again:
# every worker's start wrote the same lines twice, whatever LOG_LEVEL said.
jieba.setLogLevel(logging.WARNING)
# jieba reads its dictionary (about a second) on first use, and its keyword extraction an IDF
# table; an article page's related stories use both, so load them as the worker starts rather
# than inside a reader's request.
jieba.initialize()
# Likewise the gazetteer (county pages name the townships their stories mention), and fold()'s
# code-point array (every search result's snippet folds its text).
Gazetteer.default()
warm_fold()
