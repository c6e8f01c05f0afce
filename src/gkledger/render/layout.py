"""Tables laid out for a terminal of any width, with rich: columns that fit, free text that folds
or wraps, and long tables printed line by line as rich would draw them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich import box
from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.control import strip_control_codes
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Span, Text

if TYPE_CHECKING:
    pass


class Column(NamedTuple):
    header: str
    justify: JustifyMethod = "left"
    flexible: bool = False  # takes the width left over
    wrap: bool = False  # long text wraps onto more lines instead of ending in an ellipsis
    max_width: int | None = None
    optional: bool = False  # left out when the terminal is too narrow for it
    folds: bool = False  # when nothing else helps, long values fold onto more lines (never cut)


Cell = str | Text
SECTION = None  # in a list of rows: a rule between groups


FLEXIBLE_MIN = 8  # the least a free-text column is worth showing
ROOMY = 20  # free text this wide reads (ten Chinese characters); a wrapping column gives way to it
WRAPPING_MIN = 12  # a wrapping column keeps a date and a word a line


class _Sizes(dict[int, tuple[str, int]]):
    """Each cell's text and width, worked out once per Text (by identity, while the table's cells
    are held): a listing shows the same Text in many rows, and measures each cell three times."""

    def of(self, cell: Text) -> tuple[str, int]:
        found = self.get(id(cell))
        if found is None:
            plain = cell.plain
            found = self[id(cell)] = (plain, cell_len(plain))
        return found


def column_widths(
    columns: Sequence[Column], cells: Sequence[Sequence[Text] | None], sizes: _Sizes | None = None
) -> list[int]:
    sizes = _Sizes() if sizes is None else sizes
    widths = [cell_len(col.header) for col in columns]
    for row in cells:
        for i, cell in enumerate(row or ()):
            widths[i] = max(widths[i], sizes.of(cell)[1])
    return [min(w, col.max_width or w) for w, col in zip(widths, columns, strict=True)]


def _needed(columns: Sequence[Column], widths: Sequence[int]) -> int:
    fixed = sum(w for w, col in zip(widths, columns, strict=True) if not col.flexible)
    flexible = FLEXIBLE_MIN if any(col.flexible for col in columns) else 0
    return fixed + flexible + 3 * (len(columns) - 1)


def _give_way(columns: Sequence[Column], widths: list[int], room: int) -> None:
    """Narrow the columns that wrap (a completion's date and evidence) so that the free text gets
    ROOMY cells where it would get fewer, none of them below WRAPPING_MIN or its header."""
    short = ROOMY - (room - sum(w for w, col in zip(widths, columns, strict=True) if not col.flexible))
    for i, col in enumerate(columns):
        if short <= 0:
            return
        if col.wrap and not col.flexible:
            give = min(short, widths[i] - max(WRAPPING_MIN, cell_len(col.header)))
            if give > 0:
                widths[i] -= give
                short -= give


def _without(
    drop: int, columns: list[Column], widths: list[int], cells: list[list[Text] | None]
) -> tuple[list[Column], list[int], list[list[Text] | None]]:
    keep = [i for i in range(len(columns)) if i != drop]
    return (
        [columns[i] for i in keep],
        [widths[i] for i in keep],
        [[row[i] for i in keep] if row is not None else None for row in cells],
    )


_WRAP = {"free_text": False}


def wrap_free_text(on: bool) -> None:
    """Whether free text (具体任务) wraps onto more lines instead of ending in an ellipsis: asked for
    with --wrap, and the default when the output is not a terminal and no width is set."""
    _WRAP["free_text"] = on


class Lines:
    """A table laid out line by line (`laid_out`): one Text of all its lines, each padded to the
    table's width, printed neither wrapped nor divided (rich would divide a Text into a Text per
    line, and wrap lines wider than the console). Rendered here as rich renders the whole Text,
    styles included, and as its plain text when the console shows no styles."""

    def __init__(self, text: Text, width: int) -> None:
        self.text = text
        self.width = width  # of every line, in cells

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if console.color_system is None and not console.record:  # a style renders as nothing
            for line in self.text.plain.split("\n"):  # a segment a line: rich splits at each "\n"
                yield Segment(line)
                yield Segment.line()
        else:
            yield from self.text.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


# 避头尾: what closes (、，。）…) never starts a line, what opens (（《“) never ends one.
_NO_START = frozenset("、，。；：？！）】」』”’》〉…—,.;:?!)]}%")
_NO_END = frozenset("（【「『“‘《〈([{")


class Folded(dict[int, list[Text]]):
    """The lines of each cell `set_as_chinese` folded, by the identity of the cell that holds them
    joined (rich's Table divides that at its line breaks; `laid_out` takes the lines as they are)."""


def _set_as_chinese(
    columns: Sequence[Column], widths: Sequence[int], cells: list[list[Text] | None], sizes: _Sizes
) -> Folded:
    """Cells of Chinese (no spaces, no line breaks) wider than a column that wraps, folded here
    (`folded`) into lines that fit, so that rich, and `laid_out` as rich, keep them as folded."""
    wraps = [i for i, col in enumerate(columns) if col.wrap]
    done: dict[int, Text] = {}  # by the cell's identity: a listing repeats its cells
    lines = Folded()
    for row in cells:
        if row is None:
            continue
        for i in wraps:
            cell = row[i]
            plain, size = sizes.of(cell)
            if size > widths[i] and chinese(plain):
                made = done.get(id(cell))
                if made is None:
                    pieces = folded(cell, plain, widths[i])
                    made = done[id(cell)] = Text("\n").join(pieces)
                    lines[id(made)] = pieces
                row[i] = made
    return lines


def _bad_break(plain: str, cut: int) -> bool:
    """A line may not start with closing punctuation, end with opening punctuation, or cut a
    number or a Latin word (12345, ok) in two."""
    before, after = plain[cut - 1], plain[cut]
    return (
        after in _NO_START
        or before in _NO_END
        or (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())
    )


def chinese(plain: str) -> bool:
    """Text set as Chinese is: one line with Chinese in it, and no space after its first Chinese
    character (a Latin lead such as "12 units: " may come before it); the rest rich wraps."""
    if "\n" in plain:
        return False
    first = next((at for at, char in enumerate(plain) if not char.isascii()), None)
    return first is not None and " " not in plain[first:]


def folded(cell: Text, plain: str, width: int) -> list[Text]:
    """Text without spaces (Chinese) folded onto lines of `width` cells, as rich folds it, except
    that a line that would start with closing punctuation, or end with opening punctuation, takes
    the character before it down with it, as Chinese is set."""
    breaks: list[int] = []  # where each line after the first starts
    start = used = 0
    for at, char in enumerate(plain):
        size = get_character_cell_size(char)
        if used + size > width and at > start:
            cut = at
            while cut - 1 > start and _bad_break(plain, cut):
                cut -= 1
            if _bad_break(plain, cut):  # no better place on the line: folded where rich folds
                cut = at
            breaks.append(cut)
            start, used = cut, cell_len(plain[cut:at])
        used += size
    return list(cell.divide(breaks))


def laid_out(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    widths: Sequence[int],
    cells: Sequence[Sequence[Text] | None],
    sizes: _Sizes | None = None,
    lines: Folded | None = None,
) -> Lines:
    """The table rich's Table would draw (box SIMPLE_HEAD, no edge padding), laid out line by
    line: rich measures every cell and lays out every row through its renderables, which costs a
    warm view of one unit more than its ledger does, and a province's listing of 143,000 rows
    half a minute. A cell that fits its column is placed as it is; one wider than a column that
    does not wrap ends in "…" as rich ends it (Text.truncate); one that wraps, or holds a line
    break, is divided into lines by rich's own Text.wrap, as Table divides it, and the other cells
    of its row are padded below with blank lines; one folded as Chinese is set (`lines`) is
    placed as its lines. A section is a blank line; every line is padded
    to the table's width, as rich pads it. The text and its spans are put together as
    Text.append_text would put them, and each distinct cell is measured once (`sizes`)."""
    sizes = _Sizes() if sizes is None else sizes
    known = Folded() if lines is None else lines
    total = sum(widths) + 3 * (len(columns) - 1)
    right = [col.justify == "right" for col in columns]
    parts: list[str] = []
    spans: list[Span] = []
    at = 0  # characters so far

    if title:
        title = strip_control_codes(title)
        parts.append(title + " " * (total - cell_len(title)) + "\n")
        at = len(parts[0])

    def line(row: Sequence[tuple[Text, str, int]]) -> None:
        """One line of the table: each cell's Text, its plain text and width, at most its column's."""
        nonlocal at
        for i, (cell, plain, size) in enumerate(row):
            pad = " " * (widths[i] - size)
            lead = ("   " if i else "") + (pad if right[i] else "")
            start = at + len(lead)
            if cell.style:
                spans.append(Span(start, start + len(plain), cell.style))
            if cell.spans:
                spans.extend(Span(start + begin, start + end, style) for begin, end, style in cell.spans)
            piece = lead + plain if right[i] else lead + plain + pad
            parts.append(piece)
            at += len(piece)
        parts.append("\n")
        at += 1

    blank = (Text(), "", 0)

    def place(row: Sequence[Text]) -> None:
        """A row of cells: one line, or as many as its tallest cell needs."""
        placed: list[tuple[Text, str, int]] = []
        stacks: list[tuple[int, list[Text]]] = []
        for i, cell in enumerate(row):
            width = widths[i]
            plain, size = sizes.of(cell)
            if size <= width and "\n" not in plain:
                placed.append((cell, plain, size))
            elif not columns[i].wrap and "\n" not in plain:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
                placed.append((cell, cell.plain, cell.cell_len))
            elif id(cell) in known:  # folded as Chinese is set: its lines as they are
                pieces = known[id(cell)]
                stacks.append((i, pieces[1:]))
                placed.append((pieces[0], pieces[0].plain, pieces[0].cell_len))
            else:
                wrap = columns[i].wrap
                pieces = list(
                    cell.wrap(
                        console,
                        width,
                        justify=columns[i].justify,
                        overflow="fold" if wrap else "ellipsis",
                        no_wrap=not wrap,
                    )
                ) or [Text()]
                stacks.append((i, pieces[1:]))
                placed.append((pieces[0], pieces[0].plain, pieces[0].cell_len))
        line(placed)
        height = max((len(rest) for _column, rest in stacks), default=0)
        for depth in range(height):
            below = [blank] * len(row)
            for i, rest in stacks:
                if depth < len(rest):
                    below[i] = (rest[depth], rest[depth].plain, rest[depth].cell_len)
            line(below)

    headers = [Text(col.header, style="bold") for col in columns]  # held: `sizes` knows them by id
    place(headers)
    parts.append("─" * total + "\n")
    at += total + 1
    section = False  # a rule between two rows, once however many sections were asked for
    drawn = 0
    for row in cells:
        if row is None:
            section = drawn > 0
            continue
        if section:
            parts.append(" " * total + "\n")
            at += total + 1
            section = False
        place(row)
        drawn += 1
    text = "".join(parts)[:-1]  # the last line is ended by the renderable
    return Lines(Text(text, spans=spans, no_wrap=True, overflow="ignore", end=""), total)


def print_table(
    console: Console, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Cell] | None]
) -> None:
    """`fitted_table`, printed: laid out line by line and within the console's width, its lines
    are not measured again to be cropped (a province's listing has 13,000 of them)."""
    table = fitted_table(console, title, columns, rows)
    console.print(table, crop=not (isinstance(table, Lines) and table.width <= console.width))


