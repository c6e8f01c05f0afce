"""The options several commands take, declared once: formats, --data, --today, --unit, the
filters of the listings."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from gkledger.cli.session import EXIT_PROBLEMS, _complete_units, _fail, _view_console
from gkledger.core.status import STATUSES, Obligations, Row, Status
from gkledger.i18n import _, _f
from gkledger.views.query import (
    OPEN_STATUSES,
    Query,
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class DataFormat(StrEnum):
    table = "table"
    json = "json"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class FailOn(StrEnum):
    late = "late"
    due_soon = "due-soon"


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="The ledger's data folder. Default: $GKLEDGER_DATA, else ./data or the nearest parent's "
        "data/ holding a plan, else the ledger bundled with gkledger.",
        show_default=False,
    ),
]
TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="DATE",
        help="The day to compute statuses for (2021-09-30, 2021/9/30, 2021年9月30日, 9月30日, today). "
        "Default: $GKLEDGER_TODAY, else the system date.",
        show_default=False,
    ),
]


UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="A unit: canonical name, official full name or alias (财政局, 和林格尔县).",
        show_default=False,
        autocompletion=_complete_units,
    ),
]
SoonOption = Annotated[
    int | None,
    typer.Option(
        "--soon",
        metavar="DAYS",
        min=0,
        max=366,
        help="Days ahead that count as due soon (临期). Default: the ledger's soon_days, else 7.",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on", help="Exit 1 when anything listed has this status (for CI gates).", show_default=False
    ),
]
ListFormatOption = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]
TaskArgument = Annotated[str, typer.Argument(help="The task id (序号).", show_default=False)]
NoteOption = Annotated[
    str | None, typer.Option("--note", help="A note to keep with the record.", show_default=False)
]


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Load the ledger afresh instead of from the cache ($GKLEDGER_NO_CACHE=1 too)."
    ),
]


ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace a file that already exists (never one a ledger reads).")
]


def _emit_rows(rows: list[Row], fmt: ListFormat, render_table: Callable[[], None]) -> None:
    if fmt is ListFormat.table:
        render_table()
        return
    from gkledger.render.records import row_record, rows_csv, to_json

    sys.stdout.write(to_json([row_record(r) for r in rows]) if fmt is ListFormat.json else rows_csv(rows))


def _gate(rows: list[Row], fail_on: FailOn | None) -> None:
    if fail_on is not None and any(row.status == fail_on.value for row in rows):
        raise typer.Exit(EXIT_PROBLEMS)


UnitsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="Only these units (repeat it for several).",
        show_default=False,
        autocompletion=_complete_units,
    ),
]
KindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kind", metavar="KIND", help="Only units of this kind (旗县区, 委办局 …).", show_default=False
    ),
]
GroupOption = Annotated[
    list[str] | None,
    typer.Option(
        "--group", metavar="GROUP", help="Only units of this group of units.yaml.", show_default=False
    ),
]
SectionOption = Annotated[
    str | None,
    typer.Option(
        "--section", metavar="TEXT", help="Only tasks whose 任务名称 contains this.", show_default=False
    ),
]
GrepOption = Annotated[
    str | None,
    typer.Option(
        "--grep", metavar="TEXT", help="Only tasks whose text or notes contain this.", show_default=False
    ),
]


class SortBy(StrEnum):
    due = "due"
    unit = "unit"
    task = "task"
    late = "late"


class GroupBy(StrEnum):
    task = "task"


SortOption = Annotated[
    SortBy, typer.Option("--sort", help="Order: due day, unit, task, or most days late first.")
]
ByOption = Annotated[
    GroupBy | None,
    typer.Option("--by", help="One row per task, with how many units and which.", show_default=False),
]
StatusesOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="LIST",
        help="Only these statuses, comma separated: late,due-soon,pending … (or 逾期,临期 …).",
        show_default=False,
    ),
]
LeadOption = Annotated[bool, typer.Option("--lead", help="Only rows where the unit leads the task (牵头).")]


def _query(
    ctx: typer.Context,
    obligations: Obligations,
    units: list[str] | None,
    kinds: list[str] | None,
    groups: list[str] | None,
    **fields: Any,
) -> Query:
    """A listing's query from its options; an unknown unit, kind or group ends the command."""
    from gkledger.views.query import units_matching

    try:
        chosen = units_matching(obligations, units or (), kinds or (), groups or ())
    except KeyError as exc:
        word = exc.args[0]
        close = obligations.index.suggest(word)
        hint = (
            _f("; did you mean {names}?", names=_(" or ").join(close))
            if close
            else _("; gkledger units lists them")
        )
        _fail(_f("no unit, kind or group is called '{word}'{hint}", word=word, hint=hint))
    return Query(units=chosen, **fields)


def _statuses(value: str | None) -> frozenset[Status]:
    """--status late,due-soon or 逾期,临期 (`views.query.parse_statuses`); a word that names no
    status ends the command."""
    from gkledger.views.query import UnknownStatus, parse_statuses

    if value is None:
        return OPEN_STATUSES
    try:
        return parse_statuses(value)
    except UnknownStatus as unknown:
        _fail(
            _f(
                "--status '{word}' is not a status; choose from {statuses} (or 逾期, 临期 …)",
                word=unknown.word,
                statuses=", ".join(STATUSES),
            )
        )


def _listing(
    ctx: typer.Context,
    obligations: Obligations,
    title: str,
    rows: list[Row],
    fmt: ListFormat,
    by: GroupBy | None,
) -> None:
    from gkledger.render import console as out

    if by is None:
        _emit_rows(
            rows, fmt, lambda: out.obligation_list(_view_console(ctx, obligations.ledger), title, rows)
        )
        return
    from gkledger.views.query import by_task

    groups = by_task(rows, obligations)
    if fmt is ListFormat.table:
        out.task_groups(_view_console(ctx, obligations.ledger), title, groups)
        return
    from gkledger.render.records import task_group_record, to_csv, to_json

    records = [task_group_record(g) for g in groups]
    columns = ("task", "due", "count", "units", "text")
    sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, columns))


ReplaceOption = Annotated[
    bool,
    typer.Option("--replace", help="Rewrite the task's existing record for the unit instead of refusing."),
]


def text_value(value: str, option: str, lines: bool = False) -> str:
    """A value typed on the command line, refused (exit 2) when it would not survive as text:
    bytes that are not UTF-8, or control characters (tabs and line breaks only where `lines`)."""
    import unicodedata

    if any("\ud800" <= char <= "\udfff" for char in value):
        _fail(
            _f(
                "{option} is not valid UTF-8 text; check the terminal's or the script's encoding",
                option=option,
            )
        )
    allowed = "\t\n" if lines else ""
    bad = sorted({char for char in value if unicodedata.category(char) == "Cc" and char not in allowed})
    if bad:
        shown = ", ".join(f"U+{ord(char):04X}" for char in bad)
        _fail(_f("{option} holds control characters ({chars}); remove them", option=option, chars=shown))
    return value


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="For a recurring task: the period (2022-07, 2022-Q3, 2022-H2). Default: its earliest "
        "period not yet recorded.",
        show_default=False,
    ),
]
TasksArgument = Annotated[
    list[str], typer.Argument(help="The task ids (序号); several are recorded together.", show_default=False)
]
RequiredUnits = Annotated[
    list[str],
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="The unit: canonical name, official full name or alias; repeat it for several units.",
        show_default=False,
        autocompletion=_complete_units,
    ),
]
