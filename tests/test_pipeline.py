"""parse_page: split and county tagging together."""

from __future__ import annotations

from ingest.pipeline import parse_page

PAGE = """臨猗縣楚侯鄉

“凍水煙火”升騰起鄉村繁華

本報訊(記者 王明)今年以來，楚侯鄉高頭村將自發集市改造為規範的夜市，帶動村民增收。

(王明)
"""


def test_traditional_text_is_tagged_with_its_county():
    page = parse_page(PAGE, hint_prefectures=["1408"])
    assert [c.name for c in page.articles[0].counties][:1] == ["临猗县"]


def test_city_wide_story_gets_no_county():
    page = parse_page(
        "市交通运输局\n\n持续提升综合立体交通网服务水平\n\n本报讯(记者 罗丽)近日，记者从全市交通运输工作会议获悉，"
        "全市交通运输工作将紧紧围绕市委20件大事要事展开。\n",
        hint_prefectures=["1411"],
    )
    assert page.articles[0].counties == []


def test_primary_county_of_seed_stories_meets_the_bar():
    from pathlib import Path

    from ingest.manifest import read_manifest
    from ingest.scoring import score_seeds

    root = Path(__file__).resolve().parent.parent
    manifest = read_manifest(root / "seeds")

    def parse(text: str, name: str):
        return parse_page(text, hint_prefectures=[manifest[name].prefecture])

    score = score_seeds(root / "seeds", root / "tests" / "expected", parse)
    assert score.counties.total == 28
    assert score.figures()["counties"] >= 0.95, score.misses


def test_home_county_named_twice_is_the_subject_whatever_places_goods_go_to():
    # a story continued from the front page: its dateline is elsewhere, the text names a town of
    # the county and the county itself, and lists the cities its produce is sent to
    text = (
        "龙井茶园迎来秋茶采摘\n\n（上接A01版）\n\n"
        "量通过冷链直发北京、上海、广州等地，最快次日送达。\n\n"
        "瓶窑镇一家茶企负责人告诉记者，今年新增两条加工线。据余杭区农业农村局统计，全区秋茶产量稳中有升。\n"
    )
    page = parse_page(text, hint_prefectures=["3301"])
    assert [c.name for c in page.articles[0].counties][:1] == ["余杭区"]
