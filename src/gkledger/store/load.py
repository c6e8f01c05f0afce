"""The loader's parsing: each data file's bytes to what the model holds, with every diagnostic.

A data folder holds `tasks.yaml`, `units.yaml` and `progress/*.yaml`; `store.stages` runs the
pipeline (list, core, each progress file, the checks across files) and calls the readers here.
Nothing here raises for bad input: a file that cannot be read or parsed becomes a diagnostic, and
the rest is still checked.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from sys import intern

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import (
    FILTER_KEYS,
    Core,
    Plan,
    Record,
    Selector,
    Settings,
    Source,
    Task,
    Term,
    Unit,
    pack_places,
)
from gkledger.core.units import UnitIndex
from gkledger.i18n import _, _f
from gkledger.store import checks
from gkledger.store.fields import Fields, expect_mapping, expect_sequence, source_of, texts_of
from gkledger.store.files import MAX_RECORDS, DataFile, absolute, examine, read_bytes
from gkledger.store.locate import UNITS_FILE
from gkledger.store.settings import read_settings
from gkledger.store.stages import Contents, Loaded, Overlay, Stages, run
from gkledger.store.yaml_source import Mapping, Scalar, Sequence, Value, kind_of, parse

PLAN_FIELDS = ("title", "number", "issuer", "notice", "attachment", "signed", "published", "year", "note")
TASK_FIELDS = (
    "id",
    "section",
    "item",
    "text",
    "owners",
    "owed_by",
    "lead",
    "unresolved",
    "deadline",
    "remark",
    "note",
    "carried_from",
)
UNIT_FIELDS = (
    "name",
    "full_name",
    "aliases",
    "kind",
    "level",
    "parent",
    "tags",
    "code",
    "note",
    "maintainers",
)
RECORD_FIELDS = ("task", "unit", "period", "done", "waived", "evidence", "note", "expect")
TERM_FIELDS = (*FILTER_KEYS, "role", "with_children")


def load(root: Path, overlay: Overlay | None = None) -> Loaded:
    """Read and check the ledger in `root`; `overlay` gives new contents for some files (to check a
    change before writing it). The pipeline is `store.stages.run`; this module is its parsing."""
    return run(root, Stages(overlay))


def _value(file: DataFile, data: Contents, out: list[Diagnostic]) -> Value | None:
    """One file's bytes through the parser (or the read stage's diagnostic for it)."""
    if isinstance(data, Diagnostic):
        out.append(data)
        return None
    shown = file.location
    value, problems = parse(shown, data)
    out.extend(problems)
    if value is None and not problems and file.required:
        out.append(
            Diagnostic(
                Source(shown, 1, 1), "GK009", _("the file is empty"), _("see README.md for its layout")
            )
        )
    return value


def read_core(
    units_file: DataFile, units_data: Contents, tasks_file: DataFile, tasks_data: Contents
) -> tuple[Core, UnitIndex]:
    """The core, and the unit index its checks resolved the selectors with (to check records
    with, so that no selector is resolved twice)."""
    out: list[Diagnostic] = []
    units, groups, maintainers, words = _read_units(
        units_file.location, _value(units_file, units_data, out), out
    )
    plan, settings, tasks = _read_tasks(tasks_file.location, _value(tasks_file, tasks_data, out), out)
    core = Core(plan, settings, tuple(tasks), tuple(units), groups, maintainers, (), words)
    index = UnitIndex(core.units, core.groups)
    found = checks.core(core.ledger(Path(), ()), index)
    return core._replace(diagnostics=(*out, *found)), index


def read_units_alone(root: Path) -> tuple[Core, UnitIndex]:
    """A data folder's units.yaml with its checks, for commands that need the roster before (or
    without) a plan: `import` reads owners phrases with it. The core's plan and tasks are empty."""
    file = examine(absolute(root), UNITS_FILE, True)
    return read_units_data(file, file.problem or read_bytes(file))


