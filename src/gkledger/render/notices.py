"""督办 notices (催办通知): for each unit, its late and due-soon items, ready to paste into a message.

Markdown by default, or plain text. Data is escaped for Markdown so that a note cannot turn into
links, emphasis or raw HTML where the notice is rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from gkledger.core.model import Settings, Unit, signing_office
from gkledger.core.status import Row
from gkledger.render.labels import cn_date, task_cn
from gkledger.render.text import markdown as md
from gkledger.views.reports import Report, group_by_unit


def when_cn(row: Row, returned: bool = True) -> str:
    """How an item stands against its due day, said once: 逾期63天, 今天到期, 还有3天到期, with
    the office's return when there was one (退回重办：佐证链接打不开) unless `returned` is False
    (a line of its own says it)."""
    said = (
        f"逾期{-row.days_left}天"
        if row.days_left < 0
        else ("今天到期" if row.days_left == 0 else f"还有{row.days_left}天到期")
    )
    if returned and row.review == "returned":
        said += f"（退回重办：{row.returned_reason or ''}）"
    return said


def reply_sentence(reply_by: dt.date | None, office: str | None) -> str:
    if reply_by is None:
        return "请抓紧办理，并及时反馈办理情况和佐证材料。"
    return f"请高度重视，于{cn_date(reply_by)}前办结，并将完成情况及佐证材料报送{office or '我办'}。"


def notice(
    unit: Unit,
    rows: Sequence[Row],
    today: dt.date,
    plan_title: str | None,
    issuer: str | None,
    markdown: bool = True,
    reply_by: dt.date | None = None,
) -> str:
    """One unit's notice; `rows` are its late and due-soon obligations, `reply_by` the day it asks
    them to be done by."""
    esc = md if markdown else (lambda text: text)
    late = [r for r in rows if r.status == "late"]
    soon = [r for r in rows if r.status == "due-soon"]
    title = f"催办通知 · {unit.name}"
    out: list[str] = [f"# {esc(title)}" if markdown else title, ""]
    plan = f"《{plan_title}》" if plan_title else "工作要点"
    out.extend([f"{esc(unit.full_name)}：", ""])
    out.append(
        f"截至{cn_date(today)}，你单位在{esc(plan)}任务台账中有{counts_phrase(len(late), len(soon))}。"
        + esc(reply_sentence(reply_by, issuer))
    )
    for heading, group in (("逾期事项", late), ("临期事项", soon)):
        if not group:
            continue
        out.append("")
        out.append(f"## {heading}（{len(group)}项）" if markdown else f"{heading}（{len(group)}项）")
        out.append("")
        for number, row in enumerate(group, start=1):
            deadline = row.task.deadline.text if row.task.deadline else ""
            out.append(f"{number}. 【任务{esc(task_cn(row))}】{esc(row.task.text)}")
            indent = "   - " if markdown else "   "
            day = cn_date(row.due)
            when = (
                when_cn(row, returned=False) if day in deadline else f"{day}，{when_cn(row, returned=False)}"
            )
            out.append(f"{indent}完成时限：{esc(deadline) or day}（{when}）")
            if row.review == "returned":
                out.append(f"{indent}退回理由：{esc(row.returned_reason or '')}")
            out.append(f"{indent}责任单位：{esc(row.task.owners)}")
    out.append("")
    if issuer:
        out.append(esc(issuer))
    out.append(cn_date(today))
    return "\n".join(out) + "\n"


def counts_phrase(late: int, soon: int) -> str:
    """逾期事项2项、临期事项1项, leaving out what there is none of."""
    parts = [f"{name}{count}项" for name, count in (("逾期事项", late), ("临期事项", soon)) if count]
    return "、".join(parts) or "无逾期和临期事项"


def notices(
    report: Report,
    settings: Settings,
    markdown: bool = True,
    replies: Mapping[str, dt.date] | None = None,
) -> list[tuple[Unit, str]]:
    """One notice per unit with late or due-soon items, in the report's unit order, signed by the
    office of `settings`; `replies` the reply date of each unit's notice."""
    grouped = group_by_unit(report.attention)
    plan = report.plan
    office = signing_office(settings, plan)
    return [
        (
            unit,
            notice(
                unit,
                grouped[unit.name],
                report.today,
                plan.title if plan else None,
                office,
                markdown=markdown,
                reply_by=(replies or {}).get(unit.name),
            ),
        )
        for unit in report.units
        if unit.name in grouped
    ]


def file_name(unit: Unit, today: dt.date, suffix: str) -> str:
    """A notice's file name: one path part, whatever the unit is called."""
    safe = "".join("_" if c in '/\\:*?"<>|' or not c.isprintable() else c for c in unit.name).lstrip(".")
    return f"催办通知-{safe or 'unit'}-{today.isoformat().replace('-', '')}.{suffix}"
