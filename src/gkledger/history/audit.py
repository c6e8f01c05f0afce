"""Who recorded what, and when: the audit trail of progress records, read from git history.

The one module that runs git. One pass over the history: `git log --raw` lists, for every commit
that touched the progress folder, each changed file's blobs before and after (renames followed);
one `git cat-file --batch` reads all those blobs. Each commit's records before and after are then
compared by (task, unit): a record that appears was added by that commit, one whose 完成日期
changes was redated, one that disappears was removed. Nothing here reads the clock or the network.

Flags, each with the commit that earned it:
    late-entry      committed more than `max_lag` days after its 完成日期 (倒签, 补录)
    redated         its 完成日期 was changed after it was first committed
    removed         it was deleted and is not in the ledger now
    not-maintainer  the adding commit's author is not among the unit's maintainers (when listed)
    cross-unit      the adding commit touched the progress files of several units
    history-cut     first seen at the edge of a shallow clone: when it was added cannot be seen

Merge commits add nothing of their own here (their changes are the branch commits'), except what a
conflict resolution changes, which is not seen.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gkledger.core.model import Ledger, Unit
from gkledger.core.units import UnitIndex
from gkledger.i18n import _, _f
from gkledger.store.yaml_text import records_of

FLAGS = ("late-entry", "redated", "removed", "not-maintainer", "cross-unit", "history-cut")
EMPTY_BLOB = "0" * 40


class AuditError(Exception):
    """The history cannot be read: not a git repository, no git, a bad revision."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    authored: dt.datetime
    committed: dt.datetime
    boundary: bool = False  # a shallow clone's edge: its parents are not here


@dataclass(frozen=True)
class Change:
    """One progress file as a commit changed it: blobs before and after ("" when absent)."""

    old_path: str
    new_path: str
    old_blob: str
    new_blob: str


@dataclass
class Entry:
    """One record's history."""

    task: str
    unit: str
    done: dt.date | None
    added: Commit | None = None
    lag_days: int | None = None
    flags: dict[str, str] = field(default_factory=dict)  # flag -> the commit that earned it
    present: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.task, self.unit)


@dataclass(frozen=True)
class Trail:
    entries: list[Entry]
    commits: int  # commits read
    shallow: bool  # the history is cut (a shallow clone): what it could not see is flagged


# ---------------------------------------------------------------------------------------------
# git
# ---------------------------------------------------------------------------------------------


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
            input=data,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise AuditError(_("git is not installed")) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AuditError(message[-1] if message else _f("git {command} failed", command=args[0]))
    return done.stdout


