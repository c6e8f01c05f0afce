"""render.workbook, the one writer of Excel files, read back as Excel and WPS would read it."""

from __future__ import annotations

import datetime as dt
import io
import warnings

import openpyxl

from gkledger.render.workbook import MAX_URL, Book


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_text_stays_text_with_a_quote_prefix() -> None:
    book = Book()
    sheet = book.sheet("台账")
    plain = book.style(border=1)
    sheet.put(1, 1, '=HYPERLINK("http://x")', plain)
    sheet.put(1, 2, "0012", plain)
    sheet.put(1, 3, "正文", plain)
    sheet.put(2, 1, dt.date(2021, 9, 30), book.style(num_format="yyyy-mm-dd"))
    sheet.put(2, 2, 3)
    sheet.put(2, 3, True)
    sheet.put(2, 4, None, plain)
    ws = read(book.to_bytes("t"))["台账"]
    assert ws["A1"].value == '=HYPERLINK("http://x")' and ws["A1"].data_type == "s"
    assert ws["A1"].quotePrefix and not ws["C1"].quotePrefix
    assert ws["B1"].value == "0012" and ws["B1"].data_type == "s"
    assert ws["A2"].value == dt.datetime(2021, 9, 30) and ws["B2"].value == 3 and ws["C2"].value == "是"
    assert ws["D2"].value is None and ws["D2"].border.left.style == "thin"


def test_sheet_names_are_ones_excel_accepts_and_unique() -> None:
    book = Book()
    long = "办理矩阵·" + "很长的单位类别名称" * 4
    names = [book.sheet(n) for n in (long, long + "甲", "a/b[c]", "A/B[C]")]
    assert len(names) == 4
    got = read(book.to_bytes("t")).sheetnames
    assert got[0] == long[:31] and got[1] == long[:28] + "(2)"
    assert got[2] == "a_b_c_" and got[3] == "A_B_C_(2)"  # Excel compares names without case
    assert all(len(n) <= 31 for n in got)


def test_a_link_excel_would_drop_is_written_as_text() -> None:
    book = Book()
    sheet = book.sheet("记录")
    link, text = book.style(font_color="#0563C1", underline=1), book.style()
    short = "https://example.gov.cn/a"
    long = "https://example.gov.cn/" + "a" * MAX_URL
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter warns, and drops the cell, on a link it cannot keep
        sheet.link(1, 1, short, link, text)
        sheet.link(2, 1, long, link, text)
    ws = read(book.to_bytes("t"))["记录"]
    assert ws["A1"].hyperlink is not None and ws["A1"].hyperlink.target == short
    assert ws["A2"].hyperlink is None and ws["A2"].value == long


def test_page_header_doubles_ampersands_and_fits_excels_limit() -> None:
    book = Book()
    sheet = book.sheet("台账")
    sheet.put(1, 1, "x")
    sheet.print_setup((1, 1), header="A&B " + "长" * 300, footer=("左", "第 &P 页", ""))
    ws = read(book.to_bytes("t"))["台账"]
    header = ws.oddHeader.center.text
    assert header.startswith("A&&B ") and header.endswith("…") and len(header) <= 253
    assert ws.oddFooter.left.text == "左" and ws.oddFooter.center.text == "第 &P 页"


def test_a_long_footer_is_cut_without_leaving_half_a_code() -> None:
    from gkledger.render.workbook import page_code

    book = Book()
    sheet = book.sheet("填报")
    sheet.put(1, 1, "x")
    sheet.print_setup((1, 1), footer=(page_code("甲&乙" * 80) + " 填报表", "第 &P 页", "审核人："))
    ws = read(book.to_bytes("t"))["填报"]
    left = ws.oddFooter.left.text
    assert left.endswith("…") and not left.replace("&&", "").count("&")
    assert ws.oddFooter.center.text == "第 &P 页" and ws.oddFooter.right.text == "审核人："
