"""`gkledger import`: any office's 任务台账 table to a tasks.yaml. Pure: cells in, text out.

Tables come as each office made them. The header may sit below title rows, span two rows (责任单位
over 牵头单位 | 配合单位), and name its columns in other words (HEADERS lists them). 任务名称 cells
may merge over a section and an item column and down many rows; a section row (一、…) may span the
whole width; blank rows separate groups. 序号 may be absent: the text's own "1." numbers the task,
else its order does.

Owners phrases are read by `owners.Vocabulary` over the ledger the tasks go into; what it cannot
resolve stays in the task's `unresolved` and is listed for review. Text, owners and deadline are
written verbatim: nothing of the table is changed or dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from gkledger.core.deadlines import DeadlineError, parse_deadline
from gkledger.core.model import Term
from gkledger.core.owners import Reading, Vocabulary
from gkledger.i18n import _, _f
from gkledger.intake.tables import Cell, Grid, TableError
from gkledger.intake.tables import text_of as _text
from gkledger.store.locate import TASKS_MODELINE
from gkledger.store.yaml_text import flow_scalar, scalar

# Each column the importer reads, and the words tables head it with (README.md lists them).
HEADERS: dict[str, tuple[str, ...]] = {
    "序号": ("序号", "编号"),
    "任务名称": ("任务名称", "工作任务", "重点任务", "主要任务", "任务"),
    "具体任务": (
        "具体任务",
        "具体要求",
        "工作要求",
        "具体内容",
        "工作措施",
        "任务内容",
        "主要内容",
        "工作内容",
        "具体工作",
        "任务要求",
        "工作举措",
    ),
    "责任单位": (
        "责任单位",
        "责任部门",
        "责任科室",
        "责任主体",
        "承办单位",
        "责任处室",
        "责任股室",
        "落实单位",
        "负责单位",
    ),
    "牵头单位": ("牵头单位", "牵头部门", "牵头科室"),
    "配合单位": ("配合单位", "配合部门", "协办单位", "配合科室"),
    "完成时限": (
        "完成时限",
        "时限要求",
        "完成时间",
        "时间节点",
        "完成期限",
        "时限",
        "完成时限要求",
        "办结时限",
        "截止时间",
        "时间要求",
    ),
    "备注": ("备注",),
    "类别": ("类别", "类目", "分类", "公开类别", "一级类目", "二级类目"),
}
_FIELD_OF = {word: name for name, words in HEADERS.items() for word in words}
# A header outside HEADERS is read by what it means, the first match winning: when a thing is due
# (时限, 生成时间, 更新频次), who does it (责任单位, 公开主体, 牵头处室), what is to be done or
# disclosed (公开事项, 工作措施), or which group it belongs to (类别, 一级类目). Who does it as a
# person (责任人, 分管领导) and how it went (完成情况) are not columns the importer reads.
_NOT_READ = re.compile(r"(?:人|领导|情况|进展|进度|方式|形式|渠道|依据|说明)$|^是否|:")
_MEANINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("序号", re.compile(r"^(?:序号|编号|序|No\.?)$", re.IGNORECASE)),
    ("完成时限", re.compile(r"时限|时间|期限|节点|频次|频率|时效|日期|更新|进度(?:安排|要求)")),
    # a header that ends naming content is the task's text, whoever it names first (落实措施)
    ("具体任务", re.compile(r"^(?![一二三四五]级).*(?:措施|内容|要求|举措|事项)$")),
    ("牵头单位", re.compile(r"牵头")),
    ("配合单位", re.compile(r"配合|协办|协同|参与")),
    ("责任单位", re.compile(r"单位|部门|科室|处室|股室|主体|负责|承办|落实|责任")),
    ("类别", re.compile(r"类别|类目|分类|目录|板块|领域|门类|^目标$|^[一二三四五]级")),
    # a header ending 任务 names the task (主要工作任务, 全市工作任务); 任务内容 and 具体任务 are its text
    ("任务名称", re.compile(r"^(?:任务名称|项目|工作内容分类|(?!具体)[^任]{0,6}任务)$")),
    ("具体任务", re.compile(r"任务|事项|内容|措施|要求|举措|目标|工作|条目|信息名称|名称")),
)
_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_ITEM = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
# An item's own number at the start of its text: "1." "1、" "(1.1)" "（一）" "2.3 " — not an amount
# ("1.5万元", "100个").
_OWN_NUMBER = re.compile(
    r"^\s*(?:[(（]\s*(\d{1,3}(?:[.．-]\d{1,3})*|[一二三四五六七八九十]{1,3})\s*[)）]"
    r"|(\d{1,3}(?:[.．]\d{1,3})+)(?![\d万亿%倍个元])\s*[.．、]?"
    r"|(\d{1,3})\s*[.．、](?!\d))"
)


def own_number(text: str) -> str | None:
    """The number a task's text gives itself: "(1.1)办学规模" → "1.1", "3、公开…" → "3"."""
    match = _OWN_NUMBER.match(text)
    if match is None:
        return None
    number = next(group for group in match.groups() if group is not None)
    return unicodedata.normalize("NFKC", number).replace("-", ".")


