"""What the page built from the learned labels repairs (issue 9, fourth session): title lines
the labeller reads apart, a subheading read as a story's last line, a dateline cut before its
names, names cut by stray spaces. All text here is made up; no corpus text is copied.
"""

from __future__ import annotations

import pytest

from ingest import starts
from ingest.assemble import broken_title, build_page, repair_title_labels
from ingest.names import clean_names
from ingest.splitter import prepare_lines

BODY = [
    "清晨六点，镇上的老街已经亮起了灯，摊主们把新收的萝卜、白菜和自家做的豆腐摆上木架。",
    "今年的集市比往年多了三十多个摊位，不少在外务工的年轻人回到家乡，在集市上卖起了手工点心。",
]
OTHER = [
    "办好一件实事，胜过十句空话。群众关心什么，工作就要聚焦什么。",
    "只有俯下身子听民声，才能把好事办好、把实事办实。",
]


def _page(lines: list[str]) -> str:
    return "\n\n".join(lines) + "\n"


def _accounted_once(text: str, page) -> bool:  # type: ignore[no-untyped-def]
    nonblank = {no for no, raw in enumerate(text.split("\n"), start=1) if raw.strip()}
    seen = [no for a in page.articles for no in a.lines] + [f.line for f in page.furniture]
    return sorted(seen) == sorted(nonblank)


def test_a_title_line_broken_inside_a_word_or_a_quotation_is_one_line() -> None:
    assert broken_title("山区小学用上了新科", "技教室（基层见闻）")  # 科技: a word across the break
    assert broken_title("小镇集市迎来“开", "门红”")  # a quotation opened and closed
    assert broken_title("扩大特色产品销路", "，带动农户增收")  # no line opens with a comma
    # a kicker ending with a dash, a subheadline opened by one, two whole lines: not broken
    assert not broken_title("河谷小镇冬季集市——", "摊位多了人气旺")
    assert not broken_title("河谷小镇冬季集市重新开张", "——摊位比往年多了三十多个")
    assert not broken_title("山区小学", "迎来新学期的第一堂课")
    assert not broken_title("河谷镇", "集市重新开张（基层见闻）")  # a place over a headline
    # a photo credit beside a headline is never its rest
    assert not broken_title("王小明 摄", "技教室（基层见闻）")


def test_a_two_part_headline_set_over_two_lines_is_one_headline() -> None:
    assert broken_title("冬闲变冬忙", "集市人气旺（基层见闻）")
    text = _page(["冬闲变冬忙", "集市人气旺（基层见闻）", *BODY])
    lines = prepare_lines(text)
    page = build_page(lines, repair_title_labels(lines, ["S", "B", "B", "B"]))
    (article,) = page.articles
    assert article.headline == "冬闲变冬忙 集市人气旺（基层见闻）"


def test_broken_title_pieces_read_apart_become_one_headline() -> None:
    text = _page(["山区小学用上了新科", "技教室（基层见闻）", *BODY])
    lines = prepare_lines(text)
    # the labeller read the first piece as body and the second as the start
    labels = ["B", "S", "B", "B"]
    repaired = repair_title_labels(lines, labels)
    assert repaired[:2] == ["S", "T"]
    page = build_page(lines, repaired)
    assert _accounted_once(text, page)
    (article,) = page.articles
    assert article.headline == "山区小学用上了新科技教室（基层见闻）"
    assert article.kicker == ""


def test_the_headline_under_a_dash_kicker_is_a_title_line() -> None:
    text = _page(["河谷小镇冬季集市——", "摊位多了 人气旺了", *BODY, "把实事办到群众心坎上", *OTHER])
    lines = prepare_lines(text)
    for second in ("B", "I", "S"):
        labels = ["S", second, "B", "B", "S", "B", "B"]
        page = build_page(lines, repair_title_labels(lines, labels))
        assert _accounted_once(text, page)
        assert len(page.articles) == 2
        assert page.articles[0].kicker == "河谷小镇冬季集市——"
        assert page.articles[0].headline == "摊位多了 人气旺了"


def test_a_dateline_cut_before_its_names_keeps_them() -> None:
    text = _page(["小镇集市重新开张", "本报北京2月19日", "电  （记者王小明）" + BODY[0], BODY[1]])
    lines = prepare_lines(text)
    page = build_page(lines, ["S", "B", "B", "B"])
    assert _accounted_once(text, page)
    (article,) = page.articles
    assert article.byline == ["王小明"]
    assert article.paragraphs[0].startswith(BODY[0][:10])


def test_names_cut_by_stray_spaces_are_whole_again() -> None:
    assert clean_names("记者余小杰、张 晓明", spaced=True) == ["余小杰", "张晓明"]
    assert clean_names("记 者王明", spaced=True) == ["王明"]
    assert clean_names("记者周 海平", spaced=True) == ["周海平"]
    # names padded to one width, and lists without list marks, read as before
    for spaced in (True, False):
        assert clean_names("记者 王  明 通讯员 李四", spaced=spaced) == ["王明", "李四"]
        assert clean_names("杨伟炳 裴 姣", spaced=spaced) == ["杨伟炳", "裴姣"]
        assert clean_names("本报记者 王 明 张 三", spaced=spaced) == ["王明", "张三"]


