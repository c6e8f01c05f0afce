"""Where a document goes: a file (never one the ledger reads, never the bundled ledger) or stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from gkledger.cli.session import EXIT_PROBLEMS, _fail, say
from gkledger.i18n import _f


def _write_output(
    path: Path, data: bytes | Callable[[Callable[[bytes], object]], object], make_folders: bool = False
) -> int:
    """Write a file atomically: `data`, or what a function makes a piece at a time, handing each to
    the writer it is given (`atomic.write_atomic_pieces`: a province's CSV is never held whole).
    A folder that is missing (unless made) or unwritable ends the command. The bytes written."""
    from gkledger.store.atomic import write_atomic, write_atomic_pieces

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


def _refuse_bundled(output: Path) -> None:
    """A file about to be written into the ledger that ships with gkledger ends the command."""
    from gkledger.store.locate import is_bundled

    if is_bundled(output.parent):
        _fail(
            _f(
                "{file} is in the ledger that ships with gkledger; write into your own (gkledger init)",
                file=output,
            )
        )


def _missing_extra(exc: ImportError, extra: str = "export") -> NoReturn:
    _fail(_f("this needs {module}: pip install '{package}'", module=exc.name, package=f"gkledger[{extra}]"))


def _deliver(output: Path | None, payload: bytes, what: str) -> None:
    """An export to its file (atomically) or to standard output."""
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    _write_output(output, payload)
    say(_wrote(output, len(payload), what), err=True)


def _wrote(output: Path, size: int, what: str) -> str:
    return _f("Wrote {file} ({size:,} bytes, {what}).", file=output, size=size, what=what)
