"""A cache of the loaded, checked ledger, one entry per file, as git's index keeps one per path: a
command typed fifty times a day parses no YAML when nothing changed, and after an edit parses only
the files that changed (beancount's pickle cache is the model for the rest).

Every run is the loader's own pipeline (`store.stages.run`), with each stage answered from the
cache where its file's bytes are as cached (`_Memo`): nothing is loaded in an order of its own.
The run starts from the read stage (`store.files`), exactly as a fresh load does. Each data file's
entry holds its stat signature, the BLAKE2b of its bytes, and what loading it gave: for units.yaml
and tasks.yaml together the core (plan, tasks, units, their diagnostics, every task's owing units); for
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
from gkledger.store.files import DataFile, FileStat, absolute, blake2b, read_bytes
from gkledger.store.stages import (
    Contents,
    Loaded,
    Overlay,
    Part,
    Resolved,
    Stages,
    no_gc,
    own_checks,
    run,
)

if TYPE_CHECKING:
    from gkledger.core.diagnostics import Diagnostic
    from gkledger.core.model import Core, Ledger, Record
    from gkledger.core.units import UnitIndex

RACY_NS = 2_000_000_000  # a file changed this close to the cache's writing is hashed again
Blob = bytes | memoryview  # a pickle kept in the cache; loaded, a slice of the cache file


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
    core: bytes  # pickled (Core, owing)
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
    with no_gc():
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
            with no_gc():
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
    with no_gc():
        records: list[Record] = pickle.loads(blob)
    return records


# ---------------------------------------------------------------------------------------------
# Loading through the cache
# ---------------------------------------------------------------------------------------------


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class _Memo(Stages):
    """The loader's stages, each answered from the cache's entry when its file's bytes are as
    cached (by signature outside the racy window, else by digest), else done as `Stages` does them
    and kept. What changed, what was parsed and the new entries are noted for `index`."""

    def __init__(self, overlay: Overlay, written_ns: int, old: CacheIndex | None = None) -> None:
        super().__init__(overlay)
        self.written_ns = written_ns
        self.old = old
        self.read: dict[str, Contents] = {}
        self.changed = False  # anything the answer depends on
        self.resigned = False  # only signatures to record anew
        self.parsed = 0
        self.core_files: tuple[tuple[FileStat | None, bytes], ...] = ()
        self.core_digest = b""
        self.resolved: Resolved | None = None
        self.core_blob: bytes | None = None  # the cached core's pickle, when it is the same
        self.files: dict[str, FileEntry] = {}
        self.across_found: tuple[Diagnostic, ...] | None = None

    def trusted(self, file: DataFile, signature: FileStat | None) -> bool:
        return (
            file.signature is not None
            and signature == file.signature
            and not self.overlaid(file)
            and _changed_at(file.signature) < self.written_ns - RACY_NS
        )

    def contents(self, file: DataFile) -> Contents:
        if self.overlaid(file):
            return super().contents(file)
        if file.location not in self.read:
            self.read[file.location] = read_bytes(file)
        return self.read[file.location]

    def digest(self, file: DataFile) -> bytes | None:
        data = self.contents(file)
        return _digest(data) if isinstance(data, bytes) else None

    def forget(self, file: DataFile) -> None:
        """Let a file's bytes go once it is hashed and parsed: a first load of a million records
        would otherwise hold all 142 MB of their YAML to the end."""
        self.read.pop(file.location, None)

    def core(self, root: Path, units_file: DataFile, tasks_file: DataFile) -> Resolved:
        """units.yaml and tasks.yaml together: one entry, kept while both digests are."""
        old = self.old
        core_files = []
        for number, file in enumerate((units_file, tasks_file)):
            recorded = old.core_files[number] if old else (None, b"")
            if self.trusted(file, recorded[0]):
                core_files.append((file.signature, recorded[1]))
            else:
                signature = file.signature if not self.overlaid(file) else None
                core_files.append((signature, self.digest(file) or b""))
        self.core_files = tuple(core_files)
        self.core_digest = _digest(
            b"".join(d for _, d in core_files)
            + b"|"
            + b"".join(repr(f.problem).encode() for f in (units_file, tasks_file))
        )
        if old is not None and old.core_digest == self.core_digest and all(d for _, d in core_files):
            self.resigned = self.resigned or [f for f, _ in core_files] != [f for f, _ in old.core_files]
            self.core_blob = old.core
            self.resolved = _core_of(old)
        else:
            self.resolved = super().core(root, units_file, tasks_file)
            self.changed = True
            self.parsed += 2
        return self.resolved

    def part(self, file: DataFile, bare: Ledger, index: UnitIndex) -> Part:
        """A progress file: its entry when its bytes are as cached (its own checks made again when
        the core is not), else parsed and checked."""
        entry = self.old.files.get(file.name) if self.old else None
        if file.problem is not None and not self.overlaid(file):
            self.changed = self.changed or entry is not None
            return Part((), (file.problem,), ())
        if entry is not None and self.trusted(file, entry.signature):
            digest = entry.digest
        else:
            found = self.digest(file)
            if found is None:  # the read stage refused it after all (a race, or an overlay of nothing)
                data = self.contents(file)
                assert not isinstance(data, bytes)
                return Part((), (data,), ())
            digest = found
        if entry is not None and entry.digest == digest:
            if entry.core != self.core_digest:
                entry = _recheck(entry, bare, index, self.core_digest)
                self.changed = True
            if file.signature != entry.signature and not self.overlaid(file):
                entry.signature = file.signature
                self.resigned = True
            part = Part(
                LazyRecords([(entry.units, entry.records)], entry.count, index.names),
                entry.problems,
                entry.own,
            )
        else:
            part = super().part(file, bare, index)
            entry = _entry(file.signature, digest, self.core_digest, part, bare, index)
            self.changed = True
            self.parsed += 1
        if self.overlaid(file):
            entry.signature = None  # not on disk yet: never trusted by signature
        self.files[file.name] = entry
        self.forget(file)
        return part

    def records(self, parts: list[Part]) -> Sequence[Record]:
        """The records as the entries keep them, unpickled file by file when first needed."""
        assert self.resolved is not None
        count = sum(entry.count for entry in self.files.values())
        kept = [(entry.units, entry.records) for entry in self.files.values()]
        return LazyRecords(kept, count, self.resolved.unit_index.names)

    def across(self, bare: Ledger, index: UnitIndex, records: Sequence[Record]) -> list[Diagnostic]:
        """From each entry's pairs and units when anything changed, else as cached."""
        old = self.old
        if old is not None and set(old.files) != set(self.files):
            self.changed = True
        if self.changed or old is None:
            from gkledger.store import checks

            def keys() -> list[checks.Key]:
                found: list[checks.Key] = []
                for entry in self.files.values():
                    found.extend(pickle.loads(entry.keys))
                return found

            pairs = (entry.pairs for entry in self.files.values())
            units = (unit for entry in self.files.values() for unit in entry.units)
            self.across_found = tuple(checks.across_files(bare, index, pairs, units, keys))
        else:
            self.across_found = old.across
        return list(self.across_found)

    def index(self, root: Path) -> CacheIndex | None:
        """The cache's new index when anything is to be recorded; None when nothing is, or when
        the load did not go through every stage (no files, or cut at the record limit)."""
        if self.across_found is None or self.resolved is None:
            return None
        if not (self.changed or self.resigned or self.old is None):
            return None
        core = self.core_blob or _dumps((self.resolved.core, self.resolved.owing))
        units_entry, tasks_entry = self.core_files
        return CacheIndex(
            _code_digest(),
            str(root),
            (units_entry, tasks_entry),
            self.core_digest,
            core,
            self.files,
            self.across_found,
        )


