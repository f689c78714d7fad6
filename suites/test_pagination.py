"""The inference-profile family: how ListInferenceProfiles pages a listing, and which tokens it refuses."""

import pytest

from bedrock_conformance.exercises import pagination_clause_ids, run_pagination
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def pagination(conformance):
    """Page each typeEquals listing with the smallest maxResults; send tokens issued for another filter or never."""
    run_pagination(conformance)


@pytest.mark.parametrize("clause", pagination_clause_ids())
def test_pagination_clause(conformance, conformance_baseline, clause):
    """Pages are disjoint, complete, within maxResults and filtered; the last has no token; bad tokens get 400."""
    verdict(conformance, clause, conformance_baseline)
