"""The iCalendar export: the one module that imports icalendar (an optional extra, imported lazily).

One all-day event per task deadline, the units still owing it in the description, so that an
office's calendar shows what falls due when. The library folds long lines at 75 octets without
splitting a Chinese character.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from gkledger import __version__
from gkledger.core.model import Task
from gkledger.core.status import Row
from gkledger.render.labels import ZH
from gkledger.render.text import visible
from gkledger.views.reports import Report


def _uid(report: Report, task_id: str) -> str:
    plan = report.plan
    basis = f"{plan.number or plan.title}|{plan.year}" if plan else "gkledger"
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
    return f"{digest}-task-{task_id}@gkledger"


def to_ics(report: Report) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//gkledger//gkledger {__version__}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    plan = report.plan
    calendar.add("x-wr-calname", visible((plan.attachment or plan.title) if plan else "任务台账"))
    stamp = dt.datetime.combine(report.today, dt.time(0, 0), tzinfo=dt.UTC)
    for line in report.tasks:
        task = line.task
        if task.deadline is None:
            continue
        # One event per period of a recurring task (每季度末), one for any other task.
        periods: list[tuple[str | None, dt.date]] = [(p.label, p.due) for p in task.deadline.periods]
        for period, due in periods or [(None, task.deadline.due)]:
            owing = tuple(row for row in line.owing if row.period == period)
            calendar.add_component(_event(report, task, period, due, owing, stamp))
    return bytes(calendar.to_ical())


def _event(
    report: Report, task: Task, period: str | None, due: dt.date, owing: tuple[Row, ...], stamp: dt.datetime
) -> Event:
    assert task.deadline is not None
    event = Event()
    event.add("uid", _uid(report, task.id if period is None else f"{task.id}-{period}"))
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + dt.timedelta(days=1))
    prefix = "【持续】" if task.deadline.ongoing else ""
    which = f"（{period}）" if period else ""
    event.add("summary", visible(f"{prefix}任务{task.id}{which}到期：{task.text[:40]}"))
    lines = [
        f"具体任务：{task.text}",
        f"责任单位：{task.owners}",
        f"完成时限：{task.deadline.text}" + (f"（本期 {period}）" if period else ""),
    ]
    if owing:
        lines.append(f"尚未办结（{len(owing)}）：")
        lines.extend(f"- {row.unit.name}（{ZH[row.status]}）" for row in owing)
    else:
        lines.append("已全部办结。")
    event.add("description", visible("\n".join(lines)))
    event.add("categories", ["政务公开"])
    if owing:
        event.add("status", "CONFIRMED")
    return event
