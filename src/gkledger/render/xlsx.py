"""Excel: the one module that imports openpyxl (an optional extra, imported lazily) — the export,
and reading a 台账 workbook for `gkledger import`.

Sheet 1 is the 台账 in the notice's own layout (序号, 任务名称, 具体任务, 责任单位, 完成时限, 备注) with how
each row stands; then one matrix of tasks × units per kind of unit (旗县区, 委办局 …), each status
its own colour with a legend; the per-unit counts and 按期办结率 with a 合计 row; the completion
records with their evidence as links. Every sheet starts with a title row (the plan, 截至日期),
has its header frozen, repeated on printed pages and filterable (the lists), prints A4 landscape
fitted to the page width, with the title in the page header and 第N页 共M页 in the footer.

Text from the data is always written as text, never as a formula: a note reading `=HYPERLINK(…)`
shows as those characters in Excel and WPS.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gkledger.core.model import Unit
from gkledger.core.scoring import Score
from gkledger.core.status import Status
from gkledger.render.cellstyle import StyleCache
from gkledger.render.labels import MARKS, RATE_NUMBER_FORMAT, ZH, task_cn, task_short
from gkledger.render.text import cell as cell_text
from gkledger.render.text import wrapped_lines
from gkledger.views.reports import Report, matrix_groups

FILLS: dict[Status, str] = {  # each status its own colour: 逾期完成 is not 未到期
    "late": "F8CBAD",
    "due-soon": "FFE699",
    "reported": "BDD7EE",
    "pending": "DDEBF7",
    "ongoing": "E2EFDA",
    "done": "A9D08E",
    "done-late": "F4B183",
    "waived": "D9D9D9",
}
FIRST_ROW = 3  # row 1: the title; row 2: the header
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
LINK_FONT = Font(color="0563C1", underline="single")
_SPACE = re.compile(r"\s")

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


_STYLES: weakref.WeakKeyDictionary[Workbook, StyleCache] = weakref.WeakKeyDictionary()


def _set(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    alignment: Alignment | None = None,
    fill: str | None = None,
    number_format: str | None = None,
    font: Font | None = None,
) -> Cell:
    """Write a value; text is forced to stay text, whatever its first character. The cell is
    bordered, aligned, filled (a colour of FILLS) and formatted by its workbook's `StyleCache`."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)  # cells are written before any merge
    if isinstance(value, str):
        value = cell_text(value)
    cell.value = value
    quoted = False
    if isinstance(value, str):
        cell.data_type = "s"
        quoted = value[:1] in ("=", "+", "-", "@", "\t", "\r")

    def make(made: Cell) -> None:
        made.border = BORDER
        if alignment is not None:
            made.alignment = alignment
        if fill is not None:
            made.fill = PatternFill("solid", fgColor=fill)
        if number_format is not None:
            made.number_format = number_format
        if font is not None:
            made.font = font
        made.quotePrefix = quoted

    book = sheet.parent
    assert book is not None
    key = (id(alignment), fill, number_format, quoted, id(font))  # the module's own: ids are stable
    _STYLES.setdefault(book, StyleCache()).apply(cell, key, make)
    return cell


