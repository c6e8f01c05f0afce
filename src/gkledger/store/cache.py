"""A cache of the loaded, checked ledger, one entry per file, as git's index keeps one per path: a
command typed fifty times a day parses no YAML when nothing changed, and after an edit parses only
the files that changed (beancount's pickle cache is the model for the rest).

Every run starts from the read stage (`datafiles`), exactly as a fresh load does. Each data file's
entry holds its stat signature, the BLAKE2b of its bytes, and what loading it gave: for units.yaml
and tasks.yaml together the core (plan, tasks, units, their diagnostics, every task's owners); for
each progress file its records, its diagnostics (reading, shape and each record's own checks) and
a small key per record for the checks across files. A file whose signature matches, outside the
racy window, keeps its digest; a file whose digest matches keeps its entry; any other is read and
parsed again. When the core changes, every file's own checks run again on its cached records.
The checks across files (GK404, GK408) run whenever anything changed: on each file's pairs (a
number per record) and units, and on the keys only when a (task, unit) pair repeats.

The key of the whole is gkledger's installed code and the ledger folder. It lives in the user's
cache folder (`$GKLEDGER_CACHE_DIR`, else `$XDG_CACHE_HOME/gkledger`, else `~/.cache/gkledger`), never
in the ledger. Unpickling can run code, so a cache file is read only when it and its folder belong
to the user and nobody else can write them; a truncated or damaged file fails its checksum and is
rebuilt, and writes are atomic, so concurrent commands at worst both rebuild.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import stat
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, SupportsIndex, overload

from gkledger import __version__, i18n
from gkledger.store.cache_file import dump, load
from gkledger.store.files import (
    MAX_RECORDS,
    DataFile,
    FileStat,
    Listing,
    absolute,
    blake2b,
    list_files,
    read_bytes,
    with_overlay,
)
from gkledger.store.locate import PROGRESS_DIR, has_decisions

if TYPE_CHECKING:
    from gkledger.core.diagnostics import Diagnostic
    from gkledger.core.model import Core, Decision, Ledger, Record
    from gkledger.core.status import Obligations
    from gkledger.core.units import UnitIndex

RACY_NS = 2_000_000_000  # a file changed this close to the cache's writing is hashed again
Overlay = dict[Path, bytes]
Blob = bytes | memoryview  # a pickle kept in the cache; loaded, a slice of the cache file


class Snapshot(NamedTuple):
    """A loaded ledger with its diagnostics and each task's owners (see `status.Obligations`)."""

    ledger: Ledger
    diagnostics: list[Diagnostic]
    owners: dict[str, tuple[str, ...]]
    from_cache: bool = False
    parsed: int = 0  # how many files were parsed this time (the rest came from the cache)
    unit_index: UnitIndex | None = None  # the units' index the load built, owners known
    decisions: tuple[Decision, ...] = ()  # the office's (office/*.yaml), read fresh on every load

    def obligations(self) -> Obligations:
        """The ledger's obligations, with the owners and the units' index this load resolved, and
        the office's decisions on them."""
        from gkledger.core.status import Obligations

        plain = Obligations(self.ledger, self.unit_index, self.owners)
        if not self.decisions:
            return plain
        from gkledger.store.decisions import reviews_of

        return Obligations(self.ledger, self.unit_index, self.owners, reviews_of(list(self.decisions), plain))


class Usable(NamedTuple):
    """What a view can show of a ledger with errors: the ledger without the records of the progress
    files that have errors (`left_out`, their paths), or nothing when an error lies elsewhere
    (`fatal`: units.yaml, tasks.yaml, the office's files)."""

    ledger: Ledger
    left_out: tuple[str, ...]
    fatal: list[Diagnostic]


def usable(snapshot: Snapshot, root: Path) -> Usable:
    ledger = snapshot.ledger
    errors = [d for d in snapshot.diagnostics if d.severity == "error"]
    progress = os.path.join(os.path.abspath(root), PROGRESS_DIR) + os.sep
    broken = {d.source.path for d in errors}
    if not all(path.startswith(progress) for path in broken):
        return Usable(ledger, (), errors)
    if not broken:
        return Usable(ledger, (), [])
    kept = tuple(r for r in ledger.records if r.source.path not in broken)
    return Usable(ledger._replace(records=kept), tuple(sorted(broken)), [])


