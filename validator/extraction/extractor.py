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
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from validator.extraction import cjk
from validator.extraction.directions import (
    DIRECTION_RE,
    DOWN_WORDS,
    FORWARD_DIRECTION,
    UP_WORDS,
    is_down,
)
from validator.extraction.lexicon import (
    CURRENCY_PREFIXES,
    CURRENCY_WORDS,
    DOLLAR_CURRENCIES,
    Lexicon,
    normalize_prefix,
)
from validator.extraction.readers import read_release
from validator.extraction.sentences import split_paragraphs
from validator.extraction.tables import (
    CHANGE_HEADER,
    EMPTY_CELL,
    SHARE_HEADER,
    TextTable,
    cell_digits,
    find_tables,
    is_percent_cell,
)
from validator.model import Dimension, RuleSet
from validator.periods import (
    MONTH_NUMBERS,
    PeriodMention,
    detect_release_date,
    find_dates,
    find_periods,
    in_vocabulary,
    period_end,
    previous_period,
    reference_period,
    resolve,
    shift_year,
)

_CURRENCY_NAMES = CURRENCY_WORDS
# a rate, then the next of the list ("44.6%, 석유제품이 33.0% 증가", "5.1% and cars 3.2% higher")
_FIRST_OF_LIST = re.compile(
    r"\s*(?:,|and|과|와|、|，|和|及|與|与)\s*(?:[^\d%.,;]{1,15}\s*)?", re.IGNORECASE
)
_RESPECTIVELY = re.compile(r"respectively|각각|それぞれ|分別|分别|in\s+that\s+order", re.IGNORECASE)
_MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_SPANISH_MONTH_ABBREVIATIONS = {"ene": "Jan", "abr": "Apr", "ago": "Aug", "set": "Sep",
                                "dic": "Dec"}
_SPANISH_ABBREVIATIONS = "|".join(_SPANISH_MONTH_ABBREVIATIONS)


def _month_abbreviation(word: str) -> str:
    """'dic' -> 'Dec', 'nov' -> 'Nov' (a table header's month in English)."""
    lowered = word.lower()
    return _SPANISH_MONTH_ABBREVIATIONS.get(lowered, lowered.capitalize())


_SIGNS = "+-\u2212\u2013\u25b2\u25b3"
_SHARED_VERB_GAP = re.compile(
    r"\band\b|,|;|\bwhile\b|\bwhereas\b|과|와|、|，|；|和|及", re.IGNORECASE
)
_CLOCK_TIME = re.compile(r"(?<![\d.,])\d{1,2}:\d{2}(?![\d])(?:\s*[AaPp]\.?\s?[Mm]\b\.?)?")
UP = UP_WORDS
DOWN = DOWN_WORDS
_DIRECTION_RE = DIRECTION_RE
_YOY = r"(?:year-on-year|year-over-year|on-year|on\s+year|annual|y/y|yoy)"

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MINUS = r"[-\u2212\u2013]"
# A sign may be glued to the word before it in box text ("Billion-4.7%"), never to a digit.
_PERCENT = re.compile(
    r"(?:(?<![\d.,])(?P<sign>[-+\u2212\u2013\u25b3\u25b2])|(?<![0-9A-Za-z_.,\-+\u2212\u2013]))"
    r"(?P<num>\d+(?:\.\d+)?)(?:\s*(?:%|\uff05|percent(?![a-z])|per\s+cent\b|pct\b|(?-i:pc)\b)"
    # "fell 5.5 and 2.2 per cent": the first of a pair shares the unit of the second
    r"|(?<!(?<!\d)(?:19|20)\d\d)(?=\s*(?:,|and|or)\s*\d+(?:\.\d+)?\s*(?:%|percent\b|per\s+cent\b)))",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    w: n for n, w in enumerate([
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty"])
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90}
# "grew by three per cent", "rose twenty-five percent": a rate written in words.
_WORD_PERCENT = re.compile(
    rf"(?<![\w-])(?P<sign>)(?P<word>(?:{'|'.join(_TENS_WORDS)})(?:-(?:{'|'.join(list(_NUMBER_WORDS)[1:10])}))?"
    rf"|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})\s+(?:per\s*cent|percent)\b",
    re.IGNORECASE,
)


def _word_value(word: str) -> str:
    tens, _, units = word.lower().partition("-")
    return str(_TENS_WORDS.get(tens, _NUMBER_WORDS.get(tens, 0)) + _NUMBER_WORDS.get(units, 0))


_POINTS = re.compile(
    r"(?<![\w.,])\d+(?:\.\d+)?\s*(?:percentage\s+points?|pp\b|points?\b|puntos(?:\s+porcentuales)?\b)",
    re.IGNORECASE
)
# A number glued to a Chinese, Japanese or Korean word ("22.28万亿元" not read) is a number too.
_BARE_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9_.,\-\u2212$€£¥₩])(?:{_NUMBER})(?![A-Za-z0-9_\-]|[.,]\d)"
)

