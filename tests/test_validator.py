from __future__ import annotations

import pytest

from bedrock_conformance import Outcome, validate_error, validate_identifier, validate_response
from bedrock_conformance._ecma import translate, whole_match
from bedrock_conformance._validator import REDACTED, failing, is_datetime, outcomes_by_clause

NS = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
BODY = {
    "inferenceProfileName": "US Anthropic Claude 3 Sonnet",
    "description": "Routes requests to Anthropic Claude 3 Sonnet in us-east-1 and us-west-2.",
    "createdAt": "2024-09-30T00:00:00Z",
    "updatedAt": "2024-09-30T00:00:00.123456+00:00",
    "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
    + "us.anthropic.claude-3-sonnet-20240229-v1:0",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0"}],
    "inferenceProfileId": "us.anthropic.claude-3-sonnet-20240229-v1:0",
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}


def test_a_conformant_body_passes_every_clause() -> None:
    outcomes = outcomes_by_clause(validate_response(BODY))
    assert set(outcomes.values()) == {Outcome.PASS}
    assert "model.response.members" in outcomes


def test_trailing_newline_breaks_pattern() -> None:
    assert failing(validate_identifier("abc\n")) == {"request.inferenceProfileIdentifier.pattern"}


def test_python_search_would_have_accepted_the_trailing_newline() -> None:
    import re

    assert re.search(r"^[a-zA-Z0-9-:.]+$", "abc\n")
    assert not whole_match(r"^[a-zA-Z0-9-:.]+$", "abc\n")


@pytest.mark.parametrize("char", ["-", ":", "."])
def test_dash_after_a_range_is_a_literal_as_in_ecma(char: str) -> None:
    assert whole_match("^[a-zA-Z0-9-:.]+$", f"a{char}b")
    assert not whole_match("^[a-zA-Z0-9-:.]+$", "a;b")  # ';' sits between '9' and ':' in ASCII


def test_ecma_escapes_mean_ascii_and_dot_excludes_line_terminators() -> None:
    assert not whole_match(r"^\d$", "٣")
    assert not whole_match("^.$", "\u2028")
    assert whole_match(r"^[\D]$", "a") and not whole_match(r"^[\D]$", "5")
    assert whole_match(r"^[^\D]$", "5") and not whole_match(r"^[^\D]$", "a")
    assert "(?P<year>" in translate(r"(?<year>\d{4})")


def test_empty_resource_id_after_the_slash_fails() -> None:
    value = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
    assert failing(validate_identifier(value)) == {"request.inferenceProfileIdentifier.pattern"}


def test_2048_characters_pass_and_2049_fail_only_the_maximum() -> None:
    assert not failing(validate_identifier("a" * 2048))
    assert failing(validate_identifier("a" * 2049)) == {"request.inferenceProfileIdentifier.maxLength"}


@pytest.mark.parametrize("value", ["2024-09-30T00:00:00Z", "2024-09-30T00:00:00.123456+00:00", "2016-12-31T23:59:60Z"])
def test_rfc3339_date_times_pass(value: str) -> None:
    assert is_datetime(value)


@pytest.mark.parametrize(
    ("value", "clause"),
    [
        (1727654400, "response.createdAt.type"),
        ("yesterday", "response.createdAt.format"),
        ("2024-02-30T00:00:00Z", "response.createdAt.format"),
        ("2024-09-30T00:00:00Z\n", "response.createdAt.format"),
    ],
)
def test_non_rfc3339_timestamps_fail(value: object, clause: str) -> None:
    assert failing(validate_response({**BODY, "createdAt": value})) == {clause}


def test_unknown_members_are_drift_not_failures() -> None:
    findings = validate_response({**BODY, "projectIdentifier": "p1"})
    assert not failing(findings)
    drift = [f for f in findings if f.drift]
    assert [f.pointer for f in drift] == ["/projectIdentifier"]
    assert drift[0].clause == "model.response.members"


def test_description_is_redacted_unless_asked() -> None:
    body = {**BODY, "description": "secret plan!"}
    finding = next(f for f in validate_response(body) if f.outcome is Outcome.FAIL)
    assert finding.value == REDACTED and "secret" not in finding.message
    shown = next(f for f in validate_response(body, show_sensitive=True) if f.outcome is Outcome.FAIL)
    assert shown.value == "secret plan!"


def test_strict_turns_a_deviation_into_a_failure() -> None:
    body = {**BODY, "inferenceProfileName": "US Claude 3.5 Sonnet"}
    assert outcomes_by_clause(validate_response(body))["response.inferenceProfileName.pattern"] is Outcome.DEVIATION
    assert failing(validate_response(body, strict=True)) == {"response.inferenceProfileName.pattern"}


def test_a_value_beyond_the_relaxed_rule_is_a_failure_not_a_deviation() -> None:
    body = {**BODY, "inferenceProfileName": "US Claude 3.5 Sonnet!"}
    assert failing(validate_response(body)) == {"response.inferenceProfileName.pattern"}


def test_six_models_deviate_and_repeated_models_fail() -> None:
    arns = [f"arn:aws:bedrock:ap-{r}::foundation-model/amazon.nova-micro-v1:0" for r in "abcdef"]
    six = {**BODY, "models": [{"modelArn": a} for a in arns]}
    assert outcomes_by_clause(validate_response(six))["response.models.maxItems"] is Outcome.DEVIATION
    repeated = {**BODY, "models": [{"modelArn": arns[0]}] * 6}
    assert failing(validate_response(repeated)) == {"response.models.maxItems"}


def test_region_less_model_arn_deviates() -> None:
    body = {**BODY, "models": [{"modelArn": "arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0"}]}
    assert outcomes_by_clause(validate_response(body))["response.models.modelArn.pattern"] is Outcome.DEVIATION


def test_a_body_that_is_not_json_fails_the_body_clause() -> None:
    assert failing(validate_response(b"<html>oops</html>")) == {"response.body.type"}
    assert failing(validate_response(b'{"inferenceProfileName": "x"')) == {"response.body.type"}


def test_error_type_is_read_from_the_header_up_to_the_first_colon() -> None:
    findings = validate_error(404, {"x-amzn-ErrorType": "ResourceNotFoundException" + NS}, b'{"message": "nope"}')
    assert not failing(findings)
    assert "error.ResourceNotFoundException.status" in outcomes_by_clause(findings)


def test_error_type_from_the_body_and_capitalised_message_pass() -> None:
    assert not failing(
        validate_error(403, {}, {"__type": "com.amazon.coral#AccessDeniedException", "Message": "denied"})
    )
    assert not failing(validate_error(400, {}, {"code": "ValidationException", "message": "bad"}))


def test_error_with_the_wrong_status_fails_its_status_clause() -> None:
    findings = validate_error(500, {"x-amzn-ErrorType": "ThrottlingException"}, {"message": "slow down"})
    assert failing(findings) == {"error.ThrottlingException.status"}


def test_error_without_a_readable_type_or_message_fails() -> None:
    assert failing(validate_error(400, {}, {"oops": 1})) == {"error.errorType.required", "error.message.required"}
    assert failing(validate_error(500, {}, b"<html>")) >= {"error.body.type", "error.errorType.required"}


def test_common_errors_beyond_the_five_are_not_held_to_a_status() -> None:
    findings = validate_error(403, {"x-amzn-ErrorType": "UnrecognizedClientException" + NS}, {"message": "bad key"})
    assert not failing(findings)
