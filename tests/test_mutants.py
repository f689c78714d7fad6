"""Self-test: `bedrock-conformance run` fails every broken server under the clause it breaks, and under no other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mutants import MUTANTS, Mutant, _blame
from mutants._caught import FIRST_HALF, assert_caught, param

from bedrock_conformance import contract
from bedrock_conformance.mock import MockServer

PARTS = ("request", "response", "error", "behaviour")
# The page's ListInferenceProfiles request clauses: each sends a query value that breaks it alone.
LIST_REQUEST = {
    "ListInferenceProfiles:request.maxResults.minimum",
    "ListInferenceProfiles:request.maxResults.maximum",
    "ListInferenceProfiles:request.nextToken.minLength",
    "ListInferenceProfiles:request.nextToken.maxLength",
    "ListInferenceProfiles:request.nextToken.pattern",
    "ListInferenceProfiles:request.typeEquals.enum",
}
LIST_TOKEN = {
    "ListInferenceProfiles:request.nextToken.minLength",
    "ListInferenceProfiles:request.nextToken.maxLength",
    "ListInferenceProfiles:request.nextToken.pattern",
}
# The pagination clauses that send a token the request cannot continue (one issued for another type, one never
# issued): each must get 400 ValidationException.
TOKEN_REFUSING = {
    "ListInferenceProfiles:behaviour.nextToken.foreignRejected",
    "ListInferenceProfiles:behaviour.nextToken.garbageRejected",
}


def _checkable() -> set[str]:
    """Clauses a server can break: all but model drift reports and request members that are not on the page."""
    the_contract = contract()
    properties = the_contract.documents["request.json"]["properties"]
    page = the_contract.page_operation.name
    return {
        c.id
        for c in the_contract.clauses.values()
        if c.part in PARTS
        and not (c.operation == page and c.part == "request" and properties[c.member].get("x-on-page") is False)
        # Sibling answers' response clauses: the run judges only the one CreateInferenceProfile answer its lifecycle
        # gets, and no mutant breaks it yet; `validate` and `cassettes check` judge them clause by clause
        # (tests/test_validate_family.py, tests/test_cassettes_family.py).
        and not (c.operation != page and c.part == "response")
    }


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def test_zoo_has_at_least_twenty_mutants_in_every_part() -> None:
    assert len(MUTANTS) >= 20
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    assert {contract().clause(m.breaks).part for m in MUTANTS} == set(PARTS)


def test_zoo_names_only_clauses_that_exist() -> None:
    known = set(contract().clauses)
    for mutant in MUTANTS:
        assert mutant.expected <= known, mutant.name


# What the blame rules (tests/mutants/_blame.py) make of the mutants that cannot break their clause alone, worked out
# by hand from each rule: a change to a rule or to a mutant that moves any of these shows here first.
LASTING_FAULT = {
    "request.inferenceProfileIdentifier.pattern",
    "request.inferenceProfileIdentifier.maxLength",
    "request.inferenceProfileIdentifier.minLength",
    "behaviour.unknownIdentifier.notFound",
}
EXTRAS = {
    "rejects-minimum-length": {"request.inferenceProfileIdentifier.pattern", "behaviour.unknownIdentifier.notFound"},
    "response:description.minLength": {"response.description.pattern"},
    "response:inferenceProfileArn.minLength": {
        "response.inferenceProfileArn.pattern",
        "behaviour.inferenceProfileArn.endsWithId",
    },
    "response:inferenceProfileArn.maxLength": {"behaviour.inferenceProfileArn.endsWithId"},
    "response:inferenceProfileId.minLength": {
        "response.inferenceProfileId.pattern",
        "behaviour.inferenceProfileArn.endsWithId",
    },
    "response:inferenceProfileId.pattern": {"response.inferenceProfileArn.pattern"},
    "response:inferenceProfileName.minLength": {"response.inferenceProfileName.pattern"},
    # Rule 1: List summaries carrying NaN are no JSON (RFC 8259), so their page is no JSON object: no List page.
    "nan-in-body": {"behaviour.listInferenceProfiles.isListPage"},
    "validation-with-422": {
        "request.inferenceProfileIdentifier.pattern",
        "request.inferenceProfileIdentifier.maxLength",
        *LIST_REQUEST,
        *TOKEN_REFUSING,
    },
    "not-found-with-400": {
        "request.inferenceProfileIdentifier.pattern",
        "request.inferenceProfileIdentifier.maxLength",
        "request.inferenceProfileIdentifier.minLength",
        "behaviour.unknownIdentifier.notFound",
    },
    "untyped-not-found": {"behaviour.unknownIdentifier.notFound"},
    # Rule 5: a List that ignores nextToken answers 200 to the tokens that break the page, to a token issued for
    # another type and to one never issued; one that gives the first page again shows a profile on two pages.
    "list-repeats-next-token": LIST_TOKEN | TOKEN_REFUSING | {"ListInferenceProfiles:behaviour.pages.disjoint"},
    "list-never-ends": LIST_TOKEN | TOKEN_REFUSING,
    # A 5xx that outlives the retries is an answer (rule 2): unknown identifiers answered 5xx break every clause
    # that sends valid identifiers, and the unknown-identifier clause.
    "throttling-with-500": LASTING_FAULT,
    "access-denied-with-500": LASTING_FAULT,
    "internal-error-with-503": LASTING_FAULT,
    "unknown-identifiers-500": LASTING_FAULT - {"behaviour.unknownIdentifier.notFound"},
    # Rule 3: overlong identifiers are invalid too, and get 500 instead of 400.
    "invalid-identifier-internal-error": {"request.inferenceProfileIdentifier.maxLength"},
    # Rule 3: a 200 to an identifier no listed profile has answers with another profile.
    "accepts-invalid-identifier": {"behaviour.inferenceProfileIdentifier.identifiesProfile"},
    "unknown-identifier-found": {"behaviour.inferenceProfileIdentifier.identifiesProfile"},
    # Rule 3: the unknown identifiers include known ones with their case changed or moved to another account,
    # region or partition (aws-iso-b among them), which must get 404.
    "rejects-valid-partition": {"behaviour.unknownIdentifier.notFound"},
    "case-insensitive-lookup": {"behaviour.unknownIdentifier.notFound"},
    "arn-resolved-by-resource-id": {"behaviour.unknownIdentifier.notFound"},
    # Rule 4.
    "application-profile-with-system-arn": {"behaviour.inferenceProfileIdentifier.identifiesProfile"},
    "no-percent-decoding": {
        "behaviour.listedProfile.resolvesById",
        "behaviour.listedProfile.resolvesByArn",
        "request.inferenceProfileIdentifier.pattern",
        "request.inferenceProfileIdentifier.maxLength",
    },
    # Rule 6: the write suites send the same kinds of request.
    "create-unknown-source-500": {"CreateInferenceProfile:request.modelSource.copyFrom.maxLength"},
    "delete-system-profile-accepted": {"DeleteInferenceProfile:request.inferenceProfileIdentifier.maxLength"},
    "create-tags-dropped": {
        "CreateInferenceProfile:request.tags.maxItems",
        "CreateInferenceProfile:request.tags.key.minLength",
        "CreateInferenceProfile:request.tags.key.maxLength",
        "CreateInferenceProfile:request.tags.key.pattern",
        "CreateInferenceProfile:request.tags.value.maxLength",
        "CreateInferenceProfile:request.tags.value.pattern",
    },
    "tag-resource-lost": {
        "TagResource:request.resourceARN.minLength",
        "TagResource:request.resourceARN.maxLength",
        "TagResource:request.resourceARN.pattern",
    },
    "tag-50-refused": {"TagResource:request.tags.maxItems"},
    "list-tags-rejects-application-profile-arn": {
        "ListTagsForResource:behaviour.tags.fromCreate",
        "ListTagsForResource:behaviour.tags.fromTagResource",
    },
}


def test_the_blame_rules_give_exactly_the_extras_worked_out_by_hand() -> None:
    assert {m.name: set(m.also) for m in MUTANTS if m.also} == EXTRAS


def test_the_identifier_rule_sees_the_fixed_probes_of_every_request_and_behaviour_clause() -> None:
    sent = set(_blame.probes())
    for clause in ("minLength", "pattern"):
        assert (f"request.inferenceProfileIdentifier.{clause}", "-") in sent
    assert ("behaviour.unknownIdentifier.notFound", "-") in sent
    assert ("behaviour.listedProfile.resolvesById", "us.anthropic.claude-3-haiku-20240307-v1:0") in sent
    assert {c for c, _ in sent} >= {
        "request.inferenceProfileIdentifier.maxLength",
        "behaviour.listedProfile.resolvesByArn",
    }


@pytest.mark.parametrize(
    ("body", "broken"),
    [
        ({}, {"required"}),
        ({"inferenceProfileId": 7}, {"id-type"}),
        ({"status": True}, {"status-type"}),
        ({"inferenceProfileId": "us.x:0\n"}, {"id-pattern", "ends"}),
        ({"models": [{"modelArn": "arn:aws:bedrock:us-east-1::model/x.y"}] * 6}, {"max", "model-pattern"}),
        ({"type": "APPLICATION"}, {"resource"}),
    ],
)
def test_the_body_rule_judges_by_the_page(body: dict, broken: set[str]) -> None:
    names = {
        "required": {f"response.{m}.required" for m in _blame.REQUIRED},
        "id-type": {"response.inferenceProfileId.type"},
        "status-type": {"response.status.type"},
        "id-pattern": {"response.inferenceProfileId.pattern"},
        "ends": {"behaviour.inferenceProfileArn.endsWithId"},
        "max": {"response.models.maxItems"},
        "model-pattern": {"response.models.modelArn.pattern"},
        "resource": {"behaviour.inferenceProfileArn.resourceType"},
    }
    whole = body if not body else {**_blame.PROFILE, **body}
    assert _blame.broken_by_body(whole) == set().union(*(names[b] for b in broken))


def test_every_checkable_clause_has_a_mutant() -> None:
    assert _checkable() - {m.breaks for m in MUTANTS} == set()


def test_request_validation_is_broken_both_ways() -> None:
    by_clause: dict[str, set[str]] = {}
    for mutant in MUTANTS:
        by_clause.setdefault(mutant.breaks, set()).add(mutant.name)
    pattern, maximum = "request.inferenceProfileIdentifier.pattern", "request.inferenceProfileIdentifier.maxLength"
    assert {"accepts-invalid-identifier", "rejects-valid-partition"} <= by_clause[pattern]
    assert {"accepts-overlong-identifier", "rejects-maximum-length"} <= by_clause[maximum]
    # ListInferenceProfiles: maxResults 1001 accepted, and maxResults 1000 refused, under the page's maximum.
    list_maximum = "ListInferenceProfiles:request.maxResults.maximum"
    assert {"list-accepts-max-results-1001", "list-rejects-max-results-1000"} <= by_clause[list_maximum]


@pytest.mark.parametrize("mutant", [param(m) for m in FIRST_HALF])
def test_mutant_fails_under_its_clause_and_no_other(mutant: Mutant, reference_mock: MockServer, tmp_path: Path) -> None:
    assert_caught(mutant, reference_mock, tmp_path)
