"""A CODEOWNERS file for a ledger repository, so that the forge makes each unit's maintainers
review its progress file and the office review the plan. Pure: a ledger in, the file's text out.

GitHub and GitLab read the same syntax (a path pattern, then owners: @user, @org/team or an
e-mail address; the last matching line wins); GitLab also groups lines in [sections], which the
GitLab form uses. Units without maintainers fall to the office, through the progress folder's line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from gkledger.core.model import Ledger
from gkledger.i18n import _
from gkledger.store.locate import OFFICE_DIR, PROGRESS_DIR, TASKS_FILE, UNITS_FILE

Forge = Literal["github", "gitlab"]

_SPECIAL = re.compile(r"([\s#\\*?\[\]!])")


def pattern(path: str) -> str:
    """A path as a CODEOWNERS pattern anchored at the repository root, special characters escaped."""
    return "/" + _SPECIAL.sub(r"\\\1", path.strip("/"))


def render(ledger: Ledger, data_dir: str, forge: Forge = "github", plans: Sequence[str] = ()) -> str:
    """The CODEOWNERS text; `data_dir` is the data folder's path inside the repository ('data'),
    `plans` its plans' folders in a repository of several ('2021', '2022'): every plan, the shared
    units.yaml and the data folder as a whole go to the office; each plan's file of a unit to the
    unit's maintainers."""
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

    folders = [f"{base}{plan.strip('/')}/" for plan in plans] or [base]
    section(_("plan"))
    if office:
        if base:
            lines.append(f"{pattern(base)}/ {office}")  # anything new in the data folder, a new plan too
        lines.append(f"{pattern(base + UNITS_FILE)} {office}")
        for folder in folders:
            lines.append(f"{pattern(folder + TASKS_FILE)} {office}")
            lines.append(f"{pattern(folder + PROGRESS_DIR)}/ {office}")
            lines.append(f"{pattern(folder + OFFICE_DIR)}/ {office}")  # the office's decisions: its own
    else:
        lines.append("# " + _("no office maintainers: add maintainers: [...] at the top of units.yaml"))
    section(_("progress"))
    for folder in folders:
        for unit in ledger.units:
            if unit.maintainers:
                lines.append(
                    f"{pattern(f'{folder}{PROGRESS_DIR}/{unit.name}.yaml')} {' '.join(unit.maintainers)}"
                )
    return "\n".join(lines) + "\n"
