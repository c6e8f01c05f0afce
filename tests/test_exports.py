"""export and remind: every format from the same rows, Chinese intact, hostile notes inert."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import write

Cli = Callable[..., Result]
TODAY = "2021-09-01"

HOSTILE = """\
- task: "5"
  unit: 回民区
  done: 2021-08-20
  evidence: https://example.gov.cn/zwgk/?a=1&b=2
  note: '=HYPERLINK("http://evil.example","点我")'
- task: "4"
  unit: 回民区
  done: 2021-07-05
  note: "<script>alert('x')</script><img src=x onerror=alert(1)>"
- task: "19"
  unit: 回民区
  waived: "+本级不编印政府公报"
  note: "@SUM(1+1)"
- task: "21"
  unit: 回民区
  done: 2021-06-30
  note: "-2+3\\t制表"
"""


@pytest.fixture
def ledger(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(shipped / "progress" / "回民区.yaml", HOSTILE)
    monkeypatch.chdir(shipped.parent)
    return Path("data")


def export(cli: Cli, ledger: Path, fmt: str, *args: str) -> Result:
    result = cli("export", "--format", fmt, "--today", TODAY, "--data", str(ledger), *args)
    assert result.exit_code == 0, result.output
    return result


def test_csv_is_one_row_per_obligation_with_formulas_neutralised(cli: Cli, ledger: Path) -> None:
    text = export(cli, ledger, "csv").stdout
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 579
    notes = {r["task"]: r["note"] for r in rows if r["unit"] == "回民区" and r["note"]}
    assert notes["5"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert notes["19"] == "'@SUM(1+1)" and notes["21"] == "'-2+3\t制表"
    waived = next(r for r in rows if r["task"] == "19" and r["unit"] == "回民区")
    assert waived["waived"] == "'+本级不编印政府公报"
    for row in rows:
        for value in row.values():
            if value.lstrip("-").isdigit():
                continue  # a number such as days_left = -1 is data, not a formula
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_json_is_the_views_objects(cli: Cli, ledger: Path) -> None:
    rows = json.loads(export(cli, ledger, "json").stdout)
    assert len(rows) == 579
    view = json.loads(
        cli("status", "-u", "回民区", "--all", "-f", "json", "--today", TODAY, "--data", str(ledger)).stdout
    )
    mine = [r for r in rows if r["unit"] == "回民区"]
    key = lambda r: r["task"]  # noqa: E731
    assert sorted(mine, key=key) == sorted(view, key=key)


def test_xlsx(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "台账.xlsx"
    export(cli, ledger, "xlsx", "-o", str(target), "--lang", "zh")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        "任务台账",
        "办理矩阵·政府、政府办公室",
        "办理矩阵·旗县区",
        "办理矩阵·委办局",
        "单位汇总",
        "办结记录",
    ]
    sheet = book["任务台账"]
    assert [c.value for c in sheet[2]][:6] == ["序号", "任务名称", "具体任务", "责任单位", "完成时限", "备注"]
    assert sheet.max_row == 27 and sheet["C14"].value.startswith("政策制定机关要积极解答")
    assert sheet["B3"].value == "一、继续深化重点工作信息公开\n(一)做好各类规划信息主动公开。"
    assert "B3:B4" in {str(r) for r in sheet.merged_cells.ranges}  # merged 任务名称, as in the notice
    heights = {row: sheet.row_dimensions[row].height for row in range(3, 28)}
    assert heights[12] >= 6 * 15 > heights[4]  # row 10's long 具体任务 is printed whole, not cut to a line
    for ws in book.worksheets:
        # A title row with the plan and 截至日期 (the page header on every later page); the header
        # under it, frozen and printed on every page.
        assert ws["A1"].value.startswith("呼和浩特市2021年政务公开工作要点任务台账（截至2021年9月1日）")
        assert ws.freeze_panes is not None and ws.print_title_rows == "$2:$2"
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        # fitToWidth left out is 1, the default of the file format (ECMA-376 18.3.1.64)
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert (
            ws.oddFooter.center.text == "第 &P 页 共 &N 页" and "截至2021年9月1日" in ws.oddHeader.center.text
        )
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    for name in ("任务台账", "单位汇总", "办结记录"):
        assert book[name].auto_filter.ref.startswith("A2:")  # every list can be filtered
    records = book["办结记录"]
    notes = {r[0].value: r[6].value for r in records.iter_rows(min_row=3)}
    assert notes["5"] == '=HYPERLINK("http://evil.example","点我")'  # shown as text, not run
    links = {r[5].value: r[5].hyperlink for r in records.iter_rows(min_row=3) if r[5].value}
    assert links
    for url, link in links.items():  # evidence is a real link when it is http(s), text otherwise
        assert (link is not None and link.target == url) == url.startswith(("http://", "https://"))
    matrix = book["办理矩阵·旗县区"]
    header = [c.value for c in matrix[2]]
    column = header.index("回民区") + 1
    late_row = next(
        r for r in range(3, matrix.max_row + 1) if str(matrix.cell(r, 1).value).startswith("15 · ")
    )
    assert (matrix.page_setup.fitToHeight or 1) == 1  # one page (left out: 1, the default)
    assert matrix.cell(late_row, 1).value == "15 · (二)完善政务公开平台。"  # number and name, not the text
    cell = matrix.cell(late_row, column)
    assert cell.value == "逾" and cell.fill.fgColor.rgb.endswith("F8CBAD")
    legend = [matrix.cell(r, 2).value for r in range(3, matrix.max_row + 1)]
    assert "图例" in legend and "逾期完成" in legend and "未到期" in legend and "done-late" not in str(legend)
    summary = book["单位汇总"]
    assert summary["A2"].value == "单位" and summary["K2"].value == "按期办结率"
    total = [c.value for c in summary[summary.max_row]]
    assert total[0] == "合计" and total[8] == 579  # the 合计 row counts every obligation


def test_xlsx_needs_a_file(cli: Cli, ledger: Path) -> None:
    result = cli("export", "--format", "xlsx", "--data", str(ledger))
    assert result.exit_code == 2 and "-o" in result.stderr


def test_html_is_self_contained_and_escaped(cli: Cli, ledger: Path) -> None:
    pytest.importorskip("jinja2")
    html = export(cli, ledger, "html").stdout
    tags = set(re.findall(r"<\s*([a-zA-Z][\w-]*)", html))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section", "div",
                    "b", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "span", "a", "footer",
                    "nav", "ol", "li"}, tags  # fmt: skip
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "呼和浩特市2021年政务公开工作要点任务台账" in html
    assert (
        html.count('<tr><td class="task" title=') == 3 * 25
    )  # the matrix: 25 tasks in each of its three parts


def test_ics_one_event_per_deadline_folded_without_splitting_characters(cli: Cli, ledger: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    data = export(cli, ledger, "ics").stdout_bytes
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never cuts a character in two
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 25
    by_id = {str(e["uid"]).split("-task-")[1].split("@")[0]: e for e in events}
    event = by_id["14"]
    assert event.decoded("dtstart").isoformat() == "2021-09-30"
    description = str(event["description"])
    assert "回民区" in description and "市政府办公室" in description
    assert len({str(e["uid"]) for e in events}) == 25


def test_export_one_unit(cli: Cli, ledger: Path) -> None:
    rows = json.loads(export(cli, ledger, "json", "--unit", "和林格尔县").stdout)
    assert len(rows) == 23 and {r["unit"] for r in rows} == {"和林县"}


def test_export_writes_atomically_to_a_file(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    kept = cli("export", "--format", "csv", "--today", TODAY, "--data", str(ledger), "-o", str(target))
    assert kept.exit_code == 2 and "--force" in kept.stderr and target.read_text(encoding="utf-8") == "old"
    export(cli, ledger, "csv", "-o", str(target), "--force")
    assert target.read_bytes().startswith("\ufefftask,".encode())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    missing = cli("export", "-f", "csv", "-o", str(tmp_path / "no" / "x.csv"), "--data", str(ledger))
    assert missing.exit_code == 2


def test_remind_lists_late_and_due_soon_per_unit(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    result = cli("remind", "--unit", "回民区", "--today", "2021-09-25", "--data", str(ledger))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# 催办通知 · 回民区")
    assert "## 逾期事项（2项）" in text and "## 临期事项（2项）" in text
    assert "【任务15】" in text and "【任务14】" in text and "【任务5】" not in text  # 5 is done
    assert "还有5天到期" in text and "逾期25天" in text and "已逾期" not in text
    out = tmp_path / "notices"
    result = cli("remind", "--today", "2021-09-25", "-o", str(out), "-f", "txt", "--data", str(ledger))
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert "催办通知-回民区-20210925.txt" in files and len(files) == 46
    assert not (out / "催办通知-呼和浩特市地铁-20210925.txt").exists()
    quiet = cli("remind", "--today", "2021-05-01", "--data", str(ledger))
    assert quiet.exit_code == 0 and quiet.stdout == "" and "Nothing" in quiet.stderr


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_html_in_a_real_browser(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """The page as people see it: on a phone and printed, with the hostile note inert."""
    browser_path = chromium()
    if browser_path is None:
        pytest.skip("no Chromium installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    target = tmp_path / "report.html"
    export(cli, ledger, "html", "-o", str(target), "--lang", "zh")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            dialogs: list[str] = []
            requests: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(target.as_uri())
            assert dialogs == [] and page.evaluate("document.scripts.length") == 0
            assert requests == [target.as_uri()]  # nothing fetched from anywhere
            assert page.evaluate("document.images.length") == 0
            note = page.locator("#records td.hide-narrow").filter(has_text="alert").first.text_content()
            assert note == "<script>alert('x')</script><img src=x onerror=alert(1)>"
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1]  # no sideways scrolling of the page on a phone
            summary = page.evaluate(
                "[...document.querySelectorAll('#summary .scroll, #summary .cards')]"
                ".map(e => [e.scrollWidth, e.clientWidth])"
            )
            assert all(scroll <= client for scroll, client in summary), summary  # the summary fits 390 px
            parts = page.locator("table.matrix")
            assert parts.count() == 3  # 政府、政府办公室 · 旗县区 · 委办局
            assert page.locator("table.matrix thead th.unit").count() == 46  # every unit, once
            assert all(parts.nth(i).locator("tbody tr").count() == 25 for i in range(3))
            sticky = page.evaluate("getComputedStyle(document.querySelector('.matrix td.task')).position")
            assert sticky == "sticky"  # the task column stays while the units scroll past
            # The unit header row stays in view while the matrix scrolls down, on a phone.
            page.set_viewport_size({"width": 390, "height": 500})
            box = page.locator(".matrix-part .scroll").first
            box.scroll_into_view_if_needed()
            tops = box.evaluate(
                "b => { const th = b.querySelector('thead th.unit'); b.scrollTop = 200;"
                " return [b.scrollTop, th.getBoundingClientRect().top - b.getBoundingClientRect().top]; }"
            )
            assert tops[0] == 200 and abs(tops[1]) <= 1, tops
            page.set_viewport_size({"width": 390, "height": 844})
            toc = page.evaluate(
                "[...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'))"
            )
            assert toc == ["#summary", "#late", "#matrix-1", "#matrix-2", "#matrix-3", "#records"]
            assert all(page.locator(ref).count() == 1 for ref in toc)
            late = json.loads(export(cli, ledger, "json").stdout)
            expected = sum(1 for r in late if r["status"] == "late")
            assert page.locator("#late h2").text_content() == f"逾期事项（{expected}）"
            # Printed: A4 landscape is 277 mm wide inside its margins, about 1,047 CSS pixels.
            page.set_viewport_size({"width": 1047, "height": 740})
            page.emulate_media(media="print")
            widths = page.evaluate("[...document.querySelectorAll('table.matrix')].map(t => t.scrollWidth)")
            assert max(widths) <= 1047, widths  # every part of the matrix fits the page: nothing is cut
            pdf = page.pdf(format="A4", landscape=True)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert pdf.startswith(b"%PDF-") and 4 <= pages <= 20, pages
        finally:
            browser.close()


def test_csv_for_people_speaks_chinese_and_listings_keep_the_contract(cli: Cli, ledger: Path) -> None:
    people = cli("--lang", "zh", "export", "-f", "csv", "--today", "2021-09-01", "--data", str(ledger)).stdout
    header, first = people.lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("序号,期次,单位,单位全称,到期日期,状态,剩余天数")
    assert first.split(",")[5] in {"逾期", "临期", "未到期", "持续", "已完成", "逾期完成", "免办"}
    listing = cli(
        "--lang",
        "zh",
        "due",
        "--before",
        "2021-09-30",
        "-f",
        "csv",
        "--today",
        "2021-09-01",
        "--data",
        str(ledger),
    )
    assert listing.stdout.lstrip("\ufeff").startswith("task,period,unit,unit_full_name,due,status")


def test_a_province_page_lays_out_its_tables_as_they_scroll_into_view(cli: Cli, tmp_path: Path) -> None:
    """Past 20,000 cells the matrix and the records are laid out lazily (content-visibility), the
    records in tables of 400 rows; every record is still on the page, and a small page is whole."""
    import subprocess
    import sys

    pytest.importorskip("jinja2")
    maker = Path(__file__).resolve().parents[1] / "benchmarks" / "make_ledger.py"
    args = ["--units", "400", "--tasks", "40", "--records", "5000", str(tmp_path / "big")]
    subprocess.run([sys.executable, str(maker), *args], check=True, capture_output=True)
    big = tmp_path / "big"
    html = cli("export", "--format", "html", "--today", "2021-09-01", "--data", str(big)).stdout
    assert '<body class="lazy">' in html and ".lazy .records-part { content-visibility: auto; }" in html
    records = json.loads(
        cli("export", "--format", "json", "--today", "2021-09-01", "--data", str(big)).stdout
    )
    with_record = sum(1 for r in records if r.get("done") or r.get("waived"))
    parts = re.findall(r'<div class="scroll records-part"[^>]*>(.*?)</div>', html, re.S)
    rows = [part.count("<tr>") - 1 for part in parts]  # less each part's header row
    assert sum(rows) == with_record > 400 and max(rows) == 400
    small = cli("export", "--format", "html", "--today", "2021-09-01").stdout
    assert "<body>" in small and 'class="lazy"' not in small
