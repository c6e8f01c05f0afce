"""YAML text both ways, without a full dump: a scalar written so that any reader takes it back as
exactly the text meant, and a progress file's records read back as plain values to compare."""

from __future__ import annotations

import re
from typing import Any

from gkledger.store.yaml_source import Scalar, Sequence, Value, parse

# Plain scalars that any YAML reader takes as the same text: no indicators, no YAML 1.1 specials.
_SAFE_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*$")
_SPECIAL_WORDS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|[-+]?[0-9_.:]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN)|=|<<)$"
)
# YAML's double-quoted escapes for the characters a YAML stream may not hold raw, or would fold.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x85": "\\N"}
_ESCAPES |= {"\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF", "\x00": "\\0"}


def printable(char: str) -> bool:
    code = ord(char)
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ) and char not in "\u2028\u2029\ufeff"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`, whatever it holds."""
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif printable(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02X}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(f"\\U{ord(char):08X}")
    out.append('"')
    return "".join(out)


def scalar(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`: plain when unambiguous, else double-quoted."""
    if (
        _SAFE_PLAIN.match(text)
        and not _SPECIAL_WORDS.match(text)
        and ": " not in text
        and not text.endswith((" ", ":"))
        and all(printable(char) for char in text)
        and text.isprintable()  # no line breaks, tabs or unusual spaces in a plain scalar
    ):
        return text
    return quoted(text)


def flow_scalar(text: str) -> str:
    """As `scalar`, for an item of a flow sequence or mapping ([a, b], {k: v}), where a plain
    scalar must also hold none of , [ ] { } (nor the " #" of a comment, which `scalar` quotes)."""
    shown = scalar(text)
    if shown == text and any(char in text for char in ",[]{}"):
        return quoted(text)
    return shown


def plain_values(value: Value | None) -> Any:
    """A parsed value as plain Python (text, None, lists, dicts), for comparing what a file says."""
    if value is None:
        return None
    if isinstance(value, Scalar):
        return None if value.is_null else value.value
    if isinstance(value, Sequence):
        return [plain_values(item) for item in value.items]
    return {key: plain_values(node) for key, (_, node) in value.entries.items()}


def index_at(text: str, line: int, column: int) -> int | None:
    """Which top-level record of the file starts at line:column (1-based), as the loader saw it."""
    value, _ = parse("progress file", text.encode("utf-8", "surrogatepass"))
    if not isinstance(value, Sequence):
        return None
    for i, item in enumerate(value.items):
        if (item.line, item.column) == (line, column):
            return i
    return None


def records_of(text: str) -> list[Any] | None:
    """The values of a progress file's records, or None when it does not parse as a list."""
    value, problems = parse("progress file", text.encode("utf-8", "surrogatepass"))
    if [p for p in problems if p.severity == "error"]:
        return None
    if value is None:
        return []
    if not isinstance(value, Sequence):
        return None
    return [plain_values(item) for item in value.items]
