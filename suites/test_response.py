"""Response clauses: every 200 body seen in the run (Get bodies and List summaries), checked clause by clause."""

import pytest

from bedrock_conformance.exercises import response_clause_ids
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def discovered(conformance):
    """List the profiles, if no suite has yet: their summaries are bodies to check too."""
    conformance.profiles()


@pytest.mark.parametrize("clause", response_clause_ids())
def test_response_clause(conformance, conformance_baseline, clause):
    """Every 200 body of the run keeps the clause."""
    verdict(conformance, clause, conformance_baseline)
