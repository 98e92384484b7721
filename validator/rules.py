"""Reading a rules file: every problem is collected with its `path:line:col` before giving up."""

from __future__ import annotations

from typing import Any, TypeVar

from validator.checks import CHECKS
from validator.errors import InputError, read_text
from validator.figures_section import REAL_FIGURE_KEYS, parse_real_figures, parse_revisions
from validator.layout import parse_layout
from validator.limits import MAX_SCALE
from validator.model import (
    Dimension,
    FiguresSpec,
    ParseContext,
    Rule,
    RuleSet,
    Severity,
    Tolerance,
)
from validator.numbers import Rounding, TrailingZeros
from validator.suggest import closest, did_you_mean
from validator.vocabulary import parse_vocabulary
from validator.yamlpos import Path, YamlError, load_located

TOP_KEYS = ("version", "title", "description", "figures", "dimensions", "rules", "labels",
            "defaults", "ignore_phrases", "revisions", "layout")
FIGURE_KEYS = ("value", "change", "unit", "units", "time", "rounding", "trailing_zeros",
               *REAL_FIGURE_KEYS)
COMMON_RULE_KEYS = ("id", "description", "severity", "where", "tolerance")
TOLERANCE_KEYS = ("abs", "rel", "unit")
SUPPORTED_VERSIONS = ("1",)


def load_rules(path: str) -> RuleSet:
    return parse_rules(read_text(path, "rules file"), path)


def parse_rules(text: str, path: str) -> RuleSet:
    try:
        located = load_located(text, path)
    except YamlError as exc:
        raise InputError([str(exc)]) from None
    ctx = ParseContext(located)
    data = located.data
    if not isinstance(data, dict):
        ctx.error((), "a rules file is a mapping with 'figures', 'dimensions' and 'rules'")
        _raise(ctx)
    misspelled = ctx.unknown_keys(data, (), TOP_KEYS, "rules file")
    # A misspelled section is one message, not also "missing" and every error that follows.
    if "dimensions" in misspelled and "dimensions" not in data:
        _raise(ctx)
    if "rules" in misspelled and "rules" not in data:
        data = {**data, "rules": []}
    version = data.get("version", "1")
    if str(version) not in SUPPORTED_VERSIONS:
        ctx.error(("version",), f"unsupported version '{version}' (supported: 1)")
    dimensions = _dimensions(ctx, data)
    ctx.dimensions = {d.name: d for d in dimensions}
    figures = _figures(ctx, data.get("figures", {}), dimensions)
    ctx.units = dict(figures.units)
    rules = _rules(ctx, data)
    revision_severity = parse_revisions(ctx, data.get("revisions"))
    vocabulary = parse_vocabulary(ctx, data, dimensions)
    layout = parse_layout(ctx, data.get("layout"), ("layout",))
    _raise(ctx)
    title = data.get("title")
    return RuleSet(
        path=path,
        title=title if isinstance(title, str) else "",
        figures=figures,
        dimensions=dimensions,
        rules=tuple(rules),
        revision_severity=revision_severity,
        labels=vocabulary.labels,
        defaults=vocabulary.defaults,
        ignore_phrases=vocabulary.ignore_phrases,
        layout=layout,
    )


def _raise(ctx: ParseContext) -> None:
    if ctx.errors:
        ordered = sorted(ctx.errors, key=lambda e: (e[0].line, e[0].column))
        raise InputError([f"{mark}: {message}" for mark, message in ordered])


def _figures(ctx: ParseContext, raw: Any, dimensions: tuple[Dimension, ...]) -> FiguresSpec:
    path: Path = ("figures",)
    if not isinstance(raw, dict):
        ctx.error(path, "'figures' must be a mapping of column names and options")
        return FiguresSpec()
    ctx.unknown_keys(raw, path, FIGURE_KEYS, "'figures'")
    columns = {}
    for key in ("value", "change", "unit"):
        value = raw.get(key, "value" if key == "value" else None)
        if value is not None and not isinstance(value, str):
            ctx.error((*path, key), f"'{key}' must name a column")
            value = None
        columns[key] = value
    units: dict[str, float] = {}
    raw_units = raw.get("units", {})
    if not isinstance(raw_units, dict):
        ctx.error((*path, "units"), "'units' must map each unit to its scale, e.g. {USD bn: 1.0e9}")
    else:
        for unit, scale in raw_units.items():
            number = _positive_number(scale)
            if number is None:
                ctx.error((*path, "units", unit), f"the scale of unit '{unit}' must be a positive "
                          f"number of at most {MAX_SCALE:g}")
            else:
                units[unit] = number
    if units and columns["unit"] is None:
        ctx.error((*path, "units"), "'units' is given but no 'unit' column is named")
    time = raw.get("time")
    names = [d.name for d in dimensions]
    if time is not None and time not in names:
        ctx.error((*path, "time"), f"'time' must name a dimension (one of: {', '.join(names)})")
        time = None
    # A mapping gives one rounding per column (read with the other real-release keys).
    rounding = (Rounding.HALF_UNIT if isinstance(raw.get("rounding"), dict)
                else _enum(ctx, raw, path, "rounding", Rounding, Rounding.HALF_UNIT))
    zeros = _enum(ctx, raw, path, "trailing_zeros", TrailingZeros, TrailingZeros.INSIGNIFICANT)
    spec = FiguresSpec(
        value=columns["value"] or "value",
        change=columns["change"],
        unit=columns["unit"],
        units=units,
        time=time,
        rounding=rounding,
        trailing_zeros=zeros,
        **parse_real_figures(ctx, raw, path, dimensions, units),
    )
    clash = {spec.value, spec.change, spec.unit, spec.share, spec.abs_change} & set(names)
    if clash:
        ctx.error(path, f"column '{sorted(c for c in clash if c)[0]}' is both a dimension and a "
                  "figures column")
    return spec


