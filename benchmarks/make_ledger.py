"""Write a valid synthetic ledger of any size, for benchmarks and scale tests.

    python benchmarks/make_ledger.py --units 2000 --tasks 60 --records 50000 /tmp/big

Units are named u1 … uN: u1 is the city government and u2 its general office; about one in ten of
the rest are counties (旗县区), a third of which list child departments; the others are city
departments with role tags. Tasks cycle through the owner selectors and deadline phrases of the
real 2021 ledger. Records are owed (task, unit) pairs, one file per unit, as offices keep them.
The output passes `gkledger check`. Deterministic for given arguments (--seed).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ROLES = ["财政", "发改", "司法", "人社", "市场监管", "卫生健康", "政务服务", "规划", "政策制定"]
AREAS = ["重大建设项目", "财政预决算", "安全生产", "生态环境", "就业", "社会救助", "义务教育", "卫生健康"]
GOVERNMENTS_AND_DEPARTMENTS = "[{group: 旗县区级以上, with_children: {kind: [政府办公室, 委办局]}}]"
SELECTORS = [  # as in the real plan, about half the tasks fall on every government and department
    GOVERNMENTS_AND_DEPARTMENTS,
    "[{group: 旗县区}]",
    GOVERNMENTS_AND_DEPARTMENTS,
    "[{group: 旗县区级以上, role: 规划}]",
    GOVERNMENTS_AND_DEPARTMENTS,
    "[{group: 旗县区级以上, role: [发改, 司法, 财政, 人社, 市场监管]}]",
    "[{group: 旗县区级以上, role: 财政}]",
    GOVERNMENTS_AND_DEPARTMENTS,
    "[{group: 旗县区级以上, role: 卫生健康}]",
    "[{group: 旗县区级以上, role: 政务公开主管}]",
    "[{group: 市本级领域部门}]",
    "[{group: 旗县区, role: 政务公开主管}]",
    "[{level: 市级, tag: 12345热线}]",
]
DEADLINES = ["2021年12月底", "2021年6月底", "8月底", "2021年9月30日前", "全年持续推进", "上半年", "第三季度末",
             "年底前", "2021年10月底", "11月30日"]  # fmt: skip


def make(root: Path, units: int, tasks: int, records: int, seed: int) -> None:
    rng = random.Random(seed)
    (root / "progress").mkdir(parents=True, exist_ok=True)
    lines = [
        "groups:",
        "  旗县区: {kind: 旗县区}",
        "  旗县区级以上: [{unit: u1}, {group: 旗县区}]",
        f"  市本级领域部门: {{level: 市级, tag: [{', '.join(AREAS)}]}}",
        "units:",
        "  - {name: u1, full_name: 合成市人民政府, kind: 政府, level: 市级}",
        "  - {name: u2, full_name: 合成市人民政府办公室, kind: 政府办公室, level: 市级, parent: u1,"
        " tags: [政务公开主管, 政府网站主管, 政府公报主管, 政策制定]}",
    ]
    counties: list[str] = []
    n = 3
    while n <= units:
        name = f"u{n}"
        if n % 10 == 3:  # a county; some list their departments
            counties.append(name)
            lines.append(
                f"  - {{name: {name}, full_name: 合成县{n}, aliases: [县{n}], kind: 旗县区, level: 县级, parent: u1}}"
            )
            n += 1
            if len(counties) % 3 == 0:
                for role in ("财政", "政务公开主管", "卫生健康"):
                    if n > units:
                        break
                    lines.append(f"  - {{name: u{n}, full_name: 合成县{n}部门, kind: 委办局, level: 县级, parent: {name},"
                                 f" tags: [{role}]}}")  # fmt: skip
                    n += 1
            continue
        tags = rng.sample(ROLES, 2) + rng.sample(AREAS, 1)
        if n == 4:
            tags.append("12345热线")
        lines.append(f"  - {{name: {name}, full_name: 合成市部门{n}, kind: 委办局, level: 市级, parent: u1,"
                     f" tags: [{', '.join(tags)}]}}")  # fmt: skip
        n += 1
    (root / "units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    task_lines = [
        "plan:",
        "  title: 合成市2021年政务公开工作要点",
        "  number: 合政办字〔2021〕1号",
        "  signed: 2021-03-01",
        "  year: 2021",
        "tasks:",
    ]
    for i in range(1, tasks + 1):
        task_lines += [
            f'  - id: "{i}"',
            f"    section: {['一', '二', '三', '四', '五'][i % 5]}、合成工作",
            f"    item: ({['一', '二', '三'][i % 3]})合成事项。",
            f"    text: 第{i}项合成任务，按要求主动公开相关信息并做好解读回应工作。",
            "    owners: 合成责任单位。",
            f"    owed_by: {SELECTORS[i % len(SELECTORS)]}",
            f"    deadline: {DEADLINES[i % len(DEADLINES)]}",
        ]
    (root / "tasks.yaml").write_text("\n".join(task_lines) + "\n", encoding="utf-8")

    # Owed pairs come from gkledger's own resolution, so every record is valid.
    from gkledger.store.load import load

    ledger = load(root).ledger
    from gkledger.core.status import Obligations

    pairs = [(o.task.id, o.unit.name) for o in Obligations(ledger).all()]
    if records > len(pairs):
        raise SystemExit(f"only {len(pairs)} obligations exist; ask for fewer records")
    chosen = rng.sample(pairs, records)
    by_unit: dict[str, list[tuple[str, str]]] = {}
    for task, unit in chosen:
        by_unit.setdefault(unit, []).append((task, unit))
    for unit, items in by_unit.items():
        out = [f"# progress of {unit}"]
        for task, _ in sorted(items, key=lambda p: int(p[0])):
            if rng.random() < 0.05:
                out += [f'- task: "{task}"', f"  unit: {unit}", "  waived: 本级不涉及"]
            else:
                day = rng.randint(1, 28)
                month = rng.randint(6, 12)
                out += [f'- task: "{task}"', f"  unit: {unit}", f"  done: 2021-{month:02d}-{day:02d}",
                        f"  evidence: https://example.gov.cn/{unit}/{task}.html"]  # fmt: skip
        (root / "progress" / f"{unit}.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.units < 3 or args.tasks < 1 or args.records < 0:
        parser.error("need at least 3 units, 1 task and 0 records")
    make(args.out, args.units, args.tasks, args.records, args.seed)


if __name__ == "__main__":
    main()
