"""Speed at scale and when much is wrong, side by side with the dense-array yardstick.

    python benchmarks/scale.py [--sizes 1e5 1e6 1e7] [--repeat 1] [--dir /tmp/validator-scale]
                               [--heavy-up-to 1e6]

For each size, a release of the yardstick's shape from benchmarks/release_shape.py, with rates
consistent with the previous year and without (failure-heavy). Each is checked end to end in
a fresh process (`python -m validator check ... --format json --output F`), and, when
../shared/perf-reference is there (or --reference DIR), by its dense-array checker on the same
file. Prints one markdown table: wall time and peak memory of both, their ratios, the number of
discrepancies and the cost of each (the extra time of the failure-heavy release over the
consistent one of the same size, per extra discrepancy). Runs one process at a time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from release_shape import generate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = next((p / "shared" / "perf-reference" for p in (ROOT.parent, ROOT.parent.parent)
                          if (p / "shared" / "perf-reference").is_dir()), ROOT.parent / "shared")


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def measure(command: list[str], repeat: int) -> Run:
    """Median wall time and the largest peak resident memory of `repeat` fresh processes."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} exited {code}")
    return Run(statistics.median(times), max(peaks))


def discrepancies(report: Path) -> int:
    return len(json.loads(report.read_text(encoding="utf-8"))["discrepancies"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/validator-scale"))
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--heavy-up-to", type=float, default=math.inf,
                        help="run the failure-heavy release only up to this size (at 1e6 it "
                             "takes 8 GB; at 1e7 it would not fit in this machine's memory)")
    args = parser.parse_args()
    checker = args.reference / "check_numpy_dense.py"
    rows = ["| release | figures | validator | yardstick | time ratio | memory ratio "
            "| discrepancies | per discrepancy |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in args.sizes:
        consistent: tuple[Run, int] | None = None
        for heavy in (False, True) if size <= args.heavy_up_to else (False,):
            name = f"{size:.0e}-{'failure-heavy' if heavy else 'consistent'}"
            folder = args.dir / name
            release = folder / "release.csv"
            if not release.exists():
                figures = generate(int(size), folder, time_consistent=not heavy)
            else:
                figures = sum(1 for _ in release.open("rb")) - 1
            report = folder / "report.json"
            ours = measure([sys.executable, "-m", "validator", "check", str(release), "--rules",
                            str(folder / "rules.yaml"), "--format", "json", "--output",
                            str(report)], args.repeat)
            found = discrepancies(report)
            theirs = (measure([sys.executable, str(checker), str(release), "--out",
                               str(folder / "dense.parquet")], args.repeat)
                      if checker.exists() else None)
            cost = ""
            if heavy and consistent is not None and found > consistent[1]:
                extra = (ours.seconds - consistent[0].seconds) / (found - consistent[1])
                cost = f"{extra * 1e6:.0f} us"
            else:
                consistent = (ours, found)
            yard = f"{theirs.seconds:.2f} s, {theirs.peak_mb / 1024:.2f} GB" if theirs else "-"
            ratio = f"{ours.seconds / theirs.seconds:.2f}x" if theirs else "-"
            memory = f"{ours.peak_mb / theirs.peak_mb:.2f}x" if theirs else "-"
            rows.append(f"| {name} | {figures:,} | {ours.seconds:.2f} s, "
                        f"{ours.peak_mb / 1024:.2f} GB | {yard} | {ratio} | {memory} "
                        f"| {found:,} | {cost} |")
            print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
