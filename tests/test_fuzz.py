"""Property-based fuzzing: random and mutated input gives diagnostics or results, never exceptions;
statuses keep their invariants; exported data never becomes a formula or markup.

The number of examples per property is set by the `gkledger` Hypothesis profile below (and
GKLEDGER_FUZZ_EXAMPLES for longer runs); SECURITY.md records the totals of a full run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkledger.core.deadlines import DeadlineError, parse_deadline
from gkledger.core.model import Selector, Source, Term, Unit, make_record
from gkledger.core.status import STATUSES, AsOf, status_of
from gkledger.core.units import UnitIndex
from gkledger.store.load import load
from gkledger.store.yaml_source import parse

from .conftest import DATA

EXAMPLES = int(os.environ.get("GKLEDGER_FUZZ_EXAMPLES", "150"))
settings.register_profile(
    "gkledger",
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("gkledger")

TASKS_TEXT = (DATA / "tasks.yaml").read_bytes()
UNITS_TEXT = (DATA / "units.yaml").read_bytes()
PROGRESS_TEXT = """\
# 回民区
- task: "5"
  unit: 回民区
  done: 2021-08-20
  evidence: https://example.gov.cn/a.html
- task: '19'
  unit: 回民区人民政府
  waived: 本级不编印政府公报
  note: 见说明
""".encode()
YAML_BYTES = st.sampled_from(
    list(b":-[]{}#&*!|>'\"%@`,? \n\t\r\x00\xef\xbb\xbf\xe4\xb8\xad0123456789abcNOyes~")
)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A ledger file with a few random edits: bytes deleted, inserted or replaced."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        chunk = bytes(draw(st.lists(YAML_BYTES, min_size=1, max_size=6)))
        if action == "delete":
            del data[position : position + len(chunk)]
        elif action == "insert":
            data[position:position] = chunk
        else:
            data[position : position + len(chunk)] = chunk
    return bytes(data)


@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    _value, diagnostics = parse("f.yaml", data)
    for d in diagnostics:
        assert d.code.startswith("GK") and d.source.line >= 1


@given(mutated(TASKS_TEXT), mutated(UNITS_TEXT), mutated(PROGRESS_TEXT))
def test_mutated_ledgers_give_diagnostics_not_exceptions(
    tmp_path_factory: object, tasks: bytes, units: bytes, progress: bytes
) -> None:
    root = Path(tmp_path_factory.mktemp("mutant"))  # type: ignore[attr-defined]
    (root / "tasks.yaml").write_bytes(tasks)
    (root / "units.yaml").write_bytes(units)
    (root / "progress").mkdir()
    (root / "progress" / "回民区.yaml").write_bytes(progress)
    loaded = load(root)
    for d in loaded.diagnostics:
        assert d.source.path.endswith((".yaml", ".yml")) and d.source.line >= 1, d
    from gkledger.core.status import Obligations

    if not [d for d in loaded.diagnostics if d.severity == "error"]:
        Obligations(loaded.ledger).rows(AsOf(dt.date(2021, 9, 1), 7))


@given(st.text(max_size=30))
def test_deadline_parser_answers_or_refuses(text: str) -> None:
    try:
        deadline = parse_deadline(text, 2021)
    except DeadlineError:
        return
    assert deadline.text == text  # kept verbatim
    written = unicodedata.normalize("NFKC", text)
    if deadline.due.year != 2021:  # another year only when the text names that very year
        assert f"{deadline.due.year}年" in written, (text, deadline)
    else:
        assert deadline.due >= dt.date(2021, 1, 1)


NAMES = st.sampled_from(["市", "甲", "乙", "丙", "丁", "戊"])
TAGS = st.sampled_from(["财政", "教育", "规划"])


@st.composite
def unit_sets(draw: st.DrawFn) -> list[Unit]:
    units = []
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    for name in names:
        parent = draw(st.one_of(st.none(), st.sampled_from(names)))
        units.append(
            Unit(
                name,
                f"{name}全称",
                (),
                draw(st.sampled_from(["政府", "旗县区", "委办局"])),
                draw(st.sampled_from(["市级", "县级"])),
                parent,
                tuple(draw(st.lists(TAGS, max_size=2))),
                None,
                None,
                Source("u.yaml", 1, 1),
            )
        )
    return units


TERMS = st.builds(
    Term,
    unit=st.lists(NAMES, max_size=2).map(tuple),
    kind=st.lists(st.sampled_from(["政府", "旗县区", "委办局", "无"]), max_size=2).map(tuple),
    tag=st.lists(TAGS, max_size=2).map(tuple),
    group=st.lists(st.sampled_from(["g1", "g2"]), max_size=1).map(tuple),
    role=st.lists(TAGS, max_size=1).map(tuple),
)


@given(unit_sets(), st.lists(TERMS, min_size=1, max_size=3), st.lists(TERMS, min_size=1, max_size=2))
def test_selectors_resolve_to_known_units_in_order(
    units: list[Unit], terms: list[Term], group: list[Term]
) -> None:
    groups = {"g1": Selector(tuple(group)), "g2": Selector((Term(group=("g1",)),))}
    index = UnitIndex(units, groups)
    chosen = index.select(Selector(tuple(terms)))
    names = [u.name for u in chosen]
    assert len(names) == len(set(names))
    order = [u.name for u in units]
    assert names == sorted(names, key=order.index)
    assert index.select(Selector(tuple(terms))) == chosen


DAYS = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2023, 12, 31))


@given(DAYS, DAYS, st.one_of(st.none(), DAYS, st.just("waived")), st.booleans(), st.integers(0, 30))
def test_status_invariants(due: dt.date, today: dt.date, done: object, ongoing: bool, soon: int) -> None:
    source = Source("p.yaml", 1, 1)
    record = None
    if done == "waived":
        record = make_record("1", "甲", None, "理由", None, None, source)
    elif isinstance(done, dt.date):
        record = make_record("1", "甲", done, None, None, None, source)
    status = status_of(due, ongoing, record, AsOf(today, soon))
    assert status in STATUSES
    if status == "late":
        assert record is None and today > due
    if status == "done":
        assert isinstance(done, dt.date) and done <= due
    if status == "done-late":
        assert isinstance(done, dt.date) and done > due
    if record is None and today > due:
        assert status == "late"
    if status in ("due-soon",):
        assert 0 <= (due - today).days <= soon


HOSTILE = st.text(
    alphabet=st.sampled_from(list("=+-@\t\r<>&\"'/scriptHYPERLINK()中文 \n;:|")), min_size=1, max_size=40
)


@given(HOSTILE)
def test_csv_cells_never_start_a_formula(text: str) -> None:
    from gkledger.render.records import safe_cell, to_csv

    assert not safe_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))
    rows = list(csv.reader(io.StringIO(to_csv([{"note": text}]).lstrip("\ufeff"), newline="")))
    assert rows[1][0] == safe_cell(text)  # what a spreadsheet reads back is the neutralised cell


@given(HOSTILE)
def test_markdown_documents_escape_markup(text: str) -> None:
    from gkledger.render.text import markdown

    escaped = markdown(text)
    assert re.search(r"(?<!\\)[<>`*_\[\]|]", escaped) is None
    assert "\n" not in escaped and "\r" not in escaped  # a line break would end a list item or a row
