"""Every write goes through one transaction: the ledger's lock, a checked load, a checked result,
all or nothing. Carrying a plan and adding one take the same lock as `done`."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from gkledger.store.atomic import locked
from gkledger.store.locate import bundled_ledger
from gkledger.writes.carry import carry_plan
from gkledger.writes.plans import add_plan
from gkledger.writes.recording import record_progress
from gkledger.writes.transaction import Refused, lock_folder, transaction

from .conftest import write


def waits_for_the_lock(folder: Path, write: Callable[[], object], changed: Callable[[], bool]) -> None:
    """While another process holds the ledger's lock, the write changes nothing; released, it runs."""
    outcome: list[object] = []
    with locked(folder):
        worker = threading.Thread(target=lambda: outcome.append(write()))
        worker.start()
        worker.join(timeout=1.5)
        assert worker.is_alive() and not changed()  # waiting for the lock, nothing written
    worker.join(timeout=60)
    assert not worker.is_alive() and outcome and changed()


def test_every_plan_of_a_repository_shares_one_lock(repository: Path) -> None:
    assert lock_folder(repository / "2021") == lock_folder(repository / "2022") == repository
    assert lock_folder(bundled_ledger()) == bundled_ledger()


def test_carry_takes_the_ledgers_lock(repository: Path) -> None:
    tasks = repository / "2022" / "tasks.yaml"
    before = tasks.read_bytes()
    waits_for_the_lock(
        repository, lambda: carry_plan(repository, 2021, 2022, None), lambda: tasks.read_bytes() != before
    )
    assert b'carried_from: "2021#' in tasks.read_bytes()


def test_adding_a_plan_takes_the_ledgers_lock(repository: Path) -> None:
    waits_for_the_lock(
        repository, lambda: add_plan(repository, 2023), lambda: (repository / "2023" / "tasks.yaml").is_file()
    )


def test_a_done_in_one_plan_waits_for_a_write_in_another(repository: Path) -> None:
    progress = repository / "2022" / "progress" / "财政局.yaml"
    waits_for_the_lock(
        repository,
        lambda: record_progress(
            repository / "2022", ["1"], ["财政局"], today=dt.date(2022, 9, 1), done=dt.date(2022, 8, 1)
        ),
        progress.is_file,
    )


def test_a_dry_run_carry_checks_everything_and_writes_nothing(repository: Path) -> None:
    tasks = repository / "2022" / "tasks.yaml"
    before = tasks.read_bytes()
    result = carry_plan(repository, 2021, 2022, "2022年6月底", dry_run=True)
    assert result.tasks and not result.written and tasks.read_bytes() == before
    again = carry_plan(repository, 2021, 2022, "2022年6月底")
    assert again.written and [t.reference for t in again.tasks] == [t.reference for t in result.tasks]
    assert carry_plan(repository, 2021, 2022, None).tasks == []  # nothing twice


@pytest.mark.parametrize(
    ("year", "to", "deadline", "usage"),
    [(2022, 2021, None, True), (2021, 2030, None, True), (2021, 2022, "不是时限", True)],
)
def test_a_refused_carry_writes_nothing(
    repository: Path, year: int, to: int, deadline: str | None, usage: bool
) -> None:
    before = {p: p.read_bytes() for p in repository.rglob("*") if p.is_file()}
    with pytest.raises(Refused) as refused:
        carry_plan(repository, year, to, deadline)
    assert refused.value.usage is usage
    assert {p: p.read_bytes() for p in repository.rglob("*") if p.is_file()} == before


def test_a_plan_with_errors_is_refused_before_anything_is_written(repository: Path) -> None:
    write(repository / "2022" / "progress" / "甲县.yaml", "- task: '99'\n  unit: 甲县\n  done: 2022-01-01\n")
    tasks = repository / "2022" / "tasks.yaml"
    before = tasks.read_bytes()
    with pytest.raises(Refused) as refused:
        carry_plan(repository, 2021, 2022, None)
    assert refused.value.diagnostics and tasks.read_bytes() == before


def test_the_bundled_ledger_is_never_opened_for_writing() -> None:
    with pytest.raises(Refused) as refused, transaction(bundled_ledger()):
        pass
    assert refused.value.usage
    with pytest.raises(Refused):
        add_plan(bundled_ledger(), 2030)


def test_a_block_that_raises_writes_nothing(repository: Path) -> None:
    tasks = repository / "2022" / "tasks.yaml"
    before = tasks.read_bytes()
    with pytest.raises(RuntimeError), transaction(repository / "2022") as tx:
        tx.write({tasks: before + b"\n"}, dry_run=True)  # checked, not written
        raise RuntimeError("the edit failed half way")
    assert tasks.read_bytes() == before
