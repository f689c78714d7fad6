"""The conformance suites' pytest wiring: options (--bc-target, --bc-seed, ...) and the run's fixtures."""

from bedrock_conformance._suite import conformance, conformance_baseline, pytest_addoption, pytest_configure

__all__ = ["conformance", "conformance_baseline", "pytest_addoption", "pytest_configure"]
