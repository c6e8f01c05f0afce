"""The read stage: a data folder to the list of its files, and each file to its bytes or to the
reason it cannot be read. Both the loader and the cache go through here, so a refusal made here
(a link out of the ledger, a FIFO, an unreadable folder, a file over the size limit) is made the
same way whether the answer is then computed or taken from the cache.

Listing never reads a file, it only `stat`s it: the cache decides from the signatures which files
it must read at all. Reading opens without blocking (a FIFO or a device is never waited on),
checks on the open file that it is a regular file within the size limit, and reads at most one
byte past the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

try:  # CPython's own BLAKE2: hashlib re-exports it only after loading OpenSSL, on every start
    from _blake2 import blake2b as blake2b  # the store's one BLAKE2 (cache, digests)
except ImportError:  # pragma: no cover - a Python without it
    from hashlib import blake2b as blake2b

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Source
from gkledger.i18n import _, _f
from gkledger.store.locate import PROGRESS_DIR, TASKS_FILE, UNITS_FILE, is_plan_folder, plan_folder_lookalikes

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_RECORDS = 1_000_000  # twenty times a province's ledger over several years

FileStat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


class DataFile(NamedTuple):
    """One data file: where it is, and either its stat signature or why it cannot be read."""

    name: str  # below the root, with '/': "units.yaml", "progress/回民区.yaml"
    location: str  # the root joined with the name, as text; the root is absolute and normalised
    required: bool
    signature: FileStat | None = None
    problem: Diagnostic | None = None

    @property
    def path(self) -> Path:
        """The location as a Path, made when asked for: listing keeps text."""
        return Path(self.location)


class Listing(NamedTuple):
    root: Path
    files: tuple[DataFile, ...]
    problems: tuple[Diagnostic, ...]  # about folders: the data folder itself, progress/


def absolute(root: Path) -> Path:
    """The data folder as an absolute path, links not resolved (paths are shown as given)."""
    return Path(os.path.abspath(root))


def _at_line_1(path: str | Path, code: str, message: str, hint: str | None = None) -> Diagnostic:
    # A problem with a whole file or folder is placed at its line 1, column 1, so that every
    # diagnostic reads path:line:column and editors and CI can point at it.
    return Diagnostic(Source(str(path), 1, 1), code, message, hint)


def _outside(path: Path, root: Path) -> bool:
    return not path.resolve().is_relative_to(root.resolve())


def examine(root: Path, name: str, required: bool) -> DataFile:
    """A listed file's signature, or its problem, from lstat/stat alone."""
    path = os.path.join(root, name)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if _outside(Path(path), root):
                return DataFile(
                    name,
                    path,
                    required,
                    problem=_at_line_1(
                        path,
                        "GK010",
                        _f(
                            "{name} is reached through a symbolic link to outside the data folder",
                            name=os.path.basename(path),
                        ),
                        _("copy the file into the ledger instead of linking to it"),
                    ),
                )
            info = os.stat(path)
    except FileNotFoundError:
        problem = None
        if required:
            problem = _at_line_1(
                path,
                "GK001",
                _f("{name} is missing from the data folder", name=os.path.basename(path)),
                _("run gkledger in a ledger repository, or point --data at its data folder"),
            )
        return DataFile(name, path, required, problem=problem)
    except OSError as exc:
        return DataFile(name, path, required, problem=_unreadable(path, exc))
    problem = _shape_problem(path, info)
    if problem is not None:
        return DataFile(name, path, required, problem=problem)
    return DataFile(name, path, required, (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))


def _unreadable(path: str, exc: OSError) -> Diagnostic:
    return _at_line_1(
        path,
        "GK002",
        _f("cannot read {name}: {error}", name=os.path.basename(path), error=exc.strerror or exc),
    )


def _shape_problem(path: str, info: os.stat_result) -> Diagnostic | None:
    if stat.S_ISREG(info.st_mode):  # what every listed file is: one test, then done
        return _too_large(path, info.st_size) if info.st_size > MAX_FILE_BYTES else None
    name = os.path.basename(path)
    if stat.S_ISDIR(info.st_mode):
        return _at_line_1(path, "GK002", _f("{name} is a folder, not a file", name=name))
    return _at_line_1(
        path,
        "GK002",
        _f("{name} is not a regular file (a pipe, socket or device); it was not read", name=name),
        _("a data file must be an ordinary file"),
    )


def _too_large(path: str, size: int) -> Diagnostic:
    return _at_line_1(
        path,
        "GK007",
        _f("the file is {size:,} bytes or more; the limit is {limit:,}", size=size, limit=MAX_FILE_BYTES),
        _("split it (one progress file per unit)"),
    )


