"""An admin's corrections of a page's split: pure functions from one page state to the next.

Every function takes an :class:`ingest.model.Page` and returns a NEW page (the input is never
changed), or raises :class:`CorrectionError` with a plain Chinese message when the action is
impossible (a line that is not where the action needs it, an article that does not exist …).
The write path stores each state (``articles.writer.apply_state``); undo is storing an earlier one.

Where the lines are
-------------------
Structural actions need the page's source lines: ``source`` is ``source_lines(raw_text)``, the raw
text cut at ``\\n`` exactly as the splitter numbers lines (:func:`ingest.lines.read_lines`), so line
``n`` is ``source[n - 1]``. The invariant, checked after every structural action: every non-blank
source line is in exactly one place, one article's ``lines`` or one ``Furniture`` item; a caption's
lines are lines of its own article, and no line is in two captions. An action that would break
it is refused.

What an article's text becomes when its lines change
----------------------------------------------------
An article whose lines change (split, merge, moved lines, lines marked as furniture or taken
back) is *re-read*: the splitter reads just its lines (blank gaps between them as in the source),
and what it finds is folded into one article: the first story found gives the title; the titles of
further stories found become intertitles, their bylines, sources and captions are added, and a
line the splitter would call furniture stays in the article (the admin put it there): as an
intertitle when it looks like a title, else as a paragraph. Its counties are tagged again from
the new text (``tagger``: the gazetteer, with the paper's prefectures as at ingest).

A merge reads the two articles' lines together (a story split by mistake reads back as the one
story it was), unless that reading drops a byline, source or caption that each article's lines
read alone have: then the two readings are folded as above, the second's title lines becoming
intertitles (:func:`read_merged`).

No re-reading loses a character. What an article keeps of its lines' characters is stated by
:func:`kept_characters` (its fields, captions with their credits and the 摄 printed beside a
credit) and :data:`MARKS` (what the splitter strips as no text: ▲, list marks, a kicker's colon):
``lost_characters`` of every article is marks only, and furniture holds its line whole. Where the
splitter's reading of some lines would show fewer of their characters (a credit line alone under
a story that is no photo story any more, a credit's role words), the reading is mended: a credit
line becomes the byline as printed, a caption keeps its text as printed (:func:`_keep_characters`).
:func:`character_problems` lists any article that breaks this.

Where the top of the article is unchanged (same first line), its counties stay as they were, and
so do its section, kicker, headline, subheadline and continued flag (fixed by hand, or read in the
page's context) as long as the article then shows each character of its lines once — none lost,
none twice (:func:`_keep_title`; a title that is just what its lines read alone give yields to the
new reading). A merge keeps the first article's title in the same way, and its counties in any
case (the second's are added after them). A title field the admin fills with the words the body
opens with takes them out of the body (:func:`edit_fields`). Every structural action is checked
before it is returned: no line without a place, and no character of an article's lines in none of
its fields that was in one before (:func:`_check`). Articles
the action does not touch keep every field exactly. Fields edited by hand in the *body* of a
re-read article (paragraphs, byline, captions) are read again from the lines: the history keeps
the earlier state.

``ParsedArticle.ref`` (the stored article's id) follows the article that stays: the first part of a
split, the first of a merge, both ends of a move; a new article has ``ref`` None. An article that
a move or a furniture mark leaves with no lines is removed in the same step (it would have no
text at all); undoing the step brings it back with its ref.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ingest.bylines import parse_credit_line
from ingest.gazetteer import Gazetteer
from ingest.lines import Line, LineKind, classify, compact
from ingest.model import (
    Block,
    BlockKind,
    Caption,
    County,
    Furniture,
    FurnitureKind,
    Page,
    ParsedArticle,
    Warning,
    article_from_dict,
    page_from_dict,
)
from ingest.pipeline import tag_counties
from ingest.splitter import article_warnings, split_page
from ingest.tokens import strip_controls


class CorrectionError(ValueError):
    """An impossible correction; the message is for the admin, in Chinese."""


# The fields an admin may edit by hand (see :func:`edit_fields`).
TEXT_FIELDS = ("section", "kicker", "headline", "subheadline", "byline_text", "source")
EDITABLE_FIELDS = (*TEXT_FIELDS, "byline", "intertitles", "captions", "blocks")
_TITLE_FIELDS = ("section", "kicker", "headline", "subheadline")


def source_lines(raw_text: str) -> list[str]:
    """The page's source lines, numbered as the splitter numbers them (line n is item n - 1)."""
    return raw_text.split("\n")


@dataclass(frozen=True)
class Tagger:
    """How a re-read article's counties are found: the gazetteer (default: the committed one) and
    the prefectures of the paper, as at ingest."""

    gazetteer: Gazetteer | None = None
    hint_prefectures: tuple[str, ...] = ()

    def __call__(self, article: ParsedArticle) -> list[County]:
        gazetteer = self.gazetteer or Gazetteer.default()
        return tag_counties(article, gazetteer, hint_prefectures=self.hint_prefectures)


DEFAULT_TAGGER = Tagger()


