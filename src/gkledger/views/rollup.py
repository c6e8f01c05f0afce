"""Many ledgers, one view: a city's, its counties', a province's cities', read together.

Each ledger is read by gkledger's own loader through its own cache, so its owner phrases, periods
and settings mean what they mean there, and a second roll-up re-reads only the ledgers that
changed. Each ledger stays a namespace: its label keys every row, and a unit is never merged with a
unit of the same name in another ledger (hledger's and fava's multi-file books broke on exactly
that). A ledger that fails `check` is kept with its diagnostics, never dropped.

A source is a ledger's folder (a repository root holding data/, or the data folder itself) or a
rollup.yaml listing them:

    ledgers:
      - {label: 新城区, path: ../xincheng}
      - {label: 回民区, path: ../huimin/data, plan: 2022}
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from gkledger import __version__
from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import ROLLUP_SCHEMA, Ledger
from gkledger.core.status import AsOf, Obligations, Row, Status, Summary, summarise
from gkledger.i18n import _, _f
from gkledger.store.cache import load_snapshot
from gkledger.store.decisions import office_digest
from gkledger.store.files import content_digest
from gkledger.store.invocation import UsageError, plan_folder
from gkledger.store.locate import TASKS_FILE, plan_years
from gkledger.store.yaml_source import parse
from gkledger.store.yaml_text import plain_values
from gkledger.views.query import unit_summaries
from gkledger.views.reports import Bulletin


class RollupError(UsageError):
    """The sources cannot be read as ledgers: a usage error, with what to give instead."""


@dataclass(frozen=True)
class Source:
    label: str
    folder: Path  # the ledger's data folder
    plan: int | None = None  # the plan year, in a folder of several plans


@dataclass(frozen=True)
class Part:
    """One ledger of a roll-up as of a day: its rows, its units' summaries and its diagnostics."""

    source: Source
    root: Path  # the plan's folder that was read
    ledger: Ledger
    obligations: Obligations
    rows: list[Row]
    units: list[Summary]
    diagnostics: list[Diagnostic]
    today: dt.date
    soon_days: int
    head: tuple[str, str] | None  # the repository's commit and its date, when in git
    parsed: int  # files parsed this time (the rest came from the ledger's cache)
    fingerprint: str  # what it was read from, as of which day, by which gkledger (`fingerprint`)

    @property
    def label(self) -> str:
        return self.source.label

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def summary(self) -> Summary:
        return summarise(self.rows, self.today)


@dataclass(frozen=True)
class Kept:
    """A ledger unchanged since the roll-up file was written: its rows stay as they are there."""

    source: Source
    fingerprint: str
    errors: int

    @property
    def label(self) -> str:
        return self.source.label


@dataclass(frozen=True)
class Rollup:
    parts: list[Part]  # the ledgers read this time
    today: dt.date
    kept: list[Kept] = field(default_factory=list)  # the ledgers a previous roll-up file holds as they are

    @property
    def failing(self) -> list[tuple[str, Path, int]]:
        """Each ledger with errors: its label, its folder and how many."""
        read = [(p.label, p.root, p.errors) for p in self.parts if p.errors]
        return read + [(k.label, k.source.folder, k.errors) for k in self.kept if k.errors]

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.parts] + [k.label for k in self.kept]


def sources_of(paths: Sequence[Path]) -> list[Source]:
    """The ledgers the command line names: folders, and the ledgers rollup.yaml files list."""
    sources: list[Source] = []
    for path in paths:
        if path.is_file():
            sources.extend(_listed(path))
        else:
            sources.append(Source(_default_label(path), _data_folder(path)))
    seen: dict[str, Source] = {}
    for source in sources:
        if source.label in seen:
            raise RollupError(
                _f(
                    "two ledgers are labelled '{label}' ({first} and {second}); give each its own "
                    "label in a rollup.yaml",
                    label=source.label,
                    first=seen[source.label].folder,
                    second=source.folder,
                )
            )
        seen[source.label] = source
    if not sources:
        raise RollupError(_("name at least one ledger folder or rollup.yaml"))
    return sources


