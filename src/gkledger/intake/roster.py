"""`gkledger units import`: an office's roster (名单) of units to units.yaml. Pure: cells in, text out.

A roster is a table with a header row (below title rows, if any) naming its columns in the words
offices use (COLUMNS lists them): 单位名称, 全称, 简称/别名 (several, separated by 、), 类别, 层级, 上级,
and optionally 标签 and 代码. Every unit needs a name, a kind and a level; names, full names and
aliases must each mean one unit, a name must be a safe file name (its progress file is named after
it), and a 上级 must be a unit of the roster. Problems are reported by roster row, all at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from gkledger.core.diagnostics import Diagnostic
from gkledger.i18n import _, _f, ngettext
from gkledger.intake.tables import HEADER_WORDS, Cell, Grid, TableError, read_file, read_table, text_of
from gkledger.store.files import DataFile
from gkledger.store.load import read_units_data
from gkledger.store.locate import UNITS_MODELINE, file_name_problem
from gkledger.store.yaml_source import Mapping, parse
from gkledger.store.yaml_text import flow_scalar, scalar

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "名称", "单位简称", "单位"),
    "full_name": ("全称", "单位全称", "正式名称"),
    "aliases": ("简称", "别名", "其他名称"),
    "kind": ("类别", "单位类别", "类型", "单位类型"),
    "level": ("层级", "级别", "行政级别"),
    "parent": ("上级", "上级单位", "主管单位", "所属单位"),
    "tags": ("标签", "职责标签", "角色"),
    "code": ("代码", "行政区划代码", "统一社会信用代码"),
}
_COLUMN_OF = {word: key for key, words in COLUMNS.items() for word in words}
_LIST = re.compile(r"[、,，;；/\n]+")


@dataclass
class RosterUnit:
    row: int  # 1-based row of the table
    name: str
    full_name: str
    aliases: list[str]
    kind: str
    level: str
    parent: str | None
    tags: list[str]
    code: str | None


@dataclass
class Roster:
    units: list[RosterUnit] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _text(cell: Cell) -> str:
    """A roster cell as text, full-width letters and digits made plain (ＡＢ１ → AB1)."""
    return unicodedata.normalize("NFKC", text_of(cell))


def _header(grid: Grid) -> tuple[int, dict[str, list[int]]]:
    for number, row in enumerate(grid.rows[:20]):
        columns: dict[str, list[int]] = {}
        for column, cell in enumerate(row):
            key = _COLUMN_OF.get(re.sub(r"\s+", "", _text(cell)))
            if key is not None:
                columns.setdefault(key, []).append(column)
        if "name" in columns and "kind" in columns:
            return number, columns
    raise TableError(_("no header row with 单位名称 (or 名称) and 类别 in the first 20 rows"))


def units_from_grid(grid: Grid) -> Roster:
    """The roster's units, and every problem with its row."""
    header, columns = _header(grid)
    roster = Roster()

    def cells(row: list[Cell], key: str) -> list[str]:
        return [_text(row[c]) for c in columns.get(key, ()) if c < len(row) and _text(row[c])]

    for number in range(header + 1, len(grid.rows)):
        row = grid.rows[number]
        if not any(_text(cell) for cell in row):
            continue
        first = cells(row, "name")
        unit = RosterUnit(
            row=number + 1,
            name=first[0] if first else "",
            full_name=(cells(row, "full_name") or first or [""])[0],
            aliases=[a for text in cells(row, "aliases") for a in _LIST.split(text) if a.strip()],
            kind=(cells(row, "kind") or [""])[0],
            level=(cells(row, "level") or [""])[0],
            parent=next(iter(cells(row, "parent")), None),
            tags=[t for text in cells(row, "tags") for t in _LIST.split(text) if t.strip()],
            code=next(iter(cells(row, "code")), None),
        )
        roster.units.append(unit)
    _check(roster)
    return roster


def _check(roster: Roster) -> None:
    owner: dict[str, tuple[str, int]] = {}  # every name, full name and alias -> its unit and row
    for unit in roster.units:
        for field_name, label in (("name", "单位名称"), ("kind", "类别"), ("level", "层级")):
            if not getattr(unit, field_name):
                roster.problems.append((unit.row, _f("{column} is empty", column=label)))
        if unit.name:
            problem = file_name_problem(unit.name)
            if problem:
                roster.problems.append(
                    (
                        unit.row,
                        _f(
                            "单位名称 '{name}' cannot name its progress file: {problem}",
                            name=unit.name,
                            problem=problem,
                        ),
                    )
                )
        for name in dict.fromkeys([unit.name, unit.full_name, *unit.aliases]):
            if not name:
                continue
            taken = owner.get(name)
            if taken is not None and taken[1] != unit.row:
                roster.problems.append(
                    (
                        unit.row,
                        _f(
                            "'{name}' already names {unit} (row {row}); a name means one unit",
                            name=name,
                            unit=taken[0],
                            row=taken[1],
                        ),
                    )
                )
            else:
                owner[name] = (unit.name, unit.row)
    for unit in roster.units:
        if unit.parent and unit.parent not in owner:
            roster.problems.append(
                (unit.row, _f("上级 '{parent}' is not a unit of the roster", parent=unit.parent))
            )
        elif unit.parent and owner[unit.parent][1] == unit.row:
            roster.problems.append((unit.row, _("a unit cannot be its own 上级")))


