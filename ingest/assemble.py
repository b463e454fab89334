"""Build a page's articles from the learned line labels (:mod:`ingest.learned`).

The labeller has said where each story starts (``S``), which lines under that start are still
title (``T``), which are subheadings (``I``), which are the story's other lines (``B``) and which
belong to no story (``F``). This module turns that into :class:`ingest.model.Page`, reusing the
rules for what a line *is* (:mod:`ingest.lines` kinds): an opening dateline or byline
(:func:`ingest.bylines.parse_lead`, read on into the next line when a column break cut it
inside its bracketed names), a closing name group or a roll of reporters (an end note,
kept as text), a photo credit and captions, a source, a jump line, the staff line; paragraphs
cut by a column break are joined (:func:`ingest.repair.continues`).

Every line goes to exactly one article or to the furniture, as :func:`ingest.splitter.split_page`
guarantees.
"""

from __future__ import annotations

import re

from ingest import bylines, corpus, traditional
from ingest.chars import ends_sentence
from ingest.lines import Line, LineKind, compact, is_place, split_trailing_jump
from ingest.model import BlockKind, Furniture, FurnitureKind, Page
from ingest.repair import clean_title, continues
from ingest.titles import Title, assign_roles

MAX_TITLE_LINE_CHARS = 80  # a "title" line longer than this is a headless story's first paragraph
MAX_TITLE_LINES = 4
_NEVER_OPENS = (LineKind.FURNITURE, LineKind.SOURCE, LineKind.PAREN)
SURE_START_AFTER_CUT = 0.9  # a less sure story start right after a sentence cut in two is its rest
MIN_CUT_LINE_CHARS = 12


def _cut_mid_sentence(text: str) -> bool:
    """A line ending inside a sentence, as a column break leaves it: a Chinese character or a
    comma last, long enough to be a column's width."""
    core = compact(text)
    if len(core) < MIN_CUT_LINE_CHARS or ends_sentence(core):
        return False
    return "\u4e00" <= core[-1] <= "\u9fff" or core[-1] in "，,、"


MAX_LEAD_REST_CHARS = 12  # where a lead cut by a column break closes its bracket on the next line


def _lead_cut_at_column(lines: list[Line], labels: list[str], k: int, lead: bylines.Lead) -> bylines.Lead | None:
    """The lead of line ``k`` read together with the next line, when a column break cut it
    before its names were closed (`本报北京2月4日电 （记者刘` | `毅）记者今天…`): None otherwise."""
    if k + 1 >= len(lines) or labels[k + 1] != corpus.BODY or lines[k + 1].gap > 1:
        return None
    text, nxt = lines[k].text, lines[k + 1].text
    opened = max(text.rfind("（"), text.rfind("("))
    unclosed = opened >= 0 and max(text.rfind("）"), text.rfind(")")) < opened
    bare = not lead.names and not lead.rest and nxt.lstrip().startswith(("（", "("))
    if not (unclosed or bare) or lines[k + 1].kind not in (LineKind.BODY, LineKind.PAREN, LineKind.TITLE):
        return None
    closing = max(nxt.find("）", 0, MAX_LEAD_REST_CHARS + (8 if bare else 0)), nxt.find(")", 0, MAX_LEAD_REST_CHARS + (8 if bare else 0)))
    if closing < 0:
        return None
    whole = bylines.parse_lead(text + nxt.strip() if unclosed else text + " " + nxt.strip())
    return whole if whole is not None and whole.names else None


MAX_CUT_LEAD_CHARS = 24  # the piece of a dateline left on the line above its names


def _lead_cut_before_names(lines: list[Line], labels: list[str], k: int) -> bylines.Lead | None:
    """The lead that line ``k`` opens when read together with the next line, where a column
    break cut it before its names (`本报北京3月2日` | `电 （记者王小明）记者从…`): None otherwise."""
    if k + 1 >= len(lines) or labels[k + 1] != corpus.BODY or lines[k + 1].gap > 1:
        return None
    text = lines[k].text.strip()
    if len(compact(text)) > MAX_CUT_LEAD_CHARS or not text.startswith(_LEAD_OPENINGS):
        return None
    lead = bylines.parse_lead(text + lines[k + 1].text.strip())
    if lead is None or not lead.names or len(lead.text) <= len(text):
        return None
    return lead


