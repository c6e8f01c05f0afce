"""Small table files built to stall the importer (#26, 10–14): merges declared a thousand times,
spans far past a table's rows, a column merged down a thousand rows, pages without a charset, and
owner cells that are long or cut into one-character parts. Each is read within its bounds (under an
alarm that only turns a hang into a failure) and gives the right cells or a clear TableError."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.model import Term
from gkledger.core.owners import Vocabulary
from gkledger.intake.plan_import import import_table, vocabulary_of
from gkledger.intake.tables import MAX_MERGES, Grid, TableError, read_docx, read_html, read_xlsx_grid
from gkledger.store.locate import bundled_ledger

from .conftest import DATA, deadline

Cli = Callable[..., Result]

HEADER = ["序号", "具体任务", "责任单位", "完成时限"]


def _workbook(rows: int = 3) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for number in range(1, rows + 1):
        sheet.append([number, f"任务{number}", "县财政局", "年底前"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_merges(data: bytes, refs: list[str]) -> bytes:
    """The workbook with `refs` declared as its first sheet's merged ranges."""
    merges = f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    merges += "</mergeCells>"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", b"</sheetData>" + merges.encode(), 1)
            to.writestr(item, part)
    return out.getvalue()


def _entries(grid: Grid) -> int:
    return sum(len(spans) for spans in grid._columns.values())


def test_a_merge_declared_a_thousand_times_is_looked_up_not_expanded() -> None:
    data = _with_merges(_workbook(), ["E3:BL10000"] * 1000)
    assert len(data) < 20_000
    with deadline(20):
        grid = read_xlsx_grid(data)
    assert [str(v) for v in grid.rows[0]] == HEADER
    assert grid.origin(9999, 63) == (2, 4)
    assert grid.origin(2, 4) is None and grid.origin(1, 4) is None
    assert _entries(grid) == 60  # one interval per column: the copies overlap the first


def test_more_merges_than_any_table_has_is_refused() -> None:
    pairs = [("F", "G"), ("H", "I"), ("J", "K")]
    refs = [f"{a}{row}:{b}{row}" for a, b in pairs for row in range(1, 9_001)][: MAX_MERGES + 1]
    with deadline(30), pytest.raises(TableError, match="merged ranges"):
        read_xlsx_grid(_with_merges(_workbook(), refs))


def test_a_merged_section_column_still_reads_down() -> None:
    grid = read_xlsx_grid(_with_merges(_workbook(), ["A2:A4"]))
    assert grid.value(3, 0) == 1 and grid.origin(3, 0) == (1, 0) and grid.across(1) == 0


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _header_table() -> str:
    cells = "".join(f"<th>{word}</th>" for word in HEADER)
    row = "<tr><td>1</td><td>政务公开</td><td>县政府办</td><td>年底前</td></tr>"
    return f"<table><tr>{cells}</tr>{row}</table>"


def test_spans_far_past_a_tables_rows_do_not_stall() -> None:
    decoys = "".join('<table><tr><td rowspan="10000" colspan="64">x</td></tr></table>' for _ in range(100))
    page = _page(decoys + _header_table()).encode()
    assert len(page) < 8_000
    with deadline(20):
        grid, note = read_html(page)
    assert grid.rows[1][:3] == ["1", "政务公开", "县政府办"] and note is None


def test_a_rowspan_is_bounded_by_the_rows_the_table_has() -> None:
    table = (
        '<table><tr><th>序号</th><th>具体任务</th><th rowspan="9999">责任单位</th></tr>'
        "<tr><td>1</td><td>公开</td></tr></table>"
    )
    grid, _note = read_html(_page(table).encode())
    assert grid.origin(1, 2) == (0, 2) and grid.origin(2, 2) is None and len(grid.rows) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_page_without_a_charset_is_decoded_before_parsing(encoding: str) -> None:
    grid, note = read_html(_page(_header_table()).encode(encoding))
    assert [str(v) for v in grid.rows[0]] == HEADER
    assert grid.rows[1][2] == "县政府办"
    assert (note is None) == (encoding == "utf-8")


@pytest.mark.parametrize("declared", ["gb2312", "GBK", "utf-8"])
def test_a_pages_own_charset_comes_first(declared: str) -> None:
    encoding = "utf-8" if declared == "utf-8" else "gb18030"
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'
    grid, note = read_html(_page(_header_table(), head).encode(encoding))
    assert grid.rows[1][2] == "县政府办" and note is None


def test_an_xhtml_page_with_an_encoding_declaration_reads() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + _page(_header_table())
    grid, _note = read_html(page.encode())
    assert grid.rows[1][1] == "政务公开"


