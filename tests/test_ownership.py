"""Who may write what (maintainers, CODEOWNERS, strict owner files) and who wrote it when (audit
from a git history built with chosen authors and dates)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import DATA, write

Cli = Callable[..., Result]

MAINTAINED = {"回民区": ["@hm-gongkai"], "玉泉区": ["yq@example.gov.cn"], "赛罕区": ["@sh-gk", "@sh-chief"]}
OFFICE = ["@hhht-gongkai"]


def with_maintainers(root: Path) -> None:
    text = (root / "units.yaml").read_text(encoding="utf-8")
    for unit, handles in MAINTAINED.items():
        line = f"  - name: {unit}\n"
        assert line in text
        listed = ", ".join(f"'{h}'" for h in handles)
        text = text.replace(line, line + f"    maintainers: [{listed}]\n", 1)
    text = text.replace("groups:", f"maintainers: ['{OFFICE[0]}']\ngroups:", 1)
    (root / "units.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the shipped ledger with maintainers, first commit 2021-06-20."""
    top = tmp_path / "台账"
    shutil.copytree(DATA, top / "data")
    with_maintainers(top / "data")
    git(top, "init", "-q", "-b", "main")
    commit(top, "the plan", "2021-06-20", "Office", "office@example.gov.cn")
    return top


