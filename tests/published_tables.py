"""Tables that offices of other kinds published, kept as their pages show them: a province's 任务分解表,
a city's 实施方案, a district's, two bureaus', a town's (its task list and its 基层政务公开标准目录), a
开发区's, a university's 信息公开目录 and a county's 目录 for its public hospitals (卫生健康领域公共
事业单位).

Each is an excerpt (the first rows of each of its parts, verbatim, punctuation as the stored page has
it) with the page it comes from, laid out as the page lays it out: merged cells, header rows, the
columns in their order. The roster is the one the table implies: the units its owners phrases name,
and, where a phrase names a whole kind (各科室), a few more of that kind, whose names are ours.

What a person reading each table takes from it is written down as `expected`; `missing` says what
the importer cannot take from it, if anything, and `flat` what its CSV (merges lost) gives instead.
A county government's own 任务分解表 was searched for: the stored pages cut off before their tables
(石泉县's at its header row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .office_tables import Table

# id -> (section, item, text, owners, deadline, units owing it, lead units, unresolved)
Expected = dict[str, tuple[str, str | None, str, str, str, list[str], list[str], list[str]]]


@dataclass(frozen=True)
class Published(Table):
    source: str = ""
    kind: str = ""  # the office: 省, 市, 区, 局, 镇, 开发区, 高校, 医疗机构
    year: int = 2022
    deadline: str | None = None  # the --deadline a table without 完成时限 needs
    ongoing: tuple[str, ...] = ()  # ids whose deadline is continuous work
    missing: str = ""
    title: str = ""  # the plan's title, from the table's own title row (when it has one)
    # what the table saved as CSV (without its merges) gives where that differs from `expected`
    flat: dict[str, tuple[str, str | None, str, str, str, list[str], list[str], list[str]]] = field(
        default_factory=dict
    )


_OFFICES = ["办公室", "督查科", "综合科"]  # 办公室 is the table's; the other 科室 are ours

_BUREAU_ROWS = [
    ["工作任务", "", "具体要求", "责任科室", "时限要求"],
    [
        "强化行政规范性文件集中规范公开",
        "1",
        "对行政规范性文件进行全面清理,并向社会公布现行有效行政规范性文件目录。",
        "办公室",
        "年底前",
    ],
    [
        "深化政策解读形式",
        "2",
        "积极做好政策解读工作,持续提升政策解读质量,丰富解读形式。",
        "各科室",
        "持续推进",
    ],
    [
        "做好主动公开基础工作",
        "3",
        "严格规范政府信息公开专栏,及时、集中、规范发布法定主动公开内容。严格执行政府信息公开制度,"
        "完善政府信息公开保密审查,增强保密意识,防范泄密风险。",
        "各科室",
        "持续推进",
    ],
    [
        "",
        "4",
        "规范做好政府信息公开工作年度报告编制发布工作,将年度重点工作任务落实情况纳入年报,确保体例规范、"
        "数据准确,接受社会监督。",
        "办公室",
        "持续推进",
    ],
    [
        "规范办理依申请公开",
        "5",
        "依法依规办理政府信息公开申请,做行政复议答复和行政诉讼答辩工作,防范法律风险。",
        "各科室",
        "持续推进",
    ],
]

BUREAU = Published(
    "chizhou-xfj",
    source="https://xfj.chizhou.gov.cn/OpennessContent/show/1426818.html",
    kind="局",
    year=2023,
    rows=_BUREAU_ROWS,
    merges=[(0, 0, 0, 1), (3, 0, 4, 0)],
    roster="units:\n"
    + "".join(
        f"  - {{name: {name}, full_name: 信访局{name}, kind: 科室, level: 科级}}\n" for name in _OFFICES
    ),
    expected={
        row[1]: (
            section,
            None,
            row[2],
            row[3],
            row[4],
            ["办公室"] if row[3] == "办公室" else sorted(_OFFICES),
            [],
            [],
        )
        for row, section in zip(
            _BUREAU_ROWS[1:],
            [
                "强化行政规范性文件集中规范公开",
                "深化政策解读形式",
                "做好主动公开基础工作",
                "做好主动公开基础工作",
                "规范办理依申请公开",
            ],
            strict=True,
        )
    },
    ongoing=("2", "3", "4", "5"),
)

_DISTRICT_ROSTER = """\
units:
  - {name: 区政府办, full_name: 相山区人民政府办公室, kind: 区直部门, level: 科级}
  - {name: 区数据资源局, full_name: 相山区数据资源管理局, kind: 区直部门, level: 科级}
  - {name: 区投资促进局, full_name: 相山区投资促进局, kind: 区直部门, level: 科级}
  - {name: 区发改委, full_name: 相山区发展和改革委员会, kind: 区直部门, level: 科级}
  - {name: 区商务局, full_name: 相山区商务局, kind: 区直部门, level: 科级}
  - {name: 区文化旅游体育局, full_name: 相山区文化旅游体育局, kind: 区直部门, level: 科级}
  - {name: 渠沟镇, full_name: 相山区渠沟镇人民政府, kind: 镇(办), level: 科级}
  - {name: 南黎街道, full_name: 相山区南黎街道办事处, kind: 镇(办), level: 科级}
  - {name: 经开区, full_name: 相山经济开发区管委会, kind: 功能区, level: 科级}
