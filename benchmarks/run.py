"""Measure gkledger against the floors it cannot beat, and print the ratios.

    python benchmarks/run.py [--units 2000 --tasks 60 --records 50000] [--runs 7]

1. `gkledger status --unit 回民区` on the shipped ledger ÷ a minimal Typer app with one option that
   prints a one-row rich table (the floor for any Typer + rich command line);       goal <= 1.3
2. cold `gkledger check --no-cache` on a generated province-sized ledger ÷ a bare `yaml.load`
   with CSafeLoader of the same files;                                               goal <= 1.3
3. warm `gkledger status --unit u1` on that ledger ÷ the same bare parse;            goal <= 0.15
4. `status --unit u1` right after one progress file was edited by hand ÷ the parse;  goal <= 0.2
5. `done 4 --unit u1 --replace` on the warm ledger ÷ the parse;                      goal <= 0.25
6. warm `status` of every unit ÷ the parse;                                          goal <= 0.3
7. warm `export --format csv` ÷ the parse;                                           goal <= 0.3
8. peak memory (max RSS) of (2) ÷ peak memory of the bare parse;                     goal <= 3
9. cold `check --no-cache` on the same units and records with --many-tasks tasks (1,000: many
   tasks sharing a few owner phrases, each phrase resolved once) ÷ its bare parse;   goal <= 1.3
   (`--records 1000000 --units 20000 --tasks 120` measures it at a million records)
10. `export --format xlsx` (the printed 台账) ÷ the parse;                           goal <= 5
11. `form --all`, one workbook per unit ÷ the parse;                                 goal <= 10
12. `bulletin --format docx` ÷ `bulletin --format md` of the same ledger;            goal <= 10
13. opening the `export --format html` page in Chromium (from navigation to its first frame drawn,
    through Playwright and the system's Chromium) ÷ the parse;                       goal <= 2.5

Then, after those edits by hand and by `done`, the answers of `check`, two units' views, the
overview and the CSV export through the cache are compared with those of `--no-cache`.

gkledger runs as its users run it, through the console script that pip installs (`python -m
gkledger` would add runpy and importlib.util, about 5 ms, which no user pays); without the
script, `python -m gkledger` is timed and said to be.

Each timing is the median wall time of --runs runs of a fresh process, and each run is followed
at once by a run of its floor: a ratio is the median of those pairs' ratios, each taken within the
same few seconds, so that a machine whose speed drifts over the minutes of a benchmark moves both
sides of it. Absolute times drift on shared machines; the ratios are what to compare. Nothing here
is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FLOOR_APP = textwrap.dedent(
    """
    import typer
    from rich.console import Console
    from rich.table import Table

    app = typer.Typer()

    @app.command()
    def main(unit: str = typer.Option(...)) -> None:
        table = Table()
        table.add_column("单位")
        table.add_row(unit)
        Console().print(table)

    app()
    """
)

BARE_PARSE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import yaml

    root = Path(sys.argv[1])
    files = [root / "units.yaml", root / "tasks.yaml", *sorted((root / "progress").glob("*.yaml"))]
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    """
)


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of a fresh process."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()}")
    return elapsed


ANSWERS = [  # views whose output the cache must not change
    ["check"],
    ["status", "--unit", "u1", "--all", "--format", "json"],
    ["status", "--unit", "u5", "--all", "--format", "json"],
    ["status", "--all-units", "--format", "json"],
    ["export", "--format", "csv"],
]


def output(argv: list[str], env: dict[str, str]) -> bytes:
    """What a command prints (a failing check prints its problems: they are compared too)."""
    return subprocess.run(argv, env=env, capture_output=True, check=False).stdout


class Paired:
    """Runs of commands, each followed at once by a run of its floor. A shared machine's speed
    drifts over the minutes a benchmark takes (by half, at times), and a short command's ratio to
    a parse measured minutes earlier drifts with it; the ratio of each pair is taken within the
    same few seconds, and the median of those ratios is reported."""

    def __init__(self, floor: list[str], env: dict[str, str]) -> None:
        self.floor = floor
        self.env = env
        self.ours: list[float] = []
        self.floors: list[float] = []

    def run(self, argv: list[str]) -> None:
        self.ours.append(run_once(argv, self.env))
        self.floors.append(run_once(self.floor, self.env))

    def result(self) -> tuple[float, float, float]:
        """Median wall times of ours and of the floor, and the median of the pairs' ratios."""
        ratios = [ours / floor for ours, floor in zip(self.ours, self.floors, strict=True)]
        return statistics.median(self.ours), statistics.median(self.floors), statistics.median(ratios)


