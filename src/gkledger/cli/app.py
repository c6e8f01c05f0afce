"""The application: its global options and every command registered, for help and for tests.
The console script (`main.run`) registers only the command being run."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
import typer.core

from gkledger import __version__, i18n
from gkledger.cli.options import DataOption, NoCacheOption, TodayOption
from gkledger.cli.parsing import _Command, _Group
from gkledger.cli.session import EXIT_OK, GlobalOptions
from gkledger.i18n import _f

APP_SETTINGS: dict[str, Any] = {
    "cls": _Group,
    "name": "gkledger",
    "help": (
        "A ledger for 政务公开 work-plan task lists (工作台账): check the YAML, see who owes what, "
        "and what is late.\n\n"
        "Example: gkledger status --unit 回民区 --today 2021-09-01\n\n"
        "Exit codes: 0 ok, 1 problems found, 2 usage error."
    ),
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_show_locals": False,  # a bug report must not dump the ledger's data
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"gkledger {__version__}")
        raise typer.Exit(EXIT_OK)


def main(
    ctx: typer.Context,
    data: DataOption = None,
    today: TodayOption = None,
    no_cache: NoCacheOption = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print long views straight to the terminal instead of through $PAGER ($GKLEDGER_PAGER).",
        ),
    ] = False,
    wrap: Annotated[
        bool,
        typer.Option(
            "--wrap",
            help="Wrap free text (具体任务) onto more lines instead of cutting it (the default when the "
            "output is not a terminal and no width is set); also after the command.",
        ),
    ] = False,
    plan: Annotated[
        int | None,
        typer.Option(
            "--plan",
            min=1949,
            max=2999,
            metavar="YEAR",
            help="Which plan, in a repository of several (data/2021/, data/2022/ …); also after the "
            "command. Default: $GKLEDGER_PLAN, else the plan whose year holds today, else the latest "
            "before it.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="zh|en",
            help="The language of messages: zh (the default) or en; also after the command. Default: "
            "$GKLEDGER_LANG, else English when the locale is (LANG=en_US.UTF-8), else Chinese.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version),
    ] = False,
) -> None:
    if lang is not None and lang.strip().lower() not in i18n.LANGUAGES:
        raise typer.BadParameter(
            _f("'{value}' is not one of {choices}", value=lang, choices=", ".join(i18n.LANGUAGES)),
            param_hint="--lang",
        )
    i18n.use(i18n.language_from(lang, os.environ))  # `--lang` after the command name overrides it
    ctx.obj = GlobalOptions(data, today, no_cache, plan, no_pager=no_pager, wrap=wrap)


# Every command, in the order of the help: (module, function, name when not the function's)
COMMANDS: tuple[tuple[str, str, str | None], ...] = (
    ("check", "check", None),
    ("views", "tasks", None),
    ("views", "status", None),
    ("views", "due", None),
    ("views", "late", None),
    ("views", "show", None),
    ("review", "review", None),
    ("plans", "carry", None),
    ("completion", "completion", None),
    ("records", "done", None),
    ("records", "waive", None),
    ("office", "confirm", None),
    ("office", "return_", "return"),
    ("office", "extend", None),
    ("office", "score", None),
    ("documents", "export", None),
    ("documents", "remind", None),
    ("documents", "bulletin", None),
    ("rollup", "rollup", None),
    ("browse", "browse", None),
    ("plans", "schema", None),
    ("plans", "init", None),
    ("plans", "import_", "import"),
    ("history", "links", None),
    ("forms", "form", None),
    ("forms", "collect", None),
    ("history", "codeowners", None),
    ("history", "audit", None),
)


def build(name: str | None = None) -> typer.Typer:
    """An app with the global options and every command, or only the one named (None when that
    names no single command: a typo, help, or the `units` group, which take the whole app)."""
    import importlib

    app = typer.Typer(**APP_SETTINGS)
    app.callback()(main)
    for module, function, named in COMMANDS:
        if name is None or (named or function) == name:
            command = getattr(importlib.import_module(f"gkledger.cli.{module}"), function)
            app.command(name=named, cls=_Command)(command)
    if name is None:
        from gkledger.cli.units import units_app

        app.add_typer(units_app, name="units")
    elif not app.registered_commands:
        return build()
    return app


_whole: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    """`app`, the whole application, built when first asked for (tests, help, the catalog tool)."""
    global _whole
    if name != "app":
        raise AttributeError(name)
    if _whole is None:
        _whole = build()
    return _whole
