"""The splitter's fixed words as pages print them in traditional characters.

Some pages are printed, or come out of extraction, in traditional characters: `本報訊（記者 張三）`,
`□記者 李四`, `（通訊員 王五）`, `陳六 攝`, `本報北京2月25日電（記者徐雋）`, `政務動態`,
`（下轉第8版）`, `責任編輯：…`. The rules that know a line by its words (``ingest.bylines``,
``ingest.names``, ``ingest.lines``, ``ingest.titles``, ``ingest.assemble``, and the features of the
learned labeller, ``ingest.features``) are written in simplified characters; this module is the
one place that says which of their characters have another form in traditional print, and widens
their patterns and word lists with it:

* :func:`pattern`: a regex source whose every character of the table also matches its traditional
  form (`记者` → `[记記][者]`, `[电讯]` → `[电讯電訊]`), so any mix of the two is read alike;
* :func:`spellings`: every way a word may be printed (`供图` → `供图 供圖`, `记者` → `记者 記者`),
  for word lists and ``startswith``/``endswith`` tests;
* :func:`fold`: the table's traditional forms read back as simplified, for the words at a line's
  edges that the learned labeller weighs (`本報` as `本报`): its model was trained on simplified
  pages and is not trained again.

Text is never converted: names are kept as printed (`張三`). On text without any of the table's
traditional characters everything reads exactly as before (the labeller's features too).

The table is written out by hand, character by character: the characters of the rules' fixed
words (bylines, credits, sources, column labels, furniture, jump lines, kickers, slogans), and
the surnames of ``ingest.names.SURNAMES`` whose traditional form differs (a surname
keeps its form where the simplified character is also the traditional surname: 于 余 沈 范 谷 周
朱 胡 梁 …; a general converter would turn them into 於 餘 瀋 範 穀 …, which are other surnames or
no surname at all).
"""

from __future__ import annotations

import re
from itertools import product

