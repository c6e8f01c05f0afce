"""What a roll-up looks like in Datasette (`gkledger browse`): Chinese titles and column notes, the
facets an office filters by (台账, 单位类型, 状态), and saved queries for the questions it asks
most (逾期清单, 各地按期办结率). Pure: the database's name in, Datasette's metadata out."""

from __future__ import annotations

from typing import Any

from gkledger.core.status import NAMES_ZH

_COLUMNS = {
    "ledger": "台账（汇总时所用标签）",
    "task": "序号",
    "period": "期次（定期任务）",
    "unit": "单位",
    "unit_full_name": "单位全称",
    "due": "到期日期",
    "status": "状态：" + "，".join(f"{word} {label}" for word, label in NAMES_ZH.items()),
    "days_left": "剩余天数（负数为逾期天数）",
    "lead": "是否牵头单位",
    "text": "具体任务",
    "owners": "责任单位（原文）",
    "deadline": "完成时限（原文）",
    "ongoing": "是否持续推进类任务",
    "done": "完成日期",
    "waived": "免办理由",
    "evidence": "佐证链接",
    "note": "说明",
    "record": "记录位置",
    "kind": "单位类型",
}

_LATE = """
SELECT ledger AS 台账, unit AS 单位, task AS 序号, period AS 期次, due AS 到期日期,
       -days_left AS 逾期天数, text AS 具体任务
FROM obligations WHERE status = 'late'
ORDER BY ledger, days_left, unit
"""

_RATES = """
SELECT ledger AS 台账,
       COUNT(*) AS 应办,
       SUM(status IN ('done', 'done-late')) AS 已办结,
       SUM(status = 'waived') AS 免办,
       SUM(status = 'late') AS 逾期,
       SUM(due < (SELECT value FROM meta WHERE key = 'as_of') AND status != 'waived') AS 已到期,
       SUM(status = 'done' AND due < (SELECT value FROM meta WHERE key = 'as_of')) AS 按期办结,
       ROUND(100.0 * SUM(status = 'done' AND due < (SELECT value FROM meta WHERE key = 'as_of'))
             / NULLIF(SUM(due < (SELECT value FROM meta WHERE key = 'as_of') AND status != 'waived'), 0), 1)
         AS "按期办结率（%）"
FROM obligations GROUP BY ledger
ORDER BY "按期办结率（%）" IS NULL, "按期办结率（%）", 逾期 DESC
"""


def metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata for the roll-up served as `database`."""
    return {
        "title": "政务公开工作台账汇总",
        "description": "由 gkledger rollup 生成：各台账的单位、任务、事项、完成记录和检查发现的问题。",
        "databases": {
            database: {
                "title": "台账汇总",
                "tables": {
                    "ledgers": {"title": "各台账", "columns": {"label": "标签", "title": "计划标题"}},
                    "units": {"title": "单位", "facets": ["ledger", "kind"], "columns": _COLUMNS},
                    "tasks": {"title": "任务", "facets": ["ledger"], "columns": _COLUMNS},
                    "obligations": {
                        "title": "各单位事项",
                        "facets": ["ledger", "status"],
                        "columns": _COLUMNS,
                    },
                    "obligations_by_kind": {
                        "title": "各单位事项（含单位类型）",
                        "facets": ["ledger", "kind", "status"],
                        "columns": _COLUMNS,
                    },
                    "records": {"title": "完成记录", "facets": ["ledger"], "columns": _COLUMNS},
                    "problems": {"title": "检查发现的问题", "facets": ["ledger", "severity", "code"]},
                    "meta": {"hidden": True},
                },
                "queries": {
                    "late": {"title": "逾期清单", "sql": _LATE.strip()},
                    "rates": {"title": "各地按期办结率", "sql": _RATES.strip()},
                },
            }
        },
    }
