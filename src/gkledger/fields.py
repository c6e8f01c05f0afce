"""Reading typed fields out of positioned YAML values, with a diagnostic for every misfit.

A `Fields` wraps one mapping and the set of field names it may hold; each accessor returns the
value in the type the ledger wants (or None) and reports what is wrong at the value's own line.
Unknown fields are reported with the closest known name as a hint, so typos never pass silently.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from gkledger.dates import parse_iso_date
from gkledger.diagnostics import Diagnostic
from gkledger.model import Source
from gkledger.yaml_source import Mapping, Scalar, Sequence, Value, kind_of


def source_of(path: str, node: Value) -> Source:
    return Source(path, node.line, node.column)


def closest(word: str, choices: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def expect_mapping(path: str, node: Value | None, what: str, out: list[Diagnostic]) -> Mapping | None:
    if isinstance(node, Mapping):
        return node
    if node is not None:
        out.append(
            Diagnostic(source_of(path, node), "GK101", f"{what} must be a mapping, not {kind_of(node)}")
        )
    return None


def expect_sequence(
    path: str, node: Value | None, what: str, out: list[Diagnostic], hint: str | None = None
) -> Sequence | None:
    if isinstance(node, Sequence):
        return node
    if node is not None and not (isinstance(node, Scalar) and node.is_null):
        out.append(
            Diagnostic(source_of(path, node), "GK101", f"{what} must be a list, not {kind_of(node)}", hint)
        )
    return None


class Fields:
    """The fields of one mapping, checked against the names it may hold."""

    def __init__(
        self, path: str, node: Mapping, allowed: Iterable[str], what: str, out: list[Diagnostic]
    ) -> None:
        self.path = path
        self.node = node
        self.what = what
        self.out = out
        allowed = tuple(allowed)
        for name, (key, _value) in node.entries.items():
            if name not in allowed:
                suggestion = closest(name, allowed)
                out.append(
                    Diagnostic(
                        source_of(path, key),
                        "GK103",
                        f"unknown field '{name}' in {what}",
                        f"did you mean '{suggestion}'?"
                        if suggestion
                        else "known fields: " + ", ".join(allowed),
                    )
                )

    @property
    def source(self) -> Source:
        return source_of(self.path, self.node)

    def source_of(self, name: str) -> Source:
        entry = self.node.entries.get(name)
        return source_of(self.path, entry[1]) if entry else self.source

    def raw(self, name: str, required: bool = False) -> Value | None:
        """The field's node; None when absent or null (a diagnostic when required)."""
        entry = self.node.entries.get(name)
        value = entry[1] if entry else None
        if value is None or (isinstance(value, Scalar) and value.is_null):
            if required:
                self.out.append(
                    Diagnostic(
                        self.source if entry is None else source_of(self.path, entry[0]),
                        "GK102",
                        f"{self.what} has no '{name}'",
                    )
                )
            return None
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, Scalar):
            self._wrong(value, name, "text")
            return None
        if not value.value.strip():
            self.out.append(
                Diagnostic(source_of(self.path, value), "GK104", f"'{name}' of {self.what} is empty")
            )
            return None
        return value.value

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of text, or a single text; empty when absent."""
        value = self.raw(name)
        if value is None:
            return ()
        return texts_of(self.path, value, f"'{name}' of {self.what}", self.out)

    def date(self, name: str, required: bool = False) -> dt.date | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, Scalar):
            self._wrong(value, name, "a date")
            return None
        parsed = parse_iso_date(value.value)
        if parsed is None:
            self.out.append(
                Diagnostic(
                    source_of(self.path, value),
                    "GK105",
                    f"'{name}' of {self.what} is '{value.value}', not a real date",
                    "write dates as YYYY-MM-DD, e.g. 2021-08-20",
                )
            )
        return parsed

    def boolean(self, name: str) -> bool | None:
        """true or false (YAML 1.2's words; yes/no/on/off are not booleans here)."""
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, Scalar) and value.plain and value.value in ("true", "false"):
            return value.value == "true"
        self._wrong(value, name, "true or false")
        return None

    def integer(self, name: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, Scalar) or not re.fullmatch(r"\d+", value.value.strip()):
            self._wrong(value, name, "a whole number")
            return None
        number = int(value.value)
        if not low <= number <= high:
            self.out.append(
                Diagnostic(
                    source_of(self.path, value),
                    "GK106",
                    f"'{name}' of {self.what} is {number}; it must be from {low} to {high}",
                )
            )
            return None
        return number

    def _wrong(self, value: Value, name: str, expected: str) -> None:
        shown = f"'{value.value}'" if isinstance(value, Scalar) else kind_of(value)
        self.out.append(
            Diagnostic(
                source_of(self.path, value),
                "GK101",
                f"'{name}' of {self.what} must be {expected}, not {shown}",
            )
        )


def texts_of(path: str, value: Value, what: str, out: list[Diagnostic]) -> tuple[str, ...]:
    items = value.items if isinstance(value, Sequence) else [value]
    result = []
    for item in items:
        if isinstance(item, Scalar) and not item.is_null and item.value.strip():
            result.append(item.value)
        else:
            out.append(
                Diagnostic(
                    source_of(path, item),
                    "GK101",
                    f"{what} must be text or a list of text, not {kind_of(item)}",
                )
            )
    return tuple(result)
