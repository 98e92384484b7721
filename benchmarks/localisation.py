"""Localisation benchmark: does the report's `suspects` list point at the figure a mutation changed?

    python benchmarks/localisation.py [--output FILE]

Every mutation of the detection benchmark (validator.mutations) is applied to every figure of both
bundled examples. Of the mutations the engine detects (a discrepancy names a changed row), it
counts those whose changed figure is in the rank-1 set of suspects (the target is all of them:
the method may tie, never mislead), those where only changed figures are at rank 1 (target at
least 75%), and those where a rank-1 suspect on a changed figure suggests the original printed
text of the column it names (target at least 50%). Exits 1 when a detected mutation's figure is
missing from the rank-1 set.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from validator.engine import check  # noqa: E402
from validator.rules import load_rules  # noqa: E402
from validator.table import Table, read_table  # noqa: E402
from validator.testing.mutations import MUTATIONS  # noqa: E402

EXAMPLES = {
    "examples/korea-ict-2020/figures.csv": "rules/korea-ict.yaml",
    "examples/monthly-trade-deficit/figures.csv": "rules/monthly-trade.yaml",
}
COLUMNS = ("detected", "in rank-1 set", "alone at rank 1", "original restored")


def _restores(suspect: dict, original: dict[str, str], unit_column: str | None) -> bool:
    suggestion = suspect["suggestion"]
    if suggestion is None:
        return False
    wanted = {original.get(suspect["column"], "").strip()}
    if unit_column:
        wanted.add(f"{original['value_text']} {original.get(unit_column, '')}".strip())
    return suggestion.strip() in wanted


def measure(table: Table, rules_path: str) -> tuple[dict[str, Counter[str]], list[str]]:
    rules = load_rules(str(ROOT / rules_path))
    frame = table.frame
    results: dict[str, Counter[str]] = {kind: Counter() for kind in MUTATIONS}
    misled: list[str] = []
    for kind, mutate in MUTATIONS.items():
        for row in range(len(frame)):
            mutated = mutate(frame, rules, row)
            if mutated is None:
                continue
            changed = {i for i in range(len(frame)) if not mutated.iloc[i].equals(frame.iloc[i])}
            changed_rows = {int(table.rows[i]) for i in changed}
            records = check(Table(table.path, mutated, table.rows), rules).to_records()
            named = {f["row"] for d in records["discrepancies"] for f in d["figures"]}
            if not changed_rows & named:
                continue
            counts = results[kind]
            counts["detected"] += 1
            first = [s for s in records["suspects"] if s["rank"] == 1]
            rows = {s["figure"]["row"] for s in first}
            if rows & changed_rows:
                counts["in rank-1 set"] += 1
            else:
                misled.append(f"{kind} on row {table.rows[row]}: rank 1 is {sorted(rows)}")
            if rows and rows <= changed_rows:
                counts["alone at rank 1"] += 1
            for s in first:
                if s["figure"]["row"] not in changed_rows:
                    continue
                index = int(table.rows.tolist().index(s["figure"]["row"]))
                original = {c: str(frame[c].iat[index]) for c in frame.columns}
                original["value_text"] = original[rules.figures.value]
                if _restores(s, original, rules.figures.unit):
                    counts["original restored"] += 1
                    break
    return results, misled


def _percent(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.0f}%)" if whole else "0"


def markdown(name: str, results: dict[str, Counter[str]]) -> str:
    lines = [f"### {name}", "", "| mutation | " + " | ".join(COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    total: Counter[str] = Counter()
    for kind, counts in results.items():
        total.update(counts)
        lines.append(f"| {kind} | {counts['detected']} | " + " | ".join(
            _percent(counts[c], counts["detected"]) for c in COLUMNS[1:]) + " |")
    lines.append(f"| **all** | **{total['detected']}** | " + " | ".join(
        f"**{_percent(total[c], total['detected'])}**" for c in COLUMNS[1:]) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="also write the Markdown to this file")
    args = parser.parse_args(argv)
    parts = ["## Localisation of typical errors", "",
             "Each mutation applied to every figure of the bundled examples; of the mutations "
             "detected (`python benchmarks/localisation.py`).", ""]
    misled: list[str] = []
    start = time.perf_counter()
    for table_path, rules_path in EXAMPLES.items():
        table = read_table(str(ROOT / table_path))
        results, wrong = measure(table, rules_path)
        misled += [f"{table_path}: {w}" for w in wrong]
        parts.append(markdown(f"{table_path} with {rules_path}", results))
    text = "\n".join(parts)
    print(text)
    for line in misled:
        print("MISLED:", line)
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if misled else 0


if __name__ == "__main__":
    raise SystemExit(main())
