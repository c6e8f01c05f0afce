"""Fill-in forms (填报表): one workbook per unit for the units that live in Excel. openpyxl is an
optional extra; this module is imported only by `form`.

A form's visible sheet has a title, the unit, the day it was issued and the day it is due back,
cells for 填报人, 联系电话 and 审核人, and how to fill it in; then the header row 序号 | 具体任务 |
完成时限 | 到期日期 | 当前状态 | 完成日期 | 佐证链接 | 免办理由 | 说明 and one row per obligation,
late ones first and marked, each tall enough to show its task whole. Only the last four columns can
be edited (the sheet is protected without a password, to guide rather than to lock); 完成日期 is a
date cell with a date validation that warns. A hidden sheet carries the form's identity: the plan,
the unit, the day and a digest of the rows as issued; each row carries a token in a hidden column
(`core.formspec`). Each printed page has the unit, 第N页 共M页 and lines for 填报人 and 审核人.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gkledger.core.formspec import (
    EDITABLE,
    FORM_VERSION,
    HEADERS,
    IDENTITY_SHEET,
    SHEET_TITLE,
    TOKEN_HEADER,
    digest,
    plan_key,
    token,
)
from gkledger.core.model import Plan, Settings, Unit
from gkledger.core.status import Row
from gkledger.render.bulletin import cn_date
from gkledger.render.cellstyle import StyleCache
from gkledger.render.labels import ZH, task_cn
from gkledger.render.text import cell as cell_text
from gkledger.render.text import wrapped_lines

WIDTHS = (7, 48, 16, 12, 10, 13, 30, 20, 24, 4)

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_EDIT_FILL = PatternFill("solid", fgColor="FFF9E5")
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_LATE_FILL = PatternFill("solid", fgColor="FFC7CE")
_BOLD = Font(bold=True)


def row_height(text: str, width: int) -> float:
    """The height (points) that shows all of `text` wrapped in a column `width` wide."""
    return 15.0 * wrapped_lines(text, width) + 3


def _header_style(cell: Any) -> None:
    cell.font = _BOLD
    cell.fill = _HEAD_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _data_style(cell: Any, editable: bool, date: bool, late: bool) -> None:
    """A data cell's look: bordered and wrapped; open to edit and tinted; a date; a late status in red."""
    cell.border = _BORDER
    cell.alignment = _WRAP
    if editable:
        cell.protection = Protection(locked=False)
        cell.fill = _EDIT_FILL
    if date:
        cell.number_format = "yyyy-mm-dd"
    if late:
        cell.fill = _LATE_FILL
        cell.font = Font(bold=True, color="9C0006")


def _style(styles: StyleCache, cell: Any, editable: bool, date: bool, late: bool) -> None:
    styles.apply(cell, (editable, date, late), lambda made: _data_style(made, editable, date, late))


def _signers(sheet: Worksheet, styles: StyleCache) -> None:
    """填报人, 联系电话 and 审核人 (the unit's 负责人) on row 3, each a cell to fill in."""
    for column, label in ((1, "填报人"), (3, "联系电话"), (6, "审核人")):
        sheet.cell(row=3, column=column, value=label).font = _BOLD
        _style(styles, sheet.cell(row=3, column=column + 1), editable=True, date=False, late=False)
    _merge(sheet, "D3:E3")
    _merge(sheet, "G3:H3")


def _merge(sheet: Worksheet, cells: str) -> None:
    """Merge `cells` as a spreadsheet reads the merge, without openpyxl giving each covered cell
    a border of its own (a tenth of `form --all` for a province): nothing here is written in
    them, and no border is drawn round them."""
    sheet.merged_cells.add(MergedCellRange(sheet, cells))


def write_form(
    plan: Plan | None,
    unit: Unit,
    rows: list[Row],
    today: dt.date,
    reply_by: dt.date | None = None,
    settings: Settings | None = None,
) -> bytes:
    """The workbook for `unit`, one row per obligation in `rows`; finished ones are read-only. It
    asks for the form back by `reply_by` and names the office's 联系人 from `settings`."""
    settings = settings or Settings()
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET_TITLE
    key = plan_key(plan)
    title = f"{plan.title if plan else '任务台账'} · 完成情况填报表"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    due = f"    报送截止日期：{cn_date(reply_by)}" if reply_by else ""
    sheet["A2"] = f"填报单位：{unit.full_name}    截至日期：{cn_date(today)}{due}"
    styles = StyleCache()
    _signers(sheet, styles)
    office = settings.office or (plan.issuer if plan else None) or ""
    contact = "，".join(
        part
        for part in (
            f"联系人：{settings.contact}" if settings.contact else "",
            f"联系电话：{settings.phone}" if settings.phone else "",
        )
        if part
    )
    sheet["A4"] = (
        "填写说明：已完成的在“完成日期”填日期（如 2021-08-20），并填佐证链接；免于办理的填“免办理由”。"
        "逾期事项排在最前，状态标红。只有浅黄色单元格可以填写，其他单元格已锁定，请勿增删行列或改动序号。"
        + (f"请于{cn_date(reply_by)}前报送。" if reply_by else "")
        + (f"如有疑问，请联系{office}：{contact}。" if contact else "")
    )
    sheet["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    for line in (1, 2, 4):
        _merge(sheet, f"A{line}:{get_column_letter(len(HEADERS))}{line}")
    sheet.row_dimensions[4].height = 48
    header_row = 5
    for column, name in enumerate((*HEADERS, TOKEN_HEADER), start=1):
        styles.apply(sheet.cell(row=header_row, column=column, value=name), "header", _header_style)
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
        returned = row.review == "returned"  # open again: the unit enters its new completion
        record = None if returned else row.record
        finished = record is not None
        values: list[Any] = [
            task_cn(row),  # 9（7月）, as the unit reads it; the token keys the row by its label
            cell_text(row.task.text),
            row.task.deadline.text if row.task.deadline else "",
            row.due,
            ZH[row.status] + (f"（退回：{row.returned_reason or ''}）" if returned else ""),
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
            editable = HEADERS[column - 1] in EDITABLE if column <= len(HEADERS) else False
            late = column == 5 and row.status == "late"
            _style(styles, cell, editable and not finished, column in (4, 6), late)
        sheet.row_dimensions[line].height = row_height(row.task.text, WIDTHS[1])
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
    for footer in (sheet.oddFooter, sheet.evenFooter):
        if footer is None:
            continue
        footer.left.text = f"{unit.name} 填报表"
        footer.center.text = "第 &P 页 共 &N 页"
        footer.right.text = "填报人：            审核人："
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
