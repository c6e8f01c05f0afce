"""Reports as records: plain dicts, and their JSON and CSV text.

The dicts are the JSON contract (README.md, "JSON output"); CSV has the same columns, UTF-8 with a
BOM so that Excel and WPS show the Chinese, and cells that a spreadsheet would run as a formula are
neutralised (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Record, Task, Unit, shown_path
from gkledger.core.scoring import Score
from gkledger.core.status import STATUSES, AsOf, Obligations, Row, Summary, open_status, settled
from gkledger.render.labels import ZH

if TYPE_CHECKING:  # links needs the optional httpx; its results are only rendered here
    from gkledger.history.audit import Entry
    from gkledger.history.links import LinkResult
    from gkledger.history.office_audit import DecisionEntry
    from gkledger.views.query import TaskGroup
    from gkledger.views.rollup import Part
    from gkledger.writes.collect import RowResult

JsonObject = dict[str, Any]  # one object of the JSON contract (a CSV row likewise)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_STARTS)
_UNPLAIN_FIRST = frozenset((*_FORMULA_STARTS, " ", ""))  # a cell starting so may need more than its text


def row_values(row: Row) -> list[Any]:
    """An obligation's values in ROW_COLUMNS order (the JSON object's, or a CSV line's)."""
    record = row.record
    task = row.task
    deadline = task.deadline
    return [
        task.id,
        row.period,
        row.unit.name,
        row.unit.full_name,
        row.due.isoformat(),
        row.status,
        row.days_left,
        row.lead,
        task.text,
        task.owners,
        deadline.text if deadline else None,
        bool(deadline and deadline.ongoing),
        record.done.isoformat() if record and record.done else None,
        record.waived if record else None,
        record.evidence if record else None,
        record.note if record else None,
        str(record.source) if record else None,
        row.review,
        row.returned_reason,
        row.original_due.isoformat() if row.original_due else None,
    ]


def row_record(row: Row) -> JsonObject:
    return dict(zip(ROW_COLUMNS, row_values(row), strict=True))


def rows_csv(rows: Iterable[Row], for_people: bool = False) -> str:
    """Obligations as CSV, written straight from the rows: one pass, no objects in between. A
    listing's CSV keeps the contract's column names and status words; `for_people` (an export
    opened in Excel) heads the columns in Chinese and says each status in Chinese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([PEOPLE_HEADERS[name] for name in PEOPLE_COLUMNS] if for_people else ROW_COLUMNS)
    status = ROW_COLUMNS.index("status")
    for row in rows:
        values = [safe_cell(value) for value in row_values(row)]
        if for_people:
            values[status] = ZH[row.status]
            for column in _FLAG_COLUMNS:
                values[column] = _YES_NO[values[column]]
            del values[_RECORD_COLUMN]  # where a record is kept in the repository: for programs
        writer.writerow(values)
    return buffer.getvalue()


class _Days(dict[dt.date | None, str]):
    """Dates as ISO text, each worked out once: a ledger's 50,000 records fall on a few hundred."""

    def __missing__(self, day: dt.date | None) -> str:
        text = self[day] = day.isoformat() if day is not None else ""
        return text


class _Echo:
    """A file for csv.writer whose write gives the text back: writerow then returns the line."""

    def write(self, text: str) -> str:
        return text