@dataclass
class ImportedTask:
    row: int  # 1-based row of the table
    id: str
    section: str
    item: str | None
    text: str
    owners: str
    deadline: str
    remark: str | None
    reading: Reading
    deadline_read: bool = False  # the deadline is in the grammar (it has a due day)
    section_number: int = 0  # which section of the table, counting from 1
    own_number: str | None = None  # the number the text gives itself ("(1.1)…")
    problems: list[str] = field(default_factory=list)


@dataclass
class Imported:
    tasks: list[ImportedTask]
    year: int
    title: str
    notes: list[str] = field(default_factory=list)  # about the whole table (ids renumbered, say)
    signed: dt.date | None = None  # the day the plan was issued

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(task.row, problem) for task in self.tasks for problem in task.problems]

    def summary(self) -> dict[str, int]:
        """What came in: tasks, owners phrases resolved fully / partly / not, leads, deadlines."""
        resolved = Counter(task.reading.resolved for task in self.tasks if task.owners)
        read = sum(1 for task in self.tasks if task.deadline_read)
        return {
            "tasks": len(self.tasks),
            "owners_full": resolved["full"],
            "owners_partial": resolved["partial"],
            "owners_none": resolved["none"],
            "leads": sum(1 for task in self.tasks if task.reading.lead),
            "deadlines_read": read,
            "deadlines_unread": len(self.tasks) - read,
        }


def _header_text(cell: Cell) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(cell)))
    return re.sub(r"\([^()]*\)$", "", text)


def header_field(cell: Cell) -> str | None:
    """The column a header cell names: 时限要求 → 完成时限; "责任单位（部门）" → 责任单位."""
    text = _header_text(cell)
    if not text or len(text) > 12 or _SECTION.match(text) or _ITEM.match(text):
        return None  # a heading (一、推进重点领域信息公开), not a column's name
    if text in _FIELD_OF:
        return _FIELD_OF[text]
    if _NOT_READ.search(text):
        return None
    return next((name for name, meaning in _MEANINGS if meaning.search(text)), None)


@dataclass
class _Header:
    last_row: int  # the header's last row (0-based); data starts below it
    columns: dict[str, list[int]]  # field -> its columns, left to right
    names: dict[str, str]  # field -> the header's own word for it (for owners text)


