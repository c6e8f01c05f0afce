"""The package reads as its pipeline: a folder per stage, small files, thin commands, and each
third-party library at home in one place (the layers themselves: the import contract in
pyproject.toml, run by lint-imports in CI)."""

from __future__ import annotations

import ast
import string
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gkledger"
STAGES = {"core", "store", "views", "writes", "intake", "history", "render", "cli"}

# Where each library may be imported (module paths below src/gkledger). One home, or one per stage
# that needs it: a workbook is read in intake and written in render.
HOMES = {
    "yaml": {"store/yaml_source.py"},
    "rich": {"render/console.py", "render/layout.py", "render/outcomes.py"},
    "typer": {"cli/"},
    "dateutil": {"core/deadlines.py"},
    "chinese_calendar": {"core/workdays.py"},
    "openpyxl": {"intake/tables.py"},
    "xlsxwriter": {"render/workbook.py"},
    "docx": {"intake/tables.py", "render/docx.py"},
    "xlrd": {"intake/tables.py"},
    "lxml": {"intake/tables.py"},
    "jinja2": {"render/html.py"},
    "markupsafe": {"render/html.py"},
    "icalendar": {"render/ics.py"},
    "httpx": {"history/links.py"},
    "datasette": {"cli/browse.py"},
    "uvicorn": {"cli/browse.py"},
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def runtime_imports(tree: ast.Module) -> set[str]:
    """The top-level packages a module imports, leaving out what it imports for annotations only."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            skipped.update(id(child) for child in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_package_is_its_stages() -> None:
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top <= {"__init__.py", "__main__.py", "i18n.py"}
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == STAGES


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_file_is_over_700_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 700


def test_command_functions_are_short() -> None:
    """A command maps its options to a library call and a renderer: no function in cli/ over 60 lines."""
    long = []
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                if (node.end_lineno or 0) - start + 1 > 60:
                    long.append(f"{path.name}:{node.name}")
    assert long == []


def test_each_library_is_imported_only_at_its_home() -> None:
    standard = set(sys.stdlib_module_names) | {"gkledger", "_blake2", "__future__"}
    strays = []
    for path in modules():
        where = path.relative_to(PACKAGE).as_posix()
        for name in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))) - standard:
            homes = HOMES.get(name)
            if homes is None or not any(
                where == h or (h.endswith("/") and where.startswith(h)) for h in homes
            ):
                strays.append(f"{where} imports {name}")
    assert strays == []


def test_the_column_letters_are_excels() -> None:
    from gkledger.intake.tables import column_letter

    letters = [column_letter(n) for n in range(1, 18279)]
    assert letters[:26] == list(string.ascii_uppercase)
    assert (letters[26], letters[51], letters[52], letters[701], letters[702], letters[-1]) == (
        "AA", "AZ", "BA", "ZZ", "AAA", "ZZZ",
    )  # fmt: skip
    assert len(set(letters)) == len(letters)
