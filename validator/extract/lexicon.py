"""The extraction lexicon: dimensions, code aliases and unit words, read from the raw rules dict.

The rules file's `dimensions`, `figures`, `labels`, `defaults` and `ignore_phrases` sections are
read here; the format is documented in docs/extract.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Currency codes the unit codes may use, with the ways a release prints them before the number
# and the words that may follow the scale ("5 billion dollars").
CURRENCY_PREFIXES: dict[str, tuple[str, ...]] = {
    "USD": ("US$", "USD", "$", "US $", "$US", "U.S.$", "U.S. $"),
    "EUR": ("EUR", "€"),
    "GBP": ("GBP", "£"),
    "JPY": ("JPY", "¥"),
    "KRW": ("KRW", "₩"),
    "CNY": ("CNY", "RMB", "¥"),
    "TWD": ("NT$", "TWD"),
    "HKD": ("HK$", "HKD"),
    "AUD": ("A$", "AUD"),
    "CAD": ("C$", "CAD"),
    "SGD": ("S$", "SGD"),
    "CHF": ("CHF",),
    "INR": ("INR", "₹"),
}
CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "USD": ("dollars", "US dollars", "U.S. dollars", "United States dollars"),
    "EUR": ("euros", "euro"),
    "GBP": ("pounds",),
    "JPY": ("yen",),
    "KRW": ("won",),
    "CNY": ("yuan", "renminbi"),
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
class Dimension:
    """One dimension of the rules: its codes and, if hierarchical, each code's parent."""

    name: str
    codes: tuple[str, ...]
    parent: Mapping[str, str] = field(default_factory=dict)
    is_time: bool = False

    @property
    def roots(self) -> tuple[str, ...]:
        if not self.parent:
            return ()
        return tuple(c for c in self.codes if c not in self.parent)

    def ancestors(self, code: str) -> list[str]:
        chain: list[str] = []
        while code in self.parent and code not in chain:
            code = self.parent[code]
            chain.append(code)
        return chain


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


def _codes_of(spec: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    """Codes in order of appearance and the child -> parent map of a dimension spec."""
    if isinstance(spec, Mapping):
        codes: list[str] = []
        parent: dict[str, str] = {}
        for raw_parent, children in spec.items():
            p = str(raw_parent)
            if p not in codes:
                codes.append(p)
            for raw_child in children or []:
                c = str(raw_child)
                if c not in codes:
                    codes.append(c)
                parent[c] = p
        return tuple(codes), parent
    if isinstance(spec, list | tuple):
        return tuple(str(c) for c in spec), {}
    raise ValueError(
        f"a dimension must be a list of codes or a mapping parent: [children], got {spec!r}"
    )


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
            if scale:
                forms.append(("", f"{SCALE_NAMES[scale]}s of {word}"))
    else:
        forms += [("", s) for s in scales]
    return forms


def unit_parts(unit_code: str) -> tuple[str | None, str | None]:
    """(currency, canonical scale) of a unit code such as "USD bn"; None for what it lacks."""
    tokens = unit_code.split()
    currency = next((t.upper() for t in tokens if t.upper() in CURRENCY_PREFIXES), None)
    scale = next((SCALE_ALIASES[t.lower()] for t in tokens if t.lower() in SCALE_ALIASES), None)
    return currency, scale


def _unit_scales(units: Mapping[str, Any]) -> dict[str, float]:
    """Unit code -> multiplier; YAML 1.1 reads "1.0e9" as text, so numbers are parsed here."""
    scales: dict[str, float] = {}
    for code, value in units.items():
        try:
            scales[str(code)] = float(str(value))
        except ValueError:
            continue  # the rules model reports a malformed multiplier
    return scales


def _template_form(template: str) -> tuple[str, str]:
    if NUMBER_PLACEHOLDER not in template:
        raise ValueError(f"unit word {template!r} needs {NUMBER_PLACEHOLDER} where the number goes")
    prefix, suffix = template.split(NUMBER_PLACEHOLDER, 1)
    return prefix.strip(), suffix.strip()


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
        roots = dim.roots if dim.parent else dim.codes
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
        scale = SCALE_ALIASES.get(normalize_unit_text(suffix)) or next(
            (k for k, words in SCALE_WORDS.items() if normalize_unit_text(suffix) in words), None
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
    def from_rules_data(cls, data: Mapping[str, Any]) -> Lexicon:
        figures: Mapping[str, Any] = data.get("figures") or {}
        time_name = figures.get("time")
        dims: list[Dimension] = []
        for name, spec in (data.get("dimensions") or {}).items():
            codes, parent = _codes_of(spec)
            dims.append(Dimension(str(name), codes, parent, is_time=str(name) == time_name))
        if time_name and all(d.name != time_name for d in dims):
            dims.append(Dimension(str(time_name), (), {}, is_time=True))

        aliases: list[Alias] = []
        labels: Mapping[str, Any] = data.get("labels") or {}
        for dim in dims:
            if dim.is_time:
                continue
            dim_labels: Mapping[str, Any] = labels.get(dim.name) or {}
            unknown = set(map(str, dim_labels)) - set(dim.codes)
            if unknown:
                raise ValueError(
                    f"labels.{dim.name} names codes not in the dimension: {sorted(unknown)}"
                )
            for code in dim.codes:
                entry: Mapping[str, Any] = dim_labels.get(code) or {}
                phrases = [code.replace("_", " ")]
                if entry.get("label"):
                    phrases.append(str(entry["label"]))
                phrases += [str(a) for a in entry.get("aliases") or []]
                aliases += [Alias(p, dim.name, code) for p in dict.fromkeys(phrases)]
                aliases += [
                    Alias(str(p), dim.name, code, negative=True)
                    for p in entry.get("negative_aliases") or []
                ]

        defaults = {str(k): str(v) for k, v in (data.get("defaults") or {}).items()}
        for name, code in defaults.items():
            target = next((d for d in dims if d.name == name), None)
            if target is None or code not in target.codes:
                raise ValueError(f"defaults.{name}: {code!r} is not a code of that dimension")

        unit_forms: dict[tuple[str, str], str] = {}
        extra_words: Mapping[str, Iterable[str]] = figures.get("unit_words") or {}
        for unit_code in list((figures.get("units") or {}).keys()) + list(extra_words):
            forms = _unit_forms(str(unit_code))
            forms += [_template_form(str(t)) for t in extra_words.get(unit_code, ())]
            for prefix, suffix in forms:
                key = (normalize_prefix(prefix), normalize_unit_text(suffix))
                unit_forms.setdefault(key, str(unit_code))  # the first unit listed wins a tie

        return cls(
            dimensions=tuple(dims),
            aliases=tuple(aliases),
            defaults=defaults,
            unit_forms=unit_forms,
            value_column=str(figures.get("value", "value")),
            unit_column=str(figures.get("unit", "unit")),
            change_column=str(figures.get("change", "change")),
            ignore_phrases=tuple(str(p) for p in data.get("ignore_phrases") or []),
            unit_scales=_unit_scales(figures.get("units") or {}),
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
