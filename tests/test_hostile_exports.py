"""What `check` accepts, every export writes: control characters, noncharacters, line and paragraph
separators and a 40,000-character note, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.render.text import XLSX_CELL_LIMIT

from .conftest import write

Cli = Callable[..., Result]
TODAY = ("--today", "2021-09-01")

# As a YAML double-quoted scalar (what a file can hold) and as the text it means.
HOSTILE_YAML = r'"esc\x1b[31m nul\0 del\x7f c1\x85\x9b bell\x07 nonchar\uFFFE ls\u2028ps\u2029 end"'
HOSTILE = "esc\x1b[31m nul\x00 del\x7f c1\x85\x9b bell\x07 nonchar\ufffe ls\u2028ps\u2029 end"
LONG = "长" * 40_000
RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.fixture
def hostile(shipped: Path, cli: Cli) -> Path:
    write(
        shipped / "progress" / "回民区.yaml",
        f"- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n  note: {HOSTILE_YAML}\n"
        f"- task: '6'\n  unit: 回民区\n  done: 2021-08-21\n  note: {LONG}\n",
    )
    tasks = (shipped / "tasks.yaml").read_text(encoding="utf-8")
    marker = '  - id: "1"\n'
    assert marker in tasks
    write(shipped / "tasks.yaml", tasks.replace(marker, marker + f"    note: {HOSTILE_YAML}\n", 1))
    assert cli("check", "--data", str(shipped)).exit_code == 0
    return shipped


def export(cli: Cli, root: Path, fmt: str, out: Path) -> bytes:
    result = cli("export", "--format", fmt, "-o", str(out), *TODAY, "--data", str(root))
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_json_and_csv_keep_the_text_exactly(cli: Cli, hostile: Path, tmp_path: Path) -> None:
    rows = json.loads(export(cli, hostile, "json", tmp_path / "a.json"))
    notes = {row["task"]: row["note"] for row in rows if row["unit"] == "回民区"}
    assert notes["5"] == HOSTILE and notes["6"] == LONG
    text = export(cli, hostile, "csv", tmp_path / "a.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["note"] for r in rows if r["unit"] == "回民区" and r["task"] == "6"} == {LONG}


def test_xlsx_escapes_what_xml_cannot_hold_and_says_where_it_cut(
    cli: Cli, hostile: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    export(cli, hostile, "xlsx", tmp_path / "a.xlsx")
    book = load_workbook(tmp_path / "a.xlsx")
    values = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    escaped = [v for v in values if "esc\\x1b[31m" in v]
    assert escaped and all("nul\\x00" in v and "del\\x7f" in v for v in escaped)
    cut = [v for v in values if v.startswith("长长长")]
    assert cut and all(len(v) <= XLSX_CELL_LIMIT and "已截断" in v and "40,000" in v for v in cut)
    assert not any(RAW_CONTROLS.search(v) for v in values)


def test_html_escapes_what_html_cannot_hold(cli: Cli, hostile: Path, tmp_path: Path) -> None:
    page = export(cli, hostile, "html", tmp_path / "a.html").decode("utf-8")
    assert "esc\\x1b[31m" in page and not RAW_CONTROLS.search(page)
    assert LONG in page


def test_ics_holds_no_raw_control_bytes(cli: Cli, hostile: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    tasks = (hostile / "tasks.yaml").read_text(encoding="utf-8")
    write(hostile / "tasks.yaml", tasks.replace("    text: ", f"    text: {HOSTILE_YAML}\n    remark: ", 1))
    data = export(cli, hostile, "ics", tmp_path / "a.ics")
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", data)
    calendar = Calendar.from_ical(data)
    summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
    assert any("\\x1b" in s for s in summaries)
