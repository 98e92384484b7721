"""JSON: the records themselves, documented in docs/json-report.md.

The standard library encodes an indented document in pure Python, a generator per value, which
on a release with hundreds of thousands of discrepancies is most of the run. `encode` writes the
same bytes as `json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False)` with string
joins and the C string encoder; a test holds it to that on every record shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_encode_string = json.encoder.encode_basestring
_float_repr = float.__repr__
_int_repr = int.__repr__
INDENT = "  "


class JsonReporter:
    def render(self, records: Mapping[str, Any]) -> str:
        return encode(records) + "\n"


def encode(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`, faster."""
    return _value(value, "\n")


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return str(_encode_string(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _int_repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("Out of range float values are not JSON compliant: " + repr(value))
        return _float_repr(value)
    return None


def _key(key: Any) -> str:
    if isinstance(key, str):
        return str(_encode_string(key))
    if isinstance(key, bool) or key is None or isinstance(key, int | float):
        text = _scalar(key)
        assert text is not None
        return text if text.startswith('"') else str(_encode_string(text))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _value(value: Any, newline: str) -> str:
    # `newline` is "\n" and the indentation of the line the value starts on.
    kind = type(value)
    if kind is str:
        return str(_encode_string(value))
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        if not value:
            return "{}"
        inner = newline + INDENT
        parts = []
        for key, item in value.items():
            text = _encode_string(key) if type(key) is str else _key(key)
            if type(item) is str:
                parts.append(f"{text}: {_encode_string(item)}")
            else:
                parts.append(f"{text}: {_value(item, inner)}")
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + INDENT
        return ("[" + inner + ("," + inner).join([_value(item, inner) for item in value])
                + newline + "]")
    scalar = _scalar(value)
    if scalar is None:
        # Whatever else the standard encoder would reject, it rejects with its own message.
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    return scalar
