"""The views of who owes what: tasks, status, due, late, show."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from gkledger.cli.options import (
    ByOption,
    DataFormat,
    DataOption,
    FailOn,
    FailOnOption,
    GrepOption,
    GroupOption,
    KindOption,
    LeadOption,
    ListFormat,
    ListFormatOption,
    SectionOption,
    SoonOption,
    SortBy,
    SortOption,
    StatusesOption,
    TaskArgument,
    TodayOption,
    UnitOption,
    UnitsOption,
    _emit_rows,
    _gate,
    _listing,
    _query,
    _statuses,
)
from gkledger.cli.session import (
    EXIT_PROBLEMS,
    Scope,
    _date_option,
    _fail,
    _obligations,
    _settings,
    _today,
    _view_console,
    scope,
)
from gkledger.core.model import Ledger
from gkledger.core.status import STATUSES, AsOf, Row, Summary, row_of, summarise
from gkledger.i18n import _f
from gkledger.views.query import (
    OPEN_STATUSES,
    Query,
    by_kind,
    overview,
    select,
    unit_summaries,
    worst_first,
)

BeforeOption = Annotated[
    str,
    typer.Option(
        "--before",
        metavar="DATE",
        help="Last due day to include, inclusive (2021-09-30, 2021/9/30, 9月30日 …).",
        show_default=False,
    ),
]
AfterOption = Annotated[
    str | None,
    typer.Option(
        "--after",
        metavar="DATE",
        help="First due day to include, inclusive (2021-09-30, 2021/9/30, 9月30日 …).",
        show_default=False,
    ),
]
AllOption = Annotated[bool, typer.Option("--all", "-a", help="With --unit: also list done and waived.")]
AllUnitsOption = Annotated[
    bool, typer.Option("--all-units", help="Without --unit: list every unit, not only the 100 worst.")
]
ShowEntryOption = Annotated[
    bool,
    typer.Option("--show-entry", help="With --unit: each record's commit day (登记) from the git history."),
]


class StatusBy(StrEnum):
    kind = "kind"


StatusByOption = Annotated[
    StatusBy | None,
    typer.Option(
        "--by", help="Without --unit: kind gives 合计 rows per kind and a 总计 row.", show_default=False
    ),
]


def tasks(
    ctx: typer.Context,
    fmt: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    data: DataOption = None,
) -> None:
    """List the plan's tasks with their verbatim deadlines and the dates they mean.

    Example: gkledger tasks --format json
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    if fmt is DataFormat.json:
        from gkledger.render.records import task_record, to_json

        index = obligations.index
        sys.stdout.write(
            to_json(
                [
                    task_record(
                        t,
                        [u.name for u in index.select(t.owed_by)],
                        [u.name for u in index.select(t.lead)] if t.lead else [],
                    )
                    for t in ledger.tasks
                ]
            )
        )
        return
    from gkledger.render.console import tasks_table

    tasks_table(_view_console(ctx, ledger), ledger.tasks)


