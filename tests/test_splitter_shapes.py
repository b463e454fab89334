"""The splitter on small synthetic pages: shapes of other papers that the seeds do not show.

Each page is written the way the extractor writes the seeds (one paragraph per line, blank lines
between), unless the test is about another layout.
"""

from __future__ import annotations

from ingest.model import FurnitureKind, Warning
from ingest.splitter import split_page


def page_of(*lines: str) -> str:
    return "\n\n".join(lines)


BODY_A = "近年来，兴县坚持党建引领，把网格作为基层治理的基本单元，推动力量下沉、资源下沉、服务下沉。"
BODY_B = "目前，全县共划分网格1200余个，配备网格员1500余名，累计化解矛盾纠纷3000余件。"
BODY_C = "4月20日，临县组织干部群众开展义务植树活动，累计植树2万余株，为春季造林开了好头。"


def test_photo_story_with_inline_credit_caption() -> None:
    text = page_of(
        "兴县召开防汛会议", f"本报讯（记者 王强）{BODY_A}", BODY_B,
        "春耕备耕正当时", "\n\n4月24日，太谷区农民在田间播种。 本报记者 孙伟 摄",
        "临县", "植树造林添新绿", f"本报讯（记者 赵红）{BODY_C}",
    )  # fmt: skip
    first, photo, last = split_page(text).articles
    assert photo.headline == "春耕备耕正当时" and photo.blocks == []
    assert [(c.text, c.credit) for c in photo.captions] == [("4月24日，太谷区农民在田间播种。", "孙伟")]
    assert photo.byline == ["孙伟"] and Warning.PHOTO_ONLY in photo.warnings
    assert first.paragraphs[-1] == BODY_B and last.kicker == "临县"


def test_interview_questions_are_body_not_intertitles() -> None:
    text = page_of(
        "全力以赴抓项目 凝心聚力促发展", "——访平遥县委书记张某某", "□ 本报记者 周杰",
        "记者：今年以来，平遥县在项目建设方面有哪些新举措？", f"张某某：{BODY_A}",
        "记者：下一步有什么打算？", f"张某某：{BODY_B}",
    )  # fmt: skip
    (a,) = split_page(text).articles
    assert (a.headline, a.subheadline) == ("全力以赴抓项目 凝心聚力促发展", "——访平遥县委书记张某某")
    assert a.intertitles == [] and len(a.paragraphs) == 4


def test_subheadline_on_the_next_line_without_blank() -> None:
    text = "坚持绿色发展 建设美丽家园\n——我省生态文明建设综述\n\n本报记者 张三 李四\n\n" + BODY_A
    (a,) = split_page(text).articles
    assert (a.headline, a.subheadline, a.byline) == ("坚持绿色发展 建设美丽家园", "——我省生态文明建设综述", ["张三", "李四"])


def test_story_signed_at_top_is_split_before_a_closing_byline() -> None:
    # the second story has no byline of its own at its top: its headline first reads as an
    # intertitle, until a closing byline shows that a new story began there
    text = page_of(
        "兴县", "党建引领聚合力", "□ 本报记者 周杰", BODY_A, "网格管理精细化", BODY_B,
        "临县开展植树活动", BODY_C, "（刘燕 乔润霞）",
    )  # fmt: skip
    first, second = split_page(text).articles
    assert first.byline == ["周杰"] and first.intertitles == ["网格管理精细化"]
    assert (second.headline, second.byline, second.paragraphs) == ("临县开展植树活动", ["刘燕", "乔润霞"], [BODY_C])


def test_own_story_is_split_before_another_papers_source() -> None:
    text = page_of("兴县召开防汛会议", f"本报讯（记者 王强）{BODY_A}", "让“老字号”焕发新活力", BODY_C, "据《山西日报》")
    first, second = split_page(text).articles
    assert first.byline == ["王强"] and first.source == ""
    assert (second.headline, second.source) == ("让“老字号”焕发新活力", "据《山西日报》")


def test_jump_lines_stay_with_their_story() -> None:
    text = page_of("（上接第1版）", BODY_A, "（下转第3版）", "临县开展植树活动", f"本报讯 {BODY_C}")
    first, second = split_page(text).articles
    assert first.continued and first.paragraphs == ["（上接第1版）", BODY_A, "（下转第3版）"]
    assert second.headline == "临县开展植树活动"


