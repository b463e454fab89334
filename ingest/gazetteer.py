"""County gazetteer and county tagger for newspaper stories (pure Python, no Django).

The gazetteer is China's division tree -- 31 provinces, 342 prefectures, 2,978 county-level
divisions and 41,352 townships/streets -- read from ``ingest/data/divisions.tsv`` (built by
``scripts/build_gazetteer.py``).  All names go into one Aho-Corasick automaton, so a story is
scanned in one pass whatever the gazetteer's size.

What is matched
---------------
* ``county`` -- a full county-level name: 介休市, 兴县, 新绛县, 五家渠市, 阿荣旗.
* ``short`` -- a county name without its 县/市/区/旗 (or ethnic 自治县) suffix: 介休, 新绛, 侯马.
  Only shorts of two characters or more, and never those that are everyday words (长子, 和顺,
  惠民, 新建 ...), too generic (城区 -> 城, 新城, 市中), a development zone's, or shared with a
  prefecture or province name (恩施, 承德 -> the prefecture).  A short must also sit on a word
  boundary of a jieba segmentation of its surroundings, so 高平 is not read out of 提高平台 nor
  兴县 out of 振兴县域.  Full names of two or three characters (兴县, 绛县, 西山区: not out of
  闽西山区, the hills of western 福建) get the same check, but the
  county's own institutions may take their 县/市/区 into their word (绛|县政府, 祁|县委书记,
  吉|县公安局): 绛县政府 is 绛县 -- though not 高县长 (County Head Gao), 王吉县委书记, nor 和县委,
  代县长, 应县委, 随县委 ("and", "acting", "at the request of", "with") unless the county's own
  prefecture or province comes right before it (安徽和县).  A short right before 政策/补贴/资金…
  qualifies that noun (惠农政策) and names no place; nor does one inside a person's name: before
  将军 (左权将军), or after a surname where the text introduces, addresses or quotes that name
  (市民李德安, 作家王安泽, 李德安说); nor does 古县 as "the ancient county town" before its
  walls or site (保护古县城墙, 古县城址).
* ``street`` -- a township or street (楚侯乡, 北坛街道, 潞城镇): names ending in 镇, 乡, 街道 or
  苏木 of three characters or more, which must start on a word boundary (对于城镇 is no 于城镇).
* prefectures (晋中市, 运城, 恩施州) and provinces (山西省, 山西) are matched too, as evidence
  for disambiguation only: a story that names only its city gets no county.

Overlaps are settled longest-first, so 新绛县 hides 绛县 and 新绛, 新绛县委 is 新绛县, 潞城镇 is
a township rather than the short of 潞城区, and 介休市北坛街道 is two hits.  Spaces and tabs
inside a field (PDF line breaks: "引 领") are ignored when matching.

Ambiguity
---------
A name shared by several divisions (城关镇 in 88 counties, 朝阳区, 鼓楼区 ...) is kept only when
one candidate survives, trying in turn: the hit right before it (介休市|北坛街道, 晋城市|城区,
北京市|朝阳区), counties named unambiguously elsewhere in the story, prefectures named in the
story, the ``hint_prefectures`` of the paper's home area, prefectures of the counties named, and
provinces named.  Each step narrows the candidates only if it keeps at least one.  Names made of
generic characters only (城区, 郊区, 东城区, 新县, 市中区) must be prefixed by their prefecture or
province ("晋城市城区") -- elsewhere they are ordinary words.

Short names and townships must also lie in the story's *home provinces* when it has any: those
of the hint prefectures and of the provinces, prefectures and counties it names in full.  In a
Shanxi paper, 莲池社区 is not 保定's 莲池区 and 翟建平 is not 辽宁's 建平县.  A full county name
(五家渠市) counts wherever it lies.  Without hints or context nothing is gated, so callers should
pass the paper's ``hint_prefectures``.

Primary and secondary counties (``Gazetteer.tag``)
--------------------------------------------------
Every resolved hit adds ``field weight x kind weight`` to its county:

=======================  ======  ==================================================
field                    weight  notes
=======================  ======  ==================================================
kicker, headline, sub    20      one title hit outweighs a body full of others
lead (first paragraph)   3       first non-blank line of ``body``
rest of body             1
captions                 0.5     but counted as body (1) for the threshold below
=======================  ======  ==================================================

Kind weights: full name and township 1, short name 0.5; a development zone (郑州航空港经济综合
实验区, 石家庄高新技术产业开发区: x7x codes of the statistical division list, functional areas
rather than civil divisions) counts half.  A county is tagged when its evidence reaches 1: any hit
in a title, the lead or a caption, a full name or township anywhere, a short name twice in the
body.  But a story needs a *subject* county to be tagged at all, one whose evidence reaches 1 with
a full county name after the lead counting half: a city-wide story (我市..., 家住皇姑区和平里小区
的张阿姨) that passes through a county once is not about it, while a story about 五家渠市 that
visits 孝义市鹏飞集团 once keeps 孝义市 as a secondary tag.  A story that names only its
prefecture gets no county at all.

Three kinds of story name counties without being about one, unless a title names the county:

* a story *spread* over several provinces (a national feature with examples from 云南 and 贵州,
  a picture series from 黑龙江, 新疆 and 山东) gets no county;
* a *prefecture-wide* story names its prefecture on its own (信阳市各产茶县区…) and then one
  county once as an example (在浉河区一处茶园): the example is not its subject.  (A township is
  never such an example: 临汾市… 古城镇召开推进会 is about 古城镇.)
* a *round-up* of one city or province names it on its own and runs through three or more of its
  counties, none more than twice (武汉已启用7座方舱医院: 武昌区…、江汉区…、硚口区…): no county.

Tags come primary first: highest weight, ties to the earliest hit (kicker, headline, subheadline,
body, captions, in text order).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import ahocorasick_rs

from ingest.model import County
from ingest.names import SURNAMES

DATA_FILE = Path(__file__).resolve().parent / "data" / "divisions.tsv"

COUNTY, SHORT, STREET, PREFECTURE, PROVINCE = "county", "short", "street", "prefecture", "province"
_COUNTY_KINDS = frozenset({COUNTY, SHORT, STREET})

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT, CAPTION_WEIGHT = 20.0, 3.0, 1.0, 0.5
REST_EVIDENCE = 0.5  # a county named once after the lead is a passing mention, not the subject
KIND_WEIGHT = {COUNTY: 1.0, STREET: 1.0, SHORT: 0.5}
ZONE_WEIGHT = 0.5  # development zones (x7x codes) are functional areas, not divisions
TAG_THRESHOLD = 1.0
MIN_HOME_MENTIONS = 2  # a county of the paper's prefecture named this often is a story's subject

# The 55 minority nationalities, as they appear inside autonomous names (长阳土家族自治县).
_ETHNIC = sorted(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺".split(),
    key=len,
    reverse=True,
)

# Characters that only say where something lies in a town: a name made of these alone
# (城区, 郊区, 东城区, 市中区, 新县) is an ordinary word unless its prefecture comes right before it.
_GENERIC_CHARS = frozenset("东南西北中上下前后内外城郊矿新老市区关")

# Shorts that cannot simply drop the last character.
_SHORT_OVERRIDES = {
    "浦东新区": "浦东",
    "沈北新区": "沈北",
    "滨海新区": "",  # 滨海 is "coastal", and also 滨海县
    "清新区": "",  # 清新 is "fresh"
    "神农架林区": "神农架",
    "六枝特区": "六枝",
}

# County shorts that are everyday words or better-known as something else; their full names
# (长子县, 和顺县, 盐湖区 ...) are still matched.  Picked from the shorts that jieba's dictionary
# lists as common non-place words, plus the landmarks and phrases newspapers use all the time.
COMMON_WORD_SHORTS = frozenset(
    """
    资源 合作 武功 比如 南部 解放 东方 前进 港口 公安 友好 通道 共和 友谊 平安 中方 凤凰 安定 延长
    光明 运河 东风 红旗 光泽 南岸 会同 工农 大名 富裕 清水 高明 前锋 复兴 长子 宏伟 芙蓉 洞口 温泉
    石门 振兴 三元 大方 互助 金台 莲花 平和 名山 黄龙 石林 六合 石柱 龙泉 全州 桃源 三门 大观 建安
    永和 二七 台前 金山 石棉 丰满 双桥 月湖 高台 九龙 二道 无为 同心 民权 小店 宝塔 元宝 平房 太白
    白玉 灯塔 大兴 木兰 天涯 七星 海棠 博爱 同仁 回民 钟楼 盘龙 马尾 安居 黑水 龙凤 麒麟 新民 富民
    清流 紫金 爱民 惠民 新星 和顺 天台 阳明 开化 天心 白沙 天元 玉泉 天柱 民乐 阳春 延寿
    仁寿 兴业 大厂 个旧 金牛 白塔 万全 石鼓 三水 康乐 双塔 鸡冠 天长 永福 永新 万安 凤山 建华
    文峰 梁山 威信 石狮 古田 文昌 玄武 弥勒 方正 湖里 白杨 海盐 水城 云霄 金沙 铜鼓 盐池
    海伦 石台 玉环 古塔 磐石 樟树 嘉禾 小金 白水 大田 凌云 石龙 泰来 东至 武陵 故城 庐山
    平原 江南 中原 南海 东湖 古城 南湖 商城 江山 太平 甘泉 西夏 新建 东海 兴国 龙门 恒山 泰山
    天山 天河 天桥 太湖 西山 河西 牡丹 衡山 东坡 海港 沙河 大城 长寿 花山 江海 北湖 上街 兴隆
    松山 长乐 银海 路桥 盐湖 朝阳 和平 长安 新华 新城 青山 向阳 南山 宝山 东山 西湖 白云 龙华
    城中 城关 市中 太和 安宁 华容 新兴 大安 平山 清河 东港 连山 龙山 兴安 云龙 象山 大通 台江 永定
    河口 钟山 江城 东兴 五华 沙湾 金平 梨树 中山 北戴河 西陵 新河 南华 大化 通城 龙港 华亭
    山城 莲池 龙湖 新安 金凤 建平 永康 志丹
    """.split()
)

# Prefecture stems that are everyday words (与会来宾, 幸福安康, 朝阳产业); full names still count.
COMMON_WORD_PREFECTURE_STEMS = frozenset({"来宾", "安康", "朝阳", "普洱", "北海"})

# Townships whose names are everyday phrases (小城镇 "small towns").
COMMON_WORD_STREETS = frozenset({"小城镇", "小村镇", "于城镇", "中心镇"})
# A township hit directly followed by one of these is a word straddling its end (幸福乡|村).
_STREET_TAIL_WORDS = frozenset({"乡村", "乡亲", "乡土", "乡愁", "乡情", "乡音", "乡贤", "镇化"})
# A short name right before one of these nouns is an everyday word qualifying it (惠农政策 "policies
# that benefit farmers", 富民资金): a place is not said to have policies or subsidies by its short.
_MODIFIED_NOUNS = ("政策", "补贴", "资金", "举措", "措施", "贷款", "保险", "红利")
# A short name right before this is a person's name (缅怀左权将军: the general the county is named
# after), never a place. Not 烈士 or 同志: 武乡烈士陵园 is the county's cemetery of martyrs.
_PERSON_TITLES = ("将军",)
# A surname and a two-character short name make a person's name (市民李德安, 作家王安泽) where the
# text introduces them by what they are or has them speak. Characters that are surnames but far
# more often a preposition or a verb before a place (游客来平遥, 原平遥县委) never open one.
_NAME_ROLES = tuple(
    """
    市民 村民 居民 农民 工人 职工 作家 诗人 画家 书法家 记者 通讯员 老人 大爷 大妈 阿姨 师傅 同学
    学生 老师 教师 医生 护士 教授 专家 院士 律师 民警 警官 法官 书记 主任 局长 县长 市长 镇长 乡长
    村长 站长 所长 馆长 院长 校长 厂长 经理 董事长 总经理 负责人 创始人 店主 老板 代表 委员 志愿者
    党员 队员 选手 运动员 演员 歌手 导演 主持人 网友 家长 患者 母亲 父亲 儿子 女儿 丈夫 妻子
    """.split()
)
_NAME_FOLLOWERS = ("将军", "同志", "先生", "女士", "说", "表示", "介绍", "告诉", "认为", "坦言", "感慨", "回忆", "老师", "师傅")
_NOT_NAME_OPENERS = frozenset("来于向和由原全都那有后年平国文明东南双通相应信党公成时游别")
# What jieba glues to the 县/市/区 of a two-character county name, taking the suffix away from it
# (绛|县政府, 祁|县委书记, 吉|县公安局, 芒|市委): the county's own government, party committee and
# institutions.  Right before one of these (after that suffix character) the name still counts
# as a whole word.
_GLUED_INSTITUTIONS = (
    "委", "政府", "府", "长", "人大", "政协", "纪委", "监委", "党委", "政法", "法院", "检察院",
    "公安", "人民", "直", "总工会", "妇联", "团委", "境内",
)
# One-character stems that are also a word before 县委/县长 … (市委书记和县委书记, 代县长 "acting
# county head", 应县委邀请 "at the county committee's invitation", 随县委书记 "with the county's
# secretary"): glued that way, 和县, 代县, 应县 and 随县 count only right after their prefecture or
# province (安徽和县人民医院).
_GLUE_STEM_WORDS = frozenset("和代应随")
# 古县 is also "the ancient county town" (古县城) before the words for a town's walls or site
# (保护古县城墙, 古县城址考古): there it names no county, unless its prefecture or province comes
# right before it.  jieba cuts 古|县|城墙, so the word-boundary check lets it through.
_ANCIENT_TOWN = {"古县": ("城墙", "城址", "城垣", "城池", "城遗址", "城门楼")}
_STREET_SUFFIX = re.compile(r"(镇|乡|街道|苏木)$")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BOUNDARY_WINDOW = 6  # characters of context segmented around a hit


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in a text that names a county: directly, by its short name, or by a township."""

    county: County
    start: int  # offsets into the text given to ``find``
    end: int
    matched: str  # the text as printed, e.g. "北坛街道"
    kind: str  # "county", "short" or "street"


