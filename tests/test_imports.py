"""Start-up stays light: heavy or single-command libraries are imported only by their command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import DATA

HEAVY = ("openpyxl", "xlsxwriter", "docx", "jinja2", "icalendar", "playwright", "httpx")


def imported_modules(code: str, env: dict[str, str] | None = None) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, check=True, env=env, text=True,
    )  # fmt: skip
    return {line.split(".")[0] for line in out.stdout.splitlines()}


def test_importing_the_cli_pulls_in_no_export_library_and_no_yaml() -> None:
    modules = imported_modules("import gkledger.cli.app")
    assert not modules & {*HEAVY, "yaml"}


def test_a_warm_status_does_not_parse_yaml(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")} | {"GKLEDGER_LANG": "en"}
    env["GKLEDGER_CACHE_DIR"] = str(tmp_path)
    run = (
        "import sys\nfrom gkledger.cli.app import app\n"
        f"sys.argv = ['gkledger', 'status', '--unit', '回民区', '--today', '2021-09-01', '--data', {str(DATA)!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert "yaml" in imported_modules(run, env)  # the first run parses and fills the cache
    warm = imported_modules(run, env)
    assert "yaml" not in warm
    assert "_hashlib" not in warm  # OpenSSL: the cache's BLAKE2 is CPython's own
    # Typer's rich_utils (with rich.traceback, pydantic or attrs behind it) is for help and refusals
    assert not warm & {"pydantic", "attr", "attrs"}
    full = subprocess.run(
        [sys.executable, "-c", f"{run}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, check=True, env=env, text=True,
    ).stdout.splitlines()  # fmt: skip
    assert "typer.rich_utils" not in full and "rich.traceback" not in full


def test_the_console_script_collects_garbage_seldom() -> None:
    """A command's ledger holds no cycles: the collector waits for 200,000 new objects, not 700."""
    code = (
        "import gc, sys\nfrom gkledger.cli import main as cli\nsys.argv = ['gkledger', '--version']\n"
        "try:\n    cli.run()\nexcept SystemExit:\n    pass\nprint(gc.get_threshold()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True).stdout
    assert out.split()[-1] == "200000"