# -- where each line is ----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where one source line is: in article ``article`` (and caption ``caption`` of it), or in
    the furniture (``article`` None, ``furniture`` its kind)."""

    article: int | None = None
    caption: int | None = None
    furniture: FurnitureKind | None = None


def line_places(page: Page, indexes: Sequence[int] | None = None) -> dict[int, Place]:
    """Each placed line number → its place (a line in two places keeps the first found).
    ``indexes``: when ``page`` holds only some of a page's articles (a part of a long page), their
    indexes on the whole page, which the places then name."""
    places: dict[int, Place] = {}
    for i, article in zip(indexes if indexes is not None else range(len(page.articles)), page.articles, strict=True):
        in_caption = {no: k for k, caption in enumerate(article.captions) for no in caption.lines}
        for no in article.lines:
            places.setdefault(no, Place(article=i, caption=in_caption.get(no)))
    for item in page.furniture:
        places.setdefault(item.line, Place(furniture=item.kind))
    return places


def placement_problems(page: Page, source: Sequence[str]) -> list[str]:
    """What breaks the invariant (see the module docs); empty when every line is in one place."""
    problems: list[str] = []
    nonblank = {no for no, raw in enumerate(source, start=1) if raw.strip()}
    seen = Counter(no for a in page.articles for no in a.lines) + Counter(f.line for f in page.furniture)
    for no, count in sorted(seen.items()):
        if count > 1:
            problems.append(f"第{no}行出现了{count}次")
        if no not in nonblank:
            problems.append(f"第{no}行是空行或不存在，却被归入了文章或版面元素")
    for no in sorted(nonblank - set(seen)):
        problems.append(f"第{no}行没有归属")
    for i, article in enumerate(page.articles, start=1):
        if article.lines != sorted(set(article.lines)):
            problems.append(f"第{i}篇文章的行号没有排序或有重复")
        captioned = Counter(no for caption in article.captions for no in caption.lines)
        for no, count in sorted(captioned.items()):
            if no not in article.lines:
                problems.append(f"第{i}篇文章的图片说明含有不属于它的第{no}行")
            if count > 1:
                problems.append(f"第{no}行出现在第{i}篇文章的两条图片说明里")
    for item in page.furniture:
        if 1 <= item.line <= len(source) and item.text != source[item.line - 1].strip():
            problems.append(f"版面元素第{item.line}行的文字与原文不符")
    return problems


def _check(page: Page, source: Sequence[str], *, before: Page) -> Page:
    problems = placement_problems(page, source)
    if problems:
        # Never a state that loses a line (a bug here, or a stored state broken before).
        raise CorrectionError("这样改会让原文的行无处可寻，没有保存：" + "；".join(problems[:5]) + "。")
    lost = "".join(sorted(_new_losses(before, page, source).elements()))
    if lost:
        # Nor one whose articles show fewer of their lines' characters than before: a re-read
        # that drops text (a bug here) is refused, not stored.
        raise CorrectionError(f"这样改会让原文的字不在任何文章里，没有保存：{lost}。")
    return page


def _new_losses(before: Page, after: Page, source: Sequence[str]) -> Counter[str]:
    """Characters of the articles' lines that no field shows after the action and did before
    (beyond MARKS), over the articles the action changed (by ref; new ones are all change) and
    those it removed. A hand fix of a misprint lost its characters before and may keep them lost."""
    old_by_ref = {a.ref: a for a in before.articles if a.ref is not None}
    kept_refs = set()
    lost_after: Counter[str] = Counter()
    lost_before: Counter[str] = Counter()
    for article in after.articles:
        old = old_by_ref.get(article.ref) if article.ref is not None else None
        if old is not None:
            kept_refs.add(article.ref)
            if old == article:
                continue
            lost_before += _unmarked(lost_characters(old, source))
        lost_after += _unmarked(lost_characters(article, source))
    for old in before.articles:
        # Merged into another, emptied by a move, or unknown (no ref: a state never stored).
        if old.ref is None or old.ref not in kept_refs:
            lost_before += _unmarked(lost_characters(old, source))
    return lost_after - lost_before


# -- reading an article from its lines -------------------------------------------------------


def read_article(lines: Iterable[int], source: Sequence[str]) -> ParsedArticle:
    """One article read by the splitter from just these source lines (see the module docs)."""
    nos = _nonblank(lines, source)
    return _fold(nos, _read_items(nos, source))


def _nonblank(lines: Iterable[int], source: Sequence[str]) -> list[int]:
    return sorted({no for no in lines if 1 <= no <= len(source) and source[no - 1].strip()})


def _read_items(nos: list[int], source: Sequence[str]) -> list[ParsedArticle | Furniture]:
    """What the splitter finds in just these lines: its stories and furniture, in the order of
    their first line, with the page's line numbers."""
    if not nos:
        return []
    text_lines: list[str] = []
    real: dict[int, int] = {}  # line number in the text read → source line number
    previous = 0
    for no in nos:
        # The blank gap right above the line, as in the source (a large gap is an image).
        gap = 0
        while no - gap - 1 > previous and not source[no - gap - 2].strip():
            gap += 1
        text_lines.extend([""] * gap)
        text_lines.append(source[no - 1])
        real[len(text_lines)] = no
        previous = no
    sub = split_page("\n".join(text_lines))
    items: list[tuple[int, ParsedArticle | Furniture]] = []
    for a in sub.articles:
        if a.lines:
            captions = [replace(c, lines=[real[no] for no in c.lines]) for c in a.captions]
            items.append((real[min(a.lines)], replace(a, lines=[real[no] for no in a.lines], captions=captions)))
    items += [(real[f.line], replace(f, line=real[f.line])) for f in sub.furniture]
    items.sort(key=lambda item: item[0])
    return [_keep_characters(item, source) if isinstance(item, ParsedArticle) else item for _, item in items]


def _fold(nos: list[int], items: Sequence[ParsedArticle | Furniture]) -> ParsedArticle:
    """The stories and furniture found in an article's lines folded into that one article."""
    if not nos:
        return ParsedArticle()
    out = ParsedArticle(lines=nos)
    first = True
    photo = True
    for item in items:
        if isinstance(item, Furniture):
            # Kept in the article (the admin put it there): a title-like line as an intertitle.
            kind = BlockKind.INTERTITLE if classify(Line(item.line, item.text, 0)).kind == LineKind.TITLE else BlockKind.PARAGRAPH
            out.blocks.append(Block(kind, item.text))
            photo = False
            continue
        if first:
            out.section, out.kicker = item.section, item.kicker
            out.headline, out.subheadline = item.headline, item.subheadline
            out.continued = item.continued
            first = False
        else:
            for text in (item.section, item.kicker, item.headline, item.subheadline):
                if text:
                    out.blocks.append(Block(BlockKind.INTERTITLE, text))
        photo = photo and Warning.PHOTO_ONLY in item.warnings
        out.blocks.extend(item.blocks)
        for name in item.byline:
            if name not in out.byline:
                out.byline.append(name)
        out.byline_text = _join(out.byline_text, item.byline_text)
        out.source = _join(out.source, item.source)
        out.captions.extend(
            Caption(text=c.text, credit=c.credit, lines=list(c.lines), credit_text=c.credit_text) for c in item.captions
        )
    out.warnings = _warnings(out, photo=photo and not first)
    return out


