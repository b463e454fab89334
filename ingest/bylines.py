"""Recognise bylines, sources and photo credits wherever they stand in a story.

Chinese papers print the author in many places and shapes:

* a lead that opens the first paragraph: `本报讯(记者 韩笑)当前正值…`, bare `本报讯 近年来…`,
  national datelines `本报杭州10月23日电（记者窦瀚洋、王怡曦）`, `新华社北京4月20日电`,
  `本报杭州9月17日讯（…）`; some papers print the names bare, running into the body after a
  space: `本报北京9月15日讯 记者 赵婕 最高人民检察院…`, `本报讯 记者 钱峰 通讯员 吴 佳 近日，…`;
* a line of its own under the title: `□ 梁桂连`, `□记者 刘凯华`, `本报特约通讯员 杨建义`,
  `□晚报记者 周  杨 文/图`, `文/广州日报新花城记者：梁嘉敏 通讯员：何晓峰`, several marked
  groups on one line (`□ 本报记者 钱 峰 □ 本报通讯员 林晓燕`), or role words alone
  (`本报评论员`: a byline naming nobody). Role words of any outlet and rank (`特派记者`,
  `首席记者`, `融媒体记者`, `实习生`) are never names. After a role word or a `□` (which marks
  bylines only; `■` marks intertitles too) a name needs no Han surname: `本报记者 次仁罗布`,
  `□ 次仁罗布`, `记者 阿依努尔·买买提` (:func:`ingest.names.may_open_name_list`);
* a closing line: `(李晨昊)`, `(刘燕 乔润霞)`, `记者 刘凯华`, or the same inline after the last
  sentence: `…美好的明天。 (张莉)`;
* a source instead of an author: `据《山西日报》`, `(据新华社)`, `来源：人民网`, and the web
  edition's line after every story, `《 人民日报 》（ 2025年10月24日 04 版）`;
* photo credits: `… 王海旋 摄`, `本报记者 常 奇 摄`, `资料图片`, with an agency around the
  name (`新华社发（周万平 摄）`, `张  驰摄（人民视觉）`), a drawing's `王  成 作`, or a credit
  word before the names, alone or after the caption words: `制图：…`, `插图：程 远`,
  `…巡游。 图/…记者：陈 忧`, `…出口量 数据来源：… 制图：高 妍`.

Pages printed in traditional characters are read alike (`本報訊（記者 張三）`, `陳六 攝`): every
pattern and word list here is written in simplified characters and widened through the one table
of :mod:`ingest.traditional`; names are kept as printed.

Every function here is pure and returns None when the text is not of its shape, so the caller can
try them in order. Regexes are anchored and free of nested quantifiers: they run on 1 MB lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chars import CJK_CHARS, TERMINAL
from ingest.traditional import pattern as _tr
from ingest.traditional import spellings
from ingest.names import (
    COMPOUND_SURNAMES,
    ROLE_RE,
    clean_names,
    has_surname,
    is_dotted,
    is_name,
    may_open_name_list,
    merge_spaced_singles,
    split_name_tokens,
    strict_name_list,
)

_C = CJK_CHARS
_OPEN = r"[(（〔\[【]"
_CLOSE = r"[)）〕\]】]"
_PAREN_BODY = r"[^()（）〔〕\[\]【】\n]{1,60}"

# `本报讯`, `本报讯(记者 韩笑)`, `本报杭州10月23日电（记者窦瀚洋、王怡曦）`, `新华社北京4月20日电`.
_LEAD_RE = re.compile(_tr(
    r"\s*(?P<head>"
    rf"(?:[【\[]\s*)?(?:本[报刊台网]|[{_C}]{{0,6}}(?:日报|晚报|早报|商报)|[{_C}]{{2,6}}报)讯(?:\s*[】\]])?"
    rf"|(?:本报|新华社|中新社|新华网|人民网|央视网?|本台|[{_C}]{{2,8}}(?:日报|晚报|社|网))"
    rf"\s*(?:[{_C}]{{1,10}}\s*)?\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s*(?:专)?[电讯]"
    # an agency story without a date, signed in brackets: `据新华社电  （记者闫起磊）`
    rf"|据?(?:新华社|中新社)(?:[{_C}]{{1,10}})?电(?=\s*{_OPEN}\s*(?:本报|特约)?记者)"
    r")"
    rf"(?P<paren>\s*{_OPEN}{_PAREN_BODY}{_CLOSE})?"
))
# A byline on a line of its own: optional box marker, role words, names.
_MARKER = r"[□■◇◆○●★☆▲△▼▽※]"
# Role words may be followed by a colon (`记者：梁嘉敏`), and several role groups may share one
# line, each behind its own marker (`□ 本报记者 钱 峰 □ 本报通讯员 林晓燕`).
_STANDALONE_RE = re.compile(
    rf"\s*(?P<marker>{_MARKER})?\s*(?P<body>(?:{ROLE_RE.pattern})?[\s{_C}、，,·/／|｜:：{_MARKER[1:-1]}]{{2,58}})\s*"
)
_BYLINE_MARKERS = "□"  # the marker papers put before bylines only
# A staff line names the page's editor, not a story's author (`责任编辑：李四`). The line reader
# (ingest.lines) takes these for furniture before it asks for a byline, in simplified characters;
# read in traditional ones (`責任編輯：李四`, `編輯：李四`) they would pass for bylines here.
_STAFF_RE = re.compile(_tr(r"[(（]?\s*(?:本版)?(?:责任|值班|美术)?编辑\s*[:：/／]"))
_NAME_GLUE_RE = re.compile(rf"[\s、，,·/／|｜:：{_MARKER[1:-1]}]")
_REPORTED_RE = re.compile(_tr(r"\s*(?:报道|报导|采写|文\s*[/／]\s*图|图\s*[/／]\s*文)\s*$"))
# A closing group of names: `(李晨昊)`, `（记者 张三 通讯员 李四）`.
_PAREN_LINE_RE = re.compile(rf"\s*{_OPEN}(?P<body>{_PAREN_BODY}){_CLOSE}\s*")
# Inline group after the last sentence: `…美好的明天。 (张莉)`.
_TRAILING_PAREN_RE = re.compile(rf"(?<=[{TERMINAL}”’」』])(?P<gap>\s*)(?P<group>{_OPEN}{_PAREN_BODY}{_CLOSE})\s*$")
# Sources: `据《山西日报》`, `据新华社`, `来源：人民网`, `(据新华社)`, `（本报综合）`.
_SOURCE_CORE = _tr(
    r"(?:据(?!悉|了解|介绍|统计|报道|称|说)|(?:稿件|数据|资料)?来源[:：]\s*|转自|摘自|选自)\s*"
    rf"(?:《[^《》\n]{{1,30}}》|[{_C}A-Za-z]{{2,16}})"
    r"(?:\s*(?:[0-9０-９]{1,4}\s*年)?\s*(?:[0-9０-９]{1,2}\s*月)?\s*(?:[0-9０-９]{1,2}\s*日)?)?"
    r"(?:\s*(?:报道|消息|电|讯|文|微信公众号|客户端))?"
    # (`综合新闻` alone is a page's name: 第2版 综合新闻)
    rf"|(?:本报|本刊)?综合(?!新闻\s*$)(?:[{_C}]{{0,12}})?(?:报道|消息)?"
)
_SOURCE_LINE_RE = re.compile(rf"\s*(?:{_OPEN}\s*)?(?P<src>{_SOURCE_CORE})(?:\s*{_CLOSE})?\s*")
# The web edition's line after every story: `《 人民日报 》（ 2025年10月24日 04 版）`. It names the
# paper's own edition, not another paper: it closes a story but says nothing about its author.
_EDITION_RE = re.compile(r"\s*《\s*[^《》\n]{1,20}?\s*》\s*[(（][^()（）\n]{0,30}?版\s*[)）]\s*")
_TRAILING_SOURCE_RE = re.compile(_tr(
    rf"(?<=[{TERMINAL}”’」』])(?P<gap>\s*)(?P<src>(?:{_OPEN}\s*)?据\s*(?:《[^《》\n]{{1,30}}》|[{_C}]{{2,12}}?)"
    rf"(?:\s*(?:报道|消息|电))?(?:\s*{_CLOSE})?)\s*$"
))
# Photo credits.
# Agencies around a photographer's name: `新华社发（周万平 摄）`, `张驰摄（人民视觉）`.
_AGENCIES = _tr(r"(?:人民视觉|视觉中国|人民图片|新华社发|中新社发|新华社|中新社|东方IC|IC\s*photo|CFP)")
_AGENCY_TAIL_RE = re.compile(rf"\s*{_OPEN}\s*{_AGENCIES}\s*{_CLOSE}\s*$", re.IGNORECASE)
_AGENCY_HEAD_RE = re.compile(_tr(r"\s*(?:新华社发|中新社发|人民图片|视觉中国)\s*"))
# A cartoon or drawing is signed `王  成 作`: names, a space, 作.
_DRAWN_BY_RE = re.compile(_tr(rf"\s*(?P<names>[{_C}·][\s{_C}·、，,]{{1,20}}?)\s+(?:作|绘)\s*"))
_CREDIT_TAIL_RE = re.compile(
    rf"(?P<credit>(?:(?:{ROLE_RE.pattern})\s*)*[{_C}·][\s{_C}·、，,/／]{{0,30}}?)" + _tr(r"\s*(?:摄影?|供图|/摄)\s*$")
)
# A credit word before the names: `制图：高 妍`, `插图：程 远`, `图/广州日报记者：陈 忧`, `摄影/…`.
_CREDIT_WORD = _tr(r"(?:摄影|图片|供图|制图|插图|漫画|绘图|图|摄)")
_CREDIT_HEAD_RE = re.compile(rf"\s*{_CREDIT_WORD}\s*[:：/／]\s*(?P<names>[^\n]{{1,40}}?)\s*$")
# The same at the end of a caption, after its words: `…观看飘色巡游。 图/…记者：陈 忧`,
# `…月度出口量 数据来源：… 制图：高 妍`. It starts the line or follows a space or a sentence end.
_TRAILING_CREDIT_HEAD_RE = re.compile(rf"(?:^|(?<=[\s{TERMINAL}])){_CREDIT_WORD}\s*[:：/／]")
MAX_TRAILING_CREDIT = 40
_STOCK_PHOTO_RE = re.compile(
    _tr(r"\s*[(（]?\s*(?P<stock>资料图片|资料图|资料照片|网络图片|新华社发|视觉中国|图片来源[:：][^\n]{1,30})\s*[)）]?\s*$")
)
# the cheap tests of split_caption and _credit_head_cut: words a credit's last characters hold
_STOCK_HINT_RE = re.compile(_tr("图|照片|新华社发|视觉中国"))
_CREDIT_HINT_RE = re.compile(_tr("[图摄]"))
_PHOTO_ENDINGS = spellings("摄", "摄影")  # a credit, not a byline: `记者 张三 摄`
_CREDIT_ENDINGS = spellings("摄", "摄影", "供图", "摄)", "摄）")
_CREDIT_OPENINGS = spellings("制图", "摄影", "供图")
_CAPTION_MARKS = "▲△▼▽↑↓←→◀▶"
# Captions that say which picture they describe: `图为…`, `上图：…`, `图①…`.
_PICTURE_REFERENCES = spellings("图为", "上图", "下图", "左图", "右图", "中图", "图①", "图②", "图③", "图④", "图1", "图2", "图3")
MAX_CAPTION_LINE = 200
_CAPTION_MARK_RE = re.compile(rf"\s*[{_CAPTION_MARKS}]+\s*")


@dataclass(frozen=True)
class Lead:
    """An opening byline at the start of a paragraph and the body text that follows it."""

    text: str  # the byline as printed, e.g. `本报讯(记者 韩笑)`
    names: list[str]
    rest: str  # the paragraph after the byline


@dataclass(frozen=True)
class CaptionParts:
    text: str  # caption words without the credit
    credit: str  # clean names joined by a space, `资料图片`, or ""
    names: list[str]
    printed: str = ""  # the credit as printed (`本报记者 孙伟 摄`), "" when none


def parse_lead(text: str) -> Lead | None:
    """The `本报讯…` / dateline lead opening ``text``, if any.

    The names follow in brackets (`本报讯(记者 韩笑)`) or, in some papers, bare and separated by
    spaces from the body they run into (`本报北京9月15日讯 记者 赵婕 最高人民检察院…`)."""
    m = _LEAD_RE.match(text)
    if m is None:
        return None
    paren = (m.group("paren") or "").strip()  # `电  （记者…）`: the spaces are no name
    end = m.end()
    if paren:
        # one name a role word or a list mark, however stray spaces cut it (`（记者张 晓明）`)
        names = clean_names(paren[1:-1].strip(), spaced=True)
    else:
        inline = _inline_byline(text, end)
        names, end = inline if inline is not None else ([], end)
    printed = text[m.start("head") : end].strip()
    return Lead(text=printed, names=names, rest=text[end:].strip())


_TOKEN_RE = re.compile(r"\S+")
MAX_INLINE_TOKENS = 8  # role words and names of an inline byline: `记者 钱峰 通讯员 吴 佳`


def _inline_byline(text: str, start: int) -> tuple[list[str], int] | None:
    """Names of role groups printed bare after a lead (`记者 钱峰 通讯员 吴 佳 近日，…`) and
    where the body starts; None when no role word with a name follows the lead.

    Each token must be role words, a name (with a known surname, so the body's first word is
    not taken for one), or a single character that, with the next one, is a spaced name
    (`吴 佳`). The first other token starts the body."""
    tokens = [(t.group(), t.start()) for t in _TOKEN_RE.finditer(text, start, start + 80)][:MAX_INLINE_TOKENS + 1]
    names: list[str] = []
    end = start
    k = 0
    had_role = False
    while k < len(tokens):
        token, at = tokens[k]
        role = ROLE_RE.match(token)
        if role is not None:
            rest = token[role.end() :].lstrip(":：")
            if rest and not _inline_name(rest):
                break  # `记者从…获悉`: the body, opened by a role word
            had_role = True
            if rest:
                names.append(rest)
        elif not had_role:
            break
        elif _inline_name(token):
            names.append(token)
        elif (
            len(token) == 1 and k + 1 < len(tokens) and len(tokens[k + 1][0]) == 1
            and _inline_name(token + tokens[k + 1][0])
        ):
            names.append(token + tokens[k + 1][0])
            k += 1
        else:
            break
        end = tokens[k][1] + len(tokens[k][0])
        k += 1
    if not names or k == len(tokens) and end < len(text):
        return None  # no name, or the tokens ran out before the body: not a byline we can read
    return names, end


def _inline_name(token: str) -> bool:
    return is_name(token) and has_surname(token)


def parse_standalone_byline(text: str) -> list[str] | None:
    """Names when ``text`` is a byline line of its own (`□ 梁桂连`, `本报记者 张三`).

    Without a box marker the line must carry a role word (`记者`, `通讯员`…), otherwise any short
    line of two names would pass; with a marker, names alone suffice. A line of role words only
    (`本报评论员`) is a byline naming nobody: ``[]``.
    """
    if len(text) > 60 or text.rstrip().endswith(_PHOTO_ENDINGS):
        return None
    m = _STANDALONE_RE.fullmatch(text)
    if m is None or _STAFF_RE.match(text) is not None:
        return None
    body = m.group("body")
    has_role = ROLE_RE.search(body) is not None
    if not m.group("marker") and not has_role:
        return None
    if has_role:
        return _role_names(body)
    if m.group("marker") in _BYLINE_MARKERS:
        # `□` marks bylines only (`■`, `◆` mark intertitles too): its names need no Han
        # surname and may have four characters (`□ 次仁罗布`)
        tokens = merge_spaced_singles(split_name_tokens(body))
        if tokens and len(tokens) <= 8 and all(is_name(t) for t in tokens):
            return list(dict.fromkeys(tokens))
        return None
    names = strict_name_list(body, max_names=8)
    # `■全程监测` is a marked intertitle: names without a role word are two or three characters
    # (four only with a compound surname), a four-character word is rather a phrase
    if not names or any(len(n) > 3 and not n.startswith(COMPOUND_SURNAMES) and not is_dotted(n) for n in names):
        return None
    return names


def _role_names(body: str) -> list[str] | None:
    """Names of a byline that has role words: all remaining tokens must be names."""
    body = _REPORTED_RE.sub("", body.strip())  # `记者 张三 报道`
    if ROLE_RE.match(body) is None:
        return None
    names = clean_names(body)
    if names and not has_surname(names[0]) and not (may_open_name_list(names) or _set_apart_name(body, names[0])):
        return None  # `记者：您好`: an interview line, not a name
    leftover = ROLE_RE.sub("", body)
    for name in names:
        leftover = leftover.replace(name, "", 1)
    # layout spaces inside names (`常 奇`) leave single characters behind when replaced one by one
    leftover = _NAME_GLUE_RE.sub("", leftover)
    if leftover and not all(any(ch in n for n in names) for ch in leftover):
        return None
    return names


def _set_apart_name(body: str, name: str) -> bool:
    """A name without Han surname after a role word, set apart by a space (`本报记者 次仁罗布`,
    `记者 阿依努尔·买买提`): four characters or dotted, as Tibetan, Mongolian and Uyghur
    names are; `记者：您好` or `记者手记` are not names."""
    if not (len(name) == 4 or is_dotted(name)):
        return False
    at = body.find(name)
    return at > 0 and body[at - 1].isspace()


def parse_paren_byline(text: str) -> list[str] | None:
    """Names when the whole line is a parenthesised name group: `(刘燕 乔润霞)`.

    Not a line wholly in 【】: papers set labels and intertitles so (`【法官说法】`,
    `【记者手记】`), never a story's closing names, and a label whose first character is a
    surname (法, 时) reads as a four-character name."""
    m = _PAREN_LINE_RE.fullmatch(text)
    if m is None or text.lstrip().startswith("【"):
        return None
    return strict_name_list(m.group("body"))


_END_NOTE_WORDS_RE = re.compile(_tr(r"整理|执笔|作者为|作者系|作者单位|综合|日电"))
_NAME_LIST_SEP = "、"


def is_end_note(group: str) -> bool:
    """A bracketed closing note that belongs to the story's text, not its byline: a roll of the
    reporters who gathered a round-up (`（本报记者姚雪青、罗艾桦、杨文明）`), who wrote it up
    (`（本报记者韩鑫采访整理）`, `（执笔：…）`) or who the author is (`（作者为…）`). A story's own
    closing byline names one or two people set apart by spaces (`(刘燕 乔润霞)`)."""
    inner = group.strip()[1:-1]
    return _NAME_LIST_SEP in inner or _END_NOTE_WORDS_RE.search(inner) is not None


def split_trailing_byline(paragraph: str) -> tuple[str, str, list[str]] | None:
    """Cut `…明天。 (张莉)` into (`…明天。`, `(张莉)`, [`张莉`]); None when no name group ends it."""
    if not paragraph or paragraph[-1] not in ")）〕]】":
        return None
    m = _TRAILING_PAREN_RE.search(paragraph, max(0, len(paragraph) - 80))
    if m is None:
        return None
    group = m.group("group")
    if is_end_note(group):
        return None
    names = strict_name_list(group[1:-1])
    if not names:
        return None
    return paragraph[: m.start()].rstrip(), group, names


def parse_source_line(text: str) -> str | None:
    """The source when the whole line is one: `据《山西日报》`, `(据新华社)`, or the web edition's
    `《 人民日报 》（ 2025年10月24日 04 版）`."""
    if len(text) > 50:
        return None
    m = _SOURCE_LINE_RE.fullmatch(text) or _EDITION_RE.fullmatch(text)
    return text.strip() if m else None


_DATA_SOURCE_RE = re.compile(_tr(r"\s*[(（]?\s*(?:数据|资料)来源[:：]"))
_SOURCE_MARK, _SOURCE_MARK_HANT = spellings("据")  # 据 據: a source line holds one


def is_data_source(text: str) -> bool:
    """`数据来源：国家统计局`: where a chart's or a data box's figures come from."""
    return _DATA_SOURCE_RE.match(text) is not None


def is_edition_line(text: str) -> bool:
    """`《 人民日报 》（ 2025年10月24日 04 版）`: the paper's own edition, printed after every story."""
    return len(text) <= 50 and _EDITION_RE.fullmatch(text) is not None


