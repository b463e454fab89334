"""The editors' upload form: page files (and a manifest.csv), with the paper, date and page label
they share when the editor types them; what is left blank comes from the manifest or file names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from articles import writer
from articles.models import Page, validate_prefecture_code
from ingest.decode import UnreadableFile, check_size, decode
from ingest.manifest import (
    ISSUE_DATE_MIN, PREFECTURE_PATTERN, Entry, Manifest, ManifestError, Prefill, Row, is_manifest_header,
    issue_date_in_range, issue_date_max, manifest_rows, prefill,
)

# ingest.manifest.ManifestError.zh texts added with the row-by-row manifest (the older ones are
# listed in articles/ingest_text.py), marked so that makemessages keeps them.
MANIFEST_TEXTS = (
    gettext_noop("%(where)s：日期 %(value)s 不是 YYYY-MM-DD 格式（也可写成年份在前的 2025/4/1、2025.4.1）"),
    gettext_noop("%(where)s：第 %(lines)s 行都指向名为 %(name)s 的文件（%(names)s）：请把要用的那一行写成 %(name)s"),
    gettext_noop("%(where)s：地市代码 %(value)s 不是任何地市的代码（如 1407 是晋中市）"),
    gettext_noop("%(where)s：报名这一格里有换行：报名只能写成一行"),
    gettext_noop("%(where)s：版次这一格里有换行：版次只能写成一行"),
)

# Browsers percent-encode exactly three characters of a file name in a multipart upload: " as
# %22, CR as %0D and LF as %0A (HTML's multipart/form-data encoding algorithm); "%" itself is sent
# as it is. So these three are decoded, and nothing else: "50%.txt" stays what it is. A line break
# becomes a space: a stored name is shown on one line (results, drafts, messages, logs).
_BROWSER_ESCAPES = {"%22": '"', "%0D": " ", "%0A": " "}
_BROWSER_ESCAPE_RE = re.compile("|".join(_BROWSER_ESCAPES))


def upload_name(upload: UploadedFile) -> str:
    """An uploaded file's name as the sender's disk has it, the browser's escapes decoded: the one
    place upload names are read (the upload page and the API), so that the results, the drafts
    and the stored page all say the same name."""
    return _BROWSER_ESCAPE_RE.sub(lambda m: _BROWSER_ESCAPES[m[0]], upload.name or "")


def named(upload: UploadedFile) -> UploadedFile:
    """The upload with its name decoded (:func:`upload_name`), for everything after to read."""
    upload.name = upload_name(upload)
    return upload


def is_csv(upload: UploadedFile) -> bool:
    return (upload.name or "").lower().endswith(".csv")


def _named_as_manifest(name: str) -> bool:
    """manifest.csv under the names it gets on its way: Manifest.CSV, manifest (1).csv (a second
    download), manifest-2025-04.csv."""
    path = PurePosixPath(name)
    return path.suffix.lower() == ".csv" and path.stem.lower().startswith("manifest")


@dataclass(frozen=True)
class CsvUpload:
    """A .csv among the uploaded files: a manifest (its text), or not one."""

    upload: UploadedFile
    text: str | None  # None: no text at all (binary, empty, undecodable, oversized)
    error: UnreadableFile | None = None

    @property
    def is_manifest(self) -> bool:
        """Named like one or headed like one (a ``file`` column): a manifest, good or bad."""
        return _named_as_manifest(self.upload.name or "") or (self.text is not None and is_manifest_header(self.text))


def read_csv(upload: UploadedFile, max_bytes: int) -> CsvUpload:
    """A .csv upload's text, read once (a file over ``max_bytes`` unread)."""
    try:
        check_size(upload.size, max_bytes)
        return CsvUpload(upload, decode(upload.read(), max_bytes=max_bytes))
    except UnreadableFile as exc:
        return CsvUpload(upload, None, exc)


