"""The loader's pipeline, once: list the files → the core (units.yaml and tasks.yaml, checked, each
task's owing units resolved) → each progress file (read, parsed, its records' own checks) → the checks
across files → one `Loaded`, with the office's decisions.

`run` fixes the order of the stages and what is made of them; `Stages` does each stage from the
files. The cache (`store.cache`) subclasses `Stages` to answer a stage from what it kept for the
same bytes, as beancount's pickle cache wraps its loader: it never runs stages of its own or in an
order of its own, so a cached load is a fresh load with some stages remembered.

Nothing here imports the parser or the checks until a stage needs them: a warm run whose every
stage comes from the cache loads neither.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Decision, Ledger, Record, Settings
from gkledger.store.files import (
    MAX_RECORDS,
    DataFile,
    Listing,
    absolute,
    list_files,
    read_bytes,
    with_overlay,
)
from gkledger.store.locate import PROGRESS_DIR, has_decisions

if TYPE_CHECKING:
    from gkledger.core.model import Core
    from gkledger.core.status import Obligations
    from gkledger.core.units import UnitIndex

Overlay = dict[Path, bytes]
Contents = bytes | Diagnostic  # a file's bytes, or why the read stage could not have them
Owing = dict[str, tuple[str, ...]]  # task id -> the canonical names of the units that owe it


class Loaded(NamedTuple):
    """A loaded ledger: its diagnostics, each task's owing units and the units' index that resolved
    them, the office's decisions; and how it was had (`from_cache`, `parsed`: how many files were
    parsed this time, the rest came from the cache)."""

    ledger: Ledger
    diagnostics: list[Diagnostic]
    owing: Owing
    unit_index: UnitIndex
    decisions: tuple[Decision, ...] = ()
    from_cache: bool = False
    parsed: int = 0

    def obligations(self) -> Obligations:
        """The ledger's obligations, with the owing units and the units' index this load resolved, and
        the office's decisions on them."""
        from gkledger.core.status import Obligations

        plain = Obligations(self.ledger, self.unit_index, self.owing)
        if not self.decisions:
            return plain
        from gkledger.store.decisions import reviews_of

        return Obligations(self.ledger, self.unit_index, self.owing, reviews_of(list(self.decisions), plain))


class Resolved(NamedTuple):
    """The core stage's result: the core with its diagnostics, the units' index its checks
    resolved every selector with, and each task's owing units."""

    core: Core
    unit_index: UnitIndex
    owing: Owing


class Part(NamedTuple):
    """One progress file's stage: its records, the diagnostics of reading it (which its bytes alone
    decide) and those of its records' own checks (which the core decides too)."""

    records: Sequence[Record]
    problems: tuple[Diagnostic, ...]
    own: tuple[Diagnostic, ...]


class Stages:
    """Each stage done from the files (and `overlay`: new bytes for some files, to check a change
    before it is written)."""

    def __init__(self, overlay: Overlay | None = None) -> None:
        self.overlay = overlay or {}
        self._by_location = {str(path): data for path, data in self.overlay.items()}  # as files are listed

    def overlaid(self, file: DataFile) -> bool:
        return file.location in self._by_location

    def contents(self, file: DataFile) -> Contents:
        found = self._by_location.get(file.location)
        return found if found is not None else read_bytes(file)

    def core(self, root: Path, units_file: DataFile, tasks_file: DataFile) -> Resolved:
        from gkledger.core.status import owing_of
        from gkledger.store.load import read_core  # the parser: imported when a stage parses

        core, index = read_core(units_file, self.contents(units_file), tasks_file, self.contents(tasks_file))
        return Resolved(core, index, owing_of(core.ledger(root, ()), index))

    def part(self, file: DataFile, bare: Ledger, index: UnitIndex) -> Part:
        from gkledger.store.load import read_progress

        records, problems = read_progress(file, self.contents(file))
        return Part(records, tuple(problems), own_checks(bare, index, records))

    def records(self, parts: list[Part]) -> Sequence[Record]:
        return [record for part in parts for record in part.records]

    def across(self, bare: Ledger, index: UnitIndex, records: Sequence[Record]) -> list[Diagnostic]:
        from gkledger.store import checks

        return checks.across(bare, index, checks.KeysOf(bare, index, records))


