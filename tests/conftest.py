"""Shared fixtures: the shipped ledger, small inline ledgers in tmp_path, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import signal
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gkledger import i18n
from gkledger.cli.app import app

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SMALL_UNITS = """\
groups:
  县: {kind: 旗县区}
  县级以上: [{unit: 市政府}, {group: 县}]
units:
  - name: 市政府
    full_name: 某市人民政府
    kind: 政府
    level: 市级
  - name: 财政局
    full_name: 某市财政局
    aliases: [市财政局]
    kind: 委办局
    level: 市级
    parent: 市政府
    tags: [财政]
  - name: 甲县
    full_name: 甲县
    aliases: [甲县人民政府]
    kind: 旗县区
    level: 县级
    parent: 市政府
"""

SMALL_TASKS = """\
plan:
  title: 测试计划
  year: 2021
  signed: 2021-06-16
tasks:
  - id: "1"
    section: 一、测试
    text: 做一件事。
    owners: 县级以上财政部门。
    owed_by: [{group: 县级以上, role: 财政}]
    deadline: 2021年9月30日前
  - id: "2"
    section: 一、测试
    text: 一直做。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 全年持续推进
"""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (POSIX alarm): a guard for inputs built to stall, not a timing."""

    def expired(signum: int, frame: object) -> None:
        raise AssertionError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A three-unit, two-task ledger to mutate in a test."""
    root = tmp_path / "data"
    write(root / "units.yaml", SMALL_UNITS)
    write(root / "tasks.yaml", SMALL_TASKS)
    (root / "progress").mkdir()
    return root


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A private copy of the shipped ledger."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """Run gkledger in-process with a fixed terminal width, a private cache and no ambient settings."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("GKLEDGER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    for name in ("GKLEDGER_DATA", "GKLEDGER_TODAY", "GKLEDGER_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return invoke


def codes(diagnostics: list) -> list[str]:  # type: ignore[type-arg]
    return [d.code for d in diagnostics]


os.environ.setdefault("NO_COLOR", "1")
# The tests read English messages; tests of the Chinese ones ask for them (--lang zh).
os.environ["GKLEDGER_LANG"] = "en"
i18n.use("en")


@pytest.fixture(autouse=True)
def english() -> None:
    """Each test starts in English: a command run with --lang zh leaves the process speaking
    Chinese, which a later test calling the library directly would otherwise read."""
    i18n.use("en")


TASKS_2022 = (
    SMALL_TASKS.replace("测试计划", "测试计划2022")
    .replace("year: 2021", "year: 2022")
    .replace("signed: 2021-06-16", "signed: 2022-02-01")
    .replace("2021年9月30日前", "2022年9月30日前")
)

# 2021: task 1 (due 30 Sept, owed by 市政府's 财政局 and 甲县), task 2 (ongoing, owed by 市政府 and 甲县).
RECORDS_2021 = {
    "财政局": "- task: '1'\n  unit: 财政局\n  done: 2021-09-20\n",  # on time
    "甲县": "- task: '1'\n  unit: 甲县\n  done: 2021-10-12\n"  # 12 days late
    "- task: '2'\n  unit: 甲县\n  waived: 本级无此项工作\n",
}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository of two plans, data/2021/ (with records) and data/2022/, sharing units.yaml."""
    data = tmp_path / "data"
    write(data / "units.yaml", SMALL_UNITS)
    write(data / "2021" / "tasks.yaml", SMALL_TASKS)
    for unit, text in RECORDS_2021.items():
        write(data / "2021" / "progress" / f"{unit}.yaml", text)
    write(data / "2022" / "tasks.yaml", TASKS_2022)
    (data / "2022" / "progress").mkdir()
    return data
