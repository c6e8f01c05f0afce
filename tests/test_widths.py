"""At any terminal width, nothing that identifies a row is cut: task id, unit, due date, days
left, status and every count stay whole; only free text (具体任务) shrinks or goes."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import Result

Cli = Callable[..., Result]
TODAY = ("--today", "2021-09-01")
VIEWS = {
    "due": ("due", "--before", "2021-09-30"),
    "late": ("late",),
    "status --unit": ("status", "--unit", "回民区", "--all"),
}


LATE = {"zh": "逾期{days}天", "en": "{days}d late"}


@pytest.mark.parametrize("lang", sorted(LATE))
@pytest.mark.parametrize("width", [60, 80, 100, 200])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_identifying_cells_stay_whole(cli: Cli, shipped: Path, view: str, width: int, lang: str) -> None:
    args = (*VIEWS[view], *TODAY, "--data", str(shipped))
    table = cli(*args, "--lang", lang, env={"COLUMNS": str(width)}).stdout
    rows = json.loads(cli(*args, "--format", "json").stdout)
    assert rows
    assert all(cell_len(line) <= width for line in table.splitlines())
    for row in rows:
        assert row["due"] in table
        assert LATE[lang].format(days=-row["days_left"]) in table or row["days_left"] >= 0
        if width >= 80:
            assert row["unit"] in table
    assert "…" not in "".join(line.split("   ")[0] for line in table.splitlines())  # the first column


RATE = {"zh": ("单位", "按期办结率"), "en": ("Unit", "Rate")}


@pytest.mark.parametrize("lang", sorted(RATE))
@pytest.mark.parametrize("width", [60, 80, 100, 200])
def test_the_overview_keeps_every_count(cli: Cli, shipped: Path, width: int, lang: str) -> None:
    table = cli("status", *TODAY, "--data", str(shipped), "--lang", lang, env={"COLUMNS": str(width)}).stdout
    summaries = json.loads(cli("status", "--format", "json", *TODAY, "--data", str(shipped)).stdout)
    assert all(cell_len(line) <= width for line in table.splitlines())
    first, last = RATE[lang]
    header = next(line for line in table.splitlines() if line.startswith(first))
    assert "…" not in header and header.rstrip().endswith(last)
    lines = [ln for ln in table.splitlines() if ln.strip()]
    for summary in summaries:
        name = summary["unit"]  # whole, or folded onto the next line at 60 columns
        line = next((ln for ln in lines if ln.split()[0] == name), None)
        line = line or next(
            (ln for ln in lines if len(ln.split()) > 1 and name.startswith(ln.split()[0])), None
        )
        assert line is not None, name
        assert "…" not in line
        assert str(summary["total"]) in line.split()


def test_marks_and_bars_are_never_of_ambiguous_width() -> None:
    """Terminals set up for CJK draw ambiguous-width characters (● ○ █ ░ –) two cells wide, which
    would push every column after them out of line."""
    import unicodedata

    from gkledger.render.console import BAR_EMPTY, BAR_FULL, LIGHTS

    for mark in [*LIGHTS.values(), BAR_FULL, BAR_EMPTY]:
        assert unicodedata.east_asian_width(mark) in ("N", "Na", "H"), mark


def test_wrap_folds_free_text_instead_of_cutting_it(cli: Cli, shipped: Path) -> None:
    """With --wrap (before or after the command) the 具体任务 column wraps whole; without it, at 80
    columns, it ends in an ellipsis."""
    args = (
        "due",
        "--before",
        "2021-09-30",
        "--today",
        "2021-09-01",
        "--unit",
        "回民区",
        "--data",
        str(shipped),
        "--lang",
        "zh",
    )
    cut = cli(*args, env={"COLUMNS": "80"}).stdout
    wrapped = cli(*args, "--wrap", env={"COLUMNS": "80"}).stdout
    assert "…" in cut and "…" not in wrapped
    assert cli("--wrap", *args, env={"COLUMNS": "80"}).stdout == wrapped
    lines = wrapped.splitlines()
    header = next(line for line in lines if "具体任务" in line)
    start = cell_len(header[: header.index("具体任务")])

    def text_column(line: str) -> str:
        width = 0
        for i, char in enumerate(line):
            if width >= start:
                return line[i:].strip()
            width += cell_len(char)
        return ""

    column = "".join(text_column(line) for line in lines[lines.index(header) + 2 :])
    text = "加强对基层政府和部门政务公开标准化规范化工作的指导监督力度"
    assert text in column  # every character of the task, in order, across the wrapped lines


GOLDEN = Path(__file__).resolve().parent / "golden" / "widths"
GOLDEN_VIEWS = {
    "due": ("due", "--before", "2021-09-30"),
    "late": ("late",),
    "status": ("status",),
    "status-unit": ("status", "--unit", "回民区", "--all"),
    "late-by-task": ("late", "--by", "task"),
    "due-by-task": ("due", "--before", "2021-09-30", "--by", "task"),
    "show": ("show", "19"),
    "show-many": ("show", "5"),  # 46 units in its panel
    "tasks": ("tasks",),
    "units": ("units",),
}


@pytest.mark.parametrize("width", [60, 80, 100, 200])
@pytest.mark.parametrize("view", sorted(GOLDEN_VIEWS))
def test_views_at_each_width_match_their_golden_file(
    cli: Cli, shipped: Path, view: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Chinese views as an office sees them at 60, 80, 100 and 200 columns. Regenerate after
    an intended change with GKLEDGER_UPDATE_GOLDEN=1."""
    monkeypatch.chdir(shipped.parent)
    args = (*GOLDEN_VIEWS[view], *TODAY, "--data", shipped.name, "--lang", "zh")
    text = cli(*args, env={"COLUMNS": str(width)}).stdout
    path = GOLDEN / f"{view}-{width}.txt"
    if os.environ.get("GKLEDGER_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"
    assert all(cell_len(line) <= width for line in text.splitlines())


@pytest.mark.parametrize("seed", range(60))
def test_tables_laid_out_line_by_line_are_what_rich_draws(seed: int) -> None:
    """A table is laid out line by line; it must be exactly the table rich's Table draws: widths,
    "…" at the cut (CJK included), right-justified numbers, sections and a title, and cells that
    wrap (free text with --wrap, folding columns) or hold a line break, on as many lines as rich
    gives them, the rest of their row padded below."""
    import io
    import random

    from rich.console import Console
    from rich.text import Text

    from gkledger.render.layout import Column, Lines, fitted_table

    chance = random.Random(seed)
    words = [
        "逾期",
        "回民区",
        "在政务服务场所设置“四办”工作政策咨询窗口",
        "2021-09-30",
        "12",
        "a b",
        "x" * 30,
        "—",
        "第一行\n第二行 second line",
        "a long English sentence that wraps at its spaces, as rich wraps words",
    ]
    columns = [
        Column("序号", "right"),
        Column("单位", folds=True, wrap=chance.random() < 0.3),
        Column("状态 Status"),
        Column("Left", "right", wrap=chance.random() < 0.2),
        Column("具体任务", flexible=True, wrap=chance.random() < 0.5),  # --wrap, or not a terminal
    ]
    if chance.random() < 0.5:
        columns.append(Column("办结", wrap=True, max_width=28, optional=True))
    rows: list[list[str | Text] | None] = []
    for _ in range(chance.randint(1, 12)):
        rows.append([str(chance.randint(1, 30)), chance.choice(words[:3] + words[-2:]), Text("▪ 逾期", style="red"),
                     chance.choice(["", "12天", "逾期3天", "逾期\n3天"]), chance.choice(words) * chance.randint(1, 3),
                     chance.choice(["", "2021-08-01", "免: 本级无", "免: " + words[2] * 2])][: len(columns)])  # fmt: skip
        if chance.random() < 0.2:
            rows.append(None)
    title = chance.choice([None, "回民区 · 截至 2021-09-01"])
    width = chance.choice([60, 72, 80, 100, 140])

    def drawn(by_rich: bool) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None, highlight=False)
        console.print(fitted_table(console, title, columns, rows, by_rich=by_rich))
        return buffer.getvalue()

    assert drawn(by_rich=False) == drawn(by_rich=True)

    # Printed as rich prints the same Text, in colour or not, cropped or not where it fits.
    for color in (None, "standard"):
        console = Console(file=io.StringIO(), width=width, color_system=color, force_terminal=bool(color))
        laid = fitted_table(console, title, columns, rows)
        if not isinstance(laid, Lines):
            continue
        wide = Console(
            file=io.StringIO(), width=laid.width + 1, color_system=color, force_terminal=bool(color)
        )
        shown = []
        for target, what, crop in ((console, laid, True), (wide, laid, False), (wide, laid.text, True)):
            target.file = io.StringIO()
            target.print(what, crop=crop)
            shown.append(target.file.getvalue())
        assert shown[1] == shown[2], "not as rich renders its Text"
        assert ("\x1b[" in shown[1]) == bool(color)
        if laid.width <= width:
            assert shown[0] == shown[1]


