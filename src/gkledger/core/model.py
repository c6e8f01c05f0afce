"""The ledger's immutable domain types.

Every record knows where it came from (`Source`), so that any later stage can point a user at the
file and line behind a value. Nothing here reads files or the clock.

Every type is a NamedTuple: a plain immutable record, built in a step and pickled small, and
cheap to create on every start (a frozen dataclass compiles its methods when its class is made).
Term and Selector say themselves that their equality leaves out where they were written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

if TYPE_CHECKING:
    from gkledger.core.diagnostics import Diagnostic


def shown_path(path: str) -> str:
    """A path as users should see it: relative to the working folder when inside it. Sources keep
    the real path, so the same diagnostics read right from any folder (and from the cache).
    Remembered per working folder, and worked out per folder: a listing shows the same few files
    thousands of times, and an export a province's 2,000 progress files, all in one folder."""
    if not os.path.isabs(path):
        return path
    key = (os.getcwd(), path)
    shown = _SHOWN.get(key)
    if shown is None:
        folder, name = os.path.split(path)
        if not name or os.path.normpath(path) != path or path == key[0]:  # `..`, `//`, here itself
            relative = _relative(path, key[0])
        else:  # a plain path is inside exactly when its plain folder is, or is the working one
            inside = _SHOWN_FOLDER.get((key[0], folder))
            if inside is None:
                inside = _SHOWN_FOLDER[key[0], folder] = _relative(folder, key[0])
            relative = name if inside == "." else os.path.join(inside, name)
        shown = path if relative.startswith("..") else relative
        if len(_SHOWN) > 100_000:
            _SHOWN.clear()
            _SHOWN_FOLDER.clear()
        _SHOWN[key] = shown
    return shown


def _relative(path: str, start: str) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:  # another drive on Windows
        return ".."


_SHOWN: dict[tuple[str, str], str] = {}
_SHOWN_FOLDER: dict[tuple[str, str], str] = {}  # (working folder, plain folder) -> its relpath


def _rebuilt_in_c(value: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    """`__reduce__` for the NamedTuples the cache loads by the thousand (sources, units, records):
    pickled as the tuple it is and rebuilt by `tuple.__new__`, in C, where NamedTuple's `__new__`
    is Python (a province's 50,000 records unpickle a third faster, its 2,000 units twice as
    fast). Every field is given, so no default is needed."""
    return tuple.__new__, (type(value), tuple(value))


class Source(NamedTuple):
    """A place in a data file; line and column are 1-based, as editors show them. `path` is the
    file's absolute path; `str()` shows it relative to the working folder.

    A NamedTuple rather than a dataclass: a large ledger holds one per record field, and tuples
    are the cheapest immutable values to build and to load from the cache.
    """

    path: str
    line: int = 0
    column: int = 0

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt_in_c(self)

    def __str__(self) -> str:
        shown = shown_path(self.path)
        if self.line <= 0:
            return shown
        return f"{shown}:{self.line}:{self.column}"


# ---------------------------------------------------------------------------------------------
# Selectors: the structured meaning of a 责任单位 phrase.
# ---------------------------------------------------------------------------------------------

FILTER_KEYS: tuple[str, ...] = ("unit", "kind", "level", "tag", "group")


class Term(NamedTuple):
    """One term of a selector: the units matching every filter given (a missing filter matches all).

    `role`: each matched unit is replaced by its child units carrying any of these tags, or stands
    for itself when it lists none (a county stands for its whole jurisdiction).
    `with_children`: each matched unit comes with its child units that match this term.
    Two terms are equal when they mean the same units, wherever each was written (`source`).
    """

    unit: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    with_children: Term | None = None
    source: Source = Source("")  # last: the meaning is everything before it

    def __eq__(self, other: object) -> bool:
        return type(other) is Term and self[:-1] == other[:-1]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:-1])


class Selector(NamedTuple):
    """A union of terms; equal to another of the same terms, wherever each was written."""

    terms: tuple[Term, ...]
    source: Source = Source("")

    def __eq__(self, other: object) -> bool:
        return type(other) is Selector and self.terms == other.terms

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.terms)


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


