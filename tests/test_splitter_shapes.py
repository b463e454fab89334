"""The splitter on small synthetic pages: shapes of other papers that the seeds do not show.

Each page is written the way the extractor writes the seeds (one paragraph per line, blank lines
between), unless the test is about another layout.
"""

from __future__ import annotations

from ingest.model import BlockKind, FurnitureKind, Warning
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
    # the jump lines belong to the story (its lines, its blocks) but are not paragraphs of it
    assert first.continued and first.paragraphs == [BODY_A]
    assert [(b.kind, b.text) for b in first.blocks if b.kind == BlockKind.JUMP] == [
        (BlockKind.JUMP, "（上接第1版）"), (BlockKind.JUMP, "（下转第3版）"),
    ]  # fmt: skip
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


# -- shapes of other papers: story ends, jumps, numbered intertitles, role words, pictures --------

BODY_D = "连日来，市区各供水企业对老旧管网开展排查，已更换漏损管道12公里，居民用水更有保障。"
BODY_E = "据了解，今年全市计划改造二次供水设施50处，目前已完成38处，剩余项目年底前全部完工。"


def test_web_edition_line_is_the_source_and_closes_the_story() -> None:
    # the edition line ends every story, also one signed at its top: it must not split the story
    # at its intertitle, and the next title starts a new story even without a byline under it
    edition = "《 光明日报 》（ 2024年05月16日 03 版）"
    text = page_of(
        "城市供水管网焕新", f"本报南京5月15日电（记者王小川）{BODY_D}", "■全程监测", BODY_E, edition,
        "夏粮收购开局平稳", BODY_A, edition,
    )  # fmt: skip
    first, second = split_page(text).articles
    assert first.intertitles == ["全程监测"] and first.source == edition and first.byline == ["王小川"]
    assert (second.headline, second.paragraphs, second.source) == ("夏粮收购开局平稳", [BODY_A], edition)


def test_jump_from_starts_a_continued_story_and_inline_jump_to_ends_one() -> None:
    text = page_of(
        "全市老旧小区改造全面提速", "（上接第1版）", "加装电梯，" + BODY_D,
        "二手房交易回暖", f"晚报讯（记者 周小青）{BODY_E}", "业内人士认为，市场信心正在恢复，（下转第5版）",
        "城南新区", "新建学校三所", f"本报讯 {BODY_C}",
    )  # fmt: skip
    jumped, mid, last = split_page(text).articles
    assert jumped.continued and jumped.headline == "全市老旧小区改造全面提速"
    assert jumped.paragraphs == ["加装电梯，" + BODY_D]  # the jump line is no paragraph
    assert mid.byline == ["周小青"] and not mid.continued
    assert mid.paragraphs == [BODY_E, "业内人士认为，市场信心正在恢复，"]
    assert [b.text for b in mid.blocks if b.kind == BlockKind.JUMP] == ["（下转第5版）"]
    assert (last.kicker, last.headline) == ("城南新区", "新建学校三所")


def test_numbered_intertitles() -> None:
    text = page_of(
        "扎实推进城乡供水一体化", "本报记者 何小兵", BODY_D,
        "一、管网向农村延伸", BODY_E, "（二）水质检测全覆盖", BODY_A, "3.服务热线全天候", BODY_B,
    )  # fmt: skip
    (a,) = split_page(text).articles
    assert a.intertitles == ["一、管网向农村延伸", "（二）水质检测全覆盖", "3.服务热线全天候"]
    assert a.paragraphs == [BODY_D, BODY_E, BODY_A, BODY_B]


def test_triple_with_comma_subheadline_over_an_evening_paper_byline() -> None:
    text = page_of(
        BODY_C, "暑期托管服务上线", "全市中小学开设暑托班", "覆盖学生2万人，收费标准从低", "□晚报记者 高  原 文/图", BODY_D,
    )  # fmt: skip
    first, second = split_page(text).articles
    assert first.paragraphs == [BODY_C]
    assert (second.kicker, second.headline, second.subheadline) == (
        "暑期托管服务上线", "全市中小学开设暑托班", "覆盖学生2万人，收费标准从低",
    )  # fmt: skip
    assert second.byline == ["高原"] and second.paragraphs == [BODY_D]


