"""A clause's pytest outcome, by the same rule as the reports'."""

from __future__ import annotations

import pytest

from .._engine import Session
from .._schemas import contract
from .._validator import Outcome
from ..checks import clause_verdict


def verdict(session: Session, clause_id: str, baseline: dict[str, str]) -> None:
    """Turn the clause's recorded results (every worker's, under pytest-xdist) into a pytest outcome."""
    evidence = session.evidence or session.recorder
    results = evidence.of(clause_id)
    # The same rule as the reports' (checks.clause_verdict), so that pytest and the report never disagree.
    decided = clause_verdict(results, evidence.skips.get(clause_id))
    if decided.outcome is Outcome.SKIP:
        pytest.skip(decided.reason or "")
    if decided.outcome is Outcome.FAIL:
        failures = [r for r in results if r.outcome is Outcome.FAIL]
        lines = [f"{clause_id}: {contract().clause(clause_id).spec}"]
        for result in failures[:3]:
            lines.append(f"  {result.message}")
            if result.exchange is not None:
                lines.append(f"    reproduce: {result.exchange.curl()}")
        if clause_id in baseline:
            pytest.xfail(f"known failure: {baseline[clause_id]}")
        pytest.fail("\n".join(lines), pytrace=False)
