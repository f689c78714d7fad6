"""Whole findings of the validator, field by field and in order, written out by hand from the page's bounds, the
service model's members and the documented message forms ("keeps <keyword>", "is a <type>", "<value> does not
match <pattern> as a whole string", ...). Clause ids of sibling-operation schemas are "model.<member>.<keyword>"
(with "body" for the root); a member reached by $ref is judged under the clauses of the document it comes from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bedrock_conformance._schemas import contract, load_contract, schemas_dir
from bedrock_conformance._validator import (
    REDACTED,
    Finding,
    Outcome,
    Validator,
    failing,
    shape_validator,
    validate_identifier,
    validate_list_page,
    validate_operation,
    validate_request_member,
    validate_response,
)

PASS, FAIL, DEVIATION = "pass", "fail", "deviation"
ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
MODEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
BODY = {
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "inferenceProfileArn": ARN,
    "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "models": [{"modelArn": MODEL_ARN}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}
NAME_PATTERN = "^([0-9a-zA-Z][ _-]?)+$"
PAGE_TOKEN_PATTERN = r"^\S*$"


def rows(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.clause, f.outcome.value, f.pointer, f.value, f.message, f.keyword, f.limit) for f in findings]


def test_a_list_request_is_judged_under_its_own_clauses_and_the_referenced_documents_clauses() -> None:
    value = {"maxResults": 0, "nextToken": "a b", "type": "OTHER", "projectIdentifier": "p!"}
    assert rows(validate_operation("ListInferenceProfiles", value)) == [
        ("model.body.type", PASS, "", value, "is a object", "type", "object"),
        ("model.maxResults.type", PASS, "/maxResults", 0, "is a integer", "type", "integer"),
        (
            "ListInferenceProfiles:request.maxResults.minimum",
            FAIL,
            "/maxResults",
            0,
            "0 is below the minimum 1",
            "minimum",
            1,
        ),
        ("ListInferenceProfiles:request.maxResults.maximum", PASS, "/maxResults", 0, "keeps maximum", "maximum", 1000),
        ("model.nextToken.type", PASS, "/nextToken", "a b", "is a string", "type", "string"),
        (
            "ListInferenceProfiles:request.nextToken.minLength",
            PASS,
            "/nextToken",
            "a b",
            "keeps minLength",
            "minLength",
            1,
        ),
        (
            "ListInferenceProfiles:request.nextToken.maxLength",
            PASS,
            "/nextToken",
            "a b",
            "keeps maxLength",
            "maxLength",
            2048,
        ),
        (
            "ListInferenceProfiles:request.nextToken.pattern",
            FAIL,
            "/nextToken",
            "a b",
            f'"a b" does not match {PAGE_TOKEN_PATTERN} as a whole string',
            "pattern",
            PAGE_TOKEN_PATTERN,
        ),
        ("response.type.type", PASS, "/type", "OTHER", "is a string", "type", "string"),
        (
            "ListInferenceProfiles:request.typeEquals.enum",
            FAIL,
            "/type",
            "OTHER",
            '"OTHER" is not one of SYSTEM_DEFINED | APPLICATION',
            "enum",
            ["SYSTEM_DEFINED", "APPLICATION"],
        ),
        ("request.projectIdentifier.minLength", PASS, "/projectIdentifier", "p!", "keeps minLength", "minLength", 1),
        ("request.projectIdentifier.maxLength", PASS, "/projectIdentifier", "p!", "keeps maxLength", "maxLength", 2048),
        (
            "request.projectIdentifier.pattern",
            FAIL,
            "/projectIdentifier",
            "p!",
            '"p!" does not match ([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/'
            "[a-zA-Z0-9_-]+) as a whole string",
            "pattern",
            "([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/[a-zA-Z0-9_-]+)",
        ),
    ]


def test_a_wrong_type_stops_the_members_checks_and_says_what_it_is() -> None:
    assert rows(validate_operation("ListInferenceProfiles", {"maxResults": 2.5, "type": 7})) == [
        ("model.body.type", PASS, "", {"maxResults": 2.5, "type": 7}, "is a object", "type", "object"),
        ("model.maxResults.type", FAIL, "/maxResults", 2.5, "2.5 is a JSON number, not an integer", "type", "integer"),
        ("response.type.type", FAIL, "/type", 7, "7 is a JSON integer, not a string", "type", "string"),
    ]
    assert rows(validate_operation("ListInferenceProfiles", [None])) == [
        ("model.body.type", FAIL, "", [None], "[null] is a JSON array, not an object", "type", "object"),
    ]
    # 1000.0 is an integer in JSON Schema; 1001 is above the maximum.
    assert failing(validate_operation("ListInferenceProfiles", {"maxResults": 1000.0})) == set()
    assert rows(validate_operation("ListInferenceProfiles", {"maxResults": 1001}))[-1] == (
        "ListInferenceProfiles:request.maxResults.maximum",
        FAIL,
        "/maxResults",
        1001,
        "1001 is above the maximum 1000",
        "maximum",
        1000,
    )
    assert rows(validate_operation("ListInferenceProfiles", {"maxResults": True}))[1][4] == (
        "true is a JSON boolean, not an integer"
    )
    assert rows(validate_operation("ListInferenceProfiles", {"nextToken": None}))[1][4] == (
        "null is a JSON null, not a string"
    )
    assert (
        rows(validate_operation("ListInferenceProfiles", {"nextToken": {}}))[1][4]
        == "{} is a JSON object, not a string"
    )


def test_an_empty_response_misses_the_six_required_members_in_the_models_order() -> None:
    findings = validate_response({})
    assert rows(findings) == [
        ("response.body.type", PASS, "", {}, "is a object", "type", "object"),
        *[
            (
                f"response.{name}.required",
                FAIL,
                f"/{name}",
                None,
                f"required member {name} is missing",
                "required",
                True,
            )
            for name in (
                "inferenceProfileName",
                "inferenceProfileArn",
                "models",
                "inferenceProfileId",
                "status",
                "type",
            )
        ],
        ("model.response.members", PASS, "", None, "no members beyond the service model", "additionalProperties", None),
    ]


def test_each_member_of_a_conformant_body_is_checked_under_its_own_clauses() -> None:
    findings = validate_response(BODY, pointer="/p")
    assert not failing(findings)
    got = {(f.clause, f.pointer, f.keyword, repr(f.limit), f.message) for f in findings}
    required = {
        (f"response.{name}.required", f"/p/{name}", "required", "True", "present")
        for name in ("inferenceProfileName", "inferenceProfileArn", "models", "inferenceProfileId", "status", "type")
    }
    assert required <= got
    name = "/p/inferenceProfileName"
    assert {
        ("response.inferenceProfileName.type", name, "type", "'string'", "is a string"),
        ("response.inferenceProfileName.minLength", name, "minLength", "1", "keeps minLength"),
        ("response.inferenceProfileName.maxLength", name, "maxLength", "64", "keeps maxLength"),
        ("response.inferenceProfileName.pattern", name, "pattern", repr(NAME_PATTERN), "keeps pattern"),
        ("response.models.type", "/p/models", "type", "'array'", "is a array"),
        ("response.models.minItems", "/p/models", "minItems", "1", "keeps minItems"),
        ("response.models.maxItems", "/p/models", "maxItems", "5", "keeps maxItems"),
        ("response.models.items.type", "/p/models/0", "type", "'object'", "is a object"),
        ("response.status.enum", "/p/status", "enum", "['ACTIVE']", "keeps enum"),
        ("response.type.enum", "/p/type", "enum", "['SYSTEM_DEFINED', 'APPLICATION']", "keeps enum"),
        ("model.response.members", "/p", "additionalProperties", "None", "no members beyond the service model"),
    } <= got
    arn_rows = [r for r in got if r[1] == "/p/models/0/modelArn"]
    assert sorted(r[0] for r in arn_rows) == ["response.models.modelArn.pattern", "response.models.modelArn.type"]
    # The item's modelArn is not a required member (the item schema declares no required clause).
    assert not [r for r in got if r[0].endswith(".required") and "models/0" in r[1]]


def test_each_kind_of_breach_says_what_is_wrong() -> None:
    def broken(**members: Any) -> tuple[Any, ...]:
        (finding,) = [f for f in validate_response({**BODY, **members}) if f.outcome is Outcome.FAIL]
        return rows([finding])[0]

    empty = [f for f in validate_response({**BODY, "inferenceProfileId": ""}) if f.outcome is Outcome.FAIL]
    assert rows(empty) == [
        (
            "response.inferenceProfileId.minLength",
            FAIL,
            "/inferenceProfileId",
            "",
            "length 0 is below the minimum 1",
            "minLength",
            1,
        ),
        (
            "response.inferenceProfileId.pattern",
            FAIL,
            "/inferenceProfileId",
            "",
            '"" does not match ^[a-zA-Z0-9-:.]+$ as a whole string',
            "pattern",
            "^[a-zA-Z0-9-:.]+$",
        ),
    ]
    assert broken(inferenceProfileId="a" * 65)[4:] == ("length 65 is above the maximum 64", "maxLength", 64)
    assert broken(models=[])[:2] == ("response.models.minItems", FAIL)
    assert broken(models=[])[4:] == ("0 items, below the minimum 1", "minItems", 1)
    assert broken(status="PAUSED")[4:] == ('"PAUSED" is not one of ACTIVE', "enum", ["ACTIVE"])
    assert broken(createdAt="2024-02-30T00:00:00Z") == (
        "response.createdAt.format",
        FAIL,
        "/createdAt",
        "2024-02-30T00:00:00Z",
        '"2024-02-30T00:00:00Z" is not an RFC 3339 date-time',
        "format",
        "date-time",
    )
    model = broken(models=[{"modelArn": "x"}])
    assert model[:4] == ("response.models.modelArn.pattern", FAIL, "/models/0/modelArn", "x")
    assert model[4].startswith('"x" does not match ^arn:aws(-[^:]+)?:bedrock:')
    long_name = "a" * 70
    assert broken(inferenceProfileName=long_name)[4] == "length 70 is above the maximum 64"


def test_long_values_are_shortened_in_messages() -> None:
    name = "ab!" + "c" * 120  # 123 characters, 125 as JSON text
    message = next(
        f.message
        for f in validate_response({**BODY, "inferenceProfileName": name})
        if f.clause == "response.inferenceProfileName.pattern"
    )
    shown = '"ab!' + "c" * 96 + "…" + "c" * 9 + '" (125 characters)'
    assert message == f"{shown} does not match {NAME_PATTERN} as a whole string"
    exact = "ab!" + "c" * 115  # 120 characters as JSON text: shown whole
    message = next(
        f.message
        for f in validate_response({**BODY, "inferenceProfileName": exact})
        if f.clause == "response.inferenceProfileName.pattern"
    )
    assert message == f'"{exact}" does not match {NAME_PATTERN} as a whole string'


def test_a_sensitive_member_is_redacted_with_its_length() -> None:
    findings = validate_response({**BODY, "description": "secret plan!"})
    assert [(f.clause, f.value, f.message) for f in findings if f.outcome is Outcome.FAIL] == [
        (
            "response.description.pattern",
            REDACTED,
            "<redacted> (12 characters) does not match ^([0-9a-zA-Z:.][ _-]?)+$ as a whole string",
        )
    ]
    assert REDACTED == "<redacted>"
    kept = [f for f in findings if f.clause == "response.description.maxLength"]
    assert [(f.outcome.value, f.value) for f in kept] == [(PASS, REDACTED)]
    shown = validate_response({**BODY, "description": "secret plan!"}, show_sensitive=True)
    assert [f.message for f in shown if f.outcome is Outcome.FAIL] == [
        '"secret plan!" does not match ^([0-9a-zA-Z:.][ _-]?)+$ as a whole string'
    ]
    number = [f for f in validate_response({**BODY, "description": 5}) if f.outcome is Outcome.FAIL]
    assert [(f.value, f.message) for f in number] == [(5, "5 is a JSON integer, not a string")]


def test_a_deviation_says_how_real_aws_deviates() -> None:
    name = "US Claude 3.5 Sonnet"
    summary = "System-defined profile names carry model versions with periods."
    (finding,) = [
        f
        for f in validate_response({**BODY, "inferenceProfileName": name})
        if f.clause == "response.inferenceProfileName.pattern"
    ]
    assert (finding.outcome.value, finding.message) == (
        DEVIATION,
        f'"{name}" does not match {NAME_PATTERN} as a whole string; deviates the way real AWS does: {summary}',
    )
    assert finding.deviation is not None and finding.deviation.summary == summary
    (strict,) = [
        f
        for f in validate_response({**BODY, "inferenceProfileName": name}, strict=True)
        if f.clause == "response.inferenceProfileName.pattern"
    ]
    assert (strict.outcome.value, strict.message) == (
        FAIL,
        f'"{name}" does not match {NAME_PATTERN} as a whole string (strict: AWS does this too \u2014 {summary})',
    )
    assert strict.deviation is not None
    (beyond,) = [
        f
        for f in validate_response({**BODY, "inferenceProfileName": name + "!"})
        if f.clause == "response.inferenceProfileName.pattern"
    ]
    assert (beyond.outcome.value, beyond.deviation) == (FAIL, None)
    assert beyond.message == f'"{name}!" does not match {NAME_PATTERN} as a whole string'


def test_unknown_members_are_drift_one_by_one() -> None:
    findings = validate_response({**BODY, "zeta": 1, "alpha": 2})
    drift = [rows([f])[0] + (f.drift,) for f in findings if f.clause == "model.response.members"]
    assert drift == [
        (
            "model.response.members",
            PASS,
            "/zeta",
            None,
            "unknown member 'zeta': model drift, not a failure",
            "additionalProperties",
            None,
            True,
        ),
        (
            "model.response.members",
            PASS,
            "/alpha",
            None,
            "unknown member 'alpha': model drift, not a failure",
            "additionalProperties",
            None,
            True,
        ),
    ]


def test_identifier_and_request_member_findings() -> None:
    assert rows(validate_identifier("")) == [
        (
            "request.inferenceProfileIdentifier.minLength",
            FAIL,
            "",
            "",
            "length 0 is below the minimum 1",
            "minLength",
            1,
        ),
        ("request.inferenceProfileIdentifier.maxLength", PASS, "", "", "keeps maxLength", "maxLength", 2048),
        (
            "request.inferenceProfileIdentifier.pattern",
            FAIL,
            "",
            "",
            '"" does not match ^(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):'
            "(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+$ as a whole string",
            "pattern",
            "^(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
            "(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+$",
        ),
    ]
    assert failing(validate_request_member("projectIdentifier", "p-1")) == set()
    assert failing(validate_request_member("projectIdentifier", "")) == {
        "request.projectIdentifier.minLength",
        "request.projectIdentifier.pattern",
    }


def test_a_list_page_is_judged_summary_by_summary() -> None:
    page = {"inferenceProfileSummaries": [BODY, {**BODY, "status": "GONE"}], "nextToken": "t"}
    fails = [(f.clause, f.pointer) for f in validate_list_page(page) if f.outcome is Outcome.FAIL]
    assert fails == [("response.status.enum", "/inferenceProfileSummaries/1/status")]
    assert validate_list_page({"inferenceProfileSummaries": None}) == []
    assert validate_list_page({"inferenceProfileSummaries": "x"}) == []
    assert failing(validate_list_page(b"[")) == {"response.body.type"}
    assert failing(validate_list_page([1])) == {"response.body.type"}


def test_a_list_response_judges_its_summaries_leniently_and_redacted_by_default() -> None:
    name = "US Claude 3.5 Sonnet"
    page = {"inferenceProfileSummaries": [{**BODY, "inferenceProfileName": name, "description": "secret plan!"}]}
    findings = shape_validator(contract().list_operation.output).validate(page)
    judged = {f.clause: (f.outcome.value, f.pointer, f.value) for f in findings if f.outcome is not Outcome.PASS}
    assert judged == {
        "response.inferenceProfileName.pattern": (DEVIATION, "/inferenceProfileSummaries/0/inferenceProfileName", name),
        "response.description.pattern": (FAIL, "/inferenceProfileSummaries/0/description", REDACTED),
    }


def test_required_members_are_reported_under_their_own_required_clause(tmp_path: Path) -> None:
    """A document that declares clauses reports only those: a member made required in the schema without a required
    clause of its own gets no required finding; a required member's finding carries that member's own clause id;
    a required name with no schema of its own is reported as <part>.<name>.required."""
    root = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), root)
    response = json.loads((root / "response.json").read_text(encoding="utf-8"))
    response["required"] = ["description", *response["required"], "ghost"]
    response["properties"]["inferenceProfileArn"]["x-clauses"]["required"]["id"] = "response.arn.required"
    (root / "response.json").write_text(json.dumps(response), encoding="utf-8")
    edited = Validator("response.json", the_contract=load_contract(root))
    expected = [
        ("response.inferenceProfileName.required", PASS, "/inferenceProfileName", "present"),
        ("response.arn.required", PASS, "/inferenceProfileArn", "present"),
        ("response.models.required", PASS, "/models", "present"),
        ("response.inferenceProfileId.required", PASS, "/inferenceProfileId", "present"),
        ("response.status.required", PASS, "/status", "present"),
        ("response.type.required", PASS, "/type", "present"),
        ("response.ghost.required", FAIL, "/ghost", "required member ghost is missing"),
    ]
    for body in (BODY, {**BODY, "description": "Routes requests"}):
        findings = edited.validate(body)
        assert failing(findings) == {"response.ghost.required"}
        assert [
            (f.clause, f.outcome.value, f.pointer, f.message) for f in findings if f.keyword == "required"
        ] == expected


def test_a_document_without_x_part_is_judged_as_the_model(tmp_path: Path) -> None:
    """A Validator built without member names its root "body" and the root's members by their names; a document that
    declares no x-part is the service model, which reports every keyword."""
    root = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), root)
    operations = json.loads((root / "operations.json").read_text(encoding="utf-8"))
    del operations["x-part"]
    # A keyword beside a $ref narrows what the reference says (the member keeps both).
    operations["$defs"]["ListInferenceProfiles"]["properties"]["nextToken"]["maxLength"] = 2
    (root / "operations.json").write_text(json.dumps(operations), encoding="utf-8")
    edited = Validator("operations.json", "/$defs/ListInferenceProfiles", the_contract=load_contract(root))
    assert [(f.clause, f.outcome.value, f.limit) for f in edited.validate({"maxResults": 0, "nextToken": "a b"})] == [
        ("model.body.type", PASS, "object"),
        ("model.maxResults.type", PASS, "integer"),
        ("ListInferenceProfiles:request.maxResults.minimum", FAIL, 1),
        ("ListInferenceProfiles:request.maxResults.maximum", PASS, 1000),
        ("model.nextToken.type", PASS, "string"),
        ("ListInferenceProfiles:request.nextToken.minLength", PASS, 1),
        ("ListInferenceProfiles:request.nextToken.maxLength", FAIL, 2),
        ("ListInferenceProfiles:request.nextToken.pattern", FAIL, PAGE_TOKEN_PATTERN),
    ]


def test_nested_model_members_are_named_by_their_path() -> None:
    """In the service model's schemas, a member inside an object is <object>.<member>, an array's items are
    <array>.items, and a member of an item is <array>.<member>."""
    value = {"modelSource": {"copyFrom": 5}, "tags": [{"key": 7, "value": "v"}]}
    got = {(f.clause, f.outcome.value, f.pointer) for f in validate_operation("CreateInferenceProfile", value)}
    assert {
        ("model.modelSource.type", PASS, "/modelSource"),
        ("model.modelSource.copyFrom.required", PASS, "/modelSource/copyFrom"),
        ("model.modelSource.copyFrom.type", FAIL, "/modelSource/copyFrom"),
        ("model.tags.type", PASS, "/tags"),
        ("model.tags.items.type", PASS, "/tags/0"),
        ("model.tags.key.required", PASS, "/tags/0/key"),
        ("model.tags.key.type", FAIL, "/tags/0/key"),
        ("model.tags.value.type", PASS, "/tags/0/value"),
    } <= got


def test_an_item_members_keyword_clauses_are_named_after_the_array() -> None:
    value = {"tags": [{"key": "k", "value": "v"}]}
    got = {f.clause for f in validate_operation("CreateInferenceProfile", value) if f.pointer == "/tags/0/value"}
    # The keywords Create declares clauses for (beside its TagValue $ref) report under those; the others are named
    # after the array.
    assert got == {
        "model.tags.value.required",
        "model.tags.value.type",
        "model.tags.value.minLength",
        "CreateInferenceProfile:request.tags.value.maxLength",
        "CreateInferenceProfile:request.tags.value.pattern",
    }