def measure_pair(a: list[str], b: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """`Paired.result` of `runs` runs of a, each with a run of b, after one warm-up run each."""
    run_once(a, env)
    run_once(b, env)
    paired = Paired(b, env)
    for _ in range(runs):
        paired.run(a)
    return paired.result()


def peak_rss(argv: list[str], env: dict[str, str]) -> int:
    """Peak resident memory (KiB) of one run, measured by a wrapper so each run is counted alone."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *argv], env=env, check=True, capture_output=True)
    return int(out.stdout.decode().strip())


OPEN_PAGE = textwrap.dedent(
    """
    import shutil, sys, time
    from pathlib import Path
    from playwright.sync_api import sync_playwright

    page_file = Path(sys.argv[1]).resolve()
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto("about:blank")
        start = time.perf_counter()
        page.goto(page_file.as_uri(), wait_until="load", timeout=600_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        print(time.perf_counter() - start)
        browser.close()
    """
)


def opening(
    page_file: Path, script: Path, parse: list[str], env: dict[str, str], runs: int
) -> tuple[float, ...]:
    """Paired times of opening `page_file` in Chromium and of the parse; NaNs without a browser."""
    import shutil

    probe = [sys.executable, str(script), str(page_file)]
    if shutil.which("chromium") is None or subprocess.run(probe, env=env, capture_output=True).returncode:
        return (float("nan"),) * 3
    ours, floors = [], []
    for _ in range(runs):
        ours.append(float(subprocess.run(probe, env=env, capture_output=True, check=True).stdout))
        floors.append(run_once(parse, env))
    ratios = [a / b for a, b in zip(ours, floors, strict=True)]
    return statistics.median(ours), statistics.median(floors), statistics.median(ratios)


def compile_gkledger() -> None:
    """Give gkledger the bytecode cache that an installed wheel has (pip compiles it) and that the
    floors' libraries have: an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise
    recompile every module on every run, a cost no user of an installed gkledger pays."""
    import compileall

    import gkledger

    compileall.compile_dir(str(Path(gkledger.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--many-tasks", type=int, default=1000)
    args = parser.parse_args()

    compile_gkledger()
    script = Path(sysconfig.get_path("scripts")) / "gkledger"
    gkledger = [str(script)] if script.is_file() else [sys.executable, "-m", "gkledger"]
    with tempfile.TemporaryDirectory(prefix="gkledger-bench-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")}
        env["GKLEDGER_CACHE_DIR"] = str(work / "cache")
        env["COLUMNS"] = "120"
        floor = work / "floor.py"
        floor.write_text(FLOOR_APP, encoding="utf-8")
        bare = work / "bare.py"
        bare.write_text(BARE_PARSE, encoding="utf-8")
        big = work / "ledger"
        subprocess.run(
            [sys.executable, str(HERE / "make_ledger.py"), "--units", str(args.units), "--tasks", str(args.tasks),
             "--records", str(args.records), str(big)],
            check=True,
        )  # fmt: skip
        size = sum(p.stat().st_size for p in big.rglob("*.yaml"))
        many = work / "many-tasks"
        subprocess.run(
            [sys.executable, str(HERE / "make_ledger.py"), "--units", str(args.units), "--tasks",
             str(args.many_tasks), "--records", str(args.records), str(many)],
            check=True,
        )  # fmt: skip

        parse = [sys.executable, str(bare), str(big)]
        small = measure_pair(
            [*gkledger, "status", "--unit", "回民区", "--today", "2021-09-01"],
            [sys.executable, str(floor), "--unit", "回民区"],
            env,
            args.runs,
        )
        cold = measure_pair([*gkledger, "check", "--no-cache", "--data", str(big)], parse, env, args.runs)
        today = ["--today", "2021-09-01", "--data", str(big)]
        warm_argv = [*gkledger, "status", "--unit", "u1", *today]
        run_once(warm_argv, env)  # fills the cache
        warm = measure_pair(warm_argv, parse, env, args.runs)
        edited = Paired(parse, env)
        for i in range(args.runs):  # a hand edit of another unit's file, then the view
            with (big / "progress" / f"u{5 + i}.yaml").open("a", encoding="utf-8") as handle:
                handle.write(f"# checked on visit {i}\n")
            edited.run(warm_argv)
        done = Paired(parse, env)
        for i in range(args.runs):
            run_once(warm_argv, env)  # warm again
            day = f"2021-08-{10 + i:02d}"
            done.run([*gkledger, "done", "4", "--unit", "u1", "--replace", "--date", day, *today])
        overview = measure_pair([*gkledger, "status", *today], parse, env, args.runs)
        exported = measure_pair([*gkledger, "export", "--format", "csv", *today], parse, env, args.runs)
        cold_many = measure_pair(
            [*gkledger, "check", "--no-cache", "--data", str(many)],
            [sys.executable, str(bare), str(many)],
            env,
            args.runs,
        )
        heavy = max(1, args.runs // 3)  # the documents take seconds each: fewer runs
        out = work / "out"
        out.mkdir()
        workbook = measure_pair(
            [*gkledger, "export", "--format", "xlsx", "-o", str(out / "台账.xlsx"), "--force", *today],
            parse,
            env,
            heavy,
        )
        forms = measure_pair(
            [*gkledger, "form", "--all", "-o", str(out / "forms"), "--force", *today], parse, env, heavy
        )
        bulletin = measure_pair(
            [*gkledger, "bulletin", "--format", "docx", "-o", str(out / "通报.docx"), "--force", *today],
            [*gkledger, "bulletin", "--format", "md", "-o", str(out / "通报.md"), "--force", *today],
            env,
            heavy,
        )
        page_file = out / "台账.html"
        run_once([*gkledger, "export", "--format", "html", "-o", str(page_file), "--force", *today], env)
        open_script = work / "open_page.py"
        open_script.write_text(OPEN_PAGE, encoding="utf-8")
        page = opening(page_file, open_script, parse, env, heavy)
        memory_ours = peak_rss([*gkledger, "check", "--no-cache", "--data", str(big)], env)
        memory_bare = peak_rss([sys.executable, str(bare), str(big)], env)
        differing = [  # after the edits by hand and by `done`, the cache answers as a fresh load
            " ".join(view)
            for view in ANSWERS
            if output([*gkledger, *view, *today], env)
            != output([*gkledger, "--no-cache", *view, *today], env)
        ]

    memory = (memory_ours / 1024, memory_bare / 1024, memory_ours / memory_bare)
    rows = [
        ("1 status --unit 回民区 ÷ minimal Typer+rich app", small, 1.3, "s"),
        ("2 cold check --no-cache ÷ bare CSafeLoader parse", cold, 1.3, "s"),
        ("3 warm status --unit u1 ÷ bare CSafeLoader parse", warm, 0.15, "s"),
        ("4 status --unit u1 after a hand edit ÷ bare parse", edited.result(), 0.2, "s"),
        ("5 done 4 --unit u1 --replace ÷ bare parse", done.result(), 0.25, "s"),
        ("6 warm status of every unit ÷ bare parse", overview, 0.3, "s"),
        ("7 warm export --format csv ÷ bare parse", exported, 0.3, "s"),
        ("8 peak memory of (2) ÷ of the bare parse", memory, 3.0, "MiB"),
        (f"9 cold check, {args.many_tasks} tasks ÷ its bare parse", cold_many, 1.3, "s"),
        ("10 export --format xlsx ÷ bare parse", workbook, 5.0, "s"),
        ("11 form --all (one workbook per unit) ÷ bare parse", forms, 10.0, "s"),
        ("12 bulletin --format docx ÷ bulletin --format md", bulletin, 10.0, "s"),
        ("13 opening the HTML export in Chromium ÷ bare parse", page, 2.5, "s"),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")  # fmt: skip
    print(f"gkledger: {' '.join(gkledger)}")
    print(f"ledger: {args.units} units, {args.tasks} tasks, {args.records} records, {size / 1e6:.1f} MB of YAML "
          f"(bare parse {size / 1e6 / cold[1]:.1f} MB/s)")  # fmt: skip
    print(f"{'measure':52} {'ours':>9} {'floor':>9} {'ratio':>7} {'goal':>6}")
    for name, (ours, base, ratio), goal, unit in rows:
        mark = "ok" if ratio <= goal else "n/a (no Chromium)" if ratio != ratio else "OVER"
        print(f"{name:52} {ours:8.3f}{unit[0]} {base:8.3f}{unit[0]} {ratio:7.2f} {goal:6.2f} {mark}")
    print(
        f"answers of {len(ANSWERS)} views after the edits equal those of --no-cache: "
        + ("yes" if not differing else "NO: " + "; ".join(differing))
    )
    if differing:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
