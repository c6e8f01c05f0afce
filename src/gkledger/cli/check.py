"""`gkledger check`: every problem of every file, each with its file:line:column."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from gkledger.core.diagnostics import Diagnostic, has_errors
from gkledger.store.locate import find_data_dir

if TYPE_CHECKING:
    pass

from gkledger.cli.options import CheckFormat, DataOption, NoCacheOption
from gkledger.cli.session import EXIT_OK, EXIT_PROBLEMS, _data_dir, _once, _settings, _snapshot


def check(
    ctx: typer.Context,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.text,
    no_cache: NoCacheOption = False,
    data: DataOption = None,
) -> None:
    """Validate the ledger: every problem in every file, each with its file:line:column.

    In a repository of several plans, every plan (or the one --plan names), and each task's
    carried_from against the plan it names. Exit 0 when there are no errors (warnings are listed
    but pass), 1 when there are.

    Example: gkledger check --format github
    """
    from gkledger.render.diagnostics import as_github, as_json, as_text
    from gkledger.store.checks import carried_references
    from gkledger.store.locate import plan_years

    chosen = _once(data, _settings(ctx).data, "--data")
    found = find_data_dir(chosen, os.environ.get("GKLEDGER_DATA"), Path.cwd())
    years = plan_years(found)
    named = ctx.meta.get("gkledger.plan") or _settings(ctx).plan or os.environ.get("GKLEDGER_PLAN")
    roots = [found / str(y) for y in years] if years and not named else [_data_dir(ctx, data)]
    snapshots = {root: _snapshot(ctx, root, no_cache) for root in roots}
    tasks_of: dict[int, set[str]] = {}
    for year in years:
        root = found / str(year)
        ledger = snapshots[root].ledger if root in snapshots else _snapshot(ctx, root, no_cache).ledger
        tasks_of[year] = {task.id for task in ledger.tasks}
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[object, ...]] = set()
    for snapshot in snapshots.values():
        found_here = [*snapshot.diagnostics, *carried_references(snapshot.ledger, tasks_of)]
        for diagnostic in found_here:  # the shared units.yaml speaks once, not once per plan
            key = (diagnostic.source, diagnostic.code, diagnostic.message)
            if key not in seen:
                seen.add(key)
                diagnostics.append(diagnostic)
    render = {CheckFormat.text: as_text, CheckFormat.json: as_json, CheckFormat.github: as_github}[fmt]
    sys.stdout.write(render(diagnostics))
    raise typer.Exit(EXIT_PROBLEMS if has_errors(diagnostics) else EXIT_OK)
