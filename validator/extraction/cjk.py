"""Korean and Japanese amounts: "550억9000만 달러", "7兆2,927億円", with their printed precision.

An amount is a run of number + myriad unit (조/兆 10^12, 억/億 10^8, 만/万 10^4, optionally
천/千 10^3 before one of them) and a currency word (달러, ドル, 원, 円, ...). It is converted
exactly (decimal arithmetic) into the rules' unit of that currency whose scale fits it, keeping
the printed precision: the last significant printed digit ("9000만": the trailing zeros of a
whole number are not taken as significant, so the value is never claimed more precise than
printed). Periods and dates ("2023년 10월", "2023年5月") are read by `periods`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

MYRIADS = {"조": 12, "兆": 12, "억": 8, "億": 8, "만": 4, "万": 4}
THOUSANDS = {"천": 3, "千": 3}
CURRENCY_WORDS = {
    "달러": "USD", "ドル": "USD", "弗": "USD", "원": "KRW", "円": "JPY", "엔": "JPY",
    "위안": "CNY", "元": "CNY", "유로": "EUR", "ユーロ": "EUR", "파운드": "GBP", "ポンド": "GBP",
}  # fmt: skip
# △ (Korean) and ▲ (Japanese) before a number print a minus.
NEGATIVE_MARKS = "\\-△▲\u2212"

_PART = r"\d[\d,]*(?:\.\d+)?\s?[천千]?\s?[조兆억億만万]"
AMOUNT = re.compile(
    rf"(?<![\d.,])(?P<neg>[{NEGATIVE_MARKS}])?(?<![\d.,])(?P<parts>(?:{_PART}\s?)+)(?P<rest>\d[\d,]*(?:\.\d+)?\s?)?"
    rf"(?P<currency>{'|'.join(sorted(CURRENCY_WORDS, key=len, reverse=True))})"
)
_PART_RE = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<k>[천千])?\s?(?P<unit>[조兆억億만万])")


@dataclass(frozen=True)
class CjkAmount:
    start: int
    end: int
    value: Decimal  # in currency units
    exponent: int  # power of ten of the last significant printed digit
    currency: str


def _number(text: str) -> tuple[Decimal, int]:
    """The number and the power of ten of its last significant digit."""
    digits = text.replace(",", "")
    if "." in digits:
        return Decimal(digits), -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    return Decimal(digits), (len(digits) - len(stripped)) if stripped else 0


_MYRIAD_CHARS = re.compile(r"[조兆억億만万]")


def find_amounts(text: str) -> list[CjkAmount]:
    found: list[CjkAmount] = []
    if not _MYRIAD_CHARS.search(text):
        return found
    for m in AMOUNT.finditer(text):
        total = Decimal(0)
        exponent: int | None = None
        for part in _PART_RE.finditer(m.group("parts")):
            number, exp = _number(part.group("num"))
            scale = MYRIADS[part.group("unit")] + (3 if part.group("k") else 0)
            total += number.scaleb(scale)
            exponent = exp + scale if exponent is None else min(exponent, exp + scale)
        if m.group("rest"):
            number, exp = _number(m.group("rest").strip())
            total += number
            exponent = exp if exponent is None else min(exponent, exp)
        if m.group("neg"):
            total = -total
        found.append(
            CjkAmount(m.start(), m.end(), total, exponent or 0, CURRENCY_WORDS[m.group("currency")])
        )
    return found


def in_unit(amount: CjkAmount, units: Mapping[str, float], currency_of: Mapping[str, str]) -> (
    tuple[str, str] | None
):
    """(digits, unit code) in the rules' unit of the amount's currency that fits it, or None."""
    candidates = sorted(
        (scale, code) for code, scale in units.items() if currency_of.get(code) == amount.currency
    )
    if not candidates:
        return None
    fitting = [c for c in candidates if Decimal(repr(c[0])) <= abs(amount.value)]
    scale, code = fitting[-1] if fitting else candidates[0]
    multiplier = Decimal(repr(scale))
    value = amount.value / multiplier
    places = amount.exponent - multiplier.adjusted()
    quantum = Decimal(1).scaleb(min(places, 0))
    return format(value.quantize(quantum), "f"), code
