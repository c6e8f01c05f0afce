"""Tables that offices hand us (a 任务台账 as .xlsx or .csv) to rows of cells, within bounds.

A spreadsheet is input from outside: a 5 KB workbook can claim a cell at XFD1048576, merge the
whole sheet, or unzip to gigabytes. The bounds are checked before anything large is built: the
zip's declared sizes first, then rows and columns while streaming (openpyxl's read-only mode, which
never expands merged ranges). A table that passes them is a few thousand rows at most.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

Cell = str | int | float | dt.date | None

MAX_ROWS = 10_000  # a work plan has tens of rows; a roster a few thousand
MAX_COLUMNS = 64
MAX_UNZIPPED = 256 * 1024 * 1024  # what an .xlsx may expand to
MAX_CELL_CHARS = 131_072  # csv's own field limit, said in words
HEADER_ROWS = 20  # where a header row may be found below title rows


MAX_FILE_BYTES = 64 * 1024 * 1024


class TableError(ValueError):
    """The table cannot be read: not a workbook, too large, or not a 任务台账 at all."""


def read_file(path: Path) -> bytes:
    """A table file's bytes: a regular file within the size limit, read without blocking."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise TableError(f"cannot read it: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TableError("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise TableError(f"the file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise TableError(f"cannot read it: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise TableError(f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    return data


def read_table(path: Path, data: bytes, header_word: str = "序号") -> tuple[list[list[Cell]], str | None]:
    """The rows of the table in `data` (named by `path` for its type), and a note on how it was
    read (GBK, say) or None. For a workbook, the first sheet with `header_word` in its first rows."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(data, header_word), None
    if suffix == ".csv":
        return read_csv(data)
    raise TableError("give a .xlsx or .csv file (.xls from old Excel: save it as .xlsx first)")


def read_csv(data: bytes) -> tuple[list[list[Cell]], str | None]:
    note = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise TableError("neither UTF-8 nor GBK text") from None
        note = "read as GBK (GB18030); UTF-8 is preferred"
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[Cell]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise TableError(f"more than {MAX_ROWS:,} rows; is this a 任务台账?")
            if len(row) > MAX_COLUMNS:
                raise TableError(
                    f"row {reader.line_num} has {len(row):,} columns; the limit is {MAX_COLUMNS}"
                )
            rows.append(list(row))
    except csv.Error as exc:
        raise TableError(
            f"row {reader.line_num}: {exc} (a cell may hold at most {MAX_CELL_CHARS:,} characters)"
        ) from None
    return rows, note


def read_xlsx(data: bytes, header_word: str = "序号") -> list[list[Cell]]:
    """The cells of the first sheet that has `header_word` in its first rows (else the first
    sheet), row by row. A merged cell reads as its value in its first cell and blanks elsewhere,
    as the notice's 任务名称 column is laid out."""
    _check_zip(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        first: list[list[Cell]] | None = None
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet)
            if first is None:
                first = rows
            if any(
                header_word in [str(c).strip() for c in row if c is not None] for row in rows[:HEADER_ROWS]
            ):
                return rows
        return first or []
    finally:
        workbook.close()


def read_xlsx_book(data: bytes) -> Any:
    """A workbook to read values from (read-only, so merged ranges are never expanded), after the
    same zip bounds as `read_xlsx`."""
    _check_zip(data)
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"not a readable .xlsx workbook ({type(exc).__name__})") from None


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError("not a readable .xlsx workbook (not a zip file)") from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNZIPPED or len(members) > 10_000:
        raise TableError(
            f"the workbook unpacks to {total:,} bytes in {len(members):,} parts; "
            f"the limit is {MAX_UNZIPPED:,} bytes"
        )


def _sheet_rows(sheet: object) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    blank_run = 0
    try:
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):  # type: ignore[attr-defined]
            if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
                raise TableError(f"row {len(rows) + 1} has cells past column {MAX_COLUMNS}")
            row = [_plain(v) for v in values[:MAX_COLUMNS]]
            while row and row[-1] is None:
                row.pop()  # the padding a sheet's declared dimension adds
            blank_run = blank_run + 1 if all(v is None or v == "" for v in row) else 0
            if len(rows) >= MAX_ROWS:
                if blank_run:
                    continue  # blank rows to a far-away cell: scanned as they stream, never kept
                raise TableError(f"more than {MAX_ROWS:,} rows; is this a 任务台账?")
            rows.append(row)
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet
        raise TableError(f"a sheet cannot be read ({type(exc).__name__})") from None
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    return rows


def _plain(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | dt.date):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise TableError(f"a cell holds {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}")
        return value
    return str(value)
