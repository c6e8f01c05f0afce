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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from gkledger import __version__
from gkledger.locate import TASKS_FILE, UNITS_FILE, progress_files

if TYPE_CHECKING:
    from gkledger.diagnostics import Diagnostic
    from gkledger.model import Ledger, Record

MAGIC = b"gkledger-cache-2"  # bump when pickled types change shape
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


def _data_files(root: Path) -> list[Path]:
    return [root / UNITS_FILE, root / TASKS_FILE, *progress_files(root)]


def _read_all(files: list[Path]) -> dict[Path, bytes] | None:
    """Every file's bytes; None when one cannot be read plainly (the loader will say why)."""
    contents: dict[Path, bytes] = {}
    for path in files:
        try:
            if path.is_symlink():
                return None
            contents[path] = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError:
            return None
    return contents


def _key(root: Path, contents: dict[Path, bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=DIGEST)
    for part in (__version__, os.getcwd(), str(root.resolve())):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for path, data in contents.items():
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


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


def _fetch(path: Path, key: bytes) -> Snapshot | None:
    if not (_trusted(path.parent) and _trusted(path)):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 2 * DIGEST
    if len(data) < head or not data.startswith(MAGIC):
        return None
    stored_key = data[len(MAGIC) : len(MAGIC) + DIGEST]
    checksum = data[len(MAGIC) + DIGEST : head]
    payload = data[head:]
    if stored_key != key or hashlib.blake2b(payload, digest_size=DIGEST).digest() != checksum:
        return None
    try:
        with _no_gc():
            ledger, diagnostics, owners, blobs, count = pickle.loads(payload)
        ledger = dataclasses.replace(ledger, records=LazyRecords(blobs, count))
    except Exception:  # a file that passed its checksum but not unpickling: rebuild
        return None
    return Snapshot(ledger, diagnostics, owners, from_cache=True)


def _store(path: Path, key: bytes, snapshot: Snapshot, unit_of: dict[str, str]) -> None:
    from gkledger.atomic import write_atomic

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
    checksum = hashlib.blake2b(payload, digest_size=DIGEST).digest()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _trusted(path.parent):
        return  # a folder others can write to is no place for code we will load
    write_atomic(path, MAGIC + key + checksum + payload, mode=0o600)


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
    contents = _read_all(_data_files(root))
    if contents is None:
        return _build(root, None)[0]
    key = _key(root, contents)
    slot = _slot(home, root)
    cached = _fetch(slot, key)
    if cached is not None:
        return cached
    snapshot, names = _build(root, contents)
    with contextlib.suppress(OSError):  # no cache this time; the answer is the same
        _store(slot, key, snapshot, names)
    return snapshot
