"""Recurring tasks in a ledger: owed once per period, recorded per period, checked per period."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.store.load import load

from .conftest import SMALL_UNITS, write

Cli = Callable[..., Result]

TASKS = """\
plan:
  title: 某市2022年政务公开工作要点
  year: 2022
  signed: 2022-01-10
tasks:
  - id: "1"
    section: 一、财政
    text: 公开财政资金直达基层情况。
    owners: 县级以上财政部门。
    owed_by: [{group: 县级以上, role: 财政}]
    deadline: 每季度末
  - id: "2"
    section: 一、财政
    text: 报送公开情况。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 自2022年7月起每月10日前
  - id: "3"
    section: 二、自查
    text: 开展自查。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 每半年
  - id: "4"
    section: 二、自查
    text: 一次性任务。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 2022年9月30日前
"""


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write(root / "units.yaml", SMALL_UNITS)
    write(root / "tasks.yaml", TASKS)
    (root / "progress").mkdir()
    return root


def rows(cli: Cli, root: Path, *args: str) -> list[dict[str, object]]:
    result = cli(*args, "--format", "json", "--data", str(root))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_each_period_is_an_obligation_with_its_own_due_day(cli: Cli, ledger: Path) -> None:
    found = rows(cli, ledger, "status", "--unit", "甲县", "--all", "--today", "2022-07-20")
    periods = [(r["task"], r["period"], r["due"], r["status"]) for r in found if r["task"] in ("1", "3")]
    assert sorted(periods) == [
        ("1", "2022-Q1", "2022-03-31", "late"),
        ("1", "2022-Q2", "2022-06-30", "late"),
        ("1", "2022-Q3", "2022-09-30", "pending"),
        ("1", "2022-Q4", "2022-12-31", "pending"),
        ("3", "2022-H1", "2022-06-30", "late"),
        ("3", "2022-H2", "2022-12-31", "pending"),
    ]
    monthly = [r["period"] for r in found if r["task"] == "2"]
    assert monthly == ["2022-07", "2022-08", "2022-09", "2022-10", "2022-11", "2022-12"]
    assert [r["period"] for r in found if r["task"] == "4"] == [None]  # a one-off task has none


def test_done_without_a_period_takes_the_earliest_open_one_and_says_so(cli: Cli, ledger: Path) -> None:
    first = cli(
        "done", "1", "-u", "甲县", "--date", "2022-03-30", "--today", "2022-07-20", "--data", str(ledger)
    )
    assert first.exit_code == 0, first.output
    assert "task 1 (period 2022-Q1, the earliest not yet recorded) for 甲县" in first.stdout
    second = cli(
        "done", "1", "-u", "甲县", "--date", "2022-07-02", "--today", "2022-07-20", "--data", str(ledger)
    )
    assert "period 2022-Q2" in second.stdout
    chosen = cli(
        "done",
        "1",
        "-u",
        "甲县",
        "--period",
        "2022-Q4",
        "--date",
        "2022-07-03",
        "--today",
        "2022-07-20",
        "--data",
        str(ledger),
    )
    assert chosen.exit_code == 0 and "task 1 (period 2022-Q4) for 甲县" in chosen.stdout
    records = {(r.task, r.period): r.done for r in load(ledger).ledger.records}
    assert set(records) == {("1", "2022-Q1"), ("1", "2022-Q2"), ("1", "2022-Q4")}
    found = rows(cli, ledger, "status", "--unit", "甲县", "--all", "--today", "2022-07-20")
    statuses = {r["period"]: r["status"] for r in found if r["task"] == "1"}
    assert statuses == {"2022-Q1": "done", "2022-Q2": "done-late", "2022-Q3": "pending", "2022-Q4": "done"}
    again = cli(
        "done",
        "1",
        "-u",
        "甲县",
        "--period",
        "2022-Q1",
        "--date",
        "2022-03-31",
        "--today",
        "2022-07-20",
        "--data",
        str(ledger),
    )
    assert again.exit_code == 1 and "--replace" in again.stderr
    assert cli("check", "--data", str(ledger)).exit_code == 0


def test_a_period_the_task_does_not_have_is_refused(cli: Cli, ledger: Path) -> None:
    wrong = cli(
        "done", "1", "-u", "甲县", "--period", "2022-Q5", "--today", "2022-07-20", "--data", str(ledger)
    )
    assert wrong.exit_code == 2 and "2022-Q1, 2022-Q2, 2022-Q3, 2022-Q4" in wrong.stderr
    one_off = cli(
        "done", "4", "-u", "甲县", "--period", "2022-Q1", "--today", "2022-07-20", "--data", str(ledger)
    )
    assert one_off.exit_code == 2 and "not recurring" in one_off.stderr
    assert list((ledger / "progress").iterdir()) == []


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("- task: '1'\n  unit: 甲县\n  done: 2022-03-01\n", "must say which period"),
        ("- task: '4'\n  unit: 甲县\n  period: 2022-Q3\n  done: 2022-03-01\n", "is not recurring"),
        ("- task: '1'\n  unit: 甲县\n  period: 2022-07\n  done: 2022-03-01\n", "not one of task 1's periods"),
        ("- task: '2'\n  unit: 甲县\n  period: 2022-03\n  done: 2022-03-01\n", "not one of task 2's periods"),
    ],
)
def test_a_record_whose_period_does_not_fit_is_gk409(
    cli: Cli, ledger: Path, record: str, message: str
) -> None:
    write(ledger / "progress" / "甲县.yaml", record)
    result = cli("check", "--data", str(ledger))
    assert result.exit_code == 1
    assert "progress/甲县.yaml:1:3: GK409" in result.stdout and message in result.stdout


def test_two_records_for_one_period_are_gk404_but_two_periods_are_fine(cli: Cli, ledger: Path) -> None:
    one = "- task: '1'\n  unit: 甲县\n  period: 2022-Q1\n  done: 2022-03-01\n"
    two = "- task: '1'\n  unit: 甲县\n  period: 2022-Q2\n  done: 2022-06-01\n"
    write(ledger / "progress" / "甲县.yaml", one + two)
    assert cli("check", "--data", str(ledger)).exit_code == 0
    write(ledger / "progress" / "甲县.yaml", one + two + one)
    result = cli("check", "--data", str(ledger))
    assert result.exit_code == 1 and "GK404 a second record for task 1 period 2022-Q1" in result.stdout


def test_listings_show_the_period_beside_the_task(cli: Cli, ledger: Path) -> None:
    table = cli(
        "due", "--before", "2022-08-31", "--today", "2022-07-20", "--unit", "甲县", "--data", str(ledger)
    )
    assert table.exit_code == 0
    for label in ("1·Q1", "1·Q2", "2·07", "2·08", "3·H1"):
        assert label in table.stdout
    shown = cli("show", "3", "--today", "2022-07-20", "--data", str(ledger))
    assert "甲县 · 2022-H1" in shown.stdout and "甲县 · 2022-H2" in shown.stdout


def test_one_calendar_event_per_period(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    pytest.importorskip("icalendar")
    out = tmp_path / "台账.ics"
    assert (
        cli("export", "-f", "ics", "-o", str(out), "--today", "2022-07-20", "--data", str(ledger)).exit_code
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == 4 + 6 + 2 + 1
    assert "task-1-2022-Q3@gkledger" in text.replace("\r\n ", "")


def test_a_form_carries_each_period_and_collect_records_it(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    path = tmp_path / "甲县-填报表.xlsx"
    made = cli("form", "--unit", "甲县", "-o", str(path), "--today", "2022-07-20", "--data", str(ledger))
    assert made.exit_code == 0, made.output
    book = load_workbook(path)
    sheet = book.worksheets[0]
    labels = [row[0].value for row in sheet.iter_rows() if row[0].value and str(row[0].value)[0].isdigit()]
    assert "1（第三季度）" in labels and "2（7月）" in labels  # as a unit reads it, not 1·Q3 or 2·07
    assert not any("·" in label for label in labels)
    for row in sheet.iter_rows():
        if row[0].value == "1（第二季度）":
            row[5].value = __import__("datetime").date(2022, 6, 20)
    book.save(path)
    collected = cli("collect", str(path), "--today", "2022-07-20", "--data", str(ledger))
    assert collected.exit_code == 0, collected.output
    assert [(r.task, r.period) for r in load(ledger).ledger.records] == [("1", "2022-Q2")]


def test_a_form_issued_before_with_the_old_numbers_is_still_collected(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """Forms issued before this release showed 1·Q2; a unit may still send one back."""
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    path = tmp_path / "甲县-填报表.xlsx"
    assert (
        cli(
            "form", "--unit", "甲县", "-o", str(path), "--today", "2022-07-20", "--data", str(ledger)
        ).exit_code
        == 0
    )
    book = load_workbook(path)
    for row in book.worksheets[0].iter_rows():
        if row[0].value == "1（第二季度）":
            row[0].value = "1·Q2"
            row[5].value = __import__("datetime").date(2022, 6, 20)
    book.save(path)
    collected = cli("collect", str(path), "--today", "2022-07-20", "--data", str(ledger))
    assert collected.exit_code == 0, collected.output
    assert [(r.task, r.period) for r in load(ledger).ledger.records] == [("1", "2022-Q2")]
