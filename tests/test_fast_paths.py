"""The province-scale paths (the overview counted without rows, the CSV export written from the
owners and records) answer exactly as the general ones: same summaries, same bytes."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.status import AsOf, Obligations, summarise
from gkledger.render.records import rows_csv, write_obligations_csv
from gkledger.store.load import load
from gkledger.views.query import overview, unit_summaries

from .conftest import DATA, SMALL_UNITS, write

Cli = Callable[..., Result]

TASKS = """\
plan:
  title: 某市2022年政务公开工作要点
  year: 2022
  signed: 2022-01-10
tasks:
  - id: "1"
    section: 一、财政
    text: '=公开财政资金直达基层情况，"含引号",逗号'
    owners: 县级以上财政部门。
    owed_by: [{group: 县级以上, role: 财政}]
    deadline: 每季度末
  - id: "2"
    section: 一、财政
    text: |-
      报送公开情况。
      第二行
    owners: 县级以上政府，市政府牵头。
    owed_by: [{group: 县级以上}]
    lead: {unit: 市政府}
    deadline: 自2022年7月起每月10日前
  - id: "3"
    section: 二、自查
    text: 开展自查。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 每半年
  - id: "4"
    section: 二、自查
    text: 一次性任务。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 2022年9月30日前
  - id: "5"
    section: 二、自查
    text: 持续推进。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 全年持续推进
"""
PERIODS = {"1": ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"], "2": [f"2022-{m:02}" for m in range(7, 13)],
           "3": ["2022-H1", "2022-H2"], "4": [None], "5": [None]}  # fmt: skip
UNITS = {"1": ["财政局"], "2": ["市政府", "甲县"], "3": ["市政府", "甲县"], "4": ["市政府", "甲县"],
         "5": ["市政府", "甲县"]}  # fmt: skip


def records(seed: int) -> dict[str, str]:
    """Each unit's progress file: random records, done on time or late, waived, or none."""
    chance = random.Random(seed)
    files: dict[str, list[str]] = {}
    for task, periods in PERIODS.items():
        for period in periods:
            for unit in UNITS[task]:
                pick = chance.random()
                if pick < 0.3:
                    continue
                lines = [f'- task: "{task}"', f"  unit: {unit}"]
                if period:
                    lines.append(f"  period: {period}")
                if pick < 0.8:
                    lines.append(f"  done: 2022-{chance.randint(1, 12):02}-{chance.randint(1, 28):02}")
                    if chance.random() < 0.5:
                        lines.append(f"  evidence: https://example.gov.cn/{task}/{unit}?a=1,b=2")
                    if chance.random() < 0.3:
                        lines.append(chance.choice(["  note: '+注意, \"引号\"'", "  note: ' 前后空格 '"]))
                else:
                    lines.append("  waived: 本级无此项工作")
                files.setdefault(unit, []).extend(lines)
    return {unit: "\n".join(lines) + "\n" for unit, lines in files.items()}


def small_ledger(root: Path, seed: int) -> Obligations:
    write(root / "units.yaml", SMALL_UNITS)
    write(root / "tasks.yaml", TASKS)
    for unit, text in records(seed).items():
        write(root / "progress" / f"{unit}.yaml", text)
    loaded = load(root)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return Obligations(loaded.ledger)


