"""manage.py split --json: the parse alone, no database, every line accounted for."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import SEED_FILES


def split_json(path) -> dict:
    out = StringIO()
    # No django_db mark: pytest-django fails the test on any database access.
    call_command("split", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_split_accounts_for_every_line_of_each_seed(path):
    result = split_json(path)
    assert result["file"] == str(path)
    lines = [n for a in result["articles"] for n in a["lines"]] + [f["line"] for f in result["furniture"]]
    expected = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.strip()]
    assert sorted(lines) == expected
    assert len(lines) == len(set(lines))


def test_split_json_has_the_documented_shape():
    result = split_json(SEED_FILES[1])
    keys = {"kicker", "headline", "subheadline", "byline", "body", "intertitles", "captions", "counties", "section", "lines"}
    for article in result["articles"]:
        assert keys <= set(article)
        assert isinstance(article["byline"], list)
        assert all(set(c) == {"text", "credit", "credit_text"} for c in article["captions"])
    assert all(set(f) == {"line", "kind", "text"} for f in result["furniture"])


def test_split_runs_without_any_database(tmp_path):
    # A process with no DATABASE_URL and an unusable embedded data folder still splits.
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "EMBEDDED_PGDATA": str(tmp_path / "never-created")}
    proc = subprocess.run(
        [sys.executable, "manage.py", "split", str(SEED_FILES[0]), "--json"],
        capture_output=True, text=True, env=env, check=False,
        cwd=SEED_FILES[0].parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["articles"]
    assert not (tmp_path / "never-created").exists()


def test_split_of_a_binary_file_says_why(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff" * 10)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="bad.txt: file holds NUL bytes"):
        call_command("split", str(bad), "--json", stdout=StringIO())


def test_split_refuses_a_prefecture_that_ingest_would_refuse(tmp_path):
    from django.core.management import CommandError

    page = tmp_path / "p.txt"
    page.write_text("介休市召开会议\n本报讯 会议召开。\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--prefecture: prefecture 'zzz' is not a four-digit code"):
        call_command("split", str(page), "--prefecture", "zzz", stdout=StringIO())
    call_command("split", str(page), "--prefecture", "1407", stdout=StringIO())  # a code as ingest takes it
