"""Typical errors of a printed release, applied to one figure of a table (or two, for a swap).

Each mutation takes the table (every column str), the rules and a row position, and returns the
changed table, or None where it does not apply (a one-digit number has no digit to drop). They are
deterministic, so the detection benchmark is reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from validator.model import RuleSet

Mutation = Callable[[pd.DataFrame, RuleSet, int], "pd.DataFrame | None"]

_NUMBER = re.compile(r"^(?P<sign>[+\-\u2212]?)(?P<int>\d*)(?:\.(?P<frac>\d*))?$")


def _split(text: str) -> tuple[str, str, str | None] | None:
    match = _NUMBER.match(text.strip().replace(",", ""))
    if not match or not (match["int"] or match["frac"]):
        return None
    return match["sign"], match["int"], match["frac"]


def _join(sign: str, whole: str, frac: str | None) -> str:
    whole = whole.lstrip("0") or "0"
    return f"{sign}{whole}" + (f".{frac}" if frac else "")


def _set(frame: pd.DataFrame, row: int, column: str, text: str | None) -> pd.DataFrame | None:
    if text is None or text == frame[column].iat[row]:
        return None
    changed = frame.copy()
    _put(changed, row, column, text)
    return changed


def _put(frame: pd.DataFrame, row: int, column: str, text: str) -> None:
    cells = frame[column].to_numpy(dtype=object).copy()
    cells[row] = text
    frame[column] = pd.Series(cells, index=frame.index, dtype="str")


def _digits(edit: Callable[[str], str | None]) -> Mutation:
    """Edit the digits of the value, decimal point kept in place."""
    def mutate(frame: pd.DataFrame, rules: RuleSet, row: int) -> pd.DataFrame | None:
        column = rules.figures.value
        parts = _split(str(frame[column].iat[row]))
        if parts is None:
            return None
        sign, whole, frac = parts
        edited = edit(whole + (frac or ""))
        if edited is None:
            return None
        cut = len(edited) - len(frac or "")
        return _set(frame, row, column, _join(sign, edited[:cut], edited[cut:] if frac else None))
    return mutate


def _drop_first(digits: str) -> str | None:
    significant = digits.lstrip("0")
    if len(significant) < 2:
        return None
    at = len(digits) - len(significant)
    return digits[:at] + digits[at + 1:]


def _add_digit(digits: str) -> str | None:
    at = len(digits) - len(digits.lstrip("0"))
    if at == len(digits):
        return None
    return digits[:at] + digits[at] + digits[at:]


def _transpose(digits: str) -> str | None:
    at = len(digits) - len(digits.lstrip("0"))
    for i in range(at, len(digits) - 1):
        if digits[i] != digits[i + 1]:
            return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    return None


def decimal_shift(frame: pd.DataFrame, rules: RuleSet, row: int) -> pd.DataFrame | None:
    """The decimal point one place to the right: 18.36 -> 183.6, 183 -> 1830."""
    column = rules.figures.value
    parts = _split(str(frame[column].iat[row]))
    if parts is None:
        return None
    sign, whole, frac = parts
    if not frac:
        return _set(frame, row, column, _join(sign, whole + "0", None) if whole.strip("0")
                    else None)
    return _set(frame, row, column, _join(sign, whole + frac[0], frac[1:] or None))


def rate_sign_flip(frame: pd.DataFrame, rules: RuleSet, row: int) -> pd.DataFrame | None:
    column = rules.figures.change
    if column is None:
        return None
    parts = _split(str(frame[column].iat[row]))
    if parts is None or not (parts[1] + (parts[2] or "")).strip("0"):
        return None
    sign, whole, frac = parts
    return _set(frame, row, column, _join("" if sign in ("-", "\u2212") else "-", whole, frac))


def unit_mixup(frame: pd.DataFrame, rules: RuleSet, row: int) -> pd.DataFrame | None:
    """bn printed as mn or the other way round: the unit next to it, by scale."""
    spec = rules.figures
    if spec.unit is None or len(spec.units) < 2:
        return None
    ordered = sorted(spec.units, key=lambda u: spec.units[u])
    unit = str(frame[spec.unit].iat[row])
    if unit not in ordered:
        return None
    i = ordered.index(unit)
    return _set(frame, row, spec.unit, ordered[i - 1] if i else ordered[1])


def swap_with_next(frame: pd.DataFrame, rules: RuleSet, row: int) -> pd.DataFrame | None:
    """Value (and unit) of this figure and the next one with a different value, swapped."""
    spec = rules.figures
    columns = [spec.value, *([spec.unit] if spec.unit else [])]
    n = len(frame)
    mine = tuple(str(frame[c].iat[row]) for c in columns)
    for step in range(1, n):
        other = (row + step) % n
        theirs = tuple(str(frame[c].iat[other]) for c in columns)
        if theirs != mine:
            changed = frame.copy()
            for c, a, b in zip(columns, mine, theirs, strict=True):
                _put(changed, row, c, b)
                _put(changed, other, c, a)
            return changed
    return None


MUTATIONS: dict[str, Mutation] = {
    "dropped digit": _digits(_drop_first),
    "added digit": _digits(_add_digit),
    "transposed digits": _digits(_transpose),
    "decimal shift": decimal_shift,
    "rate sign flip": rate_sign_flip,
    "unit mix-up": unit_mixup,
    "swapped figures": swap_with_next,
}