"""
_DEPARTMENTS = sorted(
    ["区政府办", "区数据资源局", "区投资促进局", "区发改委", "区商务局", "区文化旅游体育局"]
)
_TOWNS = ["南黎街道", "渠沟镇", "经开区"]

_DISTRICT_ROWS = [
    ["工作任务", "", "具体工作要求", "责任单位", "完成时限"],
    [
        "一、深入推进政策公开,服务高质量发展",
        "1",
        "聚焦建设“美好相山”、推动科技创新、发展新质生产力、深化区域开放合作、推进长三角一体化发展、"
        "推动文旅深度融合等重点工作,及时规范发布政策信息及执行效果。",
        "各区直部门、各镇(办)、经开区",
        "持续推进",
    ],
    [
        "",
        "2",
        "深化“高效办成一件事”“双招双引”信息公开,集中发布政务服务事项目录、办理指南、办理进展等,"
        "推动政务服务提质增效;动态更新涉企收费政策及清单,明确收费项目、标准、依据,助力优化营商环境。",
        "区数据资源局、区投资促进局、区发改委等相关区直部门、各镇(办)、经开区",
        "持续推进",
    ],
    [
        "",
        "3",
        "推进优化消费环境信息公开,及时公开促进消费政策及提振消费专项行动信息,确保政策直达市场主体和消费者,"
        "引导社会预期,提振市场信心。",
        "区政府办、区商务局、区文化旅游体育局等相关区直部门、各镇(办)、经开区",
        "持续推进",
    ],
    [
        "二、强化权力配置公开,助力规范行政履职",
        "5",
        "推进权力配置信息公开,动态更新各部门权责清单及公共服务清单、行政权力中介服务清单,推动行政机关"
        "依法规范履职。",
        "区直各部门、各镇(办)、经开区",
        "持续推进",
    ],
]

_FIRST = "一、深入推进政策公开,服务高质量发展"
DISTRICT = Published(
    "xiangshan-district",
    source="https://www.hbxs.gov.cn/zwgk/public/33/64830078.html",
    kind="区",
    year=2025,
    rows=_DISTRICT_ROWS,
    merges=[(0, 0, 0, 1), (1, 0, 3, 0)],
    roster=_DISTRICT_ROSTER,
    expected={
        "1": (
            _FIRST,
            None,
            _DISTRICT_ROWS[1][2],
            _DISTRICT_ROWS[1][3],
            "持续推进",
            sorted(_DEPARTMENTS + _TOWNS),
            [],
            [],
        ),
        "2": (
            _FIRST,
            None,
            _DISTRICT_ROWS[2][2],
            _DISTRICT_ROWS[2][3],
            "持续推进",
            sorted(["区数据资源局", "区投资促进局", "区发改委", *_TOWNS]),
            [],
            ["相关区直部门"],  # which others are meant, the office says
        ),
        "3": (
            _FIRST,
            None,
            _DISTRICT_ROWS[3][2],
            _DISTRICT_ROWS[3][3],
            "持续推进",
            sorted(["区政府办", "区商务局", "区文化旅游体育局", *_TOWNS]),
            [],
            ["相关区直部门"],
        ),
        "5": (
            "二、强化权力配置公开,助力规范行政履职",
            None,
            _DISTRICT_ROWS[4][2],
            _DISTRICT_ROWS[4][3],
            "持续推进",
            sorted(_DEPARTMENTS + _TOWNS),
            [],
            [],
        ),
    },
    ongoing=("1", "2", "3", "5"),
)

_TOWN_UNITS = ["财政所", "便民综合服务中心", "土管所", "民政办公室", "卫生院", "党政办公室"]
_TOWN_ROWS = [
    ["工作任务", "具体内容", "责任部门"],
    [
        "推进政策公开",
        "常态化公开就业、住房、教育、医疗、生态环境、养老、社会保障、公共体育、旅游、公共资源交易、招标采购、"
        "乡村振兴、粮食收购进度与价格、惠农惠民资金发放等领域信息。",
        "财政所、便民综合服务中心、土管所等",
    ],
    [
        "",
        "积极探索特定群体的线下公开渠道;围绕农村发展、改革,乡村振兴建设、巩固拓展脱贫攻坚成果等重点项目,"
        "持续发布相关政策文件及工作成果。",
        "便民综合服务中心",
    ],
    [
        "",
        "聚焦就业创业、促进、医疗卫生等民生实事,开展“线上政策宣讲”和“线下政策宣传专项行动”。",
        "民政办公室、卫生院",
    ],
    [
        "强化权力配置信息公开",
        "细化权力配置信息公开,动态更新本镇各部门权责事项清单、公共服务清单及中介服务清单,推动行政机关"
        "依法规范履职。",
        "党政办公室",
    ],
    [
        "",
        "健全本镇行政执法信息全流程公示机制,推进行政许可、行政处罚、行政强制等行政结果全要素规范公开。",
        "党政办公室",
    ],
]

TOWN = Published(
    "bozhou-town",
    source="https://www.bzqc.gov.cn/XxgkContent/show/2920591.html",
    kind="镇",
    year=2024,
    deadline="年底前",
    missing="the table has no 完成时限 column: the office gives one with --deadline",
    rows=_TOWN_ROWS,
    merges=[(1, 0, 3, 0), (4, 0, 5, 0)],
    roster="units:\n"
    + "".join(
        f"  - {{name: {name}, full_name: 镇{name}, kind: 站所, level: 股级}}\n" for name in _TOWN_UNITS
    ),
    expected={
        str(number): (section, None, row[1], row[2], "年底前", units, [], [])
        for number, (row, section, units) in enumerate(
            zip(
                _TOWN_ROWS[1:],
                ["推进政策公开"] * 3 + ["强化权力配置信息公开"] * 2,
                [
                    sorted(["财政所", "便民综合服务中心", "土管所"]),
                    ["便民综合服务中心"],
                    sorted(["民政办公室", "卫生院"]),
                    ["党政办公室"],
                    ["党政办公室"],
                ],
                strict=True,
            ),
            start=1,
        )
    },
)

_BASIS = "《中华人民共和国政府信息公开条例》(国务院令第711号)"
_TICKED = ["√", "", "√", "", "√", ""]  # 全社会, 主动, 镇级: as each row of the 目录 marks them
_DIRECTORY_ROWS = [
    [
        "序号",
        "公开事项",
        "",
        "公开内容(要素)",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
        "",
        "公开方式",
        "",
        "公开层级",
        "",
    ],
    [
        "",
        "一级事项",
        "二级事项",
        "",
        "",
        "",
        "",
        "",
        "全社会",
        "特定群众",
        "主动",
        "依申请公开",
        "镇级",
        "村级",
    ],
    [
        "1",
        "政府文件",
        "政府文件",
        "政府文件。",
        _BASIS,
        "信息形成或变更之日起3个工作日内",
        "镇人民政府",
        "■政府网站 ■单位/村委会公示栏(电子屏)",
        *_TICKED,
    ],
    [
        "2",
        "概况信息",
        "乡镇简介",
        "乡镇行政区划、人口民族、发展优势、地理位置、自然概貌、水系、气候环境、自然资源、历史文化、旅游资源、"
        "综合实力和社会事业等信息。",
        _BASIS,
        "信息形成或变更之日起20个工作日内",
        "镇人民政府",
        "■政府网站",
        *_TICKED,
    ],
    [
        "3",
        "政府工作报告",
        "政府工作报告",
        "镇人民政府工作报告全文。",
        _BASIS,
        "信息形成或变更之日起20个工作日内",
        "镇人民政府",
        "■政府网站 ■会议",
        *_TICKED,
    ],
]

DIRECTORY = Published(
    "fengtun-directory",
    source="https://imortgage.com.cn/info/1475/44091.htm (a stored copy of a town's 基层政务公开标准目录)",
    kind="镇",
    year=2022,
    rows=_DIRECTORY_ROWS,
    merges=[
        (0, 0, 1, 0),
        (0, 1, 0, 2),
        *((0, column, 1, column) for column in range(3, 8)),
        (0, 8, 0, 9),
        (0, 10, 0, 11),
        (0, 12, 0, 13),
    ],
    roster="units:\n  - {name: 凤屯镇, full_name: 凤屯镇人民政府, aliases: [镇人民政府], kind: 镇, level: 科级}\n",
    expected={
        row[0]: (row[1], row[2], row[3], row[6], row[5], ["凤屯镇"], [], []) for row in _DIRECTORY_ROWS[2:]
    },
    ongoing=("1", "2", "3"),
)

_UNIVERSITY_UNITS = ["党办校办", "政策法规研究室", "工会", "招生办公室"]
_UNIVERSITY_ROWS = [
    ["序号", "类别", "公开事项", "信息更新", ""],
    ["", "", "", "责任部门", "生成时间"],
    [
        "1",
        "基本信息 (6项)",
        "(1.1)办学规模、学校机构设置、学科情况、专业情况、各类在校生情况、教师和专业技术人员数量等办学基本情况",
        "党办校办",
        "每年10月",
    ],
    ["", "", "(1.2)校级领导班子简介及分工", "党办校办", "变动即更"],
    ["", "", "(2)学校章程及制定的各项规章制度", "党办校办 政策法规研究室", "变动即更"],
    ["", "", "(3)教职工代表大会相关制度、工作报告", "党办校办 工会", "每年1月-2月"],
    [
        "2",
        "招生考试信息 (8项)",
        "(7)招生章程及特殊类型招生办法,分批次、分科类招生计划",
        "招生办公室",
        "变动即更",
    ],
    [
        "",
        "",
        "(8)保送、自主选拔录取、高水平运动员和艺术特长生招生等特殊类型招生入选考生资格及测试结果",
        "",
        "",
    ],
    ["", "", "(9)考生个人录取信息查询渠道和办法,分批次、分科类录取人数和录取最低分", "", ""],
]

_BASIC, _ADMISSION = "基本信息 (6项)", "招生考试信息 (8项)"
UNIVERSITY = Published(
    "university-catalogue",
    source="https://m.marthaarifin.com/gkml/index.htm (a stored copy of a university's 信息公开目录)",
    kind="高校",
    year=2022,
    rows=_UNIVERSITY_ROWS,
    merges=[
        (0, 0, 1, 0),
        (0, 1, 1, 1),
        (0, 2, 1, 2),
        (0, 3, 0, 4),
        (2, 0, 5, 0),
        (2, 1, 5, 1),
        (6, 0, 8, 0),
        (6, 1, 8, 1),
        (6, 3, 8, 3),
        (6, 4, 8, 4),
    ],
    roster="units:\n"
    + "".join(
        f"  - {{name: {name}, full_name: {name}, kind: 部门, level: 处级}}\n" for name in _UNIVERSITY_UNITS
    ),
    expected={
        "1.1": (_BASIC, None, _UNIVERSITY_ROWS[2][2], "党办校办", "每年10月", ["党办校办"], [], []),
        "1.2": (_BASIC, None, _UNIVERSITY_ROWS[3][2], "党办校办", "变动即更", ["党办校办"], [], []),
        "2": (
            _BASIC,
            None,
            _UNIVERSITY_ROWS[4][2],
            "党办校办 政策法规研究室",
            "变动即更",
            ["党办校办", "政策法规研究室"],
            [],
            [],
        ),
        "3": (
            _BASIC,
            None,
            _UNIVERSITY_ROWS[5][2],
            "党办校办 工会",
            "每年1月-2月",
            ["党办校办", "工会"],
            [],
            [],
        ),
        **{
            number: (
                _ADMISSION,
                None,
                _UNIVERSITY_ROWS[row][2],
                "招生办公室",
                "变动即更",
                ["招生办公室"],
                [],
                [],
            )
            for number, row in (("7", 6), ("8", 7), ("9", 8))
        },
    },
    ongoing=("1.2", "2", "7", "8", "9"),
)

_CITY_ROSTER = """\
units:
  - {name: 市发改委, full_name: 潍坊市发展和改革委员会, kind: 市直部门, level: 处级}
  - {name: 市人社局, full_name: 潍坊市人力资源和社会保障局, kind: 市直部门, level: 处级}
  - {name: 市财政局, full_name: 潍坊市财政局, kind: 市直部门, level: 处级}
  - {name: 市金融办, full_name: 潍坊市金融工作办公室, kind: 市直部门, level: 处级}
  - {name: 人民银行潍坊市中心支行, full_name: 中国人民银行潍坊市中心支行, kind: 驻市单位, level: 处级}
  - {name: 潍坊银监分局, full_name: 中国银行业监督管理委员会潍坊监管分局, kind: 驻市单位, level: 处级}
