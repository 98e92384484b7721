"""Shared pytest configuration. Keep each concern in its own section."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# --- hypothesis profiles (HYPOTHESIS_PROFILE=ci|dev, default dev) ------------------------------

settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
