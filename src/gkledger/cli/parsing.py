"""Click's hooks: repeated options refused, options taken after the command name, help and
refusals in the user's language."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import typer
import typer.core
from typer._click.exceptions import ClickException  # the Click that Typer carries

from gkledger import i18n
from gkledger.i18n import N_, _, _f

if TYPE_CHECKING:
    from typer._click.core import Context as ClickContext  # the Click that Typer carries


from gkledger.cli.session import EXIT_PROBLEMS, GlobalOptions, _page


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
