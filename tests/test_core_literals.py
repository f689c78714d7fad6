"""Small pieces of the contract core, each pinned by a literal table: the instant an RFC 3339 date-time names, how
several checks' outcomes combine, which clauses the strategies break, and the flags a List page's checks pass on.

Expected values come from the page (GetInferenceProfile's request and response members and their constraints), from
RFC 3339, or from Python's ``datetime`` (not the code under test) for the minutes since 1970.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from bedrock_conformance import _strategies, checks
from bedrock_conformance._datetimes import Instant, instant
from bedrock_conformance._findings import worst
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._schemas import SchemaError, contract
from bedrock_conformance._validator import Outcome, error_type, validate_list_page, validate_request_member

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def minute(year: int, month: int, day: int, hour: int, minutes: int) -> int:
    """Minutes since 1970 of a UTC date and time, by the standard library."""
    return int((dt.datetime(year, month, day, hour, minutes, tzinfo=dt.timezone.utc) - EPOCH).total_seconds()) // 60


# ------------------------------------------------------------------------------------------------ instants
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-01-01T00:00:00Z", Instant(0, 0, "")),
        ("1970-01-01T00:00:00.000Z", Instant(0, 0, "")),
        ("1970-01-01T00:00:00.500Z", Instant(0, 0, "5")),
        ("1970-01-01T00:00:00.050Z", Instant(0, 0, "05")),
        ("1970-01-01T00:00:00.000000001Z", Instant(0, 0, "000000001")),
        ("1970-01-01T00:01:59Z", Instant(1, 59, "")),
        ("1970-01-02T00:00:00z", Instant(24 * 60, 0, "")),
        # An offset names the same instant in another zone: hours and minutes both count, east is ahead of UTC.
        ("1970-01-01T05:30:00+05:30", Instant(0, 0, "")),
        ("1969-12-31T19:00:00-05:00", Instant(0, 0, "")),
        ("1969-12-31T23:15:00-00:45", Instant(0, 0, "")),
        ("1970-01-01T00:00:00+00:00", Instant(0, 0, "")),
        ("2024-02-29T12:34:56.789+00:00", Instant(minute(2024, 2, 29, 12, 34), 56, "789")),
        ("2024-09-30T00:00:00-07:00", Instant(minute(2024, 9, 30, 7, 0), 0, "")),
        # A leap second is the 60th second of the day's last UTC minute, in whatever offset it is written.
        ("2016-12-31T23:59:60Z", Instant(minute(2016, 12, 31, 23, 59), 60, "")),
        ("2017-01-01T05:29:60+05:30", Instant(minute(2016, 12, 31, 23, 59), 60, "")),
    ],
)
def test_the_instant_a_date_time_names(text: str, expected: Instant) -> None:
    got = instant(text)
    assert got == expected
    assert got is not None and type(got.minute) is int and type(got.second) is int


@pytest.mark.parametrize(
    "text", ["yesterday", "2023-02-29T00:00:00Z", "2024-09-30T00:00:00", "2024-09-30 00:00:00Z", "2016-12-31T12:00:60Z"]
)
def test_a_string_that_is_no_date_time_has_no_instant(text: str) -> None:
    assert instant(text) is None


def test_instants_order_as_time_does() -> None:
    earlier, later = instant("2024-01-01T00:00:00Z"), instant("2024-01-01T00:00:00.000000001Z")
    assert earlier is not None and later is not None and earlier < later
    assert instant("2024-01-01T01:00:00+01:00") == instant("2024-01-01T00:00:00.000Z")
    assert instant("2016-12-31T23:59:60Z") < instant("2017-01-01T00:00:00Z")  # type: ignore[operator]


# ------------------------------------------------------------------------------------------------ outcomes
@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], Outcome.SKIP),
        ([Outcome.SKIP], Outcome.SKIP),
        ([Outcome.SKIP, Outcome.PASS], Outcome.PASS),
        ([Outcome.PASS, Outcome.SKIP], Outcome.PASS),
        ([Outcome.PASS, Outcome.DEVIATION, Outcome.PASS], Outcome.DEVIATION),
        ([Outcome.DEVIATION, Outcome.FAIL, Outcome.SKIP], Outcome.FAIL),
        ([Outcome.FAIL, Outcome.PASS], Outcome.FAIL),
    ],
)
def test_a_clause_checked_several_times_gets_the_worst_outcome(outcomes: list[Outcome], expected: Outcome) -> None:
    assert worst(outcomes) is expected
    assert worst(iter(outcomes)) is expected


# ------------------------------------------------------------------------------------------------ strategy clauses
def test_the_request_clauses_are_the_identifiers_three_constraints() -> None:
    assert [c.id for c in _strategies.request_clauses()] == [
        "request.inferenceProfileIdentifier.minLength",
        "request.inferenceProfileIdentifier.maxLength",
        "request.inferenceProfileIdentifier.pattern",
    ]


# GetInferenceProfile's response: each member's type and its page constraints, the model's required members, and the
# body's own type and content type.
RESPONSE_CLAUSES = {
    "response.body.type",
    "response.body.contentType",
    "response.createdAt.type",
    "response.createdAt.format",
    "response.updatedAt.type",
    "response.updatedAt.format",
    *(f"response.description.{k}" for k in ("type", "minLength", "maxLength", "pattern")),
    *(
        f"response.{m}.{k}"
        for m in ("inferenceProfileArn", "inferenceProfileId", "inferenceProfileName")
        for k in ("type", "minLength", "maxLength", "pattern", "required")
    ),
    *(f"response.models.{k}" for k in ("type", "minItems", "maxItems", "required")),
    "response.models.items.type",
    "response.models.modelArn.type",
    "response.models.modelArn.pattern",
    *(f"response.{m}.{k}" for m in ("status", "type") for k in ("type", "enum", "required")),
}


def test_the_response_clauses_are_the_pages() -> None:
    assert {c.id for c in _strategies.response_clauses()} == RESPONSE_CLAUSES


def test_every_response_clause_but_the_content_type_can_be_broken_in_a_body() -> None:
    # A body can break every clause but the content type, which is a header (its keyword is no JSON Schema one).
    assert {c.id for c in _strategies.breakable_response_clauses()} == RESPONSE_CLAUSES - {"response.body.contentType"}


# ------------------------------------------------------------------------------------------------ validator flags
def test_a_request_member_is_judged_under_its_own_name() -> None:
    findings = validate_request_member("inferenceProfileIdentifier", "")
    assert {(f.clause, f.outcome) for f in findings} == {
        ("request.inferenceProfileIdentifier.minLength", Outcome.FAIL),
        ("request.inferenceProfileIdentifier.maxLength", Outcome.PASS),
        ("request.inferenceProfileIdentifier.pattern", Outcome.FAIL),
    }


ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
SUMMARY: dict[str, Any] = {
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "inferenceProfileArn": ARN,
    "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
    # A comma: outside the page's description pattern, as real AWS is recorded to answer (a deviation).
    "description": "Routes requests to Claude 3 Haiku in us-east-1, us-west-2.",
}


PAGE = {"inferenceProfileSummaries": [SUMMARY, {**SUMMARY, "description": "Plain"}]}


def test_strict_turns_a_lists_deviations_into_failures() -> None:
    page = PAGE
    lenient = {(f.clause, f.outcome) for f in validate_list_page(page) if f.outcome is not Outcome.PASS}
    strict = {(f.clause, f.outcome) for f in validate_list_page(page, strict=True) if f.outcome is not Outcome.PASS}
    assert lenient == {("response.description.pattern", Outcome.DEVIATION)}
    assert strict == {("response.description.pattern", Outcome.FAIL)}


def test_show_sensitive_is_passed_on_to_each_listed_profile() -> None:
    """The description is sensitive in the model: its value is redacted unless the user asks to see it."""
    page = PAGE
    (hidden,) = [f for f in validate_list_page(page) if f.outcome is not Outcome.PASS]
    (shown,) = [f for f in validate_list_page(page, show_sensitive=True) if f.outcome is not Outcome.PASS]
    assert hidden.clause == shown.clause == "response.description.pattern"
    assert (hidden.value, shown.value) == ("<redacted>", SUMMARY["description"])
    assert hidden.pointer == shown.pointer == "/inferenceProfileSummaries/0/description"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "the body is not JSON (Expecting property name enclosed in double quotes at offset 1): '{'"),
        (b"[1]", "[1] is a JSON array, not an object"),
        ([1], "[1] is a JSON array, not an object"),
    ],
)
def test_a_list_answer_that_is_no_json_object_fails_the_body_type(body: Any, message: str) -> None:
    findings = validate_list_page(body)
    assert [f.keyword for f in findings] == ["type"]
    assert [(f.clause, f.outcome, f.pointer, f.message) for f in findings] == [
        ("response.body.type", Outcome.FAIL, "", message)
    ]


# ------------------------------------------------------------------------------------------------ verdicts
def _result(outcome: Outcome, side: str | None = None, message: str = "m") -> checks.Result:
    return checks.Result("request.inferenceProfileIdentifier.pattern", outcome, message, side=side)


def test_a_verdict_keeps_the_checks_it_was_decided_on_and_the_ones_left_undecided() -> None:
    passed, throttled = _result(Outcome.PASS), _result(Outcome.SKIP, message="stayed HTTP 429 ThrottlingException")
    failed = _result(Outcome.FAIL)
    cases = [
        ([passed, throttled], Outcome.PASS),
        ([failed, throttled], Outcome.FAIL),
        ([throttled], Outcome.SKIP),
        ([], Outcome.SKIP),
    ]
    for results, outcome in cases:
        verdict = checks.clause_verdict(results)
        assert verdict.outcome is outcome
        assert verdict.decided == [r for r in results if r.outcome is not Outcome.SKIP]
        assert verdict.inconclusive == [r for r in results if r.outcome is Outcome.SKIP]
    assert checks.clause_verdict([throttled]).reason == "1 of 1 answers stayed HTTP 429 ThrottlingException"
    assert checks.clause_verdict([], "writes are not allowed").reason == "writes are not allowed"
    assert checks.clause_verdict([]).reason == "no check of this clause ran against this target"


def test_a_one_sided_verdict_keeps_its_checks_too() -> None:
    valid, invalid_throttled = _result(Outcome.PASS, "valid"), _result(Outcome.SKIP, "invalid", "stayed HTTP 429")
    verdict = checks.clause_verdict([valid, invalid_throttled])
    assert verdict.outcome is Outcome.SKIP
    assert (verdict.decided, verdict.inconclusive) == ([valid], [invalid_throttled])
    assert verdict.reason == (
        "its invalid side is undecided: 1 of 1 answers stayed HTTP 429; 1 valid-side check decided, none failed"
    )


# ------------------------------------------------------------------------------------------------ bodies
def test_bodies_differing_only_inside_a_list_are_different() -> None:
    other = {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}
    assert checks.same_body(SUMMARY, dict(SUMMARY))
    assert not checks.same_body(SUMMARY, {**SUMMARY, "models": [other]})
    assert not checks.same_body(SUMMARY, {**SUMMARY, "models": [*SUMMARY["models"], other]})
    # Timestamps are compared as instants, text as written.
    assert checks.same_body(
        {**SUMMARY, "createdAt": "2024-01-01T00:00:00Z"}, {**SUMMARY, "createdAt": "2024-01-01T01:00:00.0+01:00"}
    )
    assert not checks.same_body(
        {**SUMMARY, "description": "2024-01-01T00:00:00Z"}, {**SUMMARY, "description": "2024-01-01T00:00:00.0Z"}
    )


def _get(body: Any) -> Exchange:
    return Exchange(
        Request("GET", "http://127.0.0.1:1/inference-profiles/x"), Response(200, {}, json.dumps(body).encode())
    )


def test_a_profile_answered_for_another_identifier_fails_identifies_profile() -> None:
    exchange = _get(SUMMARY)
    found = checks.identifies(exchange, "us.anthropic.claude-3-haiku-20240307-v1:0", 200)
    assert found is not None
    assert (found.clause, found.outcome, found.exchange) == (
        "behaviour.inferenceProfileIdentifier.identifiesProfile",
        Outcome.PASS,
        exchange,
    )
    wrong = checks.identifies(exchange, "eu.anthropic.claude-3-haiku-20240307-v1:0", 200)
    assert wrong is not None
    assert (wrong.clause, wrong.outcome, wrong.exchange) == (
        "behaviour.inferenceProfileIdentifier.identifiesProfile",
        Outcome.FAIL,
        exchange,
    )
    assert wrong.message == (
        '"eu.anthropic.claude-3-haiku-20240307-v1:0" answered with the profile whose inferenceProfileId is'
        ' "us.anthropic.claude-3-haiku-20240307-v1:0"'
    )


def test_the_arn_resource_type_is_what_comes_before_the_first_slash() -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/a/b"
    results = checks.check_profile_shape({**SUMMARY, "inferenceProfileArn": arn, "inferenceProfileId": "b"}, None)
    assert [(r.clause, r.outcome) for r in results] == [
        ("behaviour.inferenceProfileArn.endsWithId", Outcome.PASS),
        ("behaviour.inferenceProfileArn.resourceType", Outcome.PASS),
    ]


# ------------------------------------------------------------------------------------------------ error types
@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        (
            {"x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"},
            {},
            "ValidationException",
        ),
        # botocore keeps what follows the last '#' of the part before the first ':'.
        ({}, {"__type": "com.amazon.coral.validate#ValidationException"}, "ValidationException"),
        ({}, {"__type": "a#b#ThrottlingException:http://x"}, "ThrottlingException"),
        ({}, {"code": 7, "Code": "AccessDeniedException"}, "AccessDeniedException"),
        ({}, {"code": 7}, None),
        ({}, {"__type": ""}, None),
        ({"X-Amzn-Errortype": "  "}, {"Code": "ResourceNotFoundException"}, "ResourceNotFoundException"),
    ],
)
def test_the_error_type_is_read_as_botocore_reads_it(headers: dict[str, str], body: Any, expected: str | None) -> None:
    assert error_type(headers, body) == expected


def test_an_operation_the_schemas_do_not_describe_is_named_in_the_error() -> None:
    with pytest.raises(SchemaError, match=r"^no operation 'GetFoundationModel' in schemas/$"):
        contract().operation("GetFoundationModel")


def _model(region: str, **extra: str) -> dict[str, str]:
    return {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/amazon.nova-micro-v1:0", **extra}


def test_six_models_deviate_only_when_each_is_listed_once() -> None:
    """deviations.json: more than the page's 5 models is a deviation when each model is listed once; JSON objects
    are equal whatever the order of their members, so a model listed twice with its members reordered is no
    longer a deviation but a failure."""
    regions = ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-east-1"]
    six = [_model(r, note="n") for r in regions]
    outcome = {
        f.clause: f.outcome for f in validate_list_page({"inferenceProfileSummaries": [{**SUMMARY, "models": six}]})
    }
    assert outcome["response.models.maxItems"] is Outcome.DEVIATION
    reordered = {"note": "n", "modelArn": six[0]["modelArn"]}
    twice = [*six[:5], reordered]
    outcome = {
        f.clause: f.outcome for f in validate_list_page({"inferenceProfileSummaries": [{**SUMMARY, "models": twice}]})
    }
    assert outcome["response.models.maxItems"] is Outcome.FAIL


# ------------------------------------------------------------------------------------------------ generated date-times
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
FINDS = settings(database=None, derandomize=True, max_examples=500, suppress_health_check=list(HealthCheck))


@given(st.data())
@settings(database=None, derandomize=True, max_examples=200)
def test_every_generated_date_time_is_an_rfc_3339_date_time(data: st.DataObject) -> None:
    # Drawn from a strategy built in the test (not at import), so that the strategy is today's code.
    text = data.draw(_strategies._date_times())
    assert RFC3339.fullmatch(text), text
    assert dt.datetime.fromisoformat(text).tzinfo is not None


@pytest.mark.parametrize(
    "form",
    [
        lambda s: s.endswith("Z") and "." not in s,  # UTC, whole seconds
        lambda s: s.endswith("Z") and "." in s,  # UTC with a fraction, written with Z
        lambda s: s.endswith("+00:00"),  # UTC written as an offset
        lambda s: s.endswith("-07:00"),
        lambda s: s.endswith("+05:30"),
        lambda s: "." in s and not s.endswith("Z"),
    ],
)
def test_generated_date_times_take_every_form_the_page_allows(form: Any) -> None:
    """Bodies carry timestamps in each RFC 3339 form a target may send: Z or an offset, with or without a fraction."""
    found = find(_strategies._date_times(), form, settings=FINDS)
    assert form(found) and RFC3339.fullmatch(found), found


UTC, EAST = dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("moment", "style", "text"),
    [
        (dt.datetime(2024, 9, 30, 7, 5, 9, tzinfo=UTC), 0, "2024-09-30T07:05:09+00:00"),
        (dt.datetime(2024, 9, 30, 7, 5, 9, 500000, tzinfo=UTC), 1, "2024-09-30T07:05:09.500000Z"),
        (dt.datetime(2024, 9, 30, 7, 5, 9, tzinfo=EAST), 1, "2024-09-30T07:05:09+05:30"),
        (dt.datetime(2024, 9, 30, 7, 5, 9, 500000, tzinfo=EAST), 2, "2024-09-30T01:35:09Z"),
        (dt.datetime(999, 1, 1, tzinfo=UTC), 2, "0999-01-01T00:00:00Z"),
        # The first day of year 1 east of UTC is still year 0 in UTC, which datetime cannot hold: its own offset.
        (dt.datetime(1, 1, 1, 0, 0, tzinfo=EAST), 2, "0001-01-01T00:00:00+05:30"),
    ],
)
def test_each_rendering_of_a_moment(moment: dt.datetime, style: int, text: str) -> None:
    assert _strategies._render(moment, style) == text