def test_role_words_never_become_names() -> None:
    from ingest.bylines import parse_lead, parse_standalone_byline

    lead = parse_lead("本报上海6月2日电（特派记者 孙  立 首席记者 钱晓东 见习记者 赵一）")
    assert lead is not None and lead.names == ["孙立", "钱晓东", "赵一"]
    assert parse_standalone_byline("融媒体记者 何  苗 实习生 陈小雨 通讯员 黄  河") == ["何苗", "陈小雨", "黄河"]
    assert parse_standalone_byline("都市晚报记者 吕  方") == ["吕方"]
    assert parse_standalone_byline("本报评论员") == []
    text = page_of("评论员文章", "让群众办事更方便", "本报评论员", BODY_A, BODY_B)
    (a,) = split_page(text).articles
    assert (a.section, a.headline, a.byline, a.byline_text) == ("评论员文章", "让群众办事更方便", [], "本报评论员")


def test_column_labels_with_stray_spaces_and_campaign_labels() -> None:
    text = page_of(
        "快  讯", "市图书馆延长开放时间", f"{BODY_D}（通讯员 马小丽）",
        "来论", "多给老人一些耐心", "□ 刘  青", BODY_E,
        "聚焦乡村振兴", "村里来了新农人", f"本报讯（记者 孔明）{BODY_C}",
    )  # fmt: skip
    brief, column, campaign = split_page(text).articles
    assert (brief.section, brief.headline, brief.byline) == ("快讯", "市图书馆延长开放时间", ["马小丽"])
    assert (column.section, column.kicker, column.headline) == ("来论", "", "多给老人一些耐心")
    assert (campaign.section, campaign.kicker, campaign.headline) == ("聚焦乡村振兴", "", "村里来了新农人")


def test_credit_forms() -> None:
    from ingest.bylines import parse_credit_line, split_caption

    assert parse_credit_line("刘  强 摄") == ["刘强"]
    assert parse_credit_line("刘强/摄") == ["刘强"]
    assert parse_credit_line("（刘强 摄）") == ["刘强"]
    assert parse_credit_line("新华社发（刘强 摄）") == ["刘强"]
    assert parse_credit_line("刘  强摄（人民视觉）") == ["刘强"]
    assert parse_credit_line("新华社记者 刘  强 摄") == ["刘强"]
    assert parse_credit_line("制图：刘  强") == ["刘强"]
    assert parse_credit_line("刘  强 作") == ["刘强"]
    assert parse_credit_line("开展合作") is None
    parts = split_caption("游客在湖边赏花。刘强摄（视觉中国）")
    assert parts is not None and (parts.text, parts.credit) == ("游客在湖边赏花。", "刘强")


def test_photo_stories_series_and_stock_credits() -> None:
    text = page_of(
        "湖畔花海", "\n\n5月3日，游客在湖边花海中拍照留念。", "新华社发（刘  强 摄）",
        "春耕图景", "①5月4日，农民在田间插秧。", "②5月5日，农机在田里作业。", "本报记者 吴  迪 摄",
        "\n\n5月6日，市民在公园放风筝。  本报记者 吴  迪 摄",
        "老街新貌", "\n\n改造后的老街焕然一新。", "资料图片",
        "山乡夜色", f"本报讯（记者 孔明）{BODY_C}",
    )  # fmt: skip
    flowers, series, headless, stock, story = split_page(text).articles
    assert (flowers.headline, flowers.byline, flowers.blocks) == ("湖畔花海", ["刘强"], [])
    assert [(c.text, c.credit) for c in flowers.captions] == [("5月3日，游客在湖边花海中拍照留念。", "刘强")]
    assert [(c.text, c.credit) for c in series.captions] == [
        ("5月4日，农民在田间插秧。", "吴迪"), ("5月5日，农机在田里作业。", "吴迪"),
    ]  # fmt: skip
    assert headless.headline == "" and [c.credit for c in headless.captions] == ["吴迪"]
    assert Warning.PHOTO_ONLY in headless.warnings
    assert stock.headline == "老街新貌" and [(c.text, c.credit) for c in stock.captions] == [("改造后的老街焕然一新。", "资料图片")]
    assert story.headline == "山乡夜色" and story.captions == []


