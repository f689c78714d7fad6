"""SDK clauses: each SDK chosen with --sdk drives GetInferenceProfile against the reference mock and canned answers."""

import pytest

from bedrock_conformance.exercises import run_sdk_suites, sdk_clause_ids
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def sdk_runs(conformance):
    """Run the sdk.* suites for every SDK named with --sdk."""
    run_sdk_suites(conformance)


@pytest.mark.parametrize("clause", sdk_clause_ids())
def test_sdk_clause(conformance, conformance_baseline, clause):
    """Every SDK run keeps the clause."""
    verdict(conformance, clause, conformance_baseline)
