"""The deadline grammar of domain.md: every form, inclusive days, and errors instead of guesses."""

from __future__ import annotations

import datetime as dt

import pytest

from gkledger.core.deadlines import DeadlineError, parse_deadline

D = dt.date


@pytest.mark.parametrize(
    ("text", "due", "ongoing"),
    [
        ("2021年12月底", D(2021, 12, 31), False),
        ("2021年6月底", D(2021, 6, 30), False),
        ("2021年2月底", D(2021, 2, 28), False),
        ("2024年2月底", D(2024, 2, 29), False),
        ("6月底", D(2021, 6, 30), False),
        ("10月末", D(2021, 10, 31), False),
        ("十二月底", D(2021, 12, 31), False),
        ("2021年12月底前", D(2021, 12, 31), False),
        ("2021年9月30日前", D(2021, 9, 30), False),
        ("9月30日", D(2021, 9, 30), False),
        ("9月30日前完成", D(2021, 9, 30), False),
        ("９月３０日前", D(2021, 9, 30), False),
        ("年底", D(2021, 12, 31), False),
        ("年末", D(2021, 12, 31), False),
        ("年内", D(2021, 12, 31), False),
        ("年底前", D(2021, 12, 31), False),
        ("2022年底前", D(2022, 12, 31), False),
        ("上半年", D(2021, 6, 30), False),
        ("下半年", D(2021, 12, 31), False),
        ("第一季度", D(2021, 3, 31), False),
        ("第三季度末", D(2021, 9, 30), False),
        ("2021年第4季度", D(2021, 12, 31), False),
        ("全年持续推进", D(2021, 12, 31), True),
        ("持续推进", D(2021, 12, 31), True),
        ("长期", D(2021, 12, 31), True),
        ("常态化", D(2021, 12, 31), True),
        ("2021年12月底。", D(2021, 12, 31), False),
        # Other offices' tables
        ("2022年11月", D(2022, 11, 30), False),
        ("11月", D(2021, 11, 30), False),
        ("11月份", D(2021, 11, 30), False),
        ("11月底前完成", D(2021, 11, 30), False),
        ("9月30日之前", D(2021, 9, 30), False),
        ("2022/9/30", D(2022, 9, 30), False),
        ("2022.9.30", D(2022, 9, 30), False),
        ("2022-09-30", D(2022, 9, 30), False),
        ("２０２２／９／３０", D(2022, 9, 30), False),
        ("年底前完成", D(2021, 12, 31), False),
        ("上半年完成", D(2021, 6, 30), False),
        ("第三季度", D(2021, 9, 30), False),
    ],
)
def test_grammar(text: str, due: dt.date, ongoing: bool) -> None:
    deadline = parse_deadline(text, 2021)
    assert (deadline.due, deadline.ongoing, deadline.text) == (due, ongoing, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "尽快",
        "底",
        "2021年13月底",
        "2021年2月30日",
        "9月31日前",
        "第五季度",
        "明年",
        "2021-9/30",
        "2021.13.1",
        "13月",
    ],
)
def test_outside_the_grammar_is_an_error(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text, 2021)


def months(day: int | None, first: int = 1, last: int = 12, year: int = 2022) -> list[tuple[str, dt.date]]:
    import calendar

    return [
        (
            f"{year}-{m:02d}",
            D(year, m, min(day, calendar.monthrange(year, m)[1]) if day else calendar.monthrange(year, m)[1]),
        )
        for m in range(first, last + 1)
    ]


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("每月10日前", months(10)),
        ("每月底", months(None)),
        ("每月末前完成", months(None)),
        ("每月31日前", months(31)),
        (
            "每季度末",
            [
                ("2022-Q1", D(2022, 3, 31)),
                ("2022-Q2", D(2022, 6, 30)),
                ("2022-Q3", D(2022, 9, 30)),
                ("2022-Q4", D(2022, 12, 31)),
            ],
        ),
        (
            "每季度首月10日前",
            [
                ("2022-Q1", D(2022, 1, 10)),
                ("2022-Q2", D(2022, 4, 10)),
                ("2022-Q3", D(2022, 7, 10)),
                ("2022-Q4", D(2022, 10, 10)),
            ],
        ),
        (
            "每季度第一个月15日前",
            [
                ("2022-Q1", D(2022, 1, 15)),
                ("2022-Q2", D(2022, 4, 15)),
                ("2022-Q3", D(2022, 7, 15)),
                ("2022-Q4", D(2022, 10, 15)),
            ],
        ),
        ("每半年", [("2022-H1", D(2022, 6, 30)), ("2022-H2", D(2022, 12, 31))]),
        ("自2022年7月起每月10日前", months(10, first=7)),
        ("自9月起每月底前", months(None, first=9)),
        ("下半年每月底前", months(None, first=7)),
        ("上半年每季度末", [("2022-Q1", D(2022, 3, 31)), ("2022-Q2", D(2022, 6, 30))]),
    ],
)
def test_recurring_deadlines_are_owed_once_per_period(text: str, periods: list[tuple[str, dt.date]]) -> None:
    deadline = parse_deadline(text, 2022)
    assert [(p.label, p.due) for p in deadline.periods] == periods
    assert deadline.due == periods[-1][1] and not deadline.ongoing and deadline.text == text


