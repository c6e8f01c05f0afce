"""A repository of plans checked as a whole: every plan (or the one asked for), the shared
units.yaml once, and each task's carried_from against the plan it names."""

from __future__ import annotations

from pathlib import Path

from gkledger.core.diagnostics import Diagnostic
from gkledger.store.cache import load_snapshot
from gkledger.store.checks import carried_references
from gkledger.store.locate import plan_years
from gkledger.store.stages import Loaded


def check_repository(folder: Path, root: Path, plan: int | None, cache: Path | None) -> list[Diagnostic]:
    """Every diagnostic of the ledger at `folder`: of each of its plans, or of `root` alone when a
    plan was asked for (or the folder holds one plan). A diagnostic of a file the plans share
    (units.yaml) is given once, not once per plan."""
    years = plan_years(folder)
    roots = [folder / str(y) for y in years] if years and plan is None else [root]
    snapshots: dict[Path, Loaded] = {r: load_snapshot(r, cache) for r in roots}
    tasks_of: dict[int, set[str]] = {}
    for year in years:
        plan_root = folder / str(year)
        if plan_root not in snapshots:
            snapshots[plan_root] = load_snapshot(plan_root, cache)
        tasks_of[year] = {task.id for task in snapshots[plan_root].ledger.tasks}
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[object, ...]] = set()
    for checked in roots:
        snapshot = snapshots[checked]
        for diagnostic in [*snapshot.diagnostics, *carried_references(snapshot.ledger, tasks_of)]:
            key = (diagnostic.source, diagnostic.code, diagnostic.message)
            if key not in seen:
                seen.add(key)
                diagnostics.append(diagnostic)
    return diagnostics
