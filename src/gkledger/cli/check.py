"""`gkledger check`: every problem of every file, each with its file:line:column."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
import typer.core

from gkledger.cli.options import CheckFormat, DataOption, NoCacheOption
from gkledger.cli.session import EXIT_OK, EXIT_PROBLEMS, invocation
from gkledger.core.diagnostics import has_errors


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
    from gkledger.store.repository import check_repository

    run = invocation(ctx, data)
    diagnostics = check_repository(run.folder, run.root, run.plan, None if no_cache else run.cache_home)
    render = {CheckFormat.text: as_text, CheckFormat.json: as_json, CheckFormat.github: as_github}[fmt]
    sys.stdout.write(render(diagnostics))
    raise typer.Exit(EXIT_PROBLEMS if has_errors(diagnostics) else EXIT_OK)
