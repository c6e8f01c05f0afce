"""The command line: options in, a library call, a renderer out. The one module that imports
Typer, and the one place that reads the clock and the environment.

Exit codes: 0 ok; 1 problems found (ledger errors, or --fail-on matched); 2 usage error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core
from typer._click.exceptions import ClickException  # the Click that Typer carries

from gkledger import __version__, i18n
from gkledger.core.dates import TYPED_EXAMPLES, parse_typed_date
from gkledger.core.diagnostics import Diagnostic, has_errors
from gkledger.core.model import Ledger, Unit, shown_path
from gkledger.core.status import STATUSES, Obligations, Row, Status, Summary, row_of, summarise
from gkledger.i18n import N_, _, _f, ngettext
from gkledger.store.locate import PROGRESS_DIR, find_data_dir
from gkledger.views.query import (
    OPEN_STATUSES,
    Query,
    open_rows,
    overview,
    select,
    unit_summaries,
    worst_first,
)
from gkledger.views.query import evidence as evidence_records

if TYPE_CHECKING:
    from rich.console import Console
    from typer._click.core import Context as ClickContext  # the Click that Typer carries

    from gkledger.core.owners import Vocabulary
    from gkledger.intake.importer import Imported
    from gkledger.store.cache import Snapshot

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _refuse_repeats(ctx: ClickContext, params: list[Any], args: list[str], stop_at_word: bool) -> None:
    """A repeated option is honoured (options that take several values) or refused, never half
    kept: Click would silently keep the last of `-u 玉泉区 -u 赛罕区`."""
    takes: dict[str, tuple[Any, bool]] = {}
    for param in params:
        if getattr(param, "param_type_name", "") != "option" or getattr(param, "is_eager", False):
            continue
        for name in (*param.opts, *param.secondary_opts):
            takes[name] = (param, not (param.is_flag or param.count))
    seen: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word == "--":
            break
        if not word.startswith("-") or word == "-":
            if stop_at_word:
                break  # the subcommand: what follows is its own
            continue
        name, equals, _value = word.partition("=") if word.startswith("--") else (word[:2], "", "")
        found = takes.get(name)
        if found is None:
            continue
        param, has_value = found
        if not param.multiple:
            seen.setdefault(param.name, []).append(name)
        if has_value and not equals and len(word) == len(name):
            i += 1  # its value, whatever it looks like
    for uses in seen.values():
        if len(uses) > 1:
            ctx.fail(_f("{option} was given {count} times; give it once", option=uses[0], count=len(uses)))


def _take_everywhere(ctx: ClickContext, args: list[str]) -> list[str]:
    """`--plan YEAR`, `--lang LANG`, `--no-pager` and `--wrap` after the command name, as before
    it: taken out of the command's own arguments (every command reads some plan and shows it)."""
    rest: list[str] = []
    given: dict[str, list[str]] = {"--plan": [], "--lang": []}
    words = iter(args)
    for word in words:
        if word == "--":
            rest.append(word)
            rest.extend(words)
            break
        name, equals, value = word.partition("=")
        if word == "--no-pager":
            ctx.meta["gkledger.no_pager"] = True
        elif word == "--wrap":
            ctx.meta["gkledger.wrap"] = True
        elif name in given:
            given[name].append(value if equals else next(words, ""))
        else:
            rest.append(word)
    for name, values in given.items():
        if len(values) > 1:
            ctx.fail(_f("{option} was given {count} times; give it once", option=name, count=len(values)))
    if given["--lang"]:
        _speak(ctx, given["--lang"][0])
    if given["--plan"]:
        if not re.fullmatch(r"\d{4}", given["--plan"][0].strip()):
            ctx.fail(_f("--plan '{value}' is not a plan year such as 2022", value=given["--plan"][0]))
        ctx.meta["gkledger.plan"] = int(given["--plan"][0])
    return rest


def _speak(ctx: ClickContext, value: str) -> None:
    language = value.strip().lower()
    if language not in i18n.LANGUAGES:
        ctx.fail(
            _f("--lang '{value}' is not one of {choices}", value=language, choices=", ".join(i18n.LANGUAGES))
        )
    i18n.use(language)


def _lang_before_command(ctx: ClickContext, args: list[str]) -> None:
    """`gkledger --lang en --help`: the language is needed before Click shows the help, which it
    does while parsing, before the option's own callback runs."""
    words = iter(args)
    for word in words:
        if word == "--" or not word.startswith("-"):
            return
        name, equals, value = word.partition("=")
        if name == "--lang":
            _speak(ctx, value if equals else next(words, ""))
            return


HELP_FIELDS = ("help", "short_help", "epilog", "rich_help_panel")  # what a command or option shows


def help_texts(command: Any) -> Iterator[str]:
    """Every text of a command's help that users read: its help and short help, its options' help
    and panel names, and the same of its subcommands (the catalog tool extracts them from here)."""
    for thing in (command, *command.get_params(typer.Context(command))):
        yield from (
            text for name in HELP_FIELDS if isinstance(text := getattr(thing, name, None), str) and text
        )
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def _help_in_language(command: Any, ctx: ClickContext) -> None:
    """Help in the user's language: the command's texts, its options', and (for a group) the
    short help of each subcommand it lists; Typer's panel titles too."""
    from typer import rich_utils

    if not getattr(rich_utils._make_rich_text, "folds", False):
        made = rich_utils._make_rich_text

        def folding(**kwargs: Any) -> Any:
            # Chinese has no spaces to wrap at: a run of it that is wider than the column folds
            # onto the next line instead of ending in an ellipsis.
            text: Any = made(**kwargs)
            if getattr(text, "overflow", "") is None:
                text.overflow = "fold"
            return text

        folding.folds = True  # type: ignore[attr-defined]
        rich_utils._make_rich_text = folding
    rich_utils.OPTIONS_PANEL_TITLE = _("Options")
    rich_utils.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich_utils.COMMANDS_PANEL_TITLE = _("Commands")
    rich_utils.DEFAULT_STRING = _("[default: {}]")
    rich_utils.REQUIRED_LONG_STRING = _("[required]")
    for thing in (command, *command.get_params(ctx), *getattr(command, "commands", {}).values()):
        for name in HELP_FIELDS:
            text = getattr(thing, name, None)
            if isinstance(text, str) and text:
                setattr(thing, name, _(text))


# What Typer's Click says in English when it refuses a command line (typer._click words them in
# f-strings, out of gettext's reach), read back into message ids of the catalog. The patterns are
# compiled when a refusal is read (re keeps them), not on every start.
_CLICK_SAYS = (
    (r"(?s)(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}")),
    (r"(?s)(?P<value>.+) is not a valid (?P<kind>.+)\.", N_("{value} is not a valid {kind}")),
    (r"(?s)(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is not in the range {range}")),
    (r"Option (?P<option>.+) requires an argument\.", N_("{option} needs a value")),
    (
        r"(?s)Got unexpected extra arguments?(?:\(s\))? \((?P<words>.*)\)",
        N_("unexpected extra arguments ({words})"),
    ),
    (
        r"(?s)No such command (?P<name>.+?)\. Did you mean (?P<close>.+)\?",
        N_("no such command {name}; did you mean {close}?"),
    ),
    (r"(?s)No such command (?P<name>.+)\.", N_("no such command {name}")),
    (r"(?s)No such option: (?P<option>.+)", N_("no such option: {option}")),
)


def _click_said(error: Any) -> str:
    """A refusal of Typer's Click in the user's language; its own words when it says something
    none of `_CLICK_SAYS` reads."""
    message = str(error.message)
    for pattern, said in _CLICK_SAYS:
        found = re.fullmatch(pattern, message)
        if found:
            message = _f(said, **found.groupdict())
            break
    kind = type(error).__name__
    if kind == "MissingParameter":
        name = error.param_hint or (error.param.get_error_hint(error.ctx) if error.param is not None else "")
        return _f(
            "missing {what} {name}",
            what=_("argument")
            if (error.param_type or getattr(error.param, "param_type_name", "")) == "argument"
            else _("option"),
            name=name,
        )
    if kind == "BadParameter":
        hint = error.param_hint or (
            error.param.get_error_hint(error.ctx) if error.param is not None else None
        )
        return _f("invalid value for {option}: {why}", option=hint, why=message) if hint else message
    if kind == "NoSuchOption" and error.possibilities:
        return _f(
            "{refusal} (possible options: {options})",
            refusal=message,
            options=", ".join(sorted(error.possibilities)),
        )
    return message


def _in_language(error: Any) -> None:
    """A refusal of Click's, on its way to Typer's error panel, in the user's language: the message,
    the panel's title and its hint line. Typer's rich_utils is imported only here, when there is a
    refusal to show (it costs a run a tenth of its time)."""
    from typer import rich_utils

    rich_utils.ERRORS_PANEL_TITLE = _("Error")
    rich_utils.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")
    if isinstance(getattr(error, "message", None), str) and not getattr(error, "in_language", False):
        said = _click_said(error)
        error.format_message = lambda: said
        error.in_language = True


def _without_placeholders(params: list[Any]) -> list[Any]:
    """Flags take no value: help shows `--all`, not `--all <bool>`."""
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
    return params


class _Command(typer.core.TyperCommand):
    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        try:
            args = _take_everywhere(ctx, args)
            _refuse_repeats(ctx, self.get_params(ctx), args, stop_at_word=False)
            return super().parse_args(ctx, args)
        except ClickException as error:
            _in_language(error)
            raise

    def get_params(self, ctx: ClickContext) -> list[Any]:
        return _without_placeholders(super().get_params(ctx))

    def format_help(self, ctx: ClickContext, formatter: Any) -> None:
        _help_in_language(self, ctx)
        super().format_help(ctx, formatter)


class _Group(typer.core.TyperGroup):
    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if ctx.parent is None:  # the language, before Click can refuse anything (--lang may follow)
            i18n.use(i18n.language_from(None, os.environ))
        try:
            _refuse_repeats(ctx, self.get_params(ctx), args, stop_at_word=True)
            _lang_before_command(ctx, args)
            return super().parse_args(ctx, args)
        except ClickException as error:
            _in_language(error)
            raise

    def resolve_command(self, ctx: ClickContext, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except ClickException as error:  # a mistyped command
            _in_language(error)
            raise

    def get_params(self, ctx: ClickContext) -> list[Any]:
        return _without_placeholders(super().get_params(ctx))

    def format_help(self, ctx: ClickContext, formatter: Any) -> None:
        _help_in_language(self, ctx)
        super().format_help(ctx, formatter)

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            result = super().invoke(ctx)
        finally:
            if isinstance(ctx.obj, GlobalOptions) and ctx.obj.paged is not None:
                paged, ctx.obj.paged = ctx.obj.paged, None  # a group within a group pages once
                _page(paged.getvalue())
        if isinstance(ctx.obj, GlobalOptions) and ctx.obj.degraded:
            raise typer.Exit(EXIT_PROBLEMS)  # a view shown without some broken progress files
        return result


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
app = typer.Typer(**APP_SETTINGS)


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class DataFormat(StrEnum):
    table = "table"
    json = "json"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class FailOn(StrEnum):
    late = "late"
    due_soon = "due-soon"


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="The ledger's data folder. Default: $GKLEDGER_DATA, else ./data or the nearest parent's "
        "data/ holding a plan, else the ledger bundled with gkledger.",
        show_default=False,
    ),
]
TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="DATE",
        help="The day to compute statuses for (2021-09-30, 2021/9/30, 2021年9月30日, 9月30日, today). "
        "Default: $GKLEDGER_TODAY, else the system date.",
        show_default=False,
    ),
]


