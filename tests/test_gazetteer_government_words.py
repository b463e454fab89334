"""Two-character county names right before their government's words (绛县政府, 祁县委, 芒市委).

jieba glues the 县/市/区 of a two-character county name to the institution after it (绛|县政府,
祁|县委书记), so the word-boundary check once left such a story untagged.  The name counts there,
and only there: not inside a longer county name (新绛县政府), nor in 县委 without a county, in 全县
or 我县, in a person's name or title (高县长, 王吉县委书记), nor where the stem character is a
word of its own (市委书记和县委书记, 代县长, 应县委邀请).

No database and no Django: run with ``-p no:django``.
"""

from __future__ import annotations

import pytest

from ingest.gazetteer import Gazetteer, _is_generic
from ingest.model import County

JINZHONG, CHANGZHI, SHUOZHOU, XINZHOU = "1407", "1404", "1406", "1409"
YUNCHENG, LINFEN, LVLIANG = "1408", "1410", "1411"
MAANSHAN, SUIZHOU, DEHONG = "3405", "4213", "5331"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def names(counties: list[County]) -> list[str]:
    return [c.name for c in counties]


def headline(gaz: Gazetteer, text: str, *hints: str) -> list[str]:
    return names(gaz.tag(headline=text, hint_prefectures=hints))


# -- the reported stories ----------------------------------------------------------------------


def test_a_lead_that_starts_with_the_county_government(gaz: Gazetteer):
    story = gaz.tag(headline="召开常务会议", body="绛县政府组织各部门开展检查。\n会议要求……", hint_prefectures=[YUNCHENG])
    assert names(story) == ["绛县"]


# -- the rule, for many counties and words -------------------------------------------------------


@pytest.mark.parametrize(
    "text, hint, county",
    [
        # the reported headlines
        ("绛县政府召开常务会议", YUNCHENG, "绛县"),
        ("绛县委书记调研", YUNCHENG, "绛县"),
        ("吉县政府工作报告", LINFEN, "吉县"),
        ("祁县委召开常委会", JINZHONG, "祁县"),
        # the rule, for other counties and words
        ("蒲县政府召开专题会议", LINFEN, "蒲县"),
        ("隰县委召开常委会议", LINFEN, "隰县"),
        ("沁县委宣传部举办培训班", CHANGZHI, "沁县"),
        ("岚县直机关工委开展活动", LVLIANG, "岚县"),
        ("兴县委书记深入乡镇调研", LVLIANG, "兴县"),
        ("临县政府办公室发布通知", LVLIANG, "临县"),
        ("吉县公安局破获一起案件", LINFEN, "吉县"),
        ("古县委召开理论学习会", LINFEN, "古县"),
        ("夏县政协主席会议召开", YUNCHENG, "夏县"),
        ("隰县长调研脱贫攻坚", LINFEN, "隰县"),  # 隰 is no surname: 隰县县长
        ("芒市委召开常委会议", DEHONG, "芒市"),  # a two-character 市
    ],
)
def test_a_two_character_county_before_its_institutions(gaz: Gazetteer, text: str, hint: str, county: str):
    assert headline(gaz, text, hint) == [county]


def test_every_two_character_county_before_its_government_and_party_committee(gaz: Gazetteer):
    counties = [c for c in gaz.counties() if len(c.name) == 2 and c.name.endswith("县")]
    assert len(counties) == 94
    missed = {}
    for county in counties:
        if county.name[0] in "和代应随" or _is_generic(county.name):  # checked below
            continue
        hint = gaz.prefecture_of(county.code)
        for word in ("政府召开常务会议", "委召开常委会", "委书记调研", "委宣传部举办培训", "公安局破获案件"):
            got = headline(gaz, county.name + word, hint)
            if got != [county.name]:
                missed[county.name + word] = got
    assert missed == {}


def test_after_its_prefecture_or_province(gaz: Gazetteer):
    assert headline(gaz, "临汾市吉县政府召开会议") == ["吉县"]
    assert headline(gaz, "在吉县政府召开会议", LINFEN) == ["吉县"]
    assert headline(gaz, "安徽和县政府召开常务会议") == ["和县"]
    assert headline(gaz, "忻州市代县委召开常委会") == ["代县"]


