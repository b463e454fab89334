"""Find photo stories and multi-line captions by walking back from a lone photo credit.

A photo credit on a line of its own (`记者 张文慧 摄`) closes the text of a picture. What precedes
it decides what it is:

* a short title set off by an image gap (several blank lines) and some text: a photo story with a
  headline (`市区龙凤南大街一角` + text + credit);
* two or more paragraphs after an image gap, no title: a photo story without a headline;
* one paragraph: the caption of the picture in the story around it;
* nothing usable: a credit with no caption words.

The extractor leaves a run of blank lines where it skipped an image, so ``gap >= IMAGE_GAP`` is
the mark of a picture's edge. It is only used here, where a credit confirms a picture is near.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ingest.chars import ends_sentence
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
    gaps = sorted(line.gap for line in lines[1:])
    return gaps[len(gaps) // 2] if gaps else 0


def find_photo_runs(lines: list[Line]) -> dict[int, PhotoRun]:
    """Photo runs keyed by their first line index.

    An image gap is a gap wider than the page's usual one (one blank line in most extractions);
    on a page without blank lines there is no image gap, and a short title-headed run before a
    credit is taken as a photo story on its own.
    """
    usual = typical_gap(lines)
    image_gap = max(IMAGE_GAP, usual + 1)
    dense = usual == 0
    runs: dict[int, PhotoRun] = {}
    taken_until = -1
    for c, line in enumerate(lines):
        if line.kind != LineKind.CREDIT:
            continue
        k = c - 1
        members: list[int] = []
        head: int | None = None
        while k > taken_until:
            prev = lines[k]
            if prev.kind in (LineKind.BODY, LineKind.CAPTION):
                members.append(k)
                if prev.gap >= image_gap:
                    break
                k -= 1
                continue
            if prev.kind == LineKind.TITLE and members:
                head = k
            break
        members.reverse()
        if not members:
            continue
        text_lines = [lines[m] for m in members]
        paragraphs = _paragraph_count(text_lines)
        if paragraphs > MAX_PHOTO_PARAGRAPHS:
            run = _last_paragraph_caption(lines, members, c, image_gap)
        elif head is not None and (
            _set_apart(lines, head, image_gap) or (dense and paragraphs <= DENSE_PHOTO_PARAGRAPHS)
        ):
            run = PhotoRun(RunKind.STORY, head, c, True)
        elif lines[members[0]].gap >= image_gap and paragraphs >= 2 and head is None:
            run = PhotoRun(RunKind.STORY, members[0], c, False)
        else:
            run = _last_paragraph_caption(lines, members, c, image_gap)
        if run is not None:
            runs[run.start] = run
            taken_until = c
    return runs


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
