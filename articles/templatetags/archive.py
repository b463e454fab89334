"""Template filters for the archive's pages."""

from __future__ import annotations

import html
import re

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
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


# What a warning tells a reader about the story (a picture story, the rest of one begun on
# another page); the others are the splitter's notes for editors (no byline found, very short).
READER_WARNINGS = frozenset({"continued_fragment", "photo_only"})


@register.filter
def warnings_for(warnings: list[str], editor: bool) -> list[str]:
    """A story's warnings as a reader sees them, or all of them for an editor."""
    return list(warnings) if editor else [w for w in warnings if w in READER_WARNINGS]


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


# ``{% url %}`` of the pages without arguments, once per process: every page's header, footer and
# <head> have a dozen, the same on each (a reverse() is some tens of microseconds). Kept by what
# reverse() depends on: the address prefix, the URL configuration and the language.
_site_urls: dict[tuple[str, str | None, str, str | None], str] = {}


@register.simple_tag
def site_url(name: str) -> str:
    """``{% url name %}`` for a URL name that takes no arguments (``{% site_url 'home' %}``)."""
    key = (name, get_script_prefix(), str(get_urlconf(settings.ROOT_URLCONF)), get_language())
    url = _site_urls.get(key)
    if url is None:
        url = _site_urls[key] = reverse(name)
    return url


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


# A run of Chinese inside a translated sentence ("County: 介休市", "Remove “Paper: 晋中日报”", a
# citation): from a Han character or full-width punctuation to the last one, across the spaces,
# digits, dashes and quotation marks between ("运城日报 2025-12-26 第3版", "让‘老字号’焕发新活力"),
# never across Latin letters or markup.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_ZH_RUN = re.compile(f"[{_CJK}](?:[{_CJK}0-9 \u00b7\u2013\u2018\u2019\u201c\u201d/.:-]*[{_CJK}])?")
_TAG = re.compile(r"(<[^>]*>)")


@register.filter(needs_autoescape=True)
def zh_runs(value: object, autoescape: bool = True) -> SafeString:
    """The value (escaped) with each run of Chinese in a `<span lang="zh-Hans">` on a page not in
    Chinese, else as it is: for a sentence that mixes the interface's words with Chinese data.
    Safe markup keeps its tags; only the text between them is marked."""
    text = conditional_escape(value) if autoescape else str(value)
    if get_language() == "zh-hans" or not _ZH_RUN.search(text):
        return mark_safe(text)
    parts = _TAG.split(text)
    return mark_safe("".join(
        part if i % 2 else _ZH_RUN.sub(lambda m: f"<span{_ZH}>{m.group(0)}</span>", part)
        for i, part in enumerate(parts)
    ))


# The search page's repeated fragments, made here rather than in a template loop: twenty result
# rows and some fifty facet links were most of the page's template nodes (each variable, tag and
# ``{% zh_lang %}`` a lookup, a localisation and an escape of its own), and cost the page more
# than its queries. The markup is the one the template had (includes/article_row.html for a row);
# every value goes through ``_escape``, so it is escaped exactly as the template escaped it.


def _escape(value: object) -> str:
    """``conditional_escape(value)``: safe markup (a snippet's ``<mark>``) as it is, anything else
    escaped. Without the lazy-argument check of Django's wrapper around ``escape``, which costs
    more than the escaping itself at some three hundred values a page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _zh() -> str:
    """``zh_lang`` once per list of fragments, not once per element."""
    return _ZH if get_language() != "zh-hans" else ""


def _span(value: object, zh: str) -> str:
    """``value|zh_span`` with the language already known."""
    return f"<span{zh}>{_escape(value)}</span>" if zh else _escape(value)


def _row_html(row: dict, zh: str) -> str:
    """One search result (views._result_rows) as the search page shows it."""
    kicker = f'<div class="kicker"{zh}>{_escape(row["kicker"])}</div>' if row["kicker"] else ""
    label = f' · {_span(row["label"], zh)}' if row["label"] else ""
    counties = "".join([
        f'<a class="county{" primary" if c["primary"] else ""}" href="{_escape(c["url"])}"{zh}>{_escape(c["name"])}</a>'
        for c in row["counties"]
    ])
    if counties:
        counties = f" · {counties}"
    snippet = f'<p class="snippet"{zh}>{_escape(row["snippet"])}</p>' if row["snippet"] else ""
    return (
        f'<li class="result">\n  {kicker}\n  <a class="headline"{zh} href="{_escape(row["url"])}">{_escape(row["title"])}</a>\n'
        f'  <div class="meta">\n    {_span(row["paper"], zh)} · {_escape(row["date"])}{label}\n    {counties}\n  </div>\n'
        f"  {snippet}\n</li>\n        "
    )


@register.simple_tag
def result_rows(rows: list[dict]) -> SafeString:
    """The search page's result rows (an ``<li>`` each, as includes/article_row.html shows an article)."""
    zh = _zh()
    return mark_safe("".join([_row_html(row, zh) for row in rows]))


def _correct_row(row: dict, zh: str, texts: dict[str, str]) -> str:
    no, article = row["no"], row["article"]
    classes = "starts " if row["starts"] is not None else ""
    if article is not None:
        classes += f"in-article art-{'odd' if article % 2 else 'even'}"
        place = f'<a href="#article-{article + 1}">{texts["article"] % {"n": article + 1}}</a>'
        if row["caption"] is not None:
            place += f' <span class="muted">{texts["caption"]}</span>'
    else:
        classes += "in-furniture"
        if row["furniture"]:
            place = f'<span class="muted">{_escape(ingest_text.translated(str(row["furniture"])))}</span>'
        else:
            place = f'<strong class="warning">{texts["unplaced"]}</strong>'
    ticked = " checked" if row["ticked"] else ""
    return (
        f'<tr id="line-{no}" class="{classes}">\n'
        f'<td><input type="checkbox" name="line" value="{no}" id="line-box-{no}"{ticked}></td>\n'
        f'<td class="num"><label for="line-box-{no}">{no}</label></td>\n'
        f'<td class="place">{place}</td>\n'
        f"<td{zh}>{_escape(row['text'])}</td>\n</tr>\n"
    )


@register.simple_tag
def correct_rows(rows: list[dict]) -> SafeString:
    """The correction page's source lines (a part's thousand rows: as a template loop they were
    most of the page's time), each with its box, number and place (article, caption, furniture)."""
    texts = {
        "article": _escape(gettext("第%(n)s篇")),
        "caption": _escape(gettext("图片说明")),
        "unplaced": _escape(gettext("没有归属")),
    }
    zh = _zh()
    return mark_safe("".join([_correct_row(row, zh, texts) for row in rows]))


@register.simple_tag
def facet_items(items: list[dict]) -> SafeString:
    """One facet's values (views._facet_links): a link each, the active one in bold, with its count."""
    return mark_safe("".join([
        f'<li><strong aria-current="true">{_escape(f["label"])}</strong> <span class="muted">{_escape(f["n_text"])}</span></li>'
        if f["active"]
        else f'<li><a href="{_escape(f["url"])}">{_escape(f["label"])}</a> <span class="muted">{_escape(f["n_text"])}</span></li>'
        for f in items
    ]))
