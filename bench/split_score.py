"""Print the splitter's figures on the seeds against the hand-made expected splits.

Usage: .venv/bin/python bench/split_score.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.scoring import score_seeds  # noqa: E402
from ingest.splitter import split_page  # noqa: E402

BARS = {"boundaries": 0.95, "titles": 0.90, "bylines": 0.95, "captions": 0.95, "paragraphs": 0.95}
MAX_SPURIOUS = 0.05


def main() -> int:
    score = score_seeds(ROOT / "seeds", ROOT / "tests" / "expected", split_page)
    ok = True
    for name, value in score.figures().items():
        tally = getattr(score, name)
        if name == "spurious":
            passed = value <= MAX_SPURIOUS
            bar = f"<= {MAX_SPURIOUS:.0%}"
        else:
            passed = value >= BARS[name]
            bar = f">= {BARS[name]:.0%}"
        ok &= passed
        print(f"{name:11} {value:7.1%}  ({tally.right}/{tally.total})  bar {bar}  {'ok' if passed else 'BELOW BAR'}")
    if "-v" in sys.argv or not ok:
        for miss in score.misses:
            print("  miss:", miss)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
