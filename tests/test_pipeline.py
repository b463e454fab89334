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