# -- what of a line's characters an article keeps ------------------------------------------------
#
# An article keeps the characters of its lines in its fields: section, kicker, headline,
# subheadline, byline as printed, source, body blocks, captions' text and credits as printed.
# Two things stand in for characters of the line without being in a field: a caption whose
# credit was corrected by hand (no printed credit any more) is shown with its 摄
# (templates/articles/article.html: "王海旋 摄"; not for 资料图片), so one 摄 per such credit is
# kept; and the splitter strips MARKS that carry no text: a caption's ▲, a list mark before a
# title, the colon between a kicker and its headline on one line, a picture series' numbers
# (①②③). Everything else on an article's lines is in its fields: ``lost_characters`` is empty
# or marks only. Furniture keeps its line's text whole (``placement_problems`` checks it).

MARKS = frozenset("▲△▼▽◀▶►■□◆◇●○◎★☆※【】:：①②③④⑤⑥⑦⑧⑨⑩")
_NO_PHOTOGRAPHER = "资料图片"


def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def kept_characters(article: ParsedArticle) -> Counter[str]:
    """The characters an article shows: its fields, captions with credits (and their 摄)."""
    parts = [article.section, article.kicker, article.headline, article.subheadline, article.byline_text, article.source]
    kept = _chars("".join(parts + [b.text for b in article.blocks]))
    for c in article.captions:
        kept += _caption_characters(c)
    return kept


def _caption_characters(caption: Caption) -> Counter[str]:
    """A caption's text and its credit as printed; without that, the credit's names and the 摄
    shown beside a photographer's name."""
    if caption.credit_text:
        return _chars(caption.text) + _chars(caption.credit_text)
    printed = Counter("摄") if caption.credit and caption.credit != _NO_PHOTOGRAPHER else Counter()
    return _chars(caption.text) + _chars(caption.credit) + printed


def lost_characters(article: ParsedArticle, source: Sequence[str]) -> Counter[str]:
    """The characters of the article's lines that none of its fields keeps: ``MARKS`` only, in a
    state made by the splitter or by these corrections."""
    own = _chars("".join(source[no - 1] for no in article.lines if 1 <= no <= len(source)))
    return own - kept_characters(article)


def _unmarked(counter: Counter[str]) -> Counter[str]:
    return Counter({ch: n for ch, n in counter.items() if ch not in MARKS and n > 0})


def character_problems(page: Page, source: Sequence[str]) -> list[str]:
    """Articles whose lines have characters that none of their fields keeps (beyond MARKS)."""
    problems = []
    for i, article in enumerate(page.articles, start=1):
        lost = "".join(sorted(_unmarked(lost_characters(article, source)).elements()))
        if lost:
            problems.append(f"第{i}篇文章丢失了原文的字：{lost}")
    return problems


def _bare(text: str) -> str:
    return "".join(ch for ch in compact(text) if ch not in MARKS)


def _keep_characters(article: ParsedArticle, source: Sequence[str]) -> ParsedArticle:
    """The splitter's reading of some lines, mended where it would show fewer of their
    characters than are on them (a credit's role words, a credit line alone under a story that
    is no photo story any more): never a character lost to a re-reading."""
    if not _unmarked(lost_characters(article, source)):
        return article
    article = copy.deepcopy(article)
    for k, c in enumerate(article.captions):
        own = _chars("".join(source[no - 1] for no in c.lines))
        if not _unmarked(own - _caption_characters(c)) or not _unmarked(lost_characters(article, source)):
            continue
        # A credit on a line of its own (记者 张文慧 摄): the story's byline as printed, as the
        # splitter reads a photo story's.
        words = []  # the caption's other lines, as printed (a ▲ aside)
        for no in c.lines:
            names = parse_credit_line(source[no - 1].strip())
            if not names:
                words.append(source[no - 1].strip())
            elif _bare(source[no - 1]) not in _bare(article.byline_text):
                article.byline_text = _join(article.byline_text, source[no - 1].strip())
                article.byline += [name for name in names if name not in article.byline]
        if _unmarked(lost_characters(article, source)) and words:
            # Still short (the role words of a credit inside the caption's words): the caption's
            # words as printed, its credit kept beside them.
            article.captions[k] = replace(c, text="\n".join(w.lstrip("▲△▼▽◀▶► ") for w in words))
    lost = _unmarked(lost_characters(article, source))
    if lost:
        # Anything else (no reading of the splitter is known to do it): the lines whose
        # characters are not all shown become paragraphs of their own, as printed.
        pool = kept_characters(article)
        for no in article.lines:
            need = _unmarked(_chars(source[no - 1]))
            if need - pool:
                article.blocks.append(Block(BlockKind.PARAGRAPH, source[no - 1].strip()))
            else:
                pool -= need
    return article


def _join(have: str, more: str) -> str:
    # (the same text twice stays twice: each is on a line of its own)
    if not more:
        return have
    return f"{have} {more}" if have else more


def _warnings(article: ParsedArticle, *, photo: bool) -> list[Warning]:
    """The splitter's warnings for an article as it now stands (none for an emptied one)."""
    return article_warnings(article, photo=photo) if article.lines else []


def _title(article: ParsedArticle) -> tuple[str, ...]:
    return tuple(getattr(article, name) for name in _TITLE_FIELDS)


