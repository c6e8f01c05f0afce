"""Tables that offices hand us (a 任务台账 or a roster as .xlsx, .xls, .csv, .docx or .html) to
rows of cells and their merges, within bounds.

A spreadsheet is input from outside: a 5 KB workbook can claim a cell at XFD1048576, merge the
whole sheet, or unzip to gigabytes. The bounds are checked before anything large is built: the
zip's declared sizes first, then rows and columns while streaming (openpyxl's read-only mode, which
never expands merged ranges). A table that passes them is a few thousand rows at most.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import datetime as dt
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gkledger.i18n import _, _f

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
        raise TableError(_f("cannot read it: {error}", error=exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TableError(_("not a regular file"))
        if info.st_size > MAX_FILE_BYTES:
            raise TableError(
                _f(
                    "the file is {size:,} bytes; the limit is {limit:,}",
                    size=info.st_size,
                    limit=MAX_FILE_BYTES,
                )
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise TableError(_f("cannot read it: {error}", error=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise TableError(_f("the file is larger than {limit:,} bytes", limit=MAX_FILE_BYTES))
    return data


def text_of(cell: Cell) -> str:
    """A cell as text: blank for nothing, 3 for the 3.0 a spreadsheet stores, a date as YYYY-MM-DD."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


Place = tuple[int, int]  # (row, column), 0-based
MAX_MERGES = 20_000  # a real table has tens; each is looked up, never expanded


@dataclass(frozen=True)
class _Merge:
    top: int
    bottom: int
    left: int