def test_a_dateline_s_names_cut_by_stray_spaces() -> None:
    from ingest.bylines import parse_lead

    lead = parse_lead("本报北京2月19日电  （记 者余小杰、张 晓明）" + BODY[0])
    assert lead is not None and lead.names == ["余小杰", "张晓明"]


def test_a_subheading_promoted_to_a_start_takes_the_subheading_under_it_as_title() -> None:
    labels = ["S", "B", "I", "I", "B", "B"]
    marginals = [(0.9, 0, 0, 0.1, 0)] + [(0.0, 0, 0, 1.0, 0)] + [(0.3, 0, 0.7, 0, 0)] * 2 + [(0.0, 0, 0, 1.0, 0)] * 2
    out, _ = starts.relabel(labels, marginals, {2: 0.9})
    assert out == ["S", "B", "S", "T", "B", "B"]


def test_the_stage_reads_the_rules_labels_in_rows_of_one_width() -> None:
    """With or without the rules' reading (or with one of another length, ignored), every
    candidate row has the model's width, and the same page gives the same rows."""
    from pathlib import Path

    from ingest import learned
    from ingest.splitter import _Splitter, page_labels

    root = Path(__file__).resolve().parent.parent
    text = sorted((root / "tests" / "unseen3").glob("*.txt"))[0].read_text(encoding="utf-8")
    lines = prepare_lines(text)
    labelled = learned.label_lines(lines)
    assert labelled is not None
    marginals = labelled.marginals(starts.LABEL_ORDER)
    assert marginals is not None
    rules = page_labels(_Splitter(lines).run(), lines)
    with_rules = starts.page_rows(lines, labelled.labels, marginals, rules)
    without = starts.page_rows(lines, labelled.labels, marginals)
    wrong_length = starts.page_rows(lines, labelled.labels, marginals, rules[:-1])
    assert with_rules == starts.page_rows(lines, labelled.labels, marginals, rules)
    assert without == wrong_length
    widths = {len(f) for f in with_rules[1] + without[1]}
    assert len(widths) <= 1
    boosters = starts._model()
    if boosters is not None and with_rules[1]:
        first, second = boosters
        assert widths == {first.num_feature()}
        # the second pass: the same candidates read again among the first pass's decisions
        rows = with_rules[0]
        probability = dict(zip(rows, first.predict(with_rules[1], num_threads=1)))
        again = starts.second_pass_features(lines, labelled.labels, marginals, rows, probability, rules)
        assert len(again) == len(rows)
        assert again == starts.second_pass_features(lines, labelled.labels, marginals, rows, probability, rules)
        if second is not None:
            assert {len(f) for f in again} == {second.num_feature()}
    corrected = starts.correct_labels(lines, labelled.labels, marginals, rules)
    assert corrected is not None and len(corrected[0]) == len(lines)
    assert corrected == starts.correct_labels(lines, labelled.labels, marginals, rules)


def test_a_model_file_of_one_pass_still_reads() -> None:
    """A stage file without the second pass (an older model) is read as the first pass alone."""
    boosters = starts._model()
    if boosters is None:
        pytest.skip("no stage model or no lightgbm")
    text = starts.MODEL_PATH.read_text(encoding="utf-8")
    first_only = text.partition(starts.SECOND_PASS_MARK)[0]
    try:
        starts.use_model(first_only)
        one = starts._model()
        assert one is not None and one[1] is None
    finally:
        starts.use_model(None)


@pytest.mark.parametrize(
    ("last_line", "label", "ending"),
    [
        # a subheading cannot be a story's last line
        ("王小明 图 李 华 文", "I", "文"),
        # a credit read as a story of one line is the story above's
        ("王小明 李 华摄影报道", "S", "摄影报道"),
    ],
    ids=["subheading-as-last-line", "credit-as-one-line-story"],
)
def test_a_stray_last_line_stays_with_the_story_above(last_line: str, label: str, ending: str) -> None:
    text = _page(["小镇集市重新开张", *BODY, last_line, "把实事办到群众心坎上", *OTHER])
    lines = prepare_lines(text)
    labels = ["S", "B", "B", label, "S", "B", "B"]
    repaired = repair_title_labels(lines, labels)
    assert repaired[3] == "B"
    page = build_page(lines, repaired)
    assert _accounted_once(text, page)
    assert len(page.articles) == 2
    assert page.articles[0].body.rstrip().endswith(ending)