def test_cartoon_and_chart_credits() -> None:
    text = page_of(
        "城市更新提速", f"本报讯（记者 孔明）{BODY_D}", "全市供水设施改造进度", "制图：刘  强", BODY_E,
        "“层层加码”", "\n\n王  成 作",
    )  # fmt: skip
    story, cartoon = split_page(text).articles
    assert story.paragraphs == [BODY_D, BODY_E] and story.intertitles == []
    assert [(c.text, c.credit) for c in story.captions] == [("全市供水设施改造进度", "刘强")]
    assert (cartoon.headline, cartoon.byline, [c.credit for c in cartoon.captions]) == ("“层层加码”", ["王成"], ["王成"])


def test_uncredited_caption_after_an_image_gap() -> None:
    text = page_of("城市更新提速", "本报记者 何小兵", BODY_D, "\n\n工人在检修供水管道。", "二、服务跟上", BODY_E)
    (a,) = split_page(text).articles
    assert [(c.text, c.credit) for c in a.captions] == [("工人在检修供水管道。", "")]
    assert a.paragraphs == [BODY_D, BODY_E] and a.intertitles == ["二、服务跟上"]


def test_province_level_colon_kicker() -> None:
    (a,) = split_page(page_of("广东：新增高标准农田50万亩", BODY_A)).articles
    assert (a.kicker, a.headline) == ("广东", "新增高标准农田50万亩")


def test_notice_editor_lines_and_advertising() -> None:
    text = page_of(
        "城市更新提速", "记者 何小兵", BODY_D, "（责任编辑：郑  文）",
        "市民公园改造完工", BODY_E,
        "通   告", "因道路施工，相关路段实行交通管制。", "特此通告。", "市公安局交通警察支队  2024年6月1日",
        "本报广告部承接各类广告  欢迎垂询",
    )  # fmt: skip
    page = split_page(text)
    first, second, notice = page.articles
    assert first.paragraphs == [BODY_D]
    assert (second.headline, second.paragraphs) == ("市民公园改造完工", [BODY_E])  # not an intertitle
    assert notice.headline == "通 告" and len(notice.paragraphs) == 3
    assert [f.text for f in page.furniture] == ["（责任编辑：郑  文）", "本报广告部承接各类广告  欢迎垂询"]


def test_page_top_triple_and_short_box_label() -> None:
    text = page_of(
        "\n\n建设美丽乡村 共享幸福生活", "全省农村人居环境持续改善", "卫生厕所普及率超过九成",
        "本报记者 何小兵", "编者按", BODY_D, BODY_E,
    )  # fmt: skip
    page = split_page(text)
    (a,) = page.articles
    assert (a.kicker, a.headline, a.subheadline) == ("建设美丽乡村 共享幸福生活", "全省农村人居环境持续改善", "卫生厕所普及率超过九成")
    assert a.intertitles == ["编者按"] and page.furniture == []


# -- bylines, credits, verse, data boxes, jumps, labels and title roles of other papers -------

BODY_F = "3月2日，市区多个社区开展便民服务活动，为居民提供义诊、理发、家电维修等服务，受到群众欢迎。"
BODY_G = "据介绍，活动由市文明办牵头，20余家单位参加，今年将在全市各社区轮流开展，每月不少于一次。"


def test_bylines_with_colons_news_apps_and_several_marked_groups() -> None:
    text = page_of(
        "社区便民服务进万家", "文/江城日报掌上江城记者：马 力 通讯员：韩晓东", BODY_F, BODY_G,
        "老旧小区加装电梯提速", "□ 本报记者 刘 伟 □ 本报通讯员 陈小兵 周 敏", BODY_D, BODY_E,
        "城区新增停车位", "文/本报记者：许 可 图/通讯员 欧阳明", BODY_B,
    )  # fmt: skip
    first, second, third = split_page(text).articles
    assert (first.headline, first.byline, first.paragraphs) == ("社区便民服务进万家", ["马力", "韩晓东"], [BODY_F, BODY_G])
    assert (second.headline, second.byline, second.paragraphs) == ("老旧小区加装电梯提速", ["刘伟", "陈小兵", "周敏"], [BODY_D, BODY_E])
    assert (third.headline, third.byline) == ("城区新增停车位", ["许可", "欧阳明"])


def test_interview_line_with_a_colon_is_not_a_byline() -> None:
    from ingest.bylines import parse_standalone_byline

    assert parse_standalone_byline("记者：您好") is None
    assert parse_standalone_byline("记者：许 可") == ["许可"]


