"""A second look at where stories start: gradient-boosted trees over the labeller's candidates.

The line labeller (:mod:`ingest.learned`) sees each line with its neighbours' shapes; what it
misses most is whether a short line opens a new story or a section of the same one (a
subheading read as a start, a start read as a subheading). This stage asks that again of every
*candidate* line — one the labeller reads as a start or a subheading, or as body with some
chance of being a start — with what the labeller's line features cannot say:

* the labeller's own marginals for the line and the two lines either side;
* whether the text below carries on the text above (Chinese character pairs shared between the
  paragraphs above the candidate and those below it, and between the story so far and below);
* whether the paragraph above ended a story (closing punctuation, a bracketed end note);
* how far the last and next story starts are, how much text and how many subheadings since;
* how the line compares with the lines the labeller is sure are this page's headlines and with
  those it is sure are subheadings (length, opening mark), and its numbering;
* whether it or the line under it ends with a column tag (`（…·…）`), whether it names a place,
  how many short unfinished lines run on from it (a title block);
* how the rules (:mod:`ingest.splitter`) read it and the lines either side of it (start, title,
  subheading, body): they know bylines, datelines, credits and a regional page's titles, which
  the labeller learned from one national daily.

A LightGBM model (``ingest/data/splitter_starts.txt``, written by ``scripts/train_splitter.py``
from the labeller's held-out readings of the corpus) gives each candidate a probability of
being a story start. A second pass (fifth session; its model follows the first's in the same
file, after :data:`SECOND_PASS_MARK`) reads every candidate again with the same features taken
over the labels the first pass leaves (where the last and next story start now are, the story
so far, the text above and below) and the first pass's probabilities for it and for the
candidates either side; it learns from first-pass probabilities of pages that first pass never
saw. :func:`correct_labels` turns starts below :data:`THRESHOLD` into subheadings and
candidates above it into starts (a file of one pass is read as before). Only labels change:
every line still goes to exactly one article or to the furniture
(:func:`ingest.assemble.build_page`). The model is read once per process on first use; without
it (or without lightgbm) the labels stay as they are. Plain Python, no Django.
"""

from __future__ import annotations

import bisect
import logging
import re
import statistics
import threading
from collections import Counter
from pathlib import Path

from ingest import corpus
from ingest.chars import cjk_pairs, ends_sentence
from ingest.lines import Line, LineKind, is_place, numbering
from ingest.titles import is_place_name

MODEL_PATH = Path(__file__).resolve().parent / "data" / "splitter_starts.txt"
LABEL_ORDER = (corpus.START, corpus.TITLE, corpus.INTERTITLE, corpus.BODY, corpus.FURNITURE)
THRESHOLD = 0.25  # chosen on inner splits of the training days (docs/SPLITTER.md)
MIN_BODY_START = 0.05  # a line read as body is a candidate when its start marginal is this high
SURE = 0.9  # "sure headlines" and "sure subheadings" of the page: marginal at least this

_KINDS = [k.value for k in LineKind]
_PARTS_RE = re.compile(r"[\s，,、]+")
_CLOSING = "。！？!?”」』…）)】"
BLOCK_CHARS = 400  # how much text above and below a candidate is compared
BLOCK_LINES = 6
STORY_PAIR_CHARS = 120  # of each paragraph of the story so far, its opening
NEAR = (-2, -1, 0, 1, 2)

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_booster = None
_missing = False


SHORT_LINE_CHARS = 45
_TAG_END_RE = re.compile(r"[（(【][^（）()【】]{1,24}[）)】]$")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def candidates(labels: list[str], marginals: list[tuple[float, ...]]) -> list[int]:
    """Lines whose start-or-not is asked again: read as a start or a subheading, or as body
    with some chance of being a start."""
    return [
        k
        for k, label in enumerate(labels)
        if label in (corpus.START, corpus.INTERTITLE) or (label == corpus.BODY and marginals[k][0] >= MIN_BODY_START)
    ]


