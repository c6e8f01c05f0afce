"""The words of a 通报 (bulletin), shared by its Word, Markdown and HTML forms, and its Markdown.
Pure: a `Bulletin` in, text out.

A 通报 reads as offices write one: the figures in a sentence, then 一、二、… sections of prose
(rankings with 并列, what was done and what fell late, 存在问题, 下一步工作要求), the 附件说明
after the body, and the detail tables as 附件 after the 成文日期, each on its own page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gkledger.core.model import Settings
from gkledger.core.scoring import Score
from gkledger.core.status import Row, Spread, Summary
from gkledger.render.labels import cn_date, place_cn, rate_text, task_cn
from gkledger.render.text import markdown as md
from gkledger.views.reports import Bulletin


def contact_cn(settings: Settings) -> str:
    """The office's 联系人 and 联系电话 as a document names them ("" when settings give neither)."""
    parts = (
        f"联系人：{settings.contact}" if settings.contact else "",
        f"联系电话：{settings.phone}" if settings.phone else "",
    )
    return "，".join(part for part in parts if part)


def spread_cn(spread: Spread) -> str:
    """13个单位, or 13个单位6期 for a recurring task late in several periods."""
    periods = f"{len(spread.periods)}期" if len(spread.periods) > 1 else ""
    return f"{len(spread.units)}个单位{periods}"


# The columns of a document's table that hold text (a task, a list of units): they take the
# width the others leave, and wrap; the others hold a number, a date or a name, on one line.
TEXT_COLUMNS = ("具体任务", "逾期单位", "单位", "地区")
# A long header goes on two lines, broken between its words.
_HEADER_LINES = {"按期办结": "按期\n办结", "逾期未办结": "逾期\n未办结", "按期办结率": "按期\n办结率",
                 "逾期天数": "逾期\n天数", "逾期单位数": "逾期\n单位数"}  # fmt: skip


def header_lines(header: str) -> str:
    """A table header as a document sets it: 按期\n办结率, broken between its words."""
    return _HEADER_LINES.get(header, header)


@dataclass(frozen=True)
class Attachment:
    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class BulletinText:
    title: str
    intro: str
    sections: list[tuple[str, tuple[str, ...]]]  # 一、heading and its paragraphs
    attachments: list[Attachment]

    def label(self, number: int) -> str:
        """What the 附件 is called, on its page and in the text: 附件2, or 附件 when it is the only
        one (GB/T 9704-2012 7.3.4 numbers several, not one)."""
        return f"附件{number}" if len(self.attachments) > 1 else "附件"

    @property
    def attachment_note(self) -> list[str]:
        """附件说明 as GB/T 9704 lays it out: 附件：1．… with the later names under the first."""
        if not self.attachments:
            return []
        if len(self.attachments) == 1:
            return [f"附件：{self.attachments[0].title}"]
        return [
            ("附件：" if i == 1 else "　　　") + f"{i}．{a.title}"
            for i, a in enumerate(self.attachments, start=1)
        ]


def bulletin_title(bulletin: Bulletin) -> str:
    return f"关于{bulletin.plan.title if bulletin.plan else '政务公开工作要点'}落实情况的通报"


def bulletin_intro(bulletin: Bulletin) -> str:
    overall = bulletin.overall
    waived = overall.counts["waived"]
    exempt = f"免于办理{waived}项，" if waived else ""
    exempt += f"经批准延期{bulletin.extended}项，" if bulletin.extended else ""
    exempt += f"已上报待审核{overall.counts['reported']}项，" if overall.counts["reported"] else ""
    return (
        f"截至{cn_date(bulletin.today)}，共涉及{len(bulletin.ranking)}个{bulletin.noun}、{overall.total}项任务事项，"
        f"已办结{overall.completed}项，{exempt}逾期未办结{overall.counts['late']}项，"
        f"按期办结率{rate_text(overall.on_time_rate)}。现将有关情况通报如下。"
    )


_CN = "一二三四五六七八九十"


