"""Personal names in bylines and photo credits: cleaning and plausibility.

Names are printed with layout spaces (`付 炎`, `裴 姣`: a two-character name padded to the width
of a three-character one), several to a byline (`刘燕 乔润霞`, `窦瀚洋、王怡曦`), and mixed with
role words (`本报特约通讯员`, `记者`). Names of minorities have no Han surname: Tibetan and
Mongolian names of four characters (`次仁罗布`, `萨仁高娃`), Uyghur and Kazakh names whose parts
a middle dot joins (`阿依努尔·买买提`); they are accepted where the context says byline. This
module turns such a string into clean names, and judges whether a parenthesised group at the end
of a story is a list of names at all (`(李晨昊)`) or something else (`(完)`, `(下转第3版)`).
"""

from __future__ import annotations

import re

from ingest import traditional
from ingest.chars import CJK_CHARS

# Common Chinese surnames (single character). Used only to accept a bare parenthesised group as a
# byline: the first name of the group must start with one, so `(社区)` or `(上接)` are not names.
# Written in simplified characters; SURNAMES and COMPOUND_SURNAMES also hold their traditional
# forms (張 陳 歐陽), from the table of ``ingest.traditional``.
_SIMPLIFIED_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀"
    "郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴"
    "丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富"
    "尧闭由化扬郦苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏"
    "柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东殴殳沃利蔚越夔隆"
    "师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公仉督岳帅"
    "缑亢况郈有琴归海晋楚闫法汝鄢涂钦商牟佘佴伯赏墨哈谯笪年爱阳佟第五言福"
)
SURNAMES = frozenset(traditional.spellings(*_SIMPLIFIED_SURNAMES))
COMPOUND_SURNAMES = traditional.spellings(
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容", "夏侯",
    "长孙", "宇文", "司徒", "端木", "轩辕", "独孤", "南宫", "西门", "呼延", "赫连", "澹台",
)

# Role words that precede names in bylines and credits, longest first so `特约通讯员` wins.
# The outlet may be any paper (`晚报记者`, `北京日报记者`, `县融媒体中心记者`), also with the
# name of its news app after it (`广州日报新花城记者`: up to four characters between the paper
# and the role word); the rank any of the usual ones (`特派记者`, `首席记者`, `见习记者`);
# `评论员` signs editorials (`本报评论员`). None of these words may ever come out as a name.
# Each is also read in traditional characters (`本報記者`, `通訊員`: ``ingest.traditional``).
ROLE_RE = re.compile(traditional.pattern(
    r"(?:(?:本报|本刊|本台|新华社|中新社|人民日报|光明日报|经济日报|央视|中国日报"
    r"|[\u4e00-\u9fff]{0,6}?(?:日报|晚报|早报|都市报|商报|报社|融媒体中心|电视台|广播电视台))"
    r"[\u4e00-\u9fff]{0,4}?)?"
    r"(?:驻[\u4e00-\u9fff]{1,4})?"
    r"(?:首席|特约|特派|实习|见习|融媒体?|全媒体|资深|主任|主笔)?"
    r"(?:摄影记者|记者|通讯员|实习生|评论员|摄影|编辑|报道员|撰稿|撰文|制图|供图)"
    r"|文\s*[/／|｜]\s*图|图\s*[/／|｜]\s*文|文字|[文图]\s*[/／|｜:：]"
))
# list punctuation, and the box markers that open each role group of a byline (`□ 记者 … □ …`)
_SEPARATORS_RE = re.compile(r"[\s、，,；;:：/／|｜□■◇◆○●★☆]+")
# A Han name (`刘凯华`), or a transliterated minority name whose parts a middle dot joins
# (`阿依努尔·买买提`, `买买提江·吐尔逊`, `阿不都热合曼·艾则孜`).
_NAME_RE = re.compile(f"[{CJK_CHARS}]{{1,8}}(?:[·•][{CJK_CHARS}]{{1,8}}){{0,3}}")
MAX_DOTTED_NAME_CHARS = 20


# a role word a stray space cut in two (`记 者王明`, `通讯 员`)
_SPACED_ROLE_RE = re.compile(traditional.pattern(r"记\s+者|通\s*讯\s*员|实\s*习\s*生|评\s*论\s*员|(?<=记)\s+者"))
_LIST_RE = re.compile(r"[、，,；;/／|｜]+")
MAX_SPACED_NAME_CHARS = 3  # `张 晓明`, `李小 红`, `王  明`: one name cut by spaces


