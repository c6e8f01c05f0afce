"""`gkledger collect`: filled-in forms back into the ledger, without a hand-copied cell.

Every row of every file is read and judged before anything is written:

- a file that cannot be read (damaged, not a form of this plan, of no known unit) is refused with
  its reason, and the other files are still taken;
- a file with a row that does not belong to it (a 序号 edited: each row's hidden token names its
  own plan, unit and 序号; a row pasted from another form; a value outside the form's columns; an
  unreadable date or link) is refused whole, each problem with its file, sheet, row and column;
- in the other files, a row with a 完成日期 becomes a done record (佐证链接 its evidence, 说明 its
  note), a row with a 免办理由 a waiver; a row identical to a record already there is left alone,
  one that differs is refused unless `replace`.

Then all records go through `recording.record`, all or none, one atomic write per progress file;
what each row did (recorded, replaced, unchanged) is what that write, under the ledger's lock,
found and did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gkledger.core.formspec import SHEET_TITLE, digest, plan_key, token
from gkledger.core.model import Ledger, Record
from gkledger.core.status import AsOf, Obligations, number_cn, period_label, row_of
from gkledger.i18n import _, _f
from gkledger.intake.forms import FilledRow, read_date, read_form
from gkledger.intake.tables import TableError, read_file
from gkledger.store.cache import load_snapshot
from gkledger.store.load import is_http_url
from gkledger.store.locate import display_path
from gkledger.writes.edits import NewRecord
from gkledger.writes.recording import Recorded, record, same_values
from gkledger.writes.transaction import Refused

State = Literal["recorded", "replaced", "unchanged", "refused"]


@dataclass(frozen=True)
class RowResult:
    file: str
    unit: str | None
    line: int | None  # the sheet's row; None for the whole file
    task: str | None
    state: State
    detail: str


@dataclass(frozen=True)
class Collected:
    results: list[RowResult]
    written: Recorded | None  # None on a dry run or when no row was taken; no entries: none new
    notes: list[str]  # about files taken (an older issue, say)

    @property
    def refused(self) -> bool:
        return any(r.state == "refused" for r in self.results)


def form_files(paths: Sequence[Path]) -> list[Path]:
    """The .xlsx files named, and those directly in the folders named (Excel's ~$ lock files and
    hidden files left out)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))
                )
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def collect(
    root: Path,
    paths: Sequence[Path],
    *,
    today: dt.date,
    replace: bool,
    dry_run: bool,
    cache: Path | None = None,
) -> Collected:
    loaded = load_snapshot(root, cache)
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    if errors:
        raise Refused(
            _("the ledger has errors; fix them first (gkledger check lists them)"), diagnostics=errors
        )
    ledger = loaded.ledger
    obligations = loaded.obligations()
    results: list[RowResult] = []
    notes: list[str] = []
    taken: list[tuple[NewRecord, RowResult]] = []
    asked: set[tuple[str, str, str | None]] = set()
    redoing = False  # a returned completion is among them: its new record replaces the old
    for path in form_files(paths):
        file_taken, file_results, note = _judge_file(path, ledger, obligations, today)
        results.extend(file_results)
        notes.extend(note)
        for want, result in file_taken:
            key = (want.task, want.unit, want.period)
            if key in asked:
                results.append(_refuse(result, _("the same task for the same unit is in another form too")))
                continue
            asked.add(key)
            existing = _existing(obligations, want)
            redone = _returned(obligations, want, today)  # a returned completion is replaced by the new one
            if existing is not None and not same_values(existing, want) and not (replace or redone):
                where = existing.source
                results.append(
                    _refuse(result, _f("differs from the record at {where}; use --replace", where=where))
                )
                continue
            taken.append((want, result))
            redoing = redoing or (existing is not None and redone)
    if dry_run or not taken:  # what would be done, as the ledger reads now; nothing is written
        results.extend(_foreseen(obligations, taken))
        return Collected(_ordered(results), None, notes)
    # What each row did is decided under the lock, by the write itself: a record another run wrote
    # meanwhile is unchanged here, not recorded twice in two reports.
    written = record(
        root,
        [w for w, _result in taken],
        today=today,
        replace=replace or redoing,
        keep_identical=True,
        cache=cache,
    )
    results.extend(_outcomes(written, taken))
    return Collected(_ordered(results), written, notes)


