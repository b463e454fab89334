"""Carrying hand corrections onto a new split (ingest/carry.py): pure Python, no database."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
