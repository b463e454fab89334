"""Pages of other papers: the tuned sets stay right, and the held-out set is only measured.

tests/unseen, unseen2 and unseen3 were used to tune the splitter (their READMEs say so): they are
regression tests now. tests/unseen4 is still held out, so no test asserts its figures here —
bench/split_score.py --dir tests/unseen4 reports them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.manifest import read_manifest
from ingest.pipeline import parse_page
from ingest.scoring import score_seeds

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("name", ["unseen", "unseen2", "unseen3"])
def test_tuned_page_sets_split_as_expected(name):
    folder = TESTS / name
    manifest = read_manifest(folder)

    def parse(text: str, file: str):
        entry = manifest.get(file)
        return parse_page(text, hint_prefectures=[entry.prefecture] if entry and entry.prefecture else [])

    score = score_seeds(folder, folder, parse)
    figures = score.figures()
    assert figures["boundaries"] == 1.0 and figures["titles"] == 1.0 and figures["bylines"] == 1.0, score.misses
    assert figures["spurious"] == 0.0, score.misses