def test_datelines_with_xun_and_bare_names_running_into_the_body() -> None:
    text = page_of(
        "全省春播进度过半", "本报成都3月2日讯（记者 王 强）" + BODY_F,
        "长江航运货运量增长", "本报武汉3月1日讯 记者 孙丽 " + BODY_G,
        "城区新增停车位", "本报讯 记者 周 杰 通讯员 吴 敏 近日，城区新增停车位800个，缓解了市民停车难。",
        "铁路货运量稳步增长", "本报讯 记者从市统计局获悉，1至2月全市铁路货运量同比增长6.2%。",
    )  # fmt: skip
    a, b, c, d = split_page(text).articles
    assert (a.byline, a.byline_text, a.paragraphs) == (["王强"], "本报成都3月2日讯（记者 王 强）", [BODY_F])
    assert (b.byline, b.byline_text, b.paragraphs) == (["孙丽"], "本报武汉3月1日讯 记者 孙丽", [BODY_G])
    assert c.byline == ["周杰", "吴敏"] and c.paragraphs == ["近日，城区新增停车位800个，缓解了市民停车难。"]
    # `记者从…获悉`: the role word opens the body, it heads no byline
    assert d.byline == [] and d.paragraphs[0].startswith("记者从市统计局获悉")


def test_credits_after_a_credit_word() -> None:
    text = page_of(
        "社区便民服务进万家", "本报记者 何小兵", BODY_F,
        "▲居民在活动现场咨询。 图/江城日报记者：马 力", BODY_G,
        "全市用电量月度变化 数据来源：市统计局 制图：林 洁", BODY_D,
        "\n\n插图：郑 文", BODY_E,
    )  # fmt: skip
    (a,) = split_page(text).articles
    assert [(c.text, c.credit) for c in a.captions] == [
        ("居民在活动现场咨询。", "马力"), ("全市用电量月度变化 数据来源：市统计局", "林洁"), ("", "郑文"),
    ]  # fmt: skip
    assert a.paragraphs == [BODY_F, BODY_G, BODY_D, BODY_E] and a.intertitles == []


def test_poem_lines_are_paragraphs_of_their_own() -> None:
    verses = ["春风吹过老街", "吹醒了檐下的燕子", "石板路上", "脚步声一声一声", "卖花的人来了", "满城都是香气"]
    text = page_of("老街春早", "□ 林 木", *verses, "母亲的菜园", "文/许 青", BODY_F, BODY_G)
    poem, essay = split_page(text).articles
    assert (poem.headline, poem.byline, poem.paragraphs, poem.intertitles) == ("老街春早", ["林木"], verses, [])
    assert (essay.headline, essay.byline, essay.paragraphs) == ("母亲的菜园", ["许青"], [BODY_F, BODY_G])


def test_short_lines_of_a_story_are_not_verse() -> None:
    # three short lines are too few for a poem: the unfinished ones are a broken sentence
    text = page_of("城区新增停车位", "□ 林 木", "近日，城区新增", "停车位800个，", "缓解了停车难。", BODY_G)
    (a,) = split_page(text).articles
    assert a.paragraphs == ["近日，城区新增停车位800个，缓解了停车难。", BODY_G]


def test_data_box_of_figure_lines_is_a_story() -> None:
    text = page_of(
        "城区新增停车位", f"本报讯 {BODY_F}", "（许可）",
        "一季度全市经济运行", "地区生产总值增长5.6%", "固定资产投资增长4.1%", "居民人均可支配收入增长6.0%",
        "数据来源：市统计局", "责任编辑：王  薇",
    )  # fmt: skip
    page = split_page(text)
    brief, box = page.articles
    assert brief.paragraphs == [BODY_F]
    assert (box.headline, box.source) == ("一季度全市经济运行", "数据来源：市统计局")
    assert box.paragraphs == ["地区生产总值增长5.6%", "固定资产投资增长4.1%", "居民人均可支配收入增长6.0%"]


