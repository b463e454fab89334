"""The one write path: every Page, Article, Caption and county tag is written here.

Callers — ``manage.py ingest`` (``ingest_sources``), the upload page and the API
(``ingest_file``), corrections, re-splitting and undo (``apply_state``), publishing
(``set_status``), the admin (``apply_state``, ``update_page_meta``) — share these rules:

- a file is identified by the SHA-256 of its bytes and by ``content_key`` of its text (the same
  page with a trailing newline or CRLF line ends is the same page): seen before → DUPLICATE;
- the same paper, date, edition and page label with different text is the SAME_SLOT: nothing is
  written unless the caller says replace (new text and split; the old text kept in a revision)
  or keep (a second page on purpose);
- each file is all or nothing, in one transaction; a database refusal fails that file alone with
  a plain message naming it;
- an article's paper, date and ``visible`` (the page is published) are copies of its page's,
  and its search vectors are computed from its text: written with the row, in the same
  transaction, whatever the change;
- every change to a page's split, or to its paper, date or label, records a PageRevision
  (revision 0 is the state at ingest, recorded before the first change), so any change can be
  undone;
- the county tallies the home page and the counties index read (models.CountyTally) follow every
  change to what readers see — a page's articles, their county tags, its visibility — in the
  same transaction (``_tally``).

Rows are written with ``COPY`` (a batch of files per transaction in the command, one file for an
upload, the changed articles of a correction): one writer, so the forms cannot drift apart.
The parse runs in ``workers`` forked processes for the command; decoding, splitting, tagging
and the search vectors are most of the work per file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import re
import signal
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, OperationalError, ProgrammingError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from articles.indexing import field_vectors
from articles.revision_text import META_NONE, META_PARTS, META_SEPARATOR
from articles.models import (
    Article, ArticleCounty, Caption, County, CountyTally, Issue, Newspaper, Page, PageRevision,
)
from ingest import corrections
from ingest import model as parsed
from ingest.carry import Conflict, carry_over, hand_changes
from ingest.decode import UnreadableFile, check_size, decode, file_name, sha256
from ingest.manifest import page_label
from ingest.pipeline import parse_page
from ingest.tokens import strip_controls

# The front page's cached whole-table counts (articles/views.py): dropped when a write commits.
HOME_CACHE_KEY = "home-summary"
HOME_GENERATION_KEY = "home-summary-generation"

SameSlot = Literal["report", "replace", "keep"]
Status = Page.Status
Action = PageRevision.Action


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the same bytes or the same text is stored: .page is that page
    SAME_SLOT = "same_slot"  # same paper + date + label, other text: .page is the stored one
    REPLACED = "replaced"  # same_slot="replace": .page is the stored page, now with the new text
    # same_slot="replace" not confirmed (lost_ok=False) and it would drop hand corrections: .page
    # is the stored page, .lost what it would drop; nothing written
    LOST_CORRECTIONS = "lost_corrections"
    FAILED = "failed"  # .error says why, in plain words


@dataclass(frozen=True)
class PageMeta:
    """What a file's name, a manifest or an editor says about a page."""

    paper: str
    date: dt.date | None = None
    label: str = ""  # the page as printed: 第3版, A2
    prefecture_code: str = ""
    edition: str = ""


@dataclass
class IngestResult:
    name: str
    outcome: Outcome
    page: Page | None = None
    articles: int = 0
    chars: int = 0
    error: str = ""
    # FAILED on an unreadable file: the reason in Chinese, a pattern filled from error_params
    # (ingest.decode.UnreadableFile); ``reason`` gives it in the reader's language.
    error_zh: str = ""
    error_params: dict[str, object] = field(default_factory=dict)
    # REPLACED: corrections of the old page that could not be carried over to the new text,
    # each with what it was (what the command, the preview and the API list).
    lost: list[LostCorrection] = field(default_factory=list)
    # LOST_CORRECTIONS because the user may not drop hand corrections (may_drop_corrections),
    # not because they were not confirmed: confirming does not help.
    admin_needed: bool = False

    @property
    def conflicts(self) -> list[Conflict]:
        """The lost corrections' conflicts (ingest/carry.py): the API's ``conflicts``."""
        return [x.conflict for x in self.lost]

    @property
    def message(self) -> str:
        """What happened to the file, in plain English (the command prints it)."""
        if self.outcome == Outcome.CREATED:
            return f"stored ({self.articles} articles)"
        if self.outcome == Outcome.DUPLICATE:
            return "already in the archive, nothing written"
        if self.outcome == Outcome.SAME_SLOT:
            return (
                f"not written: the archive holds {self._slot()} with different text "
                "(replace it, or keep both)"
            )
        if self.outcome == Outcome.REPLACED:
            return f"replaced {self._slot()} ({self.articles} articles; the old text is kept in its history)"
        if self.outcome == Outcome.LOST_CORRECTIONS and self.admin_needed:
            return (
                f"not replaced: replacing {self._slot()} would drop {len(self.lost)} of its hand corrections, "
                "which only an admin may do"
            )
        if self.outcome == Outcome.LOST_CORRECTIONS:
            return (
                f"not replaced: replacing {self._slot()} would drop {len(self.lost)} of its hand corrections, "
                "and a replace cannot be undone"
            )
        return self.error

    @property
    def message_zh(self) -> str:
        """The same, in the reader's language: Chinese unless they chose English (the upload page shows it)."""
        if self.outcome == Outcome.CREATED:
            return ngettext("已入库（%(n)s 篇文章）", "已入库（%(n)s 篇文章）", self.articles) % {"n": self.articles}
        if self.outcome == Outcome.DUPLICATE:
            return gettext("此前已入库，未重复写入")
        if self.outcome == Outcome.SAME_SLOT:
            return gettext("未写入：档案中已有同一报纸、日期、版次的版面（%(slot)s），内容不同；可替换它，或两者都保留") % {"slot": self._slot()}
        if self.outcome == Outcome.REPLACED:
            return ngettext("已替换 %(slot)s（%(n)s 篇文章；旧文本保留在修订记录中）", "已替换 %(slot)s（%(n)s 篇文章；旧文本保留在修订记录中）", self.articles) % {"slot": self._slot(), "n": self.articles}
        if self.outcome == Outcome.LOST_CORRECTIONS and self.admin_needed:
            n = len(self.lost)
            return ngettext(
                "未替换：替换 %(slot)s 会丢掉它的 %(n)s 处人工校正，只有管理员可以这样替换",
                "未替换：替换 %(slot)s 会丢掉它的 %(n)s 处人工校正，只有管理员可以这样替换",
                n,
            ) % {"slot": self._slot(), "n": n}
        if self.outcome == Outcome.LOST_CORRECTIONS:
            n = len(self.lost)
            return ngettext(
                "未替换：替换 %(slot)s 会丢掉它的 %(n)s 处人工校正，而替换不能撤销",
                "未替换：替换 %(slot)s 会丢掉它的 %(n)s 处人工校正，而替换不能撤销",
                n,
            ) % {"slot": self._slot(), "n": n}
        return gettext("未入库：%(reason)s") % {"reason": self.reason}

    @property
    def reason(self) -> str:
        """Why the file failed, in the reader's language where it is known in Chinese (else as
        the database or the file system said it)."""
        return gettext(self.error_zh) % self.error_params if self.error_zh else self.error

    def _slot(self) -> str:
        return str(self.page) if self.page is not None else "this page"


# --- reading a file (no database) ---------------------------------------------------------------


def _decoded(data: bytes) -> str:
    """A file's text within the page limits (ingest.decode.UnreadableFile otherwise)."""
    return decode(data, max_bytes=settings.INGEST_MAX_FILE_BYTES, max_lines=settings.INGEST_MAX_LINES)


def _unusable(name: str, exc: UnreadableFile) -> IngestResult:
    """FAILED for a file whose bytes can be no page, its reason in both languages."""
    return IngestResult(name, Outcome.FAILED, error=str(exc).strip(), error_zh=exc.zh, error_params=exc.params)


def read_page(data: bytes, meta: PageMeta) -> tuple[str, parsed.Page]:
    """Decode and parse one file without storing it (ingest and the editors' preview)."""
    text = strip_controls(_decoded(data))
    page = parse_page(text, hint_prefectures=[meta.prefecture_code] if meta.prefecture_code else [])
    return text, page


@dataclass
class Preview:
    name: str
    page: parsed.Page | None = None
    lines: list[str] | None = None
    error: str = ""


def preview_bytes(name: str, data: bytes, meta: PageMeta) -> Preview:
    """The split an ingest would store, for an editor to check first; writes nothing."""
    try:
        text, page = read_page(data, meta)
    except UnreadableFile as exc:
        return Preview(name, error=str(exc))
    return Preview(name, page=page, lines=text.splitlines())


