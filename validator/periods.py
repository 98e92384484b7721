"""Periods: the codes of a time dimension, their arithmetic, and periods named in prose.

One vocabulary serves the rules file, the checks and the extractor. Codes: "2020" (year),
"2020-12" (month), "2020Q3" or "2020-Q3" (quarter), "2020H1" / "2020S1" (half), "2020-W05" (week),
"2020-01-D1" / "2020-01-10d" (first ten days), "2020-03-YTD" (January to March).

In prose, relative periods ("last year", "last month") resolve against the release date; "a year
earlier" and "year to date" resolve against the period the text is currently about. The extractor
works with "2021-Q1" and runs of months ("2021-01/2021-03") and writes each code the way the rules
file writes its periods (`in_vocabulary`), so "the first three months of 2020" is "2020-03-YTD"
and a quarter is "2020Q1" where the hierarchy says so.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

PERIOD_PATTERN = (
    r"^\d{4}(?:-\d{2}(?:-(?:D1|D2|10d|20d|YTD))?|-?Q[1-4]|-?H[12]|-?S[12]|-W\d{2})?$"
)
_PERIOD = re.compile(PERIOD_PATTERN)


def is_period(code: str) -> bool:
    return _PERIOD.fullmatch(code) is not None


def shift_period(code: str, years: int = -1) -> str | None:
    """The same period `years` years away: 2020 -> 2019, 2020-12 -> 2019-12, 2020Q3 -> 2019Q3."""
    if not is_period(code):
        return None
    year = int(code[:4]) + years
    if not 0 < year < 10000:
        return None
    return f"{year:04d}{code[4:]}"


def previous_period(code: str) -> str | None:
    """The period just before: 2020-01 -> 2019-12, 2020Q1 -> 2019Q4, 2020H1 -> 2019H2, 2020 ->
    2019. None for periods without a predecessor of the same length (weeks, days, year to date)."""
    if re.fullmatch(r"\d{4}", code):
        return shift_period(code)
    match = re.fullmatch(r"(\d{4})(-?)([QHS]?)(\d{1,2})", code)
    if match is None or not is_period(code):
        return None
    year, sep, letter, number = int(match[1]), match[2], match[3], int(match[4])
    last = {"Q": 4, "H": 2, "S": 2, "": 12}[letter]
    if number > 1:
        year_code, number = year, number - 1
    else:
        year_code, number = year - 1, last
    if not 0 < year_code < 10000:
        return None
    digits = f"{number:02d}" if letter == "" else str(number)
    return f"{year_code:04d}{sep}{letter}{digits}"


def in_vocabulary(code: str, known: Collection[str]) -> str:
    """A period as the extractor names it ("2021-Q1", "2021-01/2021-03"), written the way the
    rules file writes its periods: a code it lists, else the form its codes use, else the
    canonical form. A run of months that no code names stays a run (and is reported unknown)."""
    candidates = _spellings(code)
    listed = next((c for c in candidates if c in known), None)
    if listed is not None:
        return listed
    for candidate in candidates:
        form = _form_of(candidate)
        if form and any(_form_of(k) == form for k in known):
            return candidate
    return candidates[0]


def _spellings(code: str) -> list[str]:
    """Every code that names the same period, the canonical one first."""
    quarter = re.fullmatch(r"(\d{4})-?Q([1-4])", code)
    if quarter:
        year, q = quarter.groups()
        return [f"{year}-Q{q}", f"{year}Q{q}"]
    run = re.fullmatch(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", code)
    if not run or run[1] != run[3]:
        return [code]
    year, first, last = run[1], int(run[2]), int(run[4])
    spellings = []
    if first == 1:
        spellings.append(f"{year}-{last:02d}-YTD")
    if last == first + 2 and first % 3 == 1:
        q = (first + 2) // 3
        spellings += [f"{year}Q{q}", f"{year}-Q{q}"]
    if last == first + 5 and first in (1, 7):
        h = 1 if first == 1 else 2
        spellings += [f"{year}H{h}", f"{year}-H{h}", f"{year}S{h}", f"{year}-S{h}"]
    if (first, last) == (1, 12):
        spellings.append(year)
    return [*spellings, code] if spellings else [code]


def _form_of(code: str) -> str | None:
    """The shape of a period code with its numbers taken out ("2020Q3" -> "YQn")."""
    if not is_period(code):
        return None
    return re.sub(r"\d", "n", code[4:]).replace("nn", "n")

MONTH_NUMBERS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Spanish month names, written in lower case ("diciembre de 2018").
SPANISH_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip
_MES = r"(?:" + "|".join(SPANISH_MONTHS) + r")"
SPANISH_NUMBERS = {
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "once": 11, "doce": 12, **{str(n): n for n in range(2, 13)},
}  # fmt: skip
_NUMERO = r"(?:" + "|".join(sorted(SPANISH_NUMBERS, key=len, reverse=True)) + r")"
COUNT_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}

# Month names keep their capital; "May" alone needs a year or a preposition (it is also a verb).
_MONTH = (
    r"(?:January|February|March|April|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_MONTH_ANY = rf"(?:{_MONTH}|May)"
_YEAR = r"(?:19|20)\d{2}"

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# "입력 2020.04.07 08:00", "2020/04/07", "2020. 4. 7.": a date written year first with dots or
# slashes (Korean and Japanese news sites, Chinese bulletins)
_DOTTED_DATE = re.compile(
    r"(?<![\d.,])((?:19|20)\d{2})\s?([./])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?![\d,]|\.\d)\.?")
_MONTH_DAY = re.compile(
    rf"\b({_MONTH_ANY})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*({_YEAR}))?(?![\d.,]\d|\s*(?:%|percent))"
)
_DAY_MONTH = re.compile(rf"(?<![\d.,])(\d{{1,2}})\s+({_MONTH_ANY})(?:\s+({_YEAR}))?\b")

# A period after these words is what a change is measured against, not what a figure is for.
_BASE_BEFORE = re.compile(
    r"(?:\bfrom|\bthan|\bover|\bcompared\s+(?:to|with)|\bcomparing|\bversus|\bvs\.?|\bagainst|\brelative\s+to"
    r"|\bsince|\bon|\babove|\bbelow)\s+(?:in\s+)?(?:the\s+|a\s+)?"
    # "from the value of the third quarter of 2022"
    r"(?:(?:value|level|amount|figure)s?\s+(?:of|in|for)\s+(?:the\s+)?)?"
    r"(?:(?:same|corresponding|similar)\s+(?:period|month|quarter|time)\s+(?:of\s+|in\s+)?)?$"
    r"|(?:較|较|比|對比|对比|相比|相對|相对)\s*$"
    # Spanish: frente al, con respecto al, en comparación con, en relación con, comparado con
    r"|\b(?:frente\s+a|(?:con\s+)?respecto\s+a|en\s+(?:comparación|relación)\s+(?:con|a)"
    r"|comparad[oa]s?\s+con|desde)l?\s+(?:el\s+|la\s+|los\s+)?$"
    # "3,4% menos que en 2020", "más que en el mismo mes de 2020"
    r"|\b(?:más|menos)\s+que\s+(?:en\s+)?(?:el\s+|la\s+|los\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateSpan:
    start: int
    end: int
    date: datetime.date | None


@dataclass(frozen=True)
class PeriodMention:
    """A period named in a sentence. `code` is None while it depends on the current period."""

    start: int
    end: int
    text: str
    code: str | None
    relative: str = ""  # "year_before" or "year_to_date" when code is None
    is_base: bool = False


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_CJK_DATE = re.compile(r"(?:(\d{4})\s?[년年]\s?)?(\d{1,2})\s?[월月]\s?(\d{1,2})\s?[일日]")
# "8월 1~10일": the first ten days of the month; the month is the period, the days are not numbers.
_CJK_DAY_RANGE = re.compile(r"(?<=[월月])\s?\d{1,2}\s?[~\u223c\-]\s?\d{1,2}\s?[일日]")
_CJK_MONTH = re.compile(
    r"(?:(\d{4})\s?[년年]\s?)?(\d{1,2})\s?[월月](?!\s?\d{1,2}\s?[일日])"
)
_CJK_YEAR = re.compile(r"(\d{4})\s?[년年](?!\s?\d{1,2}\s?[월月])")


def find_dates(text: str) -> list[DateSpan]:
    """Calendar dates (2021-01-18, January 18, 18 January 2021); they are never periods."""
    # A dateline in capitals ("TUESDAY, NOVEMBER 5, 2019") is a date too; same offsets.
    text = re.sub(r"\b[A-Z]{3,}\b", lambda m: m.group().capitalize(), text)
    spans: list[DateSpan] = []
    for m in _CJK_DATE.finditer(text):
        year = int(m.group(1)) if m.group(1) else None
        date = _safe_date(year, int(m.group(2)), int(m.group(3))) if year else None
        spans.append(DateSpan(m.start(), m.end(), date))
    for m in _CJK_DAY_RANGE.finditer(text):
        spans.append(DateSpan(m.start(), m.end(), None))
    # "Bogotá, marzo de 2018 (...)": a Spanish dateline of a month, the release's month
    for m in _SPANISH_DATELINE.finditer(text):
        month = SPANISH_MONTHS[m.group("month").lower()]
        spans.append(DateSpan(m.start("month"), m.end("year"),
                              _safe_date(int(m.group("year")), month, 1)))
    for m in _ISO_DATE.finditer(text):
        spans.append(DateSpan(m.start(), m.end(), _safe_date(*map(int, m.groups()))))
    # "Santiago, 7 de enero de 2020": a Spanish date
    for m in re.finditer(rf"(?<![\d.,])(\d{{1,2}})\s+de\s+({_MES})\s+(?:de|del)\s+({_YEAR})\b",
                         text, re.IGNORECASE):
        spans.append(DateSpan(m.start(), m.end(), _safe_date(
            int(m.group(3)), SPANISH_MONTHS[m.group(2).lower()], int(m.group(1)))))
    for m in _DOTTED_DATE.finditer(text):
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
        spans.append(DateSpan(m.start(), m.end(), _safe_date(year, month, day)))
    for m in _MONTH_DAY.finditer(text):
        if int(m.group(2)) <= 31:
            month = MONTH_NUMBERS[m.group(1).rstrip(".").lower()]
            year = int(m.group(3)) if m.group(3) else None
            spans.append(
                DateSpan(
                    m.start(), m.end(), _safe_date(year, month, int(m.group(2))) if year else None
                )
            )
    for m in _DAY_MONTH.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            month = MONTH_NUMBERS[m.group(2).rstrip(".").lower()]
            year = int(m.group(3)) if m.group(3) else None
            spans.append(
                DateSpan(
                    m.start(), m.end(), _safe_date(year, month, int(m.group(1))) if year else None
                )
            )
    return _non_overlapping(spans)


def detect_release_date(text: str) -> datetime.date | None:
    """The first full date in the text (a dateline or the date beside the title).

    A dateline in capitals ("TUESDAY, NOVEMBER 5, 2019") counts too.
    """
    for version in (text, re.sub(r"\b[A-Z]{3,}\b", lambda m: m.group().capitalize(), text)):
        found = sorted(find_dates(version), key=lambda d: d.start)
        date = next((d.date for d in found if d.date), None)
        if date is not None:
            return date
    return None


def month_code(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def _month_before(date: datetime.date) -> str:
    return (
        month_code(date.year - 1, 12) if date.month == 1 else month_code(date.year, date.month - 1)
    )


def _latest_year_of(month: int, release: datetime.date | None) -> int | None:
    """The year of the latest `month` by the release (a January release's December: last year)."""
    if release is None:
        return None
    return release.year if month <= release.month else release.year - 1


def shift_year(code: str, years: int) -> str:
    return re.sub(r"\d{4}", lambda m: str(int(m.group()) + years), code)


def period_end(code: str) -> datetime.date | None:
    """The last day of a period code (a year, month, quarter or run of months)."""
    last = code.split("/")[-1]
    if re.fullmatch(r"\d{4}", last):
        return datetime.date(int(last), 12, 31)
    quarter = re.fullmatch(r"(\d{4})-?Q([1-4])", last)
    month = re.fullmatch(r"(\d{4})-(\d{2})", last)
    if quarter:
        year, number = int(quarter.group(1)), int(quarter.group(2)) * 3
    elif month:
        year, number = int(month.group(1)), int(month.group(2))
    else:
        return None
    if not 1 <= number <= 12:
        return None
    following = datetime.date(year + number // 12, number % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def reference_period(
    opening: list[PeriodMention], release: datetime.date | None, codes: tuple[str, ...],
    default: str | None,
) -> str | None:
    """The period a release is about when a figure names none.

    The first period the headline or first sentence names; else, with a release date, the latest
    period of the rules' time codes that ended before it (a single month or year before a run of
    months); else the rules' `defaults` for the time dimension.
    """
    named = next((p.code for p in opening if p.code is not None and not p.is_base), None)
    if named is not None:
        return named
    if release is not None:
        ended = [(end, "/" not in c, c) for c in codes if (end := period_end(c)) and end < release]
        if ended:
            return _spellings(max(ended)[2])[0]
    return _spellings(default)[0] if default else None


def resolve(mention: PeriodMention, current: str | None) -> str | None:
    if mention.code is not None or current is None:
        return mention.code
    if mention.relative == "year_before":
        return shift_year(current, -1)
    if mention.relative == "current":
        return current
    if mention.relative.startswith("same_period_in:"):
        # "the same period of 2020-21" for July 2021 to March 2022: the run that starts in 2020
        year = int(mention.relative.split(":", 1)[1])
        first = re.search(r"\d{4}", current)
        return shift_year(current, year - int(first.group())) if first else None
    if mention.relative in ("year_of", "last_month_of"):
        # "en el año" (in the year), "en el último mes del año" (its December): of the year the
        # text is about
        named = re.match(r"\d{4}", current)
        if named is None:
            return None
        return named.group() if mention.relative == "year_of" else f"{named.group()}-12"
    if mention.relative == "period_before":
        return previous_period(current) if re.fullmatch(r"\d{4}-\d{2}", current) else None
    if mention.relative == "quarter_before":
        return previous_period(current) if re.fullmatch(r"\d{4}-?Q[1-4]", current) else None
    if mention.relative == "year_to_date":
        month = re.fullmatch(r"(\d{4})-(\d{2})", current)
        return f"{month.group(1)}-01/{current}" if month else (current if "/" in current else None)
    return None


def find_periods(
    text: str, release: datetime.date | None, masked: list[tuple[int, int]]
) -> list[PeriodMention]:
    """Period mentions outside `masked` spans, each marked when it is only a comparison base."""
    found: list[tuple[int, int, str | None, str]] = []  # start, end, code, relative

    def add(m: re.Match[str], code: str | None, relative: str = "") -> None:
        found.append((m.start(), m.end(), code, relative))

    month_of = MONTH_NUMBERS
    _spanish_periods(text, release, add)
    # "the same month of 2014", "April last year": the month (quarter) of the text in that year.
    for m in re.finditer(
        rf"\bthe\s+(?:same|corresponding)\s+(?:month|quarter|period)\s+(?:of|in)\s+({_YEAR})\b",
        text, re.IGNORECASE
    ):
        add(m, None, f"same_period_in:{m.group(1)}")
    # "the second quarter to June this year", "the first quarter of last year": a quarter whose
    # year the words after it give (before "June this year" is read as a month)
    for m in re.finditer(
        rf"\b(?:the\s+)?(first|second|third|fourth)\s+quarter\s+(?:(?:to|ending|ended|through)\s+"
        rf"(?P<month>{_MONTH_ANY})\s+)?(?:(?P<year>{_YEAR})|(?:of\s+)?(?P<rel>this|last)\s+year)\b",
        text, re.IGNORECASE,
    ):
        q = QUARTER_WORDS[m.group(1).lower()]
        month = m.group("month")
        if month and month_of[month.rstrip(".").lower()] != 3 * q:
            continue
        if m.group("year"):
            year: int | None = int(m.group("year"))
        elif release is not None:
            year = release.year - (1 if m.group("rel").lower() == "last" else 0)
        else:
            year = None
        add(m, f"{year}-Q{q}" if year else None)
    for m in re.finditer(rf"\b({_MONTH_ANY})\s+(last|this)\s+year\b", text):
        month = month_of[m.group(1).rstrip(".").lower()]
        if release is not None:
            add(m, month_code(release.year - (1 if m.group(2) == "last" else 0), month))
    # Chinese, Japanese and Korean runs of months: "1至8月", "1~8월", "首八個月", "前8个月".
    for m in re.finditer(
        r"(?:(\d{4})\s?[년年]\s?)?(\d{1,2})\s?[월月]?\s?(?:至|到|～|~|－|-|\u2013)\s?(\d{1,2})\s?[월月]"
        r"|(?:(\d{4})\s?年\s?)?(?:首|前)\s?([一二三四五六七八九十]{1,3}|\d{1,2})\s?[個个]?月",
        text,
    ):
        if m.group(3):
            first, last = int(m.group(2)), int(m.group(3))
            named = m.group(1)
        else:
            first, last = 1, _cjk_count(m.group(5))
            named = m.group(4)
        if not 1 <= first < last <= 12:
            continue
        year = int(named) if named else (
            release.year - (1 if last >= release.month else 0) if release else None)
        add(m, f"{month_code(year, first)}/{month_code(year, last)}" if year else None)
    # "前三季度" (the first three quarters), "第一季度", "首季", "上半年" (the first half)
    for m in re.finditer(
        r"(?:(\d{4})\s?年\s?)?(?:前\s?(?P<n>[一二三两兩]|\d)\s?[個个]?季度?|第?(?P<q>[一二三四1-4])季度"
        r"|第(?P<q2>[一二三四1-4])季|(?P<first>首季)|(?P<half>[上下])半年)",
        text,
    ):
        if m.group("n"):
            first, last = 1, 3 * _cjk_count(m.group("n"))
        elif m.group("half"):
            first, last = (1, 6) if m.group("half") == "上" else (7, 12)
        else:
            q = 1 if m.group("first") else _cjk_count(m.group("q") or m.group("q2"))
            first, last = 3 * q - 2, 3 * q
        if not 1 <= first < last <= 12:
            continue
        year = int(m.group(1)) if m.group(1) else _latest_year_of(last, release)
        if year is None:
            add(m, None)
        elif last - first == 2:
            add(m, f"{year}-Q{last // 3}")
        else:
            add(m, f"{month_code(year, first)}/{month_code(year, last)}")
    for m in _CJK_MONTH.finditer(text):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            continue
        year = int(m.group(1)) if m.group(1) else _latest_year_of(month, release)
        add(m, month_code(year, month) if year else None)
    for m in _CJK_YEAR.finditer(text):
        add(m, m.group(1))
    for m in re.finditer(
        rf"\b(?:the\s+)?(first|second)\s+half(?:\s+of\s+(?:({_YEAR})|the\s+year|this\s+year))?"
        rf"|\bH([12])\s*({_YEAR})?\b",
        text,
        re.IGNORECASE,
    ):
        half = 1 if (m.group(1) or "").lower() == "first" or m.group(3) == "1" else 2
        named = m.group(2) or m.group(4)
        year = int(named) if named else _latest_year_of(half * 6, release)
        first, last = (1, 6) if half == 1 else (7, 12)
        add(m, f"{month_code(year, first)}/{month_code(year, last)}" if year else None)
    for m in re.finditer(
        rf"\b(?:the\s+)?first\s+(two|three)\s+quarters(?:\s+of\s+(?:({_YEAR})|the\s+year|this\s+year))?",
        text,
        re.IGNORECASE,
    ):
        last = 6 if m.group(1).lower() == "two" else 9
        year = int(m.group(2)) if m.group(2) else _latest_year_of(last, release)
        add(m, f"{year}-01/{month_code(year, last)}" if year else None)
    # "the twelve months to September 2018", "the 12 months ended June 2017": a rolling run of
    # months ending in that month
    for m in re.finditer(
        rf"\b(?:the\s+)?(\w+)\s+months\s+(?:to|ending|ended|through)\s+({_MONTH_ANY})\s+({_YEAR})\b",
        text, re.IGNORECASE,
    ):
        count = COUNT_WORDS.get(m.group(1).lower()) or (
            int(m.group(1)) if m.group(1).isdigit() else 0)
        last, year = month_of[m.group(2).rstrip(".").lower()], int(m.group(3))
        if not 2 <= count <= 12:
            continue
        first_index = year * 12 + last - count  # months since year 0, zero-based
        first_year, first_month = divmod(first_index, 12)
        add(m, str(year) if (count, last) == (12, 12) else
            f"{month_code(first_year, first_month + 1)}/{month_code(year, last)}")
    # "the June 2017 year": the twelve months ending in June 2017.
    for m in re.finditer(rf"\bthe\s+({_MONTH_ANY})\s+({_YEAR})\s+year\b", text):
        last, year = month_of[m.group(1).rstrip(".").lower()], int(m.group(2))
        add(m, str(year) if last == 12 else
            f"{month_code(year - 1, last + 1)}/{month_code(year, last)}")
    # "(July 2016-June 2017)": a run of months whose ends name their years
    for m in re.finditer(
        rf"\b({_MONTH_ANY})\s+({_YEAR})\s*(?:-|\u2013)\s*({_MONTH_ANY})\s+({_YEAR})\b", text
    ):
        first, last = (month_of[g.rstrip(".").lower()] for g in (m.group(1), m.group(3)))
        first_year, last_year = int(m.group(2)), int(m.group(4))
        # (not the two periods of a change, "January 2017 - February 2017", "February 2016 -
        # February 2017")
        if 2 <= (last_year * 12 + last) - (first_year * 12 + first) <= 11:
            add(m, str(last_year) if (first, last, first_year) == (1, 12, last_year)
                else f"{month_code(first_year, first)}/{month_code(last_year, last)}")
    for m in re.finditer(
        rf"\b({_MONTH_ANY})\s*(?:-|\u2013|to|through)\s*({_MONTH_ANY})(?:,?\s+({_YEAR}))?"
        rf"|(?<=between )({_MONTH_ANY})\s+and\s+({_MONTH_ANY})(?:,?\s+({_YEAR}))?", text
    ):
        if m.group(4):  # "between January and August 2017"
            first, last = (month_of[g.rstrip(".").lower()] for g in (m.group(4), m.group(5)))
            year = int(m.group(6)) if m.group(6) else _latest_year_of(last, release)
            add(m, f"{month_code(year, first)}/{month_code(year, last)}" if year else None)
            continue
        first, last = (month_of[g.rstrip(".").lower()] for g in (m.group(1), m.group(2)))
        year = int(m.group(3)) if m.group(3) else _latest_year_of(last, release)
        # "July-March" (a fiscal year's first nine months) starts the year before
        if year is None:
            add(m, None)
            continue
        start_year = year - 1 if first > last else year
        add(m, f"{month_code(start_year, first)}/{month_code(year, last)}")
    for m in re.finditer(
        # "the first seven months", and "in the seven months" (not "the three months to June",
        # a rolling period)
        r"\b(?:(?:the\s+)?first|(?<=in\s)the|(?<=over\s)the|(?<=for\s)the)\s+(\w+)\s+months"
        rf"(?!\s+(?:to|ending|ended|through)\s+(?:the\s+end|{_MONTH_ANY}))(?:\s+of\s+(?:("
        + _YEAR
        + r")|the\s+year|this\s+year))?",
        text,
        re.IGNORECASE,
    ):
        count = COUNT_WORDS.get(m.group(1).lower()) or (
            int(m.group(1)) if m.group(1).isdigit() else 0
        )
        year = int(m.group(2)) if m.group(2) else (release.year if release else None)
        if release and not m.group(2) and count >= release.month:
            year = release.year - 1
        add(m, f"{year}-01/{month_code(year, count)}" if year and 1 < count <= 12 else None)
    for m in re.finditer(
        rf"\b(?:the\s+)?(first|second|third|fourth)\s+quarter(?:\s+of\s+({_YEAR}))?",
        text,
        re.IGNORECASE,
    ):
        q = QUARTER_WORDS[m.group(1).lower()]
        year = int(m.group(2)) if m.group(2) else _latest_year_of(q * 3, release)
        add(m, f"{year}-Q{q}" if year else None)
    for m in re.finditer(
        rf"\b(?:the\s+)?(March|June|September|December)\s+quarter(?:\s+(?:of\s+)?({_YEAR}))?",
        text,
    ):
        q = {"March": 1, "June": 2, "September": 3, "December": 4}[m.group(1)]
        year = int(m.group(2)) if m.group(2) else _latest_year_of(q * 3, release)
        add(m, f"{year}-Q{q}" if year else None)
    for m in re.finditer(rf"\bQ([1-4])(?:,?\s*({_YEAR}))?\b", text):  # "Q3, 2015" too
        year = int(m.group(2)) if m.group(2) else _latest_year_of(int(m.group(1)) * 3, release)
        add(m, f"{year}-Q{m.group(1)}" if year else None)
    for m in re.finditer(rf"\b({_MONTH_ANY})(?:\s+|(?<=\.))({_YEAR})\b", text):
        add(m, month_code(int(m.group(2)), month_of[m.group(1).rstrip(".").lower()]))
    for m in re.finditer(
        rf"\b{_MONTH}(?!\w)|(?:(?<=\bin )|(?<=\bIn )|(?<=\bof )|(?<=\bfor )|(?<=\bFor )"
        r"|(?<=\bfrom )|(?<=\bsince )|(?<=\bthan )|(?<=\bon ))May\b", text
    ):
        month = month_of[m.group().rstrip(".").lower()]
        year = _latest_year_of(month, release)
        add(m, month_code(year, month) if year else None)
    for m in re.finditer(rf"(?<![\w.$€£¥₩,-])({_YEAR})(?![\w%]|[.,]\d|-\d)", text):
        add(m, m.group(1))
    relative: list[tuple[str, str | None, str]] = [
        # before "last year", which it contains
        (
            # "in the same period a year earlier": the period the text is about, a year before
            r"(?:the|a)\s+(?:same|corresponding|similar)\s+(?:period|month|quarter)\s+(?:a|one)\s+"
            r"year\s+(?:earlier|ago|before)|"
            r"a\s+year\s+(?:earlier|ago|before)|(?:the|a)\s+(?:same|corresponding|similar)\s+"
            r"(?:period|month|quarter)\s+(?:of\s+)?(?:last|the\s+previous|the\s+prior)\s+year",
            None,
            "year_before",
        ),
        # "in the quarter under review": the period the text is about
        (r"the\s+(?:month|quarter|period|year|half)\s+under\s+review", None, "current"),
        (
            r"last\s+year|the\s+previous\s+year|the\s+prior\s+year",
            str(release.year - 1) if release else None,
            "",
        ),
        (r"this\s+year", str(release.year) if release else None, ""),
        (r"last\s+month", _month_before(release) if release else None, ""),
        # "from the previous month": the month before the one the text is about
        (
            r"the\s+(?:previous|prior|preceding)\s+month|a\s+month\s+(?:earlier|ago|before)",
            None,
            "period_before",
        ),
        # "(₦4,359.5 billion) recorded in the preceding quarter": the quarter before
        (
            r"the\s+(?:previous|prior|preceding)\s+quarter|a\s+quarter\s+(?:earlier|ago|before)",
            None,
            "quarter_before",
        ),
        (r"this\s+month", month_code(release.year, release.month) if release else None, ""),
        # Chinese "去年同期" (the same period last year), "上年同月"
        (r"(?:去年|上年)(?:同期|同月|同季)", None, "year_before"),
        # Korean and Japanese: "전년동월(38억5000만달러)보다", "전년 같은 달", "前年同月比"; "전월",
        # "前月" (the month before); always what a figure is compared with
        (r"전년\s?(?:동월|동기|같은\s?(?:달|기간))|(?:지난해|작년)\s?같은\s?(?:달|기간)"
         r"|前年(?:同月|同期)", None, "year_before"),
        (r"전월|전달|前月", None, "period_before"),
        (r"year[\s-]+to[\s-]+date|so\s+far\s+this\s+year", None, "year_to_date"),
    ]
    for pattern, code, rel in relative:
        for m in re.finditer(rf"(?:\b|(?<=[^\x00-\x7f]))(?:{pattern})(?:\b|(?=[^\x00-\x7f]))",
                             text, re.IGNORECASE):
            add(m, code, rel)

    mentions: list[PeriodMention] = []
    taken = list(masked)
    for start, end, code, rel in found:  # earlier patterns are more specific and win overlaps
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        before = text[max(0, start - 40) : start]
        # "From January to September 2019, exports ..." opens the sentence: its own period.
        # "From January to September 2019, exports ...", "Over January to May 2018, ..." open
        # the sentence: its own period.
        # "From August 2017 to September 2017, exports fell by ...": the first of a pair is
        # the base after all.
        # "2018년 11월 이후" (since November 2018), "지난해 5월 이래": a starting point, not a
        # period of a figure; the Korean and Japanese comparisons above are bases too
        cjk_base = bool(_CJK_BASE_AFTER.match(text, end)) or bool(
            rel and re.search(r"[\uac00-\ud7a3]|^前", text[start:end])
            and _CJK_COMPARED_AFTER.match(text, end))
        is_base = cjk_base or (bool(_BASE_BEFORE.search(before)) and not (
            re.fullmatch(r"\s*(?:From|Over)\s+", text[:start])
            and not re.match(r"\s*(?:to|until|through)\s+\S", text[end:])
        ))
        mentions.append(PeriodMention(start, end, text[start:end], code, rel, is_base))
    mentions.sort(key=lambda p: p.start)
    # "against the third quarter of 2022 (N5,934.15 billion) and the fourth quarter of 2021":
    # the next of a list of bases is a base too
    for i in range(1, len(mentions)):
        if (mentions[i - 1].is_base and not mentions[i].is_base
                and _NEXT_BASE.fullmatch(text[mentions[i - 1].end : mentions[i].start])):
            mentions[i] = dataclasses.replace(mentions[i], is_base=True)
    return mentions


_CJK_BASE_AFTER = re.compile(r"\s?(?:이후|이래|以来|以來|以降)")
# "전년동월대비", "전월(10억1000만달러)과 ...보다", "前年同月比": compared with;
# "전월 수출은 ..." is last month's own figure
_CJK_COMPARED_AFTER = re.compile(
    r"\s?(?:\([^()]{0,30}\)\s?(?:의|の)|(?:\([^()]{0,30}\)\s?)?(?:대비|보다|에\s?비해|에\s?비하면|과|와"
    r"|이나|比|と比べ|に比べ|に対し))")
_NEXT_BASE = re.compile(r"\s*(?:\([^()]{0,60}\)\s*)?,?\s*(?:and|or)\s+(?:in\s+)?(?:the\s+)?",
                        re.IGNORECASE)


_SPANISH_DATELINE = re.compile(
    r"^[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:\s[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)?,\s*"
    rf"(?P<month>{_MES})\s+(?:de\s+)?(?P<year>(?:19|20)\d\d)\s*(?:\([^()\n]*\)|[-\u2013\u2014][^\n]*)?\s*$",
    re.MULTILINE,
)


def _spanish_periods(
    text: str, release: datetime.date | None,
    add: Callable[..., None],
) -> None:
    """Spanish periods: "diciembre de 2018", "entre enero y diciembre de 2018", "enero-octubre
    2018", "el mismo mes de 2017", "el mismo periodo del año anterior", "el año pasado"."""
    flags = re.IGNORECASE
    for m in re.finditer(rf"\b(?:el\s+)?mismo\s+(?:mes|periodo|período|trimestre)\s+(?:de|del)\s+"
                         rf"({_YEAR})\b", text, flags):
        add(m, None, f"same_period_in:{m.group(1)}")
    for m in re.finditer(r"\b(?:el\s+|un\s+)?(?:mismo\s+(?:mes|periodo|período|trimestre)|igual\s+"
                         r"(?:mes|periodo|período))\s+(?:del|de\s+un)\s+año\s+(?:anterior|pasado|antes)",
                         text, flags):
        add(m, None, "year_before")
    for m in re.finditer(
        rf"\b(?:entre\s+)?({_MES})\s*(?:y|a|al|hasta|-|\u2013)\s*({_MES})(?:\s+(?:de|del))?\s+({_YEAR})\b",
        text, flags,
    ):
        first, last = (SPANISH_MONTHS[g.lower()] for g in (m.group(1), m.group(2)))
        if first < last:
            year = int(m.group(3))
            add(m, str(year) if (first, last) == (1, 12)
                else f"{month_code(year, first)}/{month_code(year, last)}")
    # "entre enero y septiembre" with no year: the latest such run by the release
    for m in re.finditer(
        rf"\bentre\s+({_MES})\s+y\s+({_MES})\b(?!\s+(?:de\s+|del\s+)?(?:19|20)\d\d)", text, flags,
    ):
        first, last = (SPANISH_MONTHS[g.lower()] for g in (m.group(1), m.group(2)))
        latest = _latest_year_of(last, release)
        if first < last and latest is not None:
            add(m, str(latest) if (first, last) == (1, 12)
                else f"{month_code(latest, first)}/{month_code(latest, last)}")
    # "los nueve primeros meses", "los primeros nueve meses (del año)", "el primer semestre"
    for m in re.finditer(
        rf"\blos\s+(?:({_NUMERO})\s+primeros|primeros\s+({_NUMERO}))\s+meses"
        rf"(?:\s+(?:de|del)\s+(?:año\s+)?({_YEAR}))?|\b(?:el\s+)?(primer|segundo)\s+semestre"
        rf"(?:\s+(?:de|del)\s+(?:año\s+)?({_YEAR}))?",
        text, flags,
    ):
        if m.group(4):
            first, last = (1, 6) if m.group(4).lower() == "primer" else (7, 12)
            named = m.group(5)
        else:
            first, last = 1, SPANISH_NUMBERS[(m.group(1) or m.group(2)).lower()]
            named = m.group(3)
        run_year = int(named) if named else _latest_year_of(last, release)
        if 1 < last <= 12 and run_year is not None:
            add(m, str(run_year) if last == 12
                else f"{month_code(run_year, first)}/{month_code(run_year, last)}")
    for m in re.finditer(rf"\b({_MES})(?:\s+(?:de|del))?\s+({_YEAR})\b", text, flags):
        add(m, month_code(int(m.group(2)), SPANISH_MONTHS[m.group(1).lower()]))
    # a month without its year after a preposition ("en enero"): the latest by the release
    for m in re.finditer(rf"(?<=\b(?:en|de) )({_MES})\b(?!\s+(?:de\s+|del\s+)?(?:19|20)\d\d)",
                         text, flags):
        month = SPANISH_MONTHS[m.group(1).lower()]
        latest = _latest_year_of(month, release)
        add(m, month_code(latest, month) if latest else None)
    # "en el último mes del año" (December of the year the text is about), "En el año" (that
    # year), "del mes previo" (the month before)
    for m in re.finditer(r"\b(?:el\s+)?último\s+mes\s+del\s+año\b", text, flags):
        add(m, None, "last_month_of")
    for m in re.finditer(r"(?<=\ben\s)el\s+año(?:\s+completo)?\b(?!\s+(?:19|20)\d\d)"
                         r"(?!\s+(?:pasado|anterior))", text, flags):
        add(m, None, "year_of")
    for m in re.finditer(r"\b(?:el\s+)?mes\s+(?:previo|anterior|precedente)\b", text, flags):
        add(m, None, "period_before")
    if release is not None:
        for m in re.finditer(r"\b(?:el\s+)?año\s+(pasado|anterior)\b", text, flags):
            add(m, str(release.year - 1))
        # "en el primer mes de este año": January of the release's year
        for m in re.finditer(r"\b(?:el\s+)?primer\s+mes\s+(?:del|de\s+este)\s+año\b", text, flags):
            add(m, month_code(release.year, 1))
        for m in re.finditer(r"\beste\s+año\b", text, flags):
            add(m, str(release.year))


_CJK_DIGITS = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9, **{str(d): d for d in range(1, 10)}}


def _cjk_count(text: str) -> int:
    """'八' -> 8, '十一' -> 11, '12' -> 12 (counts of months)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return _CJK_DIGITS.get(tens, 1) * 10 + _CJK_DIGITS.get(units, 0)
    return _CJK_DIGITS.get(text, 0)


def _non_overlapping(spans: list[DateSpan]) -> list[DateSpan]:
    kept: list[DateSpan] = []
    for span in spans:
        if not any(span.start < k.end and k.start < span.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
