"""Figures extracted from the prose of a release, placed on the codes of its rules file.

See docs/extract.md for the lexicon format and the measured results.
"""

from validator.extraction.direction import DirectionFinding, direction_findings
from validator.extraction.extractor import (
    Extraction,
    Span,
    StatedChange,
    Unplaced,
    extract_figures,
    extract_to_csv,
)
from validator.extraction.lexicon import Lexicon
from validator.extraction.readers import read_release

__all__ = [
    "DirectionFinding",
    "Extraction",
    "Lexicon",
    "Span",
    "StatedChange",
    "Unplaced",
    "direction_findings",
    "extract_figures",
    "extract_to_csv",
    "read_release",
]
