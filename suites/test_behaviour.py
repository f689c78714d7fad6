"""Behaviour clauses: listed profiles resolve by id and ARN, bodies agree, ARNs fit ids and types, labels decode."""

import pytest

from bedrock_conformance.exercises import (
    behaviour_clause_ids,
    run_application_lifecycle,
    run_listed_profiles,
    run_percent_decoding,
    run_unknown_identifiers,
)
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def exercised(conformance):
    """Resolve the listed profiles, spell their labels every way, ask for unknown ones, and create and delete one."""
    run_listed_profiles(conformance)
    run_percent_decoding(conformance)
    run_unknown_identifiers(conformance)
    run_application_lifecycle(conformance)


@pytest.mark.parametrize("clause", behaviour_clause_ids())
def test_behaviour_clause(conformance, conformance_baseline, clause):
    """The clause holds in every answer the exercises got."""
    verdict(conformance, clause, conformance_baseline)