def test_a_generic_district_still_needs_its_prefecture(gaz: Gazetteer):
    assert headline(gaz, "晋城市城区委书记调研") == ["城区"]
    assert headline(gaz, "城区委书记调研", "1405") == []
    assert headline(gaz, "郊区政府召开会议", "1403") == []
    assert headline(gaz, "益阳市南县政府召开会议") == ["南县"]
    assert headline(gaz, "南县政府召开会议", "4309") == []  # 南县 and 新县 need their prefecture
    assert headline(gaz, "信阳市新县委召开常委会") == ["新县"]


# -- what it must not read as a county -------------------------------------------------------------


def test_a_longer_county_name_keeps_its_own(gaz: Gazetteer):
    assert headline(gaz, "新绛县政府召开常务会议", YUNCHENG) == ["新绛县"]
    assert headline(gaz, "新绛县委书记调研", YUNCHENG) == ["新绛县"]
    assert headline(gaz, "新绛县委、县政府召开会议", YUNCHENG) == ["新绛县"]


@pytest.mark.parametrize(
    "text",
    ["县委召开常委会", "县政府召开常务会议", "全县政府系统廉政工作会议", "我县委书记调研", "本县委托第三方评估", "振兴县域经济"],
)
def test_no_county_without_a_county_name(gaz: Gazetteer, text: str):
    for hints in ((), (YUNCHENG,), (LVLIANG,)):
        assert headline(gaz, text, *hints) == []


@pytest.mark.parametrize(
    "text, hint",
    [
        ("王吉县委书记调研", LINFEN),  # 王吉, the county's secretary
        ("李沁县政府办公室主任", CHANGZHI),
        ("高县长调研", "5115"),  # County Head Gao, not 宜宾's 高县
        ("蒲县长主持会议", LINFEN),  # County Head Pu
        ("叶县长一行调研", "4104"),
    ],
)
def test_no_county_from_a_persons_name_or_title(gaz: Gazetteer, text: str, hint: str):
    assert headline(gaz, text, hint) == []


@pytest.mark.parametrize(
    "text, hint",
    [
        ("市委书记和县委书记座谈", MAANSHAN),  # "and the county secretaries", not 和县
        ("市长和县长共同出席", MAANSHAN),
        ("市委和县政府联合发文", MAANSHAN),
        ("代县长王某主持会议", XINZHOU),  # "acting county head", not 代县
        ("应县委邀请作报告", SHUOZHOU),  # "at the county committee's invitation", not 应县
        ("随县委书记一同调研", SUIZHOU),  # "with the county secretary", not 随县
    ],
)
def test_no_county_from_a_stem_that_is_a_word(gaz: Gazetteer, text: str, hint: str):
    assert headline(gaz, text, hint) == []


def test_and_after_a_place_that_does_not_hold_the_county(gaz: Gazetteer):
    # 晋中 is no prefecture of 和县 (安徽): "晋中 and the county committee"
    assert headline(gaz, "晋中市和县委联合调研", JINZHONG) == []
    assert headline(gaz, "马鞍山市和县委召开常委会") == ["和县"]


def test_township_and_body_mentions_of_the_government(gaz: Gazetteer):
    story = gaz.tag(
        headline="全力做好春耕备耕工作",
        body="近日，隰县委书记深入午城镇调研。\n隰县政府要求各乡镇……",
        hint_prefectures=[LINFEN],
    )
    assert names(story) == ["隰县"]


@pytest.mark.parametrize("text", ["保护古县城墙遗址", "古县城址考古发掘", "修缮古县城垣"])
def test_the_ancient_county_towns_walls_are_no_county(gaz: Gazetteer, text: str):
    assert headline(gaz, text, LINFEN) == []


@pytest.mark.parametrize("text", ["古县城区面貌焕然一新", "古县牡丹文化节开幕", "临汾市古县城墙修缮完工"])
def test_gu_county_itself_still_counts(gaz: Gazetteer, text: str):
    assert headline(gaz, text, LINFEN) == ["古县"]
