"""The documents sent out: export, remind (催办), bulletin (通报)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from gkledger import i18n
from gkledger.core.model import Settings, signing_office
from gkledger.i18n import _, _f
from gkledger.render.text import visible

if TYPE_CHECKING:
    from gkledger.core.model import Unit
    from gkledger.views.reports import Bulletin, Report

from gkledger.cli.options import DataOption, ForceOption, SoonOption, TodayOption, UnitOption
from gkledger.cli.output import _deliver, _missing_extra, _write_output, _wrote
from gkledger.cli.session import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Scope,
    _cache_folder,
    _date_option,
    _fail,
    _today,
    invocation,
    say,
    scope,
)
from gkledger.cli.views import _entry_dates


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    html = "html"
    ics = "ics"
    sqlite = "sqlite"


class NoticeFormat(StrEnum):
    md = "md"
    txt = "txt"
    docx = "docx"


ExportOutput = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="The file to write (atomically). Default: standard output, for the text formats.",
        show_default=False,
    ),
]
NoticesOutput = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help="A folder to write one notice per unit into. Default: print them (md and txt).",
        show_default=False,
    ),
]
ReplyByOption = Annotated[
    str | None,
    typer.Option(
        "--reply-by",
        metavar="DATE",
        help="The day by which units should complete and reply. Default: settings.reply_days "
        "(5) working days after --today by the official calendar with 调休, never after the "
        "earliest due date the notice lists.",
        show_default=False,
    ),
]
NumberFromOption = Annotated[
    int | None,
    typer.Option(
        "--number-from",
        min=1,
        metavar="N",
        help="Number the notices' 文号 from N, one each in unit order (with settings.number_prefix). "
        "Default: left blank to fill in by hand.",
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Also list what was completed, and what became late, from this day on (the day included).",
        show_default=False,
    ),
]
BulletinOutput = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="The file to write. Default: print it.", show_default=False
    ),
]


def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="What to produce.", show_default=False)],
    output: ExportOutput = None,
    force: ForceOption = False,
    unit: UnitOption = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Reports for people who read spreadsheets, pages and calendars, from the same rows as the views.

    xlsx: the 台账 in the notice's layout, the tasks × units matrix with 红黄绿 fills, and per-unit
    按期办结率 (needs -o). csv / json: one row per obligation (CSV is UTF-8 with a BOM; cells that
    would run as formulas are neutralised). html: one self-contained page. ics: one all-day event per
    deadline. xlsx, html and ics need the extra: pip install 'gkledger\\[export]'.

    Example: gkledger export --format xlsx -o 台账.xlsx --today 2021-09-01
    """
    if fmt is ExportFormat.xlsx and output is None:
        _fail(_("xlsx is a binary format: give the file to write with -o, e.g. -o 台账.xlsx"))
    if fmt is ExportFormat.sqlite:
        _export_sqlite(ctx, data, today, output, force)
        return
    chosen = scope(ctx, data, today, soon, unit)
    if fmt is ExportFormat.csv and chosen.unit is None:
        _export_csv(chosen, output, force)
    elif fmt in (ExportFormat.csv, ExportFormat.json):
        _export_rows(chosen, fmt, output, force)
    else:
        _export_document(ctx, chosen, fmt, output, force)


def _export_sqlite(
    ctx: typer.Context, data: Path | None, today: str | None, output: Path | None, force: bool
) -> None:
    """The ledger as a roll-up of one: the SQLite schema `gkledger rollup -o` writes."""
    from gkledger.render.sqlite import to_sqlite
    from gkledger.views.rollup import is_rollup_file, one_ledger

    if output is None:
        _fail(_("sqlite is a binary format: give the file to write with -o, e.g. -o 台账.sqlite"))
    made = one_ledger(invocation(ctx, data).root, _today(ctx, today), _cache_folder(ctx))
    _write_output(output, to_sqlite(made), force=force or is_rollup_file(output))
    count = sum(len(part.rows) for part in made.parts)
    say(
        _wrote(
            output, output.stat().st_size, _f("{count} obligations as of {day}", count=count, day=made.today)
        ),
        err=True,
    )
    if made.failing:
        raise typer.Exit(EXIT_PROBLEMS)


