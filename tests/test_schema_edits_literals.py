"""schemas/ says what the page says: every bound, pattern, enum, required member and error status, restated literally.

The values below are copied by hand from the AWS page (and, for required members, from the service model as the
project's notes record it). The code never supplies an expected value here: a schema edited away from the page
fails this table, whatever else follows the edit (tests/test_schema_edits.py checks that it does).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from page_oracle import PAGE_ERRORS

from bedrock_conformance._schemas import schemas_dir

ARN = (
    "^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    "(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$"
)
IDENTIFIER = (
    "^(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    "(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+$"
)
PAGE_MEMBERS: dict[str, dict[str, Any]] = {
    "createdAt": {"type": "string", "format": "date-time"},
    "updatedAt": {"type": "string", "format": "date-time"},
    "description": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^([0-9a-zA-Z:.][ _-]?)+$"},
    "inferenceProfileArn": {"type": "string", "minLength": 1, "maxLength": 2048, "pattern": ARN},
    "inferenceProfileId": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-zA-Z0-9-:.]+$"},
    "inferenceProfileName": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^([0-9a-zA-Z][ _-]?)+$",
    },
    "models": {"type": "array", "minItems": 1, "maxItems": 5},
    "status": {"type": "string", "enum": ["ACTIVE"]},
    "type": {"type": "string", "enum": ["SYSTEM_DEFINED", "APPLICATION"]},
}
KEYWORDS = ("type", "format", "minLength", "maxLength", "pattern", "minItems", "maxItems", "enum")


def _doc(name: str) -> dict[str, Any]:
    return dict(json.loads((schemas_dir() / name).read_text(encoding="utf-8")))


def test_the_identifier_is_required_1_to_2048_characters_of_the_pages_pattern() -> None:
    identifier = _doc("request.json")["properties"]["inferenceProfileIdentifier"]
    assert {k: identifier.get(k) for k in ("type", "minLength", "maxLength", "pattern")} == {
        "type": "string",
        "minLength": 1,
        "maxLength": 2048,
        "pattern": IDENTIFIER,
    }
    assert "inferenceProfileIdentifier" in _doc("request.json")["required"]


@pytest.mark.parametrize("member", list(PAGE_MEMBERS))
def test_each_response_member_has_exactly_the_pages_constraints(member: str) -> None:
    schema = _doc("response.json")["properties"][member]
    assert {k: schema[k] for k in KEYWORDS if k in schema} == PAGE_MEMBERS[member]


def test_the_response_has_the_pages_members_and_the_models_required_ones() -> None:
    response = _doc("response.json")
    assert set(response["properties"]) == set(PAGE_MEMBERS)
    assert sorted(response["required"]) == sorted(
        ["inferenceProfileName", "inferenceProfileArn", "models", "inferenceProfileId", "status", "type"]
    )
    models = response["properties"]["models"]["items"]
    assert models["type"] == "object"
    assert models["properties"]["modelArn"]["type"] == "string"


def test_each_error_on_the_page_has_its_status() -> None:
    errors = _doc("errors.json")["$defs"]
    assert {name: errors[name]["x-http-status"] for name in PAGE_ERRORS} == PAGE_ERRORS