def test_jump_lines_in_other_wordings() -> None:
    text = page_of(
        "全市老旧小区改造全面提速", "(紧接第1版)", "加装电梯，" + BODY_D,
        "二手房交易回暖", f"本报讯 {BODY_E}", "业内人士认为，市场信心正在恢复，", "【转A4版】",
        "城南新区新建学校", f"本报讯 {BODY_C}", "学校明年秋季开学，（转下版）",
    )  # fmt: skip
    jumped, mid, last = split_page(text).articles
    assert jumped.continued and jumped.paragraphs == ["加装电梯，" + BODY_D]
    assert [b.text for b in jumped.blocks if b.kind == BlockKind.JUMP] == ["(紧接第1版)"]
    assert not mid.continued and [b.text for b in mid.blocks if b.kind == BlockKind.JUMP] == ["【转A4版】"]
    assert last.paragraphs == [BODY_C, "学校明年秋季开学，"]
    assert [b.text for b in last.blocks if b.kind == BlockKind.JUMP] == ["（转下版）"]


def test_short_line_over_a_headline_is_a_column_label_unless_a_place() -> None:
    text = page_of(
        "乡村随笔", "母亲的菜园", "文/许 青", BODY_F,
        "书苑", "在书页间遇见家乡", "——读散文集《小城旧事》", "文/林 木", BODY_G,
        "北京", "城区新增停车位", f"本报讯 {BODY_B}",
    )  # fmt: skip
    essay, review, news = split_page(text).articles
    assert (essay.section, essay.kicker, essay.headline) == ("乡村随笔", "", "母亲的菜园")
    assert (review.section, review.headline, review.subheadline) == ("书苑", "在书页间遇见家乡", "——读散文集《小城旧事》")
    assert (news.section, news.kicker, news.headline) == ("", "北京", "城区新增停车位")


def test_label_like_intertitle_inside_a_story_stays_an_intertitle() -> None:
    text = page_of("网购退货纠纷案审结", "□ 本报记者 马 力", BODY_F, "法官说法", BODY_G)
    (a,) = split_page(text).articles
    assert a.intertitles == ["法官说法"] and a.section == ""


def test_colon_kickers_name_places_the_gazetteer_knows() -> None:
    from ingest.titles import split_one_line

    assert (split_one_line("山西介休：古城墙修缮完工").kicker, split_one_line("介休：古城墙修缮完工").kicker) == ("山西介休", "介休")
    assert split_one_line("云台山景区：红叶季游客增三成").kicker == "云台山景区"
    assert split_one_line("专家：明年粮食生产形势向好").kicker == ""
    assert split_one_line("织密矩阵：让服务更贴心").kicker == ""


def test_two_line_titles_headline_and_subheadline_or_kicker_and_headline() -> None:
    from ingest.titles import assign_roles

    def roles(first: str, second: str) -> tuple[str, str, str]:
        t = assign_roles([first, second])
        return t.kicker, t.headline, t.subheadline

    # a second line with a figure or a clause explains the headline above it
    assert roles("古城夜市人气旺", "开市首周接待游客5.2万人次") == ("", "古城夜市人气旺", "开市首周接待游客5.2万人次")
    assert roles("山区果品搭上快车", "冷链当日达，果农家门口接单") == ("", "山区果品搭上快车", "冷链当日达，果农家门口接单")
    assert roles("上半年外贸进出口增长超一成", "民营企业成为稳外贸主力军") == ("", "上半年外贸进出口增长超一成", "民营企业成为稳外贸主力军")
    # a slogan, a place, or a headline naming its subject first: the first line is a kicker
    assert roles("稳就业 惠民生", "我市新增城镇就业2.1万人") == ("稳就业 惠民生", "我市新增城镇就业2.1万人", "")
    assert roles("冬季供暖准备就绪", "全市供热管网检修完成") == ("冬季供暖准备就绪", "全市供热管网检修完成", "")
    assert roles("介休市", "古城墙修缮完工") == ("介休市", "古城墙修缮完工", "")


def test_photo_story_with_its_picture_under_the_headline_after_a_brief() -> None:
    text = page_of(
        "城区新增停车位", f"本报讯（记者 许 可）{BODY_F}",
        "梨花开满山", "\n\n连日来，山区梨花盛开，游客纷至沓来。", "图为游客在梨园拍照。", "本报记者 马 力 摄",
        "老旧小区加装电梯提速", f"本报讯 {BODY_D}",
    )  # fmt: skip
    brief, photo, last = split_page(text).articles
    assert brief.paragraphs == [BODY_F]
    assert (photo.headline, photo.byline, photo.blocks) == ("梨花开满山", ["马力"], [])
    assert [c.credit for c in photo.captions] == ["马力"]
    assert last.headline == "老旧小区加装电梯提速"


