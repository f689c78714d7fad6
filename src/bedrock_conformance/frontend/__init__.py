"""The pytest front end: the plugin that runs the suites against a target and writes the report, the fixtures
``suites/conftest.py`` takes, a clause's verdict, and the run's options (shared with the CLI).
"""

from __future__ import annotations

from ._fixtures import conformance, conformance_baseline, pytest_addoption, pytest_configure
from ._open import open_session
from ._options import OPTIONS, add_options, config_from, positive
from ._plugin import ConformancePlugin
from ._verdict import verdict

__all__ = [
    "OPTIONS",
    "ConformancePlugin",
    "add_options",
    "config_from",
    "conformance",
    "conformance_baseline",
    "open_session",
    "positive",
    "pytest_addoption",
    "pytest_configure",
    "verdict",
]