def content_key(text: str) -> str:
    """SHA-256 of the page text normalised so that invisible differences make the same page:
    BOM, CRLF/CR line ends, trailing spaces of each line, trailing blank lines."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千"


# Above this a "page number" is not one (第99999999999版): the page is then ordered by its label
# alone, as one without a number. Page.number is a 32-bit column.
MAX_PAGE_NUMBER = 9999


def page_number(label: str) -> int | None:
    """The page's number from its label, for ordering: 第3版 → 3, A2 → 2, 第十二版 → 12,
    第一百零五版 → 105, 第〇版 → 0 (as 第0版)."""
    # ASCII or full-width digits (第３版 from a Chinese keyboard), which int() reads alike; not
    # every character str.isdigit takes (², which int() refuses).
    digits = re.search(r"[0-9０-９]+", label)
    if digits:
        value = int(digits.group())
        return value if value <= MAX_PAGE_NUMBER else None
    numeral = re.search(f"[{_CN_NUMERAL}]+", label)
    if not numeral:
        return None
    value = _chinese_numeral(numeral.group())
    return value if value is not None and value <= MAX_PAGE_NUMBER else None


def _chinese_numeral(text: str) -> int | None:
    """一百零五 → 105, 十二 → 12, 两千 → 2000; without a unit digit by digit (二〇二 → 202), as
    page numbers are also written. None for what is no number (百百, 三五十)."""
    if not any(ch in _CN_UNITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total, digit, last_unit = 0, None, None
    for ch in text:
        if ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                return None  # units only fall: 百千 is no number
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif _CN_DIGITS[ch] == 0:
            digit = None  # 一百零五: the zero only holds the empty tens' place
        elif digit is not None:
            return None  # two digits without a unit between them: 三五十
        else:
            digit = _CN_DIGITS[ch]
    return total + (digit or 0)


# A label that is a page number and nothing else: 3, 03, 第3版, 3版, 第三版, 第一百版. Two such
# labels of one number are one page of the issue (the form's "3" is the file name's 第3版);
# A3 and B3 (sections) are not. The same pattern in Python and in PostgreSQL's regex dialect.
_NUMBER_LABEL = f"^\\s*(第\\s*)?([0-9０-９]+|[{_CN_NUMERAL}]+)\\s*(版)?\\s*$"
_NUMBER_LABEL_RE = re.compile(_NUMBER_LABEL)
_BARE_NUMBER_RE = re.compile(r"\s*[0-9０-９]+\s*")


def normal_label(label: str) -> str:
    """The label as the archive writes it: a bare number typed in a form, a manifest or the API
    (3, 03) becomes 第3版, as a file named …_3.txt does (ingest.manifest.page_label); any other
    label is kept as given."""
    if _BARE_NUMBER_RE.fullmatch(label):
        number = page_number(label)
        if number:
            return page_label(number)
    return label


def slot_label(label: str) -> str:
    """What makes two labels one page of an issue: the number of a number-only label (第2版, 2
    and 第二版 are one page), else the label itself."""
    if _NUMBER_LABEL_RE.fullmatch(label):
        number = page_number(label)
        if number is not None:
            return f"#{number}"
    return label


def same_label(label: str) -> Q:
    """Pages whose label is the same page as ``label`` (``slot_label``), as a filter."""
    key = slot_label(label)
    if key != label and key.startswith("#"):
        return Q(number=int(key[1:]), label__regex=_NUMBER_LABEL)
    return Q(label=label)


# --- articles as rows ------------------------------------------------------------------------------

# Columns of an article after its ids, foreign keys and copies, in COPY order.
ARTICLE_COLUMNS = (
    "section",
    "kicker",
    "headline",
    "subheadline",
    "byline",
    "byline_text",
    "source",
    "body",
    "intertitles",
    "blocks",
    "lines",
    "continued",
    "warnings",
)
VECTOR_COLUMNS = ("search_head", "search_body", "search_words")


def article_fields(p: parsed.ParsedArticle) -> dict[str, object]:
    """An article's stored fields (ARTICLE_COLUMNS) from its parsed form."""
    return {
        "section": p.section,
        "kicker": p.kicker,
        "headline": p.headline,
        "subheadline": p.subheadline,
        "byline": list(p.byline),
        "byline_text": p.byline_text,
        "source": p.source,
        "body": p.body,
        "intertitles": p.intertitles,
        # Paragraph text lives in body only; blocks keep the print order (Article.reading_order).
        "blocks": [
            {"kind": str(b.kind)} if b.kind == parsed.BlockKind.PARAGRAPH else {"kind": str(b.kind), "text": b.text}
            for b in p.blocks
        ],
        "lines": list(p.lines),
        "continued": p.continued,
        "warnings": [str(w) for w in p.warnings],
    }


@dataclass
class ArticleRows:
    """One article as plain rows: cheap to pickle back from a worker."""

    fields: dict[str, object]
    captions: list[tuple]  # (position, text, credit, lines, credit_text)
    counties: list[str]  # county codes, primary first
    vectors: tuple[str, str, str] | None = None

    def key(self) -> tuple:
        """What decides whether a stored article must be rewritten (vectors follow from it)."""
        return (json.dumps(self.fields, ensure_ascii=False, sort_keys=True), self.captions, self.counties)

    def with_vectors(self) -> ArticleRows:
        if self.vectors is None:
            f = self.fields
            self.vectors = field_vectors(
                headline=f["headline"],
                kicker=f["kicker"],
                subheadline=f["subheadline"],
                body=f["body"],
                intertitles=f["intertitles"],
                captions=[c[1] for c in self.captions],
                byline=f["byline"],
            )
        return self

    def copy_row(self) -> tuple:
        values = [json.dumps(self.fields[c], ensure_ascii=False) if c == "blocks" else self.fields[c] for c in ARTICLE_COLUMNS]
        return (*values, *self.with_vectors().vectors)


def article_rows(p: parsed.ParsedArticle, *, vectors: bool = True) -> ArticleRows:
    rows = ArticleRows(
        fields=article_fields(p),
        captions=[(j, c.text, c.credit, list(c.lines), c.credit_text) for j, c in enumerate(p.captions)],
        counties=list(dict.fromkeys(c.code for c in p.counties)),
    )
    return rows.with_vectors() if vectors else rows


def _stored_rows(article: Article) -> ArticleRows:
    """The rows of a stored article (as ``_page_articles`` reads them)."""
    return ArticleRows(
        fields={c: getattr(article, c) for c in ARTICLE_COLUMNS},
        captions=[(j, text, credit, list(lines), credit_text) for j, text, credit, lines, credit_text in article.caption_rows],
        counties=[code for code, *_ in article.tag_rows],
    )


def _furniture(page: parsed.Page) -> list[dict]:
    return [{"line": f.line, "kind": str(f.kind), "text": f.text} for f in page.furniture]


# --- many files: parsed in workers, written in batches -------------------------------------------


@dataclass(frozen=True)
class Source:
    """One page file to ingest: its bytes, or a path a worker reads them from."""

    name: str
    meta: PageMeta
    data: bytes | None = None
    path: Path | None = None


@dataclass
class Prepared:
    """A parsed page as plain rows, made in a worker."""

    name: str
    meta: PageMeta
    digest: str
    key: str
    text: str
    furniture: list[dict]
    articles: list[ArticleRows]
    state: parsed.Page  # for a replace


def oversized(name: str, size: int | None) -> IngestResult | None:
    """FAILED when a file's size alone is over the page limit, so it need not be read."""
    try:
        check_size(size, settings.INGEST_MAX_FILE_BYTES)
    except UnreadableFile as exc:
        return _unusable(name, exc)
    return None


def unreadable(name: str, data: bytes) -> IngestResult | None:
    """FAILED when the bytes can be no page whatever their paper, date or label (empty, binary,
    NUL bytes, too many lines): what the upload page says first, before asking for a paper."""
    try:
        _decoded(data)
    except UnreadableFile as exc:
        return _unusable(name, exc)
    return None


def stored_copy(data: bytes) -> Page | None:
    """The stored page these bytes are (the same bytes, or the same text as ``content_key``
    reads it), or None: an upload told which paper it is for tells first that the archive has
    it already, wherever it was filed. Raises UnreadableFile as ``read_page`` does."""
    return _stored(sha256(data), content_key(strip_controls(_decoded(data))))


def _stored(digest: str, key: str) -> Page | None:
    """The stored page of these bytes (SHA-256) or of this text (``content_key``): a duplicate."""
    return Page.objects.filter(Q(sha256=digest) | Q(content_key=key)).select_related("issue__newspaper").first()


# What the page's paper, label and edition may hold (their columns' lengths), and the refusal
# of a longer one in Chinese for the upload page and the API (IngestResult.reason translates it).
_META_LIMITS = (
    ("paper", "paper name", Newspaper, "name", gettext_noop("报名有 %(n)s 个字，超过 %(max)s 个字的上限")),
    ("label", "page label", Page, "label", gettext_noop("版次有 %(n)s 个字，超过 %(max)s 个字的上限")),
    ("edition", "edition", Issue, "edition", gettext_noop("版别有 %(n)s 个字，超过 %(max)s 个字的上限")),
)


def meta_refusal(name: str, meta: PageMeta) -> IngestResult | None:
    """FAILED when what is said about the page does not fit the archive (a paper name over 100
    characters, or one holding a line break: a manifest's unclosed quote): refused with its
    reason before the file is read, not by the database after."""
    for attr, what, model, column, zh in _META_LIMITS:
        value, limit = getattr(meta, attr) or "", model._meta.get_field(column).max_length
        if len(value) > limit:
            return IngestResult(
                name, Outcome.FAILED, error=f"{what} is {len(value)} characters long: at most {limit}",
                error_zh=zh, error_params={"n": len(value), "max": limit},
            )
        if not_one_line(value):
            zh, params = not_one_line_message(attr, value)
            held = f"an invisible format character {params['char']}" if params else "a line break or a character that is not text"
            return IngestResult(
                name, Outcome.FAILED, error=f"{what} holds {held}: {value[:40]!r}", error_zh=zh, error_params=params,
            )
    return None