def test_narrow_column_prose_extracted_line_by_line_is_not_verse() -> None:
    # lines cut at the column's width (all about as long) are prose: joined into paragraphs
    column = ["近日，城区新增停车位八百", "个，缓解了市民停车难的问", "题，受到周边居民的普遍欢", "迎和一致好评。"]
    (a,) = split_page(page_of("城区新增停车位", "□ 林 木", *column)).articles
    assert a.paragraphs == ["".join(column)]



# -- names of minorities, page furniture, markers, broken titles, photo stories ---------------

BODY_F = "入秋以来，牧民们把牛羊转往冬季草场，兽医站的工作人员随队巡诊，为牲畜接种疫苗。"
BODY_G = "今年全乡新修牧道36公里，建成储草棚120座，冬春两季的饲草料储备比去年增加两成。"


def test_dotted_minority_names_in_leads_byline_lines_and_credits() -> None:
    text = page_of(
        "牧道修到了冬窝子", "本报喀什9月3日讯（记者 热依汗·阿不都 通讯员 赵 峰）" + BODY_F,
        "储草棚里存满了“定心草”", "本报记者 吐尔洪·买合木提 马 丽", BODY_G,
        "▲牧民在储草棚前卸草。本报记者 吐尔洪·买合木提 摄", BODY_A,
    )  # fmt: skip
    first, second = split_page(text).articles
    assert first.byline == ["热依汗·阿不都", "赵峰"]
    assert second.headline == "储草棚里存满了“定心草”" and second.subheadline == ""
    assert second.byline == ["吐尔洪·买合木提", "马丽"]
    assert [(c.text, c.credit) for c in second.captions] == [("牧民在储草棚前卸草。", "吐尔洪·买合木提")]


def test_four_character_names_without_han_surname_where_a_byline_stands() -> None:
    text = page_of(
        "青稞丰收 仓满人欢", "本报记者 达瓦次仁 央金卓玛 王 芳", BODY_F, BODY_G,
        "秋牧场的一天", "□ 索朗旺堆", BODY_C, "牧道通了 草场近了", f"本报讯 {BODY_B}", "（达瓦次仁 周 宁）",
    )  # fmt: skip
    first, sidebar, last = split_page(text).articles
    assert (first.subheadline, first.byline) == ("", ["达瓦次仁", "央金卓玛", "王芳"])
    assert (sidebar.headline, sidebar.byline) == ("秋牧场的一天", ["索朗旺堆"])
    assert last.byline == ["达瓦次仁", "周宁"] and last.paragraphs == [BODY_B]


def test_role_word_before_a_two_character_word_is_not_a_byline() -> None:
    from ingest.bylines import parse_paren_byline, parse_standalone_byline

    assert parse_standalone_byline("记者手记") is None and parse_standalone_byline("记者：您好") is None
    assert parse_standalone_byline("■全程监测") is None  # `■` marks intertitles too, `□` bylines only
    assert parse_paren_byline("（全文完）") is None and parse_paren_byline("（未完待续）") is None


def test_staff_lines_are_furniture_never_bylines() -> None:
    text = page_of(
        "编辑：孟 雪 美编：韩 冰 校对：杜 鹃", "兴县召开防汛会议", f"本报讯（记者 王强）{BODY_A}",
        "责编/林 可 审读/高 原", "临县开展植树活动", f"本报讯 {BODY_C}", "（责任编辑：宋 佳）",
    )  # fmt: skip
    page = split_page(text)
    assert [a.byline for a in page.articles] == [["王强"], []]
    assert [f.line for f in page.furniture] == [1, 7, 13]


def test_page_header_lines_above_the_date_and_bare_titles_are_furniture() -> None:
    text = page_of(
        "滨江晚报", "RIVERSIDE EVENING", "县域新闻", "2025年6月3日 星期二", "兴县召开防汛会议",
        f"本报讯（记者 王强）{BODY_A}", "热线专页",
    )  # fmt: skip
    page = split_page(text)
    (a,) = page.articles
    assert a.headline == "兴县召开防汛会议" and a.lines == [9, 11]
    assert [f.line for f in page.furniture] == [1, 3, 5, 7, 13]


