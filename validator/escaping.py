"""User text made safe for the place it goes: a terminal, a CI log, XML, a spreadsheet.

Every string in a report came from someone else's file (codes, labels, sentences, file names),
so no reporter writes one raw:
- `visible` shows control characters, ANSI escapes, line and paragraph separators, bidi
  overrides and lone surrogates as escapes (`\\x1b`, `\\n`, `\\u202e`), so user text can neither
  recolour a terminal, forge a line (a fake "CLEAN" or a `::error::` workflow command), reorder
  what is shown, nor break an encoder. XML 1.0 forbids all of these but tab, LF and CR, which
  `visible` escapes too, so its output is also valid XML text.
- `visible_records` applies it to every string (and key) of a report's records.
- With `keep_breaks`, LF, CR are kept: for formats that escape them their own way (GitHub
  workflow commands, XML, JSON, HTML), where a sentence's line break is no threat.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# C0 controls but tab, DEL and C1 controls, U+2028/2029 (line breaks to some readers), bidi
# embeddings, overrides and isolates, lone surrogates and the XML non-characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\ufffe\uffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


_INVISIBLE_BUT_BREAKS = re.compile(_INVISIBLE.pattern.replace("\x0a-\x1f", "\x0b\x0c\x0e-\x1f"))


def visible(text: object, keep_breaks: bool = False) -> str:
    s = str(text)
    pattern = _INVISIBLE_BUT_BREAKS if keep_breaks else _INVISIBLE
    if pattern.search(s) is None:  # the usual case: nothing to copy
        return s
    return pattern.sub(_escape, s)


def visible_records(value: Any, keep_breaks: bool = False) -> Any:
    """A copy of report records with every string, keys included, passed through `visible`."""
    if isinstance(value, str):
        return visible(value, keep_breaks)
    if isinstance(value, Mapping):
        return {visible_records(k, keep_breaks): visible_records(v, keep_breaks)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [visible_records(v, keep_breaks) for v in value]
    return value


def visible_lines(message: str) -> list[str]:
    """A multi-line message of ours, each line's user text made visible."""
    return [visible(line) for line in message.split("\n")]
