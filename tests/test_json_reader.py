"""One JSON reader for what targets send, RFC 8259's: the transport's Response.json() and the validator agree."""

from __future__ import annotations

import json

import pytest

from bedrock_conformance import validate_response
from bedrock_conformance._http import Response
from bedrock_conformance._validator import loads

# Python's json module reads these; RFC 8259 has no such numbers.
NOT_JSON = [b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b"[NaN]"]


@pytest.mark.parametrize("body", NOT_JSON)
def test_a_body_with_nan_or_infinity_is_not_json_to_the_transport(body: bytes) -> None:
    with pytest.raises(ValueError, match="is not a JSON number"):
        Response(200, {"Content-Type": "application/json"}, body).json()


@pytest.mark.parametrize("body", NOT_JSON)
def test_a_body_with_nan_or_infinity_is_not_json_to_the_validator(body: bytes) -> None:
    with pytest.raises(ValueError, match="is not a JSON number"):
        loads(body)
    (finding,) = validate_response(body)
    assert "the body is not JSON" in finding.message


def test_a_json_body_reads_the_same_through_the_transport_and_the_validator() -> None:
    body = b'{"a": [1, 2.5, -3e2, "x", null, true]}'
    assert Response(200, {}, body).json() == loads(body) == {"a": [1, 2.5, -300.0, "x", None, True]}


def test_a_body_that_is_not_json_at_all_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Response(200, {}, b"<html>").json()


@pytest.mark.parametrize("body", NOT_JSON)
def test_a_report_shows_a_body_with_nan_as_its_text_so_the_report_stays_json(body: bytes) -> None:
    from bedrock_conformance._exchange import _body_for_report

    shown = _body_for_report(body)
    assert shown == body.decode()
    # allow_nan=False: what the report writes is RFC 8259 JSON, which a parsed NaN would not be.
    assert json.loads(json.dumps({"body": shown}, allow_nan=False)) == {"body": body.decode()}


def test_a_report_shows_a_json_body_parsed() -> None:
    from bedrock_conformance._exchange import _body_for_report

    assert _body_for_report(b'{"a": [1, "x"]}') == {"a": [1, "x"]}
