"""The inference-profile family: the request clauses of Create, Delete, TagResource, UntagResource and
ListTagsForResource, both ways (the writes only with --allow-writes; whatever is created is deleted)."""

import pytest

from bedrock_conformance.exercises import run_write_requests, write_request_clause_ids
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def write_requests(conformance):
    """Send requests that break each request clause alone, and requests that keep every clause."""
    run_write_requests(conformance)


@pytest.mark.parametrize("clause", write_request_clause_ids())
def test_write_request_clause(conformance, conformance_baseline, clause):
    """Out-of-contract input got 400 ValidationException; in-contract input got success or a modelled non-validation
    answer, never a ValidationException."""
    verdict(conformance, clause, conformance_baseline)
