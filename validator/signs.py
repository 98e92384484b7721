"""Figures that can change sign (balances), and the built-in `sign-change` warning.

A % change on a balance whose prior value had the other sign is meaningless: "+907.5%" or
"-240.0%" says nothing about the prior value, and v / (1 + g/100) is nonsense there. Codes
declared in `figures.signed` ({flow: [balance]}) are watched: a figure of such a code whose rate is
-100% or below, or whose prior period is reported with the other sign, is reported as a warning
"rate meaningless: sign changed" (never as an impossible value), and left out of implied-prior
rules, growth bounds and changes in amount derived from rates.
"""

from __future__ import annotations

import numpy as np

from validator.figures import Figures
from validator.model import Evaluation, Finding
from validator.periods import shift_period

SIGN_CHANGE = "sign-change"
SIGN_CHANGE_DESCRIPTION = "% changes on balances whose sign changed are meaningless"


def sign_changed(figures: Figures) -> np.ndarray:
    """Bool per figure: a signed figure with a rate that crosses zero."""
    signed = figures.is_signed() & figures.available & np.isfinite(figures.rate_lo)
    if not signed.any():
        return np.zeros(len(figures.key), dtype=bool)
    crossed = signed & (figures.rate_lo <= -100)
    time = figures.spec.time
    if time is not None:
        t = figures.dim_index(time)
        codes = figures.dimensions[t].codes
        shifted = figures.code_positions(time, [shift_period(c) or "" for c in codes])
        own = figures.codes[:, t]
        prior_keys = figures.key + (shifted[own] - own) * int(figures.radix[t])
        prior = np.where(shifted[own] >= 0, figures.positions(prior_keys), -1)
        safe = np.where(prior >= 0, prior, 0)
        reported = (prior >= 0) & figures.available[safe]
        other_sign = ((figures.lo > 0) & (figures.hi[safe] < 0)) | (
            (figures.hi < 0) & (figures.lo[safe] > 0))
        crossed |= signed & reported & other_sign
    return np.asarray(crossed, dtype=bool)


def evaluate_sign_changes(figures: Figures) -> Evaluation:
    watched = figures.is_signed() & figures.available & np.isfinite(figures.rate_lo)
    result = Evaluation(checked=int(watched.sum()))
    for position in np.flatnonzero(sign_changed(figures)):
        display = figures.display([int(position)])
        where = ", ".join(figures.context(int(figures.key[position])).values())
        result.findings.append(Finding(
            message=(f"{where}: rate meaningless: sign changed (a change of "
                     f"{figures.rate_text(int(position))}% on "
                     f"{figures.shown(int(position), display)}); left out of implied prior "
                     "values"),
            figures=(figures.role(int(position), "figure"),),
            context=figures.context(int(figures.key[position])),
            unit="%",
        ))
    return result
