"""Direction words: the verbs, nouns and signs that say whether a change is a rise or a fall.

English words are matched as whole words (any case); Korean and Japanese words are matched as
stems inside a word ("증가한", "늘었고", "増加", "減"), as those languages attach endings to them.
"""

from __future__ import annotations

import re

UP_WORDS = (
    # "made up 38.4% of the total" is a share, not a rise
    r"(?<!made\s)(?<!make\s)(?<!makes\s)(?<!making\s)up|rose|rise[sn]?|rising|increas(?:ed|es|e|ing)|grew|grow(?:s|n|th|ing)?"
    r"|gain(?:ed|s|ing)?|jump(?:ed|s|ing)?|advanc(?:ed|es|e|ing)|climb(?:ed|s|ing)?"
    r"|expand(?:ed|s|ing)?|expansion|surg(?:ed|es|e|ing)|soar(?:ed|s|ing)?"
    r"|rebound(?:ed|s|ing)?|recover(?:ed|s|ing)?|higher|widen(?:ed|ing|s)?|added|boost(?:ed|s)?"
    r"|improv(?:ed|es|e|ing)|escalat(?:ed|es|e|ing)|leap(?:ed|s|t|ing)?|accelerat(?:ed|es|e|ing)"
    r"|strengthen(?:ed|s|ing)?|picked\s+up|edged\s+up|inched\s+up|moved\s+up|went\s+up|spiked"
    r"|rallied|swelled|doubled|tripled|topped\s+up|firm(?:ed|s)|skyrocket(?:ed|s)?|rocketed"
    r"|ballooned|spurted"
    # Spanish: subieron, aumentó, creció, crecimiento, alza, incremento, repuntaron, avanzó
    r"|sub(?:ieron|ió|en|e)|aument(?:aron|ó|an|a|o)|crec(?:ieron|ió|en|e|imiento)|alza"
    r"|increment(?:aron|ó|o)|repunt(?:aron|ó|e)|avanz(?:aron|ó)|ascenso|mejor(?:aron|ó)"
)
DOWN_WORDS = (
    r"down|fell|fall(?:s|en|ing)?|drop(?:ped|s|ping)?|declin(?:ed|es|e|ing)"
    r"|decreas(?:ed|es|e|ing)|dip(?:ped|s)?|contract(?:ed|ion|ing)|slid(?:e|es|ing)?"
    r"|slip(?:ped|s)?|shr(?:ank|unk|inks?|inking)|slump(?:ed|s)?|plung(?:ed|es|e)"
    r"|plummet(?:ed|s)?|tumbl(?:ed|es)|lower|lost|eased|retreat(?:ed|s)?|sank"
    r"|narrow(?:ed|ing|s)?|surrender(?:ed|s|ing)?|weaken(?:ed|s|ing)?|deteriorat(?:ed|es|e|ing)"
    r"|shed|slowed|edged\s+down|inched\s+down|moved\s+down|went\s+down|gave\s+up|halved"
    r"|contracted|receded|sagged|skidded|slipped|collaps(?:ed|es|e|ing)|nosedived?|tank(?:ed|s)"
    r"|dived|sunk|eroded"
    # Spanish: cayeron, caída, bajó, descenso, disminuyeron, retrocedió, redujeron, contracción
    r"|cay(?:eron|ó)|caída|baj(?:aron|ó|a)|descen(?:so|dieron|dió)|disminu(?:yeron|yó|ción)"
    r"|retroced(?:ieron|ió)|reduj(?:eron|o)|reducción|decrec(?:ieron|ió)|contracción"
)
# Korean, Japanese and Chinese stems; "증가" (increase), "늘" (grow), "감소" (decrease), "増" /
# "減"; Chinese (traditional and simplified) "增加", "上升", "上漲", "減少", "下跌", "下降".
CJK_UP = (
    r"증가|늘어|늘었|늘며|늘고|상승|확대|급증|호조|増加|増|上昇|拡大|伸び"
    r"|增加|增長|增长|增幅|上升|上漲|上涨|升幅|回升|擴大|扩大|攀升|飆升|飙升"
)
CJK_DOWN = (
    r"감소|줄어|줄었|줄며|줄고|하락|축소|급감|減少|減|下落|縮小|落ち込"
    r"|减少|下跌|下降|跌幅|降幅|回落|萎縮|萎缩|收窄|缩小"
)
ARROW_UP = "↑"  # (▲ and △ before a number print a minus in Japanese and Korean tables)
ARROW_DOWN = "↓▼"

# Only right after the number: "5.2% more than in 2018", "2.9% above", "3% below".
# Spanish "7,6% menos que los US$ 75.451,83 millones de 2018", "5% más que"
FORWARD_UP = r"more|above|larger|bigger|greater|más"
FORWARD_DOWN = r"less|below|smaller|menos"
UP = rf"{UP_WORDS}|{CJK_UP}"
DOWN = rf"{DOWN_WORDS}|{CJK_DOWN}"
DOWN_RE = re.compile(
    rf"(?:\b(?:{DOWN_WORDS}|{FORWARD_DOWN})\b|{CJK_DOWN}|[{ARROW_DOWN}])", re.IGNORECASE
)
DIRECTION_RE = re.compile(
    rf"(?:\b(?:{UP_WORDS}|{DOWN_WORDS})\b|{CJK_UP}|{CJK_DOWN})", re.IGNORECASE
)
# A direction right after the number: "3.8% growth", "5.1% 증가", "1.9%↓", "0.6%増".
FORWARD_DIRECTION = re.compile(
    r"^\s*(?:(?:year-on-year|year-over-year|on-year|on\s+year|annual|y/y|yoy)\s+)?"
    rf"(?P<word>\b(?:{UP_WORDS}|{DOWN_WORDS}|{FORWARD_UP}|{FORWARD_DOWN})\b|{CJK_UP}|{CJK_DOWN}"
    rf"|[{ARROW_UP}{ARROW_DOWN}])",
    re.IGNORECASE,
)


def is_down(word: str) -> bool:
    return DOWN_RE.fullmatch(word.strip()) is not None or word.strip() in ARROW_DOWN
