"""Three offices' 任务台账 as they publish them — a city with 县市区 and 功能区, a bureau with 科室,
a district with 牵头单位 and 配合单位 — each with its roster, written out as .csv, .xlsx, .docx and
.html (.xls comes from tests/fixtures/tables/, made by make_xls.py from these same tables).

A table is its rows of cells plus its merged ranges (first row, first column, last row, last
column, 0-based), laid out the way the published tables are: title rows, merged 任务名称 cells,
sections spanning the width, a header over two rows, blank rows between groups.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


@dataclass(frozen=True)
class Table:
    name: str
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]]
    roster: str  # units.yaml
    # id -> (section, item, text, owners, deadline, units owing it, lead units, unresolved)
    expected: dict[str, tuple[str, str | None, str, str, str, list[str], list[str], list[str]]]

    @property
    def width(self) -> int:
        return max(len(row) for row in self.rows)

    def covered(self, row: int, column: int) -> bool:
        return any(
            r0 <= row <= r1 and c0 <= column <= c1 and (row, column) != (r0, c0)
            for r0, c0, r1, c1 in self.merges
        )

    def cells(self) -> list[list[str]]:
        """Rows padded to the width, covered cells blank."""
        return [
            [(row[c] if c < len(row) else "") if not self.covered(r, c) else "" for c in range(self.width)]
            for r, row in enumerate(self.rows)
        ]


CITY = Table(
    "city",
    rows=[
        ["某某市2022年政务公开工作要点任务分解表"],
        ["工作任务", "", "序号", "具体要求", "责任单位", "时限要求"],
        [
            "一、深化重点领域信息公开",
            "(一)财政信息公开",
            "1",
            "公开预算决算。",
            "市财政局牵头,各县市区人民政府、功能区管委会负责落实",
            "2022年11月",
        ],
        ["", "", "2", "公开政府债务信息。", "市财政局", "2022/9/30"],
        [
            "",
            "(二)重大项目信息公开",
            "3",
            "公开重大建设项目批准和实施信息。",
            "市发展改革委牵头,市住建局等市政府有关部门配合",
            "9月30日前",
        ],
        ["二、加强政务公开平台建设"],
        ["", "(一)政府网站建设", "4", "规范政府网站栏目。", "市政府办公室", "11月底前完成"],
        [],
        [
            "",
            "(二)政务新媒体",
            "5",
            "整合政务新媒体。",
            "市政府各有关部门,各县市区人民政府、功能区管委会负责落实",
            "年底前完成",
        ],
        ["", "", "6", "开展回头看。", "各县市区人民政府、市财政局", "第三季度"],
    ],
    merges=[(0, 0, 0, 5), (1, 0, 1, 1), (2, 0, 4, 0), (2, 1, 3, 1), (5, 0, 5, 5), (8, 1, 9, 1)],
    roster="""\
units:
  - {name: 市政府, full_name: 某某市人民政府, kind: 政府, level: 市级}
  - {name: 市政府办公室, full_name: 某某市人民政府办公室, kind: 市直部门, level: 市级, parent: 市政府}
  - {name: 发展改革委, full_name: 某某市发展和改革委员会, kind: 市直部门, level: 市级, parent: 市政府}
  - {name: 住建局, full_name: 某某市住房和城乡建设局, kind: 市直部门, level: 市级, parent: 市政府}
  - {name: 财政局, full_name: 某某市财政局, kind: 市直部门, level: 市级, parent: 市政府}
  - {name: 东县, full_name: 某某市东县, kind: 县市区, level: 县级, parent: 市政府}
  - {name: 西区, full_name: 某某市西区, kind: 县市区, level: 县级, parent: 市政府}
  - {name: 高新区, full_name: 某某市高新技术产业开发区, kind: 功能区, level: 县级, parent: 市政府}
