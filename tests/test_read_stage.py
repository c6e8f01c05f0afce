"""The read stage fails cleanly on every kind of file, views survive one unit's broken file, and
the process ends cleanly on closed pipes, narrow encodings and odd dates."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.store import files as datafiles
from gkledger.store.files import MAX_FILE_BYTES, list_files, read_bytes

from .conftest import write

Cli = Callable[..., Result]
TODAY = ("--today", "2021-09-01")


def gkledger(
    *args: str, env: dict[str, str] | None = None, shell_tail: str = ""
) -> subprocess.CompletedProcess[str]:
    """gkledger as a user runs it: a process of its own, with a time limit against hangs."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {"GKLEDGER_LANG": "en"}
    command = [sys.executable, "-m", "gkledger", *args]
    if shell_tail:
        quoted = " ".join(f"'{part}'" for part in command)
        return subprocess.run(
            ["bash", "-o", "pipefail", "-c", f"{quoted} {shell_tail}"],
            capture_output=True, text=True, errors="replace", env={**base, **(env or {})}, timeout=120,
        )  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, errors="replace", env={**base, **(env or {})}, timeout=120
    )


def test_a_fifo_named_yaml_hangs_nothing(shipped: Path, tmp_path: Path) -> None:
    os.mkfifo(shipped / "progress" / "回民区.yaml")
    env = {"GKLEDGER_CACHE_DIR": str(tmp_path / "cache")}
    check = gkledger("check", "--data", str(shipped), env=env)
    assert check.returncode == 1 and "GK002" in check.stdout and "not a regular file" in check.stdout
    status = gkledger("status", "--unit", "回民区", *TODAY, "--data", str(shipped), env=env)
    assert status.returncode == 1 and "回民区.yaml" in status.stderr
    done = gkledger("done", "5", "-u", "回民区", *TODAY, "--data", str(shipped), env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "回民区.yaml is a folder, not a file"), ("zh", "回民区.yaml 是文件夹，不是文件")],
)
def test_a_folder_named_like_a_progress_file_is_named_in_the_users_language(
    cli: Cli, shipped: Path, lang: str, said: str
) -> None:
    os.mkdir(shipped / "progress" / "回民区.yaml")
    result = cli("--lang", lang, "check", "--data", str(shipped))
    assert result.exit_code == 1
    assert f"回民区.yaml:1:1: GK002 {said}" in result.stdout


def test_the_size_limit_is_checked_before_reading(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = shipped / "progress" / "回民区.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    calls: list[int] = []
    real_read = os.read
    monkeypatch.setattr(datafiles.os, "read", lambda fd, n: calls.append(n) or real_read(fd, n))
    [file] = [f for f in list_files(shipped).files if f.path == big]
    problem = read_bytes(file)
    assert not isinstance(problem, bytes) and problem.code == "GK007"
    assert calls == []  # refused from its size alone, not a byte read


def test_a_file_growing_past_the_limit_is_read_only_to_the_limit(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(shipped / "progress" / "回民区.yaml", "- task: '5'\n")
    [file] = [f for f in list_files(shipped).files if f.path == path]
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 4096)  # grew after it was listed
    monkeypatch.setattr(datafiles, "_shape_problem", lambda path, info: None)  # as if fstat raced too
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(
        datafiles.os, "read", lambda fd, n: read.append(len(data := real_read(fd, n))) or data
    )
    problem = read_bytes(file)
    assert not isinstance(problem, bytes) and problem.code == "GK007"
    assert sum(read) == MAX_FILE_BYTES + 1


def test_views_show_what_could_be_read_when_one_units_file_is_broken(cli: Cli, shipped: Path) -> None:
    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: [回民区\n")  # a syntax error
    write(shipped / "progress" / "玉泉区.yaml", "- task: '5'\n  unit: 玉泉区\n  done: 2021-08-20\n")
    result = cli("status", "--unit", "玉泉区", "--all", "--format", "json", *TODAY, "--data", str(shipped))
    assert result.exit_code == 1
    assert "回民区.yaml" in result.stderr and "left out" in result.stderr
    assert '"status": "done"' in result.stdout  # 玉泉区's record is there
    overview = cli("status", *TODAY, "--data", str(shipped))
    assert overview.exit_code == 1 and "回民区" in overview.stdout
    check = cli("check", "--data", str(shipped))
    assert check.exit_code == 1 and "GK004" in check.stdout  # check stays strict


def test_a_broken_plan_still_stops_the_views(cli: Cli, shipped: Path) -> None:
    tasks = shipped / "tasks.yaml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace("year: 2021", "year: [2021]"), encoding="utf-8"
    )
    result = cli("status", *TODAY, "--data", str(shipped))
    assert result.exit_code == 1 and "fix them first" in result.stderr and result.stdout == ""


def test_a_closed_pipe_ends_quietly(shipped: Path, tmp_path: Path) -> None:
    env = {"GKLEDGER_CACHE_DIR": str(tmp_path / "cache")}
    ran = gkledger("status", *TODAY, "--data", str(shipped), env=env, shell_tail="| head -1")
    assert ran.returncode in (0, 141) and ran.stderr == ""
    assert ran.stdout.count("\n") == 1


def test_an_encoding_without_chinese_gets_escapes_not_a_traceback(shipped: Path, tmp_path: Path) -> None:
    env = {"GKLEDGER_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "latin-1"}
    ran = gkledger("status", "--unit", "回民区", *TODAY, "--data", str(shipped), env=env)
    assert ran.returncode == 0 and "Traceback" not in ran.stderr
    assert "\\u56de\\u6c11\\u533a" in ran.stdout and "UTF-8" in ran.stderr


@pytest.mark.parametrize("value", ["", " ", "2021-9-1x", "0000-01-01", "2021-02-30"])
def test_a_bad_today_is_a_usage_error(cli: Cli, shipped: Path, value: str) -> None:
    result = cli("status", "--today", value, "--data", str(shipped))
    assert result.exit_code == 2 and "--today" in result.stderr


def test_the_first_and_last_days_print_as_dates(cli: Cli, shipped: Path) -> None:
    first = cli("status", "--unit", "回民区", "--today", "1949-01-01", "--data", str(shipped))
    assert first.exit_code == 0 and "1949-01-01" in first.stdout
    last = cli("status", "--today", "2999-12-31", "--data", str(shipped))
    assert last.exit_code == 0 and "2999-12-31" in last.stdout
    for beyond in ("0001-01-01", "9999-12-31", "1948-12-31", "3000-01-01"):  # a week on must be a day too
        refused = cli("status", "--today", beyond, "--data", str(shipped))
        assert refused.exit_code == 2 and "outside the years 1949–2999" in refused.stderr
