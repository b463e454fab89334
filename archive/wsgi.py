"""WSGI entry point for gunicorn."""

import os

import jieba
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

# jieba reads its dictionary (about a second) on first use; an article page's related stories
# use it, so load it as the worker starts rather than inside a reader's request.
jieba.initialize()
