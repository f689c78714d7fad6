from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_conformance import Outcome, validate_identifier, validate_response
from bedrock_conformance._regex import branch_examples, pump
from bedrock_conformance._schemas import contract
from bedrock_conformance._strategies import (
    breakable_response_clauses,
    deviating_bodies,
    entangled,
    identifier_examples,
    invalid_bodies,
    invalid_identifier_examples,
    invalid_identifiers,
    request_clauses,
    valid_bodies,
    valid_identifiers,
)
from bedrock_conformance._validator import failing, outcomes_by_clause

IDENTIFIER = contract().schema("request.json", f"/properties/{contract().path_label}")


@given(valid_identifiers())
def test_every_valid_identifier_draw_validates(value: str) -> None:
    assert not failing(validate_identifier(value))


def test_explicit_examples_cover_every_branch_and_the_boundary_lengths() -> None:
    examples = identifier_examples()
    lengths = {len(v) for v in examples.values()}
    assert {IDENTIFIER["minLength"], IDENTIFIER["maxLength"] - 1, IDENTIFIER["maxLength"]} <= lengths
    joined = " ".join(examples.values())
    for partition in ("arn:aws:", "arn:aws-us-gov:", "arn:aws-cn:", "arn:aws-iso:", "arn:aws-iso-b:"):
        assert partition in joined
    assert ":inference-profile/" in joined and ":application-inference-profile/" in joined
    assert re.search(r"bedrock:::", joined), "empty region and account form"
    assert re.search(r":\d{12}:", joined), "an account form"
    assert any(":" not in v and "/" not in v for v in examples.values()), "a bare id"
    assert any(v.startswith("arn:") and len(v) == IDENTIFIER["maxLength"] for v in examples.values())
    for value in examples.values():
        assert not failing(validate_identifier(value)), value


def test_branch_examples_take_every_alternative() -> None:
    assert set(branch_examples("^(a|bc|)x{1,3}$")) >= {"x", "ax", "bcx", "axxx"}


def test_pump_grows_a_value_to_an_exact_length_and_keeps_it_valid() -> None:
    grown = pump("arn:x/y", 50, lambda s: re.fullmatch(r"arn:x/[a-z]+", s) is not None)
    assert grown is not None and len(grown) == 50


@pytest.mark.parametrize("clause", [c.id for c in request_clauses()])
def test_every_invalid_identifier_fails_its_clause_and_no_other(clause: str) -> None:
    allowed = {clause} | entangled(clause)

    @settings(max_examples=30)
    @given(invalid_identifiers(clause))
    def check(value: str) -> None:
        assert failing(validate_identifier(value)) == allowed

    check()


def test_only_the_empty_identifier_is_entangled_with_the_pattern() -> None:
    assert entangled("request.inferenceProfileIdentifier.minLength") == {"request.inferenceProfileIdentifier.pattern"}
    assert entangled("request.inferenceProfileIdentifier.maxLength") == frozenset()
    assert entangled("request.inferenceProfileIdentifier.pattern") == frozenset()


@settings(max_examples=200)
@given(st.data())
def test_pattern_violations_include_the_classes_the_issue_names(data: st.DataObject) -> None:
    value = data.draw(invalid_identifiers("request.inferenceProfileIdentifier.pattern"))
    assert not re.fullmatch(r"[a-zA-Z0-9:.\-]+", value) or value.startswith("arn")


def test_explicit_pattern_violations_reach_each_structural_mistake() -> None:
    seen = invalid_identifier_examples("request.inferenceProfileIdentifier.pattern")
    joined = "\n".join(seen)
    assert any(v.endswith("\n") for v in seen), "a trailing newline"
    assert any(v.endswith("/") for v in seen), "nothing after the slash"
    assert re.search(r"arn:aws[^:\n]*:(?!bedrock:)[^:\n]*:", joined), "a wrong service"
    assert re.search(r":(\d{1,11}|\d{13}):", joined), "an account that is not 12 digits"
    assert re.search(r"arn:aws[^-:\n][^:\n]*:bedrock", joined) or re.search(
        r"arn:aws-(?!us-gov:|cn:|iso:|iso-b:)", joined
    )
    assert re.search(r":(?!inference-profile/|application-inference-profile/)[a-z!-]*profile", joined), "a wrong type"
    assert any(len(v) > 20 and "!" in v for v in seen), "one forbidden character"


@pytest.mark.parametrize("clause", [c.id for c in request_clauses()])
def test_every_explicit_invalid_identifier_fails_its_clause_and_no_other(clause: str) -> None:
    examples = invalid_identifier_examples(clause)
    assert examples
    for value in examples:
        assert failing(validate_identifier(value)) == {clause} | entangled(clause), value


def test_the_maximum_is_broken_by_2049_otherwise_valid_characters() -> None:
    lengths = {len(v) for v in invalid_identifier_examples("request.inferenceProfileIdentifier.maxLength")}
    assert lengths == {IDENTIFIER["maxLength"] + 1}


@given(valid_bodies())
def test_every_valid_body_passes_every_clause(body: dict) -> None:
    assert set(outcomes_by_clause(validate_response(body)).values()) == {Outcome.PASS}


@pytest.mark.parametrize("clause", [c.id for c in breakable_response_clauses()])
def test_every_invalid_body_fails_its_clause_and_no_other(clause: str) -> None:
    allowed = {clause} | entangled(clause)

    @settings(max_examples=15)
    @given(invalid_bodies(clause))
    def check(body: object) -> None:
        assert failing(validate_response(body)) == allowed

    check()


@pytest.mark.parametrize("clause", sorted(contract().deviations))
def test_deviating_bodies_deviate_on_their_clause_only_and_fail_it_when_strict(clause: str) -> None:
    @settings(max_examples=10)
    @given(deviating_bodies(clause))
    def check(body: dict) -> None:
        outcomes = outcomes_by_clause(validate_response(body))
        assert {c for c, o in outcomes.items() if o is not Outcome.PASS} == {clause}
        assert outcomes[clause] is Outcome.DEVIATION
        assert failing(validate_response(body, strict=True)) == {clause}

    check()