""",
    expected={
        "1": (
            "一、深化重点领域信息公开",
            "(一)财政信息公开",
            "公开预算决算。",
            "市财政局牵头,各县市区人民政府、功能区管委会负责落实",
            "2022年11月",
            ["财政局", "东县", "西区", "高新区"],
            ["财政局"],
            [],
        ),
        "2": (
            "一、深化重点领域信息公开",
            "(一)财政信息公开",
            "公开政府债务信息。",
            "市财政局",
            "2022/9/30",
            ["财政局"],
            [],
            [],
        ),
        "3": (
            "一、深化重点领域信息公开",
            "(二)重大项目信息公开",
            "公开重大建设项目批准和实施信息。",
            "市发展改革委牵头,市住建局等市政府有关部门配合",
            "9月30日前",
            ["发展改革委", "住建局"],
            ["发展改革委"],
            ["市政府有关部门"],
        ),
        "4": (
            "二、加强政务公开平台建设",
            "(一)政府网站建设",
            "规范政府网站栏目。",
            "市政府办公室",
            "11月底前完成",
            ["市政府办公室"],
            [],
            [],
        ),
        "5": (
            "二、加强政务公开平台建设",
            "(二)政务新媒体",
            "整合政务新媒体。",
            "市政府各有关部门,各县市区人民政府、功能区管委会负责落实",
            "年底前完成",
            ["东县", "西区", "高新区"],
            [],
            ["市政府各有关部门"],
        ),
        "6": (
            "二、加强政务公开平台建设",
            "(二)政务新媒体",
            "开展回头看。",
            "各县市区人民政府、市财政局",
            "第三季度",
            ["财政局", "东县", "西区"],
            [],
            [],
        ),
    },
)

BUREAU = Table(
    "bureau",
    rows=[
        ["某某县财政局2022年政务公开工作任务清单"],
        ["工作任务", "序号", "具体要求", "责任科室", "时限要求"],
        ["政务公开制度建设", "1", "修订信息公开制度。", "办公室", "2022年6月底"],
        ["", "2", "梳理本科室公开事项清单。", "各科室", "上半年完成"],
        ["财政信息公开", "3", "公开部门预算。", "预算股", "2022.3.31"],
        ["", "4", "做好依申请公开。", "办公室/各科室", "全年持续推进"],
    ],
    merges=[(0, 0, 0, 4), (2, 0, 3, 0), (4, 0, 5, 0)],
    roster="""\
units:
  - {name: 办公室, full_name: 某某县财政局办公室, kind: 科室, level: 股级}
  - {name: 预算股, full_name: 某某县财政局预算股, kind: 科室, level: 股级}
  - {name: 国库股, full_name: 某某县财政局国库股, kind: 科室, level: 股级}
""",
    expected={
        "1": ("政务公开制度建设", None, "修订信息公开制度。", "办公室", "2022年6月底", ["办公室"], [], []),
        "2": (
            "政务公开制度建设",
            None,
            "梳理本科室公开事项清单。",
            "各科室",
            "上半年完成",
            ["办公室", "预算股", "国库股"],
            [],
            [],
        ),
        "3": ("财政信息公开", None, "公开部门预算。", "预算股", "2022.3.31", ["预算股"], [], []),
        "4": (
            "财政信息公开",
            None,
            "做好依申请公开。",
            "办公室/各科室",
            "全年持续推进",
            ["办公室", "预算股", "国库股"],
            [],
            [],
        ),
    },
)

DISTRICT = Table(
    "district",
    rows=[
        ["附件", "", "", "", "", ""],
        ["某某区2022年政务公开重点工作任务台账"],
        ["重点任务", "工作措施", "责任单位", "", "完成期限", "备注"],
        ["", "", "牵头单位", "配合单位", "", ""],
        ["一、推进基层政务公开标准化规范化"],
        ["(一)目录编制", "1.编制政务公开事项目录。", "区政府办", "各街道办事处", "2022年9月", ""],
        ["", "2.动态更新公开目录。", "区政府办", "区司法局、区财政局", "年底前", ""],
        ["(二)专区建设", "3.建设政策文件专区。", "区司法局", "", "", "11月底前完成"],
    ],
    merges=[
        (1, 0, 1, 5),
        (2, 0, 3, 0),
        (2, 1, 3, 1),
        (2, 2, 2, 3),
        (2, 4, 3, 4),
        (2, 5, 3, 5),
        (4, 0, 4, 5),
        (5, 0, 6, 0),
    ],
    roster="""\
