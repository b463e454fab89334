"""Print the split of one page in a compact, readable form (a debugging aid)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.splitter import split_page  # noqa: E402


def main(path: str) -> None:
    page = split_page(Path(path).read_text(encoding="utf-8"))
    for n, a in enumerate(page.articles):
        print(f"--- #{n} lines {a.lines[0]}-{a.lines[-1]} section={a.section!r}")
        print(f"  K={a.kicker!r} H={a.headline!r} S={a.subheadline!r}")
        print(f"  by={a.byline} text={a.byline_text!r} src={a.source!r} cont={a.continued} warn={[w.value for w in a.warnings]}")
        for b in a.blocks:
            print(f"  [{b.kind.value}] {b.text[:50]}{'…' if len(b.text) > 50 else ''} ({len(b.text)})")
        for c in a.captions:
            print(f"  [cap] {c.text[:50]!r} credit={c.credit!r} lines={c.lines}")
    for f in page.furniture:
        print(f"  [furniture {f.kind.value}] {f.line}: {f.text}")


if __name__ == "__main__":
    main(sys.argv[1])
