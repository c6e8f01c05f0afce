"""A CODEOWNERS file for a ledger repository, so that the forge makes each unit's maintainers
review its progress file and the office review the plan. Pure: a ledger in, the file's text out.

GitHub and GitLab read the same syntax (a path pattern, then owners: @user, @org/team or an
e-mail address; the last matching line wins); GitLab also groups lines in [sections], which the
GitLab form uses. Units without maintainers fall to the office, through the progress folder's line.
"""

from __future__ import annotations

import re
from typing import Literal

from gkledger.core.model import Ledger
from gkledger.i18n import _
from gkledger.store.locate import PROGRESS_DIR, TASKS_FILE, UNITS_FILE

Forge = Literal["github", "gitlab"]

_SPECIAL = re.compile(r"([\s#\\*?\[\]!])")


def pattern(path: str) -> str:
    """A path as a CODEOWNERS pattern anchored at the repository root, special characters escaped."""
    return "/" + _SPECIAL.sub(r"\\\1", path.strip("/"))


def render(ledger: Ledger, data_dir: str, forge: Forge = "github") -> str:
    """The CODEOWNERS text; `data_dir` is the data folder's path inside the repository ('data')."""
    base = f"{data_dir.strip('/')}/" if data_dir.strip("/") else ""
    office = " ".join(ledger.maintainers)
    lines = [
        "# "
        + _("Written by gkledger codeowners from units.yaml: change the maintainers there and run it again."),
        "# "
        + _("The office reviews the plan and the units; each unit's maintainers review its progress file."),
    ]

    def section(title: str) -> None:
        if forge == "gitlab":
            lines.extend(["", f"[{title}]"])
        else:
            lines.extend(["", f"# {title}"])

    section(_("plan"))
    if office:
        lines.append(f"{pattern(base + TASKS_FILE)} {office}")
        lines.append(f"{pattern(base + UNITS_FILE)} {office}")
        lines.append(f"{pattern(base + PROGRESS_DIR)}/ {office}")
    else:
        lines.append("# " + _("no office maintainers: add maintainers: [...] at the top of units.yaml"))
    section(_("progress"))
    for unit in ledger.units:
        if unit.maintainers:
            lines.append(f"{pattern(f'{base}{PROGRESS_DIR}/{unit.name}.yaml')} {' '.join(unit.maintainers)}")
    return "\n".join(lines) + "\n"
