"""Where a document goes: a file (never one the ledger reads, never the bundled ledger) or stdout."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from gkledger.cli.session import EXIT_PROBLEMS, _fail, say
from gkledger.i18n import _f


def _write_output(
    path: Path,
    data: bytes | Callable[[Callable[[bytes], object]], object],
    make_folders: bool = False,
    *,
    force: bool = False,
    ledger_file: bool = False,
) -> int:
    """Write a file atomically: `data`, or what a function makes a piece at a time, handing each to
    the writer it is given (`atomic.write_atomic_pieces`: a province's CSV is never held whole).
    Never into the ledger bundled with gkledger; a report (not `ledger_file`) never over a file a
    ledger reads; an existing file only with `force`. A folder that is missing (unless made) or
    unwritable ends the command. The bytes written."""
    from gkledger.store.atomic import write_atomic, write_atomic_pieces

    _refuse_bundled(path)
    if not ledger_file and _read_by_a_ledger(path):
        _fail(
            _f(
                "{file} is a file a ledger reads; a report never replaces it (give another -o)",
                file=path,
            )
        )
    if not force and path.exists() and not path.is_symlink():  # a link: refused below, whatever --force says
        _fail(_f("{file} exists; use --force to replace it", file=path))
    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            _fail(_f("the folder {folder} does not exist", folder=path.parent))
        if isinstance(data, bytes):
            write_atomic(path, data)
            return len(data)
        return write_atomic_pieces(path, data)
    except OSError as exc:
        _fail(_f("cannot write {file}: {error}", file=path, error=exc.strerror or exc), EXIT_PROBLEMS)


def _read_by_a_ledger(path: Path) -> bool:
    """Whether `path` is a file some ledger reads: a units.yaml or tasks.yaml, or a YAML file in a
    progress folder."""
    from gkledger.store.locate import PROGRESS_DIR, TASKS_FILE, UNITS_FILE

    where = Path(os.path.abspath(path))
    if where.name in (TASKS_FILE, UNITS_FILE):
        return True
    return where.parent.name == PROGRESS_DIR and where.suffix.lower() in (".yaml", ".yml")


def _refuse_bundled(output: Path) -> None:
    """A file about to be written into the ledger that ships with gkledger ends the command."""
    from gkledger.store.locate import bundled_ledger

    where = Path(os.path.abspath(output))
    bundled = bundled_ledger().resolve()
    if where.resolve().is_relative_to(bundled) or where.is_relative_to(bundled):
        _fail(
            _f(
                "{file} is in the ledger that ships with gkledger; write into your own (gkledger init)",
                file=output,
            )
        )


def _missing_extra(exc: ImportError, extra: str = "export") -> NoReturn:
    _fail(_f("this needs {module}: pip install '{package}'", module=exc.name, package=f"gkledger[{extra}]"))


def _deliver(output: Path | None, payload: bytes, what: str, force: bool = False) -> None:
    """An export to its file (atomically) or to standard output."""
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    _write_output(output, payload, force=force)
    say(_wrote(output, len(payload), what), err=True)


def _wrote(output: Path, size: int, what: str) -> str:
    return _f("Wrote {file} ({size:,} bytes, {what}).", file=output, size=size, what=what)
