"""催办通知 and 通报 as Word documents: the one module that imports python-docx (an optional extra,
imported lazily by `remind --format docx` and `bulletin --format docx`).

The layout follows GB/T 9704-2012 as far as a generated document reasonably can: A4 with its
margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), the 文号 when the office sets a
prefix, the title in 2号 小标宋, 主送 flush left, the body in 3号 仿宋 with two-character first-line
indents on a 28-point line, headings in 黑体, the 落款 (发文机关署名 and 成文日期 in Arabic
numerals) placed as 7.3.5 places it with or without a seal, the 附注 (联系人) below the date, and
the 版头 and 版记 when settings give them. Sections with nothing to say are left out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from gkledger.core.model import Plan, Settings, Unit, signing_office
from gkledger.core.status import Row
from gkledger.render.bulletin import TEXT_COLUMNS, bulletin_text, contact_cn, header_lines
from gkledger.render.labels import cn_date, document_number, task_cn
from gkledger.render.notices import counts_phrase, reply_sentence, when_cn
from gkledger.render.text import title_lines, visible
from gkledger.views.reports import Bulletin

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(12)  # 小4号


PAGE_NUMBER_FONT = "宋体"
PAGE_NUMBER_SIZE = Pt(14)  # 4号


def _new(title: str, office: str | None, day: dt.date) -> DocumentType:
    """An A4 公文 page: GB/T 9704 margins, 3号仿宋 body in Chinese (zh-CN), page numbers "— 1 —" at
    the outside edge (right on odd pages, left on even), and the office as its author."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    properties = normal.element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    language = OxmlElement("w:lang")
    for name in ("w:val", "w:eastAsia"):
        language.set(qn(name), "zh-CN")
    properties.append(language)
    for default in document.styles.element.iter(qn("w:lang")):  # docDefaults, which every style starts from
        for name in ("w:val", "w:eastAsia"):
            default.set(qn(name), "zh-CN")
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    core = document.core_properties
    core.title = title
    core.author = core.last_modified_by = office or ""
    core.created = core.modified = dt.datetime(day.year, day.month, day.day)
    core.language = "zh-CN"
    core.comments = ""
    return document


