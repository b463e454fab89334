"""Give the lines of a title block their roles: kicker (引题), headline, subheadline.

A story's title is one to three short lines: an optional kicker, often a place or organisation
(`兴县`, `市交通运输局`, `介休市北坛街道安康路社区`), the headline, an optional subheadline (often
opened by a dash). Some papers print kicker and headline on one line, separated by a space
(`山西省陵川县潞城镇 持续推进人居环境整治 打造乡村振兴新画卷`) or a colon
(`山西省沁源县: 市政公用一体化 洁净美丽新家园`, `北京：今年将新增…`, `铁西区：…`). The words
before such a colon are a kicker only when they name a place: a division the gazetteer knows
(`荔湾`, `湖北建始`) or a landmark (`巴山大峡谷`); `法院：…` or `织密矩阵：…` is a headline.
Which of two lines is the headline is read from their wording (:func:`_second_line_is_subheadline`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import traditional
from ingest.lines import CJK_WORD_RE, is_place, is_slogan
from ingest.repair import clean_title

_COLON_FORM_RE = re.compile(r"(?P<kicker>[^:：\s]{2,26})\s*[:：]\s*(?P<rest>\S.*)")
_SUBHEAD_MARK_RE = re.compile(r"^(?:——|—|－－|--)")
# An administrative place, strong enough to be a kicker before a one-part headline. The words
# here are also read in traditional print (`清河縣`, `臺灣`: ``ingest.traditional``).
_ADMIN_PLACE_RE = re.compile(traditional.pattern(r"[\u4e00-\u9fff]{1,16}(?:省|市|县|区|镇|乡|街道)"))
# Province-level places are named without their suffix (`北京：…`, `广东：…`); wire copy and
# national papers head briefs with them.
PROVINCE_SHORTS = frozenset(traditional.spellings(*
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 "
    "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split()
))

# Scenic places and landmarks head stories like divisions do (`巴山大峡谷:“红叶季”提前预热`).
_LANDMARK_RE = re.compile(traditional.pattern(
    r"[\u4e00-\u9fff]{1,10}(?:峡谷|景区|风景区|古镇|古城|古村|湿地|草原|森林公园|国家公园|水库|新区|港区|自贸区)"
))
MAX_COLON_KICKER_CHARS = 12


def is_place_name(text: str) -> bool:
    """A place named without an administrative suffix: `北京`, `荔湾`, `湖北建始`."""
    return text in PROVINCE_SHORTS or (
        len(text) <= MAX_COLON_KICKER_CHARS and CJK_WORD_RE.fullmatch(text) is not None and _gazetteer_place(text)
    )


def _is_colon_kicker(text: str) -> bool:
    """The words before a title's colon name a place: a division (`山西省沁源县`, `北京`, `荔湾`,
    `湖北建始`, as the gazetteer knows them) or a landmark (`巴山大峡谷`). Anything else before
    a colon (`法院：…`, `织密矩阵：…`) is part of the headline."""
    return is_place(text) or _LANDMARK_RE.fullmatch(text) is not None or is_place_name(text)


def _gazetteer_place(text: str) -> bool:
    # imported here: the gazetteer (loaded once) is only asked about the few short words before
    # a title's colon or over a headline, and the splitter needs it for nothing else
    from ingest.gazetteer import Gazetteer

    return Gazetteer.default().is_place_name(text)


def _length(text: str) -> int:
    return len(text.replace(" ", ""))


@dataclass
class Title:
    kicker: str = ""
    headline: str = ""
    subheadline: str = ""


def split_one_line(text: str) -> Title:
    """A single title line, with a leading place split off as the kicker when it is set apart."""
    text = clean_title(text)
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
    units = join_broken_lines([clean_title(u) for u in units if u.strip()])
    if not units:
        return Title()
    if len(units) == 1:
        return split_one_line(units[0])
    if len(units) == 2:
        first, second = units
        if _second_line_is_subheadline(first, second):
            # the headline's own place before a colon is its kicker, as on a line alone
            # (`仁怀市：酱香白酒产区…` over `——全市…`)
            m = _COLON_FORM_RE.fullmatch(first)
            if m is not None and _is_colon_kicker(m.group("kicker")):
                return Title(kicker=m.group("kicker"), headline=m.group("rest").strip(), subheadline=second)
            return Title(headline=first, subheadline=second)
        return Title(kicker=first, headline=second)
    kicker, headline = units[0], units[1]
    return Title(kicker=kicker, headline=headline, subheadline=" ".join(units[2:]))


_OPEN_QUOTES = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "（": "）", "(": ")"}
MAX_SHORT_PART_SHARE = 0.5  # the cut part is less than half as long as the part before it
PART_BALANCE = 0.6  # once joined, the two parts are of about one length


def join_broken_lines(units: list[str]) -> list[str]:
    """Title lines the extraction broke inside a phrase or a word, joined again.

    * a quotation or bracket opened on a line and closed on the next (`在云端之上读懂“幸` /
      `福”的模样`);
    * a two-part headline (`A B`, parts of about one length) whose second part runs over onto
      the next line: the first line's last part is much shorter than its first, the next line
      (one part, no dash) brings it to about the length of the first
      (`…喜获丰收 产业链从` / `田间延伸到“云端”`). A two-part kicker over a headline has
      balanced parts of its own (`稳链强链 向“新”发力`).
    """
    out: list[str] = []
    for unit in units:
        if out and _broken_between(out[-1], unit):
            out[-1] = out[-1] + unit
        else:
            out.append(unit)
    return out


def _broken_between(first: str, second: str) -> bool:
    if not first or not second or _SUBHEAD_MARK_RE.match(second):
        return False
    for opener, closer in _OPEN_QUOTES.items():
        if first.count(opener) > first.count(closer) and second.count(closer) > second.count(opener):
            return True
    parts = first.split(" ")
    if len(parts) != 2 or " " in second:
        return False
    head, cut = _length(parts[0]), _length(parts[1])
    whole = cut + _length(second)
    return cut < MAX_SHORT_PART_SHARE * head and min(head, whole) >= PART_BALANCE * max(head, whole)


# A headline names its subject first (`我市供热管网…`, `全国秋冬种…`): the line above it is a kicker.
_SUBJECT_START_RE = re.compile(traditional.pattern(r"(?:我|全|本)(?:市|省|县|区|州|国|镇|乡)"))
_DETAIL_RE = re.compile(r"[，,、；;]|\d")  # a clause or a figure


MAX_PLACE_PREFIX = 4  # `慈溪`, `鄞州区`, `湖北建始`


def _opens_with_place(text: str) -> bool:
    """The line opens with a place the gazetteer knows (`慈溪这个老小区…`): a news headline
    naming where it happens, not a subheadline explaining the line above."""
    if "：" in text[:MAX_COLON_KICKER_CHARS + 1] or ":" in text[:MAX_COLON_KICKER_CHARS + 1]:
        return False  # `兴县：…` is read by the colon rule
    return any(is_place_name(text[:n]) for n in range(2, MAX_PLACE_PREFIX + 1) if len(text) > n)


def _second_line_is_subheadline(first: str, second: str) -> bool:
    """Two title lines: headline + subheadline, or kicker + headline? There are no font sizes in
    the text, so the lines' wording decides, strongest sign first:

    * a dash opens a subheadline (`——来自兴县的调查报告`);
    * a place (`兴县`), a slogan (`抓好秋冬种 夯实丰收基础`, `创建…`) or a line followed by a
      headline that names its subject (`我市…`, `全国…`, a place: `慈溪这个老小区…`) is a
      kicker;
    * a second line that gives details, a figure or a clause (`一年来化解纠纷1.2万余件`,
      `冷链专线次日达，果农…`) where the first gives none, explains the headline above it;
    * otherwise the main headline is the longer line: a short line leads into a longer one
      (`龙凤河焕新蝶变`), a line as long or longer is the headline itself.
    """
    if _SUBHEAD_MARK_RE.match(second):
        return True
    if is_place(first) or is_slogan(first) or _SUBJECT_START_RE.match(second) or _opens_with_place(second):
        return False
    if " " in first and " " not in second:
        return False  # a two-part slogan (`稳链强链 向“新”发力`) over a one-part headline
    if _DETAIL_RE.search(second) and not _DETAIL_RE.search(first):
        return True
    return _length(first) >= _length(second)


def looks_like_kicker_form(text: str) -> bool:
    """True when a single line carries its own place kicker (`山西省沁源县: …`)."""
    return bool(split_one_line(text).kicker)
