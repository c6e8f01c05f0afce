"""Other offices' tables, round two (#28): deadlines that are not a date (全年, 随时, 变动即更, 每年10月,
1月-2月, 信息形成之日起20个工作日内), tables with no 完成时限 column, 各 inside a collection's name, headers
read by meaning, an item's own number, and names separated by spaces."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from gkledger.core.deadlines import parse_deadline
from gkledger.core.model import Selector
from gkledger.intake.importer import header_field, own_number

from .conftest import write

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    "text",
    ["全年", "全年度", "长期", "常态化", "持续", "持续推进", "长期坚持", "随时", "及时", "变动即更", "实时更新",
     "随时更新", "按要求", "按上级要求", "根据工作需要", "全年持续推进，及时更新", "常态", "全年推进",
     "经常性", "常年开展", "视情况", "按工作进度", "按规定时限", "法定时限内",
     "与文件同步", "文件印发后及时公开", "政策出台后同步解读"],
)  # fmt: skip
def test_continuous_work_is_ongoing_and_due_at_the_plans_end(text: str) -> None:
    deadline = parse_deadline(text, 2022)
    assert deadline.ongoing and deadline.due == dt.date(2022, 12, 31) and deadline.text == text


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("每年10月", "2022-10-31"),
        ("每年1月-2月", "2022-02-28"),
        ("每年3月底前", "2022-03-31"),
        ("每年一季度", "2022-03-31"),
        ("每年第四季度末", "2022-12-31"),
        ("每年10月15日前", "2022-10-15"),
        ("1月-2月", "2022-02-28"),
        ("2022年3月至4月", "2022-04-30"),
        ("5月—6月", "2022-06-30"),
        # within the year, however it is said
        ("2022年", "2022-12-31"),
        ("2022年度", "2022-12-31"),
        ("本年度", "2022-12-31"),
        ("今年底前", "2022-12-31"),
        ("至年底", "2022-12-31"),
        ("每年年底", "2022-12-31"),
    ],
)
def test_yearly_timing_and_windows_are_due_at_their_end(text: str, due: str) -> None:
    deadline = parse_deadline(text, 2022)
    assert deadline.due.isoformat() == due and not deadline.ongoing


@pytest.mark.parametrize(
    "text", ["每年11月-2月", "13月-14月", "全年的", "随时随地", "半年", "季度", "年", "立即"]
)
def test_what_is_not_a_deadline_is_still_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_deadline(text, 2022)


UNITS = """\
units:
  - name: 县政府办
    full_name: 某县人民政府办公室
    kind: 县直部门
    level: 股级
  - name: 县财政局
    full_name: 某县财政局
    kind: 县直部门
    level: 股级
  - name: 甲镇
    full_name: 某县甲镇人民政府
    kind: 乡镇
    level: 股级
"""


@pytest.fixture
def county(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write(root / "units.yaml", UNITS)
    write(root / "tasks.yaml", "plan:\n  title: t\n  year: 2022\ntasks: []\n")
    (root / "progress").mkdir()
    return root


def table(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def import_into(cli: Cli, county: Path, source: Path) -> Result:
    """`source` imported as the county ledger's tasks.yaml, over its units."""
    return cli(
        "import",
        str(source),
        "--year",
        "2022",
        "-o",
        str(county / "tasks.yaml"),
        "--force",
        "--data",
        str(county),
    )


def test_a_table_without_a_deadline_column_needs_deadline(cli: Cli, county: Path, tmp_path: Path) -> None:
    source = table(
        tmp_path / "镇.csv", [["序号", "工作任务", "责任单位"], ["1", "公开财政预算。", "县财政局"]]
    )
    refused = cli("import", str(source), "--year", "2022", "--data", str(county))
    assert refused.exit_code != 0 and "--deadline" in refused.output and 'deadline: ""' not in refused.stdout
    made = cli("import", str(source), "--year", "2022", "--deadline", "年底前", "--data", str(county))
    assert made.exit_code == 0, made.output
    assert "deadline: 年底前" in made.stdout


def test_continuous_deadlines_import_without_review(cli: Cli, county: Path, tmp_path: Path) -> None:
    source = table(
        tmp_path / "区.csv",
        [
            ["序号", "具体任务", "责任单位", "完成时限"],
            ["1", "公开。", "县财政局", "全年"],
            ["2", "更新。", "甲镇", "变动即更"],
        ],
    )
    result = import_into(cli, county, source)
    assert result.exit_code == 0, result.output
    assert cli("check", "--data", str(county)).exit_code == 0