@pytest.mark.parametrize(
    "credit",
    ["人民视觉", "王小明 李 华摄影报道", "尼库摄（新华社发）"],
    ids=["agency", "photo-report", "credit-with-agency"],
)
def test_a_credit_read_as_the_next_story_s_kicker_goes_to_the_story_above(credit: str) -> None:
    """A photo credit after a story, read as the start over the next headline: the story
    above's last line, and the headline opens the next story with its own title."""
    text = _page(["小镇集市重新开张", *BODY, credit, "把实事办到群众心坎上", *OTHER])
    lines = prepare_lines(text)
    labels = ["S", "B", "B", "S", "T", "B", "B"]
    repaired = repair_title_labels(lines, labels)
    assert repaired == ["S", "B", "B", "B", "S", "B", "B"]
    page = build_page(lines, repaired)
    assert _accounted_once(text, page)
    assert len(page.articles) == 2
    assert page.articles[1].headline == "把实事办到群众心坎上"
    # a kicker that is no credit stays the next story's kicker
    kicker = prepare_lines(_page(["小镇集市重新开张", *BODY, "春耕时节", "把实事办到群众心坎上", *OTHER]))
    assert repair_title_labels(kicker, labels) == labels


@pytest.mark.parametrize(
    ("note", "under"),
    [
        ("（摘编自3月2日《山城晚报》）", "S"),  # an end note over a headline read as its own start
        ("（王小明 李华参与采写）", "T"),  # ... or read as the kicker of the headline under it
        ("（本报河谷3月1日电）", "T"),
    ],
    ids=["source-note", "contributors-note", "dateline-note"],
)
def test_an_end_note_read_as_a_start_closes_the_story_above(note: str, under: str) -> None:
    """A note wholly in brackets after a story (no headline is one: sixth session) read as a
    story's start: the story above's last line; a title line under it opens the next story."""
    text = _page(["小镇集市重新开张", *BODY, note, "把实事办到群众心坎上", *OTHER])
    lines = prepare_lines(text)
    labels = ["S", "B", "B", "S", under, "B", "B"]
    repaired = repair_title_labels(lines, labels)
    assert repaired == ["S", "B", "B", "B", "S", "B", "B"]
    page = build_page(lines, repaired)
    assert _accounted_once(text, page)
    assert len(page.articles) == 2
    assert "".join(page.articles[0].body.split()).endswith("".join(note.split()))
    assert page.articles[1].headline == "把实事办到群众心坎上"


def test_a_sentence_read_as_a_story_of_one_line_closes_the_story_above() -> None:
    text = _page(["小镇集市重新开张", *BODY, "镇长李华等陪同参观。", "把实事办到群众心坎上", *OTHER])
    lines = prepare_lines(text)
    repaired = repair_title_labels(lines, ["S", "B", "B", "S", "S", "B", "B"])
    assert repaired == ["S", "B", "B", "B", "S", "B", "B"]
    # a headline over its story, or a bracketed line under a headline (`（…会议通过）`), stays
    kept = prepare_lines(_page(["小镇集市重新开张", *BODY, "把实事办到群众心坎上", "（3月1日镇人代会通过）", *OTHER]))
    assert repair_title_labels(kept, ["S", "B", "B", "S", "T", "B", "B"]) == ["S", "B", "B", "S", "T", "B", "B"]


@pytest.mark.parametrize("label", ["I", "B"])
def test_a_short_line_over_a_dateline_after_a_story_opens_the_next(label: str) -> None:
    """A short line after a story's text right over a dateline (sixth session): the next
    story's headline, not a subheading of the story above."""
    lead = "本报河谷3月1日电（记者王小明）镇上的老街昨天重新开市，摊主们一早就摆出了新收的蔬菜。"
    text = _page(["小镇集市重新开张", *BODY, "把实事办到群众心坎上", lead, *OTHER])
    lines = prepare_lines(text)
    assert lines[4].kind.value == "lead"
    repaired = repair_title_labels(lines, ["S", "B", "B", label, "B", "B", "B"])
    assert repaired == ["S", "B", "B", "S", "B", "B", "B"]
    page = build_page(lines, repaired)
    assert _accounted_once(text, page)
    assert [a.headline for a in page.articles] == ["小镇集市重新开张", "把实事办到群众心坎上"]
    # a finished sentence over it is the story's text
    said = prepare_lines(_page(["小镇集市重新开张", *BODY, "摊主们都说好。", lead, *OTHER]))
    assert repair_title_labels(said, ["S", "B", "B", "B", "B", "B", "B"]) == ["S", "B", "B", "B", "B", "B", "B"]


def test_sections_of_a_package_over_their_datelines_stay_subheadings() -> None:
    """Two or more such lines in one story: a package of reports under one headline, each over
    its own dateline, which stays one article."""
    def lead(place: str) -> str:
        return f"本报{place}3月1日电（记者王小明）{BODY[0]}"

    text = _page(["各地集市重新开张", lead("河谷"), BODY[1], "山城 老街亮起了灯", lead("山城"), OTHER[0],
                  "江镇 摊位多了三十个", lead("江镇"), OTHER[1]])
    lines = prepare_lines(text)
    labels = ["S", "B", "B", "I", "B", "B", "I", "B", "B"]
    assert repair_title_labels(lines, labels) == labels
    page = build_page(lines, labels)
    assert _accounted_once(text, page)
    assert len(page.articles) == 1
