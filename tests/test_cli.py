"""The command line as users run it: exit codes, formats, finding the ledger, and help."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.cli.app import app

from .conftest import DATA, write

Cli = Callable[..., Result]

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)


def test_check_passes_on_the_shipped_ledger(cli: Cli) -> None:
    result = cli("check", "--data", str(DATA))
    assert result.exit_code == 0
    assert "no problems" in result.stdout


def test_check_reports_every_problem_and_exits_1(cli: Cli, small: Path) -> None:
    write(small / "progress" / "甲县.yaml", "- task: '9'\n  unit: 乙县\n  done: 2021-02-30\n")
    result = cli("check", "--data", str(small))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if re.match(r"^\S+:\d+:\d+: GK\d{3} ", line)]
    assert [line.split()[1] for line in lines] == ["GK401", "GK402", "GK105"]
    assert result.stdout.rstrip().endswith("3 errors in 1 file")


def test_check_json_and_github_formats(cli: Cli, small: Path) -> None:
    write(small / "progress" / "甲县.yaml", "- task: '9'\n  unit: 甲县\n  done: 2021-08-01\n")
    result = cli("check", "--format", "json", "--data", str(small))
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)
    assert {k: item[k] for k in ("line", "column", "code", "severity")} == {
        "line": 1, "column": 9, "code": "GK401", "severity": "error"
    }  # fmt: skip
    assert item["path"].endswith("progress/甲县.yaml") and item["message"]
    result = cli("check", "--format", "github", "--data", str(small))
    assert re.match(r"^::error file=.*甲县\.yaml,line=1,col=9,title=GK401::GK401 ", result.stdout)


def test_warnings_do_not_fail_check(cli: Cli, small: Path) -> None:
    write(small / "progress" / "甲县.yaml", "- task: '1'\n  unit: 甲县\n  done: 2021-01-05\n")
    result = cli("check", "--data", str(small))
    assert result.exit_code == 0
    assert "GK406 warning:" in result.stdout


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("check", "--format", "xml").exit_code == 2
    assert cli("nonsense").exit_code == 2
    assert cli("status", "--today", "2021-02-30", "--data", str(DATA)).exit_code == 2


def test_commands_on_a_broken_ledger_exit_1_with_diagnostics(cli: Cli, small: Path) -> None:
    (small / "units.yaml").write_text("units: [\n", encoding="utf-8")
    result = cli("status", "--data", str(small), "--today", "2021-09-01")
    assert result.exit_code == 1
    assert "GK004" in result.stderr and "Traceback" not in result.output


def test_tasks_and_units_listings(cli: Cli) -> None:
    table = cli("tasks", "--data", str(DATA))
    assert table.exit_code == 0 and "2021-10-31" in table.stdout
    units = json.loads(cli("units", "--format", "json", "--data", str(DATA)).stdout)
    helin = next(u for u in units if u["name"] == "和林县")
    assert helin["full_name"] == "和林格尔县" and helin["code"] == "150123"
    assert "回民区" in cli("units", "--data", str(DATA)).stdout


def test_finding_the_ledger(cli: Cli, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    # the nearest parent's data/ (small lives in tmp_path/data)
    monkeypatch.chdir(nested)
    assert "测试" in cli("tasks", "--format", "json").stdout
    # $GKLEDGER_DATA beats it, and --data beats both
    assert "呼和浩特" in cli("units", env={"GKLEDGER_DATA": str(DATA)}).stdout
    result = cli("units", "--data", str(small), env={"GKLEDGER_DATA": str(DATA)})
    assert "甲县" in result.stdout
    # outside any ledger: the bundled one
    elsewhere = tmp_path.parent / f"{tmp_path.name}-empty"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert len(json.loads(cli("tasks", "--format", "json").stdout)) == 25


def test_global_options_work_before_and_after_the_command(cli: Cli) -> None:
    before = cli("--data", str(DATA), "--today", "2021-09-01", "status", "--unit", "回民区", "-f", "json")
    after = cli("status", "--unit", "回民区", "-f", "json", "--data", str(DATA), "--today", "2021-09-01")
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout


def test_version(cli: Cli) -> None:
    from gkledger import __version__

    assert cli("--version").stdout.strip() == f"gkledger {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli: Cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["status", "--unit", "回民区"], "status"),
        (["--data", "status", "--today", "2021-09-01", "late"], "late"),  # a folder may be named status
        (["--no-cache", "check"], "check"),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_console_script_finds_the_command(argv: list[str], name: str | None) -> None:
    from gkledger.cli.main import _command_named

    assert _command_named(argv) == name


def test_the_console_script_answers_as_the_whole_app(cli: Cli, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    args = ["--today", "2021-09-01", "status", "-u", "回民区", "-f", "json", "--data", str(DATA)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {"GKLEDGER_LANG": "en"}
    env["GKLEDGER_CACHE_DIR"] = str(tmp_path)
    script = subprocess.run(
        [sys.executable, "-m", "gkledger", *args], capture_output=True, text=True, env=env
    )
    assert script.returncode == 0 and script.stdout == cli(*args).stdout
    typo = subprocess.run(
        [sys.executable, "-m", "gkledger", "statsu"], capture_output=True, text=True, env=env
    )
    assert typo.returncode == 2 and "status" in typo.stderr