class _Pattern(NamedTuple):
    kind: str
    codes: tuple[str, ...]  # county codes (county/short/street), else prefecture or province codes
    length: int  # of the name matched
    needs_prefix: bool = False  # generic name: only right after its prefecture or province
    check_boundary: bool = False  # must be a whole word in a jieba segmentation


class _Hit(NamedTuple):
    start: int
    end: int
    pattern: _Pattern
    matched: str
    follows: bool  # directly after the previous hit, spaces aside (介休市|北坛街道)


@functools.cache
def _segmenter() -> ModuleType:
    # Imported lazily: loading its dictionary costs ~0.15 s, which callers that only need
    # counties() or lookup() (e.g. filling the county table) should not pay.
    import rjieba

    return rjieba


def _autonomous_stem(name: str) -> str | None:
    """长阳土家族自治县 -> 长阳, 鄂伦春自治旗 -> ''; None when ``name`` is not autonomous."""
    m = re.fullmatch(r"(.+?)自治[县旗州]", name)
    if m is None:
        return None
    stem = m.group(1)
    while True:
        had_zu = stem.endswith("族")
        if had_zu:
            stem = stem[:-1]
        for ethnic in _ETHNIC:
            # One-character nationalities (回, 土, 水) only count before 族: 巴里坤哈萨克 vs 北川羌族.
            if stem.endswith(ethnic) and (had_zu or len(ethnic) > 1):
                stem = stem[: -len(ethnic)]
                break
        else:
            return stem