def list_files(root: Path) -> Listing:
    """Every data file of the ledger in `root`: units.yaml, tasks.yaml, then progress/*.yaml in
    name order. Hidden files and other suffixes are not data files."""
    root = absolute(root)
    if not root.is_dir():
        missing = _at_line_1(
            root,
            "GK001",
            _("the data folder does not exist") if not root.exists() else _("the data path is not a folder"),
            _("point --data at the folder holding tasks.yaml and units.yaml"),
        )
        return Listing(root, (), (missing,))
    if is_plan_folder(root) and root.is_symlink() and _outside(root, root.parent):
        linked = _at_line_1(
            root,
            "GK010",
            _f(
                "the plan folder {name} is a symbolic link to outside the data folder; it was not read",
                name=root.name,
            ),
            _("keep every plan's folder inside the ledger"),
        )
        return Listing(root, (), (linked,))
    lookalikes = [
        _at_line_1(
            folder / name,
            "GK011",
            _f(
                "{name} reads as a year but is not four ASCII digits, so it is not read as a plan",
                name=repr(name),
            ),
            _("name a plan's folder by its year in ASCII digits: 2021/"),
        )
        for folder in ((root.parent,) if is_plan_folder(root) else (root,))
        for name in plan_folder_lookalikes(folder)
    ]
    units = examine(root, UNITS_FILE, True)
    if units.problem is not None and units.problem.code == "GK001" and is_plan_folder(root):
        units = examine(root.parent, UNITS_FILE, True)  # a plan of several shares the data folder's
    files = [units, examine(root, TASKS_FILE, True)]
    folder = root / PROGRESS_DIR
    problems: list[Diagnostic] = lookalikes
    if folder.is_symlink() and _outside(folder, root):
        problems.append(
            _at_line_1(
                folder,
                "GK010",
                _("progress/ is a symbolic link to outside the data folder; its files were not read"),
                _("keep the progress files inside the ledger"),
            )
        )
        return Listing(root, tuple(files), tuple(problems))
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                e.name for e in entries if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(".")
            )
    except (FileNotFoundError, NotADirectoryError):
        names = []
    except OSError as exc:
        problems.append(
            _at_line_1(
                folder,
                "GK002",
                _f("cannot list progress/: {error}; no progress record was read", error=exc.strerror or exc),
                _("give the folder read and execute permission (chmod u+rx)"),
            )
        )
        names = []
    files.extend(examine(root, f"{PROGRESS_DIR}/{name}", False) for name in names)
    return Listing(root, tuple(files), tuple(problems))


def read_bytes(file: DataFile) -> bytes | Diagnostic:
    """The file's bytes, or why they cannot be had. Never blocks on a special file and never
    reads more than one byte past the size limit."""
    if file.problem is not None:
        return file.problem
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file.location, flags)
    except FileNotFoundError:  # removed since it was listed: as if it had not been there
        if file.required:
            return _at_line_1(
                file.location,
                "GK001",
                _f("{name} is missing from the data folder", name=os.path.basename(file.location)),
            )
        return b""
    except OSError as exc:
        return _unreadable(file.location, exc)
    try:
        info = os.fstat(fd)
        problem = _shape_problem(file.location, info)
        if problem is not None:
            return problem
        chunks = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        return _unreadable(file.location, exc)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        return _too_large(file.location, len(data))
    return data


def with_overlay(listing: Listing, overlay: dict[Path, bytes] | None) -> list[DataFile]:
    """The progress files, with those an overlay adds (a new unit's first record) in name order."""
    progress = list(listing.files[2:])
    if overlay:
        listed = {f.location for f in progress}
        folder = listing.root / PROGRESS_DIR
        progress += [
            DataFile(f"{PROGRESS_DIR}/{p.name}", str(p), False, (0, 0, 0, 0))
            for p in sorted(overlay)
            if p.parent == folder and str(p) not in listed
        ]
        progress.sort(key=lambda f: f.name)
    return progress


def content_digest(root: Path) -> str:
    """A digest of everything the loader reads at `root`: each data file's name and bytes (or why
    it cannot be read), and the problems of its folders. Equal digests: equal ledgers (a roll-up
    keeps a ledger's rows while its digest stays the same)."""
    listing = list_files(root)
    digest = blake2b(digest_size=16)
    for problem in listing.problems:
        digest.update(f"{problem.code}\0{problem.source.path}\0".encode())
    for file in listing.files:
        data = read_bytes(file)
        body = data if isinstance(data, bytes) else f"{data.code}\0{data.message}".encode()
        digest.update(f"{file.name}\0{len(body)}\0".encode("utf-8", "surrogateescape"))
        digest.update(body)
    return digest.hexdigest()
