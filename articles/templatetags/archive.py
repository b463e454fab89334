"""Template filters for the archive's pages."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from articles import i18n, ingest_text, revision_text

register = template.Library()

# What the splitter's warnings mean to an editor (ingest.model.Warning).
WARNING_LABELS = {
    "no_headline": _("无标题"),
    "no_byline": _("无署名"),
    "continued_fragment": _("开头接续他版"),
    "too_short": _("篇幅过短"),
    "too_long": _("篇幅过长"),
    "photo_only": _("图片新闻"),
}


@register.filter
def warning_label(code: str) -> str:
    label = WARNING_LABELS.get(str(code))
    return gettext(label) if label else str(code)


@register.filter
def revision_summary(text: str) -> str:
    """A stored revision summary (written in Chinese) in the active language."""
    return revision_text.summary(text or "")


@register.filter(name="ingest_text")
def ingest_text_filter(text: str) -> str:
    """A fixed text from ingest/ (a field or furniture label, a reason) in the active language."""
    return ingest_text.translated(str(text)) if text is not None else ""


@register.simple_tag(takes_context=True)
def return_path(context: template.Context) -> str:
    """The language switch's ``next`` (articles/i18n.py return_path)."""
    request = context.get("request")
    return i18n.return_path(request) if request is not None else "/"


# Article text, papers' and counties' names are Chinese whatever the page's language: on a page in
# another language they are marked so (a screen reader's voice, fonts, translation tools). On a
# Chinese page <html lang> says it already, and the page stays as it was.
_ZH = mark_safe(' lang="zh-Hans"')


@register.simple_tag
def zh_lang() -> str:
    """` lang="zh-Hans"` inside an element's tag on a page not in Chinese, else nothing."""
    return _ZH if get_language() != "zh-hans" else ""


@register.filter(needs_autoescape=True)
def zh_span(value: object, autoescape: bool = True) -> SafeString:
    """The value (escaped) in a `<span lang="zh-Hans">` on a page not in Chinese, else as it is."""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(f"<span{_ZH}>{text}</span>") if get_language() != "zh-hans" else mark_safe(text)