def repository_of(folder: Path) -> tuple[Path, str]:
    """The repository holding `folder`, and the folder's path inside it ('data', say)."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    except AuditError:
        raise AuditError(
            _f("{folder} is not in a git repository; audit reads the ledger's git history", folder=folder)
        ) from None
    inside = os.path.relpath(os.path.realpath(folder), os.path.realpath(top))
    return Path(top), "" if inside == "." else Path(inside).as_posix()


def _log(repo: Path, revs: Sequence[str], pathspec: str) -> list[tuple[Commit, list[Change]]]:
    """Each commit touching `pathspec`, oldest first, with its raw changes. Every field is ended
    by NUL, the one byte git keeps out of names and e-mails (\x1e, \x1f and line breaks get in),
    and read by position: a commit's six fields, then its changes, each a token starting with ":"
    followed by its one or two paths; the next token that is none of these starts a commit."""
    fmt = "%H%x00%an%x00%ae%x00%at%x00%ai%x00%ct%x00%ci%x00"
    out = _git(
        repo, "log", "--reverse", "--topo-order", "-M", "--raw", "--no-abbrev", "-z",
        f"--format={fmt}", *(revs or ["HEAD"]), "--", pathspec,
    )  # fmt: skip
    boundary = _shallow_edges(repo)
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    history: list[tuple[Commit, list[Change]]] = []
    i = 0
    while i < len(tokens):
        sha = tokens[i].strip("\n")
        if not _SHA.fullmatch(sha):
            i += 1  # the empty token between a commit's fields and its changes
            continue
        author, email, at, ai, ct, ci = (tokens[i + k] if i + k < len(tokens) else "" for k in range(1, 7))
        i += 7
        commit = Commit(sha, author, email, _when(at, ai), _when(ct, ci), sha in boundary)
        changes: list[str] = []
        while i < len(tokens) and (tokens[i].lstrip("\n").startswith(":") or not tokens[i].strip("\n")):
            meta = tokens[i].lstrip("\n")
            if not meta:
                i += 1
                continue
            paths = 2 if meta.rsplit(" ", 1)[-1][:1] in ("R", "C") else 1
            changes.extend(tokens[i : i + 1 + paths])
            i += 1 + paths
        history.append((commit, _changes(changes)))
    return history


_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_OFFSET = re.compile(r"([+-])(\d\d)(\d\d)$")


def _when(epoch: str, shown: str) -> dt.datetime:
    """A commit's time in its own zone, from its seconds and the offset `%ai` shows; an offset git
    accepts but no clock has (+9959) reads as UTC, a time past the calendar as its nearest end."""
    try:
        seconds = int(epoch)
    except ValueError:
        seconds = 0
    zone: dt.tzinfo = dt.UTC
    offset = _OFFSET.search(shown.strip())
    if offset is not None:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = sign * (int(offset.group(2)) * 60 + int(offset.group(3)))
        if abs(minutes) < 24 * 60:
            zone = dt.timezone(dt.timedelta(minutes=minutes))
    try:
        return dt.datetime.fromtimestamp(seconds, zone)
    except (OverflowError, OSError, ValueError):
        end = dt.datetime.max if seconds > 0 else dt.datetime.min
        return end.replace(tzinfo=dt.UTC)


def _changes(tokens: list[str]) -> list[Change]:
    changes = []
    i = 0
    while i < len(tokens):
        meta = tokens[i].lstrip("\n")
        i += 1
        if not meta.startswith(":"):
            continue
        _, _, old_blob, new_blob, status = meta[1:].split(" ")
        if status[:1] in ("R", "C"):
            old_path, new_path = tokens[i], tokens[i + 1]
            i += 2
        else:
            old_path = new_path = tokens[i]
            i += 1
        changes.append(
            Change(
                old_path,
                new_path,
                "" if old_blob == EMPTY_BLOB else old_blob,
                "" if new_blob == EMPTY_BLOB else new_blob,
            )
        )
    return changes


def _shallow_edges(repo: Path) -> set[str]:
    if _git(repo, "rev-parse", "--is-shallow-repository").strip() != b"true":
        return set()
    path = _git(repo, "rev-parse", "--git-path", "shallow").decode().strip()
    shallow = Path(path) if os.path.isabs(path) else repo / path
    try:
        return set(shallow.read_text(encoding="ascii").split())
    except OSError:
        return set()


def _blobs(repo: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """Every blob at once, through one `git cat-file --batch`."""
    wanted = list(dict.fromkeys(s for s in shas if s))
    if not wanted:
        return {}
    out = _git(repo, "cat-file", "--batch", data="".join(f"{s}\n" for s in wanted).encode())
    found: dict[str, bytes] = {}
    at = 0
    for sha in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        found[sha] = out[at : at + size]
        at += size + 1
    return found


# ---------------------------------------------------------------------------------------------
# Records through history
# ---------------------------------------------------------------------------------------------


def _records(data: bytes | None, index: UnitIndex) -> dict[tuple[str, str], dt.date | None]:
    """A progress file's records by (task, canonical unit), with their 完成日期."""
    if not data:
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}
    found: dict[tuple[str, str], dt.date | None] = {}
    for item in records_of(text) or []:
        if not isinstance(item, dict):
            continue
        task, unit = item.get("task"), item.get("unit")
        if not isinstance(task, str) or not isinstance(unit, str):
            continue
        found[(task.strip(), _canonical(index, unit))] = _date(item.get("done"))
    return found


