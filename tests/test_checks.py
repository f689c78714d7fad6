"""checks.py judged against the page's literal facts (statuses, error names, member names), never against the contract.

Every expected value below is written out by hand from the AWS page or NOTES: a check that reads a wrong fact out of
schemas/ (or derives it wrongly) disagrees with these tables.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bedrock_conformance import checks
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._validator import Outcome

URL = "http://127.0.0.1:1/inference-profiles/x"
PROFILE = {
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
    "us.anthropic.claude-3-haiku-20240307-v1:0",
    "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
    "createdAt": "2024-08-20T00:00:00Z",
    "updatedAt": "2024-08-20T00:00:00Z",
    "description": "Routes requests to Anthropic Claude 3 Haiku in us-east-1 and us-west-2",
}


def answered(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {}).encode()
    return Exchange(Request("GET", URL), Response(status, dict(headers or {}), raw))


def error(status: int, kind: str, *, via: str = "header") -> Exchange:
    if via == "header":
        return answered(status, {"message": "m"}, {"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/"})
    return answered(status, {via: kind, "message": "m"}, {"Content-Type": "application/json"})


NO_ANSWER = Exchange(Request("GET", URL), None, "connection reset by peer")


@pytest.mark.parametrize(
    ("status", "throttle", "fault"),
    [
        *[(s, False, False) for s in (200, 400, 403, 404, 413, 414, 499)],
        (429, True, False),
        *[(s, False, True) for s in (500, 502, 503, 599)],
    ],
)
def test_a_throttle_is_429_and_a_server_fault_is_any_5xx(status: int, throttle: bool, fault: bool) -> None:
    assert checks.throttled(status) is throttle
    assert checks.server_fault(status) is fault


@pytest.mark.parametrize(("status", "expected"), [(403, True), (400, False), (404, False), (401, False), (500, False)])
def test_denied_is_403(status: int, expected: bool) -> None:
    assert checks.denied(status) is expected


@pytest.mark.parametrize(
    ("exchange", "expected"),
    [
        (error(400, "ValidationException"), "ValidationException"),
        (error(404, "ResourceNotFoundException", via="code"), "ResourceNotFoundException"),
        (error(404, "ResourceNotFoundException", via="Code"), "ResourceNotFoundException"),
        (error(400, "com.amazon.bedrock#ValidationException", via="__type"), "ValidationException"),
        (answered(400, b"not json"), None),
        (answered(400, [1, 2]), None),
        (answered(400, {"message": "no type"}), None),
    ],
)
def test_answer_type_reads_the_header_then_code_Code_and___type(exchange: Exchange, expected: str | None) -> None:
    assert checks.answer_type(exchange) == expected


def test_describe_names_the_status_the_type_and_a_transport_error() -> None:
    assert checks.describe(error(400, "ValidationException")) == "HTTP 400 ValidationException"
    assert checks.describe(answered(200, PROFILE)) == "HTTP 200"
    assert checks.describe(answered(404, b"")) == "HTTP 404"
    assert checks.describe(NO_ANSWER) == "no answer (connection reset by peer)"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", Outcome.PASS),
        ("Application/JSON; charset=utf-8", Outcome.PASS),
        (" application/json ;charset=UTF-8", Outcome.PASS),
        ("application/x-amz-json-1.1", Outcome.FAIL),
        ("text/json", Outcome.FAIL),
        ("", Outcome.FAIL),
        (None, Outcome.FAIL),
    ],
)
def test_content_type_is_application_json(content_type: str | None, expected: Outcome) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    result = checks.check_content_type(answered(200, PROFILE, headers))
    assert (result.clause, result.outcome) == ("response.body.contentType", expected)
    assert ("not application/json" in result.message) is (expected is Outcome.FAIL)


def test_check_answer_judges_a_200_by_the_response_clauses_and_an_error_by_the_error_clauses() -> None:
    ok = checks.check_answer(answered(200, PROFILE, {"Content-Type": "application/json"}))
    assert ok[0].clause == "response.body.contentType"
    assert {r.clause.split(".")[0] for r in ok} >= {"response"}
    assert all(r.outcome is not Outcome.FAIL for r in ok)
    bad = checks.check_answer(error(404, "ValidationException"))
    assert {r.clause for r in bad if r.outcome is Outcome.FAIL} == {"error.ValidationException.status"}
    assert all(r.clause.startswith("error.") for r in bad)
    assert checks.check_answer(NO_ANSWER) == []
    assert checks.check_answer(answered(302, b"")) == []
    assert checks.check_answer(answered(299, PROFILE, {"Content-Type": "application/json"}))[0].outcome is Outcome.PASS


def test_check_answer_judges_a_list_page_by_the_list_clauses() -> None:
    page = {"inferenceProfileSummaries": [PROFILE]}
    assert not [
        r
        for r in checks.check_answer(answered(200, page, {"Content-Type": "application/json"}), listing=True)
        if r.outcome is Outcome.FAIL
    ]
    as_get = checks.check_answer(answered(200, page, {"Content-Type": "application/json"}))
    assert any(r.outcome is Outcome.FAIL for r in as_get)


def test_strict_turns_a_recorded_deviation_into_a_failure() -> None:
    def outcome(description: str, strict: bool) -> Outcome:
        exchange = answered(200, dict(PROFILE, description=description), {"Content-Type": "application/json"})
        return {r.clause: r.outcome for r in checks.check_answer(exchange, strict=strict)}[
            "response.description.pattern"
        ]

    commas = "Routes requests to Claude in us-east-1, us-west-2 and us-east-2."
    assert outcome(commas, strict=False) is Outcome.DEVIATION
    assert outcome(commas, strict=True) is Outcome.FAIL
    assert outcome("Routes requests to Claude (US)", strict=False) is Outcome.FAIL
    assert outcome("Routes requests to Claude in us-east-1", strict=True) is Outcome.PASS


CLAUSE = "request.inferenceProfileIdentifier.pattern"


@pytest.mark.parametrize(
    ("exchange", "expected"),
    [
        (error(400, "ValidationException"), Outcome.PASS),
        (error(400, "ValidationException", via="code"), Outcome.PASS),
        (error(400, "ResourceNotFoundException"), Outcome.FAIL),
        (error(404, "ValidationException"), Outcome.FAIL),
        (error(404, "ResourceNotFoundException"), Outcome.FAIL),
        (error(403, "AccessDeniedException"), Outcome.FAIL),
        (answered(200, PROFILE), Outcome.FAIL),
        (answered(400, b"{}"), Outcome.FAIL),
        (answered(500, b"<html>oops</html>"), Outcome.FAIL),
        # A throttle that outlived the retries decides nothing; a server fault that did is an answer like any other.
        (error(429, "ThrottlingException"), Outcome.SKIP),
        (error(500, "InternalServerException"), Outcome.FAIL),
        (error(503, "ServiceUnavailableException"), Outcome.FAIL),
        (NO_ANSWER, None),
    ],
)
def test_an_identifier_that_breaks_the_pattern_must_get_400_validation(
    exchange: Exchange, expected: Outcome | None
) -> None:
    result = checks.expect_rejected(exchange, CLAUSE, "bad id")
    assert (result.outcome if result else None) is expected
    if expected is Outcome.SKIP:
        assert result is not None and result.inconclusive
        assert result.message == "stayed HTTP 429 ThrottlingException after 1 attempt"
    elif result is not None:
        assert result.clause == CLAUSE
        assert result.exchange is exchange
        assert result.message.startswith('"bad id" ')
    if expected is Outcome.PASS:
        assert result is not None
        assert result.message == '"bad id" rejected: HTTP 400 ValidationException'
    if expected is Outcome.FAIL:
        assert result is not None
        assert result.message.endswith("not HTTP 400 ValidationException")
        assert result.context == {"identifier": "bad id"}


@pytest.mark.parametrize(
    ("exchange", "expected"),
    [
        (answered(200, PROFILE), Outcome.PASS),
        (error(403, "AccessDeniedException"), Outcome.PASS),
        (error(404, "ResourceNotFoundException"), Outcome.PASS),
        (error(400, "ValidationException"), Outcome.FAIL),
        (error(413, "RequestEntityTooLargeException"), Outcome.FAIL),
        (error(414, "UriTooLongException"), Outcome.FAIL),
        (answered(201, PROFILE), Outcome.FAIL),
        (answered(302, b""), Outcome.FAIL),
        (error(429, "ThrottlingException"), Outcome.SKIP),
        (answered(500, b""), Outcome.FAIL),
        (NO_ANSWER, None),
    ],
)
def test_an_identifier_the_page_allows_is_never_rejected(exchange: Exchange, expected: Outcome | None) -> None:
    result = checks.expect_accepted(exchange, CLAUSE, "us.good-id:0", 200)
    assert (result.outcome if result else None) is expected
    if result is not None:
        assert (result.clause, result.exchange) == (CLAUSE, exchange)
    if expected is Outcome.PASS:
        assert result is not None
        assert result.message == f'"us.good-id:0" accepted: {checks.describe(exchange)}'
        assert result.message.startswith('"us.good-id:0" accepted: HTTP ')
    if expected is Outcome.FAIL:
        assert result is not None
        assert result.context == {"identifier": "us.good-id:0"}
        assert "keeps every request clause but was answered" in result.message


@pytest.mark.parametrize(
    ("exchange", "proven", "expected"),
    [
        (error(404, "ResourceNotFoundException"), True, Outcome.PASS),
        (error(404, "ResourceNotFoundException"), False, Outcome.PASS),
        (error(404, "UnknownOperationException"), True, Outcome.FAIL),
        (error(400, "ValidationException"), True, Outcome.FAIL),
        (answered(200, PROFILE), True, Outcome.FAIL),
        (error(403, "AccessDeniedException"), True, Outcome.FAIL),
        (error(403, "AccessDeniedException"), False, Outcome.SKIP),
        (error(429, "ThrottlingException"), True, Outcome.SKIP),
        (answered(500, b""), True, Outcome.FAIL),
        (NO_ANSWER, True, None),
    ],
)
def test_an_unknown_identifier_gets_404_resource_not_found(
    exchange: Exchange, proven: bool, expected: Outcome | None
) -> None:
    result = checks.expect_not_found(exchange, "nope", access_proven=proven)
    assert (result.outcome if result else None) is expected
    if expected is Outcome.SKIP:
        assert result is not None and result.inconclusive
    elif result is not None:
        assert result.clause == "behaviour.unknownIdentifier.notFound"
        assert (result.exchange, result.context) == (exchange, {"identifier": "nope"})
        assert result.message.startswith('"nope" names no profile: HTTP ')
        assert result.message.endswith(", not HTTP 404 ResourceNotFoundException") is (expected is Outcome.FAIL)


def test_short_keeps_short_values_and_cuts_long_ones_around_an_ellipsis() -> None:
    assert checks._short("abc") == '"abc"'
    assert checks._short("é") == '"é"'
    long = "a" * 60 + "b" * 100 + "c" * 40
    assert checks._short(long) == '"' + "a" * 59 + "…" + "c" * 11 + '" (200 characters)'
    edge = "x" * 78
    assert checks._short(edge) == f'"{edge}"'
    assert checks._short("x" * 79).endswith("(79 characters)")


def test_behaviour_clause_ids_are_the_published_ones() -> None:
    assert checks.behaviour_clause("arnEndsWithId") == "behaviour.inferenceProfileArn.endsWithId"
    assert checks.behaviour_clause("resolveByArn") == "behaviour.listedProfile.resolvesByArn"


def test_same_body_compares_timestamps_as_instants_only_in_timestamp_members() -> None:
    a = {"createdAt": "2024-08-20T00:00:00Z", "updatedAt": "2024-08-20T02:00:00+02:00", "n": 1}
    b = {"createdAt": "2024-08-20T00:00:00.000z", "updatedAt": "2024-08-20T00:00:00Z", "n": 1}
    assert checks.same_body(a, b)
    # The page's createdAt/updatedAt are timestamps; a description that looks like one is text.
    assert not checks.same_body({"description": "2024-08-20T00:00:00Z"}, {"description": "2024-08-20T00:00:00.000Z"})
    assert not checks.same_body(a, dict(b, updatedAt="2024-08-20T00:00:00.0000001Z"))
    assert not checks.same_body(a, dict(b, n=2))
    assert not checks.same_body(a, dict(b, createdAt="2024-08-20T00:00:01Z"))
    assert not checks.same_body({"m": ["2024-08-20T00:00:00Z"]}, {"m": ["2024-08-20T00:00:01Z"]})
    assert checks.same_body("not a time", "not a time")
    assert not checks.same_body("2024-08-20", "2024-08-21")


def test_diff_members_names_every_member_that_differs() -> None:
    a = {"createdAt": "2024-08-20T00:00:00Z", "x": 1, "y": 2, "only_a": 0}
    b = {"createdAt": "2024-08-20T01:00:00+01:00", "x": 1, "y": 3, "only_b": 0}
    assert checks.diff_members(a, b) == ["only_a", "only_b", "y"]
    assert checks.diff_members(a, a) == []


ARN_ID = "behaviour.inferenceProfileArn.endsWithId"
ARN_TYPE = "behaviour.inferenceProfileArn.resourceType"


@pytest.mark.parametrize(
    ("arn", "ident", "kind", "expected"),
    [
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.a:0",
            "us.a:0",
            "SYSTEM_DEFINED",
            {ARN_ID: Outcome.PASS, ARN_TYPE: Outcome.PASS},
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
            "abc",
            "APPLICATION",
            {ARN_ID: Outcome.PASS, ARN_TYPE: Outcome.PASS},
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/abc",
            "abc",
            "APPLICATION",
            {ARN_ID: Outcome.PASS, ARN_TYPE: Outcome.FAIL},
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
            "abc",
            "SYSTEM_DEFINED",
            {ARN_ID: Outcome.PASS, ARN_TYPE: Outcome.FAIL},
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/abc",
            "xabc",
            "SYSTEM_DEFINED",
            {ARN_ID: Outcome.FAIL, ARN_TYPE: Outcome.PASS},
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/xabc",
            "abc",
            "SYSTEM_DEFINED",
            {ARN_ID: Outcome.FAIL, ARN_TYPE: Outcome.PASS},
        ),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/abc", "abc", "OTHER", {ARN_ID: Outcome.PASS}),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/abc", "abc", None, {ARN_ID: Outcome.PASS}),
        ("arn:aws:bedrock:us-east-1/abc", "abc", "SYSTEM_DEFINED", {ARN_ID: Outcome.PASS}),
        (
            "arn:aws:bedrock:us-east-1:1:2:inference-profile/abc",
            "abc",
            "SYSTEM_DEFINED",
            {ARN_ID: Outcome.PASS, ARN_TYPE: Outcome.FAIL},
        ),
        ("no-slash", "no-slash", "SYSTEM_DEFINED", {ARN_ID: Outcome.FAIL}),
        (7, "abc", "SYSTEM_DEFINED", {}),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/abc", None, "SYSTEM_DEFINED", {}),
    ],
)
def test_profile_shape_checks_the_arn_against_id_and_type(
    arn: Any, ident: Any, kind: Any, expected: dict[str, Outcome]
) -> None:
    body = {"inferenceProfileArn": arn, "inferenceProfileId": ident, "type": kind}
    results = checks.check_profile_shape(body, None)
    assert {r.clause: r.outcome for r in results} == expected
    assert len(results) == len(expected)
    for r in results:
        if r.clause == ARN_TYPE and r.outcome is Outcome.FAIL:
            assert "expected" in r.message


# ------------------------------------------------------------------------------------------------ error answers
HEADER = "x-amzn-ErrorType"
F = tuple[str, str, str, Any, str, str, Any]


def findings(status: int, headers: dict[str, str], body: Any) -> list[F]:
    from bedrock_conformance._validator import validate_error

    return [
        (f.clause, f.outcome.value, f.pointer, f.value, f.message, f.keyword, f.limit)
        for f in validate_error(status, headers, body)
    ]


BODY_OK: F = ("error.body.type", "pass", "", None, "the body is a JSON object", "type", "object")
NO_TYPE = "no x-amzn-ErrorType header and no code/Code/__type in the body"


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (
            400,
            {HEADER: "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"},
            b'{"message": "bad"}',
            [
                BODY_OK,
                (
                    "error.errorType.required",
                    "pass",
                    "",
                    "ValidationException",
                    "error type ValidationException",
                    "x-type-header",
                    None,
                ),
                ("error.message.required", "pass", "/message", None, "has message", "required", None),
                ("error.message.type", "pass", "/message", "bad", "is a string", "type", None),
                (
                    "error.ValidationException.status",
                    "pass",
                    "",
                    400,
                    "ValidationException with HTTP 400",
                    "x-http-status",
                    400,
                ),
            ],
        ),
        (
            403,
            {},
            '{"__type": "com.amazon.coral.service#AccessDeniedException", "Message": 7}',
            [
                BODY_OK,
                (
                    "error.errorType.required",
                    "pass",
                    "",
                    "AccessDeniedException",
                    "error type AccessDeniedException",
                    "x-type-header",
                    None,
                ),
                ("error.message.required", "pass", "/message", None, "has Message", "required", None),
                ("error.message.type", "fail", "/Message", 7, "Message is a JSON integer, not a string", "type", None),
                (
                    "error.AccessDeniedException.status",
                    "pass",
                    "",
                    403,
                    "AccessDeniedException with HTTP 403",
                    "x-http-status",
                    403,
                ),
            ],
        ),
        (
            500,
            {"X-AMZN-ERRORTYPE": "ThrottlingException"},
            {"message": "slow", "Message": "SLOW"},
            [
                BODY_OK,
                (
                    "error.errorType.required",
                    "pass",
                    "",
                    "ThrottlingException",
                    "error type ThrottlingException",
                    "x-type-header",
                    None,
                ),
                ("error.message.required", "pass", "/message", None, "has message", "required", None),
                ("error.message.type", "pass", "/message", "slow", "is a string", "type", None),
                (
                    "error.ThrottlingException.status",
                    "fail",
                    "",
                    500,
                    "ThrottlingException came with HTTP 500, not 429",
                    "x-http-status",
                    429,
                ),
            ],
        ),
        (
            404,
            {},
            b"{}",
            [
                BODY_OK,
                ("error.errorType.required", "fail", "", None, f"HTTP 404: {NO_TYPE}", "x-type-header", None),
                (
                    "error.message.required",
                    "fail",
                    "/message",
                    None,
                    "the body has no message or Message",
                    "required",
                    None,
                ),
            ],
        ),
        (
            502,
            {HEADER: "ServiceUnavailableException"},
            b"<html>Bad Gateway</html>",
            [
                (
                    "error.body.type",
                    "fail",
                    "",
                    None,
                    "the body is not JSON (Expecting value at offset 0): '<html>Bad Gateway</html>'",
                    "type",
                    "object",
                ),
                (
                    "error.errorType.required",
                    "pass",
                    "",
                    "ServiceUnavailableException",
                    "error type ServiceUnavailableException",
                    "x-type-header",
                    None,
                ),
            ],
        ),
        (
            400,
            {HEADER: "  "},
            b'["ValidationException"]',
            [
                ("error.body.type", "fail", "", None, "the body is a JSON array", "type", "object"),
                ("error.errorType.required", "fail", "", None, f"HTTP 400: {NO_TYPE}", "x-type-header", None),
            ],
        ),
        (
            404,
            {},
            b"\xff\xfe",
            [
                ("error.body.type", "fail", "", None, "the body is not UTF-8", "type", "object"),
                ("error.errorType.required", "fail", "", None, f"HTTP 404: {NO_TYPE}", "x-type-header", None),
            ],
        ),
    ],
    ids=["typed-by-header", "typed-by-__type", "wrong-status", "empty-object", "html", "array", "not-utf-8"],
)
def test_an_error_answer_is_judged_clause_by_clause(
    status: int, headers: dict[str, str], body: Any, expected: list[F]
) -> None:
    assert findings(status, headers, body) == expected


def test_the_body_type_of_an_error_is_read_before_the_header() -> None:
    # A typed header does not make a body type that is no object readable, nor the other way round.
    got = findings(404, {"x-amzn-errortype": "ResourceNotFoundException:x"}, b'"text"')
    assert [f[:2] for f in got] == [
        ("error.body.type", "fail"),
        ("error.errorType.required", "pass"),
        ("error.ResourceNotFoundException.status", "pass"),
    ]
    assert got[0][4] == "the body is a JSON string"


def test_a_list_page_is_judged_summary_by_summary_with_pointers() -> None:
    from bedrock_conformance._validator import validate_list_page

    bad = dict(PROFILE, status="DELETING")
    page = {"inferenceProfileSummaries": [PROFILE, bad], "nextToken": "x"}
    found = validate_list_page(json.dumps(page).encode())
    failing = [(f.clause, f.pointer) for f in found if f.outcome is Outcome.FAIL]
    assert failing == [("response.status.enum", "/inferenceProfileSummaries/1/status")]
    assert {f.pointer.split("/")[2] for f in found if f.pointer} == {"0", "1"}
    assert validate_list_page({"inferenceProfileSummaries": []}) == []
    assert validate_list_page({"inferenceProfileSummaries": "none"}) == []
    assert validate_list_page({}) == []
    not_json = validate_list_page(b"<html/>")
    assert [(f.clause, f.outcome) for f in not_json if f.outcome is Outcome.FAIL] == [
        ("response.body.type", Outcome.FAIL)
    ]
    listed_array = validate_list_page([PROFILE])
    assert [(f.clause, f.outcome) for f in listed_array if f.outcome is Outcome.FAIL] == [
        ("response.body.type", Outcome.FAIL)
    ]


# ------------------------------------------------------------------------------------------------ the page, by example
IDENTIFIERS = {
    "-": set(),
    "us.anthropic.claude-3-haiku-20240307-v1:0": set(),
    "arn:aws-iso-b:bedrock:us-isob-east-1:123456789012:inference-profile/us.a-b:0": set(),
    "arn:aws-us-gov:bedrock::123456789012:application-inference-profile/abc": set(),
    "arn:aws::bedrock:us-east-1:123456789012:inference-profile/x": {"request.inferenceProfileIdentifier.pattern"},
    "a" * 2048: set(),
    "a" * 2049: {"request.inferenceProfileIdentifier.maxLength"},
    "us.claude\n": {"request.inferenceProfileIdentifier.pattern"},
    "us/claude": {"request.inferenceProfileIdentifier.pattern"},
}


@pytest.mark.parametrize("identifier", list(IDENTIFIERS))
def test_identifiers_the_page_allows_and_forbids(identifier: str) -> None:
    from bedrock_conformance._validator import validate_identifier

    failing = {f.clause for f in validate_identifier(identifier) if f.outcome is Outcome.FAIL}
    assert failing == IDENTIFIERS[identifier]


BODIES: list[tuple[dict[str, Any], set[str]]] = [
    ({}, set()),
    (
        {"type": "APPLICATION", "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/x"},
        set(),
    ),
    ({"status": "INACTIVE"}, {"response.status.enum"}),
    ({"type": "CUSTOM"}, {"response.type.enum"}),
    # Enum values are compared exactly: the page's values are upper case, and no other spelling is one of them.
    ({"status": "active"}, {"response.status.enum"}),
    ({"status": "Active"}, {"response.status.enum"}),
    ({"type": "system_defined"}, {"response.type.enum"}),
    ({"type": "Application"}, {"response.type.enum"}),
    ({"status": "ACTIVE "}, {"response.status.enum"}),
    ({"description": "a" * 200}, set()),
    ({"description": "a" * 201}, {"response.description.maxLength"}),
    ({"inferenceProfileName": "a" * 64}, set()),
    ({"inferenceProfileName": "a" * 65}, {"response.inferenceProfileName.maxLength"}),
    ({"models": PROFILE["models"] * 5}, set()),
    ({"inferenceProfileId": "a" * 64}, set()),
    ({"inferenceProfileId": "a" * 65}, {"response.inferenceProfileId.maxLength"}),
]


@pytest.mark.parametrize(("change", "failing"), BODIES)
def test_bodies_the_page_allows_and_forbids(change: dict[str, Any], failing: set[str]) -> None:
    from bedrock_conformance._validator import validate_response

    body = {**PROFILE, **change}
    assert {f.clause for f in validate_response(body) if f.outcome is Outcome.FAIL} == failing


@pytest.mark.parametrize(
    "member", ["inferenceProfileName", "inferenceProfileArn", "models", "inferenceProfileId", "status", "type"]
)
def test_each_required_member_is_required(member: str) -> None:
    from bedrock_conformance._validator import validate_response

    body = {k: v for k, v in PROFILE.items() if k != member}
    assert {f.clause for f in validate_response(body) if f.outcome is Outcome.FAIL} == {f"response.{member}.required"}


@pytest.mark.parametrize("member", ["createdAt", "updatedAt", "description"])
def test_the_other_members_are_optional(member: str) -> None:
    from bedrock_conformance._validator import validate_response

    body = {k: v for k, v in PROFILE.items() if k != member}
    assert {f.clause for f in validate_response(body) if f.outcome is Outcome.FAIL} == set()
