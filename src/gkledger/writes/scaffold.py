"""What `gkledger init` writes: a new ledger repository, ready for its office's first plan.

Pure: `files(year)` returns every path and its bytes, and the command writes them. The starter
units are the bundled ones, as an example to adapt; the plan is empty; the CI workflows, the
pre-commit configuration and the JSON Schemas come from the package, so a new repository checks
itself from its first commit.
"""

from __future__ import annotations

from importlib import resources

from gkledger.store.locate import TASKS_MODELINE, UNITS_MODELINE, bundled_ledger, deeper
from gkledger.store.schemas import SCHEMAS, render


def _template(name: str) -> str:
    return resources.files("gkledger").joinpath("scaffold", name).read_text(encoding="utf-8")


def empty_plan(year: int, title: str, in_plan_folder: bool = False) -> str:
    modeline = deeper(TASKS_MODELINE) if in_plan_folder else TASKS_MODELINE
    return f"""{modeline}# The task ledger (任务台账) of {title}.
#
# Copy each row of the notice's table verbatim: id (序号), section and item (任务名称), text (具体任务),
# owners (责任单位) and deadline (完成时限); owed_by says who owes the row, as a selector over
# units.yaml. `gkledger import TABLE.xlsx --year {year}` writes this file from a spreadsheet.

plan:
  title: {title}
  year: {year}

settings:
  soon_days: 7

tasks: []
# For example:
#  - id: "1"
#    section: 一、继续深化重点工作信息公开
#    item: (一)做好各类规划信息主动公开。
#    text: 通过政府门户网站主动公开国民经济和社会发展第十四个五年规划纲要、国土空间规划等。
#    owners: 旗县区人民政府。
#    owed_by: [{{group: 旗县区}}]
#    deadline: {year}年12月底
"""


def plan_files(year: int) -> dict[str, bytes]:
    """A new plan's files in a repository of several: data/<year>/tasks.yaml and progress/."""
    title = f"{year}年政务公开工作要点"
    readme = (bundled_ledger() / "progress" / "README.md").read_text(encoding="utf-8")
    return {
        f"data/{year}/tasks.yaml": empty_plan(year, title, in_plan_folder=True).encode("utf-8"),
        f"data/{year}/progress/README.md": readme.encode("utf-8"),
    }


def files(year: int) -> dict[str, bytes]:
    """Relative path -> content of every file of a new ledger repository."""
    title = f"{year}年政务公开工作要点"
    bundled = bundled_ledger()
    units = (bundled / "units.yaml").read_text(encoding="utf-8")
    if not units.startswith("# yaml-language-server:"):
        units = UNITS_MODELINE + units
    out = {
        "data/tasks.yaml": empty_plan(year, title),
        "data/units.yaml": units,
        "data/progress/README.md": (bundled / "progress" / "README.md").read_text(encoding="utf-8"),
        ".github/workflows/gkledger.yml": _template("github-workflow.yml"),
        ".gitlab-ci.yml": _template("gitlab-ci.yml"),
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml"),
        "README.md": _template("README.md").format(title=title, year=year),
    }
    for name in SCHEMAS:
        out[f"schema/{name}.schema.json"] = render(name)
    return {path: text.encode("utf-8") for path, text in out.items()}
