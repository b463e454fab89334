"""A page's markup with the language marks of an English page taken off: `<span lang="zh-Hans">`
around each run of Chinese (templatetags/archive.py ``zh_runs``), so that a test can look for
what the reader sees, a citation or a message, as one string."""

from __future__ import annotations

import re

_ZH_SPAN = re.compile(r'<span lang="zh-Hans">([^<]*)</span>')


def shown(html: str) -> str:
    return _ZH_SPAN.sub(r"\1", html)
