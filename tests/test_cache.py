"""The ledger cache: the same answers as a cold load, rebuilt when stale or damaged, and never
loaded from where someone else could have written it."""

from __future__ import annotations

import os
import pickle
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.core.model import Selector, Unit
from gkledger.store import cache, cache_file
from gkledger.store.files import list_files
from gkledger.store.load import load

from .conftest import write

Cli = Callable[..., Result]


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_warm_load_equals_a_cold_one(shipped: Path, tmp_path: Path) -> None:
    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    home = tmp_path / "cache"
    cold = cache.load_snapshot(shipped, home)
    warm = cache.load_snapshot(shipped, home)
    assert (cold.from_cache, warm.from_cache) == (False, True)
    assert warm.ledger.tasks == cold.ledger.tasks and warm.ledger.units == cold.ledger.units
    assert list(warm.ledger.records) == list(cold.ledger.records) == list(load(shipped).ledger.records)
    assert warm.owing == cold.owing and warm.diagnostics == cold.diagnostics


def test_records_units_and_sources_come_back_as_themselves(shipped: Path, tmp_path: Path) -> None:
    """Records, units and sources are pickled as plain tuples and rebuilt in C: what comes back
    is of its own class still (tuples compare equal whatever their class), and copies are too."""
    import copy

    from gkledger.core.model import Record, Source, make_record

    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    warm = list(cache.load_snapshot(shipped, home).ledger.records)
    cold = list(load(shipped).ledger.records)
    assert warm and all(type(record) is Record for record in warm)
    assert [r.source for r in warm] == [r.source for r in cold]
    assert [(r.task_source, r.unit_source) for r in warm] == [(r.task_source, r.unit_source) for r in cold]
    made = make_record("5", "回民区", None, "并入", None, None, Source("/x/p.yaml", 3, 5), period="2022-Q3")
    for again in (pickle.loads(pickle.dumps(made)), copy.copy(made), copy.deepcopy(made)):
        assert type(again) is Record and again == made and again.period == "2022-Q3"
        assert again.source == Source("/x/p.yaml", 3, 5)
    units = cache.load_snapshot(shipped, home).ledger.units
    assert units == load(shipped).ledger.units
    assert all(type(unit) is Unit and type(unit.source) is Source for unit in units)
    for value in (units[0], units[0].source):
        for again in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
            assert type(again) is type(value) and again == value


def test_records_are_read_in_place_from_the_cache_file(shipped: Path, tmp_path: Path) -> None:
    """Each file's pickled records and keys are kept out of band: loaded, they are slices of the
    one copy of the cache file read, not copies of their own, and they unpickle as saved."""
    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    write(shipped / "progress" / "玉泉区.yaml", "- task: '6'\n  unit: 玉泉区\n  done: 2021-08-21\n")
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    cache._OPENED.clear()  # as a new process would
    [slot] = files_in(home)
    opened = cache._open(slot)
    assert opened is not None
    entries = list(opened[0].files.values())
    blobs = [blob for entry in entries for blob in (entry.keys, entry.records)]
    assert len(blobs) == 4 and all(isinstance(blob, memoryview) for blob in blobs)
    assert len({id(blob.obj) for blob in blobs if isinstance(blob, memoryview)}) == 1  # one file read
    assert [r.unit for e in entries for r in pickle.loads(e.records)] == ["回民区", "玉泉区"]


def test_the_table_of_parts_must_describe_the_body_exactly() -> None:
    """A forged body that passes its checksum is still refused (and rebuilt) when its table of
    lengths does not add up to it: no slice past the end, no bytes left over."""
    good = cache_file._table([3, 2]) + b"abcde"
    pickled, blobs = cache_file._parts(memoryview(good))
    assert bytes(pickled) == b"abc" and [bytes(b) for b in blobs] == [b"de"]
    for forged in (
        cache_file._table([3, 2]) + b"abcd",  # a part cut short
        cache_file._table([3, 2]) + b"abcdef",  # bytes no part claims
        cache_file._table([]) + b"abc",  # no pickle at all
        (10**6).to_bytes(cache_file.LENGTH, "little") + b"abc",  # a table longer than the file
    ):
        with pytest.raises(ValueError):
            cache_file._parts(memoryview(forged))


