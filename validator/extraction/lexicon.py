"""The extraction lexicon: dimensions, code aliases and unit words, built from the rules model.

The rules file's `dimensions`, `figures`, `labels`, `defaults` and `ignore_phrases` sections are
read once by validator.rules (with positions); the format is documented in docs/extract.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from validator.model import CodeLabel, Dimension, RuleSet
from validator.value_forms import split_form

# Currency codes the unit codes may use, with the ways a release prints them before the number
# and the words that may follow the scale ("5 billion dollars").
CURRENCY_PREFIXES: dict[str, tuple[str, ...]] = {
    # "US dollars 364 million" (the Central Bank of Sri Lanka's style): the name before the number
    "USD": ("US$", "USD", "$", "US $", "$US", "U.S.$", "U.S. $", "US dollars", "U.S. dollars"),
    "EUR": ("EUR", "€"),
    "GBP": ("GBP", "£"),
    "JPY": ("JPY", "¥"),
    "KRW": ("KRW", "₩"),
    "CNY": ("CNY", "RMB", "¥"),
    "TWD": ("NT$", "TWD"),
    "HKD": ("HK$", "HKD"),
    "AUD": ("A$", "AUD"),
    "NZD": ("NZ$", "NZD"),
    "CAD": ("C$", "CAD"),
    "SGD": ("S$", "SGD"),
    "CHF": ("CHF",),
    "INR": ("INR", "₹", "Rs", "Rs."),
    "MYR": ("RM", "MYR"),
    "IDR": ("Rp", "IDR"),
    "PHP": ("₱", "PHP"),
    "BRL": ("R$", "BRL"),
    "THB": ("฿", "THB"),
    "ZAR": ("R", "ZAR"),
    "SEK": ("SEK",),
    "NOK": ("NOK",),
    "DKK": ("DKK",),
    "KES": ("KES", "KSh", "Ksh", "KShs", "Kshs", "Sh"),
    # the Uganda and Tanzania shillings ("$114.54 million (about Shs418.337 billion)")
    "UGX": ("UGX", "UShs", "USh", "Shs", "Ushs"),
    "TZS": ("TZS", "TShs", "TSh", "TZSh", "Tshs"),
    # the naira printed "N11,722.44 billion": the bare letter only when the rules list NGN
    "NGN": ("NGN", "₦", "N"),
}
# Prefixes of one letter are read only when the rules list their currency ("N95" is a mask).
_LETTER_PREFIXES = {"N": "NGN"}
CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    # "millones de dólares" (Spanish): the currency after the scale and "de"
    "USD": ("dollars", "US dollars", "U.S. dollars", "United States dollars", "de dólares"),
    "EUR": ("euros", "euro", "de euros"),
    "GBP": ("pounds",),
    "JPY": ("yen",),
    "KRW": ("won",),
    "CNY": ("yuan", "renminbi"),
    "TWD": ("New Taiwan dollars",),
    "HKD": ("Hong Kong dollars",),
    "AUD": ("Australian dollars",),
    "NZD": ("New Zealand dollars",),
    "CAD": ("Canadian dollars",),
    "SGD": ("Singapore dollars",),
    "CHF": ("francs",),
    "INR": ("rupees",),
    "MYR": ("ringgit",),
    "IDR": ("rupiah",),
    "PHP": ("pesos",),
    "BRL": ("reais",),
    "THB": ("baht",),
    "ZAR": ("rand",),
    "SEK": ("kronor",),
    "NOK": ("kroner",),
    "DKK": ("kroner",),
    "KES": ("shillings", "Kenya shillings"),
    "UGX": ("Uganda shillings", "Ugandan shillings"),
    "TZS": ("Tanzania shillings", "Tanzanian shillings"),
    "NGN": ("naira",),
}
SCALE_WORDS: dict[str, tuple[str, ...]] = {
    "tn": ("trillion", "tn"),
    # Spanish "mil millones" (a thousand millions); "billones" are 10^12 there, not read
    "bn": ("billion", "bn", "bln", "b", "mil millones", "miles de millones"),
    "mn": ("million", "mn", "mln", "m", "millones", "millón"),
    "k": ("thousand", "k"),
}
# Unit codes may spell the scale out; each spelling maps to its canonical scale.
SCALE_ALIASES: dict[str, str] = {
    "trillion": "tn", "tn": "tn",
    "billion": "bn", "bn": "bn", "bln": "bn",
    "million": "mn", "mn": "mn", "mln": "mn",
    "thousand": "k", "k": "k",
}  # fmt: skip

NUMBER_PLACEHOLDER = "{n}"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Currencies printed with a bare "$" in their own country's releases.
DOLLAR_CURRENCIES = ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD")
# Scale words written in full, as a table header states them ("millions of yen").
SCALE_NAMES = {"tn": "trillion", "bn": "billion", "mn": "million", "k": "thousand"}


def normalize_unit_text(text: str) -> str:
    """Unit words compared without case or spacing differences ("US $" == "us$")."""
    return re.sub(r"\s+", " ", text.strip().lower())


def normalize_prefix(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


@dataclass(frozen=True)
class Alias:
    """A phrase that names a code. `negative` marks deficit-style words (value printed unsigned)."""

    phrase: str
    dimension: str
    code: str
    negative: bool = False

    @property
    def case_sensitive(self) -> bool:
        # Acronyms (US, EU, ICT, U.S., SSDs) must keep their case, or "us" and "it" would match.
        letters = re.sub(r"[^A-Za-z]", "", self.phrase)
        core = letters[:-1] if letters.endswith("s") else letters
        return bool(core) and core.isupper()

    def pattern(self) -> str:
        if _CJK.search(self.phrase):
            # Korean and Japanese attach particles to a name ("반도체는", "米国向け"): no
            # word boundaries there.
            return r"\s*".join(re.escape(w) for w in self.phrase.split())
        words = [re.escape(w) for w in self.phrase.split()]
        body = r"\s+".join(words)
        if not self.case_sensitive and self.phrase[-1:].isalpha():
            # A final s is optional either way: "chip" finds "chips", "exports" finds "export".
            body = (body[:-1] if self.phrase.endswith("s") else body) + "s?"
        return rf"(?<![\w$]){body}(?![\w$])"


def _unit_forms(unit_code: str) -> list[tuple[str, str]]:
    """(prefix, suffix) word pairs derived from a unit code like "USD bn" or "EUR million"."""
    tokens = unit_code.split()
    currency, scale = unit_parts(unit_code)
    known = {t for t in tokens if t.upper() == currency or SCALE_ALIASES.get(t.lower()) == scale}
    if len(known) != len(tokens) or (currency is None and scale is None):
        return [("", unit_code)]  # not understood: only the code itself, after the number
    scales = SCALE_WORDS[scale] if scale else ("",)
    forms: list[tuple[str, str]] = []
    if currency:
        for prefix in CURRENCY_PREFIXES.get(currency, (currency,)):
            forms += [(prefix, s) for s in scales]
        for word in CURRENCY_WORDS.get(currency, ()):
            forms += [("", f"{s} {word}".strip()) for s in scales]
            if scale:
                forms.append(("", f"{SCALE_NAMES[scale]}s of {word}"))
    else:
        forms += [("", s) for s in scales]
    return forms


def unit_parts(unit_code: str) -> tuple[str | None, str | None]:
    """(currency, canonical scale) of a unit code such as "USD bn"; None for what it lacks."""
    tokens = unit_code.split()
    currency = next((t.upper() for t in tokens if t.upper() in CURRENCY_PREFIXES), None)
    if currency is None:  # any ISO 4217 style code ("PLN bn") names a currency
        currency = next((t for t in tokens if re.fullmatch(r"[A-Z]{3}", t)), None)
    scale = next((SCALE_ALIASES[t.lower()] for t in tokens if t.lower() in SCALE_ALIASES), None)
    return currency, scale


def _template_form(template: str) -> tuple[str, str]:
    """The words before and after the number in a written form of a unit, split as the table
    reader splits them (validator.value_forms), so prose and tables read one vocabulary."""
    before, after = split_form(template)
    return before.strip(), after.strip()


@dataclass(frozen=True)
class Lexicon:
    """Everything the extractor knows about a release, built from its rules file."""

    dimensions: tuple[Dimension, ...]
    aliases: tuple[Alias, ...]
    defaults: Mapping[str, str]
    unit_forms: Mapping[tuple[str, str], str]
    value_column: str = "value"
    unit_column: str = "unit"
    change_column: str = "change"
    ignore_phrases: tuple[str, ...] = ()
    unit_scales: Mapping[str, float] = field(default_factory=dict)  # unit code -> multiplier

    @property
    def time_dimension(self) -> str | None:
        return next((d.name for d in self.dimensions if d.is_time), None)

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)

    @property
    def columns(self) -> list[str]:
        dims = [d.name for d in self.dimensions]
        return [
            *dims,
            self.value_column,
            self.unit_column,
            self.change_column,
            "source",
            "sentence",
        ]

    def default_code(self, name: str) -> str | None:
        """The code assumed when a sentence names none: the rules' default, else the single root."""
        if name in self.defaults:
            return self.defaults[name]
        dim = self.dimension(name)
        if dim.is_time:
            return None  # a period is never guessed
        roots = dim.roots if dim.children else dim.codes
        return roots[0] if len(roots) == 1 else None

    def unit_for(self, prefix: str, suffix: str, currency: str | None = None) -> str | None:
        """The unit of an amount printed with `prefix` and `suffix`.

        Beyond the printed forms of each unit: a bare "$" is the one dollar currency the rules
        list; a scale word alone ("52.5 billion", the "$" lost in a PDF) takes `currency` (of an
        earlier amount in the sentence), else the one unit of that scale.
        """
        exact = self.unit_forms.get((normalize_prefix(prefix), normalize_unit_text(suffix)))
        if exact is not None:
            return exact
        word = normalize_unit_text(suffix)
        word = word[:-1] if word.endswith("s") and word[:-1] in SCALE_ALIASES else word
        scale = SCALE_ALIASES.get(word) or next(
            (k for k, words in SCALE_WORDS.items() if word in words), None
        )
        if normalize_prefix(prefix) == "$":
            dollars = [
                c for c in self.unit_scales
                if unit_parts(c)[0] in DOLLAR_CURRENCIES and unit_parts(c)[1] == scale
            ]
            return dollars[0] if len(dollars) == 1 else None
        if prefix or scale is None:
            return None
        same_scale = [c for c in self.unit_scales if unit_parts(c)[1] == scale]
        if currency is not None:
            same_scale = [c for c in same_scale if unit_parts(c)[0] == currency] or same_scale
        return same_scale[0] if len(same_scale) == 1 else None

    def currency_of(self, unit_code: str) -> str | None:
        return unit_parts(unit_code)[0]

    @classmethod
    def from_rules(cls, rules: RuleSet) -> Lexicon:
        """The lexicon of a parsed rules file: its dimensions, labels, defaults and units."""
        aliases: list[Alias] = []
        for dim in rules.dimensions:
            if dim.is_time:
                continue
            words = rules.labels.get(dim.name, {})
            for code in dim.codes:
                entry = words.get(code, CodeLabel())
                phrases = [code.replace("_", " ")]
                if entry.label:
                    phrases.append(entry.label)
                phrases += entry.aliases
                aliases += [Alias(p, dim.name, code) for p in dict.fromkeys(phrases)]
                aliases += [Alias(p, dim.name, code, negative=True)
                            for p in entry.negative_aliases]

        spec = rules.figures
        unit_forms: dict[tuple[str, str], str] = {}
        for unit_code in [*spec.units, *(u for u in spec.unit_words if u not in spec.units)]:
            forms = _unit_forms(unit_code)
            forms += [_template_form(t) for t in spec.unit_words.get(unit_code, ())]
            for prefix, suffix in forms:
                key = (normalize_prefix(prefix), normalize_unit_text(suffix))
                unit_forms.setdefault(key, unit_code)  # the first unit listed wins a tie

        return cls(
            dimensions=rules.dimensions,
            aliases=tuple(aliases),
            defaults=dict(rules.defaults),
            unit_forms=unit_forms,
            value_column=spec.value,
            unit_column=spec.unit or "unit",
            change_column=spec.change or "change",
            ignore_phrases=rules.ignore_phrases,
            unit_scales=dict(spec.units),
        )

    def prefix_words(self) -> set[str]:
        """Every currency prefix the amount pattern should recognise, known unit or not."""
        listed = {unit_parts(c)[0] for c in self.unit_scales}
        words = {p for ps in CURRENCY_PREFIXES.values() for p in ps
                 if _LETTER_PREFIXES.get(p, "") in listed or p not in _LETTER_PREFIXES}
        return words | {p for p, _ in self.unit_forms if p}

    def suffix_words(self) -> set[str]:
        words = {s for ss in SCALE_WORDS.values() for s in ss}
        for currency_words in CURRENCY_WORDS.values():
            words |= {f"{s} {w}" for ss in SCALE_WORDS.values() for s in ss for w in currency_words}
            words |= set(currency_words)
        return words | {s for _, s in self.unit_forms if s}
