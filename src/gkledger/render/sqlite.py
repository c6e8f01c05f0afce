"""A roll-up (or one ledger) as one SQLite file, with Python's own sqlite3: the tables below, every
row keyed by its ledger's label, indexes for the usual questions, and the schema's version in the
file (`PRAGMA user_version` and the `meta` table). Built in memory and handed back as bytes, so the
caller writes it atomically: a reader never sees half a file.

    meta         key, value                       schema_version, generator, as_of
    ledgers      label, title, number, year, issuer, signed, folder, plan_folder, git_commit,
                 git_date, as_of, soon_days, errors, warnings, fingerprint
    units        ledger, name, full_name, kind, level, parent, tags (JSON), code
    tasks        ledger, id, section, item, text, owners, deadline, due, ongoing, remark, units
    obligations  ledger, then exactly the columns of `status --all --format json`
    records      ledger, task, unit, period, done, waived, evidence, note, source
    problems     ledger, path, line, column, code, severity, message, hint
    obligations_by_kind   (a view) the obligations with their unit's kind, to facet by

Units are never merged across ledgers: (ledger, name) is a unit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gkledger import __version__
from gkledger.core.model import ROLLUP_SCHEMA
from gkledger.render.records import row_values

if TYPE_CHECKING:  # handed a roll-up; a renderer never reads ledgers itself
    from gkledger.views.rollup import Part, Rollup

SCHEMA_VERSION = ROLLUP_SCHEMA


SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE ledgers (
  label TEXT PRIMARY KEY, title TEXT, number TEXT, year INTEGER, issuer TEXT, signed TEXT,
  folder TEXT, plan_folder TEXT, git_commit TEXT, git_date TEXT, as_of TEXT, soon_days INTEGER,
  errors INTEGER, warnings INTEGER, fingerprint TEXT
);
CREATE TABLE units (
  ledger TEXT NOT NULL REFERENCES ledgers(label), name TEXT NOT NULL, full_name TEXT, kind TEXT,
  level TEXT, parent TEXT, tags TEXT, code TEXT, PRIMARY KEY (ledger, name)
);
CREATE TABLE tasks (
  ledger TEXT NOT NULL REFERENCES ledgers(label), id TEXT NOT NULL, section TEXT, item TEXT,
  text TEXT, owners TEXT, deadline TEXT, due TEXT, ongoing INTEGER, remark TEXT, units INTEGER,
  PRIMARY KEY (ledger, id)
);
CREATE TABLE obligations (
  ledger TEXT NOT NULL REFERENCES ledgers(label),
  task TEXT, period TEXT, unit TEXT, unit_full_name TEXT, due TEXT, status TEXT, days_left INTEGER,
  lead INTEGER, text TEXT, owners TEXT, deadline TEXT, ongoing INTEGER, done TEXT, waived TEXT,
  evidence TEXT, note TEXT, record TEXT, review TEXT, returned_reason TEXT, original_due TEXT
);
CREATE TABLE records (
  ledger TEXT NOT NULL REFERENCES ledgers(label), task TEXT, unit TEXT, period TEXT, done TEXT,
  waived TEXT, evidence TEXT, note TEXT, source TEXT
);
CREATE TABLE problems (
  ledger TEXT NOT NULL REFERENCES ledgers(label), path TEXT, line INTEGER, col INTEGER, code TEXT,
  severity TEXT, message TEXT, hint TEXT
);
CREATE INDEX obligations_by_ledger_unit ON obligations (ledger, unit);
CREATE INDEX obligations_by_status ON obligations (status, ledger);
CREATE INDEX obligations_by_due ON obligations (due);
CREATE INDEX records_by_ledger_unit ON records (ledger, unit);
CREATE INDEX problems_by_ledger ON problems (ledger);
CREATE VIEW obligations_by_kind AS
  SELECT o.*, u.kind AS kind FROM obligations o LEFT JOIN units u ON u.ledger = o.ledger AND u.name = o.unit;
PRAGMA user_version = {SCHEMA_VERSION};
"""


