"""Read a page into numbered lines and classify each line on its own, without context.

The splitter decides what a line *does* (headline or intertitle, opening or closing byline) from
its neighbours; this module only says what a line *looks like*:

* ``LEAD``      a paragraph opened by a byline lead (`本报讯(记者 韩笑)…`, `晚报讯…`, datelines);
* ``BYLINE``    a byline line of its own (`□ 梁桂连`, `本报特约通讯员 杨建义`, `记者 刘凯华`,
  `本报评论员`, which names nobody);
* ``PAREN``     a parenthesised name group alone on its line (`(刘燕 乔润霞)`);
* ``SOURCE``    a source line (`据《山西日报》`, `《 人民日报 》（ 2025年10月24日 04 版）`);
* ``CREDIT``    a photo credit alone (`记者 张文慧 摄`, `新华社发（周万平 摄）`, `王  成 作`);
* ``CAPTION``   a caption (`…发放爱心餐。王海旋 摄`, `资料图片`, `▲…`);
* ``COLUMN``    a column label (`政务动态`, `经济 资讯`, `简  讯`, `来论`, `聚焦全国两会`);
  (a short word over a headline, `灵山随笔`, `书香`, `天山南北`, is one too: :func:`reads_as_label`);
* ``FURNITURE`` page furniture (dates, page numbers, advertising strips, the staff line
  `编辑：… 美编：… 校对：…`, read before bylines: editors never sign a story);
* ``TITLE``     a short line without sentence punctuation: headline, kicker, intertitle, banner…;
  a numbered intertitle (`一、…`, `（二）…`) too: the number's punctuation is not prose, and so
  is one in lenticular brackets (`【一片茶叶富了一方百姓】`). A signature line ending with a date
  (`县住房和城乡建设局  2025年11月1日`) is not a title;
* ``JUMP``      a jump line (`（下转第2版）`, `（上接第1版）`, `(紧接第1版)`, `【转A4版】`, `（接上版）`);
* ``BODY``      anything else: prose.

``VERSE`` (a poem's line) is never given here: only a line's neighbours show it (the splitter).

Blank lines are not kept as lines; the number of blank lines before each line is (``gap``): a
run of several blank lines marks where the extractor skipped an image.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ingest import bylines, traditional
from ingest.chars import CJK_CHARS, CLAUSE_PUNCT_RE, SENTENCE_END_INSIDE_RE, ends_sentence


class LineKind(StrEnum):
    LEAD = "lead"
    BYLINE = "byline"
    PAREN = "paren"
    SOURCE = "source"
    CREDIT = "credit"
    CAPTION = "caption"
    COLUMN = "column"
    FURNITURE = "furniture"
    TITLE = "title"
    BODY = "body"
    JUMP = "jump"  # `（下转第2版）` / `（上接第1版）`: the story continues on another page
    VERSE = "verse"  # a line of a poem: a paragraph of its own, never joined (set by the splitter)


@dataclass
class Line:
    no: int  # 1-based line number in the source text
    text: str  # stripped text
    gap: int  # blank lines between this line and the previous non-blank line (or page start)
    kind: LineKind = LineKind.BODY
    names: tuple[str, ...] = ()  # byline / credit names when the kind carries them


# Longest title we accept: long official headlines reach ~40 characters
# (`吕梁市与新疆生产建设兵团第六师五家渠市党政代表团举行对口支援工作座谈会` is 37).
MAX_TITLE_CHARS = 48
_SPACE_RE = re.compile(r"\s+")

# Column labels: words that name a recurring page section rather than a story. The patterns and
# word lists of this module are written in simplified characters and also read in traditional
# ones (`政務動態`, `責任編輯：…`, `（下轉第8版）`: ``ingest.traditional``).
_COLUMN_SUFFIX_RE = re.compile(traditional.pattern(
    r"(?:动态|资讯|论坛|见闻|快讯|要闻|简讯|播报|速递|短波|时评|视点|纵横|广角|扫描|集锦|传真|杂谈|走笔|"
    r"新语|视窗|之窗|万象|短评|漫谈|笔谈|众议|连线|观察|图片新闻|图片故事|图说|一线|专栏|特稿|速览|短讯|"
    r"快报|一览|快评|锐评|热评|微评|来论|社论)$"
))
# (公告, 通告 and 启事 are not labels: they are the headline of the notice under them.)
_COLUMN_EXACT = frozenset(traditional.spellings(*
    "新闻 聚焦 关注 评论 热点 专题 综合 社会 经济 文化 体育 民生 副刊 言论 人物 现场 国内 国际 "
    "本地 地方 时政 法治 教育 健康 科技 农业 乡村振兴 党建 理论 读书 文艺 旅游 生活 财经 广告 "
    "来论 社论 评论员文章 本报评论员文章 观点 论苑 时评".split()
))
# `聚焦全国两会`, `聚焦高质量发展`: a campaign column over the stories of a page.
_COLUMN_PREFIX_RE = re.compile(r"聚焦[\u4e00-\u9fff]{2,6}$")
MAX_PREFIX_COLUMN_CHARS = 8
# Kickers are very often a place or an organisation: the line ends with an administrative suffix.
_PLACE_RE = re.compile(traditional.pattern(
    rf"[{CJK_CHARS}]{{1,24}}(?:省|市|县|区|镇|乡|村|街道|社区|局|委|办|厅|院|所|站|队|部|中心|公司|集团|"
    r"学校|中学|小学|大学|医院|银行|党委|党支部|党总支|政府|旗|州|盟|园区|开发区|管委会|示范区)"
))
# Jump lines: the story is continued on (下转, 转, 转至) or from (上接, 紧接, 接, 续) another page,
# named by number (`第4版`, `A2版`, `4版`) or as the page before or after (`接上版`, `转下页`).
_JUMP_FROM_WORDS = r"(?:上接|紧接|承接|接|续)"
_JUMP_TO_WORDS = r"(?:下转|转至|转到|转)"
_JUMP_PAGE = r"(?:第\s*)?(?:[0-9０-９一二三四五六七八九十A-Za-z]{1,3}|[上下前后]一?)\s*(?:版|页|面)"
JUMP_RE = re.compile(traditional.pattern(
    rf"[(（【〔\[]?\s*(?:{_JUMP_TO_WORDS}|{_JUMP_FROM_WORDS})\s*{_JUMP_PAGE}"
    r"(?:\s*[)）】〕\]])?"
))
# A jump to another page printed at the end of the story's last line: `…有了服务中心，（下转第6版）`.
_TRAILING_JUMP_RE = re.compile(traditional.pattern(rf"[(（【〔\[]\s*{_JUMP_TO_WORDS}\s*{_JUMP_PAGE}\s*[)）】〕\]]\s*$"))
# Numbered intertitles: `一、…`, `（一）…`, `1.…`, `1、…`. The number's punctuation is not prose.
_NUMBERING_RE = re.compile(r"(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}(?:[、．]|\.(?!\d)))")
# A signature line ends with a full date (`县住房和城乡建设局  2025年11月1日`): not a title.
_ENDS_WITH_DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_JUMP_FROM_RE = re.compile(traditional.pattern(rf"[(（【〔\[]?\s*{_JUMP_FROM_WORDS}"))
MAX_PLACE_CHARS = 16
_SLOGAN_START_RE = re.compile(traditional.pattern(
    r"(?:创建|建设|打造|推进|推动|争创|争当|争做|深化|加快|坚持|全力|聚焦|助力|奋力|喜迎|庆祝|学习|贯彻|弘扬|践行|"
    r"共建|共创|实施|构建|服务|扎实|持续|全面|强化|提升|做好|建好|办好|走好|守护|美丽|和谐|文明|平安|幸福|抓|"
    r"走进|走近)"
))
# Page furniture: dates, page numbers, editorial staff and contact lines.
_FURNITURE_RE = re.compile(traditional.pattern(
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,12}(?:星期|周)[一二三四五六日天]"
    r"|(?:星期|周)[一二三四五六日天].{0,4}$"
    r"|^第?\s*[0-9０-９一二三四五六七八九十]{1,3}\s*版(?:\s|$|[:：])"
    r"|^[A-Z]?\d{1,2}$"
    r"|^[-－—–]\s*[0-9０-９]{1,3}\s*[-－—–]$"  # a page number between dashes: `- 3 -`, `－3－`
    r"|责任编辑|责编|^(?:本版)?编辑\s*[:：/]|美编|校对\s*[:：/]|版式\s*[:：/]|组版|排版\s*[:：/]|审[读校稿]\s*[:：/]"
    r"|^(?:新闻)?热线|^电话\s*[:：]|^投稿|邮箱\s*[:：]|^E-?mail|^网址\s*[:：]|^邮编|^地址\s*[:：]"
    # advertising strips and the paper's own notices
    r"|广告部|广告热线|欢迎垂询|欢迎来电|广告经营许可证|承接各类)"),
    re.IGNORECASE,
)


# The page's staff line (`编辑：乌 兰 美编：赵 静 校对：刘 媛`, `责编/王 薇 美编/陈 亮`): it opens
# with a production role and a colon or slash. Read before bylines: `编辑` is a role word there too,
# but an editor, designer or proofreader never signs a story.
_STAFF_LINE_RE = re.compile(traditional.pattern(
    r"[(（]?\s*(?:本版)?(?:责任编辑|责编|编辑|美编|美术编辑|校对|审读|审校|版式|版式设计|组版|排版|制版|值班编辑)\s*[:：/／]"
))


def read_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` with their 1-based numbers and the blank gap before them."""
    out: list[Line] = []
    gap = 0
    for no, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            gap += 1
            continue
        out.append(Line(no=no, text=stripped, gap=gap))
        gap = 0
    return out


