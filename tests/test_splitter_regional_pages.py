"""What a regional paper's pages print that a national daily's do not, read the regional way:
a picture set between two stories (its dated caption and credit under the first story's last
paragraph) is a photo story of its own, while a caption naming what the story above is about is
that story's picture; a short headline naming a county the story above never named is the next
story (a round-up heading its sections by county stays one); a page built from the labels keeps
the rules' reading of the stories both read alike."""

from __future__ import annotations

from ingest.splitter import split_page

HEADER = ["临汾日报", "2026年3月6日 星期五", "第2版 综合"]
COUNTY_PAGE = ["晋中日报", "2026年3月6日 星期五", "第3版 县区新闻"]
STORY = [
    "市区新增5处口袋公园",
    "本报讯（记者 李 明）今年以来，我市利用边角地、闲置地建设口袋公园，新增绿地面积1.2万平方米。",
    "据介绍，新建的口袋公园配套了步道、座椅和健身器材，周边居民步行5分钟即可到达。",
]
NEXT = [
    "尧都区开展春季植树活动",
    "本报讯（记者 王 芳）3月5日，尧都区组织干部群众500余人在汾河岸边义务植树，共栽植苗木3000余株。",
]


def page(*blocks: list[str]) -> str:
    return "\n\n".join(line for block in blocks for line in block)


def test_a_dated_picture_between_two_stories_is_a_photo_story_of_its_own():
    picture = ["▲3月4日，游客在云丘山景区观赏盛开的山桃花。", "本报记者 赵 亮 摄"]
    parsed = split_page(page(HEADER, STORY, picture, NEXT))
    assert [a.headline for a in parsed.articles] == [STORY[0], "", NEXT[0]]
    photo = parsed.articles[1]
    assert not photo.blocks and [c.text for c in photo.captions] == ["3月4日，游客在云丘山景区观赏盛开的山桃花。"]
    assert photo.captions[0].credit == "赵亮"
    assert parsed.articles[0].body.endswith("步行5分钟即可到达。")


def test_a_caption_that_names_what_the_story_is_about_stays_its_picture():
    picture = ["▲3月4日，市民在新建的口袋公园里健身休闲。", "本报记者 赵 亮 摄"]
    parsed = split_page(page(HEADER, STORY, picture, NEXT))
    assert [a.headline for a in parsed.articles] == [STORY[0], NEXT[0]]
    assert [c.text for c in parsed.articles[0].captions] == ["3月4日，市民在新建的口袋公园里健身休闲。"]


def test_a_regional_page_built_from_the_labels_keeps_the_rules_reading_of_the_stories_both_read_alike():
    # The labels keep a national daily's conventions (every line of a story as printed); on a
    # page the rules sign the regional way, the stories both read on the same lines are the
    # rules' (closing names a byline, a photo's words its caption).
    from ingest.model import Block, BlockKind, Caption, Page, ParsedArticle
    from ingest.splitter import _regional_conventions

    def labels_story(lines, *texts):
        return ParsedArticle(headline="h", lines=lines, blocks=[Block(BlockKind.PARAGRAPH, t) for t in texts])

    signed = ParsedArticle(headline="h", byline=["虎静"], byline_text="（通讯员 虎 静）", lines=[1, 3, 5],
                           blocks=[Block(BlockKind.PARAGRAPH, "即日起，彭阳县开通热线。")])
    photo = ParsedArticle(headline="冬捕", byline=["王晨"], lines=[7, 9, 11], captions=[Caption(text="渔民拉网。", credit="王晨")])
    other = ParsedArticle(headline="h2", byline=["李明"], byline_text="本报讯（记者 李明）", lines=[13, 15])
    rules = Page(articles=[signed, photo, other])
    labels = Page(articles=[
        labels_story([1, 3, 5], "即日起，彭阳县开通热线。", "（通讯员 虎 静）"),
        labels_story([7, 9, 11], "渔民拉网。", "记者 王 晨 摄"),
        labels_story([13, 15, 17], "本报讯（记者 李明）…"),  # read on other lines: the labels' own
    ])
    kept = _regional_conventions(labels, rules)
    assert kept.articles[0] is signed and kept.articles[1] is photo and kept.articles[2] is labels.articles[2]
    # A national daily's page (datelines, not a regional paper's signatures): the labels' reading.
    wire = [ParsedArticle(headline=a.headline, byline=["王观"], byline_text="本报北京2月2日电 （记者王观）", lines=a.lines) for a in rules.articles]
    assert _regional_conventions(labels, Page(articles=wire)) is labels


FIRST = [
    "平遥县推进古城保护修缮",
    "□本报记者 王 强",
    "今年以来，平遥县投入资金1.2亿元，对古城内120处传统民居实施保护性修缮。",
    "平遥县文物局负责人介绍，修缮工程坚持“修旧如旧”，所有构件尽量使用原材料。",
]


def test_a_headline_naming_another_county_after_a_finished_story_starts_the_next():
    second = ["介休市举办春季招聘会", "近日，介休市在人力资源市场举办春季招聘会，120家企业提供岗位3000余个。"]
    parsed = split_page(page(COUNTY_PAGE, FIRST, second))
    assert [a.headline for a in parsed.articles] == [FIRST[0], second[0]]
    assert parsed.articles[1].body.startswith("近日，介休市")


def test_a_subheading_of_the_same_county_stays_in_the_story():
    inside = ["古城居民有了新期盼", "修缮后的民居，平遥县将优先用于发展民宿和非遗展示。"]
    parsed = split_page(page(COUNTY_PAGE, FIRST, inside))
    assert [a.headline for a in parsed.articles] == [FIRST[0]]
    assert parsed.articles[0].intertitles == [inside[0]]


def test_a_round_up_heading_its_sections_by_county_stays_one_story():
    # once a story has subheadings, the next one naming another county is the next section
    sections = [
        "古城居民有了新期盼", "修缮后的民居，平遥县将优先用于发展民宿和非遗展示。",
        "介休市同步推进老街改造", "介休市借鉴平遥经验，今年启动顺城关老街改造。",
    ]
    parsed = split_page(page(COUNTY_PAGE, FIRST, sections))
    assert [a.headline for a in parsed.articles] == [FIRST[0]]
    assert parsed.articles[0].intertitles == [sections[0], sections[2]]


def test_a_county_papers_header_with_a_bare_date_and_its_page_name_is_furniture():
    # `今日X` | `2026年3月6日` (no weekday) | `综合新闻` | `第2版`: read as a story of its own before
    header = ["今日平遥", "2026年3月6日", "综合新闻", "第2版"]
    parsed = split_page(page(header, FIRST))
    assert [a.headline for a in parsed.articles] == [FIRST[0]]
    assert [f.text for f in parsed.furniture][:4] == header
    # the source lines a story closes with are still sources
    from ingest.bylines import parse_source_line

    assert parse_source_line("（本报综合）") and parse_source_line("综合新华社电") and not parse_source_line("综合新闻")
