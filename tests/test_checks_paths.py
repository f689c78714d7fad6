"""The sibling operations' request sides (``expect_refused``, ``expect_allowed``), message by message.

Expected statuses are the error tables' (errors.json and the service model), restated literally: ValidationException
and SerializationException 400, TooManyTagsException 400, AccessDeniedException 403, ResourceNotFoundException 404,
ThrottlingException 429, InternalServerException 500; CreateInferenceProfile answers 201.
"""

from __future__ import annotations

import json

from bedrock_conformance import checks
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import Outcome

URL = "http://127.0.0.1:1/inference-profiles"
CLAUSE = "CreateInferenceProfile:request.inferenceProfileName.pattern"
REFUSALS = ("ValidationException", "SerializationException")


def answered(status: int, kind: str | None = None, attempts: int = 1) -> Exchange:
    headers = {"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/"} if kind else {}
    body = json.dumps({"message": "m"} if kind else {}).encode()
    return Exchange(Request("POST", URL), Response(status, headers, body), attempts=attempts)


NO_ANSWER = Exchange(Request("POST", URL), None, "connection reset by peer")


def test_a_refused_request_passes_with_any_of_the_named_errors_at_its_own_status() -> None:
    for kind in REFUSALS:
        result = checks.expect_refused(answered(400, kind), CLAUSE, "a b", REFUSALS)
        assert result is not None
        assert (result.outcome, result.message, result.side) == (
            Outcome.PASS,
            f'"a b" rejected: HTTP 400 {kind}',
            "invalid",
        )


def test_a_refusal_with_another_answer_fails_and_names_every_accepted_one() -> None:
    wanted = "not HTTP 400 SerializationException or HTTP 400 ValidationException"
    for exchange, got in [
        (answered(201), "HTTP 201"),
        (answered(200), "HTTP 200"),
        (answered(404, "ResourceNotFoundException"), "HTTP 404 ResourceNotFoundException"),
        # The right status with another type is no refusal of this kind.
        (answered(400, "TooManyTagsException"), "HTTP 400 TooManyTagsException"),
        (answered(400), "HTTP 400"),
        # A server fault names the attempts the transport made.
        (answered(500, "InternalServerException", attempts=3), "HTTP 500 InternalServerException after 3 attempts"),
    ]:
        result = checks.expect_refused(exchange, CLAUSE, "a b", REFUSALS)
        assert result is not None
        assert (result.outcome, result.side, result.context) == (Outcome.FAIL, "invalid", {"identifier": "a b"})
        assert result.message == f'"a b" breaks {CLAUSE} but was answered {got}, {wanted}'


def test_a_refusal_that_stays_throttled_is_skipped_and_no_answer_is_no_result() -> None:
    result = checks.expect_refused(answered(429, "ThrottlingException", attempts=4), CLAUSE, "a b", REFUSALS)
    assert result is not None
    assert (result.outcome, result.message, result.side) == (
        Outcome.SKIP,
        "stayed HTTP 429 ThrottlingException after 4 attempts",
        "invalid",
    )
    assert checks.expect_refused(NO_ANSWER, CLAUSE, "a b", REFUSALS) is None


def test_an_allowed_request_passes_with_its_success_status_or_a_valid_answer() -> None:
    create = contract().operation("CreateInferenceProfile")
    for exchange, got in [
        (answered(201), "HTTP 201"),
        (answered(400, "TooManyTagsException"), "HTTP 400 TooManyTagsException"),
        (answered(400, "ConflictException"), "HTTP 400 ConflictException"),
        (answered(403, "AccessDeniedException"), "HTTP 403 AccessDeniedException"),
        (answered(404, "ResourceNotFoundException"), "HTTP 404 ResourceNotFoundException"),
    ]:
        result = checks.expect_allowed(exchange, CLAUSE, "good", create)
        assert result is not None
        assert (result.outcome, result.message, result.side) == (Outcome.PASS, f'"good" accepted: {got}', "valid")


def test_an_allowed_request_fails_with_another_success_or_a_refusal() -> None:
    create = contract().operation("CreateInferenceProfile")
    for exchange, got in [
        # 200 is not CreateInferenceProfile's success status (201).
        (answered(200), "HTTP 200"),
        # ValidationException is a 400 like TooManyTagsException, but says a clause was broken.
        (answered(400, "ValidationException"), "HTTP 400 ValidationException"),
        # The allowed type at a status that is not its own.
        (answered(409, "ConflictException"), "HTTP 409 ConflictException"),
        (answered(500, "InternalServerException", attempts=2), "HTTP 500 InternalServerException after 2 attempts"),
    ]:
        result = checks.expect_allowed(exchange, CLAUSE, "good", create)
        assert result is not None
        assert (result.outcome, result.side, result.context) == (Outcome.FAIL, "valid", {"identifier": "good"})
        assert result.message == f'"good" keeps every request clause but was answered {got}'


def test_an_allowed_request_that_stays_throttled_is_skipped_and_no_answer_is_no_result() -> None:
    create = contract().operation("CreateInferenceProfile")
    result = checks.expect_allowed(answered(429, "ThrottlingException"), CLAUSE, "good", create)
    assert result is not None
    assert (result.outcome, result.message, result.side) == (
        Outcome.SKIP,
        "stayed HTTP 429 ThrottlingException after 1 attempt",
        "valid",
    )
    assert checks.expect_allowed(NO_ANSWER, CLAUSE, "good", create) is None
