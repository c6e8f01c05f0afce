"""Dates as people type them, wherever a command takes one; anything else is exit 2 with an example."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.dates import parse_typed_date
from gkledger.store.load import load

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    "text",
    ["2021-09-30", "2021/9/30", "2021.9.30", "2021年9月30日", "2021 年 9 月 30 日", "9月30日", "９月３０日"],
)
def test_each_spelling_means_the_same_day(text: str) -> None:
    assert parse_typed_date(text, 2021) == dt.date(2021, 9, 30)


@pytest.mark.parametrize("text", ["2021-02-30", "30/9/2021", "下周", "9月", ""])
def test_anything_else_is_no_date(text: str) -> None:
    assert parse_typed_date(text, 2021) is None


def test_the_year_is_asked_for_only_when_missing() -> None:
    def never() -> int:
        raise AssertionError("the year was written")

    assert parse_typed_date("2022/1/2", never) == dt.date(2022, 1, 2)


@pytest.mark.parametrize("spelling", ["2021/9/1", "2021年9月1日", "9月1日"])
def test_today_and_before_take_every_spelling(cli: Cli, shipped: Path, spelling: str) -> None:
    typed = cli("due", "--before", "9月30日", "--today", spelling, "--format", "json", "--data", str(shipped))
    iso = cli(
        "due", "--before", "2021-09-30", "--today", "2021-09-01", "--format", "json", "--data", str(shipped)
    )
    assert typed.exit_code == 0 and json.loads(typed.stdout) == json.loads(iso.stdout)


@pytest.mark.parametrize("spelling", ["2021年9月", "9月底前", "9月30日之前", "第三季度末"])
def test_a_date_written_as_a_deadline_is_the_day_it_means(cli: Cli, shipped: Path, spelling: str) -> None:
    typed = cli(
        "due", "--before", spelling, "--today", "2021-09-01", "--format", "json", "--data", str(shipped)
    )
    iso = cli(
        "due", "--before", "2021-09-30", "--today", "2021-09-01", "--format", "json", "--data", str(shipped)
    )
    assert typed.exit_code == 0 and json.loads(typed.stdout) == json.loads(iso.stdout)
    assert cli("due", "--before", "全年持续推进", "--data", str(shipped)).exit_code == 2  # not a day


def test_done_takes_a_typed_date_and_today(cli: Cli, shipped: Path) -> None:
    assert (
        cli(
            "done", "5", "-u", "回民区", "--date", "8月20日", "--today", "今天", "--data", str(shipped)
        ).exit_code
        == 0
    )
    assert cli("done", "6", "-u", "回民区", "--date", "today", "--data", str(shipped)).exit_code == 0
    dates = {r.task: r.done for r in load(shipped).ledger.records}
    assert dates["5"] == dt.date(2021, 8, 20) and dates["6"] == dt.date.today()


def test_a_date_that_cannot_be_read_shows_how_to_write_one(cli: Cli, shipped: Path) -> None:
    result = cli("due", "--before", "下周五", "--data", str(shipped))
    assert result.exit_code == 2 and "2021年9月30日" in result.stderr