def own_checks(bare: Ledger, index: UnitIndex, records: Sequence[Record]) -> tuple[Diagnostic, ...]:
    """Each record's own checks against the core (`Part.own`)."""
    from gkledger.store import checks

    return tuple(checks.of_records(bare, index, records))


def run(root: Path, stages: Stages) -> Loaded:
    """The ledger in `root` through `stages`. Nothing raises for bad input: what cannot be read or
    parsed is a diagnostic, and the rest is still checked."""
    with no_gc():
        loaded = _run(list_files(root), stages)
    return with_decisions(loaded, root, stages.overlay)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Loading (or unpickling) allocates hundreds of thousands of small objects and no cycles: the
    cyclic garbage collector would only rescan them, so it waits until they are built."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _run(listing: Listing, stages: Stages) -> Loaded:
    root = listing.root
    out: list[Diagnostic] = list(listing.problems)
    if not listing.files:
        from gkledger.core.units import UnitIndex

        return Loaded(Ledger(str(root), None, Settings(), (), (), {}, (), (), {}), out, {}, UnitIndex((), {}))
    units_file, tasks_file = listing.files[:2]
    core, index, owing = stages.core(root, units_file, tasks_file)
    out.extend(core.diagnostics)
    bare = core.ledger(root, ())
    parts: list[Part] = []
    total = 0
    cut = False
    for file in with_overlay(listing, stages.overlay):
        part = stages.part(file, bare, index)
        if total + len(part.records) > MAX_RECORDS:
            part = _cut(file, part, MAX_RECORDS - total, bare, index)
            cut = True
        parts.append(part)
        total += len(part.records)
        out.extend(part.problems)
        out.extend(part.own)
        if cut:
            break
    if cut:  # a ledger cut at the limit is made by the plain stages: none of them knows the cut
        records = Stages.records(stages, parts)
        out.extend(Stages.across(stages, bare, index, records))
    else:
        records = stages.records(parts)
        out.extend(stages.across(bare, index, records))
    out.sort(key=Diagnostic.sort_key)
    return Loaded(core.ledger(root, records), out, owing, index)


def _cut(file: DataFile, part: Part, keep: int, bare: Ledger, index: UnitIndex) -> Part:
    """The records of the file that reaches the limit, up to it, with GK007 saying so."""
    from gkledger.store.load import too_many

    kept = list(part.records[:keep])
    return Part(kept, (*part.problems, too_many(file)), own_checks(bare, index, kept))


def with_decisions(loaded: Loaded, root: Path, overlay: Overlay | None) -> Loaded:
    """The load with the office's decisions and their diagnostics (`store.decisions`); a ledger
    without an office folder imports nothing more."""
    if not has_decisions(root, overlay):
        return loaded
    from gkledger.core.status import Obligations
    from gkledger.store.decisions import check_decisions, read_decisions

    decisions, problems = read_decisions(absolute(root), overlay)
    problems += check_decisions(decisions, Obligations(loaded.ledger, loaded.unit_index))
    return loaded._replace(decisions=tuple(decisions), diagnostics=[*loaded.diagnostics, *problems])


class Usable(NamedTuple):
    """What a view can show of a ledger with errors: the ledger without the records of the progress
    files that have errors (`left_out`, their paths), or nothing when an error lies elsewhere
    (`fatal`: units.yaml, tasks.yaml, the office's files)."""

    ledger: Ledger
    left_out: tuple[str, ...]
    fatal: list[Diagnostic]


def usable(loaded: Loaded, root: Path) -> Usable:
    ledger = loaded.ledger
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    progress = os.path.join(os.path.abspath(root), PROGRESS_DIR) + os.sep
    broken = {d.source.path for d in errors}
    if not all(path.startswith(progress) for path in broken):
        return Usable(ledger, (), errors)
    if not broken:
        return Usable(ledger, (), [])
    kept = tuple(r for r in ledger.records if r.source.path not in broken)
    return Usable(ledger._replace(records=kept), tuple(sorted(broken)), [])
