"""Give the lines of a title block their roles: kicker (引题), headline, subheadline.

A story's title is one to three short lines: an optional kicker, often a place or organisation
(`兴县`, `市交通运输局`, `介休市北坛街道安康路社区`), the headline, an optional subheadline (often
opened by a dash). Some papers print kicker and headline on one line, separated by a space
(`山西省陵川县潞城镇 持续推进人居环境整治 打造乡村振兴新画卷`) or a colon
(`山西省沁源县: 市政公用一体化 洁净美丽新家园`, `北京：今年将新增…`, `铁西区：…`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import is_place
from ingest.repair import normalize_title

_COLON_FORM_RE = re.compile(r"(?P<kicker>[^:：\s]{2,26})\s*[:：]\s*(?P<rest>\S.*)")
_SUBHEAD_MARK_RE = re.compile(r"^(?:——|—|－－|--)")
# An administrative place, strong enough to be a kicker before a one-part headline.
_ADMIN_PLACE_RE = re.compile(r"[\u4e00-\u9fff]{1,16}(?:省|市|县|区|镇|乡|街道)")
# Province-level places are named without their suffix (`北京：…`, `广东：…`); wire copy and
# national papers head briefs with them.
PROVINCE_SHORTS = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 "
    "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split()
)


def _is_colon_kicker(text: str) -> bool:
    return is_place(text) or text in PROVINCE_SHORTS


SUBHEAD_SHORTER_BY = 4  # a second line this much shorter than the first is a subheadline


def _length(text: str) -> int:
    return len(text.replace(" ", ""))


@dataclass
class Title:
    kicker: str = ""
    headline: str = ""
    subheadline: str = ""


def split_one_line(text: str) -> Title:
    """A single title line, with a leading place split off as the kicker when it is set apart."""
    text = normalize_title(text)
    m = _COLON_FORM_RE.fullmatch(text)
    if m is not None and _is_colon_kicker(m.group("kicker")):
        return Title(kicker=m.group("kicker"), headline=m.group("rest").strip())
    parts = text.split(" ")
    if len(parts) >= 3 and is_place(parts[0]):
        # `PLACE headline-part headline-part`: the place heads a two-part headline
        return Title(kicker=parts[0], headline=" ".join(parts[1:]))
    if len(parts) == 2 and _ADMIN_PLACE_RE.fullmatch(parts[0]) and len(parts[1]) >= 6:
        return Title(kicker=parts[0], headline=parts[1])
    return Title(headline=text)


def assign_roles(units: list[str]) -> Title:
    """Roles for one to three title units (each unit may already join adjacent lines)."""
    units = [normalize_title(u) for u in units if u.strip()]
    if not units:
        return Title()
    if len(units) == 1:
        return split_one_line(units[0])
    if len(units) == 2:
        first, second = units
        if _SUBHEAD_MARK_RE.match(second):
            return Title(headline=first, subheadline=second)
        # the main headline is the longest line: a kicker leads into it (`兴县`, `龙凤河焕新蝶变`),
        # a subheadline under it explains it (`我市召开安全生产工作会议` / `李某出席并讲话`)
        if not is_place(first) and _length(first) >= _length(second) + SUBHEAD_SHORTER_BY:
            return Title(headline=first, subheadline=second)
        return Title(kicker=first, headline=second)
    kicker, headline = units[0], units[1]
    return Title(kicker=kicker, headline=headline, subheadline=" ".join(units[2:]))


def looks_like_kicker_form(text: str) -> bool:
    """True when a single line carries its own place kicker (`山西省沁源县: …`)."""
    return bool(split_one_line(text).kicker)