def load_snapshot(root: Path, home: Path | None, overlay: Overlay | None = None, save: bool = True) -> Loaded:
    """The ledger in `root`, from the cache in `home` where its entries are current, else loaded
    (and cached): `store.stages.run` with each stage answered from the cache where it can be.
    `overlay` gives new bytes for some files, to check a change before it is written: those files
    are parsed, the rest come from the cache. With `save` false the cache file is not written: the
    index is kept for this process, for the next load and for `settle` (a command that writes the
    ledger loads it, checks its change, writes, then saves once)."""
    if home is None:
        return run(root, Stages(overlay))
    listed_ns = time.time_ns()  # before the listing: the racy rule's "written" for an index kept unsaved
    folder = absolute(root)
    path = _slot(home, folder)
    opened = _open(path)
    old = opened[0] if opened and opened[0].root == str(folder) else None
    memo = _Memo(overlay or {}, opened[1] if opened else 0, old)
    loaded = run(root, memo)
    index = memo.index(folder)
    if index is not None:
        if save:
            _BUILT.pop(path, None)
            with contextlib.suppress(OSError):  # no cache this time; the answer is the same
                _write(path, index)
        else:
            _BUILT[path] = (index, listed_ns)
    return loaded._replace(from_cache=not memo.changed and old is not None, parsed=memo.parsed)


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


def _core_of(index: CacheIndex) -> Resolved:
    """The index's core and owing units, unpickled, with the units' index built on them: once per
    process for the same pickled core (`done` loads the ledger, then the ledger with its change)."""
    global _CORE
    if _CORE is None or _CORE[0] is not index.core:  # the blob itself, held here: its id is its own
        core, owing = pickle.loads(index.core)
        _CORE = (index.core, core, owing, _indexed(core, owing))
    return Resolved(_CORE[1], _CORE[3], _CORE[2])


_CORE: tuple[bytes, Core, dict[str, tuple[str, ...]], UnitIndex] | None = None


def _indexed(core: Core, owing: dict[str, tuple[str, ...]]) -> UnitIndex:
    """The units' index of a core, each task's owing units known (resolved once, with the core)."""
    from gkledger.core.units import UnitIndex

    unit_index = UnitIndex(core.units, core.groups)
    tasks = {task.id: task for task in core.tasks}
    for task_id, names in owing.items():
        unit_index.know_members(tasks[task_id].owed_by, names)
    return unit_index


def _entry(
    signature: FileStat | None,
    digest: bytes,
    core_digest: bytes,
    part: Part,
    bare: Ledger,
    unit_index: UnitIndex,
    pickled: Blob | None = None,
) -> FileEntry:
    """A progress file's entry: what its stage gave, with its records' keys for the checks across
    files, made against the core."""
    from gkledger.store import checks

    keys = checks.record_keys(bare, unit_index, part.records)
    return FileEntry(
        signature=signature,
        digest=digest,
        core=core_digest,
        count=len(part.records),
        problems=part.problems,
        own=part.own,
        units=tuple(dict.fromkeys(key[1] for key in keys)),
        keys=_dumps(keys),
        pairs=checks.pairs_of(bare, unit_index, keys),
        records=pickled if pickled is not None else _dumps(list(part.records)),
    )


def _recheck(entry: FileEntry, bare: Ledger, unit_index: UnitIndex, core_digest: bytes) -> FileEntry:
    """A file whose bytes are as cached, under a new core: its records' own checks run again."""
    records = _unpickled(entry.records)
    part = Part(records, entry.problems, own_checks(bare, unit_index, records))
    return _entry(entry.signature, entry.digest, core_digest, part, bare, unit_index, entry.records)
