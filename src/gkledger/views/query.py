"""Which obligations a view lists, and in what order: the one place for filtering and ordering.

The CLI maps its options to a `Query`; every view, export and notice orders with the functions
here, so "worst first" means the same everywhere: late before due soon before the rest, then the
earliest due day, then the ledger's own order (tasks as in tasks.yaml, units as in units.yaml).
Pure: `today` is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from gkledger.core.model import Ledger, Record, Task, Unit
from gkledger.core.status import (
    NAMES_ZH,
    OPEN,
    STATUSES,
    AsOf,
    Obligations,
    Row,
    Status,
    Summary,
    summarise,
    tally,
)

OPEN_STATUSES: frozenset[Status] = OPEN
RANK: dict[Status, int] = {status: i for i, status in enumerate(STATUSES)}  # late first

Order = Literal["attention", "due", "unit", "task", "late"]
ORDERS: tuple[Order, ...] = ("attention", "due", "unit", "task", "late")


class Query(NamedTuple):
    """What a listing shows: one unit or all (or a set of units), which statuses, which due days,
    which sections and texts, in which order."""

    unit: Unit | None = None
    statuses: frozenset[Status] = frozenset(STATUSES)
    due_from: dt.date | None = None  # inclusive
    due_until: dt.date | None = None  # inclusive
    order: Order = "attention"
    units: frozenset[str] | None = None  # canonical names; None: every unit
    section: str | None = None  # text that the task's 任务名称 (section or item) contains
    grep: str | None = None  # text that the task's text or note, or the record's note, contains
    lead: bool = False  # only rows where the unit leads the task (牵头)

    def admits(self, row: Row) -> bool:
        return (
            row.status in self.statuses
            and (not self.lead or row.lead)
            and (self.due_from is None or row.due >= self.due_from)
            and (self.due_until is None or row.due <= self.due_until)
            and (self.units is None or row.unit.name in self.units)
            and (self.section is None or self.section in f"{row.task.section} {row.task.item or ''}")
            and (self.grep is None or self.grep in _searched(row))
        )


def _searched(row: Row) -> str:
    notes = [row.task.text, row.task.note or "", row.record.note or "" if row.record else ""]
    return "\n".join(notes)


def select(obligations: Obligations, as_of: AsOf, query: Query) -> list[Row]:
    rows = [r for r in obligations.rows(as_of, query.unit) if query.admits(r)]
    return ordered(rows, obligations, query.order)


def ordered(rows: Iterable[Row], obligations: Obligations, order: Order) -> list[Row]:
    """Rows in one of the orders a listing offers; each falls back on worst first, then ledger order."""
    if order == "attention":
        return worst_first(rows, obligations)
    if order == "due":
        return by_due(rows, obligations)
    tasks, units = _positions(obligations)
    first = worst_first(rows, obligations)
    if order == "unit":
        return sorted(first, key=lambda r: units.get(r.unit.name, 0))
    if order == "task":
        return sorted(first, key=lambda r: tasks.get(r.task.id, 0))
    return sorted(first, key=lambda r: r.days_left)  # late: most days overdue first


def units_matching(
    obligations: Obligations, names: Iterable[str], kinds: Iterable[str], groups: Iterable[str]
) -> frozenset[str] | None:
    """The units that pass every kind of filter given (any of its values): --unit, --kind, --group.
    None when none was given. Unknown names, kinds or groups raise KeyError with the word."""
    index = obligations.index
    chosen: frozenset[str] | None = None

    def narrow(found: set[str]) -> None:
        nonlocal chosen
        chosen = frozenset(found) if chosen is None else chosen & found

    names, kinds, groups = list(names), list(kinds), list(groups)
    if names:
        found = set()
        for name in names:
            unit = index.get(name)
            if unit is None:
                raise KeyError(name)
            found.add(unit.name)
        narrow(found)
    if kinds:
        unknown = [k for k in kinds if k not in index.kinds]
        if unknown:
            raise KeyError(unknown[0])
        narrow({u.name for u in index.by_name.values() if u.kind in kinds})
    if groups:
        found = set()
        for group in groups:
            selector = obligations.ledger.groups.get(group)
            if selector is None:
                raise KeyError(group)
            found |= {u.name for u in index.select(selector)}
        narrow(found)
    return chosen


class TaskGroup(NamedTuple):
    """One task's rows of a listing gathered: `late --by task`, what a 政务公开办 reads first."""

    task: Task
    due: dt.date
    rows: tuple[Row, ...]


