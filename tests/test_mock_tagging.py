"""The mock's TagResource, UntagResource and ListTagsForResource on application inference profiles.

Every number is written here as the bedrock service model (botocore 2023-04-20 service-2.json) states it:
TagList and TagKeyList hold 0 to 200 items, a TagKey is 1 to 128 characters and a TagValue 0 to 256, both of
``[a-zA-Z0-9\\s._:/=+@-]*``; a TaggableResourcesArn is 20 to 1011 characters; and TooManyTagsException's
documentation says a resource carries at most 50 tags, counting those it has and those a request adds.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest
from botocore.client import BaseClient
from hypothesis import HealthCheck, given, settings
from test_mock_support import HAIKU, client, raw

from bedrock_conformance import Outcome
from bedrock_conformance._ecma import whole_match
from bedrock_conformance._regex import matching
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import shape_validator
from bedrock_conformance.mock import MockServer

HAIKU_MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
SYSTEM_ARN = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"
UNKNOWN_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz"

# The model's TaggableResourcesArn pattern, verbatim: ^ and $ sit inside its branches, with .* around them.
TAGGABLE_ARN = (
    ".*(^[a-zA-Z0-9][a-zA-Z0-9\\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:custom-model/(imported)/"
    "[a-z0-9]{12}$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}|)((:(fine-tuning-job|model-customization-job"
    "|custom-model)/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63})"
    "{0,2}(/[a-z0-9]{12})$)|(:guardrail/[a-z0-9]+$)|(:automated-reasoning-policy/[a-zA-Z0-9]+(:[a-zA-Z0-9]+)?$)|"
    "(:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)|(:project/(proj_[a-z2-7]{20}|default)$)|"
    "(:(provisioned-model|model-invocation-job|model-evaluation-job|evaluation-job|model-import-job|imported-model|"
    "async-invoke|provisioned-model-v2|provisioned-model-reservation|prompt-router|custom-model-deployment)/"
    "[a-z0-9]{12}$))).*"
)


def _tags(count: int, prefix: str = "k") -> list[dict[str, str]]:
    return [{"key": f"{prefix}{i}", "value": f"v{i}"} for i in range(count)]


def _create(bedrock: BaseClient, name: str = "tagged", **extra: Any) -> str:
    created = bedrock.create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": HAIKU_MODEL}, **extra
    )
    return str(created["inferenceProfileArn"])


def _listed(bedrock: BaseClient, arn: str) -> dict[str, str]:
    answer = bedrock.list_tags_for_resource(resourceARN=arn)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    return {tag["key"]: tag["value"] for tag in answer["tags"]}


def _post(mock: MockServer, path: str, document: Any) -> tuple[int, str, dict[str, Any]]:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    answer = raw(mock, "POST", path, body=body, headers={"Content-Type": "application/json"})
    return answer.status, answer.error_type, answer.json() if answer.body else {}


# ------------------------------------------------------------------------------------------------ the pattern
@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefghij12",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:guardrail/abc123",
        "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdefghij12",
        "arn:aws:bedrock:us-east-1::inference-profile/x",
        "arn:aws:bedrock:us-east-1:123456789012:project/default",
        "my-resource-name",
    ],
)
def test_the_resource_arn_pattern_accepts(arn: str) -> None:
    assert whole_match(TAGGABLE_ARN, arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc def",
        "arn:aws:s3:::bucket",
        "arn:aws:bedrock:us-east-1:123456789012:guardrail/ABC",
        "xarn:aws:bedrock:us-east-1:123456789012:guardrail/abc",
        "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc\nx",
        "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc/extra",
        "arn:aws:bedrock:us-east-1:12345678901:guardrail/abc",
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc\n",
        "_leading-underscore",
        "name with space",
        "my-resource\n",
    ],
)
def test_the_resource_arn_pattern_refuses(arn: str) -> None:
    assert not whole_match(TAGGABLE_ARN, arn)


@settings(max_examples=60, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(matching(TAGGABLE_ARN))
def test_strings_drawn_from_the_pattern_match_it(arn: str) -> None:
    assert whole_match(TAGGABLE_ARN, arn)


def test_the_contract_carries_that_pattern_for_every_tagging_operation() -> None:
    for name in ("TagResource", "UntagResource", "ListTagsForResource"):
        assert contract().operation(name).members["resourceARN"].pattern == TAGGABLE_ARN


# ------------------------------------------------------------------------------------------------ the operations
def test_tags_given_at_create_and_added_later_are_both_listed(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    arn = _create(bedrock, tags=[{"key": "team", "value": "a"}, {"key": "cost-center", "value": "42"}])
    assert _listed(bedrock, arn) == {"team": "a", "cost-center": "42"}
    answer = bedrock.tag_resource(
        resourceARN=arn, tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "b"}]
    )
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _listed(bedrock, arn) == {"team": "b", "cost-center": "42", "env": "prod"}


def test_a_profile_created_without_tags_lists_none(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    assert _listed(bedrock, _create(bedrock)) == {}


def test_untag_removes_exactly_the_keys_asked(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    arn = _create(bedrock, tags=_tags(5))
    answer = bedrock.untag_resource(resourceARN=arn, tagKeys=["k1", "k3", "never-set"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _listed(bedrock, arn) == {"k0": "v0", "k2": "v2", "k4": "v4"}
    bedrock.untag_resource(resourceARN=arn, tagKeys=[])
    assert _listed(bedrock, arn) == {"k0": "v0", "k2": "v2", "k4": "v4"}


def test_tags_are_per_profile(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    first = _create(bedrock, "first", tags=[{"key": "owner", "value": "one"}])
    second = _create(bedrock, "second")
    bedrock.tag_resource(resourceARN=second, tags=[{"key": "owner", "value": "two"}])
    assert _listed(bedrock, first) == {"owner": "one"}
    assert _listed(bedrock, second) == {"owner": "two"}


def test_fifty_tags_fit_and_the_fifty_first_is_too_many(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    arn = _create(bedrock, tags=_tags(40))
    bedrock.tag_resource(resourceARN=arn, tags=_tags(10, "more"))
    assert len(_listed(bedrock, arn)) == 50
    # Giving a key it already has again changes a value, not the count.
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": "k0", "value": "changed"}])
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        bedrock.tag_resource(resourceARN=arn, tags=[{"key": "one-more", "value": "x"}])
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("TooManyTagsException", 400)
    listed = _listed(bedrock, arn)
    assert len(listed) == 50 and "one-more" not in listed and listed["k0"] == "changed"


def test_fifty_one_tags_in_one_request_are_too_many(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    arn = _create(bedrock)
    status, kind, _ = _post(bedrock_mock, "/tagResource", {"resourceARN": arn, "tags": _tags(51)})
    assert (status, kind) == (400, "TooManyTagsException")
    assert _listed(bedrock, arn) == {}


def test_creating_with_fifty_one_tags_is_too_many_and_creates_nothing(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    status, kind, _ = _post(
        bedrock_mock,
        "/inference-profiles",
        {"inferenceProfileName": "crowded", "modelSource": {"copyFrom": HAIKU_MODEL}, "tags": _tags(51)},
    )
    assert (status, kind) == (400, "TooManyTagsException")
    applications = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert applications == []
    assert len(_listed(bedrock, _create(bedrock, "full", tags=_tags(50)))) == 50


def test_two_hundred_and_one_tags_in_one_request_are_out_of_contract(bedrock_mock: MockServer) -> None:
    arn = _create(client(bedrock_mock))
    status, kind, body = _post(bedrock_mock, "/tagResource", {"resourceARN": arn, "tags": _tags(201)})
    assert (status, kind) == (400, "ValidationException")
    assert "Member must have length less than or equal to 200" in body["message"]
    status, kind, _ = _post(
        bedrock_mock, "/untagResource", {"resourceARN": arn, "tagKeys": [f"k{i}" for i in range(201)]}
    )
    assert (status, kind) == (400, "ValidationException")
    status, _, _ = _post(bedrock_mock, "/untagResource", {"resourceARN": arn, "tagKeys": [f"k{i}" for i in range(200)]})
    assert status == 200


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ({"key": "k" * 128, "value": "v"}, True),
        ({"key": "k" * 129, "value": "v"}, False),
        ({"key": "", "value": "v"}, False),
        ({"key": "k", "value": "v" * 256}, True),
        ({"key": "k", "value": "v" * 257}, False),
        ({"key": "k", "value": ""}, True),
        ({"key": "a b._:/=+@-9", "value": "A z._:/=+@-0"}, True),
        ({"key": "bad*key", "value": "v"}, False),
        ({"key": "k", "value": "bad#value"}, False),
        ({"key": "k"}, False),
        ({"value": "v"}, False),
    ],
)
def test_tag_keys_and_values_keep_their_bounds_and_pattern(
    bedrock_mock: MockServer, tag: dict[str, str], ok: bool
) -> None:
    arn = _create(client(bedrock_mock))
    status, kind, _ = _post(bedrock_mock, "/tagResource", {"resourceARN": arn, "tags": [tag]})
    assert (status, kind) == ((200, "") if ok else (400, "ValidationException"))


@pytest.mark.parametrize(
    "document",
    [
        {"tags": []},
        {"resourceARN": "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc def", "tags": []},
        {"resourceARN": "short-resource-id", "tags": []},
        {"resourceARN": "a" + "-" * 1011, "tags": []},
        {"resourceARN": UNKNOWN_ARN},
    ],
)
def test_out_of_contract_tag_requests_are_validation_errors(bedrock_mock: MockServer, document: Any) -> None:
    status, kind, _ = _post(bedrock_mock, "/tagResource", document)
    assert (status, kind) == (400, "ValidationException")


def test_a_body_that_is_not_json_is_refused_with_400(bedrock_mock: MockServer) -> None:
    for path in ("/tagResource", "/untagResource", "/listTagsForResource"):
        status, _, _ = _post(bedrock_mock, path, b"{not json")
        assert status == 400


@pytest.mark.parametrize("arn", [UNKNOWN_ARN, SYSTEM_ARN, "a-resource-name-of-20"])
def test_a_resource_that_is_no_application_profile_is_not_found(bedrock_mock: MockServer, arn: str) -> None:
    for path, document in (
        ("/tagResource", {"resourceARN": arn, "tags": [{"key": "k", "value": "v"}]}),
        ("/untagResource", {"resourceARN": arn, "tagKeys": ["k"]}),
        ("/listTagsForResource", {"resourceARN": arn}),
    ):
        status, kind, _ = _post(bedrock_mock, path, document)
        assert (status, kind) == (404, "ResourceNotFoundException"), path


def test_a_deleted_profiles_tags_are_gone(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    arn = _create(bedrock, tags=[{"key": "team", "value": "a"}])
    bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
    status, kind, _ = _post(bedrock_mock, "/listTagsForResource", {"resourceARN": arn})
    assert (status, kind) == (404, "ResourceNotFoundException")


def test_the_list_answer_keeps_its_shape(bedrock_mock: MockServer) -> None:
    bedrock = client(bedrock_mock)
    arn = _create(bedrock, tags=[{"key": "team", "value": ""}, {"key": "k" * 128, "value": "v" * 256}])
    status, _, body = _post(bedrock_mock, "/listTagsForResource", {"resourceARN": arn})
    assert status == 200
    assert body == {"tags": [{"key": "team", "value": ""}, {"key": "k" * 128, "value": "v" * 256}]}
    output = contract().operation("ListTagsForResource").output
    assert output is not None
    findings = shape_validator(output).validate(body)
    assert findings and all(f.outcome is Outcome.PASS for f in findings)