def _complete_units(ctx: typer.Context, incomplete: str) -> list[str]:
    """Unit names for shell completion: the canonical names and aliases starting with what was
    typed (every one of them is accepted as --unit)."""
    try:
        ledger = _snapshot(ctx, _data_dir(ctx, ctx.params.get("data"))).ledger
    except (Exception, SystemExit):  # completion must never fail loudly
        return []
    names = (name for unit in ledger.units for name in (unit.name, *unit.aliases))
    return list(dict.fromkeys(name for name in names if name.startswith(incomplete)))


UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="A unit: canonical name, official full name or alias (财政局, 和林格尔县).",
        show_default=False,
        autocompletion=_complete_units,
    ),
]
SoonOption = Annotated[
    int | None,
    typer.Option(
        "--soon",
        metavar="DAYS",
        min=0,
        max=366,
        help="Days ahead that count as due soon (临期). Default: the ledger's soon_days, else 7.",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on", help="Exit 1 when anything listed has this status (for CI gates).", show_default=False
    ),
]
ListFormatOption = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]
TaskArgument = Annotated[str, typer.Argument(help="The task id (序号).", show_default=False)]
NoteOption = Annotated[
    str | None, typer.Option("--note", help="A note to keep with the record.", show_default=False)
]


@dataclass
class GlobalOptions:
    """The options given before the command name, and what the command found out for all views."""

    data: Path | None = None
    today: str | None = None
    no_cache: bool = False
    plan: int | None = None
    degraded: bool = False  # a view was shown without some broken progress files: exit 1 at the end
    root: Path | None = None  # the data folder the command read
    no_pager: bool = False
    wrap: bool = False
    paged: io.StringIO | None = None  # a view written for the pager, shown when the command ends


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Load the ledger afresh instead of from the cache ($GKLEDGER_NO_CACHE=1 too)."
    ),
]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"gkledger {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
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


# ---------------------------------------------------------------------------------------------
# Helpers shared by the commands
# ---------------------------------------------------------------------------------------------


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"gkledger: {message}", err=True)
    raise typer.Exit(code)


def _settings(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    if not isinstance(root.obj, GlobalOptions):
        root.obj = GlobalOptions()
    return root.obj


def _once(local: Any, overall: Any, option: str) -> Any:
    """An option given before the command and again after it: the same value, or a usage error."""
    if local is not None and overall is not None and local != overall:
        _fail(
            _f(
                "{option} was given twice, as {first} and as {second}; give it once",
                option=option,
                first=overall,
                second=local,
            )
        )
    return local if local is not None else overall


def _data_dir(ctx: typer.Context, data: Path | None) -> Path:
    """The folder of the plan a command reads: --data (else $GKLEDGER_DATA, else ./data …), and in
    a repository of several plans, the one --plan names (else $GKLEDGER_PLAN, else by the day)."""
    from gkledger.store.locate import default_plan, plan_years

    chosen = _once(data, _settings(ctx).data, "--data")
    found = find_data_dir(chosen, os.environ.get("GKLEDGER_DATA"), Path.cwd())
    named = _once(ctx.meta.get("gkledger.plan"), _settings(ctx).plan, "--plan")
    years = plan_years(found)
    if not years:
        return found  # one plan: a plan year asked for is checked against it once it is read
    env = os.environ.get("GKLEDGER_PLAN", "").strip()
    if named is None and env:
        if not re.fullmatch(r"\d{4}", env):
            _fail(_f("$GKLEDGER_PLAN '{value}' is not a plan year such as 2022", value=env))
        named = int(env)
    year = named if named is not None else default_plan(years, _day_of(ctx))
    if year not in years:
        _fail(
            _f(
                "no plan {year} in {folder}; its plans: {years}",
                year=year,
                folder=shown_path(str(found)),
                years=", ".join(map(str, years)),
            )
        )
    return found / str(year)


def _day_of(ctx: typer.Context) -> dt.date:
    """The day a command is run for (its --today, the global one, $GKLEDGER_TODAY, else the
    clock), read without the plan's year: it chooses the plan."""
    value = ctx.params.get("today") or _settings(ctx).today or os.environ.get("GKLEDGER_TODAY")
    if not value or str(value).strip().lower() in TODAY_WORDS:
        return dt.date.today()
    return parse_typed_date(str(value), dt.date.today().year) or dt.date.today()


TODAY_WORDS = frozenset({"today", "今天", "今日"})


def _date_option(ctx: typer.Context, value: str, option: str, today: dt.date | None = None) -> dt.date:
    """A date as people type it (2021-09-30, 2021/9/30, 2021年9月30日, 9月30日 in the plan's year,
    today or 今天); anything else ends the command (exit 2) with an example."""
    if value.strip().lower() in TODAY_WORDS:
        return today if today is not None else dt.date.today()
    parsed = parse_typed_date(value, lambda: _plan_year(ctx)) or _deadline_date(ctx, value)
    if parsed is None:
        _fail(
            _f(
                "{option} '{value}' is not a real date; write it as {examples}, or today",
                option=option,
                value=value,
                examples=_(", ").join(TYPED_EXAMPLES),
            )
        )
    return parsed


def _deadline_date(ctx: typer.Context, value: str) -> dt.date | None:
    """A date written as a 完成时限 is (2021年9月, 9月底前, 年底): the day the deadline grammar gives."""
    from gkledger.core.deadlines import DeadlineError, parse_deadline

    try:
        deadline = parse_deadline(value, _plan_year(ctx))
    except DeadlineError:
        return None
    return None if deadline.ongoing else deadline.due


def _plan_year(ctx: typer.Context) -> int:
    """The plan's year, for a date typed without one (9月30日); this year when there is no plan."""
    with contextlib.suppress(Exception):  # a ledger that cannot be read says so in the command itself
        plan = _snapshot(ctx, _data_dir(ctx, None)).ledger.plan
        if plan is not None:
            return int(plan.year)
    return dt.date.today().year


def _today(ctx: typer.Context, today: str | None) -> dt.date:
    value = _once(today, _settings(ctx).today, "--today")
    if value is not None:
        return _date_option(ctx, value, "--today")
    env = os.environ.get("GKLEDGER_TODAY")
    if env:
        return _date_option(ctx, env, "$GKLEDGER_TODAY")
    return dt.date.today()


def _cache_folder(ctx: typer.Context, no_cache: bool = False) -> Path | None:
    from gkledger.store.cache import cache_home

    return None if (no_cache or _settings(ctx).no_cache) else cache_home(os.environ)


def _snapshot(ctx: typer.Context, root: Path, no_cache: bool = False) -> Snapshot:
    from gkledger.store.cache import load_snapshot

    return load_snapshot(root, _cache_folder(ctx, no_cache))


def _obligations(ctx: typer.Context, data: Path | None) -> Obligations:
    """The ledger's obligations. Errors in units.yaml or tasks.yaml end the command (exit 1); a
    progress file with errors is left out, with a warning naming it and whose records it holds,
    and the view is shown with what could be read (exit 1 at the end, so scripts notice)."""
    root = _data_dir(ctx, data)
    _settings(ctx).root = root
    snapshot = _snapshot(ctx, root)
    errors = [d for d in snapshot.diagnostics if d.severity == "error"]
    ledger = snapshot.ledger
    named = ctx.meta.get("gkledger.plan") or _settings(ctx).plan
    if named is not None and ledger.plan is not None and ledger.plan.year != named:
        _fail(
            _f(
                "{folder} holds the plan for {year}, not {named}",
                folder=shown_path(str(root)),
                year=ledger.plan.year,
                named=named,
            )
        )
    if errors:
        from gkledger.render.diagnostics import as_text

        progress = os.path.join(os.path.abspath(root), PROGRESS_DIR) + os.sep
        broken = {d.source.path for d in errors}
        if not all(path.startswith(progress) for path in broken):
            sys.stderr.write(as_text(errors))
            _fail(_("the ledger has errors; fix them first (gkledger check lists them all)"), EXIT_PROBLEMS)
        ledger = ledger._replace(records=tuple(r for r in ledger.records if r.source.path not in broken))
        for path in sorted(broken):
            owner = Path(path).stem
            typer.echo(
                "gkledger: "
                + _f(
                    "warning: {file} has errors (gkledger check lists them); its records are left out, so "
                    "the progress of {owner} and of any unit recorded there may be missing below",
                    file=shown_path(path),
                    owner=owner,
                ),
                err=True,
            )
        _settings(ctx).degraded = True
    return Obligations(ledger, snapshot.unit_index, snapshot.owners)


def _view_console(ctx: typer.Context, ledger: Ledger) -> Console:
    """A console for a table view, whose first line names the ledger shown: its plan, and its folder
    when that is not ./data, so that nobody takes the bundled example (or another year's) for theirs."""
    from gkledger.render import console as out
    from gkledger.store.locate import is_bundled

    root = _settings(ctx).root
    folder = None
    bundled = root is not None and is_bundled(root)
    if root is not None and not bundled and os.path.abspath(root) != os.path.abspath("data"):
        folder = shown_path(os.path.abspath(root))
    console = _paged_console(ctx) or out.make_console()
    wrap = _settings(ctx).wrap or ctx.meta.get("gkledger.wrap", False)
    out.wrap_free_text(bool(wrap) or (not sys.stdout.isatty() and "COLUMNS" not in os.environ))
    end = dt.date(ledger.plan.year, 12, 31) if ledger.plan else None
    ended = end if end is not None and _day_of(ctx) > end else None
    out.ledger_line(console, ledger.plan.title if ledger.plan else None, folder, bundled, ended)
    return console


def _paged_console(ctx: typer.Context) -> Console | None:
    """On a terminal, a console whose view goes through the pager when the command ends (as git
    does: only when it is longer than the screen); never when the output is piped or redirected."""
    settings = _settings(ctx)
    off = settings.no_pager or ctx.meta.get("gkledger.no_pager")
    if off or not sys.stdout.isatty() or os.environ.get("TERM") == "dumb":
        return None
    if _pager_command() is None:
        return None
    import shutil

    from gkledger.render import console as out

    size = shutil.get_terminal_size()
    console, buffer = out.paging_console(size.columns, color="NO_COLOR" not in os.environ)
    settings.paged = buffer
    return console


def _pager_command() -> list[str] | None:
    """$GKLEDGER_PAGER, else $PAGER, else less; None when paging is switched off (an empty value,
    or cat) or no pager is installed."""
    import shlex
    import shutil

    chosen = os.environ.get("GKLEDGER_PAGER", os.environ.get("PAGER", "less"))
    words = shlex.split(chosen) if chosen.strip() else []
    if not words or words[0] == "cat" or shutil.which(words[0]) is None:
        return None
    return words


def _page(text: str) -> None:
    """Show a view: through the pager when it is taller than the screen, else as it is."""
    import shutil
    import subprocess

    command = _pager_command()
    if command is None or text.count("\n") < shutil.get_terminal_size().lines:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX"), "LV": os.environ.get("LV", "-c")}
    try:
        subprocess.run(command, input=text.encode("utf-8"), env=env, check=False)
    except OSError:
        sys.stdout.write(text)


def _unit(obligations: Obligations, name: str) -> Unit:
    unit = obligations.index.get(name)
    if unit is None:
        close = obligations.index.suggest(name)
        hint = (
            _f("; did you mean {names}?", names=_(" or ").join(close))
            if close
            else _("; gkledger units lists them")
        )
        _fail(_f("unknown unit '{name}'{hint}", name=name, hint=hint))
    return unit


def _emit_rows(rows: list[Row], fmt: ListFormat, render_table: Callable[[], None]) -> None:
    if fmt is ListFormat.table:
        render_table()
        return
    from gkledger.render.records import row_record, rows_csv, to_json

    sys.stdout.write(to_json([row_record(r) for r in rows]) if fmt is ListFormat.json else rows_csv(rows))


def _gate(rows: list[Row], fail_on: FailOn | None) -> None:
    if fail_on is not None and any(row.status == fail_on.value for row in rows):
        raise typer.Exit(EXIT_PROBLEMS)


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


@app.command(cls=_Command)
def check(
    ctx: typer.Context,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.text,
    no_cache: NoCacheOption = False,
    data: DataOption = None,
) -> None:
    """Validate the ledger: every problem in every file, each with its file:line:column.

    In a repository of several plans, every plan (or the one --plan names), and each task's
    carried_from against the plan it names. Exit 0 when there are no errors (warnings are listed
    but pass), 1 when there are.

    Example: gkledger check --format github
    """
    from gkledger.render.diagnostics import as_github, as_json, as_text
    from gkledger.store.checks import carried_references
    from gkledger.store.locate import plan_years

    chosen = _once(data, _settings(ctx).data, "--data")
    found = find_data_dir(chosen, os.environ.get("GKLEDGER_DATA"), Path.cwd())
    years = plan_years(found)
    named = ctx.meta.get("gkledger.plan") or _settings(ctx).plan or os.environ.get("GKLEDGER_PLAN")
    roots = [found / str(y) for y in years] if years and not named else [_data_dir(ctx, data)]
    snapshots = {root: _snapshot(ctx, root, no_cache) for root in roots}
    tasks_of: dict[int, set[str]] = {}
    for year in years:
        root = found / str(year)
        ledger = snapshots[root].ledger if root in snapshots else _snapshot(ctx, root, no_cache).ledger
        tasks_of[year] = {task.id for task in ledger.tasks}
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[object, ...]] = set()
    for snapshot in snapshots.values():
        found_here = [*snapshot.diagnostics, *carried_references(snapshot.ledger, tasks_of)]
        for diagnostic in found_here:  # the shared units.yaml speaks once, not once per plan
            key = (diagnostic.source, diagnostic.code, diagnostic.message)
            if key not in seen:
                seen.add(key)
                diagnostics.append(diagnostic)
    render = {CheckFormat.text: as_text, CheckFormat.json: as_json, CheckFormat.github: as_github}[fmt]
    sys.stdout.write(render(diagnostics))
    raise typer.Exit(EXIT_PROBLEMS if has_errors(diagnostics) else EXIT_OK)


