"""The library modules that the command line maps its options to, called directly: reading a form
back, `collect`, the year's review, the roster → units.yaml step and the audit trail. The CLI tests
run the same paths through Typer; these pin each module's own contract."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gkledger.core.status import AsOf, Obligations
from gkledger.store.load import load

from .conftest import DATA

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("xlsxwriter")

DAY = dt.date(2021, 9, 25)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def form_of(root: Path, unit: str) -> bytes:
    from gkledger.render.forms import write_form

    loaded = load(root)
    obligations = Obligations(loaded.ledger)
    index = obligations.index
    chosen = index.by_name[unit]
    rows = obligations.rows(AsOf(DAY, 7), chosen)
    return write_form(loaded.ledger.plan, chosen, rows, DAY, reply_by=dt.date(2021, 9, 30))


def fill(data: bytes, task: str, done: str, evidence: str = "") -> bytes:
    """The form as a unit returns it: 完成日期 (and a link) filled in on `task`'s row."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["填报"]
    for row in sheet.iter_rows(min_row=6):
        if row[0].value == task:
            row[5].value = done
            row[6].value = evidence or None
            break
    else:
        raise AssertionError(f"no row {task}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# intake.forms ---------------------------------------------------------------------------------


def test_a_form_reads_back_as_issued(ledger: Path) -> None:
    from gkledger.core.formspec import plan_key, token
    from gkledger.intake.forms import read_form

    data = form_of(ledger, "回民区")
    read = read_form(data)
    plan = load(ledger).ledger.plan
    assert read.problems == [] and read.unit == "回民区" and read.issued == DAY.isoformat()
    assert read.plan == plan_key(plan)
    owed = Obligations(load(ledger).ledger).rows(
        AsOf(DAY, 7), Obligations(load(ledger).ledger).index.by_name["回民区"]
    )
    assert len(read.rows) == len(owed)
    assert all(r.token == token(plan_key(plan), "回民区", r.task) for r in read.rows)
    assert all(r.done is None and r.evidence is None for r in read.rows)  # nothing filled in yet


def test_a_damaged_form_is_a_problem_never_an_exception() -> None:
    from gkledger.intake.forms import read_form

    for data in (b"", b"PK\x03\x04 not a zip", b"<html></html>"):
        read = read_form(data)
        assert read.rows == [] and read.problems, data


def test_read_date_takes_what_people_type() -> None:
    from gkledger.intake.forms import read_date

    assert read_date(dt.datetime(2021, 8, 20, 0, 0), 2021) == dt.date(2021, 8, 20)
    assert read_date("2021-08-20", 2021) == dt.date(2021, 8, 20)
    assert read_date("", 2021) is None


# writes.collect -------------------------------------------------------------------------------


def test_collect_dry_run_writes_nothing_then_records_once(ledger: Path, tmp_path: Path) -> None:
    from gkledger.writes.collect import collect

    form = tmp_path / "回民区.xlsx"
    form.write_bytes(fill(form_of(ledger, "回民区"), "4", "2021-08-20", "https://example.gov.cn/4"))
    before = {p.name: p.read_bytes() for p in (ledger / "progress").iterdir()}
    dry = collect(ledger, [form], today=DAY, replace=False, dry_run=True)
    assert dry.written is None and not dry.refused
    assert [(r.task, r.state) for r in dry.results if r.task == "4"] == [("4", "recorded")]
    assert {p.name: p.read_bytes() for p in (ledger / "progress").iterdir()} == before
    done = collect(ledger, [form], today=DAY, replace=False, dry_run=False)
    assert done.written is not None and not done.refused
    records = [r for r in load(ledger).ledger.records if r.task == "4" and r.unit == "回民区"]
    assert [(r.done, r.evidence) for r in records] == [(dt.date(2021, 8, 20), "https://example.gov.cn/4")]
    written = {p.name: p.read_bytes() for p in (ledger / "progress").iterdir()}
    again = collect(ledger, [form], today=DAY, replace=False, dry_run=False)
    assert [(r.task, r.state) for r in again.results if r.task == "4"] == [("4", "unchanged")]
    assert again.written is not None and again.written.entries == ()  # nothing new was written
    assert {p.name: p.read_bytes() for p in (ledger / "progress").iterdir()} == written


def test_collect_refuses_a_differing_completion_without_replace(ledger: Path, tmp_path: Path) -> None:
    from gkledger.writes.collect import collect

    data = form_of(ledger, "回民区")
    first, second = tmp_path / "a.xlsx", tmp_path / "b" / "a.xlsx"
    second.parent.mkdir()
    first.write_bytes(fill(data, "4", "2021-08-20"))
    second.write_bytes(fill(data, "4", "2021-08-22"))
    collect(ledger, [first], today=DAY, replace=False, dry_run=False)
    refused = collect(ledger, [second], today=DAY, replace=False, dry_run=False)
    assert refused.refused and refused.written is None
    replaced = collect(ledger, [second], today=DAY, replace=True, dry_run=False)
    assert [(r.task, r.state) for r in replaced.results if r.task == "4"] == [("4", "replaced")]


def test_form_files_takes_xlsx_files_and_skips_excels_lock_files(tmp_path: Path) -> None:
    from gkledger.writes.collect import form_files

    for name in ("b.xlsx", "a.XLSX", "~$a.xlsx", ".hidden.xlsx", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    named = tmp_path / "b.xlsx"
    assert [p.name for p in form_files([tmp_path, named])] == ["a.XLSX", "b.xlsx"]


# views.review ---------------------------------------------------------------------------------


def test_the_years_review_counts_never_done_late_and_waived(ledger: Path) -> None:
    from gkledger.core.model import Source, make_record
    from gkledger.views.review import review

    base = load(ledger).ledger
    source = Source("data/progress/回民区.yaml", 1, 1)
    records = (
        make_record("4", "回民区", dt.date(2021, 7, 10), None, None, None, source),  # due 2021-06-30
        make_record("5", "回民区", None, "本单位无此职能", None, None, source),
    )
    made = review(Obligations(base._replace(records=records)), AsOf(dt.date(2022, 1, 10), 7))
    assert made.ended == dt.date(2021, 12, 31)
    hui = next(u for u in made.units if u.unit.name == "回民区")
    assert [(row.task.id, days) for row, days in hui.done_late] == [("4", 10)]
    assert [row.task.id for row in hui.waived] == ["5"]
    assert (
        all(row.record is None for row in hui.never_done)
        and len(hui.never_done) == hui.summary.counts["late"]
    )
    assert made.waived == 1 and made.done_late == 1
    assert made.never_done == made.total.counts["late"]


# intake.roster --------------------------------------------------------------------------------


def test_a_roster_becomes_a_units_yaml_that_reads_back(tmp_path: Path) -> None:
    from gkledger.intake.roster import RosterRefused, roster_units_yaml
    from gkledger.store.load import read_units_alone

    roster = tmp_path / "名册.csv"
    roster.write_text(
        "单位名称,全称,类别,层级\n甲县,甲县人民政府,县区,县级\n县教育局,甲市教育局,部门,市级\n",
        encoding="utf-8",
    )
    made = roster_units_yaml(roster, None)
    assert made.count == 2
    (tmp_path / "units.yaml").write_text(made.text, encoding="utf-8")
    core, _index = read_units_alone(tmp_path)
    assert [(u.name, u.full_name, u.kind) for u in core.units] == [
        ("甲县", "甲县人民政府", "县区"),
        ("县教育局", "甲市教育局", "部门"),
    ]
    roster.write_text("单位名称,类别,层级\n甲县,县区,县级\n甲县,县区,县级\n", encoding="utf-8")
    with pytest.raises(RosterRefused) as refused:
        roster_units_yaml(roster, None)
    assert [row for row, _why in refused.value.rows] == [3]  # the second 甲县, by its row


# history.audit --------------------------------------------------------------------------------


def git(top: Path, *args: str, day: str = "2021-06-20") -> None:
    stamp = f"{day}T10:00:00+08:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Office", "GIT_AUTHOR_EMAIL": "office@example.gov.cn", "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": "Office", "GIT_COMMITTER_EMAIL": "office@example.gov.cn",
        "GIT_COMMITTER_DATE": stamp,
    }  # fmt: skip
    subprocess.run(["git", "-C", str(top), *args], check=True, capture_output=True, env=env)


def test_the_trail_dates_each_record_by_the_commit_that_added_it(tmp_path: Path) -> None:
    from gkledger.history.audit import AuditError, entry_dates, trail

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    top = tmp_path / "台账"
    shutil.copytree(DATA, top / "data")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "the plan")
    (top / "data" / "progress" / "回民区.yaml").write_text(
        "- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n", encoding="utf-8"
    )
    git(top, "add", "-A", day="2021-08-09")
    git(top, "commit", "-q", "-m", "late entry", day="2021-08-09")
    ledger = load(top / "data").ledger
    found = trail(ledger, top / "data")
    assert not found.shallow and found.commits == 2
    [entry] = [e for e in found.entries if e.key == ("4", "回民区")]
    assert entry.added is not None and entry.lag_days == (dt.date(2021, 8, 9) - dt.date(2021, 6, 28)).days
    assert "late-entry" in entry.flags
    assert entry_dates(found) == {("4", "回民区"): dt.date(2021, 8, 9)}
    with pytest.raises(AuditError):
        trail(ledger, tmp_path / "elsewhere")


