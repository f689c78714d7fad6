"""What the shipped mock cassettes must hold, written out by hand from the page: an oracle for the golden files.

cassettes/mock/*.yaml are the tool's own recording of its own mock, so replaying them green only shows the tool
agrees with itself. These tests read the YAML directly (not through the tool's cassette reader) and compare each key
interaction with literal facts: the page's statuses and error names, its identifier pattern and length bounds (as
Python's own regular expression, not the suite's translation), and the published profile the mock serves.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import yaml
from page_oracle import PAGE_ERRORS

MOCK = Path(__file__).resolve().parent.parent / "cassettes" / "mock"
PREFIX = "/inference-profiles"
HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU}"
HAIKU_BODY = {
    "inferenceProfileId": HAIKU,
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "inferenceProfileArn": HAIKU_ARN,
    "description": "Routes requests to Anthropic Claude 3 Haiku in us-east-1, us-west-2 and us-east-2.",
    "createdAt": "2024-09-30T00:00:00Z",
    "updatedAt": "2024-09-30T00:00:00Z",
    "models": [
        {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}
        for region in ("us-east-1", "us-west-2", "us-east-2")
    ],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}
# The page's Errors section.
# The page's inferenceProfileIdentifier: pattern and length 1..2048.
PAGE_PATTERN = (
    r"(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    r"(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+"
)


def interactions(group: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((MOCK / f"{group}.yaml").read_text(encoding="utf-8"))["interactions"])


def label(interaction: dict[str, Any]) -> str:
    path = urlsplit(interaction["request"]["uri"]).path
    assert path.startswith(PREFIX + "/"), path
    return unquote(path[len(PREFIX) + 1 :])


def error_type(response: dict[str, Any]) -> str:
    (value,) = response["headers"]["x-amzn-ErrorType"]
    return str(value).split(":")[0]


def request_header(interaction: dict[str, Any], name: str) -> str | None:
    values = interaction["request"]["headers"].get(name)
    return values[0] if values else None


def valid_identifier(identifier: str) -> bool:
    return 1 <= len(identifier) <= 2048 and re.fullmatch(PAGE_PATTERN, identifier) is not None


def test_every_forced_error_has_the_pages_status_type_and_a_message() -> None:
    seen = {}
    for interaction in interactions("errors"):
        forced = request_header(interaction, "x-bedrock-conformance-force-error")
        response = interaction["response"]
        assert label(interaction) == HAIKU
        assert response["status"]["code"] == PAGE_ERRORS[forced]
        assert error_type(response) == forced
        assert response["headers"]["Content-Type"] == ["application/json"]
        message = response["body"]["json"]["message"]
        assert isinstance(message, str) and message
        seen[forced] = message
    assert set(seen) == set(PAGE_ERRORS)
    assert seen["AccessDeniedException"] == "The request is denied because of missing access permissions."
    assert seen["InternalServerException"] == "An internal server error occurred. Retry your request."


def test_every_request_case_is_answered_as_the_pages_pattern_and_bounds_say() -> None:
    cases = interactions("request")
    assert len(cases) > 50
    answered = {"valid": 0, "invalid": 0}
    for interaction in cases:
        identifier, response = label(interaction), interaction["response"]
        status = response["status"]["code"]
        if valid_identifier(identifier):
            answered["valid"] += 1
            assert (status, error_type(response)) == (404, "ResourceNotFoundException"), identifier
        else:
            answered["invalid"] += 1
            assert (status, error_type(response)) == (400, "ValidationException"), identifier
            assert response["body"]["json"]["message"].startswith("1 validation error detected: Value '")
    assert answered["valid"] > 5 and answered["invalid"] > 20


def test_the_published_haiku_profile_is_served_by_id_arn_and_any_percent_encoding() -> None:
    gets = [
        i
        for i in interactions("behaviour")
        if i["request"]["method"] == "GET" and label_or_none(i) in (HAIKU, HAIKU_ARN)
    ]
    ways = {urlsplit(i["request"]["uri"]).path for i in gets}
    assert f"{PREFIX}/us.anthropic.claude-3-haiku-20240307-v1%3A0" in ways
    assert f"{PREFIX}/{HAIKU}" in ways
    assert any(p.startswith(f"{PREFIX}/%75%73%2E") for p in ways)
    assert any(p.startswith(f"{PREFIX}/arn%3Aaws%3Abedrock") for p in ways)
    for interaction in gets:
        response = interaction["response"]
        assert response["status"]["code"] == 200
        assert response["headers"]["Content-Type"] == ["application/json"]
        assert response["body"]["json"] == HAIKU_BODY


def label_or_none(interaction: dict[str, Any]) -> str | None:
    path = urlsplit(interaction["request"]["uri"]).path
    return unquote(path[len(PREFIX) + 1 :]) if path.startswith(PREFIX + "/") else None


def test_the_list_page_summarises_the_haiku_profile_as_its_get_does() -> None:
    (listing,) = [
        i
        for i in interactions("behaviour")
        if urlsplit(i["request"]["uri"]).path == PREFIX
        and not urlsplit(i["request"]["uri"]).query
        and i["request"]["method"] == "GET"
    ]
    assert listing["response"]["status"]["code"] == 200
    summaries = listing["response"]["body"]["json"]["inferenceProfileSummaries"]
    assert HAIKU_BODY in summaries


@pytest.mark.parametrize("group", ["behaviour", "request"])
def test_unknown_valid_identifiers_are_404_resource_not_found(group: str) -> None:
    probes = [
        i
        for i in interactions(group)
        if request_header(i, "x-bedrock-conformance-check") == "behaviour.unknownIdentifier.notFound"
    ]
    if group == "behaviour":
        assert len(probes) >= 3
    for interaction in probes:
        assert valid_identifier(label(interaction))
        assert interaction["response"]["status"]["code"] == 404
        assert error_type(interaction["response"]) == "ResourceNotFoundException"


def test_an_application_profile_is_created_read_deleted_and_then_gone() -> None:
    steps = [
        i
        for i in interactions("behaviour")
        if ("application-inference-profile" in unquote(i["request"]["uri"]) or i["request"]["method"] == "POST")
        # Unknown identifiers include application-profile ARNs that name nothing: those are judged elsewhere.
        and request_header(i, "x-bedrock-conformance-check") != "behaviour.unknownIdentifier.notFound"
    ]
    assert [(i["request"]["method"], i["response"]["status"]["code"]) for i in steps] == [
        ("POST", 201),
        ("GET", 200),
        ("DELETE", 200),
        ("GET", 404),
    ]
    arn = steps[0]["response"]["body"]["json"]["inferenceProfileArn"]
    assert re.fullmatch(r"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/[a-z0-9]{12}", arn)
    got = steps[1]["response"]["body"]["json"]
    assert (got["inferenceProfileArn"], got["type"], got["status"]) == (arn, "APPLICATION", "ACTIVE")
    assert got["inferenceProfileId"] == arn.rsplit("/", 1)[1]
    assert all(label(s) == arn for s in steps[1:])
    assert error_type(steps[3]["response"]) == "ResourceNotFoundException"


def _query(interaction: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(interaction["request"]["uri"]).query, keep_blank_values=True))


def test_the_paged_listings_hold_each_profile_once_within_max_results_1_and_end_without_a_token() -> None:
    # The model's facts: maxResults (minimum 1) is the most a page holds; a nextToken continues the listing of the
    # type it was issued for; the listing without maxResults is the whole listing of that type.
    unpaged = {
        _query(i).get("type"): [
            s["inferenceProfileArn"] for s in i["response"]["body"]["json"]["inferenceProfileSummaries"]
        ]
        for i in interactions("behaviour")
        if urlsplit(i["request"]["uri"]).path == PREFIX and set(_query(i)) == {"type"}
    }
    assert set(unpaged) == {"SYSTEM_DEFINED", "APPLICATION"}
    walked: dict[str, list[list[str]]] = {}
    issued: dict[str, str] = {}
    for interaction in interactions("pagination"):
        query, response = _query(interaction), interaction["response"]
        token = query.get("nextToken")
        if (
            request_header(interaction, "x-bedrock-conformance-check")
            != "ListInferenceProfiles:behaviour.pages.disjoint"
        ):
            continue
        assert (query["maxResults"], response["status"]["code"]) == ("1", 200)
        assert token is None or issued[token] == query["type"]
        page = response["body"]["json"]
        walked.setdefault(query["type"], []).append(
            [s["inferenceProfileArn"] for s in page["inferenceProfileSummaries"]]
        )
        assert all(s["type"] == query["type"] for s in page["inferenceProfileSummaries"])
        if "nextToken" in page:
            issued[page["nextToken"]] = query["type"]
    for kind, pages in walked.items():
        assert all(len(page) <= 1 for page in pages)
        flat = [arn for page in pages for arn in page]
        assert len(flat) == len(set(flat)) and set(flat) == set(unpaged[kind]), kind
    assert len(walked["SYSTEM_DEFINED"]) > 1


@pytest.mark.parametrize("check", ["foreignRejected", "garbageRejected"])
def test_tokens_for_another_type_or_never_issued_get_400_validation_exception(check: str) -> None:
    sent = [
        i
        for i in interactions("pagination")
        if request_header(i, "x-bedrock-conformance-check") == f"ListInferenceProfiles:behaviour.nextToken.{check}"
    ]
    assert sent
    for interaction in sent:
        token = _query(interaction)["nextToken"]
        assert 1 <= len(token) <= 2048 and re.fullmatch(r"\S*", token)
        response = interaction["response"]
        assert (response["status"]["code"], error_type(response)) == (400, "ValidationException")
