"""Carry an old page's hand corrections onto a new split of the page.

Two callers: an editor replaces a page with a corrected file (new lines, new split), and an admin
re-splits a page with a newer splitter (same lines, new split). In both, what an admin corrected
by hand must not be lost where the lines it was made on are unchanged, and must be shown where
they changed.

Lines are matched by their text (``difflib`` over the stripped lines; on a long page anchored on
lines unique in both texts first), so an inserted or deleted line elsewhere shifts numbers without
breaking the match. The unit of carrying is a *group*: old articles and new articles (and
furniture lines) whose lines overlap, closed under overlap. A group is carried when its old side
and new side cover exactly the same lines: then an admin's split, merge, moved lines, furniture
marks and field edits inside it all survive. A group whose lines changed takes the new split; the
old articles in it that had hand changes are reported as conflicts. Every non-blank line of the
new text ends in exactly one place, as after a split.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.model import Furniture, Page, ParsedArticle, page_to_dict

LINES_CHANGED = "lines_changed"
SPLIT_DIFFERS = "split_differs"

_REASONS = {
    LINES_CHANGED: "这篇文章的原文行在新文件中有改动，人工校正未能沿用",
    SPLIT_DIFFERS: "新的切分与校正后的切分不同，人工校正未能沿用",
}


@dataclass(frozen=True)
class Conflict:
    """An old article whose hand corrections could not be carried over."""

    ref: int | None  # the old article's ref (the stored article's id)
    headline: str
    reason: str  # LINES_CHANGED or SPLIT_DIFFERS
    lines: tuple[int, ...] = ()  # the old article's source lines (old numbering)

    @property
    def why(self) -> str:
        """The reason in plain Chinese, for the editor."""
        return _REASONS[self.reason]


def carry_over(
    old_state: Page,
    old_lines: Sequence[str],
    new_state: Page,
    new_lines: Sequence[str],
    *,
    original: Page | None = None,
) -> tuple[Page, list[Conflict]]:
    """The new split with the old page's hand corrections carried over, and what could not be.

    ``old_state``: the old page as stored (articles with their ``ref``); ``old_lines``/``new_lines``:
    the source lines of the old and the new text (line ``n`` is ``lines[n - 1]``); ``new_state``: the
    splitter's output for the new text. ``original``: the old page as its split was at ingest
    (revision 0), which tells hand changes from the splitter's own output; without it every old
    article counts as hand-changed.

    Articles of the result whose lines' text equals an old article's keep that article's ``ref``
    (and, if it was corrected by hand, its fields), with line numbers of the new text. Neither
    input is modified.
    """
    line_map = _line_map(old_lines, new_lines)
    changed_articles, changed_furniture = hand_changes(old_state, original)

    # Nodes of the overlap graph: ("o", i) old article, ("n", j) new article, ("of", line) old
    # furniture, ("nf", line) new furniture. Each has its lines in the new numbering.
    old_sets: dict[tuple[str, int], set[int]] = {}
    complete: dict[tuple[str, int], bool] = {}
    for i, a in enumerate(old_state.articles):
        mapped = {line_map[n] for n in a.lines if n in line_map}
        old_sets[("o", i)] = mapped
        complete[("o", i)] = len(mapped) == len(a.lines)
    for f in old_state.furniture:
        key = ("of", f.line)
        old_sets[key] = {line_map[f.line]} if f.line in line_map else set()
        complete[key] = f.line in line_map
    new_sets: dict[tuple[str, int], set[int]] = {("n", j): set(a.lines) for j, a in enumerate(new_state.articles)}
    new_sets.update({("nf", f.line): {f.line} for f in new_state.furniture})

    groups = _groups(old_sets, new_sets)
    conflicts: list[Conflict] = []
    carried_groups: list[tuple[list[tuple[str, int]], list[tuple[str, int]]]] = []
    kept_new: set[tuple[str, int]] = set(new_sets)
    refs_for_new: dict[int, int | None] = {}
    for olds, news in groups:
        hand = [k for k in olds if (k[0] == "o" and k[1] in changed_articles) or (k[0] == "of" and k[1] in changed_furniture)]
        whole = all(complete[k] for k in olds)
        same_lines = set().union(*(old_sets[k] for k in olds)) == set().union(*(new_sets[k] for k in news))
        old_articles = [k for k in olds if k[0] == "o"]
        new_articles = [k for k in news if k[0] == "n"]
        if hand and whole and same_lines:
            carried_groups.append((olds, news))
            kept_new -= set(news)
            continue
        for k in hand:
            if k[0] != "o":
                continue  # a furniture mark that no longer fits is simply the new split's
            a = old_state.articles[k[1]]
            reason = LINES_CHANGED if not complete[k] else SPLIT_DIFFERS
            conflicts.append(Conflict(ref=a.ref, headline=a.headline, reason=reason, lines=tuple(a.lines)))
        # The same story, its text corrected: the new article takes the old one's ref, so its
        # address and its row stay.
        if len(old_articles) == 1 and len(new_articles) == 1:
            refs_for_new[new_articles[0][1]] = old_state.articles[old_articles[0][1]].ref

    result = Page()
    placed: set[int] = set()  # carried groups already emitted, by index
    group_of_new = {k: g for g, (_, news) in enumerate(carried_groups) for k in news}
    for j, a in enumerate(new_state.articles):
        key = ("n", j)
        if key in kept_new:
            article = copy.deepcopy(a)
            if j in refs_for_new:
                article.ref = refs_for_new[j]
            result.articles.append(article)
        else:
            g = group_of_new[key]
            if g not in placed:
                placed.add(g)
                olds, _ = carried_groups[g]
                for k in sorted(k for k in olds if k[0] == "o"):
                    result.articles.append(_moved(old_state.articles[k[1]], line_map))
    # A carried group made only of furniture on the new side: its old articles still go in, in
    # the order of the old page, after the new articles they came before.
    for g, (olds, news) in enumerate(carried_groups):
        if g not in placed:
            placed.add(g)
            for k in sorted(k for k in olds if k[0] == "o"):
                _insert_in_order(result, _moved(old_state.articles[k[1]], line_map))

    furniture: list[Furniture] = [copy.deepcopy(f) for f in new_state.furniture if ("nf", f.line) in kept_new]
    for olds, _ in carried_groups:
        for k in olds:
            if k[0] == "of":
                f = next(f for f in old_state.furniture if f.line == k[1])
                furniture.append(Furniture(line=line_map[f.line], kind=f.kind, text=new_lines[line_map[f.line] - 1].strip() or f.text))
    result.furniture = sorted(furniture, key=lambda f: f.line)
    return result, conflicts


@dataclass(frozen=True)
class TextChanges:
    """How a new file's lines differ from an old one's, as the carrying matches them: the old
    lines it no longer has and the lines it has new (number and stripped text each; a changed
    line is one of each). What an editor reads before replacing a page."""

    gone: list[tuple[int, str]]
    added: list[tuple[int, str]]


def text_changes(old_lines: Sequence[str], new_lines: Sequence[str]) -> TextChanges:
    """The non-blank lines of ``old_lines`` not in ``new_lines`` and those new there, matched as
    :func:`carry_over` matches them (so a correction is lost exactly where a line is listed)."""
    mapping = _line_map(old_lines, new_lines)
    kept = set(mapping.values())
    gone = [(k, text.strip()) for k, text in enumerate(old_lines, start=1) if text.strip() and k not in mapping]
    added = [(k, text.strip()) for k, text in enumerate(new_lines, start=1) if text.strip() and k not in kept]
    return TextChanges(gone, added)


def _line_map(old_lines: Sequence[str], new_lines: Sequence[str]) -> dict[int, int]:
    """Old line number → new line number, for every non-blank line whose text is unchanged.

    The same text (a re-split) is the identity, without a diff. Otherwise the lines are matched
    by :func:`_equal_runs`: ``difflib`` as it always was on a page of ordinary length, and on a
    long one the common head and tail first, then lines unique in both texts as anchors, with
    ``difflib`` only in the gaps between them (its cost grows with the square of the lines).
    """
    old = [s.strip() for s in old_lines]
    new = [s.strip() for s in new_lines]
    if old == new:
        return {k: k for k, text in enumerate(old, start=1) if text}
    mapping: dict[int, int] = {}
    for i, j, size in _equal_runs(old, new, 0, len(old), 0, len(new)):
        for k in range(size):
            if old[i + k]:
                mapping[i + k + 1] = j + k + 1
    return mapping


# Up to this many line pairs (old lines × new lines) a part is left to ``difflib`` whole: every
# page of ordinary length (up to a 1,000-line page and its replacement), whose map is therefore
# exactly ``difflib``'s, as it always was.
_DIFFLIB_PAIRS = 1_000_000


def _equal_runs(old: list[str], new: list[str], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int, int]]:
    """Runs ``(i, j, size)`` with ``old[i:i + size] == new[j:j + size]``, in order, matching
    ``old[a0:a1]`` with ``new[b0:b1]``."""
    if (a1 - a0) * (b1 - b0) <= _DIFFLIB_PAIRS:
        return _difflib_runs(old, new, a0, a1, b0, b1)
    runs: list[tuple[int, int, int]] = []
    # The common head and tail.
    head = 0
    while a0 + head < a1 and b0 + head < b1 and old[a0 + head] == new[b0 + head]:
        head += 1
    tail = 0
    while a1 - tail > a0 + head and b1 - tail > b0 + head and old[a1 - tail - 1] == new[b1 - tail - 1]:
        tail += 1
    if head:
        runs.append((a0, b0, head))
    a0, a1, b0, b1 = a0 + head, a1 - tail, b0 + head, b1 - tail
    anchors = _unique_anchors(old, new, a0, a1, b0, b1)
    if not anchors:
        # Nothing to anchor on: the gap is compared whole (rare on a page: its lines are prose).
        runs += _difflib_runs(old, new, a0, a1, b0, b1)
    else:
        i, j = a0, b0
        for ai, bj in anchors:
            runs += _equal_runs(old, new, i, ai, j, bj)
            runs.append((ai, bj, 1))
            i, j = ai + 1, bj + 1
        runs += _equal_runs(old, new, i, a1, j, b1)
    if tail:
        runs.append((a1, b1, tail))
    return runs


def _difflib_runs(old: list[str], new: list[str], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int, int]]:
    if a0 >= a1 or b0 >= b1:
        return []
    matcher = difflib.SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
    return [(a0 + i, b0 + j, size) for i, j, size in matcher.get_matching_blocks() if size]


def _unique_anchors(old: list[str], new: list[str], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int]]:
    """Anchors for a long part: pairs of positions of the same non-blank line, the longest chain
    of them in the same order in both. The lines that occur once in each part (patience diff);
    where there are none (a text repeated), the lines that occur as often in each, the k-th
    occurrence with the k-th."""
    at_old: dict[str, list[int]] = {}
    for i in range(a0, a1):
        if old[i]:
            at_old.setdefault(old[i], []).append(i)
    at_new: dict[str, list[int]] = {}
    for j in range(b0, b1):
        if new[j]:
            at_new.setdefault(new[j], []).append(j)
    for unique in (True, False):
        pairs = sorted(
            pair
            for text, olds in at_old.items()
            if len(olds) == len(at_new.get(text, ())) and (len(olds) == 1 or not unique)
            for pair in zip(olds, at_new[text], strict=True)
        )
        if pairs:
            return _longest_increasing(pairs)
    return []


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (sorted by their first item) increasing in the second:
    patience sorting, O(n log n)."""
    tops: list[int] = []  # tops[k]: index in pairs of the smallest end of a chain of length k + 1
    back: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = _bisect_tops(pairs, tops, j)
        if k:
            back[n] = tops[k - 1]
        if k == len(tops):
            tops.append(n)
        else:
            tops[k] = n
    chain: list[tuple[int, int]] = []
    n = tops[-1] if tops else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


