"""Long views page through $PAGER on a terminal, as git does; never when piped, never with --no-pager."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA


def run_on_terminal(tmp_path: Path, *args: str, lines: int = 5, pager: str = "tee") -> tuple[str, str]:
    """gkledger with a pseudo-terminal as its output and a pager that keeps what it was given."""
    paged = tmp_path / "paged.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")}
    env |= {
        "GKLEDGER_LANG": "en",
        "GKLEDGER_DATA": str(DATA),
        "GKLEDGER_CACHE_DIR": str(tmp_path / "cache"),
        "GKLEDGER_PAGER": f"{pager} {paged}",
        "LINES": str(lines),
        "COLUMNS": "100",
        "TERM": "xterm",
    }
    leader, follower = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "gkledger", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return shown.decode("utf-8", "replace"), paged.read_text(encoding="utf-8") if paged.exists() else ""


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_a_long_view_goes_through_the_pager(tmp_path: Path) -> None:
    shown, paged = run_on_terminal(tmp_path, "status", "--unit", "回民区", "--today", "2021-09-01")
    assert "回民区" in paged and "23 obligations" in paged
    assert "23 obligations" in shown  # the pager showed it on the terminal


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_a_short_view_and_no_pager_are_printed_straight(tmp_path: Path) -> None:
    _, paged = run_on_terminal(tmp_path, "status", "--unit", "回民区", "--today", "2021-09-01", lines=200)
    assert paged == ""  # it fits the screen
    shown, paged = run_on_terminal(
        tmp_path, "status", "--unit", "回民区", "--today", "2021-09-01", "--no-pager"
    )
    assert paged == "" and "23 obligations" in shown


def test_piped_output_never_pages(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {
        "GKLEDGER_LANG": "en",
        "GKLEDGER_PAGER": f"tee {tmp_path / 'paged.txt'}",
        "LINES": "5",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gkledger", "status", "--unit", "回民区", "--today", "2021-09-01", "--data", str(DATA)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert "23 obligations" in result.stdout and not (tmp_path / "paged.txt").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_a_view_of_a_subcommand_is_paged_once(tmp_path: Path) -> None:
    _, paged = run_on_terminal(tmp_path, "units", pager="tee -a")  # each pager run adds to the file
    assert paged.count("回民区人民政府") == 1
