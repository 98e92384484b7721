"""release-validator: checks that the figures of a statistical release add up.

    import validator
    report = validator.check("figures.csv", "rules.yaml")

`check` and `extract` are imported on first use, so that `validator --version` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "check", "extract"]

if TYPE_CHECKING:
    from validator.api import check, extract


def __getattr__(name: str) -> Any:
    if name in ("check", "extract"):
        from validator import api

        return getattr(api, name)
    raise AttributeError(f"module 'validator' has no attribute {name!r}")