def _reread(
    lines: Iterable[int],
    source: Sequence[str],
    *,
    keep: ParsedArticle | None,
    force_keep: bool = False,
    tagger: Tagger,
    read: ParsedArticle | None = None,
) -> ParsedArticle:
    """The article re-read from ``lines`` (or ``read``, its reading made already); ``keep`` is
    the article it was, whose ref it keeps and whose title and counties it keeps where its top is
    unchanged (or ``force_keep``)."""
    article = read if read is not None else read_article(lines, source)
    if not article.lines:
        return ParsedArticle(ref=keep.ref if keep is not None else None)
    same_top = keep is not None and bool(keep.lines) and keep.lines[0] == article.lines[0]
    if keep is not None and (same_top or force_keep):
        article = _keep_title(article, keep, source)
        article.counties = list(keep.counties)
    else:
        article.counties = tagger(article)
    article.ref = keep.ref if keep is not None else None
    return article


def _keep_title(article: ParsedArticle, keep: ParsedArticle, source: Sequence[str]) -> ParsedArticle:
    """The article with the title it had (maybe fixed by hand: a kicker and headline swapped, a
    word mended) instead of the one the new reading gives, as long as it then shows each
    character of its lines once: none lost that the reading shows (a column label the page's
    reading left in the body, read now as the section), none twice (a title line the reading
    now reads as body). Both are measured against what the old article already showed
    differently from its lines (a hand fix of a misprint). An old title that is just what its
    lines read alone give is not kept: the new reading knows as much. Else, in this order:

    1. the reading with the old title in place of its own;
    2. where the old title is the article's first lines as they were, those lines as that title
       and the other lines read as its body (a reading of the lines alone may take a title line
       for prose, or a lead for a headline), if that keeps the reading's bylines, sources and
       captions (a merge's reading folds two stories' own);
    3. the first, with the reading's value in the old title's empty fields;
    4. the reading as it is."""
    if _title(keep) == _title(read_article(keep.lines, source)):
        # The old title is what its lines read alone give: nothing fixed by hand or read in the
        # page's context to keep, and the new reading knows the new lines.
        return article
    # What the old article already showed differently from its lines (a misprint fixed by hand)
    # and what the reading shows so by itself (a credit line read both as the byline and as a
    # caption's credit): only what the kept title adds beyond both counts against it.
    allowed = _either(_differences(keep, source), _differences(article, source))
    kept = _with_title(article, keep)
    if not _new_differences(kept, source, allowed):
        return kept
    top = _title_lines(keep, source)
    if top and article.lines[: len(top)] == top:
        rest = article.lines[len(top):]
        heading = ParsedArticle(
            section=keep.section, kicker=keep.kicker, headline=keep.headline, subheadline=keep.subheadline,
            continued=keep.continued, lines=top,
        )
        folded = _fold(article.lines, [heading, *_read_items(rest, source)])
        if not _new_differences(folded, source, allowed) and _keeps(folded, [article]):
            return folded
    for name, read in zip(_TITLE_FIELDS, _title(article)):
        if read and not getattr(kept, name):
            setattr(kept, name, read)
    return kept if not _new_differences(kept, source, allowed) else article


def _with_title(article: ParsedArticle, keep: ParsedArticle) -> ParsedArticle:
    photo = Warning.PHOTO_ONLY in article.warnings
    titled = replace(article, **{name: getattr(keep, name) for name in _TITLE_FIELDS}, continued=keep.continued)
    titled.warnings = _warnings(titled, photo=photo)
    return titled


def _title_lines(article: ParsedArticle, source: Sequence[str]) -> list[int] | None:
    """The article's first lines when their characters are exactly its title's (MARKS aside,
    in any order: a kicker and headline swapped by hand), else None."""
    want = _unmarked(_chars("".join(_title(article))))
    if not want:
        return None
    have: Counter[str] = Counter()
    for k, no in enumerate(article.lines):
        have += _unmarked(_chars(source[no - 1]))
        if have == want:
            return article.lines[: k + 1]
        if have - want:
            return None
    return None