def test_chinese_is_folded_without_punctuation_at_the_start_of_a_line() -> None:
    """避头尾: 、 and ） never start a line, （ never ends one; each line still fits its width."""
    from rich.text import Text

    from gkledger.render.layout import chinese, folded

    text = "甲乙丙、丁戊（己庚）辛。"
    lines = [t.plain for t in folded(Text(text), text, 6)]  # three characters a line
    assert "".join(lines) == text
    assert lines == ["甲乙", "丙、丁", "戊（己", "庚）", "辛。"]
    assert all(not line.startswith(("、", "）", "。")) and not line.endswith("（") for line in lines)
    assert all(len(line) * 2 <= 6 for line in lines)
    hotline = "建立并及时更新“12345”热线政策知识库。"  # a number is not cut, nor its opening quote left
    assert [t.plain for t in folded(Text(hotline), hotline, 18)] == [
        "建立并及时更新",
        "“12345”热线政策知",
        "识库。",
    ]
    assert chinese("12 units: 甲县、乙县") and not chinese("甲县 乙县") and not chinese("甲\n乙")
    assert not chinese("2021-06-30 https://example.gov.cn/4.html")
    one = "、" * 10  # nothing else to take down: folded as rich folds it
    assert [t.plain for t in folded(Text(one), one, 4)] == ["、、"] * 5


