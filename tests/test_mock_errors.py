"""Every error the mock answers: forced, validated, denied, throttled, injected and unauthenticated."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import botocore.exceptions
import pytest
from test_mock_support import ACCESS_KEY, HAIKU, SECRET_KEY, Answer, client, forcing, raw, situation, status_of

from bedrock_conformance import Outcome, contract, validate_error
from bedrock_conformance.mock import FORCE_ERROR_HEADER, MockServer

NAMESPACE = contract().documents["errors.json"]["x-type-namespace"]
MODELLED = sorted(contract().errors)
IDENTIFIER_PATTERN = contract().schema("request.json", "/properties/inferenceProfileIdentifier")["pattern"]


def _assert_typed(answer: Answer, error: str) -> None:
    """The rest-json error form AWS sends: status, namespaced x-amzn-ErrorType, a request id, {"message": ...}."""
    assert answer.status == status_of(error), (answer.status, answer.body)
    assert answer.headers["x-amzn-errortype"] == f"{error}:{NAMESPACE}"
    uuid.UUID(answer.headers["x-amzn-requestid"])
    assert answer.headers["content-type"] == "application/json"
    assert list(answer.json()) == ["message"] and answer.json()["message"]
    findings = validate_error(answer.status, answer.headers, answer.body)
    assert all(f.outcome is Outcome.PASS for f in findings), [f.message for f in findings]


@pytest.mark.parametrize("error", MODELLED)
def test_the_force_header_produces_each_modelled_error_through_boto3(bedrock_mock: MockServer, error: str) -> None:
    bedrock = forcing(client(bedrock_mock), error)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        bedrock.get_inference_profile(inferenceProfileIdentifier=HAIKU)
    response = excinfo.value.response
    assert response["Error"]["Code"] == error
    assert response["ResponseMetadata"]["HTTPStatusCode"] == contract().errors[error].status


@pytest.mark.parametrize("error", MODELLED)
def test_a_forced_error_has_aws_headers_and_body_on_every_route(bedrock_mock: MockServer, error: str) -> None:
    for method, target in [("GET", "/inference-profiles/x"), ("POST", "/inference-profiles"), ("PUT", "/nowhere")]:
        _assert_typed(raw(bedrock_mock, method, target, headers={FORCE_ERROR_HEADER: error}), error)


def test_forcing_an_unmodelled_error_name_is_refused(bedrock_mock: MockServer) -> None:
    answer = raw(bedrock_mock, "GET", "/inference-profiles", headers={FORCE_ERROR_HEADER: "TeapotException"})
    _assert_typed(answer, "ValidationException")
    assert "TeapotException" in answer.json()["message"]


def test_a_malformed_identifier_gets_the_aws_pattern_message(bedrock_mock: MockServer) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client(bedrock_mock).get_inference_profile(inferenceProfileIdentifier="abc!")
    assert excinfo.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'abc!' at 'inferenceProfileIdentifier' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {IDENTIFIER_PATTERN}"
    )


def test_an_overlong_identifier_gets_the_aws_length_message(bedrock_mock: MockServer) -> None:
    identifier = "a" * 3000
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client(bedrock_mock).get_inference_profile(inferenceProfileIdentifier=identifier)
    assert excinfo.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{identifier}' at 'inferenceProfileIdentifier' failed to satisfy "
        "constraint: Member must have length less than or equal to 2048"
    )


def test_the_label_is_percent_decoded_before_it_is_validated(bedrock_mock: MockServer) -> None:
    assert raw(bedrock_mock, "GET", "/inference-profiles/" + quote(HAIKU, safe="")).status == 200
    assert raw(bedrock_mock, "GET", "/inference-profiles/" + quote(quote(HAIKU, safe=""), safe="")).status == 400
    encoded_slash = raw(bedrock_mock, "GET", "/inference-profiles/a%2Fb")
    _assert_typed(encoded_slash, "ValidationException")
    assert "Value 'a/b' at 'inferenceProfileIdentifier'" in encoded_slash.json()["message"]


def test_an_unencoded_slash_in_the_label_matches_no_operation(bedrock_mock: MockServer) -> None:
    target = "/inference-profiles/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"
    answer = raw(bedrock_mock, "GET", target)
    _assert_typed(answer, situation("unknownOperation")["error"])
    assert answer.status < 500


def test_a_valid_identifier_that_names_no_profile_is_not_found(bedrock_mock: MockServer) -> None:
    answer = raw(bedrock_mock, "GET", "/inference-profiles/us.acme.nothing-v1%3A0")
    _assert_typed(answer, "ResourceNotFoundException")
    assert answer.json()["message"] == situation("profileNotFound")["message"].format(identifier="us.acme.nothing-v1:0")


def test_an_arn_for_another_account_is_not_found(bedrock_mock: MockServer) -> None:
    other = f"arn:aws:bedrock:us-east-1:999999999999:inference-profile/{HAIKU}"
    _assert_typed(raw(bedrock_mock, "GET", "/inference-profiles/" + quote(other, safe="")), "ResourceNotFoundException")


@pytest.mark.parametrize(
    ("headers", "sign", "service", "situation_name"),
    [
        ({}, False, "bedrock", "missingAuthentication"),
        ({"Authorization": "Bearer token"}, False, "bedrock", "incompleteSignature"),
        (
            {"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/bedrock/aws4_request"},
            False,
            "bedrock",
            "incompleteSignature",
        ),
        ({}, True, "s3", "wrongService"),
    ],
)
def test_requests_without_a_well_formed_bedrock_sigv4_signature_get_a_typed_403(
    bedrock_mock: MockServer, headers: dict[str, str], sign: bool, service: str, situation_name: str
) -> None:
    answer = raw(bedrock_mock, "GET", "/inference-profiles", headers=headers, sign=sign, service=service)
    _assert_typed(answer, situation(situation_name)["error"])
    assert answer.status == 403


def test_a_credential_scope_in_no_partition_is_refused(bedrock_mock: MockServer) -> None:
    answer = raw(bedrock_mock, "GET", "/inference-profiles", region="xx-nowhere-9")
    _assert_typed(answer, situation("invalidRegion")["error"])


def test_with_credentials_a_correct_signature_passes_and_a_wrong_one_or_unknown_key_is_403() -> None:
    with MockServer(credentials={ACCESS_KEY: SECRET_KEY}) as mock:
        good = client(mock)
        assert good.get_inference_profile(inferenceProfileIdentifier=HAIKU)["inferenceProfileId"] == HAIKU
        good.list_inference_profiles(maxResults=3, typeEquals="SYSTEM_DEFINED")
        good.create_inference_profile(
            inferenceProfileName="signed",
            modelSource={"copyFrom": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"},
        )
        bad_secret = raw(mock, "GET", "/inference-profiles", secret="wrong-secret")
        _assert_typed(bad_secret, situation("signatureMismatch")["error"])
        unknown = raw(mock, "GET", "/inference-profiles", key="AKIDUNKNOWN")
        _assert_typed(unknown, situation("unknownAccessKey")["error"])
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            client(mock, secret="wrong-secret").get_inference_profile(inferenceProfileIdentifier=HAIKU)
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_body_changed_after_signing_fails_verification() -> None:
    with MockServer(credentials={ACCESS_KEY: SECRET_KEY}) as mock:
        bedrock = client(mock)

        def tamper(request: object, **_: object) -> None:
            request.body = request.body.replace(b"signed", b"forged")  # type: ignore[attr-defined]

        bedrock.meta.events.register("before-send.bedrock.CreateInferenceProfile", tamper)
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            bedrock.create_inference_profile(
                inferenceProfileName="signed",
                modelSource={"copyFrom": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"},
            )
        assert excinfo.value.response["Error"]["Code"] == situation("signatureMismatch")["error"]


def test_a_deny_rule_by_key_gets_aws_access_denied_message() -> None:
    with MockServer(deny=["key:AKIDBLOCKED*"]) as mock:
        assert client(mock).get_inference_profile(inferenceProfileIdentifier=HAIKU)
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            client(mock, key="AKIDBLOCKED1").get_inference_profile(inferenceProfileIdentifier=HAIKU)
    response = excinfo.value.response
    assert response["Error"]["Code"] == "AccessDeniedException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status_of("AccessDeniedException")
    assert response["Error"]["Message"] == (
        "User: arn:aws:iam::123456789012:user/AKIDBLOCKED1 is not authorized to perform: "
        f"bedrock:GetInferenceProfile on resource: arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"
    )


def test_a_deny_rule_by_resource_matches_the_profile_by_id_or_arn() -> None:
    with MockServer(deny=["resource:*claude-3-haiku*"]) as mock:
        bedrock = client(mock)
        for identifier in (HAIKU, f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"):
            with pytest.raises(bedrock.exceptions.AccessDeniedException):
                bedrock.get_inference_profile(inferenceProfileIdentifier=identifier)
        assert bedrock.get_inference_profile(inferenceProfileIdentifier="us.amazon.nova-micro-v1:0")
        assert bedrock.list_inference_profiles()["inferenceProfileSummaries"]


def test_a_deny_rule_by_action_names_the_iam_action() -> None:
    with MockServer(deny=["action:bedrock:List*"]) as mock:
        answer = raw(mock, "GET", "/inference-profiles")
        _assert_typed(answer, "AccessDeniedException")
        assert (
            "perform: bedrock:ListInferenceProfiles on resource: arn:aws:bedrock:us-east-1:123456789012:"
            in (answer.json()["message"])
        )
        assert raw(mock, "GET", "/inference-profiles/" + quote(HAIKU, safe="")).status == 200


def test_the_rate_limit_throttles_each_access_key_with_its_own_bucket() -> None:
    with MockServer(rate_limit=5) as mock:
        answers = [raw(mock, "GET", "/inference-profiles/" + quote(HAIKU, safe="")) for _ in range(12)]
        other_key = raw(mock, "GET", "/inference-profiles", key="AKIDOTHER")
    statuses = [a.status for a in answers]
    # A full bucket holds one second's worth; the rest of the burst outruns its refill.
    assert statuses[:5] == [200] * 5
    assert status_of("ThrottlingException") in statuses[5:]
    assert other_key.status == 200
    throttled = next(a for a in answers if a.status != 200)
    _assert_typed(throttled, "ThrottlingException")
    assert (
        throttled.json()["message"]
        == contract().documents["errors.json"]["$defs"]["ThrottlingException"]["x-default-message"]
    )


def test_boto3_sees_throttling_as_a_throttling_exception() -> None:
    # One request a thousand seconds: the second is throttled however long a busy machine takes between the two.
    with MockServer(rate_limit=0.001) as mock:
        bedrock = client(mock)
        bedrock.get_inference_profile(inferenceProfileIdentifier=HAIKU)
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            bedrock.get_inference_profile(inferenceProfileIdentifier=HAIKU)
    assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def _fault_statuses(seed: int) -> list[int]:
    with MockServer(faults={"InternalServerException": 0.3, "ThrottlingException": 0.1}, seed=seed) as mock:
        return [raw(mock, "GET", "/inference-profiles/" + quote(HAIKU, safe="")).status for _ in range(60)]


def test_faults_are_injected_at_their_rates_and_repeat_for_a_seed() -> None:
    first, again, other = _fault_statuses(1), _fault_statuses(1), _fault_statuses(2)
    assert first == again
    assert first != other
    assert set(first) == {200, status_of("InternalServerException"), status_of("ThrottlingException")}
    assert 8 <= first.count(status_of("InternalServerException")) <= 30


def test_an_injected_fault_has_the_aws_error_form() -> None:
    with MockServer(faults={"InternalServerException": 1.0}) as mock:
        _assert_typed(raw(mock, "GET", "/inference-profiles"), "InternalServerException")


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"faults": {"TeapotException": 0.1}}, "not a modelled error"),
        ({"faults": {"InternalServerException": 1.5}}, "between 0 and 1"),
        ({"faults": {"InternalServerException": 0.6, "ThrottlingException": 0.6}}, "more than 1"),
        ({"rate_limit": 0}, "positive"),
        ({"deny": ["user:bob"]}, "deny rule"),
        ({"region": "xx-nowhere-1"}, "partition"),
        ({"region": "me-central-1"}, "no profiles"),
        ({"account": "not-an-account"}, "inferenceProfileArn"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(kwargs: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        MockServer(**kwargs)
