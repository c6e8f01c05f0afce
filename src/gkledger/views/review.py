"""回头看: how a plan was carried out, unit by unit. Pure: `today` is a parameter.

For a plan that has ended (or one still running, as of today): per unit, what was never done (its
day passed with no record), what was done late and by how many days, what was waived and why, and
its 按期办结率 — the same rate the views compute — and the plan's in total. Units come worst first:
most never done, then most done late, then the lowest rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gkledger.core.model import Plan, Unit
from gkledger.core.status import AsOf, Obligations, Row, Summary, summarise


@dataclass(frozen=True)
class UnitReview:
    unit: Unit
    summary: Summary
    never_done: tuple[Row, ...]  # due, and no record: the day passed with nothing done
    done_late: tuple[tuple[Row, int], ...]  # with the days between the due day and the completion
    waived: tuple[Row, ...]


@dataclass(frozen=True)
class Review:
    plan: Plan | None
    today: dt.date
    ended: dt.date | None  # the plan's last day, when it is over
    tasks: int  # the plan's tasks (with a readable deadline)
    units: tuple[UnitReview, ...]
    total: Summary
    task_ids: tuple[str, ...] = ()  # the tasks in the plan's order

    @property
    def never_done(self) -> int:
        return sum(len(u.never_done) for u in self.units)

    @property
    def done_late(self) -> int:
        return sum(len(u.done_late) for u in self.units)

    @property
    def waived(self) -> int:
        return sum(len(u.waived) for u in self.units)


def review(obligations: Obligations, as_of: AsOf) -> Review:
    today = as_of.day
    plan = obligations.ledger.plan
    end = dt.date(plan.year, 12, 31) if plan is not None else None
    rows = obligations.rows(as_of)
    by_unit: dict[str, list[Row]] = {}
    for row in rows:
        by_unit.setdefault(row.unit.name, []).append(row)
    units = []
    for unit in obligations.owing_units():
        own = by_unit.get(unit.name, [])
        late = [
            (row, (row.record.done - row.due).days)
            for row in own
            if row.status == "done-late" and row.record is not None and row.record.done is not None
        ]
        units.append(
            UnitReview(
                unit,
                summarise(own, today, unit),
                tuple(row for row in own if row.status == "late"),
                tuple(late),
                tuple(row for row in own if row.status == "waived"),
            )
        )
    order = {unit.name: i for i, unit in enumerate(obligations.owing_units())}
    units.sort(
        key=lambda u: (
            -len(u.never_done),
            -len(u.done_late),
            u.summary.on_time_rate if u.summary.on_time_rate is not None else 2.0,
            order[u.unit.name],
        )
    )
    return Review(
        plan,
        today,
        end if end is not None and today > end else None,
        len(obligations.tasks),
        tuple(units),
        summarise(rows, today),
        tuple(obligations.tasks),  # ids, in the order of tasks.yaml
    )
