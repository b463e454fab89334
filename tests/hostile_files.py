"""Hostile page files, made in memory: what an editor's disk, a broken extractor or an attacker
may hand the ingest (tests/test_hostile_input.py runs each through the command, the upload page
and the API).

Each case says what must happen: ``text`` is the page text a correct load stores (line ends as
``\\n``, as ingest/decode.py makes them), or ``refusal`` is a fragment of the plain reason the
file is refused with. The text here is made up for these tests.
"""

from __future__ import annotations

import codecs
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings

# A made-up page: a banner, two stories with bylines, a caption, the editor's line.
PAGE = (
    "太行日报 2025年4月12日 星期六 第2版\n"
    "\n"
    "榆社县春耕备耕有序推进\n"
    "本报讯（记者 王明）连日来，榆社县各乡镇抢抓农时，组织农机手检修机械，调运化肥种子。\n"
    "县农业农村局派出技术人员深入田间地头，指导农户科学施肥、适时播种。\n"
    "\n"
    "左权县开展森林防火宣传\n"
    "本报讯（通讯员 李红）4月10日，左权县在麻田镇开展森林防火集中宣传活动，发放资料两千余份。\n"
    "■ 图为工作人员向群众讲解防火知识。 张强 摄\n"
    "\n"
    "责任编辑：赵刚\n"
)
# The same in traditional characters, as a Taiwan or Hong Kong paper would send it in Big5.
PAGE_TRADITIONAL = (
    "太行日報 2025年4月12日 星期六 第2版\n"
    "\n"
    "榆社縣春耕備耕有序推進\n"
    "本報訊（記者 王明）連日來，榆社縣各鄉鎮搶抓農時，組織農機手檢修機械，調運化肥種子。\n"
    "縣農業農村局派出技術人員深入田間地頭，指導農戶科學施肥、適時播種。\n"
    "\n"
    "左權縣開展森林防火宣傳\n"
    "本報訊（通訊員 李紅）4月10日，左權縣在麻田鎮開展森林防火集中宣傳活動，發放資料兩千餘份。\n"
    "責任編輯：趙剛\n"
)
# A word that only the page's one story holds: a search for it must find that story.
SEARCH_TERM = "榆社县"

VERBATIM = "<the file's bytes as UTF-8>"