def _export_csv(chosen: Scope, output: Path | None, force: bool) -> None:
    """Every unit's obligations as CSV, a task's lines at a time: a province's 60,000 lines are
    never held whole, nor built as a Row each."""
    from gkledger.render import records

    for_people = i18n.current() == "zh"  # an export's CSV is for Excel: Chinese headers and statuses
    count = 0

    def lines(write: Callable[[bytes], object]) -> None:
        nonlocal count
        count = records.write_obligations_csv(
            lambda text: write(text.encode("utf-8")),
            chosen.obligations,
            chosen.as_of,
            for_people,
        )

    if output is None:  # straight to the pipe
        lines(sys.stdout.buffer.write)
        sys.stdout.flush()
        return
    size = _write_output(output, lines, force=force)
    say(_wrote(output, size, _f("{count} obligations as of {day}", count=count, day=chosen.today)), err=True)


def _export_rows(chosen: Scope, fmt: ExportFormat, output: Path | None, force: bool) -> None:
    """One unit's obligations (or every unit's, as JSON): one record per row."""
    from gkledger.render import records

    rows = chosen.obligations.rows(chosen.as_of, chosen.unit)
    text = (
        records.to_json([records.row_record(r) for r in rows])
        if fmt is ExportFormat.json
        else records.rows_csv(rows, i18n.current() == "zh")
    )
    what = _f("{count} obligations as of {day}", count=len(rows), day=chosen.today)
    _deliver(output, text.encode("utf-8"), what, force)


def _export_document(
    ctx: typer.Context, chosen: Scope, fmt: ExportFormat, output: Path | None, force: bool
) -> None:
    """The workbook, the page or the calendar, from the report the documents share."""
    from gkledger.views.reports import build

    report = build(chosen.obligations, chosen.as_of, chosen.unit)
    payload: bytes
    try:
        if fmt is ExportFormat.xlsx:
            from gkledger.render.xlsx import to_xlsx

            payload = to_xlsx(report, _entry_dates(ctx, chosen.ledger, required=False))
        elif fmt is ExportFormat.html:
            from gkledger.render.html import to_html

            payload = to_html(report).encode("utf-8")
        else:
            from gkledger.render.ics import to_ics

            payload = to_ics(report)
    except ImportError as exc:
        _missing_extra(exc)
    what = _f("{count} obligations as of {day}", count=len(report.rows), day=chosen.today)
    _deliver(output, payload, what, force)