def status(
    ctx: typer.Context,
    unit: UnitOption = None,
    all_: AllOption = False,
    soon: SoonOption = None,
    fmt: ListFormatOption = ListFormat.table,
    fail_on: FailOnOption = None,
    all_units: AllUnitsOption = False,
    show_entry: ShowEntryOption = False,
    kind: KindOption = None,
    group: GroupOption = None,
    status_filter: StatusesOption = None,
    section: SectionOption = None,
    grep: GrepOption = None,
    lead: LeadOption = False,
    by: StatusByOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """What a unit owes and has not finished, late first; without --unit, one row per unit.

    Statuses: late (逾期), due-soon (临期), pending, ongoing (全年持续推进), done, done-late, waived.
    按期办结率 = done on time ÷ obligations whose due day has passed (waived ones left out).
    --kind, --group, --status, --section, --grep and --lead choose what is counted or listed.

    Examples: gkledger status --unit 回民区 --today 2021-09-01;  gkledger status --by kind;
    gkledger status --kind 旗县区 --format csv
    """
    chosen = scope(ctx, data, today, soon, unit)
    if chosen.unit is None:
        query = _query(
            ctx, chosen.obligations, None, kind, group,
            statuses=frozenset(STATUSES) if status_filter is None else _statuses(status_filter),
            section=section, grep=grep, lead=lead,
        )  # fmt: skip
        _status_overview(ctx, chosen, query, by, fmt, all_units, fail_on)
        return
    wanted = _statuses(status_filter) if status_filter is not None else None
    query = Query(
        statuses=wanted or (frozenset(STATUSES) if all_ else OPEN_STATUSES),
        section=section,
        grep=grep,
        lead=lead,
    )
    _status_of_unit(ctx, chosen, query, fmt, show_entry, fail_on)


def _status_overview(
    ctx: typer.Context,
    chosen: Scope,
    query: Query,
    by: StatusBy | None,
    fmt: ListFormat,
    all_units: bool,
    fail_on: FailOn | None,
) -> None:
    """One row per unit (or per kind), counted from what the query lets through."""
    from gkledger.render import console as out

    obligations, ledger, as_of, day = chosen.obligations, chosen.ledger, chosen.as_of, chosen.today
    if query == Query() and by is not StatusBy.kind:  # every unit, every row: counted, no rows
        summaries, overall = overview(obligations, as_of)
    else:
        every = [row for row in obligations.rows(as_of) if query.admits(row)]
        summaries = unit_summaries(obligations, as_of, every)
        overall = summarise(every, day)
        if query.units is not None:
            summaries = [s for s in summaries if s.unit is not None and s.unit.name in query.units]
    if by is StatusBy.kind:
        _by_kind(ctx, ledger, summaries, every, day, fmt)
    elif fmt is ListFormat.table:
        end = dt.date(ledger.plan.year, 12, 31) if ledger.plan else None
        limit = None if all_units else out.OVERVIEW_ROWS
        out.units_overview(_view_console(ctx, ledger), summaries, overall, day, limit, end)
    else:
        from gkledger.render.records import summary_record, to_csv, to_json

        records = [summary_record(s) for s in summaries]
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records))
    if fail_on is not None and overall.counts[fail_on.value]:
        raise typer.Exit(EXIT_PROBLEMS)


def _status_of_unit(
    ctx: typer.Context, chosen: Scope, query: Query, fmt: ListFormat, show_entry: bool, fail_on: FailOn | None
) -> None:
    """One unit's rows, worst first, with their commit days when asked for."""
    from gkledger.render import console as out

    unit = chosen.unit
    assert unit is not None
    obligations, day = chosen.obligations, chosen.today
    every = obligations.rows(chosen.as_of, unit)
    shown = worst_first([row for row in every if query.admits(row)], obligations)
    entered = _entry_dates(ctx, obligations.ledger, required=True) if show_entry else None
    if entered is not None and fmt is not ListFormat.table:
        from gkledger.render.records import ROW_COLUMNS, row_record, to_csv, to_json

        records = [{**row_record(r), "entered": _iso(entered.get((r.task.id, r.unit.name)))} for r in shown]
        columns = (*ROW_COLUMNS, "entered")
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, columns))
    else:
        summary = summarise(every, day, unit)

        def table() -> None:
            out.unit_status(_view_console(ctx, chosen.ledger), unit, shown, summary, day, entered)

        _emit_rows(shown, fmt, table)
    _gate(every, fail_on)


def _by_kind(
    ctx: typer.Context,
    ledger: Ledger,
    summaries: list[Summary],
    rows: list[Row],
    day: dt.date,
    fmt: ListFormat,
) -> None:
    """The overview grouped by kind of unit (`views.query.by_kind`)."""
    groups = by_kind(ledger, summaries, rows, day)
    overall = summarise(rows, day)
    if fmt is ListFormat.table:
        from gkledger.render import console as out

        out.units_by_kind(_view_console(ctx, ledger), groups, overall, day)
        return
    from gkledger.render.records import JsonObject, summary_record, to_csv, to_json

    records: list[JsonObject] = []
    for kind, found, total in groups:
        records.extend({**summary_record(s), "row": "unit"} for s in found)
        records.append({**summary_record(total), "kind": kind, "row": "kind-total"})
    records.append({**summary_record(overall), "row": "total"})
    sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _entry_dates(ctx: typer.Context, ledger: Ledger, required: bool) -> dict[tuple[str, str], dt.date] | None:
    """When each record was committed, from the ledger's git history; outside a repository None,
    or (`required`, for --show-entry) the end of the command."""
    from gkledger.history.audit import AuditError, entry_dates, trail

    root = _settings(ctx).root
    try:
        return entry_dates(trail(ledger, root if root is not None else Path("data")))
    except AuditError as exc:
        if required:
            _fail(_f("--show-entry reads the git history: {error}", error=exc))
        return None


