"""Hypothesis profiles shared by the suites, the CLI and the project's tests."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def register_profiles() -> None:
    """Register ``dev``, ``ci`` (derandomised, no database) and ``thorough``; load the chosen one."""
    settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=_SLOW_OK)
    settings.register_profile(
        "ci", max_examples=50, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_OK
    )
    settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK)
    default = "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default))
