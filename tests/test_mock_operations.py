"""The mock's four operations, driven by unmodified boto3 and checked against the contract."""

from __future__ import annotations

import base64
import json
from importlib import resources
from typing import Any
from urllib.parse import quote

import boto3
import botocore.exceptions
import pytest
from test_mock_support import HAIKU, client, raw, status_of

from bedrock_conformance import Outcome, contract, validate_list_page, validate_response
from bedrock_conformance.mock import MockServer


def _outcomes(findings: list) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(f.outcome.value, set()).add(f.clause)
    return out


def _error(excinfo: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def _every_summary(mock: MockServer, region: str = "us-east-1", **kwargs: str) -> list[dict]:
    target = "/inference-profiles" + ("?" + "&".join(f"{k}={v}" for k, v in kwargs.items()) if kwargs else "")
    answer = raw(mock, "GET", target, region=region)
    assert answer.status == 200
    return answer.json()["inferenceProfileSummaries"]


def test_unmodified_boto3_reaches_the_mock_through_the_endpoint_environment_variable(
    bedrock_mock: MockServer,
) -> None:
    bedrock = boto3.client(
        "bedrock", region_name="us-east-1", aws_access_key_id="AKIDENV", aws_secret_access_key="secret"
    )
    before = bedrock_mock.request_count
    profile = bedrock.get_inference_profile(inferenceProfileIdentifier=HAIKU)
    assert profile["inferenceProfileId"] == HAIKU
    assert bedrock_mock.request_count == before + 1


def test_every_served_body_passes_the_contract_with_deviations_only_where_aws_deviates(
    bedrock_mock: MockServer,
) -> None:
    catalogue = json.loads(resources.files("bedrock_conformance.mock").joinpath("catalogue.json").read_text())
    regions = sorted({region for entry in catalogue["profiles"] for region in entry["regions"]})
    deviating: set[str] = set()
    for region in regions:
        page = raw(bedrock_mock, "GET", "/inference-profiles?maxResults=1000", region=region)
        assert page.status == 200
        assert page.headers["content-type"] == "application/json"
        outcomes = _outcomes(validate_list_page(page.body))
        assert "fail" not in outcomes, (region, outcomes.get("fail"))
        deviating |= outcomes.get("deviation", set())
    # The catalogue reproduces every deviation schemas/deviations.json records: the suite reports them for the mock too.
    assert deviating == set(contract().deviations)


def test_get_body_equals_the_listed_summary_byte_for_byte(bedrock_mock: MockServer) -> None:
    for summary in _every_summary(bedrock_mock)[:8]:
        answer = raw(bedrock_mock, "GET", "/inference-profiles/" + quote(summary["inferenceProfileId"], safe=""))
        assert answer.status == 200
        assert answer.json() == summary


def test_a_profile_resolves_by_id_and_by_arn_to_the_same_body(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    by_id = bedrock.get_inference_profile(inferenceProfileIdentifier=HAIKU)
    by_arn = bedrock.get_inference_profile(inferenceProfileIdentifier=by_id["inferenceProfileArn"])
    by_id.pop("ResponseMetadata")
    by_arn.pop("ResponseMetadata")
    assert by_id == by_arn
    assert by_arn["inferenceProfileArn"] == f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"


def test_arns_carry_the_sigv4_region_and_the_configured_account() -> None:
    with MockServer(account="210987654321") as mock:
        profile = client(mock, region="us-west-2").get_inference_profile(inferenceProfileIdentifier=HAIKU)
        gov = client(mock, region="us-gov-west-1").get_inference_profile(
            inferenceProfileIdentifier="us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"
        )
    assert profile["inferenceProfileArn"] == f"arn:aws:bedrock:us-west-2:210987654321:inference-profile/{HAIKU}"
    assert gov["inferenceProfileArn"].startswith("arn:aws-us-gov:bedrock:us-gov-west-1:210987654321:inference-profile/")


def test_a_region_outside_the_catalogue_is_served_the_default_regions_profiles_under_its_own_arns(
    bedrock_mock: MockServer,
) -> None:
    summaries = _every_summary(bedrock_mock, region="sa-east-1")
    assert {s["inferenceProfileId"] for s in summaries} == {
        s["inferenceProfileId"] for s in _every_summary(bedrock_mock)
    }
    assert all(":sa-east-1:" in s["inferenceProfileArn"] for s in summaries)


def test_the_recorded_deviations_are_in_the_catalogue(bedrock_mock: MockServer) -> None:
    apac = client(bedrock_mock, region="ap-northeast-1")
    micro = apac.get_inference_profile(inferenceProfileIdentifier="apac.amazon.nova-micro-v1:0")
    assert len(micro["models"]) == 6
    lite = apac.get_inference_profile(inferenceProfileIdentifier="global.amazon.nova-2-lite-v1:0")
    assert {"modelArn": "arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0"} in lite["models"]
    # The source region's own model ARN sits next to the region-less one.
    assert {"modelArn": "arn:aws:bedrock:ap-northeast-1::foundation-model/amazon.nova-2-lite-v1:0"} in lite["models"]
    names = {s["inferenceProfileName"] for s in _every_summary(bedrock_mock)}
    assert "US Anthropic Claude 3.5 Sonnet" in names


def test_timestamps_are_rfc3339_strings_on_the_wire(bedrock_mock: MockServer) -> None:
    body = raw(bedrock_mock, "GET", "/inference-profiles/" + quote(HAIKU, safe="")).json()
    assert body["createdAt"] == "2024-09-30T00:00:00Z"
    findings = validate_response(body)
    assert all(
        f.outcome is Outcome.PASS for f in findings if f.clause.endswith(("createdAt.format", "updatedAt.format"))
    )


def test_list_pages_through_every_system_profile_with_next_token(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    pages = list(bedrock.get_paginator("list_inference_profiles").paginate(PaginationConfig={"PageSize": 7}))
    ids = [s["inferenceProfileId"] for page in pages for s in page["inferenceProfileSummaries"]]
    assert len(pages) > 2
    assert all(len(page["inferenceProfileSummaries"]) <= 7 for page in pages)
    assert ids == [s["inferenceProfileId"] for s in _every_summary(bedrock_mock)]
    assert len(ids) == len(set(ids))


def test_list_without_a_type_filter_lists_system_profiles_only(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    bedrock.create_inference_profile(inferenceProfileName="tracked", modelSource={"copyFrom": _haiku_arn()})
    default = bedrock.list_inference_profiles()["inferenceProfileSummaries"]
    applications = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert {s["type"] for s in default} == {"SYSTEM_DEFINED"}
    assert [s["inferenceProfileName"] for s in applications] == ["tracked"]


def test_list_rejects_out_of_range_max_results_and_unknown_types_in_one_message(bedrock_mock: MockServer) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client(bedrock_mock).list_inference_profiles(maxResults=1001, typeEquals="CUSTOM")
    code, status, message = _error(excinfo)
    assert (code, status) == ("ValidationException", status_of("ValidationException"))
    assert message == (
        "2 validation errors detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000; Value 'CUSTOM' at 'typeEquals' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]"
    )


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("maxResults=0", "ValidationException"),
        ("maxResults=ten", "SerializationException"),
        ("nextToken=", "ValidationException"),
        ("nextToken=not-a-token-we-issued", "ValidationException"),
        ("projectIdentifier=bad%20project", "ValidationException"),
    ],
)
def test_list_rejects_bad_query_parameters_with_a_typed_400(bedrock_mock: MockServer, query: str, error: str) -> None:
    answer = raw(bedrock_mock, "GET", f"/inference-profiles?{query}")
    assert (answer.status, answer.error_type) == (status_of(error), error)


def test_a_next_token_only_resumes_the_listing_it_came_from(bedrock_mock: MockServer) -> None:
    token = raw(bedrock_mock, "GET", "/inference-profiles?maxResults=2").json()["nextToken"]
    assert raw(bedrock_mock, "GET", f"/inference-profiles?maxResults=2&nextToken={token}").status == 200
    other = raw(bedrock_mock, "GET", f"/inference-profiles?type=APPLICATION&nextToken={token}")
    assert (other.status, other.error_type) == (status_of("ValidationException"), "ValidationException")


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token + "!",  # base64 decoding skips a character outside its alphabet
        lambda token: token + "=" * (-len(token) % 4 or 4),  # padding the mock never writes
        lambda token: base64.urlsafe_b64encode(b'["SYSTEM_DEFINED", 0]').decode().rstrip("="),  # the first page
        lambda token: base64.urlsafe_b64encode(b'["SYSTEM_DEFINED",2]').decode().rstrip("="),  # respaced JSON
    ],
)
def test_a_next_token_the_mock_never_issued_is_refused(bedrock_mock: MockServer, forge: Any) -> None:
    token = raw(bedrock_mock, "GET", "/inference-profiles?maxResults=2").json()["nextToken"]
    forged = forge(token)
    assert forged != token
    answer = raw(bedrock_mock, "GET", f"/inference-profiles?maxResults=2&nextToken={quote(forged, safe='')}")
    assert (answer.status, answer.error_type) == (status_of("ValidationException"), "ValidationException")


