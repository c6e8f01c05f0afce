"""Several plan years in one repository: choosing a plan, an ended plan, 回头看, carrying over."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from .conftest import SMALL_UNITS, TASKS_2022, write

Cli = Callable[..., Result]


def title(cli: Cli, data: Path, *args: str) -> str:
    """The first line of `tasks` (which takes the day before the command name)."""
    words = list(args)
    today = words.pop(words.index("--today") + 1)
    words.remove("--today")
    result = cli("--today", today, "tasks", "--data", str(data), *words)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[0]


def test_the_plan_is_chosen_by_the_day_by_plan_or_by_environment(
    cli: Cli, repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "测试计划2022" in title(cli, repository, "--today", "2022-03-01")
    assert "测试计划 " in title(cli, repository, "--today", "2021-12-31") + " "  # the year holds the day
    assert "测试计划2022" in title(cli, repository, "--today", "2025-01-01")  # the latest before it
    assert "测试计划 " in title(cli, repository, "--today", "2019-01-01") + " "  # none before: the first
    assert "测试计划 " in title(cli, repository, "--plan", "2021", "--today", "2022-03-01") + " "
    result = cli("--plan", "2022", "--today", "2021-05-01", "tasks", "--data", str(repository))
    assert "测试计划2022" in result.stdout.splitlines()[0]
    monkeypatch.setenv("GKLEDGER_PLAN", "2021")
    assert "测试计划 " in title(cli, repository, "--today", "2022-03-01") + " "
    monkeypatch.delenv("GKLEDGER_PLAN")
    missing = cli("tasks", "--data", str(repository), "--plan", "2023")
    assert missing.exit_code == 2 and "its plans: 2021, 2022" in missing.stderr


def test_an_ended_plan_says_so_in_every_view(cli: Cli, repository: Path) -> None:
    line = title(cli, repository, "--plan", "2021", "--today", "2022-03-01")
    assert "the plan ended on 2021-12-31" in line
    running = title(cli, repository, "--plan", "2022", "--today", "2022-03-01")
    assert "the plan ended" not in running
    status = cli("status", "--data", str(repository), "--plan", "2021", "--today", "2022-03-01")
    assert "the plan ended on 2021-12-31" in status.stdout.splitlines()[0]
    assert "Final result (the 2021 plan has ended)" in status.stdout
    now = cli("status", "--data", str(repository), "--plan", "2022", "--today", "2022-03-01")
    assert "Final result" not in now.stdout and "All units: " in now.stdout
    chinese = cli(
        "status", "--data", str(repository), "--plan", "2021", "--today", "2022-03-01", "--lang", "zh"
    )
    assert "计划已于 2021-12-31 结束" in chinese.stdout.splitlines()[0]
    assert "最终结果（2021年计划已结束）" in chinese.stdout


def test_records_go_into_the_chosen_plan(cli: Cli, repository: Path) -> None:
    result = cli(
        "done", "1", "-u", "甲县", "--date", "2022-03-01", "--today", "2022-03-02", "--data", str(repository)
    )
    assert result.exit_code == 0, result.output
    assert (repository / "2022" / "progress" / "甲县.yaml").is_file()
    assert cli("check", "--data", str(repository)).exit_code == 0


def test_review_counts_what_a_hand_count_gives(cli: Cli, repository: Path) -> None:
    result = cli("review", "2021", "--format", "json", "--data", str(repository), "--today", "2022-03-01")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["ended"] == "2021-12-31"
    # 4 obligations: 财政局 1 (on time); 甲县 1 (12 days late), 2 (waived); 市政府 2 (never done).
    total = found["total"]
    assert (total["total"], total["done"], total["done-late"], total["waived"], total["late"]) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert total["on_time_rate"] == round(1 / 3, 4)
    units = {u["unit"]: u for u in found["units"]}
    assert [i["outcome"] for i in units["甲县"]["items"]] == ["done-late", "waived"]
    assert units["甲县"]["items"][0]["days_late"] == 12
    assert units["甲县"]["items"][1]["reason"] == "本级无此项工作"
    assert [(i["task"], i["outcome"]) for i in units["市政府"]["items"]] == [("2", "never-done")]
    assert found["units"][0]["unit"] == "市政府"  # never done first


def test_review_as_markdown_and_csv(cli: Cli, repository: Path) -> None:
    md = cli("review", "2021", "-f", "md", "--data", str(repository), "--today", "2022-03-01").stdout
    assert md.startswith("## 测试计划落实情况回头看")
    assert "按期办结1项，逾期办结1项，未办结1项，免于办理1项，按期办结率33.3%" in md
    assert "| 合计 | 4 | 3 | 1 | 1 | 1 | 1 | 33.3% |" in md
    # one bullet per task: its text once, then its units with what is their own
    assert (
        "- 任务1「做一件事。」（应于2021年9月30日前完成）：甲县（2021年10月12日办结，逾期12天），共1个单位逾期办结。"
        in md
    )
    assert "甲县（理由：本级无此项工作），共1个单位免于办理" in md
    assert md.count("「做一件事。」") == 1
    text = cli("review", "2021", "-f", "csv", "--data", str(repository), "--today", "2022-03-01").stdout
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted((r["unit"], r["task"], r["outcome"]) for r in rows) == [
        ("市政府", "2", "never-done"),
        ("甲县", "1", "done-late"),
        ("甲县", "2", "waived"),
    ]
    table = cli("review", "2021", "--data", str(repository), "--today", "2022-03-01")
    assert table.exit_code == 0 and "Total" in table.stdout


def test_carry_writes_the_open_obligations_once(cli: Cli, repository: Path) -> None:
    before = (repository / "2022" / "tasks.yaml").read_text(encoding="utf-8")
    result = cli(
        "carry",
        "2021",
        "--to",
        "2022",
        "--deadline",
        "2022年6月底",
        "--data",
        str(repository),
    )
    assert result.exit_code == 0, result.output
    after = (repository / "2022" / "tasks.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every byte kept, the new tasks after them
    tasks = yaml.safe_load(after)["tasks"]
    carried = [t for t in tasks if t.get("carried_from")]
    # Only 2021's task 2 is open, and only for 市政府 (甲县 waived it).
    assert [(t["id"], t["carried_from"], t["owed_by"], t["deadline"]) for t in carried] == [
        ("2021-2", "2021#2", [{"unit": ["市政府"]}], "2022年6月底")
    ]
    assert carried[0]["text"] == "一直做。" and carried[0]["owners"] == "县级以上政府。"
    again = cli("carry", "2021", "--to", "2022", "--data", str(repository))
    assert again.exit_code == 0 and "Nothing to carry" in again.stdout
    assert (repository / "2022" / "tasks.yaml").read_text(encoding="utf-8") == after
    assert cli("check", "--data", str(repository)).exit_code == 0


def test_check_follows_carried_from_across_plans(cli: Cli, repository: Path) -> None:
    tasks = TASKS_2022 + '    carried_from: "2021#9"\n'
    write(repository / "2022" / "tasks.yaml", tasks)
    result = cli("check", "--data", str(repository))
    assert (
        result.exit_code == 1
        and "GK207" in result.stdout
        and "task 9, which the plan of 2021" in result.stdout
    )
    write(repository / "2022" / "tasks.yaml", TASKS_2022 + '    carried_from: "2020#1"\n')
    result = cli("check", "--data", str(repository))
    assert result.exit_code == 1 and "the plan of 2020, which this repository does not hold" in result.stdout


def test_check_reads_every_plan_and_the_shared_units_once(cli: Cli, repository: Path) -> None:
    write(repository / "2021" / "progress" / "甲县.yaml", "- task: '1'\n  unit: 甲县\n  done: 2021-02-30\n")
    write(repository / "units.yaml", SMALL_UNITS + "  - name: 乙县\n    full_name: 乙县\n    kind: 旗县区\n")
    result = cli("check", "--data", str(repository))
    assert result.exit_code == 1
    assert "2021/progress/甲县.yaml:3:9: GK105" in result.stdout
    assert result.stdout.count("GK102") == 1  # units.yaml's missing level, said once for both plans


def test_a_new_progress_file_of_a_plan_points_at_the_schemas(cli: Cli, repository: Path) -> None:
    assert (
        cli(
            "done",
            "1",
            "-u",
            "甲县",
            "--date",
            "2022-03-01",
            "--today",
            "2022-03-02",
            "--data",
            str(repository),
        ).exit_code
        == 0
    )
    first = (repository / "2022" / "progress" / "甲县.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/progress.schema.json"


@pytest.mark.parametrize("layout", ["crlf-bom", "dash-alone", "flow"])
def test_carry_keeps_odd_layouts_or_refuses_them_whole(cli: Cli, repository: Path, layout: str) -> None:
    """Every byte of an odd but valid tasks.yaml is kept, or, where the tasks cannot be appended
    (a list in flow style), nothing is written."""
    path = repository / "2022" / "tasks.yaml"
    text = TASKS_2022
    if layout == "dash-alone":
        text = text.replace('  - id: "1"\n', '  -\n    id: "1"\n')
    if layout == "flow":
        text = (
            text.split("tasks:")[0]
            + 'tasks: [{id: "1", section: s, text: t, owners: o, owed_by: {unit: 甲县}, deadline: 年底}]\n'
        )
    data = text.encode("utf-8")
    if layout == "crlf-bom":
        data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(data)
    result = cli("carry", "2021", "--to", "2022", "--data", str(repository))
    if layout == "flow":
        assert result.exit_code == 1 and "nothing was written" in result.stderr
        assert path.read_bytes() == data
        return
    assert result.exit_code == 0, result.output
    written = path.read_bytes()
    assert written.startswith(data)  # the file as it was, the carried task after it
    if layout == "crlf-bom":
        assert b"\n" not in written.replace(b"\r\n", b"")  # in the file's own line ends
    assert cli("check", "--data", str(repository)).exit_code == 0
    assert [t["id"] for t in yaml.safe_load(path.read_bytes().decode("utf-8-sig"))["tasks"]][-1] == "2021-2"


def test_carry_never_writes_through_a_link(cli: Cli, repository: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(TASKS_2022, encoding="utf-8")
    target = repository / "2022" / "tasks.yaml"
    target.unlink()
    target.symlink_to(outside)
    result = cli("carry", "2021", "--to", "2022", "--data", str(repository))
    assert result.exit_code != 0 and outside.read_text(encoding="utf-8") == TASKS_2022


def test_the_cache_answers_as_a_fresh_load_across_plans(cli: Cli, repository: Path) -> None:
    write(repository / "2022" / "progress" / "甲县.yaml", "- task: '1'\n  unit: 甲县\n  done: 2022-03-01\n")
    for args in (
        ("check",),
        ("status", "--plan", "2021", "--today", "2022-03-01", "-f", "json"),
        ("review", "2021", "-f", "json", "--today", "2022-03-01"),
        ("status", "--unit", "甲县", "--all", "--today", "2022-03-01", "-f", "json"),
    ):
        fresh = (
            cli(*args, "--no-cache", "--data", str(repository))
            if args[0] == "check"
            else cli("--no-cache", *args, "--data", str(repository))
        )
        cold = cli(*args, "--data", str(repository))
        warm = cli(*args, "--data", str(repository))
        assert fresh.stdout == cold.stdout == warm.stdout, args
