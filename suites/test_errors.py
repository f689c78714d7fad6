"""Error clauses: every error seen carries its type's status, a readable type and a message; forced where possible."""

import pytest

from bedrock_conformance.exercises import error_clause_ids, run_forced_errors
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def forced(conformance):
    """Force each modelled error, where the target allows it."""
    run_forced_errors(conformance)


@pytest.mark.parametrize("clause", error_clause_ids())
def test_error_clause(conformance, conformance_baseline, clause):
    """Every answer of the error's type, forced or met in the run, carries its status, type and message."""
    verdict(conformance, clause, conformance_baseline)
