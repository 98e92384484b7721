"""Localisation benchmark: does the report's `suspects` list point at the figure a mutation changed?

    python benchmarks/localisation.py [--output FILE]

Every mutation of the detection benchmark (validator.mutations) is applied to every figure of both
bundled examples. Of the mutations the engine detects (a discrepancy names a changed row), it
counts those whose changed figure is in the rank-1 set of suspects (the target is all of them:
the method may tie, never mislead), those where only changed figures are at rank 1 (target at
least 75%), and those where a rank-1 suspect on a changed figure suggests the original printed
text of the column it names (target at least 50%). Exits 1 when a detected mutation's figure is
missing from the rank-1 set.

    python benchmarks/localisation.py --cost [--errors 5]
    python benchmarks/localisation.py --cost --release /tmp/validator-scale/1e+05-consistent

measures what localisation costs when few rules fail (target at most 10%): the 1e6-figure
synthetic release (benchmarks/synthetic.py) with a few digits dropped, checked in one process
with and without the suspects (median of three each).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.detection import markdown as mutation_table  # noqa: E402
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


def _share_of_detected(counts: Counter[str], column: str) -> str:
    part, whole = counts[column], counts["detected"]
    if column == "detected":
        return str(part)
    return f"{part} ({100 * part / whole:.0f}%)" if whole else "0"


def markdown(name: str, results: dict[str, Counter[str]]) -> str:
    return mutation_table(name, results, COLUMNS, _share_of_detected)


def cost(errors: int, release: Path | None = None) -> str:
    """The share of a check's time spent on suspects, on 1e6 figures with a few errors, or on
    a release of benchmarks/scale.py (its release.csv and rules.yaml) as it is."""
    import tempfile

    from benchmarks.synthetic import generate

    if release is not None:
        rows = sum(1 for _ in (release / "release.csv").open("rb")) - 1
        return _time_suspects(read_table(str(release / "release.csv")),
                              load_rules(str(release / "rules.yaml")), rows, "as generated")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        rows = generate(out, 40, 20, 30)
        lines = (out / "figures.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        for i in range(errors):  # a digit dropped from some values, spread over the table
            row = 1 + (i * 7919 + 104729) % rows
            cells = lines[row].split(",")
            cells[4] = cells[4][1:] if len(cells[4].lstrip("-").split(".")[0]) > 1 else cells[4]
            lines[row] = ",".join(cells)
        (out / "figures.csv").write_text("".join(lines), encoding="utf-8")
        return _time_suspects(read_table(str(out / "figures.csv")),
                              load_rules(str(out / "rules.yaml")), rows,
                              f"{errors} values with a digit dropped")


def _time_suspects(table: Any, rules: Any, rows: int, what: str) -> str:
    """Median of three checks with suspects and three without, in this process."""
    import statistics

    import validator.engine as engine

    original = engine._suspects
    timings: dict[str, list[float]] = {"with": [], "without": []}
    found = 0
    for _ in range(3):
        for mode in ("with", "without"):
            if mode == "without":
                engine._suspects = lambda *args, **kwargs: ()  # type: ignore[assignment]
            start = time.perf_counter()
            report = check(table, rules)
            timings[mode].append(time.perf_counter() - start)
            engine._suspects = original  # type: ignore[assignment]
            if mode == "with":
                found = len(report.discrepancies)
    with_s, without_s = (statistics.median(timings[m]) for m in ("with", "without"))
    return (f"{rows:,} figures, {what}, {found} discrepancies: "
            f"check {with_s:.2f} s with suspects, {without_s:.2f} s without; localisation "
            f"{with_s - without_s:.2f} s ({(with_s - without_s) / without_s:.0%})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="also write the Markdown to this file")
    parser.add_argument("--cost", action="store_true",
                        help="measure what localisation costs on 1e6 figures instead")
    parser.add_argument("--errors", type=int, default=5, help="values changed for --cost")
    parser.add_argument("--release", type=Path,
                        help="for --cost: a folder of benchmarks/scale.py (release.csv, "
                             "rules.yaml) instead of the synthetic release")
    args = parser.parse_args(argv)
    if args.cost:
        print(cost(args.errors, args.release))
        return 0
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
