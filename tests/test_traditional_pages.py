"""A page printed in traditional characters is read like the same page in simplified print: its
furniture, staff line, column label, jump line (`（下轉第8版）`), dateline and photo credit are
known by the same words (``ingest.traditional``), so the lines get the same kinds, the labeller
the same features, and the page the same articles. The page here is made up, in both prints.
"""

from __future__ import annotations

import json

import pytest

from ingest import traditional
from ingest.features import page_features
from ingest.lines import (
    Line, LineKind, classify, classify_page, is_jump_from, is_notice_title, is_place, is_slogan,
)
from ingest.pipeline import page_to_json, parse_page
from ingest.titles import is_place_name
from ingest.tokens import fold

SIMPLIFIED = [
    "清河日报",
    "2025年3月12日 星期三",
    "第3版 县域新闻",
    "政务动态",
    "清河县部署春季植树造林工作",
    "本报讯（记者 张三）3月10日，清河县召开春季植树造林动员会，部署今年国土绿化和森林防火工作。",
    "会议要求，各乡镇要把植树任务落实到地块，把管护责任落实到人，确保栽一片、活一片、绿一片。",
    "今年全县计划完成造林一万二千亩，重点在河道两岸和城郊荒山布设生态防护林带，并新建两处城市公园。县林业局将组织技术人员分片包村，",
    "（下转第8版）",
    "全省农村公路建设提速",
    "本报太原3月11日电（记者 李四）记者从省交通运输厅获悉，今年我省将新改建农村公路五千公里，实施危桥改造三百座。",
    "据介绍，新建道路将优先连通产业园区、旅游景点和较大的自然村，让群众出行更便捷。",
    "省交通运输厅负责人表示，将加强质量监管，建立县乡村三级路长制，确保道路建得好、管得好、护得好。",
    "",
    "",
    "河畔柳色新",
    "",
    "",
    "3月11日，市民在清河湿地公园散步赏景。陈六 摄",
    "",
    "",
    "东关小学开展安全教育周活动",
    "本周，东关小学开展安全教育周活动，消防员走进校园，为师生讲解火灾逃生和灭火器使用方法。",
    "学校还组织了应急疏散演练，一千二百多名师生在三分钟内有序撤离到操场。（通讯员 王五）",
    "责任编辑：林小红  美术编辑：高 妍  校对：刘 媛",
]
TRADITIONAL = [
    "清河日報",
    "2025年3月12日 星期三",
    "第3版 縣域新聞",
    "政務動態",
    "清河縣部署春季植樹造林工作",
    "本報訊（記者 張三）3月10日，清河縣召開春季植樹造林動員會，部署今年國土綠化和森林防火工作。",
    "會議要求，各鄉鎮要把植樹任務落實到地塊，把管護責任落實到人，確保栽一片、活一片、綠一片。",
    "今年全縣計劃完成造林一萬二千畝，重點在河道兩岸和城郊荒山佈設生態防護林帶，並新建兩處城市公園。縣林業局將組織技術人員分片包村，",
    "（下轉第8版）",
    "全省農村公路建設提速",
    "本報太原3月11日電（記者 李四）記者從省交通運輸廳獲悉，今年我省將新改建農村公路五千公里，實施危橋改造三百座。",
    "據介紹，新建道路將優先連通產業園區、旅遊景點和較大的自然村，讓群眾出行更便捷。",
    "省交通運輸廳負責人表示，將加強質量監管，建立縣鄉村三級路長制，確保道路建得好、管得好、護得好。",
    "",
    "",
    "河畔柳色新",
    "",
    "",
    "3月11日，市民在清河濕地公園散步賞景。陳六 攝",
    "",
    "",
    "東關小學開展安全教育週活動",
    "本週，東關小學開展安全教育週活動，消防員走進校園，為師生講解火災逃生和滅火器使用方法。",
    "學校還組織了應急疏散演練，一千二百多名師生在三分鐘內有序撤離到操場。（通訊員 王五）",
    "責任編輯：林小紅  美術編輯：高 妍  校對：劉 媛",
]


def _text(lines: list[str]) -> str:
    return "\n\n".join(lines) + "\n"


def _folded_json(lines: list[str]) -> str:
    page = page_to_json(parse_page(_text(lines)), file="page.txt")
    return fold(json.dumps(page, ensure_ascii=False, sort_keys=True))


def test_the_two_prints_are_one_page() -> None:
    assert len(SIMPLIFIED) == len(TRADITIONAL)
    for s, t in zip(SIMPLIFIED, TRADITIONAL):
        assert fold(t) == fold(s) and len(t) == len(s), t


def test_a_traditional_page_gives_its_lines_the_simplified_pages_kinds() -> None:
    simplified = classify_page(_text(SIMPLIFIED))
    kinds = [(line.no, line.kind) for line in classify_page(_text(TRADITIONAL))]
    assert kinds == [(line.no, line.kind) for line in simplified]
    by_text = {line.text: line.kind for line in classify_page(_text(TRADITIONAL))}
    assert by_text["政務動態"] == LineKind.COLUMN
    assert by_text["（下轉第8版）"] == LineKind.JUMP
    assert by_text["責任編輯：林小紅  美術編輯：高 妍  校對：劉 媛"] == LineKind.FURNITURE
    assert by_text["2025年3月12日 星期三"] == LineKind.FURNITURE
    assert by_text[TRADITIONAL[10]] == LineKind.LEAD  # the dateline `本報太原3月11日電（記者 李四）`
    assert by_text["3月11日，市民在清河濕地公園散步賞景。陳六 攝"] == LineKind.CAPTION