def find_header(grid: Grid) -> _Header:
    """The header row (or two rows, when the second names the parts of the first), within the
    first rows, with the columns of each field."""
    rows = grid.rows
    for number in range(min(len(rows), 20)):
        top = [header_field(cell) for cell in rows[number]]
        if not any(top):
            continue
        below = rows[number + 1] if number + 1 < len(rows) else []
        second = [header_field(cell) for cell in below]
        # the row below names parts: of 责任单位 (牵头单位 | 配合单位), or of a group heading merged
        # across (信息更新 → 责任部门 | 生成时间; 公开对象 → 全社会 | 特定群众)
        two_rows = any(second) and all(
            name is not None or _under_group(grid, number, column)
            for column, (name, cell) in enumerate(zip(second, below, strict=True))
            if _text(cell)
        )
        width = max(len(rows[number]), len(below) if two_rows else 0)
        fields: list[str | None] = []
        words: dict[str, str] = {}
        owner: str | None = None
        for column in range(width):
            name = second[column] if two_rows and column < len(second) and second[column] else None
            source = below if name else rows[number]
            if name is None:
                origin = grid.origin(number, column)
                if origin is not None and origin[0] == number:  # under a header merged across
                    name = fields[origin[1]] if origin[1] < len(fields) else None
                elif column < len(top) and top[column]:
                    name = top[column]
                elif column < len(top) and _text(rows[number][column]):
                    name = None  # a column the importer does not read (完成情况, 责任领导 …)
                    owner = None
                else:
                    name = owner  # a blank header cell: the column before it goes on
            if name is not None and column < len(source) and _text(source[column]):
                words.setdefault(name, re.sub(r"\s+", "", _text(source[column])))
            owner = name
            fields.append(name)
        columns: dict[str, list[int]] = {}
        for column, name in enumerate(fields):
            if name is not None:
                columns.setdefault(name, []).append(column)
        _prefer_named(grid, number, two_rows, columns)
        if "具体任务" not in columns and "任务名称" in columns:  # 序号 | 工作任务 | 责任单位: the task itself
            columns["具体任务"] = columns.pop("任务名称")
        elif "具体任务" not in columns and len(columns.get("类别", ())) > 1:
            columns["具体任务"] = [columns["类别"].pop()]  # 一级指标 | 二级指标 | 三级指标: the last is it
        text_columns = columns.get("具体任务", [])
        if len(text_columns) > 1:  # 具体要求 | 具体措施: the last is the task, the ones before name it
            columns["具体任务"] = text_columns[-1:]
            columns["任务名称"] = sorted([*columns.get("任务名称", []), *text_columns[:-1]])
        if "具体任务" in columns and ("责任单位" in columns or "牵头单位" in columns):
            last = number + 1 if two_rows else number
            _numbers_column(grid, last, columns)
            return _Header(last, columns, words)
    seen = next(
        (texts for row in rows[:20] if len(texts := [_text(cell) for cell in row if _text(cell)]) >= 2),
        [],
    )
    raise TableError(
        _f(
            "no header row naming the task (具体任务, 具体要求, 公开事项 …) and its owners (责任单位, "
            "责任部门, 公开主体 …) in the first 20 rows; the headers seen: {headers}",
            headers=" | ".join(seen) or "—",
        )
    )


def _prefer_named(grid: Grid, row: int, two_rows: bool, columns: dict[str, list[int]]) -> None:
    """A column headed in the words of HEADERS wins over one that only means the same: 完成时限
    and 到期日期 side by side, the first is the deadline. Never the task's text, which loses no
    column (see find_header)."""
    for name, found in columns.items():
        if name == "具体任务":
            continue  # several columns of text are the task and its names (find_header), none dropped
        headers = {
            column: _header_text(grid.value(row + 1, column) if two_rows else None)
            or _header_text(grid.value(row, column))
            for column in found
        }
        named = [column for column in found if _FIELD_OF.get(headers[column]) == name]
        if named:
            columns[name] = [column for column in found if column in named or not headers[column]]


def _under_group(grid: Grid, row: int, column: int) -> bool:
    """The header cell above (row, column) is part of a merge across columns. A table that keeps
    no merges (CSV, or a sheet whose merges were undone) shows one as a heading followed by blank
    cells: the heading spans them."""
    if grid.merges:
        origin = grid.origin(row, column)
        if origin is not None:
            return origin[0] == row
        return grid.origin(row, column + 1) == (row, column)
    top = grid.rows[row]
    if column < len(top) and _text(top[column]):
        return column + 1 < len(top) and not _text(top[column + 1])
    return any(_text(top[c]) for c in range(min(column, len(top))))