def not_one_line(value: str) -> bool:
    """Whether a paper name, label or edition holds a line break, a character that is not text
    or an invisible format character: refused wherever one is given (a file's manifest, the
    upload's and the preview's forms, the API, the admin's)."""
    return bool(_NOT_ONE_LINE.search(value)) or not _is_text(value) or _invisible(value) is not None


def not_one_line_message(attr: str, value: str) -> tuple[str, dict[str, object]]:
    """Why such a value is refused, untranslated with its parameters (gettext it where it is
    shown, then fill it): an invisible character is named, since nobody sees what is wrong."""
    invisible = None if _NOT_ONE_LINE.search(value) or not _is_text(value) else _invisible(value)
    if invisible is not None:
        return _INVISIBLE_ZH[attr], {"char": invisible}
    return _NOT_ONE_LINE_ZH[attr], {}


# A name or label is one line of text (a manifest's cell with an unclosed quote runs on over
# the next rows); control characters are not text either.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_ONE_LINE_ZH = {
    "paper": gettext_noop("报名含有换行或不是文字的字符"),
    "label": gettext_noop("版次含有换行或不是文字的字符"),
    "edition": gettext_noop("版别含有换行或不是文字的字符"),
}
_INVISIBLE_ZH = {
    "paper": gettext_noop("报名含有看不见的格式字符 %(char)s（零宽空格之类，常随复制粘贴带入）：请删去它"),
    "label": gettext_noop("版次含有看不见的格式字符 %(char)s（零宽空格之类，常随复制粘贴带入）：请删去它"),
    "edition": gettext_noop("版别含有看不见的格式字符 %(char)s（零宽空格之类，常随复制粘贴带入）：请删去它"),
}


def _invisible(value: str) -> str | None:
    """The first format character (Unicode's Cf: U+200B zero-width space, U+FEFF, U+2060,
    direction marks…) in ``value``, as U+XXXX, else None. Text pasted from Word or WeChat
    carries them; kept, 测试日报 with a U+200B after it would be a second paper that looks like
    测试日报, and an issue's pages would be split over the two."""
    found = next((c for c in value if unicodedata.category(c) == "Cf"), None)
    return None if found is None else f"U+{ord(found):04X}"


def _is_text(value: str) -> bool:
    """Whether ``value`` can be stored as text: a name read from a disk or a shell in another
    encoding comes with its undecodable bytes as lone surrogates (os.fsdecode)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def prepare(source: Source) -> Prepared | IngestResult:
    """Read, decode, parse and index one file (no database): in a worker process."""
    source = replace(source, name=file_name(source.name))
    refused = meta_refusal(source.name, source.meta)
    if refused is not None:
        return refused
    # Every way in (form, manifest, API, command) stores a bare number as the file name's 第3版.
    source = replace(source, meta=replace(source.meta, label=normal_label(source.meta.label)))
    try:
        if source.data is None:
            # A huge file is refused on its size, not read into memory first.
            too_big = oversized(source.name, source.path.stat().st_size)
            if too_big is not None:
                return too_big
        data = source.data if source.data is not None else source.path.read_bytes()
        text, page = read_page(data, source.meta)
    except UnreadableFile as exc:
        return _unusable(source.name, exc)
    except OSError as exc:
        return IngestResult(source.name, Outcome.FAILED, error=str(exc).strip())
    return Prepared(
        source.name,
        source.meta,
        sha256(data),
        content_key(text),
        text,
        _furniture(page),
        [article_rows(p) for p in page.articles],
        page,
    )


def ignore_interrupt() -> None:
    """In a forked worker: Ctrl-C is the command's to answer (it ends the workers and says how to
    resume), not each worker's, which would print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def prepared(sources: Iterable[Source], *, workers: int, batch: int) -> Iterator[list[Prepared | IngestResult]]:
    """Batches of prepared files, in the order given, parsed by ``workers`` processes.

    At most ``workers + 1`` batches are parsed ahead of the writer, so memory stays bounded
    however many files there are.
    """
    chunks = _chunks(sources, batch)
    if workers <= 1:
        for chunk in chunks:
            yield [prepare(s) for s in chunk]
        return
    # Forked workers inherit the loaded gazetteer and dictionaries; they never use the parent's
    # database connection.
    with multiprocessing.get_context("fork").Pool(workers, initializer=ignore_interrupt) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.map_async(prepare, chunk))
            if len(pending) > workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _chunks(items: Iterable[Source], size: int) -> Iterator[list[Source]]:
    chunk: list[Source] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def refusal(exc: DatabaseError) -> str:
    """The database's reason in one plain line: never the SQL, the data or a traceback."""
    diag = getattr(exc.__cause__, "diag", None)
    reason = getattr(diag, "message_primary", None) or str(exc).strip().split("\n")[0]
    return f"the database refused it ({reason[:200]})"


def database_refusal(exc: DatabaseError) -> str:
    """What an operator can do about a database error met outside a file's write (a command's
    first query, its summary): one line, no SQL."""
    first = str(exc).strip().split("\n")[0]
    if isinstance(exc, OperationalError):
        return f"cannot use the database of DATABASE_URL ({first}): is the server up and the database created?"
    if isinstance(exc, ProgrammingError) and "does not exist" in first:
        return f"the database is not migrated to this version ({first}): run manage.py migrate first"
    return f"the database refused the command ({first})"


Slot = tuple[str, dt.date, str, str]


def _slot(meta: PageMeta) -> Slot | None:
    """A page's place in the archive; only a known date and label make one (an undated page or
    one without a label can be anywhere). Labels compare by ``slot_label``: 2 is 第2版."""
    if meta.date is None or not meta.label:
        return None
    return (meta.paper, meta.date, meta.edition, slot_label(meta.label))


