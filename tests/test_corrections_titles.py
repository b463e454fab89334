"""What a correction does to a title: a title fixed by hand survives a move of the article's
other lines, a title typed over the body's opening takes it out of the body, and no correction
leaves a character of the article's lines in no field (it is refused first)."""

from __future__ import annotations

import pytest

from ingest import corrections as C
from ingest.corrections import CorrectionError
from ingest.model import Block, BlockKind
from ingest.pipeline import parse_page
from tests.conftest import SEED_FILES


def seed_page(n: int, extra: str = ""):
    text = SEED_FILES[n].read_text(encoding="utf-8")
    if extra:
        text = text.rstrip("\n") + "\n" + extra + "\n"
    page = parse_page(text)
    for k, article in enumerate(page.articles):
        article.ref = 100 + k  # as loaded from the database
    return page, C.source_lines(text)


def titled(page):
    """(index, article) of each article with a kicker and a headline and lines below them."""
    return [(i, a) for i, a in enumerate(page.articles[:-1]) if a.kicker and a.headline and len(a.lines) > 3]


def test_a_kicker_and_headline_swapped_by_hand_survive_moving_the_last_line_on():
    seen = 0
    for n in range(len(SEED_FILES)):
        page, source = seed_page(n)
        for i, article in titled(page):
            fixed = C.edit_fields(page, i, kicker=article.headline, headline=article.kicker)
            moved = C.move_lines(fixed, i, [article.lines[-1]], to="next", source=source)
            after = moved.articles[i]
            assert (after.kicker, after.headline) == (article.headline, article.kicker), (n, i)
            assert C.character_problems(moved, source) == []
            seen += 1
    assert seen >= 3  # the seeds have such articles: the test is not empty


def test_a_title_that_is_just_what_its_lines_read_gives_way_to_the_new_reading():
    # Split a story under its kicker, then merge it back: the story's own title again, not the
    # kicker alone read as a headline.
    page, source = seed_page(0)
    i, article = titled(page)[0]
    split = C.split_article(page, i, article.lines[1], source=source)
    back = C.merge_with_next(split, i, source=source).articles[i]
    assert (back.kicker, back.headline) == (article.kicker, article.headline)


def test_a_headline_typed_over_the_bodys_opening_takes_it_out_of_the_body():
    page, source = seed_page(0)
    i, article = next((i, a) for i, a in enumerate(page.articles) if a.headline and len(a.blocks) > 1)
    # As the splitter leaves a story whose headline it read as prose: no title, the headline
    # glued to the first paragraph, read as continued from another page.
    glued = C._copy(page)
    untitled = glued.articles[i]
    untitled.blocks[0] = Block(BlockKind.PARAGRAPH, untitled.headline + untitled.blocks[0].text)
    untitled.headline, untitled.continued = "", True
    fixed = C.edit_fields(glued, i, headline=article.headline).articles[i]
    assert fixed.headline == article.headline
    assert fixed.blocks[0].text == article.blocks[0].text  # printed once, not twice
    assert not fixed.continued  # it opens with its title now


def test_a_short_title_typed_by_hand_leaves_a_paragraph_that_opens_with_it_alone():
    page, _source = seed_page(0)
    i = next(i for i, a in enumerate(page.articles) if a.blocks)
    opening = page.articles[i].blocks[0].text
    blank = C._copy(page)
    blank.articles[i].headline = ""
    fixed = C.edit_fields(blank, i, headline=opening[:3]).articles[i]
    assert fixed.blocks[0].text == opening  # three characters may open any paragraph


def test_a_column_label_read_into_the_body_survives_marking_another_line_as_furniture(monkeypatch):
    # A page where the splitter reads the column label 经济 论坛 into a story's first paragraph;
    # taking another line of that story out re-reads its lines alone, where the label is the
    # section: the story kept its empty section and lost the label's text (a review found it).
    # (The labels' own reading of this page, as before the rules' reading of a regional page's
    # stories was kept: splitter._regional_conventions.)
    from ingest import splitter

    monkeypatch.setattr(splitter, "_regional_conventions", lambda page, rules_page: page)
    n = next(k for k, path in enumerate(SEED_FILES) if path.name == "001_49cb030964a73740.txt")
    page, source = seed_page(n, extra="模糊测试一")
    i, article = next((i, a) for i, a in enumerate(page.articles) if a.blocks and a.blocks[0].text.startswith("经济论坛"))
    out = C.mark_furniture(page, [article.lines[-2]], source=source)
    assert C.character_problems(out, source) == []
    after = out.articles[i]
    assert "经济论坛" in "".join([after.section.replace(" ", ""), *(b.text.replace(" ", "") for b in after.blocks)])


def test_an_action_that_would_leave_characters_in_no_field_is_refused(monkeypatch):
    page, source = seed_page(0)
    i = next(i for i, a in enumerate(page.articles) if len(a.blocks) > 2)
    real = C._reread

    def losing(*args, **kwargs):
        article = real(*args, **kwargs)
        article.blocks = article.blocks[1:]  # a re-read that drops a paragraph (a bug)
        return article

    monkeypatch.setattr(C, "_reread", losing)
    with pytest.raises(CorrectionError, match="这样改会让原文的字不在任何文章里，没有保存"):
        C.move_lines(page, i, [page.articles[i].lines[-1]], to="next", source=source)


def seed_named(name: str, extra: str = ""):
    return seed_page(next(k for k, path in enumerate(SEED_FILES) if path.name == name), extra)


def test_a_misprint_fixed_by_hand_survives_a_merge_whose_reading_shows_a_credit_twice():
    # Merged, the two stories' lines read with a photo credit both as byline and as the
    # caption's credit (an older quirk of the reading): that is not the kept title's doing.
    page, source = seed_named("001_49cb030964a73740.txt")
    fixed_headline = page.articles[0].headline.replace("引领", "错领")
    fixed = C.edit_fields(page, 0, headline=fixed_headline)
    assert C.merge_with_next(fixed, 0, source=source).articles[0].headline == fixed_headline


def test_a_title_typed_from_the_first_subheading_as_the_form_sends_it_takes_that_subheading():
    # Mark a headline line as furniture, take it back as a story of its own: it is read as a
    # subheading of a story without a title. The form posts every subheading as it was.
    page, source = seed_named("000_7f5b6c240486804c.txt")
    line = next(no for a in page.articles for no in a.lines[1:2] if a.headline and source[no - 1].strip() == a.headline)
    back = C.unmark_furniture(C.mark_furniture(page, [line], source=source), [line], None, source=source)
    i, story = next((i, a) for i, a in enumerate(back.articles) if a.lines and a.lines[0] == line)
    heading = source[line - 1].strip()
    assert not story.headline and story.intertitles[:1] == [heading]
    fixed = C.edit_fields(back, i, headline=heading, intertitles=list(story.intertitles)).articles[i]
    assert fixed.headline == heading and heading not in fixed.intertitles
