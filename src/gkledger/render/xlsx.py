"""The printed 台账 as an Excel workbook (`export --format xlsx`) and the 考核 scores as one, written
through `render.workbook` (XlsxWriter, an optional extra imported lazily).

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
import re
from collections.abc import Iterable, Sequence
from typing import Any

from gkledger import i18n
from gkledger.core.model import Plan, Unit
from gkledger.core.scoring import Score
from gkledger.core.status import Status
from gkledger.i18n import N_, _, _f
from gkledger.render.labels import (
    RATE_NUMBER_FORMAT,
    cn_date,
    deductions_text,
    label,
    marks,
    place_text,
    task_number,
    task_short,
)
from gkledger.render.text import wrapped_lines
from gkledger.render.workbook import Book, Sheet
from gkledger.views.reports import Report, matrix_groups

FILLS: dict[Status, str] = {  # each status its own colour: 逾期完成 is not 未到期
    "late": "#F8CBAD",
    "due-soon": "#FFE699",
    "reported": "#BDD7EE",
    "pending": "#DDEBF7",
    "ongoing": "#E2EFDA",
    "done": "#A9D08E",
    "done-late": "#F4B183",
    "waived": "#D9D9D9",
}
FIRST_ROW = 3  # row 1: the title; row 2: the header
HEADER_FILL = "#D9E1F2"
LINE = "#999999"
_SPACE = re.compile(r"\s")

# The notice's own column names, as message ids: the workbook speaks the user's language.
LEDGER_HEADERS = (
    N_("No."),
    N_("Task name"),
    N_("Task"),
    N_("Owners"),
    N_("Deadline"),
    N_("Remark"),
    N_("Due date"),
    N_("Standing"),
)
LEDGER_WIDTHS = (6, 24, 60, 24, 14, 10, 12, 30)
SUMMARY_HEADERS = (
    N_("Unit"),
    N_("Kind"),
    N_("Late"),
    N_("Due soon"),
    N_("open"),
    N_("Done on time"),
    N_("Done late"),
    N_("Waived"),
    N_("total"),
    N_("due so far"),
    N_("on-time rate"),
)


def _cell(
    book: Book, align: str | None = None, fill: str | None = None, number: str | None = None, **more: Any
) -> Any:
    """A bordered cell's format: aligned ("wrap" at the top, "center", "left"), filled with a colour
    of FILLS, with a number format and any other XlsxWriter property (bold, font_color …)."""
    props: dict[str, Any] = {"border": 1, "border_color": LINE, **more}
    if align == "wrap":
        props.update(text_wrap=True, valign="top")
    elif align == "center":
        props.update(align="center", valign="vcenter", text_wrap=True)
    elif align == "left":
        props.update(align="left", valign="vcenter")
    if fill is not None:
        props["bg_color"] = fill
    if number is not None:
        props["num_format"] = number
    return book.style(**props)


def _header(
    book: Book,
    sheet: Sheet,
    headers: Sequence[str],
    widths: Sequence[int],
    title: str,
    rotate_from: int | None = None,
) -> None:
    """The title row (the plan and 截至日期) over every column, the header row under it, and the
    print settings: A4 landscape, one page wide, header rows repeated, title in the page header,
    第N页 共M页 in the footer. Header cells from column `rotate_from` are set vertically (unit names
    over narrow status columns)."""
    top = book.style(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True)
    sheet.merge((1, 1), (1, len(headers)), title, top)  # across the sheet's real width
    lines = wrapped_lines(title, (sum(widths) - 1) * 11 / 14)  # 14-point characters in 11-point units
    sheet.height(1, 22 * lines + 4)
    flat = _cell(book, "center", HEADER_FILL, bold=True)
    upright = _cell(book, "center", HEADER_FILL, bold=True, rotation=270)
    for col, name in enumerate(headers, start=1):
        sheet.put(2, col, name, upright if rotate_from is not None and col >= rotate_from else flat)
    sheet.widths(widths)
    if rotate_from is not None:
        sheet.height(2, 17 * max(3, max(len(h) for h in headers[rotate_from - 1 :])))
    sheet.freeze(FIRST_ROW, 2)


def _print(sheet: Sheet, title: str, fit_height: int = 0, repeat_cols: tuple[int, int] | None = None) -> None:
    """The title is the page header on every page after the first; the header row repeats."""
    sheet.print_setup((2, 2), fit_height, repeat_cols, header=title, footer=("", _("Page &P of &N"), ""))


def _title(report: Report) -> str:
    plan = report.plan
    return _dated((plan.attachment or plan.title) if plan else _("Task ledger"), report.today)


def _dated(name: str, day: dt.date) -> str:
    """A workbook's title with its day: …（截至2021年9月1日）, or … (as of 2021-09-01)."""
    if i18n.current() == "zh":
        return f"{name}（截至{cn_date(day)}）"
    return f"{name} (as of {day.isoformat()})"


