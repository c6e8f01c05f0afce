"""What a command did, shown in a terminal: rows collected from forms, the audit's trail, links
checked, a period's review, tasks carried."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from gkledger.core.model import shown_path
from gkledger.i18n import _, _f
from gkledger.render.console import STYLES, evidence_text, make_console
from gkledger.render.labels import (
    decision_label,
    deductions_text,
    flag_label,
    place_text,
    rate_text,
    state_label,
)
from gkledger.render.layout import SECTION, Cell, Column, print_table

if TYPE_CHECKING:
    from gkledger.core.scoring import Score
    from gkledger.core.status import Summary
    from gkledger.history.audit import Entry
    from gkledger.history.links import LinkResult
    from gkledger.history.office_audit import DecisionEntry
    from gkledger.views.review import Review
    from gkledger.views.rollup import Part
    from gkledger.writes.carry import Carried
    from gkledger.writes.collect import RowResult


LINK_STYLES = {"ok": "green", "redirected": "yellow", "broken": "bold red"}


COLLECT_STYLES = {"recorded": "green", "replaced": "green", "unchanged": "dim", "refused": "red"}


def collected_table(console: Console, results: Sequence[RowResult], dry_run: bool) -> None:
    """What collect did with each row: recorded, replaced, unchanged or refused, and why."""
    columns = [
        Column(_("File"), wrap=True, max_width=30),
        Column(_("Row"), "right"),
        Column(_("Unit"), folds=True),
        Column(_("No."), "right"),
        Column(_("Result")),
        Column(_("Detail"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = [
        [
            r.file,
            str(r.line or ""),
            r.unit or "",
            r.task or "",
            Text(state_label(r.state, dry_run), style=COLLECT_STYLES[r.state]),
            r.detail,
        ]
        for r in results
    ]
    title = _("Collect") + (_(" · dry run: nothing was written") if dry_run else "")
    print_table(console, title, columns, rows)
    counts = {
        state: sum(1 for r in results if r.state == state and r.line is not None) for state in COLLECT_STYLES
    }
    console.print(
        Text(
            _(", ").join(
                _f("{count} {state}", count=n, state=state_label(state, dry_run))
                for state, n in counts.items()
            )
        )
    )


def audit_table(console: Console, entries: Sequence[Entry], max_lag: int, shallow: bool) -> None:
    """One row per record: when it was committed, by whom, how long after its 完成日期, and flags."""
    columns = [
        Column(_("No."), "right"),
        Column(_("Unit"), folds=True),
        Column(_("Done")),
        Column(_("Entered")),
        Column(_("Lag"), "right"),
        Column(_("By"), flexible=True, wrap=True),
        Column(_("Flags"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for entry in entries:
        added = entry.added
        flags = Text()
        for i, (flag, sha) in enumerate(entry.flags.items()):
            flags.append(
                ("\n" if i else "") + f"{flag_label(flag)} {sha[:10]}",
                style="red" if flag != "cross-unit" else "yellow",
            )
        rows.append(
            [
                entry.task,
                entry.unit,
                entry.done.isoformat() if entry.done else "",
                added.authored.date().isoformat() if added else (_("not committed") if entry.present else ""),
                "" if entry.lag_days is None else _f("{days}d", days=entry.lag_days),
                added.author if added else "",
                flags,
            ]
        )
    title = _f("Audit · entered late after {days} days", days=max_lag)
    print_table(console, title, columns, rows)
    flagged = sum(1 for e in entries if e.flags)
    console.print(Text(_f("{count} records, {flagged} flagged", count=len(entries), flagged=flagged)))
    if shallow:
        console.print(
            Text(
                _("history is cut (a shallow clone): records flagged history-cut were added earlier"),
                style="yellow",
            )
        )


def links_table(console: Console, results: Sequence[LinkResult]) -> None:
    """One row per evidence link: its state, the record it comes from, and why."""
    columns = [
        Column(_("State")),
        Column("HTTP", "right"),
        Column(_("No."), "right"),
        Column(_("Unit"), folds=True),
        Column(_("URL"), wrap=True, max_width=48),
        Column(_("Detail / record"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for result in results:
        e, o = result.evidence, result.outcome
        where = f"{shown_path(e.path)}:{e.line}" + (_(" (cached)") if result.cached else "")
        rows.append(
            [
                Text(state_label(o.state), style=LINK_STYLES[o.state]),
                str(o.status or ""),
                e.task,
                e.unit,
                e.url,
                Text(o.reason.said() + ("\n" if o.detail else "") + where),
            ]
        )
    print_table(console, None, columns, rows)
    counts = {state: sum(1 for r in results if r.outcome.state == state) for state in LINK_STYLES}
    line = Text(_f("{count} links: ", count=len(results)))
    for i, (state, count) in enumerate(counts.items()):
        said = _f("{count} {state}", count=count, state=state_label(state))
        line.append(("" if i == 0 else _(", ")) + said, style=LINK_STYLES[state] if count else "")
    console.print(line)


@contextlib.contextmanager
def link_progress(total: int) -> Iterator[Callable[[object], None]]:
    """A progress bar on stderr for long runs (when stderr is a terminal); yields the tick callback."""
    console = make_console(stderr=True)
    if total < 10 or not console.is_terminal:
        yield lambda _result: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(_("checking links")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        job = progress.add_task("links", total=total)
        yield lambda _result: progress.advance(job)


def review_view(console: Console, review: Review) -> None:
    """回头看: each unit's result, worst first, with a 合计 row; then every item that was never done,
    done late (by how many days) or waived (and why)."""
    as_of = review.ended or review.today
    if review.ended:
        state = _f("the plan ended on {day}", day=review.ended.isoformat())
    else:
        state = _f("as of {day}", day=review.today.isoformat())
    columns = [
        Column(_("Unit"), folds=True),
        Column(_("Was due"), "right"),
        Column(_("On time"), "right"),
        Column(_("Done late"), "right"),
        Column(_("Never done"), "right"),
        Column(_("Waived"), "right"),
        Column(_("On-time rate"), "right"),
    ]
    rows: list[list[Cell] | None] = []
    for unit in review.units:
        s = unit.summary
        rows.append(
            [
                unit.unit.name,
                str(s.due_so_far),
                str(s.on_time),
                str(len(unit.done_late)),
                Text(str(len(unit.never_done)), style=STYLES["late"] if unit.never_done else ""),
                str(len(unit.waived)),
                rate_text(s.on_time_rate),
            ]
        )
    total = review.total
    rows.append(SECTION)
    rows.append(
        [
            _("Total"),
            str(total.due_so_far),
            str(total.on_time),
            str(review.done_late),
            str(review.never_done),
            str(review.waived),
            rate_text(total.on_time_rate),
        ]
    )
    print_table(
        console, _f("Review · {state} · as of {day}", state=state, day=as_of.isoformat()), columns, rows
    )
    detail = [
        Column(_("Unit"), folds=True),
        Column(_("No.")),
        Column(_("Outcome"), flexible=True, wrap=True),
    ]
    found: list[list[Cell] | None] = []
    for unit in review.units:
        for row in unit.never_done:
            outcome = Text(_f("never done (due {day})", day=row.due.isoformat()), style=STYLES["late"])
            found.append([unit.unit.name, row.task_label, outcome])
        for row, days in unit.done_late:
            outcome_late = _f("done {days}d late ({record})", days=days, record=evidence_text(row))
            found.append([unit.unit.name, row.task_label, outcome_late])
        for row in unit.waived:
            reason = row.record.waived if row.record is not None else ""
            found.append([unit.unit.name, row.task_label, _f("waived: {reason}", reason=reason)])
    if found:
        print_table(console, _("Never done · done late · waived"), detail, found)


def carried_lines(carried: Sequence[Carried], dry_run: bool) -> list[str]:
    """What `carry` says of each task it carries (or would)."""
    message = (
        _("Would carry {reference} → task {id}, owed by {count} units: {units}; 完成时限 {deadline}")
        if dry_run
        else _("Carried {reference} → task {id}, owed by {count} units: {units}; 完成时限 {deadline}")
    )
    return [
        message.format(
            reference=task.reference,
            id=task.id,
            count=len(task.units),
            units="、".join(task.units),
            deadline=task.deadline,
        )
        for task in carried
    ]


def rollup_table(console: Console, pairs: Sequence[tuple[Part, Summary]], by_unit: bool, as_of: str) -> None:
    """One row per ledger (or per unit of every ledger), worst first: 应办, 已办结, 逾期, 按期办结率."""
    columns = [
        Column(_("Ledger"), folds=True),
        *([Column(_("Unit"), folds=True)] if by_unit else []),
        Column(_("Owed"), "right"),
        Column(_("Completed"), "right"),
        Column(_("Late"), "right"),
        Column(_("On-time rate"), "right"),
        *([] if by_unit else [Column(_("Problems"), "right")]),
    ]
    rows: list[list[Cell] | None] = []
    for part, s in pairs:
        late = Text(str(s.counts["late"]), style=STYLES["late"] if s.counts["late"] else "")
        figures: list[Cell] = [str(s.total), str(s.completed), late, rate_text(s.on_time_rate)]
        if by_unit:
            rows.append([part.label, s.unit.name if s.unit else "", *figures])
        else:
            errors = Text(str(part.errors), style=STYLES["late"]) if part.errors else ""
            rows.append([part.label, *figures, errors])
    title = _f("Roll-up of {count} ledgers · as of {day}", count=len({p.label for p, _s in pairs}), day=as_of)
    print_table(console, title, columns, rows)


def score_table(console: Console, made: Sequence[Score], as_of: str) -> None:
    """One row per unit, best first: 得分, 等次, 排名 (并列), and what was deducted for."""
    columns = [
        Column(_("Rank"), "right"),
        Column(_("Unit"), folds=True),
        Column(_("Score"), "right"),
        Column(_("Grade")),
        Column(_("Deductions"), flexible=True, wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for s in made:
        rows.append([place_text(s), s.unit.name, f"{s.score:g}", s.grade, deductions_text(s)])
    print_table(console, _f("Scores · as of {day}", day=as_of), columns, rows)


def office_audit_table(console: Console, entries: Sequence[DecisionEntry]) -> None:
    """One row per decision of the office: what, on what, when decided, when and by whom committed."""
    columns = [
        Column(_("No."), "right"),
        Column(_("Unit"), folds=True),
        Column(_("Decision")),
        Column(_("Day")),
        Column(_("Committed")),
        Column(_("By"), folds=True),
        Column(_("Flags"), wrap=True),
    ]
    rows: list[list[Cell] | None] = []
    for entry in entries:
        d = entry.decision
        added = entry.added
        rows.append(
            [
                d.task + (f"·{d.period}" if d.period else ""),
                d.unit,
                decision_label(d.kind),
                d.day.isoformat(),
                added.authored.date().isoformat() if added else _("not committed"),
                added.author if added else "",
                Text("、".join(flag_label(flag) for flag in entry.flags), style=STYLES["late"])
                if entry.flags
                else "",
            ]
        )
    print_table(console, _("The office's decisions"), columns, rows)
