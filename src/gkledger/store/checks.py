"""The registry of cross-reference checks run on a loaded ledger.

Each check is a small function `(ledger, index) -> Iterable[Diagnostic]`; `CHECKS` lists them in
the order they run. Shape problems (types, missing and unknown fields) are found while loading;
these checks see the whole ledger at once: names, references, ownership and duplicates.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import PurePath

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Ledger, Record, Selector, Source, Task, Term
from gkledger.core.units import UnitIndex
from gkledger.i18n import _, _f
from gkledger.store.fields import closest
from gkledger.store.locate import file_name_problem

Check = Callable[[Ledger, UnitIndex], Iterable[Diagnostic]]


def unique_task_ids(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    first: dict[str, int] = {}
    for task in ledger.tasks:
        if task.id in first:
            yield Diagnostic(
                task.source,
                "GK201",
                _f("task id '{id}' is used twice (first at line {line})", id=task.id, line=first[task.id]),
                _("every task needs its own id (the 序号)"),
            )
        else:
            first[task.id] = task.source.line


def task_ids_can_be_typed(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    """A task id is named on command lines, in records and in file names: one trimmed, printable
    token (`5`, `3.2`, `A-1`), never with spaces, tabs or invisible characters."""
    for task in ledger.tasks:
        if not task.id or any(not c.isprintable() or c.isspace() for c in task.id):
            yield Diagnostic(
                task.source,
                "GK204",
                _f("task id {id!r} holds spaces or characters that cannot be typed", id=task.id),
                _('write the 序号 as one token, such as "5" or "3.2"'),
            )


def unit_names_are_file_names(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    """A unit's records go to progress/<name>.yaml, so its name must be one safe path part."""
    for unit in ledger.units:
        problem = file_name_problem(unit.name)
        if problem is not None:
            yield Diagnostic(
                unit.source,
                "GK306",
                _f(
                    "unit name {name!r} cannot name its progress file: {problem}",
                    name=unit.name,
                    problem=problem,
                ),
                _("use the short name as written on the unit's seal; keep other spellings in aliases"),
            )


