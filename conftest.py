"""Shared fixtures for the project's own tests (the suites in suites/ have their own conftest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# Real AWS responses published in public sources, shipped with the schemas they are evidence for.
PUBLISHED = Path(__file__).resolve().parent / "schemas" / "published"


@pytest.fixture(scope="session")
def published_records() -> list[dict[str, Any]]:
    """The real AWS responses published in public sources (schemas/published/responses.json), each with its source."""
    return list(json.loads((PUBLISHED / "responses.json").read_text(encoding="utf-8"))["records"])


@pytest.fixture(scope="session")
def observations() -> list[dict[str, Any]]:
    """Facts about real AWS answers that no published body shows (schemas/published/observations.json)."""
    return list(json.loads((PUBLISHED / "observations.json").read_text(encoding="utf-8"))["observations"])


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under mutmut (docs/testing.md), each mutant's tests run in a process forked after the unmutated code filled
    the package's caches (the contract, compiled validators and patterns, strategies): empty them, or every mutant
    of code that only runs to fill a cache would survive untested."""
    import os
    import sys

    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    for name, module in list(sys.modules.items()):
        if not name.startswith("bedrock_conformance"):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
            elif isinstance(value, dict) and value is getattr(module, "_CACHE", None):
                value.clear()
