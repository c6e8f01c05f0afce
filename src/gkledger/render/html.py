"""The HTML export: the one module that imports Jinja2 (an optional extra, imported lazily).

One self-contained page (no scripts, no network: a Content-Security-Policy says so) with the
summary, the late list, the tasks × units matrix and the records; readable on a phone and printable
on A4. Every piece of data passes through Jinja2's autoescaping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from gkledger import __version__, i18n
from gkledger.core.model import Settings, signing_office
from gkledger.core.status import STATUSES, Row
from gkledger.i18n import _, _f
from gkledger.render.bulletin import TEXT_COLUMNS, bulletin_text, contact_cn, header_lines
from gkledger.render.labels import cn_date, document_number, label, marks, rate_text, task_short
from gkledger.render.text import title_lines, visible
from gkledger.views.reports import Bulletin, Report, matrix_groups


def _percent(rate: float | None) -> int:
    return 0 if rate is None else round(rate * 100)


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("gkledger", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda value: visible(value) if isinstance(value, str) else value,
    )


def bulletin_html(bulletin: Bulletin, settings: Settings) -> str:
    """The 通报 as one printable page (A4 margins of GB/T 9704), with no scripts."""
    plan = bulletin.plan
    contact = contact_cn(settings)
    made = bulletin_text(bulletin)
    prefix = settings.number_prefix
    return (
        _environment()
        .get_template("bulletin.html.j2")
        .render(
            title=made.title,
            title_lines=title_lines(made.title),
            number=document_number(prefix, bulletin.today.year) if prefix else "",
            intro=made.intro,
            sections=made.sections,
            note=made.attachment_note,
            attachments=made.attachments,
            label=made.label,
            header_lines=header_lines,
            text_columns=TEXT_COLUMNS,
            contact=contact,
            office=signing_office(settings, plan),
            date=cn_date(bulletin.today),
            version=__version__,
        )
    )


def css_string(text: str) -> str:
    """A CSS string literal that holds `text` and nothing else: every ASCII character but letters,
    digits and spaces is a hex escape (so no quote, backslash or </style> can end it)."""
    out = ['"']
    for char in text:
        if (char.isascii() and not (char.isalnum() or char == " ")) or not char.isprintable():
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


class LateGroup(NamedTuple):
    """The units late on one task for one due date: one row of the page's 逾期事项."""

    row: Row  # the first of them, for the task, its due date and days late
    units: list[str]


def late_groups(late: Sequence[Row]) -> list[LateGroup]:
    """Late rows by task and due date, in the order they come (most overdue first): the task's
    text once with the units late on it, not once per unit."""
    groups: dict[tuple[str, dt.date], LateGroup] = {}
    for row in late:
        group = groups.setdefault((row.task.id, row.due), LateGroup(row, []))
        group.units.append(row.unit.name)
    return list(groups.values())


# Cells (records, and matrix cells) past which a browser lays out the matrix and the records only as
# they scroll into view: a province's page otherwise spends most of its opening on tables below
# the fold.
LAZY_FROM = 20_000


def to_html(report: Report) -> str:
    """The page: summary, late list grouped by task, the matrix per kind of unit, the records in
    parts of 400 rows."""
    template = _environment().get_template("report.html.j2")
    plan = report.plan
    title = (plan.attachment or plan.title) if plan else _("Task ledger")
    chinese = i18n.current() == "zh"
    day = cn_date(report.today) if chinese else report.today.isoformat()  # as the page's title says it
    header = f"{title} · " + (_f("as of {day}", day=day) if chinese else day)
    records = [r for r in report.rows if r.record is not None]
    return template.render(
        title=title,
        print_header=Markup(css_string(visible(header))),
        matrix_groups=matrix_groups(report.units),
        plan=plan,
        unit=report.unit,
        today=day,
        soon_days=report.soon_days,
        overall=report.overall,
        by_unit=report.by_unit,
        late=report.late,
        late_groups=late_groups(report.late),
        units=report.units,
        tasks=report.tasks,
        records=records,
        lazy=len(records) + len(report.tasks) * len(report.units) > LAZY_FROM,
        status=report.status,
        labels={status: label(status) for status in STATUSES},
        short=marks(),
        html_lang="zh-CN" if chinese else "en",
        list_sep="、" if chinese else ", ",
        _=_,
        _f=_f,
        row_label=task_short,
        rate=rate_text,
        percent=_percent,
        version=__version__,
    )
