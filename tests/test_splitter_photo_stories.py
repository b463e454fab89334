"""Photo stories without a headline: a picture a regional paper sets between two stories, its dated
caption and credit under the first story's last paragraph, is a story of its own; a caption that
names what the story above is about is that story's picture."""

from __future__ import annotations

from ingest.splitter import split_page

HEADER = ["临汾日报", "2026年3月6日 星期五", "第2版 综合"]
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