def write_obligations_csv(
    write: Callable[[str], object],
    obligations: Obligations,
    as_of: AsOf,
    for_people: bool = False,
) -> int:
    """`rows_csv(obligations.rows(as_of), for_people)` given to `write` a task at a
    time (a pipe gets a province's 16 MB as it is made), and how many rows it wrote. Written
    from the owners and the records without a Row for each of a province's 60,000 obligations: the
    cells of each task, unit and record are encoded once (csv's own quoting, cells made safe as
    `safe_cell` makes them) and each line is joined from them. The fields of a line are quoted one
    by one, so the parts join with commas into the line csv.writer would write."""
    if obligations.reviews is not None:  # the office's decisions: every row by the full rule
        rows = obligations.rows(as_of)
        write(rows_csv(rows, for_people))
        return len(rows)
    line = csv.writer(_Echo(), lineterminator="\r\n").writerow

    def cells(*values: Any) -> str:  # two or more cells: a single empty one would be quoted
        text: str = line([safe_cell(value) for value in values])
        return text[:-2]

    def cell(text: str | None) -> str:
        """One cell of text as csv writes it: most need no quoting and no formula guard."""
        if not text:  # None or empty: an empty field (quoted only when alone on its line)
            return ""
        if (
            text[:1] in _UNPLAIN_FIRST
            or text[-1:] == " "
            or "," in text
            or '"' in text
            or "\n" in text
            or "\r" in text
        ):
            quoted: str = line([safe_cell(text)])
            return quoted[:-2]
        return text

    by_name = obligations.index.by_name
    names = obligations.index.names
    found: dict[tuple[str, str | None], dict[str, Record]] = {}  # (task, period) -> unit -> its record
    for record in obligations.ledger.records:
        name = names.get(record.unit.strip())
        if name is not None:
            found.setdefault((record.task, record.period), {}).setdefault(name, record)
    words = ZH if for_people else {status: status for status in STATUSES}

    def flag(value: bool) -> str | bool:  # 是/否 for people, true/false for programs
        return ("是" if value else "否") if for_people else value

    unit_cells = {name: cells(unit.name, unit.full_name) for name, unit in by_name.items()}
    shown: dict[str, tuple[str, str]] = {}  # a progress file's path cell, cut where :line:column goes
    days_done = _Days()
    write(
        "\ufeff"
        + cells(*(PEOPLE_HEADERS[name] for name in PEOPLE_COLUMNS) if for_people else ROW_COLUMNS)
        + "\r\n"
    )
    count = 0
    for task in obligations.tasks.values():
        out: list[str] = []
        deadline = task.deadline
        assert deadline is not None  # obligations exist only for readable deadlines
        ongoing = deadline.ongoing
        tail = cells(task.text, task.owners, deadline.text, flag(ongoing))
        slots = []
        for period in deadline.periods or (None,):
            due = period.due if period is not None else deadline.due
            label = period.label if period is not None else None
            days = (due - as_of.day).days
            middles = {  # the cells from due to the end of the task's, by status and lead
                (status, lead): f"{cells(due.isoformat(), words[status], days, flag(lead))},{tail},"
                for status in STATUSES
                for lead in (False, True)
            }
            bare = open_status(due, ongoing, as_of)
            head = cells(task.id, label) + ","
            # done, waived, evidence, note, record (not for people), review, returned_reason, original_due
            empty = ",,,,,," if for_people else ",,,,,,,"
            unrecorded = (f"{middles[bare, False]}{empty}\r\n", f"{middles[bare, True]}{empty}\r\n")
            slots.append((head, due, bare, middles, unrecorded, found.get((task.id, label), {})))
        for name in obligations.owing[task.id]:
            unit = unit_cells[name]
            lead = task.lead is not None and obligations.leads(task, name)
            for head, due, bare, middles, unrecorded, recorded in slots:
                owed = recorded.get(name)
                if owed is None:
                    out.append(f"{head}{unit},{unrecorded[lead]}")
                    continue
                _, _, done, waived, evidence, note, path, places = owed[:8]  # Record's, at once
                status = settled(due, bare, waived is not None, done)
                given = (
                    f"{head}{unit},{middles[status, lead]}{days_done[done]},"
                    f"{'' if waived is None else cell(waived)},{'' if evidence is None else cell(evidence)},"
                    f"{'' if note is None else cell(note)}"
                )
                if for_people:  # no 记录位置: where a record is kept is for programs
                    out.append(f"{given},,,\r\n")
                    continue
                cut = shown.get(path)
                if cut is None:
                    whole = cell(shown_path(path))
                    cut = shown[path] = (whole[:-1], '"') if whole.endswith('"') else (whole, "")
                place = places >> 128  # Record.place, inline: the line and column of the record
                where = f":{place >> 32}:{place & 0xFFFFFFFF}" if place >> 32 else ""
                out.append(f"{given},{cut[0]}{where}{cut[1]},,,\r\n")
        write("".join(out))
        count += len(out)
    return count


