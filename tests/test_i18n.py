"""Chinese first, English on request: the same problems said in each language, from catalogs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from gkledger import i18n

from .conftest import REPO, write

Cli = Callable[..., Result]


def test_the_catalogs_are_current_and_complete() -> None:
    """Every message of the code has its Chinese translation, and the .mo is compiled from the .po."""
    pytest.importorskip("babel")
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "catalogs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("option", "environ", "language"),
    [
        (None, {}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, {"LANG": "C"}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        (None, {"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"GKLEDGER_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ("zh", {"LANG": "en_US.UTF-8"}, "zh"),
        ("en", {}, "en"),
    ],
)
def test_the_language_is_chosen_chinese_first(
    option: str | None, environ: dict[str, str], language: str
) -> None:
    assert i18n.language_from(option, environ) == language


def broken(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write(root / "units.yaml", "units:\n  - {name: 甲县, full_name: 甲县, kind: 县, level: 县级}\n")
    write(
        root / "tasks.yaml",
        "plan: {title: t, year: 2022}\ntasks:\n  - {id: '1', section: s, text: t, owners: 甲县, owed_by: {unit: 甲县}, deadline: 尽快}\n",
    )
    write(root / "progress" / "甲县.yaml", "- task: '1'\n  unit: 甲县\n  done: 2022-02-30\n")
    return root


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--lang", "zh"], {}, ["不是真实存在的日期", "无法识别完成时限“尽快”", "提示"]),
        (["--lang", "en"], {}, ["not a real date", "cannot read the deadline '尽快'", "hint"]),
        ([], {"GKLEDGER_LANG": "", "LANG": "zh_CN.UTF-8"}, ["不是真实存在的日期"]),
        ([], {"GKLEDGER_LANG": "", "LANG": "en_US.UTF-8"}, ["not a real date"]),
    ],
)
def test_check_speaks_the_language_asked_for(
    cli: Cli, tmp_path: Path, args: list[str], env: dict[str, str], expected: list[str]
) -> None:
    result = cli(*args, "check", "--data", str(broken(tmp_path)), env=env)
    assert result.exit_code == 1
    for words in expected:
        assert words in result.stdout, result.stdout


def test_the_language_can_follow_the_command_and_the_cache_keeps_each(cli: Cli, tmp_path: Path) -> None:
    root = broken(tmp_path)
    zh = cli("check", "--data", str(root), "--lang", "zh").stdout
    en = cli("check", "--data", str(root), "--lang", "en").stdout
    assert "不是真实存在的日期" in zh and "not a real date" in en
    assert cli("check", "--data", str(root), "--lang", "zh").stdout == zh  # from the cache, still Chinese


def test_usage_errors_are_chinese_by_default(cli: Cli, shipped: Path) -> None:
    result = cli("--lang", "zh", "status", "--unit", "不存在的单位", "--data", str(shipped))
    assert result.exit_code == 2 and "未知单位" in result.stderr
    english = cli("--lang", "en", "status", "--unit", "不存在的单位", "--data", str(shipped))
    assert english.exit_code == 2 and "unknown unit" in english.stderr


@pytest.mark.parametrize("where", ["before", "after", "env"])
def test_help_is_chinese_by_default_and_english_on_request(cli: Cli, where: str) -> None:
    """Every command's help, its options' and Typer's panel titles come from the catalog; Chinese
    runs of text fold at the column's edge instead of ending in an ellipsis."""
    from typer.main import get_command

    from gkledger.cli.app import app
    from gkledger.cli.parsing import help_texts

    chinese = cli("--lang", "zh", "status", "--help", env={"COLUMNS": "80"}).stdout
    assert "某单位承担而未办结的任务" in chinese and "╭─ 选项" in chinese and "[默认：table]" in chinese
    assert "What a unit owes" not in chinese
    joined = "".join(line.strip("│ ").split("  ")[-1].replace(" ", "") for line in chinese.splitlines())
    for text in (
        "显示每条记录在git历史中的提交日期（登记）。",
        "只看这些状态，逗号分隔：late,due-soon,pending…（或逾期,临期…）。",
    ):
        assert text in joined  # whole, folded over lines, never cut
    assert "承担任务的单位" in cli("--lang", "zh", "--help").stdout  # a group lists its commands' help
    args = {
        "before": ("--lang", "en", "status", "--help"),
        "after": ("status", "--help", "--lang", "en"),
        "env": ("status", "--help"),
    }[where]
    english = cli(*args, env={"COLUMNS": "80", "GKLEDGER_LANG": "en" if where == "env" else "zh"}).stdout
    assert "What a unit owes" in english and "╭─ Options" in english and "某单位承担" not in english
    i18n.use("zh")
    try:
        texts = set(help_texts(get_command(app)))
        assert len(texts) > 100 and all(
            i18n._(text) != text for text in texts if not text.isascii() or " " in text
        )
    finally:
        i18n.use("en")


REFUSALS = [
    (
        ("status", "--format", "xml"),
        "'--format' / '-f' 的值无效：'xml' 不是可选值之一",
        "invalid value for '--format'",
    ),
    (("status", "--soon", "999"), "不在范围 0<=x<=366 内", "999 is not in the range 0<=x<=366"),
    (("show",), "缺少参数 'task'", "missing argument 'task'"),
    (("status", "--unit"), "'--unit' 需要一个值", "'--unit' needs a value"),
    (("status", "extra"), "多余的参数（extra）", "unexpected extra arguments (extra)"),
    (("tasks", "--today", "x"), "没有这个选项：--today", "no such option: --today"),
    (("staus",), "没有命令 'staus'；是不是要用 'status'", "no such command 'staus'; did you mean 'status'"),
]


@pytest.mark.parametrize(("args", "chinese", "english"), REFUSALS)
def test_click_refusals_speak_the_language_too(
    cli: Cli, args: tuple[str, ...], chinese: str, english: str
) -> None:
    """What Typer's Click refuses (an unknown choice, a missing argument, a typo in a command) is
    said in the user's language, in the same panel, exit 2."""
    zh = cli(*args, env={"GKLEDGER_LANG": "zh", "COLUMNS": "200"})
    assert zh.exit_code == 2 and chinese in zh.stderr and "╭─ 错误" in zh.stderr
    assert "查看帮助" in zh.stderr or "Usage" not in zh.stderr  # the hint line, where Click gives one
    en = cli(*args, env={"LANG": "en_US.UTF-8", "GKLEDGER_LANG": "", "COLUMNS": "200"})
    assert en.exit_code == 2 and english in en.stderr and "╭─ Error" in en.stderr


def test_lang_before_a_group_of_commands_holds_for_its_subcommand(cli: Cli, tmp_path: Path) -> None:
    """`gkledger --lang en units import …`: the subgroup does not fall back to the environment."""
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称,类别\n甲县,旗县区\n甲县,旗县区\n", encoding="utf-8")
    english = cli("--lang", "en", "units", "import", str(roster), "--dry-run", env={"GKLEDGER_LANG": "zh"})
    chinese = cli("--lang", "zh", "units", "import", str(roster), "--dry-run", env={"GKLEDGER_LANG": "en"})
    assert english.exit_code == chinese.exit_code == 1
    assert "problems in the roster; nothing was written" in english.stderr
    assert "problems in the roster" not in chinese.stderr and "名单" in chinese.stderr.splitlines()[-1]
