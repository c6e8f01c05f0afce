"""Many ledgers, one view (#30): each ledger read by its own loader, kept apart by its label (units
of the same name never merged), a broken ledger kept with its problems, the SQLite tables equal to
each ledger's own JSON rows, and a second roll-up that re-reads only what changed."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.views.rollup import build_rollup, by_ledger, sources_of

from .conftest import SMALL_TASKS, SMALL_UNITS, write

Cli = Callable[..., Result]
TODAY = ("--today", "2021-10-15")


def ledger(top: Path, name: str, records: dict[str, str]) -> Path:
    data = top / name / "data"
    write(data / "units.yaml", SMALL_UNITS)
    write(data / "tasks.yaml", SMALL_TASKS)
    (data / "progress").mkdir()
    for unit, text in records.items():
        write(data / "progress" / f"{unit}.yaml", text)
    return top / name


@pytest.fixture
def ledgers(tmp_path: Path) -> list[Path]:
    return [
        ledger(tmp_path, "新城区", {"甲县": "- task: '1'\n  unit: 甲县\n  done: 2021-09-01\n"}),
        ledger(tmp_path, "回民区", {"财政局": "- task: '1'\n  unit: 财政局\n  done: 2021-10-05\n"}),
    ]


def table(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_the_tables_are_each_ledgers_own_rows(cli: Cli, ledgers: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "rollup.sqlite"
    result = cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY)
    assert result.exit_code == 0, result.output
    assert table(out, "PRAGMA user_version") == [(1,)]
    assert table(out, "SELECT label FROM ledgers ORDER BY label") == [("回民区",), ("新城区",)]
    # units of the same name in two ledgers stay two units
    assert table(out, "SELECT ledger, name FROM units WHERE name = '甲县' ORDER BY ledger") == [
        ("回民区", "甲县"),
        ("新城区", "甲县"),
    ]
    for folder in ledgers:
        for unit in ("市政府", "财政局", "甲县"):
            own = cli(
                "status", "--unit", unit, "--all", "--format", "json", "--data", str(folder / "data"), *TODAY
            )
            with sqlite3.connect(out) as connection:
                connection.row_factory = sqlite3.Row
                rows = connection.execute(
                    "SELECT * FROM obligations WHERE ledger = ? AND unit = ?", (folder.name, unit)
                ).fetchall()
            got = [{k: row[k] for k in row.keys() if k != "ledger"} for row in rows]  # noqa: SIM118
            for mine in got:
                mine["lead"], mine["ongoing"] = bool(mine["lead"]), bool(mine["ongoing"])

            def key(row: dict[str, object]) -> tuple[str, str]:
                return (str(row["task"]), str(row["period"]))

            assert sorted(got, key=key) == sorted(json.loads(own.stdout), key=key)  # listed worst first


def test_the_ranking_is_worst_first(cli: Cli, ledgers: list[Path]) -> None:
    result = cli("rollup", *map(str, ledgers), "--format", "json", *TODAY)
    ranked = [(r["ledger"], r["on_time_rate"]) for r in json.loads(result.stdout)]
    assert ranked == [("回民区", 0.0), ("新城区", 0.5)]  # 1 of 2 due on time against 0 of 2
    units = json.loads(cli("rollup", *map(str, ledgers), "--by", "unit", "--format", "json", *TODAY).stdout)
    assert {(r["ledger"], r["unit"]) for r in units} >= {("新城区", "甲县"), ("回民区", "甲县")}


def test_a_broken_ledger_is_kept_with_its_problems(cli: Cli, ledgers: list[Path], tmp_path: Path) -> None:
    write(ledgers[1] / "data" / "progress" / "甲县.yaml", "- task: '1'\n  unit: 甲县\n  done: [\n")
    out = tmp_path / "rollup.sqlite"
    result = cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY)
    assert result.exit_code == 1 and "回民区" in result.stderr
    assert table(out, "SELECT label, errors > 0 FROM ledgers ORDER BY label") == [
        ("回民区", 1),
        ("新城区", 0),
    ]
    problems = table(out, "SELECT ledger, code, path, line FROM problems WHERE severity = 'error'")
    assert problems and all(p[0] == "回民区" and p[1].startswith("GK") and p[3] >= 1 for p in problems)


def test_a_rollup_list_gives_labels_and_plans(
    cli: Cli, repository: Path, ledgers: list[Path], tmp_path: Path
) -> None:
    listing = tmp_path / "rollup.yaml"
    write(
        listing,
        "ledgers:\n"
        f"  - {{label: 市本级2021, path: {repository.parent}, plan: 2021}}\n"
        f"  - {{label: 市本级2022, path: {repository}, plan: 2022}}\n"
        f"  - {{label: 新城, path: {ledgers[0]}}}\n",
    )
    out = tmp_path / "r.sqlite"
    result = cli("rollup", str(listing), "-o", str(out), *TODAY)
    assert result.exit_code == 0, result.output
    assert sorted(table(out, "SELECT label, year FROM ledgers")) == [
        ("市本级2021", 2021),
        ("市本级2022", 2022),
        ("新城", 2021),
    ]


def test_two_ledgers_of_one_label_are_refused(cli: Cli, ledgers: list[Path], tmp_path: Path) -> None:
    twin = tmp_path / "other" / "新城区"
    shutil.copytree(ledgers[0], twin)
    result = cli("rollup", str(ledgers[0]), str(twin), *TODAY)
    assert result.exit_code == 2 and "新城区" in result.output


def test_a_second_rollup_reads_only_the_ledger_that_changed(ledgers: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    sources = sources_of(ledgers)
    day = dt.date(2021, 10, 15)
    first = build_rollup(sources, day, cache)
    assert all(part.parsed > 0 for part in first.parts)
    write(
        ledgers[0] / "data" / "progress" / "财政局.yaml", "- task: '1'\n  unit: 财政局\n  done: 2021-09-02\n"
    )
    second = build_rollup(sources, day, cache)
    assert [part.parsed for part in second.parts] == [1, 0]  # the new file; nothing of the other
    assert [p.label for p, _s in by_ledger(second)] == ["回民区", "新城区"]


def test_writing_over_a_rollup_needs_no_force_but_anything_else_does(
    cli: Cli, ledgers: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "rollup.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY).exit_code == 0
    assert cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY).exit_code == 0
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"not mine")
    refused = cli("rollup", *map(str, ledgers), "-o", str(other), *TODAY)
    assert refused.exit_code != 0 and other.read_bytes() == b"not mine"


def test_export_sqlite_writes_the_same_schema_for_one_ledger(
    cli: Cli, ledgers: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "one.sqlite"
    result = cli("export", "--format", "sqlite", "-o", str(out), "--data", str(ledgers[0] / "data"), *TODAY)
    assert result.exit_code == 0, result.output
    assert table(out, "SELECT label FROM ledgers") == [("新城区",)]
    names = {row[0] for row in table(out, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"meta", "ledgers", "units", "tasks", "obligations", "records", "problems"}


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted: what a reader of the file sees, whatever order it was built in."""
    tables = ("ledgers", "units", "tasks", "obligations", "records", "problems")
    with sqlite3.connect(path) as connection:
        return {t: sorted(connection.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def test_a_refreshed_rollup_is_what_a_fresh_one_would_be(
    cli: Cli, ledgers: list[Path], tmp_path: Path
) -> None:
    kept = tmp_path / "kept.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(kept), *TODAY).exit_code == 0
    write(ledgers[1] / "data" / "progress" / "甲县.yaml", "- task: '2'\n  unit: 甲县\n  waived: 不涉及\n")
    refreshed = cli("rollup", *map(str, ledgers), "-o", str(kept), *TODAY)
    assert refreshed.exit_code == 0, refreshed.output
    fresh = tmp_path / "fresh.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(fresh), *TODAY).exit_code == 0
    assert dump(kept) == dump(fresh)
    assert ("回民区", "2", "甲县", None, None, "不涉及") in [r[:6] for r in dump(kept)["records"]]
    # another day is another roll-up: nothing is kept from the first
    later = cli("rollup", *map(str, ledgers), "-o", str(kept), "--today", "2021-12-31")
    assert later.exit_code == 0
    assert {r[0] for r in table(kept, "SELECT as_of FROM ledgers")} == {"2021-12-31"}


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served(rollup: Path) -> Iterator[str]:
    """`gkledger browse ROLLUP` in its own process, yielded as its base URL once it answers.

    A port taken between choosing it and binding it is chosen again; a server that exits is a
    failure that shows what it printed. The wait has no time goal: the guard of 120 s only keeps a
    hung start-up from hanging the suite."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")}
    for _port_try in range(3):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gkledger", "browse", str(rollup), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            guard = time.monotonic() + 120
            while server.poll() is None and time.monotonic() < guard:
                try:
                    urllib.request.urlopen(base, timeout=5).close()
                except OSError:
                    time.sleep(0.2)
                    continue
                yield base
                return
        finally:
            server.terminate()
            printed = server.communicate(timeout=30)[1]
        if "address already in use" not in printed.lower():
            pytest.fail(f"gkledger browse did not answer on {base}; it printed:\n{printed}")
    pytest.fail("gkledger browse found no free port in three tries")


def test_the_rollup_in_a_real_browser(cli: Cli, ledgers: list[Path], tmp_path: Path) -> None:
    """`gkledger browse` as people use it: Chinese titles, facets by 台账, 单位类型 and 状态, and the
    saved queries, in Chromium."""
    from .test_exports import chromium

    browser_path = chromium()
    if browser_path is None:
        pytest.skip("no Chromium installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pytest.importorskip("datasette", reason="the browse extra is not installed")
    out = tmp_path / "rollup.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY).exit_code == 0
    with served(out) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(base + "/")
            assert "政务公开工作台账汇总" in page.title()
            page.goto(base + "/rollup/obligations_by_kind?status=late")
            facets = page.locator(".facet-info").all_text_contents()
            assert any("ledger" in f for f in facets) and any("kind" in f for f in facets)
            assert "新城区" in page.content() and "回民区" in page.content()
            page.goto(base + "/rollup/late")
            assert page.locator("h1").first.text_content().strip() == "逾期清单"
            headers = [h.strip() for h in page.locator("table.rows-and-columns th").all_text_contents()]
            assert headers[:3] == ["台账", "单位", "序号"]
            page.goto(base + "/rollup/rates")
            rates = page.locator("table.rows-and-columns tbody tr").count()
            assert rates == 2  # one line per ledger
        finally:
            browser.close()


def test_a_bulletin_ranks_the_ledgers_of_a_rollup_together(
    cli: Cli, ledgers: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "rollup.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY).exit_code == 0
    text = cli("bulletin", "--rollup", str(out)).stdout
    assert "关于各地政务公开工作要点落实情况的通报" in text and "共涉及2个地区" in text
    ranking = [line.split(" | ")[:2] for line in text.splitlines() if line.startswith("| 第")]
    assert ranking == [["| 第1", "新城区"], ["| 第2", "回民区"]]  # 50.0% against 0.0%, counted by hand
    refused = cli("bulletin", "--rollup", str(ledgers[0] / "data" / "tasks.yaml"))
    assert refused.exit_code == 2


def test_a_ledger_in_git_carries_its_commit(cli: Cli, ledgers: list[Path], tmp_path: Path) -> None:
    import subprocess

    top = ledgers[0]
    env = {
        "GIT_AUTHOR_NAME": "o",
        "GIT_AUTHOR_EMAIL": "o@x",
        "GIT_COMMITTER_NAME": "o",
        "GIT_COMMITTER_EMAIL": "o@x",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "ledger"]):
        subprocess.run(
            ["git", "-C", str(top), *args],
            check=True,
            capture_output=True,
            env={**os.environ, **env},
        )
    head = subprocess.run(
        ["git", "-C", str(top), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    out = tmp_path / "r.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(out), *TODAY).exit_code == 0
    found = dict((label, commit) for label, commit in table(out, "SELECT label, git_commit FROM ledgers"))
    assert found == {"新城区": head, "回民区": None}


def test_an_office_decision_refreshes_its_ledger(cli: Cli, ledgers: list[Path], tmp_path: Path) -> None:
    kept = tmp_path / "kept.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(kept), *TODAY).exit_code == 0
    data = str(ledgers[0] / "data")
    returned = cli(
        "return", "1", "--unit", "甲县", "--reason", "重做", "--date", "2021-09-02", "--data", data, *TODAY
    )
    assert returned.exit_code == 0, returned.output
    assert cli("rollup", *map(str, ledgers), "-o", str(kept), *TODAY).exit_code == 0
    fresh = tmp_path / "fresh.sqlite"
    assert cli("rollup", *map(str, ledgers), "-o", str(fresh), *TODAY).exit_code == 0
    assert dump(kept) == dump(fresh)
    review = table(
        kept, "SELECT review FROM obligations WHERE ledger = '新城区' AND unit = '甲县' AND task = '1'"
    )
    assert review == [("returned",)]


def test_a_plan_a_ledger_does_not_have_is_a_usage_error(cli: Cli, repository: Path, tmp_path: Path) -> None:
    listing = tmp_path / "rollup.yaml"
    write(listing, f"ledgers:\n  - {{label: x, path: {repository.parent}, plan: 2030}}\n")
    result = cli("rollup", str(listing), *TODAY)
    assert result.exit_code == 2 and "2030" in result.output