class Writer:
    """Writes batches of prepared pages; remembers papers and issues between batches."""

    def __init__(
        self, *, status: str = Status.PUBLISHED, user=None, same_slot: SameSlot = "report", lost_ok: bool = True
    ) -> None:
        if same_slot not in ("report", "replace", "keep"):
            raise ValueError(f"same_slot must be report, replace or keep, not {same_slot!r}")
        self.status = Status(status)
        self.user = user
        self.same_slot = same_slot
        # False: a replace that would drop hand corrections is not made (LOST_CORRECTIONS).
        self.lost_ok = lost_ok
        self._papers: dict[str, Newspaper] = {}
        self._issues: dict[tuple, Issue] = {}

    def write(self, batch: Sequence[Prepared | IngestResult]) -> list[IngestResult]:
        """Store a batch, each file all or nothing; results in the batch's order."""
        # The counties' places, read for each batch: a county moved to another prefecture in the
        # admin during a long load is counted under its new one from the next batch on (the
        # admin's own recount covers what was stored before).
        self._places = county_places()
        self._known_counties = set(self._places)
        results: dict[int, IngestResult] = {}
        todo = [(i, item) for i, item in enumerate(batch) if isinstance(item, Prepared)]
        results.update({i: item for i, item in enumerate(batch) if isinstance(item, IngestResult)})
        digests = [p.digest for _, p in todo]
        keys = [p.key for _, p in todo]
        # The places first, then the texts: a page another writer commits between the two reads
        # is then seen as the same text (a duplicate), never as another text in the place.
        slots = self._stored_slots([p.meta for _, p in todo])
        stored = list(Page.objects.filter(Q(sha256__in=digests) | Q(content_key__in=keys)).select_related("issue__newspaper"))
        by_digest = {p.sha256: p for p in stored}
        by_key = {p.content_key: p for p in stored}
        fresh: list[tuple[int, Prepared]] = []
        first_of: dict[str, int] = {}  # digest or key → the earlier file of this batch with it
        for i, p in todo:
            seen = by_digest.get(p.digest) or by_key.get(p.key)
            if seen is not None or p.digest in first_of or p.key in first_of:
                results[i] = IngestResult(p.name, Outcome.DUPLICATE, page=seen)
                continue
            slot = _slot(p.meta)
            if slot is not None and slot in slots and self.same_slot != "keep":
                occupant = slots[slot]
                if self.same_slot == "replace" and isinstance(occupant, Page):
                    results[i] = _replace(occupant, p, user=self.user, lost_ok=self.lost_ok)
                else:
                    results[i] = IngestResult(
                        p.name, Outcome.SAME_SLOT, page=occupant if isinstance(occupant, Page) else None
                    )
                continue
            first_of[p.digest] = first_of[p.key] = i
            if slot is not None:
                slots.setdefault(slot, i)
            fresh.append((i, p))
        try:
            results.update(self._store(fresh))
        except _Raced:
            # Another writer stored one of these files, or took its place, since the look above:
            # look again, now that its transaction is committed (the normal outcomes follow).
            results.update(zip([i for i, _ in fresh], self.write([p for _, p in fresh])))
        except DatabaseError:
            # Something in the batch was refused: write its files one transaction each, so the
            # others are kept and the bad one is named.
            for i, p in fresh:
                try:
                    results.update(self._store([(i, p)]))
                except _Raced:
                    results[i] = self.write([p])[0]
                except DatabaseError as exc:
                    results[i] = _refused(p, exc)
        # A repeat of a file earlier in this batch: point at the page that file became.
        for i, result in results.items():
            if result.outcome == Outcome.DUPLICATE and result.page is None:
                p = batch[i]
                first = results.get(first_of.get(p.digest, first_of.get(p.key, -1)))
                result.page = first.page if first is not None else None
        return [results[i] for i in range(len(batch))]

    def _stored_slots(self, metas: list[PageMeta]) -> dict[Slot, Page | int]:
        wanted = {s for s in map(_slot, metas) if s is not None}
        if not wanted:
            return {}
        condition = Q()
        for meta in metas:
            if _slot(meta) is not None:
                place = Q(issue__newspaper__name=meta.paper, issue__date=meta.date, issue__edition=meta.edition)
                condition |= place & same_label(meta.label)
        slots: dict[Slot, Page | int] = {}
        for page in Page.objects.filter(condition).select_related("issue__newspaper").order_by("id"):
            place = (page.issue.newspaper.name, page.issue.date, page.issue.edition, slot_label(page.label))
            slots.setdefault(place, page)
        return slots

    def _paper(self, meta: PageMeta) -> Newspaper:
        paper = self._papers.get(meta.paper)
        if paper is None or (meta.prefecture_code and not paper.prefecture_code):
            paper = self._papers[meta.paper] = get_newspaper(meta.paper, meta.prefecture_code)
        return paper

    def _issue(self, paper: Newspaper, meta: PageMeta) -> Issue:
        key = (paper.id, meta.date, meta.edition)
        if key not in self._issues:
            self._issues[key] = get_issue(paper, meta.date, meta.edition)
        return self._issues[key]

    def _store(self, items: list[tuple[int, Prepared]]) -> dict[int, IngestResult]:
        if not items:
            return {}
        papers, issues = dict(self._papers), dict(self._issues)
        try:
            with transaction.atomic():
                self._lock([p for _, p in items])
                if self._raced([p for _, p in items]):
                    raise _Raced
                page_ids = self._copy(items)
                transaction.on_commit(clear_caches)
        except (DatabaseError, _Raced):
            # Rows made in the rolled-back transaction are gone.
            self._papers, self._issues = papers, issues
            raise
        pages = Page.objects.select_related("issue__newspaper").in_bulk(page_ids)
        return {
            i: IngestResult(p.name, Outcome.CREATED, page=pages.get(pid), articles=len(p.articles), chars=len(p.text))
            for (i, p), pid in zip(items, page_ids)
        }

    def _lock(self, pages: list[Prepared]) -> None:
        """Take, until the transaction ends, a lock on every key that another writer (another
        process of ``manage.py ingest --writers``, an upload) could store at the same time: the
        text (the same bytes are the same text), the place when places are checked, and a paper
        or issue this writer may create or change. Taken all at once in one order, so two writers
        never wait on each other in a circle; a second writer of the same file waits for the
        first to commit, then sees its page (``_raced``)."""
        keys = {f"text:{p.key}" for p in pages}
        if self.same_slot != "keep":
            keys.update(f"slot:{slot}" for slot in (_slot(p.meta) for p in pages) if slot is not None)
        for p in pages:
            paper = self._papers.get(p.meta.paper)
            if paper is None or (p.meta.prefecture_code and not paper.prefecture_code):
                keys.add(f"paper:{p.meta.paper}")
            if paper is None or (paper.id, p.meta.date, p.meta.edition) not in self._issues:
                keys.add(f"issue:{p.meta.paper}:{p.meta.date}:{p.meta.edition}")
        ids = sorted({int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "big", signed=True) for k in keys})
        with connection.cursor() as cursor:
            # unnest yields the array in order: the locks are taken in that order.
            cursor.execute("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k", [ids])

    def _raced(self, pages: list[Prepared]) -> bool:
        """Whether, under the locks, any of these files is now stored or its place taken: another
        writer committed it after ``write`` looked."""
        digests, keys = [p.digest for p in pages], [p.key for p in pages]
        if Page.objects.filter(Q(sha256__in=digests) | Q(content_key__in=keys)).exists():
            return True
        return self.same_slot != "keep" and bool(self._stored_slots([p.meta for p in pages]))

    def _copy(self, items: list[tuple[int, Prepared]]) -> list[int]:
        pages = [p for _, p in items]
        issues = [self._issue(self._paper(p.meta), p.meta) for p in pages]
        page_ids = next_ids(Page, len(pages))
        now = timezone.now()
        published_at = now if self.status == Status.PUBLISHED else None
        user_id = getattr(self.user, "pk", None)
        # psycopg's cursor (Django's wrapper has no COPY), with psycopg's errors made Django's
        # (IntegrityError, DataError…) as the wrapper would, so callers catch them per file.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor
            columns = ["id", "issue_id", "label", "number", "source_name", "sha256", "content_key", "raw_text",
                       "furniture", "status", "uploaded_by_id", "ingested_at", "published_at"]
            with raw.copy(copy_sql(Page, columns)) as copy:
                for page_id, issue, p in zip(page_ids, issues, pages):
                    copy.write_row((page_id, issue.id, p.meta.label, page_number(p.meta.label), p.name, p.digest,
                                    p.key, p.text, json.dumps(p.furniture, ensure_ascii=False), self.status,
                                    user_id, now, published_at))
        visible = self.status == Status.PUBLISHED
        ids = iter(next_ids(Article, sum(len(p.articles) for p in pages)))
        write_articles(
            [
                (next(ids), page_id, issue.newspaper_id, issue.date, visible, position, rows)
                for page_id, issue, p in zip(page_ids, issues, pages)
                for position, rows in enumerate(p.articles)
            ],
            self._known_counties,
        )
        if visible:
            _tally([], ([c for c in rows.counties if c in self._places] for p in pages for rows in p.articles), self._places)
        return page_ids


class _Raced(Exception):
    """Writer._store: another writer stored a file of the batch (or took its place) first."""


def _refused(p: Prepared, exc: DatabaseError) -> IngestResult:
    if isinstance(exc, IntegrityError):
        # Another process stored the same file since the check: the unique keys held.
        seen = _stored(p.digest, p.key)
        if seen is not None:
            return IngestResult(p.name, Outcome.DUPLICATE, page=seen)
    return IngestResult(p.name, Outcome.FAILED, error=refusal(exc))


def may_drop_corrections(user) -> bool:
    """Whether ``user`` may replace a page's file where that drops hand corrections of its
    split: an admin's audited work, which a replace cannot give back, is dropped only by those
    who may correct splits (an editor's replace that keeps every correction goes through). The
    command, run by the archive's operator, has no user."""
    return user is None or user.has_perm("articles.correct_page")


def _replace(page: Page, p: Prepared, *, user, lost_ok: bool = True) -> IngestResult:
    """Give a stored page a new file: new text and split, with the corrections of unchanged
    lines carried over (ingest/carry.py); the old text is kept in the revision. Without
    ``lost_ok``, LOST_CORRECTIONS, writing nothing, when some could not be: a replace cannot be
    undone, so a script must say it knows (the browser's replace asks the same); and so, whatever
    ``lost_ok``, for a user who may not drop them (``may_drop_corrections``)."""
    try:
        with transaction.atomic():
            page = Page.objects.select_for_update().select_related("issue__newspaper").get(pk=page.pk)
            _first_revision(page)
            old_text = page.raw_text
            # Under the page's lock: a correction made since the caller looked is counted too.
            state, lost = _carried(page, load_state(page), p.text, p.state)
            allowed = may_drop_corrections(user)
            if lost and not (lost_ok and allowed):
                transaction.set_rollback(True)  # revision 0, just recorded, with the rest
                return IngestResult(p.name, Outcome.LOST_CORRECTIONS, page=page, lost=lost, admin_needed=not allowed)
            page.raw_text, page.sha256, page.content_key, page.source_name = p.text, p.digest, p.key, p.name
            page.save(update_fields=["raw_text", "sha256", "content_key", "source_name"])
            _record(page, state, user=user, action=Action.REPLACE, summary=p.name, raw_text=old_text)
    except DatabaseError as exc:
        return _refused(p, exc)
    return IngestResult(
        p.name, Outcome.REPLACED, page=page, articles=len(state.articles), chars=len(p.text),
        lost=lost,
    )


def _carried(
    page: Page, old_state: parsed.Page, text: str, split: parsed.Page, original: parsed.Page | None = None
) -> tuple[parsed.Page, list[LostCorrection]]:
    """The new file's split (``text``, ``split``) with the page's hand corrections carried over,
    and those that could not be, each with what it was: the one call for a replace and for its
    preview. ``original``: split_of_file(page), where the caller has it."""
    original = split_of_file(page) if original is None else original
    source = page.raw_text.split("\n")
    state, conflicts = carry_over(old_state, source, split, text.split("\n"), original=original)
    return state, _lost(source, old_state, original, conflicts)


