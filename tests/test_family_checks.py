"""How the checks judge the family's answers: a sibling request that breaks a clause, one that keeps them all, and a
sibling's success body, each answer and message written out literally.

Statuses and error names are restated from the service model (botocore bedrock 2023-04-20), not read from the code:
ValidationException, SerializationException, ConflictException, TooManyTagsException and
ServiceQuotaExceededException are 400; AccessDeniedException 403; ResourceNotFoundException 404; ThrottlingException
429; InternalServerException 500. CreateInferenceProfile succeeds with 201, every other operation with 200.
CreateInferenceProfile may also answer a valid request with AccessDenied, ResourceNotFound, Conflict, TooManyTags or
ServiceQuotaExceeded; TagResource with AccessDenied, ResourceNotFound or TooManyTags.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bedrock_conformance import checks
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import Outcome

URL = "http://127.0.0.1:1/inference-profiles"
CLAUSE = "CreateInferenceProfile:request.inferenceProfileName.pattern"
ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefghij12"
STATUS = {
    "ValidationException": 400,
    "SerializationException": 400,
    "ConflictException": 400,
    "TooManyTagsException": 400,
    "ServiceQuotaExceededException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}


def answered(status: int, kind: str | None = None, body: Any = None, attempts: int = 1) -> Exchange:
    headers = {"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/"} if kind else {}
    raw = json.dumps({"message": "m"} if body is None else body).encode()
    return Exchange(Request("POST", URL), Response(status, headers, raw), attempts=attempts)


def error(kind: str, attempts: int = 1) -> Exchange:
    return answered(STATUS[kind], kind, attempts=attempts)


NO_ANSWER = Exchange(Request("POST", URL), None, "connection reset by peer")


# ------------------------------------------------------------------------------------------------ refused
@pytest.mark.parametrize(
    ("answers", "exchange", "outcome"),
    [
        (["ValidationException"], error("ValidationException"), Outcome.PASS),
        (["ValidationException", "SerializationException"], error("SerializationException"), Outcome.PASS),
        (["ValidationException"], error("SerializationException"), Outcome.FAIL),
        (["ValidationException"], error("ConflictException"), Outcome.FAIL),  # a 400, but not the refusal asked for
        (["ValidationException"], error("ResourceNotFoundException"), Outcome.FAIL),
        (["ValidationException"], answered(201, body={"inferenceProfileArn": ARN}), Outcome.FAIL),
        (["ValidationException"], answered(200, body={}), Outcome.FAIL),
        (["ValidationException"], answered(400), Outcome.FAIL),  # a 400 of no type
        (["ValidationException"], answered(403, "ValidationException"), Outcome.FAIL),  # its type, not its status
        (["ValidationException"], error("InternalServerException", attempts=3), Outcome.FAIL),
        (["ValidationException"], error("ThrottlingException", attempts=3), Outcome.SKIP),
    ],
)
def test_a_request_that_breaks_a_clause_must_get_the_refusal_asked_for(
    answers: list[str], exchange: Exchange, outcome: Outcome
) -> None:
    result = checks.expect_refused(exchange, CLAUSE, "a b", answers)
    assert result is not None
    assert (result.clause, result.outcome, result.side) == (CLAUSE, outcome, "invalid")


def test_refusal_messages() -> None:
    passed = checks.expect_refused(error("ValidationException"), CLAUSE, "a b", ["ValidationException"])
    assert passed is not None and passed.message == '"a b" rejected: HTTP 400 ValidationException'
    failed = checks.expect_refused(error("ConflictException"), CLAUSE, "a b", ["ValidationException"])
    assert failed is not None and failed.context == {"identifier": "a b"}
    assert failed.message == (
        '"a b" breaks CreateInferenceProfile:request.inferenceProfileName.pattern but was answered'
        " HTTP 400 ConflictException, not HTTP 400 ValidationException"
    )
    either = checks.expect_refused(answered(201), CLAUSE, "{", ["ValidationException", "SerializationException"])
    assert either is not None and either.message == (
        '"{" breaks CreateInferenceProfile:request.inferenceProfileName.pattern but was answered HTTP 201,'
        " not HTTP 400 SerializationException or HTTP 400 ValidationException"
    )
    throttle = checks.expect_refused(error("ThrottlingException", attempts=4), CLAUSE, "a b", ["ValidationException"])
    assert throttle is not None and throttle.message == "stayed HTTP 429 ThrottlingException after 4 attempts"
    assert checks.expect_refused(NO_ANSWER, CLAUSE, "a b", ["ValidationException"]) is None


# ------------------------------------------------------------------------------------------------ allowed
@pytest.mark.parametrize(
    ("operation", "exchange", "outcome"),
    [
        ("CreateInferenceProfile", answered(201, body={"inferenceProfileArn": ARN}), Outcome.PASS),
        ("CreateInferenceProfile", answered(200, body={"inferenceProfileArn": ARN}), Outcome.FAIL),  # not its 201
        ("CreateInferenceProfile", error("ConflictException"), Outcome.PASS),
        ("CreateInferenceProfile", error("TooManyTagsException"), Outcome.PASS),
        ("CreateInferenceProfile", error("ServiceQuotaExceededException"), Outcome.PASS),
        ("CreateInferenceProfile", error("AccessDeniedException"), Outcome.PASS),
        ("CreateInferenceProfile", error("ResourceNotFoundException"), Outcome.PASS),
        ("CreateInferenceProfile", error("ValidationException"), Outcome.FAIL),
        ("CreateInferenceProfile", error("SerializationException"), Outcome.FAIL),
        ("CreateInferenceProfile", answered(400, "TooManyTagsException"[:-1]), Outcome.FAIL),
        ("CreateInferenceProfile", answered(404, "ConflictException"), Outcome.FAIL),  # Conflict is a 400
        ("CreateInferenceProfile", error("InternalServerException", attempts=3), Outcome.FAIL),
        ("CreateInferenceProfile", error("ThrottlingException", attempts=3), Outcome.SKIP),
        ("TagResource", answered(200, body={}), Outcome.PASS),
        ("TagResource", error("TooManyTagsException"), Outcome.PASS),
        ("TagResource", error("ConflictException"), Outcome.FAIL),  # not one of TagResource's answers
        ("TagResource", answered(201, body={}), Outcome.FAIL),
        ("UntagResource", error("TooManyTagsException"), Outcome.FAIL),
        ("DeleteInferenceProfile", error("ConflictException"), Outcome.PASS),
        ("ListTagsForResource", error("ResourceNotFoundException"), Outcome.PASS),
        ("ListTagsForResource", answered(302, "ResourceNotFoundException"), Outcome.FAIL),
    ],
)
def test_a_request_that_keeps_every_clause_gets_its_success_or_a_modelled_answer(
    operation: str, exchange: Exchange, outcome: Outcome
) -> None:
    clause = f"{operation}:request.tags.maxItems"
    result = checks.expect_allowed(exchange, clause, "ok", contract().operation(operation))
    assert result is not None
    assert (result.clause, result.outcome, result.side) == (clause, outcome, "valid")


def test_acceptance_messages_of_the_family() -> None:
    create = contract().operation("CreateInferenceProfile")
    passed = checks.expect_allowed(answered(201, body={"inferenceProfileArn": ARN}), CLAUSE, "ok", create)
    assert passed is not None and passed.message == '"ok" accepted: HTTP 201'
    conflict = checks.expect_allowed(error("ConflictException"), CLAUSE, "ok", create)
    assert conflict is not None and conflict.message == '"ok" accepted: HTTP 400 ConflictException'
    failed = checks.expect_allowed(error("ValidationException"), CLAUSE, "ok", create)
    assert failed is not None and failed.context == {"identifier": "ok"}
    assert failed.message == '"ok" keeps every request clause but was answered HTTP 400 ValidationException'
    fault = checks.expect_allowed(error("InternalServerException", attempts=2), CLAUSE, "ok", create)
    assert fault is not None
    assert (
        fault.message
        == '"ok" keeps every request clause but was answered HTTP 500 InternalServerException after 2 attempts'
    )
    throttle = checks.expect_allowed(error("ThrottlingException", attempts=2), CLAUSE, "ok", create)
    assert throttle is not None and throttle.message == "stayed HTTP 429 ThrottlingException after 2 attempts"
    assert checks.expect_allowed(NO_ANSWER, CLAUSE, "ok", create) is None


# ------------------------------------------------------------------------------------------------ sibling answers
def test_a_sibling_success_body_is_judged_against_its_own_answer_clauses() -> None:
    good = checks.check_sibling_answer(
        answered(201, body={"inferenceProfileArn": ARN, "status": "ACTIVE"}), "CreateInferenceProfile"
    )
    assert [r.outcome for r in good if r.outcome is Outcome.FAIL] == []
    assert "CreateInferenceProfile:response.inferenceProfileArn.pattern" in {r.clause for r in good}
    bad = checks.check_sibling_answer(answered(201, body={"status": "active"}), "CreateInferenceProfile")
    assert {r.clause for r in bad if r.outcome is Outcome.FAIL} == {
        "CreateInferenceProfile:response.inferenceProfileArn.required",
        "CreateInferenceProfile:response.status.enum",
    }
    tags = {"tags": [{"key": "k" * 129, "value": "v"}]}
    listed = checks.check_sibling_answer(answered(200, body=tags), "ListTagsForResource")
    assert {r.clause for r in listed if r.outcome is Outcome.FAIL} == {
        "ListTagsForResource:response.tags.key.maxLength"
    }
    broken = Exchange(Request("POST", URL), Response(201, {}, b'{"inferenceProfileArn": '))
    assert {
        r.clause for r in checks.check_sibling_answer(broken, "CreateInferenceProfile") if r.outcome is Outcome.FAIL
    } == {"CreateInferenceProfile:response.body.type"}


# ------------------------------------------------------------------------------------------------ operations
def test_each_operation_fills_its_own_path() -> None:
    the = contract()
    assert the.operation("GetInferenceProfile").path_for("us.x%3A0") == "/inference-profiles/us.x%3A0"
    assert the.operation("DeleteInferenceProfile").path_for("abc") == "/inference-profiles/abc"
    # Operations without a path label keep their path whatever they are given.
    assert the.operation("ListInferenceProfiles").path_for("abc") == "/inference-profiles"
    assert the.operation("TagResource").path_for("abc") == "/tagResource"


def test_each_operation_places_its_members_where_the_model_binds_them() -> None:
    the = contract()
    assert list(the.operation("GetInferenceProfile").located("uri")) == ["inferenceProfileIdentifier"]
    assert set(the.operation("ListInferenceProfiles").located("querystring")) == {
        "maxResults",
        "nextToken",
        "type",  # typeEquals, named `type` in the query string
        "projectIdentifier",
    }
    assert the.operation("ListInferenceProfiles").located("body") == {}
    assert set(the.operation("CreateInferenceProfile").located("body")) == {
        "inferenceProfileName",
        "description",
        "clientRequestToken",
        "modelSource",
        "tags",
    }
    assert set(the.operation("UntagResource").located("body")) == {"resourceARN", "tagKeys"}
    assert the.operation("CreateInferenceProfile").located("uri") == {}


def test_a_sibling_answer_keeps_the_place_it_was_found_at() -> None:
    from bedrock_conformance._validator import validate_answer

    (broken,) = validate_answer("CreateInferenceProfile", b"{", pointer="/p")
    assert broken.to_dict() == {
        "clause": "CreateInferenceProfile:response.body.type",
        "outcome": "fail",
        "pointer": "/p",
        "value": None,
        "message": "the body is not JSON (Expecting property name enclosed in double quotes at offset 1): '{'",
    }
    failing = [
        f
        for f in validate_answer("ListTagsForResource", {"tags": [{"key": "k"}]}, pointer="/p")
        if f.outcome is Outcome.FAIL
    ]
    assert [(f.clause, f.pointer) for f in failing] == [
        ("ListTagsForResource:response.tags.value.required", "/p/tags/0/value")
    ]


def test_a_judged_request_keeps_its_exchange() -> None:
    exchange = error("ConflictException")
    failed = checks.expect_refused(exchange, CLAUSE, "a b", ["ValidationException"])
    passed = checks.expect_refused(error("ValidationException"), CLAUSE, "a b", ["ValidationException"])
    assert failed is not None and failed.exchange is exchange
    assert passed is not None and passed.exchange is not None and passed.exchange.response is not None
    allowed = checks.expect_allowed(exchange, CLAUSE, "ok", contract().operation("CreateInferenceProfile"))
    refused = checks.expect_allowed(error("ValidationException"), CLAUSE, "ok", contract().operation("TagResource"))
    assert allowed is not None and allowed.exchange is exchange
    assert refused is not None and refused.exchange is not None and refused.exchange.response is not None
