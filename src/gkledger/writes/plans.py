"""Another plan in a ledger repository: data/<year>/ beside the others (`gkledger init . --year`).

A ledger of one plan (data/tasks.yaml) first moves that plan into data/<its year>/, its files
unchanged but for their schema line, so that both plans share data/units.yaml. All of it under
the ledger's lock, so that no `done` or `carry` writes into the plan while it moves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gkledger.i18n import _f
from gkledger.store.atomic import write_atomic
from gkledger.store.load import read_plan_year
from gkledger.store.locate import (
    PROGRESS_DIR,
    PROGRESS_MODELINE,
    TASKS_MODELINE,
    deeper,
    display_path,
    plan_years,
)
from gkledger.writes.scaffold import plan_files
from gkledger.writes.transaction import Refused, locked_ledger


@dataclass(frozen=True)
class AddedPlan:
    moved: tuple[int, Path] | None  # the single plan's year and the folder it was moved into
    written: tuple[Path, ...]  # the new plan's files


def add_plan(data: Path, year: int) -> AddedPlan:
    """Add the plan for `year` to the repository whose data folder is `data`."""
    with locked_ledger(data) as data:
        years = plan_years(data)
        if year in years or (data / str(year)).exists():
            raise Refused(_f("{folder} already exists", folder=display_path(data / str(year))), usage=True)
        moved = _move_single_plan(data, year)
        written = []
        for name, content in plan_files(year).items():
            path = data.parent / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, content)
            written.append(path)
        return AddedPlan(moved, tuple(written))


def _move_single_plan(data: Path, year: int) -> tuple[int, Path] | None:
    single = data / "tasks.yaml"
    if not single.is_file():
        return None
    old = read_plan_year(single.read_bytes(), str(single))
    if old is None:
        raise Refused(
            _f("{file} has no readable plan year; fix it (gkledger check) first", file=display_path(single))
        )
    if old == year:
        raise Refused(
            _f("{folder} already holds the plan for {year}", folder=display_path(data), year=year), usage=True
        )
    moved = data / str(old)
    moved.mkdir()
    os.rename(single, moved / "tasks.yaml")
    if (data / PROGRESS_DIR).is_dir():
        os.rename(data / PROGRESS_DIR, moved / PROGRESS_DIR)
    for path, modeline in [
        (moved / "tasks.yaml", TASKS_MODELINE),
        *((p, PROGRESS_MODELINE) for p in sorted((moved / PROGRESS_DIR).glob("*.yaml"))),
    ]:
        text = path.read_bytes()
        if text.startswith(modeline.encode("utf-8")):
            write_atomic(path, deeper(modeline).encode("utf-8") + text[len(modeline.encode("utf-8")) :])
    return old, moved