def _lost(
    source: list[str], old_state: parsed.Page, original: parsed.Page, conflicts: list[Conflict]
) -> list[LostCorrection]:
    """Each conflict of a carry-over with what its article's hand corrections had changed."""
    by_ref = {a.ref: a for a in old_state.articles}
    lost = []
    for conflict in conflicts:
        article = by_ref.get(conflict.ref)
        # The splitter's article of the same lines, else the one sharing most of them (the
        # correction moved lines: "原文行" is among the changes then).
        shared = {k: len(set(a.lines) & set(conflict.lines)) for k, a in enumerate(original.articles)}
        same = next((a for a in original.articles if a.lines == list(conflict.lines)), None)
        if same is None and any(shared.values()):
            same = original.articles[max(shared, key=shared.__getitem__)]
        changes = corrections.article_changes(same, article, source) if article is not None and same is not None else ()
        lost.append(LostCorrection(conflict, changes, corrections.line_ranges(conflict.lines, source)))
    return lost


def write_articles(rows: list[tuple[int, int, int, dt.date | None, bool, int, ArticleRows]], known_counties: set[str]) -> None:
    """COPY articles (id, page, paper, date, visible, position, rows) with their captions and
    county tags. Codes missing from the County table (a gazetteer newer than the loaded rows,
    see ``manage.py loadcounties``) are skipped."""
    if not rows:
        return
    captions, tags = [], []
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # as in Writer._copy
        columns = [
            "id", "page_id", "newspaper_id", "date", "visible", "position", "county_codes", *ARTICLE_COLUMNS, *VECTOR_COLUMNS
        ]
        with raw.copy(copy_sql(Article, columns)) as copy:
            for article_id, page_id, paper_id, date, visible, position, r in rows:
                known = [c for c in r.counties if c in known_counties]
                # The tags' copy on the row (Article.county_codes), in the tags' order.
                codes = [int(c) for c in known]
                copy.write_row((article_id, page_id, paper_id, date, visible, position, codes, *r.copy_row()))
                captions.extend((article_id, *c) for c in r.captions)
                tags.extend((article_id, code, n == 0) for n, code in enumerate(known))
        with raw.copy(copy_sql(Caption, ["article_id", "position", "text", "credit", "lines", "credit_text"])) as copy:
            for row in captions:
                copy.write_row(row)
        with raw.copy(copy_sql(ArticleCounty, ["article_id", "county_id", "primary"])) as copy:
            for row in tags:
                copy.write_row(row)


def copy_sql(model: type, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


def next_ids(model: type, n: int) -> list[int]:
    """n fresh primary keys from the table's sequence (rows written by COPY need them first)."""
    if not n:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, n]
        )
        return [row[0] for row in cursor.fetchall()]


