"""One reproducer per diagnostic code: each names its file and line, and the catalogue is complete."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.diagnostics import CODES, Diagnostic
from gkledger.core.model import shown_path
from gkledger.store.load import load

from .conftest import SMALL_TASKS, SMALL_UNITS, write

Cli = Callable[..., Result]

Setup = Callable[[Path], None]


def progress(text: str) -> Setup:
    return lambda root: write(root / "progress" / "甲县.yaml", text) and None


def office(text: str) -> Setup:
    return lambda root: write(root / "office" / "甲县.yaml", text) and None


def units(old: str, new: str) -> Setup:
    return lambda root: write(root / "units.yaml", SMALL_UNITS.replace(old, new, 1)) and None


def tasks(old: str, new: str) -> Setup:
    assert old in SMALL_TASKS
    return lambda root: write(root / "tasks.yaml", SMALL_TASKS.replace(old, new, 1)) and None


def raw(name: str, data: bytes) -> Setup:
    return lambda root: (root / name).write_bytes(data) and None


def symlink_outside(root: Path) -> None:
    outside = root.parent / "elsewhere.yaml"
    outside.write_text("- task: '1'\n  unit: 甲县\n  done: 2021-08-01\n", encoding="utf-8")
    os.symlink(outside, root / "progress" / "linked.yaml")


RECORD = "- task: '1'\n  unit: 甲县\n  done: 2021-08-01\n"


def unmaintained_records(root: Path) -> None:
    """财政局 has maintainers, so the ledger names them; 甲县 records progress without any."""
    units("    tags: [财政]\n", "    tags: [财政]\n    maintainers: ['@czj']\n")(root)
    progress(RECORD)(root)


# code -> (how to break the small ledger, file the diagnostic names, its line)
CASES: dict[str, tuple[Setup, str, int]] = {
    "GK001": (lambda root: (root / "units.yaml").unlink(), "units.yaml", 1),
    "GK002": (lambda root: (root / "progress" / "dir.yaml").mkdir(), "progress/dir.yaml", 1),
    "GK003": (raw("tasks.yaml", SMALL_TASKS.replace("测试计划", "测试").encode("gbk")), "tasks.yaml", 2),
    "GK004": (progress("- task: '1'\n  unit: [甲县\n"), "progress/甲县.yaml", 3),
    "GK005": (progress(RECORD + "  unit: 甲县\n"), "progress/甲县.yaml", 4),
    "GK006": (progress("&a [*a]\n"), "progress/甲县.yaml", 1),
    "GK007": (progress("[" * 100 + "]" * 100 + "\n"), "progress/甲县.yaml", 1),
    "GK008": (
        progress("- task: !!python/object:os.system '1'\n  unit: 甲县\n  done: 2021-08-01\n"),
        "progress/甲县.yaml",
        1,
    ),
    "GK009": (raw("units.yaml", b"# nothing yet\n"), "units.yaml", 1),
    "GK010": (symlink_outside, "progress/linked.yaml", 1),
    "GK011": (lambda root: write(root / "２０２２" / "tasks.yaml", "plan: [broken\n"), "２０２２", 1),
    "GK101": (tasks("  year: 2021", "  year: [2021]"), "tasks.yaml", 3),
    "GK102": (tasks("    owners: 县级以上政府。\n", ""), "tasks.yaml", 12),
    "GK103": (tasks("    deadline: 全年持续推进", "    deadlin: 全年持续推进"), "tasks.yaml", 17),
    "GK104": (tasks("    text: 做一件事。", "    text: '  '"), "tasks.yaml", 8),
    "GK105": (progress("- task: '1'\n  unit: 甲县\n  done: 2021-02-30\n"), "progress/甲县.yaml", 3),
    "GK106": (tasks("tasks:", "settings:\n  soon_days: 400\ntasks:"), "tasks.yaml", 6),
    "GK107": (progress(RECORD + "  evidence: www.example.gov.cn\n"), "progress/甲县.yaml", 4),
    "GK108": (
        units("    tags: [财政]\n", "    tags: [财政]\n    maintainers: [财政局的人]\n"),
        "units.yaml",
        16,
    ),
    "GK201": (tasks('  - id: "2"', '  - id: "1"'), "tasks.yaml", 12),
    "GK202": (tasks("    deadline: 全年持续推进", "    deadline: 尽快"), "tasks.yaml", 17),
    "GK203": (
        tasks("owed_by: [{group: 县级以上}]", "owed_by: [{kind: 旗县区, level: 市级}]"),
        "tasks.yaml",
        16,
    ),
    "GK204": (tasks('  - id: "2"', '  - id: "2 "'), "tasks.yaml", 12),
    "GK205": (
        tasks(
            "    owed_by: [{group: 县级以上}]\n",
            "    owed_by: [{group: 县级以上}]\n    unresolved: [各有关单位]\n",
        ),
        "tasks.yaml",
        16,
    ),
    "GK206": (
        tasks(
            "    owed_by: [{group: 县级以上, role: 财政}]\n",
            "    owed_by: [{group: 县级以上, role: 财政}]\n    lead: {unit: 市政府}\n",
        ),
        "tasks.yaml",
        11,
    ),
    "GK306": (units("  - name: 甲县\n", '  - name: "../../evil"\n'), "units.yaml", 16),
    "GK207": (
        tasks("    deadline: 全年持续推进", '    deadline: 全年持续推进\n    carried_from: "2030#1"'),
        "tasks.yaml",
        12,
    ),
    "GK208": (tasks("    deadline: 2021年9月30日前", "    deadline: 2020年9月30日前"), "tasks.yaml", 11),
    "GK301": (units("aliases: [甲县人民政府]", "aliases: [市财政局]"), "units.yaml", 16),
    "GK302": (units("    parent: 市政府\n    tags", "    parent: 市正府\n    tags"), "units.yaml", 9),
    "GK303": (units("  - name: 市政府\n", "  - name: 市政府\n    parent: 甲县\n"), "units.yaml", 5),
    "GK304": (tasks("role: 财政", "role: 财务"), "tasks.yaml", 10),
    "GK305": (units("  县: {kind: 旗县区}", "  县: {group: 县级以上}"), "units.yaml", 2),
    "GK401": (progress("- task: '9'\n  unit: 甲县\n  done: 2021-08-01\n"), "progress/甲县.yaml", 1),
    "GK402": (progress("- task: '1'\n  unit: 乙县\n  done: 2021-08-01\n"), "progress/甲县.yaml", 2),
    "GK403": (progress("- task: '1'\n  unit: 市政府\n  done: 2021-08-01\n"), "progress/甲县.yaml", 2),
    "GK404": (progress(RECORD + RECORD), "progress/甲县.yaml", 4),
    "GK405": (progress("- task: '1'\n  unit: 甲县\n  note: 已办\n"), "progress/甲县.yaml", 1),
    "GK406": (progress("- task: '1'\n  unit: 甲县\n  done: 2021-01-05\n"), "progress/甲县.yaml", 1),
    "GK408": (unmaintained_records, "units.yaml", 17),
    "GK409": (
        progress("- task: '1'\n  unit: 甲县\n  period: 2021-Q3\n  done: 2021-08-01\n"),
        "progress/甲县.yaml",
        1,
    ),
    "GK501": (office("- task: '9'\n  unit: 甲县\n  confirmed: 2021-09-01\n"), "office/甲县.yaml", 1),
    "GK502": (office("- task: '1'\n  unit: 甲县\n  returned: 2021-09-01\n"), "office/甲县.yaml", 1),
    "GK503": (office("- task: '1'\n  unit: 甲县\n  confirmed: 2021-09-01\n"), "office/甲县.yaml", 1),
    "GK504": (
        office(
            "- task: '1'\n  unit: 甲县\n  extended: 2021-10-08\n  to: 2021-10-31\n  reason: x\n  approved_by: y\n"
        ),
        "office/甲县.yaml",
        1,
    ),
    "GK407": (
        lambda root: write(root / "progress" / "财政局.yaml", RECORD) and None,
        "progress/财政局.yaml",
        2,
    ),
}


def test_every_code_has_a_reproducer() -> None:
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code(code: str, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup, file, line = CASES[code]
    setup(small)
    monkeypatch.chdir(small.parent)
    found = load(Path("data")).diagnostics
    matching = [d for d in found if d.code == code]
    assert matching, found
    d: Diagnostic = matching[0]
    assert shown_path(d.source.path) == f"data/{file}"
    assert str(d.source).startswith(f"data/{file}:{line}:")
    assert d.source.line == line, d
    assert d.severity == CODES[code][0]
    assert d.message


def symlinked_progress_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = root.parent / "elsewhere"
    outside.mkdir()
    write(outside / "甲县.yaml", RECORD)
    (root / "progress").rmdir()
    os.symlink(outside, root / "progress")


def fifo(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(root / "progress" / "甲县.yaml")


def unlistable(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 (and, since root lists anything, a scandir that is refused as it would be)."""
    write(root / "progress" / "甲县.yaml", RECORD)
    (root / "progress").chmod(0)
    real = os.scandir

    def refusing(path: object) -> object:
        if Path(str(path)).name == "progress":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing)