# simplified character, then its traditional form(s): `钟鍾鐘`
_ROLE_CHARS = (
    # role words, ranks and outlets: 记者 通讯员 实习生 见习记者 特约 评论员 编辑 撰稿 报道员
    # 融媒体 全媒体 资深 主笔 驻 本报 日报 晚报 都市报 商报 报社 电视台 广播 新华社 光明日报
    # 经济日报 央视 中国日报 新华网 人民网
    "记記 者者 讯訊 员員 实實 习習 见見 约約 评評 论論 编編 辑輯 报報 体體 资資 笔筆 驻駐 "
    "电電 视視 台臺 广廣 华華 经經 济濟 国國 网網 专專 "
    # credits and sources: 摄影 供图 制图 插图 漫画 绘图 作/绘 资料图片 网络图片 图片来源 人民视觉
    # 视觉中国 新华社发 东方IC 据 来源 转自 选自 综合 报导 采写 微信公众号 客户端 数据
    "摄攝 图圖 制製 画畫 绘繪 觉覺 络絡 发發 东東 据據 来來 转轉 选選 综綜 导導 采採 写寫 "
    "众眾 号號 户戶 数數 "
    # `据` not followed by 悉 了解 介绍 统计 报道 称 说; end notes: 执笔 作者为 作者系 作者单位
    # 日电; words that are never names: 发自 采访 专栏 观察 待续 续完; staff lines: 责任编辑 美术编辑
    "绍紹 统統 计計 称稱 说說 执執 为為 系係 单單 访訪 栏欄 观觀 续續 责責 术術"
)
# The words by which ``ingest.lines`` (and the labeller's features, ``ingest.features``) know a
# line's kind without reading it as prose:
_LINE_CHARS = (
    # column labels: 动态 资讯 论坛 见闻 速递 视点 热点 纵横 扫描 集锦 传真 杂谈 新语 众议 连线
    # 速览 一览 锐评 热评 专题 社会 现场 国内 国际 农业 乡村振兴 读书 文艺 财经; labels over a
    # headline: 随笔 说法 书香 夜话 闲话 讲堂 释法 诗苑 诗页 悦读 荐书 心语
    "动動 态態 坛壇 递遞 点點 纵縱 横橫 扫掃 锦錦 传傳 杂雜 语語 议議 线線 览覽 锐銳 热熱 题題 "
    "会會 现現 场場 内內 际際 业業 乡鄉 兴興 读讀 书書 艺藝 财財 随隨 话話 闲閒閑 讲講 释釋 诗詩 "
    "页頁 悦悅 荐薦 "
    # page furniture and staff lines: 校对 组版 审读 热线 电话 邮箱 邮编 广告经营许可证 欢迎垂询
    # 承接各类 版式设计; notices: 启事 声明 讣告; jump lines: 紧接 下转第8版 转下页
    "对對 组組 审審 邮郵 欢歡 询詢 营營 证證 类類 设設 启啟啓 声聲 讣訃 紧緊 "
    # kickers naming a place or an organisation: 县 镇 乡 办 厅 队 集团 学校 医院 党总支 园区
    # 开发区 管委会; landmarks: 峡谷 风景区 湿地 水库 自贸区; provinces named without their
    # suffix (``ingest.titles``): 辽宁 陕西 贵州 甘肃 台湾
    "县縣 镇鎮 办辦 厅廳 队隊 团團 学學 医醫 总總 园園 开開 峡峽 风風 湿濕 库庫 贸貿 "
    "辽遼 陕陝 贵貴 肃肅 湾灣 "
    # slogans: 创建 建设 推进 推动 争创 争当 坚持 奋力 庆祝 学习 贯彻 践行 构建 服务 扎实 守护
    # 美丽 和谐
    "创創 进進 争爭 当當 坚堅 奋奮 庆慶 贯貫 彻徹 践踐 构構 务務 扎紮 护護 丽麗 谐諧"
    # (not 后 → 後, 范 → 範 or 游 → 遊: 后 范 游 are also surnames printed so in traditional
    # text; `转后一版`, `示范区` and `旅游` are read in simplified print only)
)
_SURNAME_CHARS = (
    "张張 刘劉 陈陳 杨楊 黄黃 赵趙 吴吳 孙孫 马馬 罗羅 郑鄭 谢謝 许許 韩韓 冯馮 邓鄧 蒋蔣 叶葉 "
    "苏蘇 吕呂 卢盧 钟鍾鐘 谭譚 陆陸 贾賈 韦韋 邹鄒 闫閆 阎閻 龙龍 贺賀 顾顧 龚龔 万萬 钱錢 严嚴 "
    "汤湯 温溫 齐齊 乔喬 庞龐 颜顏 庄莊 聂聶 鲁魯 欧歐 关關 兰蘭 宁寧 纪紀 毕畢 骆駱 蓝藍 鲍鮑 "
    "饶饒 阳陽 时時 农農 缪繆 简簡 车車 项項 连連 芦蘆 麦麥 娄婁 窦竇 党黨 宫宮 费費 卫衛 应應 "
    "闵閔 邬鄔 边邊 师師 栾欒 荣榮 丛叢 巩鞏 迟遲 邝鄺 谈談 荆荊 乐樂 储儲 劳勞 谌諶 蔺藺 楼樓 "
    "盘盤 满滿 闻聞 厉厲 区區 阚闞 权權 强強 帅帥 盖蓋 练練 晋晉 门門 阙闕 乌烏 况況 鲜鮮 诸諸 "
    "战戰 银銀 宾賓 阴陰 尧堯 闭閉 扬揚 郦酈 苍蒼 双雙 贡貢 却卻 寿壽 郏郟 别別 鱼魚 终終 禄祿 "
    "殴毆 厍厙 养養 须須 红紅 缑緱 归歸 钦欽 赏賞 谯譙 爱愛 长長 轩軒 辕轅 独獨 云雲 丰豐"
)


