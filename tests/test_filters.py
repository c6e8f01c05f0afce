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


def test_status_takes_the_same_filters(cli: Cli, shipped: Path) -> None:
    """The overview counts only what the filters let through; one unit's listing lists only it."""
    every = rows(cli, shipped, "status", "--unit", "回民区", "--all")
    late = [r for r in every if r["status"] == "late"]
    assert rows(cli, shipped, "status", "--unit", "回民区", "--status", "逾期") == late
    websites = [r for r in every if "网站" in str(r["text"])]
    assert rows(cli, shipped, "status", "--unit", "回民区", "--all", "--grep", "网站") == websites
    overview = rows(cli, shipped, "status", "--kind", "旗县区")
    assert {u["unit"] for u in overview} == {
        "土默特左旗", "托克托县", "和林县", "清水河县", "武川县", "新城区", "回民区", "玉泉区", "赛罕区"
    }  # fmt: skip
    lates = rows(cli, shipped, "status", "--status", "late")
    assert all(u["total"] == u["late"] for u in lates)


def test_status_by_kind_totals_each_kind_and_all(cli: Cli, shipped: Path) -> None:
    found = rows(cli, shipped, "status", "--by", "kind")
    units = [r for r in found if r["row"] == "unit"]
    kinds = {r["kind"]: r for r in found if r["row"] == "kind-total"}
    total = next(r for r in found if r["row"] == "total")
    assert set(kinds) == {"政府", "政府办公室", "旗县区", "委办局"}  # kinds that owe anything
    for kind, row in kinds.items():
        mine = [u for u in units if u["kind"] == kind]
        assert row["total"] == sum(u["total"] for u in mine) and row["late"] == sum(u["late"] for u in mine)
    assert total["total"] == sum(r["total"] for r in kinds.values()) == 579
    table = cli("--lang", "zh", "status", "--by", "kind", *TODAY, "--data", str(shipped)).stdout
    assert "旗县区 合计" in table and "总计" in table


def test_lead_keeps_the_rows_a_unit_leads(cli: Cli, shipped: Path) -> None:
    every = rows(cli, shipped, "due", "--before", "2021-12-31")
    assert rows(cli, shipped, "due", "--before", "2021-12-31", "--lead") == [r for r in every if r["lead"]]
    assert {r["unit"] for r in rows(cli, shipped, "due", "--before", "2021-12-31", "--lead")} == {
        "行政审批和政务服务局"
    }
