"""`gkledger form` and `collect`: fill-in workbooks out and back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from gkledger.cli.options import (
    DataFormat,
    DataOption,
    ForceOption,
    ReplaceOption,
    SoonOption,
    TodayOption,
    UnitOption,
)
from gkledger.cli.output import _missing_extra, _write_output
from gkledger.cli.session import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    _cache_folder,
    _data_dir,
    _fail,
    _today,
    say,
    scope,
)
from gkledger.i18n import _, _f
from gkledger.views.query import (
    form_rows,
)

FormsForAllOption = Annotated[
    bool, typer.Option("--all", help="One form per unit that owes anything, into -o DIR.")
]
FormOutput = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="The .xlsx to write (with --unit; default <unit>-填报表.xlsx), or the folder (with --all).",
        show_default=False,
    ),
]
AllRowsOption = Annotated[
    bool, typer.Option("--all-rows", help="Also list what is done or waived (read-only rows).")
]


def form(
    ctx: typer.Context,
    unit: UnitOption = None,
    all_units: FormsForAllOption = False,
    output: FormOutput = None,
    force: ForceOption = False,
    all_rows: AllRowsOption = False,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Fill-in forms (填报表) for units that report in Excel: one .xlsx per unit, read back by collect.

    Each lists the unit's open obligations; only 完成日期, 佐证链接, 免办理由 and 说明 can be filled
    in. The workbook knows its plan and unit, so collect refuses a form of another unit or plan.
    Needs: pip install 'gkledger\\[export]'.

    Examples: gkledger form --unit 回民区;  gkledger form --all -o 填报表/
    """
    if all_units == (unit is not None):
        _fail(_("give --unit UNIT for one form, or --all -o DIR for one per unit"))
    if all_units and output is None:
        _fail(_("--all writes one file per unit: give the folder with -o DIR"))
    chosen = scope(ctx, data, today, soon, unit)
    try:
        from gkledger.render.forms import write_form
    except ImportError as exc:
        _missing_extra(exc)
    from gkledger.core.workdays import reply_date  # the official calendar, loaded only here

    obligations, day = chosen.obligations, chosen.today
    written = 0
    for owing in [chosen.unit] if chosen.unit is not None else obligations.owing_units():
        rows = form_rows(obligations, owing, chosen.as_of, all_rows)
        if not rows and all_units:
            continue
        name = f"{owing.name}-填报表.xlsx"
        path = (output / name) if all_units and output is not None else (output or Path(name))
        if all_units and path.parent != output:  # pragma: no cover - GK306 makes names one path part
            _fail(_f("refusing to write {file} outside {folder}", file=path, folder=output))
        settings = chosen.ledger.settings
        reply_by = reply_date(day, (row.due for row in rows), settings.reply_days).day
        made = write_form(chosen.ledger.plan, owing, rows, day, reply_by, settings)
        _write_output(path, made, make_folders=all_units, force=force)
        say(_f("Wrote {file} ({count} rows)", file=path, count=len(rows)), err=True)
        written += 1
    if all_units:
        say(_f("{count} forms; units with nothing open were left out", count=written), err=True)


def collect(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Filled-in forms (.xlsx), or folders of them.", show_default=False)
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be recorded; write nothing.")
    ] = False,
    replace: ReplaceOption = False,
    fmt: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Read filled-in forms back into the ledger: each 完成日期 a done record, each 免办理由 a waiver.

    Every row of every file is checked before anything is written. A form of another unit or plan,
    or with a row that is not its own (a 序号 edited, a row pasted from another form), is refused
    whole. A row identical to a record already there is skipped; one that differs is refused unless
    --replace. Records are written like done's, all or none. Exit 1 when anything was refused.

    Example: gkledger collect 回收/ --dry-run
    """
    from gkledger.render.diagnostics import as_text
    from gkledger.writes.collect import collect as collect_forms
    from gkledger.writes.transaction import Refused

    root = _data_dir(ctx, data)
    day = _today(ctx, today)
    try:
        result = collect_forms(
            root, paths, today=day, replace=replace, dry_run=dry_run, cache=_cache_folder(ctx)
        )
    except ImportError as exc:
        _missing_extra(exc)
    except Refused as refused:
        if refused.diagnostics:
            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_USAGE if refused.usage else EXIT_PROBLEMS)
    for note in result.notes:
        say(f"gkledger: {note}", err=True)
    if fmt is DataFormat.json:
        from gkledger.render.records import collected_record, to_json

        sys.stdout.write(to_json([collected_record(r, dry_run) for r in result.results]))
    else:
        from gkledger.render import console as out
        from gkledger.render import outcomes

        outcomes.collected_table(out.make_console(), result.results, dry_run)
    if result.refused:
        raise typer.Exit(EXIT_PROBLEMS)
