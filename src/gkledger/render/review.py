"""回头看 as data (JSON, CSV) and as the 回头看 section of a 政府信息公开工作年度报告 (Markdown)."""

from __future__ import annotations

import datetime as dt
import re

from gkledger.core.status import Row
from gkledger.render.labels import rate_text
from gkledger.render.records import JsonObject, summary_record
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


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def review_markdown(review: Review) -> str:
    """The 回头看 section of an annual report: the totals in words, a table per unit, then what
    was never done, done late and waived, item by item."""
    plan = review.plan
    title = _md(plan.title) if plan else "工作要点"
    total = review.total
    as_of = review.ended or review.today
    state = "已结束" if review.ended else "仍在执行中"
    lines = [
        f"## {title}落实情况回头看",
        "",
        f"{title}（{state}）共明确任务{review.tasks}项，"
        f"涉及责任单位{len(review.units)}个、责任事项{total.total}项。截至{_cn(as_of)}，"
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
            f"| {_md(unit.unit.name)} | {s.total} | {s.due_so_far} | {s.on_time} | {len(unit.done_late)} "
            f"| {len(unit.never_done)} | {len(unit.waived)} | {rate_text(s.on_time_rate)} |"
        )
    lines.append(
        f"| 合计 | {total.total} | {total.due_so_far} | {total.on_time} | {review.done_late} "
        f"| {review.never_done} | {review.waived} | {rate_text(total.on_time_rate)} |"
    )
    sections = [
        (
            "二、未办结事项",
            [(u, row, f"应于{_cn(row.due)}前完成，至今未办结") for u in review.units for row in u.never_done],
        ),
        (
            "三、逾期办结事项",
            [
                (u, row, f"应于{_cn(row.due)}前完成，{_cn(row.record.done)}办结，逾期{days}天")
                for u in review.units
                for row, days in u.done_late
                if row.record is not None and row.record.done is not None
            ],
        ),
        (
            "四、免于办理事项",
            [
                (u, row, f"免于办理，理由：{_md(row.record.waived)}")
                for u in review.units
                for row in u.waived
                if row.record is not None and row.record.waived is not None
            ],
        ),
    ]
    for heading, found in sections:
        lines.extend(["", f"### {heading}", ""])
        if not found:
            lines.append("无。")
            continue
        for unit, row, what in found:
            period = f"（{row.period}）" if row.period else ""
            lines.append(
                f"- {_md(unit.unit.name)}：任务{_md(row.task.id)}{period}「{_md(row.task.text)}」，{what}。"
            )
    return "\n".join(lines) + "\n"
