"""The application-profile lifecycle: Create, Delete and tagging, each step judged by the answers after it."""

import pytest

from bedrock_conformance.exercises import lifecycle_clause_ids, run_lifecycle
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def lifecycle(conformance):
    """Create an application profile, ask again, tag, untag and delete it; whatever is created is deleted."""
    run_lifecycle(conformance)


@pytest.mark.parametrize("clause", lifecycle_clause_ids())
def test_lifecycle_clause(conformance, conformance_baseline, clause):
    """The clause held in every answer of the lifecycle."""
    verdict(conformance, clause, conformance_baseline)