def county_stem(name: str, code: str = "") -> str:
    """The short form of a county name without any usability filtering ('' when none).

    >>> county_stem("介休市"), county_stem("长阳土家族自治县"), county_stem("兴县")
    ('介休', '长阳', '')
    """
    if name in _SHORT_OVERRIDES:
        return _SHORT_OVERRIDES[name]
    if code[4:5] == "7":  # x7x codes are development zones (石家庄高新技术产业开发区)
        return ""
    stem = _autonomous_stem(name)
    if stem is None:
        stem = name[:-1] if name[-1:] in ("县", "市", "区", "旗") else ""
    return stem if len(stem) >= 2 else ""


def _is_generic(name: str) -> bool:
    """True for county names made only of positional characters (城区, 东城区, 新县)."""
    stem = name[:-1] if name[-1:] in ("区", "县") else name
    return bool(stem) and all(c in _GENERIC_CHARS for c in stem)


def _prefecture_stems(name: str) -> list[str]:
    """Short forms of a prefecture name: 晋中市 -> [晋中], 恩施土家族苗族自治州 -> [恩施, 恩施州]."""
    stem = _autonomous_stem(name)
    if stem is not None:
        return [stem, stem + "州"] if len(stem) >= 2 else []
    for suffix in ("地区", "市", "盟"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return [stem] if len(stem) >= 2 else []
    return []


def _province_stem(name: str) -> str:
    """山西省 -> 山西, 广西壮族自治区 -> 广西, 北京市 -> 北京."""
    if name.endswith("自治区"):
        stem = name[:-3]
        for ethnic in _ETHNIC:
            # 内蒙古 keeps its 蒙古: only strip what leaves a name of two characters or more.
            for tail in (ethnic + "族", ethnic if len(ethnic) > 1 else None):
                if tail and stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    return stem[: -len(tail)]
        return stem
    return name[:-1] if name[-1:] in ("省", "市") else name


def _split_lead(body: str) -> tuple[str, str]:
    """The first non-blank paragraph of ``body`` and the rest."""
    stripped = body.lstrip()
    lead, _, rest = stripped.partition("\n")
    return lead, rest


# A story naming this many counties of one city or province, each once or twice, with the city or
# province on its own, is a round-up of the city or province (Gazetteer._round_up).
ROUND_UP_COUNTIES = 3


class Gazetteer:
    """China's divisions down to townships, with a fast county matcher; see the module docs."""

    def __init__(self, rows: Iterable[Sequence[str]]) -> None:
        """Build from (code, name, parent) rows as in ``divisions.tsv``."""
        provinces: dict[str, str] = {}
        prefectures: dict[str, tuple[str, str]] = {}  # code -> (name, province code)
        counties: list[Sequence[str]] = []
        street_names: dict[str, set[str]] = defaultdict(set)  # name -> county codes
        self._street_county: dict[str, str] = {}
        for code, name, parent in rows:
            level = len(code)
            if level == 9:
                self._street_county[code] = parent
                street_names[name].add(parent)
            elif level == 6:
                counties.append((code, name, parent))
            elif level == 4:
                prefectures[code] = (name, parent)
            elif level == 2:
                provinces[code] = name
            else:
                raise ValueError(f"bad division code {code!r}")

        self._prefecture_names = {code: name for code, (name, _) in prefectures.items()}
        self._prefecture_province = {code: prov for code, (_, prov) in prefectures.items()}
        self._county_prefecture = {code: parent for code, _, parent in counties}

        county_names: dict[str, list[str]] = defaultdict(list)
        by_prefecture: dict[str, list[str]] = defaultdict(list)
        for code, name, parent in counties:
            county_names[name].append(code)
            by_prefecture[parent].append(code)

        prefecture_names: dict[str, set[str]] = defaultdict(set)
        for code, (name, province) in prefectures.items():
            members = by_prefecture[code]
            if name == provinces[province]:
                continue  # pseudo-prefecture (北京市's 市辖区): the province name covers it
            if len(members) == 1 and county_names.get(name) == members:
                continue  # 东莞市, 中山市: the prefecture is its own single county-level unit
            prefecture_names[name].add(code)
            for stem in _prefecture_stems(name):
                if stem not in COMMON_WORD_PREFECTURE_STEMS:
                    prefecture_names[stem].add(code)
        province_names: dict[str, set[str]] = defaultdict(set)
        for code, name in provinces.items():
            province_names[name].add(code)
            province_names[_province_stem(name)].add(code)

        stems = {code: county_stem(name, code) for code, name, _ in counties}
        short_names: dict[str, list[str]] = defaultdict(list)
        for code, stem in stems.items():
            if stem:
                short_names[stem].append(code)

        # What each string means in running text, bigger and more specific units first.
        patterns: dict[str, _Pattern] = {}
        for name, codes in county_names.items():
            # A name of two or three characters must be a whole word where it stands: 闽西山区
            # (the hills of western 福建) holds no 西山区, 曾任大兴区委… no 大兴区 story.
            patterns[name] = _Pattern(
                COUNTY, tuple(sorted(codes)), len(name), _is_generic(name), len(name) <= 3
            )
        # An autonomous county is commonly written as its place name and 县 (化隆县 for
        # 化隆回族自治县, 长阳县, 互助县): its full name in running text, where no county has it.
        for code, name, _ in counties:
            stem = _autonomous_stem(name) if name.endswith("自治县") else None
            alias = f"{stem}县" if stem and len(stem) >= 2 else ""
            if alias and alias not in county_names and alias not in patterns:
                patterns[alias] = _Pattern(COUNTY, (code,), len(alias), False, len(alias) <= 3)
        for name, codes in street_names.items():
            if (
                len(name) >= 3
                and name not in patterns
                and name not in COMMON_WORD_STREETS
                and _STREET_SUFFIX.search(name)
            ):
                patterns[name] = _Pattern(STREET, tuple(sorted(codes)), len(name))
        for kind, table in ((PREFECTURE, prefecture_names), (PROVINCE, province_names)):
            for name, codes in table.items():
                if name not in patterns or patterns[name].kind == PREFECTURE:
                    # Full names end in 市/省/州/盟/区; a stem (晋中, 山西) needs a word boundary.
                    full = len(name) >= 3 and name[-1] in "市省州盟区"
                    patterns[name] = _Pattern(kind, tuple(sorted(codes)), len(name), False, not full)
        self._lookup_shorts: dict[str, str] = {}
        for stem, codes in short_names.items():
            if stem in patterns:
                continue  # 恩施, 承德, 海南: the bigger unit wins
            if len(codes) == 1:
                self._lookup_shorts[stem] = codes[0]
            if stem in COMMON_WORD_SHORTS or all(c in _GENERIC_CHARS for c in stem):
                continue
            patterns[stem] = _Pattern(SHORT, tuple(sorted(codes)), len(stem), False, True)
        # Defensive: a single character is never a name on its own.
        patterns = {name: pattern for name, pattern in patterns.items() if len(name) >= 2}
        self._patterns = patterns

        # One automaton of every name (ahocorasick_rs: Rust's aho-corasick, which gives every
        # overlapping match with its offsets in characters; pyahocorasick, used before, took
        # twice the instructions and needed its byte offsets converted in Python).
        self._names = list(patterns)
        self._name_patterns = [patterns[name] for name in self._names]
        self._automaton = ahocorasick_rs.AhoCorasick(self._names)

        self._counties: dict[str, County] = {}
        for code, name, parent in counties:
            stem = stems[code]
            short = patterns.get(stem)
            usable = short is not None and short.kind == SHORT and short.codes == (code,)
            self._counties[code] = County(
                code=code,
                name=name,
                short=stem if usable else "",
                prefecture=self._prefecture_names[parent],
                province=provinces[self._prefecture_province[parent]],
            )

    def __getstate__(self) -> dict:
        # The automaton cannot be pickled: it is built again from the names.
        return {k: v for k, v in self.__dict__.items() if k != "_automaton"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._automaton = ahocorasick_rs.AhoCorasick(self._names)

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Gazetteer:
        """Read a gazetteer from a ``divisions.tsv`` file."""
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls(line.split("\t") for line in lines if line and not line.startswith("#"))

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The gazetteer of the committed data file, loaded once per process."""
        return cls.load(DATA_FILE)

    @property
    def street_count(self) -> int:
        """How many townships/streets the gazetteer holds."""
        return len(self._street_county)

    # -- look-ups --------------------------------------------------------------------------

    def counties(self) -> list[County]:
        """Every county-level division, in code order."""
        return [self._counties[code] for code in sorted(self._counties)]

    def county(self, code: str) -> County | None:
        """The county with six-digit ``code``."""
        return self._counties.get(code)

    def prefecture_code(self, name: str) -> str | None:
        """The 4-digit code of a prefecture given by full or short name (晋中市, 运城), if unique."""
        pattern = self._patterns.get(name.strip())
        if pattern is not None and pattern.kind == PREFECTURE and len(pattern.codes) == 1:
            return pattern.codes[0]
        return None

    def prefecture_name(self, code: str) -> str | None:
        """The name of the prefecture with 4-digit ``code`` (1407 -> 晋中市), None if there is none."""
        return self._prefecture_names.get(code)

    def prefecture_of(self, county_code: str) -> str | None:
        """The 4-digit prefecture code a county belongs to."""
        return self._county_prefecture.get(county_code)

    def lookup(self, name_or_code: str) -> County | None:
        """A county by 6-digit code (or a township's 9-digit code), by full name (介休市), by
        unambiguous short name (介休), by unambiguous township (楚侯乡), or by a qualified name
        (晋城市城区, 介休市北坛街道).  Ambiguous names (城关镇, 朝阳区) give None."""
        key = name_or_code.strip()
        if key.isdigit():
            if len(key) == 9:
                key = self._street_county.get(key, "")
            return self._counties.get(key)
        if key in self._lookup_shorts:
            return self._counties[self._lookup_shorts[key]]
        pattern = self._patterns.get(key)
        if pattern is not None and pattern.kind in _COUNTY_KINDS and len(pattern.codes) == 1:
            return self._counties[pattern.codes[0]]
        # A qualified name: hits that join up to cover all of it and agree on one county.
        hits = self._scan(key)
        if not hits or hits[0].start != 0 or hits[-1].end != len(key):
            return None
        if not all(hit.follows for hit in hits[1:]):
            return None
        resolved = self._resolve([hits], frozenset())[0]
        codes = {code for _, code in resolved}
        named = sum(1 for hit in hits if hit.pattern.kind in _COUNTY_KINDS)
        if len(codes) != 1 or len(resolved) != named:
            return None
        code = codes.pop()
        for hit in hits:
            if hit.pattern.kind not in _COUNTY_KINDS and not self._narrow_by(hit.pattern, [code]):
                return None  # 运城市介休市: the prefix does not contain the county
        return self._counties[code]

    def is_place_name(self, text: str) -> bool:
        """True when ``text`` is only division names: 荔湾, 建始县, 湖北建始, 四川巴中巴州区.

        The splitter asks this of the words before a title's colon (`荔湾：龙舟起水迎端午`): a
        place there is the title's kicker."""
        key = _SPACES.sub("", text.strip())
        if len(key) < 2:
            return False
        pattern = self._patterns.get(key)
        if pattern is not None:
            return not pattern.needs_prefix  # 城区, 新县 alone are ordinary words
        hits = self._scan(key)
        return (
            bool(hits) and hits[0].start == 0 and hits[-1].end == len(key) and all(h.follows for h in hits[1:])
        )

    # -- matching --------------------------------------------------------------------------

    def find(self, text: str, hint_prefectures: Sequence[str] = ()) -> list[Mention]:
        """Every resolved county mention in ``text``, in text order."""
        hits = self._scan(text)
        resolved = self._resolve([hits], _hint_set(hint_prefectures))[0]
        return [
            Mention(self._counties[code], hit.start, hit.end, hit.matched, hit.pattern.kind)
            for hit, code in resolved
        ]

    def tag(
        self,
        *,
        kicker: str = "",
        headline: str = "",
        subheadline: str = "",
        body: str = "",
        captions: Sequence[str] = (),
        hint_prefectures: Sequence[str] = (),
    ) -> list[County]:
        """The counties a story is about, primary first, without repeats (see the module docs)."""
        lead, rest = _split_lead(body)
        # (text, rank weight, evidence weight, evidence weight of a full county name)
        fields = [
            (kicker, TITLE_WEIGHT, TITLE_WEIGHT, TITLE_WEIGHT),
            (headline, TITLE_WEIGHT, TITLE_WEIGHT, TITLE_WEIGHT),
            (subheadline, TITLE_WEIGHT, TITLE_WEIGHT, TITLE_WEIGHT),
            (lead, LEAD_WEIGHT, LEAD_WEIGHT, LEAD_WEIGHT),
            # a county's full name in passing (家住皇姑区…) counts half after the lead; a
            # township is only named where the story happens
            (rest, BODY_WEIGHT, BODY_WEIGHT, BODY_WEIGHT * REST_EVIDENCE),
        ]
        fields += [(caption, CAPTION_WEIGHT, BODY_WEIGHT, BODY_WEIGHT) for caption in captions]
        fields = [f for f in fields if f[0]]
        # One scan over all fields joined by newlines (no name contains one, so no hit spans
        # two fields): per-call overhead, not text length, dominates on short fields.
        starts, offset = [], 0
        for text, *_ in fields:
            starts.append(offset)
            offset += len(text) + 1
        per_field: list[list[_Hit]] = [[] for _ in fields]
        for hit in self._scan("\n".join(text for text, *_ in fields)):
            per_field[bisect.bisect_right(starts, hit.start) - 1].append(hit)
        resolved = self._resolve(per_field, _hint_set(hint_prefectures))

        rank: dict[str, float] = defaultdict(float)
        evidence: dict[str, float] = defaultdict(float)
        subject: dict[str, float] = defaultdict(float)  # evidence, passing mentions counted half
        first: dict[str, int] = {}
        first_at: dict[str, tuple[int, int]] = {}  # (field, offset) of a county's first hit
        mentions: dict[str, int] = defaultdict(int)
        in_title: set[str] = set()
        order = 0
        for index, ((_, rank_weight, evidence_weight, county_evidence), hits) in enumerate(zip(fields, resolved)):
            for hit, code in hits:
                kind_weight = KIND_WEIGHT[hit.pattern.kind] * (ZONE_WEIGHT if _is_zone(code) else 1.0)
                rank[code] += rank_weight * kind_weight
                evidence[code] += evidence_weight * kind_weight
                weight = county_evidence if hit.pattern.kind == COUNTY else evidence_weight
                subject[code] += weight * kind_weight
                first.setdefault(code, order)
                if hit.pattern.kind == COUNTY:  # a township is named where the story happens
                    first_at.setdefault(code, (index, hit.start))
                mentions[code] += 1
                if rank_weight == TITLE_WEIGHT:
                    in_title.add(code)
                order += 1
        tagged = [code for code in rank if evidence[code] >= TAG_THRESHOLD]
        tagged.sort(key=lambda code: (-rank[code], first[code]))
        if not any(subject[code] >= TAG_THRESHOLD for code in tagged):
            return []  # only passing mentions: the story is about no county
        if not in_title:
            hints = _hint_set(hint_prefectures)
            # a county of the paper's own prefecture named again and again (石浦镇…象山县) is
            # the story's subject, whatever places its goods are sent to (发往上海、杭州等地)
            home_subject = mentions[tagged[0]] >= MIN_HOME_MENTIONS and self._county_prefecture[tagged[0]] in hints
            if not home_subject and len(self._provinces_named(per_field, rank)) >= 2:
                return []  # spread over several provinces: a national or regional story
            if len(tagged) >= 2 and rank[tagged[0]] == rank[tagged[1]]:
                return []  # two places named alike (在沈河区、和平区交界处): no primary one
            if self._round_up(tagged, mentions, per_field):
                return []  # a city's or province's round-up: its counties are examples
            examples = self._prefecture_examples(per_field, first_at, mentions)
            tagged = [code for code in tagged if code not in examples]
        return [self._counties[code] for code in tagged]

    def _round_up(self, tagged: list[str], mentions: dict[str, int], per_field: list[list[_Hit]]) -> bool:
        """A story of one city or province that runs through ROUND_UP_COUNTIES or more of its
        counties, none named more than twice nor more than the others, and names that city or
        province on its own (武汉
        已启用7座方舱医院: 武昌区、江汉区、洪山区…; 云南省印发…方案): about the city or province,
        no county of it."""
        if len(tagged) < ROUND_UP_COUNTIES or max(mentions[code] for code in tagged) > 2:
            return False
        if mentions[tagged[0]] > max(mentions[code] for code in tagged[1:]):
            return False  # one named more than the rest (孝义市 twice, 汾阳市 and 交城县 once): its story
        provinces = {self._prefecture_province[self._county_prefecture[code]] for code in tagged}
        if len(provinces) != 1:
            return False
        [province] = provinces
        prefectures = {self._county_prefecture[code] for code in tagged}
        for hits in per_field:
            for k, hit in enumerate(hits):
                p = hit.pattern
                if len(p.codes) != 1 or (k + 1 < len(hits) and hits[k + 1].follows):
                    continue  # 武汉市|江汉区: a county's prefix, not the city on its own
                if (p.kind == PROVINCE and p.codes[0] == province) or (p.kind == PREFECTURE and p.codes[0] in prefectures):
                    return True
        return False

    def _provinces_named(self, per_field: list[list[_Hit]], counties: Iterable[str]) -> set[str]:
        """The provinces a story names: in full, through a prefecture, or through its counties."""
        provinces = {self._prefecture_province[self._county_prefecture[code]] for code in counties}
        for hits in per_field:
            for hit in hits:
                p = hit.pattern
                if len(p.codes) != 1:
                    continue
                if p.kind == PROVINCE:
                    provinces.add(p.codes[0])
                elif p.kind == PREFECTURE:
                    provinces.add(self._prefecture_province[p.codes[0]])
        return provinces

    def _prefecture_examples(
        self, per_field: list[list[_Hit]], first_at: dict[str, tuple[int, int]], mentions: dict[str, int]
    ) -> set[str]:
        """Counties named once by their full name, after their prefecture was named on its own
        (信阳市各产茶县区… 在浉河区一处茶园): examples in a prefecture-wide story."""
        standalone: dict[str, tuple[int, int]] = {}  # prefecture -> its first standalone hit
        for index, hits in enumerate(per_field):
            for k, hit in enumerate(hits):
                p = hit.pattern
                followed = k + 1 < len(hits) and hits[k + 1].follows  # 信阳市|浉河区: a prefix
                if p.kind == PREFECTURE and len(p.codes) == 1 and not followed:
                    standalone.setdefault(p.codes[0], (index, hit.start))
        return {
            code
            for code, at in first_at.items()
            if mentions[code] == 1 and standalone.get(self._county_prefecture[code], at) < at
        }

    def _scan(self, text: str) -> list[_Hit]:
        """Non-overlapping gazetteer hits in ``text``: longest first, then leftmost."""
        if not text:
            return []
        compact, shifts = _squeeze(text)
        patterns = self._name_patterns
        # (-length, start, end, pattern): sorted, longest first, then leftmost (no two
        # candidates share a start and a length, so patterns are never compared).
        candidates = [
            (start - end, start, end, patterns[i])
            for i, start, end in self._automaton.find_matches_as_indexes(compact, overlapping=True)
        ]
        if not candidates:
            return []
        candidates.sort()
        taken = bytearray(len(compact))
        chosen = []
        ends: dict[int, _Pattern] = {}  # the hits kept so far, by where they end
        for _, start, end, pattern in candidates:
            if taken.find(1, start, end) != -1:
                continue
            # Checked only now, for hits that would otherwise be kept: segmenting is the
            # expensive part of a scan.  A failed hit leaves its characters to shorter ones.
            if (
                pattern.check_boundary
                and not _on_word_boundaries(compact, start, end)
                and not (
                    pattern.kind == COUNTY
                    and self._before_institution(compact, start, end, pattern, ends.get(start))
                )
                and not self._after_its_prefix(start, end, pattern, ends.get(start))
            ):
                continue
            if pattern.kind == STREET and not _street_ok(compact, start, end):
                continue
            if (
                pattern.kind == COUNTY
                and compact.startswith(_ANCIENT_TOWN.get(compact[start:end], ()), end)
                and ends.get(start) is None
            ):
                continue  # 保护古县城墙: the ancient county town's walls
            if pattern.kind == SHORT and compact.startswith(_MODIFIED_NOUNS, end):
                continue  # 惠农政策, 富民补贴: the short is a word qualifying the noun, no place
            if pattern.kind == SHORT and _names_person(compact, start, end):
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, pattern))
            ends[end] = pattern
        chosen.sort()
        hits = []
        previous_end = -1
        for start, end, pattern in chosen:
            follows = start == previous_end
            previous_end = end
            if shifts is not None:
                start, end = _unsqueeze(shifts, start), _unsqueeze(shifts, end - 1) + 1
            hits.append(_Hit(start, end, pattern, text[start:end], follows))
        return hits

    def _resolve(
        self, fields: list[list[_Hit]], hints: frozenset[str]
    ) -> list[list[tuple[_Hit, str]]]:
        """Give each county hit one county code or drop it; prefecture/province hits go too."""
        full_counties: set[str] = set()  # named by an unambiguous full name
        other_counties: set[str] = set()  # by an unambiguous short name or township
        named_prefectures: set[str] = set()
        named_provinces: set[str] = set()
        for hits in fields:
            for hit in hits:
                p = hit.pattern
                if len(p.codes) != 1 or p.needs_prefix:
                    continue
                if p.kind == COUNTY:
                    full_counties.add(p.codes[0])
                elif p.kind in _COUNTY_KINDS:
                    other_counties.add(p.codes[0])
                elif p.kind == PREFECTURE:
                    named_prefectures.add(p.codes[0])
                else:
                    named_provinces.add(p.codes[0])
        pref_of = self._county_prefecture
        prov_of = self._prefecture_province
        # The provinces a story is set in, from what it names in full and the paper's home: a
        # short name or township from elsewhere (莲池 in 莲池社区, 金凤 in 张金凤) is then a
        # coincidence rather than a trip across the country.
        home = {prov_of[p] for p in named_prefectures | hints if p in prov_of}
        home |= named_provinces | {prov_of[pref_of[c]] for c in full_counties}
        named_counties = full_counties | {
            c for c in other_counties if not home or prov_of[pref_of[c]] in home
        }
        county_prefectures = {pref_of[c] for c in named_counties}
        cascade = (
            lambda c: c in named_counties,
            lambda c: pref_of[c] in named_prefectures,
            lambda c: pref_of[c] in hints,
            lambda c: pref_of[c] in county_prefectures,
            lambda c: prov_of[pref_of[c]] in named_provinces,
        )

        out: list[list[tuple[_Hit, str]]] = []
        for hits in fields:
            resolved: list[tuple[_Hit, str]] = []
            previous: _Hit | None = None
            for hit in hits:
                p = hit.pattern
                adjacent = previous if hit.follows else None
                previous = hit
                if p.kind not in _COUNTY_KINDS:
                    continue
                candidates = list(p.codes)
                prefixed = False
                if adjacent is not None and len(adjacent.pattern.codes) == 1:
                    narrowed = self._narrow_by(adjacent.pattern, candidates)
                    if narrowed:
                        candidates, prefixed = narrowed, True
                if p.needs_prefix and not prefixed:
                    continue
                for keep in cascade:
                    if len(candidates) == 1:
                        break
                    narrowed = [c for c in candidates if keep(c)]
                    if narrowed:
                        candidates = narrowed
                if len(candidates) != 1:
                    continue
                code = candidates[0]
                if p.kind != COUNTY and home and not prefixed and prov_of[pref_of[code]] not in home:
                    continue
                resolved.append((hit, code))
            out.append(resolved)
        return out

    def _before_institution(
        self, text: str, start: int, end: int, county: _Pattern, prefix: _Pattern | None
    ) -> bool:
        """True when the two-character county name ``text[start:end]`` (绛县, 芒市) is off jieba's
        word boundaries only because its 县/市/区 went into the word after it, one of the county's
        institutions (绛|县政府, 祁|县委书记, 吉|县公安局): 绛县 is a word there all the same.

        ``prefix`` is the place named right before it, if any (临汾市|吉县).  Without one, not
        where the name would be part of a person's name (王吉|县委书记); never before 长 after a
        surname (高县长 "County Head Gao"); and 和, 代, 应, 随 read as "and", "acting", "at the
        request of", "with" (市委书记和县委书记, 代县长) unless their own prefecture or province
        comes right before them (安徽和县)."""
        if end - start != 2 or not text.startswith(_GLUED_INSTITUTIONS, end):
            return False
        bounds = _token_bounds(text, start, end)
        if start not in bounds or end - 1 not in bounds:
            return False
        stem = text[start]
        if text.startswith("长", end) and (stem in SURNAMES or stem in _GLUE_STEM_WORDS):
            return False
        if stem in _GLUE_STEM_WORDS:
            return prefix is not None and bool(self._narrow_by(prefix, list(county.codes)))
        if prefix is not None:
            return True
        before = text[start - 1] if start > 0 else ""
        return not (before in SURNAMES and before not in _NOT_NAME_OPENERS)

    def _after_its_prefix(self, start: int, end: int, county: _Pattern, prefix: _Pattern | None) -> bool:
        """True when a three-character county name comes right after its own prefecture or
        province (大连市中山区农业农村局, where jieba reads 中|山区农业): named so, it is the
        county whatever word its characters fall into."""
        return (
            county.kind == COUNTY and end - start == 3 and prefix is not None
            and prefix.kind in (PREFECTURE, PROVINCE) and bool(self._narrow_by(prefix, list(county.codes)))
        )

    def _narrow_by(self, prefix: _Pattern, candidates: list[str]) -> list[str]:
        """The candidates that the division named right before them contains (or is)."""
        codes = prefix.codes
        if prefix.kind in _COUNTY_KINDS:
            return [c for c in candidates if c in codes]
        prefecture = self._county_prefecture
        if prefix.kind == PREFECTURE:
            return [c for c in candidates if prefecture[c] in codes]
        return [c for c in candidates if self._prefecture_province[prefecture[c]] in codes]


def _is_zone(code: str) -> bool:
    """A development zone's code (4101 7 3): not a civil county-level division."""
    return code[4:5] == "7"


def _hint_set(hint_prefectures: Sequence[str] | str) -> frozenset[str]:
    """The hint prefecture codes as a set; a lone code passed as a string counts as one."""
    if isinstance(hint_prefectures, str):
        return frozenset({hint_prefectures})
    return frozenset(hint_prefectures)


def _squeeze(text: str) -> tuple[str, list[int] | None]:
    """``text`` without spaces and tabs (the characters of _SPACES), and how to map its offsets
    back (None: unchanged): the compact offset at which each removed character was, in order."""
    # Four searches for one character each, not _SPACES.search: a regex tries its character class
    # at every position (a fifth of tagging a story went on _SPACES here).
    if " " not in text and "\t" not in text and "\u3000" not in text and "\xa0" not in text:
        return text, None
    pieces = text.replace("\t", " ").replace("\u3000", " ").replace("\xa0", " ").split(" ")
    return "".join(pieces), list(accumulate(map(len, pieces[:-1])))


def _unsqueeze(removed_at: list[int], index: int) -> int:
    """The offset in the original text of compact offset ``index``: past the characters removed
    at or before it."""
    return index + bisect.bisect_right(removed_at, index)


def _token_bounds(text: str, start: int, end: int) -> set[int] | frozenset[int]:
    lo = max(0, start - _BOUNDARY_WINDOW)
    hi = min(len(text), end + _BOUNDARY_WINDOW)
    bounds = _window_bounds(text[lo:hi])
    return bounds if lo == 0 else {lo + b for b in bounds}


@functools.lru_cache(maxsize=8192)
def _window_bounds(window: str) -> frozenset[int]:
    """The offsets in ``window`` at which jieba's tokens begin and end (0 and its length too).

    Kept for repeats: a paper names the same places in the same words (介休市委, 在介休市召开),
    and segmenting is most of what the boundary check costs. jieba's dictionary never changes
    while a process runs, so a window always segments the same way."""
    bounds = [0]
    bounds += accumulate(map(len, _segmenter().cut(window, False)))
    return frozenset(bounds)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when no dictionary word straddles either end of ``text[start:end]``."""
    bounds = _token_bounds(text, start, end)
    return start in bounds and end in bounds


def _names_person(text: str, start: int, end: int) -> bool:
    """True when the short name ``text[start:end]`` is (part of) a person's name: a general's
    (左权将军), or with the surname before it a name the text introduces, addresses or quotes
    (市民李德安, 李德安说, 王安泽先生) — wherever else in the text that name stands."""
    if text.startswith(_PERSON_TITLES, end):
        return True
    if end - start != 2 or start == 0:
        return False
    opener = text[start - 1]
    if opener not in SURNAMES or opener in _NOT_NAME_OPENERS:
        return False
    name = text[start - 1 : end]
    at = text.find(name)
    while at != -1:
        if text.startswith(_NAME_FOLLOWERS, at + len(name)) or text.endswith(_NAME_ROLES, 0, at):
            return True
        at = text.find(name, at + 1)
    return False


def _street_ok(text: str, start: int, end: int) -> bool:
    """A township must start a word (对于城镇 is no 于城镇) and not end inside 乡村/城镇化."""
    if text[end - 1 : end + 1] in _STREET_TAIL_WORDS:
        return False
    return start in _token_bounds(text, start, start)
