"""Fill-in forms (填报表): one workbook per unit for the units that live in Excel, and reading
them back. openpyxl is an optional extra; this module is imported only by `form` and `collect`.

A form's visible sheet has a title, the unit, the day it was issued and how to fill it in, then
the header row 序号 | 具体任务 | 完成时限 | 到期日期 | 当前状态 | 完成日期 | 佐证链接 | 免办理由 | 说明
and one row per obligation. Only the last four columns can be edited (the sheet is protected
without a password, to guide rather than to lock); 完成日期 is a date cell with a date validation
that warns. A hidden sheet carries the form's identity: the plan, the unit, the day and a digest
of the rows as issued; each row carries a token in a hidden column, derived from the plan, the
unit and the task, so that a row pasted in from another unit's form, or a 序号 edited, is known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gkledger.core.dates import parse_typed_date
from gkledger.core.model import Plan, Unit
from gkledger.core.status import Row
from gkledger.i18n import _, _f
from gkledger.intake.tables import TableError, read_xlsx_book
from gkledger.render.labels import ZH
from gkledger.render.text import cell as cell_text

HEADERS = ("序号", "具体任务", "完成时限", "到期日期", "当前状态", "完成日期", "佐证链接", "免办理由", "说明")
EDITABLE = ("完成日期", "佐证链接", "免办理由", "说明")
TOKEN_HEADER = "校验"
IDENTITY_SHEET = "gkledger"
FORM_VERSION = "1"
SHEET_TITLE = "填报"
WIDTHS = (7, 48, 16, 12, 10, 13, 30, 20, 24, 4)

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_EDIT_FILL = PatternFill("solid", fgColor="FFF9E5")
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")


def plan_key(plan: Plan | None) -> str:
    """What names a plan across issues of its forms: its number (文号), else title, and year."""
    if plan is None:
        return ""
    return f"{plan.number or plan.title}|{plan.year}"


def token(plan: str, unit: str, task: str) -> str:
    """A row's token: the same for every issue of the unit's form, different for any other unit,
    plan or task. Not a secret (anyone may read the code): it tells mistakes, not forgeries."""
    return hashlib.blake2b(f"{plan}\0{unit}\0{task}".encode(), digest_size=6).hexdigest()


def digest(rows: Sequence[tuple[str, str]]) -> str:
    """The rows a form was issued with (task, due day), to know an older issue from the current one."""
    return hashlib.blake2b(json.dumps(rows, ensure_ascii=False).encode(), digest_size=12).hexdigest()


def write_form(plan: Plan | None, unit: Unit, rows: list[Row], today: dt.date) -> bytes:
    """The workbook for `unit`, one row per obligation in `rows`; finished ones are read-only."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET_TITLE
    key = plan_key(plan)
    title = f"{plan.title if plan else '任务台账'} · 完成情况填报表"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"填报单位：{unit.full_name}    截至日期：{today.isoformat()}"
    sheet["A3"] = (
        "填写说明：已完成的在“完成日期”填日期（如 2021-08-20），并填佐证链接；免于办理的填“免办理由”。"
        "其他单元格已锁定，请勿改动；整行顺序可以调整，空行会被跳过。"
    )
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    for line in (1, 2, 3):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(HEADERS))
    sheet.row_dimensions[3].height = 32
    header_row = 4
    for column, name in enumerate((*HEADERS, TOKEN_HEADER), start=1):
        cell = sheet.cell(row=header_row, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    sheet.column_dimensions[get_column_letter(len(HEADERS) + 1)].hidden = True
    validation = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="DATE(2099,12,31)",
        errorStyle="warning",
        showErrorMessage=True,
        errorTitle="完成日期",
        error="请填写日期，如 2021-08-20",
        promptTitle="完成日期",
        prompt="已完成的填完成日期，如 2021-08-20",
        showInputMessage=True,
    )
    sheet.add_data_validation(validation)
    issued = []
    for offset, row in enumerate(rows):
        line = header_row + 1 + offset
        record = row.record
        finished = record is not None
        values: list[Any] = [
            row.task_label,
            cell_text(row.task.text),
            row.task.deadline.text if row.task.deadline else "",
            row.due,
            ZH[row.status],
            record.done if record else None,
            record.evidence if record else None,
            record.waived if record else None,
            record.note if record else None,
            token(key, unit.name, row.task_label),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(
                row=line, column=column, value=cell_text(value) if isinstance(value, str) else value
            )
            if isinstance(value, str):
                cell.data_type = "s"
            cell.border = _BORDER
            cell.alignment = _WRAP
            editable = HEADERS[column - 1] in EDITABLE if column <= len(HEADERS) else False
            if editable and not finished:
                cell.protection = Protection(locked=False)
                cell.fill = _EDIT_FILL
        sheet.cell(row=line, column=4).number_format = "yyyy-mm-dd"
        sheet.cell(row=line, column=6).number_format = "yyyy-mm-dd"
        if not finished:
            validation.add(sheet.cell(row=line, column=6))
        issued.append((row.task_label, row.due.isoformat()))
    sheet.freeze_panes = f"C{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.protection.sheet = True  # no password: it guides, it does not lock anyone out
    sheet.protection.formatRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    identity = book.create_sheet(IDENTITY_SHEET)
    for pair in (
        ("form", FORM_VERSION),
        ("plan", key),
        ("unit", unit.name),
        ("issued", today.isoformat()),
        ("rows", digest(issued)),
    ):
        identity.append(pair)
    identity.sheet_state = "veryHidden"
    identity.protection.sheet = True
    book.properties.title = title
    book.properties.subject = f"gkledger form {unit.name}"
    book.properties.creator = "gkledger"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading a form back
# ---------------------------------------------------------------------------------------------


@dataclass
class FilledRow:
    """One data row as the unit left it; `line` is the sheet's row number."""

    line: int
    task: str
    token: str
    done: Any  # a date, a datetime, a text to read, or None
    evidence: str | None
    waived: str | None
    note: str | None
    columns: dict[str, str]  # header -> column letter, for messages


@dataclass
class ReadForm:
    plan: str | None
    unit: str | None
    issued: str | None
    rows_digest: str | None
    rows: list[FilledRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the file as a whole cannot be taken


def read_form(data: bytes) -> ReadForm:
    try:
        book = read_xlsx_book(data)
    except TableError as exc:
        return ReadForm(None, None, None, None, problems=[str(exc)])
    identity: dict[str, str] = {}
    if IDENTITY_SHEET in book.sheetnames:
        for values in book[IDENTITY_SHEET].iter_rows(values_only=True, max_col=2, max_row=50):
            if values and values[0] is not None:
                identity[str(values[0])] = "" if len(values) < 2 or values[1] is None else str(values[1])
    form = ReadForm(identity.get("plan"), identity.get("unit"), identity.get("issued"), identity.get("rows"))
    if not identity:
        form.problems.append(_("not a gkledger form: its identity sheet is missing"))
        return form
    sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
    grid = [
        list(values) for values in sheet.iter_rows(values_only=True, max_col=len(HEADERS) + 4, max_row=5000)
    ]
    header_at = next(
        (
            i
            for i, values in enumerate(grid[:30])
            if [_text(v) for v in values[: len(HEADERS)]] == list(HEADERS)
        ),
        None,
    )
    if header_at is None:
        form.problems.append(_f("no header row {headers}", headers=" | ".join(HEADERS)))
        return form
    names = [_text(v) for v in grid[header_at]]
    columns = {name: get_column_letter(i + 1) for i, name in enumerate(names) if name}
    where = {name: names.index(name) for name in (*HEADERS, TOKEN_HEADER) if name in names}
    if TOKEN_HEADER not in where:
        form.problems.append(_f("the hidden column {column} was removed", column=TOKEN_HEADER))
        return form
    for offset, values in enumerate(grid[header_at + 1 :], start=header_at + 2):

        def get(name: str, values: list[Any] = values) -> Any:
            index = where[name]
            return values[index] if index < len(values) else None

        if all(v is None or _text(v) == "" for v in values):
            continue  # blank separator rows are fine
        form.rows.append(
            FilledRow(
                line=offset,
                task=_text(get("序号")),
                token=_text(get(TOKEN_HEADER)),
                done=get("完成日期"),
                evidence=_text(get("佐证链接")) or None,
                waived=_text(get("免办理由")) or None,
                note=_text(get("说明")) or None,
                columns=columns,
            )
        )
    return form


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_date(value: Any, year: int) -> dt.date | None:
    """A 完成日期 as units type it: an Excel date, 2021-08-20, 2021/8/20, 2021年8月20日, or 8月20日
    (the plan's year); None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    return parse_typed_date(value, year)
