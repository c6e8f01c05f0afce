"""`gkledger units` and `units import`: the roster, listed or read from a table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from gkledger.cli.options import DataFormat, DataOption
from gkledger.cli.output import _missing_extra, _refuse_bundled, _write_output
from gkledger.cli.parsing import _Command, _Group
from gkledger.cli.session import EXIT_PROBLEMS, _fail, _obligations, _view_console
from gkledger.i18n import _, _f, ngettext

units_app = typer.Typer(
    cls=_Group,
    help="The units that owe the tasks: list them, or write units.yaml from an office's roster.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@units_app.callback(invoke_without_command=True)
def units(
    ctx: typer.Context,
    fmt: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    data: DataOption = None,
) -> None:
    """List the units, with their full names, aliases, kinds and tags.

    Example: gkledger units --format json;  gkledger units import 名单.xlsx -o data/units.yaml
    """
    if ctx.invoked_subcommand is not None:
        return
    ledger = _obligations(ctx, data).ledger
    if fmt is DataFormat.json:
        from gkledger.render.records import to_json, unit_record

        sys.stdout.write(to_json([unit_record(u) for u in ledger.units]))
        return
    from gkledger.render.console import units_table

    units_table(_view_console(ctx, ledger), ledger.units)


@units_app.command(name="import", cls=_Command)
def units_import(
    roster: Annotated[
        Path,
        typer.Argument(
            help="A roster as .xlsx, .xls, .csv, .docx or .html: 单位名称, 全称, 简称, 类别, 层级, 上级.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write units.yaml. Default: print it.", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing units.yaml (its maintainers, groups and words are kept)."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the roster and print the summary; write nothing.")
    ] = False,
) -> None:
    """Write units.yaml from an office's roster of units, checked as units.yaml is.

    Names, full names and aliases (简称 or 别名, several separated by 、) must each mean one unit;
    every problem is listed with its roster row, and then nothing is written (exit 1).

    Example: gkledger units import 名单.xlsx -o data/units.yaml
    """
    text, count = _roster_text(roster, output if force else None)
    if output is not None and output.exists() and not force and not dry_run:
        _fail(
            _f(
                "{file} exists; use --force to replace it (its maintainers, groups and words are kept)",
                file=output,
            )
        )
    if not dry_run:
        if output is None:
            sys.stdout.write(text)
        else:
            _refuse_bundled(output)
            _write_output(output, text.encode("utf-8"))
    typer.echo(_f("{count} units from {file}", count=count, file=roster), err=True)


def _roster_text(roster: Path, replacing: Path | None) -> tuple[str, int]:
    """units.yaml text from a roster, checked as the loader checks units.yaml; every problem ends
    the command (exit 1) before anything is written."""
    from gkledger.intake.roster import to_yaml, units_from_grid
    from gkledger.intake.tables import HEADER_WORDS, TableError, read_file, read_table
    from gkledger.render.diagnostics import as_text
    from gkledger.store.files import DataFile
    from gkledger.store.load import read_units_data

    try:
        grid, how = read_table(roster, read_file(roster), ("单位名称", "名称", "类别", *HEADER_WORDS))
        found = units_from_grid(grid)
    except TableError as exc:
        _fail(f"{roster}: {exc}")
    except ImportError as exc:
        _missing_extra(exc, "import")
    if how:
        typer.echo(f"{roster}: {how}", err=True)
    for row, problem in found.problems:
        typer.echo(f"{roster}:{row}: {problem}", err=True)
    if found.problems:
        count = len(found.problems)
        _fail(
            ngettext(
                "{count} problem in the roster; nothing was written",
                "{count} problems in the roster; nothing was written",
                count,
            ).format(count=count),
            EXIT_PROBLEMS,
        )
    kept = _kept_units_sections(replacing) if replacing is not None and replacing.exists() else ""
    text = to_yaml(found, roster.name, kept)
    shown = replacing or Path("units.yaml")
    core, _index = read_units_data(DataFile("units.yaml", str(shown), True), text.encode("utf-8"))
    errors = [d for d in core.diagnostics if d.severity == "error"]
    if errors:
        sys.stderr.write(as_text(errors))
        _fail(_("the units.yaml written from the roster would not check; nothing was written"), EXIT_PROBLEMS)
    if [u.name for u in core.units] != [u.name for u in found.units]:
        _fail(
            _("the units.yaml written would not read back as the roster; nothing was written"), EXIT_PROBLEMS
        )
    return text, len(found.units)


def _kept_units_sections(path: Path) -> str:
    """The maintainers, groups and words of an existing units.yaml, verbatim, to keep them when
    its units are replaced from a roster."""
    from gkledger.store.yaml_source import Mapping, parse

    data = path.read_bytes()
    value, problems = parse(str(path), data)
    if problems or not isinstance(value, Mapping):
        _fail(
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