def compact(text: str) -> str:
    """The text without whitespace, for length and lexicon tests."""
    # str.split() and the regex's \s are the same test (Py_UNICODE_ISSPACE); split is not a regex
    # scan (tests/test_splitter_speed_paths.py holds the two equal)
    return "".join(text.split())


def is_slogan(text: str) -> bool:
    """A campaign slogan opens with a verb of effort: `创建新时代…示范区`, `抓党建促…`."""
    return _SLOGAN_START_RE.match(text) is not None


def is_jump_from(text: str) -> bool:
    """A jump line saying the story comes from another page (`（上接第1版）`)."""
    return _JUMP_FROM_RE.match(text) is not None


def is_column_label(text: str) -> bool:
    """`政务动态`, `经济 资讯`, `简  讯`, `贯彻全会精神 一线见闻`, `聚焦全国两会`: a short section name."""
    if len(text) > 24:
        return False
    core = compact(text)
    if not 2 <= len(core) <= 12 or CLAUSE_PUNCT_RE.search(core):
        return False
    if core in _COLUMN_EXACT:
        return True
    if len(core) <= MAX_PREFIX_COLUMN_CHARS and _COLUMN_PREFIX_RE.match(core):
        return True
    parts = text.split()
    # a letter-spaced label (`简  讯`: stray spaces of a narrow column) is read without its spaces
    last_part = core if all(len(p) == 1 for p in parts) else parts[-1]
    # a two-part label (`经济 资讯`) is still a label when its last part is
    return bool(_COLUMN_SUFFIX_RE.search(last_part)) and (len(core) <= 6 or " " in text.strip())


