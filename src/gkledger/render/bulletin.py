"""The words of a 通报 (bulletin), shared by its Word, Markdown and HTML forms, and its Markdown.
Pure: a `Bulletin` in, text out."""

from __future__ import annotations

import datetime as dt
import re

from gkledger.views.reports import Bulletin


def cn_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2021年9月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_title(bulletin: Bulletin) -> str:
    return f"关于{bulletin.plan.title if bulletin.plan else '政务公开工作要点'}落实情况的通报"


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def bulletin_intro(bulletin: Bulletin) -> str:
    overall = bulletin.overall
    return (
        f"截至{cn_date(bulletin.today)}，共涉及{len(bulletin.ranking)}个单位、{overall.total}项任务事项，"
        f"已办结{overall.finished}项，逾期未办结{overall.counts['late']}项，"
        f"按期办结率{_rate(overall.on_time_rate)}。现将有关情况通报如下。"
    )


_CN = "一二三四五六七八九十"


Section = tuple[str, tuple[str, ...], list[tuple[str, ...]], str]


def bulletin_sections(bulletin: Bulletin) -> list[Section]:
    """(heading, table headers, table rows, text) for each section that has something to say."""
    sections: list[Section] = []
    rows: list[tuple[str, ...]]
    ranking: list[tuple[str, ...]] = [
        (
            str(i),
            s.unit.name if s.unit else "",
            str(s.total),
            str(s.finished),
            str(s.on_time),
            str(s.counts["late"]),
            _rate(s.on_time_rate),
        )
        for i, s in enumerate(bulletin.ranking, start=1)
    ]
    if ranking:
        sections.append(
            (
                "各单位按期办结情况",
                ("排名", "单位", "事项", "已办结", "按期办结", "逾期未办结", "按期办结率"),
                ranking,
                "",
            )
        )
    if bulletin.spotless:
        names = "、".join(u.name for u in bulletin.spotless)
        sections.append(
            ("无逾期事项的单位", (), [], f"{names}，共{len(bulletin.spotless)}个单位无逾期事项。")
        )
    since = cn_date(bulletin.since) if bulletin.since else ""
    if bulletin.done_since:
        rows = [
            (r.unit.name, r.task_label, r.record.done.isoformat() if r.record and r.record.done else "")
            for r in bulletin.done_since
        ]
        sections.append((f"{since}以来办结的事项", ("单位", "序号", "完成日期"), rows, f"共{len(rows)}项。"))
    if bulletin.late_since:
        rows = [
            (r.unit.name, r.task_label, r.due.isoformat(), f"已逾期{-r.days_left}天")
            for r in bulletin.late_since
        ]
        sections.append(
            (f"{since}以来新增的逾期事项", ("单位", "序号", "到期日期", "逾期"), rows, f"共{len(rows)}项。")
        )
    if bulletin.worst_tasks:
        rows = [
            (t.task.id, t.task.text, str(len(t.late)), "、".join(u.name for u in t.late))
            for t in bulletin.worst_tasks
        ]
        sections.append(("逾期单位较多的任务", ("序号", "具体任务", "逾期单位数", "逾期单位"), rows, ""))
    return [
        (f"{_CN[i]}、{heading}", headers, table, text)
        for i, (heading, headers, table, text) in enumerate(sections)
    ]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def to_markdown(bulletin: Bulletin, office: str | None) -> str:
    lines = [f"# {_md(bulletin_title(bulletin))}", "", "各有关单位：", "", _md(bulletin_intro(bulletin))]
    for heading, headers, rows, text in bulletin_sections(bulletin):
        lines += ["", f"## {_md(heading)}", ""]
        if text:
            lines += [_md(text), ""]
        if rows:
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("|" + "---|" * len(headers))
            lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    lines.append("")
    if office:
        lines.append(_md(office))
    lines.append(cn_date(bulletin.today))
    return "\n".join(lines) + "\n"