def _numbers_column(grid: Grid, header_row: int, columns: dict[str, list[int]]) -> None:
    """A table without a 序号 header may still number its rows in a column with no header of its
    own (under a 工作任务 merged across, say): a names column holding only numbers is the 序号."""
    if "序号" in columns:
        return
    for name in ("任务名称", "类别"):
        for column in list(columns.get(name, ())):
            values = [
                _text(grid.rows[r][column])
                for r in range(header_row + 1, len(grid.rows))
                if column < len(grid.rows[r]) and not grid.covered(r, column)
            ]
            values = [value for value in values if value]
            if values and all(re.fullmatch(r"\d{1,3}", value) for value in values):
                columns[name].remove(column)
                columns["序号"] = [column]
                if not columns[name]:
                    del columns[name]
                return


def tasks_from_grid(
    grid: Grid,
    year: int,
    title: str,
    vocabulary: Vocabulary,
    signed: dt.date | None = None,
    deadline: str | None = None,
) -> Imported:
    """The table's tasks, with owners read over `vocabulary`, in a plan issued on `signed` (else on
    the 成文日期 the document states above the table or around it, if any). `deadline` is the
    完成时限 of every row without one of its own (a table with no such column, say)."""
    header = find_header(grid)
    if not title:
        title = stated_title(grid, header.last_row, year) or f"{year}年政务公开工作要点"
    stated = issued_on(grid, header.last_row, year)
    signed = signed or stated
    section, item, sections = "", None, 0
    numbered_sections = False  # 一、… headings seen: plain 任务名称 lines are then items
    tasks: list[ImportedTask] = []
    numbered = 0
    field_of_column = {c: name for name, columns in header.columns.items() for c in columns}
    # where the table keeps its sections: 类别 columns (一级类目 | 二级类目) and 任务名称 columns
    name_columns = sorted([*header.columns.get("类别", ()), *header.columns.get("任务名称", ())])
    previous: dict[str, str] | None = None  # the row above's values, for a table that kept no merges
    carried: list[int] = []  # rows whose blank owners or deadline were read from the row above

    def value(row: int, column: int) -> str:
        origin = grid.origin(row, column)
        if origin is None:
            cells = grid.rows[row]
            return _text(cells[column]) if column < len(cells) else ""
        if origin[0] == row or origin[1] != column or origin[0] <= header.last_row:
            return ""  # the rest of a merge across, or of a block: its first cell holds the text
        return _text(grid.value(row, column))  # a merge down: each row it covers has its text

    for row in range(header.last_row + 1, len(grid.rows)):
        own = [
            _text(cell) if not grid.covered(row, c) else ""
            for c, cell in enumerate(grid.rows[row])
            if c in field_of_column
        ]
        heading = _heading(grid, row, [text for text in own if text])
        if heading is not None:
            if _ITEM.match(heading) and section:
                item = heading
            else:
                section, item, sections = heading, None, sections + 1
                numbered_sections = True
            continue
        values = {
            name: "\n".join(filter(None, (value(row, c) for c in columns)))
            for name, columns in header.columns.items()
        }
        if not any(values.values()):
            continue
        if not grid.merges and previous is not None and _continues(values, name_columns, row, grid):
            if _carry_down(values, previous):
                carried.append(row + 1)
            if "序号" in values and own_number(values["具体任务"]):  # an item under a category's 序号
                values["序号"] = previous.get("序号", "")
        previous = values
        written = {
            line.strip()
            for c in name_columns
            if not grid.covered(row, c) and c < len(grid.rows[row])
            for line in _text(grid.rows[row][c]).splitlines()
        }
        for place, column in enumerate(name_columns):
            if grid.covered(row, column):
                continue  # a merge down, read at its first row
            for line in value(row, column).splitlines():
                line = line.strip()
                if _SECTION.match(line):
                    if line != section or line in written:  # not just a merge down read again
                        sections += line != section
                        section, item, numbered_sections = line, None, True
                elif not line or line == item or (line == section and place == 0):
                    continue  # a name read again (a table that repeats it in each row)
                elif numbered_sections or _ITEM.match(line) or place > 0:
                    item = line  # (一)…, or a name in the second of the name columns
                else:  # a plain name in a table without 一、… sections is the section
                    section, item, sections = line, None, sections + 1
        text = values.get("具体任务", "")
        numbered += 1
        given = values.get("序号", "")
        text_number = own_number(text)
        task_id = given or text_number or str(numbered)
        reading, owners = _owners(values, header.names, vocabulary)
        given = values.get("完成时限", "")
        remark = values.get("备注") or None
        if not given and remark and _reads(remark, year, signed):
            given = remark  # "11月底前完成" in 备注 where the table has no 完成时限
        given = given or deadline or ""
        task = ImportedTask(
            row=row + 1,
            id=task_id,
            section=section or title,
            item=item,
            text=text,
            owners=owners,
            deadline=given,
            remark=remark,
            reading=reading,
            deadline_read=bool(given) and _reads(given, year, signed),
            own_number=text_number,
        )
        task.problems.extend(_problems(task, vocabulary, year, signed))
        task.section_number = sections
        tasks.append(task)
    if tasks and "完成时限" not in header.columns and not any(task.deadline for task in tasks):
        raise TableError(
            _(
                "the table has no 完成时限 column: give the deadline of its tasks with --deadline "
                "(e.g. --deadline 年底前, or 全年持续推进)"
            )
        )
    imported = Imported(tasks, year, title, signed=signed)
    if signed is not None and signed == stated:
        imported.notes.append(
            _f(
                "issued on {day} (the date the document states; --signed gives another): recurring "
                "tasks owe no period due before it",
                day=signed.isoformat(),
            )
        )
    if carried:
        imported.notes.append(
            _f(
                "rows {rows}: 序号, 责任单位 and 完成时限 blank, as a merged cell is saved without its "
                "merge (CSV): read as the row above's",
                rows=", ".join(map(str, carried)),
            )
        )
    _unique_ids(imported)
    return imported