def _docx(rows: int, columns: int) -> bytes:
    """A document whose table has a header row and `rows` rows below it, the first column (every
    column when more than three) merged down from the first of them: its XML written directly,
    as a hostile file would be (python-docx takes minutes to build it cell by cell)."""
    import docx

    def cell(text: str, merge: str | None) -> str:
        merged = f'<w:tcPr><w:vMerge w:val="{merge}"/></w:tcPr>' if merge else ""
        return f"<w:tc>{merged}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    merged_columns = columns if columns > 3 else 1
    body = ["<w:tbl><w:tblGrid>" + "<w:gridCol/>" * columns + "</w:tblGrid>"]
    body.append("<w:tr>" + "".join(cell(w, None) for w in (HEADER * 16)[:columns]) + "</w:tr>")
    for row in range(1, rows + 1):
        merge = "restart" if row == 1 else "continue"
        cells = [
            cell("一、总体要求" if row == 1 and c == 0 else "", merge if c < merged_columns else None)
            for c in range(columns)
        ]
        body.append("<w:tr>" + "".join(cells) + "</w:tr>")
    body.append("</w:tbl>")
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "word/document.xml":
                part = re.sub(rb"(<w:body>)", lambda m: m.group(1) + "".join(body).encode(), part, count=1)
            to.writestr(item, part)
    return out.getvalue()


def test_a_column_merged_down_fifteen_hundred_rows_reads_in_one_pass() -> None:
    data = _docx(1500, 3)
    assert len(data) < 40_000
    with deadline(20):
        grid = read_docx(data)
    assert len(grid.rows) == 1501
    assert grid.origin(1500, 0) == (1, 0) and grid.value(1500, 0) == "一、总体要求"
    assert grid.origin(1, 0) is None and grid.origin(1500, 1) is None


def test_every_column_merged_down_reads_in_one_pass() -> None:
    with deadline(30):
        grid = read_docx(_docx(300, 64))
    assert grid.origin(300, 63) == (1, 63) and _entries(grid) == 64


def test_a_docx_merge_across_and_a_skipped_grid_column() -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for column, word in enumerate(HEADER):
        table.cell(0, column).text = word
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "跨两列"
    buffer = io.BytesIO()
    document.save(buffer)
    grid = read_docx(buffer.getvalue())
    assert grid.rows[1][1] == "跨两列" and grid.origin(1, 2) == (1, 1) and grid.across(1) == 1
    assert re.sub(r"\s", "", str(grid.rows[0][3])) == "完成时限"


@pytest.fixture(scope="module")
def words() -> Vocabulary:
    return vocabulary_of(bundled_ledger())[0]


def test_a_run_of_one_character_parts_is_read_in_linear_time(words: Vocabulary) -> None:
    with deadline(10):
        reading = words.read("财、" * 2_000 + "财政局")
        scoped = words.read("各旗、" * 2_000 + "县人民政府")
    assert names_of(reading.owed) == ["财政局"] and len(reading.unresolved) == 2_000
    assert len(scoped.unresolved) == 2_001
    # the rule the runs are for still holds: the letters of one name joined
    assert words.read("各旗、县、区人民政府").owed[0].group == ("旗县区",)
    assert words.read("旗、县、区级以上发改、财政部门").owed[0].role == ("发改", "财政")


@pytest.mark.parametrize(
    "cell",
    ["财" * 100_000, "财政局(牵头)、" * 12_000, "牵头单位：" + "财;" * 50_000, "(" * 50_000 + ")" * 50_000],
    ids=["one-word", "marked-leads", "labelled", "brackets"],
)
def test_a_cell_at_the_length_limit_is_read_in_linear_time(words: Vocabulary, cell: str) -> None:
    with deadline(10):
        reading = words.read(cell)
    assert reading.owed or reading.unresolved


def names_of(terms: tuple[Term, ...]) -> list[str]:
    return [name for term in terms for name in term.unit]


def test_a_five_thousand_row_table_of_hostile_owner_cells_imports(cli: Cli, tmp_path: Path) -> None:
    rows = [HEADER]
    for number in range(1, 5_001):  # every cell different, so nothing is read only once
        owners = (
            "财、" * (40 + number % 60) + f"财政局{number}" if number % 2 else "各旗、" * 30 + f"县{number}"
        )
        rows.append([str(number), f"任务{number}", owners, "年底前"])
    table = tmp_path / "台账.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with deadline(60):
        result = cli("import", str(table), "--year", "2022", "--data", str(DATA), "--dry-run")
    assert result.exit_code == 1, result.output  # rows to review: the owners are not the roster's
    assert "5,000" in result.output or "5000" in result.output


def test_an_owners_part_with_a_comma_in_brackets_reads_back(tmp_path: Path) -> None:
    table = tmp_path / "台账.csv"
    rows = [HEADER, ["1", "公开", "某中心(甲,乙)、[丙]{丁}", "年底前"]]
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done = import_table(table, 2022, None, vocabulary_of(DATA)[0])
    task = done.imported.tasks[0]
    assert task.reading.unresolved == ("某中心(甲,乙)", "[丙]{丁}")
    assert 'unresolved: ["某中心(甲,乙)", "[丙]{丁}"]' in done.text