def split_name_tokens(text: str, *, spaced: bool = False) -> list[str]:
    """Split a run of names on spaces and list punctuation, role words removed.

    ``spaced``: the names of a dateline's brackets (`（记者张 晓明、王明）`), where each role word
    or list mark opens one name: a name the layout or a stray space cut (`张 晓明`, `李小 红`) is
    one name again (an entry of two or three characters in all), and a role word a space cut
    (`记 者`) is still one."""
    if not spaced:
        text = ROLE_RE.sub(" ", text)
        return [t for t in _SEPARATORS_RE.split(text) if t]
    if " " in text or "\u3000" in text:
        text = _SPACED_ROLE_RE.sub(lambda m: "".join(m.group().split()), text)
    tokens: list[str] = []
    for group in ROLE_RE.split(text):  # each role word opens a group of names
        for entry in _LIST_RE.split(group):
            tokens.extend(_entry_tokens(entry))
    return tokens


def _entry_tokens(entry: str) -> list[str]:
    """The names of one entry of a list of names: all its parts, or one name of two or three
    characters that spaces cut."""
    parts = [t for t in _SEPARATORS_RE.split(entry) if t]
    joined = "".join(parts)
    if len(parts) > 1 and len(joined) <= MAX_SPACED_NAME_CHARS:
        return [joined]
    return parts


def merge_spaced_singles(tokens: list[str]) -> list[str]:
    """Join single characters that layout spacing pulled apart: `付 炎` -> `付炎`.

    A two-character name is padded with a space to the width of a three-character one, so two
    consecutive one-character tokens are one name. A lone single character stays as it is.
    """
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if len(tok) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
            merged.append(tok + tokens[i + 1])
            i += 2
            continue
        merged.append(tok)
        i += 1
    return merged


# Words that stand where names stand in bylines but are not names (in traditional print too).
NOT_NAMES = frozenset(traditional.spellings(*
    "报道 报导 整理 综合 摄影 供稿 撰文 编辑 通讯 发自 采写 采访 图片 资料 来源 本报 记者 特派 特约 首席 见习 "
    "实习 实习生 通讯员 评论员 融媒体 全媒体 视觉 文章 专栏 观察 "
    # the end marks of a story in brackets: `（全文完）`, `（未完待续）`
    "全文完 本文完 待续 未完待续 续完".split()
))


def is_name(token: str) -> bool:
    """A plausible personal name: 2–4 CJK characters, or `·`-joined parts (minority names)."""
    if token in NOT_NAMES or not _NAME_RE.fullmatch(token):
        return False
    if "·" in token or "•" in token:
        return 3 <= len(token) <= MAX_DOTTED_NAME_CHARS
    return 2 <= len(token) <= 4


def has_surname(token: str) -> bool:
    return token[:1] in SURNAMES or token.startswith(COMPOUND_SURNAMES)


def is_dotted(token: str) -> bool:
    """`阿依努尔·买买提`: a transliterated name, its parts joined by a middle dot."""
    return "·" in token or "•" in token


def may_open_name_list(names: list[str]) -> bool:
    """Whether a list read where a byline stands can be names although its first name has no
    Han surname. Tibetan, Mongolian and Uyghur names have none: `次仁罗布`, `萨仁高娃` (four
    characters), `阿依努尔·买买提` (dotted). Accepted: a known surname, a dotted name, or a
    list of two or more names one of which has a surname or is dotted or four characters long
    (`萨仁高娃 刘 伟`, `次仁罗布 格桑德吉`). A lone two- or three-character word without a
    surname (`手记`, `您好`) is not a name."""
    if not names:
        return False
    first = names[0]
    if has_surname(first) or is_dotted(first):
        return True
    return len(names) >= 2 and any(has_surname(n) or is_dotted(n) or len(n) == 4 for n in names)


def clean_names(text: str, *, spaced: bool = False) -> list[str]:
    """All plausible names in a byline or credit string, cleaned, in order, without repeats
    (``spaced``: see :func:`split_name_tokens`)."""
    names: list[str] = []
    for tok in merge_spaced_singles(split_name_tokens(text, spaced=spaced)):
        if is_name(tok) and tok not in names:
            names.append(tok)
    return names


def strict_name_list(text: str, max_names: int = 6) -> list[str] | None:
    """Names when ``text`` consists of names only (roles allowed), else None.

    Used for groups that are bylines only if nothing else is in them: `(刘燕 乔润霞)`,
    `(杨伟炳 裴 姣)`, `(记者 张三)`. The first name must start with a known surname (later ones
    may be given names only, `(崔娟 佳敏)`), unless the list reads as names of minorities
    (:func:`may_open_name_list`: `(萨仁高娃 刘 伟)`).
    """
    tokens = merge_spaced_singles(split_name_tokens(text))
    if not tokens or len(tokens) > max_names:
        return None
    if not all(is_name(t) for t in tokens):
        return None
    if not may_open_name_list(tokens):
        return None
    names: list[str] = []
    for tok in tokens:
        if tok not in names:
            names.append(tok)
    return names
