"""Validator paths the shipped answers never take: values no JSON text gives (a datetime an SDK parsed), a schema node
without a type (JSON Schema: a keyword applies only to values of its type), an operation without an answer shape.

Expected findings are written out by hand in the validator's documented message forms.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance import _validator
from bedrock_conformance._schemas import load_contract, schemas_dir
from bedrock_conformance._validator import (
    Finding,
    Outcome,
    Validator,
    validate_answer,
    validate_error,
    validate_response,
)

ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
BODY = {
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "inferenceProfileArn": ARN,
    "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}
MOMENT = datetime.datetime(2024, 9, 30, tzinfo=datetime.timezone.utc)


def failed(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.clause, f.pointer, f.value, f.message) for f in findings if f.outcome is Outcome.FAIL]


def _copy(tmp_path: Path, edit: Any) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), root)
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in root.glob("*.json")}
    edit(documents)
    for name, document in documents.items():
        (root / name).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return root


# ------------------------------------------------------------------------------------------------ no JSON values
def test_a_parsed_sdk_timestamp_fails_the_type_clause_instead_of_crashing() -> None:
    # boto3 hands createdAt over as a datetime: the page says the wire has a string. Before the fix, showing the
    # value in the message raised TypeError ("Object of type datetime is not JSON serializable").
    findings = validate_response({**BODY, "createdAt": MOMENT})
    assert failed(findings) == [
        (
            "response.createdAt.type",
            "/createdAt",
            MOMENT,
            "datetime.datetime(2024, 9, 30, 0, 0, tzinfo=datetime.timezone.utc) is a Python datetime, not a string",
        )
    ]


def test_other_values_no_json_text_gives_are_named_by_their_python_type() -> None:
    assert failed(validate_response({**BODY, "status": b"ACTIVE"})) == [
        ("response.status.type", "/status", b"ACTIVE", "b'ACTIVE' is a Python bytes, not a string")
    ]
    # A tuple encodes as a JSON array, but the validator's arrays are lists: it is named for what it is.
    assert failed(validate_response({**BODY, "inferenceProfileName": ("a",)})) == [
        ("response.inferenceProfileName.type", "/inferenceProfileName", ("a",), '["a"] is a Python tuple, not a string')
    ]


def test_an_error_body_or_message_no_json_text_gives_is_named_by_its_python_type() -> None:
    headers = {"x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/"}
    body = validate_error(400, headers, ("m",))
    assert (body[0].clause, body[0].outcome, body[0].message) == (
        "error.body.type",
        Outcome.FAIL,
        "the body is a Python tuple",
    )
    message = [f for f in validate_error(400, headers, {"message": MOMENT}) if f.clause == "error.message.type"]
    assert [(f.outcome, f.pointer, f.message) for f in message] == [
        (Outcome.FAIL, "/message", "message is a Python datetime, not a string")
    ]


# ------------------------------------------------------------------------------------------------ no type, no shape
def test_a_node_without_a_type_applies_each_keyword_only_to_values_of_its_type(tmp_path: Path) -> None:
    def add(documents: dict[str, Any]) -> None:
        documents["operations.json"]["$defs"]["DeleteInferenceProfileResponse"]["properties"] = {
            "note": {"maxLength": 3},
            "count": {"maximum": 2},
        }

    edited = load_contract(_copy(tmp_path, add))
    checker = Validator("operations.json", "/$defs/DeleteInferenceProfileResponse", the_contract=edited)
    rows = [(f.clause, f.outcome, f.pointer, f.message) for f in checker.validate({"note": 12345, "count": "many"})]
    # A number is no string for maxLength, a string no number for maximum: neither is judged, and no type either.
    assert rows == [("model.body.type", Outcome.PASS, "", "is a object")]
    rows = [(f.clause, f.outcome, f.pointer, f.message) for f in checker.validate({"note": "abcd", "count": 3})]
    assert rows == [
        ("model.body.type", Outcome.PASS, "", "is a object"),
        ("model.note.maxLength", Outcome.FAIL, "/note", "length 4 is above the maximum 3"),
        ("model.count.maximum", Outcome.FAIL, "/count", "3 is above the maximum 2"),
    ]


def test_an_operation_without_an_answer_shape_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drop(documents: dict[str, Any]) -> None:
        del documents["drift.json"]["x-operations"]["DeleteInferenceProfile"]["output"]

    edited = load_contract(_copy(tmp_path, drop))
    monkeypatch.setattr(_validator, "contract", lambda: edited)
    with pytest.raises(ValueError, match=r"^DeleteInferenceProfile has no answer shape in schemas/$"):
        validate_answer("DeleteInferenceProfile", b"{}")
