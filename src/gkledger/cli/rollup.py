"""`gkledger rollup`: many ledgers in one view, or in one SQLite file."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gkledger.cli.options import ForceOption, TodayOption
from gkledger.cli.output import _write_output
from gkledger.cli.session import EXIT_PROBLEMS, EXIT_USAGE, _cache_folder, _fail, _today, say
from gkledger.i18n import _f


class RollupFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class RollupBy(StrEnum):
    ledger = "ledger"
    unit = "unit"


SourcesArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Ledger folders (a repository root or its data folder), or rollup.yaml files listing "
        "them with labels and plans.",
        show_default=False,
    ),
]
RollupOutput = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the roll-up as a SQLite file.", show_default=False),
]
ByOption = Annotated[RollupBy, typer.Option("--by", help="One row per ledger, or per unit of every ledger.")]
FormatOption = Annotated[RollupFormat, typer.Option("--format", "-f", help="Output format.")]


def rollup(
    ctx: typer.Context,
    sources: SourcesArgument,
    output: RollupOutput = None,
    by: ByOption = RollupBy.ledger,
    fmt: FormatOption = RollupFormat.table,
    force: ForceOption = False,
    today: TodayOption = None,
) -> None:
    """Many ledgers, one view: a city's and its counties', a province's cities', each read by its own
    loader and cache and kept apart by its label (units are never merged across ledgers by name).

    Without -o: one row per ledger, worst 按期办结率 first (--by unit: every unit of every ledger).
    With -o: one SQLite file (ledgers, units, tasks, obligations, records, problems), written
    atomically; run again after an edit, only the ledger that changed is read again. A ledger that
    fails check is kept with its problems, and the command exits 1.

    Examples: gkledger rollup ../xincheng ../huimin;  gkledger rollup rollup.yaml -o rollup.sqlite
    """
    from gkledger.store.invocation import UsageError
    from gkledger.views.rollup import build_rollup, is_rollup_file, previous_rollup, sources_of

    day = _today(ctx, today)
    try:
        chosen = sources_of(sources)
        previous = previous_rollup(output) if output is not None else {}
        made = build_rollup(chosen, day, _cache_folder(ctx), previous)
    except UsageError as refused:  # no such ledger, or no such plan in it
        _fail(str(refused), EXIT_USAGE)
    if output is not None:
        from gkledger.render.sqlite import to_sqlite

        payload = to_sqlite(made, output.read_bytes() if made.kept else None)
        _write_output(output, payload, force=force or is_rollup_file(output))
        say(
            _f(
                "Wrote {file} ({count} ledgers as of {day})",
                file=output,
                count=len(made.parts),
                day=made.today,
            ),
            err=True,
        )
    else:
        _print(made, by, fmt)
    _say_failing(made.failing)


def _say_failing(failing: list[tuple[str, Path, int]]) -> None:
    """A line for each ledger that fails check, and exit 1 when there is one."""
    for label, folder, count in failing:
        say(
            _f(
                "{ledger}: {count} problem(s); gkledger check --data {folder} lists them",
                ledger=label,
                count=count,
                folder=folder,
            ),
            err=True,
        )
    if failing:
        raise typer.Exit(EXIT_PROBLEMS)


def _print(made: object, by: RollupBy, fmt: RollupFormat) -> None:
    from gkledger.render import console as out
    from gkledger.render import outcomes
    from gkledger.render.records import rollup_record, to_csv, to_json
    from gkledger.views.rollup import Rollup, by_ledger, by_unit

    assert isinstance(made, Rollup)
    pairs = by_unit(made) if by is RollupBy.unit else by_ledger(made)
    if fmt is RollupFormat.table:
        outcomes.rollup_table(out.make_console(), pairs, by is RollupBy.unit, made.today.isoformat())
        return
    records = [rollup_record(part, summary, by is RollupBy.unit) for part, summary in pairs]
    sys.stdout.write(to_json(records) if fmt is RollupFormat.json else to_csv(records))
