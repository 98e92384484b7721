"""A spreadsheet cell as the reader sees it: the number its format prints, as text.

A workbook stores 0.037 and prints "3.7%"; it stores 71 and prints "71.0"; it stores -5.1 and
prints "(5.1)" or a red "5.1". The checks need the printed digits (they decide the interval) and
the true sign, so `number_text` renders a stored number under its Excel number format and gives
back plain text that reads as that printed number: "3.7", "71.0", "-5.1". It never goes through
a float's own decimals: the stored value's shortest repr is rounded half away from zero, as
Excel does, to the decimals the format shows.

Covered: General (as a column of the standard width shows it: at most 11 characters), fixed
decimals (`0.0`, `#,##0.00`, optional `#` and `?` decimals), `%` (x100 each), thousands
separators, trailing commas (/1000 each), scientific (`0.0E+00`), sections for negatives and
zero (`0.0;(0.0)`, `0.0;[Red]0.0`, `0.0;-0.0;"-"`), conditions (`[>=1000]0,"k";0`), quoted
text, escapes, colours, currency and locale tags. Dates become ISO periods (`2020`, `2020-12`,
`2020-12-31`) by the parts their format shows.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GENERAL_WIDTH = 11  # characters a General number may take in a column of the standard width

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[[^\]]*\]")
_CONDITION = re.compile(r"^\[(<=|>=|<>|<|>|=)\s*(-?[\d.]+)\]")
_DATE_TOKENS = re.compile(r"[ymdhs]")


def split_sections(number_format: str) -> list[str]:
    """The `;`-separated sections of a format, ignoring `;` inside quotes and brackets."""
    sections, current, quoted, bracket, escaped = [], [], False, False, False
    for ch in number_format:
        if escaped:
            current.append(ch)
            escaped = False
            continue
        if ch == "\\" and not quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and not quoted:
            bracket = False
        elif ch == ";" and not quoted and not bracket:
            sections.append("".join(current))
            current = []
            continue
        current.append(ch)
    sections.append("".join(current))
    return sections


def _condition(section: str) -> tuple[str, Decimal] | None:
    found = _CONDITION.match(section.strip())
    if found is None:
        return None
    try:
        return found[1], Decimal(found[2])
    except InvalidOperation:
        return None


def _holds(condition: tuple[str, Decimal], value: Decimal) -> bool:
    op, limit = condition
    return {"<": value < limit, "<=": value <= limit, ">": value > limit, ">=": value >= limit,
            "=": value == limit, "<>": value != limit}[op]


def _section_for(sections: list[str], value: Decimal) -> str:
    """The section Excel uses to print `value` (the sign comes from the value, not from here)."""
    numeric = sections[:3]  # a fourth section is for text
    conditions = [_condition(s) for s in numeric]
    if any(conditions):
        for section, condition in zip(numeric, conditions, strict=True):
            if condition is None or _holds(condition, value):
                return section
        return numeric[-1]
    if value < 0 and len(numeric) >= 2:
        return numeric[1]
    if value == 0 and len(numeric) >= 3:
        return numeric[2]
    return numeric[0]


def _bare(section: str) -> str:
    """The section without quoted text, escapes, colours, conditions and locale tags."""
    return _BRACKET.sub("", _QUOTED.sub("", section))


def is_general(number_format: str | None) -> bool:
    return not number_format or number_format.strip().lower() in ("general", "@", "")


def general_text(value: Decimal) -> str:
    """A number as Excel's General format prints it in a column of the standard width."""
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** GENERAL_WIDTH:
        return str(int(value))
    text = _plain(value)
    if len(text) <= GENERAL_WIDTH:
        return text
    whole = len(str(int(abs(value))))
    room = GENERAL_WIDTH - whole - 1 - (1 if value < 0 else 0)
    if whole > GENERAL_WIDTH - (1 if value < 0 else 0) or room < 1 or abs(value) < Decimal("1e-4"):
        return f"{float(value):.5E}".replace("E+0", "E+").replace("E-0", "E-")
    rounded = _round(value, room)
    text = _plain(rounded)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The stored number as its shortest decimal (what Excel's 15 digits hold)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value else Decimal("NaN")
    return Decimal(value)


def number_text(value: float | int | Decimal, number_format: str | None) -> str:
    """The printed number of a stored one under `number_format`, as plain readable text."""
    number = to_decimal(value)
    if not number.is_finite():
        return str(value)
    if is_general(number_format):
        return general_text(number)
    assert number_format is not None
    sections = split_sections(number_format)
    section = _section_for(sections, number)
    bare = _bare(section)
    placeholders = [i for i, ch in enumerate(bare) if ch in "0#?"]
    if not placeholders:
        # A section of text only, such as "-" for zero: the number it stands for.
        return "0" if number == 0 else general_text(number)
    if "/" in bare:
        return general_text(number)  # fractions (`# ?/?`) print no decimal digits to keep
    first, last = placeholders[0], placeholders[-1]
    body = bare[first:last + 1]
    after = bare[last + 1:]
    scale = Decimal(100) ** bare.count("%")
    scientific = re.search(r"[eE][+-]", body)
    mantissa = body[: scientific.start()] if scientific else body
    integer, _, fraction = mantissa.partition(".")
    # Commas right after the last integer digit (or the number's end) divide by 1000 each.
    thousands = len(integer) - len(integer.rstrip(","))
    if not scientific:  # `0.0,,"M"` prints millions
        thousands += len(after) - len(after.lstrip(","))
    scaled = abs(number) * scale / Decimal(1000) ** thousands
    shown = "".join(ch for ch in fraction if ch in "0#?")
    # `0` always prints a digit; `#` and `?` after the last `0` drop insignificant zeros.
    required = shown.rfind("0") + 1
    sign = "-" if number < 0 else ""
    if scientific:
        exponent = scaled.adjusted() if scaled else 0
        whole_digits = max(1, sum(1 for ch in integer if ch in "0#?"))
        exponent -= whole_digits - 1
        coefficient = scaled.scaleb(-exponent)
        digits = _digits(coefficient, len(shown), required)
        return f"{sign}{digits}E{exponent:+03d}"
    return sign + _digits(scaled, len(shown), required)


def _digits(value: Decimal, decimals: int, required: int) -> str:
    text = _plain(_round(value, decimals))
    if decimals > required:
        whole, _, frac = text.partition(".")
        frac = frac.rstrip("0")
        frac = frac + "0" * (required - len(frac)) if len(frac) < required else frac
        text = f"{whole}.{frac}" if frac else whole
    return text


def date_text(value: dt.datetime | dt.date | dt.time, number_format: str | None) -> str:
    """A date cell as the period it names: 2020, 2020-12 or 2020-12-31 by the parts shown."""
    if isinstance(value, dt.time):
        return value.isoformat()
    day = value.date() if isinstance(value, dt.datetime) else value
    bare = _bare(split_sections(number_format or "")[0]).lower()
    tokens = set(_DATE_TOKENS.findall(bare))
    if not tokens or tokens & {"d", "h", "s"}:
        return day.isoformat()
    if "m" in tokens:
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}"


def cell_text(value: object, number_format: str | None) -> str:
    """Any cell value as the text the checks read: numbers as printed, text as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return number_text(value, number_format)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return date_text(value, number_format)
    return str(value)