@app.command(cls=_Command)
def tasks(
    ctx: typer.Context,
    fmt: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    data: DataOption = None,
) -> None:
    """List the plan's tasks with their verbatim deadlines and the dates they mean.

    Example: gkledger tasks --format json
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    if fmt is DataFormat.json:
        from gkledger.render.records import task_record, to_json

        index = obligations.index
        sys.stdout.write(
            to_json(
                [
                    task_record(
                        t,
                        [u.name for u in index.select(t.owed_by)],
                        [u.name for u in index.select(t.lead)] if t.lead else [],
                    )
                    for t in ledger.tasks
                ]
            )
        )
        return
    from gkledger.render.console import tasks_table

    tasks_table(_view_console(ctx, ledger), ledger.tasks)


units_app = typer.Typer(
    cls=_Group,
    help="The units that owe the tasks: list them, or write units.yaml from an office's roster.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(units_app, name="units")


@units_app.callback(invoke_without_command=True)
def units(
    ctx: typer.Context,
    fmt: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    data: DataOption = None,
) -> None:
    """List the units, with their full names, aliases, kinds and tags.

    Example: gkledger units --format json;  gkledger units import 名单.xlsx -o data/units.yaml
    """
    if ctx.invoked_subcommand is not None:
        return
    ledger = _obligations(ctx, data).ledger
    if fmt is DataFormat.json:
        from gkledger.render.records import to_json, unit_record

        sys.stdout.write(to_json([unit_record(u) for u in ledger.units]))
        return
    from gkledger.render.console import units_table

    units_table(_view_console(ctx, ledger), ledger.units)


@units_app.command(name="import", cls=_Command)
def units_import(
    roster: Annotated[
        Path,
        typer.Argument(
            help="A roster as .xlsx, .xls, .csv, .docx or .html: 单位名称, 全称, 简称, 类别, 层级, 上级.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write units.yaml. Default: print it.", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing units.yaml (its maintainers, groups and words are kept)."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the roster and print the summary; write nothing.")
    ] = False,
) -> None:
    """Write units.yaml from an office's roster of units, checked as units.yaml is.

    Names, full names and aliases (简称 or 别名, several separated by 、) must each mean one unit;
    every problem is listed with its roster row, and then nothing is written (exit 1).

    Example: gkledger units import 名单.xlsx -o data/units.yaml
    """
    text, count = _roster_text(roster, output if force else None)
    if output is not None and output.exists() and not force and not dry_run:
        _fail(
            _f(
                "{file} exists; use --force to replace it (its maintainers, groups and words are kept)",
                file=output,
            )
        )
    if not dry_run:
        if output is None:
            sys.stdout.write(text)
        else:
            _refuse_bundled(output)
            _write_output(output, text.encode("utf-8"))
    typer.echo(_f("{count} units from {file}", count=count, file=roster), err=True)


def _roster_text(roster: Path, replacing: Path | None) -> tuple[str, int]:
    """units.yaml text from a roster, checked as the loader checks units.yaml; every problem ends
    the command (exit 1) before anything is written."""
    from gkledger.intake.roster import to_yaml, units_from_grid
    from gkledger.intake.tables import HEADER_WORDS, TableError, read_file, read_table
    from gkledger.render.diagnostics import as_text
    from gkledger.store.files import DataFile
    from gkledger.store.load import read_units_data

    try:
        grid, how = read_table(roster, read_file(roster), ("单位名称", "名称", "类别", *HEADER_WORDS))
        found = units_from_grid(grid)
    except TableError as exc:
        _fail(f"{roster}: {exc}")
    except ImportError as exc:
        _missing_extra(exc, "import")
    if how:
        typer.echo(f"{roster}: {how}", err=True)
    for row, problem in found.problems:
        typer.echo(f"{roster}:{row}: {problem}", err=True)
    if found.problems:
        count = len(found.problems)
        _fail(
            ngettext(
                "{count} problem in the roster; nothing was written",
                "{count} problems in the roster; nothing was written",
                count,
            ).format(count=count),
            EXIT_PROBLEMS,
        )
    kept = _kept_units_sections(replacing) if replacing is not None and replacing.exists() else ""
    text = to_yaml(found, roster.name, kept)
    shown = replacing or Path("units.yaml")
    core, _index = read_units_data(DataFile("units.yaml", str(shown), True), text.encode("utf-8"))
    errors = [d for d in core.diagnostics if d.severity == "error"]
    if errors:
        sys.stderr.write(as_text(errors))
        _fail(_("the units.yaml written from the roster would not check; nothing was written"), EXIT_PROBLEMS)
    if [u.name for u in core.units] != [u.name for u in found.units]:
        _fail(
            _("the units.yaml written would not read back as the roster; nothing was written"), EXIT_PROBLEMS
        )
    return text, len(found.units)


def _kept_units_sections(path: Path) -> str:
    """The maintainers, groups and words of an existing units.yaml, verbatim, to keep them when
    its units are replaced from a roster."""
    from gkledger.store.yaml_source import Mapping, parse

    data = path.read_bytes()
    value, problems = parse(str(path), data)
    if problems or not isinstance(value, Mapping):
        _fail(
            _f(
                "{file} cannot be read, so its groups and words cannot be kept; fix it or move it away",
                file=path,
            )
        )
    lines = data.decode("utf-8-sig").splitlines(keepends=True)
    starts = sorted((key.line, name) for name, (key, _) in value.entries.items())
    kept = []
    for number, (line, name) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines) + 1
        if name in ("maintainers", "groups", "words"):
            kept.append("".join(lines[line - 1 : end - 1]))
    return "".join(kept)


@app.command(cls=_Command)
def status(
    ctx: typer.Context,
    unit: UnitOption = None,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="With --unit: also list done and waived.")
    ] = False,
    soon: SoonOption = None,
    fmt: ListFormatOption = ListFormat.table,
    fail_on: FailOnOption = None,
    all_units: Annotated[
        bool,
        typer.Option("--all-units", help="Without --unit: list every unit, not only the 100 worst."),
    ] = False,
    show_entry: Annotated[
        bool,
        typer.Option(
            "--show-entry", help="With --unit: each record's commit day (登记) from the git history."
        ),
    ] = False,
    kind: KindOption = None,
    group: GroupOption = None,
    status_filter: StatusesOption = None,
    section: SectionOption = None,
    grep: GrepOption = None,
    lead: LeadOption = False,
    by: Annotated[
        StatusBy | None,
        typer.Option(
            "--by", help="Without --unit: kind gives 合计 rows per kind and a 总计 row.", show_default=False
        ),
    ] = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """What a unit owes and has not finished, late first; without --unit, one row per unit.

    Statuses: late (逾期), due-soon (临期), pending, ongoing (全年持续推进), done, done-late, waived.
    按期办结率 = done on time ÷ obligations whose due day has passed (waived ones left out).
    --kind, --group, --status, --section, --grep and --lead choose what is counted or listed.

    Examples: gkledger status --unit 回民区 --today 2021-09-01;  gkledger status --by kind;
    gkledger status --kind 旗县区 --format csv
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    from gkledger.render import console as out

    if unit is None:
        statuses = frozenset(STATUSES) if status_filter is None else _statuses(status_filter)
        query = _query(
            ctx, obligations, None, kind, group, statuses=statuses, section=section, grep=grep, lead=lead
        )
        if query == Query() and by is not StatusBy.kind:  # every unit, every row: counted, no rows
            summaries, overall = overview(obligations, day, soon_days)
        else:
            every = obligations.rows(day, soon_days)
            if query != Query():  # a filter was given: count only what it lets through
                every = [row for row in every if query.admits(row)]
            summaries = unit_summaries(obligations, day, soon_days, every)
            overall = summarise(every, day)
            if query.units is not None:
                summaries = [s for s in summaries if s.unit is not None and s.unit.name in query.units]
        if by is StatusBy.kind:
            _by_kind(ctx, ledger, summaries, every, day, fmt)
        elif fmt is ListFormat.table:
            limit = None if all_units else out.OVERVIEW_ROWS
            end = dt.date(ledger.plan.year, 12, 31) if ledger.plan else None
            console = _view_console(ctx, ledger)
            out.units_overview(console, summaries, overall, day, limit, end)
        else:
            from gkledger.render.records import summary_record, to_csv, to_json

            records = [summary_record(s) for s in summaries]
            sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records))
        if fail_on is not None and overall.counts[fail_on.value]:
            raise typer.Exit(EXIT_PROBLEMS)
        return
    chosen = _unit(obligations, unit)
    every = obligations.rows(day, soon_days, chosen)
    wanted = _statuses(status_filter) if status_filter is not None else None
    query = Query(
        statuses=wanted or (frozenset(STATUSES) if all_ else OPEN_STATUSES),
        section=section,
        grep=grep,
        lead=lead,
    )
    shown = worst_first([row for row in every if query.admits(row)], obligations)
    entered = _entry_dates(ctx, obligations.ledger, required=True) if show_entry else None
    if entered is not None and fmt is not ListFormat.table:
        from gkledger.render.records import ROW_COLUMNS, row_record, to_csv, to_json

        records = [{**row_record(r), "entered": _iso(entered.get((r.task.id, r.unit.name)))} for r in shown]
        columns = (*ROW_COLUMNS, "entered")
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, columns))
    else:
        _emit_rows(
            shown,
            fmt,
            lambda: out.unit_status(
                _view_console(ctx, ledger), chosen, shown, summarise(every, day, chosen), day, entered
            ),
        )
    _gate(every, fail_on)