class _PagePairs:
    """The Chinese character pairs of a page's lines, each computed once a page (both passes of
    the stage read the same lines): a line's, its opening's, and those of blocks of lines."""

    def __init__(self, lines: list[Line]) -> None:
        self.cores = [("".join(line.text.split())) for line in lines]
        self.full: dict[int, set[str]] = {}
        self.head: dict[int, set[str]] = {}
        self.blocks: dict[tuple[int, ...], set[str]] = {}

    def line(self, k: int) -> set[str]:
        pairs = self.full.get(k)
        if pairs is None:
            pairs = self.full[k] = cjk_pairs(self.cores[k])
        return pairs

    def opening(self, k: int) -> set[str]:
        """Of the line's first STORY_PAIR_CHARS characters."""
        if len(self.cores[k]) <= STORY_PAIR_CHARS:
            return self.line(k)
        pairs = self.head.get(k)
        if pairs is None:
            pairs = self.head[k] = cjk_pairs(self.cores[k][:STORY_PAIR_CHARS])
        return pairs


class _Context:
    """What every candidate of one page is compared with, built once a page (nothing in it
    grows with the page's size per candidate: a whole newspaper glued into one page stays linear)."""

    def __init__(
        self,
        lines: list[Line],
        labels: list[str],
        marginals: list[tuple[float, ...]],
        pairs: _PagePairs | None = None,
    ) -> None:
        n = len(lines)
        self.pairs = pairs if pairs is not None and len(pairs.cores) == n else _PagePairs(lines)
        self.cores = self.pairs.cores
        self.last_start: list[int] = []
        self.chars_since: list[int] = []
        self.inter_since: list[int] = []
        # the story so far: each character pair of its paragraphs' openings, with the first line
        # it came in on (a line sees the pairs of the lines above it in its story)
        self.story_of: list[dict[str, int]] = []
        self.story_sizes: list[int] = []
        last, chars, inter, pairs = -1, 0, 0, {}
        for k in range(n):
            self.last_start.append(last)
            self.chars_since.append(chars)
            self.inter_since.append(inter)
            self.story_of.append(pairs)
            self.story_sizes.append(len(pairs))
            if labels[k] == corpus.START:
                last, chars, inter, pairs = k, 0, 0, {}
            else:
                chars += len(self.cores[k])
                if labels[k] == corpus.INTERTITLE:
                    inter += 1
                if labels[k] == corpus.BODY and self.cores[k]:
                    pairs.update(dict.fromkeys(self.pairs.opening(k).difference(pairs), k))
        self.next_start = [-1] * n
        nxt = -1
        for k in range(n - 1, -1, -1):
            self.next_start[k] = nxt
            if labels[k] == corpus.START:
                nxt = k
        self.sure_starts = {k for k in range(n) if marginals[k][0] >= SURE}
        self.sure_inters = {k for k in range(n) if marginals[k][2] >= SURE}
        self.start_sizes = sorted(len(self.cores[k]) for k in self.sure_starts)
        self.inter_sizes = sorted(len(self.cores[k]) for k in self.sure_inters)
        self.start_marks = Counter(self.cores[k][:1] for k in self.sure_starts)
        self.inter_marks = Counter(self.cores[k][:1] for k in self.sure_inters)
        self.candidates = candidates(labels, marginals)

    def line_pairs(self, k: int) -> set[str]:
        """Line ``k``'s Chinese character pairs (each line's once a page)."""
        return self.pairs.line(k)

    def block_pairs(self, block: list[int]) -> set[str]:
        """The pairs of lines ``block`` (in page order) read as one text: each line's, and the
        pair across each line break (each block's once a page: never changed by a caller)."""
        key = tuple(block)
        cached = self.pairs.blocks.get(key)
        if cached is not None:
            return cached
        out: set[str] = set()
        last = ""
        for k in block:
            text = self.cores[k]
            if not text:
                continue
            out |= self.line_pairs(k)
            if last and _is_cjk(last) and _is_cjk(text[0]):
                out.add(last + text[0])
            last = text[-1]
        self.pairs.blocks[key] = out
        return out

    def shared_with_story(self, k: int, pairs: set[str]) -> int:
        """How many of ``pairs`` the story above line ``k`` has had."""
        story = self.story_of[k]
        # Only the pairs the story has at all are looked at (the intersection is made in C):
        # most of a line's pairs are new to the story.
        return sum(1 for pair in pairs & story.keys() if story[pair] < k)


