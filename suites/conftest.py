"""The conformance suites' pytest wiring: options (--bc-target, --bc-seed, ...) and the run's fixtures."""

from bedrock_conformance.frontend import conformance, conformance_baseline, pytest_addoption, pytest_configure

__all__ = ["conformance", "conformance_baseline", "pytest_addoption", "pytest_configure"]