def cache_home(environ: Mapping[str, str]) -> Path | None:
    """Where cache files go, or None when caching is off ($GKLEDGER_NO_CACHE) or impossible."""
    if environ.get("GKLEDGER_NO_CACHE", "") not in ("", "0"):
        return None
    if not hasattr(os, "getuid"):  # no file ownership to check (Windows): do without
        return None
    explicit = environ.get("GKLEDGER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gkledger"


def _changed_at(signature: FileStat) -> int:
    """When the file last changed, as far as its times tell: the later of mtime and ctime, since
    `touch -d` can set mtime back but not ctime (git's racy-index rule)."""
    return max(signature[1], signature[2])


def _code_digest() -> bytes:
    """The installed code, so that a fix without a version bump is not answered by results of the
    code before it (`code_key` of the package), worked out once per process."""
    global _CODE
    if _CODE is None:
        _CODE = code_key(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    return _CODE


def code_key(package: str) -> bytes:
    """The version and each module's, template's and catalog's path and stat signature (size,
    mtime, ctime, inode). Python itself reuses a module's bytecode while the source keeps its size
    and mtime (in seconds), so this key changes whenever the code that runs does, and more often:
    an edit cannot keep a file's ctime. The files are stat'ed, never read."""
    found: list[tuple[str, FileStat]] = []
    for folder, folders, files in os.walk(package):
        folders[:] = [name for name in folders if name != "__pycache__"]  # bytecode follows the source
        for name in files:
            if name.endswith((".py", ".j2", ".mo")):
                path = os.path.join(folder, name)
                info = os.stat(path)
                signature = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                found.append((os.path.relpath(path, package), signature))
    return blake2b(repr((__version__, sorted(found))).encode(), digest_size=16).digest()


_CODE: bytes | None = None


def _trusted(path: Path) -> bool:
    """Owned by this user, not a link, and writable by nobody else."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (
        not stat.S_ISLNK(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _slot(home: Path, root: Path) -> Path:
    """One cache file per ledger folder and language (diagnostics are kept in the words shown)."""
    place = f"{root.resolve()}\0{i18n.current()}".encode("utf-8", "surrogateescape")
    return home / f"{blake2b(place, digest_size=12).hexdigest()}.pickle"


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """As in load(): many small objects and no cycles, which the collector would only rescan."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------


@dataclass
class FileEntry:
    """One progress file as loading it gave, under its signature and digest."""

    signature: FileStat | None
    digest: bytes
    core: bytes  # the core's digest its checks were made against
    count: int  # records
    problems: tuple[Diagnostic, ...]  # reading and shape, which only the bytes decide
    own: tuple[Diagnostic, ...]  # each record's own checks, which the core decides too
    units: tuple[str, ...]  # canonical units with records here
    keys: Blob  # pickled list[Key], for the checks across files when a (task, unit) pair repeats
    pairs: bytes  # checks.pairs_of the keys: enough for the checks across files otherwise
    records: Blob  # pickled list[Record]

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        """Its two large blobs out of band (see `_write`): loaded, they are slices of the cache
        file read, not copies of them (a million records' cache is 140 MB)."""
        return FileEntry, (
            self.signature,
            self.digest,
            self.core,
            self.count,
            self.problems,
            self.own,
            self.units,
            pickle.PickleBuffer(self.keys),
            self.pairs,
            pickle.PickleBuffer(self.records),
        )


class CacheIndex(NamedTuple):
    """The whole cache of a ledger: its entries for the code that made them. Its file entries
    are updated in place when only their signatures change (`FileEntry` is mutable)."""

    code: bytes
    root: str
    core_files: tuple[tuple[FileStat | None, bytes], tuple[FileStat | None, bytes]]
    core_digest: bytes
    core: bytes  # pickled (Core, owners)
    files: dict[str, FileEntry]
    across: tuple[Diagnostic, ...]  # the checks across files, for the files as they are


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


# What this process read or wrote.
_OPENED: dict[Path, tuple[tuple[int, int, int], tuple[CacheIndex, int]]] = {}
# An index this process built and has not written yet (a command that writes the ledger saves it
# once, after its write: see `settle`), with the time its listing was taken, which stands in for
# the time of writing in the racy rule.
_BUILT: dict[Path, tuple[CacheIndex, int]] = {}


def _open(path: Path) -> tuple[CacheIndex, int] | None:
    """The cache file's index and when it was written, if it is ours, whole and of this code; or
    the index this process built since, not yet written."""
    built = _BUILT.get(path)
    if built is not None and built[0].code == _code_digest():
        return built
    if not (_trusted(path.parent) and _trusted(path)):
        return None
    with contextlib.suppress(OSError):
        info = path.stat()
        seen = _OPENED.get(path)
        same = seen is not None and seen[0] == (info.st_mtime_ns, info.st_size, info.st_ino)
        if seen is not None and same and seen[1][0].code == _code_digest():
            return seen[1]  # `done` loads twice: the second time, the index this process has
    try:
        data = path.read_bytes()
        written_ns = path.stat().st_mtime_ns
    except OSError:
        return None
    with _no_gc():
        index = load(data)
    if not isinstance(index, CacheIndex) or index.code != _code_digest():
        return None
    with contextlib.suppress(OSError):
        info = path.stat()
        _OPENED[path] = ((info.st_mtime_ns, info.st_size, info.st_ino), (index, written_ns))
    return index, written_ns


def _write(path: Path, index: CacheIndex) -> None:
    """MAGIC, the checksum of the rest, the table of lengths, then the index's pickle and each blob
    it keeps out of band (protocol 5): the blobs are written from where they are, and loading
    makes them slices of the file read, so a million records' cache (140 MB) is never held twice.
    The checksum is summed as the file is written and put in the header after."""
    from gkledger.store.atomic import write_atomic_stream

    def write(handle: BinaryIO) -> None:
        dump(index, handle)

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _trusted(path.parent):
        return  # a folder others can write to is no place for code we will load
    write_atomic_stream(path, write, mode=0o600)
    with contextlib.suppress(OSError):
        info = path.stat()
        _OPENED[path] = ((info.st_mtime_ns, info.st_size, info.st_ino), (index, info.st_mtime_ns))


# ---------------------------------------------------------------------------------------------
# Records kept per file, unpickled when first needed
# ---------------------------------------------------------------------------------------------


class LazyRecords(Sequence["Record"]):
    """A ledger's records as the cache keeps them: pickled per file, unpickled when first needed.

    One unit's view reads only the files holding that unit's records (`for_unit`); anything that
    walks them all gets every record, in file order, exactly as the loader produced them.
    """

    def __init__(self, files: list[tuple[tuple[str, ...], Blob]], count: int, names: dict[str, str]) -> None:
        self._files = files  # (canonical units with records there, pickled records), in file order
        self._count = count
        self._names = names  # every spelling of a unit -> its canonical name
        self._all: list[Record] | None = None
        self._where: dict[str, list[int]] | None = None  # canonical unit -> its files' numbers
        self._open: dict[int, list[Record]] = {}

    def _file(self, number: int) -> list[Record]:
        if number not in self._open:
            self._open[number] = _unpickled(self._files[number][1])
        return self._open[number]

    def for_unit(self, name: str) -> list[Record]:
        if self._where is None:
            self._where = {}
            for number, (units, _) in enumerate(self._files):
                for unit in units:
                    self._where.setdefault(unit, []).append(number)
        found: list[Record] = []
        for number in self._where.get(name, ()):
            found.extend(r for r in self._file(number) if self._names.get(r.unit.strip()) == name)
        return found

    def passing(self) -> Iterator[Record]:
        """Every record, in file order, each file's unpickled as it is reached and let go after,
        unless already kept: one walk over a million records holds one file's at a time."""
        if self._all is not None:
            yield from self._all
            return
        for number in range(len(self._files)):
            kept = self._open.get(number)
            yield from kept if kept is not None else _unpickled(self._files[number][1])

    def _materialise(self) -> list[Record]:
        if self._all is None:
            with _no_gc():
                self._all = [record for number in range(len(self._files)) for record in self._file(number)]
        return self._all

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        return self._materialise()[index]

    def __iter__(self) -> Iterator[Record]:
        return iter(self._materialise())


def _unpickled(blob: Blob) -> list[Record]:
    with _no_gc():
        records: list[Record] = pickle.loads(blob)
    return records


# ---------------------------------------------------------------------------------------------
# Loading through the cache
# ---------------------------------------------------------------------------------------------


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class _Reader:
    """The bytes and digest of each file, trusting recorded signatures outside the racy window."""

    def __init__(self, overlay: Overlay, written_ns: int) -> None:
        self.overlay = {str(path): data for path, data in overlay.items()}  # by location
        self.written_ns = written_ns
        self.read: dict[str, bytes | Diagnostic] = {}

    def overlaid(self, file: DataFile) -> bool:
        return file.location in self.overlay

    def trusted(self, file: DataFile, signature: FileStat | None) -> bool:
        return (
            file.signature is not None
            and signature == file.signature
            and not self.overlaid(file)
            and _changed_at(file.signature) < self.written_ns - RACY_NS
        )

    def data(self, file: DataFile) -> bytes | Diagnostic:
        if self.overlaid(file):
            return self.overlay[file.location]
        if file.location not in self.read:
            self.read[file.location] = read_bytes(file)
        return self.read[file.location]

    def digest(self, file: DataFile) -> bytes | None:
        data = self.data(file)
        return _digest(data) if isinstance(data, bytes) else None

    def forget(self, file: DataFile) -> None:
        """Let a file's bytes go once it is hashed and parsed: a first load of a million records
        would otherwise hold all 142 MB of their YAML to the end."""
        self.read.pop(file.location, None)


def load_snapshot(
    root: Path, home: Path | None, overlay: Overlay | None = None, save: bool = True
) -> Snapshot:
    """The ledger in `root`, from the cache in `home` where its entries are current, else loaded
    (and cached). `overlay` gives new bytes for some files, to check a change before it is
    written: those files are parsed, the rest come from the cache. With `save` false the cache
    file is not written: the index is kept for this process, for the next load and for `settle`
    (a command that writes the ledger loads it, checks its change, writes, then saves once)."""
    if home is None:
        return _fresh(root, overlay)
    with _no_gc():
        snapshot = _through_cache(root, home, overlay or {}, save)
    # The office's decisions are read fresh on both paths (`store.load.with_decisions`); a ledger
    # without an office folder imports nothing more (the parser stays unloaded on a warm run).
    if not has_decisions(root, overlay):
        return snapshot
    from gkledger.store.load import Loaded, with_decisions

    decided = with_decisions(
        Loaded(snapshot.ledger, snapshot.diagnostics, snapshot.unit_index), root, overlay
    )
    return snapshot._replace(decisions=decided.decisions, diagnostics=decided.diagnostics)


def settle(root: Path, home: Path | None, written: Overlay) -> None:
    """After `written` (path -> bytes, checked through `load_snapshot(..., overlay, save=False)`)
    is on disk: the index of that check, with each written file's entry under its signature now,
    becomes the cache file. The next command parses nothing and writes no cache. A file changed
    again by someone else since is still caught: it changed within the racy window of this write,
    so the next run reads it and compares digests."""
    if home is None:
        return
    path = _slot(home, absolute(root))
    built = _BUILT.pop(path, None)
    if built is None:
        return
    index = built[0]
    folder = Path(index.root)
    for file, data in written.items():
        name = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else None
        entry = index.files.get(name) if name is not None else None
        if entry is None or entry.digest != _digest(data):
            continue  # not a progress file of this ledger's index: its next load reads it
        try:
            info = os.lstat(file)
        except OSError:
            continue
        entry.signature = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    with contextlib.suppress(OSError):
        _write(path, index)


def _fresh(root: Path, overlay: Overlay | None) -> Snapshot:
    from gkledger.core.status import owners_of
    from gkledger.core.units import UnitIndex
    from gkledger.store.load import load

    loaded = load(root, overlay=overlay)
    # The index the load's checks resolved the selectors with: owners are then not resolved again.
    index = loaded.unit_index or UnitIndex(loaded.ledger.units, loaded.ledger.groups)
    return Snapshot(
        loaded.ledger,
        loaded.diagnostics,
        owners_of(loaded.ledger, index),
        unit_index=index,
        decisions=loaded.decisions,
    )


def _through_cache(root: Path, home: Path, overlay: Overlay, save: bool = True) -> Snapshot:
    listed_ns = time.time_ns()  # before the listing: the racy rule's "written" for an index kept unsaved
    listing: Listing = list_files(root)
    root = listing.root
    if not listing.files:
        return _fresh(root, overlay)
    path = _slot(home, root)
    opened = _open(path)
    old: CacheIndex | None = opened[0] if opened and opened[0].root == str(root) else None
    reader = _Reader(overlay, opened[1] if opened else 0)
    units_file, tasks_file = listing.files[:2]
    changed = False  # anything the answer depends on
    resigned = False  # only signatures to record anew
    parsed = 0

    # The core: units.yaml and tasks.yaml together.
    core_files = []
    for number, file in enumerate((units_file, tasks_file)):
        recorded = old.core_files[number] if old else (None, b"")
        if reader.trusted(file, recorded[0]):
            core_files.append((file.signature, recorded[1]))
        else:
            core_files.append(
                (file.signature if not reader.overlaid(file) else None, reader.digest(file) or b"")
            )
    core_digest = _digest(
        b"".join(d for _, d in core_files)
        + b"|"
        + b"".join(repr(f.problem).encode() for f in (units_file, tasks_file))
    )
    if old is not None and old.core_digest == core_digest and all(core_files[i][1] for i in range(2)):
        core, owners, unit_index = _core_of(old)
        resigned = resigned or [f for f, _ in core_files] != [f for f, _ in old.core_files]
    else:
        from gkledger.core.status import owners_of
        from gkledger.store.load import read_core  # parsing: the YAML stack is imported only now

        core, resolved = read_core(units_file, reader.data(units_file), tasks_file, reader.data(tasks_file))
        owners = owners_of(core.ledger(root, ()), resolved)
        unit_index = _indexed(core, owners)
        changed = True
        parsed += 2
    bare = core.ledger(root, ())

    # Each progress file.
    files: dict[str, FileEntry] = {}
    read_problems: list[Diagnostic] = []
    total = 0
    for file in with_overlay(listing, overlay):
        entry = old.files.get(file.name) if old else None
        if file.problem is not None and not reader.overlaid(file):
            read_problems.append(file.problem)
            changed = changed or entry is not None
            continue
        found: bytes | None
        if entry is not None and reader.trusted(file, entry.signature):
            found = entry.digest
        else:
            found = reader.digest(file)
        if found is None:  # the read stage refused it after all (a race, or an overlay of nothing)
            data = reader.data(file)
            assert not isinstance(data, bytes)
            read_problems.append(data)
            continue
        digest = found
        if entry is not None and entry.digest == digest:
            if entry.core != core_digest:
                entry = _recheck(entry, bare, unit_index, core_digest)
                changed = True
            if file.signature != entry.signature and not reader.overlaid(file):
                entry.signature = file.signature
                resigned = True
        else:
            from gkledger.store.load import read_progress

            records, problems = read_progress(file, reader.data(file))
            entry = _entry(file.signature, digest, core_digest, records, problems, bare, unit_index)
            changed = True
            parsed += 1
        if reader.overlaid(file):
            entry.signature = None  # not on disk yet: never trusted by signature
        files[file.name] = entry
        total += entry.count
        reader.forget(file)
    if total > MAX_RECORDS:
        return _fresh(root, overlay)  # what the loader cuts off, and how, is the loader's to say
    if old is not None and set(old.files) != set(files):
        changed = True

    # The checks across files.
    if changed or old is None:
        from gkledger.store import checks

        def keys() -> list[checks.Key]:
            found: list[checks.Key] = []
            for entry in files.values():
                found.extend(pickle.loads(entry.keys))
            return found

        pairs = (entry.pairs for entry in files.values())
        units = (unit for entry in files.values() for unit in entry.units)
        across = tuple(checks.across_files(bare, unit_index, pairs, units, keys))
    else:
        across = old.across

    diagnostics = [
        *listing.problems,
        *read_problems,
        *core.diagnostics,
        *(d for entry in files.values() for d in (*entry.problems, *entry.own)),
        *across,
    ]
    diagnostics.sort(key=lambda d: d.sort_key())
    lazy = LazyRecords([(e.units, e.records) for e in files.values()], total, unit_index.names)
    ledger = core.ledger(root, lazy)
    if changed or resigned or old is None:  # with an overlay too: its entries are keyed by digest
        index = CacheIndex(
            _code_digest(),
            str(root),
            (core_files[0], core_files[1]),
            core_digest,
            old.core if old is not None and old.core_digest == core_digest else _dumps((core, owners)),
            files,
            across,
        )
        if save:
            _BUILT.pop(path, None)
            with contextlib.suppress(OSError):  # no cache this time; the answer is the same
                _write(path, index)
        else:
            _BUILT[path] = (index, listed_ns)
    from_cache = not changed and old is not None
    return Snapshot(ledger, diagnostics, owners, from_cache=from_cache, parsed=parsed, unit_index=unit_index)


def _core_of(index: CacheIndex) -> tuple[Core, dict[str, tuple[str, ...]], UnitIndex]:
    """The index's core and owners, unpickled, with the units' index built on them: once per
    process for the same pickled core (`done` loads the ledger, then the ledger with its change)."""
    global _CORE
    if _CORE is None or _CORE[0] is not index.core:  # the blob itself, held here: its id is its own
        core, owners = pickle.loads(index.core)
        _CORE = (index.core, core, owners, _indexed(core, owners))
    return _CORE[1], _CORE[2], _CORE[3]


_CORE: tuple[bytes, Core, dict[str, tuple[str, ...]], UnitIndex] | None = None


def _indexed(core: Core, owners: dict[str, tuple[str, ...]]) -> UnitIndex:
    """The units' index of a core, each task's owners known (resolved once, with the core)."""
    from gkledger.core.units import UnitIndex

    unit_index = UnitIndex(core.units, core.groups)
    tasks = {task.id: task for task in core.tasks}
    for task_id, names in owners.items():
        unit_index.know_owners(tasks[task_id].owed_by, names)
    return unit_index


def _entry(
    signature: FileStat | None,
    digest: bytes,
    core_digest: bytes,
    records: list[Record],
    problems: Sequence[Diagnostic],
    bare: Ledger,
    unit_index: UnitIndex,
    pickled: Blob | None = None,
) -> FileEntry:
    """A progress file's entry: its records' own checks and keys, made against the core."""
    from gkledger.store import checks

    keys = checks.record_keys(bare, unit_index, records)
    return FileEntry(
        signature=signature,
        digest=digest,
        core=core_digest,
        count=len(records),
        problems=tuple(problems),
        own=tuple(checks.of_records(bare, unit_index, records)),
        units=tuple(dict.fromkeys(key[1] for key in keys)),
        keys=_dumps(keys),
        pairs=checks.pairs_of(bare, unit_index, keys),
        records=pickled if pickled is not None else _dumps(records),
    )


def _recheck(entry: FileEntry, bare: Ledger, unit_index: UnitIndex, core_digest: bytes) -> FileEntry:
    """A file whose bytes are as cached, under a new core: its records' own checks run again."""
    records = _unpickled(entry.records)
    return _entry(
        entry.signature, entry.digest, core_digest, records, entry.problems, bare, unit_index, entry.records
    )
