"""Where a ledger's files are: finding the data folder, listing its files, showing their paths.

Kept apart from loading so that commands served from the cache never import the YAML stack.
"""

from __future__ import annotations

import os
from pathlib import Path

TASKS_FILE = "tasks.yaml"
UNITS_FILE = "units.yaml"
PROGRESS_DIR = "progress"

# First lines that point editors (yaml-language-server) at the JSON Schemas under schema/.
TASKS_MODELINE = "# yaml-language-server: $schema=../schema/tasks.schema.json\n"
UNITS_MODELINE = "# yaml-language-server: $schema=../schema/units.schema.json\n"
PROGRESS_MODELINE = "# yaml-language-server: $schema=../../schema/progress.schema.json\n"


def display_path(path: Path) -> str:
    """A path as users should see it in diagnostics: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def progress_files(root: Path) -> list[Path]:
    folder = root / PROGRESS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def bundled_ledger() -> Path:
    """The 2021 ledger shipped inside the package (or, in a source checkout, the repo's data/)."""
    package = Path(__file__).resolve().parent
    shipped = package / "ledger"
    if (shipped / TASKS_FILE).is_file():
        return shipped
    return package.parents[1] / "data"


def find_data_dir(explicit: Path | None, env: str | None, cwd: Path) -> Path:
    """--data, else $GKLEDGER_DATA, else ./data or the nearest parent's data/ with tasks.yaml,
    else the bundled ledger."""
    if explicit is not None:
        return explicit
    if env:
        return Path(env)
    for folder in (cwd, *cwd.parents):
        candidate = folder / "data"
        if (candidate / TASKS_FILE).is_file():
            return candidate
    return bundled_ledger()
