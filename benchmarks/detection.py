"""Detection benchmark: every mutation kind on every figure of each bundled example.

    python benchmarks/detection.py [--output docs/detection.md]

A mutated figure is *detectable* when the independent oracle (validator.testing.oracle) finds a rule
instance involving it that no values inside the printed precision satisfy; otherwise it is
undetectable, either because no evaluated rule touches the figure (the engine's coverage) or
because the rules allow the changed value (inside rounding, or a part that still fits under
a partial total). The engine *detects* it when a discrepancy names the
figure's row. "Missed although detectable" and "flagged, oracle disagrees" (a false alarm, or a
gap in the oracle) must be 0; the script exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from validator.engine import check  # noqa: E402
from validator.rules import load_rules  # noqa: E402
from validator.table import Table, read_table  # noqa: E402
from validator.testing import oracle  # noqa: E402
from validator.testing.mutations import MUTATIONS  # noqa: E402

# Each bundled example and the rules file it is checked against.
EXAMPLES = {
    "examples/korea-ict-2020/figures.csv": "rules/korea-ict.yaml",
    "examples/monthly-trade-deficit/figures.csv": "rules/monthly-trade.yaml",
}

COLUMNS = ("applied", "detected", "unconstrained", "allowed by the rules",
           "missed although detectable", "flagged, oracle disagrees")


def classify(table: Table, rules_path: str) -> dict[str, Counter[str]]:
    rules = load_rules(str(ROOT / rules_path))
    frame = table.frame
    results: dict[str, Counter[str]] = {kind: Counter() for kind in MUTATIONS}
    for kind, mutate in MUTATIONS.items():
        for row in range(len(frame)):
            mutated = mutate(frame, rules, row)
            if mutated is None:
                continue
            changed = {i for i in range(len(frame))
                       if not mutated.iloc[i].equals(frame.iloc[i])}
            report = check(Table(table.path, mutated, table.rows), rules)
            named = {f.row - 2 for d in report.discrepancies for f in d.figures
                     if f.row is not None}
            found = oracle.violations(rules, oracle.points_from_frame(mutated, rules))
            detectable = bool(changed & oracle.rows_in_violations(found))
            detected = bool(changed & named)
            loose = {u.row - 2 for u in report.coverage.unconstrained}
            counts = results[kind]
            counts["applied"] += 1
            if detectable and detected:
                counts["detected"] += 1
            elif detectable:
                counts["missed although detectable"] += 1
            elif detected:
                counts["flagged, oracle disagrees"] += 1
            elif changed <= loose:
                counts["unconstrained"] += 1
            else:
                counts["allowed by the rules"] += 1
    return results


def markdown(name: str, results: dict[str, Counter[str]],
             columns: Sequence[str] = COLUMNS,
             cell: Callable[[Counter[str], str], str] = lambda counts, c: str(counts[c])) -> str:
    """A table of counts per mutation with a total row; `cell` writes one count."""
    lines = [f"### {name}", "", "| mutation | " + " | ".join(columns) + " |",
             "|---|" + "---:|" * len(columns)]
    total: Counter[str] = Counter()
    for kind, counts in results.items():
        total.update(counts)
        lines.append(f"| {kind} | " + " | ".join(cell(counts, c) for c in columns) + " |")
    lines.append("| **all** | " + " | ".join(f"**{cell(total, c)}**" for c in columns) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="also write the Markdown to this file")
    args = parser.parse_args(argv)
    parts = ["## Detection of typical errors", "",
             "Each mutation applied to every figure of the bundled examples "
             "(`python benchmarks/detection.py`).", ""]
    missed = 0
    for table_path, rules_path in EXAMPLES.items():
        table = read_table(str(ROOT / table_path))
        results = classify(table, rules_path)
        missed += sum(c["missed although detectable"] + c["flagged, oracle disagrees"]
                      for c in results.values())
        parts.append(markdown(f"{table_path} with {rules_path}", results))
    text = "\n".join(parts)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
