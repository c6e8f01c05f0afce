"""What people read for each status, one map per language. Statuses themselves stay the seven
English words of the JSON contract; only renderers turn them into labels."""

from __future__ import annotations

from gkledger.status import Status

ZH: dict[Status, str] = {
    "late": "逾期",
    "due-soon": "临期",
    "pending": "未到期",
    "ongoing": "持续",
    "done": "已完成",
    "done-late": "逾期完成",
    "waived": "免办",
}
EN: dict[Status, str] = {
    "late": "late",
    "due-soon": "due-soon",
    "pending": "pending",
    "ongoing": "ongoing",
    "done": "done",
    "done-late": "done-late",
    "waived": "waived",
}


def both(status: Status) -> str:
    """The terminal's label: the Chinese word, then the contract's word (逾期 late)."""
    return f"{ZH[status]} {EN[status]}"
