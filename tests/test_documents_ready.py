"""What goes out reads as it should (#27, in part): no English in the Chinese page and workbook,
the 公文's page numbers, language and author, and titles broken between words."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from gkledger.render.text import TITLE_CHARS, title_lines

Cli = Callable[..., Result]
DAY = ("--today", "2021-09-25")
ENGLISH = re.compile(
    r"\b(?:Legend|Summary|Evidence|Note|Late|Records|Contents|obligations|generated|Nothing)\b"
)


def test_the_page_has_no_english_words(cli: Cli, shipped: Path) -> None:
    """Not one Latin word in what the page shows, links and the tool's own name aside."""
    page = cli("--lang", "zh", "export", "--format", "html", "--data", str(shipped), *DAY).stdout
    text = re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    text = re.sub(r"https?://\S+", " ", text).replace("gkledger", " ")
    assert re.findall(r"[A-Za-z]{2,}", text) == []
    meta = re.search(r'<p class="meta">(.*?)</p>', page)
    assert meta and re.search(r"截至 ?2021年9月25日", meta.group(1))  # the day as the printed header says it
    assert "<title>呼和浩特市2021年政务公开工作要点任务台账 · 2021年9月25日</title>" in page


def test_the_page_in_english_with_lang_en(cli: Cli, shipped: Path) -> None:
    """`--lang en`: the page's own words are English (the ledger's texts and names stay as written),
    and it says it is in English."""
    page = cli("--lang", "en", "export", "--format", "html", "--data", str(shipped), *DAY).stdout
    assert '<html lang="en">' in page and "<h2>Overview</h2>" in page and "Late items (86)" in page
    assert "<h2>Completion records</h2>" in page or "No completion recorded yet." in page
    own = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    for word in ("总体情况", "逾期事项", "办结记录", "<b>目录", "按期办结率", "据台账生成", "临期 ="):
        assert word not in own, word
    assert 'class="cell s-late" title="回民区: late">L<' in page  # the marks too


def workbook(cli: Cli, shipped: Path, tmp_path: Path, lang: str) -> Any:
    """The exported 台账 workbook, in `lang`, as openpyxl reads it."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / f"台账-{lang}.xlsx"
    made = cli("--lang", lang, "export", "--format", "xlsx", "-o", str(out), "--data", str(shipped), *DAY)
    assert made.exit_code == 0, made.output
    return openpyxl.load_workbook(out)


def test_the_workbook_has_no_english_words(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    book = workbook(cli, shipped, tmp_path, "zh")
    words = [
        str(c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    headers = [w for w in words if ENGLISH.search(w)]
    assert headers == []
    assert "记录位置" not in words  # file paths are for programs (JSON), not the printed 台账


def test_the_workbook_in_english_with_lang_en(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    """`--lang en`: sheet names, headers, legend, totals and the page footer are English; the
    ledger's own texts (tasks, units) stay as written."""
    book = workbook(cli, shipped, tmp_path, "en")
    assert book.sheetnames[0] == "Task ledger" and book.sheetnames[-2:] == ["By unit", "Completion records"]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for sheet in book.worksheets:
        assert not cjk.search(sheet.title.split("·")[0])  # a matrix's kind of unit is the roster's
        kind_columns = 2 if sheet.title.startswith("Matrix") else sheet.max_column  # then unit names
        headers = [c.value for c in sheet[2][:kind_columns]]
        assert not any(cjk.search(str(h)) for h in headers), (sheet.title, headers)
        assert sheet.oddFooter.center.text == "Page &P of &N"
    matrix = book[book.sheetnames[1]]
    legend = [r[1].value for r in matrix.iter_rows() if r[1].value in ("late", "due-soon", "Legend")]
    assert legend == ["Legend", "late", "due-soon"]
    summary = book["By unit"]
    assert summary.cell(summary.max_row, 1).value == "Sum"


def test_a_notice_has_page_numbers_its_language_and_the_office_as_author(
    cli: Cli, shipped: Path, tmp_path: Path
) -> None:
    out = tmp_path / "催办"
    assert (
        cli(
            "remind", "--unit", "回民区", "--format", "docx", "-o", str(out), "--data", str(shipped), *DAY
        ).exit_code
        == 0
    )
    data = next(out.glob("*.docx")).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        footers = [docx.read(n).decode() for n in docx.namelist() if n.startswith("word/footer")]
        styles = docx.read("word/styles.xml").decode()
        core = docx.read("docProps/core.xml").decode()
        settings = docx.read("word/settings.xml").decode()
    assert len(footers) == 2 and all("PAGE" in f and "— " in f for f in footers)
    assert {'w:val="right"' in f or 'w:val="left"' in f for f in footers} == {True}
    assert "evenAndOddHeaders" in settings
    assert 'w:eastAsia="zh-CN"' in styles
    assert "<dc:creator>呼和浩特市人民政府办公室</dc:creator>" in core and "python-docx" not in core


