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
from gkledger.cli.session import EXIT_PROBLEMS, _fail, _obligations, _view_console, say
from gkledger.i18n import _f

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
            _write_output(output, text.encode("utf-8"), force=True, ledger_file=True)  # checked above
    say(_f("{count} units from {file}", count=count, file=roster), err=True)


def _roster_text(roster: Path, replacing: Path | None) -> tuple[str, int]:
    """units.yaml text from a roster (`intake.roster.roster_units_yaml`); every problem ends the
    command (exit 1) before anything is written."""
    from gkledger.intake.roster import RosterRefused, roster_units_yaml
    from gkledger.intake.tables import TableError
    from gkledger.render.diagnostics import as_text

    try:
        made = roster_units_yaml(roster, replacing)
    except TableError as exc:
        _fail(f"{roster}: {exc}")
    except ImportError as exc:
        _missing_extra(exc, "import")
    except RosterRefused as refused:
        for row, problem in refused.rows:
            say(f"{roster}:{row}: {problem}", err=True)
        if refused.diagnostics:
            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_PROBLEMS)
    if made.how:
        say(f"{roster}: {made.how}", err=True)
    return made.text, made.count
