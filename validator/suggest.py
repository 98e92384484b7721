"""'Did you mean ...?' for misspelled names: keys, rule kinds, codes, rule ids, config keys."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if one is close enough to be a likely misspelling."""
    options = [c for c in dict.fromkeys(choices) if c != word]
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not matches:
        # Case slips ("World" for "world") are below difflib's cutoff for short words.
        folded = [c for c in options if c.casefold() == word.casefold()]
        return folded[0] if folded else None
    return matches[0]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' to append to a message, or '' when nothing is close."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match is not None else ""
