"""The splitter's fast paths give what the plain ones give: ``lines.compact()`` (split and join
instead of a regular expression) for every code point and every line of the hand-made pages."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    p for d in ("seeds", "tests/unseen", "tests/unseen2", "tests/unseen3", "tests/unseen4", "tests/unseen5") for p in (ROOT / d).glob("*.txt")
)


def test_compact_is_the_regex_version():
    """lines.compact() drops what ``\\s+`` drops, for every code point and mixed strings."""
    from ingest.lines import _SPACE_RE, compact

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert compact(every) == _SPACE_RE.sub("", every)
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    for ch in spaces:
        for text in (ch, "甲" + ch + "乙", ch * 3 + "a b" + ch, "\ud800" + ch):
            assert compact(text) == _SPACE_RE.sub("", text)
    for path in PAGES:
        for line in path.read_text(encoding="utf-8").splitlines():
            assert compact(line) == _SPACE_RE.sub("", line)
