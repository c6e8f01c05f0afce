"""The office's decisions (审核确认, 退回重办, 延期) as files: office/<unit>.yaml beside progress/,
owned by the office (`codeowners` gives the folder to its maintainers), each a list of entries:

    - task: "5"
      unit: 回民区
      confirmed: 2021-08-25             # 审核确认 of the completion recorded
    - task: "6"
      unit: 回民区
      returned: 2021-08-26              # 退回重办, with why, and optionally a new due date
      reason: 佐证链接打不开
      due: 2021-09-10
    - task: "7"
      unit: 回民区
      extended: 2021-06-20              # 延期: granted on, to, why, approved by
      to: 2021-10-31
      reason: 等待上级部署
      approved_by: 王主任

(`period:` names the period of a recurring task.) They are read through the same file rules as
the rest of the ledger (size, links, encodings), parsed fresh on every load (a few small files:
the cache keeps the units' records, and a fresh load and a cached one read these alike), and
checked against the obligations: a decision for a task the unit does not owe, or a confirmation
or return of a completion never recorded, is a diagnostic with file and line.
"""

from __future__ import annotations

import os
from pathlib import Path

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Decision, DecisionKind
from gkledger.core.status import Obligations, RecordKey, Review
from gkledger.i18n import _, _f
from gkledger.store.fields import Fields, expect_mapping, expect_sequence, source_of
from gkledger.store.files import blake2b, examine, read_bytes
from gkledger.store.locate import OFFICE_DIR
from gkledger.store.yaml_source import Value, parse

DECISION_FIELDS = ("task", "unit", "period", "confirmed", "returned", "extended", "reason", "due", "to",
                   "approved_by", "note")  # fmt: skip
KINDS: tuple[DecisionKind, ...] = ("confirmed", "returned", "extended")


def office_files(root: Path, overlay: dict[Path, bytes] | None = None) -> list[Path]:
    """office/*.yaml in name order (hidden files left out), with files only the overlay holds."""
    folder = root / OFFICE_DIR
    found = set()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith((".yaml", ".yml")) and not entry.name.startswith("."):
                    found.add(folder / entry.name)
    except OSError:
        pass
    for path in overlay or {}:
        if path.parent == folder:
            found.add(path)
    return sorted(found)


def read_decisions(
    root: Path, overlay: dict[Path, bytes] | None = None
) -> tuple[list[Decision], list[Diagnostic]]:
    """Every decision in office/, in file order, and what could not be read."""
    decisions: list[Decision] = []
    out: list[Diagnostic] = []
    given = overlay or {}
    for path in office_files(root, given):
        data = given.get(path)
        if data is None:
            read = read_bytes(examine(root, f"{OFFICE_DIR}/{path.name}", False))
            if isinstance(read, Diagnostic):
                out.append(read)
                continue
            data = read
        value, problems = parse(str(path), data)
        out.extend(problems)
        decisions.extend(_entries(str(path), value, out))
    return decisions, out


def decisions_in(path: str, data: bytes) -> list[Decision]:
    """The decisions one version of an office file holds (what could not be read left out): for
    `audit`, which reads each version git has of it."""
    value, problems = parse(path, data)
    if any(p.severity == "error" for p in problems):
        return []
    return _entries(path, value, [])


def _entries(path: str, value: Value | None, out: list[Diagnostic]) -> list[Decision]:
    if value is None:
        return []
    what = _("an office decision")
    sequence = expect_sequence(
        path, value, _("an office file"), out, _("an office file is a list: '- task: …'")
    )
    decisions = []
    for node in sequence.items if sequence else ():
        mapping = expect_mapping(path, node, what, out)
        if mapping is None:
            continue
        fields = Fields(path, mapping, DECISION_FIELDS, what, out)
        task = fields.text("task", required=True)
        unit = fields.text("unit", required=True)
        period = fields.text("period")
        kinds = [kind for kind in KINDS if fields.raw(kind) is not None]
        if len(kinds) != 1:
            out.append(
                Diagnostic(
                    fields.source,
                    "GK502",
                    _(
                        "a decision needs exactly one of confirmed, returned and extended "
                        "(the day it was made)"
                    ),
                )
            )
            continue
        kind = kinds[0]
        day = fields.date(kind, required=True)
        reason = fields.text("reason")
        due = fields.date("to" if kind == "extended" else "due")
        approved_by = fields.text("approved_by")
        missing = {
            "confirmed": [],
            "returned": [name for name, got in (("reason", reason),) if not got],
            "extended": [
                name
                for name, got in (("to", due), ("reason", reason), ("approved_by", approved_by))
                if not got
            ],
        }[kind]
        if missing:
            out.append(
                Diagnostic(
                    fields.source,
                    "GK502",
                    _f("a decision '{kind}' needs {fields}", kind=kind, fields=", ".join(missing)),
                )
            )
            continue
        if task is None or unit is None or day is None:
            continue
        decisions.append(
            Decision(
                task,
                unit,
                period.strip() if period else None,
                kind,
                day,
                reason,
                due,
                approved_by,
                source_of(path, mapping),
            )
        )
    return decisions


