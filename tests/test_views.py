"""status, due, late and show as users run them, with golden files for table, JSON and CSV.

Regenerate the golden files after an intended change with: GKLEDGER_UPDATE_GOLDEN=1 python -m pytest
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import write

Cli = Callable[..., Result]
GOLDEN = Path(__file__).resolve().parent / "golden"

HUIMIN_PROGRESS = """\
# 回民区's completions, kept by hand
- task: "4"
  unit: 回民区
  done: 2021-06-30
  evidence: https://example.gov.cn/zwgk/4.html
- task: "21"
  unit: 回民区人民政府
  done: 2021-07-02
  note: 补报
- task: "19"
  unit: 回民区
  waived: 本级不编印政府公报
"""


@pytest.fixture
def ledger(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(shipped / "progress" / "回民区.yaml", HUIMIN_PROGRESS)
    monkeypatch.chdir(shipped.parent)  # so that paths in the output are data/…, as in a ledger repo
    return Path("data")


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GKLEDGER_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs; see the module docstring"


def run(cli: Cli, ledger: Path, *args: str) -> Result:
    result = cli(*args, "--data", str(ledger))
    assert result.exit_code == 0, result.output
    return result


def test_unit_status_table(cli: Cli, ledger: Path) -> None:
    """The tables are Chinese by default (headers, statuses, days) and English with --lang en."""
    result = run(cli, ledger, "status", "--unit", "回民区", "--today", "2021-09-01", "--all", "--lang", "zh")
    golden("status-huimin-all.txt", result.stdout)
    out = result.stdout
    assert out.index("▪ 逾期") < out.index("▫ 未到期") < out.index("✔ 已完成")
    assert out.splitlines()[2].split() == ["序号", "状态", "到期", "剩余", "具体任务", "办结"]
    assert "逾期1天" in out and "Status" not in out
    assert "按期办结率 20.0%" in out  # 4 on time; 21 late; 5, 15, 16 open
    english = run(cli, ledger, "status", "--unit", "回民区", "--today", "2021-09-01", "--all").stdout
    golden("status-huimin-all.en.txt", english)
    assert english.index("▪ late") < english.index("▫ pending") < english.index("✔ done")
    assert english.splitlines()[2].split() == ["No.", "Status", "Due", "Left", "Task", "Record"]
    assert "1d late" in english
    assert "on time 20.0% (1/5 already due)" in english


def test_unit_status_json_contract(cli: Cli, ledger: Path) -> None:
    result = run(cli, ledger, "status", "--unit", "回民区人民政府", "--today", "2021-09-01", "-f", "json")
    rows = json.loads(result.stdout)
    golden("status-huimin.json", result.stdout)
    assert {"task", "unit", "due", "status", "days_left", "text"} <= set(rows[0])
    assert all(r["unit"] == "回民区" for r in rows)
    assert {r["status"] for r in rows} == {"late", "pending", "ongoing"}  # open ones only without --all
    late = [r for r in rows if r["status"] == "late"]
    assert [(r["task"], r["days_left"]) for r in late] == [("5", -1), ("15", -1), ("16", -1)]


def test_unit_status_csv_has_a_bom_and_the_same_columns(cli: Cli, ledger: Path) -> None:
    result = run(cli, ledger, "status", "-u", "回民区", "--today", "2021-09-01", "--all", "-f", "csv")
    golden("status-huimin-all.csv", result.stdout)
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0].keys() >= {"task", "unit", "due", "status", "days_left", "text"}
    assert {r["status"] for r in rows} >= {"done", "done-late", "waived", "late"}


def test_overview_is_worst_first(cli: Cli, ledger: Path) -> None:
    result = run(cli, ledger, "status", "--today", "2021-09-01", "--lang", "zh")
    golden("status-overview.txt", result.stdout)
    rows = json.loads(run(cli, ledger, "status", "--today", "2021-09-01", "-f", "json").stdout)
    lates = [r["late"] for r in rows]
    assert lates == sorted(lates, reverse=True)
    assert "呼和浩特市地铁" not in {r["unit"] for r in rows}  # owes nothing
    huimin = next(r for r in rows if r["unit"] == "回民区")
    assert (huimin["late"], huimin["done"], huimin["done-late"], huimin["waived"]) == (3, 1, 1, 1)


def test_due_before_is_inclusive_and_sorted(cli: Cli, ledger: Path) -> None:
    result = run(cli, ledger, "due", "--before", "2021-09-30", "--today", "2021-09-01", "-f", "json")
    rows = json.loads(result.stdout)
    assert {r["due"] for r in rows} == {"2021-06-30", "2021-08-31", "2021-09-30"}
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)
    assert not any(r["unit"] == "回民区" and r["task"] in ("4", "21") for r in rows)  # done ones are gone
    just_before = run(cli, ledger, "due", "--before", "2021-09-29", "--today", "2021-09-01", "-f", "json")
    assert "2021-09-30" not in {r["due"] for r in json.loads(just_before.stdout)}
    window = run(cli, ledger, "due", "--after", "2021-09-01", "--before", "2021-09-30", "-u", "财政局",
                 "--today", "2021-09-01", "-f", "json")  # fmt: skip
    assert [(r["task"], r["status"]) for r in json.loads(window.stdout)] == [("14", "pending")]
    table = run(
        cli, ledger, "due", "--before", "2021-09-30", "-u", "回民区", "--today", "2021-09-01", "--lang", "zh"
    )
    golden("due-huimin.txt", table.stdout)


def test_late_lists_only_overdue_and_gates_ci(cli: Cli, ledger: Path) -> None:
    rows = json.loads(run(cli, ledger, "late", "--today", "2021-09-01", "-f", "json").stdout)
    assert rows and {r["status"] for r in rows} == {"late"} and all(r["days_left"] < 0 for r in rows)
    gate = cli("late", "--today", "2021-09-01", "--fail-on", "late", "--data", str(ledger))
    assert gate.exit_code == 1
    early = cli("late", "--today", "2021-06-01", "--fail-on", "late", "--data", str(ledger))
    assert early.exit_code == 0 and "none" in early.stdout


def test_show_task(cli: Cli, ledger: Path) -> None:
    result = run(cli, ledger, "show", "19", "--today", "2021-12-28", "--lang", "zh")
    golden("show-19.txt", result.stdout)
    assert "旗县区级以上政府公报主管部门。" in result.stdout and "本级不编印政府公报" in result.stdout
    rows = json.loads(run(cli, ledger, "show", "19", "--today", "2021-12-28", "-f", "json").stdout)
    assert len(rows) == 10 and {r["status"] for r in rows} == {"due-soon", "waived"}


def test_unknown_unit_and_task_exit_2_with_suggestions(cli: Cli, ledger: Path) -> None:
    result = cli("status", "--unit", "回民", "--data", str(ledger))
    assert result.exit_code == 2 and "回民区" in result.stderr
    assert "Traceback" not in result.output
    assert cli("show", "99", "--data", str(ledger)).exit_code == 2


def test_today_comes_from_the_environment(cli: Cli, ledger: Path) -> None:
    result = cli("late", "-f", "json", "--data", str(ledger), env={"GKLEDGER_TODAY": "2021-06-01"})
    assert json.loads(result.stdout) == []
    bad = cli("late", "--data", str(ledger), env={"GKLEDGER_TODAY": "tomorrow"})
    assert bad.exit_code == 2 and "GKLEDGER_TODAY" in bad.stderr


def test_soon_option_and_ledger_setting(cli: Cli, ledger: Path) -> None:
    def statuses(*args: str) -> set[str]:
        out = run(cli, ledger, "status", "-u", "回民区", "--today", "2021-09-20", "-f", "json", *args)
        return {r["status"] for r in json.loads(out.stdout) if r["task"] == "14"}

    assert statuses() == {"pending"}  # 10 days ahead
    assert statuses("--soon", "10") == {"due-soon"}
    tasks = ledger / "tasks.yaml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace("soon_days: 7", "soon_days: 14"), encoding="utf-8"
    )
    assert statuses() == {"due-soon"}


def test_every_unit_keeps_its_whole_line_on_a_narrow_terminal(cli: Cli, tmp_path: Path) -> None:
    """`status --all-units` past 200 units lays each unit out at the table's whole width however
    narrow the terminal: no line is wrapped or cut (as `less -S` or a file wants it)."""
    import subprocess
    import sys

    from rich.cells import cell_len

    maker = Path(__file__).resolve().parents[1] / "benchmarks" / "make_ledger.py"
    args = ["--units", "260", "--tasks", "6", "--records", "400", str(tmp_path / "big")]
    subprocess.run([sys.executable, str(maker), *args], check=True, capture_output=True)
    out = cli(
        "--lang",
        "zh",
        "status",
        "--all-units",
        "--today",
        "2021-09-01",
        "--data",
        str(tmp_path / "big"),
        env={"COLUMNS": "60"},
    )
    lines = out.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("按单位汇总"))  # the table's title
    table = lines[start : next(i for i, line in enumerate(lines) if line.startswith("全部单位"))]
    widths = {cell_len(line) for line in table}
    [width] = widths  # title, header, rule and every unit: one width
    assert width > 60 and sum(1 for line in table if line.startswith("u")) == 260
    assert table[1].rstrip().endswith("按期办结率")
