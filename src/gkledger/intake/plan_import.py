"""`gkledger import` as a library call: a table file read into the text of a tasks.yaml, owners
phrases read with a roster's vocabulary, and the text proved to read back as the table's tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.owners import Vocabulary
from gkledger.core.units import UnitIndex
from gkledger.i18n import _, _f
from gkledger.intake.importer import Imported, tasks_from_grid, to_yaml
from gkledger.intake.tables import TableError, read_file, read_table
from gkledger.store.files import MAX_FILE_BYTES
from gkledger.store.load import read_tasks_text, read_units_alone
from gkledger.store.locate import UNITS_FILE


@dataclass(frozen=True)
class TableImport:
    imported: Imported
    text: str  # the tasks.yaml to write
    how: str  # how the file was read (a sheet chosen, an encoding guessed), or ""


def import_table(
    table: Path,
    year: int,
    title: str | None,
    vocabulary: Vocabulary,
    signed: dt.date | None = None,
    deadline: str | None = None,
) -> TableImport:
    """Read `table` (xlsx, xls, csv, docx, html) into a plan of `year`, issued on `signed` (else on
    the 成文日期 the notice or table states, if any). Raises TableError when the file is no table
    gkledger can read, and when the text would not read back as the table."""
    grid, how = read_table(table, read_file(table))
    imported = tasks_from_grid(grid, year, title or "", vocabulary, signed, deadline)  # "": the table's own
    text = to_yaml(imported, table.name)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise TableError(
            _f(
                "the tasks.yaml written would be {size:,} bytes, over a ledger file's limit of "
                "{limit:,}; nothing was written",
                size=size,
                limit=MAX_FILE_BYTES,
            )
        )
    if not reads_back(text, imported):
        raise TableError(_("the tasks.yaml written would not read back as the table; nothing was written"))
    return TableImport(imported, text, how or "")


def reads_back(text: str, imported: Imported) -> bool:
    """Whether the tasks.yaml text reads back as the table's tasks, verbatim."""
    tasks, _problems = read_tasks_text(text.encode("utf-8"))
    # A deadline outside the grammar is written verbatim too; read back, it has no due day.
    meant = [
        (t.id, t.section, t.item, t.text, t.owners, t.deadline if t.deadline_read else None, t.remark)
        for t in imported.tasks
    ]
    read = [
        (t.id, t.section, t.item, t.text, t.owners, t.deadline.text if t.deadline else None, t.remark)
        for t in tasks
    ]
    return read == meant


def holds_no_task(path: Path) -> bool:
    """Whether a tasks.yaml holds no task yet (as `init` writes it), so importing over it loses nothing."""
    try:
        tasks, problems = read_tasks_text(path.read_bytes(), str(path))
    except OSError:
        return False
    return not tasks and not any(d.severity == "error" for d in problems)


def vocabulary_of(root: Path | None) -> tuple[Vocabulary, list[Diagnostic]]:
    """The vocabulary owners phrases are read with: the units and `words:` of root/units.yaml, and
    its errors (an empty vocabulary when there is no such file)."""
    if root is None or not (root / UNITS_FILE).is_file():
        return Vocabulary(UnitIndex((), {})), []
    core, index = read_units_alone(root)
    return Vocabulary(index, core.words), [d for d in core.diagnostics if d.severity == "error"]
