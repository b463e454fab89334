"""The editors' upload form: page files (and a manifest.csv), with the paper, date and page label
they share when the editor types them; what is left blank comes from the manifest or file names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, gettext_lazy

from ingest.decode import UnreadableFile
from ingest.manifest import (
    ISSUE_DATE_MIN, MANIFEST_NAME, PREFECTURE_PATTERN, Entry, ManifestError, Prefill, issue_date_in_range, issue_date_max,
    manifest_from_bytes, prefill,
)


def validate_issue_date(value: dt.date | None) -> None:
    """An issue's date within the archive's range (ingest/manifest.py ``issue_date_in_range``: the
    same rule as for manifests and file names); the upload form, the page's meta form and the API."""
    if value is not None and not issue_date_in_range(value):
        raise forms.ValidationError(
            gettext("日期须在 %(lo)s 到 %(hi)s 之间（收到 %(date)s）"),
            code="out_of_range",
            params={"lo": ISSUE_DATE_MIN.isoformat(), "hi": issue_date_max().isoformat(), "date": value.isoformat()},
        )


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
        label=gettext_lazy("所在地市代码"), regex=rf"^{PREFECTURE_PATTERN}\Z", required=False, help_text=gettext_lazy("四位代码，如 1407（晋中），用于区分同名乡镇")
    )

    def __init__(self, *args: object, papers: Sequence[str] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.paper_choices = list(papers)
        self.manifest: dict[str, Entry] = {}
        self.max_files: int = settings.UPLOAD_MAX_FILES
        self.max_bytes: int = settings.INGEST_MAX_FILE_BYTES

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        manifests = [f for f in files if _is_manifest(f)]
        pages = [f for f in files if not _is_manifest(f)]
        if len(manifests) > 1:
            raise forms.ValidationError(gettext("只能附一个 %(name)s。") % {"name": MANIFEST_NAME})
        if manifests:
            self.manifest = _read_manifest(manifests[0], self.max_bytes)
        if not pages:
            raise forms.ValidationError(gettext("请选择至少一个版面文本文件。"))
        if len(pages) > self.max_files:
            raise forms.ValidationError(
                gettext("一次最多上传 %(max)s 个文件，这次选了 %(n)s 个：请分批上传。") % {"max": self.max_files, "n": len(pages)}
            )
        return pages

    def clean(self) -> dict[str, object]:
        data = super().clean()
        files = data.get("files") or []
        if data.get("page") and len(files) > 1:
            self.add_error("page", gettext("多个文件不能共用一个版次：请留空，版次会从 manifest.csv 或文件名读取。"))
        return data

    def shared(self) -> Entry:
        """What the editor typed, shared by every file."""
        d = self.cleaned_data
        return Entry(paper=d.get("paper") or "", date=d.get("date"), page=d.get("page") or "", prefecture=d.get("prefecture") or "")

    def planned(self) -> list[PlannedFile]:
        """Each page file with its metadata: the form's values, else the manifest's, else the name's."""
        shared = self.shared()
        planned = []
        for upload in self.cleaned_data["files"]:
            planned.append(PlannedFile(upload=upload, meta=prefill(upload.name or "", shared, self.manifest)))
        return planned


def _is_manifest(upload: UploadedFile) -> bool:
    return (upload.name or "").lower() == MANIFEST_NAME


def _read_manifest(upload: UploadedFile, max_bytes: int) -> dict[str, Entry]:
    try:
        return manifest_from_bytes(upload.read(), max_bytes=max_bytes)
    except UnreadableFile as exc:
        # The decoder's reason in the reader's language, as articles/writer.py gives a page's.
        reason = gettext(exc.zh) % exc.params if exc.zh else str(exc)
        raise forms.ValidationError(gettext("%(name)s 无法读取：%(error)s") % {"name": MANIFEST_NAME, "error": reason}) from None
    except ManifestError as exc:
        reason = gettext(exc.zh) % exc.params if exc.zh else str(exc)
        raise forms.ValidationError(gettext("%(name)s 有误：%(error)s") % {"name": MANIFEST_NAME, "error": reason}) from None


class PageMetaForm(forms.Form):
    """Paper, date and page label of one stored page, corrected on its preview (no new upload)."""

    paper = forms.CharField(label=gettext_lazy("报名"), max_length=100, widget=forms.TextInput(attrs={"list": "paper-choices", "autocomplete": "off"}))
    date = _iso_date(gettext_lazy("留空表示日期不详。"))
    label = forms.CharField(label=gettext_lazy("版次"), max_length=50, required=False)