"""
_CITY_ROWS = [
    ["目标", "任务", "主要内容", "责任单位"],
    [
        "一、以政务公开助力稳增长",
        "(一)加强预期引导",
        "围绕我市经济社会发展形势、国家宏观经济政策和全市相关经济政策执行落实情况,通过市政府例行新闻发布会、"
        "市政府新闻办新闻发布会、媒体采访、提供解读素材等形式及时宣传解读。",
        "市发改委牵头落实",
    ],
    [
        "",
        "",
        "围绕出台促进就业规划、就业创业政策,加强就业创业政策信息公开,深入解读政策背景、依据、目标任务、"
        "涉及范围、落实情况等。",
        "市人社局牵头落实",
    ],
    [
        "",
        "",
        "围绕稳健中性的货币政策、优化融资结构和信贷结构等信贷政策,加强金融政策信息公开,通过政策通报会、"
        "银企对接会等方式,加大货币和金融业改革发展政策的宣传和预期引导,及时准确将政策意图传递给市场,"
        "以政策解读的“透”赢得市场预期的“稳”。",
        "市金融办、人民银行潍坊市中心支行、潍坊银监分局分别牵头落实",
    ],
    [
        "",
        "",
        "加强财政政策信息公开,按月公开全市财政收支情况,解读财政收支增减变化情况及原因、预判财政收入走势,"
        "主动解释说明收支运行中可能引发社会关注的热点问题,引导社会各方面正确认识财政形势。",
        "市财政局牵头落实",
    ],
]

_THREE = sorted(["市金融办", "人民银行潍坊市中心支行", "潍坊银监分局"])
CITY = Published(
    "weifang-city",
    source="https://bdocx.com/doc/5328372.html (a stored copy of 潍坊市2017年政务公开工作要点实施方案)",
    kind="市",
    year=2017,
    deadline="年底前",
    missing="the table has no 完成时限 column: the office gives one with --deadline",
    rows=_CITY_ROWS,
    merges=[(1, 0, 4, 0), (1, 1, 4, 1)],
    roster=_CITY_ROSTER,
    expected={
        str(number): (
            "一、以政务公开助力稳增长",
            "(一)加强预期引导",
            row[2],
            row[3],
            "年底前",
            units,
            units,
            [],
        )
        for number, (row, units) in enumerate(
            zip(_CITY_ROWS[1:], [["市发改委"], ["市人社局"], _THREE, ["市财政局"]], strict=True), start=1
        )
    },
)

_UPDATE = (
    "主动公开信息内容发生变化的,医疗卫生机构应当自该信息形式或者变更之日起20个工作日内予以调整。"
    "法律、法规、规章对更新期限另有规定的,从其规定。"
)
_HOSPITALS = ["县人民医院", "县中医医院"]  # ours: the 公立医疗机构 the table's phrases name
_HEALTH_ROWS = [
    ["序号", "一级事项", "公开内容", "公开时限", "公开主体", "公开渠道"],
    [
        "1",
        "机构概况",
        "医院基本信息、科室设置、职能职责、咨询及投诉方式",
        _UPDATE,
        "各公立医疗机构",
        "嵩明政府网站、政务新媒体",
    ],
    ["2", "服务信息", "医保、价格、收费", _UPDATE, "各医疗结构", "现场"],
    ["3", "", "科室分布、人员标识、标识引导", _UPDATE, "各医疗结构", "现场"],
    ["4", "", "公共卫生、疾病应急处置服务流程", _UPDATE, "各医疗结构", "现场"],
    ["5", "", "科普宣传教育信息", _UPDATE, "各医疗结构", "现场"],
    ["6", "项目建设", "招标采购信息", _UPDATE, "各医疗机构、 县卫生健康局", "政府门户网站、政府采购网"],
]
HEALTH = Published(
    "songming-health",
    source="http://www.kmsm.gov.cn/c/2023-11-24/6772049.shtml",
    kind="医疗机构",
    year=2023,
    missing="各医疗结构 is the page's own slip for 各医疗机构: it stays unresolved, and the import says "
    "which words: line resolves it",
    rows=_HEALTH_ROWS,
    merges=[(2, 1, 5, 1)],
    roster="units:\n"
    + "".join(
        f"  - {{name: {name}, full_name: 嵩明{name}, kind: 公立医疗机构, level: 股级}}\n"
        for name in _HOSPITALS
    )
    + "  - {name: 县卫生健康局, full_name: 嵩明县卫生健康局, kind: 部门, level: 科级}\n"
    + "words:\n  各医疗机构: {kind: 公立医疗机构}\n",
    expected={
        row[0]: (
            section,
            None,
            row[2],
            row[4],
            _UPDATE,
            units,
            [],
            unresolved,
        )
        for row, section, units, unresolved in zip(
            _HEALTH_ROWS[1:],
            ["机构概况", *["服务信息"] * 4, "项目建设"],
            [sorted(_HOSPITALS), [], [], [], [], sorted([*_HOSPITALS, "县卫生健康局"])],
            [[], *[["各医疗结构"]] * 4, []],
            strict=True,
        )
    },
    ongoing=("1", "2", "3", "4", "5", "6"),
)

_PROVINCE_SOURCE = "http://fgw.fj.gov.cn/ztzl/szfjzt/tzgg/201804/t20180417_2797667.htm"
_CITIES = ["福州市", "厦门市", "莆田市", "三明市", "泉州市", "漳州市", "南平市", "龙岩市", "宁德市"]
_PROVINCE_ROSTER = (
    "units:\n"
    "  - {name: 省编办, full_name: 中共福建省委机构编制委员会办公室, aliases: [省审改办], kind: 省直部门,"
    " level: 厅级}\n"
    "  - {name: 省财政厅, full_name: 福建省财政厅, kind: 省直部门, level: 厅级}\n"
    "  - {name: 省发展改革委, full_name: 福建省发展和改革委员会, kind: 省直部门, level: 厅级}\n"
    + "".join(
        f"  - {{name: {city}, full_name: {city}人民政府, kind: 设区市, level: 厅级}}\n" for city in _CITIES
    )
    + "  - {name: 平潭综合实验区, full_name: 平潭综合实验区管理委员会, kind: 综合实验区, level: 厅级}\n"
)
_PROVINCE_TITLE = "2015年政府信息公开工作主要任务分解表"
_EVERY = "省直各部门,各设区市、平潭综合实验区"
_CITIES_TOO = "各设区市、平潭综合实验区"
# The stored page shows a merged cell's rows blank: 省编办 leads 1-3 and 省财政厅 4-6 (as the State
# Council's 2015 要点 gives 编办 and 财政部 these items), and 1-3 share one 责任单位 cell.
_PROVINCE_ROWS = [
    [_PROVINCE_TITLE],
    ["工 作 任 务", "牵头单位", "责 任 单 位"],
    ["一、推进重点领域信息公开"],
    ["(一)推进行政权力清单公开"],
    ["1.政府工作部门行政审批项目取消、下放以及非行政许可审批事项等信息公开", "省编办 (省审改办)", _EVERY],
    ["2.政府工作部门权力清单信息公开", "", ""],
    ["3.行政审批事项信息公开", "", ""],
    ["(二)推进财政资金信息公开"],
    ["4.财政预算、决算及“三公”经费公开", "省财政厅", _EVERY],
    ["5.政府采购信息公开", "", _CITIES_TOO],
    ["6.地方政府债券发行信息公开", "", _CITIES_TOO],
]
_EVERY_UNIT = sorted(["省编办", "省财政厅", "省发展改革委", *_CITIES, "平潭综合实验区"])
PROVINCE = Published(
    "fujian-province",
    source=_PROVINCE_SOURCE + " (福建省人民政府办公厅, 2015年5月7日)",
    kind="省",
    year=2015,
    deadline="年底前",
    title="2015年政府信息公开工作主要任务",  # the title row, without 分解表: the plan is its 主要任务
    missing="the table has no 完成时限 column: the office gives one with --deadline",
    rows=_PROVINCE_ROWS,
    merges=[
        (0, 0, 0, 2),
        (2, 0, 2, 2),
        (3, 0, 3, 2),
        (7, 0, 7, 2),
        (4, 1, 6, 1),
        (4, 2, 6, 2),
        (8, 1, 10, 1),
    ],
    roster=_PROVINCE_ROSTER,
    expected={
        str(number): (
            "一、推进重点领域信息公开",
            item,
            _PROVINCE_ROWS[row][0],
            f"牵头单位：{lead}；责任单位：{others}",
            "年底前",
            units,
            [lead_unit],
            [],
        )
        for number, row, item, lead, others, units, lead_unit in (
            (1, 4, "(一)推进行政权力清单公开", "省编办 (省审改办)", _EVERY, _EVERY_UNIT, "省编办"),
            (2, 5, "(一)推进行政权力清单公开", "省编办 (省审改办)", _EVERY, _EVERY_UNIT, "省编办"),
            (3, 6, "(一)推进行政权力清单公开", "省编办 (省审改办)", _EVERY, _EVERY_UNIT, "省编办"),
            (4, 8, "(二)推进财政资金信息公开", "省财政厅", _EVERY, _EVERY_UNIT, "省财政厅"),
            (
                5,
                9,
                "(二)推进财政资金信息公开",
                "省财政厅",
                _CITIES_TOO,
                sorted(["省财政厅", *_CITIES, "平潭综合实验区"]),
                "省财政厅",
            ),
            (
                6,
                10,
                "(二)推进财政资金信息公开",
                "省财政厅",
                _CITIES_TOO,
                sorted(["省财政厅", *_CITIES, "平潭综合实验区"]),
                "省财政厅",
            ),
        )
    },
    # Saved as CSV, rows 5 and 6 have a 责任单位 of their own and a blank 牵头单位 where the merge
    # was: a row that names its owners is read as it stands, and the blank lead stays blank.
    flat={
        str(number): (
            "一、推进重点领域信息公开",
            "(二)推进财政资金信息公开",
            _PROVINCE_ROWS[row][0],
            f"责任单位：{_CITIES_TOO}",
            "年底前",
            sorted([*_CITIES, "平潭综合实验区"]),
            [],
            [],
        )
        for number, row in ((5, 9), (6, 10))
    },
)

_ZONE_TITLE = "重庆高新区贯彻落实国务院办公厅2021年政务公开工作要点任务分解表"
_ZONE_UNITS = ["改革发展局", "规划和自然资源局", "建设局", "公共服务局", "生态环境局", "综合执法局"]
_ZONE_ROSTER = (
    "units:\n"
    + "".join(
        f"  - {{name: {name}, full_name: 重庆高新区{name}, kind: 管委会部门, level: 处级}}\n"
        for name in _ZONE_UNITS
    )
    + "  - {name: 城市建设事务中心, full_name: 重庆高新区城市建设事务中心, kind: 直属事业单位, level: 处级}\n"
)
_ZONE_ROWS = [
    [_ZONE_TITLE],
    ["工作任务", "牵头单位", "责任单位"],
    ["一、紧扣“十四五”开好局起好步深化政务公开"],
    ["(一)做好各类规划主动公开。"],
    [
        "1.公开高新区国民经济和社会发展第十四个五年规划和二○三五年远景目标纲要,做好历史规划(计划)的归集整理"
        "和主动公开工作〔公开路径:(1)政府网站>政府信息公开>法定主动公开内容>规划信息>国民经济和社会发展规划;"
        "(2)政务新媒体、政府信息公开专区、新闻媒体等其他适合的公开渠道(以下简称其他渠道)〕。",
        "改革发展局",
        "——",
    ],
    [
        "2.公开高新区“十四五”重点专项规划〔公开路径:(1)政府网站>政府信息公开>法定主动公开内容>规划信息>"
        "专项规划;(2)其他渠道〕。",
        "改革发展局、规划和自然资源局",
        "建设局、公共服务局、生态环境局、综合执法局、城市建设事务中心",
    ],
]
_ZONE_SECTION = "一、紧扣“十四五”开好局起好步深化政务公开"
ZONE = Published(
    "chongqing-high-tech-zone",
    source="http://gxq.cq.gov.cn/zwgk_202/zfxxgkzd/qxj/zwgk_106771/202112/t20211213_10157293.html",
    kind="开发区",
    year=2021,
    deadline="年底前",
    title="重庆高新区贯彻落实国务院办公厅2021年政务公开工作要点",
    missing="the table has no 完成时限 column: the office gives one with --deadline",
    rows=_ZONE_ROWS,
    merges=[(0, 0, 0, 2), (2, 0, 2, 2), (3, 0, 3, 2)],
    roster=_ZONE_ROSTER,
    expected={
        "1": (
            _ZONE_SECTION,
            "(一)做好各类规划主动公开。",
            _ZONE_ROWS[4][0],
            "牵头单位：改革发展局；责任单位：——",  # the lead alone: "——" names nobody else
            "年底前",
            ["改革发展局"],
            ["改革发展局"],
            [],
        ),
        "2": (
            _ZONE_SECTION,
            "(一)做好各类规划主动公开。",
            _ZONE_ROWS[5][0],
            f"牵头单位：{_ZONE_ROWS[5][1]}；责任单位：{_ZONE_ROWS[5][2]}",
            "年底前",
            sorted([*_ZONE_UNITS, "城市建设事务中心"]),
            ["改革发展局", "规划和自然资源局"],
            [],
        ),
    },
)

_GXJ_SECTIONS = ["产业政策科", "办公室", "财务室", "节能监察中心", "无线电监测站"]
_GXJ_ROWS = [
    ["全市工作任务", "具体要求", "具体措施", "牵头落实科室"],
    [
        "一、围绕重点领域加大主动公开力度",
        "(一)在制定重要改革方案和重大政策措施时,应在决策前向社会公布草案,广泛听取意见,对外公开。",
        "1.重大决策预公开。重大决策在制定过程中要广泛吸纳社会大众的意见建议;公开年度政策文件制订计划目录;"
        "公开对重大政策征集意见情况和对征集到意见的反馈情况。 2.局制定的政策,除依法需要保密的应及时公开。 "
        "3.制定出台涉及公共利益的政策文件,要对公开相关信息作出明确规定。",
        "产业政策科",
    ],
    [
        "",
        "(二)推进人大代表建议和政协委员提案办理结果公开。",
        "所有承办建议提案在“中山市议案建议提案综合管理平台”及时公开答复。",
        "办公室",
    ],
    [
        "",
        "(三)公开预算执行审计报告、专项审计报告、审计发现问题及整改落实情况。",
        "预算执行审计报告、专项审计报告、审计发现问题及整改落实情况须在局政务网公开。",
        "财务室、节能监察中心、无线电监测站、产业政策科",
    ],
]
# Three columns of text: 全市工作任务 (the city's task, merged down) | 具体要求 | 具体措施. The
# measures are the bureau's task, under the city's task and its requirement.
GXJ = Published(
    "zhongshan-gxj",
    source="http://zs.gov.cn/gxj/wgk/glgk/content/post_1215113.html",
    kind="局",
    year=2017,
    deadline="年底前",
    missing="the table has no 完成时限 column: the office gives one with --deadline",
    rows=_GXJ_ROWS,
    merges=[(1, 0, 3, 0)],
    roster="units:\n"
    + "".join(
        f"  - {{name: {name}, full_name: 中山市工业和信息化局{name}, kind: 科室, level: 科级}}\n"
        for name in _GXJ_SECTIONS
    ),
    expected={
        str(number): (
            "一、围绕重点领域加大主动公开力度",
            row[1],
            row[2],
            f"牵头落实科室：{row[3]}",
            "年底前",
            units,
            units,
            [],
        )
        for number, (row, units) in enumerate(
            zip(
                _GXJ_ROWS[1:],
                [
                    ["产业政策科"],
                    ["办公室"],
                    sorted(["财务室", "节能监察中心", "无线电监测站", "产业政策科"]),
                ],
                strict=True,
            ),
            start=1,
        )
    },
)

PUBLISHED = {
    table.name: table
    for table in (BUREAU, DISTRICT, TOWN, DIRECTORY, UNIVERSITY, CITY, HEALTH, PROVINCE, ZONE, GXJ)
}
