"""`gkledger confirm`, `return` and `extend`: the office's side of the 督办 loop."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gkledger.cli.options import DataOption, ForceOption, PeriodOption, TasksArgument, TodayOption, text_value
from gkledger.cli.output import _missing_extra, _write_output
from gkledger.cli.session import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Scope,
    _cache_folder,
    _data_dir,
    _date_option,
    _fail,
    _today,
    say,
)
from gkledger.core.model import DecisionKind
from gkledger.core.scoring import Score
from gkledger.i18n import _, _f

OneUnit = Annotated[
    str,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="The unit: canonical name, full name or alias.",
        show_default=False,
    ),
]
DecisionDate = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="DATE", help="The day it was decided. Default: today.", show_default=False
    ),
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why (it goes into the record).", show_default=False)
]


def _decide(
    ctx: typer.Context,
    data: Path | None,
    today: str | None,
    kind: DecisionKind,
    tasks: list[str],
    unit: str,
    date: str | None,
    **given: str | None,
) -> None:
    """Map the options to one `writes.decisions.decide` call, and say what was written."""
    from gkledger.render.diagnostics import as_text
    from gkledger.store.locate import display_path
    from gkledger.writes.decisions import Asked, decide
    from gkledger.writes.transaction import Refused

    day = _today(ctx, today)
    period, reason, due, approved_by = (given.get(k) for k in ("period", "reason", "due", "approved_by"))
    asked = Asked(
        kind=kind,
        tasks=[text_value(t, "TASK") for t in tasks],
        unit=text_value(unit, "--unit"),
        day=_date_option(ctx, date, "--date", day) if date else day,
        period=text_value(period, "--period").strip() if period else None,
        reason=text_value(reason, "--reason", lines=True) if reason else None,
        due=_date_option(ctx, due, "--due/--to", day) if due else None,
        approved_by=text_value(approved_by, "--approved-by") if approved_by else None,
    )
    try:
        done = decide(_data_dir(ctx, data), asked, today=day, cache=_cache_folder(ctx))
    except Refused as refused:
        if refused.diagnostics:
            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_USAGE if refused.usage else EXIT_PROBLEMS)
    for decision, owed in zip(done.decisions, done.obligations, strict=True):
        say(
            _f(
                "{kind}: task {task} of {unit} on {day} ({file})",
                kind=_kind_word(decision.kind),
                task=owed.label,
                unit=decision.unit,
                day=decision.day,
                file=display_path(done.path),
            ),
            err=True,
        )


def _kind_word(kind: DecisionKind) -> str:
    from gkledger.render.labels import decision_label

    return decision_label(kind)


def confirm(
    ctx: typer.Context,
    task: TasksArgument,
    unit: OneUnit,
    period: PeriodOption = None,
    date: DecisionDate = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """审核确认: the office accepts the completions a unit recorded, in office/<unit>.yaml.

    With settings.require_confirmation, a completion counts as done only once confirmed (until
    then it is reported, 待审核). Refused: a task the unit does not owe, no completion recorded, a
    date before the completion's.

    Example: gkledger confirm 5 6 --unit 回民区 --date 2021-08-25
    """
    _decide(ctx, data, today, "confirmed", task, unit, date, period=period)


def return_(
    ctx: typer.Context,
    task: TasksArgument,
    unit: OneUnit,
    reason: ReasonOption,
    due: Annotated[
        str | None,
        typer.Option("--due", metavar="DATE", help="A new due date for the redone work.", show_default=False),
    ] = None,
    period: PeriodOption = None,
    date: DecisionDate = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """退回重办: the office returns a completion; the item is open again (against --due, else its
    due date) and its rows carry the reason. A completion recorded after the return is a new one.

    Example: gkledger return 5 --unit 回民区 --reason 佐证链接打不开 --due 2021-09-10
    """
    _decide(ctx, data, today, "returned", task, unit, date, period=period, reason=reason, due=due)


def extend(
    ctx: typer.Context,
    task: TasksArgument,
    unit: OneUnit,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="The new due date.", show_default=False)],
    reason: ReasonOption,
    approved_by: Annotated[
        str, typer.Option("--approved-by", metavar="NAME", help="Who approved it.", show_default=False)
    ],
    period: PeriodOption = None,
    date: DecisionDate = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """延期: one unit's due date for a task moves to --to; its rows keep original_due.

    Example: gkledger extend 14 --unit 回民区 --to 2021-10-31 --reason 等待上级部署 --approved-by 王主任
    """
    _decide(
        ctx,
        data,
        today,
        "extended",
        task,
        unit,
        date,
        period=period,
        reason=reason,
        due=to,
        approved_by=approved_by,
    )


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def score(
    ctx: typer.Context,
    fmt: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = ScoreFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write (xlsx needs it).", show_default=False),
    ] = None,
    force: ForceOption = False,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """考核: each unit's score out of settings.scoring.full as of --today, with its grade, its rank
    (equal scores share it: 并列) and what was deducted for: late items (and days late), items done
    late, returns. Waived and not-yet-due items cost nothing; the deduction is capped at cap.

    Example: gkledger score --today 2021-12-31 --format json
    """
    from gkledger.cli.session import scope
    from gkledger.views.scores import unit_scores

    chosen = scope(ctx, data, today)
    scoring = chosen.ledger.settings.scoring
    if scoring is None:
        _fail(_("no scoring rules: add settings.scoring to tasks.yaml (README: 考核)"), EXIT_USAGE)
    made = unit_scores(chosen.obligations, chosen.as_of, scoring)
    if fmt is ScoreFormat.xlsx:
        _scores_workbook(made, chosen, output, force)
        return
    if fmt is ScoreFormat.table:
        from gkledger.render import console as out
        from gkledger.render.outcomes import score_table

        score_table(out.make_console(), made, chosen.today.isoformat())
        return
    from gkledger.render.records import score_record, to_csv, to_json

    records = [score_record(s) for s in made]
    if fmt is ScoreFormat.json:
        sys.stdout.write(to_json(records))
    else:
        flat = [
            {k: v for k, v in r.items() if k != "deductions"} | {"deductions": len(r["deductions"])}
            for r in records
        ]
        sys.stdout.write(to_csv(flat))


def _scores_workbook(made: list[Score], chosen: Scope, output: Path | None, force: bool) -> None:
    if output is None:
        _fail(_("xlsx is a binary format: give the file to write with -o, e.g. -o 考核.xlsx"), EXIT_USAGE)
    try:
        from gkledger.render.xlsx import scores_xlsx
    except ImportError as exc:
        _missing_extra(exc)
    _write_output(output, scores_xlsx(made, chosen.ledger.plan, chosen.today), force=force)
    say(_f("Wrote {file}", file=output), err=True)
