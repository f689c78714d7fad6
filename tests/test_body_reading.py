"""Bodies and error types read as RFC 8259, RFC 3339 and botocore read them (facts restated, not asked of the code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bedrock_conformance import validate_error, validate_response
from bedrock_conformance._validator import failing, instant, is_datetime, outcomes_by_clause
from bedrock_conformance.checks import diff_members, same_body
from bedrock_conformance.cli import main

PROFILE = {
    "inferenceProfileName": "US Anthropic Claude 3 Sonnet",
    "description": "Routes requests to Anthropic Claude 3 Sonnet",
    "createdAt": "2024-09-30T00:00:00Z",
    "updatedAt": "2024-09-30T00:00:00Z",
    "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-sonnet",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet"}],
    "inferenceProfileId": "us.anthropic.claude-3-sonnet",
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}


# ------------------------------------------------------------------------------------------------ NaN is not JSON
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_body_with_a_non_finite_number_is_not_json(constant: str) -> None:
    body = json.dumps(PROFILE)[:-1] + f', "score": {constant}}}'
    findings = validate_response(body.encode())
    assert failing(findings) == {"response.body.type"}
    assert "not JSON" in findings[0].message


def test_an_error_body_with_nan_is_not_json() -> None:
    findings = validate_error(404, {"x-amzn-ErrorType": "ResourceNotFoundException"}, b'{"message": NaN}')
    assert "error.body.type" in failing(findings)


def test_the_same_body_without_nan_is_json() -> None:
    body = json.dumps(PROFILE)[:-1] + ', "score": 1e308}'
    assert "response.body.type" not in failing(validate_response(body.encode()))


def test_validate_command_refuses_nan_input_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "body.json"
    path.write_text('{"inferenceProfileName": NaN}', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not JSON" in err and "NaN" in err


# ------------------------------------------------------------------------------------------------ leap seconds
@pytest.mark.parametrize(
    "value",
    [
        "2016-12-31T23:59:60Z",
        "2016-12-31T23:59:60.999999999Z",
        "2017-01-01T05:29:60+05:30",
        "2016-12-31T15:59:60-08:00",
        "2015-06-30T23:59:60z",
    ],
)
def test_a_leap_second_ending_a_utc_day_is_a_date_time_in_any_offset(value: str) -> None:
    assert is_datetime(value)
    body = {**PROFILE, "updatedAt": value}
    assert outcomes_by_clause(validate_response(body))["response.updatedAt.format"].value == "pass"


@pytest.mark.parametrize(
    "value",
    ["2016-12-31T23:59:61Z", "2016-12-31T23:58:60Z", "2016-12-31T22:59:60Z", "2017-01-01T05:29:60Z"],
)
def test_second_60_anywhere_else_is_not_a_date_time(value: str) -> None:
    assert not is_datetime(value)


def test_a_leap_second_is_its_own_instant() -> None:
    assert instant("2016-12-31T23:59:60Z") == instant("2017-01-01T05:29:60+05:30")
    assert instant("2016-12-31T23:59:60Z") != instant("2017-01-01T00:00:00Z")
    assert instant("2016-12-31T23:59:59Z") < instant("2016-12-31T23:59:60Z") < instant("2017-01-01T00:00:00Z")  # type: ignore[operator]


def test_leap_second_bodies_compare_without_crashing() -> None:
    get = {**PROFILE, "updatedAt": "2016-12-31T23:59:60Z"}
    listed = {**PROFILE, "updatedAt": "2017-01-01T05:29:60+05:30"}
    assert same_body(get, listed)
    assert diff_members(get, {**PROFILE, "updatedAt": "2017-01-01T00:00:00Z"}) == ["updatedAt"]


# ------------------------------------------------------------------------------------------------ instants
def test_timestamps_are_compared_at_full_precision() -> None:
    a = {**PROFILE, "updatedAt": "2024-09-30T00:00:00.0000001Z"}
    b = {**PROFILE, "updatedAt": "2024-09-30T00:00:00.0000002Z"}
    assert not same_body(a, b)
    assert diff_members(a, b) == ["updatedAt"]
    assert not same_body({**PROFILE, "createdAt": "2024-09-30T00:00:00.000000000001Z"}, PROFILE)


def test_one_instant_in_two_renderings_is_equal() -> None:
    a = {**PROFILE, "createdAt": "2024-09-30T00:00:00.000000100Z", "updatedAt": "2024-09-30T00:00:00Z"}
    b = {**PROFILE, "createdAt": "2024-09-30T05:30:00.0000001+05:30", "updatedAt": "2024-09-29T19:00:00.000-05:00"}
    assert same_body(a, b)


def test_a_description_that_looks_like_a_date_time_is_text() -> None:
    a = {**PROFILE, "description": "2024-09-30T00:00:00Z"}
    b = {**PROFILE, "description": "2024-09-30T00:00:00.000Z"}
    assert not same_body(a, b)
    assert diff_members(a, b) == ["description"]


def test_a_timestamp_that_is_not_a_date_time_is_compared_as_written() -> None:
    assert not same_body({**PROFILE, "createdAt": "yesterday"}, PROFILE)
    assert same_body({**PROFILE, "createdAt": "yesterday"}, {**PROFILE, "createdAt": "yesterday"})


# ------------------------------------------------------------------------------------------------ error types
NAMESPACE = ":http://internal.amazon.com/coral/com.amazon.bedrock/"


def _kind(headers: dict[str, str], body: object) -> object:
    findings = validate_error(400, headers, json.dumps(body).encode())
    return next(f.value for f in findings if f.clause == "error.errorType.required")


@pytest.mark.parametrize(
    "header",
    [
        "ValidationException",
        "ValidationException" + NAMESPACE,
        "com.amazonaws.bedrock#ValidationException",
        "com.amazonaws.bedrock#ValidationException" + NAMESPACE,
        "aws.protocoltests#com.amazonaws.bedrock#ValidationException:x#y",
    ],
)
def test_the_type_header_is_read_as_botocore_reads_it(header: str) -> None:
    assert _kind({"x-amzn-ErrorType": header}, {"message": "m"}) == "ValidationException"
    findings = validate_error(400, {"x-amzn-ErrorType": header}, b'{"message": "m"}')
    assert failing(findings) == set()
    assert outcomes_by_clause(findings)["error.ValidationException.status"].value == "pass"


@pytest.mark.parametrize("member", ["code", "Code", "__type"])
@pytest.mark.parametrize(
    "value",
    ["ValidationException", "com.amazonaws.bedrock#ValidationException", "ValidationException" + NAMESPACE + "#x"],
)
def test_the_type_in_the_body_is_read_as_botocore_reads_it(member: str, value: str) -> None:
    assert _kind({}, {member: value, "message": "m"}) == "ValidationException"


def test_the_header_wins_over_the_body() -> None:
    assert _kind({"X-Amzn-Errortype": "ValidationException"}, {"code": "ThrottlingException"}) == "ValidationException"
