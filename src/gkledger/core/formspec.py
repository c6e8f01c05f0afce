"""What a fill-in form (填报表) is, for the renderer that writes it and the intake that reads it
back: its columns, which of them a unit may edit, and the tokens that bind a row to its plan, unit
and task."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from gkledger.core.model import Plan

HEADERS = ("序号", "具体任务", "完成时限", "到期日期", "当前状态", "完成日期", "佐证链接", "免办理由", "说明")
EDITABLE = ("完成日期", "佐证链接", "免办理由", "说明")
TOKEN_HEADER = "校验"
IDENTITY_SHEET = "gkledger"
FORM_VERSION = "1"
SHEET_TITLE = "填报"


def plan_key(plan: Plan | None) -> str:
    """What names a plan across issues of its forms: its number (文号), else title, and year."""
    if plan is None:
        return ""
    return f"{plan.number or plan.title}|{plan.year}"


def token(plan: str, unit: str, task: str) -> str:
    """A row's token: the same for every issue of the unit's form, different for any other unit,
    plan or task. Not a secret (anyone may read the code): it tells mistakes, not forgeries."""
    return hashlib.blake2b(f"{plan}\0{unit}\0{task}".encode(), digest_size=6).hexdigest()


def digest(rows: Sequence[tuple[str, str]]) -> str:
    """The rows a form was issued with (task, due day), to know an older issue from the current one."""
    return hashlib.blake2b(json.dumps(rows, ensure_ascii=False).encode(), digest_size=12).hexdigest()
