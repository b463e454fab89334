"""The shape of the code: which module may import which."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_ingest_is_plain_python_and_no_django_app():
    assert not (ROOT / "ingest" / "apps.py").exists()
    assert not (ROOT / "ingest" / "management").exists()
    for path in (ROOT / "ingest").glob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] in {"django", "articles", "archive"}}
        assert not bad, (path.name, bad)


def test_the_search_sql_does_not_import_the_models():
    # articles/models.py imports articles/search.py; the other way would be a cycle.
    code = "import sys, articles.search; print('articles.models' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_only_the_writer_writes_pages_and_articles():
    # Other modules call articles.writer; none creates or deletes these rows itself.
    writes = ("Page.objects.create", "Article.objects.create", "Article.objects.bulk_create", "COPY ")
    for path in (ROOT / "articles").rglob("*.py"):
        if path.name == "writer.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for write in writes:
            assert write not in text, (path.relative_to(ROOT), write)
