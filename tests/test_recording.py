"""done and waive: records land in the file's own style, nothing else changes, refusals change
nothing at all, writes are atomic, and concurrent writers lose nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.status import AsOf, Obligations
from gkledger.store import yaml_text
from gkledger.store.load import load

from .conftest import write

Cli = Callable[..., Result]

HAND_KEPT = """\
# 回民区 — kept by hand; do not reorder
  # an indented comment

-   task: '4'    # 政策咨询窗口
    unit: 回民区
    done: 2021-06-28

-   task: '21'
    unit: 回民区人民政府
    done: 2021-07-02
    # a trailing comment about 21

# a comment before the end
"""


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def ledger(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(shipped / "progress" / "回民区.yaml", HAND_KEPT)
    monkeypatch.chdir(shipped.parent)
    return Path("data")


def status_of(root: Path, task: str, unit: str, today: dt.date) -> str:
    obligations = Obligations(load(root).ledger)
    row = next(r for r in obligations.rows(AsOf(today, 7)) if r.task.id == task and r.unit.name == unit)
    return row.status


def test_done_appends_in_the_files_own_style_keeping_every_byte(cli: Cli, ledger: Path) -> None:
    path = ledger / "progress" / "回民区.yaml"
    before = path.read_bytes()
    result = cli("done", "5", "--unit", "呼和浩特市回民区", "--date", "2021-08-20",
                 "--evidence", "https://example.gov.cn/5.html", "--note", "见: 公示栏 #1",
                 "--today", "2021-09-01", "--data", str(ledger))  # fmt: skip
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode() == (
        "\n"
        "-   task: '5'\n"
        "    unit: 回民区\n"
        "    done: 2021-08-20\n"
        "    evidence: https://example.gov.cn/5.html\n"
        '    note: "见: 公示栏 #1"\n'
    )
    assert "Recorded: task 5 for 回民区" in result.stdout and "on time" in result.stdout
    assert load(ledger).diagnostics == []
    assert status_of(ledger, "5", "回民区", dt.date(2021, 9, 1)) == "done"


def test_a_new_file_gets_a_header_and_the_documented_format(cli: Cli, ledger: Path) -> None:
    result = cli(
        "done", "8", "-u", "财政局", "--date", "2022-01-05", "--today", "2022-01-10", "--data", str(ledger)
    )
    assert result.exit_code == 0, result.output
    text = (ledger / "progress" / "财政局.yaml").read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert text.endswith('- task: "8"\n  unit: 财政局\n  done: 2022-01-05\n')
    assert status_of(ledger, "8", "财政局", dt.date(2022, 1, 10)) == "done-late"


def test_waive(cli: Cli, ledger: Path) -> None:
    result = cli("waive", "19", "-u", "和林格尔县", "--reason", "本级不编印政府公报", "--data", str(ledger))
    assert result.exit_code == 0, result.output
    assert "waived: 本级不编印政府公报" in (ledger / "progress" / "和林县.yaml").read_text(encoding="utf-8")
    assert status_of(ledger, "19", "和林县", dt.date(2022, 1, 1)) == "waived"


def test_crlf_and_bom_files_stay_so(cli: Cli, ledger: Path) -> None:
    path = ledger / "progress" / "回民区.yaml"
    original = "\ufeff" + HAND_KEPT.replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    result = cli(
        "done", "5", "-u", "回民区", "--date", "2021-08-20", "--today", "2021-09-01", "--data", str(ledger)
    )
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(original.encode("utf-8"))
    assert data.endswith(
        b"\r\n-   task: '5'\r\n    unit: \xe5\x9b\x9e\xe6\xb0\x91\xe5\x8c\xba\r\n    done: 2021-08-20\r\n"
    )
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert load(ledger).diagnostics == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["done", "99", "-u", "回民区"], 2, "unknown task"),
        (["done", "5", "-u", "回民"], 2, "did you mean 回民区"),
        (["done", "5", "-u", "回民区", "--date", "2021-02-30"], 2, "not a real date"),
        (["done", "5", "-u", "回民区", "--date", "2031-01-01"], 2, "future"),
        (["done", "3", "-u", "回民区"], 1, "does not owe task 3"),
        (["done", "4", "-u", "回民区"], 1, "--replace"),
        (["done", "21", "-u", "回民区人民政府"], 1, "--replace"),
        (["done", "5", "-u", "回民区", "--evidence", "www.example.gov.cn"], 1, "GK107"),
        (["waive", "19", "-u", "回民区", "--reason", " "], 2, "--reason"),
    ],
)
def test_refusals_change_nothing(cli: Cli, ledger: Path, args: list[str], code: int, message: str) -> None:
    before = snapshot(ledger)
    result = cli(*args, "--today", "2021-09-01", "--data", str(ledger))
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(ledger) == before


def test_a_broken_ledger_is_not_written_to(cli: Cli, ledger: Path) -> None:
    (ledger / "progress" / "x.yaml").write_text("- task: '1'\n  unit: 回民区\n", encoding="utf-8")
    before = snapshot(ledger)
    result = cli("done", "5", "-u", "回民区", "--today", "2021-09-01", "--data", str(ledger))
    assert result.exit_code == 1 and "GK405" in result.stderr
    assert snapshot(ledger) == before


def test_replace_rewrites_only_that_record(cli: Cli, ledger: Path) -> None:
    path = ledger / "progress" / "回民区.yaml"
    result = cli("done", "4", "-u", "回民区", "--date", "2021-07-01", "--replace", "--today", "2021-09-01",
                 "--data", str(ledger))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Replaced" in result.stdout
    assert path.read_text(encoding="utf-8") == HAND_KEPT.replace(
        "-   task: '4'    # 政策咨询窗口\n    unit: 回民区\n    done: 2021-06-28\n",
        "-   task: '4'\n    unit: 回民区\n    done: 2021-07-01\n",
    )
    result = cli("waive", "21", "-u", "回民区", "--reason", "合并办理", "--replace", "--data", str(ledger))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "    waived: 合并办理\n    # a trailing comment about 21\n\n# a comment before the end\n" in text
    assert status_of(ledger, "4", "回民区", dt.date(2021, 9, 1)) == "done-late"
    assert load(ledger).diagnostics == []


@pytest.mark.parametrize(
    "text",
    ["plain", "数字123", "a: b", "#tag", "- dash", "yes", "NO", "010", "1.5", "null", "~", "trailing ", "",
     "quote\"s", "new\nline", "tab\there", "*star", "&amp", "!bang", "'single'", "=", "<<", "@at", "%pct"],
)  # fmt: skip
def test_scalars_read_back_as_the_same_text(text: str) -> None:
    from gkledger.store.yaml_source import Mapping, parse

    value, diagnostics = parse("f.yaml", f"k: {yaml_text.scalar(text)}\n".encode())
    assert diagnostics == [] and isinstance(value, Mapping)
    assert value.entries["k"][1].value == text  # type: ignore[union-attr]


def gk(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {"GKLEDGER_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "gkledger", *args], cwd=cwd, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_eight_writers_at_once_lose_nothing(ledger: Path) -> None:
    cwd = Path.cwd()
    tasks = ["1", "2", "5", "6", "7", "8", "9", "10"]
    procs = [gk("done", t, "-u", "玉泉区", "--date", "2021-08-01", "--today", "2021-09-01", "--data", "data", cwd=cwd)
             for t in tasks]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    loaded = load(ledger)
    assert loaded.diagnostics == []
    assert sorted(r.task for r in loaded.ledger.records if r.unit == "玉泉区") == sorted(tasks)


def test_killed_at_any_instant_the_file_is_old_or_new(ledger: Path) -> None:
    path = ledger / "progress" / "回民区.yaml"
    rng = random.Random(49)
    tasks = ["1", "2", "5", "6", "7", "8", "9", "10", "11", "12"]
    killed = 0
    for task in tasks:
        old = path.read_bytes()
        proc = gk("done", task, "-u", "回民区", "--date", "2021-08-01", "--today", "2021-09-01",
                  "--data", "data", cwd=Path.cwd())  # fmt: skip
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        new = path.read_bytes()
        assert new == old or (new.startswith(old) and f"task: '{task}'".encode() in new[len(old) :])
        assert load(ledger).diagnostics == []
    statuses = json.dumps([r.task for r in load(ledger).ledger.records])
    assert '"4"' in statuses  # the hand-kept records are all still there
    assert killed > 0  # the kills landed while the commands ran, not after they were done


def test_an_unwritable_progress_folder_is_an_error_not_a_traceback(cli: Cli, ledger: Path) -> None:
    import shutil

    shutil.rmtree(ledger / "progress")
    (ledger / "progress").write_text("not a folder", encoding="utf-8")
    result = cli("done", "5", "-u", "回民区", "--today", "2021-09-01", "--data", str(ledger))
    assert result.exit_code == 1 and "cannot record progress" in result.stderr
    assert (ledger / "progress").read_text(encoding="utf-8") == "not a folder"
