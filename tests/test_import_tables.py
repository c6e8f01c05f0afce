"""Other offices' tables go in: each format, each layout, owners read over each office's roster."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from gkledger.intake.importer import HEADERS, header_field

from .conftest import write
from .office_tables import FIXTURES, TABLES, Table, to_csv, to_docx, to_html, to_xlsx

Cli = Callable[..., Result]

WRITERS: dict[str, Callable[[Table], bytes]] = {
    "csv": to_csv,
    "gbk.csv": lambda table: to_csv(table, "gb18030"),
    "xlsx": to_xlsx,
    "docx": to_docx,
    "html": to_html,
    "xls": lambda table: (FIXTURES / f"{table.name}.xls").read_bytes(),
}


def ledger_for(tmp_path: Path, table: Table) -> Path:
    root = tmp_path / "data"
    write(root / "units.yaml", table.roster)
    (root / "progress").mkdir(parents=True)
    return root


def table_file(tmp_path: Path, table: Table, kind: str) -> Path:
    suffix = kind.split(".")[-1]
    path = tmp_path / f"{table.name}-台账.{suffix}"
    path.write_bytes(WRITERS[kind](table))
    return path


@pytest.mark.parametrize("kind", list(WRITERS))
@pytest.mark.parametrize("name", list(TABLES))
def test_an_offices_table_imports_verbatim_with_its_owners(
    cli: Cli, tmp_path: Path, name: str, kind: str
) -> None:
    table = TABLES[name]
    root = ledger_for(tmp_path, table)
    path = table_file(tmp_path, table, kind)
    result = cli("import", str(path), "--year", "2022", "-o", str(root / "tasks.yaml"))
    unresolved = sum(len(e[7]) for e in table.expected.values())
    assert result.exit_code == (1 if unresolved else 0), result.output
    assert "Traceback" not in result.output
    written = yaml.safe_load((root / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    assert [t["id"] for t in written] == list(table.expected)
    for task in written:
        section, item, text, owners, deadline, _, _, parts = table.expected[task["id"]]
        assert (task["section"], task.get("item"), task["text"], task["owners"], task["deadline"]) == (
            section,
            item,
            text,
            owners,
            deadline,
        )
        assert task.get("unresolved", []) == parts
    # The ledger checks (warnings for what the office must still assign), and owes as meant.
    checked = cli("check", "--data", str(root))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.count("GK205") == unresolved
    listed = json.loads(cli("tasks", "-f", "json", "--data", str(root)).stdout)
    for task in listed:
        *_, units, lead, parts = table.expected[task["id"]]
        assert (task["units"], task["lead_units"], task["unresolved"]) == (units, lead, parts), task["id"]
    assert all(task["due"] for task in listed)  # every deadline read


def test_the_summary_counts_what_came_in(cli: Cli, tmp_path: Path) -> None:
    table = TABLES["city"]
    root = ledger_for(tmp_path, table)
    path = table_file(tmp_path, table, "xlsx")
    result = cli("import", str(path), "--year", "2022", "--data", str(root), "--dry-run")
    assert result.exit_code == 1 and result.stdout == ""
    assert not (root / "tasks.yaml").exists()  # a dry run writes nothing
    assert f"{path}:5: 责任单位: '市政府有关部门' is not assigned to units" in result.stderr
    assert f"{path}:9: 责任单位: '市政府各有关部门' is not assigned to units" in result.stderr
    assert (
        "6 tasks, 2 to review; owners read with data/units.yaml: 4 fully, 2 partly, 0 not resolved; "
        "2 with a lead; deadlines 6 read, 0 not"
    ) in result.stderr.replace(str(root.parent) + "/", "")


def test_without_a_roster_nothing_is_guessed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GKLEDGER_DATA", raising=False)
    path = table_file(tmp_path, TABLES["bureau"], "csv")
    result = cli("import", str(path), "--year", "2022")
    assert result.exit_code == 1
    assert "no units.yaml found" in result.stderr
    tasks = yaml.safe_load(result.stdout)["tasks"]
    assert all(t["owed_by"] == [] and t["unresolved"] for t in tasks)


def test_the_bundled_ledger_is_never_written(cli: Cli, tmp_path: Path) -> None:
    from .conftest import DATA

    path = table_file(tmp_path, TABLES["bureau"], "csv")
    before = (DATA / "tasks.yaml").read_bytes()
    result = cli("import", str(path), "--year", "2022", "-o", str(DATA / "tasks.yaml"), "--force")
    assert result.exit_code == 2 and "ships with gkledger" in result.stderr
    assert (DATA / "tasks.yaml").read_bytes() == before


@pytest.mark.parametrize("field", list(HEADERS))
def test_every_header_synonym_is_read(field: str) -> None:
    for word in HEADERS[field]:
        assert header_field(word) == field
        assert header_field(f" {word}（部门） ") == field


def test_a_table_with_its_own_header_words(cli: Cli, tmp_path: Path) -> None:
    """Synonyms from every column at once, 序号 restarting in each section, and 编号."""
    rows = [
        ["编号", "重点任务", "工作要求", "承办单位", "完成时间", "备注"],
        ["一、公开"],
        ["1", "公开预算", "公开预算。", "预算股", "2022-06-30", ""],
        ["2", "", "公开决算。", "预算股", "2022年8月", ""],
        ["二、平台"],
        ["1", "网站", "维护网站。", "办公室", "年底前", ""],
    ]
    table = Table("own", rows, [], TABLES["bureau"].roster, {})
    root = ledger_for(tmp_path, table)
    path = table_file(tmp_path, table, "csv")
    result = cli("import", str(path), "--year", "2022", "-o", str(root / "tasks.yaml"))
    assert result.exit_code == 0, result.output
    assert "ids are written as section.number" in result.stderr
    tasks = yaml.safe_load((root / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    assert [(t["id"], t["section"], t.get("item")) for t in tasks] == [
        ("1.1", "一、公开", "公开预算"),
        ("1.2", "一、公开", "公开预算"),
        ("2.1", "二、平台", "网站"),
    ]
    assert cli("check", "--data", str(root)).exit_code == 0


@pytest.mark.parametrize("kind", ["xlsx", "docx", "html", "xls"])
def test_a_file_of_another_kind_is_refused_with_a_message(cli: Cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"broken.{kind}"
    path.write_bytes(b"\x00\x01 not a table at all")
    result = cli("import", str(path), "--year", "2022")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(path) in result.stderr


ROSTER = [
    ["某某市政务公开工作单位名单"],
    ["单位名称", "全称", "简称", "类别", "层级", "上级"],
    ["市政府", "某某市人民政府", "", "政府", "市级", ""],
    ["市政府办公室", "某某市人民政府办公室", "市政府办、市府办", "市直部门", "市级", "市政府"],
    ["发展改革委", "某某市发展和改革委员会", "", "市直部门", "市级", "某某市人民政府"],
    ["住建局", "某某市住房和城乡建设局", "", "市直部门", "市级", "市政府"],
    ["财政局", "某某市财政局", "", "市直部门", "市级", "市政府"],
    ["东县", "某某市东县", "东县人民政府", "县市区", "县级", "市政府"],
    ["西区", "某某市西区", "", "县市区", "县级", "市政府"],
    ["高新区", "某某市高新技术产业开发区", "高新区管委会", "功能区", "县级", "市政府"],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_from_a_roster_and_a_table_to_a_passing_check_in_two_commands(
    cli: Cli, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = table_file(tmp_path, Table("roster", ROSTER, [(0, 0, 0, 5)], "", {}), kind)
    table = table_file(tmp_path, TABLES["city"], "docx")
    made = cli("init", str(tmp_path / "台账"), "--year", "2022", "--units", str(roster))
    assert made.exit_code == 0, made.output
    monkeypatch.chdir(tmp_path / "台账")
    imported = cli("import", str(table), "--year", "2022", "-o", "data/tasks.yaml")  # replaces the empty plan
    assert imported.exit_code == 1  # two parts for the office to assign
    assert "6 tasks, 2 to review" in imported.stderr
    checked = cli("check")
    assert checked.exit_code == 0 and checked.stdout.count("GK205") == 2
    units = json.loads(cli("units", "-f", "json").stdout)
    assert [u["name"] for u in units] == [row[0] for row in ROSTER[2:]]
    assert units[1]["aliases"] == ["市政府办", "市府办"] and units[2]["parent"] == "市政府"
    # the new repository speaks Chinese, and of this office, not of the bundled example's
    first = ROSTER[2][0]
    for name in ("README.md", "data/units.yaml"):
        text = (tmp_path / "台账" / name).read_text(encoding="utf-8")
        assert "回民区" not in text and "呼和浩特" not in text and "旗县区" not in text, name
        prose = [
            line for line in text.splitlines() if "$schema" not in line and not line.startswith("gkledger")
        ]
        if name != "README.md":
            prose = [line for line in prose if line.startswith("#")]
        words = re.sub(r"`[^`]*`", "", "\n".join(prose))  # commands and paths are not prose
        assert not re.search(r"\b(?:the|units|that|and|of)\b", words), name
    readme = (tmp_path / "台账" / "README.md").read_text(encoding="utf-8")
    assert f"--unit {first}" in readme


def test_a_roster_with_problems_writes_nothing_and_says_each_by_row(cli: Cli, tmp_path: Path) -> None:
    rows = [
        *ROSTER[:3],
        ["财政局", "某某市财政局", "市政府", "市直部门", "市级", "市政府"],  # an alias that is another's name
        ["教育局", "某某市教育局", "", "", "市级", "市政府"],  # no 类别
        ["卫健委", "某某市卫生健康委员会", "", "市直部门", "市级", "省政府"],  # no such 上级
        ["a/b", "某某市a/b", "", "市直部门", "市级", ""],  # not a file name
        ["财政局", "某某市财政局二", "", "市直部门", "市级", ""],  # the same name twice
    ]
    roster = table_file(tmp_path, Table("roster", rows, [], "", {}), "csv")
    output = tmp_path / "units.yaml"
    result = cli("units", "import", str(roster), "-o", str(output))
    assert result.exit_code == 1 and not output.exists()
    for row, words in [
        (4, "'市政府' already names 市政府 (row 3)"),
        (5, "类别 is empty"),
        (6, "上级 '省政府' is not a unit of the roster"),
        (7, "单位名称 'a/b' cannot name its progress file"),
        (8, "'财政局' already names 财政局 (row 4)"),
    ]:
        assert f"{roster}:{row}: {words}" in result.stderr


def test_replacing_units_keeps_the_offices_groups_and_words(cli: Cli, tmp_path: Path) -> None:
    roster = table_file(tmp_path, Table("roster", ROSTER, [], "", {}), "csv")
    output = tmp_path / "units.yaml"
    output.write_text(
        "# Our units.\ngroups:\n  县市区: {kind: 县市区}\nwords:\n  部门: {kind: 市直部门}\n"
        "units:\n  - {name: 旧单位, full_name: 旧单位, kind: 市直部门, level: 市级}\n",
        encoding="utf-8",
    )
    assert cli("units", "import", str(roster), "-o", str(output)).exit_code == 2  # exists: --force
    result = cli("units", "import", str(roster), "-o", str(output), "--force")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert written["groups"] == {"县市区": {"kind": "县市区"}} and written["words"] == {
        "部门": {"kind": "市直部门"}
    }
    assert [u["name"] for u in written["units"]] == [row[0] for row in ROSTER[2:]]
