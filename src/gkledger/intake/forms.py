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
from gkledger.intake.tables import MAX_COLUMNS, MAX_ROWS, TableError, column_letter, read_xlsx_book

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
    outside: list[str] = field(default_factory=list)  # filled cells in no column of the form (K12)


@dataclass
class ReadForm:
    plan: str | None
    unit: str | None
    issued: str | None
    rows_digest: str | None
    rows: list[FilledRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the file as a whole cannot be taken


MAX_FORM_ROWS = MAX_ROWS  # filled rows: a unit owes tens of tasks, a form never holds thousands


def read_form(data: bytes) -> ReadForm:
    """The form in `data`, read whole: every row up to the sheet's real end (not the dimension it
    declares), or the reasons it cannot be taken. A damaged workbook (truncated XML, a bad cell
    reference, a date cell holding no date, a DTD) is one of those reasons, never an exception."""
    try:
        book = read_xlsx_book(data)
    except TableError as exc:
        return ReadForm(None, None, None, None, problems=[str(exc)])
    try:
        return _read_form(book)
    except TableError as exc:
        return ReadForm(None, None, None, None, problems=[str(exc)])
    except Exception as exc:  # openpyxl and the XML parser raise many kinds for a damaged part
        return ReadForm(
            None,
            None,
            None,
            None,
            problems=[_f("the workbook cannot be read ({error})", error=type(exc).__name__)],
        )
    finally:
        book.close()


def _read_form(book: Any) -> ReadForm:
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
    sheet.reset_dimensions()  # read to the last row there is, not to the one the sheet declares
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    names: list[str] | None = None
    for line, values in enumerate(rows, start=1):
        if names is None:
            if line > 30:
                break
            if [_text(v) for v in values[: len(HEADERS)]] == list(HEADERS):
                names = [_text(v) for v in values]
                while names and not names[-1]:
                    names.pop()
                if TOKEN_HEADER not in names:
                    form.problems.append(_f("the hidden column {column} was removed", column=TOKEN_HEADER))
                    return form
            continue
        if all(v is None or _text(v) == "" for v in values):
            continue  # blank separator rows are fine
        if len(form.rows) >= MAX_FORM_ROWS:
            form.problems.append(
                _f(
                    "more than {limit:,} filled rows (row {row}); is this a form of one unit?",
                    limit=MAX_FORM_ROWS,
                    row=line,
                )
            )
            return form
        form.rows.append(_row(line, list(values), names))
    if names is None:
        form.problems.append(_f("no header row {headers}", headers=" | ".join(HEADERS)))
    return form


def _row(line: int, values: list[Any], names: list[str]) -> FilledRow:
    columns = {name: column_letter(i + 1) for i, name in enumerate(names) if name}
    where = {name: names.index(name) for name in (*HEADERS, TOKEN_HEADER) if name in names}

    def get(name: str) -> Any:
        index = where.get(name)
        return values[index] if index is not None and index < len(values) else None

    outside = [
        f"{column_letter(i + 1)}{line}"
        for i, value in enumerate(values)
        if (i >= len(names) or not names[i]) and _text(value)
    ]
    return FilledRow(
        line=line,
        task=_text(get("序号")),
        token=_text(get(TOKEN_HEADER)),
        done=get("完成日期"),
        evidence=_text(get("佐证链接")) or None,
        waived=_text(get("免办理由")) or None,
        note=_text(get("说明")) or None,
        columns=columns,
        outside=outside,
    )


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