units:
  - {name: 区政府, full_name: 某某区人民政府, kind: 政府, level: 县级}
  - {name: 区政府办, full_name: 某某区人民政府办公室, aliases: [区政府办公室], kind: 区直部门, level: 县级, parent: 区政府}
  - {name: 司法局, full_name: 某某区司法局, kind: 区直部门, level: 县级, parent: 区政府}
  - {name: 财政局, full_name: 某某区财政局, kind: 区直部门, level: 县级, parent: 区政府}
  - {name: 甲街道, full_name: 某某区甲街道办事处, kind: 街道, level: 乡级, parent: 区政府}
  - {name: 乙街道, full_name: 某某区乙街道办事处, kind: 街道, level: 乡级, parent: 区政府}
""",
    expected={
        "1": (
            "一、推进基层政务公开标准化规范化",
            "(一)目录编制",
            "1.编制政务公开事项目录。",
            "牵头单位：区政府办；配合单位：各街道办事处",
            "2022年9月",
            ["区政府办", "甲街道", "乙街道"],
            ["区政府办"],
            [],
        ),
        "2": (
            "一、推进基层政务公开标准化规范化",
            "(一)目录编制",
            "2.动态更新公开目录。",
            "牵头单位：区政府办；配合单位：区司法局、区财政局",
            "年底前",
            ["区政府办", "司法局", "财政局"],
            ["区政府办"],
            [],
        ),
        "3": (
            "一、推进基层政务公开标准化规范化",
            "(二)专区建设",
            "3.建设政策文件专区。",
            "牵头单位：区司法局",
            "11月底前完成",  # the table gives it in 备注
            ["司法局"],
            ["司法局"],
            [],
        ),
    },
)

TABLES = {table.name: table for table in (CITY, BUREAU, DISTRICT)}


def to_csv(table: Table, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table.cells())
    return buffer.getvalue().encode(encoding)


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务台账"
    for r, row in enumerate(table.cells(), start=1):
        for c, value in enumerate(row, start=1):
            if value:
                sheet.cell(r, c, value)
    for r0, c0, r1, c1 in table.merges:
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_docx(table: Table) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("附件")
    grid = document.add_table(rows=len(table.rows), cols=table.width)
    for r, row in enumerate(table.cells()):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    for r0, c0, r1, c1 in table.merges:
        grid.cell(r0, c0).merge(grid.cell(r1, c1))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_html(table: Table) -> bytes:
    """As a government site publishes a notice: navigation in a table of its own, the task table
    inside a layout table, rowspan and colspan for merged cells."""
    lines = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知</title></head><body>",
        "<table class='nav'><tr><td>首页</td><td>政务公开</td></tr></table>",
        "<table class='layout'><tr><td><p>附件</p>",
        "<table border='1'>",
    ]
    cells = table.cells()
    for r, row in enumerate(cells):
        lines.append("<tr>")
        for c, value in enumerate(row):
            if table.covered(r, c):
                continue
            span = next(
                ((r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in table.merges if (r0, c0) == (r, c)), (1, 1)
            )
            attributes = (f" rowspan='{span[0]}'" if span[0] > 1 else "") + (
                f" colspan='{span[1]}'" if span[1] > 1 else ""
            )
            lines.append(f"<td{attributes}><p>{html.escape(value)}</p></td>")
        lines.append("</tr>")
    lines.append("</table></td></tr></table></body></html>")
    return "\n".join(lines).encode("utf-8")


def to_xls(table: Table) -> bytes:
    """Old Excel, written by xlwt (only make_xls.py calls this; the tests read the files it made)."""
    import xlwt  # type: ignore[import-not-found]

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("任务台账")
    written = set()
    for r0, c0, r1, c1 in table.merges:
        sheet.write_merge(r0, r1, c0, c1, table.rows[r0][c0] if c0 < len(table.rows[r0]) else "")
        written |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(table.cells()):
        for c, value in enumerate(row):
            if (r, c) not in written and value:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
