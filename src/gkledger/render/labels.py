"""What people read for each status, one map per language. Statuses themselves stay the seven
English words of the JSON contract; only renderers turn them into labels. The same for the states
of links, of collected rows and of audit flags: words in JSON, labels in the user's language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from gkledger import i18n
from gkledger.core.model import Task
from gkledger.core.status import NAMES_ZH, Row, Spread, Status, number_cn
from gkledger.i18n import N_, _, _f

if TYPE_CHECKING:
    from gkledger.core.scoring import Score

ZH: dict[Status, str] = NAMES_ZH
EN: dict[Status, str] = {
    "late": "late",
    "due-soon": "due-soon",
    "reported": "reported",
    "pending": "pending",
    "ongoing": "ongoing",
    "done": "done",
    "done-late": "done-late",
    "waived": "waived",
}


def label(status: Status) -> str:
    """The terminal's label, in the user's language (逾期, or late)."""
    return ZH[status] if i18n.current() == "zh" else EN[status]


_STATES = {
    "ok": N_("ok"),
    "redirected": N_("redirected"),
    "broken": N_("broken"),
    "recorded": N_("recorded"),
    "replaced": N_("replaced"),
    "unchanged": N_("unchanged"),
    "refused": N_("refused"),
}
_FLAGS = {
    "late-extension": N_("late-extension"),
    "not-committed": N_("not-committed"),
    "late-entry": N_("late-entry"),
    "redated": N_("redated"),
    "removed": N_("removed"),
    "not-maintainer": N_("not-maintainer"),
    "cross-unit": N_("cross-unit"),
    "history-cut": N_("history-cut"),
}


_FORESEEN = {"recorded": N_("to be recorded"), "replaced": N_("to be replaced")}


def state_label(state: str, dry_run: bool = False) -> str:
    """A link's state (ok, redirected, broken) or a collected row's (recorded … refused); on a dry
    run, what would be done (待登记), never what was not."""
    if dry_run and state in _FORESEEN:
        return _(_FORESEEN[state])
    return _(_STATES.get(state, state))


def flag_label(flag: str) -> str:
    """An audit flag (late-entry, redated …)."""
    return _(_FLAGS.get(flag, flag))


# One character per status, for a narrow matrix column (xlsx and HTML); the legend says what each means.
MARKS: dict[Status, str] = {
    "late": "逾",
    "due-soon": "临",
    "reported": "审",
    "pending": "待",
    "ongoing": "续",
    "done": "完",
    "done-late": "迟",
    "waived": "免",
}


EN_MARKS: dict[Status, str] = {
    "late": "L",
    "due-soon": "S",
    "reported": "R",
    "pending": "P",
    "ongoing": "O",
    "done": "D",
    "done-late": "DL",
    "waived": "W",
}


def marks() -> dict[Status, str]:
    """The matrix's marks in the user's language (逾, or L for late)."""
    return MARKS if i18n.current() == "zh" else EN_MARKS


def spread_text(spread: Spread) -> str:
    """How many units, and periods when there are several: 13 个单位 4 期."""
    if len(spread.periods) > 1:
        return _f("{units} units, {periods} periods", units=len(spread.units), periods=len(spread.periods))
    return _f("{units} units", units=len(spread.units))


RATE_NUMBER_FORMAT = "0.0%"  # a spreadsheet shows a rate as rate_text writes it


def rate_text(rate: float | None) -> str:
    """A rate as every document and view writes it, one rule in one place: a percentage with one
    decimal, halves rounded up (as a spreadsheet's 0.0% does), "—" when nothing is due yet."""
    if rate is None:
        return "—"
    shown = (Decimal(repr(rate)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown}%"


def cn_date(day: dt.date) -> str:
    """A day as Chinese documents write it (the 成文日期 of GB/T 9704-2012 too): 2021年9月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


# A prefix that already carries the year (某政办督〔2022〕, or with brackets other than 〔〕).
_PREFIX_YEAR = re.compile(r"[〔［\[（(【]\s*(\d{4})\s*[〕］\]）)】]\s*$")


def document_number(prefix: str, year: int, number: int | None = None) -> str:
    """The 发文字号 (GB/T 9704-2012 7.2.4): the 机关代字, the year in 〔〕 and the number, 呼政办督〔2021〕
    3号; a blank where the number is to be written in by hand. A prefix that ends in its own year
    keeps that year, in 〔〕."""
    shown = str(number) if number is not None else "\u3000"
    given = _PREFIX_YEAR.search(prefix)
    if given:
        prefix, year = prefix[: given.start()], int(given.group(1))
    return f"{prefix.rstrip()}〔{year}〕{shown}号"


def task_cn(row: Row) -> str:
    """The task's number as a document says it: 5, or 5（7月） for one period of a recurring task."""
    return number_cn(row.task.id, row.period)


def task_number(row: Row) -> str:
    """The task's number in the user's language: 5（7月）, or 5·07 in English."""
    return task_cn(row) if i18n.current() == "zh" else row.task_label


_DECISIONS = {"confirmed": N_("confirmed"), "returned": N_("returned"), "extended": N_("extended")}
_REVIEWS = {
    "reported": N_("reported, awaiting review"),
    "confirmed": N_("confirmed"),
    "returned": N_("returned"),
}


def decision_label(kind: str) -> str:
    """An office decision (confirmed, returned, extended) in the user's language: 已确认, 已退回, 已延期."""
    return _(_DECISIONS.get(kind, kind))


def review_label(review: str | None) -> str:
    """Where the office's review of a row stands: 待审核, 已确认, 已退回; "" when it has none."""
    return _(_REVIEWS[review]) if review in _REVIEWS else ""


def deductions_text(score: Score) -> str:
    """What a unit's score lost points for, one rule for the console and the workbook:
    4（7月） 逾期 −2；9 已退回 −1 (4·2021-07 late −2; 9 returned −1 in English)."""
    chinese = i18n.current() == "zh"
    return _("; ").join(
        _f(
            "{task} {why} −{points}",
            task=number_cn(d.task, d.period) if chinese else d.task + (f"·{d.period}" if d.period else ""),
            why=decision_label(d.why) if d.why == "returned" else label(d.why),  # type: ignore[arg-type]
            points=f"{d.points:g}",
        )
        for d in score.deductions
    )


def place_text(score: Score) -> str:
    """A unit's rank, 并列 when shared: 并列第1, 第3 (tied 1, 3)."""
    if i18n.current() == "zh":
        return place_cn(score.rank, score.tied)
    return _f("tied {rank}", rank=score.rank) if score.tied else str(score.rank)


def place_cn(place: int | None, tied: bool) -> str:
    """A place as a document ranks: 并列第1, 第3; "—" for none (nothing due yet)."""
    if place is None:
        return "—"
    return f"并列第{place}" if tied else f"第{place}"


def task_short(task: Task, limit: int = 24) -> str:
    """A task's label where its whole text does not fit (a matrix's rows): its number and name
    (任务名称), else the start of its text; the 台账 carries the whole text."""
    name = task.item or task.text
    return f"{task.id} · {name if len(name) <= limit else name[: limit - 1] + '…'}"
