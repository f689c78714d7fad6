"""The real AWS responses published in public sources, checked against the contract."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from bedrock_conformance import Outcome, validate_error, validate_response
from bedrock_conformance._validator import failing, outcomes_by_clause


def _bodies(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if isinstance(r.get("body"), dict)]


def _expected_deviations(body: dict[str, Any]) -> set[str]:
    """Where real AWS is recorded to break its page (commas, periods, six models, region-less ARNs), on this body."""
    expected = set()
    if "," in body.get("description", ""):
        expected.add("response.description.pattern")
    if "." in body.get("inferenceProfileName", ""):
        expected.add("response.inferenceProfileName.pattern")
    if len(body.get("models", [])) > 5:
        expected.add("response.models.maxItems")
    if any(re.match(r"arn:[^:]+:bedrock::", m.get("modelArn", "")) for m in body.get("models", [])):
        expected.add("response.models.modelArn.pattern")
    return expected


def test_every_published_body_gives_no_failure(published_records: list[dict[str, Any]]) -> None:
    bodies = _bodies(published_records)
    assert bodies
    for record in bodies:
        assert not failing(validate_response(record["body"])), record["id"]


def test_strict_mode_fails_exactly_the_recorded_deviations(published_records: list[dict[str, Any]]) -> None:
    for record in _bodies(published_records):
        body = record["body"]
        strict = failing(validate_response(body, strict=True))
        assert strict == _expected_deviations(body), record["id"]
        default = outcomes_by_clause(validate_response(body))
        assert {c for c, o in default.items() if o is Outcome.DEVIATION} == strict, record["id"]


def test_every_published_deviation_kind_is_seen(published_records: list[dict[str, Any]]) -> None:
    seen = set().union(*(_expected_deviations(r["body"]) for r in _bodies(published_records)))
    assert {"response.description.pattern", "response.inferenceProfileName.pattern"} <= seen


def test_partial_error_records_are_checked_on_what_they_show(published_records: list[dict[str, Any]]) -> None:
    checked = 0
    for record in published_records:
        http = record.get("http") or {}
        if record["kind"] != "error" or http.get("status") is None:
            continue
        headers = dict(http.get("headers") or {})
        body = {"message": http["message"]} if "message" in http else None
        if "error_type" in http and not headers:
            headers = {"x-amzn-ErrorType": http["error_type"]}
        findings = validate_error(http["status"], headers, body if body is not None else {"message": ""})
        shown = {f.clause for f in findings} - (
            {"error.message.required", "error.message.type"} if body is None else set()
        )
        assert not failing([f for f in findings if f.clause in shown]), record["id"]
        checked += 1
    assert checked >= 2


def test_the_mock_catalogue_cites_only_shipped_records_and_observations(
    published_records: list[dict[str, Any]], observations: list[dict[str, Any]]
) -> None:
    catalogue = json.loads(resources.files("bedrock_conformance.mock").joinpath("catalogue.json").read_text())
    records = {r["id"]: r for r in published_records}
    observed = {o["id"] for o in observations}
    for entry in catalogue["profiles"]:
        cited = re.findall(r"\b(?:rec|obs)-\d{3}\b", entry["source"])
        assert cited or entry["source"].startswith("illustrative:"), entry["source"]
        assert not re.search(r"NOTES|shared/", entry["source"]), entry["source"]
        for ident in cited:
            assert ident in records or ident in observed, f"{ident} is in no shipped file"
        if entry["source"].startswith("rec-"):
            record = records[cited[0]]
            assert f"({record['source']})" in entry["source"]
            assert entry["profile"]["inferenceProfileId"] == record["body"]["inferenceProfileId"]