class StatusBy(StrEnum):
    kind = "kind"


def _by_kind(
    ctx: typer.Context,
    ledger: Ledger,
    summaries: list[Summary],
    rows: list[Row],
    day: dt.date,
    fmt: ListFormat,
) -> None:
    """The overview grouped by kind of unit, each kind in the order units.yaml first lists it."""
    kinds: dict[str, list[Summary]] = {}
    for unit in ledger.units:
        kinds.setdefault(unit.kind, [])
    for summary in summaries:
        if summary.unit is not None:
            kinds[summary.unit.kind].append(summary)
    groups = [
        (kind, found, summarise([r for r in rows if r.unit.kind == kind], day))
        for kind, found in kinds.items()
        if found
    ]
    overall = summarise(rows, day)
    if fmt is ListFormat.table:
        from gkledger.render import console as out

        out.units_by_kind(_view_console(ctx, ledger), groups, overall, day)
        return
    from gkledger.render.records import JsonObject, summary_record, to_csv, to_json

    records: list[JsonObject] = []
    for kind, found, total in groups:
        records.extend({**summary_record(s), "row": "unit"} for s in found)
        records.append({**summary_record(total), "kind": kind, "row": "kind-total"})
    records.append({**summary_record(overall), "row": "total"})
    sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _entry_dates(ctx: typer.Context, ledger: Ledger, required: bool) -> dict[tuple[str, str], dt.date] | None:
    """When each record was committed, from the ledger's git history; outside a repository None,
    or (`required`, for --show-entry) the end of the command."""
    from gkledger.history.audit import AuditError, entry_dates, trail

    root = _settings(ctx).root
    try:
        return entry_dates(trail(ledger, root if root is not None else Path("data")))
    except AuditError as exc:
        if required:
            _fail(_f("--show-entry reads the git history: {error}", error=exc))
        return None


UnitsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="Only these units (repeat it for several).",
        show_default=False,
        autocompletion=_complete_units,
    ),
]
KindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kind", metavar="KIND", help="Only units of this kind (旗县区, 委办局 …).", show_default=False
    ),
]
GroupOption = Annotated[
    list[str] | None,
    typer.Option(
        "--group", metavar="GROUP", help="Only units of this group of units.yaml.", show_default=False
    ),
]
SectionOption = Annotated[
    str | None,
    typer.Option(
        "--section", metavar="TEXT", help="Only tasks whose 任务名称 contains this.", show_default=False
    ),
]
GrepOption = Annotated[
    str | None,
    typer.Option(
        "--grep", metavar="TEXT", help="Only tasks whose text or notes contain this.", show_default=False
    ),
]


class SortBy(StrEnum):
    due = "due"
    unit = "unit"
    task = "task"
    late = "late"


class GroupBy(StrEnum):
    task = "task"


SortOption = Annotated[
    SortBy, typer.Option("--sort", help="Order: due day, unit, task, or most days late first.")
]
ByOption = Annotated[
    GroupBy | None,
    typer.Option("--by", help="One row per task, with how many units and which.", show_default=False),
]
StatusesOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="LIST",
        help="Only these statuses, comma separated: late,due-soon,pending … (or 逾期,临期 …).",
        show_default=False,
    ),
]
LeadOption = Annotated[bool, typer.Option("--lead", help="Only rows where the unit leads the task (牵头).")]


def _query(
    ctx: typer.Context,
    obligations: Obligations,
    units: list[str] | None,
    kinds: list[str] | None,
    groups: list[str] | None,
    **fields: Any,
) -> Query:
    """A listing's query from its options; an unknown unit, kind or group ends the command."""
    from gkledger.views.query import units_matching

    try:
        chosen = units_matching(obligations, units or (), kinds or (), groups or ())
    except KeyError as exc:
        word = exc.args[0]
        close = obligations.index.suggest(word)
        hint = (
            _f("; did you mean {names}?", names=_(" or ").join(close))
            if close
            else _("; gkledger units lists them")
        )
        _fail(_f("no unit, kind or group is called '{word}'{hint}", word=word, hint=hint))
    return Query(units=chosen, **fields)


def _statuses(value: str | None) -> frozenset[Status]:
    """--status late,due-soon or 逾期,临期: the seven words or their Chinese labels."""
    from gkledger.render.labels import ZH

    if value is None:
        return OPEN_STATUSES
    words = {label: status for status, label in ZH.items()} | {status: status for status in ZH}
    chosen = set()
    for word in (w.strip() for w in value.replace("，", ",").split(",") if w.strip()):
        if word not in words:
            _fail(
                _f(
                    "--status '{word}' is not a status; choose from {statuses} (or 逾期, 临期 …)",
                    word=word,
                    statuses=", ".join(ZH),
                )
            )
        chosen.add(words[word])
    return frozenset(chosen)


def _listing(
    ctx: typer.Context,
    obligations: Obligations,
    title: str,
    rows: list[Row],
    fmt: ListFormat,
    by: GroupBy | None,
) -> None:
    from gkledger.render import console as out

    if by is None:
        _emit_rows(
            rows, fmt, lambda: out.obligation_list(_view_console(ctx, obligations.ledger), title, rows)
        )
        return
    from gkledger.views.query import by_task

    groups = by_task(rows, obligations)
    if fmt is ListFormat.table:
        out.task_groups(_view_console(ctx, obligations.ledger), title, groups)
        return
    from gkledger.render.records import task_group_record, to_csv, to_json

    records = [task_group_record(g) for g in groups]
    columns = ("task", "due", "count", "units", "text")
    sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, columns))


@app.command(cls=_Command)
def due(
    ctx: typer.Context,
    before: Annotated[
        str,
        typer.Option(
            "--before",
            metavar="DATE",
            help="Last due day to include, inclusive (2021-09-30, 2021/9/30, 9月30日 …).",
            show_default=False,
        ),
    ],
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            metavar="DATE",
            help="First due day to include, inclusive (2021-09-30, 2021/9/30, 9月30日 …).",
            show_default=False,
        ),
    ] = None,
    unit: UnitsOption = None,
    kind: KindOption = None,
    group: GroupOption = None,
    status_filter: StatusesOption = None,
    section: SectionOption = None,
    grep: GrepOption = None,
    lead: LeadOption = False,
    sort: SortOption = SortBy.due,
    by: ByOption = None,
    soon: SoonOption = None,
    fmt: ListFormatOption = ListFormat.table,
    fail_on: FailOnOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Obligations not yet done that fall due on or before a day, late ones included and marked.

    Both ends are inclusive, as "9月30日前完成" includes 30 September in Chinese official usage.
    Sorted by due date, then worst first (--sort to change it); --by task gives one row per task.

    Examples: gkledger due --before 2021-09-30 --unit 回民区;
    gkledger due --before 9月30日 --kind 旗县区 --by task
    """
    last = _date_option(ctx, before, "--before", _today(ctx, today))
    first = _date_option(ctx, after, "--after", _today(ctx, today)) if after else None
    if first is not None and first > last:
        _fail(_f("--after {first} is later than --before {last}", first=first, last=last))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    statuses = _statuses(status_filter) & OPEN_STATUSES
    query = _query(
        ctx, obligations, unit, kind, group,
        statuses=statuses, due_from=first, due_until=last, order=sort.value, section=section, grep=grep,
        lead=lead,
    )  # fmt: skip
    rows = select(obligations, day, soon_days, query)
    span = (
        _f("Due {first} … {last}", first=first.isoformat(), last=last.isoformat())
        if first
        else _f("Due on or before {last}", last=last.isoformat())
    )
    shown = f" · {'、'.join(unit)}" if unit else ""
    title = _f("{span}{units} · as of {day}", span=span, units=shown, day=day.isoformat())
    _listing(ctx, obligations, title, rows, fmt, by)
    _gate(rows, fail_on)


@app.command(cls=_Command)
def late(
    ctx: typer.Context,
    unit: UnitsOption = None,
    kind: KindOption = None,
    group: GroupOption = None,
    section: SectionOption = None,
    grep: GrepOption = None,
    lead: LeadOption = False,
    sort: SortOption = SortBy.due,
    by: ByOption = None,
    fmt: ListFormatOption = ListFormat.table,
    fail_on: FailOnOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """The overdue obligations (逾期): not done, and the due day has passed.

    --by task gives one row per task with how many units are late and which: what a 政务公开办
    reads first.

    Examples: gkledger late --today 2021-12-01 --fail-on late;  gkledger late --by task --kind 旗县区
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    query = _query(
        ctx, obligations, unit, kind, group,
        statuses=frozenset({"late"}), order=sort.value, section=section, grep=grep, lead=lead,
    )  # fmt: skip
    rows = select(obligations, day, ledger.settings.soon_days, query)
    shown = f" · {'、'.join(unit)}" if unit else ""
    title = _f("Late{units} · as of {day}", units=shown, day=day.isoformat())
    _listing(ctx, obligations, title, rows, fmt, by)
    _gate(rows, fail_on)


