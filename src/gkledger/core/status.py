"""Who owes what, and each obligation's status as of a day. Pure: `today` is always a parameter.

An obligation is a (task, unit) pair from resolving the task's `owed_by` selector. Its status, with
`due` the task's due date and the unit's progress record if any:

    waived     the record waives it
    done       done on or before the due day          done-late  done after it
    late       no record, and today is after the due day (an item due today is not late)
    due-soon   no record, and 0 <= due - today <= soon_days
    ongoing    no record, an ongoing task (全年持续推进) before its due-soon window
    pending    everything else

按期办结率 (on-time rate) = obligations done on time ÷ obligations already due (due day before
today), waived ones left out of both; 逾期率 (late rate) = obligations still late ÷ the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal, NamedTuple, Protocol, runtime_checkable

from gkledger.core.model import Decision, Ledger, Period, Record, Task, Unit
from gkledger.core.units import UnitIndex

Status = Literal["late", "due-soon", "reported", "pending", "ongoing", "done", "done-late", "waived"]

RecordKey = tuple[str, str, str | None]  # task id, canonical unit name, period (None: one-off)

STATUSES: tuple[Status, ...] = (
    "late",
    "due-soon",
    "reported",
    "pending",
    "ongoing",
    "done",
    "done-late",
    "waived",
)

# What offices call each status: the 红黄绿灯 words of a 台账, shown by the renderers and taken as
# input too (--status 逾期,临期).
NAMES_ZH: dict[Status, str] = {
    "late": "逾期",
    "due-soon": "临期",
    "reported": "待审核",
    "pending": "未到期",
    "ongoing": "持续",
    "done": "已完成",
    "done-late": "逾期完成",
    "waived": "免办",
}
OPEN: frozenset[Status] = frozenset({"late", "due-soon", "pending", "ongoing"})


@runtime_checkable
class UnitRecords(Protocol):
    """A record table that can give one unit's records alone (the cache's)."""

    def for_unit(self, name: str) -> list[Record]: ...


@runtime_checkable
class PassingRecords(Protocol):
    """A record table that can be walked without keeping what it loads (the cache's)."""

    def passing(self) -> Iterable[Record]: ...


class Obligation(NamedTuple):
    """What one unit owes for one task (or one period of it), with its record if any. A NamedTuple,
    like `Record`: a province's views build 60,000 at once, and a tuple is made in one step where
    a frozen dataclass sets each field through object.__setattr__."""

    task: Task
    unit: Unit
    record: Record | None
    lead: bool = False  # the unit leads the task (牵头)
    period: Period | None = None  # of a recurring task (每季度末): owed once per period
    review: Review | None = None  # the office's decisions on it; None: the ledger has none

    @property
    def label(self) -> str:
        """5, or 5·Q3 for one period of a recurring task (as `Row.task_label`)."""
        return task_label(self.task.id, period_label(self))

    @property
    def due(self) -> dt.date:
        deadline = self.task.deadline
        assert deadline is not None  # obligations exist only for readable deadlines
        return self.period.due if self.period is not None else deadline.due


class Row(NamedTuple):
    """One obligation as of a day: the plain data every view renders (a NamedTuple, as `Obligation`)."""

    task: Task
    unit: Unit
    record: Record | None
    due: dt.date
    status: Status
    days_left: int
    lead: bool = False
    period: str | None = None  # the period's label (2022-Q3), for a recurring task
    review: str | None = None  # reported, confirmed or returned: where the office's review stands
    returned_reason: str | None = None  # why the office returned the completion
    original_due: dt.date | None = None  # the due date before an extension or a return moved it

    @property
    def task_label(self) -> str:
        """The task id as tables show it: 5, or 5·Q3 for one period of a recurring task."""
        return task_label(self.task.id, self.period)


class Review(NamedTuple):
    """The office's decisions on one obligation (审核确认, 退回重办, 延期), in the order they were
    made, and whether the ledger counts a completion only once the office confirms it."""

    require: bool = False
    verdicts: tuple[Decision, ...] = ()  # confirmations and returns, by day (ties: file order)
    extended: Decision | None = None  # the latest extension


class AsOf(NamedTuple):
    """The day a status is computed for and how many days before its due day an obligation is
    due soon: one value, handed down from `--today` and `--soon` (or the ledger's `soon_days`)."""

    day: dt.date
    soon_days: int


class Reviewed(NamedTuple):
    status: Status
    due: dt.date
    review: str | None
    reason: str | None
    original_due: dt.date | None


def reviewed(due: dt.date, ongoing: bool, record: Record | None, as_of: AsOf, review: Review) -> Reviewed:
    """The status rule with the office's decisions, the one place it is written: an extension moves
    the due date; of a completion, the office's latest decision made on or after its day says
    whether it stands (confirmed), is open again (returned: against the return's due date, else
    the due date), or, when the ledger requires confirmation, waits for one (reported). A
    completion recorded after a return is a new one: reported again, or done without the
    requirement. A waiver is not reviewed."""
    original = None
    if review.extended is not None and review.extended.due is not None:
        original, due = due, review.extended.due
    if record is None or record.waived is not None or record.done is None:
        return Reviewed(status_of(due, ongoing, record, as_of), due, None, None, original)
    done = record.done
    verdict = next((d for d in reversed(review.verdicts) if d.day >= done), None)
    if verdict is not None and verdict.kind == "returned":
        new_due = verdict.due or due
        status = open_status(new_due, ongoing, as_of)
        moved = original if original is not None else (due if new_due != due else None)
        return Reviewed(status, new_due, "returned", verdict.reason, moved)
    if verdict is not None:
        return Reviewed(settled(due, "pending", False, done), due, "confirmed", None, original)
    if review.require:
        return Reviewed("reported", due, "reported", None, original)
    return Reviewed(settled(due, "pending", False, done), due, None, None, original)


def open_status(due: dt.date, ongoing: bool, as_of: AsOf) -> Status:
    """The status of an obligation nothing has settled: late, due soon, or pending (ongoing for
    continuous work). Every unit owing the same task and period shares it."""
    today, soon_days = as_of
    days_left = (due - today).days
    if days_left < 0:
        return "late"
    if days_left <= soon_days:
        return "due-soon"
    return "ongoing" if ongoing else "pending"


def settled(due: dt.date, unsettled: Status, waived: bool, done: dt.date | None) -> Status:
    """The status rule, the one place it is written: waived, else done on or before the due day
    (done) or after it (done-late), else what the obligation is without a record (`open_status`).
    `status_of`, `tally` and the CSV export all call it."""
    if waived:
        return "waived"
    if done is not None:
        return "done" if done <= due else "done-late"
    return unsettled


def status_of(due: dt.date, ongoing: bool, record: Record | None, as_of: AsOf) -> Status:
    unsettled = open_status(due, ongoing, as_of)
    if record is None:
        return unsettled
    return settled(due, unsettled, record.waived is not None, record.done)


class Obligations:
    """Every obligation of a ledger, indexed by unit and by task.

    `owing` (task id -> canonical names of the units owing it, in units.yaml order) is the
    resolved selectors; pass it in when it is known (the cache keeps it) to skip resolving. One
    unit's obligations are built from the indexes without walking every task's owing units.
    """

    def __init__(
        self,
        ledger: Ledger,
        index: UnitIndex | None = None,
        owing: dict[str, tuple[str, ...]] | None = None,
        reviews: dict[RecordKey, Review] | None = None,
    ) -> None:
        self.ledger = ledger
        # The office's decisions (`store.decisions.reviews_of`), or None when there are none and no
        # confirmation is required: then every obligation is computed on the plain, fast path.
        require = ledger.settings.require_confirmation
        self.reviews = (reviews or {}) if reviews or require else None
        self._no_decision = Review(require=require)
        self.index = index or UnitIndex(ledger.units, ledger.groups)
        self.tasks: dict[str, Task] = {}
        for task in ledger.tasks:
            if task.deadline is not None and task.id not in self.tasks:
                self.tasks[task.id] = task  # an unreadable deadline or a duplicate id: `check` reports it
        self.owing = owing if owing is not None else owing_of(ledger, self.index)
        self._records: dict[RecordKey, Record] | None = None
        self._tasks_of_unit: dict[str, list[str]] | None = None
        self._by_task: dict[str, list[Obligation]] | None = None

    @property
    def records(self) -> dict[RecordKey, Record]:
        """(task id, canonical unit name, period or None) -> the first record for it."""
        if self._records is None:
            records: dict[RecordKey, Record] = {}
            names = self.index.names
            for record in self.ledger.records:
                name = names.get(record.unit.strip())
                if name is not None:
                    records.setdefault((record.task, name, record.period), record)
            self._records = records
        return self._records

    def _unit_records(self, unit: Unit) -> dict[RecordKey, Record]:
        """One unit's records without reading the others', when the ledger keeps them by unit."""
        table = self.ledger.records
        if not isinstance(table, UnitRecords):
            return self.records
        records: dict[RecordKey, Record] = {}
        for record in table.for_unit(unit.name):
            records.setdefault((record.task, unit.name, record.period), record)
        return records

    def _owed(self, task: Task, unit: Unit, records: dict[RecordKey, Record]) -> list[Obligation]:
        """What a unit owes for a task: once, or once per period of a recurring task."""
        lead = task.lead is not None and self.leads(task, unit.name)
        periods = task.deadline.periods if task.deadline is not None else ()
        if not periods:
            key = (task.id, unit.name, None)
            return [Obligation(task, unit, records.get(key), lead, None, self.review(key))]
        return [
            Obligation(
                task,
                unit,
                records.get((task.id, unit.name, period.label)),
                lead,
                period,
                self.review((task.id, unit.name, period.label)),
            )
            for period in periods
        ]

    def review(self, key: RecordKey) -> Review | None:
        """The office's decisions on one obligation; None when the ledger has none to make."""
        if self.reviews is None:
            return None
        return self.reviews.get(key, self._no_decision)

    @property
    def tasks_of_unit(self) -> dict[str, list[str]]:
        if self._tasks_of_unit is None:
            inverted: dict[str, list[str]] = {}
            for task_id, names in self.owing.items():
                for name in names:
                    inverted.setdefault(name, []).append(task_id)
            self._tasks_of_unit = inverted
        return self._tasks_of_unit

    @property
    def by_task(self) -> dict[str, list[Obligation]]:
        if self._by_task is None:
            by_name = self.index.by_name
            records = self.records
            self._by_task = {}
            for task_id, task in self.tasks.items():
                names = self.owing[task_id]
                if (
                    self.reviews is None
                    and task.lead is None
                    and task.deadline is not None
                    and not task.deadline.periods
                ):
                    # The common case, once per obligation of a province: no call per unit.
                    owed = [Obligation(task, by_name[n], records.get((task_id, n, None))) for n in names]
                else:
                    owed = [o for n in names for o in self._owed(task, by_name[n], records)]
                self._by_task[task_id] = owed
        return self._by_task

    def of_unit(self, unit: Unit) -> list[Obligation]:
        """One unit's obligations, in task order."""
        records = self._records
        if records is None:
            records = self._unit_records(unit)
        return [
            obligation
            for task_id in self._tasks_owed_by(unit.name)
            for obligation in self._owed(self.tasks[task_id], unit, records)
        ]

    def _tasks_owed_by(self, name: str) -> list[str]:
        """The tasks a unit owes, in task order: from the inverted `owing` when it is built, else
        by looking for the unit in each task's owing units (one unit's view of a province need not
        invert the owing units of 60 tasks among 2,000 units)."""
        if self._tasks_of_unit is not None:
            return self._tasks_of_unit.get(name, [])
        return [task_id for task_id, names in self.owing.items() if name in names]

    def obligation(self, task_id: str, unit: Unit, period: str | None = None) -> Obligation | None:
        """What `unit` owes for one task (in one period of a recurring task), with its record, or
        None when it owes nothing there; reads only that unit's records when the ledger keeps them
        by unit."""
        if task_id not in self.tasks or unit.name not in self.owing.get(task_id, ()):
            return None
        records = self._records if self._records is not None else self._unit_records(unit)
        return next(
            (o for o in self._owed(self.tasks[task_id], unit, records) if period_label(o) == period), None
        )

    def periods(self, task_id: str, unit: Unit) -> list[Obligation]:
        """A unit's obligations for one task: one, or one per period of a recurring task."""
        if task_id not in self.tasks or unit.name not in self.owing.get(task_id, ()):
            return []
        records = self._records if self._records is not None else self._unit_records(unit)
        return list(self._owed(self.tasks[task_id], unit, records))

    def leads(self, task: Task, name: str) -> bool:
        """Whether the unit (canonical name) leads the task."""
        return task.lead is not None and name in self.index.members(task.lead)

    def all(self) -> Iterable[Obligation]:
        for owed in self.by_task.values():
            yield from owed

    def owing_units(self) -> list[Unit]:
        """Units that owe anything, in units.yaml order."""
        owing = self.tasks_of_unit
        return [u for u in self.index.by_name.values() if u.name in owing]

    def rows(self, as_of: AsOf, unit: Unit | None = None) -> list[Row]:
        """Obligations as of `today`, in task order (one unit's only, when given)."""
        chosen = self.of_unit(unit) if unit is not None else self.all()
        return [row_of(o, as_of) for o in chosen]

    def owed(self, as_of: AsOf) -> Iterable[tuple[Task, Period | None, dt.date, Status]]:
        """Each task (and period of a recurring task) once, with its due day and the status of an
        obligation of it that has no record: what every unit owing it shares."""
        for task in self.tasks.values():
            deadline = task.deadline
            assert deadline is not None  # obligations exist only for readable deadlines
            for period in deadline.periods or (None,):
                due = period.due if period is not None else deadline.due
                yield task, period, due, open_status(due, deadline.ongoing, as_of)


def tally(obligations: Obligations, as_of: AsOf) -> tuple[list[Summary], Summary]:
    """Each owing unit's summary (units.yaml order) and the summary of all, counted straight from
    the owing units and the records: what `summarise` gives over `rows()`, without a Row for each of a
    province's 60,000 obligations."""
    today = as_of.day
    if obligations.reviews is not None:  # the office's decisions: each obligation by the full rule
        rows = obligations.rows(as_of)
        by_unit: dict[str, list[Row]] = {}
        for row in rows:
            by_unit.setdefault(row.unit.name, []).append(row)
        owing = [u for u in obligations.index.by_name.values() if u.name in by_unit]
        return [summarise(by_unit[u.name], today, u) for u in owing], summarise(rows, today)
    outcomes = _outcomes(obligations)
    column = {status: number for number, status in enumerate(STATUSES)}
    due_so_far, on_time, lead, lead_open = range(len(STATUSES), len(STATUSES) + 4)
    counts: dict[str, list[int]] = {}
    for task, period, due, bare in obligations.owed(as_of):
        label = period.label if period is not None else None
        past = due < today
        leads = task.lead is not None
        for name in obligations.owing[task.id]:
            outcome = outcomes.get((task.id, name, label))
            done = outcome if isinstance(outcome, dt.date) else None
            status = settled(due, bare, outcome == _WAIVED, done)  # no record, or one saying neither: bare
            counted = counts.get(name)
            if counted is None:
                counted = counts[name] = [0] * (len(STATUSES) + 4)
            counted[column[status]] += 1
            if past and status != "waived":
                counted[due_so_far] += 1
                counted[on_time] += status == "done"
            if leads and obligations.leads(task, name):
                counted[lead] += 1
                counted[lead_open] += status in OPEN
    overall = [0] * (len(STATUSES) + 4)
    summaries = []
    for unit in obligations.index.by_name.values():  # the units owing anything, in units.yaml order
        found = counts.get(unit.name)
        if found is not None:
            overall = [a + b for a, b in zip(overall, found, strict=True)]
            summaries.append(_summary(unit, found))
    return summaries, _summary(None, overall)


_WAIVED = "waived"


def _outcomes(obligations: Obligations) -> dict[RecordKey, dt.date | str | None]:
    """What the first record of each obligation says, for `tally`: the day it was done, or that it
    was waived. Walked without keeping the records where the table allows it (the cache's): the
    overview holds an outcome per obligation, never the records themselves."""
    if obligations._records is not None:  # the records' dict is there already: no second walk
        return {key: _outcome(record) for key, record in obligations._records.items()}
    table = obligations.ledger.records
    names = obligations.index.names
    outcomes: dict[RecordKey, dt.date | str | None] = {}
    for record in table.passing() if isinstance(table, PassingRecords) else table:
        name = names.get(record.unit.strip())
        if name is not None:
            key = (record.task, name, record.period)
            if key not in outcomes:
                outcomes[key] = _outcome(record)
    return outcomes


def _outcome(record: Record) -> dt.date | str | None:
    """A record as `status_of` reads it: waived, done on a day, or neither (None: as if there were
    no record; check says why)."""
    return _WAIVED if record.waived is not None else record.done


def _summary(unit: Unit | None, found: list[int]) -> Summary:
    counts: dict[Status, int] = dict(zip(STATUSES, found, strict=False))
    n = len(STATUSES)
    return Summary(unit, counts, sum(found[:n]), found[n], found[n + 1], found[n + 2], found[n + 3])


def owing_of(ledger: Ledger, index: UnitIndex) -> dict[str, tuple[str, ...]]:
    """Each task's owing units (canonical names, units.yaml order): the selectors resolved."""
    owing: dict[str, tuple[str, ...]] = {}
    for task in ledger.tasks:
        if task.deadline is not None and task.id not in owing:
            owing[task.id] = tuple(u.name for u in index.select(task.owed_by))
    return owing


def row_of(obligation: Obligation, as_of: AsOf) -> Row:
    today = as_of.day
    deadline = obligation.task.deadline
    assert deadline is not None  # obligations exist only for readable deadlines
    period = obligation.period  # read once: this runs for every obligation of a province
    due = period.due if period is not None else deadline.due
    review = obligation.review
    if review is not None:
        made = reviewed(due, deadline.ongoing, obligation.record, as_of, review)
        return Row(
            obligation.task,
            obligation.unit,
            obligation.record,
            made.due,
            made.status,
            (made.due - today).days,
            obligation.lead,
            period.label if period is not None else None,
            made.review,
            made.reason,
            made.original_due,
        )
    return Row(
        obligation.task,
        obligation.unit,
        obligation.record,
        due,
        status_of(due, deadline.ongoing, obligation.record, as_of),
        (due - today).days,
        obligation.lead,
        period.label if period is not None else None,
    )


def period_label(obligation: Obligation) -> str | None:
    """The obligation's period (2022-Q3), or None for a one-off task."""
    return obligation.period.label if obligation.period is not None else None


class Spread(NamedTuple):
    """How many units and how many periods some rows of one task cover: a unit owing a quarterly
    task for four quarters is one unit, four periods, never four units."""

    units: tuple[Unit, ...]  # each once, in the order the rows give them
    periods: tuple[str, ...]  # each period label once; empty for a one-off task
    items: int  # the rows themselves: one per unit and period


def spread(rows: Iterable[Row]) -> Spread:
    units: dict[str, Unit] = {}
    periods: dict[str, None] = {}
    items = 0
    for row in rows:
        units.setdefault(row.unit.name, row.unit)
        if row.period:
            periods[row.period] = None
        items += 1
    return Spread(tuple(units.values()), tuple(periods), items)


def task_label(task_id: str, period: str | None) -> str:
    """The task and period as tables and JSON key them: 5, 5·Q3, 9·07."""
    return f"{task_id}·{short_period(period)}" if period else task_id


_QUARTERS = "一二三四"


def period_cn(period: str) -> str:
    """A period as a document says it: 2022-07 → 7月, 2022-Q3 → 第三季度, 2022-H2 → 下半年."""
    match = re.fullmatch(r"(\d{4})-(?:(\d{2})|Q([1-4])|H([12]))", period)
    if match is None:
        return period
    if match.group(2):
        return f"{int(match.group(2))}月"
    if match.group(3):
        return f"第{_QUARTERS[int(match.group(3)) - 1]}季度"
    return "上半年" if match.group(4) == "1" else "下半年"


def number_cn(task_id: str, period: str | None) -> str:
    """The task and period as a document (and a unit's form) says them: 5, 9（7月）, 4（第三季度）."""
    return f"{task_id}（{period_cn(period)}）" if period else task_id


def short_period(label: str | None) -> str:
    """A period as a table cell shows it beside the task id: Q3, H2, 07."""
    return label.split("-", 1)[1] if label and "-" in label else label or ""


class Summary(NamedTuple):
    """Counts by status for one unit (or all), and the rates offices report."""

    unit: Unit | None
    counts: dict[Status, int]
    total: int
    due_so_far: int
    on_time: int
    lead: int = 0  # obligations the unit leads (牵头)
    lead_open: int = 0  # of them, not yet done or waived

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due_so_far if self.due_so_far else None

    @property
    def late_rate(self) -> float | None:
        return self.counts["late"] / self.due_so_far if self.due_so_far else None

    @property
    def finished(self) -> int:
        """Settled: done (on time or late) or waived."""
        return self.counts["done"] + self.counts["done-late"] + self.counts["waived"]

    @property
    def completed(self) -> int:
        """办结: done, on time or late; a waiver (免办) is settled but never counted as done."""
        return self.counts["done"] + self.counts["done-late"]


class Counted(Protocol):
    """What `summarise` counts: a Row, or an obligation as a roll-up file keeps it."""

    @property
    def status(self) -> Status: ...
    @property
    def due(self) -> dt.date: ...
    @property
    def lead(self) -> bool: ...


def summarise(rows: Iterable[Counted], today: dt.date, unit: Unit | None = None) -> Summary:
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    total = due_so_far = on_time = lead = lead_open = 0
    for row in rows:
        counts[row.status] += 1
        total += 1
        if row.status != "waived" and row.due < today:
            due_so_far += 1
            if row.status == "done":
                on_time += 1
        if row.lead:
            lead += 1
            lead_open += row.status in OPEN
    return Summary(unit, counts, total, due_so_far, on_time, lead, lead_open)