def summary_record(summary: Summary) -> JsonObject:
    unit = summary.unit
    rate = summary.on_time_rate
    late_rate = summary.late_rate
    return {
        "unit": unit.name if unit else None,
        "kind": unit.kind if unit else None,
        "total": summary.total,
        **{status: count for status, count in summary.counts.items()},
        "due_so_far": summary.due_so_far,
        "on_time": summary.on_time,
        "on_time_rate": round(rate, 4) if rate is not None else None,
        "late_rate": round(late_rate, 4) if late_rate is not None else None,
        "lead": summary.lead,
        "lead_open": summary.lead_open,
    }


def rollup_record(part: Part, summary: Summary, by_unit: bool) -> JsonObject:
    """A ledger's (or, `by_unit`, one of its units') line of a roll-up: its label first."""
    plan = part.ledger.plan
    return {
        "ledger": part.label,
        **({} if by_unit else {"title": plan.title if plan else None, "year": plan.year if plan else None}),
        **summary_record(summary),
        "completed": summary.completed,
        **({} if by_unit else {"errors": part.errors}),
    }


def score_record(score: Score) -> JsonObject:
    """A unit's 考核 line: its score, grade and rank (`tied` when shared), and each deduction."""
    return {
        "unit": score.unit.name,
        "score": score.score,
        "grade": score.grade,
        "rank": score.rank,
        "tied": score.tied,
        "deducted": score.deducted,
        "deductions": [
            {"task": d.task, "period": d.period, "why": d.why, "points": d.points, "days_late": d.days_late}
            for d in score.deductions
        ],
    }


def task_record(task: Task, units: Sequence[str] = (), lead_units: Sequence[str] = ()) -> JsonObject:
    """A task; `units` and `lead_units` are the canonical names of the units owing and leading it,
    in units.yaml order."""
    return {
        "id": task.id,
        "section": task.section,
        "item": task.item,
        "text": task.text,
        "owners": task.owners,
        "units": list(units),
        "lead_units": list(lead_units),
        "unresolved": list(task.unresolved),
        "deadline": task.deadline.text if task.deadline else None,
        "due": task.deadline.due.isoformat() if task.deadline else None,
        "ongoing": bool(task.deadline and task.deadline.ongoing),
        "remark": task.remark,
        "note": task.note,
    }


def unit_record(unit: Unit) -> JsonObject:
    return {
        "name": unit.name,
        "full_name": unit.full_name,
        "aliases": list(unit.aliases),
        "kind": unit.kind,
        "level": unit.level,
        "parent": unit.parent,
        "tags": list(unit.tags),
        "code": unit.code,
        "note": unit.note,
    }


def link_record(result: LinkResult) -> JsonObject:
    evidence, outcome = result.evidence, result.outcome
    return {
        "path": shown_path(evidence.path),
        "line": evidence.line,
        "task": evidence.task,
        "unit": evidence.unit,
        "url": evidence.url,
        "state": outcome.state,
        "status": outcome.status,
        "detail": outcome.detail,
        "final_url": outcome.final_url,
        "cached": result.cached,
    }


FLAGS = ("late-entry", "redated", "removed", "not-maintainer", "cross-unit", "history-cut")  # audit.FLAGS
AUDIT_COLUMNS = (
    "task", "unit", "period", "done", "added_commit", "added_by", "added_at", "lag_days",
    "flags", "flag_commits",
)  # fmt: skip


def task_group_record(group: TaskGroup) -> JsonObject:
    return {
        "task": group.task.id,
        "period": group.rows[0].period if group.rows else None,
        "due": group.due.isoformat(),
        "count": len(group.rows),
        "units": [row.unit.name for row in group.rows],
        "text": group.task.text,
    }


