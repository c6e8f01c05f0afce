"""Working days by the official calendar, for the reply date a 催办 asks for. Pure: the calendar is
data (the State Council's holiday notices with their 调休 working weekends, as the maintained
chinesecalendar package carries them), and the day is a parameter.

A reply date is `working_days` working days after the notice, never later than the earliest due
date the notice lists that has not passed (a notice must not ask for work after its deadline), and
always a working day. Where both cannot hold (no working day between the notice and that due
date), the due date wins. A year the calendar does not know yet is counted Monday to Friday, and
the reply says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from gkledger.i18n import _f


def _official(day: dt.date) -> bool | None:
    """Whether `day` is a working day by the official calendar; None for a year it does not know."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # chinese_calendar's "no available data for year …": not our stub
        return None


def is_workday(day: dt.date) -> bool:
    known = _official(day)
    return day.weekday() < 5 if known is None else known


def calendar_knows(day: dt.date) -> bool:
    return _official(day) is not None


class ReplyDate(NamedTuple):
    day: dt.date
    note: str | None  # why the day may be off: the calendar does not know its year


def add_workdays(day: dt.date, working_days: int) -> dt.date:
    """The day `working_days` working days after `day` (its own day not counted)."""
    counted = 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        counted += is_workday(day)
    return day


def reply_date(today: dt.date, dues: Iterable[dt.date], working_days: int) -> ReplyDate:
    """The day a notice issued `today` asks its items to be done by (see the module docstring)."""
    day = add_workdays(today, working_days)
    coming = [due for due in dues if due >= today]
    if coming and day > min(coming):
        day = min(coming)
        while day > today and not is_workday(day):
            day -= dt.timedelta(days=1)
        if not is_workday(day):
            day = min(coming)  # no working day before it: the due date itself
    unknown = sorted({d.year for d in (today, day) if not calendar_knows(d)})
    note = (
        _f(
            "the official holiday calendar for {years} is not known yet: working days are counted "
            "Monday to Friday (update chinesecalendar, or give --reply-by)",
            years=", ".join(map(str, unknown)),
        )
        if unknown
        else None
    )
    return ReplyDate(day, note)