def _page_number(paragraph: Paragraph, align: int) -> None:
    """ "— 1 —": the PAGE field between two dashes, 4号宋体, a character in from the edge."""
    paragraph.alignment = align  # type: ignore[assignment]
    layout = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        layout.right_indent = Pt(14)
    else:
        layout.left_indent = Pt(14)

    def run(text: str = "") -> Any:
        made = paragraph.add_run(text)
        made.font.name = PAGE_NUMBER_FONT
        made.font.size = PAGE_NUMBER_SIZE
        made._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), PAGE_NUMBER_FONT)
        return made

    run("— ")
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        part = run()
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            part._element.append(field)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = f" {text} "
            part._element.append(instruction)
    run(" —")


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
    lines = title_lines(text)
    title = _paragraph(
        document, lines[0], font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    for line in lines[1:]:
        run = title.runs[-1]
        run.add_break()
        run.add_text(line)
    _paragraph(document, "", indent=False)


def _heading(document: DocumentType, text: str) -> None:
    _paragraph(document, text, font=HEADING_FONT).paragraph_format.keep_with_next = True


def _table(document: DocumentType, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table as a 公文 prints one: its header row repeated on every page, no row split across a
    page break."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(headers, rows)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: rows added below take their cells' widths from it
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        _cell(cell, header_lines(header), bold=True)
    _row_properties(table.rows[0], header=True)
    for values in rows:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            _cell(cell, value)
        _row_properties(row)


TEXT_WIDTH = 156  # mm between the margins of an A4 公文 page
CHAR_MM = 4.23  # a 小4号 character
CELL_MM = 5.0  # a cell's left and right margins, and a millimetre to spare
NARROW_MAX = TEXT_WIDTH / 3  # a column of numbers, dates or names wraps past this
WIDE_MIN = 30.0


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Mm]:
    """Columns sized to what they hold, in mm: each column of numbers, dates or names as wide as
    its widest line (at most a third of the page); the text columns (具体任务, a list of units)
    share the rest, none wider than its longest line needs while another could use the room."""
    need = [
        _longest_line((header_lines(h), *(row[c] for row in rows))) * CHAR_MM + CELL_MM
        for c, h in enumerate(headers)
    ]
    wide = [c for c, h in enumerate(headers) if h in TEXT_COLUMNS]
    widths = [min(n, NARROW_MAX) for n in need]
    narrow = sum(w for c, w in enumerate(widths) if c not in wide)
    room = TEXT_WIDTH - narrow
    if not wide or room < WIDE_MIN * len(wide):  # the narrow columns give way to fit the page
        scale = (TEXT_WIDTH - WIDE_MIN * len(wide)) / narrow
        widths = [WIDE_MIN if c in wide else w * scale for c, w in enumerate(widths)]
        return [Mm(w) for w in widths]
    left = sorted(wide, key=lambda c: need[c])
    while left:  # the shortest text columns take what they need, the others share the rest
        share = room / len(left)
        if need[left[0]] >= share:
            for c in left:
                widths[c] = share
            break
        widths[left[0]] = max(need[left[0]], WIDE_MIN)
        room -= widths[left[0]]
        left.pop(0)
    else:  # every text column fits: the longest takes what is left over
        widths[max(wide, key=lambda c: need[c])] += room
    return [Mm(w) for w in widths]


def _longest_line(texts: Iterable[str]) -> float:
    """In characters; a digit or letter as 0.6 of one, as wide as the fonts that stand in for
    仿宋 print them (仿宋 itself: 0.5)."""
    return max(width_chars(line, half=0.6) for text in texts for line in text.split("\n"))


def _row_properties(row: Any, header: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _cell(cell: object, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run()
    for number, line in enumerate(text.split("\n")):
        if number:
            run.add_break()
        run.add_text(visible(line))
    run.font.size = TABLE_SIZE
    run.font.name = BODY_FONT
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _number(document: DocumentType, settings: Settings, year: int, number: int | None = None) -> None:
    """The 版头 when settings give the 发文机关标志, and the 发文字号 when they give a prefix:
    呼政办督〔2021〕3号, or a blank for the number to be filled in by hand when none is given."""
    headed = _letterhead(document, settings)
    line = None
    if settings.number_prefix:
        line = _paragraph(
            document,
            document_number(settings.number_prefix, year, number),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
        )
    if headed:
        _red_line(line or _paragraph(document, "", indent=False))


LINE_CHARS = 28  # 3号 characters on a line of the 版心 (GB/T 9704: 每行28个字)


_MIXED = re.compile(r"(?<=[0-9A-Za-z])(?=[^\x00-\u2e7f])|(?<=[^\x00-\u2e7f])(?=[0-9A-Za-z])")


def width_chars(text: str, half: float = 0.5) -> float:
    """How many characters of its size wide a line is: a half-width digit or letter is `half` of
    one, and Word and LibreOffice put a quarter of one between Chinese and a number or a Latin
    word (自动调整中文与数字的间距, on by default)."""
    return sum(half if ord(char) < 0x2E80 else 1 for char in text) + len(_MIXED.findall(text)) / 4


def signature_indents(office: str, date: str, seal: bool) -> tuple[float, float]:
    """Where the 发文机关署名 and the 成文日期 begin, in characters from the left edge of the 版心
    (GB/T 9704-2012 7.3.5). Sealed: the date 右空四字, the 署名 centred over it. Not sealed: the
    署名 右空二字, the date's first character two to the right of the 署名's; a date that would
    then cross 右空二字 is put there and the 署名 moved left to keep the two characters."""
    office_width, date_width = width_chars(office), width_chars(date)
    if seal:
        date_at = LINE_CHARS - 4 - date_width
        return max(0.0, date_at + (date_width - office_width) / 2), date_at
    office_at = LINE_CHARS - 2 - office_width
    date_at = office_at + 2
    if date_at + date_width > LINE_CHARS - 2:
        date_at = LINE_CHARS - 2 - date_width
        office_at = date_at - 2
    return max(0.0, office_at), date_at


def _keep_with_what_follows(document: DocumentType) -> None:
    """The last paragraph written, or the last row of a table, stays on the page of what comes
    next: the 落款 never opens a page alone (GB/T 9704-2012 7.3.5)."""
    body = document.element.body
    last = body[-2] if body[-1].tag == qn("w:sectPr") else body[-1]
    if last.tag == qn("w:tbl"):
        last = last.findall(qn("w:tr"))[-1]
    for paragraph in [last] if last.tag == qn("w:p") else last.iter(qn("w:p")):
        paragraph.get_or_add_pPr().keepNext_val = True


def _signature(document: DocumentType, office: str | None, day: dt.date, seal: bool) -> None:
    """落款: the 发文机关署名 and the 成文日期, laid out for the 印章 when the office seals (a seal
    sits over both and within a line of the text above: three blank lines leave it room); it
    goes to the next page only with the text before it."""
    date = cn_date(day)
    office_at, date_at = signature_indents(office or "", date, seal)
    _keep_with_what_follows(document)
    for _blank in range(3 if seal else 1):
        _paragraph(document, "", indent=False).paragraph_format.keep_with_next = True
    for text, at in ((office, office_at), (date, date_at)):
        if text:
            line = _paragraph(document, text, indent=False)
            line.paragraph_format.left_indent = Pt(BODY_SIZE.pt * at)
            line.paragraph_format.keep_with_next = True


def _note(document: DocumentType, settings: Settings) -> None:
    """附注 (联系人 and 联系电话): in brackets on the line below the 成文日期, 左空二字."""
    shown = contact_cn(settings)
    if shown:
        _paragraph(document, f"（{shown}）")


RED = RGBColor(0xE6, 0x00, 0x12)  # the 版头's red
LETTERHEAD_SIZE = Pt(42)


def _letterhead(document: DocumentType, settings: Settings) -> bool:
    """版头: the 发文机关标志 in red 小标宋 centred at the top of the 版心, the 发文字号 two lines
    below it, and the red line as wide as the 版心 under the 发文字号. Only when settings give the
    标志 (an office printing on plain paper); offices with printed letterhead paper leave it out."""
    if not settings.letterhead:
        return False
    size = Pt(min(LETTERHEAD_SIZE.pt, int(TEXT_WIDTH / 25.4 * 72 / width_chars(settings.letterhead))))
    mark = _paragraph(
        document,
        settings.letterhead,
        font=TITLE_FONT,
        size=size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )  # 不超过版心: the size that puts the 标志 on one line
    mark.paragraph_format.line_spacing = Pt(size.pt * 1.2)
    mark.runs[0].font.color.rgb = RED
    for _blank in range(2):
        _paragraph(document, "", indent=False)
    return True


def _red_line(paragraph: Paragraph) -> None:
    """The 版头's red separator: a border under the 发文字号's paragraph, 4 mm below it."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", "E60012")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


IMPRINT_SIZE = Pt(14)  # 4号


def _imprint(document: DocumentType, settings: Settings, office: str | None, day: dt.date) -> None:
    """版记: 抄送 and 印发机关 with the 印发日期, each on its own line between rules as wide as the
    版心, the first and last thick (0.35 mm), the one between thin (0.25 mm). A table floated to the
    foot of the last page's 版心, where Word and WPS put it (LibreOffice floats only tables
    narrower than the text and shows this one just after the text, its lines kept together)."""
    printed_by = settings.printed_by or (office if settings.copy_to else None)
    if not (settings.copy_to or printed_by):
        return
    lines: list[tuple[str, str]] = []
    if settings.copy_to:
        lines.append((f"抄送：{settings.copy_to.rstrip('。')}。", ""))
    if printed_by:
        lines.append((printed_by, f"{cn_date(day)}印发"))
    table = document.add_table(rows=len(lines), cols=2)
    table.autofit = False
    widths = (Mm(TEXT_WIDTH - 70), Mm(70))  # the 印发日期 with a character's space each side
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    properties = table._tbl.tblPr
    floating = OxmlElement("w:tblpPr")
    place = (("w:leftFromText", "0"), ("w:rightFromText", "0"), ("w:topFromText", "180"),
             ("w:bottomFromText", "0"), ("w:vertAnchor", "margin"), ("w:horzAnchor", "margin"),
             ("w:tblpXSpec", "center"), ("w:tblpYSpec", "bottom"))  # fmt: skip
    for name, value in place:
        floating.set(qn(name), value)
    properties.append(floating)
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", 8), ("bottom", 8), ("insideH", 4)):  # eighths of a point
        rule = OxmlElement(f"w:{edge}")
        for name, value in (
            ("w:val", "single"),
            ("w:sz", str(size)),
            ("w:space", "0"),
            ("w:color", "000000"),
        ):
            rule.set(qn(name), value)
        borders.append(rule)
    properties.append(borders)
    for number, (row, (left, right)) in enumerate(zip(table.rows, lines, strict=True), start=1):
        _row_properties(row)
        for cell, text, width, align in (
            (row.cells[0], left, widths[0], WD_ALIGN_PARAGRAPH.LEFT),
            (row.cells[1], right, widths[1], WD_ALIGN_PARAGRAPH.RIGHT),
        ):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.alignment = align
            layout = paragraph.paragraph_format
            layout.left_indent = layout.right_indent = Pt(IMPRINT_SIZE.pt)  # 左右各空一字
            layout.space_before = layout.space_after = Pt(0)
            layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            layout.line_spacing = Pt(28)
            layout.keep_with_next = number < len(lines)
            run = paragraph.add_run(text)
            run.font.size = IMPRINT_SIZE
            run.font.name = BODY_FONT
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        if left.startswith("抄送"):  # one cell across: the 抄送 may run to two lines
            row.cells[0].merge(row.cells[1])
    document.add_paragraph()  # a floating table is anchored to the paragraph after it


def _saved(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _deadline_cn(row: Row) -> str:
    """完成时限 as the unit was told it: the notice's own wording (2021年9月底前), or the day
    itself (2021年9月30日) where the wording does not name it alone: one period of a recurring task
    (每月底), a due date an extension or a return moved, or no wording at all."""
    text = row.task.deadline.text if row.task.deadline else ""
    return cn_date(row.due) if row.period or row.original_due or not text else text


def notice_docx(
    unit: Unit,
    rows: Sequence[Row],
    today: dt.date,
    plan: Plan | None,
    settings: Settings,
    reply_by: dt.date,
    number: int | None = None,
) -> bytes:
    """One unit's 催办通知; `rows` are its late and due-soon obligations, `number` its 文号's."""
    late = [r for r in rows if r.status == "late"]
    soon = [r for r in rows if r.status == "due-soon"]
    office = signing_office(settings, plan)
    plan_name = f"《{plan.title}》" if plan else "工作要点"
    kinds = "和".join(k for k, n in (("逾期", len(late)), ("临期", len(soon))) if n) or "有关"
    title = f"关于督促办理{plan.title if plan else '工作要点'}{kinds}事项的通知"
    document = _new(title, office, today)
    _number(document, settings, today.year, number)
    _title(document, title)
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
    _signature(document, office, today, settings.seal)
    _note(document, settings)
    _imprint(document, settings, office, today)
    return _saved(document)


def bulletin_docx(bulletin: Bulletin, settings: Settings) -> bytes:
    """The 通报 of the whole ledger: its prose, the 附件说明, the 落款, then each 附件 on a page."""
    plan = bulletin.plan
    office = signing_office(settings, plan)
    made = bulletin_text(bulletin)
    document = _new(made.title, office, bulletin.today)
    _number(document, settings, bulletin.today.year)
    _title(document, made.title)
    _paragraph(document, "各有关单位：", indent=False)
    _paragraph(document, made.intro)
    for heading, paragraphs in made.sections:
        _heading(document, heading)
        for text in paragraphs:
            _paragraph(document, text)
    if made.attachments:  # the 附件说明 stays with the text before it and the 落款 after it
        _keep_with_what_follows(document)
        _paragraph(document, "", indent=False).paragraph_format.keep_with_next = True
        for line in made.attachment_note:
            _paragraph(document, line).paragraph_format.keep_with_next = True
    _signature(document, office, bulletin.today, settings.seal)
    _note(document, settings)
    for number, attachment in enumerate(made.attachments, start=1):
        label = _paragraph(document, made.label(number), font=HEADING_FONT, indent=False)
        label.paragraph_format.page_break_before = True
        _title(document, attachment.title)
        _table(document, attachment.headers, attachment.rows)
    _imprint(document, settings, office, bulletin.today)
    return _saved(document)