# Words around an amount that make it something other than a level of the figure named.
_DIFFERENCE_BEFORE = re.compile(
    rf"(?:\b(?:{UP}|{DOWN})\s+(?:by\s+)?|\bby\s+|\b(?:increase|decrease|rise|drop|decline|gain|fall)"
    r"\s+(?:in\s+[^,;()$]{1,50}?\s+)?of\s+(?:an?\s+)?"
    # "The fall in exports, US$1,767 million against September 2022, ..."
    r"|\b(?:increase|decrease|rise|drop|decline|gain|fall)\s+in\s+[^,;()$]{1,50}?,\s*)$",
    re.IGNORECASE,
)
# "$1.2 billion more than", "€298m (18%) higher", "€443m (5%) lower": a change in amount.
_DIFFERENCE_AFTER = re.compile(
    r"^\s*(?:(?:more|less|higher|lower)\s+than\b|\([^()]{1,25}\)\s*(?:more|less|higher|lower)\b"
    r"|(?:higher|lower)\b(?!\s+at\b)|(?:above|below)\s+(?:the|its|their|a)\b"
    # "US$593 million below September 2022", "$1.2 billion above 2019"
    r"|(?:above|below|under|over)\s+(?:(?:in|that\s+of)\s+)?(?:[A-Z][a-z]+\.?\s+)?(?:19|20)\d\d\b)",
    re.IGNORECASE,
)
# "in deficit by US$0.68 billion", "a surplus by $2 billion": the level, not a change.
_BALANCE_BY = re.compile(r"\b(?:deficit|surplus|in\s+the\s+(?:red|black))\s+by\s+$", re.IGNORECASE)
_RATE_COMPARED_BEFORE = re.compile(
    r"(?:%|\bper\s*cent|\bpercent|\bpct)\s+(?:(?:more|less|higher|lower|above|below)\s+than"
    r"|above|below)\s+(?:the\s+|an?\s+)?$",
    re.IGNORECASE,
)
# The words between a verb and its rate ("up nearly 65%", "grow by more than 10%").
_RATE_LEAD = re.compile(r"\s*(?:\bby\s*)?$")
# A clause of the sentence starts after these (the words a forecast word must share with a rate).
_CLAUSE_START = re.compile(r"[,;:(]|\b(?:while|whereas|but|and\s+(?=\w+\s+(?:rose|fell)))\b")
# The subject of a rate that is not a value: prices, volumes, unit values, indices.
_NOT_VALUE = re.compile(
    r"\b(?:prices?|volumes?|unit\s+values?|ind(?:ex|ices)|quantit(?:y|ies)|tonnage)\b"
    r"(?![^,;]*\bvalues?\b)",
    re.IGNORECASE,
)
_APPROXIMATE_BEFORE = re.compile(
    r"\b(?:about|around|near(?:ly)?|almost|approximately|roughly|some|close\s+to"
    r"|(?:just|slightly|a\s+little|marginally)\s+(?:under|over|above|below|more\s+than|less\s+than))"
    r"\s+$",
    re.IGNORECASE,
)
_THRESHOLD_BEFORE = re.compile(
    r"\b(?:surpass\w*|exceed\w*|top(?:ped|ping|s)?|pass(?:ed|ing)?|cross(?:ed|ing)?|above|over"
    r"|more\s+than|less\s+than|under|below|beyond|at\s+least|at\s+most)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "after a revised 1.6% fall (first reported as -1.4%)": the estimate the revision replaced.
_EARLIER_ESTIMATE = re.compile(
    r"\b(?:first|previously|initially|originally|earlier)\s+(?:reported|estimated|published|put)"
    r"(?:\s+(?:as|at))?\s*:?\s*$",
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
# "..., following a 6.9 percent drop in April, ...": a figure of the period before; the clause's
# period carries on past it.
_AFTER_FIGURE = re.compile(r"\b(?:after|following)\s+(?:an?\s+|the\s+)?(?:revised\s+)?$",
                           re.IGNORECASE)
# Between an amount and its own period: "in", "for 2019", "exports in" (Spanish "en", "de");
# "US dollars 3.5 billion at end May 2023".
_OWN_PERIOD_GAP = re.compile(
    r"\s*,?\s*(?:(?:[^\W\d]+\s+){0,2}(?:in|for|of|during|en|de|del|durante)\s+"
    r"|(?:at|as\s+at|by)\s+(?:the\s+)?end(?:\s+of)?\s+)?")
# Spanish "pasaron de US$3.980 millones en diciembre de 2017 a US$3.400 millones": the amount
# after "de" with another after "a" is the one compared with ("de" alone is "of").
_DE_BEFORE = re.compile(r"\b(?:de|desde)\s+$", re.IGNORECASE)
_A_AFTER = re.compile(
    r"(?:\s+(?:en|de|del|durante)\s+[^,;()]{1,30}?)?\s+(?:a|hasta)\s+(?:los\s+|las\s+)?"
    r"(?=[^\d\s]{0,4}\s?\d)", re.IGNORECASE)
# A release in Spanish and others write "14,6%" and "US$3.980 millones".
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d{1,3},\d{1,2}\s?%|(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d")
_DECIMAL_POINT = re.compile(r"(?<![\d.,])\d{1,3}\.\d{1,2}\s?%|\d,\d{3}\.\d")
_LOCAL_NUMBER = re.compile(
    r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.,]?\d)|(?<![\d.,])\d+,\d+(?![\d.,]?\d)"
)


def decimal_comma(text: str) -> bool:
    """True when the text writes decimals with a comma ("14,6%", "3.192,3") and never with a
    point before a % ("14.6%"): then "US$3.980 millones" is 3980."""
    return bool(_DECIMAL_COMMA.search(text)) and not _DECIMAL_POINT.search(text)


def _with_decimal_points(text: str) -> str:
    """The same text, of the same length, with "3.192,3" written "3\u202f192.3" and "14,6"
    written "14.6"; every position stays where it was."""
    return _LOCAL_NUMBER.sub(
        lambda m: m.group().replace(".", "\u202f").replace(",", "."), text)


_AMOUNT_WAS = re.compile(r"\s+(?:were|was|is|are|stood)\s+(?:thus\s+)?", re.IGNORECASE)
_COMPARATIVE_AFTER = re.compile(
    r"\s*(?:more|less|higher|lower|above|below|larger|smaller|bigger|greater)\b", re.IGNORECASE
)
# between two rates of one list: "4.1% and imports by 1.9%"
_RATE_LIST_GAP = re.compile(r"\s*(?:,|and|or|,\s*and)\s+[^,;%\d]{0,30}", re.IGNORECASE)
# after a share, the next of its list: "40 percent of October's imports and consumer goods 19"
_SHARE_LIST_GAP = re.compile(r"[^;%\d.]{0,40}?(?:,|\band\b)\s*[^,;%\d]{0,30}", re.IGNORECASE)
# "grew 11.6% at an annual rate to USD 28,403 million": the amount a rate went to.
_WENT_TO = re.compile(r"[^,;%\d]{0,30}?\bto\s+(?:an?\s+)?", re.IGNORECASE)
# ... and in Spanish: "una caída de 50,9 %, al pasar de US$124,1 millones en enero de 2017 a ..."
_FROM_GAP = re.compile(r"\s+from\s+(?:an?\s+|the\s+)?"
                       r"|,?\s+(?:(?:al\s+pasar|pasando|pas(?:ó|aron))\s+)?(?:de|desde)\s+",
                       re.IGNORECASE)
_TO_GAP = re.compile(r"(?:\s+(?:FOB|CIF)\b)?\s*"
                     r"(?:,?\s*(?:in|for|of|during|en|durante)\s+[^,;%]{1,30}?)?,?\s+(?:to|a|hasta)"
                     r"\s+(?:an?\s+)?",
                     re.IGNORECASE)
_COMPARED_BELOW = re.compile(
    r"\b(?:is|was|were|are|stood|came\s+in)\s+(?:well\s+|slightly\s+)?(?:above|below|under|over)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "Between August and September 2022 exports rose by ...": a change on the month before.
_ADJACENT_MONTHS = re.compile(
    r"\b(?:[Bb]etween|[Ff]rom)\s+(?P<m1>[A-Z][a-z]+)\.?(?:\s+\d{4})?\s+(?:and|to)\s+(?P<m2>[A-Z][a-z]+)"
)
# "results from exports of R191.56 billion": the noun right before "of" + amount names it.
_NOUN_OF_AMOUNT = re.compile(
    r"\s+(?:of|at|worth|totall?ing|amounting\s+to|valued\s+at)\s+(?:an?\s+|the\s+)?",
    re.IGNORECASE,
)
# "比去年同期的986.3億元" (than the same period last year's ...): compared with, in Chinese.
_COMPARED_AMOUNT = re.compile(r"\b(?:from|than|above|below)\s+(?:the\s+|an?\s+)?$"
                              r"|(?:較|较|比|相比)[^，,。；;\d]{0,15}$", re.IGNORECASE)
# "11.73 percent more than the US$13.61 billion of July": the period a rate is measured against.
_RATE_BASE_AMOUNT = re.compile(
    # "a 93 percent jump from the $349.44 million exported in February 2023"
    r"\s*(?:(?:jump|rise|increase|gain|growth|drop|fall|decline|decrease)\s+)?"
    r"(?:(?:more|less|higher|lower|above|below)\s+than|above|below|from)\s+(?:the\s+)?"
    # "7.8% less than the value (₦4,359.5 billion, revised) recorded in the preceding quarter"
    r"(?:\([^()]{0,40}\)|[^,;%()]){0,60}?"
    r"\s+(?:of|in)\s+$",
    re.IGNORECASE,
)
_COMPARISON_IN = re.compile(
    r"\b(?:compared\s+(?:to|with)|versus|against)\b|\bfrom\s+(?:an?\s+)?$", re.IGNORECASE
)
# The verbs that introduce a share ("accounted for", "made up"), before a rate or an amount.
_SHARE_VERBS = (r"account(?:ed|ing|s)?\s+for|share\s+of|making\s+up|made\s+up|represent\w*"
                # Spanish: participó con, pesaron, representaron el, una participación de
                r"|particip(?:ó|aron|a|an)\s+con|pes(?:ó|aron|a|an)|participación\s+de")
_SHARE_BEFORE = re.compile(
    rf"\b(?:{_SHARE_VERBS})\s+(?:an?\s+|el\s+|un\s+)?$"
    # "占我国外贸总值的13.8%" (13.8% of the total), "비중은 20.1%"
    r"|[占佔][^，,。；;%\d]{0,20}$|比重[^，,。；;%\d]{0,6}$|비중[^,.;%\d]{0,6}$",
    re.IGNORECASE,
)
# "Outbound goods made up USD5.79 billion (38.4%) of that total": the share of that amount.
_SHARE_OF_AMOUNT = re.compile(
    rf"\b(?:{_SHARE_VERBS}|makes?\s+up|comprising)\s+[^,;()%]{{1,40}}\(\s*$",
    re.IGNORECASE,
)
# Counts and days in Chinese, Japanese and Korean ("5년 7개월 만에", "1년 전보다", "12日公布",
# "3か月連続"): durations and dates, not numbers of the release.
_CJK_COUNT = re.compile(
    r"(?<![\d.,前首])\d{1,3}\s?(?:개월|개|个月|個月|か月|ヶ月|カ月|"
    r"[년年](?=\s?(?:\d{1,2}\s?(?:개월|个月|個月|か月)|만에|전|간|연속|째|ぶり|前|間|連続|来|以来))"
    r")|(?<![\d.,월月])(?<![월月]\s)\d{1,2}\s?[日일](?!\s?\d)"
)
# "The shekel gained 0.7 percent against the dollar": a change of an exchange rate.
_EXCHANGE_RATE_AFTER = re.compile(
    r"^\s*(?:on\s+average\s+)?(?:against|versus|vs\.?|relative\s+to)\s+(?:the\s+)?"
    r"(?:(?:US|U\.S\.|American|Japanese|Swiss|Chinese)\s+)?(?:dollar|euro|yen|pound|sterling|franc"
    r"|yuan|renminbi|won|rupee|currenc(?:y|ies)|greenback)",
    re.IGNORECASE,
)
# "Table 1.", "Figure 2", "Chart 3a": numbers of the page's furniture, not of the release.
_FURNITURE_NUMBER = re.compile(r"\b(?:Table|Figure|Chart|Graph|Box|Annex)\s+\d+[a-z]?(?:\.\d+)*\b")
_VARIATION_BEFORE = re.compile(r"\bvariaci[oó]n(?:\s+anual)?\s+de(?:l)?\s+$", re.IGNORECASE)
# after a share, the total it is a share of ("54,6% del valor total", "11.51% of total exports")
_SHARE_DENOMINATOR = re.compile(
    r"\s*(?:of|del|de)\s+(?:(?:the|la|las|los|el)\s+)?(?:valor\s+)?", re.IGNORECASE)
# "the value (₦4,359.5 billion, revised) recorded in the preceding quarter": the amount's period
_PAREN_RECORDED_IN = re.compile(
    r"\s*(?:,\s*(?:revised|provisional|preliminary|estimated))?\s*\)\s*"
    r"(?:recorded|registered|reported|posted|seen)\s+(?:in|for|during)\s+", re.IGNORECASE)
# "... of total exports", "... of the total": the sentence's rates are shares of a total
_SHARE_LATER = re.compile(r"^[^;]*?\bof\s+(?:the\s+)?(?:total|all|overall)\b", re.IGNORECASE)
_SHARE_AFTER = re.compile(r"^\s*(?:of\s+(?:the\s+)?(?:total|all|overall)|share"
                          r"|del\s+(?:valor\s+)?total)\b", re.IGNORECASE)
# A rate measured against the period before ("1.9% on month", "4.80 percent month on month",
# "5.1% higher than in the preceding three months", "(mom)").
_PREVIOUS_PERIOD = (
    r"(?:the\s+)?(?:previous|prior|preceding|last)\s+(?:month|quarter|(?:three|3)\s+months)"
    r"|the\s+(?:month|quarter|(?:three|3)\s+months)\s+before"
)
_PREVIOUS_MONTH_AFTER = re.compile(
    rf"^\s*\)?\s*(?:(?:{UP_WORDS}|{DOWN_WORDS}|more|less)\s+)?(?:(?:from|over|on|than|against)"
    rf"(?:\s+in)?\s+(?:{_PREVIOUS_PERIOD})"
    r"|\(?(?:month|quarter)[-\s]+(?:on|over|to)[-\s]+(?:month|quarter)\b|m/m|q/q|m-o-m|q-o-q"
    r"|\(?mom\)?(?!\w)|\(?qoq\)?(?!\w)|from\s+a\s+(?:month|quarter)\s+(?:earlier|before|ago)"
    r"|on\s+(?:the\s+)?(?:month|quarter)\b)",
    re.IGNORECASE,
)
# A sentence whose rates are all measured against the period before: "Set against the three
# months before, ... rose 4%", "Compared with the previous month, ..."
_PREVIOUS_PERIOD_BASE = re.compile(
    rf"\b(?:against|compared\s+(?:to|with)|than|over|on|from)\s+(?:in\s+)?"
    r"(?:the\s+(?:value|level|amount|figure)s?\s+(?:of|in|for)\s+)?"
    rf"(?:{_PREVIOUS_PERIOD})"
    r"|\b(?:month|quarter)[-\s]+on[-\s]+(?:month|quarter)\b",
    re.IGNORECASE,
)
_YEAR_BASE = re.compile(
    rf"\b{_YOY}|\b(?:a|the)\s+year\s+(?:earlier|before|ago)|same\s+(?:month|period|quarter)",
    re.IGNORECASE,
)
_RATE_THEN_AMOUNT = re.compile(
    rf"^\s*\)?\s*(?:(?:{_YOY}|growth|increase|rise|gain|jump|decline|decrease|drop|fall"
    r"|contraction|expansion|higher|lower|up|down)\s+)*(?:(?:from|over|on|compared\s+(?:to|with))\s+"
    r"(?:the\s+same\s+\w+\s+(?:of\s+)?)?(?:a\s+year\s+(?:earlier|ago|before)|last\s+year"
    r"|the\s+(?:previous|prior)\s+year|the\s+year)\s*)?,?\s*"
    r"(?:to(?:\s+reach)?|reaching|totall?ing|at)\s+(?:a\s+)?(?:record(?:\s+high)?(?:\s+of)?\s+)?$"
    r"|^\s*(?:증가한|감소한|늘어난|줄어든|상승한|하락한|増の|減の)\s*$",
    re.IGNORECASE,
)
# "$Y, up X%", "$Y (+X%)", "Re-exports (MOP985 million) climbed 18.2%": an amount, its rate.
_AMOUNT_THEN_RATE = re.compile(
    rf"^\s*(?:[,(\u00b7/，（]\s*(?:(?:which|that)\s+(?:was|is|were)\s+)?(?:an?\s+)?(?:(?:{UP}|{DOWN})\s+(?:by\s+|of\s+)?)?"
    rf"|\)?\s*(?:{UP}|{DOWN})\s+(?:by\s+)?"
    # Korean "수출(570억달러)은 전년 동기 대비 7.6% 늘었고", "수출은 570억달러로 1년 전보다 7.6%"
    r"|\)?\s*(?:으로|[은는이가로])\s*(?:(?:전년\s?(?:동월|동기|같은\s?(?:달|기간))|전월|1년\s?전"
    r"|(?:지난해|작년)\s?같은\s?(?:달|기간))\s*(?:대비|보다|에\s?비해)\s*)?)$",
    re.IGNORECASE,
)
_FORWARD_DIRECTION = FORWARD_DIRECTION
# ... and in Spanish: "el crecimiento de 17,4% de combustibles"
_ATTACH_PREPOSITION = re.compile(
    r"\s*(?:worth\s+)?(?:(?:in|of|to|from)\s+(?:the\s+)?|(?:de|del|en)\s+(?:(?:el|la|los|las)\s+)?)",
    re.IGNORECASE)
# "The agency put the fall down to lower values for several goods, such as ...", "The decline
# was due to ...": a sentence explaining the change the one before stated continues its subject
_ANAPHORIC_CHANGE = re.compile(
    r"\b(?:the|this|that)\s+(?:fall|decline|drop|rise|increase|decrease|growth|improvement"
    r"|deterioration|contraction|slump|jump|surge|gain|expansion|narrowing|widening|reduction)\b"
    r"(?!\s+(?:in|of)\b)"
    r"|\b(?:la|esta|dicha)\s+(?:caída|baja|disminución|reducción|contracción|mejora)\b"
    r"|\b(?:el|este|dicho)\s+(?:alza|aumento|incremento|repunte|crecimiento|avance|descenso"
    r"|retroceso)\b(?!\s+(?:de|del|en)\b)",
    re.IGNORECASE)
# "algo menos que en igual mes del año pasado, cuando alcanzaron US$3.332 millones", "below the
# same month last year, when they reached $3.3 billion": the amount of the period compared with
_WHEN_CLAUSE = re.compile(r"\s*,?\s*(?:cuando|when)\s+(?:[^\W\d]+\s+){0,3}", re.IGNORECASE)
_BALANCE_WORD = re.compile(r"\b(?:surplus|deficit|balance|superávit|déficit|saldo)\b",
                           re.IGNORECASE)
_WITH_PARTNER = re.compile(r"\s*(?:with|con)\s+(?:the\s+|el\s+|la\s+)?", re.IGNORECASE)
# Korean and Japanese put the name after the amount: "16억4000만 달러 흑자", "1兆円の赤字".
# Up to two words between an attributive amount and its noun, none of them a conjunction.
_NOUN_GAP = re.compile(r"\s+(?:(?!(?:and|or|but|while|whereas)\b)[A-Za-z-]+\s+){0,2}")
_ATTACH_CJK = re.compile(r"\s*の?\s*")
_CJK_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# A sentence opening like this continues the subject of the one before.
_CONTINUATION = re.compile(
    r"^(?:(?:However|Meanwhile|Also|In\s+addition|Additionally|By\s+contrast|In\s+contrast"
    r"|On\s+the\s+other\s+hand|At\s+the\s+same\s+time|Similarly|Likewise|Still|But|And),?\s+)?"
    r"(?:Those|These|This|That|It|Its|They|Their|The\s+latter|The\s+former|Shipments|Increases"
    r"|Decreases|Gains|Declines|Growth"
    # Spanish: "Ese grupo participó con ...", "Estas ventas ..."
    r"|Es[ea]s?|Est[ea]s?|Estos|Dich[oa]s?)\b",
    re.IGNORECASE,
)


CONVERSION = "the same amount in another currency"
NO_OWN_PERIOD = "comparison amount without its own period"
# What a comparison amount without a period of its own is compared with, once the text has
# compared with a year before and still speaks of the same kind of period.
YEAR_BEFORE = PeriodMention(0, 0, "", None, "year_before")
# Numbers that are not figures of the release at all: nothing was left unread by skipping them.
EARLIER_ESTIMATE = "an earlier estimate, since revised"
NOT_A_FIGURE = frozenset({"threshold, not a level", "forecast or target", CONVERSION,
                          EARLIER_ESTIMATE})


@dataclass(frozen=True)
class Unplaced:
    """A number found in the text that did not become a row, and why."""

    sentence: int
    text: str
    start: int
    end: int
    reason: str

    @property
    def counted(self) -> bool:
        """True for a number of the release that was not read (a threshold or forecast is not)."""
        return self.reason not in NOT_A_FIGURE


@dataclass(frozen=True)
class StatedChange:
    """A % change as one sentence states it, signed by its direction word."""

    sentence: int
    key: tuple[str, ...]
    change: str


@dataclass(frozen=True)
class Span:
    """Where a figure's value or % change is written: characters start..end of a sentence."""

    sentence: int
    start: int
    end: int
    measure: str  # "value" or "change"


@dataclass
class Extraction:
    table: pd.DataFrame
    unplaced: list[Unplaced]
    release_date: datetime.date | None
    sentences: list[str] = field(default_factory=list)
    changes: list[StatedChange] = field(default_factory=list)
    numbers_read: int = 0  # amounts and rates of the text that became (part of) a row
    spans: list[list[Span]] = field(default_factory=list)  # per row of `table`
    # The sentence numbers of each paragraph, in reading order, and whether it is a table.
    paragraphs: list[tuple[list[int], bool]] = field(default_factory=list)

    @property
    def numbers_unread(self) -> int:
        return sum(1 for u in self.unplaced if u.counted)


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
    rate_before_from: bool = False  # "rose 5% from $A to $B": (B, 5%) starts at B

    @property
    def start(self) -> int:
        if self.rate_before_from and self.amount is not None:
            return self.amount.start
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
    spans: list[Span] = field(default_factory=list)


_Context = dict[str, tuple[str, bool]]  # dimension -> (code, named by a negative alias)


def _adjacent_months(text: str) -> bool:
    """ "between August and September", "from May 2023 to June 2023": consecutive months."""
    for m in _ADJACENT_MONTHS.finditer(text):
        first = MONTH_NUMBERS.get(m.group("m1").lower())
        last = MONTH_NUMBERS.get(m.group("m2").lower())
        if first and last and last % 12 == (first + 1) % 12:
            return True
    return False


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _words_pattern(words: Iterable[str]) -> str:
    """An alternation of phrases, longest first, with any spacing between their words."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s*".join(map(re.escape, w.split())) for w in ordered)


class _Scanner:
    """Compiled patterns for one lexicon."""

    def __init__(self, lexicon: Lexicon, decimal_comma: bool = False) -> None:
        self.lexicon = lexicon
        self.decimal_comma = decimal_comma  # the release writes 14,6% and US$3.980 millones
        prefixes = _words_pattern(lexicon.prefix_words())
        suffixes = _words_pattern(lexicon.suffix_words())
        # "from $7.7 to $8.3 billion", "de US$7.710 a US$8.324 millones": the first amount of a
        # pair shares the scale of the second
        self.shared_scale = re.compile(
            rf"\s*(?:to|and|a|y|-|\u2013)\s*(?:{prefixes})?\s?{_MINUS}?\s?(?:{_NUMBER})\s?"
            rf"(?P<suf>{suffixes})(?![\w$])",
            re.IGNORECASE,
        )
        self.amount = re.compile(
            # never from inside a number ("N11,722.44" is not 722.44 when N is not read)
            rf"(?<![\w$€£¥₩])(?<!\d\.)(?<!\d,)(?:(?P<m0>{_MINUS})\s*)?(?:(?P<pre>{prefixes})\s?(?P<m1>{_MINUS})?\s?"
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
        """Amounts in reading order; the second list holds (start, end, reason) of the others."""
        found: list[_Amount] = []
        unknown: list[tuple[int, int, str]] = []
        printed: list[tuple[int, int, str | None, str]] = []  # start, end, currency, digits/unit
        for c in cjk.find_amounts(text):
            if _overlaps(c.start, c.end, masked):
                continue
            converted = cjk.in_unit(c, self.lexicon.unit_scales, self._currencies)
            if converted is None:
                unknown.append((c.start, c.end, "unit not in the rules: "
                               + ("CNY" if c.currency == cjk.YUAN else c.currency)))
                continue
            found.append(_Amount(c.start, c.end, converted[0], converted[1]))
        taken = [*masked, *((a.start, a.end) for a in found), *((u[0], u[1]) for u in unknown)]
        currency: str | None = None
        last_end = -1
        last_prefix = ""
        for m in self.amount.finditer(text):
            if _overlaps(m.start(), m.end(), taken):
                continue
            prefix = m.group("pre") or ""
            suffix = m.group("suf1") or m.group("suf2") or ""
            number = re.sub(r"[,\s\u00a0\u202f]", "", m.group("num1") or m.group("num2"))
            negative = bool(m.group("m0") or m.group("m1"))
            unit = self.lexicon.unit_for(prefix, suffix, currency)
            if unit is None and prefix and not suffix and (
                    shared := self.shared_scale.match(text, m.end())):
                unit = self.lexicon.unit_for(prefix, shared.group("suf"), currency)
            own_currency = self._currency_printed(prefix, suffix) or (
                self.lexicon.currency_of(unit) if unit else None
            )
            # "694.4 billion yen ($5.9 billion)", "NZ$653 million ($509.91 million)": the same
            # amount restated in another currency.
            restated = last_end >= 0 and re.fullmatch(
                r"\s*\(\s*(?:about|around|or|approximately|roughly|US)?\s*",
                text[last_end : m.start()],
            )
            if restated and (
                (own_currency is not None and currency is not None and own_currency != currency)
                or (normalize_prefix(prefix) == "$" and last_prefix not in ("", "$"))
                or (last_prefix == "$" and normalize_prefix(prefix) not in ("", "$")
                    and own_currency not in DOLLAR_CURRENCIES)
            ):
                unknown.append((m.start(), m.end(), CONVERSION))
                continue
            if unit is None:
                unknown.append(
                    (m.start(), m.end(), f"unit not in the rules: {prefix} {suffix}".strip())
                )
                # "$3.48 billion (Sh410.4 billion)": what follows in parentheses restates it
                last_end, last_prefix, currency = m.end(), normalize_prefix(prefix), own_currency
                continue
            currency = own_currency or currency
            last_end = m.end()
            last_prefix = normalize_prefix(prefix)
            found.append(_Amount(m.start(), m.end(), ("-" if negative else "") + number, unit))
        printed.clear()
        return sorted(found, key=lambda a: a.start), unknown

    @property
    def _currencies(self) -> dict[str, str]:
        return {
            code: currency
            for code in self.lexicon.unit_scales
            if (currency := self.lexicon.currency_of(code)) is not None
        }

    @staticmethod
    def _currency_printed(prefix: str, suffix: str) -> str | None:
        key = normalize_prefix(prefix)
        if key and key != "$":
            for currency, forms in CURRENCY_PREFIXES.items():
                if key in {normalize_prefix(f) for f in forms}:
                    return currency
        words = suffix.lower()
        # the longest name wins: "Singapore dollars" is not the "dollars" of USD
        named = [
            (len(n), currency) for currency, names in _CURRENCY_NAMES.items() for n in names
            if re.search(rf"\b{re.escape(n.lower())}\b", words)
        ]
        return max(named)[1] if named else None

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


@functools.lru_cache(maxsize=64)
def _fiscal_year(code: str | None) -> bool:
    """A run of twelve months that does not start in January ("2016-07/2017-06")."""
    run = re.fullmatch(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", code or "")
    if run is None:
        return False
    first_year, first, last_year, last = map(int, run.groups())
    return first != 1 and (last_year * 12 + last) - (first_year * 12 + first) == 11


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


_DEFINITION_GAP = re.compile(r"\s+(?:plus|minus|less)\s+", re.IGNORECASE)


def _without_definitions(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Mentions less those of a definition ("Total trade, exports plus imports, ...")."""
    joined = {
        i + k for i in range(len(mentions) - 1)
        if mentions[i].dimension == mentions[i + 1].dimension
        and _DEFINITION_GAP.fullmatch(text[mentions[i].end : mentions[i + 1].start])
        for k in (0, 1)
    }
    return [m for i, m in enumerate(mentions) if i not in joined]


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
    # "(+4.0%)" reads as explicit too, with the sign glued inside the parenthesis.
    # "€298m (18%) higher": the comparative after the parenthesis is the rate's direction too.
    forward = _FORWARD_DIRECTION.match(re.sub(r"^\s*\)", "", sentence[rate_end : rate_end + 40]))
    if forward:
        return "-" if is_down(forward.group("word")) else ""
    before = list(_DIRECTION_RE.finditer(sentence[window_start:rate_start]))
    if before:
        return "-" if is_down(before[-1].group()) else ""
    return None


class _SentenceWork:
    """The tokens of one sentence and the reasons for numbers that are not figures."""

    def __init__(
        self, number: int, text: str, scanner: _Scanner, release: datetime.date | None,
        carried: PeriodMention | None = None,
    ) -> None:
        self.number = number
        # the relation of the release's last comparison with a named period ("a year earlier"),
        # for a comparison amount that names none
        self._carried = carried
        self.original = text  # as printed; `text` has its numbers written with a decimal point
        if scanner.decimal_comma:
            text = _with_decimal_points(text)
        self.text = text
        self.compared_de: set[int] = set()  # "de US$A a US$B": A is compared with
        self.unplaced: list[Unplaced] = []
        masked = [(m.start(), m.end()) for p in scanner.ignore for m in p.finditer(text)]
        masked += [(d.start, d.end) for d in find_dates(text)]
        masked += [(m.start(), m.end()) for m in _CLOCK_TIME.finditer(text)]
        masked += [(m.start(), m.end()) for m in _FURNITURE_NUMBER.finditer(text)]
        masked += [(m.start(), m.end()) for m in _CJK_COUNT.finditer(text)]
        amounts, unknown_units = scanner.amounts(text, masked)
        for start, end, reason in unknown_units:
            self._unplace(start, end, reason)
        # "$0.20 million (Shs730.47 million) in October 2021": parentheses that only restate the
        # amount before them in another currency; the amount's own period may follow them
        self.restated = {
            o: c for o, c in _paren_groups(text)
            if any(r == CONVERSION and o < s and e <= c for s, e, r in unknown_units)
            and not re.search(r"%|\d", re.sub(
                r"\s*(?:about|around|approximately|roughly|some|nearly|or)\s*", " ",
                text[o + 1 : min((s for s, _, r in unknown_units if o < s and r == CONVERSION),
                                 default=o + 1)]))
        }
        masked += [(s, e) for s, e, _ in unknown_units] + [(a.start, a.end) for a in amounts]
        points = [
            (m.start(), m.end())
            for m in _POINTS.finditer(text)
            if not _overlaps(m.start(), m.end(), masked)
        ]
        for start, end in points:
            self._unplace(start, end, "change in percentage points")
        masked += points
        percents = sorted(
            (m for pattern in (_PERCENT, _WORD_PERCENT) for m in pattern.finditer(text)
             if not _overlaps(m.start(), m.end(), masked)),
            key=lambda m: m.start())
        masked += [(m.start(), m.end()) for m in percents]
        self.periods = find_periods(text, release, masked)
        masked += [(p.start, p.end) for p in self.periods]
        self.mentions = _without_definitions(text, scanner.mentions(text, masked))
        masked += [(m.start, m.end) for m in self.mentions]
        for m in _BARE_NUMBER.finditer(text):
            if not _overlaps(m.start(), m.end(), masked):
                self._unplace(m.start(), m.end(), "number without a unit")

        # the period an earlier comparison amount of the sentence named, and the amounts compared
        # with that period by implication
        self._compared_period: PeriodMention | None = None
        self.implied: dict[int, PeriodMention] = {}
        self.implied_base: set[int] = set()  # of those, the amounts compared with a named base
        self.levels = [a for a in amounts if self._is_level(a)]
        self._previous_base = bool(
            (_PREVIOUS_PERIOD_BASE.search(text) or _adjacent_months(text))
            and not _YEAR_BASE.search(text)
        )
        self.rates: list[_Rate] = []
        self._signs: list[tuple[int, str]] = []  # (end, sign) of every rate whose sign is known
        self._share_in_parens = False  # a share was printed in parentheses after its amount
        self._share_end: int | None = None  # where the last share of the sentence ends
        for m in percents:
            previous_end = max(
                (
                    b
                    for b in [*(a.end for a in self.levels), *(p.end() for p in percents)]
                    if b <= m.start()
                ),
                default=0,
            )
            following = next((p for p in percents if p.start() >= m.end()), None)
            rate = self._rate(m, previous_end, following)
            if rate is not None:
                self.rates.append(rate)
        shares = [u.end for u in self.unplaced if u.reason == "share of a total, not a change"]
        self.mentions = [
            x for x in self.mentions
            if not any(e <= x.start and _SHARE_DENOMINATOR.fullmatch(text[e : x.start])
                       for e in shares)
        ]
        self.candidates = self._pair()

    def _unplace(self, start: int, end: int, reason: str) -> None:
        self.unplaced.append(Unplaced(self.number, self.original[start:end], start, end, reason))

    def _is_level(self, amount: _Amount) -> bool:
        before = self.text[max(0, amount.start - 60) : amount.start]
        after = self.text[amount.end : amount.end + 40]
        reason = ""
        if _EARLIER_ESTIMATE.search(before):
            reason = EARLIER_ESTIMATE
        elif (
            _DIFFERENCE_BEFORE.search(before) and not _BALANCE_BY.search(before)
        ) or _DIFFERENCE_AFTER.match(after):
            reason = "change in amount, not a level"
        elif _RATE_COMPARED_BEFORE.search(before):
            # "11.73 percent more than the US$13.61 billion of July": the amount compared with.
            if not self._own_period_after(amount.end):
                reason = self._implied_comparison(amount)
            else:
                self._compared_period = self._own_period_mention(amount.end)
        elif _APPROXIMATE_BEFORE.search(before):
            reason = "approximate amount"
        elif _COMPARED_BELOW.search(before) and self._own_period_after(amount.end):
            pass  # "is below the R21.82 billion surplus of September 2021": compared with
        elif _THRESHOLD_BEFORE.search(before) or _THRESHOLD_AFTER.match(after):
            reason = "threshold, not a level"
        elif _FORECAST_NEAR.search(" ".join(before.split()[-4:])):
            reason = "forecast or target"
        elif _COMPARISON_BEFORE.search(before) or (
                _DE_BEFORE.search(before) and _A_AFTER.match(self.text, amount.end)):
            if _DE_BEFORE.search(before):
                self.compared_de.add(amount.start)
            if not self._own_period_after(amount.end):
                reason = self._implied_comparison(amount)
            else:
                self._compared_period = self._own_period_mention(amount.end)
        if reason:
            self._unplace(amount.start, amount.end, reason)
        return not reason

    def _own_period_after(self, end: int) -> bool:
        return self._own_period_mention(end) is not None

    def past_restated(self, end: int) -> int:
        """Where the text after `end` goes on past parentheses restating the amount before."""
        opening = re.match(r"\s*\(", self.text[end:])
        if opening is not None and (close := self.restated.get(end + opening.end() - 1)):
            return close + 1
        return end

    def _own_period_mention(self, end: int) -> PeriodMention | None:
        end = self.past_restated(end)
        return next((
            p for p in self.periods
            if p.start >= end and not p.is_base
            and _OWN_PERIOD_GAP.fullmatch(self.text[end : p.start])
        ), None)

    def _implied_comparison(self, amount: _Amount) -> str:
        """'' when an earlier comparison of the sentence named the period compared with
        ("rose to $23.3 billion from $18.7 billion a year earlier, while imports climbed to
        $58.7 billion from $39.5 billion": that period), else the reason it is not a level."""
        compared = self._compared_period or self._carried
        # "comparing October 2021 with October 2022, receipts grew 21.8 per cent from $286.39
        # million to $348.82 million": the one period the sentence compares with
        bases = {p.text: p for p in self.periods if p.is_base and p.end <= amount.start}
        if compared is None and len(bases) == 1:
            compared = next(iter(bases.values()))
            self.implied_base.add(amount.start)
        if compared is None:
            return NO_OWN_PERIOD
        self.implied[amount.start] = compared
        return ""

    def _rate(
        self, m: re.Match[str], previous_end: int, following: re.Match[str] | None = None
    ) -> _Rate | None:
        before = self.text[max(0, m.start() - 60) : m.start()]
        after = self.text[m.end() : m.end() + 50]
        reason = ""
        sign = _rate_sign(self.text, m.start(), m.end(), previous_end, m.group("sign"))
        if sign is None and self._signs:
            # "3.1% on the month and 7.2% on the year", "exports by 7.6% and imports by 3.8%":
            # a second rate of a list shares the verb of the first.
            end, shared = self._signs[-1]
            # "grew 11.6% to USD 28,403 million and oil exports 24.1% to ...": the gap starts
            # after the amount the first rate went to
            went_to = next((a for a in self.levels if end <= a.start), None)
            if (went_to is not None and went_to.end <= m.start()
                    and _WENT_TO.fullmatch(self.text[end : went_to.start])):
                end = went_to.end
            gap = self.text[end : m.start()]
            if len(gap) <= 50 and _SHARED_VERB_GAP.search(gap) and not _DIRECTION_RE.search(gap):
                sign = shared
        if sign is None and following is not None and _FIRST_OF_LIST.fullmatch(
            self.text[m.end() : following.start()]
        ):
            # "각각 46.4%, 63.1% 늘었다", "44.6% and 33.0% higher": the verb after the list.
            sign = _rate_sign(self.text, following.start(), following.end(), m.end(),
                              following.group("sign"))
        if sign is None and _VARIATION_BEFORE.search(before):
            # "una variación de 0,1%": a change printed with its own sign, a rise without one
            sign = ""
        if sign is not None:
            self._signs.append((m.end(), sign))
        clause = _CLAUSE_START.split(self.text[max(0, m.start() - 200) : m.start()])[-1]
        in_paren_after_amount = bool(re.search(r"\(\s*$", before)) and any(
            a.end <= m.start() and re.fullmatch(r"\s*\(\s*", self.text[a.end : m.start()])
            for a in self.levels)
        if _EARLIER_ESTIMATE.search(before):
            reason = EARLIER_ESTIMATE
        elif (_SHARE_BEFORE.search(before) or _SHARE_AFTER.match(after)
                or _SHARE_OF_AMOUNT.search(before)
                # "... made up X (38.4%) of that total and inbound goods Y (61.6%)": the list
                # goes on
                or (in_paren_after_amount and self._share_in_parens)
                # "made up 40 percent of October's imports and consumer goods 19 percent"
                or (sign is None and self._share_end is not None
                    and (_SHARE_LIST_GAP.fullmatch(self.text[self._share_end : m.start()])
                         # "..., or 77.24% of the total, while ... N1,447.69 billion (22.76%)"
                         or in_paren_after_amount))
                # "N617.17 billion or 9.70%, N574.55 billion or 9.03% ... of total exports":
                # unsigned rates after their amounts, in a sentence of shares of a total
                or (sign is None and self._or_after_amount(m.start())
                    and _SHARE_LATER.search(self.text[m.end() :]))):
            reason = "share of a total, not a change"
            self._share_in_parens = self._share_in_parens or in_paren_after_amount
            self._share_end = m.end()
        elif _EXCHANGE_RATE_AFTER.match(after):
            reason = "change in an exchange rate, not in value"
        elif _NOT_VALUE.search(clause):
            # "Import prices were 3 percent higher", "import volumes rose by 1 percent"
            reason = "change in prices or volumes, not in value"
        elif _APPROXIMATE_BEFORE.search(_RATE_LEAD.sub(" ", before)):
            # "almost 22% more", "up nearly 65%": not the change as stated
            reason = "approximate change"
        elif _THRESHOLD_BEFORE.search(_RATE_LEAD.sub(" ", before)) or _FORECAST_NEAR.search(
            clause
        ):
            # "to grow by more than 10%", "growth seen above 10%", "expects ... to grow by 3%";
            # "contracted by over 30%" (a past change, no forecast word): approximate
            reason = "forecast or target" if (
                _FORECAST_NEAR.search(clause)
                or re.search(r"\b(?:to\s+[a-z]+|seen|sees?)\s+(?:by\s+)?\S*\s*\S*\s*$", before)
            ) else "approximate change"
        elif _PREVIOUS_MONTH_AFTER.match(after) or self._previous_base:
            reason = "change on the previous month or quarter"
        elif _FORECAST_NEAR.search(" ".join(before.split()[-4:] + after.split()[:2])):
            reason = "forecast or target"
        else:
            if sign is None:
                reason = "change without a direction word"
            else:
                number = m.group("num") if "num" in m.groupdict() else _word_value(m.group("word"))
                return _Rate(m.start(), m.end(), sign + number)
        self._unplace(m.start(), m.end(), reason)
        return None

    def _or_after_amount(self, start: int) -> bool:
        return any(a.end <= start and re.fullmatch(r"\s*,?\s*or\s+", self.text[a.end : start])
                   for a in self.levels)

    def _pair(self) -> list[_Candidate]:
        tokens: list[_Amount | _Rate] = sorted([*self.levels, *self.rates], key=lambda t: t.start)
        candidates: list[_Candidate] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            # "exports were X and imports Y, up respectively A% and B%": k amounts, then k rates.
            run = self._amounts_then_rates(tokens, i)
            if run:
                candidates += run
                i += 2 * len(run)
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            third = tokens[i + 2] if i + 2 < len(tokens) else None
            if (
                isinstance(token, _Rate)
                and isinstance(nxt, _Amount)
                and isinstance(third, _Amount)
                and _FROM_GAP.fullmatch(self.text[token.end : nxt.start])
                and _TO_GAP.fullmatch(self.text[nxt.end : third.start])
            ):
                # "grew by 5.4% from R818.59 billion in 2016 to R862.61 billion": the rate is
                # the change of the amount it went to
                candidates += [_Candidate(nxt, None), _Candidate(third, token, True)]
                i += 3
                continue
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
                and (
                    _AMOUNT_THEN_RATE.match(self.text[token.end : nxt.start])
                    # "Exports of R101.76 billion were 2.6% more than the R99.22 billion of ..."
                    or (_AMOUNT_WAS.fullmatch(self.text[token.end : nxt.start])
                        and _COMPARATIVE_AFTER.match(self.text[nxt.end :]))
                    # box text: "206.0 Billion-0.9%", a signed rate right after its amount
                    or (not self.text[token.end : nxt.start].strip()
                        and self.text[nxt.start : nxt.start + 1] in _SIGNS)
                )
            ):
                after = tokens[i + 2] if i + 2 < len(tokens) else None
                if not (isinstance(after, _Amount) and self._rate_then_amount(nxt, after)) and not (
                    # "A比去年同期的B增加3.9%": the rate after the amount compared with is A's
                    _COMPARED_AMOUNT.search(self.text[max(0, token.start - 20) : token.start])
                    and _CJK_TEXT.search(self.text[token.end : nxt.start])
                ):
                    candidates.append(_Candidate(token, nxt))
                    i += 2
                    continue
            if isinstance(token, _Amount):
                candidates.append(_Candidate(token, None))
            else:
                candidates.append(_Candidate(None, token))
            i += 1
        return candidates

    def _amounts_then_rates(
        self, tokens: list[_Amount | _Rate], i: int
    ) -> list[_Candidate]:
        k = 0
        while i + k < len(tokens) and isinstance(tokens[i + k], _Amount):
            k += 1
        if k < 2 or i + 2 * k > len(tokens):
            return []
        amounts = tokens[i : i + k]
        rates = tokens[i + k : i + 2 * k]
        if not all(isinstance(r, _Rate) for r in rates):
            return []
        if not _RESPECTIVELY.search(self.text[amounts[-1].end : rates[-1].end + 30]):
            return []
        return [
            _Candidate(a, r) for a, r in zip(amounts, rates, strict=True)
            if isinstance(a, _Amount) and isinstance(r, _Rate)
        ]

    def _rate_then_amount(self, rate: _Rate, amount: _Amount) -> bool:
        return _RATE_THEN_AMOUNT.match(self.text[rate.end : amount.start]) is not None


_CLAUSE_BREAK = re.compile(r"[,;:，；]|\b(?:because|while|whereas|as|after|but)\b", re.IGNORECASE)


def _nearest_clause(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Of several codes named, those of the clause nearest the figure; of a compound noun
    ("merchandise trade deficit"), its head (the last word)."""
    ordered = sorted(mentions, key=lambda m: m.start)
    start = 0
    for index in range(1, len(ordered)):
        if _CLAUSE_BREAK.search(text[ordered[index - 1].end : ordered[index].start]):
            start = index
    clause = ordered[start:]
    if len({m.code for m in clause}) > 1 and not text[clause[-2].end : clause[-1].start].strip():
        return clause[-1:]
    return clause


_LIST_GAP = re.compile(
    r"^\s*(?:,|;|and|,\s*and|&|as\s+well\s+as|과|와|및|、|，|和|及|與|与|,\s*respectively,?)\s*$",
    re.IGNORECASE
)
_MENTION_GAP = re.compile(
    r"^\s*(?:,|and|,\s*and|&|or|과|와|및|、|，|和|及|與|与)?\s*(?:(?:to|from|for|of|in)\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)


def _list_pairs(work: _SentenceWork) -> dict[int, _Mention]:
    """Candidates of a list ("X and Y") paired in order with a list of codes before them."""
    pairs: dict[int, _Mention] = {}
    cands = work.candidates
    text = work.text
    i = 0
    boundary = 0
    while i < len(cands):
        j = i
        while j + 1 < len(cands) and _LIST_GAP.match(
                _without_shares(work, cands[j].end, cands[j + 1].start)):
            j += 1
        count = j - i + 1
        if count >= 2:
            before = [m for m in work.mentions if boundary <= m.start < cands[i].start]
            by_dim: dict[str, list[_Mention]] = {}
            for m in before:
                by_dim.setdefault(m.dimension, []).append(m)
            for group in by_dim.values():
                run = _last_listed_run(text, group)
                if len({m.code for m in run}) == count == len(run):
                    pairs.update({i + n: m for n, m in enumerate(run)})
                    break
        boundary = cands[j].end
        i = j + 1
    return pairs


def _without_shares(work: _SentenceWork, start: int, end: int) -> str:
    """The text between two figures less the shares printed after the first ("N617.17 billion
    or 9.70%, N574.55 billion ..."), so a list of amounts with their shares is still a list."""
    gap = work.text[start:end]
    for u in work.unplaced:
        if u.reason == "share of a total, not a change" and start <= u.start and u.end <= end:
            lead = re.search(r"(?:\s*,?\s*or\s+|\s*\(\s*)$", work.text[start : u.start])
            first = u.start - len(lead.group()) if lead else u.start
            close = re.match(r"\s*\)", work.text[u.end : end])
            last = u.end + (len(close.group()) if close else 0)
            gap = gap[: first - start] + " " * (last - first) + gap[last - start :]
    return gap


def _last_listed_run(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """The last run of mentions joined only by list words ("EU countries and non-EU countries")."""
    run: list[_Mention] = []
    for m in mentions:
        if run and _MENTION_GAP.match(text[run[-1].end : m.start]):
            run.append(m)
        else:
            run = [m]
    return run


class _Placer:
    """Walks the sentences in order, carrying the subject and period the text is about."""

    def __init__(self, lexicon: Lexicon, release: datetime.date | None) -> None:
        self.lexicon = lexicon
        self.release = release
        self.time = lexicon.time_dimension
        self.previous: _Context = {}
        self.current_period: str | None = None
        self.reference: str | None = None  # the period the release is about
        self.carried: PeriodMention | None = None  # see YEAR_BEFORE
        self.rows: list[_Row] = []
        self.changes: list[StatedChange] = []
        self.unplaced: list[Unplaced] = []
        self.numbers_read = 0

    def _defaults(self) -> _Context:
        ctx: _Context = {}
        for dim in self.lexicon.dimensions:
            code = self.lexicon.default_code(dim.name)
            if code is not None:
                ctx[dim.name] = (code, False)
        return ctx

    def _period_of(
        self, mentions: list[PeriodMention], current: str | None = None
    ) -> str | None:
        """The period the last mention names ("a year earlier": of `current`, the period the
        clause is about)."""
        now = current or self.current_period
        codes = [resolve(p, now) for p in mentions if not p.is_base]
        return next((c for c in reversed(codes) if c is not None), None)

    def _unresolved_periods(self, mentions: list[PeriodMention]) -> list[str]:
        return [
            p.text for p in mentions if not p.is_base and resolve(p, self.current_period) is None
        ]

    def place(self, work: _SentenceWork) -> None:
        text = work.text
        # "rose by €241m (5%)": a rate in parentheses after an amount (placed or not) is that
        # amount's rate, not a breakdown of the sentence before.
        ends = [a.end for a in work.levels] + [u.end for u in work.unplaced]
        outside_figures = [
            c for c in work.candidates
            if (paren := self._paren_of(text, c)) is None
            or any(e <= paren and not text[e:paren].strip() for e in ends)
        ]
        continues = bool(_CONTINUATION.match(text)) or (
            bool(work.candidates) and not outside_figures
        ) or bool(work.candidates and _ANAPHORIC_CHANGE.search(text[: work.candidates[0].start]))
        main: _Context = dict(self.previous) if continues else self._defaults()
        if self.time:
            main.pop(self.time, None)
            if self.current_period:
                main[self.time] = (self.current_period, False)
        opening = dict(main)
        first_period: tuple[str, bool] | None = None
        paired = _list_pairs(work)
        used_codes: dict[str, set[str]] = {}

        boundary = 0
        ytd = next((code for p in work.periods if p.relative == "year_to_date"
                    if (code := resolve(p, self.current_period)) and "/" in code), None)
        compared_only = bool(work.candidates)
        figure_periods: set[str] = set()
        for index, cand in enumerate(work.candidates):
            following = (
                work.candidates[index + 1].start if index + 1 < len(work.candidates) else len(text)
            )
            attached, attached_end = self._attached_after(work, cand.end, following)
            past = work.past_restated(cand.end)
            trailing_periods = [
                p
                for p in work.periods
                if past <= p.start < following
                and (not re.search(r"[,;()，；（）]", text[past : p.start])
                     or _PAREN_RECORDED_IN.fullmatch(text[cand.end : p.start]))
            ]
            segment = [m for m in work.mentions if boundary <= m.start < cand.start]
            if index in paired:  # "A and B were X and Y (respectively)"
                pair = paired[index]
                segment = [m for m in segment if m.dimension != pair.dimension] + [pair]
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
                # a code tied to the amount ("a US$1.1bn trade surplus") outranks one of the
                # same dimension named earlier in the clause ("the foreign trade secretariat")
                tied = {m.dimension for m in attached}
                if cand.amount is not None:
                    # "results from exports of R191.56 billion": the noun right before the
                    # amount outranks others of its dimension named earlier
                    near = [m for m in segment if m.dimension not in tied
                            and _NOUN_OF_AMOUNT.fullmatch(text[m.end : cand.amount.start])]
                    if near:
                        segment = [m for m in segment
                                   if m.dimension != near[-1].dimension or m is near[-1]]
                own = [m for m in segment if m.dimension not in tied] + attached
                # "In April, the 10th month of fiscal 2016-17 (July 2016-June 2017), Bangladesh
                # shipped goods worth ...": a fiscal year spelt out in parentheses defines the
                # year; it is not the figure's period
                own_periods = [p for p in segment_periods
                               if not (_fiscal_year(p.code)
                                       and self._inside_any_paren(text, p.start))
                               ] + trailing_periods
            ctx = dict(main)
            problems += self._update(ctx, own, text=text)
            # "After a record $1.19 trillion in 2019, merchandise trade plunged ...": with nothing
            # named before it and no default, the figure's subject is the one named next.
            for dim in self.lexicon.dimensions:
                if dim.name not in ctx and not dim.is_time:
                    later = [m for m in work.mentions
                             if m.dimension == dim.name and cand.end <= m.start < following]
                    if later:
                        ctx[dim.name] = (later[0].code, later[0].negative)
            clause_period = main[self.time][0] if self.time and self.time in main else None
            period = self._period_of(own_periods, clause_period)
            if paren is not None and not period:
                # "5.2% more than in September 2018 (EUR 186.5 bn)": the amount of that period.
                base = [p for p in work.periods if p.is_base and p.end <= paren
                        and re.fullmatch(r"\s*", text[p.end : paren])]
                if base:
                    period = resolve(base[-1], clause_period)
            if (cand.amount is not None and (implied := work.implied.get(cand.amount.start))
                    and not any(not p.is_base for p in (
                        trailing_periods if cand.amount.start in work.implied_base
                        else own_periods))):
                period = resolve(implied, clause_period)
            elif cand.amount is not None and not period:
                # "比去年同期的986.3億元" (than the same period last year's 98.6 billion): the
                # period compared with, right before the amount, is the amount's own.
                base = [p for p in work.periods if p.is_base and p.end <= cand.amount.start
                        and re.fullmatch(r"\s*[的の의]\s*", text[p.end : cand.amount.start])]
                if base:
                    period = resolve(base[-1], clause_period)
            if cand.amount is not None and not any(
                    not p.is_base for p in trailing_periods if p in own_periods):
                # "... against the same month a year earlier, when they reached $3.3 billion"
                when = [p for p in work.periods if p.is_base and p.end <= cand.amount.start
                        and _WHEN_CLAUSE.fullmatch(text[p.end : cand.amount.start])]
                if when and (resolved := resolve(when[-1], clause_period)):
                    period = resolved
            if period and re.fullmatch(r"\d{4}", period) and ytd is not None:
                # "Year-to-date exports grew from R818.59 billion in 2016 to R862.61 billion
                # in 2017": the years of a year-to-date sentence are their year-to-date runs
                period = re.sub(r"\d{4}", period, ytd)
            if self.time and period:
                ctx[self.time] = (period, False)
            if self.time and self.time in ctx and cand.amount is None and cand.rate is not None:
                # "In February 2022 exports had been X, so exports rose by 12 percent on
                # February 2022": a rate measured against its clause's period is the change of
                # the year after.
                measured = self._base_of(work, cand.rate)
                if measured is not None and measured == ctx[self.time][0]:
                    ctx[self.time] = (shift_year(measured, 1), False)
            if self.time and not period and (missing := self._unresolved_periods(own_periods)):
                problems.append(f"period {missing[-1]!r} cannot be resolved without a release date")
            # "compared with a deficit of EUR 471.0 million in March 2023" is not what the text is
            # about next, so a comparison figure leaves the main clause as it was.
            # "fell 2.88 percent from US$13.88 billion in July to ...": the amount after "from"
            # is compared with, even when its rate comes first.
            compared = _COMPARISON_IN.search(text[boundary : cand.start]) or _AFTER_FIGURE.search(
                text[boundary : cand.start]
            ) or (
                cand.amount is not None
                and (_COMPARED_AMOUNT.search(text[boundary : cand.amount.start])
                     or cand.amount.start in work.compared_de)
            )
            compared_only = compared_only and bool(compared)
            if compared and cand.amount is not None and period and clause_period:
                # "Exports were up from Ksh 227.4 billion in the same quarter last year": later
                # amounts "from" no period are compared with a year before too
                self.carried = YEAR_BEFORE if period == shift_year(clause_period, -1) else None
            if self.time and self.time in ctx:
                figure_periods.add(ctx[self.time][0])
            if paren is None and not compared:
                main = dict(ctx)
                if first_period is None and self.time in ctx:
                    first_period = ctx[self.time]
            elif paren is None:
                # "widened from $732 million in December 2019 to ...": the codes named carry on,
                # the period compared with does not.
                kept = main.get(self.time) if self.time else None
                main = dict(ctx)
                if self.time:
                    main.pop(self.time, None)
                    if kept is not None:
                        main[self.time] = kept
            placed = self._without_monthly_rate(work, cand, ctx)
            shared = self._shared_rate_codes(work, cand, own, problems, boundary)
            if shared is not None and placed.rate is not None:
                # "exports and imports both decreased by 4 percent": one rate, one row per code
                shared_dim, shared_codes, rest = shared
                for code in shared_codes:
                    self._emit(work, placed, {**ctx, shared_dim: (code, False)}, list(rest))
                self.numbers_read -= len(shared_codes) - 1
            elif placed.amount is not None or placed.rate is not None:
                self._emit(work, placed, ctx, problems)
            for name, (code, _) in ctx.items():
                used_codes.setdefault(name, set()).add(code)
            used_trailing = [p.end for p in trailing_periods if p in own_periods and period]
            boundary = max(attached_end, cand.end, *used_trailing)
            if index + 1 < len(work.candidates) and work.candidates[index + 1].start < cand.end:
                # interleaved ("X and Y ... A% and B%, respectively"): the next figure's words
                # start after this amount
                boundary = cand.amount.end if cand.amount is not None else cand.start

        if not work.candidates and not work.unplaced:
            outside_parens = [m for m in work.mentions if not self._inside_any_paren(text, m.start)]
            self._update(main, outside_parens, strict=False)
            named = {c for p in work.periods if not p.is_base
                     if (c := resolve(p, self.current_period)) is not None}
            if self.time and len(named) == 1:
                main[self.time] = (named.pop(), False)
        if compared_only and self.time:
            # "the September 2017 surplus is smaller than the R7.01 billion surplus of September
            # 2016": the sentence is about the period it names that no figure of it is for
            unused = {c for p in work.periods if not p.is_base
                      if (c := resolve(p, self.current_period)) is not None} - figure_periods
            if len(unused) == 1:
                main[self.time] = (unused.pop(), False)
                used_codes.pop(self.time, None)
        # A list of figures for several codes ("chips ..., cars ...") names no single subject:
        # what the next sentence continues is what this one started from.
        for name, codes in used_codes.items():
            if len(codes) > 1 and name == self.time and first_period is not None:
                # "... 16.0 billion; in February 2022 it had been 10.7 billion": the sentence
                # is about the release's own period if it names it, else that of its first figure.
                main[name] = (self.reference, False) if self.reference in codes else first_period
            elif len(codes) > 1 and name == self.time and self.reference is not None:
                # "경상수지는 4월(-7억9000만달러)에서 5월(19억3000만달러) 흑자로 돌아섰고,
                # 6월(...)": months, each with its amount in parentheses, are a history; the
                # text goes back to the period the release is about
                main[name] = (self.reference, False)
            elif len(codes) > 1 and name != self.time:
                if name in opening:
                    main[name] = opening[name]
                else:
                    main.pop(name, None)
        self.previous = main
        if self.time and self.time in main:
            self.current_period = main[self.time][0]

    @staticmethod
    def _shared_rate_codes(
        work: _SentenceWork, cand: _Candidate, own: list[_Mention], problems: list[str],
        boundary: int,
    ) -> tuple[str, list[str], list[str]] | None:
        """(dimension, codes, other problems) when a lone rate is said of several codes at once
        ("both decreased by 4 percent", "rose 3% each")."""
        if cand.amount is not None or cand.rate is None:
            return None
        several = [p for p in problems if p.startswith("several ")]
        if len(several) != 1 or not (
            re.search(r"\bboth\b", work.text[boundary : cand.start], re.IGNORECASE)
            or re.match(r"\s*each\b", work.text[cand.end :], re.IGNORECASE)
        ):
            return None
        name = several[0].split()[1]
        codes = list(dict.fromkeys(m.code for m in own if m.dimension == name))
        if len(codes) < 2:
            return None
        return name, codes, [p for p in problems if p is not several[0]]

    def _base_of(self, work: _SentenceWork, rate: _Rate) -> str | None:
        """The period a rate is measured against: the first base after it, else the nearest
        before it, when no period the figure is for comes between."""
        for p in work.periods:
            if p.start < rate.end:
                continue
            if not p.is_base:
                break
            return resolve(p, self.current_period)
        for p in reversed(work.periods):
            if p.end > rate.start:
                continue
            if not p.is_base:
                return None
            return resolve(p, self.current_period)
        return None

    @staticmethod
    def _respective_base(
        work: _SentenceWork, rate: _Rate, bases: list[PeriodMention]
    ) -> PeriodMention | None:
        """'rose by 7.17% and 10.28% when set against the third quarter of 2022 (...) and the
        fourth quarter of 2021 (...) respectively': the k-th rate of a list against the k-th
        base after it."""
        rates = [c.rate for c in work.candidates if c.amount is None and c.rate is not None]
        if rate not in rates:
            return None
        index = rates.index(rate)
        first = last = index
        while first > 0 and _RATE_LIST_GAP.fullmatch(
                work.text[rates[first - 1].end : rates[first].start]):
            first -= 1
        while last + 1 < len(rates) and _RATE_LIST_GAP.fullmatch(
                work.text[rates[last].end : rates[last + 1].start]):
            last += 1
        if first == last:
            return None
        respectively = _RESPECTIVELY.search(work.text, rates[last].end)
        if respectively is None:
            return None
        listed = [p for p in bases if rates[last].end <= p.start < respectively.start()]
        if len(listed) != last - first + 1:
            return None
        return listed[index - first]

    def _without_monthly_rate(
        self, work: _SentenceWork, cand: _Candidate, ctx: _Context
    ) -> _Candidate:
        """A rate measured against the month (quarter) before is not the annual change.

        The base a rate is measured against is the one named right after it ("1.1% from May"),
        else the nearest one before it in the sentence ("On January 2023, exports rose 4.0%").
        """
        if cand.rate is None or not self.time or self.time not in ctx:
            return cand
        current = ctx[self.time][0]
        # Only a month or a quarter has a "previous period" whose change is not the annual one.
        before = previous_period(current) if re.fullmatch(r"\d{4}-(?:\d{2}|Q\d)", current) else None
        rate = cand.rate
        later = sorted((t for t in work.candidates if t.start > rate.end), key=lambda t: t.start)
        # "exports fell by 4.1% and imports by 1.9% against May 2019": the base after a list of
        # rates is that of each of them
        end = rate.end
        while later and later[0].amount is None and _RATE_LIST_GAP.fullmatch(
                work.text[end : later[0].start]):
            end = later.pop(0).end
        limit = later[0].start if later else len(work.text)
        bases = [p for p in work.periods if p.is_base]
        after = [p for p in bases if rate.end <= p.start < limit]
        earlier = [p for p in bases if p.end <= rate.start]
        base = after[0] if after else (earlier[-1] if earlier else None)
        paired = self._respective_base(work, rate, bases)
        if paired is not None:
            base = paired
        measured = resolve(base, self.current_period) if base is not None else None
        if base is None:
            compared = [
                p for p in work.periods
                if not p.is_base and rate.end <= p.start < limit + 80
                and _RATE_BASE_AMOUNT.fullmatch(work.text[rate.end : p.start])
            ]
            clause = self.current_period or ""
            if compared:
                measured = resolve(compared[0], self.current_period)
                # the amount compared with may be the month before the clause's period too
                if measured != before and re.fullmatch(r"\d{4}-(?:\d{2}|Q\d)", clause):
                    before = previous_period(clause)
        if before is None or measured is None or measured != before:
            return cand
        self.unplaced.append(
            Unplaced(work.number, work.original[rate.start : rate.end], rate.start, rate.end,
                     "change on the previous month or quarter")
        )
        return _Candidate(cand.amount, None)

    def place_table(self, table: TextTable, first_row: int, scanner: _Scanner) -> None:
        """Every number cell of a table as a figure; a % change column goes with the row's
        figure for the table's latest period."""
        headers = table.column_headers()
        table_unit = self._unit_in(table.note, scanner) or self._unit_in(headers[0], scanner)
        columns: list[tuple[str | None, str | None, list[_Mention], bool]] = []
        shares: set[int] = set()
        own_periods: dict[int, str | None] = {}  # a % change column naming one period
        yearly: set[str] = set()  # periods of a % change column on the year before
        on_previous: dict[int, str] = {}  # % change columns on the period before
        for j, header in enumerate(headers):
            if j and SHARE_HEADER.search(header):
                shares.add(j)
            # A table header writes "Mar 24" for March 2024, "dic-19" for December 2019.
            header = re.sub(rf"\b({_MONTH_ABBREVIATIONS}|{_SPANISH_ABBREVIATIONS})(?:\.?\s?|-)"
                            r"(\d{2})\b(?!\d)",
                            lambda m: f"{_month_abbreviation(m.group(1))} 20{m.group(2)}",
                            header, flags=re.IGNORECASE)
            periods = [
                p for p in find_periods(header, self.release, []) if not p.is_base
            ]
            period = next((c for p in periods if (c := resolve(p, self.current_period))), None)
            if len(periods) == 1 and CHANGE_HEADER.search(header):
                own_periods[j] = period
            elif len(periods) == 2 and CHANGE_HEADER.search(header):
                # "Change in per cent, February 2016 - February 2017": the change of the
                # second period's figure on a year before; "January 2017 - February 2017": on
                # the period before
                first, second = (resolve(p, self.current_period) for p in periods)
                if first and second and shift_year(first, 1) == second:
                    own_periods[j] = second
                    yearly.add(second)
                elif first and second and previous_period(second) == first:
                    own_periods[j] = second
                    on_previous[j] = second
            columns.append((period, self._unit_in(header, scanner) or table_unit,
                            scanner.mentions(header, []), bool(CHANGE_HEADER.search(header))))
        if columns and columns[0][0]:
            # "| January 2018, USD million | Value | Annual change (%) |": the period named
            # above the row labels is that of every column naming none
            corner = columns[0][0]
            columns = [columns[0], *((c[0] or corner, *c[1:]) for c in columns[1:])]
        dated = [(period_end(c[0]), j) for j, c in enumerate(columns)
                 if j and c[0] and not c[3]]
        latest = max(dated)[1] if dated else next(
            (j for j, c in enumerate(columns) if j and not c[3]), None)
        note_mentions = scanner.mentions(table.note, [])
        for offset, row in enumerate(table.rows):
            number = first_row + offset
            base = self._defaults()
            if self.time and self.current_period:
                base[self.time] = (self.current_period, False)
            self._update(base, note_mentions, strict=False)
            label = scanner.mentions(row.cells[0], []) if row.cells else []
            label_periods = find_periods(row.cells[0], self.release, []) if row.cells else []
            label_period = next(
                (c for p in label_periods if not p.is_base
                 if (c := resolve(p, self.current_period)) is not None), None)
            figures: dict[int, _Row] = {}
            changes: list[tuple[int, str]] = []
            for j, cell in enumerate(row.cells[1:], start=1):
                if j >= len(columns) or EMPTY_CELL.match(cell):
                    continue
                digits = cell_digits(cell)
                if not digits:
                    continue
                period, unit, mentions, is_change = columns[j]
                if j in shares or (not is_change and is_percent_cell(cell)):
                    self._unplace_cell(number, row.text, cell, "share of a total, not a change")
                    continue
                if is_change:
                    changes.append((j, digits))
                    continue
                ctx = dict(base)
                problems = self._update(ctx, mentions, strict=False) + self._update(ctx, label)
                if self.time and (period or label_period):
                    chosen = period or label_period or ""
                    month = MONTH_NUMBERS.get(row.cells[0].strip().rstrip(".").lower())
                    if period and month and re.fullmatch(r"\d{4}", period):
                        # a row "January" under a column "2021": January 2021
                        chosen = f"{period}-{month:02d}"
                    ctx[self.time] = (chosen, False)
                if unit is None:
                    problems.append("no unit for the table (name one in its caption or header)")
                key = self._key(ctx, problems)
                if key is None:
                    self._unplace_cell(number, row.text, cell, "; ".join(dict.fromkeys(problems)))
                    continue
                negative = any(neg for _, neg in ctx.values())
                value = digits
                if negative:  # a deficit printed as a positive amount
                    value = digits[1:] if digits.startswith("-") else "-" + digits
                figures[j] = _Row(key, value, unit or "", "", [number],
                                  [_cell_span(number, row.text, cell, "value")])
            for j, digits in changes:
                if on_previous.get(j) in yearly:
                    # the table gives the year-on-year change of that period too: this column
                    # is the change on the period before, not a figure of the schema
                    self._unplace_cell(number, row.text, row.cells[j],
                                       "change on the previous month or quarter")
                    continue
                # "Dec. % change", "Jan.-Dec. % change": the change of the figure of the period
                # its header names (the nearest such column before it), else of the latest.
                named = own_periods.get(j)
                own = [k for k in figures if k < j and named and columns[k][0] == named]
                own = own or [k for k in figures if named and columns[k][0] == named]
                column = own[-1] if own else latest
                target = figures.get(column) if column is not None else None
                if target is None:
                    self._unplace_cell(number, row.text, row.cells[j],
                                       "% change without a figure of the latest period")
                    continue
                target.change = digits
                target.spans.append(_cell_span(number, row.text, row.cells[j], "change"))
            for new in figures.values():
                self.numbers_read += 1 + bool(new.change)
                if new.change:
                    self.changes.append(StatedChange(number, new.key, new.change))
                self._add_row(new)

    def _key(self, ctx: _Context, problems: list[str]) -> tuple[str, ...] | None:
        for dim in self.lexicon.dimensions:
            if dim.name not in ctx:
                problems.append(f"no {dim.name} named and no default")
        if problems:
            return None
        return tuple(in_vocabulary(ctx[d.name][0], d.codes) if d.is_time else ctx[d.name][0]
                     for d in self.lexicon.dimensions)

    def _unplace_cell(self, number: int, line: str, cell: str, reason: str) -> None:
        span = _cell_span(number, line, cell, "")
        self.unplaced.append(Unplaced(number, cell, span.start, span.end, reason))

    def _unit_in(self, text: str, scanner: _Scanner) -> str | None:
        """The unit a caption or header names: "EUR billion", "$m", "(Unit: millions of yen)"."""
        if not text:
            return None
        lowered = text.lower()
        squeezed = normalize_prefix(text)
        best: tuple[int, str] | None = None
        for (prefix, suffix), unit in self.lexicon.unit_forms.items():
            if not suffix or not re.search(rf"(?<![a-z]){re.escape(suffix)}(?![a-z])", lowered):
                continue
            if prefix and prefix not in squeezed:
                continue
            score = len(prefix) + len(suffix)
            if best is None or score > best[0]:
                best = (score, unit)
        if best is not None:
            return best[1]
        scales = r"(?<![a-z])(trillion|billion|million|thousand|bn|mn|m|k)s?(?![a-z])"
        for scale in re.findall(scales, lowered):
            named = self.lexicon.unit_for("$" if "$" in text else "", scale)
            if named is not None:
                return named
        return None

    def _update(self, ctx: _Context, mentions: list[_Mention], strict: bool = True,
                text: str = "") -> list[str]:
        problems: list[str] = []
        by_dim: dict[str, list[_Mention]] = {}
        for m in mentions:
            by_dim.setdefault(m.dimension, []).append(m)
        for name, found in by_dim.items():
            code, problem = _resolve_codes(self.lexicon.dimension(name), [m.code for m in found])
            if code is None and text:
                found = _nearest_clause(text, found)
                code, _ = _resolve_codes(self.lexicon.dimension(name), [m.code for m in found])
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
        # "an €18.7 bn surplus": an amount after an article names the noun that follows it;
        # "goods worth 76.5 billion euros came in": so does an amount after "worth".
        start = self._amount_start(work, end)
        attributive = re.search(
            r"\b(?:[Aa]n?|[Tt]he|[Ii]ts|posts?|posted|records?|recorded|reports?|reported|logs?"
            r"|logged|shows?|showed|worth)\s+$|\w['\u2019]s\s+$"
            # "(September 2017: USD 0.7 billion deficit)"
            r"|:\s*$",
            work.text[max(0, start - 12) : start],
        )
        if attributive:
            named = [m for m in work.mentions
                     if end < m.start and m.end <= limit
                     and _NOUN_GAP.fullmatch(work.text[end : m.start])]
            if named:
                attached.append(named[0])
                position = named[0].end
        # "$114.54 million (about Shs418.337 billion) with the East African Community"
        position = work.past_restated(position)
        balance = _BALANCE_WORD.search(work.text[max(0, start - 40) : start])
        # the dimension of the balance named ("surplus"): "with" never names another of it
        balance_dims = {m.dimension for m in work.mentions
                        if balance and start - 40 <= m.start < start}
        while True:
            with_partner = False
            prep = _ATTACH_PREPOSITION.match(work.text, position)
            if prep is None and balance:
                # "a surplus of $114.54 million with the East African Community": a balance's
                # partner
                prep = _WITH_PARTNER.match(work.text, position)
                with_partner = prep is not None
            cjk_prep = _ATTACH_CJK.match(work.text, position)
            mention = next(
                (
                    m for m in work.mentions
                    if m.end <= limit
                    and not (with_partner and m.dimension in balance_dims)
                    and (
                        (prep is not None and m.start == prep.end())
                        or (
                            cjk_prep is not None
                            and m.start == cjk_prep.end()
                            and _CJK_TEXT.search(work.text[m.start : m.end])
                        )
                    )
                ),
                None,
            )
            if mention is None:
                break
            attached.append(mention)
            position = mention.end
        return attached, position

    @staticmethod
    def _amount_start(work: _SentenceWork, end: int) -> int:
        return next((a.start for a in work.levels if a.end == end), end)

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
        self.numbers_read += (cand.amount is not None) + (cand.rate is not None)
        negative = any(neg for _, neg in ctx.values())
        value, unit = "", ""
        if cand.amount is not None:
            value, unit = cand.amount.digits, cand.amount.unit
            if negative:  # a deficit printed as a positive amount
                value = value[1:] if value.startswith("-") else "-" + value
        change = cand.rate.digits if cand.rate is not None else ""
        if change:
            self.changes.append(StatedChange(work.number, key, change))
        spans = [Span(work.number, t.start, t.end, measure)
                 for t, measure in ((cand.amount, "value"), (cand.rate, "change")) if t is not None]
        self._add_row(_Row(key, value, unit, change, [work.number], spans))

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
            row.spans += new.spans
            return
        for row in self.rows:
            # "India's trade deficit widens to $23.5 billion" (headline, a defaulted total) and
            # "India's merchandise trade deficit widened to $23.5 billion" (body): one figure,
            # on the more specific code.
            specific = self._headline_repeat(row, new)
            if specific is None:
                continue
            row.key = specific
            row.change = row.change or new.change
            row.sources = sorted({*row.sources, *new.sources})
            row.spans += new.spans
            return
        self.rows.append(new)

    def _headline_repeat(self, a: _Row, b: _Row) -> tuple[str, ...] | None:
        """The more specific key when a headline amount repeats a body amount whose codes are
        the same or descendants of the headline's, else None."""
        if 1 not in (*a.sources, *b.sources) or not a.value or (a.value, a.unit) != (
            b.value, b.unit
        ) or (a.change and b.change and a.change != b.change):
            return None
        key: list[str] = []
        for dim, x, y in zip(self.lexicon.dimensions, a.key, b.key, strict=True):
            if x == y:
                key.append(x)
            elif dim.is_time:
                return None
            elif x in dim.ancestors(y):
                key.append(y)
            elif y in dim.ancestors(x):
                key.append(x)
            else:
                return None
        return tuple(key)


def _cell_span(number: int, line: str, cell: str, measure: str) -> Span:
    """A table cell's place in its row's line (the first cell with that text)."""
    start = max(line.find(cell), 0)
    return Span(number, start, start + len(cell), measure)


def _segments(text: str, comma: bool = False) -> list[str | TextTable]:
    """The text in reading order as prose chunks and tables (a text that writes decimal commas
    has its tables read with them: "5,28" is 5.28)."""
    lines = text.split("\n")
    parts: list[str | TextTable] = []
    position = 0
    for table in find_tables(_with_decimal_points(text) if comma else text):
        parts.append("\n".join(lines[position : table.first_line]))
        parts.append(table)
        position = table.last_line + 1
    parts.append("\n".join(lines[position:]))
    return parts


def extract_figures(
    text: str, lexicon: Lexicon, *, release_date: datetime.date | None = None
) -> Extraction:
    """The figures of a release as a table (all columns str) and the numbers left unplaced."""
    release = given = release_date or detect_release_date(text)
    # Sentences in reading order; a table contributes one "sentence" per row (its line).
    sentences: list[str] = []
    layout: list[tuple[int, TextTable | None]] = []  # (first sentence number, table or prose)
    paragraphs: list[tuple[list[int], bool]] = []
    comma = decimal_comma(text)
    printed_lines = text.split("\n")
    for part in _segments(text, comma):
        if isinstance(part, TextTable):
            layout.append((len(sentences) + 1, part))
            # each row's line as printed (its cells are read with decimal points)
            lines = [printed_lines[r.line] for r in (*part.header, *part.rows)]
            paragraphs.append((list(range(len(sentences) + 1, len(sentences) + 1 + len(lines))),
                               True))
            sentences += lines
        else:
            for paragraph in split_paragraphs(part):
                paragraphs.append((list(range(len(sentences) + 1,
                                              len(sentences) + 1 + len(paragraph))), False))
                for sentence in paragraph:
                    sentences.append(sentence)
                    layout.append((len(sentences), None))
    scanner = _Scanner(lexicon, comma)

    def sentence_works(date: datetime.date | None) -> dict[int, _SentenceWork]:
        return {
            n: _SentenceWork(n, sentences[n - 1], scanner, date) for n, t in layout if t is None
        }

    works = sentence_works(release)
    time = lexicon.time_dimension
    reference = None
    if time is not None:
        opening = [p for n in sorted(works)[:2] for p in works[n].periods]
        reference = reference_period(
            opening, release, lexicon.dimension(time).codes, lexicon.defaults.get(time)
        )
        end = period_end(reference) if reference else None
        if release is None and end is not None:
            # "in September" with no date: the latest September by the end of the period the
            # release is about.
            release = end + datetime.timedelta(days=1)
            works = sentence_works(release)
    placer = _Placer(lexicon, release)
    placer.current_period = placer.reference = reference
    unplaced: list[Unplaced] = []
    for number, table in layout:
        if table is None:
            work = works[number]
            if placer.carried is not None and any(u.reason == NO_OWN_PERIOD
                                                  for u in work.unplaced):
                work = _SentenceWork(number, sentences[number - 1], scanner, release,
                                     placer.carried)
            unplaced += work.unplaced
            placer.place(work)
        else:
            placer.place_table(table, number + len(table.header), scanner)
    unplaced += placer.unplaced
    # Imported here: the safety net reads this module's records (Span, Unplaced).
    from validator.extraction.safety_net import unaccounted

    unplaced += unaccounted(sentences, [row.spans for row in placer.rows], unplaced)
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
    frame = pd.DataFrame(records, columns=lexicon.columns, dtype=str)
    return Extraction(frame, unplaced, given, sentences, placer.changes, placer.numbers_read,
                      [row.spans for row in placer.rows], paragraphs)


def extract_to_csv(
    path: str | Path, rules: RuleSet, release_date: datetime.date | None = None
) -> str:
    """The figures table of a release file as CSV text, for `validator extract`."""
    extraction = extract_figures(
        read_release(path), Lexicon.from_rules(rules), release_date=release_date
    )
    return str(extraction.table.to_csv(index=False, lineterminator="\n"))
