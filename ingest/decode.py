"""Bytes of an uploaded or ingested file → page text, or a clear reason why not."""

from __future__ import annotations

import hashlib

from charset_normalizer import from_bytes


class UnreadableFile(ValueError):
    """The file cannot be read as page text; the message says why, for the editor."""


# GB 18030 covers GBK and GB 2312; Big5 for papers from Taiwan and Hong Kong.
_PREFERRED = ("utf_8", "gb18030", "big5", "utf_16")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, *, max_bytes: int | None = None) -> str:
    """Decode page text: UTF-8 (with or without BOM) first, else the detected encoding.

    Raises UnreadableFile for an empty, oversized or binary file.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFile(f"file is {len(data):,} bytes, more than the {max_bytes:,} allowed for one page")
    if not data.strip():
        raise UnreadableFile("file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _detect(data)
    if "\x00" in text:
        raise UnreadableFile("file holds NUL bytes: it is binary, not extracted page text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("file has no text")
    return text


def _detect(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableFile("file holds NUL bytes: it is binary, not extracted page text")
    matches = from_bytes(data, cp_isolation=list(_PREFERRED))
    best = matches.best()
    if best is None:
        matches = from_bytes(data)
        best = matches.best()
    if best is None:
        raise UnreadableFile("file is not text in UTF-8, GB 18030 or Big5")
    return str(best)