def git(top: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(top), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout


def commit(top: Path, message: str, day: str, author: str, email: str) -> str:
    stamp = f"{day}T10:00:00+08:00"
    env = {
        "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": stamp,
    }  # fmt: skip
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", message, env=env)
    return git(top, "rev-parse", "HEAD").strip()


def record(task: str, unit: str, done: str) -> str:
    return f"- task: '{task}'\n  unit: {unit}\n  done: {done}\n"


def test_strict_owner_files_make_gk407_an_error(cli: Cli, shipped: Path) -> None:
    write(shipped / "progress" / "回民区.yaml", record("5", "玉泉区", "2021-08-01"))
    relaxed = cli("check", "--data", str(shipped))
    assert relaxed.exit_code == 0 and "GK407 warning" in relaxed.stdout
    tasks = (shipped / "tasks.yaml").read_text(encoding="utf-8")
    write(shipped / "tasks.yaml", tasks.replace("settings:\n", "settings:\n  strict_owner_files: true\n", 1))
    strict = cli("check", "--data", str(shipped))
    assert strict.exit_code == 1 and "GK407 a record" in strict.stdout and "1 error" in strict.stdout


def test_units_with_records_but_no_maintainers_are_warned_about(cli: Cli, shipped: Path) -> None:
    with_maintainers(shipped)
    write(shipped / "progress" / "新城区.yaml", record("5", "新城区", "2021-08-01"))
    result = cli("check", "--data", str(shipped))
    assert result.exit_code == 0 and "GK408" in result.stdout and "新城区" in result.stdout


def parse_codeowners(text: str, forge: str) -> list[tuple[str, list[str]]]:
    """CODEOWNERS as GitHub and GitLab document it: comments, blank lines, (GitLab) [sections], then
    a pattern with escaped spaces and owners that are @users, @org/teams or e-mail addresses."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if forge == "gitlab" and re.fullmatch(r"\^?\[[^\]]+\](\[\d+\])?( .*)?", line):
            continue
        parts = re.split(r"(?<!\\)\s+", line)
        owners = parts[1:]
        for owner in owners:
            assert re.fullmatch(r"@[\w.-]+(/[\w.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+", owner), owner
        rules.append((re.sub(r"\\(.)", r"\1", parts[0]), owners))
    return rules


def owners_of(rules: list[tuple[str, list[str]]], path: str) -> list[str]:
    found: list[str] = []
    for pattern, owners in rules:  # the last matching rule wins
        if pattern == "/" + path or (pattern.endswith("/") and ("/" + path).startswith(pattern)):
            found = owners
    return found


@pytest.mark.parametrize("forge", ["github", "gitlab"])
def test_codeowners_gives_each_units_file_to_its_maintainers(cli: Cli, repo: Path, forge: str) -> None:
    out = repo / ".github" / "CODEOWNERS"
    result = cli("codeowners", "--forge", forge, "-o", str(out), "--data", str(repo / "data"))
    assert result.exit_code == 0, result.output
    rules = parse_codeowners(out.read_text(encoding="utf-8"), forge)
    for unit, handles in MAINTAINED.items():
        assert owners_of(rules, f"data/progress/{unit}.yaml") == handles
    assert owners_of(rules, "data/tasks.yaml") == OFFICE
    assert owners_of(rules, "data/units.yaml") == OFFICE
    assert owners_of(rules, "data/progress/新城区.yaml") == OFFICE  # no maintainers: the office


def test_codeowners_escapes_spaces_in_file_names() -> None:
    from gkledger.history.codeowners import pattern

    assert pattern("data/progress/a b#c.yaml") == "/data/progress/a\\ b\\#c.yaml"


def test_audit_flags_each_kind_of_entry_with_its_commit(cli: Cli, repo: Path) -> None:
    progress = repo / "data" / "progress"
    write(progress / "回民区.yaml", record("5", "回民区", "2021-08-01"))
    on_time = commit(repo, "回民区 5", "2021-08-03", "hm-gongkai", "hm@example.gov.cn")
    write(progress / "回民区.yaml", record("5", "回民区", "2021-08-01") + record("6", "回民区", "2021-06-28"))
    late = commit(repo, "回民区 6, typed in August", "2021-08-09", "hm-gongkai", "hm@example.gov.cn")
    write(progress / "回民区.yaml", record("5", "回民区", "2021-07-30") + record("6", "回民区", "2021-06-28"))
    redated = commit(repo, "回民区 5 earlier", "2021-08-20", "hm-gongkai", "hm@example.gov.cn")
    write(progress / "玉泉区.yaml", record("5", "玉泉区", "2021-08-10") + record("6", "玉泉区", "2021-08-10"))
    outsider = commit(repo, "玉泉区 by someone else", "2021-08-11", "Intern", "intern@example.com")
    write(progress / "赛罕区.yaml", record("5", "赛罕区", "2021-08-12"))
    write(progress / "玉泉区.yaml", record("5", "玉泉区", "2021-08-10"))  # 6 removed, in the same commit
    both = commit(repo, "two units at once", "2021-08-13", "sh-gk", "sh-gk@example.gov.cn")

    result = cli("audit", "--format", "json", "--data", str(repo / "data"))
    assert result.exit_code == 1, result.output
    rows = {(r["task"], r["unit"]): r for r in json.loads(result.stdout)}

    assert rows[("5", "回民区")]["added_commit"] == on_time
    assert rows[("5", "回民区")]["lag_days"] == 2
    assert rows[("5", "回民区")]["flags"] == ["redated"]
    assert rows[("5", "回民区")]["flag_commits"] == {"redated": redated}
    assert rows[("5", "回民区")]["done"] == "2021-07-30"

    assert rows[("6", "回民区")]["lag_days"] == 42
    assert rows[("6", "回民区")]["flags"] == ["late-entry"]
    assert rows[("6", "回民区")]["flag_commits"]["late-entry"] == late
    assert rows[("6", "回民区")]["added_by"] == "hm-gongkai <hm@example.gov.cn>"

    assert rows[("5", "玉泉区")]["flags"] == ["not-maintainer"]
    assert rows[("5", "玉泉区")]["flag_commits"]["not-maintainer"] == outsider
    assert "removed" in rows[("6", "玉泉区")]["flags"]
    assert rows[("6", "玉泉区")]["flag_commits"]["removed"] == both

    assert rows[("5", "赛罕区")]["flags"] == ["cross-unit"]
    assert rows[("5", "赛罕区")]["flag_commits"]["cross-unit"] == both
    assert set(rows[("5", "赛罕区")]) >= {
        "task",
        "unit",
        "period",
        "done",
        "added_commit",
        "added_by",
        "added_at",
        "lag_days",
        "flags",
    }


def test_audit_follows_renames_and_merges(cli: Cli, repo: Path) -> None:
    progress = repo / "data" / "progress"
    write(progress / "hm.yaml", record("5", "回民区", "2021-08-01"))
    first = commit(repo, "in a file with another name", "2021-08-02", "hm-gongkai", "hm@example.gov.cn")
    git(repo, "mv", "data/progress/hm.yaml", "data/progress/回民区.yaml")
    commit(repo, "renamed", "2021-09-30", "hm-gongkai", "hm@example.gov.cn")
    git(repo, "checkout", "-q", "-b", "branch")
    write(progress / "玉泉区.yaml", record("5", "玉泉区", "2021-08-05"))
    on_branch = commit(repo, "on a branch", "2021-08-06", "yq", "yq@example.gov.cn")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "branch",
        env={"GIT_AUTHOR_DATE": "2021-10-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2021-10-01T10:00:00+08:00",
             "GIT_AUTHOR_NAME": "Office", "GIT_AUTHOR_EMAIL": "office@example.gov.cn",
             "GIT_COMMITTER_NAME": "Office", "GIT_COMMITTER_EMAIL": "office@example.gov.cn"})  # fmt: skip
    result = cli("audit", "--format", "json", "--data", str(repo / "data"))
    rows = {(r["task"], r["unit"]): r for r in json.loads(result.stdout)}
    assert rows[("5", "回民区")]["added_commit"] == first and rows[("5", "回民区")]["flags"] == []
    assert rows[("5", "玉泉区")]["added_commit"] == on_branch and rows[("5", "玉泉区")]["flags"] == []
    assert result.exit_code == 0


def test_audit_on_a_shallow_clone_says_what_it_cannot_see(cli: Cli, repo: Path, tmp_path: Path) -> None:
    progress = repo / "data" / "progress"
    write(progress / "回民区.yaml", record("5", "回民区", "2021-08-01"))
    commit(repo, "one", "2021-08-02", "hm-gongkai", "hm@example.gov.cn")
    write(progress / "回民区.yaml", record("5", "回民区", "2021-08-01") + record("6", "回民区", "2021-08-03"))
    commit(repo, "two", "2021-08-04", "hm-gongkai", "hm@example.gov.cn")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    result = cli("audit", "--format", "json", "--data", str(clone / "data"))
    assert "shallow" in result.stderr
    rows = {(r["task"], r["unit"]): r for r in json.loads(result.stdout)}
    assert rows[("5", "回民区")]["flags"] == ["history-cut"] and rows[("5", "回民区")]["added_commit"] is None


def test_audit_outside_a_repository_is_refused(cli: Cli, shipped: Path) -> None:
    result = cli("audit", "--data", str(shipped))
    assert result.exit_code == 2 and "not in a git repository" in result.stderr


def test_audit_table_and_status_entry_dates(cli: Cli, repo: Path) -> None:
    write(repo / "data" / "progress" / "回民区.yaml", record("6", "回民区", "2021-06-28"))
    commit(repo, "late", "2021-08-09", "hm-gongkai", "hm@example.gov.cn")
    table = cli("audit", "--data", str(repo / "data"))
    assert "late-entry" in table.stdout and "42d" in table.stdout
    chinese = cli("audit", "--data", str(repo / "data"), "--lang", "zh")
    assert "迟报" in chinese.stdout and "42天" in chinese.stdout and "late-entry" not in chinese.stdout
    status = cli("status", "--unit", "回民区", "--all", "--show-entry", "--format", "json",
                 "--today", "2021-09-01", "--data", str(repo / "data"))  # fmt: skip
    assert status.exit_code == 0, status.output
    [row] = [r for r in json.loads(status.stdout) if r["task"] == "6"]
    assert row["done"] == "2021-06-28" and row["entered"] == "2021-08-09"


def test_xlsx_records_sheet_gets_entry_dates_in_a_repository(cli: Cli, repo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write(repo / "data" / "progress" / "回民区.yaml", record("6", "回民区", "2021-06-28"))
    commit(repo, "late", "2021-08-09", "hm-gongkai", "hm@example.gov.cn")
    out = tmp_path / "台账.xlsx"
    result = cli(
        "--lang", "zh", "export", "--format", "xlsx", "-o", str(out), "--today", "2021-09-01", "--data",
        str(repo / "data"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["办结记录"]
    header = [c.value for c in sheet[2]]  # row 1 is the title
    assert header[-1] == "登记日期"
    assert str(sheet.cell(row=3, column=len(header)).value).startswith("2021-08-09")


@pytest.mark.parametrize("forge", ["github", "gitlab"])
def test_codeowners_covers_every_plan_and_the_shared_files(cli: Cli, repo: Path, forge: str) -> None:
    """In a repository of several plans, the roster and every plan stay under the office's review."""
    data = repo / "data"
    for year in ("2021", "2022"):
        (data / year).mkdir()
        shutil.copy(data / "tasks.yaml", data / year / "tasks.yaml")
        shutil.copytree(data / "progress", data / year / "progress")
    (data / "tasks.yaml").unlink()
    shutil.rmtree(data / "progress")
    text = (data / "2022" / "tasks.yaml").read_text(encoding="utf-8").replace("year: 2021", "year: 2022")
    (data / "2022" / "tasks.yaml").write_text(
        text.replace("# yaml-language-server: $schema=../", "# yaml-language-server: $schema=../../"),
        encoding="utf-8",
    )
    out = repo / ".github" / "CODEOWNERS"
    result = cli("codeowners", "--forge", forge, "-o", str(out), "--data", str(data), "--plan", "2022")
    assert result.exit_code == 0, result.output
    rules = parse_codeowners(out.read_text(encoding="utf-8"), forge)
    assert owners_of(rules, "data/units.yaml") == OFFICE
    for year in ("2021", "2022"):
        assert owners_of(rules, f"data/{year}/tasks.yaml") == OFFICE
        assert owners_of(rules, f"data/{year}/progress/新城区.yaml") == OFFICE
        for unit, handles in MAINTAINED.items():
            assert owners_of(rules, f"data/{year}/progress/{unit}.yaml") == handles
    assert owners_of(rules, "data/2023/tasks.yaml") == OFFICE  # a plan added later: the office's
    assert not any(pattern == "/data/2022/units.yaml" for pattern, _ in rules)  # no file that is not there


def odd_commit(top: Path, author: str, zone: str, seconds: int = 1_627_000_000) -> str:
    """A commit git accepts but its porcelain would not write: written as a raw object."""
    git(top, "add", "-A")
    tree = git(top, "write-tree").strip()
    parent = git(top, "rev-parse", "HEAD").strip()
    text = (
        f"tree {tree}\nparent {parent}\nauthor {author} <odd@example.gov.cn> {seconds} {zone}\n"
        f"committer {author} <odd@example.gov.cn> {seconds} {zone}\n\nodd\n"
    )
    sha = (
        subprocess.run(
            ["git", "-C", str(top), "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
            input=text.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(top, "update-ref", "HEAD", sha)
    return sha


ODD = "<odd@example.gov.cn>"


@pytest.mark.parametrize(
    ("author", "zone", "shown"),
    [
        ("Odd\x1fName\x1eX", "+0800", f"Odd\x1fName\x1eX {ODD}"),
        ("Office", "+9959", f"Office {ODD}"),
        ("Line\nBreak", "-9959", " <>"),  # the header ends at the break: git reads no name, no date
        (":M\x1e", "+0000", f":M\x1e {ODD}"),
    ],
    ids=["separators", "zone-east", "line-break", "colon"],
)
def test_an_odd_commit_is_shown_never_fatal(cli: Cli, repo: Path, author: str, zone: str, shown: str) -> None:
    write(repo / "data" / "progress" / "回民区.yaml", record("8", "回民区", "2021-07-20"))
    odd_commit(repo, author, zone)
    data = str(repo / "data")
    audit = cli("--today", "2021-12-31", "audit", "--data", data, "--format", "json")
    assert audit.exit_code == 1, audit.output  # flagged (not a maintainer), never a crash
    entry = next(e for e in json.loads(audit.stdout) if e["task"] == "8" and e["unit"] == "回民区")
    day = "1970-01-01" if shown == " <>" else "2021-07-2"
    assert entry["added_by"] == shown and entry["added_at"].startswith(day)
    viewed = cli("--today", "2021-12-31", "status", "--unit", "回民区", "--show-entry", "--data", data)
    assert viewed.exit_code == 0, viewed.output
    out = repo / "out.xlsx"
    exported = cli("--today", "2021-12-31", "export", "--format", "xlsx", "-o", str(out), "--data", data)
    assert exported.exit_code == 0 and out.stat().st_size > 0, exported.output


def test_the_offices_decisions_are_audited_from_git(cli: Cli, repo: Path) -> None:
    data = str(repo / "data")
    day = ("--today", "2021-09-30")
    assert cli("done", "5", "--unit", "回民区", "--date", "2021-08-20", "--data", data, *day).exit_code == 0
    commit(repo, "回民区 reports", "2021-08-21", "HM", "hm@example.gov.cn")
    assert (
        cli("confirm", "5", "--unit", "回民区", "--date", "2021-08-25", "--data", data, *day).exit_code == 0
    )
    late = (
        "extend",
        "4",
        "--unit",
        "回民区",
        "--to",
        "2021-10-31",
        "--reason",
        "等待部署",
        "--approved-by",
        "王主任",
    )
    assert cli(*late, "--date", "2021-07-10", "--data", data, *day).exit_code == 0  # after 6-30: late
    commit(repo, "office decisions", "2021-08-26", "Office", "office@example.gov.cn")
    assert cli("confirm", "5", "--unit", "玉泉区", "--data", data, *day).exit_code == 1  # nothing to confirm
    result = cli("audit", "--office", "--format", "json", "--data", data)
    assert result.exit_code == 1, result.output  # a late extension is flagged
    found = {(e["task"], e["decision"]): e for e in json.loads(result.stdout)}
    assert found[("5", "confirmed")]["added_by"] == "Office <office@example.gov.cn>"
    assert (
        found[("5", "confirmed")]["added_at"].startswith("2021-08-26")
        and found[("5", "confirmed")]["flags"] == []
    )
    assert found[("4", "extended")]["flags"] == ["late-extension"]
    check = cli("check", "--data", data)
    assert "GK504" in check.stdout
