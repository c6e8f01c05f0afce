"""The figures that go out (#27, 1–6): a recurring task's units counted once, periods before the
plan not owed, 以来 including its day, ties ranked as ties, 免办 never counted as 办结, one rounding
rule for every rate, and the 通报's prose with its 附件."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.deadlines import parse_deadline
from gkledger.render.labels import rate_text

from .conftest import SMALL_UNITS, write

Cli = Callable[..., Result]

UNITS = (
    SMALL_UNITS
    + """\
  - name: 乙县
    full_name: 乙县
    kind: 旗县区
    level: 县级
    parent: 市政府
"""
)

TASKS = """\
plan:
  title: 某市2022年政务公开工作要点
  year: 2022
  signed: 2022-07-15
tasks:
  - id: "1"
    section: 一、月报
    text: 每月报送公开情况。
    owners: 各县。
    owed_by: [{group: 县}]
    deadline: 每月底
  - id: "2"
    section: 一、月报
    text: 自年初起每月报送。
    owners: 各县。
    owed_by: [{group: 县}]
    deadline: 自2022年1月起每月底
  - id: "3"
    section: 二、其他
    text: 一次性任务。
    owners: 县级以上政府。
    owed_by: [{group: 县级以上}]
    deadline: 2022年8月15日前
"""


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write(root / "units.yaml", UNITS)
    write(root / "tasks.yaml", TASKS)
    (root / "progress").mkdir()
    return root


def json_rows(cli: Cli, root: Path, *args: str) -> list[dict[str, object]]:
    result = cli(*args, "--format", "json", "--data", str(root))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# 2. periods before the plan -----------------------------------------------------------------------


def test_periods_due_before_the_plan_was_issued_are_not_owed() -> None:
    monthly = parse_deadline("每月底", 2022, dt.date(2022, 7, 15))
    assert [p.label for p in monthly.periods] == [f"2022-{m:02d}" for m in range(7, 13)]
    named = parse_deadline("自2022年1月起每月底", 2022, dt.date(2022, 7, 15))
    assert len(named.periods) == 12  # the task says so
    first_half = parse_deadline("上半年每月底前", 2022, dt.date(2022, 7, 15))
    assert len(first_half.periods) == 6
    assert len(parse_deadline("每月底", 2022).periods) == 12  # no issue date: the whole year


def test_a_monthly_task_of_a_july_plan_is_not_late_on_day_one(cli: Cli, ledger: Path) -> None:
    rows = json_rows(cli, ledger, "late", "--today", "2022-07-16")
    late = [(r["task"], r["period"]) for r in rows]
    assert not [t for t, _p in late if t == "1"]
    assert ("2", "2022-01") in late  # 自2022年1月起: owed from January
    owed = json_rows(cli, ledger, "status", "--unit", "甲县", "--all", "--today", "2022-07-16")
    assert [r["period"] for r in owed if r["task"] == "1"] == [f"2022-{m:02d}" for m in range(7, 13)]


# 1. units once per task, periods as periods --------------------------------------------------------


def test_show_names_each_unit_once_and_counts_periods(cli: Cli, ledger: Path) -> None:
    result = cli("show", "2", "--today", "2022-07-16", "--data", str(ledger), "--lang", "en")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "2 units, 12 periods" in x)
    assert line.count("甲县") == 1 and line.count("乙县") == 1


def test_the_bulletin_counts_late_units_once(cli: Cli, ledger: Path) -> None:
    result = cli("bulletin", "--today", "2022-07-16", "--data", str(ledger))
    assert result.exit_code == 0, result.output
    row = next(x for x in result.stdout.splitlines() if x.startswith("| 2 |"))
    assert "2个单位6期" in row and row.count("甲县") == 1


# 3. 以来 includes its day --------------------------------------------------------------------------


def test_since_includes_the_day_itself(cli: Cli, ledger: Path) -> None:
    write(ledger / "progress" / "甲县.yaml", "- task: '3'\n  unit: 甲县\n  done: 2022-08-01\n")
    result = cli("bulletin", "--since", "2022-08-01", "--today", "2022-08-10", "--data", str(ledger))
    assert "2022年8月1日以来办结的事项" in result.stdout
    assert "| 甲县 | 3 | 一次性任务。 | 2022年8月1日 |" in result.stdout


# 5. ties, waivers, one rounding rule, prose and 附件 ----------------------------------------------


def test_equal_rates_share_a_place_and_waivers_are_not_done(cli: Cli, ledger: Path) -> None:
    for unit, day in (("甲县", "2022-08-01"), ("乙县", "2022-08-02")):
        write(
            ledger / "progress" / f"{unit}.yaml",
            f"- task: '3'\n  unit: {unit}\n  done: {day}\n"
            f"- task: '1'\n  unit: {unit}\n  period: 2022-07\n  waived: 本月无新增事项\n",
        )
    result = cli("bulletin", "--today", "2022-08-20", "--data", str(ledger))
    out = result.stdout
    places = {
        x.split(" | ")[1]: x.split(" | ")[0].lstrip("| ")
        for x in out.splitlines()
        if "| 12.5% |" in x or "| 0.0% |" in x
    }
    assert places == {"甲县": "并列第1", "乙县": "并列第1", "市政府": "第3"}
    assert "已办结2项，免于办理2项" in out  # 4 settled: 2 done, 2 waived
    body = out.split("附件1\n")[0]
    assert "甲县、乙县按期办结率12.5%，并列第1" in body and "市政府按期办结率0.0%，排名末位" in body
    assert "、存在问题" in body and "、下一步工作要求" in body
    assert "附件：1．各单位按期办结情况" in body


def test_one_place_for_all_is_said_once(cli: Cli, ledger: Path) -> None:
    result = cli("bulletin", "--today", "2022-08-20", "--data", str(ledger))
    assert "各单位按期办结率均为0.0%" in result.stdout and "并列第1" in result.stdout.split("附件1\n")[1]


@pytest.mark.parametrize(
    ("rate", "shown"),
    [(None, "—"), (0.0, "0.0%"), (1.0, "100.0%"), (10 / 39, "25.6%"), (1 / 8, "12.5%"), (0.0005, "0.1%")],
)
def test_one_rounding_rule_for_every_rate(rate: float | None, shown: str) -> None:
    assert rate_text(rate) == shown


def test_the_same_rate_in_the_bulletin_the_workbook_and_the_page(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    write(ledger / "progress" / "甲县.yaml", "- task: '3'\n  unit: 甲县\n  done: 2022-08-01\n")
    day = ("--today", "2022-09-01", "--data", str(ledger))
    bulletin = cli("bulletin", *day).stdout
    page = cli("export", "--format", "html", *day).stdout
    book_path = tmp_path / "台账.xlsx"
    assert cli("export", "--format", "xlsx", "-o", str(book_path), *day).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    formats = {
        c.number_format
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if "%" in c.number_format
    }
    assert formats == {"0.0%"}
    shown = re.search(r"按期办结率([0-9.]+%)", bulletin)
    assert shown is not None and shown.group(1) == "4.3%" and f">{shown.group(1)}<" in page


# 6. lists of names read as Chinese ------------------------------------------------------------------


def test_late_by_task_joins_names_without_a_space(cli: Cli, ledger: Path) -> None:
    result = cli("late", "--by", "task", "--today", "2022-09-01", "--data", str(ledger))
    assert result.exit_code in (0, 1) and "、 " not in result.stdout and "甲县、乙县" in result.stdout


# 4. the 催办's reply date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "dues", "expected"),
    [
        ("2021-09-25", ["2021-09-30"], "2021-09-30"),  # 9-26 (a Sunday) is a 调休 working day
        ("2021-09-28", [], "2021-10-11"),  # the National Day week skipped, 10-9 (a Saturday) counted
        ("2021-09-27", ["2021-10-03"], "2021-09-30"),  # due in the holiday: the working day before
        ("2021-09-27", ["2021-09-01", "2021-10-03"], "2021-09-30"),  # a due date passed is no bound
        ("2022-01-28", [], "2022-02-09"),  # 1-29 and 1-30 are 调休 working weekends, then 春节
        ("2021-10-02", ["2021-10-03"], "2021-10-03"),  # no working day before it: the due date
    ],
)
def test_the_reply_date_is_a_working_day_within_the_deadline(
    today: str, dues: list[str], expected: str
) -> None:
    from gkledger.core.workdays import is_workday, reply_date

    made = reply_date(dt.date.fromisoformat(today), [dt.date.fromisoformat(d) for d in dues], 5)
    assert made.day.isoformat() == expected and made.note is None
    assert is_workday(made.day) or expected == "2021-10-03"


def test_a_year_the_calendar_does_not_know_is_said() -> None:
    from gkledger.core.workdays import reply_date

    made = reply_date(dt.date(2999, 3, 1), [], 5)  # a Friday; Monday to Friday then
    assert made.day == dt.date(2999, 3, 8) and made.note is not None and "2999" in made.note


def test_remind_asks_for_a_reply_within_the_plan(cli: Cli, shipped: Path) -> None:
    result = cli("remind", "--unit", "回民区", "--today", "2021-09-25", "--data", str(shipped))
    assert result.exit_code == 0, result.output
    assert "于2021年9月30日前办结" in result.stdout and "2021年10月2日" not in result.stdout
    assert "逾期87天" in result.stdout and "已逾期" not in result.stdout


def test_a_notice_gives_each_period_its_day_and_a_task_its_own_wording(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """完成时限 in the Word 催办: one period of a monthly task by its day (每月底 alone would not say
    which), a one-off task in the notice's words."""
    docx = pytest.importorskip("docx")
    out = tmp_path / "催办"
    made = cli("remind", "--unit", "甲县", "--format", "docx", "-o", str(out), "--today", "2022-08-12",
               "--data", str(ledger))  # fmt: skip
    assert made.exit_code == 0, made.output
    [table] = docx.Document(str(next(out.glob("*.docx")))).tables[:1]
    rows = {row.cells[0].text: row.cells[2].text for row in table.rows[1:]}
    assert rows["1（7月）"] == "2022年7月31日" and rows["2（7月）"] == "2022年7月31日"
    assert rows["3"] == "2022年8月15日前"