@dataclass
class Grid:
    """A table's cells row by row, and its merged ranges. A covered cell is blank in `rows` (as a
    spreadsheet shows it); `origin` names the first cell of the merge that covers it. Merges are
    kept per column as sorted row intervals and looked up, never expanded into cells, so a small
    file cannot declare its way to millions of entries; a range overlapping an earlier one (which
    no spreadsheet writes) keeps only the columns where it does not."""

    rows: list[list[Cell]]
    _columns: dict[int, list[_Merge]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # the document's lines outside its tables
    title: str = ""  # the document's own title (a web page's <title>)
    _across: dict[int, int] = field(default_factory=dict)  # row -> cells covered by merges it starts
    merges: int = 0

    def merge(self, first: Place, last: Place) -> None:
        """Record the range from `first` to `last` (inclusive), clipped to the column limit."""
        top, left = first
        bottom, right = max(last[0], top), min(max(last[1], left), MAX_COLUMNS - 1)
        if (top, left) == (bottom, right) or left >= MAX_COLUMNS:
            return
        self.merges += 1
        if self.merges > MAX_MERGES:
            raise TableError(_f("more than {limit:,} merged ranges; is this a 任务台账?", limit=MAX_MERGES))
        merge = _Merge(top, bottom, left)
        for column in range(left, right + 1):
            spans = self._columns.setdefault(column, [])
            at = bisect.bisect_left(spans, top, key=lambda m: m.top)
            if (at and spans[at - 1].bottom >= top) or (at < len(spans) and spans[at].top <= bottom):
                continue  # overlaps a range already there: that one holds the column
            spans.insert(at, merge)
            self._across[top] = self._across.get(top, 0) + (column > left)

    def origin(self, row: int, column: int) -> Place | None:
        """The first cell of the merge covering (row, column), unless it is that cell itself."""
        spans = self._columns.get(column)
        if not spans:
            return None
        at = bisect.bisect_right(spans, row, key=lambda m: m.top)
        if not at:
            return None
        merge = spans[at - 1]
        if merge.bottom < row or (merge.top, merge.left) == (row, column):
            return None
        return merge.top, merge.left

    def covered(self, row: int, column: int) -> bool:
        return self.origin(row, column) is not None

    def across(self, row: int) -> int:
        """How many cells of `row` are covered by merges that start on it and reach right."""
        return self._across.get(row, 0)

    def value(self, row: int, column: int) -> Cell:
        """A cell's value; a covered cell's is its merge's."""
        row, column = self.origin(row, column) or (row, column)
        cells = self.rows[row] if row < len(self.rows) else []
        return cells[column] if column < len(cells) else None


TABLE_TYPES = ".xlsx, .xls, .csv, .docx or .html"
HEADER_WORDS = ("序号", "具体任务", "具体要求", "工作任务", "责任单位", "责任部门", "牵头单位", "完成时限")


def read_table(
    path: Path, data: bytes, header_words: Sequence[str] = HEADER_WORDS
) -> tuple[Grid, str | None]:
    """The table in `data` (its type from `path`), and a note on how it was read (GBK, say) or
    None. Of several sheets or tables, the first with one of `header_words` in its first rows."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_grid(data, header_words), None
    if suffix == ".xls":
        return read_xls(data, header_words), None
    if suffix == ".csv":
        rows, note = read_csv(data)
        return Grid(rows), note
    if suffix == ".docx":
        return read_docx(data, header_words), None
    if suffix in (".html", ".htm"):
        return read_html(data, header_words)
    raise TableError(_f("give a {types} file", types=TABLE_TYPES))


def _has_header(rows: Sequence[Sequence[Cell]], words: Sequence[str]) -> bool:
    for row in rows[:HEADER_ROWS]:
        cells = {re.sub(r"\s+", "", str(cell)) for cell in row if cell is not None}
        if cells.intersection(words):
            return True
    return False


def _first_with_header(grids: Iterable[Grid], words: Sequence[str], what: str) -> Grid:
    first: Grid | None = None
    for grid in grids:
        if first is None:
            first = grid
        if _has_header(grid.rows, words):
            return grid
    if first is None:
        raise TableError(_f("it holds no {what}", what=what))
    return first


def _bounded(rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise TableError(_f("more than {limit:,} rows; is this a 任务台账?", limit=MAX_ROWS))
    if columns > MAX_COLUMNS:
        raise TableError(
            _f("a row has {count:,} columns; the limit is {limit}", count=columns, limit=MAX_COLUMNS)
        )


def read_csv(data: bytes) -> tuple[list[list[Cell]], str | None]:
    note = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise TableError(_("neither UTF-8 nor GBK text")) from None
        note = _("read as GBK (GB18030); UTF-8 is preferred")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[Cell]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise TableError(_f("more than {limit:,} rows; is this a 任务台账?", limit=MAX_ROWS))
            if len(row) > MAX_COLUMNS:
                raise TableError(
                    _f(
                        "row {row} has {count:,} columns; the limit is {limit}",
                        row=reader.line_num,
                        count=len(row),
                        limit=MAX_COLUMNS,
                    )
                )
            rows.append(list(row))
    except csv.Error as exc:
        raise TableError(
            _f(
                "row {row}: {error} (a cell may hold at most {limit:,} characters)",
                row=reader.line_num,
                error=exc,
                limit=MAX_CELL_CHARS,
            )
        ) from None
    return rows, note


def read_xlsx(data: bytes, header_word: str = "序号") -> list[list[Cell]]:
    """The cells of the first sheet that has `header_word` in its first rows (else the first
    sheet), row by row. A merged cell reads as its value in its first cell and blanks elsewhere,
    as the notice's 任务名称 column is laid out."""
    workbook = read_xlsx_book(data)
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
        raise TableError(_f("not a readable .xlsx workbook ({error})", error=type(exc).__name__)) from None


def _check_zip(data: bytes) -> None:
    """An Office file's zip within bounds, and none of its XML parts with a DTD: Open Packaging
    Conventions forbid them, so one is a crafted file (entities, external references), refused
    before any XML parser sees it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > MAX_UNZIPPED or len(members) > 10_000:
                raise TableError(
                    _f(
                        "the workbook unpacks to {size:,} bytes in {parts:,} parts; "
                        "the limit is {limit:,} bytes",
                        size=total,
                        parts=len(members),
                        limit=MAX_UNZIPPED,
                    )
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")) and _has_dtd(archive, member):
                    raise TableError(
                        _f(
                            "its part {part} declares a DTD, which Office files never do",
                            part=member.filename,
                        )
                    )
    # zipfile raises NotImplementedError for a member packed with a compression method it lacks:
    # a workbook it cannot open, said as such, not a part of gkledger left unwritten
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        if isinstance(exc, TableError):
            raise
        raise TableError(_("not a readable .xlsx workbook (not a zip file)")) from None


def _has_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(1 << 16):
            if b"<!DOCTYPE" in tail + chunk:
                return True
            tail = chunk[-8:]
    return False


def _sheet_rows(sheet: object) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    blank_run = 0
    try:
        sheet.reset_dimensions()  # type: ignore[attr-defined]  # to the real last row, not the declared
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):  # type: ignore[attr-defined]
            if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
                raise TableError(
                    _f("row {row} has cells past column {limit}", row=len(rows) + 1, limit=MAX_COLUMNS)
                )
            row = [_plain(v) for v in values[:MAX_COLUMNS]]
            while row and row[-1] is None:
                row.pop()  # the padding a sheet's declared dimension adds
            blank_run = blank_run + 1 if all(v is None or v == "" for v in row) else 0
            if len(rows) >= MAX_ROWS:
                if blank_run:
                    continue  # blank rows to a far-away cell: scanned as they stream, never kept
                raise TableError(_f("more than {limit:,} rows; is this a 任务台账?", limit=MAX_ROWS))
            rows.append(row)
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet
        raise TableError(_f("a sheet cannot be read ({error})", error=type(exc).__name__)) from None
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    return rows


def _plain(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | dt.date):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise TableError(
                _f(
                    "a cell holds {count:,} characters; the limit is {limit:,}",
                    count=len(value),
                    limit=MAX_CELL_CHARS,
                )
            )
        return value
    return str(value)


def read_xlsx_grid(data: bytes, header_words: Sequence[str] = HEADER_WORDS) -> Grid:
    """As `read_xlsx`, with the sheet's merged ranges (read from its XML: openpyxl's read-only
    mode, which the bounds need, does not keep them)."""
    workbook = read_xlsx_book(data)
    try:

        def grids() -> Iterator[Grid]:
            for sheet in workbook.worksheets:
                grid = Grid(_sheet_rows(sheet))
                for first, last in _merged_ranges(data, getattr(sheet, "_worksheet_path", "")):
                    grid.merge(first, last)
                yield grid

        return _first_with_header(grids(), header_words, _("sheet"))
    finally:
        workbook.close()


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _merged_ranges(data: bytes, part: str) -> Iterator[tuple[Place, Place]]:
    if not part:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(part.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return
    for match in _MERGE_CELL.finditer(xml):
        first = (int(match.group(2)) - 1, _column_number(match.group(1)))
        last = (int(match.group(4)) - 1, _column_number(match.group(3)))
        if first[0] < MAX_ROWS and first[1] < MAX_COLUMNS:
            yield first, last


def column_letter(number: int) -> str:
    """A sheet's column as Excel names it: 1 is A, 27 is AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def read_xls(data: bytes, header_words: Sequence[str] = HEADER_WORDS) -> Grid:
    """An old Excel (.xls) workbook, with its merged cells (xlrd)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds for a damaged file
        raise TableError(_f("not a readable .xls workbook ({error})", error=type(exc).__name__)) from None

    def grids() -> Iterator[Grid]:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            _bounded(sheet.nrows, sheet.ncols)
            rows = [
                [_xls_value(book, sheet.cell(r, c)) for c in range(sheet.row_len(r))]
                for r in range(sheet.nrows)
            ]
            grid = Grid([_trimmed(row) for row in rows])
            for top, bottom, left, right in sheet.merged_cells:  # half-open ranges
                grid.merge((top, left), (bottom - 1, right - 1))
            yield grid

    try:
        return _first_with_header(grids(), header_words, _("sheet"))
    finally:
        book.release_resources()


def _xls_value(book: Any, cell: Any) -> Cell:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        with contextlib.suppress(ValueError, OverflowError, xlrd.xldate.XLDateError):
            return xlrd.xldate_as_datetime(cell.value, book.datemode).date()  # type: ignore[no-any-return]
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return _plain(cell.value)


def _trimmed(row: list[Cell]) -> list[Cell]:
    while row and (row[-1] is None or row[-1] == ""):
        row.pop()
    return row


def read_docx(data: bytes, header_words: Sequence[str] = HEADER_WORDS) -> Grid:
    """The table of a Word document (the notice's attachment) that carries the header, with its
    merged cells (gridSpan across, vMerge down)."""
    _check_zip(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise TableError(_f("not a readable .docx document ({error})", error=type(exc).__name__)) from None

    def grids() -> Iterator[Grid]:
        for table in document.tables:
            yield _docx_grid(table)

    try:
        grid = _first_with_header(grids(), header_words, _("table"))
        grid.texts = [p.text.strip() for p in document.paragraphs[:_MAX_TEXTS] if p.text.strip()]
        return grid
    except (ValueError, TypeError, AttributeError) as exc:  # TableError is a ValueError
        if isinstance(exc, TableError):
            raise
        raise TableError(_f("a table cannot be read ({error})", error=type(exc).__name__)) from None


def _docx_grid(table: Any) -> Grid:
    """One pass over the table's XML: each w:tc placed at its grid column (w:gridBefore skipped),
    w:gridSpan merged across, w:vMerge continued down from the cell above; nothing is followed
    from cell to cell (python-docx's `row.cells` walks each vertical merge up to its top)."""
    from docx.table import _Cell

    rows: list[list[Cell]] = []
    grid = Grid(rows)
    going: dict[int, list[int]] = {}  # first column -> [top, left, right, last row] of a merge down

    def close(column: int) -> None:
        top, left, right, last = going.pop(column)
        grid.merge((top, left), (last, right))

    for r, tr in enumerate(table._tbl.tr_lst):
        column = int(tr.grid_before or 0)
        values: list[Cell] = [None] * column
        continued: set[int] = set()
        for tc in tr.tc_lst:
            span = max(1, int(tc.grid_span or 1))
            _bounded(r + 1, column + span)
            values.extend([None] * span)
            if tc.vMerge == "continue" and column in going:
                going[column][3] = r
                continued.add(column)
            else:
                for c in [c for c in going if column <= c < column + span]:
                    close(c)
                values[column] = _plain(_Cell(tc, table).text.strip()) or None
                if tc.vMerge == "restart":
                    going[column] = [r, column, column + span - 1, r]
                    continued.add(column)
                elif span > 1:
                    grid.merge((r, column), (r, column + span - 1))
            column += span
        for c in [c for c in going if c not in continued]:
            close(c)
        rows.append(_trimmed(values))
    for c in list(going):
        close(c)
    return grid


def read_html(data: bytes, header_words: Sequence[str] = HEADER_WORDS) -> tuple[Grid, str | None]:
    """The table of a web page that carries the header (a notice as published), rowspan and
    colspan as merged cells. The page is decoded here, before parsing: by its own meta charset,
    else as UTF-8, else as GBK. Only the table chosen (the first whose first rows hold a header
    word, else the first) is laid out, its spans bounded by its real rows and the column limit."""
    import lxml.html

    text, note = _html_text(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml takes no encoding declaration in text
    try:
        page = lxml.html.document_fromstring(text)
    except Exception as exc:  # an empty or unreadable page
        raise TableError(_f("not a readable web page ({error})", error=type(exc).__name__)) from None
    every = list(page.iter("table"))
    layout = {next(t.iterancestors("table"), None) for t in every}  # a table around another
    tables = [table for table in every if table not in layout]
    if not tables:
        raise TableError(_f("it holds no {what}", what=_("table")))
    chosen = next((t for t in tables if _html_has_header(t, header_words)), tables[0])
    grid = _html_grid(chosen)
    grid.texts = _html_texts(page)
    title = page.find(".//title")
    grid.title = " ".join((title.text_content() if title is not None else "").split())[:200]
    return grid, note


_MAX_TEXTS = 2_000  # lines of a document read for what it says around its table (its 成文日期)


def _html_texts(page: Any) -> list[str]:
    """The page's short lines outside any table (a notice's 文号, 成文日期 …)."""
    texts: list[str] = []
    for element in page.iter("p", "div", "span", "h1", "h2", "h3", "h4"):
        if len(texts) >= _MAX_TEXTS:
            break
        if next(element.iterancestors("table"), None) is not None:
            continue
        text = " ".join(element.text_content().split())
        if text and len(text) <= 200:
            texts.append(text)
    return texts


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CHINESE_CHARSETS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def _html_text(data: bytes) -> tuple[str, str | None]:
    """A page's text and a note when it was not UTF-8: the declared charset first (a GB2312 or
    GBK page read as GB18030, their superset), then UTF-8, then GBK."""
    declared = _META_CHARSET.search(data[:8192])
    if declared is not None:
        name = declared.group(1).decode("ascii").lower()
        codec = "gb18030" if name in _CHINESE_CHARSETS else name
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            text = data.decode(codec)
            return text, None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError(_("neither UTF-8 nor GBK text")) from None
    return text, _("read as GBK (GB18030); UTF-8 is preferred")


def _html_rows(table: Any) -> list[Any]:
    """A table's own rows (those of a table nested in a cell left out)."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _html_has_header(table: Any, words: Sequence[str]) -> bool:
    for tr in _html_rows(table)[:HEADER_ROWS]:
        for cell in tr:
            if cell.tag in ("td", "th") and re.sub(r"\s+", "", cell.text_content()) in words:
                return True
    return False


def _html_grid(table: Any) -> Grid:
    """The table laid out as a browser does: each cell at the first free column of its row, its
    rowspan bounded by the rows the table really has."""
    trs = _html_rows(table)
    _bounded(len(trs), 0)
    grid = Grid([[] for _tr in trs])
    starts: set[Place] = set()
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in starts or grid.covered(r, c):
                c += 1
            rows = min(_span(cell.get("rowspan")), len(trs) - r)
            columns = _span(cell.get("colspan"))
            _bounded(r + 1, c + columns)
            text = "\n".join(line.strip() for line in cell.text_content().splitlines() if line.strip())
            _put(grid.rows[r], c, _plain(text) or None)
            starts.add((r, c))
            if rows > 1 or columns > 1:
                grid.merge((r, c), (r + rows - 1, c + columns - 1))
            c += columns
    for row in grid.rows:
        _trimmed(row)
    return grid


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_ROWS))
    except ValueError:
        return 1


def _put(row: list[Cell], column: int, value: Cell) -> None:
    while len(row) <= column:
        row.append(None)
    row[column] = value
