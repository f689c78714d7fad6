"""Response clauses: every 200 body seen in the run (Get bodies and List summaries), checked clause by clause."""

import pytest

from bedrock_conformance._suite import response_clause_ids, verdict


@pytest.fixture(scope="module", autouse=True)
def discovered(conformance):
    conformance.profiles()


@pytest.mark.parametrize("clause", response_clause_ids())
def test_response_clause(conformance, conformance_baseline, clause):
    verdict(conformance, clause, conformance_baseline)
