"""Filled-in forms (填报表) read back: the identity sheet, the header row and each data row as
the unit left it, for `collect` to check and record. openpyxl is an optional extra, imported only
by `collect`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gkledger.core.dates import parse_typed_date
from gkledger.core.formspec import HEADERS, IDENTITY_SHEET, SHEET_TITLE, TOKEN_HEADER
from gkledger.i18n import _, _f
from gkledger.intake.tables import TableError, column_letter, read_xlsx_book

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
    columns = {name: column_letter(i + 1) for i, name in enumerate(names) if name}
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
