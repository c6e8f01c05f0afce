"""Recording progress: `gkledger done` and `gkledger waive` as a library call.

Under a lock on the progress folder: load and check the ledger, refuse what cannot be right (an
unknown task or unit, a date in the future, a task the unit does not owe, a second record without
`replace`), edit the unit's progress file as text (every other byte kept), check the whole ledger
with the new text in place, and only then write it atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from gkledger import edits
from gkledger.atomic import locked, write_atomic
from gkledger.diagnostics import Diagnostic
from gkledger.load import load
from gkledger.locate import PROGRESS_DIR, display_path, progress_files
from gkledger.model import Ledger, Record, Task, Unit
from gkledger.status import Obligations

BOM = "\ufeff"


class Refused(Exception):
    """The change was not made; `usage` when the request itself was wrong (exit 2, not 1)."""

    def __init__(self, message: str, usage: bool = False, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.diagnostics = diagnostics or []


@dataclass(frozen=True)
class Recorded:
    path: Path
    task: Task
    unit: Unit
    record: edits.NewRecord
    replaced: bool
    ledger: Ledger  # the ledger as it is now


def record_progress(
    root: Path,
    task_id: str,
    unit_name: str,
    *,
    today: dt.date,
    done: dt.date | None = None,
    waived: str | None = None,
    evidence: str | None = None,
    note: str | None = None,
    replace: bool = False,
) -> Recorded:
    if (done is None) == (waived is None):
        raise ValueError("give exactly one of done and waived")
    folder = root / PROGRESS_DIR
    if not root.is_dir():
        raise Refused(f"the data folder {display_path(root)} does not exist", usage=True)
    folder.mkdir(exist_ok=True)
    with locked(folder):
        loaded = load(root)
        errors = [d for d in loaded.diagnostics if d.severity == "error"]
        if errors:
            raise Refused(
                "the ledger has errors; fix them first (gkledger check lists them)", diagnostics=errors
            )
        ledger = loaded.ledger
        obligations = Obligations(ledger)
        task = next((t for t in ledger.tasks if t.id == task_id.strip()), None)
        if task is None:
            raise Refused(f"unknown task '{task_id}'", usage=True)
        unit = obligations.index.get(unit_name)
        if unit is None:
            close = obligations.index.suggest(unit_name)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise Refused(f"unknown unit '{unit_name}'{hint}", usage=True)
        owed = next((o for o in obligations.by_task.get(task.id, []) if o.unit.name == unit.name), None)
        if owed is None:
            raise Refused(f"{unit.name} does not owe task {task.id} (责任单位: {task.owners})")
        if done is not None and done > today:
            raise Refused(
                f"the date {done} is after today ({today}); completions cannot be in the future", usage=True
            )
        new = edits.NewRecord(task.id, unit.name, done, waived, evidence, note)
        existing = owed.record
        if existing is not None and not replace:
            raise Refused(
                f"task {task.id} already has a record for {unit.name} at {existing.source}; "
                "use --replace to rewrite it"
            )
        if existing is not None:
            path = _file_of(root, existing)
            text = _read_text(path)
            following = [
                r.source.line
                for r in ledger.records
                if r.source.path == existing.source.path and r.source.line > existing.source.line
            ]
            bom, body = _split_bom(text)
            new_text = bom + edits.replace(body, existing.source.line, min(following, default=None), new)
        else:
            path = folder / f"{unit.name}.yaml"
            text = _read_text(path) if path.exists() else ""
            bom, body = _split_bom(text)
            new_text = bom + edits.append(body, new, unit.name)
        data = new_text.encode("utf-8")
        checked = load(root, overlay={path: data})
        problems = [d for d in checked.diagnostics if d.severity == "error"]
        if problems:
            raise Refused(
                "the new record would make the ledger invalid; nothing was written", diagnostics=problems
            )
        write_atomic(path, data)
        return Recorded(path, task, unit, new, existing is not None, checked.ledger)


def _split_bom(text: str) -> tuple[str, str]:
    return (BOM, text[1:]) if text.startswith(BOM) else ("", text)


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # the ledger was just checked, so this is UTF-8


def _file_of(root: Path, record: Record) -> Path:
    for path in progress_files(root):
        if display_path(path) == record.source.path:
            return path
    raise Refused(f"cannot find the file of the record at {record.source}")  # pragma: no cover
