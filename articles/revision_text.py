"""A revision's summary in the reader's language.

Summaries are part of a page's record (PageRevision.summary): they are written once, in Chinese,
whoever makes the change and in whichever language (articles/corrections_views.py, writer.undo and
writer.revert). Shown to an admin reading English, each is matched against the forms below and
rebuilt from the translated form; a summary of another shape (a file name, the admin's) is shown
as written.
"""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext, gettext_noop

from articles.ingest_text import compile_patterns, rebuild, translated

SUMMARIES = (
    gettext_noop("拆分%(title)s：从第%(line)s行起成为新的一篇"),
    gettext_noop("把第%(lines)s行从%(title)s移到上一篇"),
    gettext_noop("把第%(lines)s行从%(title)s移到下一篇"),
    gettext_noop("把第%(lines)s行标为版面元素（%(label)s）"),
    gettext_noop("把版面元素第%(lines)s行收回到%(title)s"),
    gettext_noop("合并%(title)s与第%(n)s篇"),
    gettext_noop("把%(title)s移到第%(n)s位"),
    gettext_noop("删除空的第%(n)s篇"),
    gettext_noop("编辑%(title)s：%(labels)s"),
    gettext_noop("%(title)s的区县：%(names)s"),
    gettext_noop("用当前的切分程序重新切分：新增%(added)s篇，删去%(removed)s篇，改动%(changed)s篇"),
    gettext_noop("撤销 v%(n)s"),
    gettext_noop("恢复到 v%(n)s"),
    # An article edited in the Django admin (articles/admin.py): the fields by their labels.
    gettext_noop("后台编辑%(title)s：%(labels)s"),
)
# A move of the page to another paper, date, edition or label (writer.update_page_meta): one part
# per value changed, joined by "；".
META_PARTS = {
    "paper": gettext_noop("报名：%(before)s → %(after)s"),
    "date": gettext_noop("日期：%(before)s → %(after)s"),
    "edition": gettext_noop("版别：%(before)s → %(after)s"),
    "label": gettext_noop("版次：%(before)s → %(after)s"),
}
META_SEPARATOR = "；"
# What a META summary writes for an unknown date or an empty edition or label.
META_NONE = {None: gettext_noop("日期不详"), "": gettext_noop("无")}
# How a summary names an article (corrections_views._title).
TITLES = (gettext_noop("第%(n)s篇《%(headline)s》"), gettext_noop("第%(n)s篇"))


@cache
def _compiled():
    return compile_patterns(SUMMARIES), compile_patterns(TITLES), compile_patterns(tuple(META_PARTS.values()))


def _slot(name: str, value: str) -> str:
    if name == "title":
        return rebuild(value, _compiled()[1]) or value
    if name in ("label", "labels"):
        return gettext("、").join(translated(v) for v in value.split("、"))
    if name in ("names", "before", "after") and value in META_NONE.values():
        return translated(value)
    return value


def summary(text: str) -> str:
    """The stored summary in the active language (unchanged in Chinese)."""
    if not text:
        return text
    whole = rebuild(text, _compiled()[0], _slot)
    if whole is not None:
        return whole
    parts = [rebuild(part, _compiled()[2], _slot) for part in text.split(META_SEPARATOR)]
    if all(part is not None for part in parts):
        return gettext("；").join(parts)
    return text
