"""What a browser sends for a form of a page, untouched: the tests post that, not a dict made by
hand, so that what the page shows must read back as itself."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

Fields = list[tuple[str, str]]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, Fields]] = []
        self._fields: Fields | None = None
        self._textarea: list[str] | None = None  # [name, text so far]
        self._select: list | None = None  # [name, selected value, first value]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self._fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._fields is not None:
            name, text = self._textarea
            # HTML drops one newline right after <textarea>, and a browser sends every line
            # break of a textarea as \r\n.
            text = text.removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")
            self._fields.append((name, text))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            name, selected, first = self._select
            self._fields.append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "form":
            self._fields = None


def form_as_sent(html: str, match: Callable[[str, Fields], bool]) -> dict[str, list[str]]:
    """The fields of the first form of ``html`` for which ``match(action, fields)`` holds, as a
    browser would send them unchanged (for the test client: name → list of values)."""
    parser = _Forms()
    parser.feed(html)
    for action, fields in parser.forms:
        if match(action, fields):
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError("no such form on the page")