def _haiku_arn(region: str = "us-east-1") -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


def test_application_profile_lifecycle_create_get_list_delete_then_404(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    created = bedrock.create_inference_profile(
        inferenceProfileName="team-a haiku",
        description="Cost tracking for team A",
        modelSource={"copyFrom": _haiku_arn()},
        tags=[{"key": "team", "value": "a"}],
    )
    assert (
        created["ResponseMetadata"]["HTTPStatusCode"]
        == contract().documents["operations.json"]["$defs"]["CreateInferenceProfile"]["x-operation"]["successStatus"]
    )
    assert created["status"] == "ACTIVE"
    profile_arn = created["inferenceProfileArn"]
    profile_id = profile_arn.rsplit("/", 1)[1]
    assert profile_arn == f"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/{profile_id}"
    assert len(profile_id) == 12 and profile_id.isalnum() and profile_id == profile_id.lower()

    body = raw(bedrock_mock, "GET", "/inference-profiles/" + quote(profile_arn, safe="")).json()
    assert body["type"] == "APPLICATION" and body["inferenceProfileId"] == profile_id
    assert body["models"] == [{"modelArn": _haiku_arn()}]
    assert body["description"] == "Cost tracking for team A"
    assert "fail" not in _outcomes(validate_response(body))
    assert bedrock.get_inference_profile(inferenceProfileIdentifier=profile_id)["inferenceProfileArn"] == profile_arn

    listed = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert [s["inferenceProfileArn"] for s in listed] == [profile_arn]

    bedrock.delete_inference_profile(inferenceProfileIdentifier=profile_arn)
    for identifier in (profile_arn, profile_id):
        with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
            bedrock.get_inference_profile(inferenceProfileIdentifier=identifier)
    with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
        bedrock.delete_inference_profile(inferenceProfileIdentifier=profile_id)
    assert bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []


def test_copying_a_global_system_profile_inherits_its_region_less_models(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    source = bedrock.get_inference_profile(inferenceProfileIdentifier="global.amazon.nova-2-lite-v1:0")
    created = bedrock.create_inference_profile(
        inferenceProfileName="global-copy", modelSource={"copyFrom": source["inferenceProfileArn"]}
    )
    copy = raw(bedrock_mock, "GET", "/inference-profiles/" + quote(created["inferenceProfileArn"], safe="")).json()
    assert copy["models"] == source["models"]
    outcomes = _outcomes(validate_response(copy))
    assert "fail" not in outcomes
    assert "response.models.modelArn.pattern" in outcomes["deviation"]


def test_client_request_token_makes_create_idempotent(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    request = {"inferenceProfileName": "once", "modelSource": {"copyFrom": _haiku_arn()}, "clientRequestToken": "t-1"}
    first = bedrock.create_inference_profile(**request)
    again = bedrock.create_inference_profile(**request)
    assert first["inferenceProfileArn"] == again["inferenceProfileArn"]
    assert len(bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]) == 1
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        bedrock.create_inference_profile(**{**request, "inferenceProfileName": "twice"})
    assert _error(excinfo)[:2] == ("ConflictException", status_of("ConflictException"))


def test_create_refuses_a_second_profile_with_the_same_name(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    bedrock.create_inference_profile(inferenceProfileName="dup", modelSource={"copyFrom": _haiku_arn()})
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        bedrock.create_inference_profile(inferenceProfileName="dup", modelSource={"copyFrom": _haiku_arn()})
    assert _error(excinfo)[0] == "ConflictException"


def test_create_from_an_unknown_source_is_not_found(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    for source in (
        "arn:aws:bedrock:us-east-1::foundation-model/acme.unknown-model-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.acme.nothing-v1:0",
    ):
        with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
            bedrock.create_inference_profile(inferenceProfileName="x", modelSource={"copyFrom": source})


def test_create_validates_name_source_and_tags_from_the_schemas(bedrock_mock: MockServer) -> None:
    pattern = contract().schema("response.json", "/properties/inferenceProfileName")["pattern"]
    answer = raw(
        bedrock_mock,
        "POST",
        "/inference-profiles",
        body=json.dumps(
            {"inferenceProfileName": "bad.name", "modelSource": {"copyFrom": "x"}, "tags": [{"key": "k"}]}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert (answer.status, answer.error_type) == (status_of("ValidationException"), "ValidationException")
    message = answer.json()["message"]
    assert message.startswith("3 validation errors detected: ")
    assert (
        f"Value 'bad.name' at 'inferenceProfileName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    ) in message
    assert "Value 'x' at 'modelSource.copyFrom' failed to satisfy constraint" in message
    assert "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null" in message


def test_create_does_not_echo_the_sensitive_description(bedrock_mock: MockServer) -> None:
    body = {"inferenceProfileName": "ok", "description": "secret, plans!", "modelSource": {"copyFrom": _haiku_arn()}}
    answer = raw(bedrock_mock, "POST", "/inference-profiles", body=json.dumps(body).encode())
    assert answer.status == status_of("ValidationException")
    assert "Value at 'description' failed to satisfy constraint" in answer.json()["message"]
    assert "secret" not in answer.json()["message"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "SerializationException"),
        (b"[1, 2]", "SerializationException"),
        (b'{"inferenceProfileName": 7, "modelSource": {"copyFrom": "x"}}', "SerializationException"),
        (b"", "ValidationException"),
        (b"\xff\xfe", "SerializationException"),
    ],
)
def test_create_rejects_bodies_that_do_not_deserialise(bedrock_mock: MockServer, body: bytes, error: str) -> None:
    answer = raw(bedrock_mock, "POST", "/inference-profiles", body=body)
    assert (answer.status, answer.error_type) == (status_of(error), error)
    assert isinstance(answer.json()["message"], str)


def test_deleting_a_system_profile_is_a_clear_400(bedrock_mock: MockServer) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client(bedrock_mock).delete_inference_profile(inferenceProfileIdentifier=HAIKU)
    code, status, message = _error(excinfo)
    assert (code, status) == ("ValidationException", status_of("ValidationException"))
    assert (
        message == f"{HAIKU} is a SYSTEM_DEFINED inference profile; only APPLICATION inference profiles can be deleted."
    )
    # Still there.
    client(bedrock_mock).get_inference_profile(inferenceProfileIdentifier=HAIKU)


def test_application_ids_repeat_for_the_same_seed() -> None:
    def first_id(seed: int) -> str:
        with MockServer(seed=seed) as mock:
            created = client(mock).create_inference_profile(
                inferenceProfileName="seeded", modelSource={"copyFrom": _haiku_arn()}
            )
        return str(created["inferenceProfileArn"])

    assert first_id(7) == first_id(7)
    assert first_id(7) != first_id(8)
