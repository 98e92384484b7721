"""Hostile shapes that must cost near-linear time: each is run as `validator check` in a fresh
process (start-up included) and its wall time, exit code and verdict printed as a Markdown table.

Run from the project root: `python benchmarks/hostile.py`. The cases:
- a parent with 100,000 children (a complete breakdown that fails);
- a million copies of one figure, one of them different (an input duplicate);
- 20,000 columns (a breakdown that fails);
- a Markdown release with a 180,000-character line of emphasis markers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KOREA = ROOT / "rules" / "korea-ict.yaml"


def _cases(folder: Path) -> dict[str, tuple[Path, Path]]:
    n = 100_000
    kids = ", ".join(f"c{i}" for i in range(n))
    (folder / "kids.yaml").write_text(
        f"figures: {{value: value}}\ndimensions:\n  item: {{total: [{kids}]}}\n"
        "rules:\n  - id: parts\n    breakdown: item\n    complete: true\n")
    (folder / "kids.csv").write_text(
        "item,value\n" + f"total,{2 * n}.0\n" + "".join(f"c{i},1.0\n" for i in range(n)))
    (folder / "dup.yaml").write_text(
        "figures: {value: value}\ndimensions:\n  item: {total: [a, b]}\n"
        "rules:\n  - id: parts\n    breakdown: item\n")
    (folder / "dup.csv").write_text(
        "item,value\n" + "total,10.0\n" * 1_000_000 + "total,11.0\na,3.0\nb,4.0\n")
    extra = ",".join(f"x{i}" for i in range(20_000))
    ones = ",".join("1" for _ in range(20_000))
    (folder / "wide.csv").write_text(
        f"item,value,{extra}\n" + "".join(f"{item},{value},{ones}\n" for item, value in
                                          (("total", "10.0"), ("a", "3.0"), ("b", "9.0"))))
    (folder / "emphasis.md").write_text("Exports rose 3.8 percent. " + "*a_" * 60_000 + "\n")
    return {
        "parent with 100,000 children": (folder / "kids.csv", folder / "kids.yaml"),
        "1,000,000 copies of one figure, one different": (folder / "dup.csv",
                                                          folder / "dup.yaml"),
        "20,000 columns": (folder / "wide.csv", folder / "dup.yaml"),
        "180,000 characters of Markdown emphasis": (folder / "emphasis.md", KOREA),
    }


def main() -> None:
    print("| Case | Seconds | Exit | Verdict | First discrepancy |")
    print("|---|---:|---:|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (table, rules) in _cases(Path(tmp)).items():
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "validator", "check", str(table),
                                   "--rules", str(rules), "--format", "json"],
                                  cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            report = json.loads(done.stdout) if done.stdout else {}
            first = (report.get("discrepancies") or [{}])[0].get("message", "")[:80]
            print(f"| {name} | {seconds:.1f} | {done.returncode} | "
                  f"{report.get('verdict', done.stderr.strip()[:60])} | {first} |")


if __name__ == "__main__":
    main()
