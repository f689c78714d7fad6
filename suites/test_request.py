"""Request clauses: identifiers that break a clause get 400 ValidationException; ones that keep it never get 400."""

import pytest

from bedrock_conformance.exercises import request_clause_ids, run_request_clause
from bedrock_conformance.frontend import verdict


@pytest.mark.parametrize("clause", request_clause_ids())
def test_request_clause(conformance, conformance_baseline, clause):
    """Send identifiers that break the clause and identifiers that keep it, then judge their answers."""
    run_request_clause(conformance, clause)
    verdict(conformance, clause, conformance_baseline)
