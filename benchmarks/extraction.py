"""Extraction measured on the fixtures: figures expected, found, placed right, missed, wrong.

A figure is placed right when its key, value, unit and change all equal a row of the expected
table. Run from the project root: `python benchmarks/extraction.py` (prints a Markdown table).
"""

from __future__ import annotations

import datetime
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from validator.extraction import Lexicon, extract_figures  # noqa: E402
from validator.rules import load_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
SEED = ROOT / ".." / "shared" / "seeds" / "000_3e0d9022ac969422.txt"


@dataclass(frozen=True)
class Case:
    name: str
    release: Path
    rules: Path
    expected: Path
    release_date: datetime.date | None = None


def cases() -> list[Case]:
    found = []
    if SEED.exists():
        found.append(
            Case(
                "seed (Korea ICT 2020)",
                SEED,
                FIXTURES / "seed-rules.yaml",
                FIXTURES / "seed-expected.csv",
            )
        )
    for name, date in [
        ("ministry", None),
        ("bulletin", None),
        ("wire", datetime.date(2024, 3, 1)),
        ("holdout", None),
    ]:
        folder = FIXTURES / name
        found.append(
            Case(name, folder / "release.txt", folder / "rules.yaml", folder / "expected.csv", date)
        )
    return found


def measure(case: Case) -> dict[str, int | str]:
    lexicon = Lexicon.from_rules(load_rules(str(case.rules)))
    extraction = extract_figures(
        case.release.read_text(encoding="utf-8"), lexicon, release_date=case.release_date
    )
    expected = pd.read_csv(case.expected, dtype=str, keep_default_na=False)
    columns = list(expected.columns)
    want = Counter(map(tuple, expected[columns].to_numpy().tolist()))
    got = Counter(map(tuple, extraction.table[columns].to_numpy().tolist()))
    right = sum((want & got).values())
    return {
        "release": case.name,
        "expected": sum(want.values()),
        "found": sum(got.values()),
        "placed right": right,
        "missed": sum(want.values()) - right,
        "wrong": sum(got.values()) - right,
        "unplaced listed": len(extraction.unplaced),
    }


def main() -> None:
    rows = [measure(c) for c in cases()]
    headers = list(rows[0])
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in headers) + " |")


if __name__ == "__main__":
    main()
