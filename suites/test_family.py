"""The inference-profile family: the request clauses of ListInferenceProfiles, both ways, and the clauses of the
sibling operations' answers."""

import pytest

from bedrock_conformance.exercises import (
    answer_clause_ids,
    list_request_clause_ids,
    run_answer_clauses,
    run_list_requests,
)
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def list_requests(conformance):
    """Send Lists whose query breaks each request clause, and Lists whose query keeps it."""
    run_list_requests(conformance)


@pytest.mark.parametrize("clause", list_request_clause_ids())
def test_list_request_clause(conformance, conformance_baseline, clause):
    """Out-of-contract input got 400 ValidationException; in-contract input never got a 400."""
    verdict(conformance, clause, conformance_baseline)


@pytest.fixture(scope="module")
def answers(conformance):
    """Judge the answers of the sibling operations the run saw."""
    run_answer_clauses(conformance)


@pytest.mark.parametrize("clause", answer_clause_ids())
def test_answer_clause(conformance, conformance_baseline, answers, clause):
    """Every CreateInferenceProfile and ListTagsForResource answer of the run keeps the clause."""
    verdict(conformance, clause, conformance_baseline)