def _median_without(sizes: list[int], own: int | None) -> float | None:
    """The median of sorted ``sizes`` with one ``own`` taken out (None: nothing left), without
    copying the list."""
    if own is None:
        return statistics.median(sizes) if sizes else None
    at = bisect.bisect_left(sizes, own)
    m = len(sizes) - 1
    if m <= 0:
        return None

    def nth(i: int) -> int:
        return sizes[i] if i < at else sizes[i + 1]

    return float(nth(m // 2)) if m % 2 else (nth(m // 2 - 1) + nth(m // 2)) / 2


def _mark(core: str) -> str:
    first = core[:1]
    return first if first and not (first.isalnum() or "\u4e00" <= first <= "\u9fff") else ""


def candidate_features(
    lines: list[Line],
    labels: list[str],
    marginals: list[tuple[float, ...]],
    k: int,
    ctx: _Context,
    rules: list[str] | None = None,
) -> list[float]:
    """The numbers the trees read for candidate line ``k`` (the training command uses the same)."""
    n = len(lines)
    c = ctx.cores
    f: list[float] = []
    for d in NEAR:
        j = k + d
        if 0 <= j < n:
            f.extend(marginals[j])
            f.append(LABEL_ORDER.index(labels[j]))
        else:
            f.extend([-1.0] * 6)
    size = len(c[k])
    f.append(size)
    f.append(len(c[k - 1]) if k > 0 else -1)
    f.append(len(c[k + 1]) if k + 1 < n else -1)
    f.append(int(ends_sentence(c[k])) if c[k] else 0)
    f.append(int(ends_sentence(c[k - 1])) if k > 0 and c[k - 1] else -1)
    f.append(lines[k].gap)
    f.append(lines[k + 1].gap if k + 1 < n else -1)
    f.append(_KINDS.index(lines[k].kind.value))
    f.append(_KINDS.index(lines[k - 1].kind.value) if k > 0 else -1)
    f.append(_KINDS.index(lines[k + 1].kind.value) if k + 1 < n else -1)
    above_last = c[k - 1][-1:] if k > 0 else ""
    f.append(int(bool(above_last) and above_last in _CLOSING))
    above_line = c[k - 1] if k > 0 else ""
    f.append(int(above_line.startswith(("（", "(")) and above_line.endswith(("）", ")"))))
    # the paragraphs right above (back to a likely start) and right below (past the titles)
    above: list[int] = []
    above_chars, j = 0, k - 1
    while j >= 0 and above_chars < BLOCK_CHARS and k - j <= BLOCK_LINES:
        if labels[j] == corpus.START and marginals[j][0] > 0.5:
            break
        if labels[j] == corpus.BODY:
            above.append(j)
            above_chars += len(c[j])
        j -= 1
    below: list[int] = []
    below_chars, j = 0, k + 1
    while j < n and labels[j] in (corpus.TITLE, corpus.INTERTITLE) and j - k <= 3:
        j += 1
    while j < n and below_chars < BLOCK_CHARS and labels[j] == corpus.BODY:
        below.append(j)
        below_chars += len(c[j])
        j += 1
    a, b, own = ctx.block_pairs(above[::-1]), ctx.block_pairs(below), ctx.line_pairs(k)
    shared = len(a & b)
    f.extend((len(a), len(b), shared))
    f.append(shared / min(len(a), len(b)) if a and b else -1)
    f.append(shared / len(a | b) if a and b else -1)
    f.append(len(own & b) / len(own) if own else -1)
    f.append(len(own & a) / len(own) if own else -1)
    story = ctx.story_sizes[k] > 0
    f.append(ctx.shared_with_story(k, b) / len(b) if b and story else -1)
    f.append(ctx.shared_with_story(k, own) / len(own) if own and story else -1)
    last, nxt = ctx.last_start[k], ctx.next_start[k]
    f.append(k - last if last >= 0 else 999)
    f.append(nxt - k if nxt >= 0 else 999)
    f.append(ctx.chars_since[k])
    f.append(ctx.inter_since[k])
    # the page's sure headlines and sure subheadings, the candidate itself left out
    is_head, is_sub = k in ctx.sure_starts, k in ctx.sure_inters
    f.append(len(ctx.start_sizes) - is_head)
    f.append(len(ctx.inter_sizes) - is_sub)
    heads = _median_without(ctx.start_sizes, size if is_head else None)
    subs = _median_without(ctx.inter_sizes, size if is_sub else None)
    f.append(abs(size - heads) if heads is not None else -1)
    f.append(abs(size - subs) if subs is not None else -1)
    mark = _mark(c[k])
    f.append(int(bool(mark) and ctx.start_marks[mark] - (is_head and c[k][:1] == mark) > 0))
    f.append(int(bool(mark) and ctx.inter_marks[mark] - (is_sub and c[k][:1] == mark) > 0))
    f.append(int(bool(mark)))
    f.append(len([p for p in _PARTS_RE.split(lines[k].text.strip()) if p]))
    f.append(numbering(lines[k].text))
    f.append(k / max(1, n))
    f.append(n)
    f.append(len(ctx.candidates))
    # a title block: a column tag closing the line or the line under it (`（…·…）`),
    # a place over a headline, how many short lines run on from here
    f.append(int(bool(_TAG_END_RE.search(c[k]))))
    f.append(int(k + 1 < n and bool(_TAG_END_RE.search(c[k + 1]))))
    f.append(int(len(c[k]) <= 16 and (is_place(c[k]) or is_place_name(c[k]))))
    run = 0
    while k + run < n and run < 4 and 0 < len(c[k + run]) <= SHORT_LINE_CHARS and not ends_sentence(c[k + run]):
        run += 1
    f.append(run)
    # the rules' reading of the line and the line under it (what they know of bylines, leads,
    # credits and a regional page's titles): a second opinion the labeller never saw
    for j in (k - 1, k, k + 1):
        f.append(LABEL_ORDER.index(rules[j]) if rules is not None and 0 <= j < n and rules[j] in LABEL_ORDER else -1)
    return f


def page_rows(
    lines: list[Line],
    labels: list[str],
    marginals: list[tuple[float, ...]],
    rules: list[str] | None = None,
    pairs: _PagePairs | None = None,
) -> tuple[list[int], list[list[float]]]:
    """The candidate lines of a page and their features; ``rules`` the labels the rules' split
    of the page implies (:func:`ingest.splitter.page_labels`), when there is one."""
    ctx = _Context(lines, labels, marginals, pairs)
    if rules is not None and len(rules) != len(lines):
        rules = None
    return ctx.candidates, [candidate_features(lines, labels, marginals, k, ctx, rules) for k in ctx.candidates]


def relabel(
    labels: list[str], marginals: list[tuple[float, ...]], probability: dict[int, float], threshold: float = THRESHOLD
) -> tuple[list[str], list[float]]:
    """The labels with each candidate's start decided by ``probability`` (a start read as a
    subheading takes the title lines under it along), and each start's confidence."""
    out = list(labels)
    confidence = [marginals[k][0] if label == corpus.START else 1.0 for k, label in enumerate(labels)]
    for k, p in sorted(probability.items()):
        if p >= threshold and out[k] != corpus.START:
            was = out[k]
            out[k] = corpus.START
            confidence[k] = max(p, marginals[k][0])
            j = k + 1
            while was == corpus.INTERTITLE and j < len(out) and out[j] == corpus.INTERTITLE and j - k <= 2:
                # a subheading read as a start: the subheading lines right under it are its title
                out[j] = corpus.TITLE
                j += 1
        elif p < threshold and out[k] == corpus.START:
            out[k] = corpus.INTERTITLE
            confidence[k] = 1.0
            j = k + 1
            while j < len(out) and out[j] == corpus.TITLE:
                out[j] = corpus.INTERTITLE
                j += 1
    return out, confidence


SECOND_PASS_MARK = "\n#### second pass ####\n"  # between the two passes' models in one file


def second_pass_features(
    lines: list[Line],
    labels: list[str],
    marginals: list[tuple[float, ...]],
    rows: list[int],
    first: dict[int, float],
    rules: list[str] | None = None,
    pairs: _PagePairs | None = None,
) -> list[list[float]]:
    """The second pass's numbers for candidate lines ``rows`` (in page order): the first pass's
    features read again over the labels the first pass leaves (where the last and next story
    start now are, the story so far, the text above and below), with the first pass's
    probability for the line and for the candidates either side of it."""
    relabelled, _ = relabel(labels, marginals, first)
    ctx = _Context(lines, relabelled, marginals, pairs)
    if rules is not None and len(rules) != len(lines):
        rules = None
    out = []
    last = len(rows) - 1
    for j, k in enumerate(rows):
        f = candidate_features(lines, relabelled, marginals, k, ctx, rules)
        f.append(first[k])
        f.append(first[rows[j - 1]] if j else -1)
        f.append(first[rows[j + 1]] if j < last else -1)
        f.append(k - rows[j - 1] if j else 999)
        f.append(rows[j + 1] - k if j < last else 999)
        out.append(f)
    return out


def _model():  # type: ignore[no-untyped-def]
    global _booster, _missing
    if _booster is None and not _missing:
        with _lock:
            if _booster is None and not _missing:
                try:
                    _booster = _boosters(MODEL_PATH.read_text(encoding="utf-8"))
                except Exception as exc:  # noqa: BLE001 - no file, no lightgbm, or a file it cannot read
                    # Pages still split (by the labeller alone), but worse: say so once, loudly.
                    _log.warning("splitter: story-start stage off (%s: %s)", type(exc).__name__, exc)
                    _missing = True
    return _booster


def _boosters(text: str):  # type: ignore[no-untyped-def]
    """The first pass's model and the second's (None for a file of one pass)."""
    import lightgbm

    first, _, second = text.partition(SECOND_PASS_MARK)
    return lightgbm.Booster(model_str=first), (lightgbm.Booster(model_str=second) if second.strip() else None)


def use_model(text: str | None) -> None:
    """Replace the process's model (the training command scores fold models this way); None
    goes back to the committed file, "" switches the stage off."""
    global _booster, _missing
    with _lock:
        _booster, _missing = None, False
        if text == "":
            _missing = True
        elif text is not None:
            _booster = _boosters(text)


def correct_labels(
    lines: list[Line],
    labels: list[str],
    marginals: list[tuple[float, ...]] | None,
    rules: list[str] | None = None,
) -> tuple[list[str], list[float]] | None:
    """The labels with every candidate's story start decided again; None without a model
    (the caller keeps the labeller's own)."""
    if marginals is None or len(marginals) != len(labels) or not labels:
        return None
    boosters = _model()
    if boosters is None:
        return None
    first_booster, second_booster = boosters
    pairs = _PagePairs(lines)  # computed once for both passes
    rows, features = page_rows(lines, labels, marginals, rules, pairs)
    if not rows:
        return relabel(labels, marginals, {})
    try:
        predicted = first_booster.predict(features, num_threads=1)
        probability = {k: float(p) for k, p in zip(rows, predicted)}
        if second_booster is not None:
            # the second pass: each candidate read again among the first pass's decisions
            features = second_pass_features(lines, labels, marginals, rows, probability, rules, pairs)
            predicted = second_booster.predict(features, num_threads=1)
            probability = {k: float(p) for k, p in zip(rows, predicted)}
    except Exception as exc:  # noqa: BLE001 - a model that cannot read the page leaves the labels as they are
        _log.warning("splitter: story-start stage failed on a page (%s: %s)", type(exc).__name__, exc)
        return None
    return relabel(labels, marginals, probability)