def remind(
    ctx: typer.Context,
    unit: UnitOption = None,
    output: NoticesOutput = None,
    force: ForceOption = False,
    fmt: Annotated[
        NoticeFormat, typer.Option("--format", "-f", help="Markdown, plain text, or Word (docx, needs -o).")
    ] = NoticeFormat.md,
    reply_by: ReplyByOption = None,
    number_from: NumberFromOption = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """催办通知: for each unit with late or due-soon items, a notice listing them with their deadlines.

    --format docx writes each as a Word 公文 (GB/T 9704 layout: 主送 the unit, a table of its
    items, a reply deadline, 落款 the office and date); the office, 文号 prefix, 联系人 and 联系电话
    come from settings in tasks.yaml (office, number_prefix, contact, phone).

    Examples: gkledger remind --today 2021-09-01 -o 催办/;  gkledger remind --format docx -o 催办/
    """
    from gkledger.render.notices import notices
    from gkledger.views.reports import build, reply_dates

    if fmt is NoticeFormat.docx and output is None:
        _fail(_("docx is a binary format: give the folder to write the notices into with -o DIR"))
    chosen = scope(ctx, data, today, soon, unit)
    day = chosen.today
    given = _date_option(ctx, reply_by, "--reply-by", day) if reply_by else None
    report = build(chosen.obligations, chosen.as_of, chosen.unit)
    replies = reply_dates(report, chosen.ledger.settings.reply_days, given)
    for note in dict.fromkeys(r.note for r in replies.values() if r.note):
        say(f"gkledger: {note}", err=True)
    reply = {unit_name: r.day for unit_name, r in replies.items()}
    written = notices(report, chosen.ledger.settings, markdown=fmt is NoticeFormat.md, replies=reply)
    if not written:
        say(_f("Nothing is late or due soon as of {day}.", day=day), err=True)
    elif output is None:  # shown, so shown as text: a control character as its escape
        say(visible("\n---\n\n".join(text for _path, text in written)), nl=False)
    else:
        _write_notices(chosen, report, written, fmt, output, reply, force, number_from)


def _write_notices(
    chosen: Scope,
    report: Report,
    written: list[tuple[Unit, str]],
    fmt: NoticeFormat,
    output: Path,
    reply: dict[str, dt.date],
    force: bool,
    number_from: int | None = None,
) -> None:
    """One file per unit in `output`: the text as it was printed, or a Word 公文 of its items."""
    from gkledger.render.notices import file_name
    from gkledger.views.reports import group_by_unit

    if fmt is NoticeFormat.docx:
        try:
            from gkledger.render.docx import notice_docx
        except ImportError as exc:
            _missing_extra(exc)
        attention = group_by_unit(report.attention)
    ledger = chosen.ledger
    import gc

    # python-docx's documents hold reference cycles, which the collector (tuned for a ledger's
    # acyclic objects, cli.main) would let pile up over 2,000 notices: the ledger is frozen out of
    # its reach, and each notice is collected once written (peak memory flat, not growing).
    gc.freeze()
    for count, (u, text) in enumerate(written):
        path = output / file_name(u, chosen.today, fmt.value)
        if path.parent != output:  # pragma: no cover - file_name makes one path part
            _fail(_f("refusing to write {file} outside {folder}", file=path, folder=output))
        if fmt is NoticeFormat.docx:
            number = number_from + count if number_from is not None else None  # one 文号 each
            payload = notice_docx(
                u, attention[u.name], chosen.today, ledger.plan, ledger.settings, reply[u.name], number
            )
        else:
            payload = text.encode("utf-8")
        _write_output(path, payload, make_folders=True, force=force)
        say(_f("Wrote {file}", file=path), err=True)
        if fmt is NoticeFormat.docx:
            gc.collect()


RollupOption = Annotated[
    Path | None,
    typer.Option(
        "--rollup",
        metavar="FILE",
        help="Make the 通报 of a roll-up file (gkledger rollup … -o FILE): its ledgers ranked together.",
        show_default=False,
    ),
]


def _rollup_bulletin(path: Path) -> tuple[Bulletin, Settings, str | None]:
    from gkledger.views.rollup import RollupError, rollup_bulletin

    try:
        return rollup_bulletin(path), Settings(), None
    except RollupError as refused:
        _fail(str(refused), EXIT_USAGE)


class BulletinFormat(StrEnum):
    docx = "docx"
    md = "md"
    html = "html"


def bulletin(
    ctx: typer.Context,
    since: SinceOption = None,
    fmt: Annotated[
        BulletinFormat, typer.Option("--format", "-f", help="Word (needs -o), Markdown or HTML.")
    ] = BulletinFormat.md,
    output: BulletinOutput = None,
    force: ForceOption = False,
    rollup: RollupOption = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """通报: the whole ledger as of today, for everyone, ready to print on A4.

    Units ranked by 按期办结率 with their counts, the units with nothing late, what was completed
    and what became late since --since (that day included), the tasks late at the most units,
    存在问题 and 下一步工作要求, the tables as 附件. Sections with nothing to say are left out.

    Example: gkledger bulletin --since 2021-08-01 --format docx -o 通报.docx
    """
    from gkledger.views.reports import build_bulletin

    if fmt is BulletinFormat.docx and output is None:
        _fail(_("docx is a binary format: give the file to write with -o, e.g. -o 通报.docx"))
    if rollup is not None:  # the ledgers of a roll-up ranked together, as of its day
        made, settings, issuer = _rollup_bulletin(rollup)
    else:
        chosen = scope(ctx, data, today, soon)
        first = _date_option(ctx, since, "--since", chosen.today) if since else None
        made = build_bulletin(chosen.obligations, chosen.as_of, first)
        settings = chosen.ledger.settings
        issuer = signing_office(settings, chosen.ledger.plan)
    try:
        if fmt is BulletinFormat.docx:
            from gkledger.render.docx import bulletin_docx

            payload = bulletin_docx(made, settings)
        elif fmt is BulletinFormat.html:
            from gkledger.render.html import bulletin_html

            payload = bulletin_html(made, settings).encode("utf-8")
        else:
            from gkledger.render.bulletin import to_markdown

            payload = to_markdown(made, issuer).encode("utf-8")
    except ImportError as exc:
        _missing_extra(exc)
    if output is None:  # shown, so shown as text: a control character as its escape
        sys.stdout.buffer.write(visible(payload.decode("utf-8")).encode("utf-8"))
        sys.stdout.flush()
        return
    _write_output(output, payload, force=force)
    say(_f("Wrote {file}", file=output), err=True)