@pytest.mark.parametrize("width", [60, 80, 100])
def test_lists_of_units_never_start_a_line_with_a_comma(width: int) -> None:
    for view in ("late-by-task", "due-by-task", "show-many"):
        text = (GOLDEN / f"{view}-{width}.txt").read_text(encoding="utf-8")
        assert not re.search(r"^[\s│]+[、，。）]", text, re.M), view


def test_a_wrapping_column_gives_way_to_the_free_text() -> None:
    """At 80 columns a completion's date and evidence (a wrapping column up to 28 wide) no longer
    leave 具体任务 eight cells: it narrows, down to 12, until the text has 20."""
    import io

    from rich.console import Console
    from rich.text import Text

    from gkledger.render.layout import Column, Lines, fitted_table

    columns = [Column("序号"), Column("状态"), Column("到期"), Column("剩余", justify="right"),
               Column("具体任务", flexible=True, wrap=True), Column("办结", wrap=True, max_width=28, optional=True)]  # fmt: skip
    rows: list[list[str | Text] | None] = [
        [
            "2·07",
            "▪ 逾期完成",
            "2022-07-31",
            "35天",
            "每月公开政府采购意向。" * 3,
            "2022-08-02 https://example.gov.cn/cg7.html",
        ]
    ]
    console = Console(file=io.StringIO(), width=80, color_system=None)
    laid = fitted_table(console, None, columns, rows)
    assert isinstance(laid, Lines) and laid.width <= 80
    header = laid.text.plain.splitlines()[0]
    text_at, done_at = (cell_len(header[: header.index(h)]) for h in ("具体任务", "办结"))
    assert done_at - text_at >= 20 + 3  # the text's 20 cells and the gap
    assert "example" in laid.text.plain  # the evidence still shown, folded
