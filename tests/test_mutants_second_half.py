"""Self-test, second half of the mutant zoo: tests/test_mutants.py runs the first half and states the zoo's rules.

A file of its own so that pytest-xdist's --dist loadfile can give the two halves to two workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mutants import Mutant
from mutants._caught import SECOND_HALF, assert_caught, param

from bedrock_conformance.mock import MockServer


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


@pytest.mark.parametrize("mutant", [param(m) for m in SECOND_HALF])
def test_mutant_fails_under_its_clause_and_no_other(mutant: Mutant, reference_mock: MockServer, tmp_path: Path) -> None:
    assert_caught(mutant, reference_mock, tmp_path)
