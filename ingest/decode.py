"""Bytes of an uploaded or ingested file → page text, or a clear reason why not."""

from __future__ import annotations

import codecs
import hashlib

from charset_normalizer import from_bytes


class UnreadableFile(ValueError):
    """The file cannot be read as page text; the message says why, for the editor."""


# GB 18030 covers GBK and GB 2312; Big5 for papers from Taiwan and Hong Kong.
_PREFERRED = ("utf_8", "gb18030", "big5", "utf_16")

_BINARY = "file holds NUL bytes: it is binary, not extracted page text"

# A UTF-16 guess without a BOM is taken only when nearly every character is one a page of
# Chinese text is made of: random bytes read as UTF-16 land all over the BMP (Hangul, private
# use, symbols), GB 18030 bytes read as UTF-16 mostly land in Hangul or surrogates.
_UTF16_MIN_PLAUSIBLE = 0.97
_UTF16_SAMPLE_CHARS = 20_000


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, *, max_bytes: int | None = None) -> str:
    """Decode page text.

    UTF-8 (with or without BOM) first; then UTF-16 with a BOM, or without one (little- or
    big-endian) when the bytes read as plausible text only that way; else the encoding
    charset_normalizer detects among GB 18030 and Big5. Line ends become ``\\n``.

    Raises UnreadableFile for an empty, oversized or binary file.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFile(f"file is {len(data):,} bytes, more than the {max_bytes:,} allowed for one page")
    if not data.strip():
        raise UnreadableFile("file is empty")
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFile(_BINARY)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("file has no text")
    return text


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            return data.decode("utf-16")  # the BOM says which end comes first; it is dropped
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    # UTF-16 of ASCII and of many CJK characters (U+4E00–U+7FFF) is also valid UTF-8, with NULs:
    # such "UTF-8" is checked as UTF-16 before it is refused as binary.
    if text is not None and "\x00" not in text:
        return text
    guess = _utf16_without_bom(data)
    if guess is not None:
        return guess
    if text is not None or b"\x00" in data[:4096]:
        raise UnreadableFile(_BINARY)
    return _detect(data)


def _plausible(ch: str) -> bool:
    """A character a page of Chinese newspaper text is made of."""
    cp = ord(ch)
    return (
        0x20 <= cp <= 0x7E
        or ch in "\n\r\t"
        or 0xA0 <= cp <= 0xFF  # Latin-1: · × ° and the like
        or 0x2000 <= cp <= 0x206F  # general punctuation: — … ‘ ’ “ ”
        or 0x2100 <= cp <= 0x27BF  # letterlike, numbers (①), arrows, boxes, shapes (■ ●), dingbats
        or 0x3000 <= cp <= 0x303F  # CJK punctuation: 、 。 《 》 【 】
        or 0x3400 <= cp <= 0x4DBF  # CJK extension A
        or 0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms: （ ） ， ： ０-９
    )


def _score(text: str) -> float:
    sample = text[:_UTF16_SAMPLE_CHARS]
    return sum(map(_plausible, sample)) / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """The text if the bytes are UTF-16 (LE or BE) without a BOM, else None."""
    if len(data) % 2:
        return None
    best: tuple[float, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:  # lone surrogates: not this byte order
            continue
        # A page has lines; GB 18030 or Big5 bytes read as UTF-16 almost never give a line feed.
        if "\x00" in text or "\n" not in text and "\r" not in text:
            continue
        score = _score(text)
        if score >= _UTF16_MIN_PLAUSIBLE and (best is None or score > best[0]):
            best = (score, text)
    return None if best is None else best[1]


def _detect(data: bytes) -> str:
    matches = from_bytes(data, cp_isolation=list(_PREFERRED))
    best = matches.best()
    if best is None:
        matches = from_bytes(data)
        best = matches.best()
    if best is None:
        raise UnreadableFile("file is not text in UTF-8, UTF-16, GB 18030 or Big5")
    return str(best)