def test_ge_inside_a_collection_name_reads_as_it(cli: Cli, county: Path, tmp_path: Path) -> None:
    source = table(
        tmp_path / "县.csv",
        [["序号", "具体任务", "责任单位", "完成时限"], ["1", "公开。", "县直各部门", "年底前"]],
    )
    result = cli("import", str(source), "--year", "2022", "--data", str(county))
    assert result.exit_code == 0, result.output
    assert "owed_by: [{kind: 县直部门}]" in result.stdout


def test_an_unresolved_part_says_how_to_resolve_it(cli: Cli, county: Path, tmp_path: Path) -> None:
    source = table(
        tmp_path / "县.csv",
        [["序号", "具体任务", "责任单位", "完成时限"], ["1", "公开。", "各有关单位", "年底前"]],
    )
    result = cli("import", str(source), "--year", "2022", "--data", str(county))
    assert result.exit_code == 1 and "words:" in result.stderr


@pytest.mark.parametrize(
    ("first_row", "title"),
    [
        ("平安县2022年政务公开工作要点任务分工台账", "平安县2022年政务公开工作要点"),
        ("关于印发《平安县2022年政务公开工作要点》的通知", "平安县2022年政务公开工作要点"),
        ("附件", "2022年政务公开工作要点"),  # nothing that names a plan: the default
    ],
)
def test_the_tables_own_title_names_the_plan(
    cli: Cli, county: Path, tmp_path: Path, first_row: str, title: str
) -> None:
    source = table(
        tmp_path / "台账.csv",
        [
            [first_row, "", "", ""],
            ["序号", "具体任务", "责任单位", "完成时限"],
            ["1", "公开。", "县财政局", "年底前"],
        ],
    )
    result = cli("import", str(source), "--year", "2022", "--data", str(county))
    assert result.exit_code == 0, result.output
    assert f"  title: {title}\n" in result.stdout
    given = cli("import", str(source), "--year", "2022", "--title", "另定标题", "--data", str(county))
    assert "  title: 另定标题\n" in given.stdout


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("公开事项", "具体任务"),
        ("公开内容（要素）", "具体任务"),
        ("工作举措", "具体任务"),
        ("公开主体", "责任单位"),
        ("责任部门", "责任单位"),
        ("牵头处室", "牵头单位"),
        ("协同部门", "配合单位"),
        ("生成时间", "完成时限"),
        ("公开时限", "完成时限"),
        ("更新频次", "完成时限"),
        ("类别", "类别"),
        ("一级事项", "类别"),
        ("二级指标", "类别"),
        ("目标", "类别"),
        ("编号", "序号"),
        ("落实措施", "具体任务"),  # ends naming content: not the owners though it starts with 落实
        ("责任事项", "具体任务"),
        ("进度安排", "完成时限"),
        ("时限要求", "完成时限"),  # when it must be done, not a requirement's text
        ("进度情况", None),
        ("责任人", None),
        ("分管领导", None),
        ("完成情况", None),
        ("公开方式", None),
        ("公开依据", None),
        ("填报单位：某局", None),
        ("某某市2022年政务公开工作要点任务分解表", None),
        # what the task is called, not its text: a header ending 任务
        ("主要工作任务", "任务名称"),
        ("全市工作任务", "任务名称"),
        ("重点任务", "任务名称"),
        ("任务内容", "具体任务"),
        ("具体任务", "具体任务"),
        ("一、推进重点领域信息公开", None),  # a heading under the header, whatever its words
        ("(一)做好各类规划主动公开", None),
    ],
)
def test_a_header_is_read_by_what_it_means(header: str, field: str | None) -> None:
    assert header_field(header) == field


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("(1.1)办学规模", "1.1"),
        ("（2）学校章程", "2"),
        ("（一）财政信息", "一"),
        ("3、公开预算", "3"),
        ("2.3 公开决算", "2.3"),
        ("1.5万元以上项目公开", None),
        ("100个事项", None),
        ("2022年底前", None),
    ],
)
def test_an_items_own_number(text: str, number: str | None) -> None:
    assert own_number(text) == number


def test_names_separated_by_spaces_are_a_list_only_when_each_is_a_name(
    cli: Cli, county: Path, tmp_path: Path
) -> None:
    source = table(
        tmp_path / "目录.csv",
        [
            ["序号", "公开事项", "责任部门", "生成时间"],
            ["1", "公开。", "县政府办 县财政局", "变动即更"],
            ["2", "更新。", "县 财政局", "每年10月"],  # a typist's space inside one name
            ["3", "发布。", "县政府办 某某中心", "随时更新"],  # a part no roster knows: not a list
        ],
    )
    result = cli("import", str(source), "--year", "2022", "--data", str(county))
    tasks = yaml.safe_load(result.stdout)["tasks"]
    assert tasks[0]["owed_by"] == [{"unit": ["县政府办", "县财政局"]}]
    assert tasks[1]["owed_by"] == [{"unit": "县财政局"}]
    assert tasks[2]["unresolved"] == ["县政府办某某中心"]