def _differences(article: ParsedArticle, source: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
    """(characters of the article's lines that no field shows, characters its fields show more
    often than its lines hold), MARKS aside."""
    own = _chars("".join(source[no - 1] for no in article.lines if 1 <= no <= len(source)))
    shown = kept_characters(article)
    return _unmarked(own - shown), _unmarked(shown - own)


def _either(a: tuple[Counter[str], Counter[str]], b: tuple[Counter[str], Counter[str]]) -> tuple[Counter[str], Counter[str]]:
    return a[0] | b[0], a[1] | b[1]


def _new_differences(article: ParsedArticle, source: Sequence[str], allowed: tuple[Counter[str], Counter[str]]) -> bool:
    lost, extra = _differences(article, source)
    return bool(lost - allowed[0]) or bool(extra - allowed[1])


# -- helpers ---------------------------------------------------------------------------------


def _copy(page: Page) -> Page:
    """A copy of the page that shares nothing an action may change: every list and every
    mutable part copied, the immutable ones (strings, counties) shared. ``copy.deepcopy`` did the
    same generically at ten times the cost (1.8 s for a page of 16,000 stories, on every correction)."""
    return Page(articles=[_copy_article(a) for a in page.articles], furniture=[replace(f) for f in page.furniture])


def _copy_article(a: ParsedArticle) -> ParsedArticle:
    return replace(
        a,
        byline=list(a.byline),
        blocks=[Block(b.kind, b.text) for b in a.blocks],
        captions=[Caption(c.text, c.credit, list(c.lines), c.credit_text) for c in a.captions],
        lines=list(a.lines),
        warnings=list(a.warnings),
        counties=list(a.counties),
    )


def _index(page: Page, i: int) -> int:
    if not isinstance(i, int) or not 0 <= i < len(page.articles):
        raise CorrectionError(f"没有第{i + 1 if isinstance(i, int) else i}篇文章。")
    return i


def _drop_emptied(before: Page, after: Page) -> Page:
    """``after`` without the articles that this action left with no lines.

    An article without lines has no text: kept, it would be a story of nothing that readers see
    (as 图片新闻). Removed in the same step, it comes back with its id when the step is undone.
    Articles that were empty before the action (a state stored earlier) are left to
    :func:`delete_empty`. Both states list the same articles in the same order (moves and
    furniture marks neither add nor reorder articles)."""
    kept = [b for a, b in zip(before.articles, after.articles, strict=True) if b.lines or not a.lines]
    if len(kept) == len(after.articles):
        return after
    return replace(after, articles=kept)


def _line_set(lines: Iterable[int]) -> list[int]:
    try:
        nos = sorted({int(no) for no in lines})
    except (TypeError, ValueError):
        raise CorrectionError("行号必须是数字。") from None
    if not nos:
        raise CorrectionError("请至少选择一行。")
    return nos


# -- structural actions ----------------------------------------------------------------------


def split_article(
    page: Page, i: int, at_line: int, *, source: Sequence[str], tagger: Tagger = DEFAULT_TAGGER
) -> Page:
    """Split article ``i`` in two: a new article, right after it, starts at source line
    ``at_line`` and takes every line of article ``i`` from there on."""
    i = _index(page, i)
    article = page.articles[i]
    if at_line not in article.lines:
        raise CorrectionError(f"第{at_line}行不在第{i + 1}篇文章里。")
    if at_line == article.lines[0]:
        raise CorrectionError(f"第{at_line}行是这篇文章的第一行，不能从这里拆分。")
    head = [no for no in article.lines if no < at_line]
    tail = [no for no in article.lines if no >= at_line]
    out = _copy(page)
    out.articles[i] = _reread(head, source, keep=article, tagger=tagger)
    out.articles.insert(i + 1, _reread(tail, source, keep=None, tagger=tagger))
    return _check(out, source, before=page)


def merge_with_next(page: Page, i: int, *, source: Sequence[str], tagger: Tagger = DEFAULT_TAGGER) -> Page:
    """Merge article ``i`` with the one after it; the merged article keeps the first's ref,
    title and counties (the second's counties follow), and is re-read from both sets of lines
    (see :func:`read_merged`)."""
    i = _index(page, i)
    if i + 1 >= len(page.articles):
        raise CorrectionError(f"第{i + 1}篇文章是最后一篇，后面没有可以合并的文章。")
    first, second = page.articles[i], page.articles[i + 1]
    out = _copy(page)
    read = read_merged(first.lines, second.lines, source)
    merged = _reread([*first.lines, *second.lines], source, keep=first, force_keep=True, tagger=tagger, read=read)
    if merged.lines:
        merged.counties += [c for c in second.counties if c not in merged.counties]
    out.articles[i] = merged
    del out.articles[i + 1]
    return _check(out, source, before=page)


def read_merged(first: Iterable[int], second: Iterable[int], source: Sequence[str]) -> ParsedArticle:
    """Two articles' lines read as one article.

    The lines are read together first: a story split by mistake reads back as the one story it
    was. Where that reading drops what reading each article's lines alone finds (a byline name,
    the byline as printed, a source, a caption or its credit — the splitter, given the lines of
    two stories without their page, may read the first's closing byline and the second's captions
    as body), the two readings are folded instead, as for the stories found in a re-read article:
    the first gives the title, the second's title lines become intertitles, and both bylines,
    sources and captions are kept."""
    one, two = _nonblank(first, source), _nonblank(second, source)
    together = read_article([*one, *two], source)
    items = [*_read_items(one, source), *_read_items(two, source)]
    parts = [item for item in items if isinstance(item, ParsedArticle)]
    if _keeps(together, parts):
        return together
    return _fold(sorted({*one, *two}), sorted(items, key=_first_line))


def _first_line(item: ParsedArticle | Furniture) -> int:
    return item.line if isinstance(item, Furniture) else item.lines[0]


def _keeps(article: ParsedArticle, parts: Sequence[ParsedArticle]) -> bool:
    """Whether ``article`` has every byline name, printed byline, source and caption (its
    lines and credit) that ``parts`` have."""
    byline_text, source = compact(article.byline_text), compact(article.source)
    captioned = {no: c.credit for c in article.captions for no in c.lines}
    for part in parts:
        if any(name not in article.byline for name in part.byline):
            return False
        if compact(part.byline_text) not in byline_text or compact(part.source) not in source:
            return False
        for c in part.captions:
            if any(no not in captioned or (c.credit and captioned[no] != c.credit) for no in c.lines):
                return False
    return True


def move_lines(
    page: Page,
    i: int,
    lines: Iterable[int],
    to: str = "previous",
    *,
    source: Sequence[str],
    tagger: Tagger = DEFAULT_TAGGER,
) -> Page:
    """Move some lines of article ``i`` to the article before it (``to="previous"``) or after
    it (``"next"``). Both articles are re-read; moving every line removes article ``i`` (the
    next article then takes its index)."""
    i = _index(page, i)
    if to not in ("previous", "next"):
        raise CorrectionError("只能把行移到上一篇或下一篇文章。")
    j = i - 1 if to == "previous" else i + 1
    if not 0 <= j < len(page.articles):
        raise CorrectionError(f"第{i + 1}篇文章{'前面' if to == 'previous' else '后面'}没有文章。")
    nos = _line_set(lines)
    article = page.articles[i]
    stray = [no for no in nos if no not in article.lines]
    if stray:
        raise CorrectionError(f"第{stray[0]}行不在第{i + 1}篇文章里。")
    moving = set(nos)
    out = _copy(page)
    out.articles[i] = _reread([no for no in article.lines if no not in moving], source, keep=article, tagger=tagger)
    target = page.articles[j]
    out.articles[j] = _reread([*target.lines, *nos], source, keep=target, tagger=tagger)
    return _check(_drop_emptied(page, out), source, before=page)


def mark_furniture(
    page: Page,
    lines: Iterable[int],
    kind: FurnitureKind | str = FurnitureKind.OTHER,
    *,
    source: Sequence[str],
    tagger: Tagger = DEFAULT_TAGGER,
) -> Page:
    """Make these lines page furniture of ``kind``: taken out of their articles (which are
    re-read; one left with no lines is removed); a line that is furniture already just takes
    the new kind."""
    try:
        kind = FurnitureKind(kind)
    except ValueError:
        raise CorrectionError(f"没有“{kind}”这种版面元素。") from None
    nos = _line_set(lines)
    for no in nos:
        if not 1 <= no <= len(source) or not source[no - 1].strip():
            raise CorrectionError(f"第{no}行是空行或不存在。")
    moving = set(nos)
    out = _copy(page)
    for i, article in enumerate(page.articles):
        if moving & set(article.lines):
            rest = [no for no in article.lines if no not in moving]
            out.articles[i] = _reread(rest, source, keep=article, tagger=tagger)
    out.furniture = [f for f in out.furniture if f.line not in moving]
    out.furniture += [Furniture(line=no, kind=kind, text=source[no - 1].strip()) for no in nos]
    out.furniture.sort(key=lambda f: f.line)
    return _check(_drop_emptied(page, out), source, before=page)


def unmark_furniture(
    page: Page, lines: Iterable[int], into: int | None, *, source: Sequence[str], tagger: Tagger = DEFAULT_TAGGER
) -> Page:
    """Take these furniture lines back into article ``into`` (which is re-read); ``into=None``:
    make them a new article of their own (a page split into furniture alone has no article to
    take them into), placed among the others by its first line."""
    if into is not None:
        into = _index(page, into)
    nos = _line_set(lines)
    furniture = {f.line for f in page.furniture}
    stray = [no for no in nos if no not in furniture]
    if stray:
        raise CorrectionError(f"第{stray[0]}行不是版面元素。")
    moving = set(nos)
    out = _copy(page)
    out.furniture = [f for f in out.furniture if f.line not in moving]
    if into is None:
        at = next((k for k, a in enumerate(page.articles) if a.lines and a.lines[0] > nos[0]), len(page.articles))
        out.articles.insert(at, _reread(nos, source, keep=None, tagger=tagger))
        return _check(out, source, before=page)
    article = page.articles[into]
    out.articles[into] = _reread([*article.lines, *nos], source, keep=article, tagger=tagger)
    return _check(out, source, before=page)


def reorder(page: Page, i: int, new_index: int) -> Page:
    """Move article ``i`` to position ``new_index`` (both 0-based)."""
    i = _index(page, i)
    if not isinstance(new_index, int) or not 0 <= new_index < len(page.articles):
        raise CorrectionError(f"位置必须在1到{len(page.articles)}之间。")
    out = _copy(page)
    out.articles.insert(new_index, out.articles.pop(i))
    return out


def delete_empty(page: Page, i: int) -> Page:
    """Delete article ``i``, which must have no lines left (an empty article of a state stored
    before moves and furniture marks removed the articles they empty)."""
    i = _index(page, i)
    if page.articles[i].lines:
        raise CorrectionError(f"第{i + 1}篇文章还有{len(page.articles[i].lines)}行，只能删除空文章。")
    out = _copy(page)
    del out.articles[i]
    return out


# -- fields ----------------------------------------------------------------------------------


def edit_fields(page: Page, i: int, **fields: object) -> Page:
    """Set fields of article ``i`` by hand; lines stay where they are.

    ``section``, ``kicker``, ``headline``, ``subheadline``, ``byline_text``, ``source``: text;
    ``byline``: the names, a list of text; ``intertitles``: the new text of each intertitle, in
    order (as many as it has); ``captions``: ``(text, credit)`` for each caption, in order (as many
    as it has; a caption keeps its lines); ``blocks``: the whole body, ``Block`` items or
    ``(kind, text)`` pairs (empty blocks are dropped).
    """
    i = _index(page, i)
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise CorrectionError(f"不能修改“{unknown[0]}”。")
    out = _copy(page)
    article = out.articles[i]
    photo = Warning.PHOTO_ONLY in article.warnings
    was = {name: getattr(article, name) for name in _TITLE_FIELDS}
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(article, name, _text(fields[name], name))
    if "byline" in fields:
        names = [_text(n, "byline") for n in _list(fields["byline"], "byline")]
        article.byline = list(dict.fromkeys(n for n in names if n))
    if "blocks" in fields:
        blocks = []
        for item in _list(fields["blocks"], "blocks"):
            if isinstance(item, Block):
                kind, text = item.kind, item.text
            elif isinstance(item, dict):
                kind, text = item.get("kind", BlockKind.PARAGRAPH), item.get("text", "")
            else:
                kind, text = _pair(item, "blocks")
            try:
                kind = BlockKind(kind)
            except ValueError:
                raise CorrectionError(f"没有“{kind}”这种段落。") from None
            text = _text(text, "blocks")
            if text:
                blocks.append(Block(kind, text))
        article.blocks = blocks
    if "intertitles" in fields:
        texts = [_text(t, "intertitles") for t in _list(fields["intertitles"], "intertitles")]
        slots = [k for k, b in enumerate(article.blocks) if b.kind == BlockKind.INTERTITLE]
        if len(texts) != len(slots):
            raise CorrectionError(f"这篇文章有{len(slots)}个小标题，收到了{len(texts)}个。")
        for k, text in zip(slots, texts, strict=True):
            article.blocks[k] = Block(BlockKind.INTERTITLE, text)
        article.blocks = [b for b in article.blocks if b.text]
    if "captions" in fields:
        pairs = [_pair(c, "captions") for c in _list(fields["captions"], "captions")]
        if len(pairs) != len(article.captions):
            raise CorrectionError(f"这篇文章有{len(article.captions)}条图片说明，收到了{len(pairs)}条。")
        # A credit corrected by hand is shown as typed (with 摄), no longer as it was printed.
        article.captions = [
            replace(
                c, text=_text(text, "captions"), credit=_text(credit, "captions"),
                credit_text=c.credit_text if _text(credit, "captions") == c.credit else "",
            )
            for c, (text, credit) in zip(article.captions, pairs, strict=True)
        ]
    if "blocks" not in fields:
        # After the form's subheadings are applied (it sends them all, as they were): a title
        # typed from the first of them takes it out, not a count of them gone wrong.
        _title_out_of_body(article, was)
    article.warnings = _warnings(article, photo=photo)
    return out


def _title_out_of_body(article: ParsedArticle, was: dict[str, str]) -> None:
    """A title field the admin filled (empty before) with the words the body opens with — the
    headline line the splitter read as prose, or a column break glued to the first paragraph —
    takes them out of the body: else the story prints them twice. In print order (栏目, 引题,
    标题, 副题), each from what the one before left; a story that now opens with its title no
    longer reads as continued from another page."""
    for name in _TITLE_FIELDS:
        typed = compact(getattr(article, name))
        # Four characters at least: a short word ("介休") may open a paragraph that is prose.
        if was[name] or len(typed) < 4 or not article.blocks:
            continue
        rest = _without_prefix(article.blocks[0].text, typed)
        if rest is None:
            continue
        if rest:
            article.blocks[0] = Block(article.blocks[0].kind, rest)
        else:
            del article.blocks[0]
        article.continued = False


def _without_prefix(text: str, prefix: str) -> str | None:
    """``text`` after its opening ``prefix`` (whitespace in ``text`` not counted), or None when it
    does not open with it."""
    k = 0
    for pos, ch in enumerate(text):
        if k == len(prefix):
            return text[pos:].lstrip()
        if ch.isspace():
            continue
        if ch != prefix[k]:
            return None
        k += 1
    return "" if k == len(prefix) else None


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise CorrectionError(f"“{name}”必须是文字。")
    # As at ingest: the control characters PostgreSQL text cannot hold (NUL) are dropped.
    # Browsers send a textarea's line breaks as \r\n (HTML's form encoding); stored text has \n
    # only, so an unchanged multi-line caption compares equal and is not recorded as a change.
    return strip_controls(newlines(value)).strip()


def newlines(text: str) -> str:
    """``text`` with every line break (``\\r\\n``, a lone ``\\r``) as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _list(value: object, name: str) -> list:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise CorrectionError(f"“{name}”必须是一个列表。")
    return list(value)


def _pair(item: object, name: str) -> tuple[object, object]:
    if isinstance(item, Caption):
        return item.text, item.credit
    if isinstance(item, dict):
        return item.get("text", ""), item.get("credit", "")
    if isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
        return item[0], item[1]
    raise CorrectionError(f"“{name}”的每一项必须是两个值。")


def set_counties(page: Page, i: int, counties: Sequence[County], primary: County | str | None = None) -> Page:
    """Set article ``i``'s counties; ``primary`` (a County or its code; default the first)
    goes first. No counties at all is allowed."""
    i = _index(page, i)
    chosen = list(dict.fromkeys(counties))
    if any(not isinstance(c, County) for c in chosen):
        raise CorrectionError("区县必须来自地名表。")
    if chosen and primary is not None:
        code = primary.code if isinstance(primary, County) else str(primary)
        first = [c for c in chosen if c.code == code]
        if not first:
            raise CorrectionError("主要区县必须是所选区县之一。")
        chosen = first + [c for c in chosen if c.code != code]
    elif primary is not None:
        raise CorrectionError("没有选择区县，不能指定主要区县。")
    out = _copy(page)
    out.articles[i].counties = chosen
    return out


# -- what changed between two states ---------------------------------------------------------

FIELD_LABELS = {
    "section": "栏目",
    "kicker": "引题",
    "headline": "标题",
    "subheadline": "副题",
    "byline": "作者",
    "byline_text": "署名",
    "source": "来源",
    "intertitles": "小标题",
    "body": "正文",
    "captions": "图片说明",
    "counties": "区县",
    "lines": "原文行",
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ArticleChange:
    """One article added, removed or changed between two states (``before``/``after`` None for
    an added/removed one); ``index``: its position in the later state, else in the earlier."""

    kind: str  # "added", "removed", "changed"
    before: ParsedArticle | None
    after: ParsedArticle | None
    index: int
    fields: tuple[FieldChange, ...] = ()
    line_text: str = ""  # its lines as ranges (``3–5, 7``)

    @property
    def article(self) -> ParsedArticle:
        return self.after if self.after is not None else self.before  # type: ignore[return-value]



@dataclass(frozen=True)
class PageDiff:
    articles: tuple[ArticleChange, ...]
    furniture: tuple[FieldChange, ...]  # one per furniture line added, removed or given a new kind
    moved: bool  # the order of the articles that are in both changed

    def __bool__(self) -> bool:
        return bool(self.articles or self.furniture or self.moved)


def line_ranges(lines: Iterable[int], source: Sequence[str] | None = None) -> str:
    """``[3, 4, 5, 7]`` → ``"3–5, 7"``; with the page's ``source`` lines, a run broken only by
    blank lines is one range too (``[3, 5, 7]`` → ``"3–7"`` when 4 and 6 are blank)."""
    out: list[str] = []
    nos = sorted(set(lines))

    def next_to(a: int, b: int) -> bool:
        if b == a + 1:
            return True
        return source is not None and all(not source[k - 1].strip() for k in range(a + 1, b) if k <= len(source))

    k = 0
    while k < len(nos):
        end = k
        while end + 1 < len(nos) and next_to(nos[end], nos[end + 1]):
            end += 1
        out.append(str(nos[k]) if end == k else f"{nos[k]}–{nos[end]}")
        k = end + 1
    return ", ".join(out)


def _shown(article: ParsedArticle, name: str, source: Sequence[str] | None = None) -> str:
    if name == "byline":
        return "、".join(article.byline)
    if name == "intertitles":
        return " / ".join(article.intertitles)
    if name == "captions":
        return "\n".join(f"{c.text}（{c.credit}）" if c.credit else c.text for c in article.captions)
    if name == "counties":
        return "、".join(c.name for c in article.counties)
    if name == "lines":
        return line_ranges(article.lines, source)
    if name == "body":
        return article.body
    return str(getattr(article, name))


def article_changes(
    before: ParsedArticle, after: ParsedArticle, source: Sequence[str] | None = None
) -> tuple[FieldChange, ...]:
    """The fields that differ, as shown to an admin; the body shows only the paragraphs that
    went and came. ``source``: the page's lines, to show line ranges across blank lines."""
    changes: list[FieldChange] = []
    for name, label in FIELD_LABELS.items():
        old, new = _shown(before, name, source), _shown(after, name, source)
        if old == new:
            continue
        if name == "body":
            went = [p for p in before.paragraphs if p not in after.paragraphs]
            came = [p for p in after.paragraphs if p not in before.paragraphs]
            old, new = "\n".join(went), "\n".join(came)
        changes.append(FieldChange(label, old, new))
    return tuple(changes)


def diff_pages(before: Page, after: Page, source: Sequence[str] | None = None) -> PageDiff:
    """What changed from ``before`` to ``after``. Articles are matched by ``ref``, then (those
    without one) by identical lines. ``source``: the page's lines (see :func:`line_ranges`)."""
    return _diff(dict(enumerate(before.articles)), dict(enumerate(after.articles)), {}, before, after, source)


def diff_states(before: dict, after: dict, source: Sequence[str] | None = None) -> PageDiff:
    """``diff_pages`` of two pages as ``page_to_dict`` wrote them (two revisions' states),
    reading into dataclasses only the articles that may differ: an article whose dict is the
    same in both, found by its ``ref``, is unchanged. (A page's history read and compared every
    story of every revision: 5 s for a page of 16,000 stories and a few corrections.)"""
    old, new = before.get("articles", []), after.get("articles", [])
    after_by_ref = {d["ref"]: j for j, d in enumerate(new) if d.get("ref") is not None}
    same: dict[int, int] = {}
    for k, d in enumerate(old):
        j = after_by_ref.get(d["ref"]) if d.get("ref") is not None else None
        if j is not None and new[j] == d:
            same[k] = j
    kept = set(same.values())
    return diff_changed(
        [d.get("ref") for d in old],
        [d.get("ref") for d in new],
        {k: d for k, d in enumerate(old) if k not in same},
        {j: d for j, d in enumerate(new) if j not in kept},
        before.get("furniture", []),
        after.get("furniture", []),
        source,
    )


def diff_changed(
    old_refs: Sequence[int | None],
    new_refs: Sequence[int | None],
    old_changed: dict[int, dict],
    new_changed: dict[int, dict],
    old_furniture: list[dict],
    new_furniture: list[dict],
    source: Sequence[str] | None = None,
) -> PageDiff:
    """``diff_states`` from what differs only: every story's ref in order on each side, and the
    stories (by index, as ``page_to_dict`` wrote them) that the other side does not hold as they
    are — every other story is the same, unchanged, as the story of its ref on the other side
    (found so by PostgreSQL for a history: ``PageRevisionQuerySet.differences``)."""
    after_by_ref = {ref: j for j, ref in enumerate(new_refs) if ref is not None}
    same = {k: after_by_ref[ref] for k, ref in enumerate(old_refs) if k not in old_changed}
    return _diff(
        {k: article_from_dict(d) for k, d in sorted(old_changed.items())},  # in page order, as diff_pages reads them
        {j: article_from_dict(d) for j, d in sorted(new_changed.items())},
        same,
        page_from_dict({"furniture": old_furniture}),
        page_from_dict({"furniture": new_furniture}),
        source,
    )


def _diff(
    before: dict[int, ParsedArticle],
    after: dict[int, ParsedArticle],
    same: dict[int, int],
    before_page: Page,
    after_page: Page,
    source: Sequence[str] | None,
) -> PageDiff:
    """``diff_pages`` of the articles ``before`` and ``after`` (by their index on the page),
    ``same`` the pairs (before → after index) already known unchanged, left out of both."""
    after_by_ref = {a.ref: k for k, a in after.items() if a.ref is not None}
    match: dict[int, int] = {}  # index in before → index in after
    for k, a in before.items():
        if a.ref is not None and a.ref in after_by_ref:
            match[k] = after_by_ref[a.ref]
    taken = set(match.values())
    by_lines: dict[tuple[int, ...], list[int]] = {}
    for k, a in after.items():
        if k not in taken and a.lines:
            by_lines.setdefault(tuple(a.lines), []).append(k)
    for k, a in before.items():
        if k not in match and by_lines.get(tuple(a.lines)):
            match[k] = by_lines[tuple(a.lines)].pop(0)
    matched_after = set(match.values())
    changes: list[ArticleChange] = []
    for k, a in before.items():
        if k not in match:
            changes.append(ArticleChange("removed", a, None, k, line_text=line_ranges(a.lines, source)))
    for k, a in after.items():
        if k not in matched_after:
            changes.append(ArticleChange("added", None, a, k, line_text=line_ranges(a.lines, source)))
    for k, j in match.items():
        a = after[j]
        fields = article_changes(before[k], a, source)
        if fields:
            changes.append(ArticleChange("changed", before[k], a, j, fields, line_ranges(a.lines, source)))
    changes.sort(key=lambda c: (c.index, c.kind != "removed"))
    match.update(same)
    old_furniture = {f.line: f for f in before_page.furniture}
    new_furniture = {f.line: f for f in after_page.furniture}
    furniture = []
    for no in sorted(old_furniture.keys() | new_furniture.keys()):
        old, new = old_furniture.get(no), new_furniture.get(no)
        if old is None or new is None or old.kind != new.kind:
            text = (new or old).text  # type: ignore[union-attr]
            furniture.append(
                FieldChange(
                    f"第{no}行 {text}",
                    FURNITURE_LABELS[old.kind] if old else "",
                    FURNITURE_LABELS[new.kind] if new else "",
                )
            )
    order = [j for _, j in sorted(match.items())]
    return PageDiff(tuple(changes), tuple(furniture), moved=order != sorted(order))


FURNITURE_LABELS = {FurnitureKind.BANNER: "横幅", FurnitureKind.COLUMN: "栏目", FurnitureKind.OTHER: "其他版面元素"}