# in simplified or traditional print (`本報`, `據`, `記者`: ``ingest.traditional``)
_LEAD_OPENINGS = traditional.spellings("本报", "新华社", "人民日报", "据", "中新社", "记者")


def build_page(lines: list[Line], labels: list[str], confidence: list[float] | None = None) -> Page:
    """Articles and furniture of a page from its lines and their labels (same length), and the
    labeller's confidence in each label."""
    # the splitter's own draft and finishing (imported here: the splitter imports this module)
    from ingest.splitter import _Draft, _finish, _Para

    if confidence is None:
        confidence = [1.0] * len(labels)

    drafts: list[_Draft] = []
    furniture: list[Furniture] = []
    cur: _Draft | None = None
    titles: list[Line] = []  # title lines of the current story, not yet read into its title
    pending_section: tuple[str, int] | None = None

    def close_title() -> None:
        nonlocal titles
        if cur is None or not titles:
            titles = []
            return
        texts: list[str] = []
        for t in titles:  # a title line the extraction broke in two is one line again
            if texts and broken_title(texts[-1], t.text):
                texts[-1] = join_title_lines(texts[-1], t.text)
            else:
                texts.append(t.text)
        if len(texts) == 1:
            cur.title = Title(headline=clean_title(texts[0]))
        elif len(texts) == 2 and _kicker_over(texts[0]):
            # a line ending in a dash or a colon points at the headline under it: a kicker
            cur.title = Title(kicker=clean_title(texts[0]), headline=clean_title(texts[1]))
        else:
            cur.title = assign_roles(texts[-3:])
            if len(texts) > 3:  # more title lines than roles: the first ones are a kicker
                cur.title.kicker = " ".join(clean_title(t) for t in texts[:-2])
        titles = []

    def new_story() -> _Draft:
        nonlocal cur, pending_section
        close_title()
        draft = _Draft()
        if pending_section is not None:
            draft.section, no = pending_section
            draft.lines.add(no)
            pending_section = None
        drafts.append(draft)
        cur = draft
        return draft

    def add_text(draft: _Draft, text: str, no: int) -> None:
        jump = split_trailing_jump(text)
        if jump is not None:
            text = jump[0]
        if text:
            last = draft.blocks[-1][1] if draft.blocks and draft.joinable else None
            if last is not None and continues(last.parts[-1], text):
                last.parts.append(text)
                last.lines.append(no)
            else:
                draft.blocks.append((BlockKind.PARAGRAPH, _Para([text], [no])))
            draft.joinable = True
        if jump is not None:
            draft.blocks.append((BlockKind.JUMP, _Para([jump[1]], [no])))
            draft.joinable = False

    joined_to_lead: set[int] = set()  # lines read as the rest of a lead cut by a column break
    for k, (line, label, sure) in enumerate(zip(lines, labels, confidence)):
        if k in joined_to_lead:
            assert cur is not None
            cur.lines.add(line.no)
            continue
        kind = line.kind
        prev_kind = lines[k - 1].kind if k else None
        if label == corpus.FURNITURE or kind == LineKind.FURNITURE and cur is None:
            if kind == LineKind.COLUMN and pending_section is None and label == corpus.FURNITURE:
                pending_section = (line.text, line.no)
            else:
                top = not drafts
                furniture.append(Furniture(line.no, FurnitureKind.BANNER if top else FurnitureKind.OTHER, line.text))
            continue
        if label in (corpus.START, corpus.TITLE) and cur is not None and kind in _NEVER_OPENS:
            # a staff line, a source, a closing name group or a jump onward ends a story
            label = corpus.BODY
        if (
            label != corpus.BODY
            and (label != corpus.START or sure < SURE_START_AFTER_CUT)
            and cur is not None
            and cur.joinable
            and prev_kind == LineKind.BODY
            and _cut_mid_sentence(cur.blocks[-1][1].parts[-1])
            and kind in (LineKind.TITLE, LineKind.BODY)
        ):
            # the paragraph above is cut in mid-sentence (a column break): this short line is
            # its rest, whatever it looks like
            label = corpus.BODY
        starts = label == corpus.START or cur is None
        if starts:
            draft = new_story()
        else:
            draft = cur
        assert draft is not None
        draft.lines.add(line.no)
        title_kind = kind in (LineKind.TITLE, LineKind.COLUMN, LineKind.BODY, LineKind.VERSE)
        if (
            (label == corpus.START or label == corpus.TITLE)
            and title_kind
            and not draft.has_body
            and not draft.byline_pieces
            and len(titles) < MAX_TITLE_LINES
            and len(compact(line.text)) <= MAX_TITLE_LINE_CHARS
        ):
            titles.append(line)
            continue
        close_title()
        if label == corpus.INTERTITLE and title_kind and draft.has_body:
            draft.blocks.append((BlockKind.INTERTITLE, _Para([line.text], [line.no])))
            draft.joinable = False
        elif (
            kind in (LineKind.TITLE, LineKind.BODY)
            and not draft.has_body
            and not draft.byline_pieces
            and (cut := _lead_cut_before_names(lines, labels, k)) is not None
        ):
            # a dateline a column break cut before its names (`本报北京3月2日` | `电 （记者…）…`)
            joined_to_lead.add(k + 1)
            draft.joinable = False
            draft.byline_pieces.append(cut.text)
            draft.add_names(cut.names)
            if cut.rest:
                add_text(draft, cut.rest, line.no)
        elif kind == LineKind.LEAD and not draft.has_body:  # a later dateline is a brief's text
            lead = bylines.parse_lead(line.text)
            assert lead is not None
            whole = _lead_cut_at_column(lines, labels, k, lead)
            if whole is not None:
                lead = whole
                joined_to_lead.add(k + 1)
            draft.joinable = False
            if lead.names:
                draft.byline_pieces.append(lead.text)
                draft.add_names(lead.names)
                rest = lead.rest
            else:
                rest = line.text  # a lead naming nobody (`新华社北京1月31日电`) reads as text
            if rest:
                add_text(draft, rest, line.no)
        elif kind == LineKind.BYLINE and not draft.has_body:
            draft.byline_pieces.append(line.text)
            draft.add_names(line.names)
        else:
            # closing names, end notes, credits, captions, sources, staff lines inside a story:
            # all part of its running text as printed (the reader sees them where they stand)
            if kind == LineKind.JUMP and not draft.has_body:
                draft.continued = True
            add_text(draft, line.text, line.no)
    close_title()
    if pending_section is not None:
        furniture.append(Furniture(pending_section[1], FurnitureKind.COLUMN, pending_section[0]))
    articles = [_finish(d) for d in drafts if d.lines]
    return Page(articles=articles, furniture=sorted(furniture, key=lambda f: f.line))