def unique_unit_names(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    owner: dict[str, tuple[str, int]] = {}
    for unit in ledger.units:
        for name in dict.fromkeys((unit.name, unit.full_name, *unit.aliases)):
            if name in owner and owner[name][0] != unit.name:
                other, line = owner[name]
                yield Diagnostic(
                    unit.source,
                    "GK301",
                    _f(
                        "'{name}' names both unit '{other}' (line {line}) and unit '{unit}'",
                        name=name,
                        other=other,
                        line=line,
                        unit=unit.name,
                    ),
                    _("every name and alias must mean exactly one unit"),
                )
            elif name in owner and name == unit.name:
                yield Diagnostic(
                    unit.source,
                    "GK301",
                    _f(
                        "unit '{name}' is listed twice (first at line {line})", name=name, line=owner[name][1]
                    ),
                )
            else:
                owner.setdefault(name, (unit.name, unit.source.line))


def parents_exist(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    for unit in ledger.units:
        if unit.parent is not None and index.get(unit.parent) is None:
            suggestion = closest(unit.parent, index.names)
            yield Diagnostic(
                unit.source,
                "GK302",
                _f(
                    "unit '{unit}' has parent '{parent}', which is not a unit",
                    unit=unit.name,
                    parent=unit.parent,
                ),
                _f("did you mean '{name}'?", name=suggestion) if suggestion else None,
            )


def no_parent_cycles(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    reported: set[str] = set()
    for unit in index.by_name.values():
        seen = [unit.name]
        current = unit
        while current.parent is not None:
            parent = index.get(current.parent)
            if parent is None:
                break
            if parent.name in seen:
                cycle = seen[seen.index(parent.name) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    yield Diagnostic(
                        index.by_name[cycle[0]].source,
                        "GK303",
                        _f("units are their own ancestors: {cycle}", cycle=" → ".join([*cycle, parent.name])),
                    )
                break
            seen.append(parent.name)
            current = parent


def _terms(selector: Selector) -> Iterator[Term]:
    for term in selector.terms:
        yield term
        inner = term.with_children
        while inner is not None:
            yield inner
            inner = inner.with_children


def _selector_references(selector: Selector, index: UnitIndex, where: str) -> Iterator[Diagnostic]:
    for term in _terms(selector):
        known: dict[str, Iterable[str]] = {
            "unit": index.names,
            "kind": index.kinds,
            "level": index.levels,
            "tag": index.tags,
            "role": index.roles,
            "group": index.groups,
        }
        for key, names in known.items():
            for name in getattr(term, key):
                if name in names:
                    continue
                suggestion = closest(name, names)
                yield Diagnostic(
                    term.source,
                    "GK304",
                    _f("{where} names {key} '{name}', which no unit has", where=where, key=key, name=name)
                    if key != "group"
                    else _f(
                        "{where} names group '{name}', which is not defined in units.yaml",
                        where=where,
                        name=name,
                    ),
                    _f("did you mean '{name}'?", name=suggestion) if suggestion else None,
                )


def selectors_resolve(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    if not ledger.units:
        return  # units.yaml did not load; its own diagnostics say why
    for name, selector in ledger.groups.items():
        yield from _selector_references(selector, index, _f("group '{name}'", name=name))
    for name, selector in ledger.words.items():
        yield from _selector_references(selector, index, _f("word '{name}'", name=name))
    for task in ledger.tasks:
        yield from _lead_and_unresolved(task, index)
        if task.carried_from is not None:
            problem = carried_from_problem(task.carried_from, ledger.plan.year if ledger.plan else None)
            if problem is not None:
                message = _f("task {id}: {problem}", id=task.id, problem=problem)
                yield Diagnostic(task.source, "GK207", message, _("write it as 2021#5"))
        if not task.owed_by.terms:
            continue
        problems = list(_selector_references(task.owed_by, index, _f("task {id}", id=task.id)))
        yield from problems
        if not problems and not index.select(task.owed_by):
            yield Diagnostic(
                task.owed_by.source,
                "GK203",
                _f("task {id}: 'owed_by' matches no unit, so nobody owes the task", id=task.id),
            )


CARRIED_FROM = re.compile(r"(\d{4})#(\S+)")


def carried_from_problem(reference: str, plan_year: int | None) -> str | None:
    """Why a `carried_from` reference cannot be right by itself (the plan it names is checked by
    `gkledger check` across the plans of a repository), or None."""
    match = CARRIED_FROM.fullmatch(reference.strip())
    if match is None:
        return _f(
            "carried_from '{reference}' is not a plan year and a task id (YYYY#id)", reference=reference
        )
    if plan_year is not None and int(match.group(1)) >= plan_year:
        return _f(
            "carried_from '{reference}' names the plan of {year}, not an earlier one",
            reference=reference,
            year=match.group(1),
        )
    return None


def carried_references(ledger: Ledger, plans: dict[int, set[str]]) -> Iterator[Diagnostic]:
    """Each carried_from names a task of a plan of the repository (`plans`: year -> task ids)."""
    for task in ledger.tasks:
        match = CARRIED_FROM.fullmatch((task.carried_from or "").strip())
        if match is None:
            continue  # absent, or malformed (the plan's own checks say so)
        year, task_id = int(match.group(1)), match.group(2)
        reference = task.carried_from
        if year not in plans:
            problem = _f(
                "carried_from '{reference}' names the plan of {year}, which this repository does not hold",
                reference=reference,
                year=year,
            )
        elif task_id not in plans[year]:
            problem = _f(
                "carried_from '{reference}' names task {task}, which the plan of {year} does not have",
                reference=reference,
                task=task_id,
                year=year,
            )
        else:
            continue
        message = _f("task {id}: {problem}", id=task.id, problem=problem)
        yield Diagnostic(task.source, "GK207", message, _("gkledger carry writes it"))


def _lead_and_unresolved(task: Task, index: UnitIndex) -> Iterator[Diagnostic]:
    """The lead is among the owners; each part of the owners phrase not yet assigned is a warning
    until the office assigns it."""
    for part in task.unresolved:
        yield Diagnostic(
            task.owed_by.source if task.owed_by.source.path else task.source,
            "GK205",
            _f("task {id}: '{part}' of its owners is not assigned to units yet", id=task.id, part=part),
            _(
                "add the units it means to owed_by (a word in units.yaml can name them) and remove it "
                "from unresolved"
            ),
        )
    if task.lead is None:
        return
    problems = list(_selector_references(task.lead, index, _f("the lead of task {id}", id=task.id)))
    yield from problems
    if problems:
        return
    owing = index.members(task.owed_by)
    outside = [unit.name for unit in index.select(task.lead) if unit.name not in owing]
    if outside:
        yield Diagnostic(
            task.lead.source,
            "GK206",
            _f("task {id}: the lead {units} does not owe the task", id=task.id, units="、".join(outside)),
            _("a lead owes the task too: add it to owed_by"),
        )


def no_group_cycles(ledger: Ledger, index: UnitIndex) -> Iterator[Diagnostic]:
    def refs(name: str) -> set[str]:
        selector = ledger.groups.get(name)
        return {g for term in _terms(selector) for g in term.group} if selector else set()

    reported: set[str] = set()
    for start in ledger.groups:
        path = [start]
        stack = [(start, iter(sorted(refs(start))))]
        while stack:
            _, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                continue
            if child in path:
                cycle = path[path.index(child) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    yield Diagnostic(
                        ledger.groups[cycle[0]].source,
                        "GK305",
                        _f(
                            "groups refer to each other in a cycle: {cycle}",
                            cycle=" → ".join([*cycle, child]),
                        ),
                    )
                continue
            if child in ledger.groups:
                path.append(child)
                stack.append((child, iter(sorted(refs(child)))))


def records_refer_to_known_things(
    ledger: Ledger, index: UnitIndex, records: Iterable[Record]
) -> Iterator[Diagnostic]:
    """Each record on its own: its task and unit exist, the unit owes the task, the date is not
    before the plan was signed (GK401, GK402, GK403, GK406)."""
    tasks = {task.id: task for task in ledger.tasks}
    if not tasks or not ledger.units:
        return  # tasks.yaml or units.yaml did not load; their own diagnostics say why
    signed = ledger.plan.signed if ledger.plan else None
    for record in records:
        task = tasks.get(record.task)
        unit = index.get(record.unit)
        if task is None:
            suggestion = closest(record.task, tasks)
            yield Diagnostic(
                record.task_source,
                "GK401",
                _f("task '{task}' does not exist", task=record.task),
                _f("did you mean '{name}'?", name=suggestion)
                if suggestion
                else _("task ids are the 序号 in tasks.yaml"),
            )
        if unit is None:
            close = index.suggest(record.unit)
            yield Diagnostic(
                record.unit_source,
                "GK402",
                _f("unit '{unit}' does not exist", unit=record.unit),
                _f("did you mean {names}?", names=_(" or ").join(f"'{n}'" for n in close)) if close else None,
            )
        if task is None or unit is None:
            continue
        if unit.name not in index.members(task.owed_by):
            yield Diagnostic(
                record.unit_source,
                "GK403",
                _f(
                    "unit '{unit}' does not owe task {id} (owed by: {owners})",
                    unit=unit.name,
                    id=task.id,
                    owners=task.owners,
                ),
                _("check the task id, or the task's owed_by in tasks.yaml"),
            )
        if record.done is not None and signed is not None and record.done < signed:
            yield Diagnostic(
                record.source,
                "GK406",
                _f(
                    "task {id} is recorded done on {done}, before the plan was signed on {signed}",
                    id=task.id,
                    done=record.done,
                    signed=signed,
                ),
            )
        problem = _period_problem(task, record.period)
        if problem is not None:
            yield Diagnostic(record.source, "GK409", problem[0], problem[1])


def _period_problem(task: Task, period: str | None) -> tuple[str, str] | None:
    """Why a record's period does not fit its task (message, hint), or None when it does."""
    deadline = task.deadline
    if deadline is None:
        return None  # an unreadable deadline has its own diagnostic
    labels = [p.label for p in deadline.periods]
    if not labels:
        if period is None:
            return None
        return (
            _f(
                "task {id} is not recurring ({deadline}), but the record names period '{period}'",
                id=task.id,
                deadline=deadline.text,
                period=period,
            ),
            _("remove the period line"),
        )
    shown = f"{labels[0]} … {labels[-1]}" if len(labels) > 2 else ", ".join(labels)
    if period is None:
        return (
            _f(
                "task {id} recurs ({deadline}): the record must say which period it is for",
                id=task.id,
                deadline=deadline.text,
            ),
            _f("add e.g. 'period: {first}' (its periods: {periods})", first=labels[0], periods=shown),
        )
    if period not in labels:
        return (
            _f(
                "period '{period}' is not one of task {id}'s periods in the plan ({periods})",
                period=period,
                id=task.id,
                periods=shown,
            ),
            _("write one of its periods"),
        )
    return None


def slot(task: str, period: str | None) -> str:
    """What a record is for: a task, or one period of a recurring task ("5@2022-Q3")."""
    return task if period is None else f"{task}@{period}"


# (task id — or "id@period" for a recurring task's period — if it exists, canonical unit, the
# record's file, line, column): plain values, so
# that a cache keeps them cheaply and checks across files build a Source only for what they report.
Key = tuple[str | None, str, str, int, int]


def record_keys(ledger: Ledger, index: UnitIndex, records: Iterable[Record]) -> list[Key]:
    """What the checks across files need of each record whose unit exists: little, so that a cache
    can keep it for every file and check a whole ledger without its records."""
    return list(_keys(ledger, index, records))


def _keys(ledger: Ledger, index: UnitIndex, records: Iterable[Record]) -> Iterator[Key]:
    slots = _slots(ledger)
    for record in records:
        unit = index.get(record.unit)
        if unit is not None:
            line, column = record.place  # no Source built for each of 50,000 records
            key = slot(record.task, record.period)
            yield (key if key in slots else None, unit.name, record.path, line, column)


def _slots(ledger: Ledger) -> dict[str, int]:
    """Every task, and every period of each recurring task, numbered."""
    slots: dict[str, int] = {}
    for task in ledger.tasks:
        periods = task.deadline.periods if task.deadline is not None else ()
        for key in [slot(task.id, p.label) for p in periods] or [task.id]:
            slots.setdefault(key, len(slots))
    return slots


class KeysOf:
    """The keys of a whole ledger's records, made as they are walked and never all kept at once
    (a million records' keys would double a load's peak memory)."""

    def __init__(self, ledger: Ledger, index: UnitIndex, records: Sequence[Record]) -> None:
        self.ledger, self.index, self.records = ledger, index, records

    def __iter__(self) -> Iterator[Key]:
        return _keys(self.ledger, self.index, self.records)


def no_second_records(ledger: Ledger, index: UnitIndex, keys: Iterable[Key]) -> Iterator[Diagnostic]:
    """One record per task and unit, across all files, in file order (GK404)."""
    if not ledger.tasks or not ledger.units:
        return
    # Two passes, so that a million records need no dict of a million pairs: the first marks each
    # (task, unit) seen in a bitmap and notes those seen twice; the second reports them.
    tasks = _slots(ledger)
    units = {name: i for i, name in enumerate(index.by_name)}
    width = len(units)
    seen = bytearray(len(tasks) * width)
    twice: set[int] = set()
    for task, unit, *_rest in keys:
        if task is None:
            continue
        pair = tasks[task] * width + units[unit]
        if seen[pair]:
            twice.add(pair)
        seen[pair] = 1
    if not twice:
        return
    first: dict[int, tuple[str, int]] = {}
    for task, unit, path, line, column in keys:
        if task is None:
            continue
        pair = tasks[task] * width + units[unit]
        if pair not in twice:
            continue
        earlier = first.setdefault(pair, (path, line))
        if earlier == (path, line):
            continue
        where = (
            _f("line {line}", line=earlier[1])
            if earlier[0] == path
            else f"{os.path.basename(earlier[0])}:{earlier[1]}"
        )
        shown = task.replace("@", _(" period "), 1)
        yield Diagnostic(
            Source(path, line, column),
            "GK404",
            _f(
                "a second record for task {task} and unit '{unit}' (first at {where})",
                task=shown,
                unit=unit,
                where=where,
            ),
            _("keep one record per task (and period) and unit"),
        )


def records_in_their_units_file(
    ledger: Ledger, index: UnitIndex, records: Iterable[Record]
) -> Iterator[Diagnostic]:
    """progress/回民区.yaml holds 回民区's records (or its own departments'); a record of another unit
    there is likely pasted into the wrong file. Files not named after a unit are not checked."""
    misplaced: dict[tuple[str, str], tuple[str, str] | None] = {}  # one answer per file and unit name
    for record in records:
        pair = (record.path, record.unit)
        if pair not in misplaced:
            misplaced[pair] = _foreign(index, *pair)
        found = misplaced[pair]
        if found is not None:
            unit, owner = found
            yield Diagnostic(
                record.unit_source,
                "GK407",
                _f("a record of {unit} in the progress file of {owner}", unit=unit, owner=owner),
                _f("move it to progress/{unit}.yaml", unit=unit),
                "error" if ledger.settings.strict_owner_files else None,
            )


def recording_units_have_maintainers(
    ledger: Ledger, index: UnitIndex, keys: Iterable[Key]
) -> Iterator[Diagnostic]:
    """Where a ledger names maintainers at all, a unit with records should have its own, so that
    CODEOWNERS gives its file to someone (else the office reviews it) (GK408)."""
    if not ledger.maintainers and not any(unit.maintainers for unit in ledger.units):
        return
    warned: set[str] = set()
    for _task, name, *_rest in keys:
        unit = index.by_name[name]
        if unit.maintainers or name in warned:
            continue
        warned.add(name)
        yield Diagnostic(
            unit.source,
            "GK408",
            _f("unit '{name}' has progress records but no maintainers", name=name),
            _("add maintainers: [@handle] to it in units.yaml, so its progress file has a reviewer"),
        )


def _foreign(index: UnitIndex, path: str, name: str) -> tuple[str, str] | None:
    """(unit, file's unit) when the record's unit is neither the file's unit nor one of its own."""
    owner = index.get(PurePath(path).stem)
    unit = index.get(name)
    if owner is None or unit is None:
        return None
    seen: set[str] = set()
    current = unit
    while current.name not in seen:
        if current.name == owner.name:
            return None
        seen.add(current.name)
        parent = index.get(current.parent) if current.parent else None
        if parent is None:
            break
        current = parent
    return unit.name, owner.name


# Checks of tasks.yaml and units.yaml together, which no progress record changes.
CORE_CHECKS: tuple[Check, ...] = (
    unique_task_ids,
    task_ids_can_be_typed,
    unique_unit_names,
    unit_names_are_file_names,
    parents_exist,
    no_parent_cycles,
    selectors_resolve,
    no_group_cycles,
)
# Checks of each record on its own (given the core), so a file's results hold while it and the core do.
RecordCheck = Callable[[Ledger, UnitIndex, Iterable[Record]], Iterable[Diagnostic]]
RECORD_CHECKS: tuple[RecordCheck, ...] = (records_refer_to_known_things, records_in_their_units_file)
# Checks across files, which need only each record's key.
KeyCheck = Callable[[Ledger, UnitIndex, Iterable[Key]], Iterable[Diagnostic]]
CROSS_CHECKS: tuple[KeyCheck, ...] = (no_second_records, recording_units_have_maintainers)


def core(ledger: Ledger, index: UnitIndex) -> list[Diagnostic]:
    return [d for check in CORE_CHECKS for d in check(ledger, index)]


def of_records(ledger: Ledger, index: UnitIndex, records: Sequence[Record]) -> list[Diagnostic]:
    return [d for check in RECORD_CHECKS for d in check(ledger, index, records)]


def across(ledger: Ledger, index: UnitIndex, keys: Iterable[Key]) -> list[Diagnostic]:
    return [d for check in CROSS_CHECKS for d in check(ledger, index, keys)]


def pairs_of(ledger: Ledger, index: UnitIndex, keys: Iterable[Key]) -> bytes:
    """The (task or period, unit) pair of each key that names a task, as one number each (packed
    64-bit integers): what `no_second_records` compares, small enough to keep for every file."""
    slots, width = _numbering(ledger, index)
    order = index.order  # each unit's place in units.yaml: below `width`
    return array(
        "q", (slots[task] * width + order[unit] for task, unit, *_ in keys if task is not None)
    ).tobytes()


def _numbering(ledger: Ledger, index: UnitIndex) -> tuple[dict[str, int], int]:
    """`_slots` and how many units there are, once per ledger and index: a cold load asks for
    each of a province's 2,000 files."""
    global _NUMBERED
    if _NUMBERED is None or _NUMBERED[0] is not ledger or _NUMBERED[1] is not index:
        _NUMBERED = (ledger, index, _slots(ledger), len(index.units))
    return _NUMBERED[2], _NUMBERED[3]


_NUMBERED: tuple[Ledger, UnitIndex, dict[str, int], int] | None = None


def across_files(
    ledger: Ledger,
    index: UnitIndex,
    pairs: Iterable[bytes],
    units: Iterable[str],
    keys: Callable[[], Iterable[Key]],
) -> list[Diagnostic]:
    """`across` from what each file keeps: its `pairs_of` and its units with records. The keys
    themselves (`keys()`, which may have to be unpickled file by file) are read only when some pair
    occurs twice, which is when GK404 has something to say; GK408 needs only the units."""
    numbers = array("q")
    for part in pairs:
        numbers.frombytes(part)
    if len(set(numbers)) != len(numbers):
        return across(ledger, index, keys())
    return [
        *recording_units_have_maintainers(
            ledger, index, ((None, name, "", 0, 0) for name in dict.fromkeys(units))
        )
    ]


def run(ledger: Ledger) -> list[Diagnostic]:
    """Every check of a whole ledger: the core, each record, and across files."""
    index = UnitIndex(ledger.units, ledger.groups)
    records = list(ledger.records)
    return [
        *core(ledger, index),
        *of_records(ledger, index, records),
        *across(ledger, index, KeysOf(ledger, index, records)),
    ]
