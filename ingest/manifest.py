"""Which paper, date and page a file is: from a ``manifest.csv`` beside it, or from its name.

``manifest.csv`` has a header row ``file,paper,date,page,prefecture`` (date as YYYY-MM-DD, or year
first as a spreadsheet re-saves it: 2025/4/1, 2025.4.1, 2025年4月1日; from 1800-01-01 to a year
after today, or empty when unknown; prefecture is the paper's four-digit prefecture code,
optional). A bad row refuses its own file only (:class:`Manifest`); a bad header, the whole
manifest.

File names often say it too: ``晋中日报_2025-03-29_第3版.txt``, ``jzrb-20250329-03.txt``,
``2025-03-29/03.txt``. :func:`guess_from_name` reads what such a name says and nothing more; a
Latin paper code (``jzrb``) gives a paper only through the ``aliases`` the caller passes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath

from ingest.decode import UnreadableFile, decode
from ingest.gazetteer import Gazetteer

MANIFEST_NAME = "manifest.csv"
# A prefecture code: four ASCII digits (not any Unicode digit, as \d and str.isdigit take), the
# same for a manifest, the command, the upload form, the API and its OpenAPI description.
PREFECTURE_PATTERN = "[0-9]{4}"
_COLUMNS = {"file", "paper", "date", "page", "prefecture"}


class ManifestError(ValueError):
    """A manifest (or a paper/date option) that cannot be used; the message names where.

    The message is English (the command prints it); ``zh`` is the same in Chinese with
    ``%(name)s`` slots filled from ``params``, for the upload page to translate (its msgids are
    listed in articles/ingest_text.py), as ingest.decode.UnreadableFile does.
    """

    def __init__(self, message: str, zh: str = "", **params: object) -> None:
        super().__init__(message)
        self.zh = zh
        self.params = params


# The dates an issue may carry, the one rule for the upload form, the API, manifests, the ingest
# command and file names: from 1800 (earlier than any Chinese-language newspaper) to a year after
# today (a paper may be dated a little ahead; more is a typo such as 2205). Outside it, a year's
# calendar, the search's year chart and date arithmetic (9999-12-31 + 1 day) show nothing sensible.
ISSUE_DATE_MIN = dt.date(1800, 1, 1)


def issue_date_max(today: dt.date | None = None) -> dt.date:
    """The latest date an issue may carry: a year after today (29 February: 28 February)."""
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def issue_date_in_range(date: dt.date) -> bool:
    """Whether an issue may carry this date (ISSUE_DATE_MIN to ``issue_date_max()``)."""
    return ISSUE_DATE_MIN <= date <= issue_date_max()


@dataclass(frozen=True)
class Entry:
    paper: str = ""
    date: dt.date | None = None
    page: str = ""
    prefecture: str = ""


_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str, *, where: str, shown: str = "") -> dt.date | None:
    """A date written YYYY-MM-DD (the command's --date), None when empty; raises ManifestError
    naming ``where``. ``shown`` is the value as the person wrote it, for the messages."""
    value = value.strip()
    if not value:
        return None
    # Only YYYY-MM-DD: Python's fromisoformat also takes 20250501 and 2025-W18-4, which nobody
    # writing a manifest means as a date (and the upload form and the API refuse them).
    if not _ISO_DATE_RE.fullmatch(value):
        raise ManifestError(
            f"{where}: date {value!r} is not YYYY-MM-DD", "%(where)s：日期 %(value)s 不是 YYYY-MM-DD 格式",
            where=where, value=value,
        )
    written = shown or value
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise ManifestError(
            f"{where}: date {written!r} is no such day", "%(where)s：日期 %(value)s 不存在（月或日超出范围）",
            where=where, value=written,
        ) from None
    if not issue_date_in_range(date):
        lo, hi = ISSUE_DATE_MIN.isoformat(), issue_date_max().isoformat()
        raise ManifestError(
            f"{where}: date {written!r} is outside {lo} to {hi}", "%(where)s：日期 %(value)s 不在 %(lo)s 到 %(hi)s 之间",
            where=where, value=written, lo=lo, hi=hi,
        )
    return date


def parse_prefecture(value: str, *, where: str) -> str:
    """A paper's prefecture code as given (manifest rows, --prefecture, the upload form and the
    API): four digits naming a prefecture of the gazetteer, or empty. A code of no prefecture
    would be stored with the paper for good and hint no county on any of its pages."""
    value = value.strip()
    if value and not re.fullmatch(PREFECTURE_PATTERN, value):
        raise ManifestError(
            f"{where}: prefecture {value!r} is not a four-digit code such as 1407",
            "%(where)s：地市代码 %(value)s 不是四位数字（如 1407）", where=where, value=value,
        )
    if value and Gazetteer.default().prefecture_name(value) is None:
        raise ManifestError(
            f"{where}: prefecture {value!r} is no prefecture's code (1407 is 晋中市)",
            "%(where)s：地市代码 %(value)s 不是任何地市的代码（如 1407 是晋中市）", where=where, value=value,
        )
    return value


def read_manifest(folder: Path) -> dict[str, Entry]:
    """Entries by file name from the folder's manifest.csv; {} when the folder has none.

    Raises ManifestError for an unreadable or malformed manifest (any bad row), naming the file.
    """
    return read_folder_manifest(folder).strict()


def read_folder_manifest(folder: Path) -> Manifest:
    """The folder's manifest.csv, each row kept with its own problem (:class:`Manifest`); an
    empty Manifest when the folder has none.

    Raises ManifestError, naming the file, when the whole manifest is unusable (unreadable, or
    its header lacks a column or has one it should not).
    """
    path = folder / MANIFEST_NAME
    if not path.exists():
        return Manifest(where=str(path))
    try:
        return manifest_rows(decode(path.read_bytes()), where=str(path))
    except UnreadableFile as exc:
        raise ManifestError(f"{path}: {exc}") from None


def manifest_from_bytes(data: bytes, *, where: str = MANIFEST_NAME, max_bytes: int | None = None) -> dict[str, Entry]:
    """Entries by file name from a manifest's bytes (a folder's file or an uploaded one).

    The bytes are read like a page file (:func:`ingest.decode.decode`): spreadsheets in China often
    save CSV as GBK. Raises UnreadableFile when they are no text (its ``zh`` and ``params`` for the
    upload page), ManifestError as :func:`parse_manifest` does.
    """
    return parse_manifest(decode(data, max_bytes=max_bytes), where=where)


def parse_manifest(text: str, *, where: str = MANIFEST_NAME) -> dict[str, Entry]:
    """Entries by file name from a manifest's text, all or nothing (the benches and the seeds).

    Raises ManifestError naming the line for a missing column, a bad date or prefecture, an empty
    or repeated file name. Uploads and the ingest command use :func:`manifest_rows`, where a bad
    row refuses its own file only.
    """
    return manifest_rows(text, where=where).strict()


# A date as a manifest row may carry it: YYYY-MM-DD as documented, and the year-first forms
# Excel and WPS write when they re-save a date cell in China (2025/4/1; 2025.4.1; 2025年4月1日),
# month and day of one or two digits, one separator throughout. Never day or month first:
# 4/1/2025 is 1 April to one spreadsheet and 4 January to another.
_ROW_DATE_RE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")


def parse_row_date(value: str, *, where: str) -> dt.date | None:
    """A manifest row's date (YYYY-MM-DD, or year first: 2025/4/1, 2025.4.1, 2025年4月1日); None
    when empty. Raises ManifestError naming ``where`` for any other form, no such day, or a date
    outside ISSUE_DATE_MIN to issue_date_max()."""
    value = value.strip()
    if not value:
        return None
    match = _ROW_DATE_RE.fullmatch(value)
    if match is None:
        raise ManifestError(
            f"{where}: date {value!r} is not YYYY-MM-DD (year first 2025/4/1 and 2025.4.1 are read too)",
            "%(where)s：日期 %(value)s 不是 YYYY-MM-DD 格式（也可写成年份在前的 2025/4/1、2025.4.1）",
            where=where, value=value,
        )
    year, month, day = (match[1], match[3], match[4]) if match[1] else (match[5], match[6], match[7])
    # Written out as YYYY-MM-DD, the one form parse_date takes: one range check, one message.
    return parse_date(f"{year}-{int(month):02d}-{int(day):02d}", where=where, shown=value)


@dataclass(frozen=True)
class Row:
    """One row of a manifest: the file it names and its values, or what is wrong with it."""

    # Its row as a spreadsheet numbers them: the header is row 1, and a quoted cell holding a
    # line break is still one row (the file's line numbers run ahead of the rows after it).
    line: int
    name: str  # the file as the row names it, perhaps with folders (sub/a1.txt)
    entry: Entry | None = None
    error: ManifestError | None = None


@dataclass(frozen=True)
class Manifest:
    """A manifest read row by row: a bad row is kept with its error, for its own file alone.

    :meth:`find` gives the row of a file, matching by base name too (a browser sends ``a1.txt``
    for the row ``sub/a1.txt``) when one row alone has that base name; :meth:`unused` the rows no
    file took, so that the editor hears of them.
    """

    where: str = MANIFEST_NAME
    rows: tuple[Row, ...] = ()

    def find(self, name: str) -> Row | None:
        """The row for a file (its name as given, or its base name), or None when none names it.

        A row with an error is returned too: the file must be refused with it. So is a made-up
        row with an error when the name is listed twice, or when its base name is that of
        several rows' files in different folders and none names it exactly.
        """
        named = self._rows_of(name)
        if not named:
            return None
        if len(named) == 1:
            return named[0]
        if len({r.name for r in named}) == 1:  # listed twice: the second row says so
            return next(r for r in named[1:] if r.error is not None)
        base = _base(name)
        lines = ", ".join(str(r.line) for r in named)
        names = ", ".join(r.name for r in named)
        return Row(named[0].line, base, error=ManifestError(
            f"{self.where}: rows {lines} all name a file {base} ({names}): write the one meant as {base}",
            "%(where)s：第 %(lines)s 行都指向名为 %(name)s 的文件（%(names)s）：请把要用的那一行写成 %(name)s",
            where=self.where, lines=lines, name=base, names=names,
        ))

    def _rows_of(self, name: str) -> list[Row]:
        """The rows naming this file: by its name, else its base name, else rows of the same base
        name in folders."""
        by_name, by_base = self._index
        base = _base(name)
        return by_name.get(name) or by_name.get(base) or by_base.get(base, [])

    @cached_property
    def _index(self) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
        # A folder of 100,000 files and its manifest: each file found without reading every row.
        by_name: dict[str, list[Row]] = {}
        by_base: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.name:
                by_name.setdefault(row.name, []).append(row)
                by_base.setdefault(_base(row.name), []).append(row)
        return by_name, by_base

    def unused(self, names: list[str]) -> list[Row]:
        """The rows none of these files took (rows without a file name too), in order."""
        taken = {id(r) for n in names for r in self._rows_of(n)}
        return [r for r in self.rows if id(r) not in taken]

    def strict(self) -> dict[str, Entry]:
        """Entries by file name; raises the first row's ManifestError when any row is bad."""
        entries: dict[str, Entry] = {}
        for row in self.rows:
            if row.error is not None:
                raise row.error
            entries[row.name] = row.entry
        return entries


