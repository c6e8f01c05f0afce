"""Text from the ledger made fit for formats that cannot hold every character.

`check` accepts any text YAML can carry, control characters included (a note pasted from a
terminal may hold an ESC). XML (xlsx), HTML and iCalendar cannot hold them, and a spreadsheet cell
holds at most 32,767 characters; what a format cannot hold is shown as a visible escape (\\x1b),
never dropped silently and never a crash. Data written into Markdown is escaped (`markdown`), and
a document's title is broken between its words (`title_lines`) for every format that prints it.
Pure functions, no imports of the format libraries.
"""

from __future__ import annotations

import math
import re

XLSX_CELL_LIMIT = 32_767

# Controls other than tab and line breaks, DEL and the C1 block, lone surrogates, and the two
# noncharacters XML forbids.
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def has_unfit(text: str) -> bool:
    """Whether `text` holds a character `visible` would escape."""
    return _UNFIT.search(text) is not None


def visible(text: str) -> str:
    """`text` with every character that XML, HTML or iCalendar cannot hold, and a terminal would
    take as a command, written as an escape."""
    return _UNFIT.sub(_escape, text) if _UNFIT.search(text) else text


# Characters that would turn data into Markdown (emphasis, links, code, table cells, raw HTML); the
# rest of its punctuation is left alone so that a document still reads well pasted as text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|])")


def markdown(text: str) -> str:
    """Data as Markdown shows it literally, on one line (a line break would end a list item or a
    table row)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def cell(text: str, limit: int = XLSX_CELL_LIMIT) -> str:
    """A spreadsheet cell's text: visible, and cut to the limit with a note saying so."""
    text = visible(text)
    if len(text) <= limit:
        return text
    note = f"…〔已截断：原文{len(text):,}字，单元格最多{limit:,}字，全文见台账〕"
    return text[: limit - len(note)] + note


CJK_WIDTH = 1.8  # a Chinese character in a spreadsheet's width units, as Excel and LibreOffice print it


def sheet_width(text: str) -> float:
    """How wide `text` is in a spreadsheet's column-width units (a digit is one)."""
    return sum(CJK_WIDTH if ord(char) > 0x2E7F else 1.0 for char in text)


def wrapped_lines(text: str, width: float) -> int:
    """The lines `text` takes wrapped in a column `width` units wide: neither openpyxl nor a printed
    page sizes a row by itself, so a row is given the height of its longest cell."""
    return max(1, math.ceil(sheet_width(text) / max(1.0, width - 1)))


TITLE_CHARS = 20  # 2号 characters on a line of an A4 公文: 156 mm at 7.76 mm each
# Where a title may break: between its words, never inside one (…政务公开工 / 作要点 is wrong).
_TITLE_WORDS = re.compile(
    r"关于|督促办理|[^关于]*?(?:市|县|区|旗|盟|州)(?=\d|[^\d]{2})|\d{4}年|政务公开工作要点|政务公开|工作要点"
    r"|落实情况|逾期和临期|逾期|临期|事项|的通知|的通报|."
)


def title_lines(text: str, width: int = TITLE_CHARS) -> list[str]:
    """A title in lines of at most `width` characters, broken between words, as balanced as the
    words allow (a long title is not a full line and a stub)."""
    if len(text) <= width:
        return [text]
    words = [m.group() for m in _TITLE_WORDS.finditer(text)]
    count = -(-len(text) // width)  # the fewest lines it takes
    target = -(-len(text) // count)
    lines: list[str] = []
    current = ""
    for word in words:
        if current and (len(current) + len(word) > width or len(current) >= target):
            lines.append(current)
            current = ""
        current += word
    if current:
        lines.append(current)
    return lines
