"""Template filters for the archive's pages."""

from __future__ import annotations

from django import template

register = template.Library()

# What the splitter's warnings mean to an editor (ingest.model.Warning).
WARNING_LABELS = {
    "no_headline": "无标题",
    "no_byline": "无署名",
    "continued_fragment": "开头接续他版",
    "too_short": "篇幅过短",
    "too_long": "篇幅过长",
    "photo_only": "图片新闻",
}


@register.filter
def warning_label(code: str) -> str:
    return WARNING_LABELS.get(str(code), str(code))
