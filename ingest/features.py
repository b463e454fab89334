"""Line features for the learned line labeller (:mod:`ingest.learned`).

A line's label (story start, title, intertitle, body, furniture) depends on the line and on its
neighbours, so each line is described by binary string features (what python-crfsuite takes):

* its own shape: length (bucketed), first and last character class, clause punctuation
  inside, brackets and column tags (`（感言·…⑩）`, and the tag's first characters), dots,
  colons, dashes, spaces, numbering, a question; a short line's first and last two characters;
* today's rules as features: the kind :mod:`ingest.lines` gives it (lead, byline, credit,
  caption, column, furniture, title, body …), place kickers, slogans, datelines, role words;
* where it is: first lines of the page, the blank lines before and after it;
* its neighbours: the same short descriptions of the two lines before and after; for a short
  line, how the text above it ends and the text below it opens;
* the words: how many of a short line's character pairs come back in the paragraphs below it
  (a headline names what its story is about) and above it (a subheading shares its story's);
  whether the paragraph below a short line carries on the text above it (its Chinese character
  pairs found in the six paragraphs above: a subheading's section goes on with its story, a new
  story opens on other things); how much the short line echoes the short lines before it
  (subheadings of one story repeat its words and marks);
* the page's rhythm and style: how far the previous and next short lines are, how much text
  the section above and the section below hold, how many short lines of the page share its
  shape, its length against the page's median short line, whether the page puts a blank line
  between lines, whether its paragraphs are cut at a column width.

Not the words of the line itself (its character pairs): held out by month (trained on the first
half of the corpus, scored on the second) they did not help, and another month's news is about
other things. Pure Python, no Django; one pass over the page, some 20 µs a line.
"""

from __future__ import annotations

import re
from operator import add

from ingest import traditional
from ingest.chars import CLAUSE_PUNCT_RE, SENTENCE_END_INSIDE_RE, cjk_pairs, ends_sentence
from ingest.lines import Line, is_place, is_slogan, numbering

_LEN_BUCKETS = (2, 4, 6, 8, 10, 12, 15, 18, 22, 26, 30, 36, 45, 60, 80, 120, 200)
_TAG_END_RE = re.compile(r"[（(【][^（）()【】]{1,20}[）)】]$")
# datelines and role words in simplified or traditional print (`本報北京2月25日電`, `記者`)
_DATELINE_RE = re.compile(traditional.pattern(r"^(?:本报|据新华社|新华社|人民日报|据)[^，。,]{0,16}(?:电|讯)"))
_ROLE_RE = re.compile(traditional.pattern(r"记者|通讯员|实习生|评论员|特约"))
fold = traditional.fold
_CLOSER_CHARS = "”’」』）)】》\"'"


def _len_bucket(n: int) -> str:
    for b in _LEN_BUCKETS:
        if n <= b:
            return str(b)
    return "big"


# _len_bucket(n) for every n up to the last bucket, looked up (the loop above is the reference)
_LEN_BUCKET_OF = tuple(_len_bucket(n) for n in range(_LEN_BUCKETS[-1] + 1))


_CHAR_CLASS: dict[str, str] = {}  # _char_class of the characters seen so far


def _char_class(ch: str) -> str:
    cls = _CHAR_CLASS.get(ch)
    if cls is None:
        cls = _CHAR_CLASS[ch] = _char_class_of(ch)
    return cls