_EDGE_FEATURES = ("first2=", "last2=", "tag=", "prevlong_last2=", "nextlong_first2=")


def test_the_labeller_reads_a_traditional_page_as_the_simplified_one() -> None:
    simplified = page_features(classify_page(_text(SIMPLIFIED)))
    lines = classify_page(_text(TRADITIONAL))
    traditional_print = page_features(lines)
    for s, t in zip(simplified, traditional_print):
        # every feature but the words at a line's edges is the same; those are the same folded
        assert [f for f in t if not f.startswith(_EDGE_FEATURES)] == [f for f in s if not f.startswith(_EDGE_FEATURES)]
        assert [fold(f) for f in t] == [fold(f) for f in s]
    # the words at the edges are read folded already: `本報`, `攝` weigh as `本报`, `摄` do
    features = dict(zip((line.text for line in lines), traditional_print))
    assert "dateline" in features[TRADITIONAL[10]]  # `本報太原3月11日電（記者 李四）…`
    assert "nextlong_first2=本报" in features["全省農村公路建設提速"]
    assert "role_word" in page_features([Line(no=1, text="通訊員 王五", gap=0)])[0]


def test_a_traditional_page_splits_as_its_simplified_original() -> None:
    assert _folded_json(TRADITIONAL) == _folded_json(SIMPLIFIED)
    page = parse_page(_text(TRADITIONAL))
    assert [a.headline for a in page.articles] == [
        "清河縣部署春季植樹造林工作", "全省農村公路建設提速", "河畔柳色新", "東關小學開展安全教育週活動",
    ]
    planting, roads, photo, school = page.articles
    assert planting.section == "政務動態"
    assert planting.byline == ["張三"] and planting.body.startswith("3月10日")
    assert "（下轉第8版）" not in planting.body  # the jump is a jump, not the story's text
    assert roads.byline == ["李四"] and roads.byline_text.startswith("本報太原3月11日電")
    assert photo.byline == ["陳六"] and [c.credit for c in photo.captions] == ["陳六"]
    assert school.byline == ["王五"]
    furniture = {f.text for f in page.furniture}
    assert {"2025年3月12日 星期三", "責任編輯：林小紅  美術編輯：高 妍  校對：劉 媛"} <= furniture


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("（下轉第8版）", LineKind.JUMP),
        ("(緊接第1版)", LineKind.JUMP),
        ("【轉A4版】", LineKind.JUMP),
        ("（上接第1版）", LineKind.JUMP),
        ("經濟 資訊", LineKind.COLUMN),
        ("貫徹全會精神 一線見聞", LineKind.COLUMN),
        ("簡  訊", LineKind.COLUMN),
        ("時評", LineKind.COLUMN),
        ("本版編輯：許 婷 校對：林 麗", LineKind.FURNITURE),
        ("責編/王 薇 美編/陳 亮 審讀/李 軍", LineKind.FURNITURE),
        ("（責任編輯：徐  婧）", LineKind.FURNITURE),
        ("新聞熱線：0574-56781234", LineKind.FURNITURE),
        ("電子郵箱：qinghe@example.com", LineKind.FURNITURE),
        ("本報廣告部承接各類分類廣告  歡迎垂詢", LineKind.FURNITURE),
    ],
)
def test_traditional_jumps_columns_and_furniture(text: str, kind: LineKind) -> None:
    assert classify(Line(no=1, text=text, gap=0)).kind == kind


def test_traditional_kickers_slogans_and_notices() -> None:
    assert is_jump_from("（上接第1版）") and is_jump_from("(緊接第1版)") and not is_jump_from("（下轉第8版）")
    assert is_place("清河縣") and is_place("城關鎮東灣村") and is_place("縣農業農村局") and is_place("市第一人民醫院")
    assert is_slogan("堅持綠色發展") and is_slogan("創建全國文明城市") and is_slogan("奮力譜寫新篇章")
    assert is_notice_title("招聘啟事") and is_notice_title("公  告") and is_notice_title("聲明")
    assert is_place_name("臺灣") and is_place_name("遼寧") and is_place_name("廣東")


def test_fold_reads_the_tables_traditional_forms_back_and_nothing_else() -> None:
    assert traditional.fold("本報") == "本报" and traditional.fold("攝") == "摄" and traditional.fold("鐘") == "钟"
    assert traditional.fold("清河縣") == "清河县"
    assert traditional.fold("柳色新") == "柳色新"  # not a table character: as printed
    simplified = _text(SIMPLIFIED)
    assert traditional.fold(simplified) is simplified  # simplified text comes back as it is


def test_the_table_reads_one_way_back_and_keeps_surnames_printed_alike() -> None:
    forms = [form for chars in traditional.TRADITIONAL.values() for form in chars]
    assert len(forms) == len(set(forms))  # each traditional form reads back as one character
    assert not set(forms) & set(traditional.TRADITIONAL)  # and is none of the simplified ones
    for word in ("责任编辑", "下转", "动态", "启事", "清河县", "本报记者"):
        assert {traditional.fold(w) for w in traditional.spellings(word)} == {word}
    # surnames printed alike in both scripts are not widened (`后`, `范`, `游` are no 後 範 遊)
    assert not {"后", "范", "游", "于", "余"} & set(traditional.TRADITIONAL)
