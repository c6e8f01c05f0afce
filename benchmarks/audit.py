"""Measure `gkledger audit` on a long history, against the floor of reading that history at all.

    python benchmarks/audit.py [--commits 5000] [--runs 5]

Builds a git repository from the shipped ledger with --commits commits (each adds or redates one
record in one unit's progress file, written in one `git fast-import` stream, so building takes
seconds), then prints the median wall time of

1. `gkledger audit --format json` (one `git log --raw`, one `git cat-file --batch`, every blob
   parsed), and
2. the floor: `git log -p` of the progress folder, the text any audit must at least read,

and their ratio. One git process per record would take minutes here. Measured on the development
machine (2 cores, Python 3.11): 1.67 s against 0.16 s at 5,000 commits, a ratio of about 11; the
time is YAML parsing of each of the 5,000 file versions (once each), not git. Nothing here is
asserted by tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
UNITS = ["回民区", "玉泉区", "赛罕区", "新城区", "土默特左旗", "托克托县", "和林格尔县", "清水河县", "武川县"]
TASKS = ["1", "2", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"]


def build(top: Path, commits: int) -> None:
    shutil.copytree(DATA, top / "data")
    subprocess.run(["git", "init", "-q", "-b", "main", str(top)], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.gov.cn",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.gov.cn"}  # fmt: skip
    subprocess.run(["git", "-C", str(top), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(top), "commit", "-q", "-m", "plan"], check=True, env=env)
    rng = random.Random(5000)
    files: dict[str, dict[str, str]] = {unit: {} for unit in UNITS}
    start = dt.datetime(2021, 6, 20, 9, tzinfo=dt.UTC)
    stream = []
    for i in range(commits):
        unit = rng.choice(UNITS)
        task = rng.choice(TASKS)
        day = dt.date(2021, 6, 20) + dt.timedelta(days=rng.randrange(150))
        files[unit][task] = day.isoformat()
        text = "".join(
            f"- task: '{t}'\n  unit: {unit}\n  done: {d}\n" for t, d in sorted(files[unit].items())
        )
        body = text.encode("utf-8")
        when = int((start + dt.timedelta(hours=i)).timestamp())
        message = f"{unit} {task}".encode()
        path = f"data/progress/{unit}.yaml"
        stream.append(
            b"commit refs/heads/main\n"
            + f"author bench <bench@example.gov.cn> {when} +0800\n".encode()
            + f"committer bench <bench@example.gov.cn> {when} +0800\n".encode()
            + f"data {len(message)}\n".encode()
            + message
            + b"\n"
            + (b"from refs/heads/main^0\n" if i == 0 else b"")
            + f'M 100644 inline "{path}"\n'.encode()
            + f"data {len(body)}\n".encode()
            + body
            + b"\n"
        )
    subprocess.run(["git", "-C", str(top), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(top), "reset", "-q", "--hard", "main"], check=True)


def timed(command: list[str], cwd: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKLEDGER_")}
    env["GKLEDGER_NO_CACHE"] = "1"
    started = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        top = Path(folder) / "ledger"
        began = time.perf_counter()
        build(top, args.commits)
        print(f"built {args.commits:,} commits in {time.perf_counter() - began:.1f} s")
        audit = [sys.executable, "-m", "gkledger", "audit", "--format", "json", "--data", "data"]
        floor = ["git", "log", "-p", "--", "data/progress"]
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(timed(audit, top))
            base.append(timed(floor, top))
        a, b = statistics.median(ours), statistics.median(base)
        print(f"audit: {a:.3f} s   git log -p: {b:.3f} s   ratio: {a / b:.2f}")


if __name__ == "__main__":
    main()
