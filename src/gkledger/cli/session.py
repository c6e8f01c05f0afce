"""What every command shares: the global options, the ledger it reads and the day it reads it for,
the console it writes to (through the pager on a terminal), and how it ends (exit codes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import typer
import typer.core

from gkledger.core.model import Ledger, Unit, shown_path
from gkledger.core.status import AsOf, Obligations
from gkledger.i18n import _, _f
from gkledger.store.invocation import Invocation, Options, UsageError, resolve

if TYPE_CHECKING:
    from rich.console import Console

    from gkledger.store.stages import Loaded


EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _complete_units(ctx: typer.Context, incomplete: str) -> list[str]:
    """Unit names for shell completion: the canonical names and aliases starting with what was
    typed (every one of them is accepted as --unit)."""
    try:
        ledger = _snapshot(ctx, _data_dir(ctx, ctx.params.get("data"))).ledger
    except (Exception, SystemExit):  # completion must never fail loudly
        return []
    names = (name for unit in ledger.units for name in (unit.name, *unit.aliases))
    return list(dict.fromkeys(name for name in names if name.startswith(incomplete)))


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
    resolved: tuple[Options, Invocation] | None = None  # the invocation, once resolved


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    say(f"gkledger: {message}", err=True)
    raise typer.Exit(code)


def say(message: str, err: bool = False, nl: bool = True) -> None:
    """A line for people: on standard error, or on a terminal, every control character it quotes
    from the ledger or a path is shown as its escape (\\x1b), never run. Standard output that
    goes to a file or a pipe keeps the text exact."""
    stream = sys.stderr if err else sys.stdout
    if err or stream.isatty():
        from gkledger.render.text import visible

        message = visible(message)
    typer.echo(message, err=err, nl=nl)


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


def invocation(ctx: typer.Context, data: Path | None = None, today: str | None = None) -> Invocation:
    """The folder, plan, day and cache the command runs on (`store.invocation.resolve`), from its
    own options and those given before its name (the same value twice, or a usage error), resolved
    once per command line."""
    settings = _settings(ctx)
    local_day = today if today is not None else ctx.params.get("today")
    options = Options(
        data=_once(data, settings.data, "--data"),
        plan=_once(ctx.meta.get("gkledger.plan"), settings.plan, "--plan"),
        today=_once(local_day, settings.today, "--today"),
        no_cache=settings.no_cache,
    )
    if settings.resolved is None or settings.resolved[0] != options:
        try:
            resolved = resolve(options, os.environ, Path.cwd(), dt.date.today)
        except UsageError as refused:
            _fail(str(refused))
        settings.resolved = (options, resolved)
    return settings.resolved[1]


def _data_dir(ctx: typer.Context, data: Path | None) -> Path:
    """The folder of the plan the command reads."""
    return invocation(ctx, data).root


def _today(ctx: typer.Context, today: str | None) -> dt.date:
    """The day the command computes statuses for."""
    return invocation(ctx, today=today).today


def _date_option(
    ctx: typer.Context, value: str, option: str, today: dt.date | None = None, year: int | None = None
) -> dt.date:
    """A date option as people type it (`store.invocation.typed_day`), in `year` (else the plan's)
    when it names none; today or 今天 is `today` (else the command's day). A date that is no date
    ends the command (exit 2) with an example."""
    from gkledger.store.invocation import typed_day

    def in_year() -> int:
        return year if year is not None else _plan_year(ctx)

    try:
        return typed_day(value, option, in_year, lambda: today or invocation(ctx).today)
    except UsageError as refused:
        _fail(str(refused))


def _plan_year(ctx: typer.Context) -> int:
    """The plan's year, for a date typed without one (9月30日); this year when there is no plan."""
    with contextlib.suppress(Exception):  # a ledger that cannot be read says so in the command itself
        plan = _snapshot(ctx, _data_dir(ctx, None)).ledger.plan
        if plan is not None:
            return int(plan.year)
    return dt.date.today().year


def _cache_folder(ctx: typer.Context, no_cache: bool = False) -> Path | None:
    from gkledger.store.cache import cache_home

    return None if (no_cache or _settings(ctx).no_cache) else cache_home(os.environ)


def _snapshot(ctx: typer.Context, root: Path, no_cache: bool = False) -> Loaded:
    from gkledger.store.cache import load_snapshot

    return load_snapshot(root, _cache_folder(ctx, no_cache))


def _obligations(ctx: typer.Context, data: Path | None) -> Obligations:
    """The ledger's obligations. Errors in units.yaml or tasks.yaml end the command (exit 1); a
    progress file with errors is left out, with a warning naming it and whose records it holds,
    and the view is shown with what could be read (exit 1 at the end, so scripts notice)."""
    root = _data_dir(ctx, data)
    _settings(ctx).root = root
    snapshot = _snapshot(ctx, root)
    named = invocation(ctx, data).plan
    if named is not None and snapshot.ledger.plan is not None and snapshot.ledger.plan.year != named:
        _fail(
            _f(
                "{folder} holds the plan for {year}, not {named}",
                folder=shown_path(str(root)),
                year=snapshot.ledger.plan.year,
                named=named,
            )
        )
    from gkledger.store.stages import usable

    ledger, left_out, fatal = usable(snapshot, root)
    if fatal:
        from gkledger.render.diagnostics import as_text

        sys.stderr.write(as_text(fatal))
        _fail(_("the ledger has errors; fix them first (gkledger check lists them all)"), EXIT_PROBLEMS)
    for path in left_out:
        say(
            "gkledger: "
            + _f(
                "warning: {file} has errors (gkledger check lists them); its records are left out, so "
                "the progress of {owner} and of any unit recorded there may be missing below",
                file=shown_path(path),
                owner=Path(path).stem,
            ),
            err=True,
        )
    if left_out:
        _settings(ctx).degraded = True
    return snapshot._replace(ledger=ledger).obligations()


class Scope(NamedTuple):
    """What a view or document is computed from: the obligations, the day and the due-soon window,
    and the unit asked for (None: every unit)."""

    obligations: Obligations
    ledger: Ledger
    as_of: AsOf
    unit: Unit | None

    @property
    def today(self) -> dt.date:
        return self.as_of.day


def scope(
    ctx: typer.Context, data: Path | None, today: str | None, soon: int | None = None, unit: str | None = None
) -> Scope:
    """The ledger read (`_obligations`), the day (--today), --soon else the ledger's soon_days, and
    the unit --unit names (an unknown one ends the command)."""
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    soon_days = ledger.settings.soon_days if soon is None else soon
    return Scope(obligations, ledger, AsOf(day, soon_days), _unit(obligations, unit) if unit else None)


def _view_console(ctx: typer.Context, ledger: Ledger) -> Console:
    """A console for a table view, whose first line names the ledger shown: its plan, and its folder
    when that is not ./data, so that nobody takes the bundled example (or another year's) for theirs."""
    from gkledger.render import console as out
    from gkledger.render import layout
    from gkledger.store.locate import is_bundled

    root = _settings(ctx).root
    folder = None
    bundled = root is not None and is_bundled(root)
    if root is not None and not bundled and os.path.abspath(root) != os.path.abspath("data"):
        folder = shown_path(os.path.abspath(root))
    console = _paged_console(ctx) or out.make_console()
    wrap = _settings(ctx).wrap or ctx.meta.get("gkledger.wrap", False)
    layout.wrap_free_text(bool(wrap) or (not sys.stdout.isatty() and "COLUMNS" not in os.environ))
    end = dt.date(ledger.plan.year, 12, 31) if ledger.plan else None
    ended = end if end is not None and invocation(ctx).today > end else None
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


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """A library's refusal as the command's end: its diagnostics, its message, exit 2 for a request
    that was wrong and 1 for a ledger that would not allow it; a file system's refusal likewise."""
    from gkledger.writes.transaction import Refused

    try:
        yield
    except Refused as refused:
        if refused.diagnostics:
            from gkledger.render.diagnostics import as_text

            sys.stderr.write(as_text(refused.diagnostics))
        _fail(refused.message, EXIT_USAGE if refused.usage else EXIT_PROBLEMS)
    except OSError as exc:  # a read-only or vanished folder: nothing was written
        _fail(
            _f("cannot write {file}: {error}", file=exc.filename or "", error=exc.strerror or exc),
            EXIT_PROBLEMS,
        )
