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
   (`--records 1000000 --units 20000 --tasks 120` measures it at a million records)

Each timing is the median wall time of --runs runs of a fresh process, the runs of a pair
interleaved so that both see the same machine load. Absolute times drift on shared machines; the
ratios are what to compare. Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
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


def measure_pair(a: list[str], b: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall times of a and b, interleaved, after one warm-up run each."""
    run_once(a, env)
    run_once(b, env)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(run_once(a, env))
        times_b.append(run_once(b, env))
    return statistics.median(times_a), statistics.median(times_b)


def peak_rss(argv: list[str], env: dict[str, str]) -> int:
    """Peak resident memory (KiB) of one run, measured by a wrapper so each run is counted alone."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *argv], env=env, check=True, capture_output=True)
    return int(out.stdout.decode().strip())


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
    args = parser.parse_args()

    compile_gkledger()
    gkledger = [sys.executable, "-m", "gkledger"]
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

        ours_small, floor_time = measure_pair(
            [*gkledger, "status", "--unit", "回民区", "--today", "2021-09-01"],
            [sys.executable, str(floor), "--unit", "回民区"],
            env,
            args.runs,
        )
        cold, bare_time = measure_pair(
            [*gkledger, "check", "--no-cache", "--data", str(big)],
            [sys.executable, str(bare), str(big)],
            env,
            max(3, args.runs // 2),
        )
        today = ["--today", "2021-09-01", "--data", str(big)]
        warm_argv = [*gkledger, "status", "--unit", "u1", *today]
        run_once(warm_argv, env)  # fills the cache
        warm = statistics.median(run_once(warm_argv, env) for _ in range(args.runs))
        edited = []
        for i in range(args.runs):  # a hand edit of another unit's file, then the view
            with (big / "progress" / f"u{5 + i}.yaml").open("a", encoding="utf-8") as handle:
                handle.write(f"# checked on visit {i}\n")
            edited.append(run_once(warm_argv, env))
        after_edit = statistics.median(edited)
        done = []
        for i in range(args.runs):
            run_once(warm_argv, env)  # warm again
            day = f"2021-08-{10 + i:02d}"
            done.append(
                run_once([*gkledger, "done", "4", "--unit", "u1", "--replace", "--date", day, *today], env)
            )
        recorded = statistics.median(done)
        overview_argv = [*gkledger, "status", *today]
        run_once(overview_argv, env)
        overview = statistics.median(run_once(overview_argv, env) for _ in range(args.runs))
        csv_argv = [*gkledger, "export", "--format", "csv", *today]
        run_once(csv_argv, env)
        exported = statistics.median(run_once(csv_argv, env) for _ in range(args.runs))
        memory_ours = peak_rss([*gkledger, "check", "--no-cache", "--data", str(big)], env)
        memory_bare = peak_rss([sys.executable, str(bare), str(big)], env)

    rows = [
        ("1 status --unit 回民区 ÷ minimal Typer+rich app", ours_small, floor_time, 1.3, "s"),
        ("2 cold check --no-cache ÷ bare CSafeLoader parse", cold, bare_time, 1.3, "s"),
        ("3 warm status --unit u1 ÷ bare CSafeLoader parse", warm, bare_time, 0.15, "s"),
        ("4 status --unit u1 after a hand edit ÷ bare parse", after_edit, bare_time, 0.2, "s"),
        ("5 done 4 --unit u1 --replace ÷ bare parse", recorded, bare_time, 0.25, "s"),
        ("6 warm status of every unit ÷ bare parse", overview, bare_time, 0.3, "s"),
        ("7 warm export --format csv ÷ bare parse", exported, bare_time, 0.3, "s"),
        ("8 peak memory of (2) ÷ of the bare parse", memory_ours / 1024, memory_bare / 1024, 3.0, "MiB"),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")  # fmt: skip
    print(f"ledger: {args.units} units, {args.tasks} tasks, {args.records} records, {size / 1e6:.1f} MB of YAML "
          f"(bare parse {size / 1e6 / bare_time:.1f} MB/s)")  # fmt: skip
    print(f"{'measure':52} {'ours':>9} {'floor':>9} {'ratio':>7} {'goal':>6}")
    for name, ours, base, goal, unit in rows:
        ratio = ours / base
        mark = "ok" if ratio <= goal else "OVER"
        print(f"{name:52} {ours:8.3f}{unit[0]} {base:8.3f}{unit[0]} {ratio:7.2f} {goal:6.2f} {mark}")


if __name__ == "__main__":
    main()
