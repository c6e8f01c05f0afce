"""A plan's `settings:` in tasks.yaml: how soon is 临期, what the office's 公文 carry, how units are
scored. Read into `Settings` with a diagnostic for each value of the wrong kind."""

from __future__ import annotations

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Scoring, Settings
from gkledger.i18n import _f
from gkledger.store.fields import Fields, expect_mapping, source_of
from gkledger.store.yaml_source import Scalar, Value

SETTINGS_FIELDS = (
    "soon_days",
    "reply_days",
    "require_confirmation",
    "scoring",
    "strict_owner_files",
    "max_entry_lag",
    "office",
    "number_prefix",
    "contact",
    "phone",
    "letterhead",
    "seal",
    "copy_to",
    "printed_by",
)


def read_settings(path: str, node: Value | None, out: list[Diagnostic]) -> Settings:
    """The settings, or the defaults where none are given."""
    default = Settings()
    settings_map = expect_mapping(path, node, "'settings'", out)
    if settings_map is None:
        return default
    given = Fields(path, settings_map, SETTINGS_FIELDS, "'settings'", out)
    soon = given.integer("soon_days", 0, 366)
    lag = given.integer("max_entry_lag", 0, 3660)
    reply = given.integer("reply_days", 1, 60)
    return Settings(
        soon_days=default.soon_days if soon is None else soon,
        strict_owner_files=bool(given.boolean("strict_owner_files")),
        max_entry_lag=default.max_entry_lag if lag is None else lag,
        office=given.text("office"),
        number_prefix=given.text("number_prefix"),
        contact=given.text("contact"),
        phone=given.text("phone"),
        reply_days=default.reply_days if reply is None else reply,
        require_confirmation=bool(given.boolean("require_confirmation")),
        scoring=_read_scoring(path, given.raw("scoring"), out),
        letterhead=given.text("letterhead"),
        seal=bool(given.boolean("seal")),
        copy_to=given.text("copy_to"),
        printed_by=given.text("printed_by"),
    )


SCORING_FIELDS = ("full", "per_late", "per_done_late", "per_returned", "per_day_late", "cap", "grades")


def _read_scoring(path: str, node: Value | None, out: list[Diagnostic]) -> Scoring | None:
    """`scoring:` (考核): points as numbers, grades as 等次: lowest score."""
    mapping = expect_mapping(path, node, "'scoring'", out)
    if mapping is None:
        return None
    fields = Fields(path, mapping, SCORING_FIELDS, "'scoring'", out)
    numbers: dict[str, float] = {}
    for name in SCORING_FIELDS[:-1]:
        value = fields.raw(name)
        if value is None:
            continue
        number = _number(value)
        if number is None or number < 0:
            out.append(
                _not_a_number(path, value, _f("'{name}' of 'scoring' is a number of 0 or more", name=name))
            )
            continue
        numbers[name] = number
    grades = Scoring().grades
    grades_map = expect_mapping(path, fields.raw("grades"), "'grades'", out)
    if grades_map is not None:
        read = []
        for grade, (_key, value) in grades_map.entries.items():
            number = _number(value)
            if number is None:
                out.append(
                    _not_a_number(path, value, _f("the lowest score of {grade} is a number", grade=grade))
                )
                continue
            read.append((str(grade), number))
        grades = tuple(sorted(read, key=lambda pair: -pair[1]))
    return Scoring(**numbers, grades=grades)


def _not_a_number(path: str, value: Value, message: str) -> Diagnostic:
    """GK106 at `value`: a setting that must be a number is not one."""
    return Diagnostic(source_of(path, value), "GK106", message)


def _number(value: Value) -> float | None:
    if not isinstance(value, Scalar):
        return None
    try:
        return float(value.value)
    except ValueError:
        return None
