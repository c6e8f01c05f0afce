"""Which obligations a view lists, and in what order: the one place for filtering and ordering.

The CLI maps its options to a `Query`; every view, export and notice orders with the functions
here, so "worst first" means the same everywhere: late before due soon before the rest, then the
earliest due day, then the ledger's own order (tasks as in tasks.yaml, units as in units.yaml).
Pure: `today` is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from gkledger.model import Record, Unit
from gkledger.status import OPEN, STATUSES, Obligations, Row, Status, Summary, summarise

OPEN_STATUSES: frozenset[Status] = OPEN
RANK: dict[Status, int] = {status: i for i, status in enumerate(STATUSES)}  # late first

Order = Literal["attention", "due"]


@dataclass(frozen=True)
class Query:
    """What a listing shows: one unit or all, which statuses, which due days, in which order."""

    unit: Unit | None = None
    statuses: frozenset[Status] = frozenset(STATUSES)
    due_from: dt.date | None = None  # inclusive
    due_until: dt.date | None = None  # inclusive
    order: Order = "attention"

    def admits(self, row: Row) -> bool:
        return (
            row.status in self.statuses
            and (self.due_from is None or row.due >= self.due_from)
            and (self.due_until is None or row.due <= self.due_until)
        )


def select(obligations: Obligations, today: dt.date, soon_days: int, query: Query) -> list[Row]:
    rows = [r for r in obligations.rows(today, soon_days, query.unit) if query.admits(r)]
    return worst_first(rows, obligations) if query.order == "attention" else by_due(rows, obligations)


def _positions(obligations: Obligations) -> tuple[dict[str, int], dict[str, int]]:
    tasks = {task.id: i for i, task in enumerate(obligations.ledger.tasks)}
    units = {unit.name: i for i, unit in enumerate(obligations.index.units)}
    return tasks, units


def worst_first(rows: Iterable[Row], obligations: Obligations) -> list[Row]:
    """Late first, then due soon, then the rest; within each by due day, then ledger order."""
    tasks, units = _positions(obligations)
    return sorted(
        rows, key=lambda r: (RANK[r.status], r.due, tasks.get(r.task.id, 0), units.get(r.unit.name, 0))
    )


def by_due(rows: Iterable[Row], obligations: Obligations) -> list[Row]:
    """By due day, then worst first, then ledger order: what falls due when."""
    tasks, units = _positions(obligations)
    return sorted(
        rows, key=lambda r: (r.due, RANK[r.status], tasks.get(r.task.id, 0), units.get(r.unit.name, 0))
    )


def worst_units(summaries: Iterable[Summary], obligations: Obligations) -> list[Summary]:
    """Units worst first: most late, then lowest on-time rate, then most due soon, then ledger order."""
    _, units = _positions(obligations)

    def badness(summary: Summary) -> tuple[int, float, int, int]:
        rate = summary.on_time_rate
        return (
            -summary.counts["late"],
            rate if rate is not None else 2.0,
            -summary.counts["due-soon"],
            units.get(summary.unit.name, 0) if summary.unit else 0,
        )

    return sorted(summaries, key=badness)


def unit_summaries(
    obligations: Obligations, today: dt.date, soon_days: int, rows: Iterable[Row] | None = None
) -> list[Summary]:
    """One summary per owing unit, worst first; from `rows` (every obligation's, as of `today`)
    when the caller has them already."""
    by_unit: dict[str, list[Row]] = {}
    for row in rows if rows is not None else obligations.rows(today, soon_days):
        by_unit.setdefault(row.unit.name, []).append(row)
    summaries = [summarise(by_unit.get(unit.name, ()), today, unit) for unit in obligations.owing_units()]
    return worst_units(summaries, obligations)


def open_rows(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r.status in OPEN]


def evidence(obligations: Obligations, unit: Unit | None = None) -> list[tuple[Record, str]]:
    """Each record with an evidence URL, with its unit's canonical name; one unit's alone if given."""
    names = obligations.index.names
    found = []
    for record in obligations.ledger.records:
        owner = names.get(record.unit.strip(), record.unit)
        if record.evidence and (unit is None or owner == unit.name):
            found.append((record, owner))
    return found