def _standing(line_summary: Any) -> str:
    counts = line_summary.counts
    parts = [f"{label(s)} {counts[s]}" for s in ("late", "due-soon") if counts[s]]
    finished = counts["done"] + counts["done-late"]  # 免办 is settled, never counted as 办结
    parts.append(_f("completed {done}/{total}", done=finished, total=line_summary.total))
    return _(", ").join(parts)


def _ledger_sheet(book: Book, report: Report) -> None:
    sheet = book.sheet(_("Task ledger"))
    title = _title(report)
    _header(book, sheet, [_(h) for h in LEDGER_HEADERS], LEDGER_WIDTHS, title)
    _print(sheet, title)
    center, wrap = _cell(book, "center"), _cell(book, "wrap")
    dated, late = _cell(book, "center", number="yyyy-mm-dd"), _cell(book, "wrap", FILLS["late"])
    styles = (center, wrap, wrap, wrap, center, wrap, dated, wrap)
    runs: list[tuple[int, int, str]] = []  # the 任务名称 cells of a run are merged, as the notice does
    previous: tuple[str, str | None] | None = None
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
        for col, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            sheet.put(row, col, value, late if col == 8 and line.summary.counts["late"] else style)
        sheet.height(row, _height(zip(values[2:4], LEDGER_WIDTHS[2:4], strict=True)))
        if name != previous:
            runs.append((row, row, values[1]))
            previous = name
        else:
            runs[-1] = (runs[-1][0], row, runs[-1][2])
    for first, last, text in runs:
        if last > first:
            sheet.merge((first, 2), (last, 2), text, wrap)
    sheet.filter(len(LEDGER_HEADERS), 2, len(report.tasks) + FIRST_ROW - 1)


def _height(cells: Iterable[tuple[object, int]]) -> float:
    """A row height (points) that shows every line of its wrapped cells."""
    return 15.0 * max(wrapped_lines(str(value or ""), width) for value, width in cells) + 2


def _matrix_sheets(book: Book, report: Report) -> None:
    """One matrix per kind of unit (旗县区, 委办局, 开发区 …): a few dozen narrow columns with the
    unit names set vertically fit one page wide and print legibly, where forty-odd units on one
    sheet printed on dozens of pages."""
    groups = matrix_groups(report.units)
    for name, units in groups:
        sheet = book.sheet(_f("Matrix·{kind}", kind=name) if len(groups) > 1 else _("Matrix"))
        _matrix_sheet(book, sheet, report, units, name if len(groups) > 1 else None)


def _matrix_sheet(
    book: Book, sheet: Sheet, report: Report, units: tuple[Unit, ...], kind: str | None
) -> None:
    """Tasks by their number and name (the 台账 sheet carries the texts) against units whose
    names run vertically: each row one line, so a matrix prints on a page or two."""
    headers = [_("Tasks"), _("Deadline"), *(unit.name for unit in units)]
    widths = [30, 13, *(4 for _unit in units)]
    title = _title(report) + (f" · {kind}" if kind else "")
    _header(book, sheet, headers, widths, title, rotate_from=3)
    _print(sheet, title, fit_height=1, repeat_cols=(1, 2))  # one page: the matrix is read at a glance
    sheet.freeze(FIRST_ROW, 3)
    left, center = _cell(book, "left"), _cell(book, "center")
    marked = {status: _cell(book, "center", fill) for status, fill in FILLS.items()}
    shown = marks()
    for offset, line in enumerate(report.tasks):
        row = offset + FIRST_ROW
        sheet.put(row, 1, task_short(line.task, 14), left)
        deadline = line.task.deadline.text if line.task.deadline else ""
        sheet.put(row, 2, deadline, center)
        for col, unit in enumerate(units, start=3):
            status = report.status(line.task, unit)
            if status:
                sheet.put(row, col, shown[status], marked[status])
            else:
                sheet.put(row, col, None, center)
        sheet.height(row, _height([(deadline, widths[1])]))
    _legend(book, sheet, len(report.tasks) + FIRST_ROW + 1)


def _legend(book: Book, sheet: Sheet, row: int) -> None:
    """Under the matrix: each status's mark and colour, and what it means."""
    sheet.put(row, 2, _("Legend"), _cell(book, bold=True))
    shown = marks()
    for offset, status in enumerate(FILLS, start=1):
        sheet.put(row + offset, 1, shown[status], _cell(book, "center", FILLS[status]))
        sheet.put(row + offset, 2, label(status), _cell(book))