def to_yaml(roster: Roster, source_name: str, kept: str = "") -> str:
    """units.yaml text: `kept` is the maintainers, groups and words of the file it replaces,
    verbatim; then one unit per roster row, in roster order."""
    lines = [
        UNITS_MODELINE.rstrip("\n"),
        f"# 承担任务的单位，由 gkledger 从 {source_name} 导入。",
        "# 通知中按职能指称的单位（财政、政务公开主管 …）可加 tags；通知对一组单位的特定说法",
        "# （如“各有关单位”指哪些单位）写在 words: 下（见 gkledger 的 README，“Owners phrases”一节）。",
        "",
    ]
    if kept.strip():
        lines.extend([kept.rstrip("\n"), ""])
    lines.append("units:")
    names = {name: u.name for u in roster.units for name in (u.name, u.full_name, *u.aliases)}
    for unit in roster.units:
        parent = names.get(unit.parent) if unit.parent else None
        lines.append(f"  - name: {scalar(unit.name)}")
        lines.append(f"    full_name: {scalar(unit.full_name)}")
        aliases = [a for a in dict.fromkeys(unit.aliases) if a not in (unit.name, unit.full_name)]
        if aliases:
            lines.append("    aliases: [" + ", ".join(flow_scalar(a) for a in aliases) + "]")
        lines.append(f"    kind: {scalar(unit.kind)}")
        lines.append(f"    level: {scalar(unit.level)}")
        if parent is not None:
            lines.append(f"    parent: {scalar(parent)}")
        if unit.tags:
            lines.append("    tags: [" + ", ".join(flow_scalar(t) for t in dict.fromkeys(unit.tags)) + "]")
        if unit.code:
            lines.append(f"    code: {scalar(unit.code)}")
    return "\n".join(lines) + "\n"


class RosterRefused(Exception):
    """The roster cannot become a units.yaml; nothing should be written. `rows` are the roster's
    own problems (row, message); `diagnostics` those of the units.yaml it would make."""

    def __init__(
        self,
        message: str,
        rows: list[tuple[int, str]] | None = None,
        diagnostics: list[Diagnostic] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.rows = rows or []
        self.diagnostics = diagnostics or []


@dataclass(frozen=True)
class RosterText:
    text: str  # the units.yaml
    count: int  # units
    how: str  # how the file was read, or ""


def roster_units_yaml(roster: Path, replacing: Path | None) -> RosterText:
    """units.yaml text from a roster file, checked as the loader checks units.yaml and read back;
    the maintainers, groups and words of `replacing` (an existing units.yaml) kept verbatim. Raises
    TableError for a file that is no table, RosterRefused for one that cannot be a units.yaml."""
    grid, how = read_table(roster, read_file(roster), ("单位名称", "名称", "类别", *HEADER_WORDS))
    found = units_from_grid(grid)
    if found.problems:
        count = len(found.problems)
        raise RosterRefused(
            ngettext(
                "{count} problem in the roster; nothing was written",
                "{count} problems in the roster; nothing was written",
                count,
            ).format(count=count),
            rows=list(found.problems),
        )
    kept = kept_units_sections(replacing) if replacing is not None and replacing.exists() else ""
    text = to_yaml(found, roster.name, kept)
    shown = replacing or Path("units.yaml")
    core, _index = read_units_data(DataFile("units.yaml", str(shown), True), text.encode("utf-8"))
    errors = [d for d in core.diagnostics if d.severity == "error"]
    if errors:
        raise RosterRefused(
            _("the units.yaml written from the roster would not check; nothing was written"),
            diagnostics=errors,
        )
    if [u.name for u in core.units] != [u.name for u in found.units]:
        raise RosterRefused(
            _("the units.yaml written would not read back as the roster; nothing was written")
        )
    return RosterText(text, len(found.units), how or "")


def kept_units_sections(path: Path) -> str:
    """The maintainers, groups and words of an existing units.yaml, verbatim, to keep them when
    its units are replaced from a roster."""
    data = path.read_bytes()
    value, problems = parse(str(path), data)
    if problems or not isinstance(value, Mapping):
        raise RosterRefused(
            _f(
                "{file} cannot be read, so its groups and words cannot be kept; fix it or move it away",
                file=path,
            )
        )
    lines = data.decode("utf-8-sig").splitlines(keepends=True)
    starts = sorted((key.line, name) for name, (key, _) in value.entries.items())
    kept = []
    for number, (line, name) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines) + 1
        if name in ("maintainers", "groups", "words"):
            kept.append("".join(lines[line - 1 : end - 1]))
    return "".join(kept)
