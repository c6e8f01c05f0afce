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
from gkledger.datafiles import FileStat, Listing, list_files, read_bytes

if TYPE_CHECKING:
    from gkledger.diagnostics import Diagnostic
    from gkledger.model import Ledger, Record

MAGIC = b"gkledger-cache-5"  # bump when the layout or pickled types change
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


RACY_NS = 2_000_000_000  # a file changed this close to the cache's writing is hashed again


def _changed_at(signature: FileStat) -> int:
    """When the file last changed, as far as its times tell: the later of mtime and ctime, since
    `touch -d` can set mtime back but not ctime (git's racy-index rule)."""
    return max(signature[1], signature[2])


def _fingerprint(
    listing: Listing, known: dict[str, tuple[FileStat, bytes]], written_ns: int
) -> tuple[dict[str, tuple[FileStat, bytes]], dict[Path, bytes], list[bytes]]:
    """What the key is made of, file by file, and the bytes of the files that had to be read.

    As git does with its index, a file whose size, times and inode match those recorded with the
    cache keeps its recorded digest, unless it changed within RACY_NS of the cache being written
    (when a same-size edit could hide inside one timestamp); every other file goes through the
    read stage and is hashed. A file that cannot be read enters the key as its diagnostic, so the
    cache answers for it exactly as the loader would.
    """
    files: dict[str, tuple[FileStat, bytes]] = {}
    contents: dict[Path, bytes] = {}
    parts = [repr(problem).encode("utf-8", "surrogateescape") for problem in listing.problems]
    for file in listing.files:
        signature = file.signature
        recorded = known.get(file.name)
        readable = True
        if (
            signature is not None
            and recorded is not None
            and recorded[0] == signature
            and _changed_at(signature) < written_ns - RACY_NS
        ):
            digest = recorded[1]
        else:
            data = read_bytes(file)
            if isinstance(data, bytes):
                contents[file.path] = data
                digest = hashlib.blake2b(data, digest_size=16).digest()
            else:
                readable = False
                digest = repr(data).encode("utf-8", "surrogateescape")
        if signature is not None and readable:
            files[file.name] = (signature, digest)
        digest = (b"+" if readable else b"!") + digest
        parts.append(file.name.encode("utf-8", "surrogateescape") + b"\0" + digest)
    return files, contents, parts


def _code_digest() -> bytes:
    """The installed code itself, so that a fix without a version bump is not answered by results
    of the code before it: every module and template of the package, hashed once per process."""
    global _CODE
    if _CODE is None:
        package = Path(__file__).resolve().parent
        digest = hashlib.blake2b(__version__.encode(), digest_size=16)
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".j2") and path.is_file():
                digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
        _CODE = digest.digest()
    return _CODE


_CODE: bytes | None = None


def _key(root: Path, parts: list[bytes]) -> bytes:
    """The cache key: gkledger's code, the ledger folder, and each data file's digest or problem."""
    key = hashlib.blake2b(digest_size=DIGEST)
    key.update(_code_digest())
    key.update(str(root.resolve()).encode("utf-8", "surrogateescape") + b"\0")
    for part in parts:
        key.update(len(part).to_bytes(8, "little") + part)
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
    place = str(root.resolve()).encode("utf-8", "surrogateescape")
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


def _build(root: Path, preread: dict[Path, bytes] | None) -> tuple[Snapshot, dict[str, str]]:
    from gkledger.load import load
    from gkledger.status import owners_of
    from gkledger.units import UnitIndex

    loaded = load(root, preread=preread)
    index = UnitIndex(loaded.ledger.units, loaded.ledger.groups)
    return Snapshot(loaded.ledger, loaded.diagnostics, owners_of(loaded.ledger, index)), index.names


def load_snapshot(root: Path, home: Path | None) -> Snapshot:
    """The ledger in `root`, from the cache in `home` when it is current, else loaded (and cached).

    Both ways start from the same read stage (`datafiles`): the cache memoises only what comes
    after it, so it cannot answer differently from a fresh load."""
    if home is None:
        return _build(root, None)[0]
    listing = list_files(root)
    root = listing.root
    path = _slot(home, root)
    slot = _open(path)
    files, contents, parts = _fingerprint(listing, slot.files if slot else {}, slot.written_ns if slot else 0)
    key = _key(root, parts)
    if slot is not None and slot.key == key:
        cached = _unpack(slot)
        if cached is not None:
            if contents:  # files that stat could not vouch for matched: record their signatures now
                with contextlib.suppress(OSError):
                    _write(path, key, files, slot.payload)
            return cached
    if len(contents) < len(files):  # build from bytes all read now, and key what was built by them
        files, contents, parts = _fingerprint(listing, {}, 0)
        key = _key(root, parts)
    snapshot, names = _build(root, contents)
    with contextlib.suppress(OSError):  # no cache this time; the answer is the same
        _store(path, key, files, snapshot, names)
    return snapshot