def test_page_top_prose_is_a_continued_story() -> None:
    text = page_of("党员干部走进社区，开展志愿服务活动。", "兴县召开防汛会议", f"本报讯（记者 王强）{BODY_A}")
    first, second = split_page(text).articles
    assert first.continued and first.headline == ""
    assert second.byline == ["王强"]


def test_headline_with_comma_above_a_lead() -> None:
    text = page_of("稳增长，促发展", f"本报讯（记者 王强）{BODY_A}")
    (a,) = split_page(text).articles
    assert a.headline == "稳增长，促发展"


def test_paper_named_lead_and_reported_by_line() -> None:
    (a,) = split_page(page_of("兴县召开防汛会议", f"吕梁日报讯（记者 张三）{BODY_A}")).articles
    assert a.byline == ["张三"] and a.paragraphs == [BODY_A]
    (b,) = split_page(page_of("兴县召开防汛会议", "记者 张三 通讯员 李四 报道", BODY_A)).articles
    assert b.byline == ["张三", "李四"]
    (c,) = split_page(page_of("春风吹绿太行山", "文/图 王小明", BODY_A)).articles
    assert c.byline == ["王小明"]


def test_picture_reference_caption() -> None:
    (a,) = split_page(page_of("兴县召开防汛会议", f"本报讯 {BODY_A}", "图为会议现场。 张三 摄", BODY_B)).articles
    assert [(c.text, c.credit) for c in a.captions] == [("图为会议现场。", "张三")]
    assert a.paragraphs == [BODY_A, BODY_B]


def test_trailing_title_lines_at_page_end_are_furniture() -> None:
    got = split_page(page_of("兴县召开防汛会议", f"本报讯 {BODY_A}", "（王强）", "文明城市 共建共享"))
    assert len(got.articles) == 1
    assert [(f.text, f.kind) for f in got.furniture] == [("文明城市 共建共享", FurnitureKind.OTHER)]


def test_page_without_blank_lines() -> None:
    text = "\n".join(["兴县", "多措并举筑牢春季森林防火安全防线", f"本报讯(记者 韩笑){BODY_A}", BODY_B,
                      "市交通运输局", "持续提升综合立体交通网服务水平", f"本报讯(记者 罗丽){BODY_C}"])  # fmt: skip
    first, second = split_page(text).articles
    assert (first.kicker, first.headline, first.byline) == ("兴县", "多措并举筑牢春季森林防火安全防线", ["韩笑"])
    assert (second.kicker, second.byline) == ("市交通运输局", ["罗丽"])


def test_windows_line_endings_and_indented_paragraphs() -> None:
    text = "\r\n\r\n".join(["兴县", "多措并举筑牢春季森林防火安全防线", f"\u3000\u3000本报讯(记者 韩笑){BODY_A}", f"\u3000\u3000{BODY_B}"])
    (a,) = split_page(text).articles
    assert a.kicker == "兴县" and a.paragraphs == [BODY_A, BODY_B]


def test_wide_image_gaps_are_relative_to_the_page() -> None:
    # every line is followed by two blank lines: only wider gaps mark pictures
    text = "\n\n\n".join(["兴县召开防汛会议", f"本报讯（记者 王强）{BODY_A}", BODY_B, BODY_C])
    (a,) = split_page(text).articles
    assert len(a.paragraphs) == 3 and a.captions == []


def test_shorter_second_title_line_is_a_subheadline() -> None:
    (a,) = split_page(page_of("我市召开全市安全生产工作会议", "李某出席并讲话", f"本报讯（记者 王强）{BODY_A}")).articles
    assert (a.kicker, a.headline, a.subheadline) == ("", "我市召开全市安全生产工作会议", "李某出席并讲话")


def test_news_agency_credits() -> None:
    (a,) = split_page(page_of("代表们步入会场", "3月5日，代表们步入会场。新华社发", "临县代表步入会场。（新华社记者 李四 摄）")).articles
    assert [c.credit for c in a.captions] == ["新华社发", "李四"]
