"""Writing Excel workbooks: the one module that imports XlsxWriter (an optional extra, imported
only by the renderers that write workbooks).

XlsxWriter streams each sheet's XML from plain rows and shares one format object among every cell
styled alike, where a library that models each cell as an object spends most of a province's
export building and serialising those objects. Reading a workbook back (`gkledger import`,
`collect`) is intake's job, with openpyxl.

Rows and columns here count from 1, as a spreadsheet shows them. Text from the ledger is always
written as text, never as a formula or a number: a note reading `=HYPERLINK(…)` shows as those
characters, with Excel's quote prefix so that editing the cell keeps it text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from gkledger.render.text import cell as cell_text

A4 = 9  # Excel's paper size code
MAX_URL = 2079  # the longest address Excel keeps as a link
MAX_LINKS = 65_530  # links Excel keeps on one sheet
HEADER_LIMIT = 255  # characters of a page header or footer, codes included
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NAME_FORBIDDEN = frozenset("[]:*?/\\")


def page_code(text: str) -> str:
    """`text` as a page header or footer shows it: & starts a code there, so it is doubled."""
    return text.replace("&", "&&")


class Sheet:
    """One worksheet, written cell by cell; `style` values come from `Book.style`."""

    def __init__(self, book: Book, sheet: Worksheet) -> None:
        self._book = book
        self._sheet = sheet
        self._links = 0

    def put(self, row: int, col: int, value: object, style: Format | None = None) -> None:
        """Write `value` as what it is: text as text, a date as a date, a number as a number,
        None as an empty (still bordered) cell."""
        sheet = self._sheet
        if isinstance(value, str):
            text = cell_text(value)
            if text.startswith(_FORMULA_STARTS):
                style = self._book.quoted(style)
            sheet.write_string(row - 1, col - 1, text, style)
        elif value is None:
            sheet.write_blank(row - 1, col - 1, None, style)
        elif isinstance(value, bool):
            sheet.write_string(row - 1, col - 1, "是" if value else "否", style)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row - 1, col - 1, value, style)
        elif isinstance(value, int | float):
            sheet.write_number(row - 1, col - 1, value, style)
        else:
            sheet.write_string(row - 1, col - 1, cell_text(str(value)), style)

    def link(self, row: int, col: int, url: str, style: Format | None, text_style: Format | None) -> None:
        """`url` as a link showing itself; as text (in `text_style`) when Excel would drop the
        link: too long, or past the sheet's limit of links."""
        if len(url) > MAX_URL or self._links >= MAX_LINKS:
            self.put(row, col, url, text_style)
            return
        self._links += 1
        self._sheet.write_url(row - 1, col - 1, url, style, cell_text(url))

    def merge(
        self, first: tuple[int, int], last: tuple[int, int], value: object, style: Format | None
    ) -> None:
        """Cells `first` to `last` (row, column) as one, holding `value`; a single cell is written."""
        if first == last:
            self.put(*first, value, style)
            return
        (r1, c1), (r2, c2) = first, last
        self._sheet.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", style)
        self.put(r1, c1, value, style)

    def height(self, row: int, points: float) -> None:
        self._sheet.set_row(row - 1, points)

    def widths(self, widths: Iterable[float], first: int = 1) -> None:
        for col, width in enumerate(widths, start=first):
            self._sheet.set_column(col - 1, col - 1, width)

    def hide_column(self, col: int, width: float) -> None:
        self._sheet.set_column(col - 1, col - 1, width, None, {"hidden": True})

    def freeze(self, row: int, col: int) -> None:
        """Keep the rows above `row` and the columns left of `col` in view."""
        self._sheet.freeze_panes(row - 1, col - 1)

    def filter(self, columns: int, header_row: int, last_row: int) -> None:
        """An autofilter over a list's header and rows."""
        self._sheet.autofilter(header_row - 1, 0, max(header_row, last_row) - 1, columns - 1)

    def print_setup(
        self,
        repeat_rows: tuple[int, int],
        fit_height: int = 0,
        repeat_cols: tuple[int, int] | None = None,
        header: str | None = None,
        footer: tuple[str, str, str] = ("", "", ""),
    ) -> None:
        """A4 landscape, one page wide (and `fit_height` pages high, 0: as many as it takes),
        centred, `repeat_rows` on every page, `header` (plain text) over each page and the left,
        centre and right parts of `footer` (page codes such as &P allowed) under it."""
        sheet = self._sheet
        sheet.set_landscape()
        sheet.set_paper(A4)
        sheet.fit_to_pages(1, fit_height)
        sheet.center_horizontally()
        sheet.repeat_rows(repeat_rows[0] - 1, repeat_rows[1] - 1)
        if repeat_cols is not None:
            sheet.repeat_columns(repeat_cols[0] - 1, repeat_cols[1] - 1)
        if header:
            sheet.set_header("&C" + _fit(page_code(header), HEADER_LIMIT - 2))
        left, center, right = footer
        room = (HEADER_LIMIT - len(center) - 6) // 2  # the page number in the middle is kept whole
        parts = [
            f"&{where}{_fit(text, room) if where != 'C' else text}"
            for where, text in zip("LCR", (left, center, right), strict=True)
            if text
        ]
        if parts:
            sheet.set_footer("".join(parts))

    def protect(self, **allowed: bool) -> None:
        """Protect the sheet without a password (to guide, not to lock anyone out); `allowed`
        names what stays open (format_rows, sort, autofilter …)."""
        self._sheet.protect("", dict(allowed))

    def validate_dates(self, cells: list[tuple[int, int]], title: str, error: str, prompt: str) -> None:
        """Warn when a date cell among `cells` is given something that is not a date."""
        if not cells:
            return
        ranges = " ".join(_cell_name(row, col) for row, col in cells)
        first = cells[0]
        self._sheet.data_validation(
            first[0] - 1,
            first[1] - 1,
            first[0] - 1,
            first[1] - 1,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.date(2000, 1, 1),
                "maximum": dt.date(2099, 12, 31),
                "error_type": "warning",
                "error_title": title,
                "error_message": error,
                "input_title": title,
                "input_message": prompt,
                "multi_range": ranges,
            },
        )

    def very_hidden(self) -> None:
        """Out of sight, and out of Excel's 取消隐藏 list."""
        self._sheet.very_hidden()


