"""The whole ledger as of a day, as plain data for the exports (xlsx, html, ics, notices).

One `Report` is computed once from the same rows the terminal views use; each export only renders
it. Pure: `today` is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from gkledger.core.model import Plan, Task, Unit
from gkledger.core.scoring import Score
from gkledger.core.status import AsOf, Obligations, Row, Spread, Status, Summary, spread, summarise
from gkledger.core.workdays import ReplyDate, reply_date
from gkledger.views.query import RANK, by_due, open_rows, unit_summaries, worst_first
from gkledger.views.scores import unit_scores


@dataclass(frozen=True)
class TaskLine:
    """One row of the 台账 with how its obligations stand."""

    task: Task
    rows: tuple[Row, ...]
    summary: Summary
    owing: tuple[Row, ...]  # obligations still open, worst first: for calendars and notices


@dataclass(frozen=True)
class Report:
    today: dt.date
    soon_days: int
    plan: Plan | None
    unit: Unit | None  # the one unit the report is restricted to, if any
    tasks: tuple[TaskLine, ...]
    units: tuple[Unit, ...]  # the owing units, in units.yaml order: the matrix columns
    by_unit: tuple[Summary, ...]  # worst first
    overall: Summary
    rows: tuple[Row, ...]

    late: tuple[Row, ...]  # by due day
    attention: tuple[Row, ...]  # late and due soon, by due day: what a 督办 notice lists
    cells: dict[tuple[str, str], Status]  # (task id, unit name) -> status (a recurring task's worst)

    def status(self, task: Task, unit: Unit) -> Status | None:
        """The matrix cell: the unit's status for the task, or None when it does not owe it."""
        return self.cells.get((task.id, unit.name))


def build(obligations: Obligations, as_of: AsOf, unit: Unit | None = None) -> Report:
    today, soon_days = as_of
    ledger = obligations.ledger
    rows = tuple(obligations.rows(as_of, unit))
    by_task: dict[str, list[Row]] = {}
    for row in rows:
        by_task.setdefault(row.task.id, []).append(row)
    lines = tuple(
        TaskLine(
            task,
            tuple(by_task.get(task.id, ())),
            summarise(by_task.get(task.id, ()), today),
            tuple(worst_first(open_rows(by_task.get(task.id, ())), obligations)),
        )
        for task in ledger.tasks
        if unit is None or task.id in by_task
    )
    if unit is not None:
        units: tuple[Unit, ...] = (unit,)
        by_unit: tuple[Summary, ...] = (summarise(rows, today, unit),)
    else:
        units = tuple(obligations.owing_units())
        by_unit = tuple(unit_summaries(obligations, as_of, rows))
    return Report(
        today=today,
        soon_days=soon_days,
        plan=ledger.plan,
        unit=unit,
        tasks=lines,
        units=units,
        by_unit=by_unit,
        overall=summarise(rows, today, unit),
        rows=rows,
        late=tuple(by_due((r for r in rows if r.status == "late"), obligations)),
        attention=tuple(by_due((r for r in rows if r.status in ("late", "due-soon")), obligations)),
        cells=_cells(rows),
    )


def _cells(rows: tuple[Row, ...]) -> dict[tuple[str, str], Status]:
    """The matrix: each unit's status for each task; for a recurring task, its worst period."""
    cells: dict[tuple[str, str], Status] = {}
    for row in rows:
        key = (row.task.id, row.unit.name)
        held = cells.get(key)
        if held is None or RANK[row.status] < RANK[held]:
            cells[key] = row.status
    return cells


MATRIX_GROUP_MIN = 5  # units of a kind to have a matrix of its own


def matrix_groups(units: tuple[Unit, ...]) -> list[tuple[str, tuple[Unit, ...]]]:
    """The matrix's units in parts that print legibly: one per kind of unit (旗县区, 委办局 …), in
    units.yaml order; kinds of a few units (市政府, its office) share one part, named for them all."""
    kinds: dict[str, list[Unit]] = {}
    for unit in units:
        kinds.setdefault(unit.kind, []).append(unit)
    groups: list[tuple[list[str], list[Unit]]] = []
    small: tuple[list[str], list[Unit]] | None = None
    for kind, members in kinds.items():
        if len(members) >= MATRIX_GROUP_MIN:
            groups.append(([kind], members))
            continue
        if small is None:
            small = ([], [])
            groups.append(small)
        small[0].append(kind)
        small[1].extend(members)
    return [("、".join(names), tuple(members)) for names, members in groups]