@app.command(cls=_Command)
def show(
    ctx: typer.Context,
    task: TaskArgument,
    soon: SoonOption = None,
    fmt: ListFormatOption = ListFormat.table,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """One task in full: its text, the 责任单位 phrase, the units it resolves to, and each one's status.

    Example: gkledger show 14 --today 2021-10-01
    """
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    found = next((t for t in ledger.tasks if t.id == task.strip()), None)
    if found is None:
        ids = ", ".join(t.id for t in ledger.tasks[:30])
        _fail(_f("unknown task '{task}'; task ids are: {ids}", task=task, ids=ids))
    rows = [row_of(o, day, soon_days) for o in obligations.by_task.get(found.id, [])]
    rows.sort(key=lambda row: not row.lead)  # the lead first, then units.yaml order
    from gkledger.render import console as out

    _emit_rows(
        rows, fmt, lambda: out.task_detail(_view_console(ctx, ledger), found, rows, summarise(rows, day))
    )


class ReviewFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


@app.command(cls=_Command)
def review(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Argument(
            min=1949,
            max=2999,
            help="The plan year. Default: the plan --plan or the day picks.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[ReviewFormat, typer.Option("--format", "-f", help="Output format.")] = ReviewFormat.table,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """回头看 of a plan, ended or running: per unit, what was never done, done late or waived.

    For each unit: what was never done, what was done late and by how many days, what was waived
    and why, and its 按期办结率; the plan's in total. --format md reads as the 回头看 section of a
    政府信息公开工作年度报告; csv lists the items.

    Example: gkledger review 2021 --format md > 回头看.md
    """
    from gkledger.views.review import review as build_review

    if year is not None:
        ctx.meta["gkledger.plan"] = _once(year, ctx.meta.get("gkledger.plan"), "the plan year")
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    found = build_review(obligations, day, ledger.settings.soon_days)
    if fmt is ReviewFormat.table:
        from gkledger.render import console as out

        out.review_view(_view_console(ctx, ledger), found)
        return
    from gkledger.render.review import OUTCOME_COLUMNS, review_markdown, review_record, review_rows

    if fmt is ReviewFormat.md:
        sys.stdout.write(review_markdown(found))
    elif fmt is ReviewFormat.json:
        from gkledger.render.records import to_json

        sys.stdout.write(to_json(review_record(found)))
    else:
        from gkledger.render.records import to_csv

        sys.stdout.write(to_csv(review_rows(found), OUTCOME_COLUMNS))


@app.command(cls=_Command)
def carry(
    ctx: typer.Context,
    year: Annotated[
        int, typer.Argument(min=1949, max=2999, help="The plan to carry from.", show_default=False)
    ],
    to: Annotated[
        int, typer.Option("--to", min=1949, max=2999, help="The plan to carry into.", show_default=False)
    ],
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="The carried tasks' 完成时限 (2022年6月底 …). Default: the original one when it "
            "reads in the new year without a year of its own, else 年底前.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be carried; write nothing.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Carry what a plan left open into a later plan, owed by the units that had not finished it.

    One task per open task, text verbatim, with carried_from: "2021#5". Both plans live in one
    repository (data/2021/, data/2022/; gkledger init . --year 2022 adds one). Running it again
    adds nothing twice. The new tasks.yaml is checked and read back before it is written,
    atomically.

    Example: gkledger carry 2021 --to 2022 --deadline 2022年6月底
    """
    from gkledger.core.deadlines import DeadlineError, parse_deadline
    from gkledger.store.atomic import WriteRefused, commit
    from gkledger.store.cache import load_snapshot
    from gkledger.store.load import read_tasks_text
    from gkledger.store.locate import TASKS_FILE, is_bundled, plan_years
    from gkledger.writes.carry import append_tasks, reads_back
    from gkledger.writes.carry import carry as carry_over

    if to <= year:
        _fail(_f("--to {to} must be a later plan than {year}", to=to, year=year))
    found = find_data_dir(
        _once(data, _settings(ctx).data, "--data"), os.environ.get("GKLEDGER_DATA"), Path.cwd()
    )
    years = plan_years(found)
    for wanted in (year, to):
        if wanted not in years:
            _fail(
                _f("no plan {year} in {folder}", year=wanted, folder=shown_path(str(found)))
                + (
                    _f("; its plans: {years}", years=", ".join(map(str, years)))
                    if years
                    else _("; it holds one plan")
                )
                + _f(" (add one with: gkledger init . --year {year})", year=wanted)
            )
    source, target = found / str(year), found / str(to)
    if is_bundled(found) or is_bundled(target):
        _fail(_("the ledger bundled with gkledger is never written to; start your own with gkledger init"))
    if deadline is not None:
        try:
            parse_deadline(deadline, to)
        except DeadlineError as exc:
            _fail(_f("--deadline: {error}", error=exc))
    loaded = {}
    for root in (source, target):
        snapshot = _snapshot(ctx, root)
        errors = [d for d in snapshot.diagnostics if d.severity == "error"]
        if errors:
            from gkledger.render.diagnostics import as_text

            sys.stderr.write(as_text(errors))
            _fail(
                _f("the plan in {folder} has errors; fix them first", folder=shown_path(str(root))),
                EXIT_PROBLEMS,
            )
        loaded[root] = snapshot
    carried = carry_over(loaded[source].obligations(), loaded[target].ledger, deadline)
    if not carried:
        typer.echo(
            _f(
                "Nothing to carry: every task of {year} is finished, or already carried into {to}.",
                year=year,
                to=to,
            )
        )
        return
    path = target / TASKS_FILE
    old = path.read_bytes()
    bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
    text = append_tasks(old[len(bom) :].decode("utf-8"), carried)
    new = bom + text.encode("utf-8")
    after, _problems = read_tasks_text(new, str(path))
    if not reads_back(loaded[target].ledger.tasks, after, carried):
        _fail(
            _f(
                "{file} would not read back as meant (its layout); nothing was written",
                file=shown_path(str(path)),
            ),
            EXIT_PROBLEMS,
        )
    checked = load_snapshot(target, _cache_folder(ctx), {path: new})  # only the new tasks.yaml parsed
    problems = [d for d in checked.diagnostics if d.severity == "error"]
    if problems:
        from gkledger.render.diagnostics import as_text

        sys.stderr.write(as_text(problems))
        _fail(_("the carried tasks would make the plan invalid; nothing was written"), EXIT_PROBLEMS)
    for task in carried:
        message = (
            _("Would carry {reference} → task {id}, owed by {count} units: {units}; 完成时限 {deadline}")
            if dry_run
            else _("Carried {reference} → task {id}, owed by {count} units: {units}; 完成时限 {deadline}")
        )
        typer.echo(
            message.format(
                reference=task.reference,
                id=task.id,
                count=len(task.units),
                units="、".join(task.units),
                deadline=task.deadline,
            )
        )
    if dry_run:
        return
    try:
        commit({path: new})
    except (WriteRefused, OSError) as exc:
        _fail(_f("cannot write {file}: {error}", file=shown_path(str(path)), error=exc), EXIT_PROBLEMS)
    typer.echo(
        _f("{count} tasks carried into {file}", count=len(carried), file=shown_path(str(path))), err=True
    )


COMPLETE_VAR = "_GKLEDGER_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


@app.command(cls=_Command)
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


ReplaceOption = Annotated[
    bool,
    typer.Option("--replace", help="Rewrite the task's existing record for the unit instead of refusing."),
]


def text_value(value: str, option: str, lines: bool = False) -> str:
    """A value typed on the command line, refused (exit 2) when it would not survive as text:
    bytes that are not UTF-8, or control characters (tabs and line breaks only where `lines`)."""
    import unicodedata

    if any("\ud800" <= char <= "\udfff" for char in value):
        _fail(
            _f(
                "{option} is not valid UTF-8 text; check the terminal's or the script's encoding",
                option=option,
            )
        )
    allowed = "\t\n" if lines else ""
    bad = sorted({char for char in value if unicodedata.category(char) == "Cc" and char not in allowed})
    if bad:
        shown = ", ".join(f"U+{ord(char):04X}" for char in bad)
        _fail(_f("{option} holds control characters ({chars}); remove them", option=option, chars=shown))
    return value


def _record(
    ctx: typer.Context,
    data: Path | None,
    today: str | None,
    tasks: list[str],
    units: list[str],
    *,
    done_on: str | None = None,
    waived: str | None = None,
    evidence: str | None = None,
    note: str | None = None,
    replace: bool = False,
    period: str | None = None,
) -> None:
    from gkledger.render.diagnostics import as_text
    from gkledger.writes.recording import Refused, record_progress

    tasks = [text_value(t, "TASK") for t in tasks]
    units = [text_value(u, "--unit") for u in units]
    evidence = text_value(evidence, "--evidence") if evidence is not None else None
    note = text_value(note, "--note", lines=True) if note is not None else None
    waived = text_value(waived, "--reason", lines=True) if waived is not None else None
    day = _today(ctx, today)
    done = None if waived is not None else (_date_option(ctx, done_on, "--date", day) if done_on else day)
    try:
        result = record_progress(
            _data_dir(ctx, data),
            tasks,
            units,
            today=day,
            done=done,
            waived=waived,
            evidence=evidence,
            note=note,
            replace=replace,
            cache=_cache_folder(ctx),
            period=text_value(period, "--period").strip() if period is not None else None,
        )
    except Refused as refused:
        if refused.diagnostics:
            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_USAGE if refused.usage else EXIT_PROBLEMS)
    except OSError as exc:  # a read-only or vanished progress folder: nothing was written
        _fail(
            _f(
                "cannot record progress: {error} ({file})",
                error=exc.strerror or exc,
                file=exc.filename or "progress/",
            ),
            EXIT_PROBLEMS,
        )
    from gkledger.render import console as out
    from gkledger.store.locate import display_path

    console = out.make_console()
    obligations = Obligations(result.ledger, result.index, result.owners)
    for entry in result.entries:
        what = (
            _f("done on {day}", day=entry.record.done)
            if entry.record.done
            else _f("waived ({reason})", reason=entry.record.waived)
        )
        chosen = entry.record.period
        which = ""
        if chosen:
            which = (
                _f(" (period {period})", period=chosen)
                if period
                else _f(" (period {period}, the earliest not yet recorded)", period=chosen)
            )
        line = (
            _("Replaced: task {id}{which} for {unit}, {what} → {file}")
            if entry.replaced
            else _("Recorded: task {id}{which} for {unit}, {what} → {file}")
        )
        console.print(
            line.format(
                id=entry.task.id, which=which, unit=entry.unit.name, what=what, file=display_path(entry.path)
            ),
            markup=False,
        )
    for path in result.rewritten:
        typer.echo(
            "gkledger: "
            + _f(
                "{file} could not be edited in place (its layout), so it was rewritten from its records: "
                "every value is kept, its comments and layout are not",
                file=display_path(path),
            ),
            err=True,
        )
    for unit in dict.fromkeys(entry.unit for entry in result.entries):
        rows = obligations.rows(day, result.ledger.settings.soon_days, unit)
        out.recorded(console, summarise(rows, day, unit))


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="For a recurring task: the period (2022-07, 2022-Q3, 2022-H2). Default: its earliest "
        "period not yet recorded.",
        show_default=False,
    ),
]
TasksArgument = Annotated[
    list[str], typer.Argument(help="The task ids (序号); several are recorded together.", show_default=False)
]
RequiredUnits = Annotated[
    list[str],
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="The unit: canonical name, official full name or alias; repeat it for several units.",
        show_default=False,
        autocompletion=_complete_units,
    ),
]


