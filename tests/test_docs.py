"""The README documents what the code does: every diagnostic code, and every command."""

from __future__ import annotations

from gkledger.cli.app import app
from gkledger.core.diagnostics import CODES

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_diagnostic_code_is_in_the_readme_table() -> None:
    for code, (severity, summary) in CODES.items():
        assert f"| {code} | {severity} | {summary} |" in README, code


def test_every_command_is_in_the_readme() -> None:
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert f"gkledger {name}" in README, name


def test_the_readme_starts_with_the_two_setup_commands() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert 'pip install -e ".[dev]"' in first_block
    assert "python -m pytest" in first_block


def test_help_shows_no_value_placeholders_for_flags_and_keeps_extras_whole() -> None:
    """`--all`, not `--all <bool>`; `pip install 'gkledger[export]'`, not a swallowed markup tag."""
    from typer.testing import CliRunner

    runner = CliRunner()
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    for name in ["", *names, "units import"]:
        result = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, name
        assert "<bool>" not in result.output, name
        assert "pip install 'gkledger'" not in result.output, name
    exported = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert "pip install 'gkledger[export]'" in exported.output