def read_units_data(file: DataFile, data: Contents) -> tuple[Core, UnitIndex]:
    """A units.yaml's bytes (a file's, or a text about to be written) to a core with its checks."""
    out: list[Diagnostic] = []
    units, groups, maintainers, words = _read_units(file.location, _value(file, data, out), out)
    core = Core(None, Settings(), (), tuple(units), groups, maintainers, (), words)
    index = UnitIndex(core.units, core.groups)
    found = [d for d in checks.core(core.ledger(Path(), ()), index) if d.source.path == file.location]
    return core._replace(diagnostics=(*out, *found)), index


def read_tasks_text(data: bytes, path: str = "tasks.yaml") -> tuple[list[Task], list[Diagnostic]]:
    """The tasks of a tasks.yaml text (to read a file back before it is written)."""
    out: list[Diagnostic] = []
    value, problems = parse(path, data)
    out.extend(problems)
    _plan, _settings, tasks = _read_tasks(path, value, out)
    return tasks, out


def read_plan_year(data: bytes, path: str = "tasks.yaml") -> int | None:
    """The plan year a tasks.yaml text names, or None when it cannot be read."""
    out: list[Diagnostic] = []
    value, problems = parse(path, data)
    plan, _settings, _tasks = _read_tasks(path, value, out)
    return plan.year if plan is not None and not problems else None


def read_progress(file: DataFile, data: Contents) -> tuple[list[Record], list[Diagnostic]]:
    """One progress file's records and the diagnostics of reading and shape (not yet the checks)."""
    out: list[Diagnostic] = []
    records = _read_records(file.location, _value(file, data, out), out)
    return records, out


def too_many(file: DataFile) -> Diagnostic:
    return Diagnostic(
        Source(file.location, 1, 1),
        "GK007",
        _f(
            "the progress folder holds more than {limit:,} records; the rest were not read", limit=MAX_RECORDS
        ),
        _("split the ledger by year or by region"),
    )


# ---------------------------------------------------------------------------------------------
# units.yaml
# ---------------------------------------------------------------------------------------------


def _read_units(
    path: str, value: Value | None, out: list[Diagnostic]
) -> tuple[list[Unit], dict[str, Selector], tuple[str, ...], dict[str, Selector]]:
    top = expect_mapping(path, value, "units.yaml", out)
    if top is None:
        return [], {}, (), {}
    fields = Fields(path, top, ("maintainers", "groups", "words", "units"), "units.yaml", out)
    office = _maintainers(fields, out)
    groups: dict[str, Selector] = {}
    group_map = expect_mapping(path, fields.raw("groups"), "'groups'", out)
    if group_map is not None:
        for group, (key, node) in group_map.entries.items():
            selector = read_selector(path, node, _f("group '{name}'", name=group), out)
            if selector is not None:
                groups[group] = Selector(selector.terms, source_of(path, key))
    words = _read_words(path, fields.raw("words"), out)
    units: list[Unit] = []
    sequence = expect_sequence(path, fields.raw("units", required=True), "'units'", out)
    for node in sequence.items if sequence else ():
        item = expect_mapping(path, node, _("a unit"), out)
        if item is None:
            continue
        unit = Fields(path, item, UNIT_FIELDS, _("a unit"), out)
        name = unit.text("name", required=True)
        if name is None:
            continue
        unit.what = _f("unit '{name}'", name=name)
        units.append(
            Unit(
                name=name,
                full_name=unit.text("full_name", required=True) or name,
                aliases=unit.texts("aliases"),
                kind=unit.text("kind", required=True) or "",
                level=unit.text("level", required=True) or "",
                parent=unit.text("parent"),
                tags=unit.texts("tags"),
                code=unit.text("code"),
                note=unit.text("note"),
                source=unit.source,
                maintainers=_maintainers(unit, out),
            )
        )
    return units, groups, office, words


