"""The words a report shows: every message of checks.py's results and verdicts, and the key names of a finding and a
clause in the JSON report, written out literally (statuses and error names from the GetInferenceProfile page)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bedrock_conformance import checks
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._schemas import Deviation
from bedrock_conformance._validator import Finding, Outcome

URL = "http://127.0.0.1:1/inference-profiles/x"
ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
APP_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdef123456"
PROFILE_ID = "us.anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = {
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "inferenceProfileArn": ARN,
    "inferenceProfileId": PROFILE_ID,
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
    "createdAt": "2024-08-20T00:00:00Z",
    "updatedAt": "2024-08-20T00:00:00Z",
}
TYPES = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    429: "ThrottlingException",
    500: "InternalServerException",
}


def answered(status: int, body: Any = None, headers: dict[str, str] | None = None, attempts: int = 1) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {}).encode()
    return Exchange(Request("GET", URL), Response(status, dict(headers or {}), raw), attempts=attempts)


def error(status: int, attempts: int = 1) -> Exchange:
    headers = {"x-amzn-ErrorType": f"{TYPES[status]}:http://internal.amazon.com/coral/"}
    return answered(status, {"message": "m"}, headers, attempts)


def ok(body: Any = None, content_type: str | None = "application/json") -> Exchange:
    return answered(200, PROFILE if body is None else body, {"Content-Type": content_type} if content_type else {})


NO_ANSWER = Exchange(Request("GET", URL), None, "connection reset by peer")


# ------------------------------------------------------------------------------------------------ answers
@pytest.mark.parametrize(
    ("exchange", "text"),
    [
        (NO_ANSWER, "no answer (connection reset by peer)"),
        (ok(), "HTTP 200"),
        (answered(204), "HTTP 204"),
        (answered(302, {"__type": "ValidationException"}), "HTTP 302 ValidationException"),
        (answered(299, {"__type": "ValidationException"}), "HTTP 299"),
        (error(404), "HTTP 404 ResourceNotFoundException"),
        (answered(400, {"message": "no type"}), "HTTP 400"),
        (answered(500, b"<html>oops</html>"), "HTTP 500"),
    ],
)
def test_describe_says_status_and_error_type(exchange: Exchange, text: str) -> None:
    assert checks.describe(exchange) == text


@pytest.mark.parametrize(
    ("content_type", "outcome", "message"),
    [
        ("application/json", Outcome.PASS, "Content-Type 'application/json'"),
        ("application/json; charset=utf-8", Outcome.PASS, "Content-Type 'application/json; charset=utf-8'"),
        ("application/json; charset=utf-8; q=1", Outcome.PASS, "Content-Type 'application/json; charset=utf-8; q=1'"),
        (" Application/JSON ", Outcome.PASS, "Content-Type ' Application/JSON '"),
        ("text/plain", Outcome.FAIL, "Content-Type is 'text/plain', not application/json"),
        ("application/json-seq", Outcome.FAIL, "Content-Type is 'application/json-seq', not application/json"),
        (None, Outcome.FAIL, "Content-Type is None, not application/json"),
    ],
)
def test_content_type_messages(content_type: str | None, outcome: Outcome, message: str) -> None:
    result = checks.check_content_type(ok(content_type=content_type))
    assert (result.clause, result.outcome, result.message) == ("response.body.contentType", outcome, message)


def test_answer_results_carry_the_pointer_or_a_slash() -> None:
    results = checks.check_answer(ok({**PROFILE, "status": "PAUSED"}))
    assert results[0].clause == "response.body.contentType"
    failed = [r for r in results if r.outcome is Outcome.FAIL]
    assert [r.clause for r in failed] == ["response.status.enum"]
    assert failed[0].message.startswith("/status: ")
    assert failed[0].finding is not None and failed[0].finding.pointer == "/status"
    assert all(r.exchange is not None for r in results)
    whole = checks.check_answer(ok([1]))
    assert [r.message.split(":", 1)[0] for r in whole if r.clause == "response.body.type"] == ["/"]
    assert checks.check_answer(answered(302)) == []
    assert checks.check_answer(answered(199)) == []
    assert checks.check_answer(NO_ANSWER) == []
    listing = checks.check_answer(ok({"inferenceProfileSummaries": [PROFILE]}), listing=True)
    assert not [r for r in listing if r.outcome is Outcome.FAIL]
    errors = checks.check_answer(error(404))
    assert {r.clause for r in errors} >= {"error.message.required", "error.ResourceNotFoundException.status"}


# ------------------------------------------------------------------------------------------------ request sides
def test_throttled_answers_say_how_often_they_were_sent() -> None:
    once = checks.still_throttled(error(429), "request.x.pattern", "invalid")
    assert once is not None
    assert (once.outcome, once.message, once.side) == (
        Outcome.SKIP,
        "stayed HTTP 429 ThrottlingException after 1 attempt",
        "invalid",
    )
    thrice = checks.still_throttled(error(429, attempts=3), "request.x.pattern")
    assert thrice is not None and thrice.message == "stayed HTTP 429 ThrottlingException after 3 attempts"
    assert thrice.side is None
    assert checks.still_throttled(error(500, attempts=3), "request.x.pattern") is None
    assert checks.still_throttled(NO_ANSWER, "request.x.pattern") is None


def test_rejection_messages() -> None:
    clause = "request.inferenceProfileIdentifier.pattern"
    passed = checks.expect_rejected(error(400), clause, "a b")
    assert passed is not None
    assert (passed.outcome, passed.message, passed.side) == (
        Outcome.PASS,
        '"a b" rejected: HTTP 400 ValidationException',
        "invalid",
    )
    failed = checks.expect_rejected(error(404), clause, "a b")
    assert failed is not None
    assert failed.message == (
        '"a b" breaks request.inferenceProfileIdentifier.pattern but was answered HTTP 404 ResourceNotFoundException,'
        " not HTTP 400 ValidationException"
    )
    assert (failed.outcome, failed.context, failed.side) == (Outcome.FAIL, {"identifier": "a b"}, "invalid")
    fault = checks.expect_rejected(error(500, attempts=3), clause, "a b")
    assert fault is not None and fault.message == (
        '"a b" breaks request.inferenceProfileIdentifier.pattern but was answered HTTP 500 InternalServerException'
        " after 3 attempts, not HTTP 400 ValidationException"
    )
    throttle = checks.expect_rejected(error(429, attempts=2), clause, "a b")
    assert throttle is not None
    assert (throttle.outcome, throttle.message, throttle.side) == (
        Outcome.SKIP,
        "stayed HTTP 429 ThrottlingException after 2 attempts",
        "invalid",
    )
    untyped = checks.expect_rejected(answered(400, {"message": "m"}), clause, "a b")
    assert untyped is not None and untyped.outcome is Outcome.FAIL
    assert checks.expect_rejected(NO_ANSWER, clause, "a b") is None


def test_acceptance_messages() -> None:
    clause = "request.inferenceProfileIdentifier.pattern"
    for exchange, got in [
        (ok(), "HTTP 200"),
        (error(403), "HTTP 403 AccessDeniedException"),
        (error(404), "HTTP 404 ResourceNotFoundException"),
    ]:
        result = checks.expect_accepted(exchange, clause, "us.good:0", 200)
        assert result is not None
        assert (result.outcome, result.message, result.side) == (Outcome.PASS, f'"us.good:0" accepted: {got}', "valid")
    failed = checks.expect_accepted(error(400), clause, "us.good:0", 200)
    assert failed is not None
    assert (failed.outcome, failed.message, failed.context, failed.side) == (
        Outcome.FAIL,
        '"us.good:0" keeps every request clause but was answered HTTP 400 ValidationException',
        {"identifier": "us.good:0"},
        "valid",
    )
    fault = checks.expect_accepted(error(500, attempts=4), clause, "us.good:0", 200)
    assert fault is not None and fault.message == (
        '"us.good:0" keeps every request clause but was answered HTTP 500 InternalServerException after 4 attempts'
    )
    throttle = checks.expect_accepted(error(429), clause, "us.good:0", 200)
    assert throttle is not None and (throttle.outcome, throttle.side) == (Outcome.SKIP, "valid")
    assert checks.expect_accepted(NO_ANSWER, clause, "us.good:0", 200) is None


def test_long_identifiers_are_shortened_with_their_length() -> None:
    clause = "request.inferenceProfileIdentifier.maxLength"
    value = "a" * 70 + "b" * 30
    result = checks.expect_rejected(error(400), clause, value)
    assert result is not None
    # JSON text: the quote and 59 characters, an ellipsis, the last 11 characters and the quote.
    assert (
        result.message == '"' + "a" * 59 + "…" + "b" * 11 + '" (100 characters) rejected: HTTP 400 ValidationException'
    )
    exact = "c" * 78  # 80 characters once quoted: shown whole
    kept = checks.expect_rejected(error(400), clause, exact)
    assert kept is not None and kept.message == f'"{exact}" rejected: HTTP 400 ValidationException'
    over = "c" * 79
    cut = checks.expect_rejected(error(400), clause, over)
    assert cut is not None and cut.message.startswith('"' + "c" * 59 + "…") and "(79 characters)" in cut.message


# ------------------------------------------------------------------------------------------------ unknown identifiers
def test_not_found_messages() -> None:
    clause = "behaviour.unknownIdentifier.notFound"
    passed = checks.expect_not_found(error(404), "nope")
    assert passed is not None
    assert (passed.clause, passed.outcome, passed.message, passed.context) == (
        clause,
        Outcome.PASS,
        '"nope" names no profile: HTTP 404 ResourceNotFoundException',
        {"identifier": "nope"},
    )
    failed = checks.expect_not_found(error(400), "nope")
    assert failed is not None and (failed.outcome, failed.message) == (
        Outcome.FAIL,
        '"nope" names no profile: HTTP 400 ValidationException, not HTTP 404 ResourceNotFoundException',
    )
    other = checks.expect_not_found(error(400), "nope", other_account=True)
    assert other is not None and other.message == (
        '"nope" names no profile: HTTP 400 ValidationException, not HTTP 404 ResourceNotFoundException'
        " (or HTTP 403 AccessDeniedException)"
    )
    elsewhere = checks.expect_not_found(error(403), "arn", other_account=True)
    assert elsewhere is not None and (elsewhere.outcome, elsewhere.message) == (
        Outcome.PASS,
        '"arn" names another account: HTTP 403 AccessDeniedException',
    )
    denied = error(403)
    early = checks.expect_not_found(denied, "nope", access_proven=False)
    assert early is not None and (early.clause, early.exchange) == (clause, denied)
    assert early is not None and (early.outcome, early.message) == (
        Outcome.SKIP,
        "were HTTP 403 AccessDeniedException before any listed profile resolved: access may be denied to every profile",
    )
    late = checks.expect_not_found(error(403), "nope")
    assert late is not None and late.outcome is Outcome.FAIL
    fault = checks.expect_not_found(error(500, attempts=3), "nope")
    assert fault is not None and fault.message == (
        '"nope" names no profile: HTTP 500 InternalServerException after 3 attempts,'
        " not HTTP 404 ResourceNotFoundException"
    )
    throttle = checks.expect_not_found(error(429, attempts=3), "nope")
    assert throttle is not None and (throttle.clause, throttle.outcome, throttle.message) == (
        clause,
        Outcome.SKIP,
        "stayed HTTP 429 ThrottlingException after 3 attempts",
    )
    assert checks.expect_not_found(NO_ANSWER, "nope") is None


# ------------------------------------------------------------------------------------------------ verdict reasons
def _result(outcome: Outcome, side: str | None = None, message: str = "m") -> checks.Result:
    return checks.Result("request.x.pattern", outcome, message, side=side)


def test_verdict_reasons_count_alike_answers() -> None:
    throttled = "stayed HTTP 429 ThrottlingException after 3 attempts"
    results = [
        _result(Outcome.PASS),
        _result(Outcome.SKIP, message=throttled),
        _result(Outcome.SKIP, message=throttled),
    ]
    results.append(_result(Outcome.SKIP, message="other"))
    verdict = checks.clause_verdict(results)
    assert verdict.outcome is Outcome.PASS
    assert verdict.reason == f"2 of 4 answers {throttled}; 1 of 4 answers other"
    assert checks.clause_verdict([]).reason == "no check of this clause ran against this target"
    assert checks.clause_verdict([], "not asked").reason == "not asked"
    only_skips = checks.clause_verdict([_result(Outcome.SKIP, message="x")], "why")
    assert (only_skips.outcome, only_skips.reason) == (Outcome.SKIP, "1 of 1 answers x")
    failed = checks.clause_verdict([_result(Outcome.FAIL), _result(Outcome.SKIP, message="x")])
    assert (failed.outcome, failed.reason) == (Outcome.FAIL, "1 of 2 answers x")
    assert checks.clause_verdict([_result(Outcome.PASS)]).reason is None


def test_verdict_reasons_for_a_side_never_judged_or_undecided() -> None:
    one = checks.clause_verdict([_result(Outcome.PASS, "invalid")])
    assert (one.outcome, one.reason) == (
        Outcome.SKIP,
        "its valid side was never judged: no check of this clause ran against this target;"
        " 1 invalid-side check decided, none failed",
    )
    two = checks.clause_verdict(
        [_result(Outcome.PASS, "valid"), _result(Outcome.PASS, "valid"), _result(Outcome.SKIP, "invalid", "t")],
        "no identifier",
    )
    assert (two.outcome, two.reason) == (
        Outcome.SKIP,
        "its invalid side is undecided: 1 of 1 answers t; 2 valid-side checks decided, none failed",
    )
    none = checks.clause_verdict([_result(Outcome.SKIP, "valid", "t")], "why")
    assert none.reason == "its invalid side was never judged: why; its valid side is undecided: 1 of 1 answers t"
    both = checks.clause_verdict([_result(Outcome.PASS, "valid"), _result(Outcome.PASS, "invalid")])
    assert (both.outcome, both.reason) == (Outcome.PASS, None)


# ------------------------------------------------------------------------------------------------ profile shape
def test_profile_shape_messages() -> None:
    results = checks.check_profile_shape(PROFILE, None)
    assert [(r.clause, r.outcome, r.message) for r in results] == [
        (
            "behaviour.inferenceProfileArn.endsWithId",
            Outcome.PASS,
            f"inferenceProfileArn {ARN!r} ends with '/{PROFILE_ID}'",
        ),
        (
            "behaviour.inferenceProfileArn.resourceType",
            Outcome.PASS,
            "type SYSTEM_DEFINED with ARN resource type 'inference-profile'",
        ),
    ]
    wrong = checks.check_profile_shape({**PROFILE, "inferenceProfileId": "other", "type": "APPLICATION"}, None)
    assert [(r.outcome, r.message) for r in wrong] == [
        (Outcome.FAIL, f"inferenceProfileArn {ARN!r} does not end with '/other'"),
        (
            Outcome.FAIL,
            "type APPLICATION with ARN resource type 'inference-profile', expected 'application-inference-profile'",
        ),
    ]
    app = checks.check_profile_shape(
        {**PROFILE, "inferenceProfileArn": APP_ARN, "inferenceProfileId": "abcdef123456", "type": "APPLICATION"}, None
    )
    assert [(r.outcome, r.message) for r in app][1] == (
        Outcome.PASS,
        "type APPLICATION with ARN resource type 'application-inference-profile'",
    )
    exchange = ok()
    assert [r.exchange for r in checks.check_profile_shape(PROFILE, exchange)] == [exchange, exchange]
    assert len(checks.check_profile_shape({**PROFILE, "type": "OTHER"}, None)) == 1
    assert len(checks.check_profile_shape({**PROFILE, "inferenceProfileArn": "arn:aws:bedrock:x"}, None)) == 1
    assert len(checks.check_profile_shape({**PROFILE, "inferenceProfileArn": "a:b:c:d:e:f/g"}, None)) == 2
    assert len(checks.check_profile_shape({**PROFILE, "inferenceProfileArn": "a:b:c:d/e/f"}, None)) == 1
    assert checks.check_profile_shape({**PROFILE, "inferenceProfileArn": 7}, None) == []
    assert checks.check_profile_shape({**PROFILE, "inferenceProfileId": None}, None) == []


def test_identifies_messages() -> None:
    found = checks.identifies(ok(), PROFILE_ID, 200)
    assert found is not None
    assert (found.clause, found.outcome, found.message) == (
        "behaviour.inferenceProfileIdentifier.identifiesProfile",
        Outcome.PASS,
        f'"{PROFILE_ID}" found',
    )
    by_arn = checks.identifies(ok(), ARN, 200)
    assert by_arn is not None and by_arn.outcome is Outcome.PASS
    other = checks.identifies(ok(), "us.other:0", 200)
    assert other is not None and (other.outcome, other.message) == (
        Outcome.FAIL,
        f'"us.other:0" answered with the profile whose inferenceProfileId is "{PROFILE_ID}"',
    )
    other_arn = checks.identifies(ok(), "arn:aws:bedrock:us-east-1:123456789012:inference-profile/x", 200)
    # The profile's ARN is over 80 characters quoted: 59 of its first characters, an ellipsis, its last 11.
    shown = '"' + ARN[:59] + "…" + ARN[-11:] + f'" ({len(ARN)} characters)'
    assert other_arn is not None and other_arn.message == (
        '"arn:aws:bedrock:us-east-1:123456789012:inference-profile/x" answered with the profile whose'
        f" inferenceProfileArn is {shown}"
    )
    assert checks.identifies(ok({**PROFILE, "inferenceProfileId": 5}), "us.other:0", 200) is None
    assert checks.identifies(ok([PROFILE]), PROFILE_ID, 200) is None
    assert checks.identifies(error(404), PROFILE_ID, 200) is None
    assert checks.identifies(ok(), PROFILE_ID, 201) is None
    assert checks.identifies(NO_ANSWER, PROFILE_ID, 200) is None


# ------------------------------------------------------------------------------------------------ report keys
def test_a_finding_in_the_report_has_exactly_these_keys() -> None:
    plain = Finding("response.status.enum", Outcome.FAIL, "/status", "PAUSED", "not ACTIVE", "enum", ["ACTIVE"])
    assert plain.to_dict() == {
        "clause": "response.status.enum",
        "outcome": "fail",
        "pointer": "/status",
        "value": "PAUSED",
        "message": "not ACTIVE",
    }
    deviation = Deviation("response.status.enum", "sum", {"k": 1}, "the rule", ({"record": "r1", "url": "u"},))
    deviating = Finding("response.status.enum", Outcome.DEVIATION, "/status", "X", "m", deviation=deviation, drift=True)
    assert deviating.to_dict() == {
        "clause": "response.status.enum",
        "outcome": "deviation",
        "pointer": "/status",
        "value": "X",
        "message": "m",
        "deviation": {"summary": "sum", "rule": "the rule", "evidence": [{"record": "r1", "url": "u"}]},
        "drift": True,
    }


def test_each_result_names_its_clause_and_carries_its_exchange() -> None:
    clause = "request.inferenceProfileIdentifier.pattern"
    for exchange in (error(400), error(404), error(429), error(500)):
        for result in (
            checks.expect_rejected(exchange, clause, "a b"),
            checks.expect_accepted(exchange, clause, "a b", 200),
        ):
            assert result is not None
            assert (result.clause, result.exchange) == (clause, exchange)
    # 300 is no success and no error: describe names the type of any non-2xx answer; check_answer judges nothing.
    assert checks.describe(answered(300, {"__type": "ValidationException"})) == "HTTP 300 ValidationException"
    assert checks.check_answer(answered(300, PROFILE, {"Content-Type": "application/json"})) == []
    assert checks.check_answer(answered(399, {"__type": "ValidationException"})) == []
    rejected = error(400)
    four_hundred = checks.check_answer(rejected)
    assert {r.clause for r in four_hundred} >= {"error.ValidationException.status"}
    assert all(r.exchange is rejected for r in four_hundred)
    # Lenient unless asked: a name with a period (a recorded deviation) deviates, and fails only under strict.
    dotted = ok({**PROFILE, "inferenceProfileName": "US Claude 3.5 Sonnet"})
    lenient = {r.clause: r.outcome for r in checks.check_answer(dotted)}
    strict = {r.clause: r.outcome for r in checks.check_answer(dotted, strict=True)}
    assert lenient["response.inferenceProfileName.pattern"] is Outcome.DEVIATION
    assert strict["response.inferenceProfileName.pattern"] is Outcome.FAIL
    status = [r for r in four_hundred if r.clause == "error.ValidationException.status"]
    assert [r.outcome for r in status] == [Outcome.PASS]
    assert [r.message for r in status] == ["/: ValidationException with HTTP 400"]