def _cell_name(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _fit(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 units (Excel's count), with an ellipsis when cut; a doubled &
    is never split."""
    if sum(2 if ord(c) > 0xFFFF else 1 for c in text) <= limit:
        return text
    cut = text[: limit - 1]
    if cut.endswith("&") and not cut.endswith("&&"):
        cut = cut[:-1]
    return cut + "…"


class Book:
    """A workbook in memory: sheets in the order they are added, and each style made once."""

    def __init__(self) -> None:
        self._book = Workbook(io.BytesIO(), {"in_memory": True})
        self._buffer: io.BytesIO = self._book.filename
        self._styles: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._props: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int, Format] = {}
        self._names: set[str] = set()

    def style(self, **props: Any) -> Format:
        """The format of these XlsxWriter properties (bold, bg_color, border, text_wrap …),
        made once per workbook."""
        key = tuple(sorted(props.items()))
        made = self._styles.get(key)
        if made is None:
            made = self._styles[key] = self._book.add_format(props)
            self._props[id(made)] = props
        return made

    def quoted(self, style: Format | None) -> Format:
        """`style` with Excel's quote prefix: the cell's text stays text when edited."""
        key = id(style)
        made = self._quoted.get(key)
        if made is None:
            props = self._props.get(key, {}) if style is not None else {}
            made = self._quoted[key] = self.style(**props, quote_prefix=True)
        return made

    def sheet(self, name: str) -> Sheet:
        """A new sheet named `name` as Excel allows: at most 31 characters, none of []:*?/\\,
        different from the others (a number is added)."""
        base = "".join("_" if c in _NAME_FORBIDDEN else c for c in name).strip("'")[:31] or "Sheet"
        chosen, n = base, 1
        while chosen.casefold() in self._names:
            n += 1
            suffix = f"({n})"
            chosen = base[: 31 - len(suffix)] + suffix
        self._names.add(chosen.casefold())
        return Sheet(self, self._book.add_worksheet(chosen))

    def to_bytes(self, title: str, subject: str | None = None) -> bytes:
        """The .xlsx file, titled `title`, written by the office's tool."""
        self._book.set_properties(
            {"title": title, "subject": subject or "", "author": "gkledger", "created": dt.datetime.now()}
        )
        self._book.close()
        return self._buffer.getvalue()
