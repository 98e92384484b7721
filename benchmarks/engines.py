"""The engines side by side: memory, DuckDB and Spark on the same releases, end to end.

    python benchmarks/engines.py [--sizes 1e6 1e7] [--engines memory duckdb spark]
                                 [--memory-limit 8GB] [--dir /tmp/validator-scale]
                                 [--parquet] [--block-years 218]

1e8 under an 8 GB limit, as in the README:
    python benchmarks/engines.py --sizes 1e8 --engines duckdb --memory-limit 8GB --parquet \
        --block-years 218

For each size, the consistent release of benchmarks/release_shape.py (as benchmarks/scale.py
makes it, and reusing its files) is checked in a fresh process per engine
(`python -m validator check ... --engine E --format json --output F`). Prints one markdown
table: wall time, peak memory of the process (for Spark, the Python driver's only: the JVM is
another process), the ratio to the memory engine, and whether the discrepancies are the same
as the memory engine's (as sets). Runs one process at a time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from release_shape import generate
from scale import measure


def found(report: Path) -> list[str]:
    records = json.loads(report.read_text(encoding="utf-8"))
    return sorted(json.dumps(d, sort_keys=True) for d in records["discrepancies"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6])
    parser.add_argument("--engines", nargs="+", default=["memory", "duckdb", "spark"])
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/validator-scale"))
    parser.add_argument("--parquet", action="store_true",
                        help="the release as Parquet (release.parquet), not CSV")
    parser.add_argument("--block-years", type=int, default=None,
                        help="generate the release this many years at a time (larger than "
                             "memory: 218 years is about 1e7 figures)")
    args = parser.parse_args()
    rows = ["| release | figures | engine | time, peak memory | vs memory | discrepancies "
            "| same as memory |", "|---|---:|---|---:|---:|---:|---|"]
    for size in args.sizes:
        name = f"{size:.0e}-consistent"
        folder = args.dir / name
        release = folder / ("release.parquet" if args.parquet else "release.csv")
        if not release.exists():
            figures = generate(int(size), folder, time_consistent=True, parquet=args.parquet,
                               block_years=args.block_years)
        elif args.parquet:
            figures = pq.ParquetFile(release).metadata.num_rows
        else:
            figures = sum(1 for _ in release.open("rb")) - 1
        baseline: tuple[float, list[str]] | None = None
        for engine in args.engines:
            report = folder / f"report-{engine}.json"
            command = [sys.executable, "-m", "validator", "check", str(release), "--rules",
                       str(folder / "rules.yaml"), "--format", "json", "--output", str(report),
                       "--engine", engine]
            if args.memory_limit and engine != "memory":
                command += ["--memory-limit", args.memory_limit]
            run = measure(command, args.repeat)
            listed = found(report)
            if engine == "memory":
                baseline = (run.seconds, listed)
            ratio = f"{run.seconds / baseline[0]:.2f}x" if baseline else "-"
            same = "-" if baseline is None or engine == "memory" else (
                "yes" if listed == baseline[1] else "NO")
            limit = f" ({args.memory_limit})" if args.memory_limit and engine != "memory" else ""
            rows.append(f"| {name} | {figures:,} | {engine}{limit} | {run.seconds:.1f} s, "
                        f"{run.peak_mb / 1024:.2f} GB | {ratio} | {len(listed):,} | {same} |")
            print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
