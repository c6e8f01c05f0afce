"""What git and the web say: links, codeowners, audit."""

from __future__ import annotations

import datetime as dt
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from gkledger.cli.options import DataOption, ForceOption, ListFormat, ListFormatOption, UnitOption, text_value
from gkledger.cli.output import _write_output
from gkledger.cli.session import (
    EXIT_PROBLEMS,
    _data_dir,
    _fail,
    _obligations,
    _settings,
    _unit,
    _view_console,
    invocation,
    say,
)

if TYPE_CHECKING:
    from gkledger.core.model import Ledger
    from gkledger.core.status import Obligations
    from gkledger.history.audit import Entry

from gkledger.i18n import _, _f
from gkledger.views.query import evidence as evidence_records


def links(
    ctx: typer.Context,
    unit: UnitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=300, help="Seconds per request.")
    ] = 10.0,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Requests at once.")] = 8,
    per_host: Annotated[
        int, typer.Option("--per-host", min=1, max=16, help="Requests at once to one host.")
    ] = 2,
    budget: Annotated[
        float,
        typer.Option(
            "--budget", min=1, max=86400, help="Seconds for the whole run; links left are timeouts."
        ),
    ] = 300.0,
    fresh: Annotated[bool, typer.Option("--fresh", help="Ignore results from the last day's runs.")] = False,
    data: DataOption = None,
) -> None:
    """Visit every evidence URL and report broken, redirected and wrong links (断链、错链).

    Broken: 4xx/5xx, DNS failure, refused, timeout, TLS problems, redirect loops, or a page that no
    longer mentions a record's `expect` terms. Exit 1 when any link is broken. Results are kept for a
    day in the user's cache folder (--fresh ignores them). Needs: pip install 'gkledger\\[links]'.

    Example: gkledger links --unit 回民区 --format json
    """
    obligations = _obligations(ctx, data)
    chosen = _unit(obligations, unit) if unit else None
    try:
        from gkledger.history.links import Evidence, LinkLimits, cached_check
    except ImportError as exc:
        _fail(_f("this needs {module}: pip install '{package}'", module=exc.name, package="gkledger[links]"))
    items = [
        Evidence(r.source.path, r.source.line, r.task, owner, r.evidence or "", r.expect)
        for r, owner in evidence_records(obligations, chosen)
    ]
    from gkledger.render import console as out
    from gkledger.render import outcomes
    from gkledger.store.cache import cache_home

    home = None if (fresh or _settings(ctx).no_cache) else cache_home(os.environ)
    limits = LinkLimits(timeout=timeout, concurrency=concurrency, per_host=per_host, budget=budget)
    now = dt.datetime.now(dt.UTC)
    with outcomes.link_progress(len(items)) as tick:
        results = cached_check(items, limits, home / "links.json" if home else None, now, tick)
    if fmt is ListFormat.table:
        if results:
            outcomes.links_table(out.make_console(), results)
        else:
            say(_("No evidence links to check."), err=True)
    else:
        from gkledger.render.records import link_record, to_csv, to_json

        records = [link_record(r) for r in results]
        columns = ("path", "line", "task", "unit", "url", "state", "status", "detail", "final_url", "cached")
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, columns))
    if any(r.outcome.state == "broken" for r in results):
        raise typer.Exit(EXIT_PROBLEMS)


class Forge(StrEnum):
    github = "github"
    gitlab = "gitlab"


def codeowners(
    ctx: typer.Context,
    forge: Annotated[Forge, typer.Option("--forge", help="Which forge reads the file.")] = Forge.github,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it (.github/CODEOWNERS, .gitlab/CODEOWNERS). Default: print it.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """A CODEOWNERS file: each unit's progress file to its maintainers, the plan to the office.

    Maintainers come from units.yaml (maintainers: [@handle, name@example.gov.cn] per unit, and at
    its top for the office). With branch protection, the forge then asks them to review each change.

    Example: gkledger codeowners --forge gitlab -o .gitlab/CODEOWNERS
    """
    from gkledger.history.codeowners import render
    from gkledger.store.locate import plan_years

    folder = invocation(ctx, data).folder
    ledger = _obligations(ctx, data).ledger
    try:
        from gkledger.history.audit import AuditError, repository_of

        _, inside = repository_of(folder)
    except AuditError:
        inside = Path(os.path.relpath(os.path.abspath(folder))).as_posix()
        note = _f("not in a git repository; paths are written relative to {folder}", folder=Path.cwd())
        say(f"gkledger: {note}", err=True)
    text = render(ledger, inside, forge.value, [str(year) for year in plan_years(folder)])
    if output is None:
        sys.stdout.write(text)
        return
    _write_output(output, text.encode("utf-8"), make_folders=True, force=force)
    say(_f("Wrote {file}", file=output), err=True)


RevsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Revisions to read, as git log takes them (v1..HEAD). Default: HEAD.", show_default=False
    ),
]
MaxLagOption = Annotated[
    int | None,
    typer.Option(
        "--max-lag",
        metavar="DAYS",
        min=0,
        max=3660,
        help="Days from a 完成日期 to its commit before it is a late entry. Default: the ledger's "
        "max_entry_lag, else 15.",
        show_default=False,
    ),
]