def _data_folder(path: Path) -> Path:
    for candidate in (path / "data", path):
        if (candidate / TASKS_FILE).is_file() or plan_years(candidate):
            return candidate
    raise RollupError(_f("{folder} holds no ledger (no tasks.yaml, in it or in its data/)", folder=path))


def _default_label(path: Path) -> str:
    """A ledger's name when none is given: its repository's folder (the one holding data/)."""
    folder = path.resolve()
    if folder.name.isdigit() and folder.parent.name == "data":  # a plan's folder: data/2022
        folder = folder.parent
    return (folder.parent if folder.name == "data" else folder).name


def _listed(path: Path) -> list[Source]:
    value, problems = parse(str(path), path.read_bytes())
    errors = [p for p in problems if p.severity == "error"]
    listed = plain_values(value) if not errors else None
    entries = listed.get("ledgers") if isinstance(listed, dict) else None
    if not isinstance(entries, list) or not entries:
        raise RollupError(
            _f(
                "{file} is not a roll-up list: write ledgers: [{{label: 新城区, path: ../xincheng}}, …]",
                file=path,
            )
        )
    sources = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: ledgers[{number}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise RollupError(_f("{where}: give each ledger a path", where=where))
        folder = _data_folder((path.parent / entry["path"]).resolve())
        label = entry.get("label")
        plan = entry.get("plan")
        if plan is not None and not (isinstance(plan, str) and plan.isdigit() and len(plan) == 4):
            raise RollupError(_f("{where}: plan is a year such as 2022", where=where))
        sources.append(
            Source(
                str(label) if label else _default_label(folder),
                folder,
                int(plan) if plan else None,
            )
        )
    return sources


def fingerprint(root: Path, today: dt.date, head: tuple[str, str] | None) -> str:
    """What a ledger's lines in a roll-up depend on: the bytes of its files and of the office's
    decisions, the day, gkledger's version, and the commit its repository is at."""
    commit = head[0] if head else ""
    return f"{content_digest(root)}|{office_digest(root)}|{today.isoformat()}|{__version__}|{commit}"


def build_rollup(
    sources: Sequence[Source],
    today: dt.date,
    cache: Path | None,
    previous: Mapping[str, tuple[str, int]] | None = None,
) -> Rollup:
    """Every ledger read as of `today`, each through its own cache; with `previous` (label ->
    fingerprint and errors, from the roll-up file written last), a ledger whose fingerprint has not
    changed is kept as that file holds it, not read again."""
    parts = []
    kept = []
    for source in sources:
        root = plan_folder(source.folder, source.plan, today)
        head = git_head(source.folder)
        printed = fingerprint(root, today, head)
        before = (previous or {}).get(source.label)
        if before is not None and before[0] == printed:
            kept.append(Kept(source, printed, before[1]))
            continue
        snapshot = load_snapshot(root, cache)
        ledger = snapshot.ledger
        obligations = snapshot.obligations()
        soon_days = ledger.settings.soon_days
        rows = obligations.rows(AsOf(today, soon_days))
        parts.append(
            Part(
                source=source,
                root=root,
                ledger=ledger,
                obligations=obligations,
                rows=rows,
                units=unit_summaries(obligations, AsOf(today, soon_days), rows),
                diagnostics=list(snapshot.diagnostics),
                today=today,
                soon_days=soon_days,
                head=head,
                parsed=snapshot.parsed,
                fingerprint=printed,
            )
        )
    return Rollup(parts, today, kept)


def git_head(folder: Path) -> tuple[str, str] | None:
    """The commit a ledger's repository is at, and its date; None outside git (or without git)."""
    here = folder.resolve()
    if not any((place / ".git").exists() for place in (here, *here.parents)):
        return None  # no repository: no process started to find that out
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "log", "-1", "--format=%H%x00%cI"],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit, _sep, when = done.stdout.decode("utf-8", "replace").strip().partition("\0")
    return (commit, when) if done.returncode == 0 and commit else None


