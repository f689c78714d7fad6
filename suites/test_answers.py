"""The answers of the sibling operations (CreateInferenceProfile, ListTagsForResource), judged by their own clauses.

The suites that write get these answers; this one runs after them, so that each clause's verdict counts every answer
the run saw.
"""

import pytest

from bedrock_conformance.exercises import answer_clause_ids, run_answer_clauses
from bedrock_conformance.frontend import verdict


@pytest.fixture(scope="module", autouse=True)
def answers(conformance):
    """Give each answer clause no answer of the run was judged by its reason."""
    run_answer_clauses(conformance)


@pytest.mark.parametrize("clause", answer_clause_ids())
def test_answer_clause(conformance, conformance_baseline, clause):
    """Every CreateInferenceProfile and ListTagsForResource answer of the run keeps the clause."""
    verdict(conformance, clause, conformance_baseline)