def _bisect_tops(pairs: list[tuple[int, int]], tops: list[int], j: int) -> int:
    """The first chain length whose smallest end is not below ``j``."""
    lo, hi = 0, len(tops)
    while lo < hi:
        mid = (lo + hi) // 2
        if pairs[tops[mid]][1] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _fields(a: ParsedArticle) -> dict:
    d = page_to_dict(Page(articles=[a]))["articles"][0]
    d.pop("ref")
    return d


def hand_changes(old_state: Page, original: Page | None) -> tuple[set[int], set[int]]:
    """Indexes of old articles and lines of old furniture that differ from the split at ingest."""
    if original is None:
        return set(range(len(old_state.articles))), {f.line for f in old_state.furniture}
    at_ingest = {tuple(a.lines): _fields(a) for a in original.articles}
    articles = {i for i, a in enumerate(old_state.articles) if at_ingest.get(tuple(a.lines)) != _fields(a)}
    furniture_at_ingest = {(f.line, f.kind) for f in original.furniture}
    furniture = {f.line for f in old_state.furniture if (f.line, f.kind) not in furniture_at_ingest}
    return articles, furniture


def _groups(
    old_sets: dict[tuple[str, int], set[int]], new_sets: dict[tuple[str, int], set[int]]
) -> list[tuple[list[tuple[str, int]], list[tuple[str, int]]]]:
    """Connected components of old and new nodes that share a (new-numbered) line."""
    parent: dict[tuple[str, int], tuple[str, int]] = {k: k for k in [*old_sets, *new_sets]}

    def find(k: tuple[str, int]) -> tuple[str, int]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[int, tuple[str, int]] = {}
    for k, lines in [*old_sets.items(), *new_sets.items()]:
        for line in lines:
            if line in owner:
                parent[find(k)] = find(owner[line])
            else:
                owner[line] = k
    members: dict[tuple[str, int], tuple[list, list]] = {}
    for k in old_sets:
        members.setdefault(find(k), ([], []))[0].append(k)
    for k in new_sets:
        members.setdefault(find(k), ([], []))[1].append(k)
    return list(members.values())


def _moved(a: ParsedArticle, line_map: dict[int, int]) -> ParsedArticle:
    """A copy of an old article with its (and its captions') lines in the new numbering."""
    moved = copy.deepcopy(a)
    moved.lines = sorted(line_map[n] for n in a.lines)
    for c in moved.captions:
        c.lines = sorted(line_map[n] for n in c.lines if n in line_map)
    return moved


def _insert_in_order(page: Page, article: ParsedArticle) -> None:
    first = article.lines[0] if article.lines else 0
    at = next((i for i, a in enumerate(page.articles) if a.lines and a.lines[0] > first), len(page.articles))
    page.articles.insert(at, article)


__all__ = ["Conflict", "LINES_CHANGED", "SPLIT_DIFFERS", "carry_over"]

