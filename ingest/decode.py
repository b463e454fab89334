"""Bytes of an uploaded or ingested file → page text, or a clear reason why not."""

from __future__ import annotations

import codecs
import hashlib
import re

from charset_normalizer import from_bytes

from ingest.tokens import strip_controls


class UnreadableFile(ValueError):
    """The file cannot be read as page text; the message says why, for the editor.

    The message is English (the command prints it); ``zh`` is the same in Chinese with
    ``%(name)s`` slots filled from ``params``, for the upload page and the API to translate
    (its msgids are listed in articles/ingest_text.py).
    """

    def __init__(self, message: str, zh: str = "", **params: object) -> None:
        super().__init__(message)
        self.zh = zh
        self.params = params


# GB 18030 covers GBK and GB 2312; Big5 for papers from Taiwan and Hong Kong.
_PREFERRED = ("utf_8", "gb18030", "big5", "utf_16")

_BINARY = "file holds NUL bytes: it is binary, not extracted page text"
_BINARY_ZH = "文件含有 NUL 字节：这是二进制文件，不是提取出的版面文字"
# Text with a few NULs (an extractor's leftovers) is not binary: the refusal says where they are.
_FEW_NULS = 0.01

# A UTF-16 guess without a BOM is taken only when nearly every character is one a page of
# Chinese text is made of: random bytes read as UTF-16 land all over the BMP (Hangul, private
# use, symbols), GB 18030 bytes read as UTF-16 mostly land in Hangul or surrogates.
_UTF16_MIN_PLAUSIBLE = 0.97
_UTF16_SAMPLE_CHARS = 20_000


# Line breaks other than CR and LF: VT, FF, FS, GS, RS, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR
# (what str.splitlines breaks at).
_LINE_BREAKS_RE = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, *, max_bytes: int | None = None, max_lines: int | None = None) -> str:
    """Decode page text.

    UTF-8 (with or without BOM) first; then UTF-16 with a BOM, or without one (little- or
    big-endian) when the bytes read as plausible text only that way; else the encoding
    charset_normalizer detects among GB 18030 and Big5, never another. Line ends become ``\\n``,
    and so do the other characters that break a line (``_LINE_BREAKS_RE``: the form feed PDF
    extraction puts between pages, NEL, VT, the Unicode line and paragraph separators) — dropped
    with the other control characters they would join the text on either side into one line.

    Raises UnreadableFile for an empty, oversized or binary file, one with no text but white
    space and control characters, one in none of those encodings, or one of more than
    ``max_lines`` lines.
    """
    check_size(len(data), max_bytes)
    if not data.strip():
        raise UnreadableFile("file is empty", "文件是空的")
    text = _decode(data)
    if "\x00" in text:
        _refuse_nuls(text)
    text = _LINE_BREAKS_RE.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Control characters are dropped before the text is stored (strip_controls): a file of
    # nothing else would be stored as an empty page.
    if not strip_controls(text).strip():
        raise UnreadableFile("file has no text", "文件里只有空白，没有文字")
    check_lines(text, max_lines)
    return text


def check_lines(text: str, max_lines: int | None) -> None:
    """Refuse a file of more lines than any page has: splitting costs time by the line (about
    40 µs), and 5 MB of one-character lines would hold an upload for a minute."""
    if max_lines is None:
        return
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > max_lines:
        raise UnreadableFile(
            f"file has {lines:,} lines, more than the {max_lines:,} allowed for one page",
            "文件有 %(lines)s 行，超过每个版面 %(max)s 行的上限", lines=f"{lines:,}", max=f"{max_lines:,}",
        )


def check_size(size: int | None, max_bytes: int | None) -> None:
    """Refuse a file over ``max_bytes`` on its size alone (before reading it, where it can)."""
    if max_bytes is not None and size is not None and size > max_bytes:
        raise UnreadableFile(
            f"file is {size:,} bytes, more than the {max_bytes:,} allowed for one page",
            "文件有 %(size)s 字节，超过每个版面 %(max)s 字节的上限", size=f"{size:,}", max=f"{max_bytes:,}",
        )