def _read_words(path: str, node: Value | None, out: list[Diagnostic]) -> dict[str, Selector]:
    """`words`: how notices name roles (a word: a tag) and sets of units (a word: a selector)."""
    words: dict[str, Selector] = {}
    mapping = expect_mapping(path, node, "'words'", out)
    for word, (key, value) in mapping.entries.items() if mapping else ():
        if isinstance(value, Scalar) and not value.is_null and value.value.strip():
            role = Term(role=(value.value.strip(),), source=source_of(path, value))
            words[word] = Selector((role,), source_of(path, key))
            continue
        selector = read_selector(path, value, _f("word '{name}'", name=word), out)
        if selector is not None:
            words[word] = Selector(selector.terms, source_of(path, key))
    return words


_MAINTAINER = re.compile(
    r"@[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:/[A-Za-z0-9_.-]+)*|[^@\s]+@[^@\s]+\.[^@\s]+"
)


def _maintainers(fields: Fields, out: list[Diagnostic]) -> tuple[str, ...]:
    """Forge handles (@name, @org/team) or e-mail addresses, as CODEOWNERS files name owners."""
    found = fields.texts("maintainers")
    for name in found:
        if not _MAINTAINER.fullmatch(name):
            out.append(
                Diagnostic(
                    fields.source_of("maintainers"),
                    "GK108",
                    _f(
                        "maintainer '{name}' of {what} is neither a forge handle (@name) nor an e-mail",
                        name=name,
                        what=fields.what,
                    ),
                    "write @hm-gongkai, @org/team or name@example.gov.cn",
                )
            )
    return tuple(name for name in found if _MAINTAINER.fullmatch(name))


def read_selector(path: str, node: Value, what: str, out: list[Diagnostic]) -> Selector | None:
    """A selector: one term (a mapping) or a list of terms."""
    nodes = node.items if isinstance(node, Sequence) else [node]
    terms = []
    for term_node in nodes:
        term = _read_term(path, term_node, what, out)
        if term is not None:
            terms.append(term)
    if not terms:
        if not isinstance(node, Sequence) or not node.items:
            out.append(
                Diagnostic(
                    source_of(path, node), "GK101", _f("{what} must be a term or a list of terms", what=what)
                )
            )
        return None
    return Selector(tuple(terms), source_of(path, node))


def _read_term(path: str, node: Value, what: str, out: list[Diagnostic]) -> Term | None:
    if not isinstance(node, Mapping):
        out.append(
            Diagnostic(
                source_of(path, node),
                "GK101",
                _f(
                    "a term of {what} must be a mapping such as {{group: 旗县区}}, not {kind}",
                    what=what,
                    kind=kind_of(node),
                ),
            )
        )
        return None
    fields = Fields(path, node, TERM_FIELDS, _f("a term of {what}", what=what), out)
    values = {}
    for key in (*FILTER_KEYS, "role"):
        raw = fields.raw(key)
        values[key] = (
            texts_of(path, raw, _f("'{key}' in {what}", key=key, what=what), out) if raw is not None else ()
        )
    children = None
    raw_children = fields.raw("with_children")
    if raw_children is not None:
        children = _read_term(path, raw_children, _f("'with_children' in {what}", what=what), out)
    if not any(values[key] for key in FILTER_KEYS):
        out.append(
            Diagnostic(
                source_of(path, node),
                "GK102",
                _f("a term of {what} names none of: {keys}", what=what, keys=", ".join(FILTER_KEYS)),
            )
        )
        return None
    return Term(
        unit=values["unit"],
        kind=values["kind"],
        level=values["level"],
        tag=values["tag"],
        group=values["group"],
        role=values["role"],
        with_children=children,
        source=source_of(path, node),
    )


# ---------------------------------------------------------------------------------------------
# tasks.yaml
# ---------------------------------------------------------------------------------------------