@pytest.mark.parametrize(
    "text",
    [
        "信息形成或变更之日起20个工作日内",
        "自信息形成（变更）之日起20个工作日内",
        "办结后7日内公开",
        # the rule as a 目录's sentence, with its caveat (嵩明县卫生健康领域公开目录)
        "主动公开信息内容发生变化的,医疗卫生机构应当自该信息形式或者变更之日起20个工作日内予以调整。"
        "法律、法规、规章对更新期限另有规定的,从其规定。",
        "政府信息形成或者变更之日起20个工作日内及时公开",
    ],
)
def test_timing_that_follows_an_event_is_continuous_work(text: str) -> None:
    deadline = parse_deadline(text, 2022)
    assert deadline.ongoing and deadline.due == dt.date(2022, 12, 31)


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (
            "<title>平安县2022年政务公开工作要点任务分工台账_平安县人民政府</title>",
            "平安县2022年政务公开工作要点",
        ),
        ("<title>通知</title><p>2022年全区政务公开工作主要任务分解表</p>", "2022年全区政务公开工作主要任务"),
        ("<title>2021年工作台账</title>", "2022年政务公开工作要点"),  # another year: not this plan's
    ],
)
def test_a_web_pages_title_names_the_plan(
    cli: Cli, county: Path, tmp_path: Path, page: str, title: str
) -> None:
    source = tmp_path / "通知.html"
    source.write_text(
        f"<html><head><meta charset='utf-8'></head><body>{page}<table><tr><td>序号</td><td>具体任务</td>"
        "<td>责任单位</td><td>完成时限</td></tr><tr><td>1</td><td>公开。</td><td>县财政局</td>"
        "<td>年底前</td></tr></table></body></html>",
        encoding="utf-8",
    )
    result = cli("import", str(source), "--year", "2022", "--data", str(county))
    assert result.exit_code == 0, result.output
    assert f"  title: {title}\n" in result.stdout


def test_a_table_with_no_header_lists_the_headers_it_saw(cli: Cli, county: Path, tmp_path: Path) -> None:
    source = table(tmp_path / "表.csv", [["序号", "甲", "乙"], ["1", "公开。", "县财政局"]])
    result = cli("import", str(source), "--year", "2022", "--data", str(county))
    assert result.exit_code == 2 and "序号 | 甲 | 乙" in result.output


def test_a_csv_saved_from_a_merged_table_reads_as_the_merges_showed(
    cli: Cli, county: Path, tmp_path: Path
) -> None:
    """A CSV keeps no merges: a group heading followed by blank cells spans them (信息更新 →
    责任部门 | 生成时间), and a row continuing a merged block (its 序号 and 类别 blank) with blank
    owners and deadline reads them from the row above, and says so. A row with its own 序号 and
    no owners is still flagged, never filled."""
    source = table(
        tmp_path / "目录.csv",
        [
            ["序号", "类别", "公开事项", "信息更新", ""],
            ["", "", "", "责任部门", "生成时间"],
            ["1", "财政信息", "(1.1)部门预算", "县财政局", "每年3月"],
            ["", "", "(1.2)部门决算", "", ""],
            ["", "", "(1.3)三公经费", "县政府办", "变动即更"],
            ["2", "乡镇信息", "(2.1)乡镇简介", "", ""],
        ],
    )
    result = cli("--lang", "zh", "import", str(source), "--year", "2022", "--data", str(county))
    assert result.exit_code == 1, result.output  # row 6 has no owners of its own
    tasks = {task["id"]: task for task in yaml.safe_load(result.stdout)["tasks"]}
    assert list(tasks) == ["1.1", "1.2", "1.3", "2.1"]
    assert (tasks["1.2"]["owners"], tasks["1.2"]["deadline"]) == ("县财政局", "每年3月")
    assert (tasks["1.3"]["owners"], tasks["1.3"]["deadline"]) == ("县政府办", "变动即更")
    assert tasks["2.1"]["owners"] == "" and tasks["2.1"]["section"] == "乡镇信息"
    assert "第 4 行：序号、责任单位和完成时限都为空" in result.output  # said, not done silently


@pytest.mark.parametrize(
    ("phrase", "units"),
    [
        ("县政府办公室", ["县政府办"]),  # the full name without its place, 政府 for 人民政府
        ("县人民政府办公室", ["县政府办"]),
        ("县直各单位", ["县政府办", "县财政局"]),  # the roster's 县直部门
        ("各乡镇（街道）", ["甲镇"]),  # this roster has no 街道: its 乡镇 are all the phrase can mean
    ],
)
def test_more_owners_phrases_a_county_writes(
    cli: Cli, county: Path, tmp_path: Path, phrase: str, units: list[str]
) -> None:
    source = table(
        tmp_path / "县.csv", [["序号", "具体任务", "责任单位", "完成时限"], ["1", "公开。", phrase, "年底前"]]
    )
    made = import_into(cli, county, source)
    assert made.exit_code == 0, made.output
    listed = json.loads(cli("tasks", "-f", "json", "--data", str(county)).stdout)
    assert sorted(listed[0]["units"]) == units


