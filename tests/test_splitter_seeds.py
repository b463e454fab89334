"""The splitter on the five seed pages: hand-made expected splits and one test per phenomenon.

The expected splits (``tests/expected/*.json``) were written by reading the pages, not by dumping
the splitter's output. Phenomenon tests name the behaviour they pin down; a few use small
synthetic pages for shapes the seeds show only once or not at all (national datelines).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from ingest.model import FurnitureKind, Page, ParsedArticle, Warning
from ingest.repair import remove_stray_spaces
from ingest.scoring import load_expected, score_page
from ingest.splitter import split_page

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seeds"
EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
STEMS = sorted(p.stem for p in EXPECTED_DIR.glob("*.json"))


@cache
def text_of(prefix: str) -> str:
    (path,) = SEED_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@cache
def page(prefix: str) -> Page:
    return split_page(text_of(prefix))


def article(prefix: str, headline_part: str) -> ParsedArticle:
    found = [a for a in page(prefix).articles if headline_part in a.headline]
    assert len(found) == 1, f"{headline_part!r}: {[a.headline for a in page(prefix).articles]}"
    return found[0]


def article_at(prefix: str, line: int) -> ParsedArticle:
    (found,) = [a for a in page(prefix).articles if line in a.lines]
    return found


# -- the whole expected split ------------------------------------------------------------------


def test_every_seed_has_an_expected_split() -> None:
    assert STEMS == sorted(p.stem for p in SEED_DIR.glob("*.txt"))


@pytest.mark.parametrize("stem", STEMS)
def test_seed_split_matches_hand_made_expectation(stem: str) -> None:
    text = (SEED_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    expected = load_expected(EXPECTED_DIR / f"{stem}.json")
    got = split_page(text)
    score = score_page(got, expected, text, label=stem[:3])
    assert score.misses == []
    assert len(got.articles) == len(expected["articles"])
    for exp, art in zip(expected["articles"], got.articles):
        assert art.section == exp["section"]
        assert art.continued == exp["continued"]
        assert art.intertitles == exp["intertitles"]
        assert (Warning.PHOTO_ONLY in art.warnings) == exp["photo"]
    assert sorted((f.line, f.kind.value) for f in got.furniture) == sorted(
        (f["line"], f["kind"]) for f in expected["furniture"]
    )


# -- titles ------------------------------------------------------------------------------------


def test_place_kicker_above_headline() -> None:
    a = article("001", "多措并举筑牢春季森林防火安全防线")
    assert (a.kicker, a.subheadline) == ("兴县", "")
    assert article("001", "持续提升综合立体交通网").kicker == "市交通运输局"
    assert article("000", "服务送到家门口").kicker == "介休市北坛街道安康路社区"


def test_one_line_title_splits_place_kicker_on_space() -> None:
    a = article("002", "打造乡村振兴新画卷")
    assert a.kicker == "山西省陵川县潞城镇"
    assert a.headline == "持续推进人居环境整治 打造乡村振兴新画卷"


def test_one_line_title_splits_place_kicker_on_colon() -> None:
    a = article("002", "洁净美丽新家园")
    assert (a.kicker, a.headline) == ("山西省沁源县", "市政公用一体化 洁净美丽新家园")


def test_headline_without_kicker() -> None:
    a = article("003", "我市举办森林扑火专业队能力提升培训")
    assert (a.kicker, a.subheadline) == ("", "")


def test_subheadline_opened_by_dash() -> None:
    text = "乡村振兴看今朝\n\n——来自兴县的调查报告\n\n本报讯(记者 张三)近日，记者走进兴县。"
    (a,) = split_page(text).articles
    assert (a.headline, a.subheadline) == ("乡村振兴看今朝", "——来自兴县的调查报告")


def test_title_part_separator_space_is_kept() -> None:
    assert article("000", "实事办在心坎上").headline == "服务送到家门口 实事办在心坎上"


# -- bylines and sources -----------------------------------------------------------------------


def test_lead_byline_is_cut_from_first_paragraph() -> None:
    a = article("001", "多措并举筑牢春季森林防火安全防线")
    assert a.byline == ["韩笑"]
    assert a.byline_text == "本报讯(记者 韩笑)"
    assert a.paragraphs[0].startswith("当前正值春季防火关键时期")


def test_bare_lead_without_names_is_cut_from_first_paragraph() -> None:
    a = article("000", "介休市网格化党建")
    assert a.byline_text.startswith("本报讯")
    assert a.paragraphs[0].startswith("近年来,介休市")


def test_special_correspondent_in_lead() -> None:
    assert article("003", "双拥篮球比赛").byline == ["张广瑞"]


def test_box_byline_under_title() -> None:
    assert article("001", "党建引领谋发展").byline == ["梁桂连"]
    assert article("004", "莲池社区").byline == ["刘凯华"]


def test_correspondent_line_under_title() -> None:
    a = article("003", "萤火微光")
    assert a.byline == ["杨建义"]
    assert a.byline_text == "本报特约通讯员 杨建义"


def test_closing_parenthesised_names_become_byline() -> None:
    assert article("000", "介休市网格化党建").byline == ["李晨昊"]
    assert article("000", "服务送到家门口").byline == ["刘燕", "乔润霞"]
    assert article("002", "洁净美丽新家园").byline == ["崔娟", "佳敏"]


def test_layout_spaces_inside_names_are_removed() -> None:
    assert article("003", "激活“沉睡资源”").byline == ["杨伟炳", "裴姣"]
    assert article("003", "森林扑火").byline == ["付炎"]


def test_inline_closing_names_are_cut_from_last_sentence() -> None:
    a = article("002", "打造乡村振兴新画卷")
    assert a.byline == ["张莉"]
    assert a.paragraphs[-1].endswith("更加美好的明天。")
    assert "张莉" not in a.body


def test_reporter_line_alone_at_end_is_byline() -> None:
    a = article("004", "聚力新突破")
    assert a.byline == ["刘凯华"]
    assert "刘凯华" not in a.body


def test_source_line_closes_story() -> None:
    a = article("001", "老字号")
    assert (a.source, a.byline) == ("据《山西日报》", [])
    assert Warning.NO_BYLINE not in a.warnings


def test_inline_source_is_cut_from_last_sentence() -> None:
    a = article("001", "春季护薪")
    assert a.source == "据《山西日报》"
    assert a.paragraphs[-1].endswith("参加会议。")


def test_national_daily_dateline_byline() -> None:
    text = "浙江推进共同富裕示范区建设\n\n本报杭州10月23日电（记者窦瀚洋、王怡曦）浙江省今天发布实施方案。"
    (a,) = split_page(text).articles
    assert a.byline == ["窦瀚洋", "王怡曦"]
    assert a.byline_text == "本报杭州10月23日电（记者窦瀚洋、王怡曦）"
    assert a.paragraphs == ["浙江省今天发布实施方案。"]


# -- intertitles ------------------------------------------------------------------------------


def test_intertitles_stay_inside_their_story() -> None:
    assert article("001", "党建引领谋发展").intertitles == [
        "党建引领旗帜 网格管理精细化",
        "文化活动促和谐 便民利民解民忧",
        "美化环境创文明 倾情帮扶暖人心",
    ]
    assert article("003", "萤火微光").intertitles[0] == "织密矩阵:组织扎根照亮治理末梢"
    assert article("002", "优化基层治理新路径").intertitles[0] == '民情有"邻"知 齐抓共管暖民心'


def test_two_line_intertitle_is_one_intertitle() -> None:
    assert article("004", "莲池社区").intertitles[0] == "党建统筹定方向 群众琐事放心坎"


def test_dash_lead_ins_are_body_paragraphs() -> None:
    a = article("004", "莲池社区")
    assert sum(p.startswith("——") for p in a.paragraphs) == 4
    assert "——聚焦实效,共享为民服务“幸福果”。" in article("000", "合伙共建").paragraphs


def test_short_closing_sentence_is_body_not_article() -> None:
    assert article("003", "双拥篮球比赛").paragraphs[-1] == "据悉,该比赛将持续至7月29日。"


def test_slogan_heading_no_story_is_furniture() -> None:
    (item,) = [f for f in page("001").furniture if f.line == 67]
    assert item.text == "打好森林防火人民战争"


# -- photos ------------------------------------------------------------------------------------


def test_captions_after_closing_byline_belong_to_that_story() -> None:
    a = article("000", "合伙共建")
    assert [(c.credit, c.lines) for c in a.captions] == [("王海旋", [57]), ("王海旋", [61])]
    assert a.captions[0].text == "西关街道工作人员正在为辖区困难群众发放爱心餐。"


def test_caption_between_headline_and_lead_belongs_to_the_story() -> None:
    a = article("000", "水清岸绿引游人")
    assert [(c.credit, c.lines) for c in a.captions] == [("范亚明", [91])]
    assert "范亚明" not in a.body


def test_stock_photo_caption() -> None:
    a = article("002", "整治提升工作")
    assert [(c.text, c.credit) for c in a.captions] == [("", "资料图片")]


def test_photo_story_with_headline_is_its_own_article() -> None:
    a = article("001", "市区龙凤南大街一角")
    assert a.blocks == []
    assert a.captions[0].credit == "张文慧"
    assert a.captions[0].text.startswith("人间最美四月天。")
    assert Warning.PHOTO_ONLY in a.warnings


def test_second_caption_of_photo_story() -> None:
    a = article("001", "市区龙凤南大街一角")
    assert a.captions[1].text == "公路边艳丽绽放的美人梅"


def test_triangle_caption_photo_story() -> None:
    a = article("004", "黄河滩涂稻浪香")
    assert a.captions[0].text.startswith("11月25日,万荣县黄河滩涂")
    assert a.captions[0].credit == "茹雅"


def test_photo_story_without_headline() -> None:
    a = article_at("003", 129)
    assert a.headline == "" and a.lines == [129, 131, 133, 135]
    assert a.captions[0].credit == "常奇"
    assert Warning.NO_HEADLINE in a.warnings and Warning.PHOTO_ONLY in a.warnings


# -- page furniture ----------------------------------------------------------------------------


def test_banner_between_byline_and_body_is_furniture() -> None:
    (banner,) = page("003").furniture
    assert (banner.line, banner.kind) == (7, FurnitureKind.BANNER)
    assert 7 not in article("003", "萤火微光").lines


def test_banner_on_top_of_page_is_furniture() -> None:
    assert [(f.line, f.kind) for f in page("004").furniture] == [(3, FurnitureKind.BANNER)]
    assert article("004", "莲池社区").kicker == ""


def test_column_label_above_headline_is_section() -> None:
    assert article("001", "对口支援工作座谈会").section == "政务动态"
    assert article("001", "春季护薪").section == "经济 资讯"
    assert article("002", "洁净美丽新家园").section == "资讯"
    assert article("004", "聚力新突破").section == "贯彻全会精神 一线见闻"


def test_column_label_below_headline_is_section() -> None:
    a = article("001", "老字号")
    assert (a.section, a.kicker) == ("经济 论坛", "")


def test_page_header_lines_are_furniture() -> None:
    text = "吕梁日报 2024年4月22日 星期一\n\n责任编辑：张三\n\n兴县\n\n春耕正当时\n\n本报讯(记者 李四)连日来，兴县农民忙春耕。"
    got = split_page(text)
    assert [f.line for f in got.furniture] == [1, 3]
    assert got.articles[0].headline == "春耕正当时"


# -- repairs -----------------------------------------------------------------------------------


def test_column_break_inside_a_word_is_joined() -> None:
    a = article("000", "介休市网格化党建")
    assert any("健全网格运行机制,提升治理效能" in p for p in a.paragraphs)
    assert len(a.paragraphs) == 4


def test_line_ending_with_comma_joins_next_line() -> None:
    assert any("基层治理”,在党建牵引下" in p for p in article("004", "莲池社区").paragraphs)


def test_cut_line_is_not_glued_to_next_paragraph() -> None:
    paragraphs = article("003", "民乐园").paragraphs
    assert paragraphs[2].endswith("篮球场")
    assert paragraphs[3].startswith("而今,")


def test_stray_spaces_inside_chinese_text_are_removed() -> None:
    body = article("002", "优化基层治理新路径").body
    assert "党建引领" in body and "问题27件" in body and "党建引 领" not in body


def test_spaces_between_latin_words_stay() -> None:
    assert remove_stray_spaces("使用 iPhone 15 Pro 拍 摄") == "使用iPhone 15 Pro拍摄"
    assert remove_stray_spaces("问题 27 件, 在细致处") == "问题27件,在细致处"


def test_continued_fragment_is_kept_and_flagged() -> None:
    a = article("000", "合伙共建")
    assert a.continued and a.paragraphs[0] == "伙人”。"
    assert Warning.CONTINUED_FRAGMENT in a.warnings
    b = article("003", "冻水烟火")
    assert b.continued and b.paragraphs[0] == "管理跟不上,问题接踵而至。”"


def test_continued_fragment_is_not_glued_to_previous_story() -> None:
    previous = article("003", "激活“沉睡资源”")
    assert "管理跟不上" not in previous.body
    assert not article("000", "介休市网格化党建").body.endswith("伙人”。")


# -- warnings ----------------------------------------------------------------------------------


def test_confident_stories_carry_no_warnings() -> None:
    assert article("001", "多措并举筑牢春季森林防火安全防线").warnings == []
    assert article("000", "服务送到家门口").warnings == []


def test_story_without_byline_is_flagged() -> None:
    text = "春耕正当时\n\n连日来，兴县农民忙春耕，田间地头一派繁忙景象。农民们抢抓农时，播种施肥，确保粮食丰收有保障。" * 2
    (a,) = split_page(text).articles
    assert a.warnings == [Warning.NO_BYLINE]


def test_very_short_story_is_flagged() -> None:
    (a,) = split_page("短讯\n\n本报讯 兴县召开会议。").articles
    assert Warning.TOO_SHORT in a.warnings
