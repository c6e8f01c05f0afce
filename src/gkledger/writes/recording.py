"""Recording progress: `gkledger done` and `gkledger waive` as a library call.

Under a lock on the progress folder: load and check the ledger, refuse what cannot be right (the
ledger bundled with gkledger, an unknown task or unit, a date in the future, a task the unit does
not owe, a second record without `replace`, a file that is a link or read-only), edit each progress
file as text (every other byte kept, the result read back and compared with what was meant), check
the whole ledger with the new texts in place, and only then write them, all or nothing, atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gkledger.core.model import Record, Task, Unit
from gkledger.core.status import Obligation, Obligations
from gkledger.i18n import _, _f
from gkledger.store import yaml_text
from gkledger.store.atomic import WriteRefused, writable_target
from gkledger.store.files import absolute
from gkledger.store.locate import (
    PROGRESS_DIR,
    PROGRESS_MODELINE,
    deeper,
    display_path,
    file_name_problem,
    is_plan_folder,
)
from gkledger.store.stages import Loaded
from gkledger.writes import edits
from gkledger.writes.edits import NewRecord
from gkledger.writes.transaction import Refused, transaction

BOM = "\ufeff"


@dataclass(frozen=True)
class Entry:
    """One record written: which task, which unit, into which file."""

    path: Path
    task: Task
    unit: Unit
    record: edits.NewRecord
    replaced: bool


@dataclass(frozen=True)
class Recorded:
    entries: tuple[Entry, ...]
    rewritten: tuple[Path, ...]  # files rewritten from their values (their comments are gone)
    loaded: Loaded  # the ledger as it is now, as loaded to check the change (decisions and all)
    unchanged: tuple[Entry, ...] = ()  # asked for, and already recorded with exactly these values


def record_progress(
    root: Path,
    task_ids: Sequence[str],
    unit_names: Sequence[str],
    *,
    today: dt.date,
    done: dt.date | None = None,
    waived: str | None = None,
    evidence: str | None = None,
    note: str | None = None,
    replace: bool = False,
    cache: Path | None = None,
    period: str | None = None,
) -> Recorded:
    """Record every task of `task_ids` for every unit of `unit_names`: all of them, or none. For
    a recurring task, `period` names the period (2022-Q3); without it, the earliest period of the
    task that the unit has no record for (see `Entry.record.period`)."""
    if not task_ids or not unit_names:
        raise ValueError("name at least one task and one unit")
    wanted = [
        NewRecord(task, unit, done, waived, evidence, note, period)
        for unit in dict.fromkeys(unit_names)
        for task in dict.fromkeys(task_ids)
    ]
    return record(root, wanted, today=today, replace=replace, cache=cache)


def record(
    root: Path,
    wanted: Sequence[NewRecord],
    *,
    today: dt.date,
    replace: bool = False,
    keep_identical: bool = False,
    cache: Path | None = None,
) -> Recorded:
    """Write every record of `wanted`, all or none. With `keep_identical`, a record already there
    with exactly the same values is left as it is (and listed as unchanged) instead of refused.
    With `cache` (the cache folder), the ledger comes from the cache and the new texts are checked
    by parsing only the files they change."""
    if any((w.done is None) == (w.waived is None) for w in wanted):
        raise ValueError("give exactly one of done and waived")
    root = absolute(root)
    folder = root / PROGRESS_DIR
    if folder.is_symlink():
        raise Refused(
            _f(
                "{folder} is a symbolic link; gkledger writes only inside the ledger",
                folder=display_path(folder),
            )
        )
    for w in wanted:
        if w.done is not None and w.done > today:
            raise Refused(
                _f(
                    "the date {day} is after today ({today}); completions cannot be in the future",
                    day=w.done,
                    today=today,
                ),
                usage=True,
            )
    with transaction(root, cache) as tx:
        loaded = tx.loaded
        changes = _changes(loaded.obligations(), folder, wanted, replace, keep_identical)
        if not changes.entries:
            return Recorded((), (), loaded, tuple(changes.unchanged))
        folder.mkdir(exist_ok=True)
        texts = {path: _read_text(path) for path in changes.files()}
        edited, rewritten = _edit(texts, changes)
        if is_plan_folder(root):  # a new file in data/<year>/progress/ points one folder further up
            for path, text in edited.items():
                start = text.lstrip(BOM)
                if not texts[path] and start.startswith(PROGRESS_MODELINE):
                    edited[path] = deeper(PROGRESS_MODELINE) + start[len(PROGRESS_MODELINE) :]
        overlay = {path: text.encode("utf-8") for path, text in edited.items()}
        checked = tx.write(
            overlay,
            confirm=lambda checked: _confirm(checked.obligations(), changes.entries),
            invalid=_("the new record would make the ledger invalid; nothing was written"),
        )
        return Recorded(tuple(changes.entries), tuple(rewritten), checked, tuple(changes.unchanged))


@dataclass
class _Changes:
    """The records one `record` call will write: new entries, the records they replace, and those
    asked for that are already recorded with the same values."""

    entries: list[Entry]
    replacing: dict[int, Record]  # entry number -> the record it replaces
    unchanged: list[Entry]

    def files(self) -> list[Path]:
        return list(dict.fromkeys(entry.path for entry in self.entries))


def _changes(
    obligations: Obligations, folder: Path, wanted: Sequence[NewRecord], replace: bool, keep_identical: bool
) -> _Changes:
    tasks = {t.id: t for t in obligations.ledger.tasks}
    changes = _Changes([], {}, [])
    seen: set[tuple[str, str, str | None]] = set()
    for w in wanted:
        task = tasks.get(w.task)
        if task is None:
            raise Refused(_f("unknown task '{task}'", task=w.task), usage=True)
        unit = obligations.index.get(w.unit)
        if unit is None:
            close = obligations.index.suggest(w.unit)
            hint = _f("; did you mean {names}?", names=_(" or ").join(close)) if close else ""
            raise Refused(_f("unknown unit '{name}'{hint}", name=w.unit, hint=hint), usage=True)
        owed = _owed(obligations, task, unit, w.period)
        if (task.id, unit.name, w.period) in seen:
            raise Refused(
                _f("task {id} for {unit} is asked for twice", id=task.id, unit=unit.name), usage=True
            )
        seen.add((task.id, unit.name, w.period))
        period = owed.period.label if owed.period is not None else None
        new = edits.NewRecord(task.id, unit.name, w.done, w.waived, w.evidence, w.note, period)
        existing = owed.record
        if existing is not None and keep_identical and same_values(existing, new):
            changes.unchanged.append(Entry(Path(existing.source.path), task, unit, new, False))
            continue
        if existing is not None and not replace:
            raise Refused(
                _f(
                    "task {id} already has a record for {unit} at {where}; use --replace to rewrite it",
                    id=task.id,
                    unit=unit.name,
                    where=existing.source,
                )
            )
        path = Path(existing.source.path) if existing is not None else _own_file(folder, unit)
        _check_target(folder, path)
        if existing is not None:
            changes.replacing[len(changes.entries)] = existing
        changes.entries.append(Entry(path, task, unit, new, existing is not None))
    return changes


def _owed(obligations: Obligations, task: Task, unit: Unit, period: str | None) -> Obligation:
    """What the unit owes for the task in the period asked for; for a recurring task asked for
    without one, its earliest period with no record (or the last, to be refused as recorded)."""
    owing = obligations.periods(task.id, unit)
    if not owing:
        raise Refused(
            _f(
                "{unit} does not owe task {id} (责任单位: {owners})",
                unit=unit.name,
                id=task.id,
                owners=task.owners,
            )
        )
    labels = [o.period.label for o in owing if o.period is not None]
    if not labels:
        if period is not None:
            raise Refused(
                _f("task {id} is not recurring: record it without --period", id=task.id), usage=True
            )
        return owing[0]
    if period is None:
        return next((o for o in owing if o.record is None), owing[-1])
    found = next((o for o in owing if o.period is not None and o.period.label == period), None)
    if found is None:
        raise Refused(
            _f(
                "task {id} has no period '{period}'; its periods are {periods}",
                id=task.id,
                period=period,
                periods=", ".join(labels),
            ),
            usage=True,
        )
    return found


def same_values(existing: Record, new: NewRecord) -> bool:
    """Whether a record in the ledger says exactly what `new` would."""
    return (existing.done, existing.waived, existing.evidence, existing.note) == (
        new.done,
        new.waived,
        new.evidence,
        new.note,
    )


def _own_file(folder: Path, unit: Unit) -> Path:
    problem = file_name_problem(unit.name)
    if problem is not None:  # check reports it as GK306; a ledger with errors never gets here
        raise Refused(_f("unit name {name!r} cannot name a file: {problem}", name=unit.name, problem=problem))
    return folder / f"{unit.name}.yaml"


def _check_target(folder: Path, path: Path) -> None:
    """Only a file directly in the progress folder, never through a link, never a read-only one."""
    if path.parent != folder or path.name.startswith("."):
        raise Refused(
            _f(
                "{file} is not a file of {folder}; nothing was written",
                file=display_path(path),
                folder=display_path(folder),
            )
        )
    try:
        writable_target(path)
    except WriteRefused as refused:
        raise Refused(_f("{problem}; nothing was written", problem=refused)) from refused


def _edit(texts: dict[Path, str], changes: _Changes) -> tuple[dict[Path, str], list[Path]]:
    """Each file's new text: replacements first (where the loader found them), then appends."""
    edited = dict(texts)
    rewritten: list[Path] = []
    indexes = {}
    for number, existing in changes.replacing.items():
        bom, body = _split_bom(texts[changes.entries[number].path])
        index = yaml_text.index_at(body, existing.source.line, existing.source.column)
        if index is None:
            raise Refused(
                _f("cannot find the record at {where} again; nothing was written", where=existing.source)
            )
        indexes[number] = index
    order = sorted(range(len(changes.entries)), key=lambda n: n not in changes.replacing)
    for number in order:
        entry = changes.entries[number]
        bom, body = _split_bom(edited[entry.path])
        try:
            if number in changes.replacing:
                result = edits.replace(body, indexes[number], entry.record)
            else:
                result = edits.append(body, entry.record, entry.unit.name)
        except edits.EditError as exc:
            raise Refused(
                _f("{file}: {problem}; nothing was written", file=display_path(entry.path), problem=exc)
            ) from exc
        edited[entry.path] = bom + result.text
        if result.rewritten and entry.path not in rewritten:
            rewritten.append(entry.path)
    return {path: text for path, text in edited.items() if text != texts[path]}, rewritten


def _confirm(obligations: Obligations, entries: Sequence[Entry]) -> None:
    """The checked ledger holds each record exactly as meant (the edits were checked file by file;
    this is the whole ledger's word on it)."""
    for entry in entries:
        owed = obligations.obligation(entry.task.id, entry.unit, entry.record.period)
        if owed is None or owed.record is None or not same_values(owed.record, entry.record):
            raise Refused(
                _f(
                    "task {id} for {unit} did not read back as meant; nothing was written",
                    id=entry.task.id,
                    unit=entry.unit.name,
                )
            )


def _split_bom(text: str) -> tuple[str, str]:
    return (BOM, text[1:]) if text.startswith(BOM) else ("", text)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")  # the ledger was just checked, so this is UTF-8
    except FileNotFoundError:
        return ""
