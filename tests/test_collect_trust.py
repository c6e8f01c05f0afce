"""`collect` as a careless unit and a careless office would run it (#26, 1–4): a 序号 edited, a row
far below the others, damaged workbooks among good ones, and several runs of one form at once.
Each either records what the form says, on the task it was issued for, or refuses with the cell
named; what a run reports is what it did."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.store.load import load

from .test_forms import TODAY, hashes, rows_by_task

Cli = Callable[..., Result]
openpyxl = pytest.importorskip("openpyxl")


def form_of(cli: Cli, root: Path, unit: str, folder: Path) -> Path:
    path = folder / f"{unit}.xlsx"
    result = cli("form", "--unit", unit, "-o", str(path), *TODAY, "--data", str(root))
    assert result.exit_code == 0, result.output
    return path


def collect(cli: Cli, root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = cli("collect", *args, "--format", "json", *TODAY, "--data", str(root))
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else []


def records(root: Path) -> dict[tuple[str, str], object]:
    return {(r.task, r.unit): r.done for r in load(root).ledger.records}


# 1. the token binds a row to its task -----------------------------------------------------------


def test_swapped_numbers_are_refused_with_the_cell_named(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    rows = rows_by_task(sheet)
    first, second = "4", "5"
    sheet.cell(row=rows[first], column=1, value=second)
    sheet.cell(row=rows[second], column=1, value=first)
    sheet.cell(row=rows[first], column=6, value="2021-08-20")  # typed on task 4's row
    book.save(form)
    before = hashes(shipped)
    code, rows_out = collect(cli, shipped, str(form))
    assert code == 1
    refused = [r for r in rows_out if r["row"] == rows[first]]
    assert refused and refused[0]["state"] == "refused"
    assert f"A{rows[first]}" in str(refused[0]["detail"]) and "'4'" in str(refused[0]["detail"])
    assert hashes(shipped) == before


def test_a_sorted_form_is_still_taken_row_by_row(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    rows = rows_by_task(sheet)
    sheet.cell(row=rows["5"], column=6, value="2021-08-22")
    lines = [[c.value for c in sheet[r]] for r in sorted(rows.values())]
    for offset, values in enumerate(reversed(lines)):  # whole rows, the hidden token with them
        for column, value in enumerate(values, start=1):
            sheet.cell(row=min(rows.values()) + offset, column=column).value = value
    book.save(form)
    code, _rows = collect(cli, shipped, str(form))
    assert code == 0 and records(shipped)[("5", "回民区")].isoformat() == "2021-08-22"  # type: ignore[attr-defined]


# 2. every row is read, a value outside the form is an error ------------------------------------


def move_row(form: Path, task: str, to: int, done: str) -> None:
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    row = rows_by_task(sheet)[task]
    values = [c.value for c in sheet[row]]
    values[5] = done
    for column, value in enumerate(values, start=1):
        sheet.cell(row=to, column=column, value=value)
        sheet.cell(row=row, column=column).value = None
    book.save(form)


def declared_dimension(form: Path, ref: str) -> None:
    """Rewrite the sheet's <dimension>, as tools other than Excel sometimes leave it wrong."""
    out = io.BytesIO()
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(out, "w") as to:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), part)
            to.writestr(item, part)
    form.write_bytes(out.getvalue())