def test_the_text_notice_is_signed_by_the_office_of_the_settings(cli: Cli, ledger: Path) -> None:
    tasks = ledger / "tasks.yaml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace(
            "tasks:\n", "settings:\n  office: 某某县人民政府办公室\ntasks:\n", 1
        ),
        encoding="utf-8",
    )
    result = cli("remind", "--unit", "甲县", "--today", "2022-08-12", "--data", str(ledger))
    assert result.exit_code == 0, result.output
    assert "报送某某县人民政府办公室。" in result.stdout
    assert "完成时限：2022年8月15日前（还有3天到期）" in result.stdout  # the wording names the day: once
    assert result.stdout.rstrip("\n").splitlines()[-2:] == ["某某县人民政府办公室", "2022年8月12日"]


def test_the_review_lists_tasks_in_the_plans_order_as_of_its_day(cli: Cli, ledger: Path) -> None:
    """回头看: its figures are of the day it is made (a plan over for weeks says so, not its last
    day), and each list follows the plan's order of tasks, then the periods' days, whatever order
    the units come in (worst first)."""
    from gkledger.core.status import AsOf, Obligations
    from gkledger.render.review import _by_task
    from gkledger.store.load import load
    from gkledger.views.review import review

    md = cli("review", "--format", "md", "--data", str(ledger), "--today", "2023-02-10").stdout
    assert "（已结束）" in md and "截至2023年2月10日" in md and "截至2022年12月31日" not in md
    made = review(Obligations(load(ledger).ledger), AsOf(dt.date(2023, 2, 10), 7))
    assert made.task_ids == ("1", "2", "3")
    found = [(u, row, "") for u in made.units for row in u.never_done][::-1]  # backwards on purpose
    bullets = _by_task(found, "未办结", {task_id: n for n, task_id in enumerate(made.task_ids)})
    said = [re.match(r"- 任务(\S+?)[「（]", b).group(1) for b in bullets]  # type: ignore[union-attr]
    assert said[0] == "1" and said[-1] == "3" and said == sorted(said, key=lambda s: s[0])
    assert bullets[0].startswith("- 任务1（7月）") and bullets[5].startswith("- 任务1（12月）")


