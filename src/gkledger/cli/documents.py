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
from gkledger.core.status import Row
from gkledger.i18n import _, _f

if TYPE_CHECKING:
    pass

from gkledger.cli.options import DataOption, SoonOption, TodayOption, UnitOption
from gkledger.cli.output import _deliver, _missing_extra, _write_output, _wrote
from gkledger.cli.session import _date_option, _fail, _obligations, _today, _unit
from gkledger.cli.views import _entry_dates


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    html = "html"
    ics = "ics"


class NoticeFormat(StrEnum):
    md = "md"
    txt = "txt"
    docx = "docx"


def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="What to produce.", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (atomically). Default: standard output, for the text formats.",
            show_default=False,
        ),
    ] = None,
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
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    chosen = _unit(obligations, unit) if unit else None
    if fmt in (ExportFormat.csv, ExportFormat.json):  # one row per obligation: no report to build
        from gkledger.render import records

        for_people = i18n.current() == "zh"  # an export's CSV is for Excel: Chinese headers and statuses
        if fmt is ExportFormat.csv and chosen is None:  # a province's 60,000 lines, without a Row each
            count = 0

            def lines(write: Callable[[bytes], object]) -> None:  # a task's lines at a time
                nonlocal count
                count = records.write_obligations_csv(
                    lambda text: write(text.encode("utf-8")), obligations, day, soon_days, for_people
                )

            if output is None:  # straight to the pipe
                lines(sys.stdout.buffer.write)
                sys.stdout.flush()
                return
            size = _write_output(output, lines)  # never the province's 16 MB whole, nor twice
            what = _f("{count} obligations as of {day}", count=count, day=day)
            typer.echo(_wrote(output, size, what), err=True)
            return
        rows = obligations.rows(day, soon_days, chosen)
        text = (
            records.to_json([records.row_record(r) for r in rows])
            if fmt is ExportFormat.json
            else records.rows_csv(rows, for_people)
        )
        _deliver(
            output, text.encode("utf-8"), _f("{count} obligations as of {day}", count=len(rows), day=day)
        )
        return
    from gkledger.views.reports import build  # the report the documents share: not for a row per line

    report = build(obligations, day, soon_days, chosen)
    payload: bytes
    try:
        if fmt is ExportFormat.xlsx:
            from gkledger.render.xlsx import to_xlsx

            payload = to_xlsx(report, _entry_dates(ctx, ledger, required=False))
        elif fmt is ExportFormat.html:
            from gkledger.render.html import to_html

            payload = to_html(report).encode("utf-8")
        else:
            from gkledger.render.ics import to_ics

            payload = to_ics(report)
    except ImportError as exc:
        _missing_extra(exc)
    _deliver(output, payload, _f("{count} obligations as of {day}", count=len(report.rows), day=day))


def remind(
    ctx: typer.Context,
    unit: UnitOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="A folder to write one notice per unit into. Default: print them (md and txt).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        NoticeFormat, typer.Option("--format", "-f", help="Markdown, plain text, or Word (docx, needs -o).")
    ] = NoticeFormat.md,
    reply_by: Annotated[
        str | None,
        typer.Option(
            "--reply-by",
            metavar="DATE",
            help="The day by which units should reply (docx). Default: a week after --today.",
            show_default=False,
        ),
    ] = None,
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
    from gkledger.render.notices import file_name, notices
    from gkledger.views.reports import build

    if fmt is NoticeFormat.docx and output is None:
        _fail(_("docx is a binary format: give the folder to write the notices into with -o DIR"))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    reply = _date_option(ctx, reply_by, "--reply-by", day) if reply_by else day + dt.timedelta(days=7)
    soon_days = ledger.settings.soon_days if soon is None else soon
    chosen = _unit(obligations, unit) if unit else None
    report = build(obligations, day, soon_days, chosen)
    written = notices(report, markdown=fmt is NoticeFormat.md)
    if not written:
        typer.echo(_f("Nothing is late or due soon as of {day}.", day=day), err=True)
        return
    if output is None:
        typer.echo("\n---\n\n".join(text for _path, text in written), nl=False)
        return
    if fmt is NoticeFormat.docx:
        try:
            from gkledger.render.docx import notice_docx
        except ImportError as exc:
            _missing_extra(exc)
        attention: dict[str, list[Row]] = {}
        for row in report.attention:
            attention.setdefault(row.unit.name, []).append(row)
    for u, text in written:
        path = output / file_name(u, day, fmt.value)
        if path.parent != output:  # pragma: no cover - file_name makes one path part
            _fail(_f("refusing to write {file} outside {folder}", file=path, folder=output))
        if fmt is NoticeFormat.docx:
            data_bytes = notice_docx(u, attention[u.name], day, ledger.plan, ledger.settings, reply)
        else:
            data_bytes = text.encode("utf-8")
        _write_output(path, data_bytes, make_folders=True)
        typer.echo(_f("Wrote {file}", file=path), err=True)


class BulletinFormat(StrEnum):
    docx = "docx"
    md = "md"
    html = "html"


def bulletin(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Also list what was completed, and what became late, after this day.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        BulletinFormat, typer.Option("--format", "-f", help="Word (needs -o), Markdown or HTML.")
    ] = BulletinFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The file to write. Default: print it.", show_default=False
        ),
    ] = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """通报: the whole ledger as of today, for everyone, ready to print on A4.

    Units ranked by 按期办结率 with their counts, the units with nothing late, what was completed
    and what became late since --since, and the tasks late at the most units. Sections with
    nothing to say are left out.

    Example: gkledger bulletin --since 2021-08-01 --format docx -o 通报.docx
    """
    from gkledger.views.reports import build_bulletin

    if fmt is BulletinFormat.docx and output is None:
        _fail(_("docx is a binary format: give the file to write with -o, e.g. -o 通报.docx"))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    first = _date_option(ctx, since, "--since", day) if since else None
    soon_days = ledger.settings.soon_days if soon is None else soon
    made = build_bulletin(obligations, day, soon_days, first)
    try:
        if fmt is BulletinFormat.docx:
            from gkledger.render.docx import bulletin_docx

            payload = bulletin_docx(made, ledger.settings)
        elif fmt is BulletinFormat.html:
            from gkledger.render.html import bulletin_html

            payload = bulletin_html(made, ledger.settings).encode("utf-8")
        else:
            from gkledger.render.bulletin import to_markdown

            office = ledger.settings.office or (ledger.plan.issuer if ledger.plan else None)
            payload = to_markdown(made, office).encode("utf-8")
    except ImportError as exc:
        _missing_extra(exc)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    _write_output(output, payload)
    typer.echo(_f("Wrote {file}", file=output), err=True)
