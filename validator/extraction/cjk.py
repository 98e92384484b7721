"""Korean, Japanese and Chinese amounts: "550억9000만 달러", "7兆2,927億円", "22.28万亿元", with
their printed precision.

An amount is a run of number + myriad unit (조/兆/万亿 10^12, 억/億/亿 10^8, 만/万/萬 10^4,
optionally 천/千 10^3 before one of them) and a currency word (달러, ドル, 원, 円, 元, ...). It is
converted exactly (decimal arithmetic) into the rules' unit of that currency whose scale fits
it, keeping the printed precision: the last significant printed digit ("9000만": the trailing
zeros of a whole number are not taken as significant, so the value is never claimed more
precise than printed). Periods and dates ("2023년 10월", "2023年5月") are read by `periods`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

MYRIADS = {
    "조": 12, "兆": 12, "万亿": 12, "萬億": 12, "万億": 12, "억": 8, "億": 8, "亿": 8, "만": 4,
    "万": 4, "萬": 4,
}  # fmt: skip
THOUSANDS = {"천": 3, "千": 3}
CURRENCY_WORDS = {
    "달러": "USD", "ドル": "USD", "弗": "USD", "원": "KRW", "円": "JPY", "엔": "JPY",
    "위안": "CNY", "유로": "EUR", "ユーロ": "EUR", "파운드": "GBP", "ポンド": "GBP",
    # Chinese: a named yuan-style currency, and the bare 元 (YUAN) whose currency the text or
    # the rules give ("9.9億元（澳門元，下同）": patacas here and below).
    "澳門元": "MOP", "澳门元": "MOP", "澳門幣": "MOP", "澳门币": "MOP", "港元": "HKD",
    "港幣": "HKD", "港币": "HKD", "新台幣": "TWD", "新臺幣": "TWD", "台幣": "TWD",
    "人民幣": "CNY", "人民币": "CNY", "美元": "USD", "歐元": "EUR", "欧元": "EUR", "日圓": "JPY",
    "日元": "JPY", "韓元": "KRW", "韩元": "KRW", "英鎊": "GBP", "英镑": "GBP", "元": "YUAN",
}  # fmt: skip
YUAN = "YUAN"
# "（澳門元，下同）" or "人民币" right after a bare 元 amount names its currency.
_YUAN_NAMED = re.compile(
    r"^\s*[（(]?\s*(?P<name>"
    + "|".join(sorted((w for w in CURRENCY_WORDS if w.endswith(("元", "幣", "币"))
                       and w != "元"), key=len, reverse=True))
    + ")"
)
# △ (Korean) and ▲ (Japanese) before a number print a minus.
NEGATIVE_MARKS = "\\-△▲\u2212"

_PART = r"\d[\d,]*(?:\.\d+)?\s?[천千]?\s?(?:万亿|萬億|万億|[조兆억億亿만万萬])"
AMOUNT = re.compile(
    rf"(?<![\d.,])(?P<neg>[{NEGATIVE_MARKS}])?(?<![\d.,])(?P<parts>(?:{_PART}\s?)+)(?P<rest>\d[\d,]*(?:\.\d+)?\s?)?"
    rf"(?P<currency>{'|'.join(sorted(CURRENCY_WORDS, key=len, reverse=True))})"
)
_PART_RE = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<k>[천千])?\s?(?P<unit>万亿|萬億|万億|[조兆억億亿만万萬])"
)


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


_MYRIAD_CHARS = re.compile(r"[조兆억億亿만万萬]")


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
        currency = CURRENCY_WORDS[m.group("currency")]
        if currency == YUAN and (named := _YUAN_NAMED.match(text[m.end():])):
            currency = CURRENCY_WORDS[named.group("name")]
        found.append(CjkAmount(m.start(), m.end(), total, exponent or 0, currency))
    return found


def in_unit(amount: CjkAmount, units: Mapping[str, float], currency_of: Mapping[str, str]) -> (
    tuple[str, str] | None
):
    """(digits, unit code) in the rules' unit of the amount's currency that fits it, or None.

    A bare 元 whose currency the text does not name is the rules' one currency, else CNY.
    """
    currency = amount.currency
    if currency == YUAN:
        listed = set(currency_of.values())
        currency = listed.pop() if len(listed) == 1 else "CNY"
    candidates = sorted(
        (scale, code) for code, scale in units.items() if currency_of.get(code) == currency
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
