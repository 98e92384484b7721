"""Running the engine on an in-memory release, as the CLI would on the same CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.engine import check
from validator.report import Report
from validator.rules import RuleSet
from validator.table import FIRST_DATA_ROW, Table


def run(frame: pd.DataFrame, rules: RuleSet) -> Report:
    frame = frame.reset_index(drop=True)
    rows = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype=np.int64)
    return check(Table("<generated>", frame, rows), rules)


def describe(report: Report) -> str:
    return "\n".join(f"[{d.rule}] {d.message}" for d in report.discrepancies)
