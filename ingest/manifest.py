"""The small manifest that may sit next to page files: which paper, date and page each file is.

``manifest.csv`` with a header row ``file,paper,date,page,prefecture`` (date as YYYY-MM-DD or
empty when unknown; prefecture is the paper's four-digit prefecture code, optional).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.csv"
_COLUMNS = {"file", "paper", "date", "page", "prefecture"}


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    paper: str = ""
    date: dt.date | None = None
    page: str = ""
    prefecture: str = ""


def parse_date(value: str, *, where: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ManifestError(f"{where}: date {value!r} is not YYYY-MM-DD") from None


def parse_prefecture(value: str, *, where: str) -> str:
    value = value.strip()
    if value and not (len(value) == 4 and value.isdigit()):
        raise ManifestError(f"{where}: prefecture {value!r} is not a four-digit code such as 1407")
    return value


def read_manifest(folder: Path) -> dict[str, Entry]:
    """Entries by file name; {} when the folder has no manifest."""
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"file", "paper"} - set(reader.fieldnames or [])
    if missing:
        raise ManifestError(f"{path}: header lacks {', '.join(sorted(missing))}")
    unknown = set(reader.fieldnames or []) - _COLUMNS
    if unknown:
        raise ManifestError(f"{path}: unknown columns {', '.join(sorted(unknown))}")
    entries: dict[str, Entry] = {}
    for row in reader:
        where = f"{path}:{reader.line_num}"
        name = (row.get("file") or "").strip()
        if not name:
            raise ManifestError(f"{where}: empty file name")
        entries[name] = Entry(
            paper=(row.get("paper") or "").strip(),
            date=parse_date(row.get("date") or "", where=where),
            page=(row.get("page") or "").strip(),
            prefecture=parse_prefecture(row.get("prefecture") or "", where=where),
        )
    return entries
