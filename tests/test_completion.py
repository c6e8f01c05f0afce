"""Shell completion: the scripts, and the answers the shell gets back for commands and units."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from typer.testing import Result

from .conftest import DATA

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    ("shell", "mark"),
    [
        ("bash", "complete -o"),
        ("zsh", "#compdef gkledger"),
        ("fish", "complete --command gkledger"),
        ("powershell", "Register-ArgumentCompleter"),
    ],
)
def test_each_shell_gets_its_script(cli: Cli, shell: str, mark: str) -> None:
    result = cli("completion", shell)
    assert result.exit_code == 0 and mark in result.stdout and "_GKLEDGER_COMPLETE" in result.stdout


def complete(words: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {"GKLEDGER_LANG": "en"}
    env |= {
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
        "_GKLEDGER_COMPLETE": "complete_bash",
    }
    env["GKLEDGER_DATA"] = str(DATA)
    out = subprocess.run(
        [sys.executable, "-m", "gkledger"], env=env, capture_output=True, text=True, check=False
    )
    return out.stdout.split()


def test_commands_options_and_units_complete() -> None:
    assert complete("gkledger sta") == ["status"]
    assert "--unit" in complete("gkledger status --u")
    assert complete("gkledger status --unit 回") == ["回民区", "回民区人民政府"]  # names and aliases
    assert complete("gkledger done 5 -u 土") == ["土默特左旗", "土左旗", "土默特左旗人民政府"]
    assert complete("gkledger late --unit 托县") == ["托县"]