def to_sqlite(rollup: Rollup, base: bytes | None = None) -> bytes:
    """The roll-up as the bytes of a SQLite database file. With `base` (the roll-up file written
    last, whose schema is this one), the ledgers the roll-up kept stay as `base` holds them and
    every other ledger's rows are replaced: a refresh rewrites one ledger, not a hundred."""
    connection = sqlite3.connect(":memory:")
    try:
        if base is not None:
            connection.deserialize(base)
            kept = {k.label for k in rollup.kept}
            stale = [
                label for (label,) in connection.execute("SELECT label FROM ledgers") if label not in kept
            ]
            with connection:
                for table in ("problems", "records", "obligations", "tasks", "units", "ledgers"):
                    column = "label" if table == "ledgers" else "ledger"
                    connection.executemany(
                        f"DELETE FROM {table} WHERE {column} = ?",
                        [(label,) for label in stale],
                    )
                connection.execute("DELETE FROM meta")
        else:
            connection.executescript(SCHEMA)
        with connection:
            _meta(connection, rollup)
            for part in rollup.parts:
                _part(connection, part)
        if base is not None:
            connection.execute("VACUUM")  # the deleted rows' pages go: the file is as a fresh one
        return connection.serialize()
    finally:
        connection.close()


def _meta(connection: sqlite3.Connection, rollup: Rollup) -> None:
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("schema_version", str(SCHEMA_VERSION)),
            ("generator", f"gkledger {__version__}"),
            ("as_of", rollup.today.isoformat()),
            ("ledgers", str(len(rollup.parts) + len(rollup.kept))),
        ],
    )


def _insert(connection: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]]) -> None:
    rows = list(rows)
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _part(connection: sqlite3.Connection, part: Part) -> None:
    label = part.label
    ledger = part.ledger
    plan = ledger.plan
    head = part.head or (None, None)
    warnings = sum(1 for d in part.diagnostics if d.severity == "warning")
    _insert(
        connection,
        "ledgers",
        [
            (
                label,
                plan.title if plan else None,
                plan.number if plan else None,
                plan.year if plan else None,
                plan.issuer if plan else None,
                plan.signed.isoformat() if plan and plan.signed else None,
                str(part.source.folder),
                str(part.root),
                head[0],
                head[1],
                part.today.isoformat(),
                part.soon_days,
                part.errors,
                warnings,
                part.fingerprint,
            )
        ],
    )
    _insert(
        connection,
        "units",
        (
            (
                label,
                u.name,
                u.full_name,
                u.kind,
                u.level,
                u.parent,
                json.dumps(list(u.tags), ensure_ascii=False),
                u.code,
            )
            for u in ledger.units
        ),
    )
    owners = part.obligations.owing
    _insert(
        connection,
        "tasks",
        (
            (
                label,
                t.id,
                t.section,
                t.item,
                t.text,
                t.owners,
                t.deadline.text if t.deadline else None,
                t.deadline.due.isoformat() if t.deadline else None,
                int(bool(t.deadline and t.deadline.ongoing)),
                t.remark,
                len(owners.get(t.id, ())),
            )
            for t in _first_of_each(ledger.tasks)
        ),
    )
    _insert(connection, "obligations", ((label, *row_values(row)) for row in part.rows))
    _insert(
        connection,
        "records",
        (
            (
                label,
                r.task,
                r.unit,
                r.period,
                r.done.isoformat() if r.done else None,
                r.waived,
                r.evidence,
                r.note,
                str(r.source),
            )
            for r in ledger.records
        ),
    )
    _insert(
        connection,
        "problems",
        (
            (label, d.source.path, d.source.line, d.source.column, d.code, d.severity, d.message, d.hint)
            for d in part.diagnostics
        ),
    )


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _first_of_each(tasks: Iterable[Any]) -> list[Any]:
    """Tasks by id, the first of a repeated id (check reports the repeat as a problem)."""
    seen: dict[str, Any] = {}
    for task in tasks:
        seen.setdefault(task.id, task)
    return list(seen.values())
