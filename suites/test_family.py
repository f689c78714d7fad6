"""The inference-profile family: the request clauses of ListInferenceProfiles, both ways."""

import pytest

from bedrock_conformance.exercises import list_request_clause_ids, run_list_requests
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def list_requests(conformance):
    """Send Lists whose query breaks each request clause, and Lists whose query keeps it."""
    run_list_requests(conformance)


@pytest.mark.parametrize("clause", list_request_clause_ids())
def test_list_request_clause(conformance, conformance_baseline, clause):
    """Out-of-contract input got 400 ValidationException; in-contract input never got a 400."""
    verdict(conformance, clause, conformance_baseline)
