"""Tables from outside are read within bounds: far-away cells, whole-sheet merges, zip bombs and
giant CSV fields give a clear error or are passed over, never minutes, gigabytes or a traceback."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.intake import tables

Cli = Callable[..., Result]

HEADER = ["序号", "任务名称", "具体任务", "责任单位", "完成时限"]
ROW = ["1", "一、公开", "公开规划。", "旗县区人民政府。", "2022年12月底"]


def workbook(sheet_xml_edit: Callable[[str], str] = lambda s: s, pad: bytes = b"") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(ROW)
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml_edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
        if pad:
            target.writestr("xl/padding.bin", pad)
    return out.getvalue()


def far_cell_and_whole_sheet_merge(xml: str) -> str:
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
    return xml.replace(
        "</sheetData>",
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="A3:XFD1048575"/></mergeCells>',
    )


def test_a_far_cell_and_a_whole_sheet_merge_are_cheap() -> None:
    data = workbook(far_cell_and_whole_sheet_merge)
    assert len(data) < 10_000
    rows = tables.read_xlsx(data)
    assert rows[:2] == [HEADER, ROW]
    assert len(rows) <= 2


def test_a_workbook_that_unzips_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook(pad=b"\0" * 2_000_000)
    monkeypatch.setattr(tables, "MAX_UNZIPPED", 1_000_000)
    with pytest.raises(tables.TableError, match="unpacks to"):
        tables.read_xlsx(data)


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    with pytest.raises(tables.TableError, match="more than 5 rows"):
        tables.read_csv(("\n".join(",".join(ROW) for _ in range(10))).encode())


def test_not_a_workbook() -> None:
    with pytest.raises(tables.TableError, match="not a zip"):
        tables.read_xlsx(b"PK\x03\x04 truncated")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_of_a_hostile_table_exits_2_with_a_message(cli: Cli, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"台账{suffix}"
    if suffix == ".csv":
        path.write_text(",".join(HEADER) + "\n1,a," + "长" * 200_000 + ",b,2022年12月底\n", encoding="utf-8")
    else:
        path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = cli("import", str(path), "--year", "2022")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(path) in result.stderr


def test_import_of_a_fifo_does_not_hang(cli: Cli, tmp_path: Path) -> None:
    import os

    path = tmp_path / "台账.csv"
    os.mkfifo(path)
    result = cli("import", str(path), "--year", "2022")
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_the_far_cell_workbook_imports(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(far_cell_and_whole_sheet_merge))
    result = cli("import", str(path), "--year", "2022")
    assert "公开规划。" in result.stdout
