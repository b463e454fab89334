"""Carrying hand corrections onto a new split (ingest/carry.py): pure Python, no database."""

from __future__ import annotations

import copy
import difflib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import carry
from ingest import corrections as c
from ingest.carry import LINES_CHANGED, SPLIT_DIFFERS, carry_over
from ingest.model import FurnitureKind, Page
from ingest.pipeline import parse_page
from tests.conftest import SEED_FILES


def _stored(path) -> tuple[Page, list[str]]:
    """A seed page as the archive holds it after ingest: articles with refs."""
    text = path.read_text(encoding="utf-8")
    page = parse_page(text)
    for n, article in enumerate(page.articles):
        article.ref = 100 + n
    return page, c.source_lines(text)


def _big_article(page: Page, *, at_least: int = 6) -> int:
    return next(i for i, a in enumerate(page.articles) if len(a.lines) >= at_least)


@pytest.fixture(params=SEED_FILES[:3], ids=lambda p: p.name)
def seed(request):
    return _stored(request.param)


def test_unchanged_lines_and_no_corrections_give_the_new_split_with_old_refs(seed):
    old, lines = seed
    new = parse_page("\n".join(lines))
    state, conflicts = carry_over(old, lines, new, lines, original=copy.deepcopy(old))
    assert conflicts == []
    assert [a.ref for a in state.articles] == [a.ref for a in old.articles]
    assert c.placement_problems(state, lines) == []


def test_field_edits_are_carried_when_the_file_is_replaced_with_one_more_line_on_top(seed):
    old, lines = seed
    i = _big_article(old)
    corrected = c.edit_fields(old, i, headline="校正后的标题", kicker="校正后的引题")
    new_lines = ["（更正版）", *lines, ""]  # a line added on top shifts every number; a trailing newline
    new = parse_page("\n".join(new_lines))
    state, conflicts = carry_over(corrected, lines, new, new_lines, original=old)
    assert conflicts == []
    kept = next(a for a in state.articles if a.ref == old.articles[i].ref)
    assert kept.headline == "校正后的标题" and kept.kicker == "校正后的引题"
    assert kept.lines == [n + 1 for n in old.articles[i].lines]
    assert all(cap_line in kept.lines for cap in kept.captions for cap_line in cap.lines)
    assert c.placement_problems(state, new_lines) == []


