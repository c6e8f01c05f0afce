"""`gkledger carry`: what a plan left open, written into the next plan as its own tasks.

Each task of the earlier plan that some units had not finished (no record, whatever its day) becomes
a task of the later plan, owed by exactly those units, with the original section, item, text and
owners verbatim, `carried_from: "2021#5"`, and a deadline: the one given, else the original
deadline read in the new plan's year when it has no year of its own (9月30日前, 全年持续推进), else
the new plan's year end. A task already carried (the same `carried_from`) is never carried twice.

`carry` and the text edits are pure; `carry_plan` runs them in the ledger's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gkledger.core.deadlines import DeadlineError, parse_deadline
from gkledger.core.model import Ledger, Task
from gkledger.core.status import Obligations
from gkledger.i18n import _, _f
from gkledger.store.cache import load_snapshot
from gkledger.store.load import read_tasks_text
from gkledger.store.locate import TASKS_FILE, display_path, plan_years
from gkledger.store.yaml_text import flow_scalar, scalar
from gkledger.writes.transaction import Refused, transaction

YEAR_END = "年底前"


@dataclass(frozen=True)
class Carried:
    id: str
    source: Task
    units: tuple[str, ...]  # canonical names, units.yaml order
    periods: tuple[str, ...]  # the open periods of a recurring task, for its note
    deadline: str
    reference: str  # carried_from

    def yaml(self) -> str:
        task = self.source
        lines = [
            f"  - id: {json.dumps(self.id, ensure_ascii=False)}",
            f"    section: {scalar(task.section)}",
        ]
        if task.item is not None:
            lines.append(f"    item: {scalar(task.item)}")
        lines += [
            f"    text: {scalar(task.text)}",
            f"    owners: {scalar(task.owners)}",
            "    owed_by: [{unit: [" + ", ".join(flow_scalar(u) for u in self.units) + "]}]",
            f"    deadline: {scalar(self.deadline)}",
            f"    carried_from: {json.dumps(self.reference, ensure_ascii=False)}",
        ]
        periods = f"（未办结期次：{'、'.join(self.periods)}）" if self.periods else ""
        original = task.deadline.text if task.deadline else ""
        lines.append(
            "    note: "
            + scalar(
                f"回头看：{self.reference.split('#')[0]}年计划任务{task.id}至转入时未办结{periods}，"
                f"原完成时限“{original}”；由未办结的单位继续办理。"
            )
        )
        return "\n".join(lines) + "\n"


def carry(source: Obligations, target: Ledger, deadline: str | None) -> list[Carried]:
    """The open obligations of `source`'s plan as tasks of `target`'s, leaving out what `target`
    already carries."""
    plan = source.ledger.plan
    into = target.plan
    if plan is None or into is None:
        raise ValueError("both plans need a plan: block with its year")
    already = {task.carried_from for task in target.tasks if task.carried_from}
    ids = {task.id for task in target.tasks}
    carried = []
    for task_id, owed in source.by_task.items():
        reference = f"{plan.year}#{task_id}"
        if reference in already:
            continue
        open_units: dict[str, None] = {}
        periods: dict[str, None] = {}
        for obligation in owed:
            if obligation.record is not None:
                continue
            if obligation.period is not None:
                periods[obligation.period.label] = None
            open_units[obligation.unit.name] = None
        if not open_units:
            continue
        task = source.tasks[task_id]
        new_id = f"{plan.year}-{task_id}"
        while new_id in ids:
            new_id += "'"
        ids.add(new_id)
        carried.append(
            Carried(
                new_id,
                task,
                tuple(open_units),
                tuple(periods),
                deadline or _deadline_in(task, into.year),
                reference,
            )
        )
    return carried


def _deadline_in(task: Task, year: int) -> str:
    """The original deadline when it reads in the new plan's year as it stands (no year of its
    own, not recurring), else the new year's end."""
    if task.deadline is None or task.deadline.periods:
        return YEAR_END
    try:
        again = parse_deadline(task.deadline.text, year)
    except DeadlineError:
        return YEAR_END
    if again.due.year != year:  # it names a year of its own (2021年8月底)
        return YEAR_END
    return task.deadline.text