def _refuse_nuls(text: str) -> None:
    if text.count("\x00") <= len(text) * _FEW_NULS and _score(text.replace("\x00", "")) >= _UTF16_MIN_PLAUSIBLE:
        line = text[: text.index("\x00")].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        raise UnreadableFile(
            f"file holds NUL bytes (the first on line {line}): page text never does; remove them and send it again",
            "文件含有 NUL 字节（第一个在第 %(line)s 行）：版面文字里不会有，请删去后重新上传", line=line,
        )
    raise UnreadableFile(_BINARY, _BINARY_ZH)


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
        # 中 in GB is D6 D0, Hebrew alef in UTF-8: a tiny GB file can be valid UTF-8 in no script
        # a page is printed in.
        if not text.isascii() and not any(_plausible(ch) for ch in text if not ch.isascii()):
            return _gb2312(data) or text
        return text
    guess = _utf16_without_bom(data)
    if guess is not None:
        return guess
    if text is not None:
        return text  # with NULs: decode says whether it is binary or text with a few of them
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_BINARY, _BINARY_ZH)
    mixed = _mixed_lines(data)
    if mixed is not None:
        raise UnreadableFile(
            f"file mixes encodings: line {mixed[0]} is UTF-8, line {mixed[1]} is not (save the whole file in one encoding)",
            "文件混用了编码：第 %(utf8)s 行是 UTF-8，第 %(other)s 行不是（请把整个文件存为同一种编码）",
            utf8=mixed[0], other=mixed[1],
        )
    return _detect(data)


# A line is taken for UTF-8 only with this many CJK characters, all of them plausible: a short
# line of GBK is sometimes valid UTF-8 by chance (中 in GBK is D6 D0, Hebrew alef in UTF-8), a
# long one almost never.
_UTF8_LINE_MIN_CJK = 4


def _mixed_lines(data: bytes) -> tuple[int, int] | None:
    """(a UTF-8 line, a line that is not UTF-8), numbered from 1, when the file holds both:
    two files pasted together. Read with either encoding, half of it would be stored garbled."""
    utf8 = other = None
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other = other or number
        else:
            cjk = sum(1 for ch in text if 0x3400 <= ord(ch) <= 0x9FFF)
            if utf8 is None and cjk >= _UTF8_LINE_MIN_CJK and all(map(_plausible, text)):
                utf8 = number
        if utf8 is not None and other is not None:
            return utf8, other
    return None


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


def _gb2312(data: bytes) -> str | None:
    """The text if the bytes read as GB 18030 within GB 2312, every character plausible."""
    try:
        text = data.decode("gb18030")
        text.encode("gb2312")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    return text if all(map(_plausible, text)) else None


def _detect(data: bytes) -> str:
    # A short page (广告, 图片新闻) gives a detector too little to go on: its GB bytes read as Big5
    # (嫘豢) or a Japanese code page (芞え陔恓). Bytes that read as GB 18030 within GB 2312, the
    # 6,763 characters of mainland print, and as plausible page text, are taken as GB: Big5 text
    # almost never does (its punctuation and many characters' second bytes fall outside GB 2312,
    # others land on its kana, Greek and Cyrillic rows).
    text = _gb2312(data)
    if text is not None:
        return text
    # Only the encodings a page comes in: a detector free to pick any would read a Latin-1 or
    # Shift-JIS file as some code page and store it garbled, where it must be refused.
    best = from_bytes(data, cp_isolation=list(_PREFERRED)).best()
    if best is None:
        raise UnreadableFile(
            "file is not text in UTF-8, UTF-16, GB 18030 or Big5", "文件不是 UTF-8、UTF-16、GB 18030 或 Big5 编码的文字"
        )
    return str(best)


def file_name(name: str) -> str:
    """A file's name as text. One read from a disk where it was written in another encoding (a
    zip made on Chinese Windows, unpacked on Linux) comes with its undecodable bytes as lone
    surrogates (``os.fsdecode``), which no UTF-8 text can hold: those bytes are read as GB 18030
    where that reads the whole name, else each undecodable byte becomes U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")
