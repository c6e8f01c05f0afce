"""JSON Schemas of the ledger files, for editors (yaml-language-server) to flag mistakes as you type.

Built from the same field lists the loader checks (`load.*_FIELDS`), so the two cannot drift;
`schema/*.schema.json` in the repository are this module's output, kept in sync by a test. Editors
read YAML 1.2, where `2021-06-16` is a string and `5` a number: the schemas accept what gkledger
accepts (ids as text or whole numbers, dates as YYYY-MM-DD text).
"""

from __future__ import annotations

import json
from typing import Any

from gkledger.store.load import (
    PLAN_FIELDS,
    RECORD_FIELDS,
    TASK_FIELDS,
    TERM_FIELDS,
    UNIT_FIELDS,
)
from gkledger.store.settings import SETTINGS_FIELDS

Schema = dict[str, Any]

BASE = "https://gkledger.invalid/schema/"  # an identifier, never fetched
TEXT: Schema = {"type": "string", "minLength": 1, "pattern": r"\S"}
ID: Schema = {"anyOf": [TEXT, {"type": "integer", "minimum": 0}]}
DATE: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}
URL: Schema = {"type": "string", "pattern": r"^https?://[^\s/?#@:]+"}
NAMES: Schema = {"anyOf": [TEXT, {"type": "array", "items": TEXT, "minItems": 1}]}


MAINTAINERS: Schema = {
    "description": "forge handles (@name, @org/team) or e-mail addresses, as CODEOWNERS names owners",
    "anyOf": [
        {"type": "string", "pattern": "^(@|[^@\\s]+@)"},
        {"type": "array", "items": {"type": "string", "pattern": "^(@|[^@\\s]+@)"}},
    ],
}


def _object(properties: dict[str, Schema], fields: tuple[str, ...], required: tuple[str, ...]) -> Schema:
    assert set(properties) == set(fields), "the schema must describe exactly the fields the loader reads"
    return {
        "type": "object",
        "properties": {name: properties[name] for name in fields},
        "required": list(required),
        "additionalProperties": False,
    }


def _term() -> Schema:
    properties: dict[str, Schema] = {name: NAMES for name in TERM_FIELDS if name != "with_children"}
    properties["with_children"] = {"$ref": "#/$defs/term"}
    term = _object(properties, TERM_FIELDS, ())
    term["minProperties"] = 1
    term["description"] = "Units matching every filter given; see README.md, Selectors."
    return term


def _selector_defs() -> Schema:
    return {
        "term": _term(),
        "selector": {
            "anyOf": [
                {"$ref": "#/$defs/term"},
                {"type": "array", "items": {"$ref": "#/$defs/term"}, "minItems": 1},
            ]
        },
    }