def _foreseen(obligations: Obligations, taken: list[tuple[NewRecord, RowResult]]) -> list[RowResult]:
    out = []
    for want, result in taken:
        existing = _existing(obligations, want)
        if existing is None:
            out.append(result)
        elif same_values(existing, want):
            out.append(_with(result, "unchanged", _("already recorded with exactly these values")))
        else:
            out.append(_with(result, "replaced", result.detail))
    return out


def _outcomes(written: Recorded, taken: list[tuple[NewRecord, RowResult]]) -> list[RowResult]:
    """Each row's state as the write decided it: `record` either names every record it was given,
    written or unchanged, by the canonical unit and period collect gave it, or refuses them all."""
    done: dict[tuple[str, str, str | None], State] = {}
    for entry in written.entries:
        done[(entry.task.id, entry.unit.name, entry.record.period)] = (
            "replaced" if entry.replaced else "recorded"
        )
    for entry in written.unchanged:
        done[(entry.task.id, entry.unit.name, entry.record.period)] = "unchanged"
    out = []
    for want, result in taken:
        state = done[(want.task, want.unit, want.period)]
        detail = _("already recorded with exactly these values") if state == "unchanged" else result.detail
        out.append(_with(result, state, detail))
    return out


def _ordered(results: list[RowResult]) -> list[RowResult]:
    return sorted(results, key=lambda r: (r.file, r.line or 0))


def _existing(obligations: Obligations, want: NewRecord) -> Record | None:
    unit = obligations.index.get(want.unit)
    owed = obligations.obligation(want.task, unit, want.period) if unit is not None else None
    return owed.record if owed is not None else None


def _returned(obligations: Obligations, want: NewRecord, today: dt.date) -> bool:
    """Whether the office returned the completion recorded for this obligation (退回重办)."""
    unit = obligations.index.get(want.unit)
    owed = obligations.obligation(want.task, unit, want.period) if unit is not None else None
    if owed is None or owed.review is None:
        return False
    return row_of(owed, AsOf(today, 0)).review == "returned"


def _refuse(result: RowResult, detail: str) -> RowResult:
    return _with(result, "refused", detail)


def _with(result: RowResult, state: State, detail: str) -> RowResult:
    return RowResult(result.file, result.unit, result.line, result.task, state, detail)


Judged = tuple[list[tuple[NewRecord, RowResult]], list[RowResult], list[str]]


