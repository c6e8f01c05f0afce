"""回头看 as data (JSON, CSV) and as the 回头看 section of a 政府信息公开工作年度报告 (Markdown)."""

from __future__ import annotations

import datetime as dt

from gkledger.core.status import Row, period_cn
from gkledger.render.labels import cn_date, rate_text
from gkledger.render.records import JsonObject, summary_record
from gkledger.render.text import markdown as md
from gkledger.views.review import Review, UnitReview

OUTCOME_COLUMNS = ("unit", "task", "period", "due", "outcome", "done", "days_late", "reason", "text")


def _item(row: Row, outcome: str, days_late: int | None = None) -> JsonObject:
    record = row.record
    return {
        "unit": row.unit.name,
        "task": row.task.id,
        "period": row.period,
        "due": row.due.isoformat(),
        "outcome": outcome,
        "done": record.done.isoformat() if record is not None and record.done else None,
        "days_late": days_late,
        "reason": record.waived if record is not None else None,
        "text": row.task.text,
    }


def items(unit: UnitReview) -> list[JsonObject]:
    """What a 回头看 lists of one unit: never done (days late as of the review), done late, waived."""
    return [
        *(_item(row, "never-done", -row.days_left) for row in unit.never_done),
        *(_item(row, "done-late", days) for row, days in unit.done_late),
        *(_item(row, "waived") for row in unit.waived),
    ]


def review_record(review: Review) -> JsonObject:
    plan = review.plan
    return {
        "plan": {"title": plan.title, "year": plan.year} if plan else None,
        "today": review.today.isoformat(),
        "ended": review.ended.isoformat() if review.ended else None,
        "total": summary_record(review.total),
        "units": [{**summary_record(u.summary), "items": items(u)} for u in review.units],
    }


def review_rows(review: Review) -> list[JsonObject]:
    """One CSV row per item of every unit."""
    return [item for unit in review.units for item in items(unit)]


def review_markdown(review: Review) -> str:
    """The 回头看 section of an annual report: the totals in words, a table per unit, then what
    was never done, done late and waived, item by item."""
    plan = review.plan
    title = md(plan.title) if plan else "工作要点"
    total = review.total
    as_of = review.today  # the figures are of today: a completion after the plan's end is done late
    state = "已结束" if review.ended else "仍在执行中"
    lines = [
        f"## {title}落实情况回头看",
        "",
        f"{title}（{state}）共明确任务{review.tasks}项，"
        f"涉及责任单位{len(review.units)}个、责任事项{total.total}项。截至{cn_date(as_of)}，"
        f"应办结{total.due_so_far}项，按期办结{total.on_time}项，逾期办结{review.done_late}项，"
        f"未办结{review.never_done}项，免于办理{review.waived}项，按期办结率{rate_text(total.on_time_rate)}。",
        "",
        "### 一、各单位落实情况",
        "",
        "| 单位 | 责任事项 | 应办结 | 按期办结 | 逾期办结 | 未办结 | 免于办理 | 按期办结率 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for unit in review.units:
        s = unit.summary
        lines.append(
            f"| {md(unit.unit.name)} | {s.total} | {s.due_so_far} | {s.on_time} | {len(unit.done_late)} "
            f"| {len(unit.never_done)} | {len(unit.waived)} | {rate_text(s.on_time_rate)} |"
        )
    lines.append(
        f"| 合计 | {total.total} | {total.due_so_far} | {total.on_time} | {review.done_late} "
        f"| {review.never_done} | {review.waived} | {rate_text(total.on_time_rate)} |"
    )
    never = [(u, row, "") for u in review.units for row in u.never_done]
    late = [
        (u, row, f"{cn_date(row.record.done)}办结，逾期{days}天")
        for u in review.units
        for row, days in u.done_late
        if row.record is not None and row.record.done is not None
    ]
    waived = [
        (u, row, f"理由：{md(row.record.waived)}")
        for u in review.units
        for row in u.waived
        if row.record is not None and row.record.waived is not None
    ]
    order = {task_id: place for place, task_id in enumerate(review.task_ids)}
    for heading, found, verb in (
        ("二、未办结事项", never, "未办结"),
        ("三、逾期办结事项", late, "逾期办结"),
        ("四、免于办理事项", waived, "免于办理"),
    ):
        lines.extend(["", f"### {heading}", ""])
        lines.extend(_by_task(found, verb, order) or ["无。"])
    return "\n".join(lines) + "\n"


def _by_task(found: list[tuple[UnitReview, Row, str]], verb: str, order: dict[str, int]) -> list[str]:
    """One bullet per task (and period), in the plan's order (`order`, each task id's place) and
    then by due day: its text once, then the units, each with what is its own (the day it was
    done, the reason it was waived), and how many."""
    groups: dict[tuple[str, str | None, dt.date], list[tuple[UnitReview, Row, str]]] = {}
    for entry in found:  # an extension gives a unit a due date of its own: it is a group apart
        groups.setdefault((entry[1].task.id, entry[1].period, entry[1].due), []).append(entry)
    bullets = []
    for key in sorted(groups, key=lambda k: (order.get(k[0], len(order)), k[2], k[1] or "")):
        entries = groups[key]
        row = entries[0][1]
        period = f"（{period_cn(row.period)}）" if row.period else ""
        units = "、".join(
            f"{md(u.unit.name)}（{what}）" if what else md(u.unit.name) for u, _row, what in entries
        )
        bullets.append(
            f"- 任务{md(row.task.id)}{period}「{md(row.task.text)}」（应于{cn_date(row.due)}前完成）："
            f"{units}，共{len(entries)}个单位{verb}。"
        )
    return bullets
