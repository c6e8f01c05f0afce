"""Who made each of the office's decisions and when, from the ledger's git history: for each
confirmation, return and extension now in office/*.yaml, the first commit that holds it. Flagged:
late-extension (an extension decided after the due date it extends had passed) and not-committed
(a decision only in the working copy). One pass over the office folder's history; no network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gkledger.core.model import Decision
from gkledger.core.status import Obligations
from gkledger.history.audit import Commit, _blobs, _log, repository_of
from gkledger.store.decisions import decisions_in, read_decisions
from gkledger.store.locate import OFFICE_DIR

OFFICE_FLAGS = ("late-extension", "not-committed")

DecisionKey = tuple[str, str, str | None, str, str]  # task, unit, period, kind, day


@dataclass
class DecisionEntry:
    decision: Decision
    added: Commit | None  # the first commit holding it; None when not committed yet
    flags: dict[str, str] = field(default_factory=dict)  # flag -> the commit that earned it ("" if none)


def office_trail(obligations: Obligations, data_dir: Path, revs: Sequence[str] = ()) -> list[DecisionEntry]:
    repo, inside = repository_of(data_dir)
    history = _log(repo, revs, f"{inside}/{OFFICE_DIR}" if inside else OFFICE_DIR)
    blobs = _blobs(repo, (c.new_blob for _, changes in history for c in changes))

    def key(decision: Decision) -> DecisionKey:
        unit = obligations.index.get(decision.unit)
        name = unit.name if unit is not None else decision.unit
        return (decision.task, name, decision.period, decision.kind, decision.day.isoformat())

    first: dict[DecisionKey, Commit] = {}
    for made_in, changes in history:
        for change in changes:
            data = blobs.get(change.new_blob)
            if data:
                for decision in decisions_in(change.new_path, data):
                    first.setdefault(key(decision), made_in)
    entries = []
    for decision in read_decisions(data_dir)[0]:
        commit = first.get(key(decision))
        entry = DecisionEntry(decision, commit)
        if commit is None:
            entry.flags["not-committed"] = ""
        if decision.kind == "extended":
            unit = obligations.index.get(decision.unit)
            owed = obligations.obligation(decision.task, unit, decision.period) if unit is not None else None
            if owed is not None and decision.day > owed.due:  # the obligation's own due date, not a row's
                entry.flags["late-extension"] = commit.sha if commit else ""
        entries.append(entry)
    return entries
