"""The typed contract: only the contract module reads ``schemas/``, and what it reads restates the page.

The first half walks the source: every module asks the contract's objects (operations, shapes, errors, facts),
none indexes a raw schema document. The second half checks the objects against the AWS page (and, where the page is
silent, the service model), with every expected value written here by hand, never asked of the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from page_oracle import MODEL_ARN, PAGE_ARN, PAGE_DESCRIPTION, PAGE_ERRORS, PAGE_ID, PAGE_IDENTIFIER, PAGE_NAME

from bedrock_conformance._schemas import Contract, contract

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "bedrock_conformance"

# The contract module(s): the only code that may read the raw documents.
CONTRACT_MODULES = frozenset({"_schemas.py", "_model.py", "_facts.py"})


def _raw_key(node: ast.expr) -> str | None:
    """The string literal if it names a schema document, an extension key or ``$defs``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text.endswith(".json") or text.startswith("x-") or text == "$defs":
            return text
    return None


def raw_lookups(source: str) -> list[str]:
    """Every place in ``source`` that reads a raw schema document, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "documents":
            found.append(f"{node.lineno}: .documents")
        elif isinstance(node, ast.Subscript) and (key := _raw_key(node.slice)) is not None:
            found.append(f"{node.lineno}: [{key!r}]")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and (key := _raw_key(node.args[0])) is not None
        ):
            found.append(f"{node.lineno}: .get({key!r})")
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() not in CONTRACT_MODULES)


def test_the_source_walk_sees_every_module() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in _modules()}
    assert {"_validator.py", "checks.py", "drift.py", "mock/_service.py", "sdk/_suite.py"} <= names
    assert not names & CONTRACT_MODULES


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("c.documents", ["1: .documents"]),
        ("d['errors.json']", ["1: ['errors.json']"]),
        ("d['x-transient']", ["1: ['x-transient']"]),
        ("d['$defs']", ["1: ['$defs']"]),
        ("d.get('x-sensitive')", ["1: .get('x-sensitive')"]),
        ("d['properties']\nd.get('format')\nheaders[name]", []),
    ],
)
def test_the_rule_catches_raw_lookups(source: str, expected: list[str]) -> None:
    assert raw_lookups(source) == expected


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_but_the_contract_reads_raw_documents(path: Path) -> None:
    found = raw_lookups(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name} reads raw schema documents: ask the contract's objects instead: {found}"


def test_the_contract_modules_stay_small() -> None:
    for name in CONTRACT_MODULES:
        assert len((PACKAGE / name).read_text(encoding="utf-8").splitlines()) <= 500, name


# ------------------------------------------------------------------------------------------------ the page's facts
@pytest.fixture
def the_contract() -> Contract:
    # Function-scoped (contract() is cached anyway): while mutmut records which tests call the loader, the cache is
    # emptied before every test, and a module-scoped value would credit the first test alone with loading it, so
    # the loader's mutants would run that one test and survive the rest of this file (docs/testing.md).
    return contract()


def test_get_inference_profile_binding(the_contract: Contract) -> None:
    op = the_contract.operation("GetInferenceProfile")
    assert (op.method, op.path, op.success_status) == ("GET", "/inference-profiles/{inferenceProfileIdentifier}", 200)
    assert op.label == "inferenceProfileIdentifier"
    assert the_contract.path_label == "inferenceProfileIdentifier"
    assert the_contract.page_operation is op
    assert op.iam_action == "bedrock:GetInferenceProfile"


def test_get_inference_profile_identifier(the_contract: Contract) -> None:
    ident = the_contract.operation("GetInferenceProfile").members["inferenceProfileIdentifier"]
    assert ident.location == "uri"
    assert the_contract.operation("GetInferenceProfile").input.is_required("inferenceProfileIdentifier")
    assert ident.type == "string"
    assert (ident.limit("minLength"), ident.limit("maxLength")) == (1, 2048)
    assert ident.pattern == PAGE_IDENTIFIER
    assert ident.constraints["minLength"].clause == "request.inferenceProfileIdentifier.minLength"
    assert ident.constraints["maxLength"].clause == "request.inferenceProfileIdentifier.maxLength"
    assert ident.constraints["pattern"].clause == "request.inferenceProfileIdentifier.pattern"


def test_project_identifier_is_the_models_not_the_pages(the_contract: Contract) -> None:
    project = the_contract.operation("GetInferenceProfile").members["projectIdentifier"]
    assert project.location == "querystring"
    assert project.on_page is False
    assert not the_contract.operation("GetInferenceProfile").input.is_required("projectIdentifier")


RESPONSE_FACTS = {
    "description": {"minLength": 1, "maxLength": 200, "pattern": PAGE_DESCRIPTION},
    "inferenceProfileArn": {"minLength": 1, "maxLength": 2048, "pattern": PAGE_ARN},
    "inferenceProfileId": {"minLength": 1, "maxLength": 64, "pattern": PAGE_ID},
    "inferenceProfileName": {"minLength": 1, "maxLength": 64, "pattern": PAGE_NAME},
    "models": {"minItems": 1, "maxItems": 5},
    "status": {"enum": ["ACTIVE"]},
    "type": {"enum": ["SYSTEM_DEFINED", "APPLICATION"]},
    "createdAt": {"format": "date-time"},
    "updatedAt": {"format": "date-time"},
}


@pytest.mark.parametrize("member", sorted(RESPONSE_FACTS))
def test_response_member_constraints(the_contract: Contract, member: str) -> None:
    shape = the_contract.response.members[member]
    assert {k: c.value for k, c in shape.constraints.items()} == RESPONSE_FACTS[member]
    for keyword, constraint in shape.constraints.items():
        assert constraint.clause == f"response.{member}.{keyword}"


def test_response_shape(the_contract: Contract) -> None:
    response = the_contract.response
    assert response.type == "object"
    assert set(response.members) == {
        "createdAt",
        "description",
        "inferenceProfileArn",
        "inferenceProfileId",
        "inferenceProfileName",
        "models",
        "status",
        "type",
        "updatedAt",
    }
    assert set(response.required) == {
        "inferenceProfileName",
        "inferenceProfileArn",
        "models",
        "inferenceProfileId",
        "status",
        "type",
    }
    assert response.timestamps() == ["createdAt", "updatedAt"]
    assert response.sensitive_members() == {"description"}
    model_arn = response.members["models"].items
    assert model_arn is not None and model_arn.type == "object"
    assert model_arn.members["modelArn"].pattern == MODEL_ARN
    assert model_arn.members["modelArn"].constraints["pattern"].clause == "response.models.modelArn.pattern"
    assert the_contract.content_type == "application/json"
    assert the_contract.content_type_clause == "response.body.contentType"


@pytest.mark.parametrize(("name", "status"), sorted(PAGE_ERRORS.items()))
def test_error_types(the_contract: Contract, name: str, status: int) -> None:
    error = the_contract.errors[name]
    assert error.status == status
    assert error.clause == f"error.{name}.status"
    assert error.fault == ("server" if name == "InternalServerException" else "client")


def test_the_page_lists_exactly_five_errors(the_contract: Contract) -> None:
    op = the_contract.operation("GetInferenceProfile")
    assert op.exact_errors
    assert set(op.errors) == {
        "AccessDeniedException",
        "InternalServerException",
        "ResourceNotFoundException",
        "ThrottlingException",
        "ValidationException",
    }
    assert the_contract.errors["ResourceNotFoundException"].status == 404
    assert the_contract.errors["ThrottlingException"].status == 429
    assert the_contract.errors["ValidationException"].default_message == (
        "Input validation failed. Check your request parameters and retry the request."
    )
    assert the_contract.errors["AccessDeniedException"].default_message == (
        "The request is denied because of missing access permissions."
    )
    assert op.invalid_answer == "ValidationException"
    assert set(op.valid_answers) == {"AccessDeniedException", "ResourceNotFoundException"}


def test_transient_errors_are_throttling_and_server_fault(the_contract: Contract) -> None:
    transient = {name for name, error in the_contract.errors.items() if error.transient}
    assert transient == {"ThrottlingException", "InternalServerException"}
    assert the_contract.transient_statuses == {429, 500}


def test_error_wire(the_contract: Contract) -> None:
    wire = the_contract.wire
    assert wire.type_header == "x-amzn-ErrorType"
    assert set(wire.type_body_members) == {"code", "Code", "__type"}
    assert wire.message_member == "message"
    assert set(wire.message_members) == {"message", "Message"}
    assert wire.namespace == "http://internal.amazon.com/coral/com.amazon.bedrock/"


def test_list_inference_profiles(the_contract: Contract) -> None:
    op = the_contract.operation("ListInferenceProfiles")
    assert (op.method, op.path, op.success_status, op.label) == ("GET", "/inference-profiles", 200, None)
    assert the_contract.list_operation is op
    max_results = op.members["maxResults"]
    assert (max_results.type, max_results.limit("minimum"), max_results.limit("maximum")) == ("integer", 1, 1000)
    assert max_results.location == "querystring"
    token = op.members["nextToken"]
    assert (token.limit("minLength"), token.limit("maxLength"), token.pattern) == (1, 2048, "^\\S*$")
    assert op.query == {
        "maxResults": "maxResults",
        "nextToken": "nextToken",
        "type": "typeEquals",
        "projectIdentifier": "projectIdentifier",
    }
    assert op.members["type"].enum == ("SYSTEM_DEFINED", "APPLICATION")
    assert op.members["type"].default == "SYSTEM_DEFINED"
    assert the_contract.list_member == "inferenceProfileSummaries"
    assert the_contract.token_member == "nextToken"


def test_create_inference_profile(the_contract: Contract) -> None:
    op = the_contract.operation("CreateInferenceProfile")
    assert (op.method, op.path, op.success_status) == ("POST", "/inference-profiles", 201)
    assert the_contract.create_operation is op
    assert set(op.input.required) == {"inferenceProfileName", "modelSource"}
    token = op.members["clientRequestToken"]
    assert (token.limit("minLength"), token.limit("maxLength")) == (1, 256)
    assert token.location == "body"
    assert op.members["tags"].limit("maxItems") == 200
    tag = op.members["tags"].items
    assert tag is not None
    assert (tag.members["key"].limit("minLength"), tag.members["key"].limit("maxLength")) == (1, 128)
    assert (tag.members["value"].limit("minLength"), tag.members["value"].limit("maxLength")) == (0, 256)
    copy_from = op.input.member_at("/modelSource/copyFrom")
    assert (copy_from.limit("minLength"), copy_from.limit("maxLength")) == (1, 2048)
    assert op.output is not None and op.output.required == ("inferenceProfileArn",)
    assert op.creates is not None
    assert (op.creates.type, op.creates.status, op.creates.id_length) == ("APPLICATION", "ACTIVE", 12)
    assert op.creates.id_alphabet == "0123456789abcdefghijklmnopqrstuvwxyz"
    assert op.iam_resource_type == "APPLICATION"


def test_delete_inference_profile(the_contract: Contract) -> None:
    op = the_contract.operation("DeleteInferenceProfile")
    assert (op.method, op.path, op.success_status) == (
        "DELETE",
        "/inference-profiles/{inferenceProfileIdentifier}",
        200,
    )
    assert the_contract.delete_operation is op
    assert op.output is not None and dict(op.output.members) == {} and op.output.type == "object"
    assert op.members["inferenceProfileIdentifier"].location == "uri"
    assert op.exact_errors
    assert op.errors == (
        "ResourceNotFoundException",
        "AccessDeniedException",
        "ValidationException",
        "ConflictException",
        "InternalServerException",
        "ThrottlingException",
    )
    assert op.deletable_types == ("APPLICATION",)
    assert op.members["inferenceProfileIdentifier"].limit("maxLength") == 2048


def test_the_operations_are_the_seven_the_schemas_describe(the_contract: Contract) -> None:
    assert list(the_contract.operations) == [
        "GetInferenceProfile",
        "ListInferenceProfiles",
        "CreateInferenceProfile",
        "DeleteInferenceProfile",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ]


def test_create_names_its_idempotency_token_and_every_modelled_error(the_contract: Contract) -> None:
    op = the_contract.operation("CreateInferenceProfile")
    assert [name for name, m in op.members.items() if m.idempotency_token] == ["clientRequestToken"]
    assert op.exact_errors
    assert op.errors == (
        "ResourceNotFoundException",
        "AccessDeniedException",
        "ValidationException",
        "ConflictException",
        "InternalServerException",
        "TooManyTagsException",
        "ServiceQuotaExceededException",
        "ThrottlingException",
    )
    token = op.members["clientRequestToken"]
    assert token.pattern == "^[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?$"
    for name in ("inferenceProfileName", "description", "tags", "modelSource"):
        assert not op.members[name].idempotency_token


def test_the_new_modelled_error_types(the_contract: Contract) -> None:
    too_many = the_contract.service_errors["TooManyTagsException"]
    assert (too_many.status, too_many.fault) == (400, "client")
    quota = the_contract.service_errors["ServiceQuotaExceededException"]
    assert (quota.status, quota.fault) == (400, "client")
    assert the_contract.wire.mock_answers["tooManyTags"].error == "TooManyTagsException"
    assert the_contract.wire.mock_answers["tooManyTags"].limit == 50


def test_every_operations_errors_are_known_error_types(the_contract: Contract) -> None:
    for op in the_contract.operations.values():
        for name in op.errors:
            assert name in the_contract.errors or name in the_contract.service_errors, (op.name, name)


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
TAG_PATTERN = "^[a-zA-Z0-9\\s._:/=+@-]*$"


@pytest.mark.parametrize(
    ("name", "path", "required", "errors"),
    [
        (
            "TagResource",
            "/tagResource",
            {"resourceARN", "tags"},
            {
                "ResourceNotFoundException",
                "AccessDeniedException",
                "ValidationException",
                "InternalServerException",
                "TooManyTagsException",
                "ThrottlingException",
            },
        ),
        (
            "UntagResource",
            "/untagResource",
            {"resourceARN", "tagKeys"},
            {
                "ResourceNotFoundException",
                "AccessDeniedException",
                "ValidationException",
                "InternalServerException",
                "ThrottlingException",
            },
        ),
        (
            "ListTagsForResource",
            "/listTagsForResource",
            {"resourceARN"},
            {
                "ResourceNotFoundException",
                "AccessDeniedException",
                "ValidationException",
                "InternalServerException",
                "ThrottlingException",
            },
        ),
    ],
)
def test_tagging_operations(the_contract: Contract, name: str, path: str, required: set[str], errors: set[str]) -> None:
    op = the_contract.operation(name)
    assert (op.method, op.path, op.success_status) == ("POST", path, 200)
    assert set(op.input.required) == required
    assert op.exact_errors and set(op.errors) == errors
    assert op.iam_action == f"bedrock:{name}"
    arn = op.members["resourceARN"]
    assert (arn.type, arn.limit("minLength"), arn.limit("maxLength"), arn.pattern) == ("string", 20, 1011, TAGGABLE_ARN)
    assert all(m.location == "body" for m in op.members.values())
    assert op.query == {}


def test_tag_shapes(the_contract: Contract) -> None:
    tags = the_contract.operation("TagResource").members["tags"]
    assert (tags.type, tags.limit("minItems"), tags.limit("maxItems")) == ("array", 0, 200)
    tag = tags.items
    assert tag is not None and set(tag.required) == {"key", "value"}
    key, value = tag.members["key"], tag.members["value"]
    assert (key.limit("minLength"), key.limit("maxLength"), key.pattern) == (1, 128, TAG_PATTERN)
    assert (value.limit("minLength"), value.limit("maxLength"), value.pattern) == (0, 256, TAG_PATTERN)
    keys = the_contract.operation("UntagResource").members["tagKeys"]
    assert (keys.limit("minItems"), keys.limit("maxItems")) == (0, 200)
    assert keys.items is not None and keys.items.pattern == TAG_PATTERN and keys.items.limit("maxLength") == 128
    listed = the_contract.operation("ListTagsForResource").output
    assert listed is not None and listed.members["tags"].limit("maxItems") == 200
    for name in ("TagResource", "UntagResource"):
        output = the_contract.operation(name).output
        assert output is not None and dict(output.members) == {}


def test_facts_around_the_operations(the_contract: Contract) -> None:
    assert the_contract.signing_name == "bedrock"
    assert the_contract.resource_types == {
        "APPLICATION": "application-inference-profile",
        "SYSTEM_DEFINED": "inference-profile",
    }
    assert the_contract.arn_templates == {
        "SYSTEM_DEFINED": "arn:{partition}:bedrock:{region}:{account}:inference-profile/{id}",
        "APPLICATION": "arn:{partition}:bedrock:{region}:{account}:application-inference-profile/{id}",
    }
    assert the_contract.role("arn") == "inferenceProfileArn"
    assert the_contract.role("id") == "inferenceProfileId"
    assert the_contract.response.roles["model"] == "modelArn"
    rule = the_contract.behaviour["unknownIdentifier"]
    assert (rule.clause, rule.expect_error) == ("behaviour.unknownIdentifier.notFound", "ResourceNotFoundException")
    assert rule.other_account_error == "AccessDeniedException"
    assert the_contract.behaviour["listEnds"].value == 100


def test_sdk_and_drift_facts(the_contract: Contract) -> None:
    sdk, drift = the_contract.sdk, the_contract.drift
    assert sdk is not None and drift is not None
    assert sdk.operation == "GetInferenceProfile"
    assert "2016-12-31T23:59:60Z" in sdk.edge_timestamps
    assert {"boto3", "aiobotocore", "js"} <= set(sdk.sdks)
    assert sdk.clauses["retried"] == "sdk.retry.retried"
    assert "botocore-leap-second" in {d["id"] for d in sdk.known_defects}
    assert drift.service == "bedrock"
    assert ("GetInferenceProfile", "input.projectIdentifier", "member") in {k.key for k in drift.known}


def test_the_contract_and_its_shapes_are_frozen(the_contract: Contract) -> None:
    with pytest.raises(AttributeError):
        the_contract.content_type = "text/plain"  # type: ignore[misc]
    op = the_contract.page_operation
    with pytest.raises(AttributeError):
        op.path = "/elsewhere"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        op.input.type = "array"  # type: ignore[misc]


def test_shapes_are_named_after_their_members_and_answers(the_contract: Contract) -> None:
    create = the_contract.operation("CreateInferenceProfile")
    assert create.output is not None and create.output.name == "CreateInferenceProfileResponse"
    assert create.members["clientRequestToken"].name == "clientRequestToken"
    assert the_contract.operation("ListInferenceProfiles").members["maxResults"].name == "maxResults"
    # Only an array has an item shape.
    assert create.members["clientRequestToken"].items is None
    tags = create.members["tags"].items
    assert tags is not None and set(tags.members) == {"key", "value"}
