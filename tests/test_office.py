"""The office's 督办 loop (#29): a completion reported, then confirmed or returned; a deadline
extended for one unit; units scored. Scenarios on a copy of the bundled ledger, each answer taken
from the same JSON rows the views give, through the cache and without it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Cli = Callable[..., Result]
DAY = ("--today", "2021-09-01")


def rows(cli: Cli, root: Path, unit: str = "回民区", *extra: str) -> dict[str, dict[str, object]]:
    result = cli("status", "--unit", unit, "--all", "--format", "json", "--data", str(root), *DAY, *extra)
    assert result.exit_code == 0, result.output
    return {str(r["task"]): r for r in json.loads(result.stdout)}


def run(cli: Cli, root: Path, *args: str, code: int = 0) -> Result:
    result = cli(*args, "--data", str(root), *DAY)
    assert result.exit_code == code, result.output
    return result


def require_confirmation(root: Path) -> None:
    tasks = root / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(
        text.replace("settings:\n", "settings:\n  require_confirmation: true\n", 1), encoding="utf-8"
    )


def test_without_the_setting_done_counts_and_confirm_is_optional(cli: Cli, shipped: Path) -> None:
    run(cli, shipped, "done", "5", "--unit", "回民区", "--date", "2021-08-20")
    assert rows(cli, shipped)["5"]["status"] == "done" and rows(cli, shipped)["5"]["review"] is None
    run(cli, shipped, "confirm", "5", "--unit", "回民区", "--date", "2021-08-25")
    assert (rows(cli, shipped)["5"]["status"], rows(cli, shipped)["5"]["review"]) == ("done", "confirmed")
    assert "confirmed: 2021-08-25" in (shipped / "office" / "回民区.yaml").read_text(encoding="utf-8")


def test_with_the_setting_a_completion_is_reported_until_confirmed(cli: Cli, shipped: Path) -> None:
    require_confirmation(shipped)
    run(cli, shipped, "done", "5", "--unit", "回民区", "--date", "2021-08-20")
    five = rows(cli, shipped)["5"]
    assert (five["status"], five["review"]) == ("reported", "reported")
    overview = json.loads(run(cli, shipped, "status", "--format", "json").stdout)
    huimin = next(s for s in overview if s["unit"] == "回民区")
    assert huimin["reported"] == 1 and huimin["on_time"] == 0 and huimin["done"] == 0
    assert "5" not in {
        str(r["task"])
        for r in json.loads(run(cli, shipped, "late", "--unit", "回民区", "--format", "json").stdout)
    }
    run(cli, shipped, "confirm", "5", "--unit", "回民区", "--date", "2021-08-25")
    assert rows(cli, shipped)["5"]["status"] == "done"
    fresh = cli(
        "--no-cache", "status", "--unit", "回民区", "--all", "--format", "json", "--data", str(shipped), *DAY
    )
    assert {str(r["task"]): r for r in json.loads(fresh.stdout)} == rows(cli, shipped)  # cache ≡ fresh load


def test_returned_work_is_open_again_against_its_new_due_date(cli: Cli, shipped: Path) -> None:
    require_confirmation(shipped)
    run(cli, shipped, "done", "5", "--unit", "回民区", "--date", "2021-08-20")
    run(
        cli,
        shipped,
        "return",
        "5",
        "--unit",
        "回民区",
        "--reason",
        "佐证链接打不开",
        "--due",
        "2021-09-10",
        "--date",
        "2021-08-26",
    )
    five = rows(cli, shipped)["5"]
    assert (five["status"], five["due"], five["review"]) == ("pending", "2021-09-10", "returned")
    assert five["returned_reason"] == "佐证链接打不开" and five["original_due"] == "2021-08-31"
    late = cli(
        "status",
        "--unit",
        "回民区",
        "--all",
        "--format",
        "json",
        "--data",
        str(shipped),
        "--today",
        "2021-09-12",
    )
    assert {str(r["task"]): r["status"] for r in json.loads(late.stdout)}["5"] == "late"
    notice = cli("remind", "--unit", "回民区", "--data", str(shipped), "--today", "2021-09-12").stdout
    assert "退回理由：佐证链接打不开" in notice and notice.count("佐证链接打不开") == 1  # said once
    assert "完成时限：2021年8月底（2021年9月10日，逾期2天）" in notice  # the day the return set
    redone = cli(
        "done",
        "5",
        "--unit",
        "回民区",
        "--date",
        "2021-09-05",
        "--replace",
        "--data",
        str(shipped),
        "--today",
        "2021-09-12",
    )
    assert redone.exit_code == 0, redone.output
    assert (rows(cli, shipped)["5"]["status"], rows(cli, shipped)["5"]["review"]) == ("reported", "reported")


def test_an_extension_moves_one_units_due_date_only(cli: Cli, shipped: Path) -> None:
    before = rows(cli, shipped, "玉泉区")["15"]
    run(
        cli,
        shipped,
        "extend",
        "15",
        "--unit",
        "回民区",
        "--to",
        "2021-10-31",
        "--reason",
        "等待部署",
        "--approved-by",
        "王主任",
        "--date",
        "2021-08-20",
    )
    fifteen = rows(cli, shipped)["15"]
    assert (fifteen["status"], fifteen["due"], fifteen["original_due"]) == (
        "pending",
        "2021-10-31",
        "2021-08-31",
    )
    assert rows(cli, shipped, "玉泉区")["15"] == before


def test_the_form_says_an_item_was_extended_and_from_when(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    """The unit's form shows the new 到期日期 and says it was extended from the old one; its examples
    of a 完成日期 are the form's own day, not another year's."""
    openpyxl = pytest.importorskip("openpyxl")
    from .test_forms import rows_by_task

    run(cli, shipped, "extend", "15", "--unit", "回民区", "--to", "2021-10-31", "--reason", "等待部署",
        "--approved-by", "王主任", "--date", "2021-08-20")  # fmt: skip
    form = tmp_path / "回民区.xlsx"
    run(cli, shipped, "form", "--unit", "回民区", "-o", str(form))
    sheet = openpyxl.load_workbook(form)["填报"]
    row = rows_by_task(sheet)["15"]
    assert sheet.cell(row=row, column=5).value == "未到期（已延期，原2021年8月31日）"
    assert sheet.cell(row=row, column=4).value.date().isoformat() == "2021-10-31"
    assert (
        "如 2021-09-01" in sheet.cell(row=4, column=1).value
        and "2021-08-20" not in sheet.cell(row=4, column=1).value
    )


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("confirm", "5", "--unit", "回民区"), 1, "nothing to confirm"),
        (("return", "5", "--unit", "回民区", "--reason", "x"), 1, "nothing to return"),
        (("confirm", "3", "--unit", "回民区"), 1, "does not owe"),
        (("confirm", "5", "--unit", "不存在区"), 2, "unknown unit"),
        (
            ("extend", "5", "--unit", "回民区", "--to", "2021-08-01", "--reason", "x", "--approved-by", "y"),
            2,
            "past the due date",
        ),
    ],
)
def test_what_cannot_be_decided_is_refused(
    cli: Cli, shipped: Path, args: tuple[str, ...], code: int, said: str
) -> None:
    result = cli(*args, "--data", str(shipped), *DAY, "--lang", "en")
    assert result.exit_code == code and said in result.output
    assert not (shipped / "office" / "回民区.yaml").exists()


def test_a_decision_before_the_completion_is_refused(cli: Cli, shipped: Path) -> None:
    run(cli, shipped, "done", "5", "--unit", "回民区", "--date", "2021-08-20")
    result = cli(
        "confirm",
        "5",
        "--unit",
        "回民区",
        "--date",
        "2021-08-10",
        "--data",
        str(shipped),
        *DAY,
        "--lang",
        "en",
    )
    assert result.exit_code == 2 and "before the completion" in result.output


SCORING = """\
  scoring:
    full: 100
    per_late: 2
    per_done_late: 1
    per_returned: 1
    per_day_late: 0.1
    cap: 30
    grades: {优秀: 95, 良好: 90, 合格: 80}
