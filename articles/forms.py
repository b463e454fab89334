"""The editors' upload form."""

from __future__ import annotations

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    paper = forms.CharField(label="报名", max_length=100)
    date = forms.DateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.CharField(label="版次", max_length=50, required=False)
    prefecture = forms.RegexField(
        label="所在地市代码", regex=r"^\d{4}$", required=False, help_text="四位代码，如 1407（晋中），用于区分同名乡镇"
    )
    files = MultipleFileField(label="版面文本文件（可多选）")