def audit(
    ctx: typer.Context,
    revs: RevsArgument = None,
    max_lag: MaxLagOption = None,
    unit: UnitOption = None,
    office: Annotated[
        bool,
        typer.Option(
            "--office",
            help="The office's decisions instead (confirm, return, extend): who made each and when; "
            "late-extension and not-committed flagged.",
        ),
    ] = False,
    fmt: ListFormatOption = ListFormat.table,
    data: DataOption = None,
) -> None:
    """Who recorded each completion and when, from the ledger's git history (倒签、补录 flagged).

    Flags: late-entry (committed more than --max-lag days after its 完成日期), redated (完成日期
    changed later), removed, not-maintainer (author not among the unit's maintainers),
    cross-unit (one commit touched several units' files), history-cut (shallow clone). One pass
    over the history; no network. Exit 1 when anything is flagged.

    Example: gkledger audit --max-lag 30 --format json
    """
    from gkledger.history.audit import AuditError, trail

    root = _data_dir(ctx, data)
    obligations = _obligations(ctx, root)
    chosen = _unit(obligations, unit) if unit else None
    for rev in revs or []:
        text_value(rev, "REVS")
        if rev.startswith("-"):
            _fail(_f("'{rev}' is not a revision; give revisions such as HEAD~10..HEAD", rev=rev))
    if office:
        _office_audit(ctx, obligations, root, revs or [], chosen.name if chosen else None, fmt)
        return
    try:
        found = trail(obligations.ledger, root, revs or [], max_lag)
    except AuditError as exc:
        _fail(str(exc))
    entries = [e for e in found.entries if chosen is None or e.unit == chosen.name]
    limit = obligations.ledger.settings.max_entry_lag if max_lag is None else max_lag
    if found.shallow:
        say(
            "gkledger: "
            + _(
                "this is a shallow clone; records first seen at its edge are flagged history-cut "
                "(git fetch --unshallow shows when they were added)"
            ),
            err=True,
        )
    _show_trail(ctx, obligations.ledger, entries, limit, found.shallow, fmt)
    if any(e.flags for e in entries):
        raise typer.Exit(EXIT_PROBLEMS)


def _office_audit(
    ctx: typer.Context,
    obligations: Obligations,
    root: Path,
    revs: list[str],
    unit: str | None,
    fmt: ListFormat,
) -> None:
    """`audit --office`: one line per decision of the office, with its commit and flags."""
    from gkledger.history.audit import AuditError
    from gkledger.history.office_audit import office_trail
    from gkledger.render.records import decision_audit_record, to_csv, to_json

    try:
        found = office_trail(obligations, root, revs)
    except AuditError as exc:
        _fail(str(exc))
    entries = [
        e
        for e in found
        if unit is None or obligations.index.get(e.decision.unit) == obligations.index.get(unit)
    ]
    if fmt is ListFormat.table:
        from gkledger.render import outcomes

        outcomes.office_audit_table(_view_console(ctx, obligations.ledger), entries)
    else:
        records = [decision_audit_record(e) for e in entries]
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records))
    if any(e.flags for e in entries):
        raise typer.Exit(EXIT_PROBLEMS)


def _show_trail(
    ctx: typer.Context, ledger: Ledger, entries: list[Entry], limit: int, shallow: bool, fmt: ListFormat
) -> None:
    if fmt is ListFormat.table:
        from gkledger.render import outcomes

        outcomes.audit_table(_view_console(ctx, ledger), entries, limit, shallow)
    else:
        from gkledger.render.records import AUDIT_COLUMNS, audit_record, to_csv, to_json

        records = [audit_record(e) for e in entries]
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, AUDIT_COLUMNS))