@pytest.mark.parametrize(
    "title",
    [
        "关于督促办理呼和浩特市2021年政务公开工作要点逾期和临期事项的通知",
        "关于呼和浩特市2021年政务公开工作要点落实情况的通报",
        "关于督促办理某县2022年政务公开工作要点逾期事项的通知",
    ],
)
def test_titles_break_between_words(title: str) -> None:
    lines = title_lines(title)
    assert "".join(lines) == title and all(len(line) <= TITLE_CHARS for line in lines)
    for line in lines[:-1]:
        assert not line.endswith(("政务公开工", "工作要", "落实情", "通"))


def test_the_printable_bulletin_breaks_its_title_between_words(cli: Cli, shipped: Path) -> None:
    """The HTML 通报 sets its title's lines as the Word one does; a browser left alone broke
    落实 / 情况."""
    tasks = shipped / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8").replace("settings:\n", "settings:\n  contact: 王某\n", 1)
    tasks.write_text(text, encoding="utf-8")
    page = cli("bulletin", "--format", "html", "--data", str(shipped), *DAY).stdout
    title = "关于呼和浩特市2021年政务公开工作要点落实情况的通报"
    assert f"<h1>{'<br>'.join(title_lines(title))}</h1>" in page and len(title_lines(title)) == 2
    assert page.index("2021年9月25日</p>") < page.index("（联系人：王某）")  # the 附注 after the date
    # its tables as the Word ones: headers broken between words, numbers and ranks on one line
    assert "<th>按期<br>办结率</th>" in page and '<td class="one-line">并列第1</td>' in page


def test_the_csv_for_people_says_yes_and_no(cli: Cli, shipped: Path) -> None:
    zh = ("--lang", "zh")
    recorded = cli("done", "5", "--unit", "回民区", "--date", "2021-08-20", "--data", str(shipped), *DAY)
    assert recorded.exit_code == 0, recorded.output
    whole = cli("export", "--format", "csv", "--data", str(shipped), *DAY, *zh).stdout  # the fast path
    one = cli("export", "--format", "csv", "--unit", "回民区", "--data", str(shipped), *DAY, *zh).stdout
    for text in (whole, one):
        lines = text.splitlines()
        assert "true" not in text and "false" not in text
        assert {line.split(",")[7] for line in lines[1:]} <= {"是", "否"}
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert "记录位置" not in table[0] and "序号" in table[0]  # file paths are for programs (JSON)
        assert {len(row) for row in table} == {len(table[0])}
        assert not any(".yaml" in value for row in table for value in row)
    mine = [line for line in whole.splitlines() if ",回民区," in line]
    assert sorted(mine) == sorted(one.splitlines()[1:])  # both paths write the same lines


def test_the_pages_late_list_names_each_task_once_with_its_late_units(cli: Cli, shipped: Path) -> None:
    """86 late obligations on a handful of tasks: one row per task and due date, its units listed,
    instead of the task's whole text once per unit (8 printed pages of it)."""
    page = cli("--lang", "zh", "export", "--format", "html", "--data", str(shipped), *DAY).stdout
    late = page[page.index('<section id="late">') : page.index('<section id="matrix">')]
    rows = re.findall(r"<tr><td>\d{4}-\d\d-\d\d</td>.*?</tr>", late, flags=re.S)
    counted = [int(n) for n in re.findall(r"（(\d+)）</td>", late)]
    total = int(re.search(r"逾期事项（(\d+)）", late).group(1))  # type: ignore[union-attr]
    assert sum(counted) == total == 86 and len(rows) == len(counted) < 20
    assert len({re.search(r'<td class="task">(.*?)</td>', row).group(1) for row in rows}) == len(rows)  # type: ignore[union-attr]


def test_the_review_names_each_task_once_with_its_units(cli: Cli, shipped: Path) -> None:
    """回头看's 未办结事项: one bullet per task with its units, not 86 bullets of unit and task."""
    md = cli("review", "--format", "md", "--data", str(shipped), *DAY).stdout
    never = md[md.index("### 二、未办结事项") : md.index("### 三、")]
    bullets = [line for line in never.splitlines() if line.startswith("- ")]
    assert len(bullets) == 5 and never.count("任务5「") == 1
    assert "共46个单位未办结" in never and sum(int(n) for n in re.findall(r"共(\d+)个单位", never)) == 86


def test_the_pages_completed_count_leaves_waivers_out(cli: Cli, shipped: Path) -> None:
    """已办结 on the page counts completions only: a waiver (免办) is settled, never 办结."""
    data = ("--data", str(shipped))
    assert cli("done", "1", "--unit", "回民区", "--date", "2021-08-01", *data).exit_code == 0
    assert cli("waive", "2", "--unit", "回民区", "--reason", "本单位无此职能", *data).exit_code == 0
    page = cli("--lang", "zh", "export", "--format", "html", *data, *DAY).stdout
    assert "<b>1</b>已办结" in page
    row = re.search(r"<td>回民区</td>(.*?)</tr>", page, flags=re.S)
    assert row is not None
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row.group(1))
    assert cells[3] == "1"  # 逾期, 临期, 在办, 已办结
