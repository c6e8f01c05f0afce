"""Obligations and statuses: every 责任单位 phrase resolved as domain.md says, and the day boundaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gkledger.core.model import Record, Source, make_record
from gkledger.core.status import AsOf, Obligations, status_of, summarise
from gkledger.store.load import load

from .conftest import DATA, write

D = dt.date
COUNTIES = {"土默特左旗", "托克托县", "和林县", "清水河县", "武川县", "新城区", "回民区", "玉泉区", "赛罕区"}
DEPARTMENTS = {
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "民族事务委员会", "公安局", "民政局", "司法局",
    "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局",
    "农牧局", "商务局", "文化旅游广电局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "外事办公室",
    "市国有资产监督管理委员会", "市场监督管理局", "体育局", "统计局", "林业和草原局", "国防动员办公室",
    "乡村振兴局", "医疗保障局", "信访局", "市城市管理局", "行政审批和政务服务局", "公共资源交易监督管理局",
}  # fmt: skip
GOVERNMENTS_AND_DEPARTMENTS = {"市政府", "市政府办公室"} | DEPARTMENTS | COUNTIES
OFFICE = {"市政府办公室"}
AREAS = {
    "发展和改革委员会", "公共资源交易监督管理局", "财政局", "应急管理局", "自然资源局", "住房和城乡建设局",
    "市城市管理局", "生态环境局", "文化旅游广电局", "司法局", "乡村振兴局", "市场监督管理局", "人力资源和社会保障局",
    "医疗保障局", "民政局", "公安局", "农牧局", "林业和草原局", "教育局", "卫生健康委员会",
}  # fmt: skip

# domain.md, "What each 责任单位 phrase means", row by row
EXPECTED_OWNERS: dict[str, set[str]] = {
    "1": COUNTIES,
    "2": {"发展和改革委员会", "自然资源局", "生态环境局"} | COUNTIES,
    "3": {"行政审批和政务服务局"},
    "4": {"行政审批和政务服务局"} | COUNTIES,
    "7": {"发展和改革委员会", "司法局", "财政局", "人力资源和社会保障局", "市场监督管理局"} | COUNTIES,
    "8": {"财政局"} | COUNTIES,
    "9": {"发展和改革委员会", "财政局"} | COUNTIES,
    "10": {"卫生健康委员会"} | COUNTIES,
    "13": OFFICE | DEPARTMENTS | COUNTIES,
    "15": OFFICE | COUNTIES,
    "16": OFFICE | COUNTIES,
    "17": OFFICE | COUNTIES,
    "18": OFFICE | COUNTIES,
    "19": OFFICE | COUNTIES,
    "21": OFFICE | COUNTIES,
    "22": AREAS,
    "23": COUNTIES,
    **{i: GOVERNMENTS_AND_DEPARTMENTS for i in ("5", "6", "11", "12", "14", "20", "24", "25")},
}


@pytest.fixture(scope="module")
def shipped_obligations() -> Obligations:
    loaded = load(DATA)
    assert loaded.diagnostics == []
    return Obligations(loaded.ledger)


def test_every_owners_phrase_resolves_as_the_domain_says(shipped_obligations: Obligations) -> None:
    assert set(EXPECTED_OWNERS) == {str(i) for i in range(1, 26)}
    for task_id, expected in EXPECTED_OWNERS.items():
        owners = {o.unit.name for o in shipped_obligations.by_task[task_id]}
        assert owners == expected, task_id


@pytest.mark.parametrize(
    ("unit", "count"),
    [("回民区", 23), ("财政局", 13), ("市政府", 8), ("市政府办公室", 15), ("行政审批和政务服务局", 11),
     ("卫生健康委员会", 11), ("呼和浩特市地铁", 0), ("经济技术开发区", 0)],
)  # fmt: skip
def test_what_units_owe(shipped_obligations: Obligations, unit: str, count: int) -> None:
    assert len(shipped_obligations.tasks_of_unit.get(unit, [])) == count


def record(done: dt.date | None = None, waived: str | None = None) -> Record:
    src = Source("p.yaml", 1, 1)
    return make_record("1", "甲县", done, waived, None, None, src)


DUE = D(2021, 9, 30)


@pytest.mark.parametrize(
    ("today", "rec", "ongoing", "expected"),
    [
        (D(2021, 9, 22), None, False, "pending"),  # 8 days ahead: outside the 7-day window
        (D(2021, 9, 23), None, False, "due-soon"),  # 7 days ahead
        (D(2021, 9, 30), None, False, "due-soon"),  # due today is not late
        (D(2021, 10, 1), None, False, "late"),  # the next day is
        (D(2021, 6, 1), None, True, "ongoing"),
        (D(2021, 9, 25), None, True, "due-soon"),
        (D(2021, 10, 1), None, True, "late"),
        (D(2021, 12, 1), record(done=D(2021, 9, 30)), False, "done"),  # done on the due day
        (D(2021, 12, 1), record(done=D(2021, 10, 1)), False, "done-late"),  # a day later
        (D(2021, 9, 1), record(done=D(2021, 8, 1)), False, "done"),
        (D(2022, 1, 1), record(waived="本级不编印政府公报"), False, "waived"),
        (D(2021, 12, 1), record(), False, "late"),  # a record without a usable date counts as none
    ],
)
def test_status_boundaries(today: dt.date, rec: Record | None, ongoing: bool, expected: str) -> None:
    assert status_of(DUE, ongoing, rec, AsOf(today, 7)) == expected


def test_soon_window_zero_means_only_today() -> None:
    assert status_of(DUE, False, None, AsOf(D(2021, 9, 29), 0)) == "pending"
    assert status_of(DUE, False, None, AsOf(D(2021, 9, 30), 0)) == "due-soon"


def test_on_time_rate_counts_only_what_is_already_due(small: Path) -> None:
    write(
        small / "progress" / "甲县.yaml",
        "- task: '1'\n  unit: 甲县\n  done: 2021-09-30\n- task: '2'\n  unit: 甲县人民政府\n  done: 2021-10-01\n",
    )
    ledger = load(small).ledger
    obligations = Obligations(ledger)
    unit = obligations.index.get("甲县")
    summary = summarise(obligations.rows(AsOf(D(2021, 10, 2), 7), unit), D(2021, 10, 2), unit)
    assert (summary.due_so_far, summary.on_time, summary.on_time_rate) == (1, 1, 1.0)
    assert summary.counts["done"] == 2  # task 2 (ongoing, due 12-31) done early: on time, not yet due
    later = summarise(obligations.rows(AsOf(D(2022, 1, 1), 7), unit), D(2022, 1, 1), unit)
    assert (later.due_so_far, later.on_time) == (2, 2)
    city = obligations.index.get("市政府")
    none_due = summarise(obligations.rows(AsOf(D(2021, 7, 1), 7), city), D(2021, 7, 1), city)
    assert none_due.on_time_rate is None


def _spec(due: dt.date, ongoing: bool, done: dt.date | None, waived: bool, today: dt.date, soon: int) -> str:
    """The module docstring's table, read literally."""
    if waived:
        return "waived"
    if done is not None:
        return "done" if done <= due else "done-late"
    if today > due:
        return "late"
    if 0 <= (due - today).days <= soon:
        return "due-soon"
    return "ongoing" if ongoing else "pending"


def test_the_status_rule_is_the_documented_table() -> None:
    """Every combination of record, due day, today and window, against the table in status.py."""
    from hypothesis import given
    from hypothesis import strategies as st

    days = st.dates(min_value=D(2020, 1, 1), max_value=D(2023, 12, 31))

    @given(days, st.booleans(), st.none() | days, st.booleans(), days, st.integers(0, 366))
    def check(
        due: dt.date, ongoing: bool, done: dt.date | None, waived: bool, today: dt.date, soon: int
    ) -> None:
        record = None
        if done is not None or waived:
            record = make_record(
                "1", "回民区", done, "理由" if waived else None, None, None, Source("p.yaml", 1)
            )
        expected = _spec(due, ongoing, done if record else None, waived and record is not None, today, soon)
        assert status_of(due, ongoing, record, AsOf(today, soon)) == expected

    check()
