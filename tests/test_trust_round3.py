"""Round three of trying gkledger as an attacker and a careless user would: each finding of the
issue has its reproducer here, and the family around it a case or two more."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import SMALL_TASKS, write

Cli = Callable[..., Result]


# --- Dates a command computes from must stay real dates (findings 16 and 17) ---------------------


@pytest.mark.parametrize("day", ["9999-12-28", "0001-01-01", "9999年12月31日"])
@pytest.mark.parametrize("command", [("remind",), ("remind", "--format", "docx", "-o", "out"), ("status",)])
def test_a_day_outside_the_ledgers_years_is_a_usage_error(
    cli: Cli, small: Path, day: str, command: tuple[str, ...]
) -> None:
    result = cli(*command, "--today", day, "--data", str(small))
    assert result.exit_code == 2, result.output
    assert "not a real date" in result.stderr


def test_a_deadline_in_year_9999_is_a_diagnostic_and_no_export_dies(cli: Cli, small: Path) -> None:
    write(small / "tasks.yaml", SMALL_TASKS.replace("2021年9月30日前", "9999年12月31日"))
    checked = cli("check", "--data", str(small))
    assert checked.exit_code == 1 and "outside the years 1949–2999" in checked.stdout
    for fmt in ("ics", "json", "csv"):
        result = cli("export", "--format", fmt, "--today", "2021-09-01", "--data", str(small))
        assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_record_done_in_year_9999_is_refused_by_check(cli: Cli, small: Path) -> None:
    write(small / "progress" / "财政局.yaml", "- task: '1'\n  unit: 财政局\n  done: 9999-12-31\n")
    checked = cli("check", "--data", str(small))
    assert checked.exit_code == 1