E = TypeVar("E", Rounding, TrailingZeros, Severity)


def _enum(
    ctx: ParseContext, raw: dict[str, Any], path: Path, key: str, enum: type[E], default: E
) -> E:
    value = raw.get(key)
    if value is None:
        return default
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        ctx.error((*path, key), f"'{key}' must be one of: {allowed} (got '{value}')")
        return default


def _positive_number(value: Any) -> float | None:
    """A unit scale: positive and at most MAX_SCALE (products of scales and figures must stay
    far from the float limit, see validator/limits.py)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_SCALE else None


def _dimensions(ctx: ParseContext, data: dict[str, Any]) -> tuple[Dimension, ...]:
    raw = data.get("dimensions")
    if not isinstance(raw, dict) or not raw:
        ctx.error(("dimensions",) if "dimensions" in data else (),
                  "'dimensions' must map each dimension column to its codes")
        return ()
    time = data.get("figures", {}).get("time") if isinstance(data.get("figures"), dict) else None
    result = []
    for name, spec in raw.items():
        path: Path = ("dimensions", name)
        if isinstance(spec, list):
            codes = _code_list(ctx, spec, path)
            _no_repeats(ctx, codes, path)
            result.append(Dimension(name=name, codes=tuple(codes), is_time=name == time))
        elif isinstance(spec, dict):
            result.append(_hierarchy(ctx, name, spec, path, is_time=name == time))
        else:
            ctx.error(path, f"dimension '{name}' must be a list of codes or a mapping of parents "
                      "to their children")
    return tuple(result)


def _code_list(ctx: ParseContext, items: list[Any], path: Path) -> list[str]:
    codes = []
    for i, code in enumerate(items):
        if isinstance(code, str) and code.strip():
            codes.append(code)
        else:
            ctx.error((*path, i), "a code must be a non-empty plain value")
    return codes


def _no_repeats(ctx: ParseContext, codes: list[str], path: Path) -> None:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            ctx.error((*path, i), f"code '{code}' is listed twice")
        seen.add(code)


def _hierarchy(
    ctx: ParseContext, name: str, spec: dict[str, Any], path: Path, is_time: bool
) -> Dimension:
    children: dict[str, list[str]] = {}
    parent_of: dict[str, str] = {}
    order: list[str] = []
    listed: set[str] = set()  # `order` as a set: a parent may have 100,000 children

    def add(parent: str, items: Any, where: Path) -> None:
        if items is None:
            items = []
        if not isinstance(items, list):
            ctx.error(where, f"the children of '{parent}' must be a list of codes")
            return
        if parent not in listed:
            listed.add(parent)
            order.append(parent)
        children.setdefault(parent, [])
        for i, item in enumerate(items):
            if isinstance(item, dict) and len(item) == 1:
                ((child, grandchildren),) = item.items()
                link(parent, child, (*where, i))
                add(child, grandchildren, (*where, i, child))
            elif isinstance(item, str) and item.strip():
                link(parent, item, (*where, i))
            else:
                ctx.error((*where, i), "a code must be a non-empty plain value")

    def link(parent: str, child: str, where: Path) -> None:
        if child == parent:
            ctx.error(where, f"code '{child}' is listed as its own child")
            return
        if child in parent_of:
            ctx.error(where, f"code '{child}' has two parents: '{parent_of[child]}' and "
                      f"'{parent}'")
            return
        parent_of[child] = parent
        children.setdefault(parent, []).append(child)
        if child not in listed:
            listed.add(child)
            order.append(child)

    for parent, items in spec.items():
        add(parent, items, (*path, parent))
    for start in list(parent_of):
        seen = {start}
        node = start
        while node in parent_of:
            node = parent_of[node]
            if node in seen:
                ctx.error(path, f"the hierarchy of '{name}' has a cycle through '{start}'")
                return Dimension(name=name, codes=tuple(order), is_time=is_time)
            seen.add(node)
    return Dimension(
        name=name,
        codes=tuple(order),
        children={p: tuple(k) for p, k in children.items() if k},
        is_time=is_time,
    )


def _rules(ctx: ParseContext, data: dict[str, Any]) -> list[Rule]:
    raw = data.get("rules")
    if not isinstance(raw, list):
        ctx.error(("rules",) if "rules" in data else (), "'rules' must be a list of rules")
        return []
    kinds: dict[str, str] = {}
    for item in raw:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found = [k for k in CHECKS if k in item]
            # A rule without a usable kind is still a rule: naming it elsewhere is no error.
            kinds.setdefault(item["id"], found[0] if len(found) == 1 else "")
    ctx.rule_kinds = kinds
    rules = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path: Path = ("rules", i)
        rule = _rule(ctx, item, path, seen)
        if rule is not None:
            rules.append(rule)
    return rules


def _rule(ctx: ParseContext, item: Any, path: Path, seen: set[str]) -> Rule | None:
    if not isinstance(item, dict):
        ctx.error(path, "a rule must be a mapping with an 'id' and a kind")
        return None
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        ctx.error(path, "a rule needs an 'id'")
        return None
    if rule_id in seen:
        ctx.error((*path, "id"), f"rule id '{rule_id}' is used twice")
    if rule_id.startswith("input."):
        ctx.error((*path, "id"), "rule ids starting with 'input.' are reserved for input checks")
    seen.add(rule_id)
    kinds = [k for k in CHECKS if k in item]
    if len(kinds) != 1:
        expected = ", ".join(CHECKS)
        problem = "has no kind" if not kinds else f"has several kinds ({', '.join(kinds)})"
        known = (*COMMON_RULE_KEYS, *(key for c in CHECKS.values() for key in c.keys))
        typos = [(k, closest(str(k), CHECKS)) for k in item if k not in CHECKS and k not in known]
        typo = next(((k, g) for k, g in typos if g), None)
        if not kinds and typo is not None:
            problem = f"has no kind: '{typo[0]}' is not a kind (did you mean '{typo[1]}'?)"
            ctx.error((*path, typo[0]), f"rule '{rule_id}' {problem}", at_key=True)
            return None
        ctx.error(path, f"rule '{rule_id}' {problem}: give exactly one of: {expected}")
        return None
    kind = kinds[0]
    check = CHECKS[kind]
    meant = ctx.unknown_keys(item, path, (*COMMON_RULE_KEYS, kind, *check.keys),
                             f"a rule of kind '{kind}'")
    severity = _enum(ctx, item, path, "severity", Severity, Severity.ERROR)
    description = item.get("description") or ""
    if not isinstance(description, str):
        ctx.error((*path, "description"), "'description' must be text")
        description = ""
    where = _where(ctx, item.get("where"), (*path, "where"))
    tolerance = _tolerance(ctx, item.get("tolerance"), (*path, "tolerance"))
    errors_before = len(ctx.errors)
    options = check.parse(item, path, ctx)
    if (meant & set(check.keys)) - set(item):
        # A misspelled option ('alongg') already said what is wrong: the kind's own "'along'
        # must ..." about the option it then lacks would only repeat it.
        del ctx.errors[errors_before:]
        return None
    if options is None or len(ctx.errors) > errors_before:
        return None
    return Rule(
        id=rule_id,
        kind=kind,
        description=description,
        severity=severity,
        where=where,
        tolerance=tolerance,
        options=options,
        mark=ctx.located.mark(path),
    )


def _where(ctx: ParseContext, raw: Any, path: Path) -> dict[str, frozenset[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.error(path, "'where' must map dimensions to a code or a list of codes")
        return {}
    result = {}
    for dim, codes in raw.items():
        if dim not in ctx.dimensions:
            ctx.error((*path, dim), f"unknown dimension '{dim}' in 'where'"
                      f"{did_you_mean(dim, ctx.dimensions)}", at_key=True)
            continue
        found = ctx.codes_of(dim, (*path, dim), codes)
        if found is not None:
            result[dim] = found
    return result


def _tolerance(ctx: ParseContext, raw: Any, path: Path) -> Tolerance:
    if raw is None:
        return Tolerance()
    if not isinstance(raw, dict):
        ctx.error(path, "'tolerance' must be a mapping such as {abs: 0.1, unit: USD bn} or "
                  "{rel: 0.001}")
        return Tolerance()
    ctx.unknown_keys(raw, path, TOLERANCE_KEYS, "'tolerance'")
    scale = 1.0
    unit = raw.get("unit")
    if unit is not None:
        if unit not in ctx.units:
            ctx.error((*path, "unit"), f"unknown unit '{unit}' (declared: "
                      f"{', '.join(ctx.units) or 'none'})")
        scale = ctx.units.get(unit, 1.0)
    values = {}
    for key in ("abs", "rel"):
        value = raw.get(key, "0")
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not 0 <= number < float("inf"):
            ctx.error((*path, key), f"'{key}' must be a number of zero or more")
            number = 0.0
        values[key] = number
    return Tolerance(absolute=values["abs"] * scale, relative=values["rel"])
