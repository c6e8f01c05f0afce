"""Round three of trying gkledger as an attacker and a careless user would: each finding of the
issue has its reproducer here, and the family around it a case or two more."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import SMALL_TASKS, SMALL_UNITS, write

Cli = Callable[..., Result]


# --- Dates a command computes from must stay real dates (findings 16 and 17) ---------------------


@pytest.mark.parametrize("day", ["9999-12-28", "0001-01-01", "9999年12月31日"])
@pytest.mark.parametrize("command", [("remind",), ("remind", "--format", "docx", "-o", "out"), ("status",)])
def test_a_day_outside_the_ledgers_years_is_a_usage_error(
    cli: Cli, small: Path, day: str, command: tuple[str, ...]
) -> None:
    result = cli(*command, "--today", day, "--data", str(small))
    assert result.exit_code == 2, result.output
    assert "outside the years 1949–2999" in result.stderr


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


# --- Ledger text never runs in a terminal (findings 18 and 19) --------------------------------------

ESCAPES = "\\e]0;窗口标题\\a\\e]52;c;ZXZpbA==\\a\\e[2J\\x9b31m"  # OSC 0, OSC 52, CSI 2J, a C1 CSI


@pytest.fixture
def hostile(small: Path) -> Path:
    tasks = SMALL_TASKS.replace("text: 做一件事。", f'text: "做一件事。{ESCAPES}"')
    tasks = tasks.replace(
        "section: 一、测试\n    text: 一直做", f'section: "一、测试{ESCAPES}"\n    text: 一直做'
    )
    write(small / "tasks.yaml", tasks)
    write(
        small / "progress" / "财政局.yaml",
        f'- task: "1"\n  unit: 财政局\n  done: 2021-08-01\n  note: "备注{ESCAPES}"\n  evidence: "https://example.gov.cn/a{ESCAPES}"\n',
    )
    return small


VIEWS = [
    ("show", "1"),
    ("show", "2"),
    ("status", "--unit", "财政局", "--all"),
    ("status",),
    ("status", "--by", "kind"),
    ("tasks",),
    ("units",),
    ("due", "--before", "2021-12-31"),
    ("due", "--before", "2021-12-31", "--by", "task"),
    ("late",),
    ("review",),
    ("remind",),
    ("bulletin",),
    ("check",),
]


@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
def test_no_view_prints_a_control_character(cli: Cli, hostile: Path, view: tuple[str, ...]) -> None:
    result = cli("--today", "2021-10-15", *view, "--data", str(hostile))
    assert "Traceback" not in result.output
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream
    if view in (("show", "1"), ("tasks",), ("status", "--unit", "财政局", "--all")):
        assert "\\x1b" in result.stdout  # shown, as its escape


def test_json_keeps_the_ledgers_text_exact(cli: Cli, hostile: Path) -> None:
    import json

    result = cli("export", "--format", "json", "--today", "2021-10-15", "--data", str(hostile))
    rows = json.loads(result.stdout)
    assert any(row["note"] == "备注\x1b]0;窗口标题\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m" for row in rows)


def test_a_message_quoting_a_path_shows_its_control_characters(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "data\x1b]0;x\x07"
    result = cli("status", "--data", str(folder))
    assert result.exit_code != 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


# --- Writes that stay inside: plan folders (findings 5 and 9) ---------------------------------------


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    data = tmp_path / "repo" / "data"
    write(data / "units.yaml", SMALL_UNITS)
    write(data / "2021" / "tasks.yaml", SMALL_TASKS)
    (data / "2021" / "progress").mkdir()
    return data


def test_a_plan_folder_linked_outside_is_never_read_nor_written(
    cli: Cli, repository: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "tasks.yaml", SMALL_TASKS.replace("year: 2021", "year: 2023"))
    (elsewhere / "progress").mkdir()
    os.symlink(elsewhere, repository / "2023")
    checked = cli("check", "--data", str(repository))
    assert checked.exit_code == 1 and "GK010" in checked.stdout
    done = cli(
        "done", "1", "--unit", "财政局", "--plan", "2023", "--today", "2023-05-01", "--data", str(repository)
    )
    assert done.exit_code != 0
    assert list((elsewhere / "progress").iterdir()) == []  # nothing written through the link


@pytest.mark.parametrize("name", ["２０２２", "2022 ", "2022\n", " 2022"])
def test_a_folder_that_reads_as_a_year_is_a_diagnostic(cli: Cli, repository: Path, name: str) -> None:
    write(repository / name / "tasks.yaml", "plan: [broken\n")
    checked = cli("check", "--data", str(repository))
    assert checked.exit_code == 1 and "GK011" in checked.stdout
    assert cli("status", "--plan", "2022", "--data", str(repository)).exit_code == 2  # never a plan


# --- Reports never land in a ledger (findings 6 and 7) ----------------------------------------------


@pytest.fixture
def bundled(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped ledger standing in for the one inside the package."""
    from gkledger.store import locate

    monkeypatch.setattr(locate, "bundled_ledger", lambda: shipped)
    return shipped


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "command",
    [
        ("export", "--format", "csv", "-o", "{b}/progress/回民区.yaml"),
        ("export", "--format", "json", "-o", "{b}/report.json"),
        ("form", "--unit", "回民区", "-o", "{b}/回民区-填报表.xlsx"),
        ("schema", "-o", "{b}"),
        ("codeowners", "-o", "{b}/CODEOWNERS"),
        ("remind", "-o", "{b}/催办"),
        ("bulletin", "-o", "{b}/通报.md"),
    ],
    ids=lambda c: c[0],
)
def test_no_output_lands_in_the_bundled_ledger(cli: Cli, bundled: Path, command: tuple[str, ...]) -> None:
    before = snapshot(bundled)
    words = [w.replace("{b}", str(bundled)) for w in command]
    result = cli("--today", "2021-09-25", *words, "--force")
    assert result.exit_code == 2, result.output
    assert "ships with gkledger" in result.stderr
    assert snapshot(bundled) == before


@pytest.mark.parametrize(
    ("fmt", "target"),
    [
        ("csv", "tasks.yaml"),
        ("json", "progress/回民区.yaml"),
        ("csv", "units.yaml"),
        ("json", "progress/新单位.yml"),
    ],
)
def test_a_report_never_replaces_a_file_a_ledger_reads(
    cli: Cli, shipped: Path, fmt: str, target: str
) -> None:
    before = snapshot(shipped)
    result = cli(
        "export",
        "--format",
        fmt,
        "-o",
        str(shipped / target),
        "--force",
        "--today",
        "2021-09-25",
        "--data",
        str(shipped),
    )
    assert result.exit_code == 2 and "a file a ledger reads" in result.stderr
    assert snapshot(shipped) == before
    assert cli("check", "--data", str(shipped)).exit_code == 0


def test_replacing_another_file_needs_force(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    target = tmp_path / "通报.md"
    target.write_text("上周的通报\n", encoding="utf-8")
    refused = cli("bulletin", "-o", str(target), "--today", "2021-09-25", "--data", str(shipped))
    assert refused.exit_code == 2 and target.read_text(encoding="utf-8") == "上周的通报\n"
    replaced = cli("bulletin", "-o", str(target), "--force", "--today", "2021-09-25", "--data", str(shipped))
    assert replaced.exit_code == 0 and target.read_text(encoding="utf-8") != "上周的通报\n"
