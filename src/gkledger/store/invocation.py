"""What a command runs on: the ledger's folder, the plan, the day and the cache, resolved once from
the command line, the environment, the working folder and the clock. Pure but for reading the
folders it is pointed at: every input is a parameter, so it is tested without a command line.

    --data DIR       else $GKLEDGER_DATA, else ./data or the nearest parent's data/ holding a plan,
                     else the ledger bundled with gkledger
    --plan YEAR      in a repository of several plans (data/2021/, data/2022/ …); else
                     $GKLEDGER_PLAN, else the plan whose year holds the day, else the latest before it
    --today DATE     else $GKLEDGER_TODAY, else the clock; 2021-09-30, 2021/9/30, 2021年9月30日,
                     9月30日 (the plan's year), a 完成时限 such as 9月底前, or today / 今天
    --no-cache       else $GKLEDGER_NO_CACHE; the cache lives in $GKLEDGER_CACHE_DIR, else
                     $XDG_CACHE_HOME/gkledger, else ~/.cache/gkledger
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from gkledger.core.dates import FIRST_YEAR, LAST_YEAR, TYPED_EXAMPLES, parse_typed_date
from gkledger.core.model import shown_path
from gkledger.i18n import _, _f
from gkledger.store.locate import default_plan, find_data_dir, plan_years

TODAY_WORDS = frozenset({"today", "今天", "今日"})

Clock = Callable[[], dt.date]
PlanYear = Callable[[Path], "int | None"]  # the year of the plan at a folder, when it can be read


class UsageError(ValueError):
    """The command line asked for something that cannot be: exit 2, with this message."""


class Options(NamedTuple):
    """What the command line said, before and after the command's name merged into one value."""

    data: Path | None = None
    plan: int | None = None
    today: str | None = None
    no_cache: bool = False


class Invocation(NamedTuple):
    """Everything a command reads its ledger with."""

    folder: Path  # the data folder found
    root: Path  # the plan's folder: `folder`, or folder/<year> in a repository of several plans
    plan: int | None  # the plan year asked for (--plan, $GKLEDGER_PLAN), None when none was
    today: dt.date
    cache_home: Path | None  # None: no cache (--no-cache, $GKLEDGER_NO_CACHE)


def resolve(
    options: Options,
    environ: Mapping[str, str],
    cwd: Path,
    clock: Clock,
    plan_year: PlanYear | None = None,
) -> Invocation:
    """The invocation the options, the environment, the working folder and the clock give.
    `plan_year` reads a plan's year, for a date typed without one (9月30日); by default from the
    plan's ledger through the cache."""
    from gkledger.store.cache import cache_home

    home = None if options.no_cache else cache_home(environ)
    folder = find_data_dir(options.data, environ.get("GKLEDGER_DATA"), cwd)
    plan = asked_plan(options, environ)
    root = plan_folder(folder, plan, rough_day(options, environ, clock))
    reader = plan_year if plan_year is not None else _plan_year_reader(home)
    today = typed_day_of(options, environ, clock, lambda: reader(root) or clock().year)
    return Invocation(folder, root, plan, today, home)


def asked_plan(options: Options, environ: Mapping[str, str]) -> int | None:
    """--plan, else $GKLEDGER_PLAN (four digits, or a usage error)."""
    if options.plan is not None:
        return options.plan
    env = environ.get("GKLEDGER_PLAN", "").strip()
    if not env:
        return None
    if not re.fullmatch(r"[0-9]{4}", env):
        raise UsageError(_f("$GKLEDGER_PLAN '{value}' is not a plan year such as 2022", value=env))
    return int(env)


def plan_folder(folder: Path, plan: int | None, day: dt.date) -> Path:
    """The folder of the plan to read: `folder` itself when it holds one plan (a year asked for is
    checked against it once it is read), else the plan asked for, else the one the day falls in."""
    years = plan_years(folder)
    if not years:
        return folder
    year = plan if plan is not None else default_plan(years, day)
    if year not in years:
        raise UsageError(
            _f(
                "no plan {year} in {folder}; its plans: {years}",
                year=year,
                folder=shown_path(str(folder)),
                years=", ".join(map(str, years)),
            )
        )
    return folder / str(year)


def rough_day(options: Options, environ: Mapping[str, str], clock: Clock) -> dt.date:
    """The day, read without a plan's year, to choose the plan by: a date that does not read here
    is refused later, when it is read with the plan's year."""
    value = options.today or environ.get("GKLEDGER_TODAY")
    if not value or value.strip().lower() in TODAY_WORDS:
        return clock()
    return parse_typed_date(value, clock().year) or clock()


def typed_day_of(
    options: Options, environ: Mapping[str, str], clock: Clock, year: Callable[[], int]
) -> dt.date:
    """--today, else $GKLEDGER_TODAY, else the clock."""
    if options.today is not None:
        return typed_day(options.today, "--today", year, clock)
    env = environ.get("GKLEDGER_TODAY")
    if env:
        return typed_day(env, "$GKLEDGER_TODAY", year, clock)
    return clock()


def typed_day(value: str, option: str, year: Callable[[], int], clock: Clock) -> dt.date:
    """A date as people type it (2021-09-30, 2021/9/30, 2021年9月30日, 9月30日 in the plan's year, a
    完成时限 such as 9月底前, today or 今天); anything else is a usage error with an example."""
    if value.strip().lower() in TODAY_WORDS:
        return clock()
    parsed = parse_typed_date(value, year) or _deadline_day(value, year)
    named = re.search(r"[0-9]{4}", unicodedata.normalize("NFKC", value))
    if parsed is None and named is not None and not FIRST_YEAR <= int(named.group()) <= LAST_YEAR:
        raise UsageError(
            _f(
                "{option} '{value}' falls outside the years {first}–{last} a ledger's dates fall in",
                option=option,
                value=value,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    if parsed is None:
        raise UsageError(
            _f(
                "{option} '{value}' is not a real date; write it as {examples}, or today",
                option=option,
                value=value,
                examples=_(", ").join(TYPED_EXAMPLES),
            )
        )
    return parsed


def _deadline_day(value: str, year: Callable[[], int]) -> dt.date | None:
    """A date written as a 完成时限 is (2021年9月, 9月底前, 年底): the day the deadline grammar gives."""
    from gkledger.core.deadlines import DeadlineError, parse_deadline

    try:
        deadline = parse_deadline(value, year())
    except DeadlineError:
        return None
    return None if deadline.ongoing else deadline.due


def _plan_year_reader(home: Path | None) -> PlanYear:
    def read(root: Path) -> int | None:
        from gkledger.store.cache import load_snapshot

        try:
            plan = load_snapshot(root, home).ledger.plan
        except Exception:  # a ledger that cannot be read says so in the command itself
            return None
        return int(plan.year) if plan is not None else None

    return read