def _summary_sheet(book: Book, report: Report) -> None:
    sheet = book.sheet(_("By unit"))
    title = _title(report)
    _header(book, sheet, [_(h) for h in SUMMARY_HEADERS], (22, 10, 7, 7, 7, 9, 9, 7, 7, 8, 12), title)
    _print(sheet, title)
    summaries = [*report.by_unit, report.overall]
    for offset, summary in enumerate(summaries):
        row = offset + FIRST_ROW
        counts = summary.counts
        unit = summary.unit
        bold = unit is None  # the 合计 row: bold, and left out of the filter's range
        values: tuple[Any, ...] = (
            unit.name if unit else _("Sum"),
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
            fill = FILLS["late"] if col == 3 and counts["late"] else None
            number = RATE_NUMBER_FORMAT if col == 11 else None
            sheet.put(row, col, value, _cell(book, None, fill, number, **({"bold": True} if bold else {})))
    sheet.filter(len(SUMMARY_HEADERS), 2, len(report.by_unit) + FIRST_ROW - 1)


# No 记录位置 (file paths): the workbook is for people; `export --format json` says where each is.
RECORD_HEADERS = (
    N_("No."),
    N_("Unit"),
    N_("Status"),
    N_("Date done"),
    N_("Reason waived"),
    N_("Evidence"),
    N_("Remark"),
)


def _records_sheet(book: Book, report: Report, entered: dict[tuple[str, str], dt.date] | None) -> None:
    sheet = book.sheet(_("Completion records"))
    names = [_(h) for h in RECORD_HEADERS]
    headers = names if entered is None else [*names, _("Date entered")]
    title = _title(report)
    _header(book, sheet, headers, (6, 20, 12, 12, 20, 40, 30, 12)[: len(headers)], title)
    _print(sheet, title)
    wrap, dated = _cell(book, "wrap"), _cell(book, "wrap", number="yyyy-mm-dd")
    link = _cell(book, "wrap", font_color="#0563C1", underline=1)
    row = FIRST_ROW - 1
    for obligation in report.rows:
        record = obligation.record
        if record is None:
            continue
        row += 1
        sheet.put(row, 1, task_number(obligation), wrap)  # 9（7月）: a printed 台账 says periods in words
        sheet.put(row, 2, obligation.unit.name, wrap)
        sheet.put(row, 3, label(obligation.status), wrap)
        sheet.put(row, 4, record.done, dated)
        sheet.put(row, 5, record.waived or "", wrap)
        evidence = record.evidence or ""
        if evidence and _linkable(evidence):
            sheet.link(row, 6, evidence, link, wrap)
        else:
            sheet.put(row, 6, evidence, wrap)
        sheet.put(row, 7, record.note or "", wrap)
        if entered is not None:
            sheet.put(
                row, 8, entered.get((obligation.task.id, obligation.unit.name), _("not committed")), dated
            )
    sheet.filter(len(headers), 2, row)


def _linkable(url: str) -> bool:
    """Only http(s) addresses become links; anything else stays text."""
    return url[:8].lower().startswith(("http://", "https://")) and _SPACE.search(url) is None


def to_xlsx(report: Report, entered: dict[tuple[str, str], dt.date] | None = None) -> bytes:
    """The workbook; with `entered` (a ledger in git), the records sheet gains 登记日期."""
    book = Book()
    _ledger_sheet(book, report)
    _matrix_sheets(book, report)
    _summary_sheet(book, report)
    _records_sheet(book, report, entered)
    plan = report.plan
    return book.to_bytes((plan.attachment or plan.title) if plan else _("Task ledger"))


SCORE_HEADERS = (
    N_("Rank"),
    N_("Unit"),
    N_("Score"),
    N_("Grade"),
    N_("Points off"),
    N_("Deductions in detail"),
)


def scores_xlsx(made: Sequence[Score], plan: Plan | None, today: dt.date) -> bytes:
    """考核 as a workbook: one row per unit, best first, with its deductions spelled out."""
    name = plan.title if plan else _("Task ledger")
    title = _dated(f"{name}考核得分" if i18n.current() == "zh" else f"{name}: scores", today)
    book = Book()
    sheet = book.sheet(_("Scores"))
    _header(book, sheet, [_(h) for h in SCORE_HEADERS], (8, 22, 8, 8, 8, 70), title)
    _print(sheet, title)
    plain = _cell(book)
    for offset, s in enumerate(made):
        row = FIRST_ROW + offset
        values = (
            place_text(s),  # 并列第1, 第3: the ranks as words, one kind of cell
            s.unit.name,
            s.score,
            s.grade,
            s.deducted,
            deductions_text(s),
        )
        for col, value in enumerate(values, start=1):
            sheet.put(row, col, value, plain)
    sheet.filter(len(SCORE_HEADERS), 2, FIRST_ROW + len(made) - 1)
    return book.to_bytes(title)