def _header(
    sheet: Worksheet,
    headers: tuple[str, ...] | list[str],
    widths: tuple[int, ...] | list[int],
    title: str,
    rotate_from: int | None = None,
) -> None:
    """The title row (the plan and 截至日期) over every column, the header row under it, and the
    print settings: A4 landscape, one page wide, header rows repeated, title in the page header,
    第N页 共M页 in the footer. Header cells from column `rotate_from` are set vertically (unit names
    over narrow status columns)."""
    end = get_column_letter(len(headers))
    top = _set(sheet, 1, 1, title)
    top.font = Font(bold=True, size=14)
    top.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top.border = Border()
    sheet.merge_cells(f"A1:{end}1")  # across the sheet's real width, on as many lines as it takes
    lines = wrapped_lines(title, (sum(widths) - 1) * 11 / 14)  # 14-point characters in 11-point units
    sheet.row_dimensions[1].height = 22 * lines + 4
    for col, (name, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _set(sheet, 2, col, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        vertical = rotate_from is not None and col >= rotate_from
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True, text_rotation=255 if vertical else 0
        )
        sheet.column_dimensions[get_column_letter(col)].width = width
    if rotate_from is not None:
        sheet.row_dimensions[2].height = 17 * max(3, max(len(h) for h in headers[rotate_from - 1 :]))
    sheet.freeze_panes = "B3"
    sheet.print_title_rows = "2:2"  # the title is the page header on every page after the first
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    for header in (sheet.oddHeader, sheet.evenHeader):
        if header is not None:
            header.center.text = title.replace("&", "&&")  # & starts a code in a page header
    for footer in (sheet.oddFooter, sheet.evenFooter):
        if footer is not None:
            footer.center.text = "第 &P 页 共 &N 页"


def _title(report: Report) -> str:
    plan = report.plan
    name = (plan.attachment or plan.title) if plan else "任务台账"
    return f"{name}（截至{report.today.year}年{report.today.month}月{report.today.day}日）"


def _filter(sheet: Worksheet, columns: int, last_row: int) -> None:
    """An autofilter over a list's header and rows."""
    sheet.auto_filter.ref = f"A2:{get_column_letter(columns)}{max(2, last_row)}"


def _standing(line_summary: Any) -> str:
    counts = line_summary.counts
    parts = [f"{ZH[s]} {counts[s]}" for s in ("late", "due-soon") if counts[s]]
    finished = counts["done"] + counts["done-late"]  # 免办 is settled, never counted as 办结
    parts.append(f"已办结 {finished}/{line_summary.total}")
    return "，".join(parts)


def _ledger_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = "任务台账"
    _header(sheet, LEDGER_HEADERS, LEDGER_WIDTHS, _title(report))
    previous: tuple[str, str | None] | None = None
    run_start = FIRST_ROW
    for offset, line in enumerate(report.tasks):
        row = offset + FIRST_ROW
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
            _set(
                sheet,
                row,
                col,
                value,
                CENTER if col in (1, 5, 7) else WRAP,
                None,
                "yyyy-mm-dd" if col == 7 else None,
            )
        sheet.row_dimensions[row].height = _height(zip(values[2:4], LEDGER_WIDTHS[2:4], strict=True))
        if line.summary.counts["late"]:
            sheet.cell(row=row, column=8).fill = PatternFill("solid", fgColor=FILLS["late"])
        if name != previous:  # merge the 任务名称 cells of a run, as the notice does
            _merge_run(sheet, run_start, row - 1)
            run_start, previous = row, name
    _merge_run(sheet, run_start, len(report.tasks) + FIRST_ROW - 1)
    _filter(sheet, len(LEDGER_HEADERS), len(report.tasks) + FIRST_ROW - 1)


def _height(cells: Iterable[tuple[object, int]]) -> float:
    """A row height (points) that shows every line of its wrapped cells."""
    return 15.0 * max(wrapped_lines(str(value or ""), width) for value, width in cells) + 2


def _merge_run(sheet: Worksheet, first: int, last: int) -> None:
    if last > first:
        sheet.merge_cells(start_row=first, start_column=2, end_row=last, end_column=2)


def _matrix_sheets(workbook: Workbook, report: Report) -> None:
    """One matrix per kind of unit (旗县区, 委办局, 开发区 …): a few dozen narrow columns with the
    unit names set vertically fit one page wide and print legibly, where forty-odd units on one
    sheet printed on dozens of pages."""
    groups = matrix_groups(report.units)
    for name, units in groups:
        sheet = workbook.create_sheet()
        sheet.title = _sheet_name(f"办理矩阵·{name}" if len(groups) > 1 else "办理矩阵")
        _matrix_sheet(sheet, report, units, name if len(groups) > 1 else None)


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join("_" if c in "[]:*?/\\" else c for c in name)[:31]


def _matrix_sheet(sheet: Worksheet, report: Report, units: tuple[Unit, ...], kind: str | None) -> None:
    """Tasks by their number and name (the 台账 sheet carries the texts) against units whose
    names run vertically: each row one line, so a matrix prints on a page or two."""
    headers = ["任务", "完成时限", *(unit.name for unit in units)]
    widths = [30, 13, *(4 for _unit in units)]
    title = _title(report) + (f" · {kind}" if kind else "")
    _header(sheet, headers, widths, title, rotate_from=3)
    sheet.page_setup.fitToHeight = 1  # one page: the matrix is read at a glance
    sheet.freeze_panes = "C3"
    sheet.print_title_cols = "A:B"
    for offset, line in enumerate(report.tasks):
        row = offset + FIRST_ROW
        _set(sheet, row, 1, task_short(line.task, 14), LEFT)
        deadline = line.task.deadline.text if line.task.deadline else ""
        _set(sheet, row, 2, deadline, CENTER)
        for col, unit in enumerate(units, start=3):
            status = report.status(line.task, unit)
            _set(sheet, row, col, MARKS[status] if status else "", CENTER, FILLS[status] if status else None)
        sheet.row_dimensions[row].height = _height([(deadline, widths[1])])
    _legend(sheet, len(report.tasks) + FIRST_ROW + 1)


def _legend(sheet: Worksheet, row: int) -> None:
    """Under the matrix: each status's mark and colour, and what it means."""
    _set(sheet, row, 2, "图例").font = Font(bold=True)
    for offset, status in enumerate(FILLS, start=1):
        mark = _set(sheet, row + offset, 1, MARKS[status])
        mark.fill = PatternFill("solid", fgColor=FILLS[status])
        mark.alignment = CENTER
        _set(sheet, row + offset, 2, ZH[status])


def _summary_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = "单位汇总"
    _header(sheet, SUMMARY_HEADERS, (22, 10, 7, 7, 7, 9, 9, 7, 7, 8, 12), _title(report))
    summaries = [*report.by_unit, report.overall]
    for offset, summary in enumerate(summaries):
        row = offset + FIRST_ROW
        counts = summary.counts
        unit = summary.unit
        values: tuple[Any, ...] = (
            unit.name if unit else "合计",
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
        rate.number_format = RATE_NUMBER_FORMAT
        if counts["late"]:
            sheet.cell(row=row, column=3).fill = PatternFill("solid", fgColor=FILLS["late"])
        if unit is None:  # the 合计 row: bold, and left out of the filter's range
            for col in range(1, len(SUMMARY_HEADERS) + 1):
                sheet.cell(row=row, column=col).font = Font(bold=True)
    _filter(sheet, len(SUMMARY_HEADERS), len(report.by_unit) + FIRST_ROW - 1)


# No 记录位置 (file paths): the workbook is for people; `export --format json` says where each is.
RECORD_HEADERS = ("序号", "单位", "状态", "完成日期", "免办理由", "佐证链接", "备注")


def _records_sheet(sheet: Worksheet, report: Report, entered: dict[tuple[str, str], dt.date] | None) -> None:
    sheet.title = "办结记录"
    headers = RECORD_HEADERS if entered is None else (*RECORD_HEADERS, "登记日期")
    _header(sheet, headers, (6, 20, 12, 12, 20, 40, 30, 12)[: len(headers)], _title(report))
    row = FIRST_ROW - 1
    for obligation in report.rows:
        record = obligation.record
        if record is None:
            continue
        row += 1
        values: list[object] = [
            task_cn(obligation),  # 9（7月）: a printed 台账 says periods in words
            obligation.unit.name,
            ZH[obligation.status],
            record.done,
            record.waived or "",
            record.evidence or "",
            record.note or "",
        ]
        if entered is not None:
            values.append(entered.get((obligation.task.id, obligation.unit.name), "未提交"))
        linked = bool(record.evidence) and _linkable(record.evidence or "")
        for col, value in enumerate(values, start=1):
            dated = col == 4 or (col == 8 and entered is not None)
            font = LINK_FONT if col == 6 and linked else None
            _set(sheet, row, col, value, WRAP, number_format="yyyy-mm-dd" if dated else None, font=font)
        if linked:
            sheet.cell(row=row, column=6).hyperlink = record.evidence
    _filter(sheet, len(headers), row)


def _linkable(url: str) -> bool:
    """Only http(s) addresses become links; anything else stays text."""
    return url[:8].lower().startswith(("http://", "https://")) and _SPACE.search(url) is None


def to_xlsx(report: Report, entered: dict[tuple[str, str], dt.date] | None = None) -> bytes:
    """The workbook; with `entered` (a ledger in git), the records sheet gains 登记日期."""
    workbook = Workbook()
    first = workbook.active
    assert isinstance(first, Worksheet)
    _ledger_sheet(first, report)
    _matrix_sheets(workbook, report)
    _summary_sheet(workbook.create_sheet(), report)
    _records_sheet(workbook.create_sheet(), report, entered)
    plan = report.plan
    workbook.properties.title = (plan.attachment or plan.title) if plan else "任务台账"
    workbook.properties.creator = "gkledger"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SCORE_HEADERS = ("排名", "单位", "得分", "等次", "扣分", "扣分明细")


def scores_xlsx(made: Sequence[Score], title: str) -> bytes:
    """考核 as a workbook: one row per unit, best first, with its deductions spelled out."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "考核得分"
    _header(sheet, SCORE_HEADERS, (8, 22, 8, 8, 8, 70), title)
    words = {"late": "逾期", "done-late": "逾期完成", "returned": "退回"}
    for offset, s in enumerate(made):
        row = FIRST_ROW + offset
        detail = "；".join(
            f"{d.task}{'（' + d.period + '）' if d.period else ''}{words.get(d.why, d.why)}扣{d.points:g}分"
            for d in s.deductions
        )
        values = (f"并列{s.rank}" if s.tied else s.rank, s.unit.name, s.score, s.grade, s.deducted, detail)
        for col, value in enumerate(values, start=1):
            _set(sheet, row, col, value)
    _filter(sheet, len(SCORE_HEADERS), FIRST_ROW + len(made) - 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
