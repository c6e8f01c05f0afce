"""Diagnostics are values: every stage appends them to one list, and only the CLI turns them into
an exit code. Each code is stable; `CODES` is the catalogue that README.md documents.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from gkledger.core.model import Source

Severity = Literal["error", "warning"]

# code -> (severity, one-line summary). The summary is what README.md lists; messages say more.
CODES: dict[str, tuple[Severity, str]] = {
    # Reading files
    "GK001": ("error", "a required file or folder is missing"),
    "GK002": (
        "error",
        "a file or the progress folder cannot be read, or is not a regular file (a FIFO, a device)",
    ),
    "GK003": ("error", "a file is not UTF-8 text (GBK from a Windows editor is explained)"),
    "GK004": ("error", "YAML syntax error"),
    "GK005": ("error", "a mapping has the same key twice"),
    "GK006": ("error", "aliases would expand past the limit (an alias bomb)"),
    "GK007": ("error", "a file is too large or nests too deep, or there are too many records"),
    "GK008": ("error", "an explicit YAML tag or a merge key, which ledger files do not use"),
    "GK009": ("error", "a file holds no document or more than one"),
    "GK010": (
        "error",
        "a symbolic link in the data folder points outside it (a progress file, progress/, a plan's folder)",
    ),
    "GK011": (
        "error",
        "a folder of the data folder reads as a year but is not four ASCII digits (２０２１, `2021 `), "
        "so it is not read as a plan",
    ),
    # Shape of the data
    "GK101": ("error", "a value has the wrong type"),
    "GK102": ("error", "a required field is missing"),
    "GK103": ("error", "an unknown field (misspelt?)"),
    "GK104": ("error", "a text field is empty"),
    "GK105": ("error", "not a real date in YYYY-MM-DD form"),
    "GK106": ("error", "a value is out of range"),
    "GK108": ("error", "a maintainer that is neither a forge handle (@name) nor an e-mail address"),
    "GK107": (
        "error",
        "evidence is not an http(s) URL a client can request (a port up to 65535, a valid IDNA host)",
    ),
    # Tasks
    "GK201": ("error", "two tasks have the same id"),
    "GK202": ("error", "a deadline (完成时限) that the grammar cannot read"),
    "GK203": ("warning", "a selector matches no unit: the task is owed by nobody"),
    "GK204": ("error", "a task id that is not one trimmed, printable token"),
    "GK205": ("warning", "a part of a task's owners phrase is not yet assigned to units (unresolved)"),
    "GK206": ("error", "a task's lead unit does not owe the task"),
    "GK207": ("error", "a carried_from that names no task of an earlier plan of the repository"),
    "GK208": ("warning", "a one-off task due before the plan was signed (a mistyped year?)"),
    # Units and selectors
    "GK301": ("error", "a unit name or alias is used twice"),
    "GK302": ("error", "a parent that is not a unit"),
    "GK303": ("error", "units are their own ancestors (a parent cycle)"),
    "GK304": ("error", "a selector names a unit, kind, level, tag or group that does not exist"),
    "GK305": ("error", "groups that refer to each other in a cycle"),
    "GK306": ("error", "a unit name that cannot be the name of its progress file"),
    # Progress records
    "GK401": ("error", "a record names a task that does not exist"),
    "GK402": ("error", "a record names a unit that does not exist"),
    "GK403": ("error", "a record for a task that the unit does not owe"),
    "GK404": ("error", "two records for the same task and unit"),
    "GK405": ("error", "a record needs exactly one of done and waived"),
    "GK406": ("warning", "a completion dated before the plan was signed"),
    "GK407": (
        "warning",
        "a record in the progress file named after another unit (an error with strict_owner_files)",
    ),
    "GK408": ("warning", "a unit with records but no maintainers, in a ledger that names maintainers"),
    "GK409": (
        "error",
        "a record's period does not fit its task: missing for a recurring task, given for a one-off "
        "task, or not one of the task's periods in the plan",
    ),
    # The office's decisions (office/*.yaml)
    "GK501": ("error", "an office decision names an unknown unit, or a task or period the unit does not owe"),
    "GK502": (
        "error",
        "an office decision is not one of confirmed, returned or extended with its fields (a return's "
        "reason; an extension's to, reason and approved_by, after the due date)",
    ),
    "GK503": ("error", "a confirmation or return of a completion that is not recorded"),
    "GK504": ("warning", "an extension granted after the original due date had passed"),
}


class Diagnostic(NamedTuple):
    source: Source
    code: str
    message: str
    hint: str | None = None
    level: Severity | None = None  # where a setting makes a warning an error (strict_owner_files)

    @property
    def severity(self) -> Severity:
        return self.level or CODES[self.code][0]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.source.path, self.source.line, self.source.column, self.code)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