def reply_dates(report: Report, working_days: int, given: dt.date | None = None) -> dict[str, ReplyDate]:
    """The reply date each unit's 催办 asks for: `given` for all, else `working_days` working days
    after the report's day, never after the earliest due date the notice lists that is still ahead
    (`core.workdays`)."""
    if given is not None:
        return {unit: ReplyDate(given, None) for unit in group_by_unit(report.attention)}
    return {
        unit: reply_date(report.today, (r.due for r in rows), working_days)
        for unit, rows in group_by_unit(report.attention).items()
    }


def group_by_unit(rows: tuple[Row, ...]) -> dict[str, list[Row]]:
    """`rows` by their unit's name, each unit's in their order (a notice's items)."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.unit.name, []).append(row)
    return grouped


# ---------------------------------------------------------------------------------------------
# 通报: the whole ledger as of a day, for everyone
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLateness:
    """A task's late items: the units once each, the periods once each (a monthly task late for
    six months at 13 units is 13 units and 6 periods, 78 items)."""

    task: Task
    late: Spread


@dataclass(frozen=True)
class Bulletin:
    """What a 通报 says: the ranking by 按期办结率, the units with nothing late, what was done and
    what became late since a day, and the tasks late at most units."""

    today: dt.date
    since: dt.date | None
    plan: Plan | None
    overall: Summary
    ranking: tuple[Summary, ...]  # best first: highest on-time rate, then fewest late
    ranks: tuple[int | None, ...]  # each one's place (1, 1, 3 for a tie); None with nothing due yet
    spotless: tuple[Unit, ...]  # units with no late item
    done_since: tuple[Row, ...]  # records whose 完成日期 falls after `since`
    late_since: tuple[Row, ...]  # late now, and due on or after `since`
    worst_tasks: tuple[TaskLateness, ...]  # tasks late at the most units, most first
    extended: int = 0  # obligations whose due date the office extended (延期)
    noun: str = "单位"  # what is ranked: 单位, or 地区 for a roll-up of several ledgers
    scores: tuple[Score, ...] = ()  # 考核, when the plan's settings give scoring rules


def standing(summary: Summary) -> tuple[float, int, int]:
    """A 通报's order: the highest 按期办结率 first (nothing due yet last), then the fewest late, then
    the most settled."""
    rate = summary.on_time_rate
    return (-(rate if rate is not None else -1.0), summary.counts["late"], -summary.finished)


def places(ranking: Sequence[Summary]) -> tuple[int | None, ...]:
    """Places by 按期办结率 as offices rank: equal rates share a place (并列第1) and the next
    place skips (1, 1, 3); a unit with nothing due yet has no place."""
    out: list[int | None] = []
    previous: Fraction | None = None
    place = 0
    for position, summary in enumerate(ranking, start=1):
        if not summary.due_so_far:
            out.append(None)
            continue
        rate = Fraction(summary.on_time, summary.due_so_far)
        if rate != previous:
            place, previous = position, rate
        out.append(place)
    return tuple(out)


def build_bulletin(obligations: Obligations, as_of: AsOf, since: dt.date | None, top: int = 5) -> Bulletin:
    today = as_of.day
    rows = obligations.rows(as_of)
    summaries = unit_summaries(obligations, as_of, rows)
    scoring = obligations.ledger.settings.scoring

    ranking = tuple(sorted(summaries, key=standing))  # stable: ledger order among equals
    spotless = tuple(s.unit for s in ranking if s.unit is not None and not s.counts["late"])
    done_since = (
        tuple(
            by_due(
                (r for r in rows if r.record and r.record.done and (since is None or r.record.done >= since)),
                obligations,
            )
        )
        if since is not None
        else ()
    )
    late_since = tuple(
        by_due((r for r in rows if r.status == "late" and since is not None and r.due >= since), obligations)
    )
    late_by_task: dict[str, list[Row]] = {}
    for r in rows:
        if r.status == "late":
            late_by_task.setdefault(r.task.id, []).append(r)
    tasks = {t.id: t for t in obligations.ledger.tasks}
    order = {t.id: i for i, t in enumerate(obligations.ledger.tasks)}
    spreads = {task_id: spread(found) for task_id, found in late_by_task.items()}
    worst = sorted(spreads.items(), key=lambda item: (-len(item[1].units), -item[1].items, order[item[0]]))[
        :top
    ]
    return Bulletin(
        today=today,
        since=since,
        plan=obligations.ledger.plan,
        overall=summarise(rows, today),
        ranking=ranking,
        ranks=places(ranking),
        spotless=spotless,
        done_since=done_since,
        late_since=late_since,
        worst_tasks=tuple(TaskLateness(tasks[task_id], late) for task_id, late in worst),
        extended=sum(1 for review in (obligations.reviews or {}).values() if review.extended is not None),
        scores=tuple(unit_scores(obligations, as_of, scoring)) if scoring is not None else (),
    )