def _table(*groups: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        for entry in group.split():
            simplified, forms = entry[0], entry[1:]
            merged = table.get(simplified, "")
            table[simplified] = merged + "".join(f for f in forms if f != simplified and f not in merged)
    return {s: forms for s, forms in table.items() if forms}


# simplified character → its traditional form(s), e.g. 记 → 記, 钟 → 鍾鐘
TRADITIONAL: dict[str, str] = _table(_ROLE_CHARS, _LINE_CHARS, _SURNAME_CHARS)


def _class_end(src: str, start: int) -> int:
    """The index of the `]` closing the character class opened at ``src[start]``."""
    k = start + 1
    if k < len(src) and src[k] == "^":
        k += 1
    if k < len(src) and src[k] == "]":
        k += 1  # a `]` first in a class is a literal
    while k < len(src):
        if src[k] == "\\":
            k += 2
            continue
        if src[k] == "]":
            return k
        k += 1
    raise ValueError(f"unclosed character class in {src!r}")


def _widen_class(body: str) -> str:
    """A class's contents with the traditional forms of its characters added at its end."""
    added = ""
    k = 0
    while k < len(body):
        ch = body[k]
        if ch == "\\":
            k += 2
            continue
        forms = TRADITIONAL.get(ch)
        if forms:
            if (k > 0 and body[k - 1] == "-") or (k + 1 < len(body) and body[k + 1] == "-"):
                raise ValueError(f"a range ends on {ch!r} in [{body}]: write its characters out")
            added += "".join(f for f in forms if f not in body and f not in added)
        k += 1
    if not added:
        return body
    if body.endswith("-") and not body.endswith("\\-"):
        return body[:-1] + added + "-"
    return body + added


_QUANTIFIERS = "*+?{"
# a group that captures (`(…)`, `(?P<name>…)`): written out twice it would be two groups
_CAPTURING_RE = re.compile(r"(?<!\\)\((?:\?P<|(?!\?))")


def _skip(src: str, k: int) -> int:
    """The index after the atom at ``src[k]`` that is an escape or a class, else ``k + 1``."""
    if src[k] == "\\":
        return k + 2
    if src[k] == "[":
        return _class_end(src, k) + 1
    return k + 1


def _alternative_end(src: str, k: int) -> int:
    """Where the alternative running through ``src[k]`` ends: at the next `|` or `)` of its own
    group, or at the end."""
    depth = 0
    while k < len(src):
        ch = src[k]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return k
            depth -= 1
        elif ch == "|" and depth == 0:
            return k
        k = _skip(src, k)
    return k


def _group_opener(src: str, k: int) -> int:
    """The index after a group's opening: `(`, `(?:`, `(?=`, `(?<!`, `(?P<name>`."""
    if not src.startswith("(?", k):
        return k + 1
    if src.startswith("(?P<", k):
        return src.index(">", k) + 1
    if src.startswith(("(?<=", "(?<!"), k):
        return k + 4
    return k + 3


def pattern(src: str) -> str:
    """``src`` (a regex source written in simplified characters) with each character of the table
    also matching its traditional form(s), in any mix: `通讯员` becomes `通[讯訊][员員]`, `[电讯]`
    becomes `[电讯電訊]`. An alternative that opens with such a character is written once per
    form (`记者` → `记者|記者`), not opened with a class: the regex engine skips alternatives by a
    first literal character quickly, and searches for a set of them (a widened role-word pattern
    opened by classes runs twice as long). On text without the table's traditional characters
    the widened pattern matches exactly what ``src`` matched. A source holding a widened pattern
    already (or any traditional form of the table) is refused: apply it once."""
    if any(ch in _TRADITIONAL_FORMS for ch in src):
        raise ValueError(f"widened already, or written in traditional characters: {src!r}")
    return _widen(src)


_TRADITIONAL_FORMS = frozenset("".join(TRADITIONAL.values()))


def _widen(src: str, opening: bool = True) -> str:
    """pattern() without its check; ``opening``: ``src`` starts an alternative."""
    out: list[str] = []
    k = 0
    while k < len(src):
        ch = src[k]
        if ch == "[":
            end = _class_end(src, k)
            head = "[^" if src.startswith("[^", k) else "["
            out.append(head + _widen_class(src[k + len(head) : end]) + "]")
            k, opening = end + 1, False
            continue
        if ch == "\\":
            out.append(src[k : k + 2])
            k, opening = k + 2, False
            continue
        if ch == "(":
            after = _group_opener(src, k)
            out.append(src[k:after])
            k, opening = after, True
            continue
        if ch == "|":
            out.append(ch)
            k, opening = k + 1, True
            continue
        forms = TRADITIONAL.get(ch)
        if not forms:
            out.append(ch)
            k, opening = k + 1, False
            continue
        end = _alternative_end(src, k + 1)
        rest = src[k + 1 : end]
        if opening and not rest.startswith(tuple(_QUANTIFIERS)) and _CAPTURING_RE.search(rest) is None:
            widened = _widen(rest, opening=False)
            out.append("|".join(form + widened for form in ch + forms))
            k, opening = end, False
            continue
        out.append(f"[{ch}{forms}]")
        k, opening = k + 1, False
    return "".join(out)


# traditional form → its simplified character, e.g. 記 → 记, 鍾 → 钟, 鐘 → 钟
_FOLD = {ord(form): simplified for simplified, forms in TRADITIONAL.items() for form in forms}


def fold(text: str) -> str:
    """``text`` with the table's traditional forms read back as their simplified characters
    (`本報` → `本报`, `攝` → `摄`); every other character as it is. Only for what the learned
    splitter reads of a line's edges (``ingest.features``): a page's text is never converted.
    Text without the table's traditional forms comes back as it is."""
    return text if _TRADITIONAL_FORMS.isdisjoint(text) else text.translate(_FOLD)


def spellings(*words: str) -> tuple[str, ...]:
    """Every way the words may be printed, simplified, traditional or mixed, the words themselves
    first: `spellings("摄影")` → (`摄影`, `攝影`)."""
    out: dict[str, None] = dict.fromkeys(words)
    for word in words:
        choices = [ch + TRADITIONAL.get(ch, "") for ch in word]
        for chars in product(*choices):
            out.setdefault("".join(chars))
    return tuple(out)
