"""The shipped tasks.yaml against the notice itself: every row of the 任务台账, letter for letter.

The table is read straight out of the saved notice page (tests/fixtures), independently of the
ledger: a row starts with its 序号 alone on a line; its last three cells are 具体任务, 责任单位 and
完成时限; any cells before them are the 任务名称 headings (merged cells are empty in the source).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from typer.testing import Result

from .conftest import DATA, FIXTURES

NOTICE = FIXTURES / "notice-hohhot-2021-49.txt"

# Due dates read off the notice by hand; "ongoing" rows are 全年持续推进.
EXPECTED_DUE = {
    "1": "2021-12-31", "2": "2021-12-31", "3": "2021-12-31", "4": "2021-06-30", "5": "2021-08-31",
    "6": "ongoing", "7": "ongoing", "8": "2021-12-31", "9": "2021-10-31", "10": "ongoing",
    "11": "ongoing", "12": "ongoing", "13": "2021-12-31", "14": "2021-09-30", "15": "2021-08-31",
    "16": "2021-08-31", "17": "2021-09-30", "18": "2021-12-31", "19": "ongoing", "20": "ongoing",
    "21": "2021-06-30", "22": "2021-11-30", "23": "2021-11-30", "24": "ongoing", "25": "ongoing",
}  # fmt: skip


def notice_rows() -> list[dict[str, object]]:
    lines = NOTICE.read_text(encoding="utf-8").split("\n")
    start = lines.index(
        "呼和浩特市2021年政务公开工作要点任务台账",
        lines.index("附件:呼和浩特市2021年政务公开工作要点任务台账"),
    )
    header_end = lines.index("备注", start) + 1
    end = next(i for i in range(header_end, len(lines)) if lines[i].startswith("来源:"))
    rows: list[dict[str, object]] = []
    for cell in (line for line in lines[header_end:end] if line.strip()):
        if cell == str(len(rows) + 1):
            rows.append({"id": cell, "cells": []})
        else:
            cells = rows[-1]["cells"]
            assert isinstance(cells, list)
            cells.append(cell)
    return rows


@pytest.fixture(scope="module")
def ledger_tasks() -> list[dict[str, object]]:
    from typer.testing import CliRunner

    from gkledger.cli.app import app

    result = CliRunner().invoke(app, ["tasks", "--format", "json", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    tasks: list[dict[str, object]] = json.loads(result.stdout)
    return tasks


def test_the_notice_has_25_rows() -> None:
    assert [row["id"] for row in notice_rows()] == [str(i) for i in range(1, 26)]


def test_every_row_matches_the_notice_verbatim(ledger_tasks: list[dict[str, object]]) -> None:
    assert len(ledger_tasks) == 25
    section = item = None
    for row, task in zip(notice_rows(), ledger_tasks, strict=True):
        cells = row["cells"]
        assert isinstance(cells, list)
        *headings, text, owners, deadline = cells
        assert task["id"] == row["id"]
        assert (task["text"], task["owners"], task["deadline"]) == (text, owners, deadline)
        for heading in headings:
            if re.match(r"^[一二三四五]、", heading):
                section, item = heading, None
            else:
                item = heading
        if row["id"] == "7":  # the anomalous heading stays visible in the note
            assert "一、继续深化重点领域信息公开" in str(task["note"])
            assert task["section"] == "一、继续深化重点工作信息公开"
            assert task["item"] == "(二)细化市场监管领域信息公开。"
            section, item = task["section"], task["item"]
        elif row["id"] == "19":  # heading 三 repeated with no item: still (二), as in the body text
            assert task["section"] == section and task["item"] == "(二)完善政务公开平台。"
            assert "没有二级标题" in str(task["note"])
            item = task["item"]
        else:
            assert (task["section"], task["item"]) == (section, item)
        assert task["remark"] is None  # 备注 is empty in every row


def test_due_dates(ledger_tasks: list[dict[str, object]]) -> None:
    for task in ledger_tasks:
        expected = EXPECTED_DUE[str(task["id"])]
        assert task["ongoing"] is (expected == "ongoing"), task["id"]
        assert task["due"] == ("2021-12-31" if expected == "ongoing" else expected), task["id"]


def test_the_source_anomalies_are_noted(ledger_tasks: list[dict[str, object]]) -> None:
    notes = {t["id"]: str(t["note"] or "") for t in ledger_tasks}
    assert "不全" in notes["2"]
    assert "U+2002" in notes["12"] and "U+2002" in notes["13"]
    assert "\u2002\u2002 " in str(ledger_tasks[11]["text"])


def test_plan_metadata() -> None:
    from gkledger.store.load import load

    plan = load(DATA).ledger.plan
    assert plan is not None
    assert (plan.number, plan.year, str(plan.signed), str(plan.published)) == (
        "呼政办字〔2021〕49号", 2021, "2021-06-16", "2021-06-18",
    )  # fmt: skip


def test_tasks_json_contract(cli: Callable[..., Result]) -> None:
    result = cli("tasks", "--format", "json", "--data", str(DATA))
    first = json.loads(result.stdout)[0]
    assert {"id", "section", "item", "text", "owners", "deadline", "due", "ongoing"} <= set(first)
    assert isinstance(first["id"], str)