# Words that end the name of a recurring column but rarely a headline (`灵山随笔`, `以案说法`,
# `书香`, `法治视点`). On its own such a line may still be an intertitle (`法官说法` over prose);
# right above a headline that opens a story it is the story's column label.
_LABEL_SUFFIX_RE = re.compile(traditional.pattern(
    r"(?:随笔|说法|书香|视点|观察|时评|速览|动态|资讯|之窗|专栏|札记|手记|杂记|漫笔|随想|随感|书评|影评|茶座|夜话|"
    r"闲话|讲堂|释法|普法|文苑|诗苑|诗页|书屋|书架|悦读|品读|荐书|纪事|见闻|走笔|写真|剪影|掠影|心语|絮语|视窗)$"
))
MAX_LABEL_CHARS = 6
CJK_WORD_RE = re.compile(f"[{CJK_CHARS}]+")


def reads_as_label(text: str, is_place_name: Callable[[str], bool]) -> bool:
    """A short line right above a headline: a column label, unless it names a place or is a
    slogan (a kicker). Up to six characters, one word: `书香`, `灵山随笔`, `天山南北`,
    `一把手谈发展`; a slogan is a label only with a label's ending (`聚焦…视点`).

    ``is_place_name`` answers for names without an administrative suffix (`北京`, `荔湾`)."""
    core = compact(text)
    if len(core) > MAX_LABEL_CHARS or CLAUSE_PUNCT_RE.search(core) or not CJK_WORD_RE.fullmatch(core):
        return False
    if is_place(core) or is_place_name(core):
        return False
    # a kicker is a phrase that leads into the headline, mostly longer (`家门口的“小事”也是大事`)
    # or a slogan (`喜迎…`); a bare word of up to six characters naming no place is the
    # column (`天山南北`, `一把手谈发展`)
    return not is_slogan(core) or _LABEL_SUFFIX_RE.search(core) is not None



