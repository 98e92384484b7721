"""Extraction measured on the fixtures and on the development and held-out corpora.

Per release: figures expected, found, placed right (key, value, unit and change all equal an
expected row), missed and wrong. Per corpus, the issue-13 metrics:
- amounts found: expected amounts (value and unit) that some extracted row states;
- precision: extracted rows equal to an expected row, of all extracted rows;
- % change attached: expected % changes found on a row with the same key (and the same amount);
- subject and partner right: of the amounts found, those whose row has the expected key;
- table rows read: rows of the release's tables (expected-table.csv) found exactly;
- clean with unplaced: releases summarised as clean although some number was not read (target 0).

Run from the project root: `python benchmarks/extraction.py` (prints Markdown tables).
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

from validator.engine import check  # noqa: E402
from validator.prose import read_release_figures, unplaced_result  # noqa: E402
from validator.rules import load_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
CORPUS = FIXTURES / "corpus"
SEEDS = [ROOT.parent / "shared" / "seeds", ROOT.parents[1] / "shared" / "seeds"]
SEED_NAME = "000_3e0d9022ac969422.txt"


@dataclass(frozen=True)
class Case:
    name: str
    release: Path
    rules: Path
    expected: Path
    release_date: datetime.date | None = None
    expected_table: Path | None = None


def _folder_case(name: str, folder: Path) -> Case:
    release = next(p for p in sorted(folder.iterdir()) if p.stem == "release")
    date_file = folder / "date"
    date = (
        datetime.date.fromisoformat(date_file.read_text(encoding="utf-8").strip())
        if date_file.exists()
        else None
    )
    table = folder / "expected-table.csv"
    return Case(
        name,
        release,
        folder / "rules.yaml",
        folder / "expected.csv",
        date,
        table if table.exists() else None,
    )


def fixture_cases() -> list[Case]:
    found = []
    seed = next((s / SEED_NAME for s in SEEDS if (s / SEED_NAME).exists()), None)
    if seed is not None:
        found.append(
            Case("seed (Korea ICT 2020)", seed, FIXTURES / "seed-rules.yaml",
                 FIXTURES / "seed-expected.csv")
        )
    dates = {"wire": datetime.date(2024, 3, 1)}
    for name in ["ministry", "bulletin", "wire", "holdout"]:
        case = _folder_case(name, FIXTURES / name)
        found.append(Case(case.name, case.release, case.rules, case.expected, dates.get(name)))
    return found


def corpus_cases(part: str) -> list[Case]:
    folder = CORPUS / part
    if not folder.exists():
        return []
    return [_folder_case(f"{part}/{d.name}", d) for d in sorted(folder.iterdir()) if d.is_dir()]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    return [tuple(r) for r in frame[columns].astype(str).to_numpy().tolist()]


def measure(case: Case) -> dict[str, int | str]:
    rules = load_rules(str(case.rules))
    release = read_release_figures(str(case.release), rules, case.release_date)
    extraction = release.extraction
    expected = pd.read_csv(case.expected, dtype=str, keep_default_na=False)
    columns = list(expected.columns)
    keys = columns[:-3]
    want = _rows(expected, columns)
    got = _rows(extraction.table, columns)
    right = sum((Counter(want) & Counter(got)).values())

    amounts = [w for w in want if w[-3]]
    got_by_amount: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for g in got:
        if g[-3]:
            got_by_amount.setdefault((g[-3], g[-2]), []).append(g[: len(keys)])
    found = [w for w in amounts if (w[-3], w[-2]) in got_by_amount]
    key_right = [w for w in found if w[: len(keys)] in got_by_amount[(w[-3], w[-2])]]
    changes = [w for w in want if w[-1]]
    got_changes = {(g[: len(keys)], g[-3], g[-1]) for g in got}
    got_key_changes = {(g[: len(keys)], g[-1]) for g in got}
    attached = [
        w for w in changes
        if ((w[: len(keys)], w[-3], w[-1]) in got_changes if w[-3]
            else (w[: len(keys)], w[-1]) in got_key_changes)
    ]
    table_want: list[tuple[str, ...]] = []
    if case.expected_table is not None:
        table_want = _rows(pd.read_csv(case.expected_table, dtype=str, keep_default_na=False),
                           columns)
    table_read = sum((Counter(table_want) & Counter(got)).values())

    report = check(release.table, rules, [unplaced_result(release)])
    status = report.to_records()["summary"]["status"]
    return {
        "release": case.name,
        "expected": len(want),
        "found": len(got),
        "placed right": right,
        "missed": len(want) - right,
        "wrong": len(got) - right,
        "amounts": len(amounts),
        "amounts found": len(found),
        "key right": len(key_right),
        "changes": len(changes),
        "changes attached": len(attached),
        "table rows": len(table_want),
        "table rows read": table_read,
        "numbers read": extraction.numbers_read,
        "not read": extraction.numbers_unread,
        "clean with unplaced": int(status == "clean" and extraction.numbers_unread > 0),
    }


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def summary(rows: list[dict[str, int | str]]) -> dict[str, str]:
    def total(name: str) -> int:
        return sum(int(r[name]) for r in rows)

    return {
        "amounts found": _ratio(total("amounts found"), total("amounts")),
        "precision": _ratio(total("placed right"), total("found")),
        "% change attached": _ratio(total("changes attached"), total("changes")),
        "subject and partner right": _ratio(total("key right"), total("amounts found")),
        "table rows read": _ratio(total("table rows read"), total("table rows")),
        "releases clean with an unplaced number": str(total("clean with unplaced")),
    }


def _print_table(rows: list[dict[str, str]] | list[dict[str, int | str]]) -> None:
    headers = list(rows[0])
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in headers) + " |")


def main() -> None:
    per_release = [
        "release", "expected", "found", "placed right", "missed", "wrong", "numbers read",
        "not read",
    ]
    totals: list[dict[str, str]] = []
    for title, cases in [
        ("fixtures", fixture_cases()),
        ("dev corpus", corpus_cases("dev")),
        ("holdout 1 (worked on after it was measured)", corpus_cases("holdout-1")),
        ("holdout 2 (worked on after it was measured)", corpus_cases("holdout-2")),
        ("holdout 3 (worked on after it was measured)", corpus_cases("holdout-3")),
        ("holdout 4 (worked on after it was measured)", corpus_cases("holdout-4")),
        ("holdout 5 (worked on after it was measured)", corpus_cases("holdout-5")),
        ("holdout 6 (worked on after it was measured)", corpus_cases("holdout-6")),
        ("holdout 7 (worked on after it was measured)", corpus_cases("holdout-7")),
        ("holdout 8 (worked on after it was measured)", corpus_cases("holdout-8")),
        ("holdout 9 (worked on after it was measured)", corpus_cases("holdout-9")),
        ("holdout 10 (worked on after it was measured)", corpus_cases("holdout-10")),
        ("holdout 11 (worked on after it was measured)", corpus_cases("holdout-11")),
    ]:
        if not cases:
            continue
        rows = [measure(c) for c in cases]
        print(f"\n### {title}\n")
        _print_table([{h: r[h] for h in per_release} for r in rows])
        totals.append({"corpus": title, "releases": str(len(rows)), **summary(rows)})
    print("\n### metrics\n")
    _print_table(totals)


if __name__ == "__main__":
    main()
