"""Drift on GetInferenceProfile's siblings: an edited copy of the contract, one sibling fact changed, is new drift.

Each case edits operations.json in a copy of schemas/ and names, restated by hand from the service model, the rows
(operation, member, aspect, schemas/, model) that must come out as new drift, and no others.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import Loader

from bedrock_conformance._schemas import DOCUMENTS, load_contract, schemas_dir
from bedrock_conformance.cli import main
from bedrock_conformance.drift import Status, compare

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return dict(Loader().load_service_model("bedrock", "service-2"))


def _copy(tmp_path: Path, edit: Edit) -> Path:
    for name in DOCUMENTS:
        shutil.copyfile(schemas_dir() / name, tmp_path / name)
    doc = json.loads((tmp_path / "operations.json").read_text(encoding="utf-8"))
    edit(doc["$defs"])
    (tmp_path / "operations.json").write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


def _set(path: str, value: Any) -> Edit:
    def edit(defs: dict[str, Any]) -> None:
        *steps, last = path.split("/")
        node = defs
        for step in steps:
            node = node[step]
        if value is None:
            del node[last]
        else:
            node[last] = value

    return edit


CASES: list[tuple[str, Edit, set[tuple[str, str, str, str, str]]]] = [
    (
        "list-maximum",
        _set("ListInferenceProfiles/properties/maxResults/maximum", 999),
        {("ListInferenceProfiles", "input.maxResults", "maximum", "999", "1000")},
    ),
    (
        "list-sdk-name",
        _set("ListInferenceProfiles/x-query/type", "typeEqual"),
        {("ListInferenceProfiles", "input.type", "sdkName", "typeEqual", "typeEquals")},
    ),
    (
        "list-location",
        _set("ListInferenceProfiles/properties/maxResults/x-location", "header"),
        {("ListInferenceProfiles", "input.maxResults", "location", "header", "querystring")},
    ),
    (
        "create-token-pattern",
        _set("CreateInferenceProfile/properties/clientRequestToken/maxLength", 255),
        {("CreateInferenceProfile", "input.clientRequestToken", "maxLength", "255", "256")},
    ),
    (
        "create-idempotency",
        _set("CreateInferenceProfile/properties/clientRequestToken/x-idempotency-token", None),
        {("CreateInferenceProfile", "input.clientRequestToken", "idempotencyToken", "no", "yes")},
    ),
    (
        "create-required",
        _set("CreateInferenceProfile/required", ["inferenceProfileName"]),
        {("CreateInferenceProfile", "input.modelSource", "required", "no", "yes")},
    ),
    (
        "create-status",
        _set("CreateInferenceProfile/x-operation/successStatus", 200),
        {("CreateInferenceProfile", "http", "status", "200", "201")},
    ),
    (
        "delete-error",
        _set(
            "DeleteInferenceProfile/x-errors",
            [
                "ResourceNotFoundException",
                "AccessDeniedException",
                "ValidationException",
                "InternalServerException",
                "ThrottlingException",
            ],
        ),
        {("DeleteInferenceProfile", "errors.ConflictException", "error", "absent", "present")},
    ),
    (
        "delete-location",
        _set("DeleteInferenceProfile/properties/inferenceProfileIdentifier/x-location", "querystring"),
        {("DeleteInferenceProfile", "input.inferenceProfileIdentifier", "location", "querystring", "uri")},
    ),
    (
        # The shared TagKey: every operation that carries tag keys drifts, each at its own member.
        "tag-key-bound",
        _set("TagKey/maxLength", 127),
        {
            ("CreateInferenceProfile", "input.tags[].key", "maxLength", "127", "128"),
            ("TagResource", "input.tags[].key", "maxLength", "127", "128"),
            ("UntagResource", "input.tagKeys[]", "maxLength", "127", "128"),
            ("ListTagsForResource", "output.tags[].key", "maxLength", "127", "128"),
        },
    ),
    (
        "tag-value-pattern",
        _set("TagValue/pattern", "^[a-zA-Z0-9._:/=+@-]*$"),
        {
            (
                "CreateInferenceProfile",
                "input.tags[].value",
                "pattern",
                "[a-zA-Z0-9._:/=+@-]*",
                "[a-zA-Z0-9\\s._:/=+@-]*",
            ),
            ("TagResource", "input.tags[].value", "pattern", "[a-zA-Z0-9._:/=+@-]*", "[a-zA-Z0-9\\s._:/=+@-]*"),
            (
                "ListTagsForResource",
                "output.tags[].value",
                "pattern",
                "[a-zA-Z0-9._:/=+@-]*",
                "[a-zA-Z0-9\\s._:/=+@-]*",
            ),
        },
    ),
    (
        "tag-list-bound",
        _set("TagList/maxItems", 50),
        {
            ("CreateInferenceProfile", "input.tags", "maxItems", "50", "200"),
            ("TagResource", "input.tags", "maxItems", "50", "200"),
            ("ListTagsForResource", "output.tags", "maxItems", "50", "200"),
        },
    ),
    (
        "untag-required",
        _set("UntagResource/required", ["resourceARN"]),
        {("UntagResource", "input.tagKeys", "required", "no", "yes")},
    ),
    (
        "resource-arn-bound",
        _set("TaggableResourcesArn/minLength", 21),
        {
            ("TagResource", "input.resourceARN", "minLength", "21", "20"),
            ("UntagResource", "input.resourceARN", "minLength", "21", "20"),
            ("ListTagsForResource", "input.resourceARN", "minLength", "21", "20"),
        },
    ),
    (
        "list-tags-path",
        _set("ListTagsForResource/x-operation/path", "/listTags"),
        {("ListTagsForResource", "http", "path", "/listTags", "/listTagsForResource")},
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [(e, x) for _, e, x in CASES], ids=[n for n, _, _ in CASES])
def test_a_sibling_fact_changed_in_a_copy_of_the_contract_is_new_drift(
    tmp_path: Path, model: dict[str, Any], edit: Edit, expected: set[tuple[str, str, str, str, str]]
) -> None:
    report = compare(load_contract(_copy(tmp_path, edit)), model)
    new = {(r.operation, r.member, r.aspect, r.schemas, r.model) for r in report.rows if r.status is Status.DRIFT}
    assert new == expected
    assert report.exit_code == 1


def test_the_cli_reports_a_sibling_bound_changed_in_a_copy_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(tmp_path, _set("TaggableResourcesArn/maxLength", 1010))
    assert main(["drift", "--schemas", str(copy), "--format", "json"]) == 1
    rows = [r for r in json.loads(capsys.readouterr().out)["rows"] if r["status"] == "DRIFT"]
    assert {(r["operation"], r["member"], r["aspect"], r["schemas"], r["model"]) for r in rows} == {
        (op, "input.resourceARN", "maxLength", "1010", "1011")
        for op in ("TagResource", "UntagResource", "ListTagsForResource")
    }


@pytest.mark.parametrize(
    ("operation", "member", "location"),
    [
        ("ListInferenceProfiles", "input.maxResults", "querystring"),
        ("ListInferenceProfiles", "input.nextToken", "querystring"),
        ("ListInferenceProfiles", "input.type", "querystring"),
        ("CreateInferenceProfile", "input.inferenceProfileName", "body"),
        ("CreateInferenceProfile", "input.clientRequestToken", "body"),
        ("DeleteInferenceProfile", "input.inferenceProfileIdentifier", "uri"),
        ("TagResource", "input.tags", "body"),
        ("UntagResource", "input.tagKeys", "body"),
        ("ListTagsForResource", "input.resourceARN", "body"),
        ("CreateInferenceProfile", "output.inferenceProfileArn", "body"),
        ("ListTagsForResource", "output.tags", "body"),
    ],
)
def test_every_family_members_location_is_compared(
    model: dict[str, Any], operation: str, member: str, location: str
) -> None:
    from bedrock_conformance._schemas import contract

    rows = [
        r
        for r in compare(contract(), model).rows
        if (r.operation, r.member, r.aspect) == (operation, member, "location")
    ]
    assert [(r.schemas, r.model, r.status) for r in rows] == [(location, location, Status.SAME)]
