"""Every case of the official YAML test suite, fed to the loader as a ledger file: each gives data
(and then schema diagnostics) or a clean diagnostic with file and line — never a traceback or a hang.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gkledger.store.load import load
from gkledger.store.yaml_source import parse

from .conftest import FIXTURES, SMALL_TASKS, SMALL_UNITS, deadline, write

SUITE = FIXTURES / "yaml-test-suite"
CASES = sorted(SUITE.rglob("in.yaml"))


def case_id(path: Path) -> str:
    return str(path.parent.relative_to(SUITE))


def test_the_suite_is_all_here() -> None:
    assert len(CASES) == 402
    assert sum(1 for case in CASES if (case.parent / "error").exists()) == 94


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case: Path, tmp_path: Path) -> None:
    data = case.read_bytes()
    with deadline(10):
        value, problems = parse("progress/case.yaml", data)
        if (case.parent / "error").exists() and value is None:
            assert problems, "an invalid document must be explained"
        for problem in problems:
            assert problem.source.line >= 1 and problem.code.startswith("GK")
        # the same input in every place a ledger file can be
        for name in ("progress/case.yaml", "units.yaml", "tasks.yaml"):
            root = tmp_path / name.replace("/", "-")
            write(root / "units.yaml", SMALL_UNITS)
            write(root / "tasks.yaml", SMALL_TASKS)
            (root / "progress").mkdir(exist_ok=True)
            (root / name).write_bytes(data)
            for diagnostic in load(root).diagnostics:
                assert diagnostic.source.path and diagnostic.message
                assert diagnostic.source.line >= 1, diagnostic
            shutil.rmtree(root)
