"""Find photo stories and multi-line captions by walking back from a lone photo credit.

A photo credit on a line of its own (`记者 张文慧 摄`) closes the text of a picture. What precedes
it decides what it is:

* a short title set off by an image gap (several blank lines) and some text: a photo story with a
  headline (`市区龙凤南大街一角` + text + credit); so is a title with the picture right under it
  (title, image gap, text, credit) when no prose follows the credit, even right under a brief;
* two or more paragraphs after an image gap, no title: a photo story without a headline;
* a title over one short paragraph, with the next story's title (or the page's end) under the
  credit: a photo story, even right under an open story's prose (nothing is left for an
  intertitle to head);
* one short paragraph right after a story's closing line (`（记者 马 骁）`, `据《…》`, a jump):
  a photo story without a headline, not a caption of the story that is over;
* one paragraph otherwise: the caption of the picture in the story around it — unless it tells
  an event of its own (it opens with its day or a `▲`), right under the story's last finished
  paragraph, with the next story (or the page's end) under the credit and hardly a word in common
  with the story above: a picture set between two stories, a photo story without a headline;
* a title right above the credit and nothing else: with the picture between them (an image gap)
  a photo story with no caption words (a cartoon: `“指尖上的形式主义”` … `王  成 作`); without,
  a chart title and its credit (`…收入构成` / `制图：高  远`), a caption of the story around it;
* nothing usable: a credit with no caption words.

The picture often sits between a photo story's headline and its caption: the image gap is then
above the caption, and the title just above that gap is still the headline. A lone `资料图片`
right under caption words (no image gap between) closes them like a credit.

The extractor leaves a run of blank lines where it skipped an image, so ``gap >= IMAGE_GAP`` is
the mark of a picture's edge. It is only used here, where a credit confirms a picture is near.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ingest import bylines
from ingest.chars import cjk_pairs, ends_sentence
from ingest.lines import Line, LineKind

IMAGE_GAP = 2  # at least this many blank lines mark where an image was skipped
MAX_PHOTO_PARAGRAPHS = 4  # a photo story's text is short; longer runs are ordinary stories
MAX_CAPTION_CHARS = 160
SHORT_CAPTION_CHARS = 60
DENSE_PHOTO_PARAGRAPHS = 2  # without image gaps, only a short run under a title is a photo story


class RunKind(StrEnum):
    STORY = "story"  # a photo story of its own
    CAPTION = "caption"  # caption lines of the current story


@dataclass(frozen=True)
class PhotoRun:
    kind: RunKind
    start: int  # index into the line list: the headline (stories) or first caption line
    credit: int  # index of the credit line
    has_headline: bool


def _paragraph_count(lines: list[Line]) -> int:
    count = 0
    previous: Line | None = None
    for line in lines:
        if previous is None or ends_sentence(previous.text) or line.kind == LineKind.CAPTION:
            count += 1
        previous = line
    return count


def typical_gap(lines: list[Line]) -> int:
    """The page's usual number of blank lines between two lines (its median gap)."""
    gaps = sorted([line.gap for line in lines[1:]])
    return gaps[len(gaps) // 2] if gaps else 0


def image_gap_of(lines: list[Line]) -> int:
    """How many blank lines mark a skipped image on this page: more than its usual gap."""
    return max(IMAGE_GAP, typical_gap(lines) + 1)


def is_stock_credit(line: Line) -> bool:
    """A lone `资料图片` / `新华社发` line: a credit without a name."""
    if line.kind != LineKind.CAPTION:
        return False
    parts = bylines.split_caption(line.text)
    return parts is not None and not parts.text and bool(parts.credit) and not parts.names


def _closes_picture(lines: list[Line], c: int, image_gap: int) -> bool:
    """A credit line; or a lone stock credit right under caption words (with an image gap above
    it, the stock line captions the picture there, not the text before it)."""
    line = lines[c]
    if line.kind == LineKind.CREDIT:
        return True
    return line.gap < image_gap and c > 0 and lines[c - 1].kind == LineKind.BODY and is_stock_credit(line)


def find_photo_runs(lines: list[Line]) -> dict[int, PhotoRun]:
    """Photo runs keyed by their first line index.

    An image gap is a gap wider than the page's usual one (one blank line in most extractions);
    on a page without blank lines there is no image gap, and a short title-headed run before a
    credit is taken as a photo story on its own.
    """
    usual = typical_gap(lines)
    image_gap = image_gap_of(lines)
    dense = usual == 0
    runs: dict[int, PhotoRun] = {}
    taken_until = -1
    for c, line in enumerate(lines):
        if not _closes_picture(lines, c, image_gap):
            continue
        k = c - 1
        members: list[int] = []
        head: int | None = None
        picture_under_head = False  # the image gap is between the title and the caption words
        while k > taken_until:
            prev = lines[k]
            if prev.kind in (LineKind.BODY, LineKind.CAPTION):
                members.append(k)
                if prev.gap >= image_gap:
                    # the picture is above the caption: a title right above it is the headline
                    if k - 1 > taken_until and lines[k - 1].kind == LineKind.TITLE:
                        head = k - 1
                        picture_under_head = True
                    break
                k -= 1
                continue
            if prev.kind == LineKind.TITLE and members:
                head = k
            break
        members.reverse()
        if not members:
            run = _title_over_credit(lines, c, taken_until, image_gap)
            if run is not None:
                runs[run.start] = run
                taken_until = c
            continue
        text_lines = [lines[m] for m in members]
        paragraphs = _paragraph_count(text_lines)
        if paragraphs > MAX_PHOTO_PARAGRAPHS:
            run = _last_paragraph_caption(lines, members, c, image_gap)
        elif head is not None and (
            _set_apart(lines, head, image_gap)
            or (dense and paragraphs <= DENSE_PHOTO_PARAGRAPHS)
            # title, picture, caption words, credit, and no prose after: a photo story, even
            # right under a brief (an intertitle over a picture has its story go on below)
            or (picture_under_head and not _story_goes_on(lines, c))
            # a title over one short caption and its credit, with the next story (or the page's
            # end) under the credit: nothing is left for an intertitle to head
            or (paragraphs == 1 and _short(text_lines) and _next_story_follows(lines, c))
        ):
            run = PhotoRun(RunKind.STORY, head, c, True)
        elif lines[members[0]].gap >= image_gap and paragraphs >= 2 and head is None:
            run = PhotoRun(RunKind.STORY, members[0], c, False)
        elif (
            head is None and paragraphs == 1 and _short(text_lines)
            and _after_story_end(lines, members[0], taken_until)
        ):
            # a dated caption right after a story's closing line (`（记者 马 骁）`): a picture
            # of its own, headless, not the closed story's caption
            run = PhotoRun(RunKind.STORY, members[0], c, False)
        else:
            run = _last_paragraph_caption(lines, members, c, image_gap)
            if run is not None and head is None and _picture_of_its_own(lines, members, run.start, c):
                run = PhotoRun(RunKind.STORY, run.start, c, False)
        if run is not None:
            runs[run.start] = run
            taken_until = c
    return runs


# A caption that tells its own event opens with its day (`1月12日，…`) or a picture mark.
_OWN_EVENT_RE = re.compile(r"^[▲△]?\s*(?:\d{1,2}月\d{1,2}日|[▲△])")
# The share of a caption's character pairs found in the story above it, below which the picture
# is not that story's: a caption illustrating its story names what the story is about.
MAX_OWN_PICTURE_OVERLAP = 0.2


def _picture_of_its_own(lines: list[Line], members: list[int], start: int, credit: int) -> bool:
    """A dated caption and its credit after a story's last finished paragraph, with the next
    story (or the page's end) under the credit and hardly a word in common with the story above:
    a picture placed between two stories, a photo story without a headline, not the caption of
    the story above it (`▲1月12日，游客在…放风筝。` | `本报记者 X 摄` under a story on shopping)."""
    caption = [m for m in members if m >= start]
    story = [m for m in members if m < start]
    if not story or not caption or not _next_story_follows(lines, credit):
        return False
    if not _OWN_EVENT_RE.match(lines[caption[0]].text.strip()) or not ends_sentence(lines[story[-1]].text):
        return False
    pairs = cjk_pairs("".join(lines[m].text for m in caption))
    if not pairs:
        return False
    above = "".join(lines[m].text for m in story)
    return sum(1 for p in pairs if p in above) / len(pairs) < MAX_OWN_PICTURE_OVERLAP


_STORY_END_KINDS = (LineKind.PAREN, LineKind.SOURCE, LineKind.JUMP)
_NEXT_STORY_KINDS = (LineKind.TITLE, LineKind.COLUMN)


def _short(text_lines: list[Line]) -> bool:
    return sum(len(line.text) for line in text_lines) <= MAX_CAPTION_CHARS


def _next_story_follows(lines: list[Line], c: int) -> bool:
    """Under the credit: a title (the next story) or nothing but furniture to the page's end."""
    for line in lines[c + 1 :]:
        if line.kind == LineKind.FURNITURE:
            continue
        return line.kind in _NEXT_STORY_KINDS
    return True


def _after_story_end(lines: list[Line], first: int, taken_until: int) -> bool:
    """The line above closes a story: its closing byline, its source or a jump to another page."""
    return first > 0 and first - 1 > taken_until and lines[first - 1].kind in _STORY_END_KINDS


def _story_goes_on(lines: list[Line], c: int) -> bool:
    """Prose right under the credit: the picture sits inside a story that continues."""
    return c + 1 < len(lines) and lines[c + 1].kind == LineKind.BODY


def _title_over_credit(lines: list[Line], c: int, taken_until: int, image_gap: int) -> PhotoRun | None:
    """A title right above a credit, no caption words: a cartoon (picture between them) or a
    chart title (no picture between: the chart is under its credit)."""
    if lines[c].kind != LineKind.CREDIT or c - 1 <= taken_until or lines[c - 1].kind != LineKind.TITLE:
        return None
    # a chart sits inside a story: its prose goes on under the credit
    if lines[c].gap >= image_gap or not _story_goes_on(lines, c):
        return PhotoRun(RunKind.STORY, c - 1, c, True)
    return PhotoRun(RunKind.CAPTION, c - 1, c, False)


def _set_apart(lines: list[Line], head: int, image_gap: int) -> bool:
    """A photo headline stands after an image gap or after a story's closing line."""
    if lines[head].gap >= image_gap or head == 0:
        return True
    return lines[head - 1].kind in (LineKind.PAREN, LineKind.SOURCE, LineKind.CREDIT, LineKind.CAPTION)


def _last_paragraph_caption(lines: list[Line], members: list[int], credit: int, image_gap: int) -> PhotoRun | None:
    """The paragraph right above the credit is its caption when it is short."""
    start = len(members) - 1
    while start > 0 and not ends_sentence(lines[members[start - 1]].text):
        start -= 1
    chars = sum(len(lines[m].text) for m in members[start:])
    if chars > MAX_CAPTION_CHARS:
        return None
    # without an image gap above it, only a short line is surely a caption and not the story's
    # own last paragraph
    if lines[members[start]].gap < image_gap and chars > SHORT_CAPTION_CHARS:
        return None
    return PhotoRun(RunKind.CAPTION, members[start], credit, False)
