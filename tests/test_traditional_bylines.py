"""Pages printed or extracted in traditional characters keep their bylines: role words (記者,
通訊員, 本報訊, 攝 …) are read as in simplified print and never come out as names, surnames are
known in both forms (張 陳 歐陽), and names are kept as printed. All text here is made up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import bylines, names, traditional
from ingest.lines import read_lines
from ingest.pipeline import parse_page
from ingest.tokens import fold

ROOT = Path(__file__).resolve().parent.parent


def _page(lines: list[str]) -> str:
    return "\n\n".join(lines) + "\n"


def _articles(text: str) -> list[dict[str, object]]:
    page = parse_page(text)
    return [
        {
            "headline": a.headline,
            "byline": list(a.byline),
            "byline_text": a.byline_text,
            "credits": [c.credit for c in a.captions],
            "captions": [c.text for c in a.captions],
            "body": a.body,
        }
        for a in page.articles
    ]


ROLE_WORDS = {
    *traditional.spellings("记者", "通讯员", "本报", "本报讯", "摄", "摄影", "实习生", "见习记者", "特约通讯员"),
    *traditional.spellings("首席记者", "融媒体记者", "报道", "供图", "电"),
}

REGIONAL_PAGE = _page([
    "第3版 清河新聞",
    "清河縣春耕備耕有序推進",
    "本報訊（記者 張三）連日來，清河縣各鄉鎮抓住有利天氣，組織農戶整地施肥、檢修農機，全縣春耕備耕工作有序推進。",
    "在城關鎮東灣村，農機手駕駛旋耕機來回作業，翻起的泥土散發着清香。村黨支部書記說，今年村裏統一採購了良種和化肥。",
    "縣農業農村局組織技術人員深入田間地頭，開展測土配方、病蟲害防治等指導服務，幫助農戶解決生產難題。（通訊員 王五）",
    "老街巷裏的新書屋",
    "□記者 李四",
    "走進南關社區的“鄰里書屋”，書架上整齊擺放着兩千多冊圖書，幾位老人正戴着老花鏡翻閱報刊。",
    "書屋由一處閒置門面改建而成，社區志願者輪流值守，每天開放到晚上八點。附近小學的孩子放學後也常來這裏寫作業。",
    "社區負責人表示，下一步將與縣圖書館合作，定期更換圖書，並開設親子閱讀課堂。",
    "",
    "",
    "村民在田間搶收成熟的油菜。陳六 攝",
    "",
    "",
    "全國春季農業生產工作會議召開",
    "本報北京2月25日電（記者徐雋）全國春季農業生產工作會議25日召開，會議部署了今年春耕生產和糧食穩產保供工作。",
    "會議要求，各地要壓實責任，抓好種子、化肥等農資供應，加強農業防災減災，確保春播面積穩定。",
])


def test_a_traditional_regional_page_names_its_reporters_and_photographer() -> None:
    articles = _articles(REGIONAL_PAGE)
    assert [a["headline"] for a in articles] == ["清河縣春耕備耕有序推進", "老街巷裏的新書屋", "全國春季農業生產工作會議召開"]
    spring, reading_room, meeting = articles
    assert spring["byline"] == ["張三", "王五"]  # the lead's reporter and the closing correspondent
    assert spring["byline_text"].startswith("本報訊（記者 張三）")
    assert str(spring["body"]).startswith("連日來")  # the lead is not left in the text
    assert reading_room["byline"] == ["李四"]
    assert reading_room["credits"] == ["陳六"] and reading_room["captions"] == ["村民在田間搶收成熟的油菜。"]
    assert meeting["byline"] == ["徐雋"]
    for article in articles:
        assert not ROLE_WORDS & set(article["byline"]), article  # type: ignore[arg-type]
        assert not ROLE_WORDS & set(article["credits"]), article  # type: ignore[arg-type]


def test_the_same_page_in_simplified_print_gives_the_same_names_folded() -> None:
    simplified = _page([
        "清河县春耕备耕有序推进",
        "本报讯（记者 张三）连日来，清河县各乡镇抓住有利天气，组织农户整地施肥、检修农机，全县春耕备耕工作有序推进。",
        "县农业农村局组织技术人员深入田间地头，开展测土配方等指导服务，帮助农户解决生产难题。（通讯员 王五）",
    ])
    traditional_print = _page([
        "清河縣春耕備耕有序推進",
        "本報訊（記者 張三）連日來，清河縣各鄉鎮抓住有利天氣，組織農戶整地施肥、檢修農機，全縣春耕備耕工作有序推進。",
        "縣農業農村局組織技術人員深入田間地頭，開展測土配方等指導服務，幫助農戶解決生產難題。（通訊員 王五）",
    ])
    names_s = [a["byline"] for a in _articles(simplified)]
    names_t = [a["byline"] for a in _articles(traditional_print)]
    assert names_s == [["张三", "王五"]]
    assert names_t == [["張三", "王五"]]  # as printed, not converted
    assert [[fold(n) for n in group] for group in names_t] == names_s  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lead", "printed", "names_", "rest"),
    [
        ("本報北京2月25日電（記者徐雋）全國春季農業生產工作會議25日召開。", "本報北京2月25日電（記者徐雋）", ["徐雋"], "全國"),
        ("本報訊（記者 張三）連日來，", "本報訊（記者 張三）", ["張三"], "連日來"),
        ("本報訊（見習記者 鄭小明 實習生 黃麗）近日，", "本報訊（見習記者 鄭小明 實習生 黃麗）", ["鄭小明", "黃麗"], "近日"),
        ("本報杭州3月2日訊（首席記者 趙敏 特約通訊員 錢峰）", "本報杭州3月2日訊（首席記者 趙敏 特約通訊員 錢峰）", ["趙敏", "錢峰"], ""),
        ("新華社北京4月20日專電（記者 孫強）", "新華社北京4月20日專電（記者 孫強）", ["孫強"], ""),
        ("據新華社電（記者 馬超）昨天，", "據新華社電（記者 馬超）", ["馬超"], "昨天"),
        ("本報訊 記者 錢峰 通訊員 吳 佳 近日，", "本報訊 記者 錢峰 通訊員 吳 佳", ["錢峰", "吳佳"], "近日"),
        ("本報訊 近年來，", "本報訊", [], "近年來"),
    ],
)
def test_a_traditional_dateline_or_lead_names_its_reporters(
    lead: str, printed: str, names_: list[str], rest: str
) -> None:
    parsed = bylines.parse_lead(lead)
    assert parsed is not None
    assert parsed.text == printed
    assert parsed.names == names_
    assert parsed.rest.startswith(rest)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("□ 記者 張三", ["張三"]),
        ("□記者 李四", ["李四"]),
        ("本報特約通訊員 楊建義", ["楊建義"]),
        ("首席記者 鄭小明 見習記者 孫強", ["鄭小明", "孫強"]),
        ("融媒體記者 趙敏", ["趙敏"]),
        ("□ 實習生 黃麗", ["黃麗"]),
        ("記者 劉洋 報道", ["劉洋"]),
        ("□ 本報記者 錢 峰 □ 本報通訊員 林曉燕", ["錢峰", "林曉燕"]),
        ("本報評論員", []),  # role words naming nobody
    ],
)
def test_a_traditional_byline_line_gives_names_never_role_words(line: str, expected: list[str]) -> None:
    assert bylines.parse_standalone_byline(line) == expected


@pytest.mark.parametrize("line", ["責任編輯：李四", "編輯：李四", "（責任編輯：徐  婧）", "記者：您好"])
def test_a_traditional_staff_line_or_interview_line_is_no_byline(line: str) -> None:
    assert bylines.parse_standalone_byline(line) is None


@pytest.mark.parametrize(
    ("line", "words", "credit"),
    [
        ("村民在田間搶收成熟的油菜。陳六 攝", "村民在田間搶收成熟的油菜。", "陳六"),
        ("遊客在花海中拍照留念。本報記者 周萬平 攝", "遊客在花海中拍照留念。", "周萬平"),
        ("合作社社員正在晾曬中藥材。融媒體記者 馬超 攝影", "合作社社員正在晾曬中藥材。", "馬超"),
        ("夜色中的古鎮。新華社發（黃麗 攝）", "夜色中的古鎮。", "黃麗"),
        ("新建成的文化廣場。縣文旅局 供圖", "新建成的文化廣場。", "縣文旅局"),
        ("今年以來全縣月度出口量 製圖：鄭小明", "今年以來全縣月度出口量", "鄭小明"),
        ("資料圖片", "", "資料圖片"),
    ],
)
def test_a_traditional_photo_credit_names_the_photographer(line: str, words: str, credit: str) -> None:
    parts = bylines.split_caption(line)
    assert parts is not None
    assert (parts.text, parts.credit) == (words, credit)
    assert not ROLE_WORDS & set(parts.names)


def test_a_traditional_credit_line_alone_is_a_credit_not_a_byline() -> None:
    assert bylines.parse_credit_line("記者 張文慧 攝") == ["張文慧"]
    assert bylines.parse_credit_line("王  成 作") == ["王成"]
    assert bylines.parse_standalone_byline("記者 張文慧 攝") is None


def test_traditional_closing_names_and_sources_end_a_story() -> None:
    assert bylines.parse_paren_byline("（通訊員 王五）") == ["王五"]
    assert bylines.parse_paren_byline("（陳麗 歐陽明）") == ["陳麗", "歐陽明"]
    assert bylines.split_trailing_byline("……迎來了美好的明天。（劉燕 喬潤霞）") == (
        "……迎來了美好的明天。", "（劉燕 喬潤霞）", ["劉燕", "喬潤霞"],
    )
    # a round-up's roll of reporters or a write-up's note is the story's text, not its byline
    assert bylines.split_trailing_byline("……取得實效。（本報記者姚雪青、羅艾樺整理）") is None
    assert bylines.parse_source_line("（據新華社）") == "（據新華社）"
    assert bylines.split_trailing_source("……參加了會議。據《清河日報》") == ("……參加了會議。", "據《清河日報》")
    assert bylines.is_data_source("數據來源：縣統計局")


MIXED_PAGE = _page([
    "县城新添三处口袋公园",
    "本报讯（记者 赵敏）近日，县城新建的三处口袋公园陆续开放，为周边居民提供了休闲健身的好去处。",
    "口袋公园利用城区边角地块建设，配套了步道、座椅和健身器材，绿化面积共计六千多平方米。（通讯员 刘洋）",
    "鄉村夜校開課了",
    "本報訊（見習記者 鄭小明 實習生 黃麗）“原來手機還能這樣賣貨！”在柳溪鎮新開辦的鄉村夜校裏，五十多位村民圍坐在一起。",
    "夜校每周開課兩次，課程涵蓋電商運營、果樹管理、家庭理財等內容，授課老師由鎮農技站技術員擔任。",
    "特色產業帶動群眾增收",
    "首席記者 孫強 特約通訊員 楊建義",
    "近年來，白石鄉立足山區資源優勢，發展中藥材種植和林下養殖，帶動三百多戶群眾增收。",
    "鄉裏成立專業合作社，統一提供種苗和技術，並與外地企業簽訂收購協議，解決了群眾的銷售難題。",
    "",
    "",
    "合作社社員正在晾曬中藥材。融媒體記者 馬超 攝",
    "",
    "",
    "古镇迎来赏花客",
    "本报訊（記者 张三）春暖花开，古镇周边的油菜花竞相开放，吸引了大批游客前来观赏拍照。",
    "景区负责人介绍，今年将举办乡村音乐节等系列活动，进一步丰富游客体验。",
])


def test_a_page_mixing_simplified_and_traditional_stories_names_every_reporter() -> None:
    articles = _articles(MIXED_PAGE)
    assert [(a["headline"], a["byline"]) for a in articles] == [
        ("县城新添三处口袋公园", ["赵敏", "刘洋"]),
        ("鄉村夜校開課了", ["鄭小明", "黃麗"]),
        ("特色產業帶動群眾增收", ["孫強", "楊建義"]),
        ("古镇迎来赏花客", ["张三"]),  # `本报訊（記者 张三）`: one lead in both scripts
    ]
    assert articles[2]["credits"] == ["馬超"]
    assert all(not ROLE_WORDS & set(a["byline"]) for a in articles)  # type: ignore[arg-type]


def test_traditional_surnames_come_from_the_simplified_list() -> None:
    for surname in "張陳劉楊趙黃吳鄭孫馬":
        assert surname in names.SURNAMES
        assert fold(surname) in names.SURNAMES  # its simplified form is in the written list
    assert {"歐陽", "司馬", "諸葛", "尉遲"} <= set(names.COMPOUND_SURNAMES)
    assert names.has_surname("張三") and names.has_surname("歐陽明") and names.has_surname("张三")
    # every traditional character the table adds is a surname of the simplified list
    assert {fold(s) for s in names.SURNAMES} <= names.SURNAMES
    # surnames that keep their form in traditional print gain no converter's form
    assert not {"餘", "瀋", "範", "穀", "後", "乾", "幹"} & names.SURNAMES


def test_every_traditional_form_of_the_table_folds_back_to_its_character() -> None:
    for simplified, forms in traditional.TRADITIONAL.items():
        assert forms and simplified not in forms
        assert all(fold(form) == simplified for form in forms), (simplified, forms)


def test_role_words_in_traditional_are_never_names() -> None:
    before_names = traditional.spellings(
        "记者", "本报记者", "通讯员", "实习生", "见习记者", "特约通讯员", "首席记者", "融媒体记者", "摄影", "供图", "评论员"
    )
    for role in before_names:
        assert names.clean_names(f"{role} 張三") == ["張三"], role
        assert names.clean_names(f"{role}：張三") == ["張三"], role
    for word in traditional.spellings("报道", "摄影", "记者", "通讯员", "采写", "整理"):
        assert not names.is_name(word), word
        assert names.clean_names(f"張三 {word}") == ["張三"], word
    assert names.clean_names("記者 張三 通訊員 李四") == ["張三", "李四"]
    assert names.clean_names("（記 者張 曉明、王明）"[1:-1], spaced=True) == ["張曉明", "王明"]
    assert names.strict_name_list("特約通訊員 楊建義") == ["楊建義"]


def test_a_widened_pattern_reads_simplified_text_as_the_simplified_pattern() -> None:
    sources = [
        r"(?:(?:本报|新华社|[\u4e00-\u9fff]{0,6}?(?:日报|晚报|电视台))[\u4e00-\u9fff]{0,4}?)?(?:首席|特约|实习)?(?:摄影记者|记者|通讯员|实习生)",
        r"\s*(?:本报|新华社)\s*(?:[\u4e00-\u9fff]{1,10}\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:专)?[电讯]",
        r"据(?!悉|了解|介绍|统计|报道)\s*[\u4e00-\u9fff]{2,12}",
        r"(?<=[。！？])\s*[(（][^()（）]{1,20}(?:摄影?|供图)[)）]",
        r"[^报]{2,4}报",
    ]
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "unseen").glob("*.txt"))]
    lines = [line.text for text in texts for line in read_lines(text)]
    assert len(lines) > 500
    for source in sources:
        plain, widened = re.compile(source), re.compile(traditional.pattern(source))
        for line in lines:
            a, b = plain.search(line), widened.search(line)
            assert (a and a.span()) == (b and b.span()), (source, line)


def test_pattern_widening() -> None:
    assert traditional.pattern("记者|通讯员") == "记者|記者|通[讯訊][员員]"
    assert traditional.pattern("[电讯]") == "[电讯電訊]"
    assert traditional.pattern("[^报]") == "[^报報]"
    assert traditional.pattern(r"(?<=记)\s+者") == r"(?<=记|記)\s+者"
    assert traditional.pattern(r"(?P<x>摄)") == r"(?P<x>摄|攝)"
    # an alternative holding a capturing group is not written out twice (its groups would be)
    assert traditional.pattern("(?:记(者))") == "(?:[记記](者))"
    assert re.compile(traditional.pattern("记(者)|通讯员")).groups == 1
    widened = re.compile(traditional.pattern(r"(?:特约)?(?:摄影记者|记者)"))
    for text in ("特约记者", "特約記者", "特约記者", "攝影記者", "摄影記者"):
        assert widened.fullmatch(text), text
    with pytest.raises(ValueError):
        traditional.pattern(traditional.pattern("记者"))  # widened twice
    with pytest.raises(ValueError):
        traditional.pattern("[报-讯]")  # a range over table characters
    assert traditional.spellings("供图") == ("供图", "供圖")