@app.command(cls=_Command)
def done(
    ctx: typer.Context,
    task: TasksArgument,
    unit: RequiredUnits,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day it was completed (2021-08-20, 2021/8/20, 8月20日 …). Default: today.",
            show_default=False,
        ),
    ] = None,
    evidence: Annotated[
        str | None,
        typer.Option("--evidence", help="The URL where the information was published.", show_default=False),
    ] = None,
    note: NoteOption = None,
    replace: ReplaceOption = False,
    period: PeriodOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Record that units completed tasks, in data/progress/<unit>.yaml.

    Several tasks and units record every pair, all or nothing. The file keeps every comment and
    byte it had; the write is checked with the whole ledger first, read back, and atomic. Refused
    (exit 2): an unknown task or unit, a bad or future date, control characters in a value, the
    ledger bundled with gkledger. Refused (exit 1): a task the unit does not owe, a second record
    without --replace, a ledger with errors, a progress file that is a link or read-only.

    Example: gkledger done 5 --unit 回民区 --date 2021-08-20 --evidence https://example.gov.cn/a.html
    """
    _record(
        ctx,
        data,
        today,
        task,
        unit,
        done_on=date,
        evidence=evidence,
        note=note,
        replace=replace,
        period=period,
    )


@app.command(cls=_Command)
def waive(
    ctx: typer.Context,
    task: TasksArgument,
    unit: RequiredUnits,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the unit is exempt (免于办理).", show_default=False)
    ],
    note: NoteOption = None,
    replace: ReplaceOption = False,
    period: PeriodOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Record that units are exempt from tasks, with the reason, in data/progress/<unit>.yaml.

    Same safety as `done`: comments kept, all or nothing, atomic, checked first.

    Example: gkledger waive 19 --unit 回民区 --reason 本级不编印政府公报
    """
    if not reason.strip():
        _fail(_("--reason must not be empty"))
    _record(ctx, data, today, task, unit, waived=reason, note=note, replace=replace, period=period)


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    html = "html"
    ics = "ics"


class NoticeFormat(StrEnum):
    md = "md"
    txt = "txt"
    docx = "docx"


def _write_output(
    path: Path, data: bytes | Callable[[Callable[[bytes], object]], object], make_folders: bool = False
) -> int:
    """Write a file atomically: `data`, or what a function makes a piece at a time, handing each to
    the writer it is given (`atomic.write_atomic_pieces`: a province's CSV is never held whole).
    A folder that is missing (unless made) or unwritable ends the command. The bytes written."""
    from gkledger.store.atomic import write_atomic, write_atomic_pieces

    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            _fail(_f("the folder {folder} does not exist", folder=path.parent))
        if isinstance(data, bytes):
            write_atomic(path, data)
            return len(data)
        return write_atomic_pieces(path, data)
    except OSError as exc:
        _fail(_f("cannot write {file}: {error}", file=path, error=exc.strerror or exc), EXIT_PROBLEMS)


def _refuse_bundled(output: Path) -> None:
    """A file about to be written into the ledger that ships with gkledger ends the command."""
    from gkledger.store.locate import is_bundled

    if is_bundled(output.parent):
        _fail(
            _f(
                "{file} is in the ledger that ships with gkledger; write into your own (gkledger init)",
                file=output,
            )
        )


def _missing_extra(exc: ImportError, extra: str = "export") -> NoReturn:
    _fail(_f("this needs {module}: pip install '{package}'", module=exc.name, package=f"gkledger[{extra}]"))


@app.command(cls=_Command)
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="What to produce.", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (atomically). Default: standard output, for the text formats.",
            show_default=False,
        ),
    ] = None,
    unit: UnitOption = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Reports for people who read spreadsheets, pages and calendars, from the same rows as the views.

    xlsx: the 台账 in the notice's layout, the tasks × units matrix with 红黄绿 fills, and per-unit
    按期办结率 (needs -o). csv / json: one row per obligation (CSV is UTF-8 with a BOM; cells that
    would run as formulas are neutralised). html: one self-contained page. ics: one all-day event per
    deadline. xlsx, html and ics need the extra: pip install 'gkledger\\[export]'.

    Example: gkledger export --format xlsx -o 台账.xlsx --today 2021-09-01
    """
    if fmt is ExportFormat.xlsx and output is None:
        _fail(_("xlsx is a binary format: give the file to write with -o, e.g. -o 台账.xlsx"))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    chosen = _unit(obligations, unit) if unit else None
    if fmt in (ExportFormat.csv, ExportFormat.json):  # one row per obligation: no report to build
        from gkledger.render import records

        for_people = i18n.current() == "zh"  # an export's CSV is for Excel: Chinese headers and statuses
        if fmt is ExportFormat.csv and chosen is None:  # a province's 60,000 lines, without a Row each
            count = 0

            def lines(write: Callable[[bytes], object]) -> None:  # a task's lines at a time
                nonlocal count
                count = records.write_obligations_csv(
                    lambda text: write(text.encode("utf-8")), obligations, day, soon_days, for_people
                )

            if output is None:  # straight to the pipe
                lines(sys.stdout.buffer.write)
                sys.stdout.flush()
                return
            size = _write_output(output, lines)  # never the province's 16 MB whole, nor twice
            what = _f("{count} obligations as of {day}", count=count, day=day)
            typer.echo(_wrote(output, size, what), err=True)
            return
        rows = obligations.rows(day, soon_days, chosen)
        text = (
            records.to_json([records.row_record(r) for r in rows])
            if fmt is ExportFormat.json
            else records.rows_csv(rows, for_people)
        )
        _deliver(
            output, text.encode("utf-8"), _f("{count} obligations as of {day}", count=len(rows), day=day)
        )
        return
    from gkledger.views.reports import build  # the report the documents share: not for a row per line

    report = build(obligations, day, soon_days, chosen)
    payload: bytes
    try:
        if fmt is ExportFormat.xlsx:
            from gkledger.render.xlsx import to_xlsx

            payload = to_xlsx(report, _entry_dates(ctx, ledger, required=False))
        elif fmt is ExportFormat.html:
            from gkledger.render.html import to_html

            payload = to_html(report).encode("utf-8")
        else:
            from gkledger.render.ics import to_ics

            payload = to_ics(report)
    except ImportError as exc:
        _missing_extra(exc)
    _deliver(output, payload, _f("{count} obligations as of {day}", count=len(report.rows), day=day))


def _deliver(output: Path | None, payload: bytes, what: str) -> None:
    """An export to its file (atomically) or to standard output."""
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    _write_output(output, payload)
    typer.echo(_wrote(output, len(payload), what), err=True)


def _wrote(output: Path, size: int, what: str) -> str:
    return _f("Wrote {file} ({size:,} bytes, {what}).", file=output, size=size, what=what)


@app.command(cls=_Command)
def remind(
    ctx: typer.Context,
    unit: UnitOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="A folder to write one notice per unit into. Default: print them (md and txt).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        NoticeFormat, typer.Option("--format", "-f", help="Markdown, plain text, or Word (docx, needs -o).")
    ] = NoticeFormat.md,
    reply_by: Annotated[
        str | None,
        typer.Option(
            "--reply-by",
            metavar="DATE",
            help="The day by which units should reply (docx). Default: a week after --today.",
            show_default=False,
        ),
    ] = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """催办通知: for each unit with late or due-soon items, a notice listing them with their deadlines.

    --format docx writes each as a Word 公文 (GB/T 9704 layout: 主送 the unit, a table of its
    items, a reply deadline, 落款 the office and date); the office, 文号 prefix, 联系人 and 联系电话
    come from settings in tasks.yaml (office, number_prefix, contact, phone).

    Examples: gkledger remind --today 2021-09-01 -o 催办/;  gkledger remind --format docx -o 催办/
    """
    from gkledger.render.notices import file_name, notices
    from gkledger.views.reports import build

    if fmt is NoticeFormat.docx and output is None:
        _fail(_("docx is a binary format: give the folder to write the notices into with -o DIR"))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    reply = _date_option(ctx, reply_by, "--reply-by", day) if reply_by else day + dt.timedelta(days=7)
    soon_days = ledger.settings.soon_days if soon is None else soon
    chosen = _unit(obligations, unit) if unit else None
    report = build(obligations, day, soon_days, chosen)
    written = notices(report, markdown=fmt is NoticeFormat.md)
    if not written:
        typer.echo(_f("Nothing is late or due soon as of {day}.", day=day), err=True)
        return
    if output is None:
        typer.echo("\n---\n\n".join(text for _path, text in written), nl=False)
        return
    if fmt is NoticeFormat.docx:
        try:
            from gkledger.render.docx import notice_docx
        except ImportError as exc:
            _missing_extra(exc)
        attention: dict[str, list[Row]] = {}
        for row in report.attention:
            attention.setdefault(row.unit.name, []).append(row)
    for u, text in written:
        path = output / file_name(u, day, fmt.value)
        if path.parent != output:  # pragma: no cover - file_name makes one path part
            _fail(_f("refusing to write {file} outside {folder}", file=path, folder=output))
        if fmt is NoticeFormat.docx:
            data_bytes = notice_docx(u, attention[u.name], day, ledger.plan, ledger.settings, reply)
        else:
            data_bytes = text.encode("utf-8")
        _write_output(path, data_bytes, make_folders=True)
        typer.echo(_f("Wrote {file}", file=path), err=True)


class BulletinFormat(StrEnum):
    docx = "docx"
    md = "md"
    html = "html"


@app.command(cls=_Command)
def bulletin(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Also list what was completed, and what became late, after this day.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        BulletinFormat, typer.Option("--format", "-f", help="Word (needs -o), Markdown or HTML.")
    ] = BulletinFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The file to write. Default: print it.", show_default=False
        ),
    ] = None,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """通报: the whole ledger as of today, for everyone, ready to print on A4.

    Units ranked by 按期办结率 with their counts, the units with nothing late, what was completed
    and what became late since --since, and the tasks late at the most units. Sections with
    nothing to say are left out.

    Example: gkledger bulletin --since 2021-08-01 --format docx -o 通报.docx
    """
    from gkledger.views.reports import build_bulletin

    if fmt is BulletinFormat.docx and output is None:
        _fail(_("docx is a binary format: give the file to write with -o, e.g. -o 通报.docx"))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    first = _date_option(ctx, since, "--since", day) if since else None
    soon_days = ledger.settings.soon_days if soon is None else soon
    made = build_bulletin(obligations, day, soon_days, first)
    try:
        if fmt is BulletinFormat.docx:
            from gkledger.render.docx import bulletin_docx

            payload = bulletin_docx(made, ledger.settings)
        elif fmt is BulletinFormat.html:
            from gkledger.render.html import bulletin_html

            payload = bulletin_html(made, ledger.settings).encode("utf-8")
        else:
            from gkledger.render.bulletin import to_markdown

            office = ledger.settings.office or (ledger.plan.issuer if ledger.plan else None)
            payload = to_markdown(made, office).encode("utf-8")
    except ImportError as exc:
        _missing_extra(exc)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    _write_output(output, payload)
    typer.echo(_f("Wrote {file}", file=output), err=True)


def _add_plan(data: Path, year: int) -> None:
    """Add the plan for `year` to a ledger repository: data/<year>/ beside the others. A ledger of
    one plan (data/tasks.yaml) first moves that plan into data/<its year>/, its files unchanged but
    for their schema line, so that both plans share data/units.yaml."""
    from gkledger.store.atomic import write_atomic
    from gkledger.store.load import read_plan_year
    from gkledger.store.locate import PROGRESS_MODELINE, TASKS_MODELINE, deeper, is_bundled, plan_years
    from gkledger.writes.scaffold import plan_files

    if is_bundled(data):
        _fail(_("the ledger bundled with gkledger is never written to; start your own with gkledger init"))
    years = plan_years(data)
    if year in years or (data / str(year)).exists():
        _fail(_f("{folder} already exists", folder=shown_path(str(data / str(year)))))
    single = data / "tasks.yaml"
    if single.is_file():
        old = read_plan_year(single.read_bytes(), str(single))
        if old is None:
            _fail(
                _f(
                    "{file} has no readable plan year; fix it (gkledger check) first",
                    file=shown_path(str(single)),
                )
            )
        if old == year:
            _fail(_f("{folder} already holds the plan for {year}", folder=shown_path(str(data)), year=year))
        moved = data / str(old)
        moved.mkdir()
        os.rename(single, moved / "tasks.yaml")
        if (data / PROGRESS_DIR).is_dir():
            os.rename(data / PROGRESS_DIR, moved / PROGRESS_DIR)
        for path, modeline in [
            (moved / "tasks.yaml", TASKS_MODELINE),
            *((p, PROGRESS_MODELINE) for p in sorted((moved / PROGRESS_DIR).glob("*.yaml"))),
        ]:
            text = path.read_bytes()
            if text.startswith(modeline.encode("utf-8")):
                write_atomic(path, deeper(modeline).encode("utf-8") + text[len(modeline.encode("utf-8")) :])
        typer.echo(
            _f(
                "Moved the plan for {year} into {folder}/ (units.yaml stays shared)",
                year=old,
                folder=shown_path(str(moved)),
            ),
            err=True,
        )
    for name, content in plan_files(year).items():
        path = data.parent / name
        _write_output(path, content, make_folders=True)
        typer.echo(_f("Wrote {file}", file=path), err=True)
    typer.echo(
        _f(
            "Next: gkledger import TABLE --year {year} -o {file}; "
            "gkledger carry {last} --to {year} if last year left work open",
            year=year,
            file=shown_path(str(data / str(year) / "tasks.yaml")),
            last=year - 1,
        ),
        err=True,
    )


def _write_files(root: Path, files: dict[str, bytes], force: bool) -> None:
    existing = [name for name in files if (root / name).exists()]
    if existing and not force:
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        _fail(_f("{folder} already has {files}; use --force to overwrite", folder=root, files=shown))
    for name, data in files.items():
        path = root / name
        _write_output(path, data, make_folders=True)
        typer.echo(_f("Wrote {file}", file=path), err=True)


@app.command(cls=_Command)
def schema(
    name: Annotated[
        str | None,
        typer.Argument(help="tasks, units or progress. Default: all three (with -o).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="A folder to write <name>.schema.json into.", show_default=False),
    ] = None,
) -> None:
    """The JSON Schemas of the ledger files, for editors that check YAML as you type.

    Example: gkledger schema tasks;  gkledger schema -o schema/
    """
    from gkledger.store.schemas import SCHEMAS, render

    names = [name] if name else list(SCHEMAS)
    unknown = [n for n in names if n not in SCHEMAS]
    if unknown:
        _fail(_f("unknown schema '{name}'; choose from {names}", name=unknown[0], names=", ".join(SCHEMAS)))
    if output is None:
        if len(names) > 1:
            _fail(_("name one schema to print (tasks, units or progress), or give -o DIR to write all three"))
        sys.stdout.write(render(names[0]))
        return
    _write_files(output, {f"{n}.schema.json": render(n).encode("utf-8") for n in names}, force=True)


@app.command(cls=_Command)
def init(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(help="The new ledger repository (created if missing).", show_default=False)
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year", min=1949, max=2999, help="The plan year. Default: this year.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
    units_roster: Annotated[
        Path | None,
        typer.Option(
            "--units",
            help="The office's roster (.xlsx, .xls, .csv …) to write units.yaml from, not the example.",
            show_default=False,
        ),
    ] = None,
    today: TodayOption = None,
) -> None:
    """Start a ledger repository: data/ with starter units and an empty plan, schemas, CI and pre-commit.

    The result passes gkledger check. With --units, units.yaml comes from the office's roster
    (see gkledger units import). Example: gkledger init 台账-2022 --year 2022 --units 名单.xlsx
    """
    from gkledger.writes.scaffold import files

    plan_year = year if year is not None else _today(ctx, today).year
    if (folder / "data" / "units.yaml").is_file() and not force:
        _add_plan(folder / "data", plan_year)  # a repository that has its ledger: one more plan
        return
    made = files(plan_year)
    if units_roster is not None:
        made["data/units.yaml"] = _roster_text(units_roster, None)[0].encode("utf-8")
    _write_files(folder, made, force)
    typer.echo(
        _f("Next: cd {folder} && git init && pre-commit install && gkledger check", folder=folder), err=True
    )


@app.command(name="import", cls=_Command)
def import_(
    ctx: typer.Context,
    table: Annotated[
        Path,
        typer.Argument(
            help="A 任务台账 as .xlsx, .xls, .csv, .docx or .html (a notice as published).",
            show_default=False,
        ),
    ],
    year: Annotated[
        int, typer.Option("--year", min=1949, max=2999, help="The plan year.", show_default=False)
    ],
    title: Annotated[
        str | None,
        typer.Option(
            "--title", help="The plan's title. Default: <year>年政务公开工作要点.", show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write tasks.yaml. Default: print it.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read the table and print the summary; write nothing.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Read any office's 任务台账 into tasks.yaml, owners phrases read over the ledger's units.

    Headers may be worded as offices word them (工作任务, 具体要求, 责任部门, 时限要求, 牵头单位 …;
    README.md lists them). Owners are read with the units.yaml of --data, else of the folder of -o,
    else of ./data; parts that no rule resolves are kept in `unresolved` and listed with their row.
    Text, owners and deadlines are written verbatim. Exit 1 when rows need review.

    Example: gkledger import 台账.docx --year 2022 -o data/tasks.yaml
    """
    from gkledger.intake.importer import tasks_from_grid, to_yaml
    from gkledger.intake.tables import TableError, read_file, read_table

    if output is not None and output.exists() and not force and not dry_run and not _empty_plan(output):
        _fail(_f("{file} exists; use --force to overwrite it", file=output))
    vocabulary, roster = _import_vocabulary(ctx, data, output)
    try:
        grid, how = read_table(table, read_file(table))
    except TableError as exc:
        _fail(f"{table}: {exc}")
    except ImportError as exc:
        _missing_extra(exc, "import")
    if how:
        typer.echo(f"{table}: {how}", err=True)
    try:
        imported = tasks_from_grid(grid, year, title or f"{year}年政务公开工作要点", vocabulary)
    except TableError as exc:
        _fail(f"{table}: {exc}")
    text = to_yaml(imported, table.name)
    _verify_import(text, imported)
    if dry_run:
        pass
    elif output is None:
        sys.stdout.write(text)
    else:
        _refuse_bundled(output)
        _write_output(output, text.encode("utf-8"))
    for row, problem in imported.problems:
        typer.echo(f"{table}:{row}: {problem}", err=True)
    for note in imported.notes:
        typer.echo(f"{table}: {note}", err=True)
    counts = imported.summary()
    typer.echo(
        _f(
            "{tasks} tasks, {review} to review; owners read with {roster}: {full} fully, {partial} partly, "
            "{none} not resolved; {leads} with a lead; deadlines {read} read, {unread} not",
            tasks=counts["tasks"],
            review=len(imported.problems),
            roster=roster,
            full=counts["owners_full"],
            partial=counts["owners_partial"],
            none=counts["owners_none"],
            leads=counts["leads"],
            read=counts["deadlines_read"],
            unread=counts["deadlines_unread"],
        ),
        err=True,
    )
    raise typer.Exit(EXIT_PROBLEMS if imported.problems else EXIT_OK)