# -- title lines the labeller reads apart --------------------------------------------------------

MAX_TITLE_PIECE_CHARS = 30  # a headline broken over two lines: each piece at most this long
MAX_KICKER_HEADLINE_CHARS = 45  # the headline under a kicker that ends with a dash or a colon
_NEVER_OPENS_TITLE = "，,、。；;：:”’」』）)】》…！？!?"
_NEVER_ENDS_TITLE = frozenset("的和与及在把对向从将被让为")  # as a word of their own
_TITLE_KINDS = (LineKind.TITLE, LineKind.BODY, LineKind.COLUMN, LineKind.VERSE)
_TAG_END_RE = re.compile(r"[（(【][^（）()【】]{1,24}[）)】]$")
# a line that is only a photo credit: names and `摄`/`摄影报道`/`供图` (and the agency in
# brackets), or an agency's name alone
_PHOTO_CREDIT_RE = re.compile(traditional.pattern(
    r"^(?:[^，。！？：；“”《》]{1,24}(?:摄影报道|摄|供图|制图)(?:[（(][^（）()]{1,10}[）)])?"
    r"|人民视觉|视觉中国|新华社发|资料图片|影像中国)$"
))
_CREDIT_WORDS_RE = re.compile(traditional.pattern(r"记者|通讯员|摄|供图|制图|编辑|整理|讲述|[图文]$"))
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("‘", "’"), ("「", "」"))


def _words(text: str) -> list[tuple[str, int, int]]:
    """Dictionary words of ``text`` (rjieba, no HMM: only words it knows), with their spans;
    [] without rjieba."""
    try:
        import rjieba
    except ImportError:  # pragma: no cover - a dependency of the archive
        return []
    return rjieba.tokenize(text, mode="default", hmm=False)


