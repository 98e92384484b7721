"""Rule kinds. Each module documents its kind in its docstring and exposes `CHECK`.

The registry is a plain dict from the key that names the kind in a rules file to the check.
"""

from __future__ import annotations

from validator.checks import (
    abs_change,
    bounds,
    breakdown,
    identity,
    implied_prior,
    period_total,
    ratio,
    share,
)
from validator.checks.base import Check

CHECKS: dict[str, Check] = {
    "identity": identity.CHECK,
    "breakdown": breakdown.CHECK,
    "bounds": bounds.CHECK,
    "implied_prior": implied_prior.CHECK,
    "share": share.CHECK,
    "abs_change": abs_change.CHECK,
    "period_total": period_total.CHECK,
    "ratio": ratio.CHECK,
}