_CARRIED = ("责任单位", "牵头单位", "配合单位", "完成时限")


def _continues(values: dict[str, str], name_columns: list[int], row: int, grid: Grid) -> bool:
    """A row that goes on with the one above in a table saved without its merges: it has a task,
    but its 序号 and its 任务名称 / 类别 cells are blank, as the covered cells of a merge down are."""
    cells = grid.rows[row]
    names_blank = all(column >= len(cells) or not _text(cells[column]) for column in name_columns)
    return bool(values.get("具体任务")) and not values.get("序号") and names_blank


def _carry_down(values: dict[str, str], previous: dict[str, str]) -> bool:
    """Blank owners and deadline cells of a continuing row read as the row above's: what a merge
    down showed before it was saved as CSV. Only when all of them are blank (a row that names its
    own owners keeps them, and a blank deadline beside them stays blank)."""
    present = [name for name in _CARRIED if name in values]
    if not present or any(values[name] for name in present):
        return False
    for name in present:
        values[name] = previous.get(name, "")
    return any(values[name] for name in present)


def _heading(grid: Grid, row: int, texts: list[str]) -> str | None:
    """A row that only names a section or an item: one text, a heading's number or a merge
    across most of the row."""
    if len(set(texts)) != 1:
        return None
    text = texts[0]
    if _SECTION.match(text) or _ITEM.match(text):
        return text
    across = grid.across(row)
    return text if across >= 2 else None


def _owners(values: dict[str, str], names: dict[str, str], vocabulary: Vocabulary) -> tuple[Reading, str]:
    lead = values.get("牵头单位", "")
    if "牵头单位" not in values:
        phrase = values.get("责任单位", "")
        return vocabulary.read(phrase) if phrase else Reading((), (), ()), phrase
    others_field = "配合单位" if values.get("配合单位") else "责任单位"
    others = values.get(others_field, "")
    shown = [f"{names.get('牵头单位', '牵头单位')}：{lead}"] if lead else []
    if others:
        shown.append(f"{names.get(others_field, others_field)}：{others}")
    return vocabulary.read_columns(lead, others), "；".join(shown)


_ISSUED = re.compile(
    r"^[(（]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:印发)?\s*[)）]?$"
    r"|(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发"
)


