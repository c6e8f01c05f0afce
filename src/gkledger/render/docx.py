"""催办通知 and 通报 as Word documents: the one module that imports python-docx (an optional extra,
imported lazily by `remind --format docx` and `bulletin --format docx`).

The layout follows GB/T 9704-2012 as far as a generated document reasonably can: A4 with its
margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), the 文号 when the office sets a
prefix, the title in 2号 小标宋, 主送 flush left, the body in 3号 仿宋 with two-character first-line
indents on a 28-point line, headings in 黑体, and the 发文机关 and 成文日期 (Arabic numerals)
at the end on the right. Sections with nothing to say are left out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from gkledger.core.model import Plan, Settings, Unit
from gkledger.core.status import Row
from gkledger.render.bulletin import bulletin_text, cn_date
from gkledger.render.labels import task_cn
from gkledger.render.notices import counts_phrase, reply_sentence, when_cn
from gkledger.render.text import visible
from gkledger.views.reports import Bulletin

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(12)  # 小4号


def _new() -> DocumentType:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def _paragraph(
    document: DocumentType,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align: int | None = None,
    indent: bool = True,
    bold: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(28) if size <= BODY_SIZE else Pt(36)
    layout.space_after = Pt(0)
    if indent:
        layout.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align  # type: ignore[assignment]
    run = paragraph.add_run(visible(text))
    run.font.name = font
    run.font.size = size
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return paragraph


def _title(document: DocumentType, text: str) -> None:
    _paragraph(document, "", indent=False)
    _paragraph(
        document, text, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    _paragraph(document, "", indent=False)


def _heading(document: DocumentType, text: str) -> None:
    _paragraph(document, text, font=HEADING_FONT).paragraph_format.keep_with_next = True


def _table(document: DocumentType, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table as a 公文 prints one: its header row repeated on every page, no row split across a
    page break."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, header, bold=True)
    _row_properties(table.rows[0], header=True)
    for values in rows:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            _cell(cell, value)
        _row_properties(row)


def _row_properties(row: Any, header: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _cell(cell: object, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(visible(text))
    run.font.size = TABLE_SIZE
    run.font.name = BODY_FONT
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _number(document: DocumentType, settings: Settings, year: int) -> None:
    if settings.number_prefix:
        _paragraph(
            document, f"{settings.number_prefix}〔{year}〕　号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
        )


def _signature(document: DocumentType, office: str | None, day: dt.date) -> None:
    _paragraph(document, "", indent=False)
    if office:
        _paragraph(document, office, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, cn_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _contact(document: DocumentType, settings: Settings) -> None:
    parts = [
        f"联系人：{settings.contact}" if settings.contact else "",
        f"联系电话：{settings.phone}" if settings.phone else "",
    ]
    shown = "，".join(p for p in parts if p)
    if shown:
        _paragraph(document, f"（{shown}）")


def _saved(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _deadline_cn(row: Row) -> str:
    """The notice's own 完成时限 wording, with the day it means when that is not already plain."""
    text = row.task.deadline.text if row.task.deadline else ""
    day = cn_date(row.due)
    return day if not text or day in text else f"{text}（{day}）"


def notice_docx(
    unit: Unit, rows: Sequence[Row], today: dt.date, plan: Plan | None, settings: Settings, reply_by: dt.date
) -> bytes:
    """One unit's 催办通知; `rows` are its late and due-soon obligations."""
    late = [r for r in rows if r.status == "late"]
    soon = [r for r in rows if r.status == "due-soon"]
    office = settings.office or (plan.issuer if plan else None)
    plan_name = f"《{plan.title}》" if plan else "工作要点"
    kinds = "和".join(k for k, n in (("逾期", len(late)), ("临期", len(soon))) if n) or "有关"
    document = _new()
    _number(document, settings, today.year)
    _title(document, f"关于督促办理{plan.title if plan else '工作要点'}{kinds}事项的通知")
    _paragraph(document, f"{unit.full_name}：", indent=False)
    counts = counts_phrase(len(late), len(soon))
    _paragraph(
        document,
        f"截至{cn_date(today)}，你单位承担的{plan_name}任务中，有{counts}（见下表）。"
        + reply_sentence(reply_by, office),
    )
    _table(
        document,
        ("序号", "具体任务", "完成时限", "办理情况"),
        [(task_cn(r), r.task.text, _deadline_cn(r), when_cn(r)) for r in [*late, *soon]],
    )
    _contact(document, settings)
    _signature(document, office, today)
    return _saved(document)


def bulletin_docx(bulletin: Bulletin, settings: Settings) -> bytes:
    """The 通报 of the whole ledger: its prose, the 附件说明, the 落款, then each 附件 on a page."""
    plan = bulletin.plan
    office = settings.office or (plan.issuer if plan else None)
    made = bulletin_text(bulletin)
    document = _new()
    _number(document, settings, bulletin.today.year)
    _title(document, made.title)
    _paragraph(document, "各有关单位：", indent=False)
    _paragraph(document, made.intro)
    for heading, paragraphs in made.sections:
        _heading(document, heading)
        for text in paragraphs:
            _paragraph(document, text)
    if made.attachments:
        _paragraph(document, "", indent=False)
        for line in made.attachment_note:
            _paragraph(document, line)
    _contact(document, settings)
    _signature(document, office, bulletin.today)
    for number, attachment in enumerate(made.attachments, start=1):
        label = _paragraph(document, f"附件{number}", font=HEADING_FONT, indent=False)
        label.paragraph_format.page_break_before = True
        _title(document, attachment.title)
        _table(document, attachment.headers, attachment.rows)
    return _saved(document)
