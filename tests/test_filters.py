"""The filters people reach for, checked against counts made by hand from the JSON rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]
TODAY = ("--today", "2021-09-01")


def rows(cli: Cli, root: Path, *args: str) -> list[dict[str, object]]:
    result = cli(*args, "--format", "json", *TODAY, "--data", str(root))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_status_kind_group_and_units_narrow_as_a_hand_count_does(cli: Cli, shipped: Path) -> None:
    every = rows(cli, shipped, "due", "--before", "2021-12-31")
    units = {
        u["name"]: u for u in json.loads(cli("units", "--format", "json", "--data", str(shipped)).stdout)
    }
    counties = [r for r in every if units[str(r["unit"])]["kind"] == "旗县区"]
    assert rows(cli, shipped, "due", "--before", "2021-12-31", "--kind", "旗县区") == counties
    assert rows(cli, shipped, "due", "--before", "2021-12-31", "--group", "旗县区") == counties
    late_or_soon = [r for r in every if r["status"] in ("late", "due-soon")]
    assert rows(cli, shipped, "due", "--before", "2021-12-31", "--status", "逾期,due-soon") == late_or_soon
    two = [r for r in every if r["unit"] in ("回民区", "玉泉区")]
    assert rows(cli, shipped, "due", "--before", "2021-12-31", "-u", "回民区", "-u", "玉泉区") == two
    both = [r for r in counties if r["status"] == "late"]
    assert rows(cli, shipped, "due", "--before", "2021-12-31", "--kind", "旗县区", "--status", "late") == both


def test_section_and_grep(cli: Cli, shipped: Path) -> None:
    every = rows(cli, shipped, "late")
    tasks = {t["id"]: t for t in json.loads(cli("tasks", "--format", "json", "--data", str(shipped)).stdout)}
    section = [r for r in every if "重点工作" in str(tasks[str(r["task"])]["section"])]
    assert rows(cli, shipped, "late", "--section", "重点工作") == section
    grep = [r for r in every if "政府网站" in str(r["text"])]
    assert grep and rows(cli, shipped, "late", "--grep", "政府网站") == grep


def test_sort_late_puts_the_most_overdue_first(cli: Cli, shipped: Path) -> None:
    found = rows(cli, shipped, "late", "--sort", "late")
    assert [r["days_left"] for r in found] == sorted(r["days_left"] for r in found)
    by_unit = rows(cli, shipped, "late", "--sort", "unit")
    assert sorted(map(json.dumps, by_unit)) == sorted(map(json.dumps, found))


def test_late_by_task_counts_units(cli: Cli, shipped: Path) -> None:
    every = rows(cli, shipped, "late")
    grouped = rows(cli, shipped, "late", "--by", "task")
    assert sum(g["count"] for g in grouped) == len(every)
    for g in grouped:
        assert g["units"] == [r["unit"] for r in every if r["task"] == g["task"] and r["due"] == g["due"]]
    assert [g["count"] for g in grouped] == sorted((g["count"] for g in grouped), reverse=True)
    table = cli("late", "--by", "task", *TODAY, "--data", str(shipped), env={"COLUMNS": "80"}).stdout
    assert "by task" in table and str(grouped[0]["count"]) in table


@pytest.mark.parametrize(
    "args", [["--kind", "区县"], ["--group", "没有"], ["-u", "不存在的单位"], ["--status", "迟到"]]
)
def test_unknown_filter_values_are_usage_errors(cli: Cli, shipped: Path, args: list[str]) -> None:
    result = cli("due", "--before", "2021-12-31", *args, *TODAY, "--data", str(shipped))
    assert result.exit_code == 2 and "gkledger:" in result.stderr
