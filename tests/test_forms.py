"""The 报送 loop: forms written for units, filled in with openpyxl as a unit would, collected back
(twice: the second time adds nothing), and tampered forms refused with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from gkledger.store.load import load

Cli = Callable[..., Result]
TODAY = ("--today", "2021-09-01")
HEADERS = ["序号", "具体任务", "完成时限", "到期日期", "当前状态", "完成日期", "佐证链接", "免办理由", "说明"]

openpyxl = pytest.importorskip("openpyxl")


def hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def make_forms(cli: Cli, root: Path, out: Path) -> None:
    result = cli("form", "--all", "-o", str(out), *TODAY, "--data", str(root))
    assert result.exit_code == 0, result.output


def header_row(sheet: Any) -> int:
    for row in sheet.iter_rows(min_row=1, max_row=10):
        if [c.value for c in row[:9]] == HEADERS:
            return int(row[0].row)
    raise AssertionError("no header row")


def rows_by_task(sheet: Any) -> dict[str, int]:
    start = header_row(sheet)
    return {
        str(sheet.cell(row=r, column=1).value): r
        for r in range(start + 1, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value
    }


def fill(
    path: Path, answers: dict[str, dict[str, Any]], *, sort: bool = False, blank_row: bool = False
) -> None:
    """Fill a form as a unit would: type into the editable cells, maybe sort rows, add a blank row."""
    book = openpyxl.load_workbook(path)
    sheet = book["填报"]
    column = {name: i + 1 for i, name in enumerate(HEADERS)}
    for task, values in answers.items():
        row = rows_by_task(sheet)[task]
        for name, value in values.items():
            sheet.cell(row=row, column=column[name], value=value)
    start = header_row(sheet)
    if sort:  # whole rows, hidden column included, in reverse
        lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=start + 1, max_row=sheet.max_row)]
        for offset, values in enumerate(reversed(lines)):
            for col, value in enumerate(values, start=1):
                sheet.cell(row=start + 1 + offset, column=col).value = value  # cell(value=None) keeps the old
    if blank_row:
        sheet.insert_rows(start + 2)
    book.save(path)


def test_form_layout_protection_and_identity(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    path = tmp_path / "回民区.xlsx"
    result = cli("form", "--unit", "回民区", "-o", str(path), *TODAY, "--data", str(shipped))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    sheet = book["填报"]
    start = header_row(sheet)
    assert sheet["A2"].value == "填报单位：回民区    截至日期：2021年9月1日    报送截止日期：2021年9月8日"
    assert [sheet.cell(3, c).value for c in (1, 3, 6)] == ["填报人", "联系电话", "审核人"]
    assert not any(sheet.cell(3, c).protection.locked for c in (2, 4, 7))  # each a cell to fill in
    instructions = str(sheet["A4"].value)
    assert "顺序" not in instructions and "请于2021年9月8日前报送" in instructions  # no promise of sorting
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页" and "审核人" in sheet.oddFooter.right.text
    statuses = [sheet.cell(r, 5).value for r in range(start + 1, sheet.max_row + 1)]
    late = [s == "逾期" for s in statuses]
    assert any(late) and late == sorted(late, reverse=True)  # the late rows first
    assert sheet.cell(start + 1, 5).fill.fgColor.rgb.endswith("FFC7CE")  # and marked
    for r in range(start + 1, sheet.max_row + 1):  # each row tall enough for its task's text
        text = str(sheet.cell(r, 2).value)
        assert sheet.row_dimensions[r].height >= 15 * (1.7 * len(text) // 47)
    assert sheet.protection.sheet and not sheet.protection.password
    first = start + 1
    locked = {HEADERS[c - 1]: sheet.cell(row=first, column=c).protection.locked for c in range(1, 10)}
    assert [h for h, is_locked in locked.items() if not is_locked] == [
        "完成日期",
        "佐证链接",
        "免办理由",
        "说明",
    ]
    assert any("F" in str(v.sqref) and v.type == "date" for v in sheet.data_validations.dataValidation)
    identity = book["gkledger"]
    assert identity.sheet_state == "veryHidden"
    values = {r[0]: r[1] for r in identity.iter_rows(values_only=True)}
    assert values["unit"] == "回民区" and values["issued"] == "2021-09-01"


def test_collect_reads_forms_back_and_twice_adds_nothing(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    make_forms(cli, shipped, forms)
    fill(
        forms / "回民区-填报表.xlsx",
        {
            "1": {"完成日期": dt.datetime(2021, 8, 20), "佐证链接": "https://example.gov.cn/1.html"},
            "2": {"完成日期": "2021/8/21", "说明": "已在门户网站公开"},
            "5": {"完成日期": "2021年8月22日"},
            "6": {"完成日期": "8月23日"},
            "19": {"免办理由": "本级不编印政府公报"},
        },
        sort=True,
        blank_row=True,
    )
    fill(forms / "玉泉区-填报表.xlsx", {"14": {"完成日期": "2021-08-30"}})
    first = cli("collect", str(forms), "--format", "json", *TODAY, "--data", str(shipped))
    assert first.exit_code == 0, first.output
    states = {(r["unit"], r["task"]): r["state"] for r in json.loads(first.stdout) if r["task"]}
    assert states == {("回民区", t): "recorded" for t in ("1", "2", "5", "6", "19")} | {
        ("玉泉区", "14"): "recorded"
    }
    records = {(r.task, r.unit): r for r in load(shipped).ledger.records}
    assert records[("1", "回民区")].done == dt.date(2021, 8, 20)
    assert records[("1", "回民区")].evidence == "https://example.gov.cn/1.html"
    assert records[("2", "回民区")].note == "已在门户网站公开"
    assert records[("6", "回民区")].done == dt.date(2021, 8, 23)
    assert records[("19", "回民区")].waived == "本级不编印政府公报"
    assert cli("check", "--data", str(shipped)).exit_code == 0
    before = hashes(shipped)
    second = cli("collect", str(forms), "--format", "json", *TODAY, "--data", str(shipped))
    assert second.exit_code == 0
    assert {r["state"] for r in json.loads(second.stdout)} == {"unchanged"}
    assert hashes(shipped) == before
    status = cli("status", "--unit", "回民区", "--all", "--format", "json", *TODAY, "--data", str(shipped))
    assert {r["task"]: r["status"] for r in json.loads(status.stdout)}["19"] == "waived"


def test_a_different_answer_is_refused_unless_replace(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    make_forms(cli, shipped, forms)
    form = forms / "回民区-填报表.xlsx"
    fill(form, {"5": {"完成日期": "2021-08-22"}})
    assert cli("collect", str(form), *TODAY, "--data", str(shipped)).exit_code == 0
    fill(form, {"5": {"完成日期": "2021-08-25"}})
    refused = cli("collect", str(form), "--format", "json", *TODAY, "--data", str(shipped))
    assert refused.exit_code == 1 and "--replace" in refused.stdout
    replaced = cli("collect", str(form), "--replace", *TODAY, "--data", str(shipped))
    assert replaced.exit_code == 0
    assert {r.task: r.done for r in load(shipped).ledger.records}["5"] == dt.date(2021, 8, 25)


def copy_row(source: Path, task: str, target: Path) -> None:
    """Paste a whole row (hidden column included) of one form under the last row of another."""
    book = openpyxl.load_workbook(source)
    sheet = book["填报"]
    values = [c.value for c in sheet[rows_by_task(sheet)[task]]]
    other = openpyxl.load_workbook(target)
    target_sheet = other["填报"]
    line = target_sheet.max_row + 1
    for col, value in enumerate(values, start=1):
        target_sheet.cell(row=line, column=col, value=value)
    other.save(target)


@pytest.mark.parametrize("tamper", ["row of another unit", "task not owed", "bad date", "another plan"])
def test_a_tampered_form_is_refused_whole(cli: Cli, shipped: Path, tmp_path: Path, tamper: str) -> None:
    forms = tmp_path / "forms"
    make_forms(cli, shipped, forms)
    form = forms / "回民区-填报表.xlsx"
    fill(form, {"5": {"完成日期": "2021-08-22"}})
    if tamper == "row of another unit":
        other = forms / "玉泉区-填报表.xlsx"
        fill(other, {"14": {"完成日期": "2021-08-22"}})
        book = openpyxl.load_workbook(form)  # 回民区 owes 14 too; the row is 玉泉区's all the same
        sheet = book["填报"]
        sheet.delete_rows(rows_by_task(sheet)["14"])
        book.save(form)
        copy_row(other, "14", form)
    elif tamper == "task not owed":
        book = openpyxl.load_workbook(form)
        sheet = book["填报"]
        sheet.cell(row=rows_by_task(sheet)["5"], column=1, value="3")  # 回民区 does not owe task 3
        book.save(form)
    elif tamper == "bad date":
        fill(form, {"6": {"完成日期": "上周"}})
    else:
        book = openpyxl.load_workbook(form)
        book["gkledger"]["B2"] = "呼政办字〔2020〕1号|2020"
        book.save(form)
    before = hashes(shipped)
    result = cli("collect", str(form), "--format", "json", *TODAY, "--data", str(shipped))
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert all(r["state"] == "refused" for r in rows)
    if tamper != "another plan":
        assert any(r["row"] for r in rows)  # the problem names its row
    assert hashes(shipped) == before


def test_a_tampered_form_does_not_stop_the_others(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    make_forms(cli, shipped, forms)
    fill(forms / "回民区-填报表.xlsx", {"5": {"完成日期": "下周"}})
    fill(forms / "玉泉区-填报表.xlsx", {"14": {"完成日期": "2021-08-22"}})
    result = cli("collect", str(forms), "--format", "json", *TODAY, "--data", str(shipped))
    assert result.exit_code == 1
    pairs = {(r.task, r.unit) for r in load(shipped).ledger.records}
    assert pairs == {("14", "玉泉区")}


def test_dry_run_writes_nothing(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    make_forms(cli, shipped, forms)
    fill(forms / "回民区-填报表.xlsx", {"5": {"完成日期": "2021-08-22"}})
    before = hashes(shipped)
    result = cli("collect", str(forms), "--dry-run", *TODAY, "--data", str(shipped))
    assert result.exit_code == 0 and "dry run" in result.stdout
    assert hashes(shipped) == before
