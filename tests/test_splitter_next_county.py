"""A short headline after a regional story's last finished paragraph that names a county the story
never named is the next story, not a subheading: briefs of a county page follow each other with no
kicker or byline of their own. A round-up that heads each county's section with its name stays one
story."""

from __future__ import annotations

from ingest.splitter import split_page

HEADER = ["晋中日报", "2026年3月6日 星期五", "第3版 县区新闻"]
FIRST = [
    "平遥县推进古城保护修缮",
    "□本报记者 王 强",
    "今年以来，平遥县投入资金1.2亿元，对古城内120处传统民居实施保护性修缮。",
    "平遥县文物局负责人介绍，修缮工程坚持“修旧如旧”，所有构件尽量使用原材料。",
]


def page(*blocks: list[str]) -> str:
    return "\n\n".join(line for block in blocks for line in block)


def test_a_headline_naming_another_county_after_a_finished_story_starts_the_next():
    second = ["介休市举办春季招聘会", "近日，介休市在人力资源市场举办春季招聘会，120家企业提供岗位3000余个。"]
    parsed = split_page(page(HEADER, FIRST, second))
    assert [a.headline for a in parsed.articles] == [FIRST[0], second[0]]
    assert parsed.articles[1].body.startswith("近日，介休市")


def test_a_subheading_of_the_same_county_stays_in_the_story():
    inside = ["古城居民有了新期盼", "修缮后的民居，平遥县将优先用于发展民宿和非遗展示。"]
    parsed = split_page(page(HEADER, FIRST, inside))
    assert [a.headline for a in parsed.articles] == [FIRST[0]]
    assert parsed.articles[0].intertitles == [inside[0]]


def test_a_round_up_heading_its_sections_by_county_stays_one_story():
    # once a story has subheadings, the next one naming another county is the next section
    sections = [
        "古城居民有了新期盼", "修缮后的民居，平遥县将优先用于发展民宿和非遗展示。",
        "介休市同步推进老街改造", "介休市借鉴平遥经验，今年启动顺城关老街改造。",
    ]
    parsed = split_page(page(HEADER, FIRST, sections))
    assert [a.headline for a in parsed.articles] == [FIRST[0]]
    assert parsed.articles[0].intertitles == [sections[0], sections[2]]