def _read_tasks(
    path: str, value: Value | None, out: list[Diagnostic]
) -> tuple[Plan | None, Settings, list[Task]]:
    top = expect_mapping(path, value, "tasks.yaml", out)
    if top is None:
        return None, Settings(), []
    fields = Fields(path, top, ("plan", "settings", "tasks"), "tasks.yaml", out)
    plan = _read_plan(path, fields.raw("plan", required=True), out)
    settings = read_settings(path, fields.raw("settings"), out)
    year = plan.year if plan else None
    signed = plan.signed if plan else None
    tasks: list[Task] = []
    sequence = expect_sequence(path, fields.raw("tasks", required=True), "'tasks'", out)
    for node in sequence.items if sequence else ():
        task = _read_task(path, node, year, out, signed)
        if task is not None:
            tasks.append(task)
    return plan, settings, tasks


def _read_plan(path: str, node: Value | None, out: list[Diagnostic]) -> Plan | None:
    mapping = expect_mapping(path, node, "'plan'", out)
    if mapping is None:
        return None
    fields = Fields(path, mapping, PLAN_FIELDS, "'plan'", out)
    title = fields.text("title", required=True)
    year = fields.integer("year", 1949, 2999, required=True)
    signed = fields.date("signed")
    published = fields.date("published")
    fields.text("note")
    if title is None or year is None:
        return None
    return Plan(
        title=title,
        number=fields.text("number"),
        issuer=fields.text("issuer"),
        notice=fields.text("notice"),
        attachment=fields.text("attachment"),
        signed=signed,
        published=published,
        year=year,
        source=fields.source,
    )


def _read_task(
    path: str, node: Value, year: int | None, out: list[Diagnostic], signed: dt.date | None = None
) -> Task | None:
    mapping = expect_mapping(path, node, _("a task"), out)
    if mapping is None:
        return None
    fields = Fields(path, mapping, TASK_FIELDS, _("a task"), out)
    task_id = fields.text("id", required=True)
    if task_id is None:
        return None
    fields.what = _f("task {id}", id=task_id)
    section = fields.text("section", required=True)
    text = fields.text("text", required=True)
    owners = fields.text("owners", required=True)
    unresolved = fields.texts("unresolved")
    selector_node = fields.raw("owed_by", required=True)
    selector = None
    if selector_node is not None and not (
        unresolved and isinstance(selector_node, Sequence) and not selector_node.items
    ):  # `owed_by: []` is for a task whose owners are all still to be assigned
        selector = read_selector(path, selector_node, _f("'owed_by' of task {id}", id=task_id), out)
    lead_node = fields.raw("lead")
    lead = (
        read_selector(path, lead_node, _f("'lead' of task {id}", id=task_id), out)
        if lead_node is not None
        else None
    )
    deadline_text = fields.text("deadline", required=True)
    deadline = None
    if deadline_text is not None and year is not None:
        from gkledger.core.deadlines import (  # tasks only: not for a progress file
            DeadlineError,
            parse_deadline,
        )

        try:
            deadline = parse_deadline(deadline_text, year, signed)
        except DeadlineError as exc:
            out.append(
                Diagnostic(
                    fields.source_of("deadline"),
                    "GK202",
                    _f("task {id}: {problem}", id=task_id, problem=exc),
                    _(
                        "write it as e.g. 2021年12月底, 9月30日前, 年底前, 上半年, 第三季度末, 全年持续推进, "
                        "每季度末 or 每月10日前"
                    ),
                )
            )
        if deadline and signed and not deadline.periods and not deadline.ongoing and deadline.due < signed:
            out.append(
                Diagnostic(
                    fields.source_of("deadline"),
                    "GK208",
                    _f(
                        "task {id} is due {due}, before the plan was signed ({signed}): it is late the day "
                        "the plan is issued",
                        id=task_id,
                        due=deadline.due.isoformat(),
                        signed=signed.isoformat(),
                    ),
                    _("check the deadline's year against the notice; a task due before then may stay"),
                )
            )
    return Task(
        id=task_id,
        section=section or "",
        item=fields.text("item"),
        text=text or "",
        owners=owners or "",
        owed_by=selector or Selector((), fields.source_of("owed_by")),
        deadline=deadline,
        remark=fields.text("remark"),
        note=fields.text("note"),
        source=fields.source,
        lead=lead,
        unresolved=unresolved,
        carried_from=fields.text("carried_from"),
    )