def due(
    ctx: typer.Context,
    before: BeforeOption,
    after: AfterOption = None,
    unit: UnitsOption = None,
    kind: KindOption = None,
    group: GroupOption = None,
    status_filter: StatusesOption = None,
    section: SectionOption = None,
    grep: GrepOption = None,
    lead: LeadOption = False,
    sort: SortOption = SortBy.due,
    by: ByOption = None,
    soon: SoonOption = None,
    fmt: ListFormatOption = ListFormat.table,
    fail_on: FailOnOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Obligations not yet done that fall due on or before a day, late ones included and marked.

    Both ends are inclusive, as "9月30日前完成" includes 30 September in Chinese official usage.
    Sorted by due date, then worst first (--sort to change it); --by task gives one row per task.

    Examples: gkledger due --before 2021-09-30 --unit 回民区;
    gkledger due --before 9月30日 --kind 旗县区 --by task
    """
    chosen = scope(ctx, data, today, soon)
    last = _date_option(ctx, before, "--before", chosen.today)
    first = _date_option(ctx, after, "--after", chosen.today) if after else None
    if first is not None and first > last:
        _fail(_f("--after {first} is later than --before {last}", first=first, last=last))
    statuses = _statuses(status_filter) & OPEN_STATUSES
    query = _query(
        ctx, chosen.obligations, unit, kind, group,
        statuses=statuses, due_from=first, due_until=last, order=sort.value, section=section, grep=grep,
        lead=lead,
    )  # fmt: skip
    rows = select(chosen.obligations, chosen.as_of, query)
    span = (
        _f("Due {first} … {last}", first=first.isoformat(), last=last.isoformat())
        if first
        else _f("Due on or before {last}", last=last.isoformat())
    )
    shown = f" · {'、'.join(unit)}" if unit else ""
    title = _f("{span}{units} · as of {day}", span=span, units=shown, day=chosen.today.isoformat())
    _listing(ctx, chosen.obligations, title, rows, fmt, by)
    _gate(rows, fail_on)


def late(
    ctx: typer.Context,
    unit: UnitsOption = None,
    kind: KindOption = None,
    group: GroupOption = None,
    section: SectionOption = None,
    grep: GrepOption = None,
    lead: LeadOption = False,
    sort: SortOption = SortBy.due,
    by: ByOption = None,
    fmt: ListFormatOption = ListFormat.table,
    fail_on: FailOnOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """The overdue obligations (逾期): not done, and the due day has passed.

    --by task gives one row per task with how many units are late and which: what a 政务公开办
    reads first.

    Examples: gkledger late --today 2021-12-01 --fail-on late;  gkledger late --by task --kind 旗县区
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    query = _query(
        ctx, obligations, unit, kind, group,
        statuses=frozenset({"late"}), order=sort.value, section=section, grep=grep, lead=lead,
    )  # fmt: skip
    rows = select(obligations, AsOf(day, ledger.settings.soon_days), query)
    shown = f" · {'、'.join(unit)}" if unit else ""
    title = _f("Late{units} · as of {day}", units=shown, day=day.isoformat())
    _listing(ctx, obligations, title, rows, fmt, by)
    _gate(rows, fail_on)


def show(
    ctx: typer.Context,
    task: TaskArgument,
    soon: SoonOption = None,
    fmt: ListFormatOption = ListFormat.table,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """One task in full: its text, the 责任单位 phrase, the units it resolves to, and each one's status.

    Example: gkledger show 14 --today 2021-10-01
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    found = next((t for t in ledger.tasks if t.id == task.strip()), None)
    if found is None:
        ids = ", ".join(t.id for t in ledger.tasks[:30])
        _fail(_f("unknown task '{task}'; task ids are: {ids}", task=task, ids=ids))
    rows = [row_of(o, AsOf(day, soon_days)) for o in obligations.by_task.get(found.id, [])]
    rows.sort(key=lambda row: not row.lead)  # the lead first, then units.yaml order
    from gkledger.render import console as out

    _emit_rows(
        rows, fmt, lambda: out.task_detail(_view_console(ctx, ledger), found, rows, summarise(rows, day))
    )