def test_a_hand_split_survives_a_replacement_whose_lines_are_unchanged(seed):
    old, lines = seed
    i = _big_article(old)
    at = old.articles[i].lines[len(old.articles[i].lines) // 2]
    split = c.split_article(old, i, at, source=lines)
    new = parse_page("\n".join(lines))
    state, conflicts = carry_over(split, lines, new, lines, original=old)
    assert conflicts == []
    assert len(state.articles) == len(old.articles) + 1
    assert [a.lines for a in state.articles] == [a.lines for a in split.articles]
    assert state.articles[i].ref == old.articles[i].ref and state.articles[i + 1].ref is None
    assert c.placement_problems(state, lines) == []


def test_furniture_marks_survive(seed):
    old, lines = seed
    i = _big_article(old)
    line = old.articles[i].lines[-1]
    marked = c.mark_furniture(old, [line], FurnitureKind.OTHER, source=lines)
    state, conflicts = carry_over(marked, lines, parse_page("\n".join(lines)), lines, original=old)
    assert conflicts == []
    assert line in {f.line for f in state.furniture}
    assert c.placement_problems(state, lines) == []


def test_a_corrected_article_whose_lines_changed_is_a_conflict(seed):
    old, lines = seed
    i = _big_article(old)
    corrected = c.edit_fields(old, i, headline="校正后的标题")
    victim = old.articles[i].lines[-1]
    new_lines = list(lines)
    new_lines[victim - 1] = new_lines[victim - 1] + "（此句有改动）"
    new = parse_page("\n".join(new_lines))
    state, conflicts = carry_over(corrected, lines, new, new_lines, original=old)
    assert [(k.ref, k.headline, k.reason) for k in conflicts] == [(old.articles[i].ref, "校正后的标题", LINES_CHANGED)]
    assert "改动" in conflicts[0].why
    assert "校正后的标题" not in [a.headline for a in state.articles]
    # the same story, its text corrected: the row (and its address) stays
    assert old.articles[i].ref in [a.ref for a in state.articles]
    assert c.placement_problems(state, new_lines) == []


def test_articles_without_hand_changes_are_never_conflicts(seed):
    old, lines = seed
    new_lines = [line + "。" if line.strip() else line for line in lines]  # every line changed
    state, conflicts = carry_over(old, lines, parse_page("\n".join(new_lines)), new_lines, original=copy.deepcopy(old))
    assert conflicts == []
    assert c.placement_problems(state, new_lines) == []


def test_without_the_original_every_changed_article_is_reported(seed):
    old, lines = seed
    new_lines = list(lines)
    i = _big_article(old)
    victim = old.articles[i].lines[0]
    new_lines[victim - 1] += "改"
    _, conflicts = carry_over(old, lines, parse_page("\n".join(new_lines)), new_lines)
    assert old.articles[i].ref in {k.ref for k in conflicts}


def test_a_split_that_no_longer_fits_the_new_split_is_reported():
    old, lines = _stored(SEED_FILES[0])
    i = _big_article(old)
    merged = c.merge_with_next(old, i, source=lines)
    # The new file breaks the merged story's lines differently from both old articles: the
    # second old article loses its last line, which moves into a new paragraph of its own.
    last = old.articles[i + 1].lines[-1]
    new_lines = list(lines)
    new_lines[last - 1] = ""
    new_lines.insert(last, lines[last - 1] + "（补）")
    new = parse_page("\n".join(new_lines))
    state, conflicts = carry_over(merged, lines, new, new_lines, original=old)
    assert [k.ref for k in conflicts] == [old.articles[i].ref]
    assert conflicts[0].reason in (LINES_CHANGED, SPLIT_DIFFERS)
    assert c.placement_problems(state, new_lines) == []


def test_inputs_are_not_modified(seed):
    old, lines = seed
    corrected = c.edit_fields(old, 0, headline="改")
    before = copy.deepcopy(corrected)
    new = parse_page("\n".join(lines))
    new_before = copy.deepcopy(new)
    carry_over(corrected, lines, new, lines, original=old)
    assert corrected == before and new == new_before


# -- any corrections, any edit of the file ------------------------------------------------------

@st.composite
def corrected_and_edited(draw):
    path = draw(st.sampled_from(SEED_FILES))
    old, lines = _stored(path)
    state = old
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(state.articles) - 1))
        action = draw(st.sampled_from(["edit", "split", "merge", "furniture"]))
        article = state.articles[i]
        try:
            if action == "edit":
                state = c.edit_fields(state, i, headline=draw(st.sampled_from(["校正甲", "校正乙", ""])))
            elif action == "split" and len(article.lines) > 1:
                state = c.split_article(state, i, draw(st.sampled_from(article.lines[1:])), source=lines)
            elif action == "merge":
                state = c.merge_with_next(state, i, source=lines)
            elif action == "furniture" and article.lines:
                state = c.mark_furniture(state, [draw(st.sampled_from(article.lines))], source=lines)
        except c.CorrectionError:
            pass
    new_lines = list(lines)
    for _ in range(draw(st.integers(0, 4))):
        n = draw(st.integers(0, len(new_lines) - 1))
        edit = draw(st.sampled_from(["change", "insert", "delete", "blank"]))
        if edit == "change":
            new_lines[n] = new_lines[n] + "改"
        elif edit == "insert":
            new_lines.insert(n, "新增的一行文字。")
        elif edit == "delete":
            del new_lines[n]
        else:
            new_lines.insert(n, "")
    return old, state, lines, new_lines


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corrected_and_edited())
def test_every_new_line_ends_in_exactly_one_place_whatever_was_corrected_and_edited(case):
    original, corrected, lines, new_lines = case
    new = parse_page("\n".join(new_lines))
    state, conflicts = carry_over(corrected, lines, new, new_lines, original=original)
    assert c.placement_problems(state, new_lines) == []
    refs = [a.ref for a in state.articles if a.ref is not None]
    old_refs = {a.ref for a in corrected.articles}
    assert len(refs) == len(set(refs)) and set(refs) <= old_refs
    assert {k.ref for k in conflicts} <= old_refs
    # nothing corrected and nothing changed: the new split as it is, with the old refs
    if corrected == original and new_lines == lines:
        assert conflicts == [] and [a.lines for a in state.articles] == [a.lines for a in new.articles]