def test_a_bracketed_word_the_roster_has_is_not_dropped(county: Path) -> None:
    """各乡镇（街道） with a 街道 in the roster (of another kind) is not read as 乡镇 alone: its 街道
    are the units named so."""
    from gkledger.core.owners import Vocabulary
    from gkledger.store.load import read_units_alone

    text = (county / "units.yaml").read_text(encoding="utf-8")
    text += "  - name: 东街道\n    full_name: 某县东街道办事处\n    kind: 城区\n    level: 股级\n"
    (county / "units.yaml").write_text(text, encoding="utf-8")
    _core, index = read_units_alone(county)
    reading = Vocabulary(index, {}).read("各乡镇（街道）")
    owed = [unit.name for unit in index.select(Selector(reading.owed))]
    assert reading.unresolved == () and "东街道" in owed
    assert {u.name for u in index.units if u.kind == "乡镇"} < set(owed)


def test_a_task_name_over_two_columns_keeps_its_sections(cli: Cli, county: Path, tmp_path: Path) -> None:
    """主要工作任务 over 一、 and (一) columns, then 任务内容 (a district's table, as a stored copy
    of it shows: https://www.nuchain.org/art/2022/8/17/art_1229487075_1748041.html, its characters
    made simplified again): the sections and items are the first two columns, the text the third."""
    from .office_tables import Table, to_xlsx

    rows = [
        ["主要工作任务", "", "任务内容", "完成时限", "责任单位"],
        [
            "一、提升重点领域信息公开质量",
            "(一)加大公开力度",
            "1.做好行动计划执行情况信息公开。",
            "全年",
            "县财政局",
        ],
        ["", "", "2.开展项目预算公开试点。", "12月底前", "县财政局"],
        ["", "(二)聚焦营商环境", "3.建立健全反馈机制。", "三季度前", "县财政局"],
    ]
    source = tmp_path / "district.xlsx"
    source.write_bytes(to_xlsx(Table("d", rows, [(0, 0, 0, 1), (1, 0, 3, 0), (1, 1, 2, 1)], "", {})))
    assert import_into(cli, county, source).exit_code == 0
    tasks = yaml.safe_load((county / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    seen = [(t["id"], t["section"], t.get("item"), t["deadline"]) for t in tasks]
    assert seen == [
        ("1", "一、提升重点领域信息公开质量", "(一)加大公开力度", "全年"),
        ("2", "一、提升重点领域信息公开质量", "(一)加大公开力度", "12月底前"),
        ("3", "一、提升重点领域信息公开质量", "(二)聚焦营商环境", "三季度前"),
    ]


def test_indicators_in_levels_are_groups_and_the_last_is_the_task(
    cli: Cli, county: Path, tmp_path: Path
) -> None:
    """序号 | 一级指标 | 二级指标 | 三级指标 | 责任单位 | 完成时限, as 石泉县's 任务分解一览表 heads its
    table (https://www.shiquan.gov.cn/Content-2305111.html; the stored page stops at the header):
    the first two levels group the tasks, the third is the task."""
    rows = [
        ["序号", "一级指标", "二级指标", "三级指标", "责任单位", "完成时限"],
        ["1", "政策公开", "政策解读", "重要政策文件同步解读。", "县政府办", "全年"],
        ["2", "政策公开", "文件公开", "规范性文件集中公开。", "县财政局", "6月底前"],
    ]
    assert import_into(cli, county, table(tmp_path / "indicators.csv", rows)).exit_code == 0
    tasks = yaml.safe_load((county / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    seen = [(t["id"], t["section"], t.get("item"), t["text"], t["deadline"]) for t in tasks]
    assert seen == [
        ("1", "政策公开", "政策解读", "重要政策文件同步解读。", "全年"),
        ("2", "政策公开", "文件公开", "规范性文件集中公开。", "6月底前"),
    ]


def test_a_part_a_cell_repeats_is_said_once(cli: Cli, county: Path, tmp_path: Path) -> None:
    rows = [
        ["序号", "具体任务", "责任单位", "完成时限"],
        ["1", "公开。", "某中心、某中心、县财政局", "年底前"],
    ]
    result = import_into(cli, county, table(tmp_path / "repeated.csv", rows))
    assert result.exit_code == 1 and result.output.count("'某中心'") == 1, result.output
