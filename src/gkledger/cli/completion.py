"""`gkledger completion`: shell completion scripts."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
import typer.core

COMPLETE_VAR = "_GKLEDGER_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


def completion(
    shell: Annotated[Shell, typer.Argument(help="bash, zsh, fish or powershell.", show_default=False)],
) -> None:
    """Print the script that completes gkledger's commands, options and values in a shell.

    Add it to the shell's start-up file: bash: gkledger completion bash >> ~/.bashrc;
    zsh: gkledger completion zsh >> ~/.zshrc; fish: gkledger completion fish >
    ~/.config/fish/completions/gkledger.fish; PowerShell: gkledger completion powershell >> $PROFILE.

    Example: eval "$(gkledger completion bash)"
    """
    from typer._completion_shared import get_completion_script  # Typer's own scripts

    script = get_completion_script(prog_name="gkledger", complete_var=COMPLETE_VAR, shell=shell.value)
    sys.stdout.write(script.rstrip("\n") + "\n")