class Unit(NamedTuple):
    """A unit that may owe tasks. A NamedTuple, like `Record`: a province has thousands, and the
    cache loads them on every command."""

    name: str
    full_name: str
    aliases: tuple[str, ...]
    kind: str
    level: str
    parent: str | None
    tags: tuple[str, ...]
    code: str | None
    note: str | None
    source: Source
    maintainers: tuple[str, ...] = ()  # forge handles (@hm-gongkai) or e-mail addresses

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt_in_c(self)


# ---------------------------------------------------------------------------------------------
# Tasks and deadlines
# ---------------------------------------------------------------------------------------------

DeadlineKind = Literal["date", "ongoing"]


class Period(NamedTuple):
    """One period of a recurring task (每季度末): its label (2022-07, 2022-Q3, 2022-H2) and due day."""

    label: str
    due: dt.date


class Deadline(NamedTuple):
    """What a 完成时限 text means: a due date, whether the task is ongoing (全年持续推进), and for a
    recurring task (每季度末) its periods, each owed apart (`due` is then the last one's)."""

    text: str
    due: dt.date
    ongoing: bool = False
    periods: tuple[Period, ...] = ()

    def period(self, label: str) -> Period | None:
        return next((p for p in self.periods if p.label == label), None)


class Task(NamedTuple):
    id: str
    section: str
    item: str | None
    text: str
    owners: str
    owed_by: Selector
    deadline: Deadline | None  # None when the deadline text could not be read (a diagnostic says why)
    remark: str | None
    note: str | None
    source: Source
    lead: Selector | None = None  # who leads (牵头); they owe the task too
    unresolved: tuple[str, ...] = ()  # parts of `owners` not yet assigned to units, verbatim
    carried_from: str | None = None  # "2021#5": carried over, still open, from an earlier plan

    @property
    def due(self) -> dt.date | None:
        return self.deadline.due if self.deadline else None


class Plan(NamedTuple):
    title: str
    number: str | None
    issuer: str | None
    notice: str | None
    attachment: str | None
    signed: dt.date | None
    published: dt.date | None
    year: int
    source: Source


class Scoring(NamedTuple):
    """考核 rules: points off `full` per late item, per item done late, per return, per day late,
    the total deduction capped, and the lowest score of each grade (below the lowest: 不合格)."""

    full: float = 100
    per_late: float = 2
    per_done_late: float = 1
    per_returned: float = 1
    per_day_late: float = 0
    cap: float | None = None
    grades: tuple[tuple[str, float], ...] = (("优秀", 90), ("良好", 80), ("合格", 60))


class Settings(NamedTuple):
    """A plan's settings (tasks.yaml `settings:`)."""

    soon_days: int = 7
    strict_owner_files: bool = False  # a record in another unit's progress file is an error (GK407)
    max_entry_lag: int = 15  # days from a completion to its commit before `audit` flags it
    office: str | None = None  # the issuing office of 催办通知 and 通报 (else the plan's issuer)
    number_prefix: str | None = None  # 文号 prefix, such as 呼政办督
    contact: str | None = None  # 联系人
    phone: str | None = None  # 联系电话
    reply_days: int = 5  # a 催办 asks for completion this many working days after it is issued
    require_confirmation: bool = False  # a completion counts only once the office confirms it
    scoring: Scoring | None = None  # 考核 rules (`gkledger score`); None: not scored
    letterhead: str | None = None  # 发文机关标志: printed as the 版头 (with the red line) when given
    seal: bool = False  # the office seals what it sends: 落款 laid out for the 印章
    copy_to: str | None = None  # 抄送 of the 版记
    printed_by: str | None = None  # 印发机关 of the 版记 (with the 印发日期)


def signing_office(settings: Settings, plan: Plan | None) -> str | None:
    """The office that signs the 催办, the 通报 and the forms: settings.office, else the plan's
    issuer."""
    return settings.office or (plan.issuer if plan else None)


# ---------------------------------------------------------------------------------------------
# Progress records
# ---------------------------------------------------------------------------------------------


