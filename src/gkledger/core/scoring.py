"""考核: units scored out of `full` by the rules in settings.scoring, as of a day. Pure.

Each obligation in status late costs `per_late` plus `per_day_late` for each day it is late; each
done late costs `per_done_late`; each time the office returned a completion costs `per_returned`;
waived and not-yet-due items cost nothing. The total deduction is capped at `cap`. The grade is
the first whose lowest score the unit reaches (grades from the highest), else 不合格. Equal
scores share a rank (并列), and the next rank skips.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from gkledger.core.model import Scoring, Unit
from gkledger.core.status import RecordKey, Row

FAILING = "不合格"


class Deduction(NamedTuple):
    task: str
    period: str | None
    why: str  # late, done-late or returned
    points: float
    days_late: int | None = None


class Score(NamedTuple):
    unit: Unit
    score: float
    grade: str
    rank: int
    tied: bool
    deducted: float  # before the cap
    deductions: tuple[Deduction, ...]


def deductions_of(row: Row, scoring: Scoring, returns: int) -> list[Deduction]:
    """What one obligation costs as of its row's day."""
    found = []
    if row.status == "late":
        days = -row.days_left
        found.append(
            Deduction(row.task.id, row.period, "late", scoring.per_late + scoring.per_day_late * days, days)
        )
    elif row.status == "done-late":
        found.append(Deduction(row.task.id, row.period, "done-late", scoring.per_done_late))
    if returns and scoring.per_returned:
        found.append(Deduction(row.task.id, row.period, "returned", scoring.per_returned * returns))
    return [d for d in found if d.points]


def grade_of(score: float, scoring: Scoring) -> str:
    for grade, lowest in sorted(scoring.grades, key=lambda pair: -pair[1]):
        if score >= lowest:
            return grade
    return FAILING


def scores(
    rows: Iterable[Row], units: Iterable[Unit], scoring: Scoring, returns: Mapping[RecordKey, int]
) -> list[Score]:
    """Every unit of `units` scored from its rows, best first (ties in the order of `units`)."""
    by_unit: dict[str, list[Deduction]] = {}
    for row in rows:
        key = (row.task.id, row.unit.name, row.period)
        by_unit.setdefault(row.unit.name, []).extend(deductions_of(row, scoring, returns.get(key, 0)))
    made = []
    for unit in units:
        found = tuple(by_unit.get(unit.name, ()))
        total = round(sum(d.points for d in found), 2)
        taken = min(total, scoring.cap) if scoring.cap is not None else total
        value = round(max(scoring.full - taken, 0.0), 2)
        made.append((unit, value, total, found))
    made.sort(key=lambda item: -item[1])  # stable: the order of `units` among equals
    counts: dict[float, int] = {}
    for _unit, value, _total, _found in made:
        counts[value] = counts.get(value, 0) + 1
    out = []
    rank = 0
    previous: float | None = None
    for position, (unit, value, total, found) in enumerate(made, start=1):
        if value != previous:
            rank, previous = position, value
        out.append(Score(unit, value, grade_of(value, scoring), rank, counts[value] > 1, total, found))
    return out