def test_one_attachment_is_called_附件_and_each_is_referred_to(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """GB/T 9704-2012 7.3.4: several 附件 are numbered, one is not (附件：名称, 见附件); every 附件
    the 附件说明 lists is one the text refers to."""
    docx = pytest.importorskip("docx")
    early = cli("bulletin", "--data", str(ledger), "--today", "2022-01-20").stdout  # nothing late yet
    assert "附件：各单位按期办结情况" in early and "具体情况见附件。" in early and "\n附件\n" in early
    assert "附件1" not in early
    path = tmp_path / "通报.docx"
    made = cli("bulletin", "-f", "docx", "-o", str(path), "--data", str(ledger), "--today", "2022-01-20")
    assert made.exit_code == 0, made.output
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "附件" in texts and "附件1" not in texts
    page = cli("bulletin", "-f", "html", "--data", str(ledger), "--today", "2022-01-20").stdout
    assert ">附件</p>" in page and ">附件1<" not in page
    later = cli("bulletin", "--data", str(ledger), "--today", "2022-09-10", "--since", "2022-08-01").stdout
    body, _sep, _rest = later.partition("\n附件：")
    listed = re.findall(r"(\d)．", later.partition("\n附件：")[2].split("\n\n")[0])
    assert len(listed) >= 2 and all(f"附件{n}" in body for n in listed), later