def _base(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def is_manifest_header(text: str) -> bool:
    """Whether the text's first row is a manifest's header: it names a ``file`` column."""
    try:
        first = next(csv.reader(io.StringIO(text), strict=True), [])
    except csv.Error:  # not a header anyone could read
        return False
    return "file" in _header(first)


def _file_cell(cells: list[str], k: int, columns: int) -> str:
    """The file a row with more cells than ``columns`` names: its ``k``-th cell, or, where a
    comma inside an earlier value moved it on, the first of the cells it may have moved to
    that is a page file's name."""
    moved = [c.strip() for c in cells[k : k + len(cells) - columns + 1]]
    return next((c for c in moved if c.lower().endswith(".txt")), moved[0] if moved else "")


def _header(fields: list[str] | None) -> list[str]:
    # As a person types it in a spreadsheet: " File " is the column file.
    return [f.strip().lower() for f in fields or []]


_PAPER_LINES_ZH = "%(where)s：报名这一格里有换行：报名只能写成一行"
_PAGE_LINES_ZH = "%(where)s：版次这一格里有换行：版次只能写成一行"


def _one_line(value: str, *, where: str, what: str, zh: str) -> str:
    """A paper or page cell, stripped; ManifestError naming the row when it holds a line break (a
    quoted cell of two lines, Alt+Enter in a spreadsheet). The writer would refuse it too
    (writer.not_one_line, with the file's other odd characters), but could not say which row."""
    value = value.strip()
    if len(value.splitlines()) > 1:
        raise ManifestError(f"{where}: the {what} holds a line break: write it on one line", zh, where=where)
    return value


def manifest_rows(text: str, *, where: str = MANIFEST_NAME) -> Manifest:
    """A manifest's text read row by row (the command's file or an uploaded one).

    Raises ManifestError for a header that lacks the file or paper column or has one not in
    ``file,paper,date,page,prefecture``, or for a quote left unclosed: then no row can be
    trusted. A row with more cells than the header (a comma inside a value), a bad date or
    prefecture, an empty file name or one listed before is kept with its error
    (:class:`Row`), for its own file to be refused with; a row of empty cells (a spreadsheet's
    formatted blank row) is left out.
    """
    # Strict: a quote left unclosed is an error, not a cell that runs on over the rows below
    # (a paper named after three rows of the manifest); so is a cell over the csv module's limit.
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = _header(next(reader, None))
    except csv.Error as exc:
        raise ManifestError(f"{where}: unreadable header ({exc})", "%(where)s：表头无法读取", where=where) from None
    missing = {"file", "paper"} - set(header)
    if missing:
        columns = ", ".join(sorted(missing))
        raise ManifestError(f"{where}: header lacks {columns}", "%(where)s：表头缺少 %(columns)s 列", where=where, columns=columns)
    unknown = set(header) - _COLUMNS
    if unknown:
        columns = ", ".join(sorted(unknown))
        raise ManifestError(
            f"{where}: unknown columns {columns}", "%(where)s：表头有不认识的列 %(columns)s", where=where, columns=columns
        )
    rows: list[Row] = []
    seen: set[str] = set()
    # Rows counted as records, not lines (reader.line_num): the editor finds the row named in
    # the spreadsheet the manifest came from. A blank line is a row there too.
    line = 1
    while True:
        line += 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            # Past this point the rows cannot be told apart: the manifest is refused whole,
            # naming the row, and each of its files with it.
            at = f"{where}:{line}"
            raise ManifestError(
                f"{at}: malformed ({exc}): an unclosed quote?", "%(where)s：这一行格式有误（引号没有配对？），整个清单无法读取",
                where=at,
            ) from None
        if cells is None:
            break
        if not any(c.strip() for c in cells):
            continue
        at = f"{where}:{line}"
        if any(c.strip() for c in cells[len(header):]):
            # More cells than columns: a comma inside an unquoted value (a paper name) moved
            # every cell after it; none of them can be trusted.
            name = _file_cell(cells, header.index("file"), len(header))
            rows.append(Row(line, name, error=ManifestError(
                f"{at}: more cells than the header has (a comma inside a value? quote it)",
                "%(where)s：这一行比表头多出几格（值里有逗号？请给它加上引号）", where=at,
            )))
            continue
        row = dict(zip(header, cells))
        name = (row.get("file") or "").strip()
        if not name:
            rows.append(Row(line, "", error=ManifestError(f"{at}: empty file name", "%(where)s：文件名是空的", where=at)))
            continue
        if name in seen:
            rows.append(Row(line, name, error=ManifestError(
                f"{at}: {name} is listed twice", "%(where)s：%(name)s 列了两次", where=at, name=name
            )))
            continue
        seen.add(name)
        try:
            entry = Entry(
                paper=_one_line(row.get("paper") or "", where=at, what="paper name", zh=_PAPER_LINES_ZH),
                date=parse_row_date(row.get("date") or "", where=at),
                page=_one_line(row.get("page") or "", where=at, what="page label", zh=_PAGE_LINES_ZH),
                prefecture=parse_prefecture(row.get("prefecture") or "", where=at),
            )
        except ManifestError as exc:
            rows.append(Row(line, name, error=exc))
            continue
        rows.append(Row(line, name, entry=entry))
    return Manifest(where=where, rows=tuple(rows))


# -- file names ------------------------------------------------------------------------------

# 2025-03-29, 2025_03_29, 2025.3.29, 2025/03/29, 2025年3月29日; any year, so that 1700-01-01 is
# seen as a date (and refused as one an issue may not carry), not read as a page number
_DATE_SEP_RE = re.compile(r"(?<!\d)(\d{4})(?:[-_./]|年)(\d{1,2})(?:[-_./]|月)(\d{1,2})日?(?!\d)")
# 20250329
_DATE_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
# 第3版, 第03版, 3版
_PAGE_CN_RE = re.compile(r"(?:第\s*)?0*(\d{1,3})\s*版")
# A03, B2 (sections of evening and metro papers), as its own token
_PAGE_SECTION_RE = re.compile(r"(?<![A-Za-z0-9])([A-Ha-h])(\d{1,3})(?![A-Za-z0-9])")
# p3, page03, pg3
_PAGE_P_RE = re.compile(r"(?<![A-Za-z0-9])(?:p|pg|page)[-_ ]?0*(\d{1,3})(?![0-9])", re.IGNORECASE)
# a bare number left at the end of the name: jzrb-20250329-03, 2025-03-29/03
_PAGE_TAIL_RE = re.compile(r"(?:^|[-_\s.])0*(\d{1,3})\s*$")
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class NameGuess:
    """What a file name says; "" / None for what it does not."""

    paper: str = ""
    date: dt.date | None = None
    page: str = ""  # the label as the archive writes it: 第3版, A03
    number: int | None = None  # the page number when the name gives one
    # A date the name gives that was not used, as written (2025-02-30), and why: NO_SUCH_DATE or
    # OUT_OF_RANGE (ISSUE_DATE_MIN to issue_date_max()), for the upload to tell the editor.
    unused_date: str = ""
    unused_date_reason: str = ""


NO_SUCH_DATE, OUT_OF_RANGE = "no_such_date", "out_of_range"


def page_label(number: int) -> str:
    return f"第{number}版"


def _find_date(text: str) -> tuple[dt.date | None, str, tuple[str, str]]:
    """The first valid date in the text, the text without it, and the first date-shaped run not
    used with its reason (("2025-02-30", NO_SUCH_DATE)), or ("", "") when none was dropped.

    A date-shaped run that is no date (2025-02-30), or none an issue may carry (2099-01-01:
    ``issue_date_in_range``), is dropped too, so that its digits are not read as a page number.
    """
    for pattern in (_DATE_SEP_RE, _DATE_COMPACT_RE):
        shaped, unused = None, ("", "")
        for match in pattern.finditer(text):
            shaped = shaped or match
            try:
                found = dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                unused = unused if unused[0] else (match[0], NO_SUCH_DATE)
                continue
            if not issue_date_in_range(found):  # 2099-01-01: a date, but none an issue may carry
                unused = unused if unused[0] else (match[0], OUT_OF_RANGE)
                continue
            return found, text[: match.start()] + " " + text[match.end() :], ("", "")
        if shaped is not None:
            return None, text[: shaped.start()] + " " + text[shaped.end() :], unused
    return None, text, ("", "")


def _find_page(text: str) -> tuple[str, int | None, str]:
    match = _PAGE_CN_RE.search(text)
    if match:
        number = int(match[1])
        return page_label(number), number, text[: match.start()] + " " + text[match.end() :]
    match = _PAGE_SECTION_RE.search(text)
    if match:
        label = f"{match[1].upper()}{match[2]}"
        return label, int(match[2]), text[: match.start()] + " " + text[match.end() :]
    for pattern in (_PAGE_P_RE, _PAGE_TAIL_RE):
        match = pattern.search(text)
        if match and int(match[1]) > 0:
            number = int(match[1])
            return page_label(number), number, text[: match.start()] + " " + text[match.end() :]
    return "", None, text


def guess_from_name(name: str, *, aliases: Mapping[str, str] | None = None) -> NameGuess:
    """Paper, date and page label read from a file name (with folders, if any).

    The stem is read first; a folder named like a date (``2025-03-29/03.txt``) or like a paper
    gives what the stem does not. ``aliases`` maps Latin codes (compared in lower case) to paper
    names: ``{"jzrb": "晋中日报"}``.
    """
    folded = {k.lower(): v for k, v in (aliases or {}).items()}
    path = PurePosixPath(name.replace("\\", "/"))
    parts = [path.stem, *reversed(path.parent.parts)]  # the file first, then the nearest folder
    paper, date, page, number = "", None, "", None
    unused = ("", "")
    for i, part in enumerate(parts):
        rest = part
        if date is None:
            date, rest, dropped = _find_date(rest)
            unused = unused if unused[0] else dropped
        if not page and i == 0:  # a page label only from the file itself, never a folder
            page, number, rest = _find_page(rest)
        if not paper:
            paper = _paper_in(rest, folded)
    if date is not None:
        unused = ("", "")  # a folder's date was used: the name gave one
    return NameGuess(paper=paper, date=date, page=page, number=number, unused_date=unused[0], unused_date_reason=unused[1])


def _paper_in(text: str, aliases: Mapping[str, str]) -> str:
    runs = _CJK_RUN_RE.findall(text)
    if runs:
        return max(runs, key=len)
    for token in _LATIN_TOKEN_RE.findall(text):
        if token.lower() in aliases:
            return aliases[token.lower()]
    return ""


# -- putting it together -----------------------------------------------------------------------

FORM, MANIFEST, NAME = "form", "manifest", "name"


@dataclass(frozen=True)
class Prefill:
    """One file's metadata and where each value came from (FORM, MANIFEST or NAME)."""

    entry: Entry
    number: int | None = None
    origin: dict[str, str] = field(default_factory=dict)
    # The file name's date that could not be used (NameGuess.unused_date and its reason), when no
    # other date was given: the editor is told, as the form and a manifest tell of such a date.
    unused_date: str = ""
    unused_date_reason: str = ""


def prefill(
    name: str,
    form: Entry,
    manifest: Mapping[str, Entry] | None = None,
    *,
    aliases: Mapping[str, str] | None = None,
) -> Prefill:
    """The metadata one uploaded file is stored with.

    What the editor typed in the form wins; a blank form field is filled from the manifest's row
    for this file, else from what the file name says.
    """
    row = (manifest or {}).get(name) or (manifest or {}).get(PurePosixPath(name.replace("\\", "/")).name)
    guess = guess_from_name(name, aliases=aliases)
    origin: dict[str, str] = {}
    values: dict[str, object] = {}
    for key, from_name in (("paper", guess.paper), ("date", guess.date), ("page", guess.page), ("prefecture", "")):
        for source, value in ((FORM, getattr(form, key)), (MANIFEST, getattr(row, key, None)), (NAME, from_name)):
            if value:
                values[key], origin[key] = value, source
                break
    entry = replace(Entry(), **values)
    number = guess.number if entry.page and entry.page == guess.page else _number_of(entry.page)
    unused = (guess.unused_date, guess.unused_date_reason) if entry.date is None else ("", "")
    return Prefill(entry=entry, number=number, origin=origin, unused_date=unused[0], unused_date_reason=unused[1])


def _number_of(label: str) -> int | None:
    """The page number a label gives (第3版 → 3, A03 → 3), else None."""
    if not label:
        return None
    _, number, _ = _find_page(label)
    return number