# Read-stage refusals beyond the one reproducer per code.
READ_CASES: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "symlinked progress folder": symlinked_progress_folder,
    "fifo": fifo,
    "unlistable progress folder": unlistable,
}


@pytest.mark.parametrize("case", [*sorted(CASES), *READ_CASES])
def test_the_cache_answers_as_a_fresh_load(
    case: str, small: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reproducer through the cached path, cold and warm, gives what --no-cache gives."""
    if case in CASES:
        CASES[case][0](small)
    else:
        READ_CASES[case](small, monkeypatch)
    monkeypatch.chdir(small.parent)
    try:
        fresh = cli("check", "--no-cache", "--data", "data")
        cold = cli("check", "--data", "data")
        warm = cli("check", "--data", "data")
        monkeypatch.chdir(small)  # the same cache, read from another folder, spells paths anew
        elsewhere = cli("check", "--data", ".")
        elsewhere_fresh = cli("check", "--no-cache", "--data", ".")
    finally:
        if (small / "progress").is_dir():
            (small / "progress").chmod(0o755)
    assert (cold.stdout, cold.exit_code) == (fresh.stdout, fresh.exit_code)
    assert (warm.stdout, warm.exit_code) == (fresh.stdout, fresh.exit_code)
    assert (elsewhere.stdout, elsewhere.exit_code) == (elsewhere_fresh.stdout, elsewhere_fresh.exit_code)
    if case in CASES:
        assert CASES[case][0] and case in fresh.stdout
    else:
        assert fresh.exit_code == 1 and ("GK010" in fresh.stdout or "GK002" in fresh.stdout)


def test_the_small_ledger_is_clean(small: Path) -> None:
    assert load(small).diagnostics == []


def test_all_problems_are_reported_at_once(small: Path) -> None:
    for code in ("GK105", "GK202", "GK302"):
        CASES[code][0](small)
    assert {"GK105", "GK202", "GK302"} <= {d.code for d in load(small).diagnostics}


def test_missing_data_folder(tmp_path: Path) -> None:
    found = load(tmp_path / "nowhere").diagnostics
    assert [d.code for d in found][:1] == ["GK001"]


def test_a_countys_own_departments_may_share_its_file(small: Path) -> None:
    units = (small / "units.yaml").read_text(encoding="utf-8") + (
        "  - name: 甲县财政局\n    full_name: 甲县财政局\n    kind: 委办局\n    level: 县级\n    parent: 甲县\n    tags: [财政]\n"
    )
    write(small / "units.yaml", units)
    write(small / "progress" / "甲县.yaml", "- task: '1'\n  unit: 甲县财政局\n  done: 2021-08-01\n")
    assert load(small).diagnostics == []
    write(small / "progress" / "季度汇总.yaml", "- task: '2'\n  unit: 甲县\n  done: 2021-08-01\n")
    assert load(small).diagnostics == []  # a file not named after a unit may hold anyone's records


def test_a_record_knows_where_it_its_task_and_its_unit_were_written(small: Path) -> None:
    """The places packed into a record are the record's mapping and its task and unit values, in
    whatever order and indentation the fields come."""
    write(
        small / "progress" / "甲县.yaml",
        "- task: '1'\n  unit: 甲县\n  done: 2021-08-01\n"
        "-   done: 2021-08-02\n    note: 第二条\n    unit:  乙县\n    task:   '2'\n",
    )
    first, second = load(small).ledger.records
    assert [(s.line, s.column) for s in (first.source, first.task_source, first.unit_source)] == [
        (1, 3), (1, 9), (2, 9),
    ]  # fmt: skip
    assert [(s.line, s.column) for s in (second.source, second.task_source, second.unit_source)] == [
        (4, 5), (7, 13), (6, 12),
    ]  # fmt: skip
    assert second.place == (4, 5) and second.source.path.endswith("甲县.yaml")


@pytest.mark.parametrize("deadline", ["2021年6月16日", "每月底", "全年持续推进", "2021年上半年"])
def test_no_warning_for_a_task_due_on_the_day_or_owed_by_period(small: Path, deadline: str) -> None:
    """GK208 is for a one-off day before signed (2021-06-16): not that day itself, not a recurring
    task (its earlier periods are not owed) nor continuous work; 上半年 ends after it."""
    tasks("    deadline: 2021年9月30日前", f"    deadline: {deadline}")(small)
    assert [d for d in load(small).diagnostics if d.code == "GK208"] == []
