"""A cache of the loaded, checked ledger, so that a command typed fifty times a day parses no YAML
when nothing has changed (beancount's pickle cache is the model).

The key is the gkledger version, the working folder (diagnostics show paths relative to it), the
ledger folder and the bytes of every data file, hashed with BLAKE2b; the value is the loaded ledger,
its diagnostics and every task's resolved owners. It lives in the user's cache folder
(`$GKLEDGER_CACHE_DIR`, else `$XDG_CACHE_HOME/gkledger`, else `~/.cache/gkledger`), never in the
ledger. Unpickling can run code, so a cache file is read only when it and its folder belong to the
user and nobody else can write to them; a truncated, corrupt or stale file fails its checksum or key
and is rebuilt, and writes are atomic, so concurrent commands at worst both rebuild.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import pickle
import stat
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from gkledger import __version__
from gkledger.locate import PROGRESS_DIR, TASKS_FILE, UNITS_FILE

if TYPE_CHECKING:
    from gkledger.diagnostics import Diagnostic
    from gkledger.model import Ledger, Record

MAGIC = b"gkledger-cache-4"  # bump when the layout or pickled types change
DIGEST = 32


@dataclass(frozen=True)
class Snapshot:
    """A loaded ledger with its diagnostics and each task's owners (see `status.Obligations`)."""

    ledger: Ledger
    diagnostics: list[Diagnostic]
    owners: dict[str, tuple[str, ...]]
    from_cache: bool = False


def cache_home(environ: dict[str, str] | os._Environ[str]) -> Path | None:
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


def _data_names(root: Path) -> list[str]:
    """The data files' paths below the root, as the loader lists them (os.scandir: 2,000 progress
    files cost a millisecond this way, several through pathlib)."""
    names = [UNITS_FILE, TASKS_FILE]
    try:
        with os.scandir(root / PROGRESS_DIR) as entries:
            listed = [
                e.name for e in entries if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(".")
            ]
    except (FileNotFoundError, NotADirectoryError):
        listed = []
    return names + [f"{PROGRESS_DIR}/{name}" for name in sorted(listed)]


class _Unplain(Exception):
    """A data file that is a link or cannot be read: the loader, not the cache, must answer."""


FileStat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
RACY_NS = 2_000_000_000  # a file changed this close to the cache's writing is hashed again


def _stats(root: Path, names: list[str]) -> dict[str, FileStat]:
    """The stat signature of every data file that exists, by its path below the root."""
    found: dict[str, FileStat] = {}
    base = str(root)
    for name in names:
        try:
            info = os.lstat(f"{base}/{name}")
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise _Unplain from exc
        if not stat.S_ISREG(info.st_mode):
            raise _Unplain
        found[name] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return found


def _digests(
    root: Path, stats: dict[str, FileStat], known: dict[str, tuple[FileStat, bytes]], written_ns: int
) -> tuple[dict[str, bytes], dict[Path, bytes]]:
    """Each file's content digest, and the bytes of the files that had to be read for it.

    As git does with its index, a file whose size, times and inode match those recorded with the
    cache keeps its recorded digest, unless it changed within RACY_NS of the cache being written
    (when a same-size edit could hide inside one timestamp); every other file is read and hashed.
    """
    digests: dict[str, bytes] = {}
    contents: dict[Path, bytes] = {}
    for name, signature in stats.items():
        recorded = known.get(name)
        if recorded is not None and recorded[0] == signature and signature[1] < written_ns - RACY_NS:
            digests[name] = recorded[1]
            continue
        path = root / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _Unplain from exc
        contents[path] = data
        digests[name] = hashlib.blake2b(data, digest_size=16).digest()
    return digests, contents


def _key(root: Path, digests: dict[str, bytes]) -> bytes:
    """The cache key: gkledger's version, where it runs, and the content of every data file."""
    key = hashlib.blake2b(digest_size=DIGEST)
    for part in (__version__, os.getcwd(), str(root.resolve())):
        key.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for name, digest in digests.items():
        key.update(name.encode("utf-8", "surrogateescape") + b"\0" + digest)
    return key.digest()


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
    place = f"{root.resolve()}\0{os.getcwd()}".encode("utf-8", "surrogateescape")
    return home / f"{hashlib.blake2b(place, digest_size=12).hexdigest()}.pickle"


class LazyRecords(Sequence["Record"]):
    """A ledger's records as the cache keeps them: pickled per unit, unpickled when first needed.

    One unit's view reads only that unit's records (`for_unit`); anything that walks them all gets
    every record, in file order, exactly as the loader produced them.
    """

    def __init__(self, blobs: dict[str, bytes], count: int) -> None:
        self._blobs = blobs  # canonical unit name ("" for names that match no unit) -> pickled records
        self._count = count
        self._all: list[Record] | None = None

    def for_unit(self, name: str) -> list[Record]:
        blob = self._blobs.get(name)
        return [record for _, record in _unpickled(blob)] if blob else []

    def _materialise(self) -> list[Record]:
        if self._all is None:
            numbered = [item for blob in self._blobs.values() for item in _unpickled(blob)]
            numbered.sort(key=lambda item: item[0])
            self._all = [record for _, record in numbered]
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


