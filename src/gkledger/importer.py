"""`gkledger import`: a 任务台账 table (rows of cells, from xlsx or CSV) to a tasks.yaml. Pure.

The table has the notice's columns — 序号, 任务名称, 具体任务, 责任单位, 完成时限, 备注 — under a header
row that may follow title rows. 任务名称 cells merged or left blank belong to the heading above; a
cell may hold the section (一、…), the item ((一)…) or both on two lines. Owners phrases that a
known ledger uses become its selectors; unknown phrases and unreadable deadlines are kept verbatim
and reported with their row for review. Nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gkledger.deadlines import DeadlineError, parse_deadline
from gkledger.edits import scalar
from gkledger.locate import TASKS_MODELINE
from gkledger.model import Selector, Term
from gkledger.tables import Cell, TableError

COLUMNS = ("序号", "任务名称", "具体任务", "责任单位", "完成时限", "备注")
REQUIRED = ("序号", "具体任务", "责任单位", "完成时限")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_ITEM = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")


@dataclass
class ImportedTask:
    row: int  # 1-based row of the table
    id: str
    section: str
    item: str | None
    text: str
    owners: str
    deadline: str
    remark: str | None
    owed_by: Selector | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Imported:
    tasks: list[ImportedTask]
    year: int
    title: str

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(task.row, problem) for task in self.tasks for problem in task.problems]


def normalise_phrase(text: str) -> str:
    """An owners phrase as compared: no spaces, no final full stop."""
    return re.sub(r"\s+", "", text).rstrip("。.")


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _header(rows: Sequence[Sequence[Cell]]) -> tuple[int, dict[str, list[int]]]:
    """The header row's number and each column's cells; a header merged over several columns (任务名称
    split into section and item columns, say) owns the unnamed columns after it."""
    for number, row in enumerate(rows[:20]):
        names = [re.sub(r"\s+", "", _text(cell)) for cell in row]
        if not all(name in names for name in REQUIRED):
            continue
        columns: dict[str, list[int]] = {}
        owner: str | None = None
        for index, name in enumerate(names):
            if name:
                owner = name if name in COLUMNS else None
                if owner is not None:
                    columns.setdefault(owner, []).append(index)
            elif owner is not None:
                columns[owner].append(index)
        return number, columns
    raise TableError("no header row with 序号, 具体任务, 责任单位 and 完成时限 in the first 20 rows")


def tasks_from_rows(
    rows: Sequence[Sequence[Cell]], year: int, title: str, known: dict[str, Selector]
) -> Imported:
    """The table's tasks; `known` maps normalised owners phrases to their selectors."""
    header, columns = _header(rows)
    section, item = "", None
    tasks: list[ImportedTask] = []

    def cell(row: Sequence[Cell], name: str) -> str:
        parts = (_text(row[i]) for i in columns.get(name, ()) if i < len(row))
        return "\n".join(part for part in parts if part)

    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        values = {name: cell(row, name) for name in COLUMNS}
        if not any(values.values()):
            continue
        for line in values["任务名称"].splitlines():
            line = line.strip()
            if _SECTION.match(line):
                section, item = line, None
            elif line:
                item = line
        task = ImportedTask(
            row=offset,
            id=values["序号"],
            section=section,
            item=item,
            text=values["具体任务"],
            owners=values["责任单位"],
            deadline=values["完成时限"],
            remark=values["备注"] or None,
            owed_by=known.get(normalise_phrase(values["责任单位"])),
        )
        if not task.id:
            task.id = f"行{offset}"
            task.problems.append(f"no 序号; given the id '{task.id}'")
        if not task.section:
            task.problems.append("no 任务名称 above this row")
        for name in ("具体任务", "责任单位", "完成时限"):
            if not values[name]:
                task.problems.append(f"{name} is empty")
        if task.owners and task.owed_by is None:
            task.problems.append(f"责任单位 '{task.owners}' is not a known phrase: write its owed_by")
        if task.deadline:
            try:
                parse_deadline(task.deadline, year)
            except DeadlineError as exc:
                task.problems.append(f"完成时限: {exc}")
        tasks.append(task)
    return Imported(tasks, year, title)


def selector_yaml(selector: Selector) -> str:
    return "[" + ", ".join(_term_yaml(term) for term in selector.terms) + "]"


def _term_yaml(term: Term) -> str:
    parts = []
    for key in ("unit", "kind", "level", "tag", "group", "role"):
        values: tuple[str, ...] = getattr(term, key)
        if values:
            shown = (
                scalar(values[0]) if len(values) == 1 else "[" + ", ".join(scalar(v) for v in values) + "]"
            )
            parts.append(f"{key}: {shown}")
    if term.with_children is not None:
        parts.append(f"with_children: {_term_yaml(term.with_children)}")
    return "{" + ", ".join(parts) + "}"


def to_yaml(imported: Imported, source_name: str) -> str:
    """tasks.yaml text; rows that need a look carry a `# REVIEW:` comment with the reason."""
    lines = [
        TASKS_MODELINE.rstrip("\n"),
        f"# The task ledger (任务台账) of {imported.title}, imported by gkledger from {source_name}.",
        "# Check it against the notice; rows marked REVIEW need a person.",
        "",
        "plan:",
        f"  title: {scalar(imported.title)}",
        f"  year: {imported.year}",
        "",
        "tasks:",
    ]
    for task in imported.tasks:
        for problem in task.problems:
            lines.append(f"  # REVIEW (row {task.row}): {problem}")
        lines.append(f"  - id: {json.dumps(task.id, ensure_ascii=False)}")
        lines.append(f"    section: {scalar(task.section)}")
        if task.item is not None:
            lines.append(f"    item: {scalar(task.item)}")
        lines.append(f"    text: {scalar(task.text)}")
        lines.append(f"    owners: {scalar(task.owners)}")
        if task.owed_by is not None:
            lines.append(f"    owed_by: {selector_yaml(task.owed_by)}")
        lines.append(f"    deadline: {scalar(task.deadline)}")
        if task.remark:
            lines.append(f"    remark: {scalar(task.remark)}")
        lines.append("")
    if not imported.tasks:
        lines[-1] = "tasks: []"
    return "\n".join(lines).rstrip("\n") + "\n"
