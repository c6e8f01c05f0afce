"""Writing files so that a crash leaves the old file or the new one, never a mix; and a lock so
that concurrent writers take turns.

The new content goes to a temporary file in the same folder, is flushed to disk, then renamed
over the old file (a rename within one file system is atomic), and the folder itself is synced so
the rename survives a power cut. The lock is an advisory `flock` on the folder, held for the whole
read–validate–write cycle; where the platform has no `flock` (Windows), writes are not serialised.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from gkledger.i18n import _f

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class WriteRefused(OSError):
    """A write that would go where it must not: through a symbolic link, or over a read-only file."""


def writable_target(path: Path) -> int | None:
    """The permissions to keep for `path` (None when it does not exist yet); refuses a link or a
    read-only file, whose meaning a rename over it would silently undo."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused(_f("{file} is a symbolic link; gkledger does not write through links", file=path))
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(_f("{file} is not a regular file", file=path))
    if not info.st_mode & 0o222:
        raise WriteRefused(
            _f("{file} is read-only; make it writable (chmod u+w) if it should change", file=path)
        )
    return info.st_mode & 0o7777


def write_atomic(path: Path, data: bytes, mode: int | None = None, durable: bool = True) -> None:
    """Replace `path` with `data` atomically, keeping the old file's permissions (or `mode`), then
    read it back and compare. Never through a symbolic link, never over a read-only file.
    `durable=False` skips flushing to disk and reading back, for files that check themselves (the
    cache, whose checksum catches a torn file): still never half written, only maybe not kept."""
    commit({path: data}, mode, durable)


def write_atomic_stream(path: Path, write: Callable[[BinaryIO], None], mode: int | None = None) -> None:
    """Replace `path` atomically with what `write` writes to a file, for content too large to hold
    twice that checks itself (the cache of a million records, with its checksum): as
    `write_atomic(..., durable=False)`, never half written, neither flushed to disk nor read back."""
    _into_place(_stage(path, write, mode if mode is not None else writable_target(path), durable=False), path)


def write_atomic_pieces(
    path: Path, write: Callable[[Callable[[bytes], object]], object], mode: int | None = None
) -> int:
    """`write_atomic` for content made a piece at a time, too large to hold whole (a million
    records' CSV is 300 MB): `write` hands its pieces to the function it is given, and they go to
    the staged file as they come. Flushed to disk and renamed into place as `write_atomic` does,
    then read back a megabyte at a time and compared, by length and BLAKE2 digest, with what was
    written. Returns the number of bytes written."""
    from hashlib import blake2b

    written = blake2b()
    size = 0

    def staged(handle: BinaryIO) -> None:
        def piece(data: bytes) -> None:
            nonlocal size
            written.update(data)
            size += len(data)
            handle.write(data)

        write(piece)

    _into_place(_stage(path, staged, mode if mode is not None else writable_target(path)), path)
    _sync_folder(path.parent)
    back, read = blake2b(), 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            back.update(chunk)
            read += len(chunk)
    if read != size or back.digest() != written.digest():
        raise OSError(_f("{file} does not read back as written", file=path))
    return size


def _into_place(temp_name: str, path: Path) -> None:
    """A staged file renamed over `path`; if the rename fails, the staged file is removed."""
    try:
        os.replace(temp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)


def commit(changes: dict[Path, bytes], mode: int | None = None, durable: bool = True) -> None:
    """Write several files all or nothing, as far as a file system allows: every new content is
    staged and flushed beside its file first, then each is renamed into place; if a rename fails,
    the files already replaced get their old bytes back. Each file is read back and compared."""
    staged: list[tuple[Path, str, bytes | bool]] = []
    try:
        several = len(changes) > 1  # only then can a failed rename leave others to put back
        for path, data in changes.items():
            kept = writable_target(path)
            # The old bytes to put back; False: there was no file; True: one file alone, whose
            # rename either happened whole or not at all, so there is nothing to put back.
            old: bytes | bool = (path.read_bytes() if several else True) if kept is not None else False
            staged.append((path, _stage(path, data, mode if mode is not None else kept, durable), old))
        done: list[tuple[Path, bytes | bool]] = []
        try:
            for path, temp_name, old in staged:
                os.replace(temp_name, path)
                done.append((path, old))
        except BaseException:
            for path, old in reversed(done):
                with contextlib.suppress(OSError):
                    if old is False:
                        os.unlink(path)
                    elif isinstance(old, bytes):
                        commit({path: old})
            raise
    finally:
        for _, temp_name, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
    if not durable:
        return
    for folder in {path.parent for path in changes}:
        _sync_folder(folder)
    for path, data in changes.items():
        if path.read_bytes() != data:
            raise OSError(_f("{file} does not read back as written", file=path))


def _stage(
    path: Path, data: bytes | Callable[[BinaryIO], None], mode: int | None, durable: bool = True
) -> str:
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                data(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp_name, mode if mode is not None else _default_mode())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return temp_name


def _default_mode() -> int:
    """What a plainly created file would get: 0o666 less the umask (mkstemp makes 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms that cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems without folder sync
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` for the duration of the block."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
