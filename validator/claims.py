"""Narrative claims in a release, checked against the figures.

- `prose.all-parts` (error): "improvements in all four major product categories" requires every
  child of the subject's code in that dimension to have a % change of that sign, and the number
  said ("four") to be the number of children. The dimension is the one whose name matches the
  noun: products, categories and groups -> a dimension named like `product`; regions, markets,
  destinations, partners and countries -> one named like `partner`, `region`, `geo` or `country`.
- `prose.record` (error, with `--history`): "the highest value in history", "the second highest",
  "a record high" require the figure to rank so among the same figure in the other periods of a
  history table (same columns as the figures table). Within rounding: a claim fails only when
  no values inside the printed intervals give that rank.

A claim whose subject or figures cannot be found is listed as not evaluated, with the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from validator.intake import printed_intervals
from validator.model import Evaluation, FigureRole, Finding, Outcome, RuleSet, Severity, Unevaluated
from validator.periods import is_period

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5}
ALL_PARTS = re.compile(
    r"\ball\s+(?:(?:the|of the)\s+)?(?P<count>two|three|four|five|six|seven|eight|nine|ten|\d+)?"
    r"\s*(?:(?:major|main|key|largest)\s+)?(?P<noun>product categories|product groups|products|"
    r"categories|groups|items|regions|markets|destinations|partners|countries)\b",
    re.IGNORECASE,
)
RISE = re.compile(r"\b(improv\w*|increas\w*|ris\w*|rose|gr[eo]w\w*|gain\w*|up|expan\w*)\b",
                  re.IGNORECASE)
FALL = re.compile(r"\b(declin\w*|decreas\w*|fell|fall\w*|drop\w*|down|contract\w*|shr[iu]nk\w*)\b",
                  re.IGNORECASE)
RECORD = re.compile(r"\b(?:(?P<ordinal>second|third|fourth|fifth)\s+)?highest\b[^.]*\bhistory\b"
                    r"|\brecord[- ]high\b|\ball-time high\b", re.IGNORECASE)
CONTINUES = re.compile(r"^\s*(?:this|that|it)\b", re.IGNORECASE)
DIMENSION_NAMES = {
    "product": ("product", "products", "commodity", "sitc", "hs"),
    "partner": ("partner", "partners", "region", "regions", "geo", "country", "countries",
                "destination"),
}


@dataclass(frozen=True)
class ReleaseView:
    """What the claims need of an extracted release."""

    sentences: Sequence[str]
    frame: pd.DataFrame  # the extracted figures, with `source` (sentence numbers)


def _dimension_for(noun: str, rules: RuleSet) -> str | None:
    group = "product" if noun.lower().split()[-1] in {"categories", "groups", "products",
                                                      "items"} else "partner"
    for dim in rules.dimensions:
        if not dim.is_time and dim.name.lower() in DIMENSION_NAMES[group]:
            return dim.name
    return None


def _rows_of_sentence(frame: pd.DataFrame, sentence: int) -> list[int]:
    sources = frame["source"].astype("str").str.split(",")
    return [i for i, s in enumerate(sources) if str(sentence) in [x.strip() for x in s]]


def _subject_rows(view: ReleaseView, sentence: int) -> list[int]:
    """The figures a sentence is about: the previous sentence's main figure for "This is ...",
    else its own ("This is the highest value thanks to SSDs, which soared ..." is about the
    subject before it, not about the SSDs it names)."""
    if sentence > 1 and CONTINUES.match(view.sentences[sentence - 1]):
        return _rows_of_sentence(view.frame, sentence - 1)[:1]
    return _rows_of_sentence(view.frame, sentence)


def _changes(frame: pd.DataFrame, rules: RuleSet) -> tuple[np.ndarray, np.ndarray]:
    _, rate = printed_intervals(frame, rules.figures)
    if rate is None:
        return np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    return rate.lo, rate.hi


def all_parts_result(view: ReleaseView, values: pd.DataFrame, rules: RuleSet) -> Outcome:
    """Claims that all N parts moved one way, against `values` (the table, or the release)."""
    dims = [d.name for d in rules.dimensions]
    rate_lo, rate_hi = _changes(values, rules)
    keys = values[dims].astype("str")
    # A figure stated twice (a headline and the body) is looked up at its first row; whether the
    # two agree is the duplicate check's business.
    first_rows = np.flatnonzero(~keys.duplicated().to_numpy())
    index = pd.MultiIndex.from_frame(keys.iloc[first_rows])
    result = Evaluation()
    for number, text in enumerate(view.sentences, start=1):
        match = ALL_PARTS.search(text)
        if not match:
            continue
        rising, falling = RISE.search(text), FALL.search(text)
        dim = _dimension_for(match.group("noun"), rules)
        subject = _subject_rows(view, number)
        if dim is None or not subject or bool(rising) == bool(falling):
            result.skip_one(Unevaluated(
                reason=f"sentence {number}: the claim's dimension, subject or direction is "
                "unclear"))
            continue
        key = {d: str(view.frame.at[subject[0], d]) for d in dims}
        children = rules.dimension(dim).children.get(key[dim], ())
        wanted = [tuple(code if d == dim else key[d] for d in dims) for code in children]
        found = index.get_indexer(pd.MultiIndex.from_tuples(wanted, names=dims)) \
            if wanted else np.array([], dtype=np.int64)
        positions = np.where(found >= 0, first_rows[np.maximum(found, 0)], -1)
        said = match.group("count")
        count = int(NUMBER_WORDS.get(said.lower(), said)) if said else None
        name = " ".join(match.group(0).split())
        if count is not None and count != len(children):
            result.checked += 1
            result.findings.append(Finding(
                message=(f"sentence {number}: the text says '{name}', but {key[dim]} has "
                         f"{len(children)} parts in the rules file"),
                figures=(FigureRole(subject[0], "figure"),), context=key))
            continue
        if not len(children) or (positions < 0).any():
            missing = [dict(zip(dims, w, strict=True)) for w, p in zip(wanted, positions,
                                                                       strict=True) if p < 0]
            result.skip_one(Unevaluated(
                reason=f"sentence {number}: '{name}' cannot be checked: parts not reported",
                missing=tuple(missing)))
            continue
        result.checked += 1
        against = (rate_hi[positions] <= 0) if rising else (rate_lo[positions] >= 0)
        unknown = np.isnan(rate_lo[positions])
        if unknown.any():
            result.skip_one(Unevaluated(
                reason=f"sentence {number}: '{name}' cannot be checked: a part has no % change"))
            result.checked -= 1
            continue
        if against.any():
            contrary = ", ".join(f"{children[i]} {values.iloc[positions[i]][rules.figures.change]}%"
                                 for i in np.flatnonzero(against))
            result.findings.append(Finding(
                message=(f"sentence {number}: the text says '{name}' "
                         f"{'rose' if rising else 'fell'}, but not all did: {contrary}"),
                figures=(FigureRole(subject[0], "figure"),), context=key))
    return Outcome("prose.all-parts", "prose",
                         "Claims about all parts agree with the parts' % changes",
                         Severity.ERROR, result)


def record_result(view: ReleaseView, history: pd.DataFrame, rules: RuleSet) -> Outcome:
    """Claims of a record or a rank in history, against a history table."""
    spec = rules.figures
    dims = [d.name for d in rules.dimensions]
    time = spec.time
    now, _ = printed_intervals(view.frame, spec)
    past, _ = printed_intervals(history, spec)
    now_lo, now_hi, past_lo, past_hi = now.lo, now.hi, past.lo, past.hi
    result = Evaluation()
    for number, text in enumerate(view.sentences, start=1):
        match = RECORD.search(text)
        if not match:
            continue
        subject = _subject_rows(view, number)
        if not subject or time is None:
            result.skip_one(Unevaluated(
                reason=f"sentence {number}: a record is claimed, but for no figure the text "
                "states"))
            continue
        row = subject[0]
        rank = ORDINALS.get((match.group("ordinal") or "").lower(), 1)
        key = {d: str(view.frame.at[row, d]) for d in dims}
        same = np.ones(len(history), dtype=bool)
        for d in dims:
            if d != time:
                same &= (history[d].astype("str") == key[d]).to_numpy()
        # Only periods of the same kind compete: years with years, months with months.
        shape = re.sub(r"\d", "9", key[time])
        periods = history[time].astype("str")
        same &= (periods.str.replace(r"\d", "9", regex=True) == shape).to_numpy()
        same &= (periods != key[time]).to_numpy() & periods.map(is_period).to_numpy(dtype=bool)
        same &= np.isfinite(past_lo)
        if not same.any():
            result.skip_one(Unevaluated(
                reason=f"sentence {number}: a record is claimed, but the history has no such "
                "figure", missing=(key,)))
            continue
        result.checked += 1
        surely_higher = int((past_lo[same] > now_hi[row]).sum())
        maybe_higher = int((past_hi[same] > now_lo[row]).sum())
        if not surely_higher <= rank - 1 <= maybe_higher:
            place = "the highest" if rank == 1 else f"the {match.group('ordinal')} highest"
            actual = f"{surely_higher} earlier period{'s' if surely_higher != 1 else ''} " \
                f"{'were' if surely_higher != 1 else 'was'} higher" if surely_higher > rank - 1 \
                else f"only {maybe_higher} earlier period{'s' if maybe_higher != 1 else ''} " \
                f"{'were' if maybe_higher != 1 else 'was'} higher"
            result.findings.append(Finding(
                message=(f"sentence {number}: {', '.join(key.values())} is called {place} in "
                         f"history, but in the history table {actual}"),
                figures=(FigureRole(row, "figure"),), context=key))
    return Outcome("prose.record", "prose",
                         "Record claims agree with the history of the figure", Severity.ERROR,
                         result)
