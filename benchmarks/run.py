"""Time `validator check` end to end on the synthetic release (reading and parsing included).

    python benchmarks/run.py [--repeat 3] [--dir /tmp/validator-bench]

Generates the release with benchmarks/synthetic.py when it is not there yet, then runs the
installed command in a fresh process each time and prints wall time and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import generate


def run_once(figures: Path, rules: Path, report: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "validator", "check", str(figures), "--rules", str(rules),
         "--format", "json", "--output", str(report)],
        check=False,
    )
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kb, before) / 1024, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/validator-bench"))
    args = parser.parse_args()
    figures, rules = args.dir / "figures.csv", args.dir / "rules.yaml"
    if not figures.exists():
        rows = generate(args.dir, products=40, subproducts=20, partners=30)
        print(f"generated {rows} figures in {args.dir}")
    rows = sum(1 for _ in figures.open("rb")) - 1
    times, peaks = [], []
    for _ in range(args.repeat):
        elapsed, peak_mb, code = run_once(figures, rules, args.dir / "report.json")
        if code != 0:
            raise SystemExit(f"validator exited {code}: the synthetic release should check clean")
        times.append(elapsed)
        peaks.append(peak_mb)
    print(f"figures: {rows}")
    print(f"wall time: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
          f"over {len(times)} runs")
    print(f"peak memory: {max(peaks):.0f} MB")


if __name__ == "__main__":
    main()