def audit_record(entry: Entry) -> JsonObject:
    added = entry.added
    return {
        "task": entry.task,
        "unit": entry.unit,
        "period": None,
        "done": entry.done.isoformat() if entry.done else None,
        "added_commit": added.sha if added else None,
        "added_by": f"{added.author} <{added.email}>" if added else None,
        "added_at": added.authored.isoformat() if added else None,
        "lag_days": entry.lag_days,
        "flags": [flag for flag in FLAGS if flag in entry.flags],
        "flag_commits": {flag: entry.flags[flag] for flag in FLAGS if flag in entry.flags},
    }


def decision_audit_record(entry: DecisionEntry) -> JsonObject:
    """An office decision, who committed it and when, and its flags."""
    d = entry.decision
    added = entry.added
    return {
        "task": d.task,
        "unit": d.unit,
        "period": d.period,
        "decision": d.kind,
        "day": d.day.isoformat(),
        "reason": d.reason,
        "due": d.due.isoformat() if d.due else None,
        "approved_by": d.approved_by,
        "added_at": added.authored.isoformat() if added else None,
        "added_by": f"{added.author} <{added.email}>" if added else None,
        "commit": added.sha if added else None,
        "flags": list(entry.flags),
    }


def collected_record(result: RowResult, dry_run: bool = False) -> JsonObject:
    """A row of `collect`; `written` says whether this run wrote its record (never on a dry run)."""
    return {
        "file": result.file,
        "unit": result.unit,
        "row": result.line,
        "task": result.task,
        "state": result.state,
        "detail": result.detail,
        "written": not dry_run and result.state in ("recorded", "replaced"),
    }


def diagnostic_record(diagnostic: Diagnostic) -> JsonObject:
    source = diagnostic.source
    return {
        "path": shown_path(source.path),
        "line": source.line or None,
        "column": source.column or None,
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def to_json(records: Any) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def safe_cell(value: Any) -> str:
    """A cell's text, with a leading quote where a spreadsheet would read a formula."""
    if type(value) is str:  # most cells: the fast path first
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return safe_cell(" ".join(str(v) for v in value))
    if isinstance(value, dict):
        return safe_cell(" ".join(f"{k}={v}" for k, v in value.items()))
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(records: Sequence[JsonObject], columns: Iterable[str] | None = None) -> str:
    """CSV text with a BOM; the columns default to the first record's keys."""
    fields = list(columns) if columns is not None else (list(records[0]) if records else [])
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([safe_cell(record.get(field)) for field in fields])
    return buffer.getvalue()


_YES_NO = {"true": "是", "false": "否"}


# The columns of an export's CSV for people, in Chinese (ROW_COLUMNS are the contract's names).
PEOPLE_HEADERS = {
    "task": "序号",
    "period": "期次",
    "unit": "单位",
    "unit_full_name": "单位全称",
    "due": "到期日期",
    "status": "状态",
    "days_left": "剩余天数",
    "lead": "牵头",
    "text": "具体任务",
    "owners": "责任单位",
    "deadline": "完成时限",
    "ongoing": "持续推进",
    "done": "完成日期",
    "waived": "免办理由",
    "evidence": "佐证链接",
    "note": "备注",
    "record": "记录位置",
    "review": "审核",
    "returned_reason": "退回理由",
    "original_due": "原到期日期",
}

# The columns of obligation CSV, for a header even when no row matches.
ROW_COLUMNS = (
    "task",
    "period",
    "unit",
    "unit_full_name",
    "due",
    "status",
    "days_left",
    "lead",
    "text",
    "owners",
    "deadline",
    "ongoing",
    "done",
    "waived",
    "evidence",
    "note",
    "record",
    "review",
    "returned_reason",
    "original_due",
)
PEOPLE_COLUMNS = tuple(name for name in ROW_COLUMNS if name != "record")  # an export opened in Excel
_RECORD_COLUMN = ROW_COLUMNS.index("record")
_FLAG_COLUMNS = (ROW_COLUMNS.index("lead"), ROW_COLUMNS.index("ongoing"))  # true/false, or 是/否 for people
