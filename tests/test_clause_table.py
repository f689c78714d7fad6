"""A hand-written table of values per clause (pass, fail or deviation), from the page, the model and real AWS bodies.

Each row is checked against the validator, the page's rules written out by hand (``page_oracle``, which judges
the strategies' draws), the strategies' explicit examples, and the reference mock, which must answer every
identifier that fails with 400 ValidationException.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from page_oracle import DEVIATION, FAIL, PASS, REQ, identifier_ok, identifier_verdicts, response_verdicts
from test_mock_support import raw

from bedrock_conformance import validate_identifier, validate_response
from bedrock_conformance._strategies import identifier_examples, invalid_identifier_examples
from bedrock_conformance._validator import outcomes_by_clause
from bedrock_conformance.mock import MockServer

PATTERN, MAXIMUM, MINIMUM = REQ + "pattern", REQ + "maxLength", REQ + "minLength"
# Real identifiers: the page's sample request, botocore's path encoding, identifiers seen in the wild
# (schemas/published/observations.json) and the published record rec-000.
SAMPLE = "us.anthropic.claude-3-sonnet-20240229-v1:0"
REAL_ARN = "arn:aws:bedrock:us-east-2:684681096900:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
APP_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/06vsfs68yb4g"
MODEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
ARN_HEAD = "arn:aws:bedrock:us-east-2:684681096900:inference-profile/"

IDENTIFIER_ROWS: list[tuple[str, str, str]] = [
    (SAMPLE, PATTERN, PASS),
    (REAL_ARN, PATTERN, PASS),
    (APP_ARN, PATTERN, PASS),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", PATTERN, PASS),
    ("us.anthropic.claude-opus-5", PATTERN, PASS),
    ("06vsfs68yb4g", PATTERN, PASS),
    # A bare id may begin like an ARN and carry ':' and '.'.
    ("arn:x", PATTERN, PASS),
    ("arn.x", PATTERN, PASS),
    ("a:b.c", PATTERN, PASS),
    ("arn:aws:bedrock:us-east-2:684681096900:inference-profile:x", PATTERN, PASS),
    ("arn:aws:bedrock:::inference-profile/x", PATTERN, PASS),
    ("arn:aws:bedrock:" + "a" * 20 + "::inference-profile/x", PATTERN, PASS),
    # '$' must not accept a trailing newline; no leading space either.
    (SAMPLE + "\n", PATTERN, FAIL),
    (REAL_ARN + "\n", PATTERN, FAIL),
    (" " + SAMPLE, PATTERN, FAIL),
    ("bad id!", PATTERN, FAIL),
    # Case.
    ("ARN" + REAL_ARN[3:], PATTERN, FAIL),
    (REAL_ARN.replace("arn:aws:", "arn:AWS:"), PATTERN, FAIL),
    (REAL_ARN.replace("us-east-2", "US-EAST-2"), PATTERN, FAIL),
    (REAL_ARN.replace("inference-profile/", "Inference-Profile/"), PATTERN, FAIL),
    # Characters Python's \w and \d let through.
    ("us.anthropic_claude-3", PATTERN, FAIL),
    ("us.anthropic.claud\u00e9", PATTERN, FAIL),
    ("us.anthropic.claude-\u0663", PATTERN, FAIL),
    (REAL_ARN.replace("684681096900", "68468109690\u0663"), PATTERN, FAIL),
    # Partitions and resource types not on the page.
    (REAL_ARN.replace("arn:aws:", "arn:aws-iso-f:"), PATTERN, FAIL),
    (REAL_ARN.replace("arn:aws:", "arn:aws-eusc:"), PATTERN, FAIL),
    (REAL_ARN.replace("arn:aws:", "arn:aws-foo:"), PATTERN, FAIL),
    (MODEL_ARN, PATTERN, FAIL),
    ("arn:aws:bedrock:us-east-1:123456789012:prompt-router/x", PATTERN, FAIL),
    ("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/x", PATTERN, FAIL),
    # Separators dropped or repeated.
    ("arn:aws:bedrock::inference-profile/x", PATTERN, FAIL),
    (REAL_ARN.replace("profile/", "profile//"), PATTERN, FAIL),
    (REAL_ARN.replace("arn:aws:", "arn:::aws:"), PATTERN, FAIL),
    # What only a second percent-decoding makes valid.
    ("%41", PATTERN, FAIL),
    ("us.anthropic.claude-3-haiku-20240307-v1%3A0", PATTERN, FAIL),
    (REAL_ARN.replace("profile/", "profile%2F"), PATTERN, FAIL),
    # Counts.
    (REAL_ARN.replace("684681096900", "68468109690"), PATTERN, FAIL),
    ("arn:aws:bedrock:" + "a" * 21 + "::inference-profile/x", PATTERN, FAIL),
    (ARN_HEAD, PATTERN, FAIL),
    # Lengths.
    ("", MINIMUM, FAIL),
    ("a", MINIMUM, PASS),
    ("a" * 2048, MAXIMUM, PASS),
    ("a" * 2049, MAXIMUM, FAIL),
    (ARN_HEAD + "a" * (2048 - len(ARN_HEAD)), MAXIMUM, PASS),
    (ARN_HEAD + "a" * (2049 - len(ARN_HEAD)), MAXIMUM, FAIL),
]

# rec-000 and rec-013 of the published AWS bodies, copied as published.
REC_000: dict[str, Any] = {
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "description": "Routes requests to Anthropic Claude 3 Haiku in us-east-1, us-west-2 and us-east-2.",
    "createdAt": "2024-09-30T00:00:00+00:00",
    "updatedAt": "2024-09-30T00:00:00+00:00",
    "inferenceProfileArn": REAL_ARN,
    "models": [
        {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
        {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
        {"modelArn": "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
    ],
    "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}
REC_013_NAME = "US Anthropic Claude 3.5 Sonnet"
NOVA = "arn:aws:bedrock:{}::foundation-model/amazon.nova-micro-v1:0"
APAC = ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-3"]
PLAIN = "Routes requests to Anthropic Claude 3 Haiku in us-east-1 and us-west-2."

RESPONSE_ROWS: list[tuple[dict[str, Any], str, str]] = [
    ({"status": "ACTIVE"}, "response.status.enum", PASS),
    ({"status": "active"}, "response.status.enum", FAIL),
    ({"status": "Active"}, "response.status.enum", FAIL),
    ({"status": "DELETING"}, "response.status.enum", FAIL),
    ({"type": "APPLICATION"}, "response.type.enum", PASS),
    ({"type": "application"}, "response.type.enum", FAIL),
    ({"type": "SYSTEM_DEFINED "}, "response.type.enum", FAIL),
    # schemas/deviations.json: commas in descriptions, periods in names, six models, an empty model region.
    ({}, "response.description.pattern", DEVIATION),
    ({"description": PLAIN}, "response.description.pattern", PASS),
    ({"description": "Routes requests; everywhere!"}, "response.description.pattern", FAIL),
    ({"description": "a" * 200}, "response.description.maxLength", PASS),
    ({"description": "a" * 201}, "response.description.maxLength", FAIL),
    ({"inferenceProfileName": REC_013_NAME}, "response.inferenceProfileName.pattern", DEVIATION),
    ({}, "response.inferenceProfileName.pattern", PASS),
    ({"inferenceProfileName": "Claude (US)"}, "response.inferenceProfileName.pattern", FAIL),
    ({"inferenceProfileName": "A" * 64}, "response.inferenceProfileName.maxLength", PASS),
    ({"inferenceProfileName": "A" * 65}, "response.inferenceProfileName.maxLength", FAIL),
    ({"models": [{"modelArn": NOVA.format(r)} for r in APAC]}, "response.models.maxItems", DEVIATION),
    ({"models": [{"modelArn": NOVA.format("ap-south-1")}] * 6}, "response.models.maxItems", FAIL),
    ({"models": [{"modelArn": NOVA.format(r)} for r in APAC[:5]]}, "response.models.maxItems", PASS),
    ({"models": []}, "response.models.minItems", FAIL),
    ({"models": [{"modelArn": NOVA.format("")}]}, "response.models.modelArn.pattern", DEVIATION),
    ({"models": [{"modelArn": NOVA.format("us-east-1")}]}, "response.models.modelArn.pattern", PASS),
    (
        {"models": [{"modelArn": MODEL_ARN.replace(":foundation-model/", ":model/")}]},
        "response.models.modelArn.pattern",
        FAIL,
    ),
    ({"inferenceProfileId": REC_000["inferenceProfileId"] + "\n"}, "response.inferenceProfileId.pattern", FAIL),
    ({"inferenceProfileId": "a" * 64}, "response.inferenceProfileId.maxLength", PASS),
    ({"inferenceProfileId": "a" * 65}, "response.inferenceProfileId.maxLength", FAIL),
    ({"inferenceProfileArn": REAL_ARN + "\n"}, "response.inferenceProfileArn.pattern", FAIL),
    (
        {"inferenceProfileArn": REAL_ARN.replace("arn:aws:", "arn:aws-eu:")},
        "response.inferenceProfileArn.pattern",
        FAIL,
    ),
    ({"inferenceProfileArn": ARN_HEAD + "a" * (2048 - len(ARN_HEAD))}, "response.inferenceProfileArn.maxLength", PASS),
    ({"inferenceProfileArn": ARN_HEAD + "a" * (2049 - len(ARN_HEAD))}, "response.inferenceProfileArn.maxLength", FAIL),
    ({"createdAt": "2024-09-30T00:00:00Z"}, "response.createdAt.format", PASS),
    ({"createdAt": "2024-09-30"}, "response.createdAt.format", FAIL),
    ({"createdAt": "2024-02-30T00:00:00Z"}, "response.createdAt.format", FAIL),
    ({"createdAt": "2024-09-30T00:00:00Z\n"}, "response.createdAt.format", FAIL),
    ({"createdAt": 1727654400}, "response.createdAt.type", FAIL),
    ({"updatedAt": "2025-01-30T23:38:35.031004+00:00"}, "response.updatedAt.format", PASS),
]


def _row_id(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}…({len(text)})"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.mark.parametrize(("value", "clause", "verdict"), IDENTIFIER_ROWS, ids=[_row_id(r[0]) for r in IDENTIFIER_ROWS])
def test_identifier_table_row(value: str, clause: str, verdict: str, mock: MockServer) -> None:
    assert outcomes_by_clause(validate_identifier(value))[clause] == verdict, "validator"
    assert identifier_verdicts(value)[clause] == verdict, "the hand-written oracle"
    if verdict == FAIL:
        assert value not in identifier_examples().values(), "an invalid value among the valid examples"
    elif identifier_ok(value):
        assert all(value not in invalid_identifier_examples(c) for c in (PATTERN, MAXIMUM, MINIMUM))
    if not value:
        return  # an empty label is the List operation's path: it cannot be sent
    answer = raw(mock, "GET", "/inference-profiles/" + quote(value, safe="-_.~"))
    if verdict == FAIL:
        assert (answer.status, answer.error_type) == (400, "ValidationException"), "mock"
    elif identifier_ok(value):
        assert answer.status != 400, "mock"


def test_the_table_has_both_verdicts_for_every_identifier_clause() -> None:
    for clause in (PATTERN, MAXIMUM, MINIMUM):
        assert {v for _, c, v in IDENTIFIER_ROWS if c == clause} == {PASS, FAIL}, clause


@pytest.mark.parametrize(("change", "clause", "verdict"), RESPONSE_ROWS, ids=[_row_id(r[0]) for r in RESPONSE_ROWS])
def test_response_table_row(change: dict[str, Any], clause: str, verdict: str) -> None:
    body = {**copy.deepcopy(REC_000), **change}
    assert str(outcomes_by_clause(validate_response(body))[clause]) == verdict, "validator"
    assert response_verdicts(body)[clause] == verdict, "the hand-written oracle"


def test_every_notes_deviation_has_a_deviation_row() -> None:
    deviating = {c for _, c, v in RESPONSE_ROWS if v == DEVIATION}
    assert deviating == {
        "response.description.pattern",
        "response.inferenceProfileName.pattern",
        "response.models.maxItems",
        "response.models.modelArn.pattern",
    }