def split_trailing_source(paragraph: str) -> tuple[str, str] | None:
    """Cut `…参加会议。 据《山西日报》` into (`…参加会议。`, `据《山西日报》`)."""
    tail = paragraph[-40:]
    if not paragraph or (_SOURCE_MARK not in tail and _SOURCE_MARK_HANT not in tail):  # not a regex: faster
        return None
    m = _TRAILING_SOURCE_RE.search(paragraph, max(0, len(paragraph) - 50))
    if m is None:
        return None
    return paragraph[: m.start()].rstrip(), m.group("src").strip()


def _unwrap_credit(text: str) -> str:
    """The credit without agency decoration: `新华社发（周万平 摄）` -> `周万平 摄`,
    `张  驰摄（人民视觉）` -> `张  驰摄`, `（新华社记者 李四 摄）` -> `新华社记者 李四 摄`."""
    text = text.strip()
    if text.endswith((")", "）")):
        text = _AGENCY_TAIL_RE.sub("", text)
    m = _AGENCY_HEAD_RE.match(text)
    if m is not None and m.end() < len(text):
        text = text[m.end() :]
    if len(text) > 2 and text[0] in "(（" and text[-1] in ")）":
        text = text[1:-1].strip()
    return text


def parse_credit_line(text: str) -> list[str] | None:
    """Names when the line is only a photo credit: `记者 张文慧 摄`, `本报记者 常 奇 摄`,
    `新华社发（周万平 摄）`, `张  驰摄（人民视觉）`, a cartoon's `王  成 作`."""
    if len(text) > 40:
        return None
    text = _unwrap_credit(text)
    drawn = _DRAWN_BY_RE.fullmatch(text)
    if drawn is not None:
        return strict_name_list(drawn.group("names"), max_names=3)
    m = _CREDIT_TAIL_RE.fullmatch(text)
    if m is None:
        m = _CREDIT_HEAD_RE.fullmatch(text)
        if m is None:
            return None
        names = clean_names(m.group("names"))
        return names or None
    credit = m.group("credit")
    if re.search(rf"[{TERMINAL}]", credit):
        return None
    names = clean_names(credit)
    if not names:
        return None
    leftover = ROLE_RE.sub("", credit)
    leftover = re.sub(r"[\s、，,·/／]", "", leftover)
    if len(leftover) > sum(len(n) for n in names):
        return None
    return names


