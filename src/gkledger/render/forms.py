"""Fill-in forms (填报表): one workbook per unit for the units that live in Excel, written through
`render.workbook` (XlsxWriter, an optional extra); this module is imported only by `form`.

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
from typing import Any

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
from gkledger.core.model import Plan, Settings, Unit, signing_office
from gkledger.core.status import Row
from gkledger.render.bulletin import contact_cn
from gkledger.render.labels import ZH, cn_date, task_cn
from gkledger.render.text import wrapped_lines
from gkledger.render.workbook import Book, Sheet, page_code

WIDTHS = (7, 48, 16, 12, 10, 13, 30, 20, 24, 4)
_LINE = "#999999"
_EDIT_FILL = "#FFF9E5"
_HEAD_FILL = "#DDE4EE"
_LATE_FILL = "#FFC7CE"


def row_height(text: str, width: int) -> float:
    """The height (points) that shows all of `text` wrapped in a column `width` wide."""
    return 15.0 * wrapped_lines(text, width) + 3


class _Styles:
    """A form's formats: the header, and a data cell by whether it is open to edit, a date, a
    late status (in red)."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.bold = book.style(bold=True)
        self.header = book.style(
            bold=True,
            bg_color=_HEAD_FILL,
            border=1,
            border_color=_LINE,
            align="center",
            valign="vcenter",
            text_wrap=True,
        )
        self._data: dict[tuple[bool, bool, bool], Any] = {}

    def data(self, editable: bool, date: bool, late: bool) -> Any:
        key = (editable, date, late)
        made = self._data.get(key)
        if made is None:
            props: dict[str, Any] = {"border": 1, "border_color": _LINE, "text_wrap": True, "valign": "top"}
            if editable:
                props.update(locked=False, bg_color=_EDIT_FILL)
            if date:
                props["num_format"] = "yyyy-mm-dd"
            if late:
                props.update(bg_color=_LATE_FILL, bold=True, font_color="#9C0006")
            made = self._data[key] = self.book.style(**props)
        return made


def _signers(sheet: Sheet, styles: _Styles) -> None:
    """填报人, 联系电话 and 审核人 (the unit's 负责人) on row 3, each a cell to fill in."""
    open_cell = styles.data(editable=True, date=False, late=False)
    for column, label in ((1, "填报人"), (3, "联系电话"), (6, "审核人")):
        sheet.put(3, column, label, styles.bold)
    sheet.put(3, 2, None, open_cell)
    sheet.merge((3, 4), (3, 5), None, open_cell)
    sheet.merge((3, 7), (3, 8), None, open_cell)


def _instructions(plan: Plan | None, reply_by: dt.date | None, settings: Settings, today: dt.date) -> str:
    office = signing_office(settings, plan) or ""
    contact = contact_cn(settings)
    return (
        f"填写说明：已完成的在“完成日期”填日期（如 {today.isoformat()}），并填佐证链接；"
        "免于办理的填“免办理由”。"
        "逾期事项排在最前，状态标红。只有浅黄色单元格可以填写，其他单元格已锁定，请勿增删行列或改动序号。"
        + (f"请于{cn_date(reply_by)}前报送。" if reply_by else "")
        + (f"如有疑问，请联系{office}：{contact}。" if contact else "")
    )


def _decided(row: Row) -> str:
    """What the office decided that the unit must know: a return and its reason, an extension
    and the day it moved from (the 到期日期 beside it is the new one)."""
    if row.review == "returned":
        return f"（退回：{row.returned_reason or ''}）"
    if row.original_due is not None and row.record is None:
        return f"（已延期，原{cn_date(row.original_due)}）"
    return ""


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
    book = Book()
    styles = _Styles(book)
    sheet = book.sheet(SHEET_TITLE)
    key = plan_key(plan)
    title = f"{plan.title if plan else '任务台账'} · 完成情况填报表"
    last = len(HEADERS)
    sheet.merge((1, 1), (1, last), title, book.style(bold=True, font_size=14))
    due = f"    报送截止日期：{cn_date(reply_by)}" if reply_by else ""
    sheet.merge((2, 1), (2, last), f"填报单位：{unit.full_name}    截至日期：{cn_date(today)}{due}", None)
    _signers(sheet, styles)
    notes = book.style(text_wrap=True, valign="top")
    sheet.merge((4, 1), (4, last), _instructions(plan, reply_by, settings, today), notes)
    sheet.height(4, 48)
    header_row = 5
    for column, name in enumerate((*HEADERS, TOKEN_HEADER), start=1):
        sheet.put(header_row, column, name, styles.header)
    sheet.widths(WIDTHS[:last])
    sheet.hide_column(last + 1, WIDTHS[last])
    dates: list[tuple[int, int]] = []
    issued = []
    editable = [name in EDITABLE for name in HEADERS] + [False]
    for offset, row in enumerate(rows):
        line = header_row + 1 + offset
        returned = row.review == "returned"  # open again: the unit enters its new completion
        record = None if returned else row.record
        finished = record is not None
        values: list[Any] = [
            task_cn(row),  # 9（7月）, as the unit reads it; the token keys the row by its label
            row.task.text,
            row.task.deadline.text if row.task.deadline else "",
            row.due,
            ZH[row.status] + _decided(row),
            record.done if record else None,
            record.evidence if record else None,
            record.waived if record else None,
            record.note if record else None,
            token(key, unit.name, row.task_label),
        ]
        for column, value in enumerate(values, start=1):
            late = column == 5 and row.status == "late"
            style = styles.data(editable[column - 1] and not finished, column in (4, 6), late)
            sheet.put(line, column, value, style)
        sheet.height(line, row_height(row.task.text, WIDTHS[1]))
        if not finished:
            dates.append((line, 6))
        issued.append((row.task_label, row.due.isoformat()))
    example = today.isoformat()  # a day the unit could have finished on
    sheet.validate_dates(dates, "完成日期", f"请填写日期，如 {example}", f"已完成的填完成日期，如 {example}")
    sheet.freeze(header_row + 1, 3)
    sheet.print_setup(
        (header_row, header_row),
        footer=(f"{page_code(unit.name)} 填报表", "第 &P 页 共 &N 页", "填报人：            审核人："),
    )
    sheet.protect(format_rows=True, sort=True, autofilter=True)  # it guides, it locks no one out
    _identity(book.sheet(IDENTITY_SHEET), key, unit, today, issued)
    return book.to_bytes(title, f"gkledger form {unit.name}")


def _identity(sheet: Sheet, key: str, unit: Unit, today: dt.date, issued: list[tuple[str, str]]) -> None:
    """The hidden sheet naming the form: its version, plan, unit, day and rows as issued."""
    pairs = (
        ("form", FORM_VERSION),
        ("plan", key),
        ("unit", unit.name),
        ("issued", today.isoformat()),
        ("rows", digest(issued)),
    )
    for row, (name, value) in enumerate(pairs, start=1):
        sheet.put(row, 1, name)
        sheet.put(row, 2, value)
    sheet.very_hidden()
    sheet.protect()
