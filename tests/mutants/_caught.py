"""One mutant's run and what it must fail: shared by the two halves of the zoo's test (tests/test_mutants.py and
tests/test_mutants_second_half.py, split so that pytest-xdist's --dist loadfile can give them to two workers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bedrock_conformance.mock import MockServer

from ._proxy import Proxy
from ._run import run_conformance
from ._zoo import MUTANTS, Mutant

# The zoo in two halves, each run by a file of its own: the zoo is the suite's longest file.
HALF = len(MUTANTS) // 2
FIRST_HALF, SECOND_HALF = MUTANTS[:HALF], MUTANTS[HALF:]


def param(mutant: Mutant) -> object:
    marks = []
    if mutant.engine_bug:
        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"engine bug: {mutant.engine_bug}"))
    return pytest.param(mutant, id=mutant.name, marks=marks)


def assert_caught(mutant: Mutant, upstream: MockServer, tmp_path: Path) -> None:
    """The run against ``mutant`` fails, under the clause it breaks and exactly its expected clauses."""
    with Proxy(upstream, mutant.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json", *mutant.args)
    assert result.code == 1, f"{mutant.name} ({mutant.doc}) passed the run"
    assert result.outcomes[mutant.breaks] == "fail", f"{mutant.name} not caught under {mutant.breaks}"
    assert result.failing == mutant.expected, (
        f"{mutant.name}: blamed {sorted(result.failing - mutant.expected)}, "
        f"not blamed {sorted(mutant.expected - result.failing)}: "
        + "; ".join(f"{c}: {result.messages(c)[:1]}" for c in sorted(result.failing ^ mutant.expected))
    )
