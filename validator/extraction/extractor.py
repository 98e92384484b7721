"""Figures from release prose: amounts, % changes and the codes they belong to.

Each sentence is scanned for amounts ("$71.0 billion"), rates ("up 5.4 percent"), periods and
lexicon mentions. Rates and amounts pair up ("up X percent to $Y", "$Y, up X percent"); each
figure takes its codes from the words just before it, the words attached after it ("$7.3 billion
in trade surplus"), its sentence's main clause, the previous sentence when this one continues it
("Those to China ..."), and finally the rules' defaults. Numbers that are not levels (thresholds,
differences, shares, forecasts, counts) are listed as unplaced with the reason, never dropped.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from validator.extraction.lexicon import Lexicon
from validator.extraction.readers import read_release
from validator.extraction.sentences import split_sentences
from validator.model import Dimension, RuleSet
from validator.periods import (
    PeriodMention,
    detect_release_date,
    find_dates,
    find_periods,
    in_vocabulary,
    resolve,
)

UP = (
    r"up|rose|rise[sn]?|rising|increas(?:ed|es|e|ing)|grew|grow(?:s|n|th|ing)?"
    r"|gain(?:ed|s|ing)?|jump(?:ed|s|ing)?|advanc(?:ed|es|e|ing)|climb(?:ed|s|ing)?"
    r"|expand(?:ed|s|ing)?|expansion|surg(?:ed|es|e|ing)|soar(?:ed|s|ing)?|rebound(?:ed|s)?"
    r"|higher|widen(?:ed|ing|s)?|added|boost(?:ed)?"
)
DOWN = (
    r"down|fell|fall(?:s|en|ing)?|drop(?:ped|s|ping)?|declin(?:ed|es|e|ing)"
    r"|decreas(?:ed|es|e|ing)|dip(?:ped|s)?|contract(?:ed|ion|ing)|slid|slip(?:ped|s)?"
    r"|shr(?:ank|unk|inks?|inking)|slump(?:ed|s)?|plung(?:ed|es|e)|plummet(?:ed|s)?|tumbl(?:ed|es)"
    r"|lower|lost|eased|retreat(?:ed|s)?|sank|narrow(?:ed|ing|s)?"
)
_DOWN_RE = re.compile(rf"\b(?:{DOWN})\b", re.IGNORECASE)
_DIRECTION_RE = re.compile(rf"\b(?:{UP}|{DOWN})\b", re.IGNORECASE)
_YOY = r"(?:year-on-year|year-over-year|on-year|on\s+year|annual|y/y|yoy)"

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MINUS = r"[-\u2212\u2013]"
_PERCENT = re.compile(
    r"(?<![\w.,])(?P<sign>[-+\u2212\u2013])?(?P<num>\d+(?:\.\d+)?)\s*(?:%|percent(?![a-z])|per\s+cent\b|pct\b)",
    re.IGNORECASE,
)
_POINTS = re.compile(
    r"(?<![\w.,])\d+(?:\.\d+)?\s*(?:percentage\s+points?|pp\b|points?\b)", re.IGNORECASE
)
_BARE_NUMBER = re.compile(rf"(?<![\w.,\-\u2212$€£¥₩])(?:{_NUMBER})(?![\w\-]|[.,]\d)")

# Words around an amount that make it something other than a level of the figure named.
_DIFFERENCE_BEFORE = re.compile(
    rf"(?:\b(?:{UP}|{DOWN})\s+(?:by\s+)?|\bby\s+|\b(?:increase|decrease|rise|drop|decline|gain|fall)"
    r"\s+of\s+(?:an?\s+)?)$",
    re.IGNORECASE,
)
_DIFFERENCE_AFTER = re.compile(r"^\s*(?:more|less|higher|lower)\s+than\b", re.IGNORECASE)
_APPROXIMATE_BEFORE = re.compile(
    r"\b(?:about|around|nearly|almost|approximately|roughly|some|close\s+to|just\s+(?:under|over))"
    r"\s+$",
    re.IGNORECASE,
)
_THRESHOLD_BEFORE = re.compile(
    r"\b(?:surpass\w*|exceed\w*|top(?:ped|ping|s)?|pass(?:ed|ing)?|cross(?:ed|ing)?|above|over"
    r"|more\s+than|less\s+than|under|below|beyond|at\s+least|at\s+most)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_THRESHOLD_AFTER = re.compile(r"^\s*(?:mark|threshold|barrier|milestone|level)\b", re.IGNORECASE)
_FORECAST_NEAR = re.compile(
    r"\b(?:expect\w*|forecast\w*|project(?:ed|ion|ions)|predict\w*|anticipat\w*|target\w*|goal|aim\w*"
    r"|estimated\s+to|will|would|could)\b",
    re.IGNORECASE,
)
_COMPARISON_BEFORE = re.compile(
    r"\b(?:from|than|compared\s+(?:to|with)|versus|vs\.?|against)\s+(?:an?\s+)?$", re.IGNORECASE
)
_COMPARISON_IN = re.compile(
    r"\b(?:compared\s+(?:to|with)|versus|against)\b|\bfrom\s+(?:an?\s+)?$", re.IGNORECASE
)
_SHARE_BEFORE = re.compile(
    r"\b(?:account(?:ed|ing|s)?\s+for|share\s+of|making\s+up|made\s+up|represent\w*)\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(r"^\s*(?:of\s+(?:the\s+)?(?:total|all|overall)|share)\b", re.IGNORECASE)
_PREVIOUS_MONTH_AFTER = re.compile(
    r"^\s*(?:(?:from|over|on|than)\s+(?:the\s+)?(?:previous|prior|preceding)\s+(?:month|quarter)"
    r"|(?:month|quarter)-on-(?:month|quarter)|m/m|q/q|from\s+a\s+month\s+earlier|on\s+the\s+month)",
    re.IGNORECASE,
)
_RATE_THEN_AMOUNT = re.compile(
    rf"^\s*(?:(?:{_YOY}|growth|increase|rise|gain|jump|decline|decrease|drop|fall|contraction"
    r"|expansion)\s+)*(?:(?:from|over|compared\s+(?:to|with))\s+(?:the\s+same\s+\w+\s+)?"
    r"a\s+year\s+(?:earlier|ago)\s+)?to\s+(?:a\s+)?(?:record(?:\s+high)?(?:\s+of)?\s+)?$",
    re.IGNORECASE,
)
_AMOUNT_THEN_RATE = re.compile(
    rf"^\s*(?:[,(]\s*(?:(?:which|that)\s+(?:was|is|were)\s+)?(?:an?\s+)?(?:(?:{UP}|{DOWN})\s+(?:by\s+|of\s+)?)?"
    rf"|(?:{UP}|{DOWN})\s+(?:by\s+)?)$",
    re.IGNORECASE,
)
_FORWARD_DIRECTION = re.compile(rf"^\s*(?:{_YOY}\s+)?(?P<word>{UP}|{DOWN})\b", re.IGNORECASE)
_ATTACH_PREPOSITION = re.compile(r"\s*(?:worth\s+)?(?:in|of|to|from)\s+(?:the\s+)?", re.IGNORECASE)
# A sentence opening like this continues the subject of the one before.
_CONTINUATION = re.compile(
    r"^(?:(?:However|Meanwhile|Also|In\s+addition|Additionally|By\s+contrast|In\s+contrast"
    r"|On\s+the\s+other\s+hand|At\s+the\s+same\s+time|Similarly|Likewise|Still|But|And),?\s+)?"
    r"(?:Those|These|This|That|It|Its|They|Their|The\s+latter|The\s+former|Shipments|Increases"
    r"|Decreases|Gains|Declines|Growth)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unplaced:
    """A number found in the text that did not become a row, and why."""

    sentence: int
    text: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class StatedChange:
    """A % change as one sentence states it, signed by its direction word."""

    sentence: int
    key: tuple[str, ...]
    change: str


@dataclass
class Extraction:
    table: pd.DataFrame
    unplaced: list[Unplaced]
    release_date: datetime.date | None
    sentences: list[str] = field(default_factory=list)
    changes: list[StatedChange] = field(default_factory=list)


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    digits: str
    unit: str


@dataclass(frozen=True)
class _Rate:
    start: int
    end: int
    digits: str  # signed as the text says: "-5.1" for "dipped 5.1 percent"


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    dimension: str
    code: str
    negative: bool


@dataclass(frozen=True)
class _Candidate:
    amount: _Amount | None
    rate: _Rate | None

    @property
    def start(self) -> int:
        return min(t.start for t in (self.amount, self.rate) if t is not None)

    @property
    def end(self) -> int:
        return max(t.end for t in (self.amount, self.rate) if t is not None)


@dataclass
class _Row:
    key: tuple[str, ...]
    value: str
    unit: str
    change: str
    sources: list[int]


_Context = dict[str, tuple[str, bool]]  # dimension -> (code, named by a negative alias)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _words_pattern(words: Iterable[str]) -> str:
    """An alternation of phrases, longest first, with any spacing between their words."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s*".join(map(re.escape, w.split())) for w in ordered)