def validate_issue_date(value: dt.date | None) -> None:
    """An issue's date within the archive's range (ingest/manifest.py ``issue_date_in_range``: the
    same rule as for manifests and file names); the upload form, the page's meta form and the API."""
    if value is not None and not issue_date_in_range(value):
        raise forms.ValidationError(
            gettext("日期须在 %(lo)s 到 %(hi)s 之间（收到 %(date)s）"),
            code="out_of_range",
            params={"lo": ISSUE_DATE_MIN.isoformat(), "hi": issue_date_max().isoformat(), "date": value.isoformat()},
        )


def validate_prefecture(value: str) -> None:
    """A prefecture code naming a prefecture of the gazetteer (ingest.manifest.parse_prefecture,
    the one rule for manifests, the ingest command, the upload form and the API)."""
    if re.fullmatch(PREFECTURE_PATTERN, value or ""):  # else empty, or refused by the field's own pattern
        validate_prefecture_code(value)


def _iso_date(help_text: str) -> forms.DateField:
    """An optional date field. The date input sends and needs ISO dates: refilled after a
    submission it must stay ISO."""
    return forms.DateField(
        label=gettext_lazy("日期"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        validators=[validate_issue_date],
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.csv,text/plain,text/csv"}))
        # An empty file is refused by name with the others stored (ingest/decode.py), not by the
        # form for the whole upload with a message that names no file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data:
                return [single(None, initial)]  # "required" says so
            return [single(d, initial) for d in data]
        return [single(data, initial)]


@dataclass(frozen=True)
class PlannedFile:
    """One page file of an upload and the metadata it will be stored with."""

    upload: UploadedFile
    meta: Prefill
    # Why the file is refused before it is read (its manifest row is bad; a .csv that is no
    # manifest), in the reader's language; "" when it goes on.
    refusal: str = ""

    @property
    def name(self) -> str:
        return self.upload.name or ""


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("版面文本文件"),
        help_text=gettext_lazy("可多选；每个文件是一个版面的文字（UTF-8、UTF-16、GBK 或 Big5）。可一并选上 manifest.csv。"),
    )
    paper = forms.CharField(
        label=gettext_lazy("报名"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "paper-choices", "autocomplete": "off"}),
        help_text=gettext_lazy("选已有的报纸或输入新报名；留空则取自 manifest.csv 或文件名。"),
    )
    date = _iso_date(gettext_lazy("留空则取自 manifest.csv 或文件名；都没有则日期不详。"))
    page = forms.CharField(
        label=gettext_lazy("版次"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("如“第3版”，只用于单个文件；留空则取自 manifest.csv 或文件名。"),
    )
    prefecture = forms.RegexField(
        label=gettext_lazy("所在地市代码"), regex=rf"^{PREFECTURE_PATTERN}\Z", required=False, validators=[validate_prefecture],
        help_text=gettext_lazy("四位代码，如 1407（晋中），用于区分同名乡镇"),
    )

    def __init__(self, *args: object, papers: Sequence[str] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.paper_choices = list(papers)
        self.manifest: Manifest | None = None
        # .csv files that are no manifest, refused by name with the others stored: id → reason
        self.refused: dict[int, str] = {}
        self.max_files: int = settings.UPLOAD_MAX_FILES
        self.max_bytes: int = settings.INGEST_MAX_FILE_BYTES

    def clean_files(self) -> list[UploadedFile]:
        """The files that are not the manifest, in the order chosen (pages, and .csv files to be
        refused); the manifest, if one came, read into ``self.manifest``.

        Any .csv is looked at: one named or headed like a manifest is the manifest, whatever the
        browser called it (manifest (1).csv); another is no page either (pages are plain text).
        """
        files = [named(f) for f in self.cleaned_data["files"]]
        csvs = {id(f): read_csv(f, self.max_bytes) for f in files if is_csv(f)}
        manifests = [c for c in csvs.values() if c.is_manifest]
        if len(manifests) > 1:
            names = gettext("、").join(c.upload.name for c in manifests)
            raise forms.ValidationError(
                gettext("一次只能附一个 manifest 清单，这次有 %(n)s 个：%(names)s。请合并成一个再上传。")
                % {"n": len(manifests), "names": names}
            )
        if manifests:
            self.manifest = _read_manifest(manifests[0])
        rest = [f for f in files if not (id(f) in csvs and csvs[id(f)].is_manifest)]
        self.refused = {
            id(f): gettext("这是 CSV 表格，不是版面：版面文件是纯文本（.txt）；.csv 只能是 manifest 清单，其第一行是表头 file,paper,date,page,prefecture")
            for f in rest if id(f) in csvs
        }
        if not rest:
            raise forms.ValidationError(gettext("请选择至少一个版面文本文件。"))
        if len(rest) > self.max_files:
            raise forms.ValidationError(
                gettext("一次最多上传 %(max)s 个文件，这次选了 %(n)s 个：请分批上传。") % {"max": self.max_files, "n": len(rest)}
            )
        return rest

    def clean(self) -> dict[str, object]:
        data = super().clean()
        pages = [f for f in data.get("files") or [] if id(f) not in self.refused]
        if data.get("page") and len(pages) > 1:
            self.add_error("page", gettext("多个文件不能共用一个版次：请留空，版次会从 manifest.csv 或文件名读取。"))
        return data

    def shared(self) -> Entry:
        """What the editor typed, shared by every file."""
        d = self.cleaned_data
        return Entry(paper=d.get("paper") or "", date=d.get("date"), page=d.get("page") or "", prefecture=d.get("prefecture") or "")

    def planned(self) -> list[PlannedFile]:
        """Each file with its metadata: the form's values, else its manifest row's, else the
        name's; or why it is refused (a bad manifest row, a .csv that is no manifest)."""
        shared = self.shared()
        planned = []
        for upload in self.cleaned_data["files"]:
            name = upload.name or ""
            refusal = self.refused.get(id(upload), "")
            row = self.manifest.find(name) if self.manifest is not None and not refusal else None
            if row is not None and row.error is not None:
                refusal = _manifest_reason(row.error)
            rows = {name: row.entry} if row is not None and row.entry is not None else None
            planned.append(PlannedFile(upload=upload, meta=prefill(name, shared, rows), refusal=refusal))
        return planned

    def notices(self) -> list[str]:
        """What the editor should hear of though nothing was refused for it: manifest rows that
        matched no uploaded file (a typo in a name, a file not chosen), in the reader's language."""
        if self.manifest is None:
            return []
        unused = self.manifest.unused([f.name or "" for f in self.cleaned_data["files"]])
        if not unused:
            return []
        shown = [_row_label(r) for r in unused[:UNUSED_ROWS_SHOWN]]
        if len(unused) > UNUSED_ROWS_SHOWN:
            shown.append(gettext("……"))
        return [
            ngettext(
                "%(name)s 中有 %(n)s 行没有对应的上传文件，未采用：%(rows)s",
                "%(name)s 中有 %(n)s 行没有对应的上传文件，未采用：%(rows)s",
                len(unused),
            ) % {"name": self.manifest.where, "n": len(unused), "rows": gettext("；").join(shown)}
        ]


# Unused manifest rows named in the notice; more are counted.
UNUSED_ROWS_SHOWN = 20


def _row_label(row: Row) -> str:
    if row.name:
        return gettext("第 %(line)s 行 %(file)s") % {"line": row.line, "file": row.name}
    return gettext("第 %(line)s 行（没有文件名）") % {"line": row.line}


def _manifest_reason(exc: ManifestError | UnreadableFile) -> str:
    """ingest's reason in the reader's language, as articles/writer.py gives a page's."""
    return gettext(exc.zh) % exc.params if exc.zh else str(exc)


def _read_manifest(found: CsvUpload) -> Manifest:
    """The uploaded manifest row by row; a manifest no row of which can be used (unreadable, a
    bad header) refuses the upload: its files' values would silently come from their names."""
    name = found.upload.name or ""
    if found.text is None:
        raise forms.ValidationError(
            gettext("%(name)s 无法读取：%(error)s") % {"name": name, "error": _manifest_reason(found.error)}
        )
    try:
        return manifest_rows(found.text, where=name)
    except ManifestError as exc:
        raise forms.ValidationError(gettext("%(name)s 有误：%(error)s") % {"name": name, "error": _manifest_reason(exc)}) from None


class VersionChecked:
    """What a form that changes a page says about the version of the page it was made from (a
    hidden ``version``: ``writer.version``), for a plain or a model form: the preview's forms
    below and the admin's change forms (articles/admin.py). A post without a version (a
    script's, not the page's form) is taken as made from the page as it is; one that is not a
    number, or not the latest, is refused. The caller locks the page first."""

    def stale(self, page: Page) -> str:
        """Why the form is refused, given the locked page; "" when it is not."""
        name = self.add_prefix("version")
        if name not in self.data:
            return ""
        try:
            seen = int(self.data[name])
        except (TypeError, ValueError):
            return gettext("表单的版本号不对：你的修改没有保存。请重新打开这个表单再改。")
        latest = writer.version(page)
        return "" if seen == latest else self._stale(latest, seen)

    def _stale(self, latest: int, seen: int) -> str:
        raise NotImplementedError


class _Versioned(VersionChecked, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


def one_line(attr: str) -> Callable[[str], None]:
    """A field's validator: a paper name or page label is one line of text (writer.not_one_line,
    as for a file's manifest)."""

    def check(value: str) -> None:
        if value and writer.not_one_line(value):
            message, params = writer.not_one_line_message(attr, value)
            raise forms.ValidationError(gettext(message) % params)

    return check


class PageMetaForm(_Versioned):
    """Paper, date and page label of one stored page, corrected on its preview (no new upload)."""

    paper = forms.CharField(
        label=gettext_lazy("报名"), max_length=100, validators=[one_line("paper")],
        widget=forms.TextInput(attrs={"list": "paper-choices", "autocomplete": "off"}),
    )
    date = _iso_date(gettext_lazy("留空表示日期不详。"))
    label = forms.CharField(label=gettext_lazy("版次"), max_length=50, required=False, validators=[one_line("label")])

    def refused_as_stale(self, page: Page) -> bool:
        """Refuse a form made from an older version of the page (``stale``): the error is shown
        with the form as typed, which now carries the latest version, so that the editor, told
        and shown the page as it is, may save it again on purpose."""
        reason = self.stale(page)
        if reason:
            self.add_error(None, reason)
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = str(writer.version(page))
        return bool(reason)

    def _stale(self, latest: int, seen: int) -> str:
        return gettext(
            "这个版面在你打开预览之后被改过（现在是版本 %(latest)s，你打开的是版本 %(seen)s）：报名、日期、版次没有保存。"
            "页首是现在的值，下面仍是你填的值；核对后可再保存。"
        ) % {"latest": latest, "seen": seen}


class ReplaceForm(_Versioned):
    """The preview's 替换原版面 of a draft: the page it replaces, that page's version as the
    preview showed it, and the editor's word that the corrections listed will not be carried
    over (``writer.lost_corrections``; needed only when there are any)."""

    target = forms.IntegerField()
    lost_ok = forms.BooleanField(required=False, label=gettext_lazy("我知道这些人工校正不会沿用"))
    # The draft's own version as the preview showed it: the replace takes the draft's split as
    # it stands, so a correction made to the draft since must be seen first.
    draft_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def _stale(self, latest: int, seen: int) -> str:
        return gettext(
            "要替换的版面在你打开这个预览之后被改过（现在是版本 %(latest)s，你打开的是版本 %(seen)s）：没有替换。"
            "下面是它现在的情况，看过后再决定。"
        ) % {"latest": latest, "seen": seen}

    def stale_draft(self, draft: Page) -> str:
        """Why the replace is refused, given the locked draft: it changed since the preview."""
        seen = self.data.get("draft_version")
        if seen is None or seen == str(writer.version(draft)):
            return ""
        return gettext("这份草稿在你打开这个预览之后被改过：没有替换。下面是它现在的切分，看过后再决定。")