def _judge_file(path: Path, ledger: Ledger, obligations: Obligations, today: dt.date) -> Judged:
    """The records a file asks for, or its refusal with every problem found."""
    shown = display_path(path)

    def whole(detail: str) -> Judged:
        return [], [RowResult(shown, None, None, None, "refused", detail)], []

    try:
        form = read_form(read_file(path))
    except TableError as exc:
        return whole(str(exc))
    if form.problems:
        return whole("; ".join(form.problems))
    key = plan_key(ledger.plan)
    if form.plan != key:
        return whole(
            _f("a form of another plan ({other}), not of {plan}", other=form.plan or "none", plan=key)
        )
    unit = obligations.index.get(form.unit or "")
    if unit is None:
        return whole(_f("a form of unit '{unit}', which is not in units.yaml", unit=form.unit))
    owed = {o.label: o for o in obligations.of_unit(unit)}  # keyed as tables key them: 5, 5·Q3
    # the form shows a period as a unit reads it (9（7月）); forms issued before showed the key
    spoken = {number_cn(o.task.id, period_label(o)): label for label, o in owed.items()}
    # Each row carries in a hidden column the token of its plan, unit and 序号 (with its period):
    # a row is taken only when its token is the one its own 序号 has. Sorting moves whole rows and
    # keeps them paired; an edited 序号, or a row pasted from another unit's or plan's form, is not.
    tokens = {token(key, unit.name, task): task for task in owed}
    notes = []
    current = digest([(o.label, o.due.isoformat()) for o in obligations.of_unit(unit)])
    if form.rows_digest and form.rows_digest != current:
        notes.append(
            _f(
                "{file}: an earlier issue of {unit}'s form (issued {issued}); each row is checked against "
                "the ledger as it is now",
                file=shown,
                unit=unit.name,
                issued=form.issued,
            )
        )
    year = ledger.plan.year if ledger.plan else today.year
    problems: list[RowResult] = []
    taken: list[tuple[NewRecord, RowResult]] = []
    seen: set[str] = set()
    for row in form.rows:
        row = dataclasses.replace(row, task=spoken.get(row.task, row.task))
        where = RowResult(shown, unit.name, row.line, row.task or None, "refused", "")

        def bad(column: str, detail: str, row: FilledRow = row, where: RowResult = where) -> None:
            cell = f"{row.columns.get(column, '?')}{row.line}"
            problems.append(_refuse(where, f"{SHEET_TITLE}!{cell} ({column}): {detail}"))

        if row.outside:
            bad(
                "说明",
                _f(
                    "{cells} hold values outside the form's columns; write them in 说明",
                    cells=", ".join(row.outside),
                ),
            )
            continue
        if row.token in tokens and tokens[row.token] != row.task:
            bad(
                "序号",
                _f(
                    "the row's 序号 reads '{task}' but the row was issued for '{issued}' (序号 edited?)",
                    task=row.task,
                    issued=tokens[row.token],
                ),
            )
            continue
        if row.token not in tokens:
            bad(
                "序号",
                _f(
                    "the row of 序号 '{task}' is not a row of {unit}'s form (pasted from another?)",
                    task=row.task,
                    unit=unit.name,
                ),
            )
            continue
        if row.task in seen:
            bad("序号", _f("task {task} appears twice", task=row.task))
            continue
        seen.add(row.task)
        filled = row.done not in (None, "") or row.waived
        if not filled:
            if row.evidence or row.note:
                bad("完成日期", _("佐证链接 or 说明 without a 完成日期 or a 免办理由"))
            continue
        if row.done not in (None, "") and row.waived:
            bad("免办理由", _("both a 完成日期 and a 免办理由: a task is either done or waived"))
            continue
        done = None
        if row.done not in (None, ""):
            done = read_date(row.done, year)
            if done is None:
                bad(
                    "完成日期",
                    _f(
                        "'{value}' is not a date (write 2021-08-20, 2021/8/20 or 2021年8月20日)",
                        value=row.done,
                    ),
                )
                continue
            if done > today:
                bad("完成日期", _f("{day} is after today ({today})", day=done, today=today))
                continue
        if row.evidence is not None and not is_http_url(row.evidence):
            bad("佐证链接", _f("'{url}' is not an http(s) link", url=row.evidence))
            continue
        texts = {"免办理由": row.waived, "说明": row.note, "佐证链接": row.evidence}
        controls = [name for name, text in texts.items() if text and _has_controls(text)]
        if controls:
            bad(controls[0], _("holds control characters"))
            continue
        detail = _f("done on {day}", day=done) if done else _f("waived ({reason})", reason=row.waived)
        taken.append(
            (
                NewRecord(
                    owed[row.task].task.id,
                    unit.name,
                    done,
                    row.waived if done is None else None,
                    row.evidence,
                    row.note,
                    period_label(owed[row.task]),
                ),
                RowResult(shown, unit.name, row.line, row.task, "recorded", detail),
            )
        )
    if problems:
        summary = RowResult(
            shown,
            unit.name,
            None,
            None,
            "refused",
            _f("{count} problem(s); nothing from it was written", count=len(problems)),
        )
        return [], [summary, *problems], notes
    return taken, [], notes


def _has_controls(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in text)