def by_task(rows: Iterable[Row], obligations: Obligations) -> list[TaskGroup]:
    """Rows gathered per task (and due day), most units first, then by due day and ledger order."""
    tasks, _ = _positions(obligations)
    gathered: dict[tuple[str, dt.date], list[Row]] = {}
    for row in rows:
        gathered.setdefault((row.task.id, row.due), []).append(row)
    groups = [TaskGroup(found[0].task, due, tuple(found)) for (_, due), found in gathered.items()]
    return sorted(groups, key=lambda g: (-len(g.rows), g.due, tasks.get(g.task.id, 0)))


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


def unit_summaries(obligations: Obligations, as_of: AsOf, rows: Iterable[Row] | None = None) -> list[Summary]:
    """One summary per owing unit, worst first; from `rows` (every obligation's, as of `today`)
    when the caller has them already."""
    today = as_of.day
    by_unit: dict[str, list[Row]] = {}
    for row in rows if rows is not None else obligations.rows(as_of):
        by_unit.setdefault(row.unit.name, []).append(row)
    summaries = [summarise(by_unit.get(unit.name, ()), today, unit) for unit in obligations.owing_units()]
    return worst_units(summaries, obligations)


def overview(obligations: Obligations, as_of: AsOf) -> tuple[list[Summary], Summary]:
    """Every owing unit's summary, worst first, and the summary of all: `unit_summaries` and
    `summarise` over every row, counted without the rows."""
    summaries, overall = tally(obligations, as_of)
    return worst_units(summaries, obligations), overall


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


def form_rows(obligations: Obligations, unit: Unit, as_of: AsOf, every: bool) -> list[Row]:
    """The rows of a unit's fill-in form: its open obligations (every one with `every`), the late
    ones first, each part in the order of the plan's tasks, worst first within a task's periods."""
    position = {task.id: i for i, task in reversed(list(enumerate(obligations.ledger.tasks)))}
    rows = worst_first(obligations.rows(as_of, unit), obligations)
    return sorted(
        rows if every else open_rows(rows), key=lambda r: (r.status != "late", position.get(r.task.id, 0))
    )


class UnknownStatus(ValueError):
    """A word that names no status."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


def parse_statuses(text: str) -> frozenset[Status]:
    """`late,due-soon` or `逾期，临期`: the seven words of the contract or what offices call them."""
    words: dict[str, Status] = {name: status for status, name in NAMES_ZH.items()}
    words.update({status: status for status in NAMES_ZH})
    chosen = set()
    for word in (w.strip() for w in text.replace("，", ",").split(",") if w.strip()):
        if word not in words:
            raise UnknownStatus(word)
        chosen.add(words[word])
    return frozenset(chosen)


def by_kind(
    ledger: Ledger, summaries: Sequence[Summary], rows: Sequence[Row], day: dt.date
) -> list[tuple[str, list[Summary], Summary]]:
    """The units' summaries grouped by kind of unit, each kind in the order units.yaml first lists
    it, with the kind's own total over `rows`; kinds with no summary left out."""
    kinds: dict[str, list[Summary]] = {}
    for unit in ledger.units:
        kinds.setdefault(unit.kind, [])
    for summary in summaries:
        if summary.unit is not None:
            kinds[summary.unit.kind].append(summary)
    return [
        (kind, found, summarise([r for r in rows if r.unit.kind == kind], day))
        for kind, found in kinds.items()
        if found
    ]
