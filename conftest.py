"""Shared fixtures for the project's own tests (the suites in suites/ have their own conftest)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
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


def _empty_caches() -> None:
    """Empty every cache of the package (the contract, compiled validators and patterns, strategies)."""
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("bedrock_conformance"):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
            elif isinstance(value, dict) and value is getattr(module, "_CACHE", None):
                value.clear()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under mutmut (docs/testing.md), each mutant's tests run in a process forked after the unmutated code filled
    the package's caches (the contract, compiled validators and patterns, strategies): empty them, or every mutant
    of code that only runs to fill a cache would survive untested."""
    import os

    if os.environ.get("MUTANT_UNDER_TEST"):
        _empty_caches()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """While mutmut records which tests call which function (``MUTANT_UNDER_TEST=stats``), empty the caches before
    every test: otherwise only the first test to fill a cache is recorded as calling the code that fills it, and that
    code's mutants run that one test alone."""
    import os

    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        _empty_caches()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Each test's garbage is collected among the objects made since it began, not by walking the whole heap.

    The objects alive when a test starts (every module, every warmed cache, the fixtures kept for later tests) are
    frozen out of the collector's passes while it runs, then thawed. Without this, each oldest-generation pass walks
    all of them again: a run of the suites ends up in such a pass every few runs, and the passes took a quarter of
    the test workers' CPU (docs/testing.md, Run time). Within a test only the young generations are collected as it
    goes; the one full pass is the test's own, at its end, so a test's garbage never outlives it.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.collect()
        gc.unfreeze()
