"""The one way a ledger is changed: every write of gkledger goes through `transaction`.

    with transaction(root, cache) as tx:       # the ledger's lock held; loaded and checked
        overlay = ...edit texts of tx.loaded...  # path -> the new bytes
        tx.write(overlay, confirm=...)           # checked with the new texts in place, confirmed,
                                                 # written all or nothing, read back, cache settled

Under one lock for the whole ledger (its top data folder, shared by every plan of a repository),
so that a `done` in one plan, a `carry` into another and an `init --year` that moves a plan into
its own folder never interleave. The ledger bundled with gkledger is refused before anything is
read; so is a ledger with errors, and a change that would leave errors, which writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gkledger.core.diagnostics import Diagnostic
from gkledger.i18n import _, _f
from gkledger.store.atomic import WriteRefused, commit, locked
from gkledger.store.cache import load_snapshot, settle
from gkledger.store.files import absolute
from gkledger.store.locate import display_path, is_bundled, is_plan_folder
from gkledger.store.stages import Loaded


class Refused(Exception):
    """The change was not made; `usage` when the request itself was wrong (exit 2, not 1)."""

    def __init__(self, message: str, usage: bool = False, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.diagnostics = diagnostics or []


def refuse_bundled(folder: Path) -> None:
    """The example ledger that ships inside gkledger is never written to."""
    if is_bundled(folder) or (is_plan_folder(folder) and is_bundled(folder.parent)):
        raise Refused(
            _f(
                "{folder} is the example ledger bundled with gkledger, which is never written to; "
                "start your own with: gkledger init 台账 --year YYYY (then run gkledger in it)",
                folder=display_path(folder),
            ),
            usage=True,
        )


def lock_folder(root: Path) -> Path:
    """The folder whose lock guards a ledger: the data folder holding its plans (data/ for
    data/2022/), which every plan of the repository shares."""
    return root.parent if is_plan_folder(root) else root


@contextmanager
def locked_ledger(root: Path) -> Iterator[Path]:
    """The ledger's lock, for a write that changes its layout rather than a plan's texts."""
    root = absolute(root)
    if not root.is_dir():
        raise Refused(_f("the data folder {folder} does not exist", folder=display_path(root)), usage=True)
    refuse_bundled(root)
    with locked(lock_folder(root)):
        yield root


class Transaction:
    """A plan loaded under the ledger's lock, and the one way to write it."""

    def __init__(self, root: Path, cache: Path | None, loaded: Loaded) -> None:
        self.root = root
        self.cache = cache
        self.loaded = loaded
        self.done = False

    def write(
        self,
        overlay: dict[Path, bytes],
        *,
        confirm: Callable[[Loaded], None] | None = None,
        invalid: str | None = None,
        dry_run: bool = False,
    ) -> Loaded:
        """Check the whole plan with `overlay` in place (only its files parsed again), let `confirm`
        refuse what did not read back as meant, then write every file all or nothing, each read
        back, and leave the cache answering as a fresh load would. With `dry_run`, all but the
        writing."""
        checked = load_snapshot(self.root, self.cache, overlay, save=False)
        problems = [d for d in checked.diagnostics if d.severity == "error"]
        if problems:
            raise Refused(
                invalid or _("the change would make the ledger invalid; nothing was written"),
                diagnostics=problems,
            )
        if confirm is not None:
            confirm(checked)
        if dry_run:
            return checked
        try:
            commit(overlay)
        except WriteRefused as refused:
            raise Refused(str(refused)) from refused
        settle(self.root, self.cache, overlay)
        self.done = True
        return checked


@contextmanager
def transaction(
    root: Path, cache: Path | None = None, *, lock: Path | None = None, errors: str | None = None
) -> Iterator[Transaction]:
    """Hold the ledger's lock (or `lock`, a folder inside it), load the plan at `root` and refuse it
    when it has errors; the block edits and calls `write` once. A block that writes nothing leaves
    the cache as the load found it."""
    root = absolute(root)
    if not root.is_dir():
        raise Refused(_f("the data folder {folder} does not exist", folder=display_path(root)), usage=True)
    refuse_bundled(root)
    with locked(lock if lock is not None else lock_folder(root)):
        loaded = load_snapshot(root, cache, save=False)  # saved once, after the write (settle)
        found = [d for d in loaded.diagnostics if d.severity == "error"]
        if found:
            raise Refused(
                errors or _("the ledger has errors; fix them first (gkledger check lists them)"),
                diagnostics=found,
            )
        tx = Transaction(root, cache, loaded)
        yield tx
        if not tx.done:
            settle(root, cache, {})  # nothing written: the load's index is saved as it is
