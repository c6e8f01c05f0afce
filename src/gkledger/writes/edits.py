"""Edits of progress files that keep every other byte as it was, and prove it. Pure: text in, text out.

A progress file is people's work: comments, blank lines, quoting and line ends are theirs. The
file is parsed first and its layout read from its top-level sequence (never from a nested one): a
new record is appended in the file's own style (indentation, quoting of task ids, blank lines
between records, CRLF or LF); a replaced record has only its own lines rewritten.

Every edit is then parsed again and compared, value by value, with what was meant: the other
records unchanged, and exactly the new record holding exactly the values given. When a text edit
cannot be made that way (a file in flow style, a record whose anchor others use, odd layouts), the
file is rewritten from its values in block style, which keeps every record's values but not its
comments, and the result says so. When even that does not read back as meant, nothing is edited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from gkledger.i18n import _
from gkledger.store.locate import PROGRESS_MODELINE
from gkledger.store.yaml_source import Mapping, Scalar, Sequence, parse
from gkledger.store.yaml_text import printable, quoted, records_of, scalar


class EditError(Exception):
    """The edit cannot be made so that the file reads back as meant; nothing should be written."""


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
    """A record to write. Asked for, its task and unit may be as the user named them (an alias);
    `recording` resolves them to the canonical id and name before anything is written."""

    task: str
    unit: str
    done: dt.date | None = None
    waived: str | None = None
    evidence: str | None = None
    note: str | None = None
    period: str | None = None  # of a recurring task: 2022-Q3

    def values(self) -> dict[str, str]:
        """The record as the loader will read it back: every value text."""
        fields = {"task": self.task, "unit": self.unit}
        if self.period is not None:
            fields["period"] = self.period
        if self.done is not None:
            fields["done"] = self.done.isoformat()
        if self.waived is not None:
            fields["waived"] = self.waived
        if self.evidence is not None:
            fields["evidence"] = self.evidence
        if self.note is not None:
            fields["note"] = self.note
        return fields


@dataclass(frozen=True)
class Edited:
    text: str
    rewritten: bool  # the file was rewritten from its values (its comments and layout are gone)


def _quoted_id(task: str, quote: str) -> str:
    if quote == "'" and "'" not in task and all(printable(c) for c in task):
        return f"'{task}'"
    if quote == "" and scalar(task) == task and task.isdigit():
        return task
    return quoted(task)


# ---------------------------------------------------------------------------------------------
# The layout of a file, read from its top-level sequence
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    lines: list[str]  # with their line ends
    starts: list[int]  # 0-based index of the line with each top-level item's dash
    style: Style


def _layout(text: str) -> _Layout | None:
    """The file's top-level block sequence and its style, or None when it has none to edit."""
    value, problems = parse("progress file", text.encode("utf-8", "surrogatepass"))
    if problems or not isinstance(value, Sequence) or value.flow or not value.items:
        return None
    lines = text.splitlines(keepends=True)
    dash_column = value.column - 1
    starts: list[int] = []
    for item in value.items:
        row = item.line - 1
        while row >= 0 and not _is_dash(lines[row], dash_column):
            row -= 1
        if row < 0 or (starts and row <= starts[-1]):
            return None
        starts.append(row)
    first = value.items[0]
    dash = " " * dash_column
    field_indent = dash + "  "
    quote = '"'
    if isinstance(first, Mapping):
        if first.column - 1 > dash_column + 1:
            field_indent = " " * (first.column - 1)
        task = first.entries.get("task")
        if task is not None and isinstance(task[1], Scalar):
            node = task[1]
            written = lines[node.line - 1][node.column - 1 : node.column] if node.line <= len(lines) else ""
            quote = written if written in ("'", '"') else ""
    blank = any(row > 0 and not lines[row - 1].strip() for row in starts[1:])
    newline = "\r\n" if "\r\n" in text else "\n"
    return _Layout(lines, starts, Style(newline, dash, field_indent, quote, blank))


def _is_dash(line: str, column: int) -> bool:
    return (
        line[:column].strip() == ""
        and line[column : column + 1] == "-"
        and line[column + 1 : column + 2]
        in (
            " ",
            "\t",
            "\r",
            "\n",
            "",
        )
    )


def detect_style(text: str) -> Style:
    layout = _layout(text)
    if layout is not None:
        return layout.style
    return Style(newline="\r\n" if "\r\n" in text else "\n")


def render(record: NewRecord, style: Style) -> str:
    """The record's lines in the file's style, each ending with the file's newline."""
    fields = [(key, scalar(value)) for key, value in record.values().items()]
    fields[0] = ("task", _quoted_id(record.task, style.id_quote))
    first = style.dash_indent + "-" + " " * max(1, len(style.field_indent) - len(style.dash_indent) - 1)
    indent = " " * (len(first))
    lines = [f"{first if i == 0 else indent}{key}: {value}" for i, (key, value) in enumerate(fields)]
    return "".join(line + style.newline for line in lines)


def header(unit: str, newline: str = "\n") -> str:
    return (
        PROGRESS_MODELINE.replace("\n", newline)
        + f"# Progress records (完成情况) of {unit}: one per task, done on a date or waived with a reason."
        f"{newline}# Written by gkledger done / waive; hand edits and comments are kept.{newline}"
    )