def worst_first(summary: Summary) -> tuple[float, int]:
    """Worst first: the lowest 按期办结率 (nothing due yet counts as the best), then the most late."""
    rate = summary.on_time_rate
    return (rate if rate is not None else 2.0, -summary.counts["late"])


def by_ledger(rollup: Rollup) -> list[tuple[Part, Summary]]:
    """One summary per ledger, worst first (ties in the order the sources were given)."""
    return sorted(((part, part.summary) for part in rollup.parts), key=lambda pair: worst_first(pair[1]))


def by_unit(rollup: Rollup) -> list[tuple[Part, Summary]]:
    """Every unit of every ledger with its ledger, worst first."""
    pairs = [(part, summary) for part in rollup.parts for summary in part.units]
    return sorted(pairs, key=lambda pair: worst_first(pair[1]))


def previous_rollup(path: Path) -> dict[str, tuple[str, int]]:
    """The ledgers a roll-up file gkledger wrote holds (label -> fingerprint and errors), when its
    schema is the one written now; empty otherwise (then every ledger is read)."""
    import sqlite3

    if not is_rollup_file(path):
        return {}
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            if version != ROLLUP_SCHEMA:
                return {}
            rows = connection.execute("SELECT label, fingerprint, errors FROM ledgers").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
    return {str(label): (str(printed), int(errors)) for label, printed, errors in rows if printed}


def is_rollup_file(path: Path) -> bool:
    """Whether `path` is a roll-up gkledger wrote (so writing the next one over it needs no
    --force): a SQLite file whose meta names gkledger."""
    import sqlite3

    try:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = connection.execute("SELECT value FROM meta WHERE key = 'generator'").fetchone()
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return False
    return bool(found and str(found[0]).startswith("gkledger "))


def one_ledger(root: Path, today: dt.date, cache: Path | None) -> Rollup:
    """The roll-up of the one plan at `root`, labelled by its repository's name (export --format
    sqlite writes the same schema as `rollup`)."""
    return build_rollup([Source(_default_label(root), root)], today, cache)  # plan_folder: root itself


class _Kept(NamedTuple):
    """An obligation as a roll-up file keeps it, for `summarise` (the rule of every view)."""

    status: Status
    due: dt.date
    lead: bool = False


def rollup_bulletin(path: Path) -> Bulletin:
    """The 通报 of a roll-up file: its ledgers (县市区) ranked together by 按期办结率, each one's
    figures counted from its obligations as of the roll-up's day by the same rule as everywhere."""
    import sqlite3

    from gkledger.core.model import Plan, Source, Unit
    from gkledger.views.reports import Bulletin, places, standing  # best first, as a 通报 ranks

    if not is_rollup_file(path):
        raise RollupError(_f("{file} is not a roll-up gkledger wrote (gkledger rollup … -o FILE)", file=path))
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (as_of,) = connection.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
        ledgers = connection.execute("SELECT label, title FROM ledgers ORDER BY rowid").fetchall()
        rows = connection.execute("SELECT ledger, status, due FROM obligations").fetchall()
    finally:
        connection.close()
    today = dt.date.fromisoformat(as_of)
    counted: dict[str, list[_Kept]] = {label: [] for label, _title in ledgers}
    for label, status, due in rows:
        counted.setdefault(label, []).append(_Kept(status, dt.date.fromisoformat(due)))

    nowhere = Source("")
    summaries = [
        summarise(
            counted[label], today, Unit(label, title or label, (), "台账", "", None, (), None, None, nowhere)
        )
        for label, title in ledgers
    ]
    ranking = tuple(sorted(summaries, key=standing))
    everything = [found for found in counted.values()]
    plan = Plan("各地政务公开工作要点", None, None, None, None, None, None, today.year, nowhere)
    return Bulletin(
        today=today,
        since=None,
        plan=plan,
        overall=summarise([item for found in everything for item in found], today),
        ranking=ranking,
        ranks=places(ranking),
        spotless=tuple(s.unit for s in ranking if s.unit is not None and not s.counts["late"]),
        done_since=(),
        late_since=(),
        worst_tasks=(),
        noun="地区",
    )