DAYS = [
    dt.date(2022, 1, 1),
    dt.date(2022, 3, 31),
    dt.date(2022, 7, 5),
    dt.date(2022, 12, 31),
    dt.date(2023, 2, 1),
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("today", DAYS)
def test_the_overview_counts_as_the_rows_do(tmp_path: Path, seed: int, today: dt.date) -> None:
    obligations = small_ledger(tmp_path / "data", seed)
    rows = obligations.rows(AsOf(today, 7))
    assert overview(obligations, AsOf(today, 7)) == (
        unit_summaries(obligations, AsOf(today, 7), rows),
        summarise(rows, today),
    )


@pytest.mark.parametrize("seed", range(4))
def test_the_overview_through_the_cache_keeps_no_record(tmp_path: Path, seed: int) -> None:
    """Through the cache, the overview walks the records a file at a time and keeps none of them
    (a million records and a dict of them took 700 MB): the same summaries as a fresh load."""
    from gkledger.store import cache

    fresh = small_ledger(tmp_path / "data", seed)
    home = tmp_path / "cache"
    cache.load_snapshot(tmp_path / "data", home)
    cache._OPENED.clear()  # as a new process would
    warm = cache.load_snapshot(tmp_path / "data", home)
    lazy = warm.ledger.records
    assert isinstance(lazy, cache.LazyRecords)
    for today in DAYS:
        assert overview(warm.obligations(), AsOf(today, 7)) == overview(fresh, AsOf(today, 7))
    assert lazy._all is None and not lazy._open
    materialised = warm.obligations()
    assert materialised.records and overview(materialised, AsOf(DAYS[2], 7)) == overview(
        fresh, AsOf(DAYS[2], 7)
    )


def obligations_csv(
    obligations: Obligations, today: dt.date, soon_days: int, people: bool
) -> tuple[str, int]:
    """What `write_obligations_csv` writes, whole, and the number of rows it says it wrote."""
    parts: list[str] = []
    count = write_obligations_csv(parts.append, obligations, AsOf(today, soon_days), people)
    return "".join(parts), count


@pytest.mark.parametrize("folder", ["data", '台账,"甲" ', "-data"])
@pytest.mark.parametrize("people", [False, True])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("today", DAYS)
def test_the_csv_export_is_the_rows_csv(
    tmp_path: Path, seed: int, today: dt.date, people: bool, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also where the source column needs quoting or a formula guard (a folder with a comma,
    quotes and a trailing space; a relative path that starts with a dash)."""
    monkeypatch.chdir(tmp_path)
    obligations = small_ledger(Path(folder), seed)
    rows = obligations.rows(AsOf(today, 7))
    assert obligations_csv(obligations, today, 7, people) == (rows_csv(rows, people), len(rows))


@pytest.mark.parametrize("today", [dt.date(2021, 6, 1), dt.date(2021, 9, 1), dt.date(2022, 1, 1)])
def test_on_the_shipped_ledger_too(tmp_path: Path, today: dt.date) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    write(tmp_path / "data" / "progress" / "回民区.yaml", '- {task: "4", unit: 回民区, done: 2021-06-30}\n')
    obligations = Obligations(load(tmp_path / "data").ledger)
    rows = obligations.rows(AsOf(today, 7))
    assert overview(obligations, AsOf(today, 7)) == (
        unit_summaries(obligations, AsOf(today, 7), rows),
        summarise(rows, today),
    )
    for people in (False, True):
        assert obligations_csv(obligations, today, 7, people) == (rows_csv(rows, people), len(rows))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_streamed_to_a_pipe_is_the_file_it_writes(cli: Cli, tmp_path: Path, lang: str) -> None:
    """Standard output and `-o` both get the CSV a task at a time: the same bytes, those of the
    rows' CSV, and `-o` says how many."""
    obligations = small_ledger(tmp_path / "data", 1)
    args = ("--lang", lang, "export", "-f", "csv", "--today", "2022-07-05", "--data", str(tmp_path / "data"))
    piped = cli(*args).stdout_bytes
    written = cli(*args, "-o", str(tmp_path / "out.csv"))
    assert written.exit_code == 0 and f"{len(piped):,} " in written.stderr  # bytes, or 字节
    assert piped == (tmp_path / "out.csv").read_bytes()
    assert piped == rows_csv(obligations.rows(AsOf(DAYS[2], 7)), for_people=lang == "zh").encode("utf-8")


@pytest.mark.parametrize("seed", range(3))
def test_one_units_rows_are_its_rows_among_all(tmp_path: Path, seed: int) -> None:
    """One unit's view finds its tasks in each task's owners, without inverting them all: the
    same rows, in the same order, as the rows of every unit give it, on the shipped ledger too."""
    shutil.copytree(DATA, tmp_path / "shipped")
    for ledger in (small_ledger(tmp_path / "data", seed), Obligations(load(tmp_path / "shipped").ledger)):
        every = ledger.rows(AsOf(DAYS[2], 7))
        for unit in ledger.index.by_name.values():
            alone = Obligations(ledger.ledger, ledger.index, ledger.owing)  # nothing inverted yet
            assert alone.rows(AsOf(DAYS[2], 7), unit) == [row for row in every if row.unit == unit]
            assert alone._tasks_of_unit is None


@pytest.mark.parametrize("working", [".", "a", "a/..x", "b", "/"])
def test_paths_are_shown_as_relpath_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, working: str
) -> None:
    """`shown_path` works out a folder's relpath once for all its files: the same answer as
    relpath of each file, for paths with `..`, `.`, doubled slashes and names that start with `..`."""
    import os

    from gkledger.core import model

    base = tmp_path / "w"
    (base / working).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(base / working)
    cwd = os.getcwd()
    steps = ["a", "b", "..", ".", "", "..x", "x..", "c.yaml", "数据"]
    chance = random.Random(working)
    for _ in range(3000):
        path = "/" + "/".join(chance.choice(steps) for _ in range(chance.randint(0, 5)))
        if chance.random() < 0.5:
            path = str(base) + path
        elif chance.random() < 0.2:
            path = "/" + path
        relative = os.path.relpath(path, cwd)
        assert model.shown_path(path) == (path if relative.startswith("..") else relative), path