# views.query ----------------------------------------------------------------------------------


def test_by_kind_groups_the_units_in_roster_order_with_each_kinds_total(ledger: Path) -> None:
    from gkledger.core.status import AsOf
    from gkledger.views.query import by_kind, unit_summaries

    loaded = load(ledger).ledger
    obligations = Obligations(loaded)
    rows = obligations.rows(AsOf(DAY, 7))
    groups = by_kind(loaded, unit_summaries(obligations, AsOf(DAY, 7), rows), rows, DAY)
    first_seen = list(dict.fromkeys(u.kind for u in loaded.units))
    assert [kind for kind, _found, _total in groups] == [
        k for k in first_seen if any(g[0] == k for g in groups)
    ]
    assert sum(total.total for _kind, _found, total in groups) == len(rows)
    for kind, found, total in groups:
        assert all(s.unit is not None and s.unit.kind == kind for s in found)
        assert total.total == sum(s.total for s in found)


# store.cache.usable ---------------------------------------------------------------------------


def test_a_broken_progress_file_is_left_out_and_a_broken_core_is_fatal(ledger: Path) -> None:
    from gkledger.store.cache import load_snapshot
    from gkledger.store.stages import usable

    (ledger / "progress" / "回民区.yaml").write_text(
        "- task: '4'\n  unit: 回民区\n  done: 2021-08-20\n", encoding="utf-8"
    )
    (ledger / "progress" / "玉泉区.yaml").write_text(
        "- task: '4'\n  unit: 玉泉区\n  done: 2021-13-45\n", encoding="utf-8"
    )
    shown, left_out, fatal = usable(load_snapshot(ledger, None), ledger)
    assert fatal == [] and [Path(p).name for p in left_out] == ["玉泉区.yaml"]
    assert [r.unit for r in shown.records] == ["回民区"]  # the readable file's record stays
    clean = ledger.parent / "clean"
    shutil.copytree(DATA, clean)
    assert usable(load_snapshot(clean, None), clean)[1:] == ((), [])
    (ledger / "units.yaml").write_text("units: [\n", encoding="utf-8")
    _shown, left_out, fatal = usable(load_snapshot(ledger, None), ledger)
    assert fatal and left_out == ()
