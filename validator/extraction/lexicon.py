"""The extraction lexicon: dimensions, code aliases and unit words, built from the rules model.

The rules file's `dimensions`, `figures`, `labels`, `defaults` and `ignore_phrases` sections are
read once by validator.rules (with positions); the format is documented in docs/extract.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from validator.model import CodeLabel, Dimension, RuleSet
from validator.value_forms import split_form

# Currency codes the unit codes may use, with the ways a release prints them before the number
# and the words that may follow the scale ("5 billion dollars").
CURRENCY_PREFIXES: dict[str, tuple[str, ...]] = {
    "USD": ("US$", "USD", "$", "US $"),
    "EUR": ("EUR", "€"),
    "GBP": ("GBP", "£"),
    "JPY": ("JPY", "¥"),
    "KRW": ("KRW", "₩"),
    "CNY": ("CNY", "RMB"),
    "TWD": ("NT$", "TWD"),
    "HKD": ("HK$", "HKD"),
    "AUD": ("A$", "AUD"),
    "CAD": ("C$", "CAD"),
    "SGD": ("S$", "SGD"),
    "CHF": ("CHF",),
    "INR": ("INR", "₹"),
}
CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "USD": ("dollars", "US dollars"),
    "EUR": ("euros", "euro"),
    "GBP": ("pounds",),
    "JPY": ("yen",),
    "KRW": ("won",),
    "CNY": ("yuan",),
    "TWD": ("New Taiwan dollars",),
    "HKD": ("Hong Kong dollars",),
    "AUD": ("Australian dollars",),
    "CAD": ("Canadian dollars",),
    "SGD": ("Singapore dollars",),
    "CHF": ("francs",),
    "INR": ("rupees",),
}
SCALE_WORDS: dict[str, tuple[str, ...]] = {
    "tn": ("trillion", "tn"),
    "bn": ("billion", "bn", "bln", "b"),
    "mn": ("million", "mn", "mln", "m"),
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
        words = [re.escape(w) for w in self.phrase.split()]
        body = r"\s+".join(words)
        if not self.case_sensitive and self.phrase[-1:].isalpha():
            # A final s is optional either way: "chip" finds "chips", "exports" finds "export".
            body = (body[:-1] if self.phrase.endswith("s") else body) + "s?"
        return rf"(?<![\w$]){body}(?![\w$])"


def _unit_forms(unit_code: str) -> list[tuple[str, str]]:
    """(prefix, suffix) word pairs derived from a unit code like "USD bn" or "EUR million"."""
    tokens = unit_code.split()
    currency = next((t.upper() for t in tokens if t.upper() in CURRENCY_PREFIXES), None)
    scale = next((SCALE_ALIASES[t.lower()] for t in tokens if t.lower() in SCALE_ALIASES), None)
    known = {t for t in tokens if t.upper() == currency or SCALE_ALIASES.get(t.lower()) == scale}
    if len(known) != len(tokens) or (currency is None and scale is None):
        return [("", unit_code)]  # not understood: only the code itself, after the number
    scales = SCALE_WORDS[scale] if scale else ("",)
    forms: list[tuple[str, str]] = []
    if currency:
        for prefix in CURRENCY_PREFIXES[currency]:
            forms += [(prefix, s) for s in scales]
        for word in CURRENCY_WORDS.get(currency, ()):
            forms += [("", f"{s} {word}".strip()) for s in scales]
    else:
        forms += [("", s) for s in scales]
    return forms


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

    def unit_for(self, prefix: str, suffix: str) -> str | None:
        return self.unit_forms.get((normalize_prefix(prefix), normalize_unit_text(suffix)))

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
        )

    def prefix_words(self) -> set[str]:
        """Every currency prefix the amount pattern should recognise, known unit or not."""
        words = {p for ps in CURRENCY_PREFIXES.values() for p in ps}
        return words | {p for p, _ in self.unit_forms if p}

    def suffix_words(self) -> set[str]:
        words = {s for ss in SCALE_WORDS.values() for s in ss}
        for currency_words in CURRENCY_WORDS.values():
            words |= {f"{s} {w}" for ss in SCALE_WORDS.values() for s in ss for w in currency_words}
            words |= set(currency_words)
        return words | {s for _, s in self.unit_forms if s}