def _noise(n: int, seed: int) -> bytes:
    """Compressed or image data as far as a decoder can tell (NULs included), the same every run."""
    return random.Random(seed).randbytes(n)


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its bytes (made once, on first use) and what must become of it."""

    id: str
    make: Callable[[], bytes]
    text: str | None = None  # a correct load stores exactly this (VERBATIM: the bytes as UTF-8)
    # Else a fragment of the reason the command gives (English), or a function making it from the
    # settings when it names a limit.
    refusal: str | Callable[[], str] = ""
    refusal_zh: str | Callable[[], str] = ""  # … and the upload page and the API (Chinese by default)
    search: str = ""  # a term that must find the stored page's story

    @property
    def name(self) -> str:
        return f"{self.id}.txt"

    @property
    def loads(self) -> bool:
        return self.text is not None

    def data(self) -> bytes:
        return _bytes(self.id)

    def reason(self, way: str) -> str:
        """The fragment the refusal holds through that way in: the same words every way, in English
        from the command and in Chinese from the upload page and the API."""
        fragment = self.refusal if way == "command" else self.refusal_zh
        return fragment() if callable(fragment) else fragment

    def expected_text(self) -> str:
        return self.data().decode("utf-8") if self.text is VERBATIM else self.text


def pdf() -> bytes:
    # A real PDF's header and a deflated stream: binary after the first lines.
    stream = zlib.compress(("BT /F1 12 Tf 72 712 Td (" + PAGE + ") Tj ET").encode("utf-8"))
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream\nendobj\n"
        + _noise(4000, 1)
        + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    ihdr = b"\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x02\x00\x00\x00\x90wS\xde"
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x10\x00IDAT" + _noise(4096, 2) + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def zip_file() -> bytes:
    body = zlib.compress(PAGE.encode("utf-8"))
    header = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 16 + b"\x08\x00\x00\x00page.txt"
    return header + body + _noise(2000, 3) + b"PK\x05\x06" + b"\x00" * 18


def nul_inside() -> bytes:
    # A text file with NULs an extractor left between lines: PostgreSQL text cannot hold NUL.
    lines = PAGE.split("\n")
    lines[3] = lines[3][:10] + "\x00\x00" + lines[3][10:]
    return "\n".join(lines).encode("utf-8")


def mixed_encodings() -> bytes:
    # Two files pasted together: the first half UTF-8, the second GBK.
    half = PAGE.split("\n\n")
    return ("\n\n".join(half[:2]) + "\n\n").encode("utf-8") + "\n\n".join(half[2:]).encode("gbk")


def huge() -> bytes:
    # 20 MB: over INGEST_MAX_FILE_BYTES (5 MB by default), under the request limit (64 MB).
    block = PAGE.encode("utf-8")
    return block * (20 * 1024 * 1024 // len(block) + 1)


def one_megabyte_line() -> bytes:
    # A million bytes without a line end: an extractor that lost them all.
    words = ["晋中", "太原", "春耕", "农机", "防火", "宣传", "apple", "2025", "。", "，"]
    rng = random.Random(4)
    line = "".join(rng.choice(words) for _ in range(250_000)).encode("utf-8")[: 1024 * 1024]
    return line.decode("utf-8", "ignore").encode("utf-8")


_word_rng = random.Random(3)
LONG_WORD = "".join(_word_rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(3000))


def long_word() -> bytes:
    return f"平遥古城迎来游客高峰\n本报讯 网址 {LONG_WORD} 已开通。文峰塔也开放了。\n".encode()


ONE_CHAR_LINES = 100_000


def one_char_lines() -> bytes:
    chars = "春夏秋冬山水田园风雨林木日月星云花草"
    return "".join(chars[i % len(chars)] + "\n" for i in range(ONE_CHAR_LINES)).encode("utf-8")


SCRIPT = "<script>alert('xss')</script>"
HTML_PAGE = (
    f"<h1>榆社县春耕备耕有序推进</h1>\n"
    f"本报讯 连日来，榆社县各乡镇抢抓农时。{SCRIPT}<img src=x onerror=alert(1)>\n"
    f"<b>县农业农村局</b>派出技术人员&nbsp;深入田间地头。</p>\n"
)
FURNITURE_ONLY = "太行日报\n2025年4月12日 星期六\n第2版\n责任编辑：赵刚\n"


@cache
def _bytes(case_id: str) -> bytes:
    return CASES[case_id].make()


_CASES = [
    Hostile("empty", lambda: b"", refusal="file is empty", refusal_zh="文件是空的"),
    Hostile("whitespace", lambda: " \n\t\r\n\u3000\n".encode(), refusal="file has no text", refusal_zh="只有空白"),
    Hostile("pdf", pdf, refusal="it is binary", refusal_zh="二进制文件"),
    Hostile("png", png, refusal="it is binary", refusal_zh="二进制文件"),
    Hostile("zip", zip_file, refusal="it is binary", refusal_zh="二进制文件"),
    Hostile("nul", nul_inside, refusal="NUL bytes (the first on line 4)", refusal_zh="NUL 字节（第一个在第 4 行）"),
    Hostile("gbk", lambda: PAGE.encode("gbk"), text=PAGE, search=SEARCH_TERM),
    # A page of two characters: too short for a detector, GB by its characters (ingest/decode.py).
    Hostile("gbk_short", lambda: "广告\n".encode("gbk"), text="广告\n", search="广告"),
    Hostile("big5", lambda: PAGE_TRADITIONAL.encode("big5"), text=PAGE_TRADITIONAL, search="榆社縣"),
    Hostile("utf16le_bom", lambda: codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"), text=PAGE, search=SEARCH_TERM),
    Hostile("utf16be_bom", lambda: codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"), text=PAGE, search=SEARCH_TERM),
    Hostile("utf16le", lambda: PAGE.encode("utf-16-le"), text=PAGE, search=SEARCH_TERM),
    Hostile("utf16be", lambda: PAGE.encode("utf-16-be"), text=PAGE, search=SEARCH_TERM),
    Hostile("mixed", mixed_encodings, refusal="mixes encodings: line 1 is UTF-8, line 7", refusal_zh="混用了编码：第 1 行是 UTF-8，第 7 行"),
    Hostile("cr", lambda: PAGE.replace("\n", "\r").encode(), text=PAGE, search=SEARCH_TERM),
    Hostile("crlf", lambda: PAGE.replace("\n", "\r\n").encode(), text=PAGE, search=SEARCH_TERM),
    Hostile(
        "20mb", huge,
        refusal=lambda: f"more than the {settings.INGEST_MAX_FILE_BYTES:,} allowed",
        refusal_zh=lambda: f"超过每个版面 {settings.INGEST_MAX_FILE_BYTES:,} 字节",
    ),
    Hostile("1mb_line", one_megabyte_line, text=VERBATIM, search="春耕"),
    Hostile("long_word", long_word, text=VERBATIM, search=LONG_WORD[:40]),
    Hostile("100k_lines", one_char_lines, text=VERBATIM),
    # One line more than any page may have (INGEST_MAX_LINES): refused before it is split.
    Hostile(
        "too_many_lines", lambda: b"x\n" * (settings.INGEST_MAX_LINES + 1),
        refusal=lambda: f"more than the {settings.INGEST_MAX_LINES:,} allowed",
        refusal_zh=lambda: f"超过每个版面 {settings.INGEST_MAX_LINES:,} 行",
    ),
    Hostile("html", lambda: HTML_PAGE.encode(), text=HTML_PAGE, search=SEARCH_TERM),
    Hostile("furniture_only", lambda: FURNITURE_ONLY.encode(), text=FURNITURE_ONLY),
]
CASES = {case.id: case for case in _CASES}
