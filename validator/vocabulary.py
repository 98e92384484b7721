"""The words of a release, read from the rules file with their positions.

    labels:                       # per dimension, per code: how a release names it
      flow:
        exports: {aliases: [outbound shipments, shipments]}
        balance: {label: trade balance, aliases: [surplus], negative_aliases: [deficit]}
    defaults: {flow: exports}     # the code assumed when a figure's sentence names none
    ignore_phrases: ["Ministry of Trade, Industry and Energy"]   # never read as mentions

The prose extractor's lexicon is built from these (validator.extraction.lexicon); the spreadsheet
and table readers use the labels too. Every code named must be a code of its dimension.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from validator.model import CodeLabel, Dimension, ParseContext
from validator.yamlpos import Path

LABEL_KEYS = ("label", "aliases", "negative_aliases")


@dataclass(frozen=True)
class Vocabulary:
    labels: Mapping[str, Mapping[str, CodeLabel]]
    defaults: Mapping[str, str]
    ignore_phrases: tuple[str, ...]


def parse_vocabulary(ctx: ParseContext, data: dict[str, Any],
                     dimensions: tuple[Dimension, ...]) -> Vocabulary:
    known = {d.name: d for d in dimensions}
    return Vocabulary(
        labels=_labels(ctx, data.get("labels"), known),
        defaults=_defaults(ctx, data.get("defaults"), known),
        ignore_phrases=_phrases(ctx, data.get("ignore_phrases")),
    )


def _labels(ctx: ParseContext, raw: Any,
            known: Mapping[str, Dimension]) -> dict[str, dict[str, CodeLabel]]:
    path: Path = ("labels",)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.error(path, "'labels' must map each dimension to its codes' words, e.g. "
                  "{flow: {exports: {aliases: [shipments]}}}")
        return {}
    result: dict[str, dict[str, CodeLabel]] = {}
    for name, codes in raw.items():
        if name not in known:
            ctx.unknown_key((*path, name), str(name), tuple(known), "'labels'", noun="dimension")
            continue
        if codes is None:
            continue
        if not isinstance(codes, dict):
            ctx.error((*path, name), f"the labels of '{name}' must map its codes to their words")
            continue
        words: dict[str, CodeLabel] = {}
        for code, entry in codes.items():
            where = (*path, name, code)
            if str(code) not in known[name].codes:
                ctx.error(where, f"unknown code '{code}' in dimension '{name}'", at_key=True)
                continue
            label = _code_label(ctx, entry, where)
            if label is not None:
                words[str(code)] = label
        result[str(name)] = words
    return result


def _code_label(ctx: ParseContext, entry: Any, path: Path) -> CodeLabel | None:
    if entry is None:
        return CodeLabel()
    if not isinstance(entry, dict):
        ctx.error(path, "a code's words are a mapping such as {label: trade balance, aliases: "
                  "[surplus]}")
        return None
    ctx.unknown_keys(entry, path, LABEL_KEYS, "a code's labels")
    label = entry.get("label")
    if label is not None and not isinstance(label, str | int | float):
        ctx.error((*path, "label"), "'label' must be text")
        label = None
    return CodeLabel(
        label=None if label is None else str(label),
        aliases=_words(ctx, entry.get("aliases"), (*path, "aliases")),
        negative_aliases=_words(ctx, entry.get("negative_aliases"), (*path, "negative_aliases")),
    )


def _words(ctx: ParseContext, raw: Any, path: Path) -> tuple[str, ...]:
    if raw is None:
        return ()
    listed = raw if isinstance(raw, list) else [raw]
    words = []
    for i, word in enumerate(listed):
        if isinstance(word, str | int | float) and str(word).strip():
            words.append(str(word))
        else:
            ctx.error((*path, i) if isinstance(raw, list) else path,
                      "a word must be non-empty text")
    return tuple(words)


def _defaults(ctx: ParseContext, raw: Any, known: Mapping[str, Dimension]) -> dict[str, str]:
    path: Path = ("defaults",)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.error(path, "'defaults' must map dimensions to the code assumed when a sentence "
                  "names none, e.g. {flow: exports}")
        return {}
    result = {}
    for name, code in raw.items():
        if name not in known:
            ctx.unknown_key((*path, name), str(name), tuple(known), "'defaults'", noun="dimension")
            continue
        found = ctx.codes_of(str(name), (*path, name), code)
        if found is None:
            continue
        if len(found) != 1:
            ctx.error((*path, name), "a default is one code")
            continue
        result[str(name)] = next(iter(found))
    return result


def _phrases(ctx: ParseContext, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        ctx.error(("ignore_phrases",), "'ignore_phrases' must be a list of phrases")
        return ()
    return _words(ctx, raw, ("ignore_phrases",))