def check_decisions(decisions: list[Decision], obligations: Obligations) -> list[Diagnostic]:
    """Each decision against what it decides on: an owed obligation, and for a confirmation or a
    return a completion recorded. (One dated before the completion now recorded is of an earlier
    completion, since redone: it no longer applies, and that is no error.)"""
    out = []
    for decision in decisions:
        unit = obligations.index.get(decision.unit)
        if unit is None:
            out.append(Diagnostic(decision.source, "GK501", _f("unknown unit '{unit}'", unit=decision.unit)))
            continue
        owed = obligations.obligation(decision.task, unit, decision.period)
        if owed is None:
            periods = [o.period.label for o in obligations.periods(decision.task, unit) if o.period]
            detail = _f("; its periods are {periods}", periods=", ".join(periods)) if periods else ""
            out.append(
                Diagnostic(
                    decision.source,
                    "GK501",
                    _f(
                        "{unit} owes no task '{task}'{period}{detail}",
                        unit=unit.name,
                        task=decision.task,
                        period=f" ({decision.period})" if decision.period else "",
                        detail=detail,
                    ),
                )
            )
            continue
        if decision.kind == "extended":
            if decision.day > owed.due:
                out.append(
                    Diagnostic(
                        decision.source,
                        "GK504",
                        _f(
                            "task {task} of {unit} was extended on {day}, after its due date {due} "
                            "had passed",
                            task=decision.task,
                            unit=unit.name,
                            day=decision.day,
                            due=owed.due,
                        ),
                        _("an extension is asked for and granted before the deadline"),
                    )
                )
            if decision.due is not None and decision.due <= owed.due:
                out.append(
                    Diagnostic(
                        decision.source,
                        "GK502",
                        _f(
                            "an extension to {to} is not after the due date {due}",
                            to=decision.due,
                            due=owed.due,
                        ),
                    )
                )
            continue
        record = owed.record
        if record is None or record.done is None:
            out.append(
                Diagnostic(
                    decision.source,
                    "GK503",
                    _f(
                        "task {task} of {unit} is {kind} but no completion is recorded",
                        task=decision.task,
                        unit=unit.name,
                        kind=decision.kind,
                    ),
                    _(
                        "a unit records its completion first (gkledger done); the office then confirms "
                        "or returns it"
                    ),
                )
            )
    return out


def reviews_of(decisions: list[Decision], obligations: Obligations) -> dict[RecordKey, Review]:
    """Each obligation's decisions, by its key, in the order they were made (by day; on one day,
    as the files list them)."""
    require = obligations.ledger.settings.require_confirmation
    gathered: dict[RecordKey, list[Decision]] = {}
    for decision in decisions:
        unit = obligations.index.get(decision.unit)
        if unit is not None:
            gathered.setdefault((decision.task, unit.name, decision.period), []).append(decision)
    reviews = {}
    for key, found in gathered.items():
        ordered = sorted(found, key=lambda d: d.day)  # stable: file order within a day
        verdicts = tuple(d for d in ordered if d.kind != "extended")
        extended = next((d for d in reversed(ordered) if d.kind == "extended"), None)
        reviews[key] = Review(require, verdicts, extended)
    return reviews


def office_digest(root: Path) -> str:
    """A digest of the office's files (their names and bytes), for what a ledger's rows depend on."""
    digest = blake2b(digest_size=16)
    for path in office_files(root):
        try:
            data = path.read_bytes()
        except OSError as exc:
            data = str(exc).encode()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
