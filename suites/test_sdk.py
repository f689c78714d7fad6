"""SDK clauses: each SDK chosen with --sdk drives GetInferenceProfile against the reference mock and canned answers."""

import pytest

from bedrock_conformance._suite import run_sdk_suites, verdict
from bedrock_conformance.sdk import sdk_clause_ids


@pytest.fixture(scope="module", autouse=True)
def sdk_runs(conformance):
    run_sdk_suites(conformance)


@pytest.mark.parametrize("clause", sdk_clause_ids())
def test_sdk_clause(conformance, conformance_baseline, clause):
    verdict(conformance, clause, conformance_baseline)