def test_a_yearly_deadline_is_due_once_in_its_plan_year() -> None:
    deadline = parse_deadline("每年6月底前", 2022)
    assert deadline.due == D(2022, 6, 30) and deadline.periods == ()


@pytest.mark.parametrize(
    "text",
    [
        "每周五",
        "每月32日",
        "自2021年7月起每月10日前",
        "自13月起每月底",
        "定期",
        "每年13月底",
    ],
)
def test_a_recurring_deadline_outside_the_grammar_is_an_error(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text, 2022)


def test_the_plan_year_is_the_default_year() -> None:
    assert parse_deadline("6月底", 2025).due == D(2025, 6, 30)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("自印发之日起30日内", dt.date(2021, 10, 28)),
        ("自本方案印发之日起二十日内完成", dt.date(2021, 10, 18)),
        # five working days by the official calendar: 国庆 1–7 October, Saturday 9 October worked
        ("本通知下发后5个工作日内", dt.date(2021, 10, 11)),
        ("印发之日起3个月内", dt.date(2021, 12, 28)),
    ],
)
def test_days_counted_from_the_plans_issue_are_a_day_after_signed(text: str, due: dt.date) -> None:
    deadline = parse_deadline(text, 2021, dt.date(2021, 9, 28))
    assert deadline.due == due and not deadline.ongoing and deadline.text == text


def test_days_from_the_issue_without_the_issue_day_say_what_to_give() -> None:
    with pytest.raises(DeadlineError, match="signed"):
        parse_deadline("自印发之日起30日内", 2021)


@pytest.mark.parametrize(
    ("bare", "spelled"), [("每季度", "每季度末"), ("每月", "每月底"), ("每季", "每季度末")]
)
def test_a_bare_period_is_due_by_each_periods_end(bare: str, spelled: str) -> None:
    """每季度 (once a quarter) is owed by each quarter's end, as 每季度末 is."""
    assert parse_deadline(bare, 2022).periods == parse_deadline(spelled, 2022).periods


@pytest.mark.parametrize(
    ("text", "due", "ongoing"),
    [
        ("10月上旬前", D(2022, 10, 10), False),
        ("10月中旬", D(2022, 10, 20), False),
        ("2月下旬", D(2022, 2, 28), False),
        ("年中", D(2022, 6, 30), False),
        ("年度内", D(2022, 12, 31), False),
        ("每年", D(2022, 12, 31), False),
        ("次年1月底前", D(2023, 1, 31), False),
        ("6-9月", D(2022, 9, 30), False),
        # stages in one cell: due when the last dated stage is
        ("3月底前启动，年底前完成", D(2022, 12, 31), False),
        ("6月底前、9月底前", D(2022, 9, 30), False),
        ("持续推进，10月底前完成", D(2022, 10, 31), False),
        # continuous work, however it is worded
        ("常年", D(2022, 12, 31), True),
        ("即时公开", D(2022, 12, 31), True),
        ("同步推进", D(2022, 12, 31), True),
        ("每周更新", D(2022, 12, 31), True),
        ("按照省要求时间节点", D(2022, 12, 31), True),
        ("根据上级部署", D(2022, 12, 31), True),
        ("按上级要求及时报送", D(2022, 12, 31), True),
    ],
)
def test_more_of_the_ways_offices_write_a_deadline(text: str, due: dt.date, ongoing: bool) -> None:
    deadline = parse_deadline(text, 2022)
    assert (deadline.due, deadline.ongoing, deadline.periods) == (due, ongoing, ()) and deadline.text == text


@pytest.mark.parametrize("text", ["6月底前，每季度末", "3月底前，下周", "按时", "10月中下旬"])
def test_stages_that_do_not_all_read_are_refused(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text, 2022)