def broken_title(first: str, second: str) -> bool:
    """Whether two short lines are one title line broken by the extraction (`山区小学用上新科` |
    `技教室（基层见闻）`): the second opens with a mark no line opens with, a quotation or bracket
    opened on the first closes on the second, a word runs across the break, or the first ends
    on a word no title ends with (`的`, `在`). Neither a kicker that ends with a dash or a colon
    nor a subheadline opened by a dash is the rest of the line above it."""
    a, b = compact(first), compact(second)
    if not a or not b or len(a) > MAX_TITLE_PIECE_CHARS or len(b) > MAX_TITLE_PIECE_CHARS:
        return False
    if _CREDIT_WORDS_RE.search(a) or _CREDIT_WORDS_RE.search(b):
        return False  # a photo credit or a reporter's line next to a title (`王 明摄 本报记者 X文`)
    if a.endswith(("——", "：", ":")) or ends_sentence(a) or b.startswith(("——", "—")):
        return False
    if b[0] in _NEVER_OPENS_TITLE:
        return True
    if any(a.count(o) > a.count(c) and b.count(c) > b.count(o) for o, c in _PAIRS):
        return True
    n = len(a)
    if any(s < n < e for _, s, e in _words(a + b)):
        return True
    last = _words(a)
    return (bool(last) and last[-1][0] in _NEVER_ENDS_TITLE) or _two_part_halves(a, b)


MIN_HALF_CHARS, MAX_HALF_CHARS = 3, 6


def _two_part_halves(a: str, b: str) -> bool:
    """A two-part headline set over two lines (`冬闲变冬忙` | `集市人气旺（基层见闻）`): two short
    parts of one length, the column tag after the second; a place over a headline is a
    kicker (`兴县` | `…`)."""
    rest = _TAG_END_RE.sub("", b)
    return (
        MIN_HALF_CHARS <= len(a) <= MAX_HALF_CHARS
        and len(rest) == len(a)
        and not _TAG_END_RE.search(a)
        and not is_place(a)
    )


def join_title_lines(first: str, second: str) -> str:
    """Two pieces of one title line as one (a space between the parts of a two-part headline)."""
    a, b = first.strip(), second.strip()
    return f"{a} {b}" if _two_part_halves(compact(a), compact(b)) else a + b


def _kicker_over(text: str) -> bool:
    """A title line that ends by pointing at the headline under it (`…医疗队——`, `河谷镇：`)."""
    core = compact(text)
    return core.endswith("——") or (core.endswith(("：", ":")) and len(core) <= MAX_TITLE_PIECE_CHARS)


_WHOLE_NOTE_RE = re.compile(r"^[（(][^（）()]+[）)]$")


def _closes_story(text: str, labels: list[str], k: int) -> bool:
    """Whether line ``k``, read as a story's start right after a story's text, is the end of
    that story instead: a note wholly in brackets (no headline is one), or a sentence read as
    a story of one line (on the corpus, neither ever opens a story: 0 of 558 and of 1,156)."""
    core = compact(text)
    if _WHOLE_NOTE_RE.match(core):
        return True
    one_line = k + 1 == len(labels) or labels[k + 1] in (corpus.START, corpus.FURNITURE)
    return one_line and core.endswith("。")


def _open_over_leads(lines: list[Line], out: list[str]) -> None:
    """A short line after a story's text right over a dateline or lead (`本报北京2月25日电
    （记者…）`, `本报讯（记者…）`), read as a subheading or as text, is the next story's
    headline (in place): on the corpus 278 of 292 such lines open a story, every one of 34 on
    the hand-made pages. The rest are the sections of a package under one headline, each over
    its own dateline, which the corpus keeps as one article: where one story holds two or more
    such lines, they are left as they are."""
    n = len(lines)
    found: dict[int, list[int]] = {}
    story = -1
    for k in range(n):
        if out[k] == corpus.START:
            story = k
        elif (
            out[k] in (corpus.INTERTITLE, corpus.BODY)
            and k > 0
            and out[k - 1] == corpus.BODY
            and k + 1 < n
            and lines[k + 1].kind == LineKind.LEAD
            and out[k + 1] == corpus.BODY
            and lines[k].kind in _TITLE_KINDS
            and 0 < len(compact(lines[k].text)) <= MAX_KICKER_HEADLINE_CHARS
            and not ends_sentence(compact(lines[k].text))
        ):
            found.setdefault(story, []).append(k)
    for rows in found.values():
        if len(rows) == 1:
            out[rows[0]] = corpus.START