def _char_class_of(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff":
        return "c"
    if ch.isdigit():
        return "d"
    if ch.isascii() and ch.isalpha():
        return "a"
    return ch  # punctuation and marks stand for themselves (`●`, `“`, `（`, `】`, `▲` …)


MAX_PAIR_CHARS = 80  # a paragraph's opening says what it is about; the rest costs time


def _pairs(text: str) -> set[str]:
    """Adjacent character pairs of a short line."""
    return set(map(add, text, text[1:]))  # text[k : k + 2] for every k


CARRY_CHARS = 60
CARRY_LINES = 6
CARRY_ABOVE_CHARS = 300


def _overlap_bucket(title: set[str], other: str) -> str:
    """How many of a short line's character pairs come back in a window of text (substring
    tests over a short window: no pair set is built for the long lines)."""
    if not title:
        return "na"
    share = sum(map(other.__contains__, title)) / len(title)
    return "0" if share == 0 else "lo" if share < 0.2 else "mid" if share < 0.45 else "hi"


_CLAUSES_F = ("cl=0", "cl=1", "cl=2", "cl=3")
_GAP_F = ("gap=0", "gap=1", "gap=2")
_POS_F = ("pos=0", "pos=1", "pos=2", "pos=3")


def _dist_bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7-12" if n <= 12 else "13+"


def _chars_bucket(n: int) -> str:
    return "0" if n == 0 else "s" if n < 200 else "m" if n < 600 else "l" if n < 1500 else "xl"


def _count_bucket(n: int) -> str:
    return str(n) if n <= 2 else "3+"


def _shape_key(core: str) -> str:
    """What subheadings of one story share: the clause pattern and about the length."""
    commas = "".join("," for ch in core if ch in "，,、 ")
    return commas + str(len(core) // 3)


class _Desc:
    """The short description of one line, shared with its neighbours' features."""

    __slots__ = ("kind", "lenb", "end", "short", "text", "core", "core_len", "own")

    def __init__(self, line: Line) -> None:
        text = line.text
        core = "".join(text.split())  # compact(): whitespace out, without a regex
        n = len(core)
        self.core = core
        self.text = text
        self.core_len = n
        self.kind = line.kind._value_  # .value: the same string through a slow descriptor
        self.lenb = _LEN_BUCKET_OF[n] if n <= 200 else "big"
        last = core[-1] if core else ""
        if not core:
            self.end = "none"
        elif ends_sentence(core):
            self.end = "q" if last in _CLOSER_CHARS else "stop"
        elif last in "，,、":
            self.end = "comma"
        elif last in _CLOSER_CHARS:
            self.end = "close"
        else:
            self.end = "open"
        self.short = n <= 45 and SENTENCE_END_INSIDE_RE.search(core, 0, max(0, n - 1)) is None
        self.own: list[str] = []


def page_features(lines: list[Line]) -> list[list[str]]:
    """Features of every line of one page (lines as :func:`ingest.lines.classify_page` reads
    them, after the splitter's own marks), in order."""
    n = len(lines)
    if n == 0:
        return []
    descs = [_Desc(line) for line in lines]
    gaps = [line.gap for line in lines[1:]]
    blank_style = "gaps" if gaps and sum(1 for g in gaps if g >= 1) * 2 >= len(gaps) else "nogaps"
    long_lens = sorted(d.core_len for d in descs if d.core_len > 45)
    # a page cut at a column width: many long lines of (nearly) one length
    width = long_lens[len(long_lens) // 2] if long_lens else 0
    cut = width and sum(1 for v in long_lens if abs(v - width) <= 2) * 3 >= len(long_lens) and len(long_lens) >= 6
    page = ["page=" + blank_style, "cut=" + ("y" if cut else "n")]
    next_short = [n] * n
    next_long = [n] * n
    ns = nl = n
    for k in range(n - 1, -1, -1):
        next_short[k] = ns
        next_long[k] = nl
        if descs[k].short:
            ns = k
        else:
            nl = k
    shape_count: dict[str, int] = {}
    for d in descs:
        if d.short:
            key = _shape_key(d.core)
            shape_count[key] = shape_count.get(key, 0) + 1
    # text below each line up to the next short line (the size of the section a short line opens)
    chars_to_short = [0] * n
    run = 0
    for k in range(n - 1, -1, -1):
        chars_to_short[k] = run
        run = 0 if descs[k].short else run + descs[k].core_len
    shorts = sorted(d.core_len for d in descs if d.short and d.core_len >= 4)
    median_short = shorts[len(shorts) // 2] if shorts else 0
    last_short = -1
    chars_since_short = 0
    recent_short: list[str] = []
    prev_long: _Desc | None = None

    near = []  # what a neighbour shows of itself (below): built once per line
    carry_memo: dict[tuple[str, str], str] = {}
    for k, (line, d) in enumerate(zip(lines, descs)):
        text = line.text
        core = d.core
        f = d.own
        kind_f, len_f, end_f, kind_end_f = "k=" + d.kind, "len=" + d.lenb, "end=" + d.end, "k|end=" + d.kind + "|" + d.end
        near.append((kind_f, end_f, len_f, "short=y" if d.short else "short=n", kind_end_f))
        f += (kind_f, len_f, end_f, kind_end_f, "k|len=" + d.kind + "|" + d.lenb)
        if core:
            f.append("first=" + _char_class(core[0]))
            f.append("last=" + _char_class(core[-1]))
        clauses = len(CLAUSE_PUNCT_RE.findall(core, 0, 60))
        f.append(_CLAUSES_F[clauses] if clauses < 4 else "cl=4+")
        if d.short:
            f.append("short")
        core_len = d.core_len
        if core_len <= 60 and _TAG_END_RE.search(core):
            f.append("tag_end")
        if "·" in core or "•" in core:
            f.append("dot")
        head = core[:12]
        if "：" in head or ":" in head:
            f.append("colon_head")
        if "——" in core[:3] or core.startswith(("—", "－")):
            f.append("dash_head")
        if core_len <= 45 and " " in text.strip():
            f.append("space_in_short")
        if numbering(text):
            f.append("numbered")
        if core_len <= 16 and is_place(core):
            f.append("place")
        if core_len <= 45 and is_slogan(core):
            f.append("slogan")
        if _DATELINE_RE.match(core):
            f.append("dateline")
        if core_len <= 30 and _ROLE_RE.search(core):
            f.append("role_word")
        if "“" in core[:1] or "”" in core[-2:]:
            f.append("quoted")
        if "？" in core or "?" in core:
            f.append("question")
        gap = line.gap
        f += (_GAP_F[gap] if 0 <= gap < 3 else "gap=" + (str(gap) if gap < 3 else "3+"), _POS_F[k] if k < 4 else "pos=mid" if k < n - 2 else "pos=end", *page)
        if d.short and core:
            # the words at its edges: column tags (`（今日谈）`), openings (`——`, `图为`)
            # (folded: `本報`, `攝` weigh as `本报`, `摄` do; ``traditional.fold``)
            f.append("first2=" + fold(core[:2]))
            f.append("last2=" + fold(core[-2:]))
            tag = _TAG_END_RE.search(core)
            if tag is not None:
                f.append("tag=" + fold(tag.group()[1:-1][:4]))
        if d.short:
            mine = _pairs(core)
            # the words: does the text below carry this line on, and does the text above?
            # A headline names what its story is about; a subheading shares its story's words.
            below: list[str] = []
            j = k + 1
            while j < n and len(below) < 2 and j < k + 8:
                if not descs[j].short:
                    below.append(descs[j].core[:MAX_PAIR_CHARS])
                j += 1
            above: list[str] = []
            i = k - 1
            while i >= 0 and len(above) < 4 and i > k - 10:
                if not descs[i].short:
                    above.append(descs[i].core[:MAX_PAIR_CHARS])
                i -= 1
            ob, oa = _overlap_bucket(mine, "|".join(below)), _overlap_bucket(mine, "|".join(above))
            if below and above:
                # does the paragraph below carry on the text above (a subheading inside a story)
                # or start on other things (a new story)?
                wide: list[str] = []
                i = k - 1
                while i >= 0 and len(wide) < CARRY_LINES and i > k - 16:
                    if not descs[i].short:
                        wide.append(descs[i].core[:CARRY_ABOVE_CHARS])
                    i -= 1
                # the lines of one title block share the paragraph below and the text above
                key = (below[0][:CARRY_CHARS], "|".join(wide))
                carry = carry_memo.get(key)
                if carry is None:
                    carry = carry_memo[key] = _overlap_bucket(cjk_pairs(key[0]), key[1])
                f.append("carry=" + carry)
                f.append("carry|ovn=" + carry + "|" + ob)
            f.append("ov_next=" + ob)
            f.append("ov_prev=" + oa)
            f.append("ov=" + ob + "|" + oa)
            # the page's rhythm: how far the short lines around it are (subheadings of one story
            # come every few paragraphs; a headline follows a story's last paragraph)
            f.append("since_short=" + _dist_bucket(k - last_short) if last_short >= 0 else "since_short=none")
            # how much text the section above holds: a story's last section, or one of many
            f.append("above_chars=" + _chars_bucket(chars_since_short))
            nxt = next_short[k]
            f.append("to_short=" + (_dist_bucket(nxt - k) if nxt < n else "none"))
            f.append("below_chars=" + _chars_bucket(chars_to_short[k]))
            f.append("sec=" + _chars_bucket(chars_since_short) + "|" + _chars_bucket(chars_to_short[k]))
            if median_short:
                r = d.core_len / median_short
                f.append("vsmedian=" + ("lt" if r < 0.75 else "gt" if r > 1.33 else "eq"))
            f.append("siblings=" + _count_bucket(shape_count[_shape_key(core)] - 1))
            if prev_long is not None:
                f.append("prevlong_end=" + prev_long.end + "|" + ("paren" if prev_long.text.endswith(("）", ")")) else "-"))
                f.append("prevlong_k=" + prev_long.kind)
                # how the text above ends: `…说。`, `…（记者 X）`, `…X摄`, `…（据新华社电）`
                f.append("prevlong_last2=" + fold(prev_long.core[-2:]))
            nl = next_long[k]
            if nl < n:
                f.append("nextlong_k=" + descs[nl].kind)
                f.append("nextlong_first=" + _char_class(descs[nl].core[:1] or " "))
                # how the text below opens: `本报…电`, `2月1日，…`, `近日，…`, `记者从…`
                f.append("nextlong_first2=" + fold(descs[nl].core[:2]))
            if recent_short:
                # subheadings of one story echo each other and their headline (words, marks)
                f.append("ov_shorts=" + _overlap_bucket(mine, "|".join(recent_short)))
                prev_first = recent_short[-1][:1]
                if core[:1] == prev_first and not "\u4e00" <= prev_first <= "\u9fff":
                    f.append("same_mark")
            recent_short.append(core)
            if len(recent_short) > 3:
                recent_short.pop(0)
            last_short = k
            chars_since_short = 0
        else:
            prev_long = d
            chars_since_short += d.core_len

    # what a neighbour shows of itself (``near``, built above), prefixed by its offset
    out: list[list[str]] = []
    for k, d in enumerate(descs):
        f = d.own
        if k >= 2:
            o = near[k - 2]
            f += ("-2" + o[0], "-2" + o[1])
        else:
            f.append("-2none")
        if k >= 1:
            o = near[k - 1]
            f += ("-1" + o[0], "-1" + o[1], "-1" + o[2], "-1" + o[3], "-1" + o[4])
        else:
            f.append("-1none")
        if k + 1 < n:
            o = near[k + 1]
            f += ("+1" + o[0], "+1" + o[1], "+1" + o[2], "+1" + o[3], "+1" + o[4])
        else:
            f.append("+1none")
        if k + 2 < n:
            o = near[k + 2]
            f += ("+2" + o[0], "+2" + o[1])
        else:
            f.append("+2none")
        if k > 0:
            p = descs[k - 1]
            f.append("prevend|me=" + p.end + "|" + d.kind + "|" + ("s" if d.short else "l"))
            rel = "longer" if d.core_len > p.core_len else "shorter" if d.core_len < p.core_len else "same"
            f.append("vsprev=" + rel)
        if k + 1 < n:
            q = descs[k + 1]
            f.append("me|next=" + ("s" if d.short else "l") + "|" + q.kind + "|" + ("s" if q.short else "l"))
            f.append("gapnext=" + str(min(lines[k + 1].gap, 3)))
        out.append(f)
    return out