def bulletin_text(bulletin: Bulletin) -> BulletinText:
    """The whole 通报: its sections of prose and its 附件."""
    sections: list[tuple[str, tuple[str, ...]]] = []
    attachments: list[Attachment] = []

    def attach(title: str, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
        attachments.append(Attachment(title, headers, rows))
        return _ATTACHMENT.format(len(attachments))  # named once it is known how many there are

    ranking = _ranking_rows(bulletin)
    if ranking:
        noun = bulletin.noun
        headers = ("排名", noun, *RANKING_HEADERS[2:]) + (("得分", "等次") if bulletin.scores else ())
        where = attach(f"各{noun}按期办结情况", headers, ranking)
        said = _ranking_prose(bulletin) + f"各{noun}具体情况见{where}。"
        sections.append((f"各{noun}按期办结情况", (said,)))
    if bulletin.spotless:
        names = "、".join(u.name for u in bulletin.spotless)
        noun = bulletin.noun
        sections.append(
            (f"无逾期事项的{noun}", (f"{names}，共{len(bulletin.spotless)}个{noun}无逾期事项。",))
        )
    since = cn_date(bulletin.since) if bulletin.since else ""
    if bulletin.done_since:
        done = [(r.unit.name, task_cn(r), r.task.text, _done_on(r)) for r in bulletin.done_since]
        where = attach(f"{since}以来办结的事项", ("单位", "序号", "具体任务", "完成日期"), done)
        said = f"{_by_unit(bulletin.done_since)}，共{len(done)}项，详见{where}。"
        sections.append((f"{since}以来办结的事项", (said,)))
    if bulletin.late_since:
        late = [
            (r.unit.name, task_cn(r), r.task.text, cn_date(r.due), f"逾期{-r.days_left}天")
            for r in bulletin.late_since
        ]
        headers = ("单位", "序号", "具体任务", "到期日期", "逾期天数")
        where = attach(f"{since}以来新增的逾期事项", headers, late)
        said = f"{_by_unit(bulletin.late_since)}，共{len(late)}项，详见{where}。"
        sections.append((f"{since}以来新增的逾期事项", (said,)))
    if any(len(t.late.units) > 1 for t in bulletin.worst_tasks[:3]):  # the text refers to it
        tasks = [
            (t.task.id, t.task.text, spread_cn(t.late), "、".join(u.name for u in t.late.units))
            for t in bulletin.worst_tasks
        ]
        worst = attach("逾期单位较多的任务", ("序号", "具体任务", "逾期单位数", "逾期单位"), tasks)
    else:
        worst = ""
    sections.append(("存在问题", _problems(bulletin, worst)))
    sections.append(("下一步工作要求", _requirements(bulletin)))
    made = BulletinText(bulletin_title(bulletin), bulletin_intro(bulletin), [], attachments)
    for i, (heading, paragraphs) in enumerate(sections):
        named = tuple(_named_attachments(text, made) for text in paragraphs)
        made.sections.append((f"{_CN[i]}、{heading}", named))
    return made


_ATTACHMENT = "\ue000{}\ue001"  # where the text refers to an attachment, until it is named


def _named_attachments(text: str, made: BulletinText) -> str:
    return re.sub("\ue000(\\d+)\ue001", lambda found: made.label(int(found.group(1))), text)


def _done_on(row: Row) -> str:
    return cn_date(row.record.done) if row.record and row.record.done else ""


RANKING_HEADERS = ("排名", "单位", "事项", "已办结", "免办", "按期办结", "逾期未办结", "按期办结率")


def _ranking_rows(bulletin: Bulletin) -> list[tuple[str, ...]]:
    tied = _tied(bulletin.ranks)
    scored = {s.unit.name: s for s in bulletin.scores}
    return [
        (
            place_cn(place, place in tied),
            s.unit.name if s.unit else "",
            str(s.total),
            str(s.completed),
            str(s.counts["waived"]),
            str(s.on_time),
            str(s.counts["late"]),
            rate_text(s.on_time_rate),
            *(_score_cells(scored, s) if scored else ()),
        )
        for s, place in zip(bulletin.ranking, bulletin.ranks, strict=True)
    ]


def _score_cells(scored: dict[str, Score], summary: Summary) -> tuple[str, str]:
    """得分 and 等次 of a unit in the ranking, when the plan scores units."""
    found = scored.get(summary.unit.name) if summary.unit else None
    return (f"{found.score:g}", found.grade) if found else ("", "")


def _tied(ranks: Sequence[int | None]) -> set[int]:
    seen: dict[int, int] = {}
    for place in ranks:
        if place is not None:
            seen[place] = seen.get(place, 0) + 1
    return {place for place, count in seen.items() if count > 1}


def _ranking_prose(bulletin: Bulletin) -> str:
    """Who leads and who trails, ties said as ties: 并列第1, 并列末位."""
    pairs = zip(bulletin.ranking, bulletin.ranks, strict=True)
    placed = [(s, p) for s, p in pairs if p is not None and s.unit]
    if not placed:
        return f"各{bulletin.noun}尚无到期事项。"
    if len({p for _s, p in placed}) == 1:
        return f"各{bulletin.noun}按期办结率均为{rate_text(placed[0][0].on_time_rate)}。"
    tied = _tied(bulletin.ranks)
    first = [s for s, p in placed if p == 1]
    top = "并列第1" if 1 in tied else "排名第1"
    said = f"{_names(first)}按期办结率{rate_text(first[0].on_time_rate)}，{top}。"
    last_place = placed[-1][1]
    last = [s for s, p in placed if p == last_place]
    position = "并列末位" if last_place in tied else "排名末位"
    return said + f"{_names(last)}按期办结率{rate_text(last[0].on_time_rate)}，{position}。"


def _names(summaries: Sequence[Summary], most: int = 5) -> str:
    """Units by name, "A、B、C等8个单位" past `most`."""
    names = [s.unit.name for s in summaries if s.unit]
    if len(names) <= most:
        return "、".join(names)
    return "、".join(names[:3]) + f"等{len(names)}个单位"


def _by_unit(rows: Sequence[Row]) -> str:
    """ "回民区3项、玉泉区1项": rows counted per unit, in the order they come."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.unit.name] = counts.get(row.unit.name, 0) + 1
    return "、".join(f"{name}{count}项" for name, count in counts.items())


def _worst_units(bulletin: Bulletin, top: int = 3) -> list[Summary]:
    late = [s for s in bulletin.ranking if s.unit is not None and s.counts["late"]]
    return sorted(late, key=lambda s: -s.counts["late"])[:top]


def _problems(bulletin: Bulletin, worst_where: str) -> tuple[str, ...]:
    points: list[str] = []
    worst = _worst_units(bulletin)
    if worst:
        listed = "、".join(f"{s.unit.name}{s.counts['late']}项" for s in worst if s.unit)
        points.append(f"部分{bulletin.noun}逾期事项较多，{listed}逾期未办结。")
    if bulletin.worst_tasks:
        listed = "、".join(
            f"第{t.task.id}项（{spread_cn(t.late)}）"
            for t in bulletin.worst_tasks[:3]
            if len(t.late.units) > 1
        )
        if listed:
            points.append(f"部分任务多个单位逾期，{listed}，需统筹推进（详见{worst_where}）。")
    soon = bulletin.overall.counts["due-soon"]
    if soon:
        points.append(f"{soon}项事项即将到期，需抓紧办理。")
    if not points:
        return ("各单位均按期推进，暂无逾期事项。",)
    order = "一二三四五"
    return ("".join(f"{order[i]}是{point}" for i, point in enumerate(points)),)


def _requirements(bulletin: Bulletin) -> tuple[str, ...]:
    late = bulletin.overall.counts["late"]
    first = (
        "（一）抓紧办理逾期事项。尚有逾期未办结事项的单位要逐项梳理原因，明确责任人和完成时间，"
        "尽快办结，并将完成情况及佐证材料及时报送。"
        if late
        else "（一）保持工作力度。各单位要对照任务台账持续推进，确保各项任务按期办结。"
    )
    return (
        first,
        "（二）按期办理临期事项。各单位要对照任务台账，对即将到期的事项提前安排，确保按时完成。",
        "（三）做好佐证材料留存。各单位办结事项后要及时登记完成情况，并留存公开链接等佐证材料，以备检查。",
    )


def to_markdown(bulletin: Bulletin, office: str | None) -> str:
    made = bulletin_text(bulletin)
    lines = [f"# {md(made.title)}", "", "各有关单位：", "", md(made.intro)]
    for heading, paragraphs in made.sections:
        lines += ["", f"## {md(heading)}", ""]
        for paragraph in paragraphs:
            lines += [md(paragraph), ""]
    if made.attachments:
        lines += [md(line) + "  " for line in made.attachment_note]
        lines.append("")
    if office:
        lines.append(md(office) + "  ")
    lines.append(cn_date(bulletin.today))
    for number, attachment in enumerate(made.attachments, start=1):
        lines += ["", "---", "", made.label(number), "", f"## {md(attachment.title)}", ""]
        lines.append("| " + " | ".join(attachment.headers) + " |")
        lines.append("|" + "---|" * len(attachment.headers))
        lines += ["| " + " | ".join(md(v) for v in row) + " |" for row in attachment.rows]
    return "\n".join(lines) + "\n"
