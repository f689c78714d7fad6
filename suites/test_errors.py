"""Error clauses: every error seen carries its type's status, a readable type and a message; forced where possible."""

import pytest

from bedrock_conformance._suite import error_clause_ids, run_forced_errors, verdict


@pytest.fixture(scope="module", autouse=True)
def forced(conformance):
    run_forced_errors(conformance)


@pytest.mark.parametrize("clause", error_clause_ids())
def test_error_clause(conformance, conformance_baseline, clause):
    verdict(conformance, clause, conformance_baseline)