def _unpickled(blob: bytes) -> list[tuple[int, Record]]:
    with _no_gc():
        items: list[tuple[int, Record]] = pickle.loads(blob)
    return items


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


@dataclass(frozen=True)
class _Slot:
    """A cache file whose checksum holds: its key, the files' signatures, and the pickled ledger."""

    key: bytes
    files: dict[str, tuple[FileStat, bytes]]
    written_ns: int
    payload: bytes | memoryview


def _checksum(body: bytes | memoryview) -> bytes:
    """Catches a truncated or damaged file (trust comes from ownership, checked first): CRC-32
    reads the 6.5 MB cache of a province-sized ledger in about 1 ms, BLAKE2b in 7."""
    return zlib.crc32(body).to_bytes(4, "little").ljust(DIGEST, b"\0")


def _open(path: Path) -> _Slot | None:
    if not (_trusted(path.parent) and _trusted(path)):
        return None
    try:
        data = path.read_bytes()
        written_ns = path.stat().st_mtime_ns
    except OSError:
        return None
    head = len(MAGIC) + DIGEST + 8
    if len(data) < head or not data.startswith(MAGIC):
        return None
    checksum = data[len(MAGIC) : len(MAGIC) + DIGEST]
    body = memoryview(data)[len(MAGIC) + DIGEST :]  # views, not copies: the file may be megabytes
    if _checksum(body) != checksum:
        return None
    size = int.from_bytes(body[:8], "little")
    try:
        key, files = pickle.loads(body[8 : 8 + size])
    except Exception:  # a file that passed its checksum but not unpickling: rebuild
        return None
    return _Slot(key, files, written_ns, body[8 + size :])


def _unpack(slot: _Slot) -> Snapshot | None:
    try:
        with _no_gc():
            ledger, diagnostics, owners, blobs, count = pickle.loads(slot.payload)
        ledger = dataclasses.replace(ledger, records=LazyRecords(blobs, count))
    except Exception:  # a file that passed its checksum but not unpickling: rebuild
        return None
    return Snapshot(ledger, diagnostics, owners, from_cache=True)


def _store(
    path: Path,
    key: bytes,
    files: dict[str, tuple[FileStat, bytes]],
    snapshot: Snapshot,
    unit_of: dict[str, str],
) -> None:
    ledger = snapshot.ledger
    grouped: dict[str, list[tuple[int, Record]]] = {}
    for position, record in enumerate(ledger.records):
        grouped.setdefault(unit_of.get(record.unit.strip(), ""), []).append((position, record))
    blobs = {name: pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL) for name, items in grouped.items()}
    core = dataclasses.replace(ledger, records=())
    payload = pickle.dumps(
        (core, snapshot.diagnostics, snapshot.owners, blobs, len(ledger.records)),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    _write(path, key, files, payload)


def _write(
    path: Path, key: bytes, files: dict[str, tuple[FileStat, bytes]], payload: bytes | memoryview
) -> None:
    from gkledger.atomic import write_atomic

    index = pickle.dumps((key, files), protocol=pickle.HIGHEST_PROTOCOL)
    body = b"".join((len(index).to_bytes(8, "little"), index, payload))
    checksum = _checksum(body)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _trusted(path.parent):
        return  # a folder others can write to is no place for code we will load
    write_atomic(path, MAGIC + checksum + body, mode=0o600)


def _build(root: Path, contents: dict[Path, bytes] | None) -> tuple[Snapshot, dict[str, str]]:
    from gkledger.load import load
    from gkledger.status import owners_of
    from gkledger.units import UnitIndex

    loaded = load(root, overlay=contents)
    index = UnitIndex(loaded.ledger.units, loaded.ledger.groups)
    return Snapshot(loaded.ledger, loaded.diagnostics, owners_of(loaded.ledger, index)), index.names


def load_snapshot(root: Path, home: Path | None) -> Snapshot:
    """The ledger in `root`, from the cache in `home` when it is current, else loaded (and cached)."""
    if home is None or not root.is_dir():
        return _build(root, None)[0]
    path = _slot(home, root)
    slot = _open(path)
    try:
        stats = _stats(root, _data_names(root))
        digests, contents = _digests(root, stats, slot.files if slot else {}, slot.written_ns if slot else 0)
    except _Unplain:
        return _build(root, None)[0]
    key = _key(root, digests)
    if slot is not None and slot.key == key:
        cached = _unpack(slot)
        if cached is not None:
            if contents:  # files that stat could not vouch for matched: record their signatures now
                files = {name: (stats[name], digests[name]) for name in stats}
                with contextlib.suppress(OSError):
                    _write(path, key, files, slot.payload)
            return cached
    try:
        for name in stats:  # the loader gets every file's bytes, also those the digests did not need
            if root / name not in contents:
                contents[root / name] = (root / name).read_bytes()
    except OSError:
        return _build(root, None)[0]
    snapshot, names = _build(root, contents)
    files = {name: (stats[name], digests[name]) for name in stats}
    with contextlib.suppress(OSError):  # no cache this time; the answer is the same
        _store(path, key, files, snapshot, names)
    return snapshot