def _empty_plan(path: Path) -> bool:
    """Whether a tasks.yaml holds no task yet (as `init` writes it), so importing loses nothing."""
    from gkledger.store.load import read_tasks_text

    try:
        tasks, problems = read_tasks_text(path.read_bytes(), str(path))
    except OSError:
        return False
    return not tasks and not any(d.severity == "error" for d in problems)


def _import_vocabulary(ctx: typer.Context, data: Path | None, output: Path | None) -> tuple[Vocabulary, str]:
    """The vocabulary owners phrases are read with: the units.yaml of --data, else next to -o,
    else of the ledger around the working folder (never the bundled one unless named); and how to
    name it in the summary."""
    from gkledger.core.owners import Vocabulary
    from gkledger.core.units import UnitIndex
    from gkledger.render.diagnostics import as_text
    from gkledger.store.load import read_units_alone
    from gkledger.store.locate import UNITS_FILE, display_path, find_data_dir, is_bundled

    chosen = _once(data, _settings(ctx).data, "--data")
    root = chosen
    if root is None and output is not None and (output.parent / UNITS_FILE).is_file():
        root = output.parent
    if root is None:
        found = find_data_dir(None, os.environ.get("GKLEDGER_DATA"), Path.cwd())
        root = None if is_bundled(found) else found
    if root is None or not (root / UNITS_FILE).is_file():
        typer.echo(
            "no units.yaml found, so no owners phrase can be resolved: give --data DIR (see "
            "gkledger units import and gkledger init --units)",
            err=True,
        )
        return Vocabulary(UnitIndex((), {})), "no units"
    core, index = read_units_alone(root)
    errors = [d for d in core.diagnostics if d.severity == "error"]
    if errors:
        sys.stderr.write(as_text(errors))
        _fail(_f("{file} has errors; fix them before reading owners phrases with it", file=root / UNITS_FILE))
    return Vocabulary(index, core.words), display_path(root / UNITS_FILE)


def _verify_import(text: str, imported: Imported) -> None:
    """The tasks.yaml text reads back as the table's tasks, verbatim, or nothing is written."""
    from gkledger.store.load import read_tasks_text

    tasks, _problems = read_tasks_text(text.encode("utf-8"))
    # A deadline outside the grammar is written verbatim too; read back, it has no due day.
    meant = [
        (t.id, t.section, t.item, t.text, t.owners, t.deadline if t.deadline_read else None, t.remark)
        for t in imported.tasks
    ]
    read = [
        (t.id, t.section, t.item, t.text, t.owners, t.deadline.text if t.deadline else None, t.remark)
        for t in tasks
    ]
    if read != meant:
        _fail(
            _("the tasks.yaml written would not read back as the table; nothing was written"), EXIT_PROBLEMS
        )