def test_series_banner_over_a_photo_page_is_furniture() -> None:
    text = page_of(
        "光影·河湟", "麦收时节", "6月20日，农机手在川水地区抢收冬小麦。", "记者 朱 晨 摄",
        "湟源县：陈醋飘香", "工人在车间里灌装陈醋。", "通讯员 马 岚 摄",
    )  # fmt: skip
    page = split_page(text)
    assert [(a.kicker, a.headline, a.byline) for a in page.articles] == [
        ("", "麦收时节", ["朱晨"]), ("湟源县", "陈醋飘香", ["马岚"]),
    ]  # fmt: skip
    assert [(f.line, f.kind) for f in page.furniture] == [(1, FurnitureKind.BANNER)]


def test_list_marks_and_lenticular_brackets_are_not_title_words() -> None:
    text = page_of(
        "多措并举稳就业", f"本报讯 {BODY_A}", "【网格员成了“服务员”】", BODY_B, "◆夜市点亮烟火气", BODY_C,
        "简  讯", "●临县开展植树活动", f"本报讯 {BODY_G}",
    )  # fmt: skip
    first, brief = split_page(text).articles
    assert first.intertitles == ["网格员成了“服务员”", "夜市点亮烟火气"] and first.paragraphs == [BODY_A, BODY_B, BODY_C]
    assert (brief.section, brief.headline) == ("简讯", "临县开展植树活动")


def test_headlines_broken_inside_a_word_or_a_quotation_are_one_headline() -> None:
    text = page_of(
        "全市老旧小区改造全面提速 背街小", "巷焕然一新", "本报记者 王 强", BODY_A,
        "把群众的“急难", "愁盼”放在心上", f"本报讯 {BODY_B}",
        "稳链强链 向“新”发力", "我市制造业投资增长两成", f"本报讯 {BODY_C}",
    )  # fmt: skip
    titles = [(a.kicker, a.headline.replace(" ", ""), a.subheadline) for a in split_page(text).articles]
    assert titles == [
        ("", "全市老旧小区改造全面提速背街小巷焕然一新", ""),
        ("", "把群众的“急难愁盼”放在心上", ""),
        ("稳链强链 向“新”发力", "我市制造业投资增长两成", ""),  # balanced parts: a kicker
    ]  # fmt: skip


def test_titled_photo_between_two_stories_is_a_photo_story() -> None:
    text = page_of(
        "兴县召开防汛会议", "记者 王 强 通讯员 李 华", BODY_A, BODY_B,
        "临县：红枣晾晒正当时", "9月18日，临县农民在晾晒红枣。", "融媒体记者 张 敏 摄",
        "全市秋粮收购启动", BODY_C, BODY_E, "据《山西日报》",
    )  # fmt: skip
    first, photo, last = split_page(text).articles
    assert first.paragraphs == [BODY_A, BODY_B]
    assert (photo.kicker, photo.headline, photo.byline, photo.blocks) == ("临县", "红枣晾晒正当时", ["张敏"], [])
    assert (last.headline, last.source, last.paragraphs) == ("全市秋粮收购启动", "据《山西日报》", [BODY_C, BODY_E])


def test_photo_story_at_the_page_end_after_a_signed_sidebar() -> None:
    text = page_of(
        "记者手记", "山路上的灯火", "□ 周 杰", BODY_A, BODY_B,
        "雪后初晴", "1月8日，岚县一带雪后初晴，远山如黛。", "本报记者 高 远 摄",
    )  # fmt: skip
    sidebar, photo = split_page(text).articles
    assert (sidebar.section, sidebar.headline, sidebar.paragraphs) == ("记者手记", "山路上的灯火", [BODY_A, BODY_B])
    assert (photo.headline, photo.byline, photo.blocks) == ("雪后初晴", ["高远"], [])


def test_headless_photo_after_a_closing_byline_is_a_photo_story() -> None:
    text = page_of(
        "临县开展植树活动", f"本报讯 {BODY_C}", "（记者 赵 红）",
        "3月12日，兴县蔚汾镇，志愿者在河畔栽种柳树。", "通讯员 孙 磊 摄",
    )  # fmt: skip
    story, photo = split_page(text).articles
    assert story.byline == ["赵红"] and story.captions == []
    assert (photo.headline, photo.byline, photo.blocks) == ("", ["孙磊"], [])
    assert [(c.text, c.credit) for c in photo.captions] == [("3月12日，兴县蔚汾镇，志愿者在河畔栽种柳树。", "孙磊")]


