"""release-validator: checks that the figures of a statistical release add up."""

__version__ = "0.1.0"
