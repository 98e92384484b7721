"""The previous release: `validator check new.csv --rules r.yaml --prior last.csv`.

Built-in rules, run only with `--prior`:
- `revision` (severity from `revisions: {severity: ...}` in the rules file, default warning): a
  figure of the same key and period in both releases, or a prior-period value implied by a rate
  of the new release (v / (1 + g/100)) where the previous release published that period, differs
  beyond rounding. The message gives both values and the size of the revision.
- `revision.dropped` / `revision.added` (warnings): a figure the previous release had that the new
  one dropped, or the reverse, within the periods both releases cover (a monthly release adding
  its new month is not news).

Figures are matched on their codes (text), not on keys, since each release knows other periods.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from validator.checks.base import FLOAT_SLACK, interval_gap
from validator.figures import Figures
from validator.model import Evaluation, FigureRole, Finding, Outcome, Severity
from validator.periods import shift_period
from validator.signs import sign_changed

REVISION = "revision"
DROPPED = "revision.dropped"
ADDED = "revision.added"
PREVIOUS_ROLE = "previous release"  # a role whose row is in the previous release's table
DESCRIPTIONS = {
    REVISION: "Figures agree with the previous release within rounding",
    DROPPED: "Figures of the previous release are still published",
    ADDED: "Figures not in the previous release are new periods",
}


def _frame(figures: Figures, implied: bool = False) -> pd.DataFrame:
    columns: dict[str, object] = {}
    for i, dim in enumerate(figures.dimensions):
        names = np.array([*dim.codes, "?"], dtype=object)
        codes = names[figures.codes[:, i]]
        if implied and dim.is_time:
            codes = np.array([shift_period(str(c)) or "" for c in codes], dtype=object)
        columns[dim.name] = codes
    columns["lo"] = figures.lo
    columns["hi"] = figures.hi
    columns["position"] = np.arange(len(figures.key))
    frame = pd.DataFrame(columns)
    return frame[figures.available]


def compare(new: Figures, old: Figures, severity: Severity) -> list[Outcome]:
    dims = [d.name for d in new.dimensions]
    now = _frame(new)
    before = _frame(old)
    same = now.merge(before, on=dims, suffixes=("", "_old"))
    prior_view = new.implied_prior()
    prior_view = replace(prior_view, available=prior_view.available & ~sign_changed(new))
    implied = _frame(prior_view, implied=True).merge(before, on=dims, suffixes=("", "_old"))

    revisions = Evaluation(checked=len(same) + len(implied))
    for frame, view in ((same, new), (implied, prior_view)):
        gap = interval_gap(frame["lo"].to_numpy(), frame["hi"].to_numpy(),
                           frame["lo_old"].to_numpy(), frame["hi_old"].to_numpy())
        magnitude = np.abs(frame["hi"].to_numpy()) + np.abs(frame["hi_old"].to_numpy())
        for i in np.flatnonzero(gap > FLOAT_SLACK * magnitude):
            record = frame.iloc[int(i)]
            revisions.findings.append(_revision(view, old, record, dims, float(gap[i])))

    results = [Outcome(REVISION, "revision", DESCRIPTIONS[REVISION], severity, revisions)]
    time = next((d.name for d in new.dimensions if d.is_time), None)
    shared = None
    if time is not None:
        shared = set(now[time]) & set(before[time])
    for rule, ours, theirs, figures, role in ((DROPPED, before, now, old, PREVIOUS_ROLE),
                                              (ADDED, now, before, new, "figure")):
        if shared is not None:
            ours = ours[ours[time].isin(shared)]
        joined = ours.merge(theirs[dims], on=dims, how="left", indicator=True)
        lonely = joined[joined["_merge"] == "left_only"]
        evaluation = Evaluation(checked=len(ours))
        verb = ("was published in the previous release but is not in this one"
                if rule == DROPPED else "is in this release but not in the previous one")
        for position in lonely["position"].to_numpy(dtype=np.int64):
            key = figures.context(int(figures.key[position]))
            printed = f"{figures.value_text[position]} {figures.unit[position]}".strip()
            evaluation.findings.append(Finding(
                message=f"{', '.join(key.values())} ({printed}) {verb}",
                figures=(FigureRole(int(figures.frame_index[position]), role),),
                context=key,
            ))
        results.append(Outcome(rule, "revision", DESCRIPTIONS[rule], Severity.WARNING,
                               evaluation))
    return results


def _revision(view: Figures, old: Figures, record: pd.Series, dims: list[str],
              gap: float) -> Finding:
    position, previous = int(record["position"]), int(record["position_old"])
    display = view.display([position])
    lo, hi, old_lo, old_hi = (float(record[c]) for c in ("lo", "hi", "lo_old", "hi_old"))
    size = (lo + hi) / 2 - (old_lo + old_hi) / 2
    where = ", ".join(str(record[d]) for d in dims)
    published = old.shown(previous, display)
    if view.implied:
        current = view.key_codes(int(view.key[position]))
        time = next(d.name for d in view.dimensions if d.is_time)
        this = (f"this release implies {display.format_interval(lo, hi)} (from "
                f"{view.value_text[position]} {view.rate_text(position)}% in "
                f"{shift_period(current[time], 1) or ''})")
    else:
        this = f"this release {view.shown(position, display)}"
    sign = "+" if size >= 0 else ""
    message = (f"{where}: the previous release published {published}, {this}: revised by "
               f"{sign}{display.format(size)} ({display.format(gap)} beyond rounding)")
    return display.finding(
        message,
        (FigureRole(int(view.frame_index[position]), "figure"),
         FigureRole(int(old.frame_index[previous]), PREVIOUS_ROLE)),
        {d: str(record[d]) for d in dims},
        expected=(old_lo, old_hi),
        reported=(lo, hi),
        gap=gap,
    )