def _values(task: Task) -> tuple[object, ...]:
    deadline = task.deadline.text if task.deadline else None
    return (task.id, task.section, task.item, task.text, task.owners, deadline, task.carried_from)


def reads_back(before: Sequence[Task], after: Sequence[Task], carried: Sequence[Carried]) -> bool:
    """Whether the new tasks.yaml holds the tasks it held, unchanged, then exactly the carried ones."""
    meant = [_values(task) for task in before]
    for task in carried:
        source = task.source
        meant.append(
            (task.id, source.section, source.item, source.text, source.owners, task.deadline, task.reference)
        )
    return [_values(task) for task in after] == meant


def append_tasks(text: str, carried: list[Carried]) -> str:
    """tasks.yaml text with the carried tasks after the last task: every byte of the file kept. A
    file whose `tasks:` is not the last top-level key or not a block list cannot take them this way
    (the caller reads the result back and refuses what does not read as meant)."""
    newline = "\r\n" if "\r\n" in text else "\n"  # the file's own line ends
    added = "".join("\n" + task.yaml() for task in carried).replace("\n", newline)
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.rstrip() in ("tasks: []", "tasks:[]"):
            lines[number] = "tasks:" + line[len(line.rstrip("\r\n")) :]  # its own line ending
            body = "".join(lines)
            return body + added.removeprefix(newline)
    if not text.endswith("\n"):
        text += newline
    return text + added


@dataclass(frozen=True)
class CarryResult:
    tasks: list[Carried]
    path: Path  # the later plan's tasks.yaml
    written: bool  # False on a dry run, or when there was nothing to carry


def carry_plan(
    data: Path, year: int, to: int, deadline: str | None, *, cache: Path | None = None, dry_run: bool = False
) -> CarryResult:
    """Carry plan `year`'s open work into plan `to`, both in the repository at `data`, through the
    ledger's transaction: both plans read under its lock, the new tasks.yaml read back and the plan
    checked with it in place before it is written, atomically. Refused, writing nothing, when a plan
    is missing or has errors, or the result would not read back as meant."""
    if to <= year:
        raise Refused(_f("--to {to} must be a later plan than {year}", to=to, year=year), usage=True)
    years = plan_years(data)
    for wanted in (year, to):
        if wanted not in years:
            raise Refused(
                _f("no plan {year} in {folder}", year=wanted, folder=display_path(data))
                + (
                    _f("; its plans: {years}", years=", ".join(map(str, years)))
                    if years
                    else _("; it holds one plan")
                )
                + _f(" (add one with: gkledger init . --year {year})", year=wanted),
                usage=True,
            )
    if deadline is not None:
        try:
            parse_deadline(deadline, to)
        except DeadlineError as exc:
            raise Refused(_f("--deadline: {error}", error=exc), usage=True) from exc
    source, target = data / str(year), data / str(to)
    with transaction(target, cache, errors=_has_errors(target)) as tx:
        earlier = load_snapshot(source, cache)  # under the same lock: every plan shares it
        if any(d.severity == "error" for d in earlier.diagnostics):
            raise Refused(
                _has_errors(source), diagnostics=[d for d in earlier.diagnostics if d.severity == "error"]
            )
        carried = carry(earlier.obligations(), tx.loaded.ledger, deadline)
        path = target / TASKS_FILE
        if not carried:
            return CarryResult([], path, False)
        old = path.read_bytes()
        bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
        new = bom + append_tasks(old[len(bom) :].decode("utf-8"), carried).encode("utf-8")
        after, _problems = read_tasks_text(new, str(path))
        if not reads_back(tx.loaded.ledger.tasks, after, carried):
            raise Refused(
                _f(
                    "{file} would not read back as meant (its layout); nothing was written",
                    file=display_path(path),
                )
            )
        tx.write(
            {path: new},
            invalid=_("the carried tasks would make the plan invalid; nothing was written"),
            dry_run=dry_run,
        )
        return CarryResult(carried, path, not dry_run)


def _has_errors(root: Path) -> str:
    return _f("the plan in {folder} has errors; fix them first", folder=display_path(root))
