"""The one resolver of --data, --plan, --today and the cache: every input a parameter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gkledger.store.invocation import Options, UsageError, resolve
from gkledger.store.locate import bundled_ledger

from .conftest import SMALL_TASKS, SMALL_UNITS, write

D = dt.date


def clock() -> dt.date:
    return D(2022, 3, 1)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    data = tmp_path / "repo" / "data"
    write(data / "units.yaml", SMALL_UNITS)
    write(data / "2021" / "tasks.yaml", SMALL_TASKS)
    write(data / "2022" / "tasks.yaml", SMALL_TASKS.replace("year: 2021", "year: 2022"))
    return data


def test_the_folder_comes_from_the_option_the_environment_the_working_folder_or_the_bundle(
    repository: Path, tmp_path: Path
) -> None:
    env = {"GKLEDGER_NO_CACHE": "1"}
    assert resolve(Options(data=repository), env, tmp_path, clock).folder == repository
    assert resolve(Options(), {**env, "GKLEDGER_DATA": str(repository)}, tmp_path, clock).folder == repository
    nested = repository.parent / "docs" / "deep"
    nested.mkdir(parents=True)
    assert resolve(Options(), env, nested, clock).folder == repository
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    assert resolve(Options(), env, elsewhere, clock).folder == bundled_ledger()


def test_the_plan_comes_from_the_option_the_environment_or_the_day(repository: Path) -> None:
    env = {"GKLEDGER_NO_CACHE": "1"}
    at = Options(data=repository)
    assert resolve(at, env, repository, clock).root == repository / "2022"  # the day's year
    assert resolve(at, env, repository, lambda: D(2030, 1, 1)).root == repository / "2022"  # latest before
    assert resolve(at, {**env, "GKLEDGER_PLAN": "2021"}, repository, clock).root == repository / "2021"
    chosen = resolve(Options(data=repository, plan=2021), {**env, "GKLEDGER_PLAN": "2022"}, repository, clock)
    assert (chosen.root, chosen.plan) == (repository / "2021", 2021)  # the option wins
    by_day = resolve(Options(data=repository, today="2021-10-01"), env, repository, clock)
    assert by_day.root == repository / "2021" and by_day.plan is None


@pytest.mark.parametrize(
    ("options", "env", "said"),
    [
        (Options(plan=2030), {}, "no plan 2030"),
        (Options(), {"GKLEDGER_PLAN": "２０２１"}, "is not a plan year"),
        (Options(today="2021-02-30"), {}, "is not a real date"),
        (Options(), {"GKLEDGER_TODAY": "yesterday"}, "$GKLEDGER_TODAY 'yesterday'"),
    ],
)
def test_what_cannot_be_is_a_usage_error(
    repository: Path, options: Options, env: dict[str, str], said: str
) -> None:
    with pytest.raises(UsageError, match=said.replace("$", r"\$")):
        resolve(Options(data=repository, plan=options.plan, today=options.today), env, repository, clock)


def test_the_day_is_typed_as_people_type_it(repository: Path) -> None:
    def day(text: str, env: dict[str, str] | None = None) -> dt.date:
        options = Options(data=repository, plan=2021, today=text)
        return resolve(options, env or {}, repository, clock, plan_year=lambda root: 2021).today

    assert day("2021/9/30") == day("2021年9月30日") == day("9月30日") == D(2021, 9, 30)  # the plan's year
    assert day("9月底前") == D(2021, 9, 30)  # a 完成时限 is a date too
    assert day("today") == day("今天") == clock()
    assert resolve(Options(data=repository), {"GKLEDGER_TODAY": "2022-01-05"}, repository, clock).today == D(
        2022, 1, 5
    )


def test_the_cache_is_off_when_asked_and_in_its_folder_otherwise(repository: Path, tmp_path: Path) -> None:
    home = {"GKLEDGER_CACHE_DIR": str(tmp_path / "cache")}
    assert resolve(Options(data=repository), home, repository, clock).cache_home == tmp_path / "cache"
    assert resolve(Options(data=repository, no_cache=True), home, repository, clock).cache_home is None
    assert (
        resolve(Options(data=repository), {**home, "GKLEDGER_NO_CACHE": "1"}, repository, clock).cache_home
        is None
    )
