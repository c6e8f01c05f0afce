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

from gkledger.core.dates import parse_iso_date
from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Source
from gkledger.i18n import _, _f
from gkledger.store.yaml_source import Mapping, Scalar, Sequence, Value, kind_of


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
            Diagnostic(
                source_of(path, node),
                "GK101",
                _f("{what} must be a mapping, not {kind}", what=what, kind=kind_of(node)),
            )
        )
    return None


def expect_sequence(
    path: str, node: Value | None, what: str, out: list[Diagnostic], hint: str | None = None
) -> Sequence | None:
    if isinstance(node, Sequence):
        return node
    if node is not None and not (isinstance(node, Scalar) and node.is_null):
        out.append(
            Diagnostic(
                source_of(path, node),
                "GK101",
                _f("{what} must be a list, not {kind}", what=what, kind=kind_of(node)),
                hint,
            )
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
                        _f("unknown field '{name}' in {what}", name=name, what=what),
                        _f("did you mean '{name}'?", name=suggestion)
                        if suggestion
                        else _f("known fields: {fields}", fields=", ".join(allowed)),
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
                        _f("{what} has no '{name}'", what=self.what, name=name),
                    )
                )
            return None
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, Scalar):
            self._wrong(value, name, _("text"))
            return None
        if not value.value.strip():
            self.out.append(
                Diagnostic(
                    source_of(self.path, value),
                    "GK104",
                    _f("'{name}' of {what} is empty", name=name, what=self.what),
                )
            )
            return None
        return value.value

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of text, or a single text; empty when absent."""
        value = self.raw(name)
        if value is None:
            return ()
        return texts_of(self.path, value, _f("'{name}' of {what}", name=name, what=self.what), self.out)

    def date(self, name: str, required: bool = False) -> dt.date | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, Scalar):
            self._wrong(value, name, _("a date"))
            return None
        parsed = parse_iso_date(value.value)
        if parsed is None:
            self.out.append(
                Diagnostic(
                    source_of(self.path, value),
                    "GK105",
                    _f(
                        "'{name}' of {what} is '{value}', not a real date",
                        name=name,
                        what=self.what,
                        value=value.value,
                    ),
                    _("write dates as YYYY-MM-DD, e.g. 2021-08-20"),
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
        self._wrong(value, name, _("true or false"))
        return None

    def integer(self, name: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, Scalar) or not re.fullmatch(r"\d+", value.value.strip()):
            self._wrong(value, name, _("a whole number"))
            return None
        number = int(value.value)
        if not low <= number <= high:
            self.out.append(
                Diagnostic(
                    source_of(self.path, value),
                    "GK106",
                    _f(
                        "'{name}' of {what} is {number}; it must be from {low} to {high}",
                        name=name,
                        what=self.what,
                        number=number,
                        low=low,
                        high=high,
                    ),
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
                _f(
                    "'{name}' of {what} must be {expected}, not {shown}",
                    name=name,
                    what=self.what,
                    expected=expected,
                    shown=shown,
                ),
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
                    _f("{what} must be text or a list of text, not {kind}", what=what, kind=kind_of(item)),
                )
            )
    return tuple(result)