_TABLE_SUFFIX = re.compile(
    r"(?:重点)?(?:任务分工(?:台账|方案|表)?|任务(?:台账|清单|分解表?)|分工(?:台账|方案)|台账|清单)$"
)
_QUOTED_PLAN = re.compile(r"《([^》]*(?:要点|计划|方案)[^》]*)》")


def stated_title(grid: Grid, header_row: int, year: int) -> str | None:
    """The plan's title as the document states it: a notice's 《…工作要点》, else the table's own
    title row (平安县2022年政务公开工作要点任务分工台账 → 平安县2022年政务公开工作要点), else a line
    of the document or its page title that names the table in the plan's year."""
    for text in [*grid.texts, grid.title]:
        quoted = _QUOTED_PLAN.search(text)
        if quoted and str(year) in quoted.group(1):
            return quoted.group(1)
    for row in grid.rows[:header_row]:
        texts = [_text(cell) for cell in row if _text(cell)]
        if len(set(texts)) != 1:
            continue
        title = _table_title(texts[0])
        if title:
            return title
    for text in [*grid.texts, re.split(r"[_|]| - | — ", grid.title)[0]]:
        title = _table_title(text)
        if title and str(year) in title:
            return title
    return None


def _table_title(text: str) -> str | None:
    text = re.sub(r"\s+", "", text)
    quoted = _QUOTED_PLAN.search(text)
    if quoted:
        return quoted.group(1)
    title = _TABLE_SUFFIX.sub("", text)
    if title.endswith(("主要", "重点")):  # 政务公开工作主要任务分解表: the plan is its 主要任务
        title += "任务"
    return title if title != text and len(title) >= 4 else None


def issued_on(grid: Grid, header_row: int, year: int) -> dt.date | None:
    """The 成文日期 a document states: a line that is only a date (2022年7月15日), or "…日印发", in
    the text around the table or in the title rows above its header; the first in the plan's year
    or the one before."""
    texts = [*grid.texts, *(_text(cell) for row in grid.rows[:header_row] for cell in row)]
    for text in texts:
        match = _ISSUED.search(unicodedata.normalize("NFKC", text).strip())
        if match is None:
            continue
        parts = [int(g) for g in match.groups() if g is not None]
        try:
            day = dt.date(parts[0], parts[1], parts[2])
        except ValueError:
            continue
        if year - 1 <= day.year <= year:
            return day
    return None


def _reads(text: str, year: int, signed: dt.date | None = None) -> bool:
    try:
        parse_deadline(text, year, signed)
    except DeadlineError:
        return False
    return True


def _problems(
    task: ImportedTask, vocabulary: Vocabulary, year: int, signed: dt.date | None = None
) -> list[str]:
    found = []
    if not task.text:
        found.append(_("具体任务 is empty"))
    if not task.owners:
        found.append(_("责任单位 is empty"))
    for part in dict.fromkeys(task.reading.unresolved):  # a part the cell repeats is said once
        found.append(
            _f(
                "责任单位: '{part}' is not assigned to units; kept in unresolved for the office. To read "
                "it in every task, name its units under words: in units.yaml (e.g. {line}) and import again",
                part=part,
                line=vocabulary.words_line(part),
            )
        )
    if not task.deadline:
        found.append(_("完成时限 is empty (--deadline TEXT gives every row without one a deadline)"))
    elif not task.deadline_read:
        try:
            parse_deadline(task.deadline, year, signed)
        except DeadlineError as exc:  # what is wrong with it, in the grammar's words
            found.append(_f("完成时限: {problem}", problem=exc))
    return found


def _unique_ids(imported: Imported) -> None:
    """Ids that repeat (序号 restarting in each section) become section.number: 2.1, 2.2 …"""
    counts = Counter(task.id for task in imported.tasks)
    if all(count == 1 for count in counts.values()):
        return
    if _items_numbered(imported, counts):
        return
    for task in imported.tasks:
        task.id = f"{task.section_number}.{task.id}"
    imported.notes.append(_("序号 repeats across sections: ids are written as section.number (2.1, 2.2 …)"))
    seen: Counter[str] = Counter()
    for task in imported.tasks:
        seen[task.id] += 1
        if seen[task.id] > 1:
            task.problems.append(
                _f("序号 {id} repeats; given the id '{new}'", id=task.id, new=f"{task.id}-{seen[task.id]}")
            )
            task.id = f"{task.id}-{seen[task.id]}"


