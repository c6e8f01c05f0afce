"""The roll-up at province scale: N ledgers of 50 units, 25 tasks and about 600 records each.

    python benchmarks/rollup.py            # 100 ledgers
    python benchmarks/rollup.py --ledgers 20

Prints two ratios against their goals (#30):
- a cold roll-up (every ledger read through an empty cache, then written as SQLite) against the
  sum of the ledgers' cold checks (`gkledger check`, each a process of its own): goal ≤ 1.5;
- a second roll-up after one ledger changed against the first: goal ≤ 0.2.
Times are wall clock on this machine; the ratios are what to compare between machines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_ledger import make  # noqa: E402

from gkledger.render.sqlite import to_sqlite  # noqa: E402
from gkledger.store.atomic import write_atomic  # noqa: E402
from gkledger.views.rollup import build_rollup, previous_rollup, sources_of  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ledgers", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        top = Path(work)
        folders = []
        for number in range(args.ledgers):
            folder = top / f"ledger{number:03d}"
            make(folder / "data", units=50, tasks=25, records=600, seed=number)
            folders.append(folder)
        env = {**os.environ, "GKLEDGER_NO_CACHE": "1"}
        start = time.perf_counter()
        for folder in folders:
            subprocess.run(
                [sys.executable, "-m", "gkledger", "check", "--data", str(folder / "data")],
                env=env,
                capture_output=True,
                check=False,
            )
        checks = time.perf_counter() - start
        cache = top / "cache"
        cache.mkdir(mode=0o700)
        day = dt.date(2021, 9, 1)
        sources = sources_of(folders)
        out = top / "rollup.sqlite"
        start = time.perf_counter()
        first = build_rollup(sources, day, cache)
        payload = to_sqlite(first)
        write_atomic(out, payload)
        size = len(payload)
        cold = time.perf_counter() - start
        progress = folders[0] / "data" / "progress"
        changed = sorted(progress.iterdir())[0]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        start = time.perf_counter()
        second = build_rollup(sources, day, cache, previous_rollup(out))
        write_atomic(out, to_sqlite(second, out.read_bytes() if second.kept else None))
        warm = time.perf_counter() - start
        rows = sum(len(part.rows) for part in first.parts)
        print(f"{args.ledgers} ledgers, {rows:,} obligations, SQLite {size / 1e6:.1f} MB")
        print(f"cold checks, one process each: {checks:.2f} s")
        print(f"cold roll-up: {cold:.2f} s   ratio {cold / checks:.2f}  (goal ≤ 1.5)")
        print(f"roll-up after one ledger changed: {warm:.2f} s   ratio {warm / cold:.2f}  (goal ≤ 0.2)")
        print(f"ledgers read again the second time: {len(second.parts)} (kept: {len(second.kept)})")


if __name__ == "__main__":
    main()
