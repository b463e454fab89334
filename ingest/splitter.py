"""Split the extracted text of one newspaper page into articles and page furniture.

Entry point: :func:`split_page`. Pure Python, deterministic, never raises on any ``str``.

How a page is read
------------------
1. Every non-blank line is classified on its own (:mod:`ingest.lines`): lead, byline, closing
   name group, source, photo credit, caption, column label, furniture, jump, title-like, body.
   The page header is furniture: the short lines at the top down to the last surely furniture
   one (date, page number, staff line), so the masthead and page name (`南通日报`,
   `NANTONG DAILY`, `地州新闻`, `2 综合`) above a date never head a story.
   A short unfinished line right above a byline is promoted to title-like (`稳增长，促发展`). A
   short lone sentence after an image gap, right above a title, is an uncredited caption.
   A poem's lines under its title and author (four or more short lines, mostly unpunctuated, not
   all cut at one column width) are verse: each a paragraph of its own, never joined.
2. Lone photo credits are resolved first (:mod:`ingest.photos`): they make photo stories or
   multi-line captions; a numbered picture series (`①…` `②…`) gives one caption per picture,
   each with the shared credit. A title over a caption and nothing else is a photo story too,
   and a photo story has one picture: a further credited picture after an image gap is a photo
   story of its own.
3. The lines are then read in order by a small state machine. Runs of title-like lines (*title
   blocks*) are the hard part: the same short line is a headline, a kicker, an intertitle, a
   banner or a caption depending on its neighbours. The rules, strongest first:

   * a block followed by a byline (`本报讯…`, `□ 梁桂连`) starts an article;
   * a block holding a column label (`政务动态`) starts an article, the label is its section;
     so does a short line naming no place right above a starting headline (`灵山随笔`, `书香`);
   * a headline over three or more lines that each give a figure is a data box: a story whose
     paragraphs are the figure lines (`数据来源：…` under it is its source);
   * after a story has closed, a block starts one. A story ends with a closing byline
     (`(李晨昊)`, `记者 刘凯华`), a source (`据《山西日报》`, the web edition's
     `《 人民日报 》（ … 04 版）`), a jump to another page (`（下转第6版）`, also at the end of its
     last paragraph) or an editor line printed under it (`（责任编辑：…）`);
   * a block with a place kicker (`兴县` / headline), a one-line kicker form (`北京：…`), a
     notice's headline (`公  告`), or three lines starts one;
   * a block with nothing under it heads no story: captions of a photo story above, or furniture;
   * otherwise, inside an open story and followed by prose, the block is an intertitle.

   A story signed at its top is not signed again at its end: a closing byline (or another paper's
   source after a `本报讯` story) splits the story retroactively at its last intertitle, which
   was the headline of an unsigned story.

   Within a starting block, title lines above a place kicker (`打好森林防火人民战争` above
   `市交通运输局`) belong to no title: they are captions of a photo story above, or furniture.
   A slogan on top of a page above a one- or two-line title is a page banner
   (`抓党建促基层治理能力提升`); three lines are a full kicker/headline/subheadline triple,
   unless the last two are a headline and its `——` subheadline (`走进…` over a feature). A
   title-like line between a story's byline and its first paragraph is a banner too
   (`创建新时代党建引领基层治理示范区`), unless the story's intertitles share its shape, or it is
   too short for a slogan (`核心阅读`) or numbered (`一、…`): then it opens the body.
   Roles within a title: :mod:`ingest.titles` (which also joins a title broken inside a word).
   A "story" that ends up with nothing but title lines (no body, caption, byline or source) is
   furniture: a page name or a series banner (`镜头·鹤城` over a page of photo stories).
4. Body lines are joined into paragraphs across column breaks (:mod:`ingest.repair`), bylines,
   sources and jumps are cut from the last sentence (`…明天。 (张莉)`), and a first paragraph
   that starts inside a quotation (`伙人”。`), or prose before any title on the page, is flagged
   as continued from another page. So is a story opened by `（上接第1版）` or `(紧接第1版)`. Jump
   lines are kept in the story's blocks as ``JUMP`` blocks, not paragraphs. A `数据来源：…` line
   with the story going on under it is a chart's note (a caption), not the story's source.

Rules or learned labels
-----------------------
The rules above were written from regional pages as PDF extraction gives them. On other pages
(a national daily's e-edition text: one whole paragraph a line, stories that end without a
byline) they run stories on into the next. The learned labeller (:mod:`ingest.learned`, a CRF
trained on real labelled pages by ``scripts/train_splitter.py``) labels every line (story start,
title, subheading, body, furniture) and :mod:`ingest.assemble` builds articles from the labels,
keeping every line of a story in its text as printed (closing names, end notes, credits).
:func:`split_page` runs both readings. Where the labeller reads the page line for line as the
rules do, the rules' page is kept (their conventions: closing names as bylines, credits as
captions). Otherwise the labels are taken when

* the labeller is sure (≥ ``SURE_START``) of a story start the rules ran on over (not one
  printed like the lines it reads as that story's subheadings: same mark, or same parts and
  length), or
* it finds more story starts nowhere near one of the rules' than it drops of theirs (on a
  short page, sure of every start it reads), or
* the rules sign fewer than ``SIGNED_SHARE`` of the stories they read the regional way (names
  other than under a national daily's or an agency's `…2月2日电` dateline, or a source: a page
  of unsigned stories is what they run on over), or the labeller reads at least
  ``PACKAGE_STORIES`` of their stories into others (a package of signed reports under one
  headline), and the labeller finds their reading
  clearly less likely than its own (log-probability gap > ``RULES_SLACK``; on a page of fewer
  than ``SHORT_PAGE_LINES`` lines, whose few lines say little about its paper's style,
  > ``SHORT_PAGE_SLACK`` and sure of every start it reads);

with or without extraction damage. A page whose stories the rules sign (`本报讯（记者…）`,
closing names, `据《…》`) is in the regional style they were written for; there the labeller,
trained mostly on a national daily, disagrees on conventions (column labels, a column of briefs,
a paper's own subheading marks), not on stories the rules ran together. Without the model
file the rules split every page.

Every non-blank line ends up exactly once in an article's ``lines`` or in ``furniture``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ingest import bylines, corpus, learned, starts, traditional
from ingest.assemble import build_page, repair_title_labels
from ingest.chars import CJK_CHARS, OPENERS, SENTENCE_END_INSIDE_RE, ends_sentence, unmatched_closer_first
from ingest.lines import (
    Line,
    LineKind,
    classify_page,
    compact,
    is_jump_from,
    is_notice_title,
    is_place,
    is_slogan,
    may_be_title,
    numbering,
    reads_as_label,
    split_trailing_jump,
)
from ingest.model import (
    Block,
    BlockKind,
    Caption,
    Furniture,
    FurnitureKind,
    Page,
    ParsedArticle,
    Warning,
)
from ingest.photos import PhotoRun, RunKind, find_photo_runs, image_gap_of, is_stock_credit, typical_gap
from ingest.repair import clean_title, continues, join_fragments, normalize_title
from ingest.titles import Title, assign_roles, is_place_name, looks_like_kicker_form

MIN_BODY_CHARS = 60  # shorter bodies are flagged as unusually short
MAX_BODY_CHARS = 12000  # longer bodies are flagged: probably two stories glued together
MIN_BANNER_CHARS = 8  # a banner is a slogan, not a two-character place kicker or `核心阅读`
MIN_PAGE_BANNER_CHARS = 6  # a series slogan on top of the page is shorter: `走进边境小康村`
MAX_UNCREDITED_CAPTION_CHARS = 40  # a caption without credit is one short sentence
SHAPE_LENGTH_SLACK = 3  # intertitles of one story differ in length by a few characters at most

# A first paragraph starting with one of these cannot start a sentence: it is the tail of a
# sentence printed on another page.
_MID_SENTENCE_START = "，,。、；;：:”’」』）)】》…"

_OPENING_KINDS = (LineKind.LEAD, LineKind.BYLINE)
# Editor lines (`（责任编辑：徐  婧）`) are furniture printed right after the story they close.
_EDITOR_LINE_RE = re.compile(traditional.pattern(r"责任编辑|责编"))
# A picture series numbers its captions: `①…`, `②…`, `图①…`.
_SERIES_MARK_RE = re.compile(r"\s*图?[①②③④⑤⑥⑦⑧⑨⑩]\s*")
_SKIPPABLE_KINDS = (LineKind.CAPTION, LineKind.CREDIT, LineKind.FURNITURE)


@dataclass
class _Unit:
    """One title line, or several adjacent title lines (no blank between) read as one."""

    texts: list[str]
    lines: list[int]
    column: bool

    @property
    def text(self) -> str:
        return " ".join(self.texts)


@dataclass
class _Para:
    parts: list[str]
    lines: list[int]


@dataclass
class _Draft:
    """An article being assembled."""

    title: Title = field(default_factory=Title)
    section: str = ""
    byline_pieces: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    source: str = ""
    blocks: list[tuple[BlockKind, _Para]] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)
    continued: bool = False
    photo: bool = False
    closed: bool = False  # a closing byline or source was seen: the story is over
    opened_by_names: bool = False  # signed at its top: a closing byline would be another story's
    banner_candidates: list[_Unit] = field(default_factory=list)  # title lines above the body
    joinable: bool = False  # the last block is a paragraph that the next body line may continue

    @property
    def has_body(self) -> bool:
        return bool(self.blocks)

    def add_names(self, names: list[str] | tuple[str, ...]) -> None:
        for name in names:
            if name not in self.names:
                self.names.append(name)


def _moves_to_another_county(draft: _Draft, title: str) -> bool:
    """A short headline after a story's last finished paragraph that names a county the story
    never named, where the story names counties of its own (`化隆县举办拉面技能培训班` after a
    story on 乐都区): the next story, not a subheading of this one. Not where the story already
    has subheadings (a round-up heads each county's section with its name) or the paragraph above
    is unfinished."""
    last = draft.blocks[-1][1] if draft.blocks and draft.blocks[-1][0] == BlockKind.PARAGRAPH else None
    if last is None or not ends_sentence(last.parts[-1]) or _COLON_TITLE_RE.search(title):
        return False
    if title.rstrip().endswith(("—", "：", ":")) or is_place(compact(title)):
        return False  # a line pointing at what is under it (`重庆万州…——`), or a place alone: a section's
    # a regional paper's story, signed as one (`本报讯（记者…）`, a byline line): a national
    # daily's report under a dateline tours places under subheadings naming them
    if not draft.byline_pieces or any(_WIRE_DATELINE_RE.search(p) for p in draft.byline_pieces):
        return False
    if any(kind == BlockKind.INTERTITLE for kind, _ in draft.blocks):
        return False
    from ingest.gazetteer import Gazetteer

    gazetteer = Gazetteer.default()
    named = {m.county.code for m in gazetteer.find(title)}
    if not named:
        return False
    story = " ".join(
        [draft.title.kicker, draft.title.headline, draft.title.subheadline]
        + [" ".join(p.parts) for kind, p in draft.blocks if kind == BlockKind.PARAGRAPH]
    )
    before = {m.county.code for m in gazetteer.find(story)}
    return bool(before) and not named & before


_COLON_TITLE_RE = re.compile(r"^[^：:]{1,12}[：:]")


class _Splitter:
    """The reading state of one page; :meth:`run` consumes all lines once."""

    def __init__(self, lines: list[Line]) -> None:
        """``lines`` as :func:`prepare_lines` leaves them."""
        self.lines = lines
        self.image_gap = image_gap_of(lines)
        self.photo_runs: dict[int, PhotoRun] = find_photo_runs(lines)
        # Where the extractor puts a blank line between lines, two title lines with no blank
        # between them are one title set on two lines; on a page without blank lines they are not.
        self.merge_adjacent_titles = typical_gap(lines) >= 1
        self.drafts: list[_Draft] = []
        self.furniture: list[Furniture] = []
        self.cur: _Draft | None = None
        self.pending_section: tuple[str, int] | None = None

    # -- driving -----------------------------------------------------------------------------

    def run(self) -> Page:
        i = 0
        n = len(self.lines)
        while i < n:
            run = self.photo_runs.get(i)
            if run is not None:
                i = self._photo_run(run)
                continue
            kind = self.lines[i].kind
            if kind in (LineKind.TITLE, LineKind.COLUMN):
                i = self._title_block(i)
                continue
            self._single(self.lines[i], i)
            i += 1
        self._flush_pending_section()
        for draft in self.drafts:
            self._settle_banner_candidates(draft)
        self._drop_bare_titles()
        articles = [_finish(d) for d in self.drafts if d.lines]
        return Page(articles=articles, furniture=sorted(self.furniture, key=lambda f: f.line))

    def _single(self, line: Line, index: int) -> None:
        kind = line.kind
        if kind == LineKind.LEAD:
            self._lead(line)
        elif kind == LineKind.BODY:
            self._body(line)
        elif kind == LineKind.BYLINE:
            self._standalone_byline(line)
        elif kind == LineKind.PAREN:
            if bylines.is_end_note(line.text):
                self._body(line)  # a roll of reporters closing a round-up: the story's text
            else:
                self._closing(line, line.text, list(line.names))
        elif kind == LineKind.SOURCE:
            self._source(line, index)
        elif kind == LineKind.CAPTION:
            self._caption(line)
        elif kind == LineKind.CREDIT:
            self._credit(line)
        elif kind == LineKind.JUMP:
            self._jump(line)
        elif kind == LineKind.VERSE:
            self._verse(line)
        else:  # FURNITURE
            self.furniture.append(Furniture(line.no, FurnitureKind.OTHER, line.text))
            if self.cur is not None and _EDITOR_LINE_RE.search(line.text):
                self.cur.closed = True  # `（责任编辑：…）` is printed at a story's end
                self.cur.joinable = False

    # -- article bookkeeping -----------------------------------------------------------------

    def _new(self) -> _Draft:
        draft = _Draft()
        if self.pending_section is not None:
            text, no = self.pending_section
            draft.section = text
            draft.lines.add(no)
            self.pending_section = None
        self.drafts.append(draft)
        self.cur = draft
        return draft

    def _open_for_body(self) -> _Draft:
        """The article a body line belongs to: the current one unless it is over."""
        if self.cur is None or self.cur.closed:
            return self._new()
        return self.cur

    def _flush_pending_section(self) -> None:
        if self.pending_section is not None:
            _, no = self.pending_section
            # furniture is kept as printed (`简 讯`), not as the label read from it (`简讯`)
            printed = next(line.text for line in self.lines if line.no == no)
            self.furniture.append(Furniture(no, FurnitureKind.COLUMN, printed))
            self.pending_section = None

    # -- body, bylines, sources --------------------------------------------------------------

    def _lead(self, line: Line) -> None:
        lead = bylines.parse_lead(line.text)
        assert lead is not None  # classify() said so
        draft = self.cur
        if draft is None or draft.closed or draft.has_body:
            draft = self._new()
        draft.byline_pieces.append(lead.text)
        draft.add_names(lead.names)
        draft.opened_by_names = draft.opened_by_names or bool(lead.names)
        draft.lines.add(line.no)
        draft.joinable = False
        if lead.rest:
            self._add_text(draft, lead.rest, line.no)

    def _body(self, line: Line) -> None:
        page_top = self.cur is None and not self.drafts
        draft = self._open_for_body()
        if page_top:
            # prose before any title on a page is the rest of a story from an earlier page
            draft.continued = True
        draft.lines.add(line.no)
        self._add_text(draft, line.text, line.no)

    def _add_text(self, draft: _Draft, text: str, no: int) -> None:
        """Append prose to the draft, cutting a trailing byline or source off the sentence."""
        tail_names: list[str] = []
        tail_byline = ""
        tail_source = ""
        tail_jump = split_trailing_jump(text)
        if tail_jump is not None:
            text = tail_jump[0]
        trailing = bylines.split_trailing_byline(text)
        if trailing is not None:
            text, tail_byline, tail_names = trailing
        else:
            source = bylines.split_trailing_source(text)
            if source is not None:
                text, tail_source = source
        if text:
            last = draft.blocks[-1][1] if draft.blocks and draft.joinable else None
            if last is not None and continues(last.parts[-1], text):
                last.parts.append(text)
                last.lines.append(no)
            else:
                if not draft.has_body and _starts_mid_sentence(text):
                    draft.continued = True
                draft.blocks.append((BlockKind.PARAGRAPH, _Para([text], [no])))
            draft.joinable = True
        if tail_source:
            draft = self._closing_owner(draft, no, by_source=True)
            draft.source = tail_source
            draft.closed = True
        if tail_byline:
            draft = self._closing_owner(draft, no)
            draft.byline_pieces.append(tail_byline)
            draft.add_names(tail_names)
            draft.closed = True
        if tail_jump is not None:
            # `…（下转第6版）`: the story goes on elsewhere; what follows here is another story
            draft.blocks.append((BlockKind.JUMP, _Para([tail_jump[1]], [no])))
            draft.closed = True
            draft.joinable = False

    def _verse(self, line: Line) -> None:
        """A poem's line is a paragraph of its own: verse lines end without punctuation, but
        they are not a sentence broken by a column."""
        draft = self._open_for_body()
        draft.lines.add(line.no)
        draft.blocks.append((BlockKind.PARAGRAPH, _Para([line.text], [line.no])))
        draft.joinable = False

    def _standalone_byline(self, line: Line) -> None:
        draft = self.cur
        if draft is not None and not draft.closed and not draft.has_body:
            draft.byline_pieces.append(line.text)  # opening byline under the title
            draft.add_names(line.names)
            draft.opened_by_names = True
            draft.lines.add(line.no)
            return
        if draft is not None and draft.has_body and not draft.closed:
            self._closing(line, line.text, list(line.names))
            return
        draft = self._new()  # a byline with no title: a headless story starts
        draft.byline_pieces.append(line.text)
        draft.add_names(line.names)
        draft.lines.add(line.no)

    def _jump(self, line: Line) -> None:
        """`（下转第2版）` ends the story's part on this page; `（上接第1版）` opens a continued one."""
        if is_jump_from(line.text) or self.cur is None:
            draft = self._new() if self.cur is None or self.cur.has_body or self.cur.closed else self.cur
            draft.continued = True
        else:
            draft = self.cur
            draft.closed = True
        # kept in reading order, but not body: `（上接第1版）` is no paragraph of the story
        draft.blocks.append((BlockKind.JUMP, _Para([line.text], [line.no])))
        draft.lines.add(line.no)
        draft.joinable = False

    def _closing(self, line: Line, printed: str, names: list[str]) -> None:
        draft = self.cur
        if draft is None:
            self.furniture.append(Furniture(line.no, FurnitureKind.OTHER, line.text))
            return
        draft = self._closing_owner(draft, line.no)
        draft.byline_pieces.append(printed)
        draft.add_names(names)
        draft.lines.add(line.no)
        draft.closed = True
        draft.joinable = False

    def _closing_owner(self, draft: _Draft, no: int, by_source: bool = False) -> _Draft:
        """The story a closing byline or source ends.

        A story signed at its top (`本报讯(记者 韩笑)`, `□ 梁桂连`) is not signed again at its end,
        and a story of the paper's own (`本报讯`) is not credited to another paper
        (`据《山西日报》`): such a closing line means a second story began at the last title-like
        line, which was taken for an intertitle. Split there, retroactively.
        """
        signed_at_top = bool(draft.byline_pieces) if by_source else draft.opened_by_names
        if not signed_at_top or draft.closed:
            return draft
        k = max((i for i, (kind, _) in enumerate(draft.blocks) if kind == BlockKind.INTERTITLE), default=-1)
        if k < 0 or k == len(draft.blocks) - 1:
            return draft
        head = draft.blocks[k][1]
        moved = draft.blocks[k + 1 :]
        first_line = head.lines[0]
        new = _Draft(title=assign_roles([head.parts[0]]), blocks=moved, joinable=draft.joinable)
        new.lines = {n for n in draft.lines if n >= first_line}
        new.lines.add(no)
        new.captions = [c for c in draft.captions if c.lines and c.lines[0] > first_line]
        draft.captions = [c for c in draft.captions if not (c.lines and c.lines[0] > first_line)]
        draft.blocks = draft.blocks[:k]
        draft.lines -= new.lines
        draft.closed = True
        draft.joinable = False
        self.drafts.insert(self.drafts.index(draft) + 1, new)
        self.cur = new
        return new

    def _source(self, line: Line, index: int) -> None:
        draft = self.cur
        if draft is None:
            self.furniture.append(Furniture(line.no, FurnitureKind.OTHER, line.text))
            return
        if bylines.is_data_source(line.text) and self._next_content_kind(index + 1) == LineKind.BODY:
            # `数据来源：…` under a chart inside a story: a note on the chart, the story goes on
            draft.captions.append(Caption(text=line.text, credit="", lines=[line.no]))
            draft.lines.add(line.no)
            return
        if not bylines.is_edition_line(line.text):
            # another paper's source under a story of our own: a second story began above.
            # (The paper's own edition line, printed after every story, says nothing of that.)
            draft = self._closing_owner(draft, line.no, by_source=True)
        draft.source = f"{draft.source} {line.text}".strip() if draft.source else line.text
        draft.lines.add(line.no)
        draft.closed = True
        draft.joinable = False

    # -- pictures ----------------------------------------------------------------------------

    def _caption(self, line: Line) -> None:
        parts = bylines.split_caption(line.text)
        if parts is None:  # a caption without credit (see _mark_uncredited_captions)
            parts = bylines.CaptionParts(text=line.text, credit="", names=[])
        draft = self.cur if self.cur is not None else self._new()
        if draft.photo and draft.closed and draft.captions and line.gap >= self.image_gap and parts.names:
            # a photo story has one picture: another credited picture after it stands alone
            draft = self._new()
            draft.photo = True
        draft.captions.append(Caption(text=parts.text, credit=parts.credit, lines=[line.no], credit_text=parts.printed))
        draft.lines.add(line.no)
        if draft.photo and parts.names and not draft.has_body:
            # a photo story is signed by its photographer
            draft.byline_pieces.append(parts.printed)
            draft.add_names(parts.names)
            draft.closed = True

    def _credit(self, line: Line) -> None:
        draft = self.cur if self.cur is not None else self._new()
        credit = " ".join(line.names)
        last = draft.captions[-1] if draft.captions else None
        if last is not None and not last.credit and last.lines and last.lines[-1] < line.no:
            last.credit, last.credit_text = credit, line.text.strip()
            last.lines.append(line.no)
        else:
            draft.captions.append(Caption(text="", credit=credit, lines=[line.no], credit_text=line.text.strip()))
        draft.lines.add(line.no)
        if draft.photo and not draft.has_body:
            draft.byline_pieces.append(line.text)
            draft.add_names(line.names)
            draft.closed = True

    def _photo_run(self, run: PhotoRun) -> int:
        """Consume a photo story or a multi-line caption; return the next line index."""
        lines = self.lines
        credit_line = lines[run.credit]
        if run.kind == RunKind.STORY:
            draft = self._new()
            draft.photo = True
            first = run.start
            if run.has_headline:
                draft.title = assign_roles([lines[first].text])
                draft.lines.add(lines[first].no)
                first += 1
        else:
            draft = self.cur if self.cur is not None else self._new()
            first = run.start
        members = lines[first : run.credit]
        credit = " ".join(credit_line.names)
        if not credit and is_stock_credit(credit_line):
            parts = bylines.split_caption(credit_line.text)
            credit = parts.credit if parts is not None else ""
        # A caption that prints its own credit (`▲…盆景。 石 磊 摄`) is that photographer's: its
        # own caption, before the pictures the run's credit line credits (its words would
        # otherwise be dropped, and the run's credit given to a picture it did not take).
        own_credits = _own_credits(members)
        first_caption = len(draft.captions)
        for member, parts in own_credits:
            own = _caption_text([member])
            draft.captions.append(Caption(text=own, credit=parts.credit, lines=[member.no], credit_text=parts.printed))
        credited = {member.no for member, _ in own_credits}
        series = _series([m for m in members if m.no not in credited])
        for k, group in enumerate(series):
            # a picture series shares one credit line: it credits every picture of it
            last = k == len(series) - 1
            lines_of = [m.no for m in group] + ([credit_line.no] if last else [])
            # The credit line as printed goes with the caption that holds it (the series' last):
            # the others show its names (a correction may part them from that line).
            printed = credit_line.text.strip() if last else ""
            draft.captions.append(Caption(text=_caption_text(group), credit=credit, lines=lines_of, credit_text=printed))
        if not series:  # every picture credited on its own line: the run's credit line stands alone
            draft.captions.append(Caption(text="", credit=credit, lines=[credit_line.no], credit_text=credit_line.text.strip()))
        if own_credits:  # in the order the page prints them
            draft.captions[first_caption:] = sorted(draft.captions[first_caption:], key=lambda c: min(c.lines))
        draft.lines.update(m.no for m in members)
        draft.lines.add(credit_line.no)
        if run.kind == RunKind.STORY:
            draft.byline_pieces.append(credit_line.text)
            draft.add_names(credit_line.names)
            draft.closed = True
        return run.credit + 1

    # -- title blocks ------------------------------------------------------------------------

    def _title_block(self, start: int) -> int:
        """Read the run of title-like lines at ``start``, decide what it is; return next index."""
        end = start
        while (
            end < len(self.lines)
            and self.lines[end].kind in (LineKind.TITLE, LineKind.COLUMN)
            and (end == start or end not in self.photo_runs)
        ):
            end += 1
        units = _units(self.lines[start:end], self.merge_adjacent_titles)
        after = self._next_content_kind(end)
        immediate = self.lines[end].kind if end < len(self.lines) else None
        # a title over a picture and nothing else (`春耕备耕正当时` / `… 本报记者 孙伟 摄`)
        photo = immediate in (LineKind.CAPTION, LineKind.CREDIT) and after in (None, LineKind.TITLE, LineKind.COLUMN)
        at_page_top = not self.drafts and self.pending_section is None
        if photo and any(not u.column for u in units):
            self._start_article(units, at_page_top)
            assert self.cur is not None
            # its captions still attach to it; the next title starts a new story
            self.cur.photo = self.cur.closed = True
            return end
        self._decide_block(units, after, at_page_top)
        return end

    def _next_content_kind(self, index: int) -> LineKind | None:
        lines = self.lines
        for k in range(index, len(lines)):  # no slicing: pages may have 100 000 lines
            if lines[k].kind not in _SKIPPABLE_KINDS:
                return lines[k].kind
        return None

    def _decide_block(self, units: list[_Unit], after: LineKind | None, at_page_top: bool) -> None:
        columns = [u for u in units if u.column]
        titles = [u for u in units if not u.column]
        opens = after in _OPENING_KINDS
        cur = self.cur
        if not opens and _is_figure_list(titles):
            self._figure_box(columns, titles, at_page_top)
            return
        if not titles:
            # a column label alone labels whatever comes next
            self._set_pending_section(columns)
            if cur is not None:
                cur.joinable = False
                if cur.has_body:
                    cur.closed = True
            return
        if after is None and (cur is None or cur.has_body or cur.closed):
            # title-like lines with nothing under them head no story: captions or furniture
            self._orphans(titles)
            self._set_pending_section(columns)
            return
        if cur is None or cur.closed:
            self._start_article(units, at_page_top)
            return
        if not cur.has_body:
            # a title under a title: a new story only if a byline follows it
            if opens or columns:
                self._start_article(units, at_page_top=False)
            elif cur.byline_pieces or cur.title.headline:
                # between title/byline and the first paragraph: a banner, unless the story's
                # intertitles turn out to look like it (decided when the story is complete)
                cur.banner_candidates.extend(titles)
                self._set_pending_section(columns)
            else:
                self._start_article(units, at_page_top=False)
            return
        if (
            opens
            or columns
            or len(titles) >= 3
            or (len(titles) >= 2 and any(is_place(u.text) for u in titles[:-1]))
            or (len(titles) == 1 and looks_like_kicker_form(titles[0].text))
            or is_notice_title(titles[0].text)
            or (len(titles) == 1 and _moves_to_another_county(cur, titles[0].text))
        ):
            self._start_article(units, at_page_top=False)
            return
        if after is None:
            self._orphans(titles)  # trailing title lines at the end of the page
            return
        if after in (LineKind.PAREN, LineKind.SOURCE):
            for unit in titles:  # short lines just before a closing byline are prose
                for text, no in zip(unit.texts, unit.lines):
                    self._body(Line(no=no, text=text, gap=0, kind=LineKind.BODY))
            return
        last = cur.blocks[-1][1] if cur.blocks[-1][0] == BlockKind.PARAGRAPH else None
        if len(titles) == 1 and last is not None and cur.joinable and not ends_sentence(last.parts[-1]):
            # the paragraph above is unfinished: this short line is its rest, not a title
            unit = titles[0]
            for text, no in zip(unit.texts, unit.lines):
                self._body(Line(no=no, text=text, gap=0, kind=LineKind.BODY))
            return
        # one intertitle, however many lines it is set on (`党建统筹定方向` / `群众琐事放心坎`)
        lines = [no for unit in titles for no in unit.lines]
        cur.blocks.append((BlockKind.INTERTITLE, _Para([" ".join(u.text for u in titles)], lines)))
        cur.lines.update(lines)
        cur.joinable = False

    def _figure_box(self, columns: list[_Unit], titles: list[_Unit], at_page_top: bool) -> None:
        """A data box (`8月份国民经济主要指标` over one figure a line): a story of its own, the
        first line its headline, each figure line a paragraph."""
        self._start_article(columns + titles[:1], at_page_top)
        draft = self.cur
        assert draft is not None
        for unit in titles[1:]:
            for text, no in zip(unit.texts, unit.lines):
                draft.blocks.append((BlockKind.PARAGRAPH, _Para([text], [no])))
                draft.lines.add(no)
        draft.joinable = False

    def _set_pending_section(self, columns: list[_Unit]) -> None:
        """The first column label labels the next story; any further label is furniture."""
        for unit in columns:
            for no, text in zip(unit.lines, unit.texts):
                if self.pending_section is None:
                    self.pending_section = (_label_text(text), no)
                else:
                    self.furniture.append(Furniture(no, FurnitureKind.COLUMN, text))

    def _settle_banner_candidates(self, draft: _Draft) -> None:
        """Title lines between a story's byline and its first paragraph: an opening intertitle
        when the story's other intertitles share its distinctive shape (`织密矩阵:…`), else a
        page banner (`创建新时代党建引领基层治理示范区`)."""
        if not draft.banner_candidates:
            return
        shapes = {_shape(p.parts[0]) for kind, p in draft.blocks if kind == BlockKind.INTERTITLE}
        leading: list[tuple[BlockKind, _Para]] = []
        for unit in draft.banner_candidates:
            shape = _shape(unit.text)
            # a label too short to be a slogan (`核心阅读`, `编者按`) or a numbered one (`一、…`)
            # opens the story's body
            label = len(compact(unit.text)) < MIN_BANNER_CHARS or numbering(unit.text) > 0
            if label or (shape[0] or shape[1]) and any(
                s[:2] == shape[:2] and abs(s[2] - shape[2]) <= SHAPE_LENGTH_SLACK for s in shapes
            ):
                leading.append((BlockKind.INTERTITLE, _Para([unit.text], list(unit.lines))))
                draft.lines.update(unit.lines)
            else:
                self._banners([unit])
        draft.blocks[:0] = leading
        draft.banner_candidates = []

    def _drop_bare_titles(self) -> None:
        """A "story" that is only title lines (no body, caption, byline or source) is page
        furniture: a page name, a masthead, a series banner over the stories under it
        (`镜头·鹤城` over a page of photo stories). At the top of the page it is a banner."""
        text_of = {line.no: line.text for line in self.lines}
        kept: list[_Draft] = []
        seen_story = False
        for draft in self.drafts:
            if draft.lines and _is_bare_title(draft):
                kind = FurnitureKind.OTHER if seen_story else FurnitureKind.BANNER
                for no in sorted(draft.lines):
                    self.furniture.append(Furniture(no, kind, text_of[no]))
                continue
            seen_story = seen_story or bool(draft.lines)
            kept.append(draft)
        self.drafts = kept

    def _banners(self, units: list[_Unit]) -> None:
        for unit in units:
            for no, text in zip(unit.lines, unit.texts):
                self.furniture.append(Furniture(no, FurnitureKind.BANNER, text))

    def _orphans(self, units: list[_Unit]) -> None:
        """Title-like lines that head no story: captions of a photo story above, else furniture."""
        cur = self.cur
        for unit in units:
            if cur is not None and cur.photo:
                cur.captions.append(Caption(text=normalize_title(unit.text), credit="", lines=list(unit.lines)))
                cur.lines.update(unit.lines)
            else:
                for no, text in zip(unit.lines, unit.texts):
                    self.furniture.append(Furniture(no, FurnitureKind.OTHER, text))

    def _start_article(self, units: list[_Unit], at_page_top: bool) -> None:
        columns = [u for u in units if u.column]
        titles = [u for u in units if not u.column]
        if len(titles) >= 2 and reads_as_label(titles[0].text, is_place_name):
            # a short line over the headline that names no place: the column (`灵山随笔`, `书香`)
            titles[0].column = True
            columns.append(titles.pop(0))
        # lines above a place kicker head no story (`打好森林防火人民战争` / `市交通运输局` / …)
        for k in range(1, len(titles) - 1):
            if is_place(titles[k].text):
                self._orphans(titles[:k])
                titles = titles[k:]
                break
        if len(titles) > 3:
            self._orphans(titles[:-3])
            titles = titles[-3:]
        if (
            at_page_top
            and _banner_over_title(titles)
            and not is_place(titles[0].text)
            and is_slogan(titles[0].text)
            and len(compact(titles[0].text)) >= MIN_PAGE_BANNER_CHARS
        ):
            self._banners(titles[:1])  # a slogan on top of the page, above the first headline
            titles = titles[1:]
        self._set_pending_section(columns)
        draft = self._new()
        draft.title = assign_roles([u.text for u in titles])
        for unit in titles:
            draft.lines.update(unit.lines)


MAX_HEADER_LINES = 10  # masthead, date, page number, page name, staff line: a handful of lines
MAX_HEADER_LINE_CHARS = 40
_HEADER_KINDS = (LineKind.TITLE, LineKind.COLUMN, LineKind.FURNITURE)
_HAS_CJK_RE = re.compile(f"[{CJK_CHARS}]")


_DATE_ONLY_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def _mark_page_header(lines: list[Line]) -> None:
    """The page's header: the short lines at the top down to the last one that is surely
    furniture (a date, a page number, the staff line). The masthead (`南通日报`,
    `NANTONG DAILY`), the page name (`地州新闻`, `专版`, `2 综合`) between them read like titles
    or labels on their own, but above a date or a staff line no story has begun: a story's
    title is followed by its byline or body, not by the page's date."""
    last = -1
    for k, line in enumerate(lines[:MAX_HEADER_LINES]):
        short = len(line.text) <= MAX_HEADER_LINE_CHARS
        latin = line.kind == LineKind.BODY and _HAS_CJK_RE.search(line.text) is None  # `NANTONG DAILY`
        if short and _DATE_ONLY_RE.fullmatch(line.text.strip()):
            # the page's date without its weekday (`2025年12月19日`): as sure as one with it
            line.kind = LineKind.FURNITURE
        if not short or not (line.kind in _HEADER_KINDS or latin):
            break
        if line.kind == LineKind.FURNITURE:
            last = k
    for line in lines[: last + 1]:
        line.kind = LineKind.FURNITURE


def _banner_over_title(titles: list[_Unit]) -> bool:
    """Room for a banner above the title: one or two lines under the first, not counting a
    subheadline (a headline alone, or a kicker + headline pair, stays whole: three lines are a
    full kicker/headline/subheadline triple), or a headline with its `——` subheadline, which is
    a complete feature title: the slogan above it heads the page, not the story."""
    rest = titles[1:]
    if len(titles) < 3:
        return sum(not _is_subheadline(u.text) for u in titles) >= 2
    return len(titles) == 3 and not _is_subheadline(rest[0].text) and _is_subheadline(rest[1].text)


def _label_text(text: str) -> str:
    """A column label's words; a letter-spaced label (`简  讯`) is closed up (`简讯`)."""
    text = clean_title(text)
    parts = text.split(" ")
    return "".join(parts) if len(parts) > 1 and all(len(p) == 1 for p in parts) else text


def _is_bare_title(draft: _Draft) -> bool:
    return not (
        draft.blocks or draft.captions or draft.byline_pieces or draft.names or draft.source
        or draft.continued or draft.photo or draft.banner_candidates
    )


def _promote_titles(lines: list[Line]) -> None:
    """A short unfinished line right above a byline is a title even with a comma in it
    (`稳增长，促发展` / `本报讯…`): prose never runs straight into a byline."""
    next_kind: LineKind | None = None  # the next non-skippable kind, scanning backwards
    for line in reversed(lines):
        if line.kind == LineKind.BODY and next_kind in _OPENING_KINDS and may_be_title(line.text):
            line.kind = LineKind.TITLE
        if line.kind not in _SKIPPABLE_KINDS:
            next_kind = line.kind


MIN_VERSE_LINES = 4  # fewer short lines under a byline are rather a short story's paragraphs
MAX_VERSE_CHARS = 20
_VERSE_KINDS = (LineKind.TITLE, LineKind.BODY)


def _mark_verse(lines: list[Line]) -> None:
    """A poem: under its title and author (`信江谣` / `□ 叶 舟`), a run of short lines that
    mostly end without punctuation. Each is a verse line (a paragraph of its own), not a title
    and not half of a broken sentence. When the next piece's byline follows the run, its last
    line (and a `——` line above that) is that piece's title, not verse."""
    k = 1
    while k < len(lines):
        if not (lines[k].kind == LineKind.BYLINE and lines[k - 1].kind == LineKind.TITLE):
            k += 1
            continue
        end = k + 1
        while end < len(lines) and lines[end].kind in _VERSE_KINDS and _verse_like(lines[end].text):
            end += 1
        run = lines[k + 1 : end]
        if end < len(lines) and lines[end].kind in _OPENING_KINDS and run:
            titled = 2 if len(run) >= 2 and _is_subheadline(run[-1].text) else 1
            run = run[:-titled]
        unpunctuated = sum(1 for line in run if not ends_sentence(line.text))
        if len(run) >= MIN_VERSE_LINES and unpunctuated * 2 >= len(run) and not _column_width(run):
            for line in run:
                line.kind = LineKind.VERSE
        k = end


COLUMN_WIDTH_SHARE = 0.75


def _column_width(run: list[Line]) -> bool:
    """Most lines as long as the longest: prose extracted line by line from a narrow column,
    cut at the column's width. Verse lines end where the poet ends them, at varying lengths."""
    lengths = [len(compact(line.text)) for line in run]
    widest = max(lengths)
    return sum(1 for n in lengths if n >= widest - 1) >= COLUMN_WIDTH_SHARE * len(lengths)


def _verse_like(text: str) -> bool:
    """Short, and at most one clause: `停下来，数一数千年的帆`."""
    core = compact(text)
    return len(core) <= MAX_VERSE_CHARS and SENTENCE_END_INSIDE_RE.search(core, 0, len(core) - 1) is None


MIN_FIGURE_LINES = 3
_DIGIT_RE = re.compile(r"\d")


def _is_figure_list(titles: list[_Unit]) -> bool:
    """A headline over three or more lines that each give a figure (`规模以上工业增加值同比增长
    5.2%`): a data box, not a title block (a title has at most three lines)."""
    items = [text for unit in titles[1:] for text in unit.texts]
    # the figure is in the wording, not in an item's number (`1.加强管网改造` is an intertitle)
    return len(items) >= MIN_FIGURE_LINES and all(_DIGIT_RE.search(text, numbering(text)) for text in items)


def _units(lines: list[Line], merge_adjacent: bool) -> list[_Unit]:
    """Group title lines: adjacent lines (no blank between) are one unit, e.g. a two-line
    intertitle `党建统筹定方向` / `群众琐事放心坎`. A dash opens a subheadline: a unit of its own."""
    units: list[_Unit] = []
    for line in lines:
        column = line.kind == LineKind.COLUMN
        if (
            merge_adjacent
            and units
            and line.gap == 0
            and units[-1].column == column
            and not _is_subheadline(line.text)
        ):
            units[-1].texts.append(line.text)
            units[-1].lines.append(line.no)
        else:
            units.append(_Unit([line.text], [line.no], column))
    return units


def _is_subheadline(text: str) -> bool:
    return text.startswith(("—", "－", "--"))


def _shape(text: str) -> tuple[bool, bool, int]:
    """What makes intertitles of one story alike: a colon form, a two-part form, the length."""
    return ("：" in text or ":" in text, " " in text.strip(), len(compact(text)))


def _series(members: list[Line]) -> list[list[Line]]:
    """Caption lines split into the pictures of a numbered series (`①…` `②…`); one group when
    the captions are not numbered."""
    groups: list[list[Line]] = []
    for line in members:
        if not groups or _SERIES_MARK_RE.match(line.text):
            groups.append([line])
        else:
            groups[-1].append(line)
    if len(groups) > 1 and not _SERIES_MARK_RE.match(groups[0][0].text):
        return [members]  # text before the first number: one caption that mentions ①②
    return groups if len(groups) > 1 else [members]


def _mark_uncredited_captions(lines: list[Line], image_gap: int) -> None:
    """A short sentence standing alone after an image gap, with a title right under it, is the
    caption of that picture, even without a credit (`工作人员在换热站内检修设备。`): prose runs
    on into more prose, it does not end a one-sentence paragraph at a picture."""
    for k in range(1, len(lines) - 1):
        line, before, after = lines[k], lines[k - 1], lines[k + 1]
        if (
            line.kind == LineKind.BODY
            and line.gap >= image_gap
            and after.kind == LineKind.TITLE
            and after.gap < image_gap
            and ends_sentence(before.text)
            and len(compact(line.text)) <= MAX_UNCREDITED_CAPTION_CHARS
            and ends_sentence(line.text)
            and SENTENCE_END_INSIDE_RE.search(line.text, 0, len(line.text) - 1) is None
        ):
            line.kind = LineKind.CAPTION


def _own_credits(members: list[Line]) -> list[tuple[Line, bylines.CaptionParts]]:
    """The caption lines of a photo run that print a photographer's credit of their own (names,
    not a stock `资料图片`, and words besides it)."""
    out = []
    for line in members:
        if line.kind != LineKind.CAPTION:
            continue
        parts = bylines.split_caption(line.text)
        if parts is not None and parts.names and parts.text:
            out.append((line, parts))
    return out


def _caption_text(members: list[Line]) -> str:
    """Caption words of a multi-line caption: its paragraphs repaired, `▲` marks dropped."""
    paragraphs: list[list[str]] = []
    for line in members:
        text = line.text
        if line.kind == LineKind.CAPTION:
            parts = bylines.split_caption(text)
            # A member that is only a credit (`资料图` over the run's own credit line) keeps its
            # words as printed: read as a credit, they would be on no field.
            text = parts.text if parts is not None and parts.text else text
        mark = _SERIES_MARK_RE.match(text)
        if mark is not None and mark.end() < len(text):
            text = text[mark.end() :]  # the series number is a mark, like `▲`
        if paragraphs and continues(paragraphs[-1][-1], text):
            paragraphs[-1].append(text)
        else:
            paragraphs.append([text])
    return "\n".join(join_fragments(p) for p in paragraphs if any(p))


def _starts_mid_sentence(text: str) -> bool:
    """The first paragraph of a story begins inside a sentence printed on another page."""
    return text[0] in _MID_SENTENCE_START or (text[0] not in OPENERS and unmatched_closer_first(text))


def _finish(draft: _Draft) -> ParsedArticle:
    blocks = [Block(kind, _block_text(kind, para)) for kind, para in draft.blocks]
    blocks = [b for b in blocks if b.text]
    article = ParsedArticle(
        kicker=draft.title.kicker,
        headline=draft.title.headline,
        subheadline=draft.title.subheadline,
        byline=list(draft.names),
        byline_text=" ".join(draft.byline_pieces),
        source=draft.source,
        section=draft.section,
        blocks=blocks,
        captions=draft.captions,
        lines=sorted(draft.lines),
        continued=draft.continued,
    )
    article.warnings = article_warnings(article, photo=draft.photo)
    return article


def _block_text(kind: BlockKind, para: _Para) -> str:
    if kind == BlockKind.PARAGRAPH:
        return join_fragments(para.parts)
    if kind == BlockKind.INTERTITLE:
        return clean_title(para.parts[0])
    return normalize_title(para.parts[0])  # a jump line as printed: `【转A4版】`


def article_warnings(article: ParsedArticle, *, photo: bool) -> list[Warning]:
    """What an editor should check in an article as it stands (also after a correction:
    ingest/corrections.py). ``photo``: the article was read as a photo story."""
    warnings: list[Warning] = []
    if not article.headline:
        warnings.append(Warning.NO_HEADLINE)
    if not article.byline and not article.byline_text and not article.source:
        warnings.append(Warning.NO_BYLINE)
    if article.continued:
        warnings.append(Warning.CONTINUED_FRAGMENT)
    body_chars = sum(len(p) for p in article.paragraphs)
    if photo or (not article.blocks and article.captions):
        warnings.append(Warning.PHOTO_ONLY)
    elif body_chars < MIN_BODY_CHARS:
        warnings.append(Warning.TOO_SHORT)
    if body_chars > MAX_BODY_CHARS:
        warnings.append(Warning.TOO_LONG)
    return warnings


def prepare_lines(text: str) -> list[Line]:
    """The page's lines, classified, with the marks only the page as a whole shows: the page
    header, titles promoted over bylines, verse, uncredited captions."""
    lines = classify_page(text)
    _mark_page_header(lines)
    _promote_titles(lines)
    _mark_verse(lines)
    _mark_uncredited_captions(lines, image_gap_of(lines))
    return lines


MODE = "choose"  # "rules", "learned" (every page from the labels) or "choose" (per page)
# The rules keep a page unless they run on over a story start the labeller is sure of, or the
# labeller finds their reading clearly less likely than its own (log-probability gap).
SURE_START = 0.9
MIN_MISSED_STARTS = 1
RULES_SLACK = 3.0
# a short page's few lines say little about its paper's style: there the gap must be wider and
# the labeller sure of every story start it reads
SHORT_PAGE_LINES = 20
SHORT_PAGE_SLACK = 10.5
# where the rules sign at least this share of the stories they read, and the labeller is sure
# of no start they missed nor finds more new starts than it merges away, the rules keep the page
SIGNED_SHARE = 0.75
NEAR_START_LINES = 2
# ... unless the labeller reads this many of their stories into others (a package of reports)
PACKAGE_STORIES = 4


def split_page(text: str) -> Page:
    """Split the extracted text of one page into articles and furniture."""
    lines = prepare_lines(text)
    labels = learned.label_lines(lines) if MODE != "rules" else None
    if labels is None:
        return _Splitter(lines).run()
    rules_page = _Splitter(lines).run()
    rules_labels = page_labels(rules_page, lines)
    if MODE == "learned":
        return _from_labels(lines, labels, rules_labels, rules_page)
    if labels.labels == rules_labels:  # the same reading: the rules' page keeps their conventions
        return rules_page
    if _missed_starts(rules_page, lines, rules_labels, labels) >= MIN_MISSED_STARTS:
        return _from_labels(lines, labels, rules_labels, rules_page)
    new_starts = _net_new_starts(rules_labels, labels.labels)
    if new_starts > 0 and (len(lines) >= SHORT_PAGE_LINES or _sure_reading(labels)):
        # more stories found than merged away: the rules ran on somewhere (a short page's few
        # lines say little: there the labeller must be sure of every start it reads)
        return _from_labels(lines, labels, rules_labels, rules_page)
    if _signed_share(rules_page) >= SIGNED_SHARE and new_starts > -PACKAGE_STORIES:
        # the rules sign most stories they read as a regional paper does (`本报讯（记者…）`,
        # closing names, a source): a page in the style they were written for, where the
        # labeller, sure of no start they missed, disagrees on what it learned from a national
        # daily (column labels as kickers, signed items as one story, a paper's own marks).
        # Unless it reads many of their signed stories as one: a package of reports under one
        # headline, each signed by its reporter
        return rules_page
    own = labels.log_probability
    # a page so long that its best labelling underflows: nothing to compare, the rules keep it
    gap = own - labels.log_probability_of(rules_labels) if own != float("-inf") else 0.0
    if len(lines) >= SHORT_PAGE_LINES and gap > RULES_SLACK or gap > SHORT_PAGE_SLACK and _sure_reading(labels):
        return _from_labels(lines, labels, rules_labels, rules_page)
    return rules_page


def _from_labels(lines: list[Line], labels: learned.Labels, rules_labels: list[str], rules_page: Page) -> Page:
    """The page built from the labels, each candidate story start decided again by
    :mod:`ingest.starts` (the labeller's own labels where its model is missing), which also
    reads the rules' labels of the page; then the title lines the labels read apart put
    together again (:func:`ingest.assemble.repair_title_labels`); on a regional paper's page,
    the rules' reading of each story both read alike (:func:`_regional_conventions`)."""
    corrected = starts.correct_labels(lines, labels.labels, labels.marginals(starts.LABEL_ORDER), rules_labels)
    own, confidence = corrected if corrected is not None else (labels.labels, labels.confidence)
    return _regional_conventions(build_page(lines, repair_title_labels(lines, own), confidence), rules_page)


def _regional_conventions(page: Page, rules_page: Page) -> Page:
    """Where the rules sign a page's stories the way a regional paper signs them (SIGNED_SHARE)
    and the labels still build it (they found a start the rules ran over), each story the labels
    read on exactly the lines the rules read it on is the rules' story: the page is in the style
    the rules were written for, its closing names a byline (`（通讯员 虎 静）`), a photo story's
    words its caption and the credit its byline, a colon's place its kicker — where the labels
    keep a national daily's conventions, every line of a story as printed."""
    if _signed_share(rules_page) < SIGNED_SHARE:
        return page
    theirs = {frozenset(a.lines): a for a in rules_page.articles if a.lines}
    articles = [theirs.get(frozenset(a.lines), a) for a in page.articles]
    if all(new is old for new, old in zip(articles, page.articles)):
        return page
    return replace(page, articles=articles)


# a national daily's or an agency's dateline (`本报北京2月2日电 （记者…）`, `新华社…电`): its
# stories are signed too, but not in the regional way the rules were written for
_WIRE_DATELINE_RE = re.compile(traditional.pattern(r"\d{1,2}月\d{1,2}日电|电\s*[（(]|新华社"))


def _signed_share(page: Page) -> float:
    """The share of a page's stories signed the way a regional paper signs them: names (a
    `本报讯（记者…）` lead, a byline line, closing names) other than under a national daily's or
    an agency's dateline, or a source line."""
    if not page.articles:
        return 0.0
    signed = sum(
        1 for a in page.articles if (a.byline and not _WIRE_DATELINE_RE.search(a.byline_text)) or a.source
    )
    return signed / len(page.articles)


def _net_new_starts(ruled: list[str], labelled: list[str]) -> int:
    """Story starts the labeller finds that the rules have nowhere near (within
    ``NEAR_START_LINES``: a kicker or a headline line is the same start), less the rules'
    starts it has nowhere near."""
    ours = [k for k, label in enumerate(labelled) if label == corpus.START]
    theirs = [k for k, label in enumerate(ruled) if label == corpus.START]
    near_ours = {j for k in ours for j in range(k - NEAR_START_LINES, k + NEAR_START_LINES + 1)}
    near_theirs = {j for k in theirs for j in range(k - NEAR_START_LINES, k + NEAR_START_LINES + 1)}
    return sum(1 for k in ours if k not in near_theirs) - sum(1 for k in theirs if k not in near_ours)


def _sure_reading(labels: learned.Labels) -> bool:
    """Whether the labeller is sure of every story start it reads (asked of a short page, whose
    few lines say little about its paper's style)."""
    starts = [sure for label, sure in zip(labels.labels, labels.confidence) if label == corpus.START]
    return all(sure >= SURE_START for sure in starts)


def _missed_starts(page: Page, lines: list[Line], ruled: list[str], labels: learned.Labels) -> int:
    """Story starts the labeller is sure of that the rules ran on over. A column label right
    over a start the rules saw is the same start; a line inside a story the rules saw closed by
    a source or edition line (`据《山西日报》`, `《 光明日报 》（ … 03 版）`) is that story's
    own subheading: where every story ends with such a line, the rules see every end."""
    signed_lines = {no for a in page.articles if a.source for no in a.lines}
    story_of = {no: i for i, a in enumerate(page.articles) for no in a.lines}
    siblings: dict[int, set] | None = None  # built on the first candidate: most pages have none
    missed = 0
    for k, (label, sure) in enumerate(zip(labels.labels, labels.confidence)):
        if label != corpus.START or sure < SURE_START or ruled[k] == corpus.START:
            continue
        if k + 1 < len(ruled) and ruled[k + 1] == corpus.START:
            continue
        if lines[k].no in signed_lines:
            continue
        if siblings is None:
            siblings = _subheading_shapes(lines, labels.labels, story_of)
        story = story_of.get(lines[k].no)
        if story in siblings and _shaped_like(_subhead_shape(lines[k].text), siblings[story]):
            # printed like the lines the labeller itself reads as this story's subheadings
            continue
        missed += 1
    return missed


_SUBHEAD_PARTS_RE = re.compile(r"[\s，,、]+")
_NOT_MARKS = "“‘「『（(《〈\"'"  # a quotation or a title opens a line; it marks nothing


def _subhead_shape(text: str) -> tuple[str, int, int]:
    """What the subheadings of one story share: the mark they open with (`【`, `●`, `■`), how
    many parts a space or comma cuts them into, and about their length."""
    text = text.strip()
    first = text[:1]
    mark = first if first and not (first.isalnum() or first in _NOT_MARKS or _HAS_CJK_RE.match(first)) else ""
    parts = len([p for p in _SUBHEAD_PARTS_RE.split(text) if p])
    return mark, parts, len(compact(text)) // 4


def _subheading_shapes(lines: list[Line], labels: list[str], story_of: dict[int, int]) -> dict[int, set]:
    """The shapes of the lines the labeller reads as subheadings, by the rules' story they are in."""
    shapes: dict[int, set] = {}
    for line, label in zip(lines, labels):
        story = story_of.get(line.no)
        if label == corpus.INTERTITLE and story is not None:
            shapes.setdefault(story, set()).add(_subhead_shape(line.text))
    return shapes


def _shaped_like(shape: tuple[str, int, int], siblings: set) -> bool:
    """Whether a line of ``shape`` is printed like one of ``siblings`` (subheadings of one story
    are printed alike: the same opening mark, or the same parts and about the same length)."""
    mark, parts, size = shape
    for other_mark, other_parts, other_size in siblings:
        if mark and mark == other_mark:
            return True
        if not mark and not other_mark and parts >= 2 and parts == other_parts and abs(size - other_size) <= 1:
            return True
    return False


def _title_key(text: str) -> str:
    return compact(text).replace("：", "").replace(":", "")


def page_labels(page: Page, lines: list[Line]) -> list[str]:
    """The line labels (:data:`ingest.corpus.LABELS`) a split page implies."""
    label_of: dict[int, str] = {}
    text_of = {line.no: line.text for line in lines}
    for article in page.articles:
        # (colons out: a place split off a title line as its kicker leaves its colon behind,
        # `仁怀市：酱香白酒…` → 仁怀市 | 酱香白酒…)
        title = _title_key("".join((article.kicker, article.headline, article.subheadline)))
        inter = {compact(t) for t in article.intertitles}
        section = compact(article.section)
        done = ""
        started = False
        for no in article.lines:
            s = compact(text_of.get(no, ""))
            key = _title_key(s)
            if not started and section and s == section and not title.startswith(key):
                label_of[no] = corpus.FURNITURE
            elif title and len(done) < len(title) and key and title[len(done) :].startswith(key):
                label_of[no] = corpus.TITLE if started else corpus.START
                done += key
                started = True
            elif not started:
                label_of[no] = corpus.START
                started = True
            elif s in inter:
                label_of[no] = corpus.INTERTITLE
            else:
                label_of[no] = corpus.BODY
    return [label_of.get(line.no, corpus.FURNITURE) for line in lines]