def fitted_table(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell] | None],
    *,
    by_rich: bool = False,  # always rich's Table, even where lines would do (tests compare the two)
) -> Table | Lines:
    """A table whose fixed columns fit their content and whose flexible column gets the rest, laid
    out line by line (`laid_out`); rich's Table draws it only when its title is wider than it.

    Rich shrinks every column alike when a one-line cell is wider than the terminal, which can
    squeeze short columns such as 序号 to nothing; sizing here keeps them whole.
    """
    made: dict[str, Text] = {}  # one Text per distinct string: a province's listing repeats them

    def text(cell: Cell) -> Text:
        if isinstance(cell, Text):
            return cell
        found = made.get(cell)
        if found is None:
            found = made[cell] = Text(cell)
        return found

    cells = [[text(c) for c in row] if row is not None else None for row in rows]
    sizes = _Sizes()
    columns = [col._replace(wrap=True) if col.flexible and _WRAP["free_text"] else col for col in columns]
    widths = column_widths(columns, cells, sizes)
    if _needed(columns, widths) > console.width:
        # Too narrow: optional columns go (rightmost first), and last the free text; what
        # identifies a row stays whole.
        for drop in [i for i, col in enumerate(columns) if col.optional][::-1]:
            if _needed(columns, widths) <= console.width:
                break
            columns, widths, cells = _without(drop, columns, widths, cells)
        flexible = [i for i, col in enumerate(columns) if col.flexible]
        if flexible and _needed(columns, widths) > console.width:
            columns, widths, cells = _without(flexible[0], columns, widths, cells)
        for i, col in enumerate(columns):
            excess = _needed(columns, widths) - console.width
            if excess > 0 and col.folds:
                widths[i] = max(4, widths[i] - excess)
                columns[i] = col._replace(wrap=True)
    gaps = 3 * (len(columns) - 1)  # padding either side and the box's column separator
    if any(col.flexible for col in columns):
        _give_way(columns, widths, console.width - gaps)
    fixed = sum(w for w, col in zip(widths, columns, strict=True) if not col.flexible)
    spare = max(FLEXIBLE_MIN, console.width - fixed - gaps)
    final = [min(width, spare) if col.flexible else width for col, width in zip(columns, widths, strict=True)]
    lines = _set_as_chinese(columns, final, cells, sizes)
    if not by_rich and (not title or cell_len(title) <= sum(final) + gaps):
        return laid_out(console, title, columns, final, cells, sizes, lines)
    table = Table(
        title=Text(title) if title else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        show_edge=False,
    )
    for col, width in zip(columns, widths, strict=True):
        table.add_column(
            col.header,
            justify=col.justify,
            no_wrap=not col.wrap,
            overflow="fold" if col.wrap else "ellipsis",
            width=min(width, spare) if col.flexible else width,
            min_width=None if col.flexible or col.wrap else width,  # rich must not squeeze it
        )
    for row in cells:
        if row is None:
            table.add_section()
        else:
            table.add_row(*row)
    return table