def test_headline_opening_with_a_place_under_a_phrase_is_the_headline() -> None:
    text = page_of("一条小巷的“新生”", "余杭这个老街区一年开出12家新店", "记者 王 强", BODY_A)
    (a,) = split_page(text).articles
    assert (a.kicker, a.headline, a.subheadline) == ("一条小巷的“新生”", "余杭这个老街区一年开出12家新店", "")


def test_short_word_over_a_headline_is_the_column_label() -> None:
    text = page_of(
        "大河上下", "临县开展植树活动", f"本报讯（记者 赵红）{BODY_C}",
        "县长谈民生", "让群众住上放心房", "——访兴县县长张某某", "本报记者 周 杰", BODY_A,
    )  # fmt: skip
    first, second = split_page(text).articles
    assert (first.section, first.kicker, first.headline) == ("大河上下", "", "临县开展植树活动")
    assert (second.section, second.kicker, second.headline) == ("县长谈民生", "", "让群众住上放心房")


def test_series_slogan_over_a_headline_with_dash_subheadline_on_top_of_the_page() -> None:
    text = page_of("走进黄河人家", "渡口边的新日子", "——临县碛口镇见闻", "本报记者 周 杰", BODY_A, BODY_B)
    page = split_page(text)
    (a,) = page.articles
    assert (a.kicker, a.headline, a.subheadline) == ("", "渡口边的新日子", "——临县碛口镇见闻")
    assert [(f.line, f.kind) for f in page.furniture] == [(1, FurnitureKind.BANNER)]


def test_a_page_of_only_furniture_has_no_story() -> None:
    # A masthead in both scripts and a page number between dashes under the date and staff line:
    # the page's header down to that number, no story headed 晋中日报.
    page = split_page("第3版\n2025年3月29日 星期六\n责任编辑:王强 美编:李丽\n晋中日报\nJINZHONG DAILY\n- 3 -\n")
    assert page.articles == []
    assert [f.line for f in page.furniture] == [1, 2, 3, 4, 5, 6]
    assert [f.line for f in split_page("晋中日报\n\n－12－\n").furniture] == [1, 3]  # numbered with the blank line


def test_a_label_in_lenticular_brackets_is_an_intertitle_not_closing_names() -> None:
    # 【】 set labels and intertitles (`【法官说法】`, `【时评】`); a story's closing names stand
    # in round brackets. 法 and 时 are surnames, so as a name group the label ended the story
    # there and its last paragraph became a story of its own.
    for label in ("法官说法", "时评"):
        text = page_of(
            "男子网购低价黄金被骗", "□ 本报记者 罗芳 通讯员 刘洋", BODY_A, BODY_B, f"【{label}】", BODY_C,
        )  # fmt: skip
        (story,) = split_page(text).articles
        assert story.byline == ["罗芳", "刘洋"]
        assert story.intertitles == [label] and story.paragraphs[-1] == BODY_C


def test_closing_names_in_round_brackets_still_sign_the_story() -> None:
    text = page_of("兴县召开防汛会议", BODY_A, BODY_B, "（张莉）", "临县植树造林添新绿", f"本报讯（记者 赵红）{BODY_C}")
    first, second = split_page(text).articles
    assert first.byline == ["张莉"] and second.byline == ["赵红"]


def test_a_place_before_a_colon_is_the_kicker_over_a_subheadline_too():
    from ingest.splitter import page_labels, prepare_lines, split_page
    from ingest.titles import assign_roles

    title = assign_roles(["仁怀市：酱香白酒产区“绿色转型”提速", "——全市规模以上白酒企业清洁生产审核实现全覆盖"])
    assert (title.kicker, title.headline, title.subheadline) == (
        "仁怀市", "酱香白酒产区“绿色转型”提速", "——全市规模以上白酒企业清洁生产审核实现全覆盖",
    )
    # and the page's line labels still read both lines as the title (the colon left behind)
    text = "\n\n".join([
        "昌乐县：设施蔬菜喜获丰收", "——全县新建大棚1200个", "□本报记者 王 凯",
        "今年以来，昌乐县新建设施蔬菜大棚1200个，带动3000余户农民增收。",
    ])
    lines = prepare_lines(text)
    assert page_labels(split_page(text), lines)[:3] == ["S", "T", "B"]