@app.command(cls=_Command)
def links(
    ctx: typer.Context,
    unit: UnitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=300, help="Seconds per request.")
    ] = 10.0,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Requests at once.")] = 8,
    per_host: Annotated[
        int, typer.Option("--per-host", min=1, max=16, help="Requests at once to one host.")
    ] = 2,
    budget: Annotated[
        float,
        typer.Option(
            "--budget", min=1, max=86400, help="Seconds for the whole run; links left are timeouts."
        ),
    ] = 300.0,
    fresh: Annotated[bool, typer.Option("--fresh", help="Ignore results from the last day's runs.")] = False,
    data: DataOption = None,
) -> None:
    """Visit every evidence URL and report broken, redirected and wrong links (断链、错链).

    Broken: 4xx/5xx, DNS failure, refused, timeout, TLS problems, redirect loops, or a page that no
    longer mentions a record's `expect` terms. Exit 1 when any link is broken. Results are kept for a
    day in the user's cache folder (--fresh ignores them). Needs: pip install 'gkledger\\[links]'.

    Example: gkledger links --unit 回民区 --format json
    """
    obligations = _obligations(ctx, data)
    chosen = _unit(obligations, unit) if unit else None
    try:
        from gkledger.history.links import Evidence, LinkLimits, cached_check
    except ImportError as exc:
        _fail(_f("this needs {module}: pip install '{package}'", module=exc.name, package="gkledger[links]"))
    items = [
        Evidence(r.source.path, r.source.line, r.task, owner, r.evidence or "", r.expect)
        for r, owner in evidence_records(obligations, chosen)
    ]
    from gkledger.render import console as out
    from gkledger.store.cache import cache_home

    home = None if (fresh or _settings(ctx).no_cache) else cache_home(os.environ)
    limits = LinkLimits(timeout=timeout, concurrency=concurrency, per_host=per_host, budget=budget)
    now = dt.datetime.now(dt.UTC)
    with out.link_progress(len(items)) as tick:
        results = cached_check(items, limits, home / "links.json" if home else None, now, tick)
    if fmt is ListFormat.table:
        if results:
            out.links_table(out.make_console(), results)
        else:
            typer.echo(_("No evidence links to check."), err=True)
    else:
        from gkledger.render.records import link_record, to_csv, to_json

        records = [link_record(r) for r in results]
        columns = ("path", "line", "task", "unit", "url", "state", "status", "detail", "final_url", "cached")
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, columns))
    if any(r.outcome.state == "broken" for r in results):
        raise typer.Exit(EXIT_PROBLEMS)


@app.command(cls=_Command)
def form(
    ctx: typer.Context,
    unit: UnitOption = None,
    all_units: Annotated[
        bool, typer.Option("--all", help="One form per unit that owes anything, into -o DIR.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="The .xlsx to write (with --unit; default <unit>-填报表.xlsx), or the folder (with --all).",
            show_default=False,
        ),
    ] = None,
    all_rows: Annotated[
        bool, typer.Option("--all-rows", help="Also list what is done or waived (read-only rows).")
    ] = False,
    soon: SoonOption = None,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Fill-in forms (填报表) for units that report in Excel: one .xlsx per unit, read back by collect.

    Each lists the unit's open obligations; only 完成日期, 佐证链接, 免办理由 and 说明 can be filled
    in. The workbook knows its plan and unit, so collect refuses a form of another unit or plan.
    Needs: pip install 'gkledger\\[export]'.

    Examples: gkledger form --unit 回民区;  gkledger form --all -o 填报表/
    """
    if all_units == (unit is not None):
        _fail(_("give --unit UNIT for one form, or --all -o DIR for one per unit"))
    if all_units and output is None:
        _fail(_("--all writes one file per unit: give the folder with -o DIR"))
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    try:
        from gkledger.render.forms import write_form
    except ImportError as exc:
        _missing_extra(exc)
    units = [_unit(obligations, unit)] if unit is not None else obligations.owing_units()
    written = 0
    for chosen in units:
        rows = worst_first(obligations.rows(day, soon_days, chosen), obligations)
        rows = sorted(rows if all_rows else open_rows(rows), key=lambda r: _task_position(ledger, r.task.id))
        if not rows and all_units:
            continue
        name = f"{chosen.name}-填报表.xlsx"
        if all_units:
            assert output is not None
            path = output / name
            if path.parent != output:  # pragma: no cover - GK306 makes names one path part
                _fail(_f("refusing to write {file} outside {folder}", file=path, folder=output))
        else:
            path = output or Path(name)
        _write_output(path, write_form(ledger.plan, chosen, rows, day), make_folders=all_units)
        typer.echo(_f("Wrote {file} ({count} rows)", file=path, count=len(rows)), err=True)
        written += 1
    if all_units:
        typer.echo(_f("{count} forms; units with nothing open were left out", count=written), err=True)


def _task_position(ledger: Ledger, task_id: str) -> int:
    return next((i for i, t in enumerate(ledger.tasks) if t.id == task_id), 0)


@app.command(cls=_Command)
def collect(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Filled-in forms (.xlsx), or folders of them.", show_default=False)
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be recorded; write nothing.")
    ] = False,
    replace: ReplaceOption = False,
    fmt: Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")] = DataFormat.table,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """Read filled-in forms back into the ledger: each 完成日期 a done record, each 免办理由 a waiver.

    Every row of every file is checked before anything is written. A form of another unit or plan,
    or with a row that is not its own (a 序号 edited, a row pasted from another form), is refused
    whole. A row identical to a record already there is skipped; one that differs is refused unless
    --replace. Records are written like done's, all or none. Exit 1 when anything was refused.

    Example: gkledger collect 回收/ --dry-run
    """
    from gkledger.render.diagnostics import as_text
    from gkledger.writes.collect import collect as collect_forms
    from gkledger.writes.recording import Refused

    root = _data_dir(ctx, data)
    day = _today(ctx, today)
    try:
        result = collect_forms(
            root, paths, today=day, replace=replace, dry_run=dry_run, cache=_cache_folder(ctx)
        )
    except ImportError as exc:
        _missing_extra(exc)
    except Refused as refused:
        if refused.diagnostics:
            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_USAGE if refused.usage else EXIT_PROBLEMS)
    for note in result.notes:
        typer.echo(f"gkledger: {note}", err=True)
    if fmt is DataFormat.json:
        from gkledger.render.records import collected_record, to_json

        sys.stdout.write(to_json([collected_record(r) for r in result.results]))
    else:
        from gkledger.render import console as out

        out.collected_table(out.make_console(), result.results, dry_run)
    if result.refused:
        raise typer.Exit(EXIT_PROBLEMS)


class Forge(StrEnum):
    github = "github"
    gitlab = "gitlab"


@app.command(cls=_Command)
def codeowners(
    ctx: typer.Context,
    forge: Annotated[Forge, typer.Option("--forge", help="Which forge reads the file.")] = Forge.github,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it (.github/CODEOWNERS, .gitlab/CODEOWNERS). Default: print it.",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """A CODEOWNERS file: each unit's progress file to its maintainers, the plan to the office.

    Maintainers come from units.yaml (maintainers: [@handle, name@example.gov.cn] per unit, and at
    its top for the office). With branch protection, the forge then asks them to review each change.

    Example: gkledger codeowners --forge gitlab -o .gitlab/CODEOWNERS
    """
    from gkledger.history.codeowners import render

    root = _data_dir(ctx, data)
    ledger = _obligations(ctx, root).ledger
    try:
        from gkledger.history.audit import AuditError, repository_of

        _, inside = repository_of(root)
    except AuditError:
        inside = Path(os.path.relpath(os.path.abspath(root))).as_posix()
        note = _f("not in a git repository; paths are written relative to {folder}", folder=Path.cwd())
        typer.echo(f"gkledger: {note}", err=True)
    text = render(ledger, inside, forge.value)
    if output is None:
        sys.stdout.write(text)
        return
    _write_output(output, text.encode("utf-8"), make_folders=True)
    typer.echo(_f("Wrote {file}", file=output), err=True)


@app.command(cls=_Command)
def audit(
    ctx: typer.Context,
    revs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Revisions to read, as git log takes them (v1..HEAD). Default: HEAD.", show_default=False
        ),
    ] = None,
    max_lag: Annotated[
        int | None,
        typer.Option(
            "--max-lag",
            metavar="DAYS",
            min=0,
            max=3660,
            help="Days from a 完成日期 to its commit before it is a late entry. Default: the ledger's "
            "max_entry_lag, else 15.",
            show_default=False,
        ),
    ] = None,
    unit: UnitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    data: DataOption = None,
) -> None:
    """Who recorded each completion and when, from the ledger's git history (倒签、补录 flagged).

    Flags: late-entry (committed more than --max-lag days after its 完成日期), redated (完成日期
    changed later), removed, not-maintainer (author not among the unit's maintainers),
    cross-unit (one commit touched several units' files), history-cut (shallow clone). One pass
    over the history; no network. Exit 1 when anything is flagged.

    Example: gkledger audit --max-lag 30 --format json
    """
    from gkledger.history.audit import AuditError, trail

    root = _data_dir(ctx, data)
    obligations = _obligations(ctx, root)
    chosen = _unit(obligations, unit) if unit else None
    for rev in revs or []:
        text_value(rev, "REVS")
        if rev.startswith("-"):
            _fail(_f("'{rev}' is not a revision; give revisions such as HEAD~10..HEAD", rev=rev))
    try:
        found = trail(obligations.ledger, root, revs or [], max_lag)
    except AuditError as exc:
        _fail(str(exc))
    entries = [e for e in found.entries if chosen is None or e.unit == chosen.name]
    limit = obligations.ledger.settings.max_entry_lag if max_lag is None else max_lag
    if found.shallow:
        typer.echo(
            "gkledger: this is a shallow clone; records first seen at its edge are flagged history-cut "
            "(git fetch --unshallow shows when they were added)",
            err=True,
        )
    if fmt is ListFormat.table:
        from gkledger.render import console as out

        out.audit_table(_view_console(ctx, obligations.ledger), entries, limit, found.shallow)
    else:
        from gkledger.render.records import AUDIT_COLUMNS, audit_record, to_csv, to_json

        records = [audit_record(e) for e in entries]
        sys.stdout.write(to_json(records) if fmt is ListFormat.json else to_csv(records, AUDIT_COLUMNS))
    if any(e.flags for e in entries):
        raise typer.Exit(EXIT_PROBLEMS)


GLOBAL_OPTIONS_WITH_VALUES = frozenset({"--data", "--today"})


def _command_named(argv: list[str]) -> str | None:
    """The subcommand in a command line: the first word that is neither an option nor its value."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_OPTIONS_WITH_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _tune_collector() -> None:
    """One command per process, building a ledger's worth of objects that hold no cycles: with
    Python's default thresholds the collector walks them again and again, a tenth of a province's
    overview and 20 ms of its export. Collected after 200,000 new objects instead of 700, as mypy
    does, a command finishes before the first collection, and a long one (links) is still bounded."""
    import gc

    gc.set_threshold(200_000, 30, 30)


def _prepare_streams() -> None:
    """A reader that closes the pipe early (`gkledger status | head -1`) ends the command quietly,
    as SIGPIPE ends other tools (exit 141); a terminal that cannot show Chinese gets escapes and
    one line saying why, instead of a traceback."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    narrow = []
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding and encoding not in ("utf8", "utf8sig", "gb18030") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
            narrow.append(stream.encoding)
    if narrow:
        sys.stderr.write(
            f"gkledger: the output's encoding ({narrow[0]}) cannot show Chinese, so it is escaped; "
            "use a UTF-8 locale or set PYTHONIOENCODING=utf-8\n"
        )


def run() -> None:
    """The console script. Typer turns every registered command into a Click command on each start
    (about 0.6 ms each, a twentieth of a warm `status`); an app holding just the command being run
    answers the same. Help, typos and everything else go to the whole app."""
    _tune_collector()
    _prepare_streams()
    if COMPLETE_VAR in os.environ:  # the shell asking for completions (gkledger completion)
        from typer._completion_classes import completion_init  # what add_completion=True runs

        completion_init()
        app(prog_name="gkledger", complete_var=COMPLETE_VAR)
        return
    name = _command_named(sys.argv[1:])
    chosen = [c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", "")) == name]
    if not chosen:
        app()
        return
    single = typer.Typer(**APP_SETTINGS)
    single.registered_callback = app.registered_callback
    single.registered_commands = chosen
    single()
