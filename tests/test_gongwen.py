"""The parts of a 公文 (GB/T 9704-2012) that settings ask for, read from the document's XML: the 版头
(发文机关标志 and its red line), the 落款 with and without a seal, the 附注 after the 成文日期,
and the 版记 (抄送, 印发机关 and 印发日期 between their rules)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.render.docx import CHAR_MM, LINE_CHARS, TEXT_WIDTH, _widths, signature_indents, width_chars
from gkledger.render.labels import document_number

Cli = Callable[..., Result]
DAY = ("--today", "2021-09-25")
SETTINGS = """settings:
  letterhead: 呼和浩特市人民政府办公室
  number_prefix: 呼政办督
  copy_to: 市政府各副秘书长，市政府办公室各副主任
  contact: 王某
  phone: 0471-1234567
"""


def with_settings(shipped: Path, text: str) -> Path:
    tasks = shipped / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("settings:\n", text, 1), encoding="utf-8")
    return shipped


def document_xml(cli: Cli, shipped: Path, tmp_path: Path, command: str) -> str:
    out = tmp_path / "out"
    out.mkdir()
    args = ["remind", "--unit", "回民区"] if command == "remind" else ["bulletin"]
    result = cli(*args, "--format", "docx", "-o", str(out / "x.docx" if command != "remind" else out),
                 "--data", str(shipped), *DAY)  # fmt: skip
    assert result.exit_code == 0, result.output
    path = next(out.glob("*.docx")) if command == "remind" else out / "x.docx"
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as docx:
        return docx.read("word/document.xml").decode()


def paragraphs(xml: str) -> list[str]:
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml)]


@pytest.mark.parametrize("command", ["remind", "bulletin"])
def test_the_parts_settings_ask_for_are_in_the_document(
    cli: Cli, shipped: Path, tmp_path: Path, command: str
) -> None:
    xml = document_xml(cli, with_settings(shipped, SETTINGS), tmp_path, command)
    texts = [text for text in paragraphs(xml) if text]
    assert texts[0] == "呼和浩特市人民政府办公室"  # 版头: the 标志 first, in red
    assert re.search(r'<w:color w:val="E60012"/>.{0,200}呼和浩特市人民政府办公室<', xml)
    assert texts[1].startswith("呼政办督〔2021〕")  # the 发文字号, with the red line under it
    assert re.search(r'<w:bottom w:val="single" w:sz="12" w:space="11" w:color="E60012"/>', xml)
    date = texts.index("2021年9月25日")
    assert texts[date - 1] == "呼和浩特市人民政府办公室"  # 落款: 署名 above the 成文日期
    assert texts[date + 1] == "（联系人：王某，联系电话：0471-1234567）"  # 附注 after the date
    assert texts[-3:] == [
        "抄送：市政府各副秘书长，市政府办公室各副主任。",
        "呼和浩特市人民政府办公室",
        "2021年9月25日印发",
    ]
    imprint = xml[xml.rindex("<w:tbl>") :]
    assert 'w:tblpYSpec="bottom"' in imprint  # at the foot of the last page
    assert '<w:top w:val="single" w:sz="8"' in imprint and '<w:insideH w:val="single" w:sz="4"' in imprint
    assert "2021年9月25日印发" in imprint


def test_without_those_settings_there_is_no_letterhead_and_no_imprint(
    cli: Cli, shipped: Path, tmp_path: Path
) -> None:
    xml = document_xml(cli, shipped, tmp_path, "remind")
    assert "E60012" not in xml and "抄送" not in xml and "印发" not in xml and "tblpPr" not in xml


def test_the_letterhead_fits_the_width_of_the_page(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    long = "内蒙古自治区呼和浩特市人民政府办公室文件"
    xml = document_xml(cli, with_settings(shipped, f"settings:\n  letterhead: {long}\n"), tmp_path, "remind")
    found = re.search(rf'<w:sz w:val="(\d+)"/>(?:(?!</w:p>).)*{long}', xml)
    assert found is not None
    size = int(found.group(1)) / 2
    assert size * len(long) <= 156 / 25.4 * 72


def test_the_signature_without_a_seal() -> None:
    """署名 右空二字; the date's first character two to the right of the 署名's."""
    office, date = "呼和浩特市人民政府办公室", "2021年9月25日"
    office_at, date_at = signature_indents(office, date, seal=False)
    assert office_at + width_chars(office) == LINE_CHARS - 2
    assert date_at == office_at + 2


def test_a_date_longer_than_the_signature_keeps_two_characters_on_the_right() -> None:
    office, date = "某办", "2021年12月25日"
    office_at, date_at = signature_indents(office, date, seal=False)
    assert date_at + width_chars(date) == LINE_CHARS - 2 and date_at == office_at + 2


def test_the_signature_with_a_seal() -> None:
    """The date 右空四字, the 署名 centred over it."""
    office, date = "某县人民政府办公室", "2022年1月5日"
    office_at, date_at = signature_indents(office, date, seal=True)
    assert date_at + width_chars(date) == LINE_CHARS - 4
    assert office_at + width_chars(office) / 2 == pytest.approx(date_at + width_chars(date) / 2)


def test_a_sealed_notice_leaves_room_for_the_seal(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    xml = document_xml(
        cli, with_settings(shipped, "settings:\n  seal: true\n  office: 某办\n"), tmp_path, "remind"
    )
    texts = paragraphs(xml)
    office = texts.index("某办")
    assert texts[office - 3 : office] == ["", "", ""]


# The 发文字号 however the office writes its prefix ---------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "number", "expected"),
    [
        ("呼政办督", 3, "呼政办督〔2021〕3号"),
        ("某政办督〔2022〕", 14, "某政办督〔2022〕14号"),  # the year already in the prefix: once
        ("某政办督[2022]", 14, "某政办督〔2022〕14号"),  # other brackets become 六角括号
        ("某政办督（2022） ", None, "某政办督〔2022〕\u3000号"),  # a blank to fill in by hand
    ],
)
def test_the_document_number_says_the_year_once(prefix: str, number: int | None, expected: str) -> None:
    assert document_number(prefix, 2021, number) == expected


def test_a_prefix_with_its_year_is_not_given_a_second(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    ledger = with_settings(shipped, "settings:\n  number_prefix: 呼政办督〔2021〕\n")
    texts = [text for text in paragraphs(document_xml(cli, ledger, tmp_path, "bulletin")) if text]
    assert texts[0] == "呼政办督〔2021〕\u3000号"


# Tables sized to what they hold, and the 落款 kept with the text -----------------------------------


def test_columns_are_as_wide_as_what_they_hold() -> None:
    """序号 of a period (2（7月）) and a percentage (100.0%) on one line; the task's text takes the
    rest of the page; a digit counted wider than 仿宋's, with Word's space between it and Chinese."""
    headers = ("序号", "具体任务", "完成时限", "办理情况")
    rows = [("12（11月）", "每月公开政府采购意向。" * 5, "2022年11月30日", "还有4天到期")]
    widths = [w.mm for w in _widths(headers, rows)]
    assert sum(widths) == pytest.approx(TEXT_WIDTH)
    for column in (0, 2, 3):
        assert (
            widths[column] >= width_chars(rows[0][column], half=0.6) * CHAR_MM + 3.8
        )  # LibreOffice's margins
    assert widths[1] == max(widths)
    short = [w.mm for w in _widths(("排名", "单位", "按期办结率"), [("并列第1", "城关镇", "100.0%")])]
    assert short[2] >= width_chars("100.0%", half=0.6) * CHAR_MM + 3.8


def test_narrow_columns_give_way_before_the_text_goes_under_its_minimum() -> None:
    headers = ("序号", "具体任务", "完成时限", "逾期天数", "备注")
    rows = [("1", "公开。", "法定时限内" * 8, "逾期1天", "情况说明" * 10)]
    widths = [w.mm for w in _widths(headers, rows)]
    assert sum(widths) == pytest.approx(TEXT_WIDTH) and widths[1] >= 30


def test_the_signature_never_opens_a_page_alone(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    """The last row of the notice's table, and the 通报's last paragraph and 附件说明, keep with the
    落款 that follows them (GB/T 9704-2012 7.3.5)."""
    xml = document_xml(cli, shipped, tmp_path, "remind")
    table = xml[xml.index("<w:tbl>") : xml.index("</w:tbl>")]
    last_row = table[table.rindex("<w:tr>") :]
    cells = re.findall(r"<w:p>.*?</w:p>", last_row)
    assert cells and all("<w:keepNext/>" in p for p in cells)
    assert all(
        "<w:keepNext/>" not in p for p in re.findall(r"<w:p>.*?</w:p>", table[: table.rindex("<w:tr>")])
    )
    (tmp_path / "b").mkdir()
    bulletin = document_xml(cli, shipped, tmp_path / "b", "bulletin")
    body = re.findall(r"<w:p[ >].*?</w:p>", bulletin[: bulletin.index("附件1</w:t>")])
    note = next(n for n, p in enumerate(body) if "附件：" in p)
    assert all("<w:keepNext/>" in p for p in body[note - 2 : note + 1])  # the text, the blank, the 附件说明


def test_the_document_defaults_are_chinese(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    made = cli("remind", "--unit", "回民区", "--format", "docx", "-o", str(out), "--data", str(shipped), *DAY)
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(next(out.glob("*.docx"))) as docx:
        styles = docx.read("word/styles.xml").decode()
    languages = re.findall(r"<w:lang [^>]*>", styles)
    assert languages and all('w:eastAsia="zh-CN"' in lang and 'w:val="zh-CN"' in lang for lang in languages)