def _items_numbered(imported: Imported, counts: Counter[str]) -> bool:
    """序号 numbering categories (one number merged down over its items) while each item's text
    carries its own number ("(1.1)…"): the items' own numbers are their ids, when they are unique."""
    repeated = [task for task in imported.tasks if counts[task.id] > 1]
    if not all(task.own_number for task in repeated):
        return False
    # every item that carries its own number goes by it, a category's only item too ("2" → 2.1)
    ids = [task.own_number if counts[task.id] > 1 or task.own_number else task.id for task in imported.tasks]
    if len(set(ids)) != len(ids):
        return False
    for task, new in zip(imported.tasks, ids, strict=True):
        task.id = str(new)
    imported.notes.append(
        _("序号 numbers the categories: each item's id is the number its text gives it ((1.1) → 1.1)")
    )
    return True


def selector_yaml(terms: Sequence[Term]) -> str:
    return "[" + ", ".join(_term_yaml(term) for term in terms) + "]"


def _term_yaml(term: Term) -> str:
    parts = []
    for key in ("unit", "kind", "level", "tag", "group", "role"):
        values: tuple[str, ...] = getattr(term, key)
        if values:
            shown = (
                flow_scalar(values[0])
                if len(values) == 1
                else "[" + ", ".join(flow_scalar(v) for v in values) + "]"
            )
            parts.append(f"{key}: {shown}")
    if term.with_children is not None:
        parts.append(f"with_children: {_term_yaml(term.with_children)}")
    return "{" + ", ".join(parts) + "}"


def _one_line(text: str) -> str:
    """Text for a comment: a line break in it would end the comment and start YAML."""
    return " ".join(text.split())


def to_yaml(imported: Imported, source_name: str) -> str:
    """tasks.yaml text; rows that need a look carry a `# 待复核` comment with the reason. The file's
    comments are Chinese, as units.yaml's are: the office's staff read and edit it."""
    lines = [
        TASKS_MODELINE.rstrip("\n"),
        f"# 《{_one_line(imported.title)}》的任务台账，由 gkledger 从 {_one_line(source_name)} 导入。",
        "# 请与通知原文逐项核对；标有“待复核”的行需要人工确认。",
        *(f"# {_one_line(note)}" for note in imported.notes),
        "",
        "plan:",
        f"  title: {scalar(imported.title)}",
        f"  year: {imported.year}",
        *([f"  signed: {imported.signed.isoformat()}"] if imported.signed else []),
        "",
        "tasks:",
    ]
    for task in imported.tasks:
        for problem in task.problems:
            lines.append(f"  # 待复核（第{task.row}行）：{_one_line(problem)}")
        lines.append(f"  - id: {json.dumps(task.id, ensure_ascii=False)}")
        lines.append(f"    section: {scalar(task.section)}")
        if task.item is not None:
            lines.append(f"    item: {scalar(task.item)}")
        lines.append(f"    text: {scalar(task.text)}")
        lines.append(f"    owners: {scalar(task.owners)}")
        lines.append(f"    owed_by: {selector_yaml(task.reading.owed)}")
        if task.reading.lead:
            lines.append(f"    lead: {selector_yaml(task.reading.lead)}")
        if task.reading.unresolved:
            parts = ", ".join(flow_scalar(p) for p in task.reading.unresolved)
            lines.append(f"    unresolved: [{parts}]")
        lines.append(f"    deadline: {scalar(task.deadline)}")
        if task.remark:
            lines.append(f"    remark: {scalar(task.remark)}")
        lines.append("")
    if not imported.tasks:
        lines[-1] = "tasks: []"
    return "\n".join(lines).rstrip("\n") + "\n"