"""


def with_scoring(root: Path) -> None:
    tasks = root / "tasks.yaml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace("settings:\n", "settings:\n" + SCORING, 1), encoding="utf-8"
    )


def test_scores_are_the_status_rows_counted_by_the_rules(cli: Cli, shipped: Path) -> None:
    with_scoring(shipped)
    run(cli, shipped, "done", "4", "--unit", "回民区", "--date", "2021-07-10")  # done late
    run(cli, shipped, "done", "5", "--unit", "回民区", "--date", "2021-08-20")
    run(cli, shipped, "return", "5", "--unit", "回民区", "--reason", "重做", "--date", "2021-08-26")
    made = {s["unit"]: s for s in json.loads(run(cli, shipped, "score", "--format", "json").stdout)}
    for unit in ("回民区", "玉泉区", "市政府"):
        expected = 0.0
        for row in rows(cli, shipped, unit).values():
            if row["status"] == "late":
                expected += 2 + 0.1 * -int(row["days_left"])  # type: ignore[call-overload]
            elif row["status"] == "done-late":
                expected += 1
        expected += 1 if unit == "回民区" else 0  # one return
        score = round(100 - min(round(expected, 2), 30), 2)
        assert made[unit]["score"] == score, unit
        grade = next((g for g, low in (("优秀", 95), ("良好", 90), ("合格", 80)) if score >= low), "不合格")
        assert made[unit]["grade"] == grade
    ranks = sorted((s["score"], s["rank"], s["tied"]) for s in made.values())
    same = [r for r in ranks if r[0] == made["玉泉区"]["score"]]
    assert len({r[1] for r in same}) == 1 and all(r[2] for r in same) == (len(same) > 1)


def test_codeowners_gives_the_office_folder_to_the_office(cli: Cli, shipped: Path) -> None:
    units = shipped / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("groups:", "maintainers: ['@office']\ngroups:", 1),
        encoding="utf-8",
    )
    text = cli("codeowners", "--data", str(shipped)).stdout
    assert any(line.endswith("office/ @office") for line in text.splitlines())


def test_the_bulletin_counts_extensions_and_shows_scores(cli: Cli, shipped: Path) -> None:
    with_scoring(shipped)
    run(
        cli,
        shipped,
        "extend",
        "15",
        "--unit",
        "回民区",
        "--to",
        "2021-10-31",
        "--reason",
        "等待部署",
        "--approved-by",
        "王主任",
        "--date",
        "2021-08-20",
    )
    text = run(cli, shipped, "bulletin").stdout
    assert "经批准延期1项" in text
    header = next(line for line in text.splitlines() if line.startswith("| 排名 |"))
    assert header.endswith("| 得分 | 等次 |")
    scores = {s["unit"]: s for s in json.loads(run(cli, shipped, "score", "--format", "json").stdout)}
    huimin = next(line for line in text.splitlines() if "| 回民区 |" in line and line.startswith("| "))
    assert huimin.endswith(f"| {scores['回民区']['score']:g} | {scores['回民区']['grade']} |")


def test_a_returned_item_comes_back_through_the_form(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from .test_forms import rows_by_task

    run(cli, shipped, "done", "5", "--unit", "回民区", "--date", "2021-08-20")
    run(
        cli,
        shipped,
        "return",
        "5",
        "--unit",
        "回民区",
        "--reason",
        "佐证链接打不开",
        "--due",
        "2021-09-10",
        "--date",
        "2021-08-26",
    )
    form = tmp_path / "回民区.xlsx"
    run(cli, shipped, "form", "--unit", "回民区", "-o", str(form))
    book = openpyxl.load_workbook(form)
    sheet = book["填报"]
    row = rows_by_task(sheet)["5"]
    assert "退回：佐证链接打不开" in str(sheet.cell(row=row, column=5).value)
    assert sheet.cell(row=row, column=6).value is None and not sheet.cell(row=row, column=6).protection.locked
    sheet.cell(row=row, column=6, value="2021-08-30")
    book.save(form)
    taken = run(cli, shipped, "collect", str(form), "--format", "json")
    assert [r["state"] for r in json.loads(taken.stdout) if r["task"] == "5"] == ["replaced"]
    assert rows(cli, shipped)["5"]["done"] == "2021-08-30"


def test_scores_as_a_workbook(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    with_scoring(shipped)
    out = tmp_path / "考核.xlsx"
    run(cli, shipped, "--lang", "zh", "score", "--format", "xlsx", "-o", str(out))
    sheet = openpyxl.load_workbook(out)["考核得分"]
    assert [c.value for c in sheet[2]] == ["排名", "单位", "得分", "等次", "扣分", "扣分明细"]
    made = json.loads(run(cli, shipped, "score", "--format", "json").stdout)
    first = [c.value for c in sheet[3]]
    assert first[1] == made[0]["unit"] and first[2] == made[0]["score"] and first[3] == made[0]["grade"]
    assert cli("score", "--format", "xlsx", "--data", str(shipped), *DAY).exit_code == 2  # needs -o
    # as a document writes it: the day in words, every rank a word (并列第1, 第3), no 4·2021-07
    assert sheet["A1"].value == "呼和浩特市2021年政务公开工作要点考核得分（截至2021年9月1日）"
    ranks = [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)]
    assert all(isinstance(v, str) and re.fullmatch(r"(并列)?第\d+", v) for v in ranks), ranks
    details = " ".join(str(sheet.cell(row=r, column=6).value or "") for r in range(3, sheet.max_row + 1))
    assert "逾期 −" in details and "·" not in details


def test_decisions_for_several_units_each_land_in_their_own_file(cli: Cli, shipped: Path) -> None:
    for unit in ("玉泉区", "回民区"):  # 玉泉区's file sorts after 回民区's: each is read back on its own
        run(cli, shipped, "done", "5", "--unit", unit, "--date", "2021-08-20")
    run(cli, shipped, "confirm", "5", "--unit", "玉泉区", "--date", "2021-08-25")
    run(cli, shipped, "confirm", "5", "--unit", "回民区", "--date", "2021-08-26")
    assert (
        rows(cli, shipped, "回民区")["5"]["review"]
        == rows(cli, shipped, "玉泉区")["5"]["review"]
        == "confirmed"
    )
    assert sorted(p.name for p in (shipped / "office").iterdir()) == ["回民区.yaml", "玉泉区.yaml"]


def test_done_after_an_extension_says_what_status_says(cli: Cli, shipped: Path) -> None:
    """The line `done` prints is counted with the office's decisions, as every view counts: a
    completion inside an extension is on time, not done late."""
    args = ("--to", "2021-10-31", "--reason", "等待部署", "--approved-by", "王主任", "--date", "2021-08-20")
    run(cli, shipped, "extend", "15", "--unit", "回民区", *args)
    said = run(cli, shipped, "done", "15", "--unit", "回民区", "--date", "2021-09-01").stdout
    status = run(cli, shipped, "status", "--unit", "回民区").stdout
    assert rows(cli, shipped)["15"]["status"] == "done"
    line = " ".join(said[said.index("回民区: ") + 5 :].split())
    summary = " ".join(status[status.rindex("23 obligations") :].split())
    assert "done-late" not in line and line == summary, (line, summary)


def test_deductions_name_a_period_as_a_document_does() -> None:
    from gkledger import i18n
    from gkledger.core.model import Source, Unit
    from gkledger.core.scoring import Deduction, Score
    from gkledger.render.labels import deductions_text, place_text

    unit = Unit("甲县", "甲县", (), "旗县区", "县级", None, (), None, None, Source(Path("units.yaml"), 1, 1))
    lost = (Deduction("4", "2021-07", "late", 2), Deduction("9", None, "returned", 1))
    score = Score(unit, 97, "优秀", 3, True, 3, lost)
    assert deductions_text(score) == "4·2021-07 late −2; 9 returned −1" and place_text(score) == "tied 3"
    i18n.use("zh")  # the `english` fixture sets English back for the next test
    assert deductions_text(score) == "4（7月） 逾期 −2；9 已退回 −1" and place_text(score) == "并列第3"
