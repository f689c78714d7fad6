"""Request clauses: identifiers that break a clause get 400 ValidationException; ones that keep it never get 400."""

import pytest

from bedrock_conformance._suite import request_clause_ids, run_request_clause, verdict


@pytest.mark.parametrize("clause", request_clause_ids())
def test_request_clause(conformance, conformance_baseline, clause):
    run_request_clause(conformance, clause)
    verdict(conformance, clause, conformance_baseline)
