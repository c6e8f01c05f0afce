"""催办通知 and 通报 as Word documents (opened back and read), Markdown and HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.status import AsOf, Obligations
from gkledger.store.load import load

from .conftest import write

Cli = Callable[..., Result]
docx = pytest.importorskip("docx")

SETTINGS = "settings:\n  office: 呼和浩特市人民政府办公室\n  number_prefix: 呼政办督\n  contact: 张三\n  phone: 0471-1234567\n"


@pytest.fixture
def office(shipped: Path) -> Path:
    tasks = (shipped / "tasks.yaml").read_text(encoding="utf-8")
    write(shipped / "tasks.yaml", tasks.replace("settings:\n", SETTINGS, 1))
    write(
        shipped / "progress" / "回民区.yaml",
        "- task: '4'\n  unit: 回民区\n  done: 2021-06-25\n- task: '21'\n  unit: 回民区\n  done: 2021-08-20\n",
    )
    return shipped


def text_of(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def test_remind_docx_is_a_notice_to_each_unit(cli: Cli, office: Path, tmp_path: Path) -> None:
    out = tmp_path / "催办"
    result = cli("remind", "--format", "docx", "-o", str(out), "--today", "2021-09-01", "--data", str(office))
    assert result.exit_code == 0, result.output
    path = next(out.glob("催办通知-回民区-*.docx"))
    paragraphs, tables = text_of(path)
    assert "回民区：" in paragraphs  # 主送 the unit's full name
    body = "\n".join(paragraphs)
    assert "你单位" in body and "0项" not in body
    assert "呼政办督〔2021〕" in body
    assert paragraphs[-3:-1] == ["呼和浩特市人民政府办公室", "2021年9月1日"]  # 落款: the office and the date
    assert paragraphs[-1].startswith("（联系人：")  # then the 附注
    assert "联系人：张三" in body and "0471-1234567" in body and "2021年9月8日前" in body
    ledger = load(office).ledger
    late = {
        r.task.id
        for r in Obligations(ledger).rows(
            AsOf(__import__("datetime").date(2021, 9, 1), 7),
            next(u for u in ledger.units if u.name == "回民区"),
        )
        if r.status in ("late", "due-soon")
    }
    [table] = tables
    assert table[0] == ["序号", "具体任务", "完成时限", "办理情况"]
    assert {row[0] for row in table[1:]} == late
    assert "4" not in late and "21" not in late  # what is done is not asked for


def test_a_notice_leaves_out_what_there_is_none_of(cli: Cli, office: Path) -> None:
    result = cli("remind", "--unit", "玉泉区", "--today", "2021-06-25", "--data", str(office))
    assert result.exit_code == 0
    assert "临期事项" in result.stdout and "逾期事项0项" not in result.stdout and "你单位" in result.stdout


def test_bulletin_docx_ranks_units_and_lists_what_changed(cli: Cli, office: Path, tmp_path: Path) -> None:
    path = tmp_path / "通报.docx"
    result = cli("bulletin", "--since", "2021-08-01", "--format", "docx", "-o", str(path),
                 "--today", "2021-09-01", "--data", str(office))  # fmt: skip
    assert result.exit_code == 0, result.output
    paragraphs, tables = text_of(path)
    body = "\n".join(paragraphs)
    assert "落实情况的通报" in body and "各有关单位：" in paragraphs
    assert "一、各单位按期办结情况" in paragraphs
    ranking = tables[0]
    assert (
        ranking[0][:2] == ["排名", "单位"] and ranking[1][1] == "回民区"
    )  # the only unit with work done on time
    assert "2021年8月1日以来办结的事项" in body
    done_table = next(t for t in tables if t[0] == ["单位", "序号", "具体任务", "完成日期"])
    assert [[r[0], r[1], r[3]] for r in done_table[1:]] == [
        ["回民区", "21", "2021年8月20日"]
    ]  # task 4 was before
    assert "2021年8月1日以来新增的逾期事项" in body
    assert "、存在问题" in body and "、下一步工作要求" in body
    signed = paragraphs.index("2021年9月1日")  # the 成文日期 and its 附注 close the body; the 附件 follow
    assert paragraphs[signed + 1 :][:2] == ["（联系人：张三，联系电话：0471-1234567）", "附件1"]
    assert any(p.startswith("附件：1．各单位按期办结情况") for p in paragraphs[:signed])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_bulletin_as_text(cli: Cli, office: Path, fmt: str) -> None:
    result = cli("bulletin", "--format", fmt, "--today", "2021-09-01", "--data", str(office))
    assert result.exit_code == 0
    assert "落实情况的通报" in result.stdout and "按期办结率" in result.stdout
    assert "以来" not in result.stdout  # no --since: those sections are left out
    if fmt == "html":
        assert "<script" not in result.stdout and "default-src 'none'" in result.stdout


def test_each_notice_gets_its_own_number_when_asked(cli: Cli, office: Path, tmp_path: Path) -> None:
    out = tmp_path / "催办"
    result = cli("remind", "--format", "docx", "-o", str(out), "--number-from", "7",
                 "--today", "2021-09-01", "--data", str(office))  # fmt: skip
    assert result.exit_code == 0, result.output
    numbers = sorted(
        next(p for p in text_of(path)[0] if p.startswith("呼政办督")) for path in out.glob("*.docx")
    )
    assert len(numbers) == len(set(numbers)) == len(list(out.glob("*.docx")))  # one each
    assert "呼政办督〔2021〕7号" in numbers
    blank = tmp_path / "空号"
    assert cli("remind", "--format", "docx", "-o", str(blank), "--unit", "回民区",
               "--today", "2021-09-01", "--data", str(office)).exit_code == 0  # fmt: skip
    assert "呼政办督〔2021〕\u3000号" in text_of(next(blank.glob("*.docx")))[0]
