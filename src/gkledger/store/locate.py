"""Where a ledger's files are: finding the data folder, listing its files, showing their paths.

Kept apart from loading so that commands served from the cache never import the YAML stack.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from gkledger.core.model import shown_path
from gkledger.i18n import _, _f

TASKS_FILE = "tasks.yaml"
UNITS_FILE = "units.yaml"
OFFICE_DIR = "office"  # the office's decisions (store.decisions), beside progress/
PROGRESS_DIR = "progress"

# First lines that point editors (yaml-language-server) at the JSON Schemas under schema/.
TASKS_MODELINE = "# yaml-language-server: $schema=../schema/tasks.schema.json\n"
UNITS_MODELINE = "# yaml-language-server: $schema=../schema/units.schema.json\n"
PROGRESS_MODELINE = "# yaml-language-server: $schema=../../schema/progress.schema.json\n"


def deeper(modeline: str) -> str:
    """A schema modeline for a file one folder further down (data/2022/ rather than data/)."""
    return modeline.replace("$schema=", "$schema=../", 1)


def display_path(path: Path) -> str:
    """A path as users should see it in diagnostics: relative to the working folder when inside it."""
    return shown_path(str(path))


_NOT_IN_FILE_NAMES = frozenset('/\\:*?"<>|')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)
MAX_NAME_BYTES = 200  # with ".yaml", within the 255 bytes that file systems allow for a name


def file_name_problem(name: str) -> str | None:
    """Why a unit's name cannot be the name of its progress file (one safe path part on every
    system the ledger may be checked out on), or None when it can."""
    if not name or name != name.strip():
        return _("it is empty or starts or ends with a space")
    if name.startswith("."):
        return _("it starts with '.', which hides the file (and '..' leaves the folder)")
    if name.endswith("."):
        return _("it ends with '.', which Windows drops from file names")
    bad = sorted({c for c in name if c in _NOT_IN_FILE_NAMES or not c.isprintable()})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        return _f("it holds {chars}, which a file name cannot (or must not) hold", chars=shown)
    if name.split(".")[0].upper() in _RESERVED:
        return _("it is a device name on Windows")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return _f("it is longer than {limit} bytes", limit=MAX_NAME_BYTES)
    return None


def progress_files(root: Path) -> list[Path]:
    folder = root / PROGRESS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def bundled_ledger() -> Path:
    """The 2021 ledger shipped inside the package (or, in a source checkout, the repo's data/)."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "ledger"
    if (shipped / TASKS_FILE).is_file():
        return shipped
    return package.parents[1] / "data"


def is_bundled(root: Path) -> bool:
    """Whether `root` is the example ledger that ships inside gkledger (never written to)."""
    return Path(os.path.abspath(root)).resolve() == bundled_ledger().resolve()


def find_data_dir(explicit: Path | None, env: str | None, cwd: Path) -> Path:
    """--data, else $GKLEDGER_DATA, else ./data or the nearest parent's data/ holding a plan
    (tasks.yaml, or plan folders 2021/, 2022/ …), else the bundled ledger."""
    if explicit is not None:
        return explicit
    if env:
        return Path(env)
    for folder in (cwd, *cwd.parents):
        candidate = folder / "data"
        if (candidate / TASKS_FILE).is_file() or plan_years(candidate):
            return candidate
    return bundled_ledger()


# Several plans in one repository: data/units.yaml shared, data/2021/tasks.yaml and progress/,
# data/2022/… (a plan folder may hold its own units.yaml to override the shared one).
_PLAN_FOLDER = re.compile(r"[0-9]{4}")  # four ASCII digits, the whole name (fullmatch)


def plan_years(data: Path) -> list[int]:
    """The plan years of a data folder laid out as one folder per plan, oldest first; empty for the
    one-plan layout (data/tasks.yaml)."""
    if (data / TASKS_FILE).is_file():
        return []
    try:
        with os.scandir(data) as entries:
            names = [e.name for e in entries if e.is_dir() and _PLAN_FOLDER.fullmatch(e.name)]
    except OSError:
        return []
    return sorted(int(name) for name in names if (data / name / TASKS_FILE).is_file())


def is_plan_folder(root: Path) -> bool:
    """A plan's folder in the several-plans layout: named for its year, inside a data folder."""
    return bool(_PLAN_FOLDER.fullmatch(root.name)) and (root.parent / UNITS_FILE).is_file()


def plan_folder_lookalikes(data: Path) -> list[str]:
    """Folders of `data` whose names read as a year but are not four ASCII digits (２０２１, a
    trailing space or line break): never read as plans, so each is reported."""
    try:
        with os.scandir(data) as entries:
            names = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    return sorted(
        name
        for name in names
        if not _PLAN_FOLDER.fullmatch(name)
        and _PLAN_FOLDER.fullmatch(unicodedata.normalize("NFKC", name).strip())
    )


def default_plan(years: list[int], today: dt.date) -> int:
    """The plan whose year holds today, else the latest before it, else the first."""
    if today.year in years:
        return today.year
    before = [year for year in years if year < today.year]
    return before[-1] if before else years[0]


def has_decisions(root: Path, overlay: Mapping[Path, bytes] | None = None) -> bool:
    """Whether there is an office folder to read (or an overlay writing into one): checked before
    anything else is imported, so a ledger without one loads as fast as before."""
    return (root / OFFICE_DIR).is_dir() or any(p.parent.name == OFFICE_DIR for p in overlay or {})