def test_diagnostics_come_back_exactly(cli: Cli, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(small / "progress" / "甲县.yaml", "- task: '9'\n  unit: 乙县\n  done: 2021-02-30\n")
    monkeypatch.chdir(small.parent)
    first = cli("check", "--data", "data")
    second = cli("check", "--data", "data")
    uncached = cli("check", "--no-cache", "--data", "data")
    assert first.stdout == second.stdout == uncached.stdout
    assert first.exit_code == second.exit_code == 1


def test_a_changed_file_is_read_again(shipped: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    snapshot = cache.load_snapshot(shipped, home)
    assert not snapshot.from_cache and len(snapshot.ledger.records) == 1


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(shipped: Path, tmp_path: Path, damage: str) -> None:
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    [slot] = files_in(home)
    data = slot.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
        "garbage": b"\x00" * 100,
        "empty": b"",
    }[damage]
    slot.write_bytes(damaged)
    snapshot = cache.load_snapshot(shipped, home)
    assert not snapshot.from_cache and len(snapshot.ledger.tasks) == 25
    assert cache.load_snapshot(shipped, home).from_cache  # rebuilt


def test_a_cache_others_can_write_is_never_loaded(shipped: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    [slot] = files_in(home)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    pickled = pickle.dumps(Exploit())
    body = cache_file._table([len(pickled)]) + pickled  # the layout `_write` writes
    checksum = cache_file._checksum(body)
    slot.write_bytes(cache_file.MAGIC + checksum + body)  # a well-formed cache file that would run code
    home.chmod(0o777)
    snapshot = cache.load_snapshot(shipped, home)
    assert not marker.exists() and not snapshot.from_cache
    home.chmod(0o700)
    slot.chmod(0o666)
    cache.load_snapshot(shipped, home)
    assert not marker.exists()
    slot.write_bytes(cache_file.MAGIC + checksum + body)  # (the last run replaced it with a good cache)
    slot.chmod(0o600)  # the control: trusted, the same file is unpickled, so the guard is what kept it out
    cache.load_snapshot(shipped, home)
    assert marker.exists()


def test_the_cache_folder_is_private_and_outside_the_ledger(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    home = tmp_path / "private-cache"
    before = files_in(shipped)
    result = cli("status", "--unit", "回民区", "--today", "2021-09-01", "--data", str(shipped),
                 env={"GKLEDGER_CACHE_DIR": str(home)})  # fmt: skip
    assert result.exit_code == 0
    assert files_in(shipped) == before
    assert home.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o077 == 0 for p in files_in(home))


def test_no_cache_writes_nothing(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    env = {"GKLEDGER_CACHE_DIR": str(home)}
    assert (
        cli("--no-cache", "status", "--data", str(shipped), "--today", "2021-09-01", env=env).exit_code == 0
    )
    assert cli("check", "--no-cache", "--data", str(shipped), env=env).exit_code == 0
    assert cli("check", "--data", str(shipped), env={**env, "GKLEDGER_NO_CACHE": "1"}).exit_code == 0
    assert not home.exists()


def test_cache_home_follows_the_environment(tmp_path: Path) -> None:
    assert cache.cache_home({"GKLEDGER_NO_CACHE": "1"}) is None
    assert cache.cache_home({"GKLEDGER_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache.cache_home({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "gkledger"


def test_concurrent_commands_share_the_cache_safely(shipped: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    results: list[int] = []

    def work() -> None:
        results.append(len(cache.load_snapshot(shipped, home).ledger.tasks))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [25] * 6
    assert cache.load_snapshot(shipped, home).from_cache


def test_one_units_view_reads_only_its_records(shipped: Path, tmp_path: Path) -> None:
    from gkledger.core.status import Obligations

    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区人民政府\n  done: 2021-08-20\n")
    write(shipped / "progress" / "财政局.yaml", "- task: '8'\n  unit: 市财政局\n  done: 2021-08-20\n")
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    snapshot = cache.load_snapshot(shipped, home)
    records = snapshot.ledger.records
    assert isinstance(records, cache.LazyRecords)
    obligations = Obligations(snapshot.ledger, owing=snapshot.owing)
    unit = obligations.index.get("回民区")
    assert unit is not None
    rows = obligations.of_unit(unit)
    assert [o.record.done for o in rows if o.record] == [__import__("datetime").date(2021, 8, 20)]
    assert records._all is None  # nobody walked the whole table
    assert [r.unit for r in records] == ["回民区人民政府", "市财政局"]  # file order when walked


def test_unchanged_files_are_not_read_again_but_edits_are_seen(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "cache"
    progress = shipped / "progress" / "回民区.yaml"
    write(progress, "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    cache.load_snapshot(shipped, home)
    [slot] = files_in(home)
    later = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in shipped.rglob("*.yaml"))
    later += cache.RACY_NS + 1
    os.utime(slot, ns=(later, later))  # as if the cache had been written well after the last edit
    read: list[Path] = []
    real = cache.read_bytes
    monkeypatch.setattr(cache, "read_bytes", lambda file: read.append(file.path) or real(file))
    snapshot = cache.load_snapshot(shipped, home)
    assert read == [] and snapshot.from_cache and snapshot.parsed == 0  # every signature vouched
    write(progress, "- task: '5'\n  unit: 回民区\n  done: 2021-08-21\n")  # same size, new content, new mtime
    snapshot = cache.load_snapshot(shipped, home)
    assert not snapshot.from_cache and str(snapshot.ledger.records[0].done) == "2021-08-21"
    assert read == [progress] and snapshot.parsed == 1  # only the file that changed


def test_a_racy_edit_hidden_by_touch_is_still_seen(shipped: Path) -> None:
    """A same-size edit within the second the cache was written, then `touch -d` to an old date: the
    mtime looks old, but the ctime is when the edit happened, and that decides (as git does)."""
    progress = shipped / "progress" / "回民区.yaml"
    write(progress, "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    [file] = [f for f in list_files(shipped).files if f.path == progress]
    assert file.signature is not None
    size, _, ctime, inode = file.signature
    touched = (size, ctime - 10**12, ctime, inode)  # mtime set back ~17 minutes, ctime the edit's
    file = file._replace(signature=touched)
    written = ctime  # the cache was written in the same second as the edit
    assert not cache._Memo({}, written).trusted(file, touched)  # hashed again: ctime is racy
    assert cache._Memo({}, written + cache.RACY_NS + 1).trusted(file, touched)  # written well after


def test_code_changes_change_the_key(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    assert cache.load_snapshot(shipped, home).from_cache
    monkeypatch.setattr(cache, "_CODE", b"another build of gkledger")
    assert not cache.load_snapshot(shipped, home).from_cache


def test_the_code_key_follows_every_edit_of_the_code(tmp_path: Path) -> None:
    """The key of the code is its files' stat signatures: an edit that keeps a module's size and
    puts its mtime back (which fools Python's own bytecode check) still changes it, by ctime; so
    does a new module. Bytecode and other files do not."""
    package = tmp_path / "gkledger"
    (package / "__pycache__").mkdir(parents=True)
    module = write(package / "cache.py", "KEY = 1\n")
    write(package / "locale" / "zh_CN" / "gkledger.mo", "catalog")
    first = cache.code_key(str(package))
    assert cache.code_key(str(package)) == first
    write(package / "__pycache__" / "cache.cpython-311.pyc", "bytecode")
    write(package / "notes.txt", "not code")
    assert cache.code_key(str(package)) == first
    before = module.stat()
    time.sleep(0.01)  # past the file system's clock tick
    write(module, "KEY = 2\n")
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert module.stat().st_size == before.st_size and module.stat().st_mtime_ns == before.st_mtime_ns
    edited = cache.code_key(str(package))
    assert edited != first
    write(package / "render" / "new.py", "")
    assert cache.code_key(str(package)) not in (first, edited)


def test_an_edit_inside_the_racy_window_is_hashed_again(shipped: Path, tmp_path: Path) -> None:
    home = tmp_path / "cache"
    progress = shipped / "progress" / "回民区.yaml"
    write(progress, "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    cache.load_snapshot(shipped, home)
    before = progress.stat()
    write(progress, "- task: '5'\n  unit: 回民区\n  done: 2021-08-21\n")
    os.utime(
        progress, ns=(before.st_atime_ns, before.st_mtime_ns)
    )  # same size and mtime: only content differs
    snapshot = cache.load_snapshot(shipped, home)
    assert str(snapshot.ledger.records[0].done) == "2021-08-21"


def check_output(cli: Cli, root: Path, *flags: str) -> tuple[str, int]:
    result = cli("check", "--format", "json", *flags, "--data", str(root))
    return result.stdout, result.exit_code


STEPS = [
    ("a record", "progress/回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n"),
    ("a second record in another file (GK404 across files)", "progress/其他.yaml",
     "- task: '5'\n  unit: 回民区人民政府\n  done: 2021-08-21\n"),
    ("a broken file", "progress/玉泉区.yaml", "- task: '5'\n  unit: [玉泉区\n"),
    ("the broken file mended", "progress/玉泉区.yaml", "- task: '5'\n  unit: 玉泉区\n  done: 2021-08-22\n"),
    ("the duplicate removed", "progress/其他.yaml", "[]\n"),
]  # fmt: skip


def test_every_edit_answers_as_a_fresh_load(cli: Cli, shipped: Path) -> None:
    """Edit by edit, the per-file cache gives exactly what --no-cache gives."""
    assert check_output(cli, shipped) == check_output(cli, shipped, "--no-cache")
    for _, name, text in STEPS:
        write(shipped / name, text)
        assert check_output(cli, shipped) == check_output(cli, shipped, "--no-cache"), name
        assert check_output(cli, shipped) == check_output(cli, shipped, "--no-cache"), name  # warm again


def test_a_change_of_units_rechecks_cached_files(cli: Cli, shipped: Path) -> None:
    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    assert check_output(cli, shipped)[1] == 0
    units = (shipped / "units.yaml").read_text(encoding="utf-8")
    block = "aliases: [回民区人民政府, 呼和浩特市回民区]\n    kind: 旗县区\n"
    assert block in units
    write(shipped / "units.yaml", units.replace(block, block.replace("旗县区\n", "开发区\n"), 1))
    cached = check_output(cli, shipped)  # 回民区 is no county now: it owes task 5 no more
    assert cached == check_output(cli, shipped, "--no-cache")
    assert cached[1] == 1 and "GK403" in cached[0]


def test_done_through_the_cache_then_views_agree_with_a_fresh_load(cli: Cli, shipped: Path) -> None:
    args = ("--today", "2021-09-01", "--data", str(shipped))
    assert cli("status", "--unit", "回民区", *args).exit_code == 0  # fill the cache
    assert cli("done", "5", "-u", "回民区", "--date", "2021-08-20", *args).exit_code == 0
    assert cli("done", "5", "-u", "回民区", "--date", "2021-08-21", "--replace", *args).exit_code == 0
    refused = cli("done", "3", "-u", "回民区", "--date", "2021-08-21", *args)  # not owed: nothing written
    assert refused.exit_code == 1
    cached = cli("status", "--unit", "回民区", "--all", "--format", "json", *args).stdout
    fresh = cli("--no-cache", "status", "--unit", "回民区", "--all", "--format", "json", *args).stdout
    assert cached == fresh and '"done": "2021-08-21"' in cached
    assert check_output(cli, shipped) == check_output(cli, shipped, "--no-cache")


def test_done_saves_the_cache_once_and_the_next_view_parses_nothing(
    cli: Cli, shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`done` checks its change through the cache and saves the index once, after its write, with
    the written file under its new signature: the next command reads no file again and writes no
    cache. An edit by hand right after (same size, same mtime) is still seen: it falls inside the
    racy window of that save."""
    home = tmp_path / "cache"
    monkeypatch.setenv("GKLEDGER_CACHE_DIR", str(home))
    args = ("--today", "2021-09-01", "--data", str(shipped))
    assert cli("status", "--unit", "回民区", *args).exit_code == 0
    writes: list[Path] = []
    real_write = cache._write
    monkeypatch.setattr(cache, "_write", lambda path, index: writes.append(path) or real_write(path, index))
    assert cli("done", "5", "-u", "回民区", "--date", "2021-08-20", *args).exit_code == 0
    [slot] = files_in(home)
    assert writes == [slot] and slot not in cache._BUILT
    saved = slot.read_bytes()
    cache._OPENED.clear()  # as a new process would
    snapshot = cache.load_snapshot(shipped, home)
    assert snapshot.parsed == 0 and snapshot.from_cache and slot.read_bytes() == saved
    progress = shipped / "progress" / "回民区.yaml"
    before = progress.stat()
    text = progress.read_text(encoding="utf-8")
    assert "2021-08-20" in text
    progress.write_text(text.replace("2021-08-20", "2021-08-19"), encoding="utf-8")
    os.utime(progress, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size and mtime
    cache._OPENED.clear()
    again = cache.load_snapshot(shipped, home)
    assert again.parsed == 1 and [str(r.done) for r in again.ledger.records] == ["2021-08-19"]
    fresh = cli("--no-cache", "status", "--unit", "回民区", "--all", "--format", "json", *args).stdout
    assert cli("status", "--unit", "回民区", "--all", "--format", "json", *args).stdout == fresh


def test_the_check_of_a_change_reuses_the_core_it_loaded(shipped: Path, tmp_path: Path) -> None:
    """`done` loads the ledger, then the ledger with its change: the second load unpickles no core
    and builds no units' index again, and answers as a fresh load of the changed files does; a
    change of units.yaml gets a core of its own."""
    home = tmp_path / "cache"
    cache.load_snapshot(shipped, home)
    cache._OPENED.clear()  # as a new process would
    first = cache.load_snapshot(shipped, home, save=False)
    progress = shipped / "progress" / "回民区.yaml"
    overlay = {progress: "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n".encode()}
    checked = cache.load_snapshot(shipped, home, overlay, save=False)
    assert checked.unit_index is first.unit_index and checked.ledger.tasks is first.ledger.tasks
    fresh = load(shipped, overlay=overlay)
    assert (
        list(checked.ledger.records) == list(fresh.ledger.records)
        and checked.diagnostics == fresh.diagnostics
    )
    units = shipped / "units.yaml"
    renamed = {units: units.read_bytes().replace("回民区".encode(), "回民新区".encode(), 1)}
    other = cache.load_snapshot(shipped, home, renamed, save=False)
    assert other.index is not first.index and other.diagnostics == load(shipped, overlay=renamed).diagnostics


@pytest.mark.parametrize("duplicate", [False, True])
@pytest.mark.parametrize("maintainers", [False, True])
def test_the_checks_across_files_from_pairs_equal_those_from_keys(
    shipped: Path, duplicate: bool, maintainers: bool
) -> None:
    """What the cache keeps per file (pairs, units) gives the same GK404 and GK408 as the keys."""
    from gkledger.core.units import UnitIndex
    from gkledger.store import checks

    write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-20\n")
    write(shipped / "progress" / "玉泉区.yaml", "- task: '6'\n  unit: 玉泉区\n  done: 2021-08-20\n")
    if duplicate:
        write(shipped / "progress" / "其他.yaml", "- task: '5'\n  unit: 回民区人民政府\n  done: 2021-08-21\n")
    if maintainers:
        units = (shipped / "units.yaml").read_text(encoding="utf-8")
        write(shipped / "units.yaml", "maintainers: ['@office']\n" + units)
    ledger = load(shipped).ledger
    index = UnitIndex(ledger.units, ledger.groups)
    by_file: dict[str, list[checks.Key]] = {}
    for key in checks.record_keys(ledger, index, ledger.records):
        by_file.setdefault(key[2], []).append(key)
    expected = checks.across(ledger, index, [k for keys in by_file.values() for k in keys])
    pairs = [checks.pairs_of(ledger, index, keys) for keys in by_file.values()]
    units = [key[1] for keys in by_file.values() for key in keys]
    got = checks.across_files(ledger, index, pairs, units, lambda: [k for ks in by_file.values() for k in ks])
    assert got == expected
    assert [d.code for d in got] == ["GK404"] * duplicate + ["GK408"] * (2 * maintainers)


def test_a_fresh_load_resolves_each_selector_once(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a cache, the owners come from the units' index the load's checks resolved every
    selector with: a province's 60 selectors over 2,000 units were resolved twice."""
    from gkledger.core.units import UnitIndex

    indexes: list[UnitIndex] = []  # held, so that no two can share an id
    real = UnitIndex.select

    def select(self: UnitIndex, selector: Selector) -> tuple[Unit, ...]:
        if not any(index is self for index in indexes):
            indexes.append(self)
        return real(self, selector)

    monkeypatch.setattr(UnitIndex, "select", select)
    snapshot = cache.load_snapshot(shipped, None)
    assert snapshot.owing and indexes == [snapshot.unit_index]  # one index did all the resolving
    monkeypatch.undo()
    assert snapshot.owing == cache.load_snapshot(shipped, None).owing