def test_a_filled_row_far_below_the_others_is_taken(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    move_row(form, "5", 6_000, "2021-08-22")
    declared_dimension(form, "A1:J30")
    code, rows = collect(cli, shipped, str(form))
    assert code == 0, rows
    assert [(r["row"], r["state"]) for r in rows if r["task"] == "5"] == [(6_000, "recorded")]
    assert ("5", "回民区") in records(shipped)


def test_more_filled_rows_than_a_form_holds_is_refused_loudly(
    cli: Cli, shipped: Path, tmp_path: Path
) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    for row in range(100, 10_200):
        sheet.cell(row=row, column=9, value="x")
    book.save(form)
    code, rows = collect(cli, shipped, str(form))
    assert code == 1 and rows[0]["state"] == "refused" and "10,000" in str(rows[0]["detail"])


def test_a_value_outside_the_forms_columns_is_refused(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    row = rows_by_task(sheet)["5"]
    sheet.cell(row=row, column=12, value="2021-08-22")  # L: typed one column too far right
    book.save(form)
    code, rows = collect(cli, shipped, str(form))
    assert code == 1 and any(f"L{row}" in str(r["detail"]) for r in rows)
    assert ("5", "回民区") not in records(shipped)


# 3. a damaged form is refused alone ---------------------------------------------------------------


def damaged(form: Path, how: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(out, "w") as to:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                if how == "truncated":
                    part = part[: len(part) // 2]
                elif how == "date-cell":
                    empty = rb'<c r="F(\d+)"[^>]*>(</c>)?'
                    part = re.sub(empty, rb'<c r="F\1" t="d"><v>not a date</v></c>', part, count=3)
                elif how == "cell-reference":
                    part = re.sub(rb'<c r="A(\d+)"', rb'<c r="A\1A"', part, count=3)
                elif how == "shared-string":
                    # a text cell (shared or inline) pointing past the end of the strings table
                    text = rb'<c r="B(\d+)"[^>]*t="(?:inlineStr|s)"[^>]*>(?:<is><t>[^<]*</t></is>|<v>\d+</v>)</c>'
                    part, n = re.subn(text, rb'<c r="B\1" t="s"><v>99999</v></c>', part, count=1)
                    assert n == 1
                elif how == "dtd":
                    part = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + part
            to.writestr(item, part)
    form.write_bytes(out.getvalue())


@pytest.mark.parametrize("how", ["truncated", "date-cell", "cell-reference", "shared-string", "dtd"])
def test_a_damaged_form_is_refused_and_the_others_taken(
    cli: Cli, shipped: Path, tmp_path: Path, how: str
) -> None:
    bad = form_of(cli, shipped, "回民区", tmp_path)
    good = form_of(cli, shipped, "玉泉区", tmp_path)
    book = openpyxl.load_workbook(good)
    book["填报"].cell(row=rows_by_task(book["填报"])["14"], column=6, value="2021-08-22")
    book.save(good)
    damaged(bad, how)
    code, rows = collect(cli, shipped, str(tmp_path))
    assert code == 1, rows
    assert any(r["state"] == "refused" and "回民区.xlsx" in str(r["file"]) for r in rows)
    assert ("14", "玉泉区") in records(shipped)


# 4. what a run reports is what it did ----------------------------------------------------------


def gk(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {"GKLEDGER_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "gkledger", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def race(shipped: Path, form: Path, runs: int, *extra: str) -> list[list[dict[str, object]]]:
    procs = [
        gk("collect", str(form), "--format", "json", *extra, *TODAY, "--data", str(shipped), cwd=shipped)
        for _ in range(runs)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        outputs.append(json.loads(out))
    return outputs


def test_racing_runs_report_each_record_once(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    filled = ["1", "2", "5", "6"]
    for task in filled:
        sheet.cell(row=rows_by_task(sheet)[task], column=6, value="2021-08-20")
    book.save(form)
    outputs = race(shipped, form, 6)
    recorded = [r["task"] for rows in outputs for r in rows if r["state"] == "recorded"]
    assert sorted(recorded) == sorted(filled)  # once each, in whichever run wrote it
    assert all(r["written"] == (r["state"] == "recorded") for rows in outputs for r in rows)
    for task in filled:
        book["填报"].cell(row=rows_by_task(book["填报"])[task], column=6, value="2021-08-25")
    book.save(form)
    replaced = [
        r["task"] for rows in race(shipped, form, 4, "--replace") for r in rows if r["state"] == "replaced"
    ]
    assert sorted(replaced) == sorted(filled)
    assert {records(shipped)[(t, "回民区")].isoformat() for t in filled} == {"2021-08-25"}  # type: ignore[attr-defined]


def test_a_dry_run_says_what_it_would_record(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    form = form_of(cli, shipped, "回民区", tmp_path)
    book = openpyxl.load_workbook(form)
    book["填报"].cell(row=rows_by_task(book["填报"])["5"], column=6, value="2021-08-22")
    book.save(form)
    shown = cli("collect", str(form), "--dry-run", *TODAY, "--data", str(shipped))
    assert shown.exit_code == 0 and "1 to be recorded" in shown.stdout and "1 recorded" not in shown.stdout
    code, rows = collect(cli, shipped, str(form), "--dry-run")
    assert code == 0 and [(r["state"], r["written"]) for r in rows] == [("recorded", False)]