def _canonical(index: UnitIndex, name: str) -> str:
    unit = index.get(name)
    return unit.name if unit is not None else name


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _is_maintainer(commit: Commit, unit: Unit | None) -> bool:
    if unit is None or not unit.maintainers:
        return True
    email = commit.email.lower()
    local = email.split("@")[0]
    for name in unit.maintainers:
        wanted = name.lower()
        if wanted == email or wanted.lstrip("@") in (commit.author.lower(), local):
            return True
    return False


def trail(ledger: Ledger, data_dir: Path, revs: Sequence[str] = (), max_lag: int | None = None) -> Trail:
    """Every record's history in the git repository holding `data_dir`."""
    repo, inside = repository_of(data_dir)
    progress = f"{inside}/progress" if inside else "progress"
    history = _log(repo, revs, progress)
    blobs = _blobs(repo, (b for _, changes in history for c in changes for b in (c.old_blob, c.new_blob)))
    index = UnitIndex(ledger.units, ledger.groups)
    lag_limit = ledger.settings.max_entry_lag if max_lag is None else max_lag
    parsed: dict[str, dict[tuple[str, str], dt.date | None]] = {}  # blob -> records: each blob is
    # the "after" of one commit and the "before" of the next, so it is parsed once

    def records_in(blob: str) -> dict[tuple[str, str], dt.date | None]:
        if blob not in parsed:
            parsed[blob] = _records(blobs.get(blob), index)
        return parsed[blob]

    entries: dict[tuple[str, str], Entry] = {}
    removed_by: dict[tuple[str, str], tuple[Commit, dt.date | None]] = {}
    for commit, changes in history:
        before: dict[tuple[str, str], dt.date | None] = {}
        after: dict[tuple[str, str], dt.date | None] = {}
        for change in changes:
            before.update(records_in(change.old_blob))
            after.update(records_in(change.new_blob))
        files = {Path(c.new_path).stem for c in changes} | {Path(c.old_path).stem for c in changes}
        units_touched = {_canonical(index, name) for name in files}
        for key, done in after.items():
            entry = entries.get(key)
            if key not in before:
                if entry is None:
                    entry = Entry(key[0], key[1], done)
                    entries[key] = entry
                    _added(entry, commit, done, index, lag_limit, len(units_touched) > 1)
                removed_by.pop(key, None)
            elif entry is not None and before[key] != done and done is not None and before[key] is not None:
                entry.flags.setdefault("redated", commit.sha)
            if entry is not None:
                entry.done = done
        for key in before.keys() - after.keys():
            removed_by[key] = (commit, before[key])
    present = {(r.task, _canonical(index, r.unit)) for r in ledger.records}
    result = []
    for key, entry in entries.items():
        entry.present = key in present
        if not entry.present and key in removed_by:
            entry.flags["removed"] = removed_by[key][0].sha
        result.append(entry)
    for record in ledger.records:  # records not yet committed: no history at all
        key = (record.task, _canonical(index, record.unit))
        if key not in entries:
            entries[key] = Entry(key[0], key[1], record.done)
            result.append(entries[key])
    order_units = {u.name: i for i, u in enumerate(ledger.units)}
    order_tasks = {t.id: i for i, t in enumerate(ledger.tasks)}
    result.sort(key=lambda e: (order_units.get(e.unit, len(order_units)), order_tasks.get(e.task, 0), e.task))
    return Trail(result, len(history), any(c.boundary for c, _ in history))


def _added(
    entry: Entry, commit: Commit, done: dt.date | None, index: UnitIndex, lag_limit: int, cross: bool
) -> None:
    if commit.boundary:
        entry.flags["history-cut"] = commit.sha
        return
    entry.added = commit
    if done is not None:
        entry.lag_days = (commit.authored.date() - done).days
        if entry.lag_days > lag_limit:
            entry.flags["late-entry"] = commit.sha
    if not _is_maintainer(commit, index.get(entry.unit)):
        entry.flags["not-maintainer"] = commit.sha
    if cross:
        entry.flags["cross-unit"] = commit.sha


def entry_dates(trail_: Trail) -> dict[tuple[str, str], dt.date]:
    """When each record still in the ledger was committed: (task, unit) -> the adding commit's day."""
    return {e.key: e.added.authored.date() for e in trail_.entries if e.added is not None and e.present}
