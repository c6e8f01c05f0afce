"""Diagnostics as text lines, JSON, or GitHub Actions annotations; the only place that writes
`path:line:col:`.
"""

from __future__ import annotations

from collections.abc import Sequence

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import shown_path
from gkledger.i18n import _, _f, ngettext
from gkledger.render.records import diagnostic_record, to_json
from gkledger.render.text import visible


def as_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    warning, hint = _("warning"), _("hint")
    for d in diagnostics:
        severity = "" if d.severity == "error" else f" {warning}:"
        lines.append(f"{d.source}: {d.code}{severity} {d.message}")
        if d.hint:
            lines.append(f"    {hint}: {d.hint}")
    lines.append(count_line(diagnostics))
    return visible("\n".join(lines)) + "\n"  # values quoted from a file are shown, never run


def count_line(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return _("ok: no problems found")
    files = len({d.source.path for d in diagnostics})
    parts = [ngettext("{count} error", "{count} errors", errors).format(count=errors)]
    if warnings:
        parts.append(ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings))
    where = ngettext("in {count} file", "in {count} files", files).format(count=files)
    return _f("{counts} {where}", counts=_(", ").join(parts), where=where)


def as_json(diagnostics: Sequence[Diagnostic]) -> str:
    return to_json([diagnostic_record(d) for d in diagnostics])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(diagnostics: Sequence[Diagnostic]) -> str:
    """Workflow commands that GitHub Actions shows as annotations on the lines named."""
    lines = []
    for d in diagnostics:
        props = [f"file={_escape_property(shown_path(d.source.path))}"]
        if d.source.line:
            props.append(f"line={d.source.line}")
        if d.source.column:
            props.append(f"col={d.source.column}")
        props.append(f"title={_escape_property(d.code)}")
        hint = _("hint")
        message = d.message + (f" ({hint}: {d.hint})" if d.hint else "")
        lines.append(f"::{d.severity} {','.join(props)}::{_escape_data(f'{d.code} {message}')}")
    lines.append(count_line(diagnostics))
    return visible("\n".join(lines)) + "\n"  # values quoted from a file are shown, never run