def is_place(text: str) -> bool:
    """A kicker naming a place or organisation: `兴县`, `市交通运输局`, `介休市北坛街道安康路社区`.

    A slogan can end like a place (`创建…示范区`, `建设美丽乡村`) but opens with a verb, and a
    name has no `的`: both are excluded.
    """
    if len(text) > MAX_PLACE_CHARS or _PLACE_RE.fullmatch(text) is None:
        return False
    return _SLOGAN_START_RE.match(text) is None and "的" not in text


# A notice is headed by what it is: `公告`, `通  告`, `启事`. Such a headline starts a story.
_NOTICE_WORDS = frozenset(traditional.spellings(*"公告 通告 启事 声明 公示 告示 通知 讣告 更正".split()))
_NOTICE_ENDINGS = traditional.spellings("公告", "通告", "启事", "公示")


def is_notice_title(text: str) -> bool:
    """`公   告`, `通告`, `招聘启事`: the headline of a notice, whatever is above it."""
    core = compact(text)
    return core in _NOTICE_WORDS or (len(core) <= 8 and core.endswith(_NOTICE_ENDINGS))


def numbering(text: str) -> int:
    """Length of a leading intertitle number (`一、`, `（二）`, `3.`), 0 when none."""
    m = _NUMBERING_RE.match(text)
    return m.end() if m is not None else 0


def split_trailing_jump(text: str) -> tuple[str, str] | None:
    """Cut `…有了服务中心，（下转第6版）` into the prose and the jump; None when none ends it."""
    if not text or text[-1] not in ")）】]":
        return None
    m = _TRAILING_JUMP_RE.search(text, max(0, len(text) - 20))
    if m is None or m.start() == 0:
        return None
    return text[: m.start()].rstrip(), m.group().strip()


_HAN_CHAR_RE = re.compile("[\u4e00-\u9fff]")