def split_caption(text: str) -> CaptionParts | None:
    """A caption line: words plus credit (`…爱心餐。王海旋 摄`), `资料图片`, or a `▲` caption."""
    stripped = text.strip()
    if not stripped:
        return None
    # cheap tests first: almost every line is prose and none of these apply
    tail = stripped[-16:]
    if _STOCK_HINT_RE.search(tail) is not None:
        m = _STOCK_PHOTO_RE.search(stripped, max(0, len(stripped) - 40))
        if m is not None and (m.start() == 0 or stripped[m.start() - 1] in TERMINAL + "）) "):
            words = _CAPTION_MARK_RE.sub("", stripped[: m.start()]).strip()
            return CaptionParts(text=words, credit=m.group("stock"), names=[], printed=stripped[m.start() :])
    core = _AGENCY_TAIL_RE.sub("", stripped) if stripped.endswith((")", "）")) else stripped
    if core.endswith(_CREDIT_ENDINGS):
        cut = _credit_cut(stripped)
        if cut is not None:
            words, names, printed = cut
            words = _CAPTION_MARK_RE.sub("", words, count=1).strip()
            return CaptionParts(text=words, credit=" ".join(names), names=names, printed=printed)
    head_cut = _credit_head_cut(stripped)
    if head_cut is not None:
        words, names, printed = head_cut
        words = _CAPTION_MARK_RE.sub("", words, count=1).strip()
        return CaptionParts(text=words, credit=" ".join(names), names=names, printed=printed)
    if stripped[0] in _CAPTION_MARKS:
        mark = _CAPTION_MARK_RE.match(stripped)
        if mark is not None and mark.end() < len(stripped):
            return CaptionParts(text=stripped[mark.end() :].strip(), credit="", names=[])
    if stripped.startswith(_PICTURE_REFERENCES) and len(stripped) <= MAX_CAPTION_LINE:
        return CaptionParts(text=stripped, credit="", names=[])
    if stripped.startswith(_CREDIT_OPENINGS):
        m = _CREDIT_HEAD_RE.fullmatch(stripped)
        if m is not None:
            names = clean_names(m.group("names"))
            return CaptionParts(text="", credit=" ".join(names) or m.group("names"), names=names, printed=stripped)
    return None


def _credit_head_cut(text: str) -> tuple[str, list[str], str] | None:
    """Split caption words from a trailing credit opened by its credit word (`图/…`, `制图：…`)."""
    window = max(0, len(text) - MAX_TRAILING_CREDIT)
    if _CREDIT_HINT_RE.search(text, window) is None:
        return None  # the cheap test, without copying: prose lines end in neither
    last = None
    for m in _TRAILING_CREDIT_HEAD_RE.finditer(text, window):
        last = m
    if last is None or last.start() == 0:
        return None
    names = parse_credit_line(text[last.start() :])
    if not names:
        return None
    return text[: last.start()].strip(), names, text[last.start() :].strip()


def _credit_cut(text: str) -> tuple[str, list[str], str] | None:
    """Split caption words from a trailing credit; the credit starts after the last sentence end."""
    tail_start = max(text.rfind(ch) for ch in TERMINAL + "，,")
    words, tail = (text[: tail_start + 1], text[tail_start + 1 :]) if tail_start >= 0 else ("", text)
    names = parse_credit_line(tail)  # also `（新华社记者 张三 摄）`, `张三摄（人民视觉）`
    if names is None:
        return None
    return words.strip(), names, tail.strip()