def county_places(codes: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
    """(province, prefecture) of these counties (every county: None) by code, for the tallies;
    codes missing from the County table are left out (write_articles skips their tags)."""
    counties = County.objects.all() if codes is None else County.objects.filter(code__in=set(codes))
    return {code: (province, prefecture) for code, province, prefecture in counties.values_list("code", "province", "prefecture")}


# Delta rows a process appends to the county tallies between two folds (CountyTallyQuerySet.fold):
# the table stays a few thousand rows (one per key) plus at most this many per writing process,
# cheap to sum on every read of the counts.
TALLY_FOLD_EVERY = 5_000
_tally_rows = 0


def _tally(before: Iterable[Sequence[int | str]], after: Iterable[Sequence[int | str]], places=None) -> None:
    """Count a change of what readers see in the county tallies (models.CountyTally), in the
    caller's transaction: the visible stories ``before`` and ``after`` it, each by its county
    codes. ``places``: county_places of every code named, where the caller has them."""
    global _tally_rows
    before, after = [list(codes) for codes in before], [list(codes) for codes in after]
    if not before and not after:
        return
    if places is None:
        places = county_places({str(c) for codes in before + after for c in codes})
    _tally_rows += CountyTally.objects.add(before, after, places)
    if _tally_rows >= TALLY_FOLD_EVERY:
        _tally_rows = 0
        CountyTally.objects.fold()


def clear_caches() -> None:
    """After a commit that changes what readers see: the front page counts again, in every
    process (each keeps its copy under the shared generation this deletes; articles/views.py),
    every kept reader page with it (articles/page_cache.py), every process's related-stories lists
    (articles/related.py, kept under the same generation), and the bulk export's list of papers
    and years (articles/export.py)."""
    from articles.export import SUMMARY_CACHE_KEY
    from articles.page_cache import forget_generation  # it reads the key defined here

    cache.delete_many([HOME_GENERATION_KEY, SUMMARY_CACHE_KEY])
    forget_generation()


def get_newspaper(name: str, prefecture_code: str = "") -> Newspaper:
    """The paper of that name, created on first sight; a prefecture learnt later is kept."""
    paper, created = Newspaper.objects.get_or_create(name=name, defaults={"prefecture_code": prefecture_code})
    if not created and prefecture_code and not paper.prefecture_code:
        paper.prefecture_code = prefecture_code
        paper.save(update_fields=["prefecture_code"])
    return paper


def get_issue(paper: Newspaper, date: dt.date | None, edition: str = "") -> Issue:
    """The paper's issue of that date (and edition), created on first sight; undated pages share
    one per paper."""
    issue, _ = Issue.objects.get_or_create(newspaper=paper, date=date, edition=edition)
    return issue


# --- the public API ------------------------------------------------------------------------------


def ingest_sources(
    sources: Iterable[Source],
    *,
    workers: int = 1,
    batch: int = 50,
    status: str = Status.PUBLISHED,
    user=None,
    same_slot: SameSlot = "report",
    writers: int = 1,
) -> Iterator[IngestResult]:
    """Ingest files, yielding one result per file in the order given (``manage.py ingest``).

    ``writers`` > 1: that many forked processes each parse and write whole batches through their
    own connection (articles/ingest_pool.py). Inside a caller's transaction the batches are
    written through this connection instead, as part of it. So are files of which two share a
    place (paper, date, edition, page) unless ``same_slot`` keeps both: which of them is stored
    (or replaces the other) must follow their order, not which writer commits first.
    """
    if writers > 1 and same_slot != "keep":
        sources = list(sources)
        slots = [slot for slot in (_slot(s.meta) for s in sources) if slot is not None]
        if len(set(slots)) < len(slots):
            writers = 1
    if writers > 1 and not connection.in_atomic_block:
        from articles.ingest_pool import write_in_processes

        yield from write_in_processes(sources, writers=writers, batch=batch, status=status, user=user, same_slot=same_slot)
        return
    writer = Writer(status=status, user=user, same_slot=same_slot)
    for chunk in prepared(sources, workers=workers, batch=batch):
        yield from writer.write(chunk)


def ingest_file(
    name: str, data: bytes, meta: PageMeta, *, status: str, user=None, same_slot: SameSlot = "report",
    lost_ok: bool = True,
) -> IngestResult:
    """Decode, parse and store one page file (the upload page, the API). Writes nothing when the
    file was seen before, takes a stored page's slot (unless ``same_slot`` says replace or
    keep), a replace would drop hand corrections and ``lost_ok`` is False, or anything fails;
    the result says which and why."""
    seen = Page.objects.filter(sha256=sha256(data)).select_related("issue__newspaper").first()
    if seen is not None:
        return IngestResult(name, Outcome.DUPLICATE, page=seen)
    writer = Writer(status=status, user=user, same_slot=same_slot, lost_ok=lost_ok)
    return writer.write([prepare(Source(name, meta, data=data))])[0]


def replace_page(page: Page, name: str, data: bytes, *, user=None) -> IngestResult:
    """Replace THIS page's file (an editor's choice): DUPLICATE when another page (or this one)
    already holds the same bytes or text, FAILED when unreadable, else REPLACED as for
    ``same_slot="replace"``. The page keeps its id, status, paper, date and label."""
    page = Page.objects.select_related("issue__newspaper").get(pk=page.pk)
    p = prepare(Source(name, _meta_of(page), data=data))
    if isinstance(p, IngestResult):
        return p
    seen = _stored(p.digest, p.key)
    if seen is not None:
        return IngestResult(name, Outcome.DUPLICATE, page=seen)
    return _replace(page, p, user=user)


def _meta_of(page: Page) -> PageMeta:
    """A stored page's place, as a new file for it is read (its paper's prefecture as the hint)."""
    return PageMeta(
        paper=page.issue.newspaper.name, date=page.issue.date, label=page.label,
        prefecture_code=page.issue.newspaper.prefecture_code, edition=page.issue.edition,
    )


@dataclass(frozen=True)
class LostCorrection:
    """An article's hand corrections that replacing the page's file would not carry over (an
    ingest.carry Conflict), with what they were: each field the correction changed from the
    splitter's split of the current file, before → after."""

    conflict: Conflict
    changes: tuple[corrections.FieldChange, ...]
    lines: str  # the article's lines in the page's file before the replace, as ranges ("3–5, 7")

    def shown_changes(self) -> list[tuple[str, str]]:
        """(field, its corrected value) as the preview and the command list them: a value only
        when short and of one line, never a body's or captions' (those are named, not quoted)."""
        return [
            (c.label, c.after if c.label not in UNQUOTED_FIELDS and "\n" not in c.after and len(c.after) <= SHOWN_VALUE_CHARS else "")
            for c in self.changes
        ]


# A corrected value longer than this, or a body or captions, is named, not quoted.
SHOWN_VALUE_CHARS = 60
UNQUOTED_FIELDS = {"正文", "图片说明"}


def replace_with_draft(page: Page, draft: Page, *, user=None) -> IngestResult:
    """Replace THIS page's file with a draft of its slot (the editors' 替换原版面): the draft's
    text as stored, read and checked when it was uploaded (read again from a re-encoding, a GB
    18030 file grew half as large again and could fail the size limit it had passed), and its
    split as it now stands, so that hand corrections made on the draft come along; the page's
    own corrections are carried over onto it as onto a new file's split (``replace_page``).
    (Those of the draft are then part of the page's split of that file: a later file that
    changes their lines replaces them without listing them.) The draft is used up first, in the
    same transaction: a text is stored once. DUPLICATE or FAILED write nothing, the draft kept;
    Page.DoesNotExist when the draft is gone."""
    with transaction.atomic():
        draft = Page.objects.select_for_update().get(pk=draft.pk)
        if not draft.discardable:  # published from another tab since: no longer a draft to use
            raise Page.DoesNotExist("that draft has been published")
        page = Page.objects.select_related("issue__newspaper").get(pk=page.pk)
        p = _draft_file(draft, page)
        discard(draft)
        seen = _stored(p.digest, p.key)
        if seen is not None:
            transaction.set_rollback(True)
            return IngestResult(p.name, Outcome.DUPLICATE, page=seen)
        result = _replace(page, p, user=user)
        if result.outcome != Outcome.REPLACED:  # the draft stays a draft: nothing written
            transaction.set_rollback(True)
        return result


def _draft_file(draft: Page, page: Page) -> Prepared:
    """A draft's file as a replace of ``page`` takes it: its stored text and its split as it
    stands, whose articles become new rows of the page (the draft's go with the draft)."""
    state = load_state(draft)
    state = parsed.Page(articles=[replace(a, ref=None) for a in state.articles], furniture=list(state.furniture))
    return Prepared(draft.source_name, _meta_of(page), draft.sha256, draft.content_key, draft.raw_text, [], [], state)


def lost_corrections(page: Page, draft: Page) -> list[LostCorrection]:
    """What ``replace_with_draft(page, draft)`` would report as lost (the corrections it drops),
    computed the same way and writing nothing: shown on the replacing draft's preview before
    the button. Nothing when the page has no hand corrections."""
    page = Page.objects.select_related("issue__newspaper").get(pk=page.pk)
    old_state, original = load_state(page), split_of_file(page)
    corrected, _ = hand_changes(old_state, original)
    if not corrected:
        return []
    p = _draft_file(draft, page)
    return _carried(page, old_state, p.text, p.state, original)[1]


def version(page: Page | int) -> int:
    """The page's (or page id's) latest revision number, 0 before its first change: the version
    the forms that change a page's text, split or place carry and are checked against (the
    correction pages, the preview's replace and paper/date/page forms, the admin's change forms;
    a post without one, a script's, is taken as made from the page as it is)."""
    page_id = page if isinstance(page, int) else page.pk
    numbers = PageRevision.objects.filter(page_id=page_id).order_by("-number").values_list("number", flat=True)
    return numbers.first() or 0


def _page_articles(page: Page, lines: tuple[int, int] | None = None) -> list[Article]:
    """The page's articles in order (those holding any of source lines ``lines``), without
    their vectors, each with ``caption_rows`` (position, text, credit, lines, credit_text) and
    ``tag_rows`` (code, name, short name, prefecture, province; primary first, then as written).

    Read as three plain queries rather than ``prefetch_related``: building a caption and a tag
    model (and its county) for every story of a long page cost 1.8 of the 2.2 s of reading a
    page of 16,000 stories, and every correction saved on it reads the whole page."""
    articles = Article.objects.filter(page=page).defer(*VECTOR_COLUMNS).order_by("position")
    if lines is not None:
        articles = articles.on_lines(*lines)
    rows = list(articles)
    of = Q(article__page=page) if lines is None else Q(article_id__in=[a.id for a in rows])
    captions: dict[int, list[tuple]] = defaultdict(list)
    for article_id, *caption in (
        Caption.objects.filter(of)
        .order_by("article_id", "position")
        .values_list("article_id", "position", "text", "credit", "lines", "credit_text")
    ):
        captions[article_id].append(tuple(caption))
    tags: dict[int, list[tuple]] = defaultdict(list)
    for article_id, *county in (
        ArticleCounty.objects.filter(of)
        .order_by("article_id", "-primary", "id")  # primary first, then as written
        .values_list("article_id", "county_id", "county__name", "county__short_name", "county__prefecture", "county__province")
    ):
        tags[article_id].append(tuple(county))
    for a in rows:
        a.caption_rows, a.tag_rows = captions.get(a.id, []), tags.get(a.id, [])
    return rows


def _parsed_article(a: Article) -> parsed.ParsedArticle:
    """A stored article as the parser's dataclass (rows of ``_page_articles``); ``ref`` is its id."""
    paragraphs = iter(a.body.split("\n")) if any(b.get("kind") == "p" for b in a.blocks) else iter(())
    blocks = []
    for b in a.blocks:
        kind = parsed.BlockKind(b.get("kind", "p"))
        text = next(paragraphs, "") if kind == parsed.BlockKind.PARAGRAPH else b.get("text", "")
        blocks.append(parsed.Block(kind, text))
    blocks.extend(parsed.Block(parsed.BlockKind.PARAGRAPH, t) for t in paragraphs)
    return parsed.ParsedArticle(
        kicker=a.kicker,
        headline=a.headline,
        subheadline=a.subheadline,
        byline=list(a.byline),
        byline_text=a.byline_text,
        source=a.source,
        section=a.section,
        blocks=blocks,
        captions=[parsed.Caption(text, credit, list(lines), credit_text) for _, text, credit, lines, credit_text in a.caption_rows],
        lines=list(a.lines),
        continued=a.continued,
        warnings=[parsed.Warning(w) for w in a.warnings if w in parsed.Warning._value2member_map_],
        counties=[parsed.County(*county) for county in a.tag_rows],
        ref=a.id,
    )


def load_state(page: Page) -> parsed.Page:
    """The page's split as the parser's dataclasses, rebuilt from its rows; each article's
    ``ref`` is its id."""
    return parsed.Page(articles=[_parsed_article(a) for a in _page_articles(page)], furniture=load_furniture(page))


def load_furniture(page: Page, lo: int = 1, hi: int | None = None) -> list[parsed.Furniture]:
    """The page's furniture lines (those of lines ``lo``..``hi``), as ``load_state`` reads them."""
    return [
        parsed.Furniture(f["line"], parsed.FurnitureKind(f["kind"]), f["text"])
        for f in page.furniture
        if lo <= f["line"] and (hi is None or f["line"] <= hi)
    ]


def load_part(page: Page, lo: int, hi: int) -> list[tuple[int, parsed.ParsedArticle]]:
    """The articles holding any of source lines ``lo``..``hi``, each with its number on the page
    (1, 2, …: its place in ``load_state(page).articles``), read as ``load_state`` reads them: a
    part of a long page without rebuilding all of it."""
    return [(a.position + 1, _parsed_article(a)) for a in _page_articles(page, (lo, hi))]


def load_screen(page: Page, lo: int, hi: int, *, paged: bool) -> tuple[list[tuple[int, parsed.ParsedArticle]], int, list[parsed.Furniture]]:
    """What a page of source lines ``lo``..``hi`` shows beside them (the preview, the correction
    page): the articles with their numbers on the page, how many the page has, and the part's
    furniture — a part's alone when the file is ``paged`` (``load_part``: a 100,000-line page's
    11,000 articles rebuilt whole took 10–30 s), else the whole state."""
    if paged:
        return load_part(page, lo, hi), page.articles.count(), load_furniture(page, lo, hi)
    state = load_state(page)
    return list(enumerate(state.articles, 1)), len(state.articles), state.furniture


def apply_state(page: Page, state: parsed.Page, *, user, action: str, summary: str = "") -> PageRevision:
    """Make the page's rows match ``state`` in one transaction and record the revision.

    Articles with a ``ref`` keep that id (rewritten only when they changed; a ref whose row is
    gone is inserted again with that id, so undo restores ids exactly); ``ref=None`` makes a new
    row; rows not in the state are deleted. Captions, county tags (first = primary), vectors,
    positions, furniture and the copies follow. Before the first change the page's state at
    ingest is recorded as revision 0.
    """
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("issue__newspaper").get(pk=page.pk)
        _first_revision(page)
        return _record(page, state, user=user, action=action, summary=summary)


def _first_revision(page: Page) -> PageRevision:
    """Record the state at ingest as revision 0 if the page has none yet; returns the latest
    revision, its number and parent only (its state is the whole page: megabytes of JSON for a
    long one)."""
    latest = page.revisions.order_by("-number").only("number", "parent").first()
    if latest is None:
        latest = PageRevision.objects.create(
            page=page, number=0, parent=None, created_at=page.ingested_at, user=None, action=Action.INGEST,
            summary="", state=parsed.page_to_dict(load_state(page)), meta=page_meta(page),
        )
    return latest


def split_of_file(page: Page) -> parsed.Page:
    """The splitter's split of the page's current file, against which hand corrections are told
    (ingest/carry.py ``original``): the state recorded when that file came — revision 0 at
    ingest, or the latest replace. Revision 0 alone would do only until a replace: its line
    numbers are another text's, so every article of a replaced file counted as corrected and a
    second replace reported conflicts nobody made. The one rule for replacing and re-splitting.
    (A re-split is not such a split: it may be undone, and an undo's revision does not say which
    one it made current again, so what a re-split changed still counts as corrected.)

    A replace's state also holds the hand corrections it carried over: those are left out of
    it, so that they still count as corrections (carried again, or reported) next time."""
    revisions = {r.number: r for r in page.revisions.only("number", "parent", "action", "state")}
    if not revisions:  # never changed since ingest (no revision 0 recorded yet): as stored
        return load_state(page)
    files = sorted(n for n, r in revisions.items() if r.action in (Action.INGEST, Action.REPLACE))
    return _split_of(revisions, files, len(files) - 1)


def _split_of(revisions: dict[int, PageRevision], files: list[int], k: int) -> parsed.Page:
    """``split_of_file`` for the ``k``-th file of the page (``files``: their revisions' numbers)."""
    revision = revisions[files[k]]
    state = parsed.page_from_dict(revision.state)
    if revision.action == Action.INGEST or k == 0 or revision.parent not in revisions:
        return state
    before = parsed.page_from_dict(revisions[revision.parent].state)
    hand, _ = hand_changes(before, _split_of(revisions, files, k - 1))
    corrected = {before.articles[i].ref: _unplaced(before.articles[i]) for i in hand}
    # Carried over (ingest/carry.py keeps a corrected article whole, its lines renumbered).
    split = [a for a in state.articles if not (a.ref in corrected and _unplaced(a) == corrected[a.ref])]
    return parsed.Page(articles=split, furniture=list(state.furniture))


def _unplaced(article: parsed.ParsedArticle) -> dict:
    """An article's fields without its line numbers, which differ between two files' texts."""
    fields = parsed.page_to_dict(parsed.Page(articles=[article]))["articles"][0]
    fields.pop("ref", None)
    fields.pop("lines", None)
    for caption in fields.get("captions", []):
        if isinstance(caption, dict):
            caption.pop("lines", None)
    return fields


def _record(
    page: Page, state: parsed.Page, *, user, action: str, summary: str, parent: int | None | bool = True,
    raw_text: str | None = None, place: dict | None = None,
) -> PageRevision:
    """Sync the rows, then record the revision (``parent=True``: made from the latest one).
    ``place``: put the page back there first (undo, revert: ``meta_at``); SlotTaken if another
    page holds it now."""
    latest = page.revisions.order_by("-number").only("number").first()
    before = page_meta(page)
    if place is not None and not _same_place(place, before):
        _move(page, *_place_args(place))
    after = _sync(page, state)
    meta = page_meta(page)
    revision = PageRevision.objects.create(
        page=page,
        number=latest.number + 1,
        parent=latest.number if parent is True else parent,
        created_at=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        action=action,
        summary=summary,
        state=parsed.page_to_dict(after),
        raw_text=raw_text,
        meta=meta if meta == before else {**meta, "before": before},
    )
    transaction.on_commit(clear_caches)
    return revision


def _sync(page: Page, state: parsed.Page) -> parsed.Page:
    """Rewrite the page's articles that differ from ``state``; returns the state with every
    article's ref set to its row's id."""
    current = {a.id: a for a in _page_articles(page)}
    refs = [a.ref for a in state.articles if a.ref is not None]
    foreign = set(refs) - set(current)
    if foreign and Article.objects.filter(id__in=foreign).exclude(page=page).exists():
        raise ValueError("the state refers to articles of another page")
    keep: set[int] = set()
    rewrite: list[tuple[int | None, int, ArticleRows]] = []
    used: set[int] = set()
    for position, article in enumerate(state.articles):
        rows = article_rows(article, vectors=False)
        ref = article.ref if article.ref is not None and article.ref not in used else None
        if ref is not None:
            used.add(ref)
        stored = current.get(ref) if ref is not None else None
        if stored is not None and stored.position == position and _stored_rows(stored).key() == rows.key():
            keep.add(ref)
        else:
            rewrite.append((ref, position, rows))
    Article.objects.filter(page=page).exclude(id__in=keep).delete()
    new_ids = iter(next_ids(Article, sum(1 for ref, _, _ in rewrite if ref is None)))
    ids = [ref if ref is not None else next(new_ids) for ref, _, _ in rewrite]
    visible = page.status == Status.PUBLISHED
    named = {c for _, _, r in rewrite for c in r.counties}
    if visible:  # the stored stories' counties too, for their tallies
        named.update(str(c) for a in current.values() for c in a.county_codes)
    places = county_places(named)
    write_articles(
        [
            (article_id, page.id, page.issue.newspaper_id, page.issue.date, visible, position, rows)
            for article_id, (_, position, rows) in zip(ids, rewrite)
        ],
        set(places),
    )
    if visible:
        _tally(
            [a.county_codes for a in current.values()],
            [*(current[ref].county_codes for ref in keep), *([c for c in r.counties if c in places] for _, _, r in rewrite)],
            places,
        )
    furniture = _furniture(state)
    if furniture != page.furniture:
        page.furniture = furniture
        page.save(update_fields=["furniture"])
    # The state as stored: refs of the rows (new ones included).
    assigned = iter(ids)
    rewritten = {position: next(assigned) for _, position, _ in rewrite}
    articles = [replace(a, ref=rewritten.get(position, a.ref)) for position, a in enumerate(state.articles)]
    return parsed.Page(articles=articles, furniture=list(state.furniture))


def set_status(page: Page, status: str, user=None) -> Page:
    """Publish, withdraw or return a page to draft; its articles' visibility follows at once. A
    page once published is never a draft again (ValueError): it is withdrawn, since a draft may
    be discarded, its history with it."""
    status = Status(status)
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if status == Status.DRAFT and page.status != Status.DRAFT and page.published_at is not None:
            raise ValueError("a page once published is withdrawn, never made a draft again")
        was_visible, visible = page.status == Status.PUBLISHED, status == Status.PUBLISHED
        fields = ["status"]
        if visible and not was_visible:
            page.published_at = timezone.now()
            fields.append("published_at")
        page.status = status
        page.save(update_fields=fields)
        Article.objects.filter(page=page).update(visible=visible)
        if visible != was_visible:
            stories = list(Article.objects.filter(page=page).values_list("county_codes", flat=True))
            if visible:
                _tally([], stories)
            else:
                _tally(stories, [])
        transaction.on_commit(clear_caches)
    return page


_UNSET = object()


class SlotTaken(ValueError):
    """Another page already holds that paper, date, edition and page label."""

    def __init__(self, holder: Page) -> None:
        super().__init__(f"page {holder.pk} already holds that paper, date and page label")
        self.holder = holder


def pages_in_slot(paper: Newspaper | int | None, date, edition: str, label: str):
    """The pages in that place (see ``_slot``: only a known date and label make one; 2 and 第2版
    are one place)."""
    if paper is None or date is None or not label:
        return Page.objects.none()
    return Page.objects.filter(same_label(label), issue__newspaper=paper, issue__date=date, issue__edition=edition)


def other_pages_in_slot(page: Page):
    """The other pages in this page's place (a replacement, or a second copy kept on purpose)."""
    issue = page.issue
    return pages_in_slot(issue.newspaper_id, issue.date, issue.edition, page.label).exclude(pk=page.pk)


def slot_taken(page: Page, paper: Newspaper | None, date, edition: str, label: str) -> Page | None:
    """The page whose place moving ``page`` there would take, or None: another page in that
    place, unless ``page`` is already in it (kept beside another on purpose, its label written
    otherwise: 第3版 → 第三版). The one rule for a move (``_move``) and the admin's page form."""
    holder = slot_holder(paper, date, edition, label, exclude=page)
    if holder is None or pages_in_slot(paper, date, edition, label).filter(pk=page.pk).exists():
        return None
    return holder


def slot_holder(paper: Newspaper | None, date, edition: str, label: str, *, exclude: Page | None = None) -> Page | None:
    """The page already in that place, other than ``exclude``."""
    pages = pages_in_slot(paper, date, edition, label)
    if exclude is not None:
        pages = pages.exclude(pk=exclude.pk)
    return pages.order_by("pk").first()


def update_page_meta(page: Page, *, paper: str | Newspaper | None = None, date=_UNSET, label: str | None = None, user=None) -> Page:
    """Move a page to another paper or date (``date=None``: unknown) or give it another label;
    its articles' copies follow in the same transaction. The change is a version in the page's
    history like any correction (action META: who, when, each value before → after, the place
    before and after in ``PageRevision.meta``), undone and reverted as they are. A ``user`` needs
    the permission to change pages (PermissionDenied); nothing changed records nothing."""
    if user is not None and getattr(user, "pk", None) and not user.has_perm("articles.change_page"):
        raise PermissionDenied("changing a page's paper, date or label needs articles.change_page")
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("issue__newspaper").get(pk=page.pk)
        old_issue = page.issue
        if isinstance(paper, str):
            paper = get_newspaper(paper.strip())
        newspaper = paper or old_issue.newspaper
        new_date = old_issue.date if date is _UNSET else date
        label = page.label if label is None else normal_label(label)
        before = page_meta(page)
        after = _meta(newspaper, new_date, old_issue.edition, label)
        if _same_place(after, before):
            return page
        latest = _first_revision(page)
        _move(page, newspaper, new_date, old_issue.edition, label)
        PageRevision.objects.create(
            page=page,
            number=latest.number + 1,
            parent=latest.number,
            created_at=timezone.now(),
            user=user if getattr(user, "pk", None) else None,
            action=Action.META,
            summary=meta_summary(before, after),
            # The split is unchanged: the rows as they stand (refs their ids).
            state=parsed.page_to_dict(load_state(page)),
            meta={**after, "before": before},
        )
        transaction.on_commit(clear_caches)
    return page


def _move(page: Page, newspaper: Newspaper, date: dt.date | None, edition: str, label: str) -> None:
    """Put the (locked) page in another place: its issue, label and number, and its articles'
    copies of the paper and date; an issue left without pages goes."""
    old_issue = page.issue
    # Moving onto another page's place would show its stories twice: never silently. A page
    # kept beside another in its place on purpose may still have its label written otherwise
    # (第3版 → 第三版): it stays where it was.
    holder = slot_taken(page, newspaper, date, edition, label)
    if holder is not None:
        raise SlotTaken(holder)
    issue = get_issue(newspaper, date, edition)
    page.issue = issue
    page.label, page.number = label, page_number(label)
    page.save(update_fields=["issue", "label", "number"])
    Article.objects.filter(page=page).update(newspaper=newspaper, date=date)
    if issue.pk != old_issue.pk and not old_issue.pages.exists():
        old_issue.delete()


# A place as a revision records it: the paper by id (its name may be changed in the admin
# since; the name is kept for the summary), the date, edition and label.
_PLACE_KEYS = ("paper", "date", "edition", "label")
_PLACE_IDENTITY = ("paper_id", "date", "edition", "label")


def _meta(paper: Newspaper, date: dt.date | None, edition: str, label: str) -> dict[str, object]:
    return {
        "paper": paper.name, "paper_id": paper.pk, "date": date.isoformat() if date else None,
        "edition": edition, "label": label,
    }


def _same_place(a: dict, b: dict) -> bool:
    """The same paper (by id: every recorded place has one), date, edition and label."""
    return all(a.get(key) == b.get(key) for key in _PLACE_IDENTITY)


def page_meta(page: Page) -> dict[str, object]:
    """The page's place as a revision records it (PageRevision.meta)."""
    issue = page.issue
    return _meta(issue.newspaper, issue.date, issue.edition, page.label)


def _place_args(place: dict) -> tuple[Newspaper, dt.date | None, str, str]:
    """The paper (never made anew: undo and revert go back to a paper that exists), date,
    edition and label of a recorded place; CannotUndo when that paper is gone."""
    date = place.get("date")
    newspaper = Newspaper.objects.filter(pk=place["paper_id"]).first()
    if newspaper is None:
        raise CannotUndo(_paper_gone(place))
    return newspaper, dt.date.fromisoformat(date) if date else None, place.get("edition") or "", place.get("label") or ""


def meta_summary(before: dict, after: dict) -> str:
    """What a META revision changed, as its summary (in Chinese, as every summary is written;
    articles/revision_text.py shows it in the reader's language): 报名：A → B；日期：… → …"""
    def shown(value: object) -> object:
        return META_NONE.get(value, value) if value is None or value == "" else value

    return META_SEPARATOR.join(
        META_PARTS[key] % {"before": shown(before.get(key)), "after": shown(after.get(key))}
        for key in _PLACE_KEYS if before.get(key) != after.get(key)
    )


def meta_at(revisions: Sequence[PageRevision], number: int) -> dict | None:
    """Where the page stood at revision ``number`` (its place as ``page_meta`` gives it), or None
    when no revision says: those recorded before migration 0014 hold no place, and for them the
    first revision since that holds one tells (the place before it, if it moved the page; else
    its own), as no change of place was recorded between. ``revisions``: all the page's."""
    for revision in sorted(revisions, key=lambda r: r.number):
        if revision.number < number or revision.meta is None:
            continue
        meta = revision.meta if revision.number == number else revision.meta.get("before", revision.meta)
        return {key: meta.get(key) for key in ("paper_id", *_PLACE_KEYS)}
    return None


class NotDiscardable(ValueError):
    """The page is no draft never published (another editor may have published it meanwhile)."""


def discard(page: Page) -> None:
    """Delete a draft page with its articles and history (a published page is withdrawn instead)."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
        if not page.discardable:
            raise NotDiscardable("only a draft never published can be discarded; withdraw a published page")
        issue = page.issue
        page.delete()
        if not issue.pages.exists():
            issue.delete()


class CannotUndo(ValueError):
    """Nothing to undo, or a change that cannot be undone (a replaced file; the page's former
    place taken by another page since: ``holder``)."""

    def __init__(self, reason: str, holder: Page | None = None) -> None:
        super().__init__(reason)
        self.holder = holder


class NothingToRevert(CannotUndo):
    """The page's split and place are those of the version asked for already."""


def undo_refusal(page: Page, revisions: Sequence[PageRevision] | None = None) -> str | None:
    """Why the page's latest change cannot be undone (CannotUndo's reason), or None: the one rule
    for undo() and for the pages that offer it (no button that would only be refused).
    ``revisions``: the page's revisions (all of them, any order) where the caller has them."""
    if revisions is None:
        revisions = list(page.revisions.only("number", "parent", "action"))
    latest = max(revisions, key=lambda r: r.number, default=None)
    if latest is None or latest.parent is None:
        return "nothing to undo"
    # Undo walks back by parents: never onto a split made for a file replaced since.
    if last_replacement(page, revisions) > latest.parent:
        # Said truthfully: uploading the old file again brings back its text, never the hand
        # corrections the replace dropped (those are in the history, to be made again).
        return (
            "a replaced file cannot be undone: uploading the old file again brings back its text, "
            "not the hand corrections made before the replace (they are in the history, to be made again)"
        )
    # Undo puts the page back where it was then: a change of place since (a META revision)
    # may have left that paper without pages, and an admin may have deleted it.
    if any(r.action == Action.META for r in revisions if r.number > latest.parent):
        place = meta_at(list(page.revisions.filter(number__gte=latest.parent).only("number", "meta")), latest.parent)
        if place and not Newspaper.objects.filter(pk=place["paper_id"]).exists():
            return _paper_gone(place)
    return None


def _paper_gone(place: dict) -> str:
    """CannotUndo's reason when a recorded place's paper has been deleted since."""
    return f"the paper of that version ({place.get('paper')}) is no longer in the archive"


def last_replacement(page: Page, revisions: Sequence[PageRevision] | None = None) -> int:
    """The number of the page's latest file replacement (0: none): no version before it can be
    made current again (revert()), its lines being another file's."""
    if revisions is None:
        revisions = list(page.revisions.filter(action=Action.REPLACE).only("number", "action"))
    return max((r.number for r in revisions if r.action == Action.REPLACE), default=0)


def undo(page: Page, user=None) -> PageRevision:
    """Go back to the state before the latest change (again and again, back to the ingest)."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("issue__newspaper").get(pk=page.pk)
        revisions = list(page.revisions.only("number", "parent", "action", "meta"))
        refusal = undo_refusal(page, revisions)
        if refusal:
            raise CannotUndo(refusal)
        latest = max(revisions, key=lambda r: r.number)
        target = page.revisions.get(number=latest.parent)
        with _place_kept():
            return _record(
                page, parsed.page_from_dict(target.state), user=user, action=Action.UNDO,
                summary=f"撤销 v{undone_change(revisions, latest)}", parent=target.parent,
                place=meta_at(revisions, target.number),
            )


def undone_change(revisions: Sequence[PageRevision], latest: PageRevision) -> int:
    """The number of the change an undo of ``latest`` takes back: ``latest`` itself, unless it is
    an undo, whose state is an older version's — then the change that made that version from
    the one before (undo after undo walks back, it does not redo). That change is the one
    revision that is not an undo among those whose parent is ``latest.parent``: a change's
    parent is the version that was current when it was made, and each version is current for
    one change only; an undo's parent is its target's."""
    made = [r.number for r in revisions if r.parent == latest.parent and r.action != Action.UNDO]
    return min(made, default=latest.number)


def revert(page: Page, number: int, user=None) -> PageRevision:
    """Make the page's split that of revision ``number`` again (itself a change, undoable)."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("issue__newspaper").get(pk=page.pk)
        revisions = list(page.revisions.only("number", "parent", "action", "meta"))
        target = page.revisions.get(number=number)
        if number < last_replacement(page, revisions):
            raise CannotUndo("the file was replaced since that version")
        place = meta_at(revisions, number)
        current = page.revisions.order_by("-number").values_list("state", flat=True).first()
        if not corrections.diff_states(current, target.state) and (place is None or _same_place(place, page_meta(page))):
            # An undo leaves the page as an older version was: reverting to that one would
            # record a version that changes nothing.
            raise NothingToRevert(f"the page is as version {number} already")
        with _place_kept():
            return _record(
                page, parsed.page_from_dict(target.state), user=user, action=Action.REVERT,
                summary=f"恢复到 v{number}", place=place,
            )


@contextmanager
def _place_kept() -> Iterator[None]:
    """Undo and revert put the page back in its former place: refused (CannotUndo) when another
    page has taken it since, as moving there by the form would be."""
    try:
        yield
    except SlotTaken as taken:
        raise CannotUndo(
            f"page {taken.holder.pk} now holds the paper, date and page label of that version", holder=taken.holder
        ) from taken
