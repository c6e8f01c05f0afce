"""The office's side of the 督办 loop as library calls: confirm (审核确认) or return (退回重办) what
a unit reported, and extend (延期) one unit's deadline. Each appends to office/<unit>.yaml through
the ledger's one write transaction: under its lock, checked with the new text in place (every
decision of the ledger against every record), read back, all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gkledger.core.model import Decision, DecisionKind, Unit
from gkledger.core.status import Obligation, Obligations
from gkledger.i18n import _, _f
from gkledger.store.atomic import WriteRefused, writable_target
from gkledger.store.files import absolute
from gkledger.store.locate import OFFICE_DIR, display_path, file_name_problem
from gkledger.store.yaml_text import scalar
from gkledger.writes.transaction import Refused, transaction


@dataclass(frozen=True)
class Asked:
    """What the office decides, before it is checked: `due` is a return's new due date or the day
    an extension runs to."""

    kind: DecisionKind
    tasks: Sequence[str]
    unit: str
    day: dt.date
    period: str | None = None
    reason: str | None = None
    due: dt.date | None = None
    approved_by: str | None = None


@dataclass(frozen=True)
class Decided:
    path: Path
    decisions: tuple[Decision, ...]  # as written, one per task
    obligations: tuple[Obligation, ...]  # what each decided on, as it was before


HEADER = "# 本办的审核确认、退回重办和延期决定（gkledger confirm / return / extend 写入）。\n"


def decide(root: Path, asked: Asked, *, today: dt.date, cache: Path | None = None) -> Decided:
    """Append the decisions `asked` for to the unit's office file, or refuse them all."""
    if asked.day > today:
        raise Refused(_f("the date {day} is after today ({today})", day=asked.day, today=today), usage=True)
    root = absolute(root)
    with transaction(root, cache) as tx:
        obligations = tx.loaded.obligations()
        unit = _unit(obligations, asked.unit)
        owed = [_owed(obligations, task, unit, asked) for task in dict.fromkeys(asked.tasks)]
        path = _own_file(root / OFFICE_DIR, unit)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        made = tuple(
            Decision(
                o.task.id,
                unit.name,
                o.period.label if o.period else None,
                asked.kind,
                asked.day,
                asked.reason,
                asked.due,
                asked.approved_by,
            )
            for o in owed
        )
        text = (old if old.endswith("\n") or not old else old + "\n") or HEADER
        text += "".join(_entry(d) for d in made)

        def confirm(checked: object) -> None:
            """The file, read back with the rest of the ledger, ends with exactly these decisions."""
            mine = [d for d in getattr(checked, "decisions", ()) if d.source.path == str(path)]
            written = [d._replace(source=made[0].source) for d in mine]
            if written[-len(made) :] != list(made):
                raise Refused(_("the decision did not read back as meant; nothing was written"))

        tx.write(
            {path: text.encode("utf-8")},
            confirm=confirm,
            invalid=_("the decision would make the ledger invalid; nothing was written"),
        )
        return Decided(path, made, tuple(owed))


def _unit(obligations: Obligations, name: str) -> Unit:
    unit = obligations.index.get(name)
    if unit is None:
        close = obligations.index.suggest(name)
        hint = _f("; did you mean {names}?", names=_(" or ").join(close)) if close else ""
        raise Refused(_f("unknown unit '{name}'{hint}", name=name, hint=hint), usage=True)
    return unit


def _owed(obligations: Obligations, task: str, unit: Unit, asked: Asked) -> Obligation:
    """The obligation decided on, refused when there is nothing to decide: not owed, or (for a
    confirmation or a return) no completion recorded, or one recorded after the decision's day."""
    if task not in obligations.tasks:
        raise Refused(_f("unknown task '{task}'", task=task), usage=True)
    periods = obligations.periods(task, unit)
    if not periods:
        raise Refused(_f("{unit} does not owe task {task}", unit=unit.name, task=task))
    if asked.period is not None:
        chosen = [o for o in periods if o.period is not None and o.period.label == asked.period]
    elif len(periods) == 1:
        chosen = periods
    else:  # a recurring task: the period with a completion waiting, when there is one
        chosen = [o for o in periods if o.record is not None and o.record.done is not None][-1:]
        if asked.kind == "extended" or not chosen:
            labels = ", ".join(o.period.label for o in periods if o.period)
            raise Refused(
                _f(
                    "task {task} is recurring: name the period with --period ({labels})",
                    task=task,
                    labels=labels,
                ),
                usage=True,
            )
    if not chosen:
        raise Refused(_f("task {task} has no period '{period}'", task=task, period=asked.period), usage=True)
    owed = chosen[0]
    if asked.kind == "extended":
        if asked.due is None or asked.due <= owed.due:
            raise Refused(_f("an extension must run past the due date {due}", due=owed.due), usage=True)
        return owed
    record = owed.record
    if record is None or record.done is None:
        raise Refused(
            _f(
                "nothing to {verb}: {unit} has recorded no completion of task {task}",
                verb=_("confirm") if asked.kind == "confirmed" else _("return"),
                unit=unit.name,
                task=owed.label,
            )
        )
    if asked.day < record.done:
        raise Refused(
            _f(
                "the decision's date {day} is before the completion's ({done})",
                day=asked.day,
                done=record.done,
            ),
            usage=True,
        )
    return owed


def _own_file(folder: Path, unit: Unit) -> Path:
    problem = file_name_problem(unit.name)
    if problem is not None:
        raise Refused(_f("unit name {name!r} cannot name a file: {problem}", name=unit.name, problem=problem))
    path = folder / f"{unit.name}.yaml"
    if folder.is_symlink():
        raise Refused(
            _f(
                "{folder} is a symbolic link; gkledger writes only inside the ledger",
                folder=display_path(folder),
            )
        )
    try:
        writable_target(path)
    except WriteRefused as refused:
        raise Refused(_f("{problem}; nothing was written", problem=refused)) from refused
    folder.mkdir(exist_ok=True)
    return path


def _entry(decision: Decision) -> str:
    lines = [f"- task: {scalar(decision.task)}", f"  unit: {scalar(decision.unit)}"]
    if decision.period:
        lines.append(f"  period: {scalar(decision.period)}")
    lines.append(f"  {decision.kind}: {decision.day.isoformat()}")
    if decision.due is not None:
        lines.append(f"  {'to' if decision.kind == 'extended' else 'due'}: {decision.due.isoformat()}")
    if decision.reason:
        lines.append(f"  reason: {scalar(decision.reason)}")
    if decision.approved_by:
        lines.append(f"  approved_by: {scalar(decision.approved_by)}")
    return "\n".join(lines) + "\n"
