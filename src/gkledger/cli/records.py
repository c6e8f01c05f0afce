"""`gkledger done` and `waive`: a unit's records, written through the verified transaction."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from gkledger.core.status import AsOf, summarise
from gkledger.i18n import _, _f

if TYPE_CHECKING:
    from gkledger.writes.recording import Recorded

from gkledger.cli.options import (
    DataOption,
    NoteOption,
    PeriodOption,
    ReplaceOption,
    RequiredUnits,
    TasksArgument,
    TodayOption,
    text_value,
)
from gkledger.cli.session import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    _cache_folder,
    _data_dir,
    _date_option,
    _fail,
    _today,
    say,
)


def _record(
    ctx: typer.Context,
    data: Path | None,
    today: str | None,
    tasks: list[str],
    units: list[str],
    *,
    done_on: str | None = None,
    waived: str | None = None,
    evidence: str | None = None,
    note: str | None = None,
    replace: bool = False,
    period: str | None = None,
) -> None:
    from gkledger.render.diagnostics import as_text
    from gkledger.writes.recording import record_progress
    from gkledger.writes.transaction import Refused

    tasks = [text_value(t, "TASK") for t in tasks]
    units = [text_value(u, "--unit") for u in units]
    evidence = text_value(evidence, "--evidence") if evidence is not None else None
    note = text_value(note, "--note", lines=True) if note is not None else None
    waived = text_value(waived, "--reason", lines=True) if waived is not None else None
    day = _today(ctx, today)
    done = None if waived is not None else (_date_option(ctx, done_on, "--date", day) if done_on else day)
    try:
        result = record_progress(
            _data_dir(ctx, data),
            tasks,
            units,
            today=day,
            done=done,
            waived=waived,
            evidence=evidence,
            note=note,
            replace=replace,
            cache=_cache_folder(ctx),
            period=text_value(period, "--period").strip() if period is not None else None,
        )
    except Refused as refused:
        if refused.diagnostics:
            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_USAGE if refused.usage else EXIT_PROBLEMS)
    except OSError as exc:  # a read-only or vanished progress folder: nothing was written
        _fail(
            _f(
                "cannot record progress: {error} ({file})",
                error=exc.strerror or exc,
                file=exc.filename or "progress/",
            ),
            EXIT_PROBLEMS,
        )
    _say_recorded(result, day, asked_period=period is not None)


def _say_recorded(result: Recorded, day: dt.date, asked_period: bool) -> None:
    """Each record written, each file rewritten from its values, and each unit's count now."""
    from gkledger.render import console as out
    from gkledger.store.locate import display_path

    console = out.make_console()
    for entry in result.entries:
        what = (
            _f("done on {day}", day=entry.record.done)
            if entry.record.done
            else _f("waived ({reason})", reason=entry.record.waived)
        )
        chosen = entry.record.period
        which = ""
        if chosen:
            which = (
                _f(" (period {period})", period=chosen)
                if asked_period
                else _f(" (period {period}, the earliest not yet recorded)", period=chosen)
            )
        line = (
            _("Replaced: task {id}{which} for {unit}, {what} → {file}")
            if entry.replaced
            else _("Recorded: task {id}{which} for {unit}, {what} → {file}")
        )
        file = display_path(entry.path)
        console.print(
            line.format(id=entry.task.id, which=which, unit=entry.unit.name, what=what, file=file),
            markup=False,
        )
    for path in result.rewritten:
        say(
            "gkledger: "
            + _f(
                "{file} could not be edited in place (its layout), so it was rewritten from its records: "
                "every value is kept, its comments and layout are not",
                file=display_path(path),
            ),
            err=True,
        )
    obligations = result.loaded.obligations()  # with the office's decisions, as every view has them
    for unit in dict.fromkeys(entry.unit for entry in result.entries):
        rows = obligations.rows(AsOf(day, result.loaded.ledger.settings.soon_days), unit)
        out.recorded(console, summarise(rows, day, unit))


def done(
    ctx: typer.Context,
    task: TasksArgument,
    unit: RequiredUnits,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day it was completed (2021-08-20, 2021/8/20, 8月20日 …). Default: today.",
            show_default=False,
        ),
    ] = None,
    evidence: Annotated[
        str | None,
        typer.Option("--evidence", help="The URL where the information was published.", show_default=False),
    ] = None,
    note: NoteOption = None,
    replace: ReplaceOption = False,
    period: PeriodOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Record that units completed tasks, in data/progress/<unit>.yaml.

    Several tasks and units record every pair, all or nothing. The file keeps every comment and
    byte it had; the write is checked with the whole ledger first, read back, and atomic. Refused
    (exit 2): an unknown task or unit, a bad or future date, control characters in a value, the
    ledger bundled with gkledger. Refused (exit 1): a task the unit does not owe, a second record
    without --replace, a ledger with errors, a progress file that is a link or read-only.

    Example: gkledger done 5 --unit 回民区 --date 2021-08-20 --evidence https://example.gov.cn/a.html
    """
    _record(
        ctx,
        data,
        today,
        task,
        unit,
        done_on=date,
        evidence=evidence,
        note=note,
        replace=replace,
        period=period,
    )


def waive(
    ctx: typer.Context,
    task: TasksArgument,
    unit: RequiredUnits,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the unit is exempt (免于办理).", show_default=False)
    ],
    note: NoteOption = None,
    replace: ReplaceOption = False,
    period: PeriodOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Record that units are exempt from tasks, with the reason, in data/progress/<unit>.yaml.

    Same safety as `done`: comments kept, all or nothing, atomic, checked first.

    Example: gkledger waive 19 --unit 回民区 --reason 本级不编印政府公报
    """
    if not reason.strip():
        _fail(_("--reason must not be empty"))
    _record(ctx, data, today, task, unit, waived=reason, note=note, replace=replace, period=period)
