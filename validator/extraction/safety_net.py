"""The last guard against a number dropped silently: every number of the text shaped like a
figure (a %, per cent or "pc" after it, a currency before it or a currency letter glued to it,
a magnitude word after it) that no row's span and no unplaced entry covers is listed as
unplaced, so a release whose phrasing the patterns do not know is never reported clean.

Years, days of months and counts carry none of those marks and are not looked at; a number
glued to letters ("5G", "COVID-19") is not a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from validator.extraction.extractor import Span, Unplaced

NOT_READ = "a number shaped like a figure that no pattern of the extractor reads"

_CURRENCY = r"(?:US\$|HK\$|NZ\$|C\$|A\$|\$|€|£|¥|₩|USD|EUR|GBP|MOP|JPY|CNY|KRW)"
_MAGNITUDE = (r"(?:%|per\s?cent\b|percent\b|pct\b|pc\b|million\b|billion\b|trillion\b|bn\b|mn\b"
              r"|bln\b|mln\b|億|亿|万|萬|兆|조|억|만|달러|ドル|元)")
# Never starting inside a run of digits and separators: one start per run keeps it linear.
_NUMBER = r"(?<![\w.,])(?<!\d[\u00a0\u202f])[-+\u2212]?\d(?:[\d,.\u00a0\u202f]*\d)?"
# "Jan 20 % change" in a table header: a month and a year, then the column's measure.
_AFTER_MONTH = "".join(f"(?<!{m} )" for m in (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "January", "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December"))
# "February 2024 % change", a table's column: a year, then the measure of its column.
_YEAR_MEASURE = re.compile(r"(?:19|20)\d\d\s?%")
# "N11,722.44 billion", "Sh860.87 billion": a currency letter glued to the number.
_GLUED = r"(?<![\w.,])[A-Z][A-Za-z]{0,3}\d(?:[\d,.\u00a0\u202f]*\d)?"
FIGURE_SHAPED = re.compile(
    rf"{_CURRENCY}\s?{_NUMBER}|{_AFTER_MONTH}{_NUMBER}\s?{_MAGNITUDE}|{_GLUED}\s?{_MAGNITUDE}")


def unaccounted(sentences: Sequence[str], spans: Iterable[Iterable[Span]],
                unplaced: Iterable[Unplaced]) -> list[Unplaced]:
    """Figure-shaped numbers of the sentences that neither a row nor an unplaced entry covers."""
    covered: dict[int, list[tuple[int, int]]] = {}
    for row in spans:
        for span in row:
            covered.setdefault(span.sentence, []).append((span.start, span.end))
    for u in unplaced:
        covered.setdefault(u.sentence, []).append((u.start, u.end))
    found = []
    for number, sentence in enumerate(sentences, start=1):
        taken = covered.get(number, [])
        for match in FIGURE_SHAPED.finditer(sentence):
            start, end = match.span()
            if _YEAR_MEASURE.fullmatch(match.group()):
                continue
            if not any(s < end and start < e for s, e in taken):
                found.append(Unplaced(number, match.group(), start, end, NOT_READ))
    return found
