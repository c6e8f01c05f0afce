"""Terminal tables: the one module that imports rich.

Colours follow the offices' 红黄绿灯: red for late, yellow for due soon, green for on track or done.
Every light also carries a word, so the tables read the same without colour (NO_COLOR, pipes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, JustifyMethod, RenderResult
from rich.control import strip_control_codes
from rich.markup import escape
from rich.measure import Measurement
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Span, Text

from gkledger.core.model import Task, Unit, shown_path
from gkledger.core.status import STATUSES, Row, Status, Summary
from gkledger.i18n import _, _f
from gkledger.render.labels import flag_label, label, state_label

if TYPE_CHECKING:
    from gkledger.history.audit import Entry
    from gkledger.history.links import LinkResult
    from gkledger.views.query import TaskGroup
    from gkledger.views.review import Review
    from gkledger.writes.carry import Carried
    from gkledger.writes.collect import RowResult

STYLES: dict[Status, str] = {
    "late": "bold red",
    "due-soon": "bold yellow",
    "pending": "green",
    "ongoing": "green",
    "done": "green",
    "done-late": "dark_orange",
    "waived": "dim",
}
# Marks and bar characters of one cell in every terminal: none is of East Asian "ambiguous"
# width, which terminals set up for CJK draw two cells wide (● ○ █ ░ – are; these are not).
LIGHTS: dict[Status, str] = {
    "late": "▪",
    "due-soon": "▪",
    "pending": "▫",
    "ongoing": "▫",
    "done": "✔",
    "done-late": "✔",
    "waived": "-",
}
BAR_FULL, BAR_EMPTY = "▰", "▱"
# How a unit's rows are grouped, in this order, a rule between groups.
GROUPS: tuple[frozenset[Status], ...] = (
    frozenset({"late"}),
    frozenset({"due-soon"}),
    frozenset({"pending", "ongoing"}),
    frozenset({"done", "done-late", "waived"}),
)


def make_console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def paging_console(width: int, color: bool) -> tuple[Console, io.StringIO]:
    """A console that writes a view into a buffer, as the terminal would show it, for a pager."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        highlight=False,
        soft_wrap=False,
        force_terminal=color,
        color_system="standard" if color else None,
    )
    return console, buffer


def status_text(status: Status) -> Text:
    return Text(f"{LIGHTS[status]} {label(status)}", style=STYLES[status])


def days_text(row: Row) -> Text:
    if row.status in ("done", "done-late", "waived"):
        return Text("")
    if row.days_left < 0:
        return Text(_f("{days}d late", days=-row.days_left), style=STYLES["late"])
    if row.days_left == 0:
        return Text(_("due today"), style=STYLES["due-soon"])
    return Text(_f("{days}d", days=row.days_left), style=STYLES[row.status])


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _evidence(row: Row, entered: dict[tuple[str, str], dt.date] | None = None) -> str:
    record = row.record
    if record is None:
        return ""
    if record.waived is not None:
        return _f("waived: {reason}", reason=record.waived)
    parts = [f"{record.done.isoformat()}" if record.done else ""]
    if entered is not None:
        day = entered.get((row.task.id, row.unit.name))
        parts.append(_f("(entered {day})", day=day.isoformat()) if day else _("(not committed)"))
    if record.evidence:
        parts.append(record.evidence)
    return " ".join(parts)


def _title(unit: Unit) -> str:
    return unit.name if unit.full_name == unit.name else f"{unit.name}（{unit.full_name}）"


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


class _Sizes(dict[int, tuple[str, int]]):
    """Each cell's text and width, worked out once per Text (by identity, while the table's cells
    are held): a listing shows the same Text in many rows, and measures each cell three times."""

    def of(self, cell: Text) -> tuple[str, int]:
        found = self.get(id(cell))
        if found is None:
            plain = cell.plain
            found = self[id(cell)] = (plain, cell_len(plain))
        return found


