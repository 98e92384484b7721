"""Test support for release-validator and for pipelines built on it (an optional extra).

    pip install 'release-validator[testing]'

`strategies` draws consistent releases for hypothesis, `oracle` is an independent, loop-based
evaluation of the rules (its own registry, one entry per rule kind, and its own reader of
printed numbers), `mutations` applies the typical errors of a printed release to one figure.
"""

from __future__ import annotations

EXTRA = "release-validator[testing]"

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by a subprocess test
    raise ImportError(
        f"validator.testing needs hypothesis, which comes with the 'testing' extra: "
        f"pip install '{EXTRA}'"
    ) from exc
