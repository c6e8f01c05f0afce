"""Excel: the one module that imports openpyxl (an optional extra, imported lazily) — the export,
and reading a 台账 workbook for `gkledger import`.

Sheet 1 is the 台账 in the notice's own layout (序号, 任务名称, 具体任务, 责任单位, 完成时限, 备注) with how
each row stands; sheet 2 the matrix of tasks × units with 红黄绿 fills; sheet 3 the per-unit counts and
按期办结率; sheet 4 the completion records with their evidence. Every sheet has its header
frozen and repeated on printed pages, A4 landscape.

Text from the data is always written as text, never as a formula: a note reading `=HYPERLINK(…)`
shows as those characters in Excel and WPS.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gkledger.render.labels import ZH
from gkledger.render.text import cell as cell_text
from gkledger.reports import Report
from gkledger.status import Status

FILLS: dict[Status, str] = {
    "late": "F8CBAD",
    "due-soon": "FFE699",
    "pending": "E2EFDA",
    "ongoing": "E2EFDA",
    "done": "A9D08E",
    "done-late": "C6E0B4",
    "waived": "EDEDED",
}
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

LEDGER_HEADERS = ("序号", "任务名称", "具体任务", "责任单位", "完成时限", "备注", "到期日期", "办理情况")
LEDGER_WIDTHS = (6, 24, 60, 24, 14, 10, 12, 30)
SUMMARY_HEADERS = (
    "单位",
    "类别",
    "逾期",
    "临期",
    "在办",
    "按期完成",
    "逾期完成",
    "免办",
    "总数",
    "已到期",
    "按期办结率",
)


def _set(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text is forced to stay text, whatever its first character."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)  # cells are written before any merge
    if isinstance(value, str):
        value = cell_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            cell.quotePrefix = True
    cell.border = BORDER
    return cell


def _header(
    sheet: Worksheet, headers: tuple[str, ...] | list[str], widths: tuple[int, ...] | list[int]
) -> None:
    for col, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _set(sheet, 1, col, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "B2"
    sheet.print_title_rows = "1:1"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True


def _standing(line_summary: Any) -> str:
    counts = line_summary.counts
    parts = [f"{ZH[s]} {counts[s]}" for s in ("late", "due-soon") if counts[s]]
    finished = counts["done"] + counts["done-late"] + counts["waived"]
    parts.append(f"已办结 {finished}/{line_summary.total}")
    return "，".join(parts)


def _ledger_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = "任务台账"
    _header(sheet, LEDGER_HEADERS, LEDGER_WIDTHS)
    previous: tuple[str, str | None] | None = None
    run_start = 2
    for offset, line in enumerate(report.tasks):
        row = offset + 2
        task = line.task
        name = (task.section, task.item)
        values = (
            task.id,
            "\n".join(part for part in name if part),
            task.text,
            task.owners,
            task.deadline.text if task.deadline else "",
            task.remark or "",
            task.deadline.due if task.deadline else None,
            _standing(line.summary),
        )
        for col, value in enumerate(values, start=1):
            cell = _set(sheet, row, col, value)
            cell.alignment = CENTER if col in (1, 5, 7) else WRAP
        sheet.cell(row=row, column=7).number_format = "yyyy-mm-dd"
        sheet.row_dimensions[row].height = _height(zip(values[2:4], LEDGER_WIDTHS[2:4], strict=True))
        if line.summary.counts["late"]:
            sheet.cell(row=row, column=8).fill = PatternFill("solid", fgColor=FILLS["late"])
        if name != previous:  # merge the 任务名称 cells of a run, as the notice does
            _merge_run(sheet, run_start, row - 1)
            run_start, previous = row, name
    _merge_run(sheet, run_start, len(report.tasks) + 1)


def _height(cells: Iterable[tuple[object, int]]) -> float:
    """A row height (points) that shows every line of wrapped text, since neither openpyxl nor a
    printed page sizes rows by themselves: a Chinese character is about two width units."""
    lines = 1
    for value, width in cells:
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value or ""))
        lines = max(lines, -(-units // max(1, width - 1)))
    return 15.0 * lines + 2


def _merge_run(sheet: Worksheet, first: int, last: int) -> None:
    if last > first:
        sheet.merge_cells(start_row=first, start_column=2, end_row=last, end_column=2)


def _matrix_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = "办理矩阵"
    headers = ["序号", "具体任务", "完成时限", *(unit.name for unit in report.units)]
    widths = [6, 36, 12, *(max(6, min(14, 2 * len(unit.name) + 1)) for unit in report.units)]
    _header(sheet, headers, widths)
    sheet.freeze_panes = "D2"
    # Forty-odd unit columns shrunk onto one A4 page are unreadable: print across pages instead,
    # each repeating the task columns.
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    sheet.print_title_cols = "A:C"
    for offset, line in enumerate(report.tasks):
        row = offset + 2
        _set(sheet, row, 1, line.task.id).alignment = CENTER
        _set(sheet, row, 2, line.task.text).alignment = WRAP
        deadline = line.task.deadline.text if line.task.deadline else ""
        _set(sheet, row, 3, deadline).alignment = CENTER
        for col, unit in enumerate(report.units, start=4):
            status = report.status(line.task, unit)
            cell = _set(sheet, row, col, ZH[status] if status else "")
            cell.alignment = CENTER
            if status:
                cell.fill = PatternFill("solid", fgColor=FILLS[status])
        sheet.row_dimensions[row].height = _height([(line.task.text, widths[1])])


def _summary_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = "单位汇总"
    _header(sheet, SUMMARY_HEADERS, (22, 10, 7, 7, 7, 9, 9, 7, 7, 8, 12))
    for offset, summary in enumerate(report.by_unit):
        row = offset + 2
        counts = summary.counts
        unit = summary.unit
        values: tuple[Any, ...] = (
            unit.name if unit else "全部",
            unit.kind if unit else "",
            counts["late"],
            counts["due-soon"],
            counts["pending"] + counts["ongoing"],
            counts["done"],
            counts["done-late"],
            counts["waived"],
            summary.total,
            summary.due_so_far,
            summary.on_time_rate,
        )
        for col, value in enumerate(values, start=1):
            _set(sheet, row, col, value)
        rate = sheet.cell(row=row, column=11)
        rate.number_format = "0%"
        if counts["late"]:
            sheet.cell(row=row, column=3).fill = PatternFill("solid", fgColor=FILLS["late"])


RECORD_HEADERS = ("序号", "单位", "状态", "完成日期", "免办理由", "证据 Evidence", "备注 Note", "记录位置")


def _records_sheet(sheet: Worksheet, report: Report, entered: dict[tuple[str, str], dt.date] | None) -> None:
    sheet.title = "办结记录"
    headers = RECORD_HEADERS if entered is None else (*RECORD_HEADERS, "登记日期")
    _header(sheet, headers, (6, 20, 12, 12, 20, 40, 30, 30, 12)[: len(headers)])
    row = 1
    for obligation in report.rows:
        record = obligation.record
        if record is None:
            continue
        row += 1
        values: list[object] = [
            obligation.task_label,
            obligation.unit.name,
            ZH[obligation.status],
            record.done,
            record.waived or "",
            record.evidence or "",
            record.note or "",
            str(record.source),
        ]
        if entered is not None:
            values.append(entered.get((obligation.task.id, obligation.unit.name), "未提交"))
        for col, value in enumerate(values, start=1):
            _set(sheet, row, col, value).alignment = WRAP
        sheet.cell(row=row, column=4).number_format = "yyyy-mm-dd"
        if entered is not None:
            sheet.cell(row=row, column=9).number_format = "yyyy-mm-dd"


def to_xlsx(report: Report, entered: dict[tuple[str, str], dt.date] | None = None) -> bytes:
    """The workbook; with `entered` (a ledger in git), the records sheet gains 登记日期."""
    workbook = Workbook()
    first = workbook.active
    assert isinstance(first, Worksheet)
    _ledger_sheet(first, report)
    _matrix_sheet(workbook.create_sheet(), report)
    _summary_sheet(workbook.create_sheet(), report)
    _records_sheet(workbook.create_sheet(), report, entered)
    plan = report.plan
    workbook.properties.title = (plan.attachment or plan.title) if plan else "任务台账"
    workbook.properties.creator = "gkledger"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
