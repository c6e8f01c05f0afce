"""What `gkledger init` writes: a new ledger repository, ready for its office's first plan.

Pure: `files(year)` returns every path and its bytes, and the command writes them. The units are
the office's own (from its roster), or the bundled ones as an example to adapt; the README and the
comments are Chinese and name the office's units; the plan is empty; the CI workflows, the
pre-commit configuration and the JSON Schemas come from the package, so a new repository checks
itself from its first commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from gkledger.core.model import Unit
from gkledger.store.files import DataFile
from gkledger.store.load import read_units_data
from gkledger.store.locate import TASKS_MODELINE, UNITS_MODELINE, bundled_ledger, deeper
from gkledger.store.schemas import SCHEMAS, render


def _template(name: str) -> str:
    return resources.files("gkledger").joinpath("scaffold", name).read_text(encoding="utf-8")


def empty_plan(year: int, title: str, in_plan_folder: bool = False, example: Unit | None = None) -> str:
    """An empty tasks.yaml with how to fill it, its example row owed by `example` (a unit of the
    office's roster) when there is one."""
    modeline = deeper(TASKS_MODELINE) if in_plan_folder else TASKS_MODELINE
    owner = example.full_name if example else "各旗县区人民政府"
    owed = f"{{unit: {example.name}}}" if example else "{group: 旗县区}"
    return f"""{modeline}# {title}的任务台账。
#
# 逐行照录通知附件表格：id（序号）、section 和 item（任务名称）、text（具体任务）、owners（责任单位）、
# deadline（完成时限），一字不改；owed_by 写明由哪些单位承担（按 units.yaml 中的单位、类别或分组）。
# `gkledger import 台账.xlsx --year {year}` 可由表格直接生成本文件。

plan:
  title: {title}
  year: {year}

settings:
  soon_days: 7  # 距到期不超过几天算“临期”

tasks: []
# 例如：
#  - id: "1"
#    section: 一、继续深化重点工作信息公开
#    item: (一)做好各类规划信息主动公开。
#    text: 通过政府门户网站主动公开国民经济和社会发展规划纲要、国土空间规划等。
#    owners: {owner}
#    owed_by: [{owed}]
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


def files(year: int, units_text: str | None = None) -> dict[str, bytes]:
    """Relative path -> content of every file of a new ledger repository: with the office's own
    units.yaml (`units_text`, whose units the examples name), else the bundled one to adapt."""
    title = f"{year}年政务公开工作要点"
    bundled = bundled_ledger()
    if units_text is None:
        units_text = (bundled / "units.yaml").read_text(encoding="utf-8")
        note, example, office = "（示例，请改为本地实际：这是呼和浩特市的单位）", None, "本单位"
    else:
        units = read_units_data(DataFile("units.yaml", "units.yaml", True), units_text.encode("utf-8"))[
            0
        ].units
        example = units[0] if units else None
        note, office = f"（共{len(units)}个，由本单位名单导入）", _office(units)
    if not units_text.startswith("# yaml-language-server:"):
        units_text = UNITS_MODELINE + units_text
    out = {
        "data/tasks.yaml": empty_plan(year, title, example=example),
        "data/units.yaml": units_text,
        "data/progress/README.md": (bundled / "progress" / "README.md").read_text(encoding="utf-8"),
        ".github/workflows/gkledger.yml": _template("github-workflow.yml"),
        ".gitlab-ci.yml": _template("gitlab-ci.yml"),
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml"),
        "README.md": _template("README.md").format(
            title=title, year=year, office=office, units_note=note, unit=example.name if example else "回民区"
        ),
    }
    for name in SCHEMAS:
        out[f"schema/{name}.schema.json"] = render(name)
    return {path: text.encode("utf-8") for path, text in out.items()}


def _office(units: Sequence[Unit]) -> str:
    """Whose ledger it is: the roster's top unit (the one no other is under), else 本单位."""
    tops = [unit for unit in units if not unit.parent]
    return tops[0].full_name if len(tops) == 1 else "本单位"
