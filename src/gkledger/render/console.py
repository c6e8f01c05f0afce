"""Terminal tables: the one module that imports rich.

Colours follow the offices' 红黄绿灯: red for late, yellow for due soon, green for on track or done.
Every light also carries a word, so the tables read the same without colour (NO_COLOR, pipes).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from gkledger.core.model import Record, Task, Unit
from gkledger.core.status import STATUSES, Row, Status, Summary, spread
from gkledger.i18n import _, _f
from gkledger.render.labels import label, rate_text, spread_text
from gkledger.render.layout import (
    FLEXIBLE_MIN,
    SECTION,
    Cell,
    Column,
    chinese,
    column_widths,
    fitted_table,
    folded,
    laid_out,
    print_table,
)
from gkledger.render.text import has_unfit, visible

if TYPE_CHECKING:
    from gkledger.views.query import TaskGroup

STYLES: dict[Status, str] = {
    "late": "bold red",
    "due-soon": "bold yellow",
    "reported": "cyan",
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
    "reported": "?",
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
    frozenset({"reported"}),
    frozenset({"pending", "ongoing"}),
    frozenset({"done", "done-late", "waived"}),
)


class _Console(Console):
    """A console that shows the ledger's text, never runs it: a control character in a value (an
    ESC starting a terminal's own command: a window title, a clipboard write, a cleared screen) is
    printed as its visible escape (\\x1b), whatever view or message carries it. Rich's own
    control segments (cursor moves, colours) are its own and pass."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment
            if segment.control or not has_unfit(segment.text)
            else segment._replace(text=visible(segment.text))
            for segment in buffer
        )


def make_console(stderr: bool = False) -> Console:
    return _Console(stderr=stderr, highlight=False, soft_wrap=False)


def paging_console(width: int, color: bool) -> tuple[Console, io.StringIO]:
    """A console that writes a view into a buffer, as the terminal would show it, for a pager."""
    buffer = io.StringIO()
    console = _Console(
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


def evidence_text(row: Row, entered: dict[tuple[str, str], dt.date] | None = None) -> str:
    """What settles a row (or stands in the way): its record, and the office's review of it."""
    said = _review_text(row)
    record = row.record
    if record is None:
        return said
    if row.review == "returned":
        return said
    if said:
        said = " " + said
    return _record_text(row, record, entered) + said


def _review_text(row: Row) -> str:
    parts = []
    if row.review == "returned":
        parts.append(_f("returned: {reason}", reason=row.returned_reason or ""))
    elif row.review == "confirmed":
        parts.append(_("(confirmed)"))
    if row.original_due is not None:
        parts.append(_f("(due moved from {day})", day=row.original_due.isoformat()))
    return " ".join(parts)


def _record_text(row: Row, record: Record, entered: dict[tuple[str, str], dt.date] | None) -> str:
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
                cells.append(evidence_text(row, entered))
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
        console.print(laid_out(console, title, columns, column_widths(columns, cells), cells), crop=False)
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
        [g.rows[0].task_label, g.due.isoformat(), str(len(g.rows)), "、".join(r.unit.name for r in g.rows)]
        for g in groups
    ]
    print_table(console, _f("{title} · by task", title=title), columns, rows)


def task_detail(console: Console, task: Task, rows: Sequence[Row], summary: Summary) -> None:
    """A task's full text, its owners phrase and what it resolves to, and each unit's status."""
    heading = " ".join(part for part in (task.section, task.item or "") if part)
    deadline = task.deadline
    owing = spread(rows)  # a recurring task's unit is owed once per period: named once
    names = "、".join(u.name for u in owing.units)
    said = [(_("Item"), Text(heading)), (_("Task"), Text(task.text)), (_("Owners"), Text(task.owners))]
    said.append((_("resolves to"), Text(_f("{spread}: {names}", spread=spread_text(owing), names=names))))
    leads = list(dict.fromkeys(r.unit.name for r in rows if r.lead))
    if leads:
        said.append((_("Lead"), Text("、".join(leads))))
    if task.unresolved:
        said.append((_("Unresolved"), Text("、".join(task.unresolved), style="yellow")))
    if deadline is not None:
        kind = _(" (ongoing; reviewed at the end of the plan year)") if deadline.ongoing else ""
        said.append((_("Deadline"), Text(f"{deadline.text} → {deadline.due.isoformat()}{kind}")))
    if task.remark:
        said.append((_("Remark"), Text(task.remark)))
    if task.note:
        said.append((_("Note"), Text(task.note, style="italic")))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")  # Chinese text has no spaces to wrap at
    # the panel's borders and padding (4), the labels and the gap after them (2)
    width = max(FLEXIBLE_MIN, console.width - 4 - max(cell_len(name) for name, _text in said) - 2)
    for name, text in said:
        plain = text.plain
        if cell_len(plain) > width and chinese(plain):  # folded as Chinese is set
            text = Text("\n").join(folded(text, plain, width))
        facts.add_row(name, text)
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
        [[_unit_name(row), status_text(row.status), days_text(row), evidence_text(row)] for row in rows],
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