# ---------------------------------------------------------------------------------------------
# progress/*.yaml
# ---------------------------------------------------------------------------------------------


_DATES: dict[dt.date, dt.date] = {}  # one object per day, not one per record (a few hundred days)


def _read_records(path: str, value: Value | None, out: list[Diagnostic]) -> list[Record]:
    if value is None:
        return []
    hint = _("a progress file is a list of records: start each with '- task: …'")
    sequence = expect_sequence(path, value, _("a progress file"), out, hint)
    if sequence is None:
        return []
    records = []
    what = _("a progress record")  # looked up once: a province's check reads 50,000 records
    for node in sequence.items:
        mapping = expect_mapping(path, node, what, out)
        if mapping is None:
            continue
        fields = Fields(path, mapping, RECORD_FIELDS, what, out)
        task = fields.text("task", required=True)
        unit = fields.text("unit", required=True)
        done = fields.date("done")
        waived = fields.text("waived")
        evidence = fields.text("evidence")
        note = fields.text("note")
        expect = fields.texts("expect")
        period = fields.text("period")
        has_done = fields.raw("done") is not None
        if has_done == (fields.raw("waived") is not None):
            out.append(
                Diagnostic(
                    fields.source,
                    "GK405",
                    _("the record has both 'done' and 'waived'")
                    if has_done
                    else _("the record has neither 'done' (a date) nor 'waived' (a reason)"),
                    _("a record is either done on a date or waived with a reason"),
                )
            )
            continue
        if evidence is not None and not is_http_url(evidence):
            out.append(
                Diagnostic(
                    fields.source_of("evidence"),
                    "GK107",
                    _f("evidence '{url}' is not an http(s) URL", url=evidence),
                    _("give the address of the page where the information was published"),
                )
            )
        if task is None or unit is None:
            continue  # a record with an unreadable date still has its references checked
        records.append(
            Record(
                task=intern(task),  # thousands of records name the same few tasks and units
                unit=intern(unit),
                done=_DATES.setdefault(done, done) if done is not None else None,
                waived=waived,
                evidence=evidence,
                note=note,
                path=path,
                places=pack_places(mapping, mapping.entries["task"][1], mapping.entries["unit"][1]),
                expect=expect,
                period=intern(period.strip()) if period is not None else None,
            )
        )
    return records


_HTTP_URL = re.compile(r"https?://([^\s/?#@:]+)(?::(\d{1,5}))?(?:[/?#]\S*)?")
_ASCII_HOST = re.compile(r"(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?")


def is_http_url(text: str) -> bool:
    """An http(s) URL that a client can actually request: a port up to 65535 and a host name
    that encodes to ASCII (IDNA) in labels of at most 63 characters."""
    match = _HTTP_URL.fullmatch(text)
    if match is None:
        return False
    host, port = match.group(1), match.group(2)
    if port is not None and not 0 < int(port) <= 65535:
        return False
    return _host_ok(host)


@functools.lru_cache(maxsize=4096)
def _host_ok(host: str) -> bool:
    """A host name a client can request; remembered, as thousands of records name a few sites."""
    if host.isascii() and "xn--" not in host.lower():
        return len(host) <= 253 and _ASCII_HOST.fullmatch(host) is not None
    try:
        ascii_host = host.rstrip(".").encode("idna")
        for label in ascii_host.split(b"."):
            if label.lower().startswith(b"xn--"):
                label.decode("idna")  # punycode that decodes to nothing valid
    except UnicodeError:
        return False
    labels = ascii_host.split(b".")
    return len(ascii_host) <= 253 and all(0 < len(label) <= 63 for label in labels)
