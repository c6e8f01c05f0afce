"""Text edits of progress files that keep every other byte as it was. Pure: text in, text out.

A progress file is people's work: comments, blank lines, quoting and line ends are theirs. New
records are appended in the file's own style (indentation, quoting of task ids, blank lines between
records, CRLF or LF); a replaced record has only its own lines rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from gkledger.locate import PROGRESS_MODELINE

# Plain scalars that any YAML reader takes as the same text: no indicators, no YAML 1.1 specials.
_SAFE_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*$")
_SPECIAL_WORDS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|[-+]?[0-9_.:]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN)|=|<<)$"
)


@dataclass(frozen=True)
class Style:
    """How a progress file writes its records."""

    newline: str = "\n"
    dash_indent: str = ""
    field_indent: str = "  "
    id_quote: str = '"'  # '"', "'" or "" (plain)
    blank_between: bool = False


@dataclass(frozen=True)
class NewRecord:
    task: str
    unit: str
    done: dt.date | None = None
    waived: str | None = None
    evidence: str | None = None
    note: str | None = None


def scalar(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`: plain when unambiguous, else double-quoted."""
    if (
        _SAFE_PLAIN.match(text)
        and not _SPECIAL_WORDS.match(text)
        and ": " not in text
        and not text.endswith((" ", ":"))
        and text.isprintable()  # no line breaks, tabs or unusual spaces in a plain scalar
    ):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _quoted_id(task: str, quote: str) -> str:
    if quote == "'" and "'" not in task:
        return f"'{task}'"
    if quote == "" and scalar(task) == task and task.isdigit():
        return task
    return json.dumps(task, ensure_ascii=False)


def detect_style(text: str) -> Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    dash_rows = [i for i, line in enumerate(lines) if re.match(r"^\s*-\s+\S", line)]
    if not dash_rows:
        return Style(newline=newline)
    first = lines[dash_rows[0]]
    dash_indent = first[: len(first) - len(first.lstrip())]
    after_dash = re.match(r"^(\s*-\s+)", first)
    field_indent = " " * len(after_dash.group(1)) if after_dash else dash_indent + "  "
    quote = '"'
    for line in lines:
        match = re.match(r"^\s*(?:-\s+)?task:\s*(\S)", line)
        if match:
            quote = match.group(1) if match.group(1) in "'\"" else ""
            break
    blank_between = any(i > 0 and not lines[i - 1].strip() for i in dash_rows[1:])
    return Style(newline, dash_indent, field_indent, quote, blank_between)


def render(record: NewRecord, style: Style) -> str:
    """The record's lines in the file's style, each ending with the file's newline."""
    fields: list[tuple[str, str]] = [
        ("task", _quoted_id(record.task, style.id_quote)),
        ("unit", scalar(record.unit)),
    ]
    if record.done is not None:
        fields.append(("done", record.done.isoformat()))
    if record.waived is not None:
        fields.append(("waived", scalar(record.waived)))
    if record.evidence is not None:
        fields.append(("evidence", scalar(record.evidence)))
    if record.note is not None:
        fields.append(("note", scalar(record.note)))
    first = style.dash_indent + "-" + " " * max(1, len(style.field_indent) - len(style.dash_indent) - 1)
    lines = []
    for i, (key, value) in enumerate(fields):
        lines.append(f"{first if i == 0 else style.field_indent}{key}: {value}")
    return "".join(line + style.newline for line in lines)


def header(unit: str, newline: str = "\n") -> str:
    return (
        PROGRESS_MODELINE.replace("\n", newline)
        + f"# Progress records (完成情况) of {unit}: one per task, done on a date or waived with a reason."
        f"{newline}# Written by gkledger done / waive; hand edits and comments are kept.{newline}"
    )


def append(text: str, record: NewRecord, unit_for_header: str) -> str:
    """`text` with the record added at the end (a new file gets a header comment first)."""
    if not text.strip():
        return (text if text else header(unit_for_header)) + render(record, Style())
    style = detect_style(text)
    body = text if text.endswith(("\n", "\r")) else text + style.newline
    if _is_empty_flow_list(body):
        body = re.sub(r"^\s*\[\s*\]\s*$", "", body, flags=re.MULTILINE)
    separator = style.newline if style.blank_between and body.strip() else ""
    return body + separator + render(record, style)


def _is_empty_flow_list(text: str) -> bool:
    meaningful = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return meaningful == ["[]"] or [line.strip() for line in meaningful] == ["[]"]


def replace(text: str, first_line: int, next_line: int | None, record: NewRecord) -> str:
    """`text` with the record whose item starts on `first_line` (1-based) rewritten.

    The record runs to the line before `next_line` (the next record, or the end of the file);
    comments and blank lines at its end stay where they are, as they introduce what follows.
    """
    lines = text.splitlines(keepends=True)
    start = first_line - 1
    while start > 0 and not lines[start].lstrip().startswith("-"):
        start -= 1  # a record written as '-' alone on a line, with its fields below
    end = (next_line - 1) if next_line is not None else len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    style = detect_style(text)
    new_lines = render(record, style)
    if end == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        new_lines = new_lines[: -len(style.newline)]
    return "".join(lines[:start]) + new_lines + "".join(lines[end:])