def repair_title_labels(lines: list[Line], labels: list[str]) -> list[str]:
    """The labels with the title lines the labeller read apart put together again: the rest of
    a title line the extraction broke (:func:`broken_title`) is a further title line (and the
    line it completes opens the story, where the labeller read the rest as the start), and the
    headline under a kicker that ends with a dash or a colon is a title line, not body or a
    subheading or a story of its own. A story's last line read as a start goes back to it (a
    subheading, a credit, an end note in brackets, a lone sentence), and a short line after a
    story's text right over a dateline opens the next story (:func:`_open_over_leads`). Lines
    keep their stories otherwise."""
    out = list(labels)
    n = len(lines)
    for k in range(n):
        # a subheading heads a section of its story: a story's last line is none (a photo
        # credit, `X 图 Y 文`, a signature line the labeller read as one is the story's text)
        if out[k] == corpus.INTERTITLE and (k + 1 == n or out[k + 1] in (corpus.START, corpus.FURNITURE)):
            out[k] = corpus.BODY
        elif (
            out[k] == corpus.START
            and k > 0
            and out[k - 1] != corpus.FURNITURE
            and (k + 1 == n or out[k + 1] in (corpus.START, corpus.FURNITURE))
            and _CREDIT_WORDS_RE.search(compact(lines[k].text))
            and len(compact(lines[k].text)) <= MAX_TITLE_PIECE_CHARS
        ):
            # a story of one line, a credit's (`X 摄影报道`, `X 图 Y 文`): the story above's last
            out[k] = corpus.BODY
        elif (
            out[k] == corpus.START
            and k > 0
            and out[k - 1] == corpus.BODY
            and k + 1 < n
            and out[k + 1] == corpus.TITLE
            and (lines[k].kind == LineKind.CREDIT or _PHOTO_CREDIT_RE.search(compact(lines[k].text)))
        ):
            # a photo credit after a story read as the kicker of the next (`人民视觉` | headline,
            # `X 摄影报道` | headline): the story above's last line; the headline opens the next
            out[k], out[k + 1] = corpus.BODY, corpus.START
        elif (
            out[k] == corpus.START
            and k > 0
            and out[k - 1] == corpus.BODY
            and _closes_story(lines[k].text, out, k)
        ):
            # an end note (`（摘编自…）`, `（X参与采写）`, `（本报布鲁塞尔2月26日电）`) or a finished
            # sentence read as a story of its own: the story above's last line (and a title line
            # under an end note opens the next story)
            out[k] = corpus.BODY
            if k + 1 < n and out[k + 1] == corpus.TITLE:
                out[k + 1] = corpus.START
    _open_over_leads(lines, out)
    for k in range(n - 1):
        here, nxt = lines[k], lines[k + 1]
        if nxt.gap > 1 or here.kind not in _TITLE_KINDS or nxt.kind not in _TITLE_KINDS:
            continue
        if out[k] == corpus.FURNITURE or out[k + 1] == corpus.FURNITURE:
            continue
        if out[k] in (corpus.START, corpus.TITLE):
            if out[k + 1] == corpus.TITLE:
                continue
            if broken_title(here.text, nxt.text):
                out[k + 1] = corpus.TITLE
            elif (
                _kicker_over(here.text)
                and len(compact(nxt.text)) <= MAX_KICKER_HEADLINE_CHARS
                and not compact(nxt.text).endswith(("——", "：", ":", "。"))
            ):
                out[k + 1] = corpus.TITLE
        elif out[k + 1] == corpus.START and broken_title(here.text, nxt.text):
            above = compact(lines[k - 1].text) if k else ""
            if not above or ends_sentence(above) or out[k - 1] == corpus.FURNITURE:
                out[k], out[k + 1] = corpus.START, corpus.TITLE
    return out