class _Scanner:
    """Compiled patterns for one lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        prefixes = _words_pattern(lexicon.prefix_words())
        suffixes = _words_pattern(lexicon.suffix_words())
        self.amount = re.compile(
            rf"(?<![\w$€£¥₩])(?:(?P<m0>{_MINUS})\s*)?(?:(?P<pre>{prefixes})\s?(?P<m1>{_MINUS})?\s?"
            rf"(?P<num1>{_NUMBER})(?:\s?(?P<suf1>{suffixes})(?![\w$]))?"
            rf"|(?P<num2>{_NUMBER})\s?(?P<suf2>{suffixes})(?![\w$]))",
            re.IGNORECASE,
        )
        self.aliases = [
            (re.compile(a.pattern(), 0 if a.case_sensitive else re.IGNORECASE), a)
            for a in sorted(lexicon.aliases, key=lambda a: len(a.phrase), reverse=True)
        ]
        self.ignore = [re.compile(re.escape(p), re.IGNORECASE) for p in lexicon.ignore_phrases]

    def amounts(
        self, text: str, masked: list[tuple[int, int]]
    ) -> tuple[list[_Amount], list[tuple[int, int, str]]]:
        found: list[_Amount] = []
        unknown: list[tuple[int, int, str]] = []
        for m in self.amount.finditer(text):
            if _overlaps(m.start(), m.end(), masked):
                continue
            prefix = m.group("pre") or ""
            suffix = m.group("suf1") or m.group("suf2") or ""
            number = re.sub(r"[,\s\u00a0\u202f]", "", m.group("num1") or m.group("num2"))
            negative = bool(m.group("m0") or m.group("m1"))
            unit = self.lexicon.unit_for(prefix, suffix)
            if unit is None:
                unknown.append(
                    (m.start(), m.end(), f"unit not in the rules: {prefix} {suffix}".strip())
                )
                continue
            found.append(_Amount(m.start(), m.end(), ("-" if negative else "") + number, unit))
        return found, unknown

    def mentions(self, text: str, masked: list[tuple[int, int]]) -> list[_Mention]:
        taken = list(masked)
        found: list[_Mention] = []
        for pattern, alias in self.aliases:  # longest phrases first, so they win overlaps
            for m in pattern.finditer(text):
                if not _overlaps(m.start(), m.end(), taken):
                    taken.append((m.start(), m.end()))
                    found.append(
                        _Mention(m.start(), m.end(), alias.dimension, alias.code, alias.negative)
                    )
        return sorted(found, key=lambda x: x.start)


def _paren_groups(text: str) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            groups.append((stack.pop(), i))
    groups += [(o, len(text)) for o in stack]
    return groups


def _resolve_codes(dim: Dimension, codes: list[str]) -> tuple[str | None, str]:
    """One code for a dimension named several times: the same code, or the deepest of a chain."""
    distinct = list(dict.fromkeys(codes))
    if len(distinct) == 1:
        return distinct[0], ""
    deepest = max(distinct, key=lambda c: len(dim.ancestors(c)))
    if all(c == deepest or c in dim.ancestors(deepest) for c in distinct):
        return deepest, ""
    return None, f"several {dim.name} codes named ({', '.join(distinct)})"


def _rate_sign(
    sentence: str, rate_start: int, rate_end: int, window_start: int, explicit: str | None
) -> str | None:
    """'-' or '' from an explicit sign, a direction noun right after, or the nearest verb before."""
    if explicit:
        return "" if explicit == "+" else "-"
    forward = _FORWARD_DIRECTION.match(sentence[rate_end:])
    if forward:
        return "-" if _DOWN_RE.fullmatch(forward.group("word")) else ""
    before = list(_DIRECTION_RE.finditer(sentence[window_start:rate_start]))
    if before:
        return "-" if _DOWN_RE.fullmatch(before[-1].group()) else ""
    return None


class _SentenceWork:
    """The tokens of one sentence and the reasons for numbers that are not figures."""

    def __init__(
        self, number: int, text: str, scanner: _Scanner, release: datetime.date | None
    ) -> None:
        self.number = number
        self.text = text
        self.unplaced: list[Unplaced] = []
        masked = [(m.start(), m.end()) for p in scanner.ignore for m in p.finditer(text)]
        masked += [(d.start, d.end) for d in find_dates(text)]
        amounts, unknown_units = scanner.amounts(text, masked)
        for start, end, reason in unknown_units:
            self._unplace(start, end, reason)
        masked += [(s, e) for s, e, _ in unknown_units] + [(a.start, a.end) for a in amounts]
        points = [
            (m.start(), m.end())
            for m in _POINTS.finditer(text)
            if not _overlaps(m.start(), m.end(), masked)
        ]
        for start, end in points:
            self._unplace(start, end, "change in percentage points")
        masked += points
        percents = [m for m in _PERCENT.finditer(text) if not _overlaps(m.start(), m.end(), masked)]
        masked += [(m.start(), m.end()) for m in percents]
        self.periods = find_periods(text, release, masked)
        masked += [(p.start, p.end) for p in self.periods]
        self.mentions = scanner.mentions(text, masked)
        masked += [(m.start, m.end) for m in self.mentions]
        for m in _BARE_NUMBER.finditer(text):
            if not _overlaps(m.start(), m.end(), masked):
                self._unplace(m.start(), m.end(), "number without a unit")

        self.levels = [a for a in amounts if self._is_level(a)]
        self.rates: list[_Rate] = []
        for m in percents:
            previous_end = max(
                (
                    b
                    for b in [*(a.end for a in amounts), *(p.end() for p in percents)]
                    if b <= m.start()
                ),
                default=0,
            )
            rate = self._rate(m, previous_end)
            if rate is not None:
                self.rates.append(rate)
        self.candidates = self._pair()

    def _unplace(self, start: int, end: int, reason: str) -> None:
        self.unplaced.append(Unplaced(self.number, self.text[start:end], start, end, reason))

    def _is_level(self, amount: _Amount) -> bool:
        before = self.text[max(0, amount.start - 60) : amount.start]
        after = self.text[amount.end : amount.end + 40]
        reason = ""
        if _DIFFERENCE_BEFORE.search(before) or _DIFFERENCE_AFTER.match(after):
            reason = "change in amount, not a level"
        elif _APPROXIMATE_BEFORE.search(before):
            reason = "approximate amount"
        elif _THRESHOLD_BEFORE.search(before) or _THRESHOLD_AFTER.match(after):
            reason = "threshold, not a level"
        elif _FORECAST_NEAR.search(" ".join(before.split()[-4:])):
            reason = "forecast or target"
        elif _COMPARISON_BEFORE.search(before) and not self._own_period_after(amount.end):
            reason = "comparison amount without its own period"
        if reason:
            self._unplace(amount.start, amount.end, reason)
        return not reason

    def _own_period_after(self, end: int) -> bool:
        return any(p.start - end <= 2 and p.start >= end and not p.is_base for p in self.periods)

    def _rate(self, m: re.Match[str], previous_end: int) -> _Rate | None:
        before = self.text[max(0, m.start() - 60) : m.start()]
        after = self.text[m.end() : m.end() + 50]
        reason = ""
        if _SHARE_BEFORE.search(before) or _SHARE_AFTER.match(after):
            reason = "share of a total, not a change"
        elif _PREVIOUS_MONTH_AFTER.match(after):
            reason = "change on the previous month or quarter"
        elif _FORECAST_NEAR.search(" ".join(before.split()[-4:] + after.split()[:2])):
            reason = "forecast or target"
        else:
            sign = _rate_sign(self.text, m.start(), m.end(), previous_end, m.group("sign"))
            if sign is None:
                reason = "change without a direction word"
            else:
                return _Rate(m.start(), m.end(), sign + m.group("num"))
        self._unplace(m.start(), m.end(), reason)
        return None

    def _pair(self) -> list[_Candidate]:
        tokens: list[_Amount | _Rate] = sorted([*self.levels, *self.rates], key=lambda t: t.start)
        candidates: list[_Candidate] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if (
                isinstance(token, _Rate)
                and isinstance(nxt, _Amount)
                and self._rate_then_amount(token, nxt)
            ):
                candidates.append(_Candidate(nxt, token))
                i += 2
                continue
            if (
                isinstance(token, _Amount)
                and isinstance(nxt, _Rate)
                and _AMOUNT_THEN_RATE.match(self.text[token.end : nxt.start])
            ):
                after = tokens[i + 2] if i + 2 < len(tokens) else None
                if not (isinstance(after, _Amount) and self._rate_then_amount(nxt, after)):
                    candidates.append(_Candidate(token, nxt))
                    i += 2
                    continue
            if isinstance(token, _Amount):
                candidates.append(_Candidate(token, None))
            else:
                candidates.append(_Candidate(None, token))
            i += 1
        return candidates

    def _rate_then_amount(self, rate: _Rate, amount: _Amount) -> bool:
        return _RATE_THEN_AMOUNT.match(self.text[rate.end : amount.start]) is not None


class _Placer:
    """Walks the sentences in order, carrying the subject and period the text is about."""

    def __init__(self, lexicon: Lexicon, release: datetime.date | None) -> None:
        self.lexicon = lexicon
        self.release = release
        self.time = lexicon.time_dimension
        self.previous: _Context = {}
        self.current_period: str | None = None
        self.rows: list[_Row] = []
        self.changes: list[StatedChange] = []
        self.unplaced: list[Unplaced] = []

    def _defaults(self) -> _Context:
        ctx: _Context = {}
        for dim in self.lexicon.dimensions:
            code = self.lexicon.default_code(dim.name)
            if code is not None:
                ctx[dim.name] = (code, False)
        return ctx

    def _period_of(self, mentions: list[PeriodMention]) -> str | None:
        codes = [resolve(p, self.current_period) for p in mentions if not p.is_base]
        return next((c for c in reversed(codes) if c is not None), None)

    def _unresolved_periods(self, mentions: list[PeriodMention]) -> list[str]:
        return [
            p.text for p in mentions if not p.is_base and resolve(p, self.current_period) is None
        ]

    def place(self, work: _SentenceWork) -> None:
        text = work.text
        outside_figures = [c for c in work.candidates if self._paren_of(text, c) is None]
        continues = bool(_CONTINUATION.match(text)) or (
            bool(work.candidates) and not outside_figures
        )
        main: _Context = dict(self.previous) if continues else self._defaults()
        if self.time:
            main.pop(self.time, None)
            if self.current_period:
                main[self.time] = (self.current_period, False)

        boundary = 0
        for index, cand in enumerate(work.candidates):
            following = (
                work.candidates[index + 1].start if index + 1 < len(work.candidates) else len(text)
            )
            attached, attached_end = self._attached_after(work, cand.end, following)
            trailing_periods = [
                p
                for p in work.periods
                if cand.end <= p.start < following
                and not re.search(r"[,;(]", text[cand.end : p.start])
            ]
            segment = [m for m in work.mentions if boundary <= m.start < cand.start]
            # "$14.2 billion in March, up 3.4%": a period inside the figure's own span is its own.
            segment_periods = [p for p in work.periods if boundary <= p.start < cand.end]
            paren = self._paren_of(text, cand)
            own: list[_Mention]
            own_periods: list[PeriodMention]
            problems: list[str] = []
            if paren is not None:
                outside = [m for m in segment if m.start < paren]
                head = outside[-1:] if outside else []
                self._update(
                    main, [m for m in outside if head and m.dimension != head[0].dimension]
                )
                own = head + [m for m in segment if m.start > paren] + attached
                outside_periods = [p for p in segment_periods if p.start < paren]
                if (period := self._period_of(outside_periods)) and self.time:
                    main[self.time] = (period, False)
                own_periods = [p for p in segment_periods if p.start > paren] + trailing_periods
            else:
                own = segment + attached
                own_periods = segment_periods + trailing_periods
            ctx = dict(main)
            problems += self._update(ctx, own)
            period = self._period_of(own_periods)
            if self.time and period:
                ctx[self.time] = (period, False)
            if self.time and not period and (missing := self._unresolved_periods(own_periods)):
                problems.append(f"period {missing[-1]!r} cannot be resolved without a release date")
            # "compared with a deficit of EUR 471.0 million in March 2023" is not what the text is
            # about next, so a comparison figure leaves the main clause as it was.
            if paren is None and not _COMPARISON_IN.search(text[boundary : cand.start]):
                main = dict(ctx)
            self._emit(work, cand, ctx, problems)
            boundary = max(attached_end, cand.end)

        if not work.candidates:
            outside_parens = [m for m in work.mentions if not self._inside_any_paren(text, m.start)]
            self._update(main, outside_parens, strict=False)
            period = self._period_of(work.periods)
            if self.time and period:
                main[self.time] = (period, False)
        self.previous = main
        if self.time and self.time in main:
            self.current_period = main[self.time][0]

    def _update(self, ctx: _Context, mentions: list[_Mention], strict: bool = True) -> list[str]:
        problems: list[str] = []
        by_dim: dict[str, list[_Mention]] = {}
        for m in mentions:
            by_dim.setdefault(m.dimension, []).append(m)
        for name, found in by_dim.items():
            code, problem = _resolve_codes(self.lexicon.dimension(name), [m.code for m in found])
            if code is None:
                if strict:
                    problems.append(problem)
                continue
            ctx[name] = (code, any(m.negative for m in found if m.code == code))
        return problems

    def _attached_after(
        self, work: _SentenceWork, end: int, limit: int
    ) -> tuple[list[_Mention], int]:
        """Mentions a preposition ties to the figure: "$7.3 billion in trade surplus"."""
        attached: list[_Mention] = []
        position = end
        while True:
            prep = _ATTACH_PREPOSITION.match(work.text, position)
            if prep is None:
                break
            mention = next(
                (m for m in work.mentions if m.start == prep.end() and m.end <= limit), None
            )
            if mention is None:
                break
            attached.append(mention)
            position = mention.end
        return attached, position

    @staticmethod
    def _paren_of(text: str, cand: _Candidate) -> int | None:
        inside = [o for o, c in _paren_groups(text) if o < cand.start and cand.end <= c]
        return max(inside) if inside else None

    @staticmethod
    def _inside_any_paren(text: str, position: int) -> bool:
        return any(o < position < c for o, c in _paren_groups(text))

    def _emit(
        self, work: _SentenceWork, cand: _Candidate, ctx: _Context, problems: list[str]
    ) -> None:
        unresolved_period = any("cannot be resolved" in p for p in problems)
        for dim in self.lexicon.dimensions:
            if dim.name not in ctx and not (dim.is_time and unresolved_period):
                problems.append(f"no {dim.name} named and no default")
        if problems:
            self.unplaced.append(
                Unplaced(
                    work.number,
                    work.text[cand.start : cand.end],
                    cand.start,
                    cand.end,
                    "; ".join(dict.fromkeys(problems)),
                )
            )
            return
        # Periods are written the way the rules file writes them ("2020Q1", "2020-03-YTD").
        key = tuple(in_vocabulary(ctx[d.name][0], d.codes) if d.is_time else ctx[d.name][0]
                    for d in self.lexicon.dimensions)
        negative = any(neg for _, neg in ctx.values())
        value, unit = "", ""
        if cand.amount is not None:
            value, unit = cand.amount.digits, cand.amount.unit
            if negative:  # a deficit printed as a positive amount
                value = value[1:] if value.startswith("-") else "-" + value
        change = cand.rate.digits if cand.rate is not None else ""
        if change:
            self.changes.append(StatedChange(work.number, key, change))
        self._add_row(_Row(key, value, unit, change, [work.number]))

    def _add_row(self, new: _Row) -> None:
        """Repeats of a figure (headline and body) merge into one row when they agree."""
        for row in self.rows:
            if row.key != new.key:
                continue
            if (row.value and new.value and (row.value, row.unit) != (new.value, new.unit)) or (
                row.change and new.change and row.change != new.change
            ):
                continue
            row.value, row.unit = (row.value, row.unit) if row.value else (new.value, new.unit)
            row.change = row.change or new.change
            row.sources += [s for s in new.sources if s not in row.sources]
            return
        self.rows.append(new)


def extract_figures(
    text: str, lexicon: Lexicon, *, release_date: datetime.date | None = None
) -> Extraction:
    """The figures of a release as a table (all columns str) and the numbers left unplaced."""
    release = release_date or detect_release_date(text)
    sentences = split_sentences(text)
    scanner = _Scanner(lexicon)
    placer = _Placer(lexicon, release)
    unplaced: list[Unplaced] = []
    for number, sentence in enumerate(sentences, start=1):
        work = _SentenceWork(number, sentence, scanner, release)
        unplaced += work.unplaced
        placer.place(work)
    unplaced += placer.unplaced
    unplaced.sort(key=lambda u: (u.sentence, u.start))
    records = [
        [
            *row.key,
            row.value,
            row.unit,
            row.change,
            ",".join(map(str, row.sources)),
            sentences[row.sources[0] - 1],
        ]
        for row in placer.rows
    ]
    table = pd.DataFrame(records, columns=lexicon.columns, dtype=str)
    return Extraction(table, unplaced, release, sentences, placer.changes)


def extract_to_csv(
    path: str | Path, rules: RuleSet, release_date: datetime.date | None = None
) -> str:
    """The figures table of a release file as CSV text, for `validator extract`."""
    extraction = extract_figures(
        read_release(path), Lexicon.from_rules(rules), release_date=release_date
    )
    return str(extraction.table.to_csv(index=False, lineterminator="\n"))