def _widths(
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
    """A table laid out line by line (`_laid_out`): one Text of all its lines, each padded to the
    table's width, printed neither wrapped nor divided. Rich prints a Text by dividing it into a
    Text per line (and wraps lines wider than the console): 13,000 lines of a province's `due`
    took a second that way. Rendered here as rich renders the whole Text, styles included, and as
    its plain text when the console shows no styles."""

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


def _laid_out(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    widths: Sequence[int],
    cells: Sequence[Sequence[Text] | None],
    sizes: _Sizes | None = None,
) -> Lines:
    """The table rich's Table would draw (box SIMPLE_HEAD, no edge padding), laid out line by
    line: rich measures every cell and lays out every row through its renderables, which costs a
    warm view of one unit more than its ledger does, and a province's listing of 143,000 rows
    half a minute. A cell that fits its column is placed as it is; one wider than a column that
    does not wrap ends in "…" as rich ends it (Text.truncate); one that wraps, or holds a line
    break, is divided into lines by rich's own Text.wrap, as Table divides it, and the other cells
    of its row are padded below with blank lines. A section is a blank line; every line is padded
    to the table's width, as rich pads it. The text and its spans are put together as
    Text.append_text would put them, and each distinct cell is measured once (`sizes`)."""
    sizes = _Sizes() if sizes is None else sizes
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
    out line by line (`_laid_out`); rich's Table draws it only when its title is wider than it.

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
    widths = _widths(columns, cells, sizes)
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
    fixed = sum(w for w, col in zip(widths, columns, strict=True) if not col.flexible)
    spare = max(FLEXIBLE_MIN, console.width - fixed - gaps)
    final = [min(width, spare) if col.flexible else width for col, width in zip(columns, widths, strict=True)]
    if not by_rich and (not title or cell_len(title) <= sum(final) + gaps):
        return _laid_out(console, title, columns, final, cells, sizes)
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


def unit_status(
    console: Console,
    unit: Unit,
    rows: Sequence[Row],
    summary: Summary,
    today: dt.date,
    entered: dict[tuple[str, str], dt.date] | None = None,
) -> None:
    """What one unit owes, grouped late / due soon / open / finished, and its summary line; with
    `entered`, each record's commit day (登记) beside its 完成日期."""
    if not rows:
        console.print(Text(_f("{unit}: nothing open as of {day}.", unit=_title(unit), day=today.isoformat())))
        console.print(summary_line(summary))
        return
    with_records = any(row.record for row in rows)
    columns = [
        Column(_("No."), "right"),
        Column(_("Status")),
        Column(_("Due")),
        Column(_("Left"), "right"),
        Column(_("Task"), flexible=True),
    ]
    if with_records:
        columns.append(Column(_("Record"), wrap=True, max_width=28, optional=True))
    table_rows: list[list[Cell] | None] = []
    for statuses in GROUPS:
        group = [row for row in rows if row.status in statuses]
        for row in group:
            cells: list[Cell] = [
                row.task_label,
                status_text(row.status),
                f"{row.due.isoformat()}",
                days_text(row),
                row.task.text,
            ]
            if with_records:
                cells.append(_evidence(row, entered))
            table_rows.append(cells)
        if group:
            table_rows.append(SECTION)
    print_table(
        console,
        _f("{unit} · as of {day}", unit=_title(unit), day=today.isoformat()),
        columns,
        table_rows[:-1],
    )
    console.print(summary_line(summary))


def summary_line(summary: Summary) -> Text:
    counts = summary.counts
    line = Text()
    line.append(_f("{count} obligations: ", count=summary.total))
    parts: list[tuple[str, Status]] = [
        (_f("{count} {status}", count=counts[s], status=label(s)), s) for s in STATUSES if counts[s]
    ]
    for i, (said, status) in enumerate(parts):
        if i:
            line.append(_(", "))
        line.append(said, style=STYLES[status])
    if not parts:
        line.append(_("none"))
    rate = rate_text(summary.on_time_rate)
    line.append(
        _f(
            " · on time {rate} ({on_time}/{due} already due)",
            rate=rate,
            on_time=summary.on_time,
            due=summary.due_so_far,
        )
    )
    if summary.lead:
        line.append(_f(" · leads {count} ({open} open)", count=summary.lead, open=summary.lead_open))
    return line


def ledger_line(
    console: Console, title: str | None, folder: str | None, bundled: bool, ended: dt.date | None = None
) -> None:
    """Which ledger a view shows, and whether its plan is over (statuses are then final)."""
    line = Text(_("Ledger: "), style="dim").append(title or _("(no plan title)"), style="bold")
    if ended is not None:
        line.append(_f(" · the plan ended on {day}", day=ended.isoformat()), style="bold yellow")
    if folder and not bundled:
        line.append(f" · {folder}", style="dim")
    console.print(line)
    if bundled:
        console.print(
            Text(_("(the example bundled with gkledger; start your own: gkledger init)"), style="dim")
        )


def recorded(console: Console, summary: Summary) -> None:
    """After `done` / `waive`: the unit's status line now."""
    unit = summary.unit.name if summary.unit else ""
    console.print(Text(_f("{unit}: ", unit=unit)).append_text(summary_line(summary)))


def _bar(fraction: float, width: int = 10) -> str:
    filled = round(fraction * width)
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


OVERVIEW_ROWS = 100  # units shown by default; --all-units shows every one
LONG_TABLE = 200  # overview rows past which units keep their whole width whatever the terminal


def _overview_columns() -> tuple[Column, ...]:
    return (
        Column(_("Unit"), folds=True),
        Column(_("Late"), "right"),
        Column(_("Due soon"), "right"),
        Column(_("Open"), "right"),
        Column(_("Finished"), "right"),
        Column(_("All"), "right"),
        Column(_("Progress"), optional=True),
        Column(_("Rate"), "right"),
    )


def _overview_row(summary: Summary, label: str | None = None) -> list[Cell]:
    counts = summary.counts
    style = STYLES["late"] if counts["late"] else (STYLES["due-soon"] if counts["due-soon"] else "green")
    share = summary.finished / summary.total if summary.total else 0.0
    name = label if label is not None else (summary.unit.name if summary.unit else _("All units"))
    return [
        Text(name, style="bold") if label is not None else name,
        Text(str(counts["late"] or ""), style=STYLES["late"]),
        Text(str(counts["due-soon"] or ""), style=STYLES["due-soon"]),
        str(counts["pending"] + counts["ongoing"] or ""),
        str(summary.finished or ""),
        str(summary.total),
        Text(f"{_bar(share)} {share:>4.0%}", style=style),
        rate_text(summary.on_time_rate),
    ]


def units_by_kind(
    console: Console,
    groups: Sequence[tuple[str, Sequence[Summary], Summary]],
    overall: Summary,
    today: dt.date,
) -> None:
    """The overview grouped by kind of unit (旗县区, 委办局, 开发区 …): each kind's units worst
    first, its 合计 row, and a 总计 row for all."""
    rows: list[list[Cell] | None] = []
    for kind, summaries, total in groups:
        rows.extend(_overview_row(summary) for summary in summaries)
        rows.append(_overview_row(total, _f("{kind} total", kind=kind)))
        rows.append(SECTION)
    rows.append(_overview_row(overall, _("Total")))
    title = _f("By kind · as of {day}", day=today.isoformat())
    print_table(console, title, _overview_columns(), rows)


def units_overview(
    console: Console,
    summaries: Sequence[Summary],
    overall: Summary,
    today: dt.date,
    limit: int | None = OVERVIEW_ROWS,
    ended: dt.date | None = None,
) -> None:
    """One row per unit, worst first: counts, a bar of how much is finished, and the on-time rate;
    the `limit` worst when there are more (the output says how many are left out). The total of a
    plan past its last day (`ended`) is its final result."""
    hidden = len(summaries) - limit if limit is not None and len(summaries) > limit else 0
    if hidden:
        summaries = summaries[:limit]
    rows: list[list[Cell] | None] = [_overview_row(summary) for summary in summaries]
    title = _f("By unit, worst first · as of {day}", day=today.isoformat())
    columns = _overview_columns()
    if len(rows) > LONG_TABLE:  # every unit at its whole width, however wide the terminal
        cells = [[c if isinstance(c, Text) else Text(c) for c in row] for row in rows if row is not None]
        console.print(_laid_out(console, title, columns, _widths(columns, cells), cells), crop=False)
    else:
        print_table(console, title, columns, rows)
    if hidden:
        console.print(
            Text(
                _f(
                    "… {count:,} more units not listed (--all-units lists every one)",
                    count=hidden,
                ),
                style="dim",
            )
        )
    label = _("All units: ")
    if overall.unit is None and ended is not None and today > ended:
        label = _f("Final result (the {year} plan has ended): ", year=ended.year)
    console.print(Text(label).append_text(summary_line(overall)))


def obligation_list(console: Console, title: str, rows: Sequence[Row]) -> None:
    """Obligations across units (due, late): one row each, in the order given."""
    if not rows:
        console.print(Text(_f("{title}: none.", title=title)))
        return
    columns = [
        Column(_("Due")),
        Column(_("Left"), "right"),
        Column(_("No."), "right"),
        Column(_("Unit"), folds=True),
        Column(_("Status")),
        Column(_("Task"), flexible=True),
    ]
    table_rows: list[list[Cell] | None] = [
        [
            f"{row.due.isoformat()}",
            days_text(row),
            row.task_label,
            row.unit.name,
            status_text(row.status),
            row.task.text,
        ]
        for row in rows
    ]
    print_table(console, title, columns, table_rows)


def task_groups(console: Console, title: str, groups: Sequence[TaskGroup]) -> None:
    """One row per task: how many units, and which (names joined, wrapped between names)."""
    if not groups:
        console.print(Text(_f("{title}: none.", title=title)))
        return
    columns = [
        Column(_("No."), "right"),
        Column(_("Due")),
        Column(_("Units"), "right"),
        Column(_("Which"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = [
        [g.rows[0].task_label, g.due.isoformat(), str(len(g.rows)), "、 ".join(r.unit.name for r in g.rows)]
        for g in groups
    ]
    print_table(console, _f("{title} · by task", title=title), columns, rows)


def task_detail(console: Console, task: Task, rows: Sequence[Row], summary: Summary) -> None:
    """A task's full text, its owners phrase and what it resolves to, and each unit's status."""
    heading = " ".join(part for part in (task.section, task.item or "") if part)
    deadline = task.deadline
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")  # Chinese text has no spaces to wrap at
    facts.add_row(_("Item"), escape(heading))
    facts.add_row(_("Task"), escape(task.text))
    facts.add_row(_("Owners"), escape(task.owners))
    facts.add_row(_("resolves to"), escape("、".join(r.unit.name for r in rows)) + f" ({len(rows)})")
    leads = [r.unit.name for r in rows if r.lead]
    if leads:
        facts.add_row(_("Lead"), escape("、".join(leads)))
    if task.unresolved:
        facts.add_row(_("Unresolved"), Text("、".join(task.unresolved), style="yellow"))
    if deadline is not None:
        kind = _(" (ongoing; reviewed at the end of the plan year)") if deadline.ongoing else ""
        facts.add_row(_("Deadline"), f"{escape(deadline.text)} → {deadline.due.isoformat()}{kind}")
    if task.remark:
        facts.add_row(_("Remark"), escape(task.remark))
    if task.note:
        facts.add_row(_("Note"), Text(task.note, style="italic"))
    columns = [
        Column(_("Unit"), folds=True),
        Column(_("Status")),
        Column(_("Left"), "right"),
        Column(_("Record / evidence"), flexible=True, wrap=True),
    ]
    table = fitted_table(
        console,
        None,
        columns,
        [[_unit_name(row), status_text(row.status), days_text(row), _evidence(row)] for row in rows],
    )
    console.print(
        Panel(facts, title=_f("Task {task}", task=escape(task.id)), title_align="left", box=box.ROUNDED)
    )
    console.print(Group(table, summary_line(summary)))


def _unit_name(row: Row) -> str:
    """A unit in a task's detail: marked when it leads, with the period of a recurring task."""
    name = _f("{unit} (lead)", unit=row.unit.name) if row.lead else row.unit.name
    return f"{name} · {row.period}" if row.period else name


def tasks_table(console: Console, tasks: Sequence[Task]) -> None:
    columns = [
        Column(_("No."), "right"),
        Column(_("Due")),
        Column(_("Deadline")),
        Column(_("Task"), flexible=True, wrap=True),
        Column(_("Owners"), wrap=True, max_width=20),
    ]
    rows: list[list[Cell] | None] = []
    for task in tasks:
        due = f"{task.deadline.due.isoformat()}" if task.deadline else "?"
        rows.append([task.id, due, task.deadline.text if task.deadline else "", task.text, task.owners])
        rows.append(SECTION)
    print_table(console, None, columns, rows[:-1])


def units_table(console: Console, units: Sequence[Unit]) -> None:
    columns = [
        Column(_("Unit"), folds=True),
        Column(_("Kind")),
        Column(_("Full name"), wrap=True, max_width=24),
        Column(_("Aliases · Tags"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for unit in units:
        names = Text("、".join(unit.aliases))
        if unit.tags:
            names.append(("  " if unit.aliases else "") + " ".join(f"#{t}" for t in unit.tags), style="cyan")
        rows.append([unit.name, unit.kind, unit.full_name, names])
    print_table(console, None, columns, rows)


LINK_STYLES = {"ok": "green", "redirected": "yellow", "broken": "bold red"}


COLLECT_STYLES = {"recorded": "green", "replaced": "green", "unchanged": "dim", "refused": "red"}


def collected_table(console: Console, results: Sequence[RowResult], dry_run: bool) -> None:
    """What collect did with each row: recorded, replaced, unchanged or refused, and why."""
    columns = [
        Column(_("File"), wrap=True, max_width=30),
        Column(_("Row"), "right"),
        Column(_("Unit"), folds=True),
        Column(_("No."), "right"),
        Column(_("Result")),
        Column(_("Detail"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = [
        [
            r.file,
            str(r.line or ""),
            r.unit or "",
            r.task or "",
            Text(state_label(r.state), style=COLLECT_STYLES[r.state]),
            r.detail,
        ]
        for r in results
    ]
    title = _("Collect") + (_(" · dry run: nothing was written") if dry_run else "")
    print_table(console, title, columns, rows)
    counts = {
        state: sum(1 for r in results if r.state == state and r.line is not None) for state in COLLECT_STYLES
    }
    console.print(
        Text(
            _(", ").join(
                _f("{count} {state}", count=n, state=state_label(state)) for state, n in counts.items()
            )
        )
    )


def audit_table(console: Console, entries: Sequence[Entry], max_lag: int, shallow: bool) -> None:
    """One row per record: when it was committed, by whom, how long after its 完成日期, and flags."""
    columns = [
        Column(_("No."), "right"),
        Column(_("Unit"), folds=True),
        Column(_("Done")),
        Column(_("Entered")),
        Column(_("Lag"), "right"),
        Column(_("By"), flexible=True, wrap=True),
        Column(_("Flags"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for entry in entries:
        added = entry.added
        flags = Text()
        for i, (flag, sha) in enumerate(entry.flags.items()):
            flags.append(
                ("\n" if i else "") + f"{flag_label(flag)} {sha[:10]}",
                style="red" if flag != "cross-unit" else "yellow",
            )
        rows.append(
            [
                entry.task,
                entry.unit,
                entry.done.isoformat() if entry.done else "",
                added.authored.date().isoformat() if added else (_("not committed") if entry.present else ""),
                "" if entry.lag_days is None else _f("{days}d", days=entry.lag_days),
                added.author if added else "",
                flags,
            ]
        )
    title = _f("Audit · entered late after {days} days", days=max_lag)
    print_table(console, title, columns, rows)
    flagged = sum(1 for e in entries if e.flags)
    console.print(Text(_f("{count} records, {flagged} flagged", count=len(entries), flagged=flagged)))
    if shallow:
        console.print(
            Text(
                _("history is cut (a shallow clone): records flagged history-cut were added earlier"),
                style="yellow",
            )
        )


def links_table(console: Console, results: Sequence[LinkResult]) -> None:
    """One row per evidence link: its state, the record it comes from, and why."""
    columns = [
        Column(_("State")),
        Column("HTTP", "right"),
        Column(_("No."), "right"),
        Column(_("Unit"), folds=True),
        Column(_("URL"), wrap=True, max_width=48),
        Column(_("Detail / record"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for result in results:
        e, o = result.evidence, result.outcome
        where = f"{shown_path(e.path)}:{e.line}" + (_(" (cached)") if result.cached else "")
        rows.append(
            [
                Text(state_label(o.state), style=LINK_STYLES[o.state]),
                str(o.status or ""),
                e.task,
                e.unit,
                e.url,
                Text(o.reason.said() + ("\n" if o.detail else "") + where),
            ]
        )
    print_table(console, None, columns, rows)
    counts = {state: sum(1 for r in results if r.outcome.state == state) for state in LINK_STYLES}
    line = Text(_f("{count} links: ", count=len(results)))
    for i, (state, count) in enumerate(counts.items()):
        said = _f("{count} {state}", count=count, state=state_label(state))
        line.append(("" if i == 0 else _(", ")) + said, style=LINK_STYLES[state] if count else "")
    console.print(line)


@contextlib.contextmanager
def link_progress(total: int) -> Iterator[Callable[[object], None]]:
    """A progress bar on stderr for long runs (when stderr is a terminal); yields the tick callback."""
    console = make_console(stderr=True)
    if total < 10 or not console.is_terminal:
        yield lambda _result: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(_("checking links")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        job = progress.add_task("links", total=total)
        yield lambda _result: progress.advance(job)


def review_view(console: Console, review: Review) -> None:
    """回头看: each unit's result, worst first, with a 合计 row; then every item that was never done,
    done late (by how many days) or waived (and why)."""
    as_of = review.ended or review.today
    if review.ended:
        state = _f("the plan ended on {day}", day=review.ended.isoformat())
    else:
        state = _f("as of {day}", day=review.today.isoformat())
    columns = [
        Column(_("Unit"), folds=True),
        Column(_("Was due"), "right"),
        Column(_("On time"), "right"),
        Column(_("Done late"), "right"),
        Column(_("Never done"), "right"),
        Column(_("Waived"), "right"),
        Column(_("On-time rate"), "right"),
    ]
    rows: list[list[Cell] | None] = []
    for unit in review.units:
        s = unit.summary
        rows.append(
            [
                unit.unit.name,
                str(s.due_so_far),
                str(s.on_time),
                str(len(unit.done_late)),
                Text(str(len(unit.never_done)), style=STYLES["late"] if unit.never_done else ""),
                str(len(unit.waived)),
                rate_text(s.on_time_rate),
            ]
        )
    total = review.total
    rows.append(SECTION)
    rows.append(
        [
            _("Total"),
            str(total.due_so_far),
            str(total.on_time),
            str(review.done_late),
            str(review.never_done),
            str(review.waived),
            rate_text(total.on_time_rate),
        ]
    )
    print_table(
        console, _f("Review · {state} · as of {day}", state=state, day=as_of.isoformat()), columns, rows
    )
    detail = [
        Column(_("Unit"), folds=True),
        Column(_("No.")),
        Column(_("Outcome"), flexible=True, wrap=True),
    ]
    found: list[list[Cell] | None] = []
    for unit in review.units:
        for row in unit.never_done:
            outcome = Text(_f("never done (due {day})", day=row.due.isoformat()), style=STYLES["late"])
            found.append([unit.unit.name, row.task_label, outcome])
        for row, days in unit.done_late:
            outcome_late = _f("done {days}d late ({record})", days=days, record=_evidence(row))
            found.append([unit.unit.name, row.task_label, outcome_late])
        for row in unit.waived:
            reason = row.record.waived if row.record is not None else ""
            found.append([unit.unit.name, row.task_label, _f("waived: {reason}", reason=reason)])
    if found:
        print_table(console, _("Never done · done late · waived"), detail, found)


def carried_lines(carried: Sequence[Carried], dry_run: bool) -> list[str]:
    """What `carry` says of each task it carries (or would)."""
    message = (
        _("Would carry {reference} → task {id}, owed by {count} units: {units}; 完成时限 {deadline}")
        if dry_run
        else _("Carried {reference} → task {id}, owed by {count} units: {units}; 完成时限 {deadline}")
    )
    return [
        message.format(
            reference=task.reference,
            id=task.id,
            count=len(task.units),
            units="、".join(task.units),
            deadline=task.deadline,
        )
        for task in carried
    ]