# ---------------------------------------------------------------------------------------------
# Append and replace, each checked against what was meant
# ---------------------------------------------------------------------------------------------


def append(text: str, record: NewRecord, unit_for_header: str) -> Edited:
    """`text` with the record added after the last one (a new file gets a header comment first)."""
    old = records_of(text)
    if old is None:
        raise EditError(_("the file does not read as a list of records"))
    expected = [*old, record.values()]
    return _checked(_append_text(text, record, unit_for_header), expected, text)


def replace(text: str, index: int, record: NewRecord) -> Edited:
    """`text` with its record number `index` (0-based, in file order) rewritten."""
    old = records_of(text)
    if old is None or not 0 <= index < len(old):
        raise EditError(_("the record to replace is not where the ledger found it"))
    expected = [*old[:index], record.values(), *old[index + 1 :]]
    return _checked(_replace_text(text, index, record), expected, text)


def _checked(candidate: str | None, expected: list[Any], original: str) -> Edited:
    if candidate is not None and records_of(candidate) == expected:
        return Edited(candidate, rewritten=False)
    rewritten = rewrite(original, expected)
    if records_of(rewritten) == expected:
        return Edited(rewritten, rewritten=True)
    raise EditError(_("the edited file would not read back as the records meant"))


def _append_text(text: str, record: NewRecord, unit_for_header: str) -> str | None:
    if not _has_content(text):
        if _is_empty_flow_list(text):
            text = re.sub(r"^\s*\[\s*\]\s*$\r?\n?", "", text, flags=re.MULTILINE)
        newline = "\r\n" if "\r\n" in text else "\n"
        start = text if text.strip() else header(unit_for_header, newline)
        if start and not start.endswith(("\n", "\r")):
            start += newline
        return start + render(record, Style(newline=newline))
    layout = _layout(text)
    if layout is None:
        return None
    style = layout.style
    body = text if text.endswith(("\n", "\r")) else text + style.newline
    separator = style.newline if style.blank_between else ""
    return body + separator + render(record, style)


def _has_content(text: str) -> bool:
    return any(
        line.strip() and not line.lstrip().startswith("#") and line.strip() not in ("---", "[]")
        for line in text.splitlines()
    )


def _is_empty_flow_list(text: str) -> bool:
    meaningful = [
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return "[]" in meaningful


def _replace_text(text: str, index: int, record: NewRecord) -> str | None:
    layout = _layout(text)
    if layout is None or index >= len(layout.starts):
        return None
    lines = layout.lines
    start = layout.starts[index]
    end = layout.starts[index + 1] if index + 1 < len(layout.starts) else len(lines)
    # Comments and blank lines at a record's end stay where they are: they introduce what follows.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    new_lines = render(record, layout.style)
    if end == len(lines) and not lines[-1].endswith(("\n", "\r")):
        new_lines = new_lines[: -len(layout.style.newline)]
    return "".join(lines[:start]) + new_lines + "".join(lines[end:])


# ---------------------------------------------------------------------------------------------
# The fallback: the whole file from its values
# ---------------------------------------------------------------------------------------------


def rewrite(original: str, records: list[Any]) -> str:
    """The records in block style, after the comment lines that opened the original file."""
    newline = "\r\n" if "\r\n" in original else "\n"
    opening = []
    for line in original.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        opening.append(line)
    while opening and not opening[-1].strip():
        opening.pop()
    lines = [*opening]
    for record in records:
        lines.extend(_emit_item(record, ""))
    return "".join(line + newline for line in lines) if lines else "[]" + newline


def _emit_item(value: Any, indent: str) -> list[str]:
    if isinstance(value, dict) and value:
        lines = []
        for i, (key, item) in enumerate(value.items()):
            prefix = indent + ("- " if i == 0 else "  ")
            lines.extend(_emit_entry(prefix, key, item, indent + "  "))
        return lines
    return [f"{indent}- {_emit_inline(value)}"]


def _emit_entry(prefix: str, key: str, value: Any, indent: str) -> list[str]:
    head = f"{prefix}{scalar(key)}:"
    if isinstance(value, dict) and value:
        lines = [head]
        for sub_key, item in value.items():
            lines.extend(_emit_entry(indent + "  ", sub_key, item, indent + "  "))
        return lines
    if isinstance(value, list) and value and any(isinstance(v, dict | list) and v for v in value):
        lines = [head]
        for item in value:
            lines.extend(_emit_item(item, indent + "  "))
        return lines
    return [f"{head} {_emit_inline(value)}"]


def _emit_flow(value: Any) -> str:
    """Inside brackets, where a comma or bracket in plain text would end the value: always quoted."""
    return quoted(value) if isinstance(value, str) else _emit_inline(value)


def _emit_inline(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return scalar(value)
    if isinstance(value, list):
        return "[" + ", ".join(_emit_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quoted(k)}: {_emit_flow(v)}" for k, v in value.items()) + "}"
    raise EditError(f"cannot write a value of type {type(value).__name__}")  # pragma: no cover
