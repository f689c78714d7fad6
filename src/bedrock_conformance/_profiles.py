"""Hypothesis settings: the suites' own, and the profiles of the project's own tests.

Nothing here is loaded on import: a user's Hypothesis settings stay theirs when this package is installed.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

# What the suites draw with, whatever profile the process has loaded: no database (so no .hypothesis/ directory
# in the user's working directory), no deadline, no shrinking, no health checks (a draw is not a test).
SUITES = settings(
    parent=settings.get_profile("default"),
    database=None,
    deadline=None,
    derandomize=False,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)


def register_profiles() -> None:
    """For the project's own tests: register ``dev``, ``ci`` (derandomised, no database) and ``thorough``, and
    load ``HYPOTHESIS_PROFILE`` (default ``ci`` when ``CI`` is set, else ``dev``)."""
    settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=_SLOW_OK)
    settings.register_profile(
        "ci", max_examples=50, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_OK
    )
    settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK)
    default = "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default))
