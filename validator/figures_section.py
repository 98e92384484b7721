"""The `figures:` options of real releases, read from the rules file with their positions.

    figures:
      share: share_pct                       # shares in % of a whole, printed like values
      abs_change: change_amt                 # changes in amount, in the value's unit
      rounding: {value: truncated, change: half-unit}   # per column role, or one for all
      signed: {flow: [balance]}              # codes whose figures can change sign
      unit_words: {USD bn: ["$ billion", "USD bn"], USD mn: ["$ million"]}
      negatives: parentheses                 # "(9.4)" is -9.4; default: minus

and, at the top level, `revisions: {severity: warning}` for `validator check --prior`.
"""

from __future__ import annotations

from typing import Any

from validator.model import Dimension, ParseContext, Severity
from validator.numbers import Rounding
from validator.yamlpos import Path

REAL_FIGURE_KEYS = ("share", "abs_change", "signed", "unit_words", "negatives")
ROLES = ("value", "change", "share", "abs_change")
NEGATIVES = ("minus", "parentheses")


def parse_real_figures(
    ctx: ParseContext, raw: dict[str, Any], path: Path, dimensions: tuple[Dimension, ...],
    units: dict[str, float],
) -> dict[str, Any]:
    """FiguresSpec fields for the real-release keys of `figures:`; errors go to ctx."""
    fields: dict[str, Any] = {}
    for key in ("share", "abs_change"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            ctx.error((*path, key), f"'{key}' must name a column")
            value = None
        fields[key] = value
    fields["column_rounding"] = _column_rounding(ctx, raw.get("rounding"), (*path, "rounding"))
    fields["signed"] = _signed(ctx, raw.get("signed"), (*path, "signed"), dimensions)
    fields["unit_words"] = _unit_words(ctx, raw.get("unit_words"), (*path, "unit_words"), units)
    negatives = raw.get("negatives", "minus")
    if negatives not in NEGATIVES:
        ctx.error((*path, "negatives"), f"'negatives' must be one of: {', '.join(NEGATIVES)} "
                  f"(got '{negatives}')")
        negatives = "minus"
    fields["negatives"] = negatives
    return fields


def _column_rounding(ctx: ParseContext, raw: Any, path: Path) -> dict[str, Rounding]:
    if not isinstance(raw, dict):
        return {}  # one rounding for every column: read by the rules loader
    result = {}
    allowed = ", ".join(e.value for e in Rounding)
    for role, value in raw.items():
        if role not in ROLES:
            ctx.unknown_key((*path, role), str(role), ROLES, "'rounding'", noun="column")
            continue
        try:
            result[role] = Rounding(value)
        except ValueError:
            ctx.error((*path, role), f"the rounding of '{role}' must be one of: {allowed} "
                      f"(got '{value}')")
    return result


def _signed(ctx: ParseContext, raw: Any, path: Path,
            dimensions: tuple[Dimension, ...]) -> dict[str, frozenset[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.error(path, "'signed' must map a dimension to the codes whose figures can change "
                  "sign, e.g. {flow: [balance]}")
        return {}
    known = {d.name: d for d in dimensions}
    result = {}
    for name, codes in raw.items():
        if name not in known:
            ctx.error((*path, name), f"unknown dimension '{name}' in 'signed'", at_key=True)
            continue
        listed = codes if isinstance(codes, list) else [codes]
        good = True
        for i, code in enumerate(listed):
            if code not in known[name].codes:
                where = (*path, name, i) if isinstance(codes, list) else (*path, name)
                ctx.error(where, f"unknown code '{code}' in dimension '{name}'")
                good = False
        if good:
            result[name] = frozenset(str(c) for c in listed)
    return result


def _unit_words(ctx: ParseContext, raw: Any, path: Path,
                units: dict[str, float]) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.error(path, "'unit_words' must map each unit to the ways it is written in a value, "
                  "e.g. {USD bn: [\"$ billion\", \"USD bn\"]}")
        return {}
    result = {}
    for unit, forms in raw.items():
        if unit not in units:
            ctx.error((*path, unit), f"unit '{unit}' is not declared in 'units' (declared: "
                      f"{', '.join(units) or 'none'})", at_key=True)
            continue
        listed = forms if isinstance(forms, list) else [forms]
        if not listed or not all(isinstance(f, str) and f.strip() for f in listed):
            ctx.error((*path, unit), f"the forms of unit '{unit}' must be a list of non-empty "
                      "words such as \"$ billion\"")
            continue
        result[unit] = tuple(listed)
    return result


def parse_revisions(ctx: ParseContext, raw: Any) -> Severity:
    """`revisions: {severity: warning}`: how revisions against --prior are reported."""
    path: Path = ("revisions",)
    if raw is None:
        return Severity.WARNING
    if not isinstance(raw, dict):
        ctx.error(path, "'revisions' must be a mapping such as {severity: warning}")
        return Severity.WARNING
    ctx.unknown_keys(raw, path, ("severity",), "'revisions'")
    value = raw.get("severity", "warning")
    try:
        return Severity(value)
    except ValueError:
        ctx.error((*path, "severity"), "'severity' must be one of: "
                  f"{', '.join(s.value for s in Severity)} (got '{value}')")
        return Severity.WARNING
