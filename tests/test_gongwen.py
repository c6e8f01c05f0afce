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

from gkledger.render.docx import LINE_CHARS, signature_indents, width_chars

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