def is_title_like(text: str) -> bool:
    """A short line without sentence punctuation: a candidate headline, kicker or intertitle."""
    if len(text) > MAX_TITLE_CHARS * 2:
        return False
    # a numbered intertitle (`一、老旧管网改造提前完工`): the number's `、` is not prose
    text = text[numbering(text) :].lstrip() or text
    if _ENDS_WITH_DATE_RE.search(text):
        return False
    # prose has clause punctuation before its last character: reject it before any copying
    if CLAUSE_PUNCT_RE.search(text, 0, len(text) - 1):
        return False
    core = compact(text)
    if not 2 <= len(core) <= MAX_TITLE_CHARS:
        return False
    # a dash opens a subheadline (`——来自兴县的调查报告`); dash lead-ins of prose carry
    # punctuation and are rejected below
    if core.startswith("…") or core[0] in "，,。、；;：:”’」』）)】》":
        return False
    # an intertitle set in lenticular brackets (`【一片茶叶富了一方百姓】`) is read by its words
    if core[0] == "【" and core[-1] == "】" and len(core) > 2:
        return "【" not in core[1:-1] and is_title_like(core[1:-1])
    # a line wrapped in other brackets is a note (`（本报综合）`), not a title
    if core[0] in "(（[" and core[-1] in ")）]":
        return False
    # titles may end with ！ or ？ but have no clause punctuation inside
    body = core[:-1] if core[-1] in "！？!?" else core
    if CLAUSE_PUNCT_RE.search(body) or SENTENCE_END_INSIDE_RE.search(body):
        return False
    if core[-1] in "！？!?" and (len(core) > 24 or "：" in core or ":" in core):
        return False  # `记者：下一步有什么打算？` is an interview question, not a title
    # a title is mostly Chinese: pure numbers or Latin words are furniture or fragments
    return len(_HAN_CHAR_RE.findall(core)) * 2 >= len(core)  # a char at a time, in C


MAX_PROMOTED_TITLE_CHARS = 60


def may_be_title(text: str) -> bool:
    """A short line that would be a title if its position says so: no sentence inside or at its
    end, commas allowed (`稳增长，促发展`)."""
    core = compact(text)
    if not 2 <= len(core) <= MAX_PROMOTED_TITLE_CHARS or SENTENCE_END_INSIDE_RE.search(core):
        return False
    if ends_sentence(core) or core[-1] in "，,、" or core[0] in "，,。、；;：:”’」』）)】》…":
        return False
    return True


def classify(line: Line) -> Line:
    """Set ``line.kind`` (and ``line.names``) from the line's own text."""
    text = line.text
    if len(text) <= 20 and JUMP_RE.fullmatch(text):
        line.kind = LineKind.JUMP
        return line
    if bylines.parse_lead(text) is not None:
        line.kind = LineKind.LEAD
        return line
    if len(text) <= 60 and _STAFF_LINE_RE.match(text):
        line.kind = LineKind.FURNITURE  # before bylines: `编辑` is a role word there too
        return line
    credit = bylines.parse_credit_line(text)
    if credit is not None:
        line.kind, line.names = LineKind.CREDIT, tuple(credit)
        return line
    paren = bylines.parse_paren_byline(text)
    if paren is not None:
        line.kind, line.names = LineKind.PAREN, tuple(paren)
        return line
    if bylines.parse_source_line(text) is not None:
        line.kind = LineKind.SOURCE
        return line
    standalone = None if compact(text) in _COLUMN_EXACT else bylines.parse_standalone_byline(text)
    if standalone is not None:
        line.kind, line.names = LineKind.BYLINE, tuple(standalone)
        return line
    if bylines.split_caption(text) is not None:
        line.kind = LineKind.CAPTION
        return line
    if len(text) <= 60 and _FURNITURE_RE.search(text):
        line.kind = LineKind.FURNITURE
        return line
    if is_column_label(text):
        line.kind = LineKind.COLUMN
        return line
    if is_title_like(text):
        line.kind = LineKind.TITLE
        return line
    line.kind = LineKind.BODY
    return line


def classify_page(text: str) -> list[Line]:
    """Read and classify every non-blank line of a page."""
    return [classify(line) for line in read_lines(text)]