# -- matching the lines of long pages -----------------------------------------------------------


def _long_page(n: int, *, numbered: bool = True) -> list[str]:
    """``n`` lines of the seeds' text over and over (a long draft); ``numbered``: each copy's
    lines end with the copy's number, so most lines are unique, as in one long file."""
    texts = [path.read_text(encoding="utf-8").split("\n") for path in SEED_FILES]
    lines: list[str] = []
    copy_no = 0
    while len(lines) < n:
        for text in texts:
            lines += [f"{line}（{copy_no}）" if numbered and line.strip() else line for line in text]
            copy_no += 1
    return lines[:n]


def _edited(lines: list[str]) -> list[str]:
    """A corrected file: a line added near the top, one changed, one deleted, a blank added."""
    n = len(lines)
    new = list(lines)
    new.insert(100, "新增的一行文字。")
    new[n // 2] += "改"
    del new[3 * n // 4]
    new.insert(n - 50, "")
    return new


def _difflib_map(old_lines: list[str], new_lines: list[str]) -> dict[int, int]:
    """The line map as it was made before: difflib over every line."""
    old, new = [s.strip() for s in old_lines], [s.strip() for s in new_lines]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return {
        i1 + k + 1: j1 + k + 1
        for tag, i1, i2, j1, _ in matcher.get_opcodes()
        if tag == "equal"
        for k in range(i2 - i1)
        if old[i1 + k]
    }


def _assert_sound_map(mapping: dict[int, int], old: list[str], new: list[str]) -> None:
    pairs = sorted(mapping.items())
    assert all(old[i - 1].strip() == new[j - 1].strip() and old[i - 1].strip() for i, j in pairs)
    assert [j for _, j in pairs] == sorted({j for _, j in pairs}), "in order, one to one"


def test_a_resplit_maps_every_line_to_itself_without_a_diff(monkeypatch):
    lines = _long_page(25_036)
    monkeypatch.setattr(carry.difflib, "SequenceMatcher", None)  # never called for the same text
    started = time.perf_counter()
    mapping = carry._line_map(lines, list(lines))
    assert time.perf_counter() - started < 2
    assert mapping == {no: no for no, line in enumerate(lines, start=1) if line.strip()}
    old, text = _stored(SEED_FILES[0])
    state, conflicts = carry_over(old, text, parse_page("\n".join(text)), text, original=copy.deepcopy(old))
    assert conflicts == [] and [a.ref for a in state.articles] == [a.ref for a in old.articles]


@pytest.mark.parametrize("numbered", [True, False], ids=["unique-lines", "repeated-text"])
def test_a_long_replaced_page_is_matched_in_near_linear_time(numbered):
    # Reviewed: difflib over 25,036 lines took 81 s (quadratic in the lines, blank ones included).
    old = _long_page(25_036, numbered=numbered)
    new = _edited(old)
    started = time.perf_counter()
    mapping = carry._line_map(old, new)
    assert time.perf_counter() - started < 10
    _assert_sound_map(mapping, old, new)
    nonblank = sum(1 for line in old if line.strip())
    assert len(mapping) == nonblank - 2, "all but the changed and the deleted line"


def test_the_line_map_of_a_long_page_is_difflibs_where_lines_are_unique():
    old = _long_page(1_500)
    new = _edited(old)
    assert len(old) * len(new) > carry._DIFFLIB_PAIRS  # the anchored way
    assert carry._line_map(old, new) == _difflib_map(old, new)


def test_an_ordinary_page_is_matched_exactly_as_difflib_matches_it(seed):
    old, lines = seed
    new_lines = ["（更正版）", *lines[:40], lines[41] + "改", *lines[42:], lines[10], ""]
    assert carry._line_map(lines, new_lines) == _difflib_map(lines, new_lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corrected_and_edited())
def test_the_anchored_line_map_is_sound_and_maps_as_many_lines_as_difflib(case):
    # Forced onto the way long pages take: every line it maps has the same text, in order, and it
    # leaves no line unmapped that difflib maps (it may pair repeated lines otherwise).
    _, _, lines, new_lines = case
    expected = _difflib_map(lines, new_lines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(carry, "_DIFFLIB_PAIRS", 0)
        mapping = carry._line_map(lines, new_lines)
    _assert_sound_map(mapping, lines, new_lines)
    assert len(mapping) >= len(expected)