class Record(NamedTuple):
    """One completion record: `done` on a date, or `waived` with a reason (exactly one).

    A NamedTuple for the same reason as `Source`: a province's ledger holds a million over some
    years. Its file is one shared string, and the places of the record, its task and its unit
    are packed into one number (`places`), made Sources only when asked for: a third of the
    memory that three Sources took. Build one with `make_record`.
    """

    task: str
    unit: str  # as written; resolve with the unit index
    done: dt.date | None
    waived: str | None
    evidence: str | None
    note: str | None
    path: str  # the progress file's absolute path
    places: int  # see `pack_places`
    expect: tuple[str, ...] = ()  # terms the evidence page must still mention (gkledger links)
    period: str | None = None  # which period of a recurring task (2022-Q3); None for a one-off task

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt_in_c(self)

    def _at(self, shift: int) -> Source:
        place = (self.places >> shift) & 0xFFFFFFFFFFFFFFFF
        return Source(self.path, place >> 32, place & 0xFFFFFFFF)

    @property
    def source(self) -> Source:
        return self._at(128)

    @property
    def place(self) -> tuple[int, int]:
        """The record's line and column (`source` without building it: exports ask 50,000 times)."""
        place = (self.places >> 128) & 0xFFFFFFFFFFFFFFFF
        return place >> 32, place & 0xFFFFFFFF

    @property
    def task_source(self) -> Source:
        return self._at(64)

    @property
    def unit_source(self) -> Source:
        return self._at(0)


class Placed(Protocol):
    """What has a place in a file: a `Source`, or a YAML value as read (`yaml_source`)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


def pack_places(record: Placed, task: Placed, unit: Placed) -> int:
    """The places of a record, its task and its unit as one number, for `Record.places`: taken
    from the values as read, a record's parse builds no Source for them."""
    return (
        (record.line << 32 | record.column) << 128
        | (task.line << 32 | task.column) << 64
        | unit.line << 32
        | unit.column
    )


def make_record(
    task: str,
    unit: str,
    done: dt.date | None,
    waived: str | None,
    evidence: str | None,
    note: str | None,
    source: Source,
    task_source: Source | None = None,
    unit_source: Source | None = None,
    expect: tuple[str, ...] = (),
    period: str | None = None,
) -> Record:
    places = pack_places(source, task_source or source, unit_source or source)
    return Record(task, unit, done, waived, evidence, note, source.path, places, expect, period)


# ---------------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------------


class Ledger(NamedTuple):
    """Everything read from one data folder; `records` keep file order."""

    root: str
    plan: Plan | None
    settings: Settings
    tasks: tuple[Task, ...]
    units: tuple[Unit, ...]
    groups: dict[str, Selector]
    records: Sequence[Record]  # a tuple, or the cache's lazily loaded table (same records, same order)
    maintainers: tuple[str, ...]  # the office's: who reviews tasks.yaml and units.yaml
    words: dict[str, Selector]  # units.yaml `words`, for reading phrases


class Core(NamedTuple):
    """What units.yaml and tasks.yaml say, with every diagnostic about them (reading, shape and
    the checks of the two together): everything but the progress records."""

    plan: Plan | None
    settings: Settings
    tasks: tuple[Task, ...]
    units: tuple[Unit, ...]
    groups: dict[str, Selector]
    maintainers: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    words: dict[str, Selector]

    def ledger(self, root: Path, records: Sequence[Record]) -> Ledger:
        return Ledger(
            root=str(root),
            plan=self.plan,
            settings=self.settings,
            tasks=self.tasks,
            units=self.units,
            groups=self.groups,
            records=records,
            maintainers=self.maintainers,
            words=self.words,
        )


# ---------------------------------------------------------------------------------------------
# The office's decisions (审核确认, 退回重办, 延期)
# ---------------------------------------------------------------------------------------------

DecisionKind = Literal["confirmed", "returned", "extended"]


class Decision(NamedTuple):
    """One decision of the office on one obligation (a task, a unit, and a period of a recurring
    task), kept in the office's own files (office/<unit>.yaml), apart from the units' records."""

    task: str
    unit: str  # as written; resolved with the unit index
    period: str | None
    kind: DecisionKind
    day: dt.date  # the day it was decided
    reason: str | None = None  # why it was returned or extended
    due: dt.date | None = None  # the new due date a return gave, or the day an extension runs to
    approved_by: str | None = None  # who approved an extension
    source: Source = Source("")


# The version of a roll-up file's SQLite schema (render.sqlite writes it, views.rollup reads it back
# to keep the ledgers that did not change), in the file's `PRAGMA user_version`.
ROLLUP_SCHEMA = 1
