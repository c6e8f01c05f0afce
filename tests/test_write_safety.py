"""The write path never loses, invents or misplaces a record: odd-but-valid layouts, hostile values,
links, read-only files, the bundled ledger and repeated options (each case once lost data)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger.store import yaml_text
from gkledger.store.load import load

from .conftest import write

Cli = Callable[..., Result]
TODAY = ("--today", "2021-09-01")


def records(root: Path, unit: str = "回民区") -> list[dict[str, object]]:
    text = (root / "progress" / f"{unit}.yaml").read_text(encoding="utf-8")
    found = yaml_text.records_of(text)
    assert found is not None
    return found


def hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def done(cli: Cli, root: Path, *args: str) -> Result:
    return cli("done", *args, *TODAY, "--data", str(root))


def test_replace_in_a_flow_style_file_keeps_the_other_records(cli: Cli, shipped: Path) -> None:
    write(
        shipped / "progress" / "回民区.yaml",
        '[{task: "5", unit: 回民区, done: 2021-08-02}, {task: "6", unit: 回民区, done: 2021-08-01}]\n',
    )
    result = done(cli, shipped, "5", "--unit", "回民区", "--date", "2021-08-21", "--replace")
    assert result.exit_code == 0, result.output
    assert records(shipped) == [
        {"task": "5", "unit": "回民区", "done": "2021-08-21"},
        {"task": "6", "unit": "回民区", "done": "2021-08-01"},
    ]
    assert "rewritten" in result.stderr
    assert load(shipped).diagnostics == []


def test_append_after_a_dash_alone_nested_list_and_block_scalar(cli: Cli, shipped: Path) -> None:
    text = (
        "-\n"
        "  task: '4'\n"
        "  unit: 回民区\n"
        "  done: 2021-06-28\n"
        "  expect:\n"
        "    - 双随机\n"
        "-\n"
        "  task: '21'\n"
        "  unit: 回民区\n"
        "  done: 2021-07-02\n"
        "  note: |\n"
        "    第一行\n"
    )
    write(shipped / "progress" / "回民区.yaml", text)
    result = done(cli, shipped, "5", "--unit", "回民区", "--date", "2021-08-20")
    assert result.exit_code == 0, result.output
    after = (shipped / "progress" / "回民区.yaml").read_text(encoding="utf-8")
    assert after.startswith(text)  # every byte kept: the record was appended, not merged in
    assert records(shipped)[-1] == {"task": "5", "unit": "回民区", "done": "2021-08-20"}
    assert records(shipped)[1]["note"] == "第一行\n"
    status = cli("status", "--unit", "回民区", "--all", "--format", "json", *TODAY, "--data", str(shipped))
    assert '"task": "5"' in status.stdout and '"status": "done"' in status.stdout


def test_a_record_whose_anchor_another_uses_is_replaced_by_a_rewrite(cli: Cli, shipped: Path) -> None:
    write(
        shipped / "progress" / "回民区.yaml",
        "# kept on top\n"
        "- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n  note: &shared 同一批次\n"
        "- task: '21'\n  unit: 回民区\n  done: 2021-07-02\n  note: *shared\n",
    )
    result = done(cli, shipped, "4", "--unit", "回民区", "--date", "2021-07-01", "--replace")
    assert result.exit_code == 0, result.output
    assert records(shipped) == [
        {"task": "4", "unit": "回民区", "done": "2021-07-01"},
        {"task": "21", "unit": "回民区", "done": "2021-07-02", "note": "同一批次"},
    ]
    assert (shipped / "progress" / "回民区.yaml").read_text(encoding="utf-8").startswith("# kept on top\n")


@pytest.mark.parametrize(
    "note",
    [
        "a\u2028  c\u2029  d",
        "  leading and trailing  ",
        "第一行\n第二行",
        "tab\there",
        "- looks like a list",
        "'quoted' \"both\" \\ backslash",
        "null",
        "\ufeffbom inside",
        "😀 astral",
        "zero\u200bwidth",
    ],
)
def test_printable_values_round_trip_exactly(cli: Cli, shipped: Path, note: str) -> None:
    result = done(cli, shipped, "5", "--unit", "回民区", "--date", "2021-08-20", "--note", note)
    assert result.exit_code == 0, result.output
    assert records(shipped)[-1]["note"] == note
    [record] = [r for r in load(shipped).ledger.records if r.task == "5"]
    assert record.note == note


@pytest.mark.parametrize("bad", ["a\x85b", "del\x7f", "esc\x1b[31m", "c1\x9b", "cr\rhere", "bad\udcff"])
def test_control_characters_and_bad_bytes_are_refused_naming_the_option(
    cli: Cli, shipped: Path, bad: str
) -> None:
    before = hashes(shipped)
    result = done(cli, shipped, "5", "--unit", "回民区", "--note", bad)
    assert result.exit_code == 2
    assert "--note" in result.stderr
    assert hashes(shipped) == before


def test_non_utf8_argument_bytes_exit_2_without_a_traceback(shipped: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "GKLEDGER_CACHE_DIR": str(tmp_path / "cache"), "LC_ALL": "C.UTF-8"}
    argv = [b"done", b"5", b"-u", "回民区".encode(), b"--note", b"bad\xff", b"--today", b"2021-09-01"]
    completed = subprocess.run(
        [sys.executable.encode(), b"-m", b"gkledger", *argv, b"--data", str(shipped).encode()],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert completed.returncode == 2, completed.stderr
    assert b"Traceback" not in completed.stderr and b"--note" in completed.stderr


def test_a_unit_name_that_leaves_the_folder_is_an_error_and_never_a_file(cli: Cli, shipped: Path) -> None:
    units = (shipped / "units.yaml").read_text(encoding="utf-8")
    write(shipped / "units.yaml", units.replace("- name: 回民区\n", '- name: "../../evil"\n', 1))
    check = cli("check", "--data", str(shipped))
    assert check.exit_code == 1 and "GK306" in check.stdout
    result = done(cli, shipped, "5", "--unit", "../../evil")
    assert result.exit_code == 1
    assert not list(shipped.parent.rglob("evil.yaml"))


def test_a_symlinked_progress_file_is_not_replaced(cli: Cli, shipped: Path) -> None:
    real = shipped / "archive" / "real.yaml"  # inside the ledger, so the link is read; not a progress file
    write(real, "- task: '5'\n  unit: 回民区\n  done: 2021-08-02\n")
    os.symlink("../archive/real.yaml", shipped / "progress" / "回民区.yaml")
    assert cli("check", "--data", str(shipped)).exit_code == 0
    before = hashes(shipped)
    result = done(cli, shipped, "6", "--unit", "回民区", "--date", "2021-08-20")
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert (shipped / "progress" / "回民区.yaml").is_symlink() and hashes(shipped) == before


def test_a_read_only_progress_file_is_not_replaced(cli: Cli, shipped: Path) -> None:
    path = write(shipped / "progress" / "回民区.yaml", "- task: '5'\n  unit: 回民区\n  done: 2021-08-02\n")
    path.chmod(0o444)
    before = hashes(shipped)
    result = done(cli, shipped, "6", "--unit", "回民区", "--date", "2021-08-20")
    assert result.exit_code == 1 and "read-only" in result.stderr
    assert hashes(shipped) == before and (path.stat().st_mode & 0o777) == 0o444


def test_output_through_a_symlink_is_refused(cli: Cli, shipped: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "out.csv"
    os.symlink(target, link)
    result = cli("export", "--format", "csv", "-o", str(link), *TODAY, "--data", str(shipped))
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep me\n"


def test_the_bundled_ledger_is_never_written(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gkledger.store.locate import bundled_ledger

    monkeypatch.chdir(tmp_path)  # no ledger here or above: the bundled one is found
    before = hashes(bundled_ledger())
    result = cli("done", "5", "-u", "玉泉区", *TODAY)
    assert result.exit_code == 2 and "gkledger init" in result.stderr
    assert hashes(bundled_ledger()) == before
    view = cli("status", "--unit", "玉泉区", *TODAY)
    assert view.exit_code == 0 and "bundled" in view.stdout  # the view says whose ledger it shows


def test_several_tasks_and_units_record_every_pair(cli: Cli, shipped: Path) -> None:
    result = done(cli, shipped, "14", "17", "-u", "玉泉区", "-u", "赛罕区", "--date", "2021-08-20")
    assert result.exit_code == 0, result.output
    pairs = {(r.task, r.unit) for r in load(shipped).ledger.records}
    assert pairs == {("14", "玉泉区"), ("17", "玉泉区"), ("14", "赛罕区"), ("17", "赛罕区")}


def test_several_pairs_are_all_or_nothing(cli: Cli, shipped: Path) -> None:
    before = hashes(shipped)
    result = done(cli, shipped, "14", "17", "-u", "玉泉区", "-u", "财政局", "--date", "2021-08-20")
    assert result.exit_code == 1 and "does not owe" in result.stderr
    assert hashes(shipped) == before


@pytest.mark.parametrize(
    "args",
    [
        ["done", "5", "-u", "回民区", "--date", "2021-08-01", "--date", "2021-08-02"],
        ["status", "-u", "回民区", "--unit", "玉泉区"],
        ["status", "--format", "json", "-f", "csv"],
        ["--today", "2021-09-01", "status", "--today", "2021-09-02"],
        ["--data", "a", "--data", "b", "status"],
    ],
)
def test_a_repeated_option_is_refused(cli: Cli, shipped: Path, args: list[str]) -> None:
    before = hashes(shipped)
    result = cli(*args, env={"GKLEDGER_DATA": str(shipped)})
    assert result.exit_code == 2, result.output
    assert hashes(shipped) == before


LAYOUTS = {
    "comments between records": "# top\n- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n# between\n\n- task: '6'\n  unit: 回民区\n  done: 2021-07-01\n# end\n",
    "a document start": "---\n- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n- task: '6'\n  unit: 回民区\n  done: 2021-07-01\n",
    "no newline at the end": "- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n- task: '6'\n  unit: 回民区\n  done: 2021-07-01",
    "a folded note last": "- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n- task: '6'\n  unit: 回民区\n  done: 2021-07-01\n  note: >\n    折叠的\n    说明\n",
    "flow mappings in a block list": "- {task: '4', unit: 回民区, done: 2021-06-28}\n- {task: '6', unit: 回民区, done: 2021-07-01, expect: [a, b]}\n",
    "indented list": "  - task: '4'\n    unit: 回民区\n    done: 2021-06-28\n  - task: '6'\n    unit: 回民区\n    done: 2021-07-01\n",
    "wide indents": "-     task: '4'\n      unit: 回民区\n      done: 2021-06-28\n-     task: '6'\n      unit: 回民区\n      done: 2021-07-01\n",
    "CRLF with a BOM": "\ufeff- task: '4'\r\n  unit: 回民区\r\n  done: 2021-06-28\r\n- task: '6'\r\n  unit: 回民区\r\n  done: 2021-07-01\r\n",
    "nested list as the last value": "- task: '4'\n  unit: 回民区\n  done: 2021-06-28\n- task: '6'\n  unit: 回民区\n  done: 2021-07-01\n  expect:\n  - 双随机\n  - 一公开\n",
}  # fmt: skip


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_odd_but_valid_layouts_get_exactly_the_records_meant(cli: Cli, shipped: Path, layout: str) -> None:
    path = shipped / "progress" / "回民区.yaml"
    path.write_bytes(LAYOUTS[layout].encode("utf-8"))
    before = records(shipped)
    assert cli("check", "--data", str(shipped)).exit_code == 0
    added = done(cli, shipped, "5", "--unit", "回民区", "--date", "2021-08-20")
    assert added.exit_code == 0, added.output
    assert records(shipped) == [*before, {"task": "5", "unit": "回民区", "done": "2021-08-20"}]
    replaced = done(cli, shipped, "6", "--unit", "回民区", "--date", "2021-08-21", "--replace")
    assert replaced.exit_code == 0, replaced.output
    after = records(shipped)
    assert after[1] == {"task": "6", "unit": "回民区", "done": "2021-08-21"}
    assert after[0] == before[0] and after[2] == {"task": "5", "unit": "回民区", "done": "2021-08-20"}
    assert cli("check", "--data", str(shipped)).exit_code == 0
    text = path.read_bytes()
    if layout == "CRLF with a BOM":
        assert text.startswith(b"\xef\xbb\xbf") and b"\n" not in text.replace(b"\r\n", b"")


def test_a_streamed_write_is_whole_or_nothing_and_never_through_a_link(tmp_path: Path) -> None:
    """The cache streams its pickle into the new file: a failure midway leaves the old file and no
    temporary one; a link is refused like any write."""
    from gkledger.store.atomic import WriteRefused, write_atomic_stream

    target = tmp_path / "cache.pickle"
    target.write_bytes(b"old")
    write_atomic_stream(target, lambda handle: handle.write(b"new") and None, mode=0o600)
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o600

    def broken(handle: object) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic_stream(target, broken)
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["cache.pickle"]
    link = tmp_path / "link.pickle"
    link.symlink_to(target)
    with pytest.raises(WriteRefused):
        write_atomic_stream(link, lambda handle: None)
    assert target.read_bytes() == b"new"


def test_an_export_written_in_pieces_is_whole_or_nothing_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large export goes to its file a piece at a time: all of it or none (a failure midway
    leaves the old file and no temporary one), never through a link, and read back and compared
    by length and digest; a file that does not read back as written is an error."""
    from gkledger.store import atomic
    from gkledger.store.atomic import WriteRefused, write_atomic_pieces

    target = tmp_path / "台账.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)

    def pieces(write: Callable[[bytes], object]) -> None:
        for number in range(3000):  # several megabytes, read back a megabyte at a time
            write(f"{number},{'台账' * 200}\n".encode())

    size = write_atomic_pieces(target, pieces)
    assert size == target.stat().st_size > 3 << 20 and target.stat().st_mode & 0o777 == 0o640
    assert target.read_bytes().startswith(b"0,") and target.read_bytes().endswith(b"\n")
    whole = target.read_bytes()

    def broken(write: Callable[[bytes], object]) -> None:
        write(b"1,half")
        raise RuntimeError("the ledger changed")

    with pytest.raises(RuntimeError):
        write_atomic_pieces(target, broken)
    assert target.read_bytes() == whole and [p.name for p in tmp_path.iterdir()] == ["台账.csv"]
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with pytest.raises(WriteRefused):
        write_atomic_pieces(link, pieces)
    assert target.read_bytes() == whole and link.is_symlink()

    real_replace = os.replace

    def replaced_then_damaged(source: str, destination: str | Path) -> None:
        real_replace(source, destination)
        with open(destination, "r+b") as handle:  # a disk that returns other bytes than it took
            handle.write(b"X")

    monkeypatch.setattr(atomic.os, "replace", replaced_then_damaged)
    with pytest.raises(OSError, match="does not read back as written"):
        write_atomic_pieces(target, pieces)