def tasks_schema() -> Schema:
    plan = _object(
        {
            "title": TEXT,
            "number": TEXT,
            "issuer": TEXT,
            "notice": TEXT,
            "attachment": TEXT,
            "signed": DATE,
            "published": DATE,
            "year": {"type": "integer", "minimum": 1949, "maximum": 2999},
            "note": TEXT,
        },
        PLAN_FIELDS,
        ("title", "year"),
    )
    task = _object(
        {
            "id": ID,
            "section": TEXT,
            "item": {"anyOf": [TEXT, {"type": "null"}]},
            "text": TEXT,
            "owners": TEXT,
            "owed_by": {
                "anyOf": [{"$ref": "#/$defs/selector"}, {"type": "array", "maxItems": 0}],
                "description": "who owes the task; [] only while every part is unresolved",
            },
            "lead": {"$ref": "#/$defs/selector", "description": "who leads (牵头); they owe it too"},
            "carried_from": {
                **TEXT,
                "pattern": r"^\d{4}#\S+$",
                "description": "YYYY#id: the task of an earlier plan this one carries over (gkledger carry)",
            },
            "unresolved": {
                **NAMES,
                "description": "parts of owners not yet assigned to units, verbatim (a warning)",
            },
            "deadline": {**TEXT, "description": "完成时限 verbatim: 2021年12月底, 9月30日前, 全年持续推进 …"},
            "remark": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "note": TEXT,
        },
        TASK_FIELDS,
        ("id", "section", "text", "owners", "owed_by", "deadline"),
    )
    settings = _object(
        {
            "soon_days": {"type": "integer", "minimum": 0, "maximum": 366},
            "strict_owner_files": {"type": "boolean"},
            "max_entry_lag": {"type": "integer", "minimum": 0, "maximum": 3660},
            "office": {**TEXT, "description": "发文机关: the office that issues 催办通知 and 通报"},
            "number_prefix": {**TEXT, "description": "文号 prefix, such as 呼政办督"},
            "contact": {**TEXT, "description": "联系人"},
            "phone": {**TEXT, "description": "联系电话"},
            "letterhead": {**TEXT, "description": "发文机关标志, printed as the 版头 with its red line"},
            "seal": {"type": "boolean", "description": "the office seals what it sends (落款 with the 印章)"},
            "copy_to": {**TEXT, "description": "抄送 of the 版记"},
            "printed_by": {**TEXT, "description": "印发机关 of the 版记"},
            "reply_days": {
                "type": "integer",
                "minimum": 1,
                "maximum": 60,
                "description": "working days after a 催办 is issued that it asks for completion by",
            },
            "require_confirmation": {
                "type": "boolean",
                "description": "a completion counts as done only once the office confirms it",
            },
            "scoring": {
                "type": "object",
                "description": "考核 rules for gkledger score",
                "additionalProperties": False,
                "properties": {
                    **{
                        name: {"type": "number", "minimum": 0}
                        for name in (
                            "full",
                            "per_late",
                            "per_done_late",
                            "per_returned",
                            "per_day_late",
                            "cap",
                        )
                    },
                    "grades": {
                        "type": "object",
                        "description": "each 等次 and its lowest score: {优秀: 90, 良好: 80, 合格: 60}",
                        "additionalProperties": {"type": "number"},
                    },
                },
            },
        },
        SETTINGS_FIELDS,
        (),
    )
    return _document(
        "tasks",
        "gkledger tasks.yaml: a work plan's 任务台账",
        _object(
            {"plan": plan, "settings": settings, "tasks": {"type": "array", "items": task}},
            ("plan", "settings", "tasks"),
            ("plan", "tasks"),
        ),
        _selector_defs(),
    )


def units_schema() -> Schema:
    unit = _object(
        {
            "name": TEXT,
            "full_name": TEXT,
            "aliases": NAMES,
            "kind": TEXT,
            "level": TEXT,
            "parent": TEXT,
            "tags": NAMES,
            "code": {"anyOf": [TEXT, {"type": "integer"}]},
            "note": TEXT,
            "maintainers": MAINTAINERS,
        },
        UNIT_FIELDS,
        ("name", "full_name", "kind", "level"),
    )
    groups = {"type": "object", "additionalProperties": {"$ref": "#/$defs/selector"}}
    words = {
        "type": "object",
        "description": "how notices name roles (a word: a tag) and sets of units (a word: a selector)",
        "additionalProperties": {"anyOf": [TEXT, {"$ref": "#/$defs/selector"}]},
    }
    return _document(
        "units",
        "gkledger units.yaml: the units that owe the tasks",
        _object(
            {
                "maintainers": MAINTAINERS,
                "groups": groups,
                "words": words,
                "units": {"type": "array", "items": unit},
            },
            ("maintainers", "groups", "words", "units"),
            ("units",),
        ),
        _selector_defs(),
    )


def progress_schema() -> Schema:
    record = _object(
        {
            "task": ID,
            "unit": TEXT,
            "period": {**TEXT, "description": "a recurring task's period: 2022-07, 2022-Q3 or 2022-H2"},
            "done": DATE,
            "waived": TEXT,
            "evidence": URL,
            "note": TEXT,
            "expect": {**NAMES, "description": "terms the evidence page must still mention (gkledger links)"},
        },
        RECORD_FIELDS,
        ("task", "unit"),
    )
    record["oneOf"] = [{"required": ["done"]}, {"required": ["waived"]}]
    return _document(
        "progress",
        "gkledger progress/*.yaml: completion records, done on a date or waived with a reason",
        {"anyOf": [{"type": "array", "items": record}, {"type": "null"}]},
        {},
    )


def _document(name: str, title: str, body: Schema, defs: Schema) -> Schema:
    document: Schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}{name}.schema.json",
        "title": title,
        "$comment": f"Generated by `gkledger schema {name}`; do not edit.",
    }
    document.update(body)
    if defs:
        document["$defs"] = defs
    return document


SCHEMAS = {"tasks": tasks_schema, "units": units_schema, "progress": progress_schema}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=2) + "\n"
