"""What ingest/ says to people, in the reader's language.

ingest/ is plain Python without Django, and writes its messages for editors in Chinese: a correction
refused (ingest.corrections.CorrectionError), a field or furniture label, why a hand correction
could not be carried over (ingest.carry). They are translated here, where the views show them:
each Chinese text is its own msgid (so Chinese pages are unchanged), and a message with numbers
or names in it is matched against its pattern below and rebuilt from the translated pattern.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop

# Fixed texts from ingest/ (labels, reasons), marked so that makemessages collects them.
FIXED = (
    # ingest.corrections.FIELD_LABELS
    gettext_noop("栏目"), gettext_noop("引题"), gettext_noop("标题"), gettext_noop("副题"), gettext_noop("作者"),
    gettext_noop("署名"), gettext_noop("来源"), gettext_noop("小标题"), gettext_noop("正文"), gettext_noop("图片说明"),
    gettext_noop("区县"), gettext_noop("原文行"),
    # ingest.corrections.FURNITURE_LABELS
    gettext_noop("横幅"), gettext_noop("其他版面元素"),
    # ingest.carry reasons
    gettext_noop("这篇文章的原文行在新文件中有改动，人工校正未能沿用"),
    gettext_noop("新的切分与校正后的切分不同，人工校正未能沿用"),
    # ingest.decode.UnreadableFile.zh, filled from its params (IngestResult.reason)
    gettext_noop("文件是空的"),
    gettext_noop("文件里只有空白，没有文字"),
    gettext_noop("文件有 %(size)s 字节，超过每个版面 %(max)s 字节的上限"),
    gettext_noop("文件有 %(lines)s 行，超过每个版面 %(max)s 行的上限"),
    gettext_noop("文件含有 NUL 字节：这是二进制文件，不是提取出的版面文字"),
    gettext_noop("文件含有 NUL 字节（第一个在第 %(line)s 行）：版面文字里不会有，请删去后重新上传"),
    gettext_noop("文件混用了编码：第 %(utf8)s 行是 UTF-8，第 %(other)s 行不是（请把整个文件存为同一种编码）"),
    gettext_noop("文件不是 UTF-8、UTF-16、GB 18030 或 Big5 编码的文字"),
    # ingest.manifest.ManifestError.zh, filled from its params (articles/forms.py)
    gettext_noop("%(where)s：日期 %(value)s 不是 YYYY-MM-DD 格式"),
    gettext_noop("%(where)s：日期 %(value)s 不存在（月或日超出范围）"),
    gettext_noop("%(where)s：日期 %(value)s 不在 %(lo)s 到 %(hi)s 之间"),
    gettext_noop("%(where)s：地市代码 %(value)s 不是四位数字（如 1407）"),
    gettext_noop("%(where)s：表头缺少 %(columns)s 列"),
    gettext_noop("%(where)s：表头有不认识的列 %(columns)s"),
    gettext_noop("%(where)s：文件名是空的"),
    gettext_noop("%(where)s：%(name)s 列了两次"),
    gettext_noop("%(where)s：表头无法读取"),
    gettext_noop("%(where)s：这一行格式有误（引号没有配对？），整个清单无法读取"),
    gettext_noop("%(where)s：这一行比表头多出几格（值里有逗号？请给它加上引号）"),
)

# ingest.corrections.CorrectionError messages; %(name)s stands for what varies.
PATTERNS = (
    gettext_noop("这样改会让原文的行无处可寻，没有保存：%(problems)s。"),
    gettext_noop("这样改会让原文的字不在任何文章里，没有保存：%(chars)s。"),
    gettext_noop("没有第%(n)s篇文章。"),
    gettext_noop("行号必须是数字。"),
    gettext_noop("请至少选择一行。"),
    gettext_noop("第%(line)s行不在第%(n)s篇文章里。"),
    gettext_noop("第%(line)s行是这篇文章的第一行，不能从这里拆分。"),
    gettext_noop("第%(n)s篇文章是最后一篇，后面没有可以合并的文章。"),
    gettext_noop("只能把行移到上一篇或下一篇文章。"),
    gettext_noop("第%(n)s篇文章前面没有文章。"),
    gettext_noop("第%(n)s篇文章后面没有文章。"),
    gettext_noop("没有“%(kind)s”这种版面元素。"),
    gettext_noop("第%(line)s行是空行或不存在。"),
    gettext_noop("第%(line)s行不是版面元素。"),
    gettext_noop("位置必须在1到%(n)s之间。"),
    gettext_noop("第%(n)s篇文章还有%(lines)s行，只能删除空文章。"),
    gettext_noop("不能修改“%(name)s”。"),
    gettext_noop("没有“%(kind)s”这种段落。"),
    gettext_noop("这篇文章有%(n)s个小标题，收到了%(got)s个。"),
    gettext_noop("这篇文章有%(n)s条图片说明，收到了%(got)s条。"),
    gettext_noop("“%(name)s”必须是文字。"),
    gettext_noop("“%(name)s”必须是一个列表。"),
    gettext_noop("“%(name)s”的每一项必须是两个值。"),
    gettext_noop("区县必须来自地名表。"),
    gettext_noop("主要区县必须是所选区县之一。"),
    gettext_noop("没有选择区县，不能指定主要区县。"),
)

_SLOT = re.compile(r"%\((\w+)\)s")


def compile_patterns(patterns: tuple[str, ...]) -> list[tuple[re.Pattern[str], str]]:
    """Each pattern as a regex that matches its Chinese text and captures what varies."""
    compiled = []
    for pattern in patterns:
        parts = _SLOT.split(pattern)  # text, name, text, name, ..., text
        regex = "".join(re.escape(p) if k % 2 == 0 else f"(?P<{p}>.+?)" for k, p in enumerate(parts))
        compiled.append((re.compile(regex, re.DOTALL), pattern))
    return compiled


def rebuild(text: str, compiled: list[tuple[re.Pattern[str], str]], slot=lambda name, value: value) -> str | None:
    """The text in the active language when it matches one of the patterns (``slot`` may translate
    what varies), else None."""
    for regex, pattern in compiled:
        match = regex.fullmatch(text)
        if match:
            values = {name: slot(name, value) for name, value in match.groupdict().items()}
            return gettext(pattern) % values if values else gettext(pattern)
    return None


@cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    return compile_patterns(PATTERNS)


# A furniture line's label in a page diff (ingest.corrections.page_diff): "第7行 " and the line's
# own text, which stays as printed.
_LINE_LABEL = re.compile(r"第(?P<line>[0-9]+)行 (?P<text>.*)", re.DOTALL)
LINE_LABEL = gettext_noop("第%(line)s行 %(text)s")


def translated(text: str) -> str:
    """One of ingest's fixed texts (a label, a reason) in the active language."""
    if not text:
        return text
    line = _LINE_LABEL.fullmatch(text)
    if line is not None:
        return gettext(LINE_LABEL) % line.groupdict()
    return gettext(text)


def message(exc: Exception | str) -> str:
    """An ingest message (a CorrectionError's) in the active language; unknown ones unchanged."""
    text = str(exc)
    return (rebuild(text, _compiled()) if text else None) or text
