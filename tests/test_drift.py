"""Model drift: schemas/ against botocore's bedrock model, the installed one and modified copies of it."""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import Loader

from bedrock_conformance._schemas import DOCUMENTS, contract, load_contract, schemas_dir
from bedrock_conformance.drift import Status, add_drift_arguments, compare, run_drift

GET = "GetInferenceProfile"


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return dict(Loader().load_service_model("bedrock", "service-2"))


def _drift(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_drift_arguments(parser)
    return run_drift(parser.parse_args(list(argv)))


def _write(tmp_path: Path, model: dict[str, Any], name: str = "service-2.json") -> str:
    path = tmp_path / name
    text = json.dumps(model).encode()
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    return str(path)


def _row(report: Any, operation: str, member: str, aspect: str) -> Any:
    return next(r for r in report.rows if (r.operation, r.member, r.aspect) == (operation, member, aspect))


def _new(report: Any) -> set[tuple[str, str, str]]:
    return {r.key for r in report.rows if r.status is Status.DRIFT}


def _shape_of(model: dict[str, Any], operation: str, side: str, member: str) -> dict[str, Any]:
    structure = model["shapes"][model["operations"][operation][side]["shape"]]
    return dict(model["shapes"][structure["members"][member]["shape"]])


def test_the_installed_model_differs_from_schemas_only_where_drift_is_known(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _drift() == 0, capsys.readouterr().out


def test_project_identifier_and_the_model_arn_pattern_are_known_drift(model: dict[str, Any]) -> None:
    report = compare(contract(), model)
    member = _row(report, GET, "input.projectIdentifier", "member")
    assert member.status is Status.KNOWN and "page: absent" in member.note
    pattern = _row(report, GET, "output.models[].modelArn", "pattern")
    assert pattern.status is Status.KNOWN and "page: none" in pattern.note


def test_anchors_are_not_drift_but_every_pattern_is_compared(model: dict[str, Any]) -> None:
    report = compare(contract(), model)
    row = _row(report, GET, "input.inferenceProfileIdentifier", "pattern")
    assert row.status is Status.SAME
    assert not row.schemas.startswith("^") and not row.model.startswith("^")
    assert contract().schema("request.json", "/properties/inferenceProfileIdentifier")["pattern"].startswith("^")
    anchored = copy.deepcopy(model)
    shape = anchored["shapes"]["InferenceProfileId"]
    shape["pattern"] = "^" + shape["pattern"] + "$"
    assert _new(compare(contract(), anchored)) == _new(report)


def test_every_operation_member_and_error_of_get_is_compared(model: dict[str, Any]) -> None:
    report = compare(contract(), model)
    operations = {r.operation for r in report.rows}
    assert operations == {
        GET,
        "ListInferenceProfiles",
        "CreateInferenceProfile",
        "DeleteInferenceProfile",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    }
    members = {r.member for r in report.rows if r.operation == GET and r.aspect == "member"}
    response = contract().documents["response.json"]["properties"]
    assert {f"output.{m}" for m in response} <= members
    errors = {r.member.removeprefix("errors.") for r in report.rows if r.operation == GET and r.aspect == "error"}
    assert errors == set(contract().errors)


@pytest.mark.parametrize("as_gzip", [False, True])
def test_a_changed_bound_is_new_drift_and_exits_1(
    model: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], as_gzip: bool
) -> None:
    changed = copy.deepcopy(model)
    changed["shapes"]["InferenceProfileDescription"]["max"] = 300
    path = _write(tmp_path, changed, "service-2.json.gz" if as_gzip else "service-2.json")
    assert _drift("--model", path) == 1
    out = capsys.readouterr().out
    assert "DRIFT" in out and "output.description" in out and "maxLength" in out and "300" in out
    report = compare(contract(), changed)
    row = _row(report, GET, "output.description", "maxLength")
    assert (row.schemas, row.model, row.status) == ("200", "300", Status.DRIFT)


def test_a_new_enum_value_is_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    changed["shapes"]["InferenceProfileStatus"]["enum"].append("INACTIVE")
    report = compare(contract(), changed)
    assert (GET, "output.status", "enum") in _new(report)
    assert ("ListInferenceProfiles", "output.inferenceProfileSummaries[].status", "enum") in _new(report)


def test_a_changed_required_flag_or_new_member_is_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    output = changed["shapes"][changed["operations"][GET]["output"]["shape"]]
    output["required"].remove(contract().role("type"))
    output["members"]["tags"] = {"shape": "TagList"}
    new = _new(compare(contract(), changed))
    assert (GET, f"output.{contract().role('type')}", "required") in new
    assert (GET, "output.tags", "member") in new


def test_a_changed_error_status_is_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    changed["shapes"]["ThrottlingException"]["error"]["httpStatusCode"] = 400
    assert (GET, "errors.ThrottlingException", "status") in _new(compare(contract(), changed))


def test_known_drift_whose_model_value_changed_is_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    shape = _shape_of(changed, GET, "output", "models")
    item = changed["shapes"][shape["member"]["shape"]]
    changed["shapes"][item["members"]["modelArn"]["shape"]]["pattern"] = "arn:.*"
    row = _row(compare(contract(), changed), GET, "output.models[].modelArn", "pattern")
    assert row.status is Status.DRIFT and "changed since" in row.note


def test_a_model_without_project_identifier_is_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    request = changed["shapes"][changed["operations"][GET]["input"]["shape"]]
    del request["members"]["projectIdentifier"]
    row = _row(compare(contract(), changed), GET, "input.projectIdentifier", "member")
    assert (row.model, row.status) == ("absent", Status.DRIFT)


def test_known_drift_the_model_no_longer_has_is_stale_not_new(model: dict[str, Any], tmp_path: Path) -> None:
    for name in DOCUMENTS:
        shutil.copyfile(schemas_dir() / name, tmp_path / name)
    doc = json.loads((tmp_path / "drift.json").read_text())
    doc["x-known-drift"].append(
        {
            "operation": "TagResource",
            "member": "input.retiredMember",
            "aspect": "member",
            "page": "absent",
            "model": "present",
            "summary": "A member the model once had.",
            "source": "test",
        }
    )
    (tmp_path / "drift.json").write_text(json.dumps(doc))
    report = compare(load_contract(tmp_path), model)
    stale = [r for r in report.rows if r.status is Status.STALE]
    assert [(r.operation, r.member, r.aspect) for r in stale] == [("TagResource", "input.retiredMember", "member")]
    assert report.exit_code == compare(contract(), model).exit_code == 0


def test_a_schemas_change_is_drift_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in DOCUMENTS:
        shutil.copyfile(schemas_dir() / name, tmp_path / name)
    doc = json.loads((tmp_path / "response.json").read_text())
    doc["properties"]["inferenceProfileId"]["maxLength"] = 65
    (tmp_path / "response.json").write_text(json.dumps(doc))
    assert _drift("--schemas", str(tmp_path), "--format", "json") == 1
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {"operation": GET, "member": "output.inferenceProfileId", "aspect": "maxLength"}.items() <= next(
        r for r in rows if r["status"] == "DRIFT" and r["member"] == "output.inferenceProfileId"
    ).items()


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "cannot read model"), (b"{not json", "not a (gzipped) JSON"), (b"{}", "not a botocore service model")],
)
def test_a_bad_model_file_is_one_line_on_stderr_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, words: str
) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_bytes(content)
    assert _drift("--model", str(path)) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_markdown_and_all_rows(capsys: pytest.CaptureFixture[str]) -> None:
    _drift("--format", "markdown", "--all")
    out = capsys.readouterr().out
    assert out.startswith("# Model drift") and "| same |" in out and "| known |" in out


def test_drift_compares_the_model_boto3_would_load_from_aws_data_path(
    model: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = copy.deepcopy(model)
    changed["shapes"]["InferenceProfileDescription"]["max"] = 300
    folder = tmp_path / "data" / "bedrock" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(changed))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "data"))
    assert _drift() == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(f"(from {folder})")
    assert "DRIFT" in out and "output.description" in out and "300" in out


def test_a_profile_botocore_cannot_load_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    assert _drift() == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot load botocore's bedrock model:") and err.count("\n") == 1


# ------------------------------------------------------------------------------------------------ the family
FAMILY_ERRORS = {
    "CreateInferenceProfile": {
        "ResourceNotFoundException": 404,
        "AccessDeniedException": 403,
        "ValidationException": 400,
        "ConflictException": 400,
        "InternalServerException": 500,
        "TooManyTagsException": 400,
        "ServiceQuotaExceededException": 400,
        "ThrottlingException": 429,
    },
    "DeleteInferenceProfile": {
        "ResourceNotFoundException": 404,
        "AccessDeniedException": 403,
        "ValidationException": 400,
        "ConflictException": 400,
        "InternalServerException": 500,
        "ThrottlingException": 429,
    },
    "TagResource": {
        "ResourceNotFoundException": 404,
        "AccessDeniedException": 403,
        "ValidationException": 400,
        "InternalServerException": 500,
        "TooManyTagsException": 400,
        "ThrottlingException": 429,
    },
    "UntagResource": {
        "ResourceNotFoundException": 404,
        "AccessDeniedException": 403,
        "ValidationException": 400,
        "InternalServerException": 500,
        "ThrottlingException": 429,
    },
    "ListTagsForResource": {
        "ResourceNotFoundException": 404,
        "AccessDeniedException": 403,
        "ValidationException": 400,
        "InternalServerException": 500,
        "ThrottlingException": 429,
    },
}


@pytest.mark.parametrize("operation", sorted(FAMILY_ERRORS))
def test_each_family_operation_lists_exactly_its_modelled_errors_with_their_statuses(
    model: dict[str, Any], operation: str
) -> None:
    report = compare(contract(), model)
    present = {
        r.member.removeprefix("errors.") for r in report.rows if r.operation == operation and r.aspect == "error"
    }
    assert present == set(FAMILY_ERRORS[operation])
    for name, status in FAMILY_ERRORS[operation].items():
        row = _row(report, operation, f"errors.{name}", "status")
        assert (row.schemas, row.model, row.status) == (str(status), str(status), Status.SAME)
        assert _row(report, operation, f"errors.{name}", "fault").schemas == ("server" if status == 500 else "client")


def test_an_error_the_model_adds_to_a_family_operation_is_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    changed["operations"]["UntagResource"]["errors"].append({"shape": "TooManyTagsException"})
    row = _row(compare(contract(), changed), "UntagResource", "errors.TooManyTagsException", "error")
    assert (row.schemas, row.model, row.status) == ("absent", "present", Status.DRIFT)


def test_the_idempotency_token_is_compared(model: dict[str, Any]) -> None:
    row = _row(compare(contract(), model), "CreateInferenceProfile", "input.clientRequestToken", "idempotencyToken")
    assert (row.schemas, row.model, row.status) == ("yes", "yes", Status.SAME)
    changed = copy.deepcopy(model)
    request = changed["shapes"][changed["operations"]["CreateInferenceProfile"]["input"]["shape"]]
    del request["members"]["clientRequestToken"]["idempotencyToken"]
    row = _row(compare(contract(), changed), "CreateInferenceProfile", "input.clientRequestToken", "idempotencyToken")
    assert (row.schemas, row.model, row.status) == ("yes", "no", Status.DRIFT)


@pytest.mark.parametrize(
    ("operation", "member", "aspect", "value"),
    [
        ("TagResource", "http", "path", "/tagResource"),
        ("UntagResource", "http", "path", "/untagResource"),
        ("ListTagsForResource", "http", "path", "/listTagsForResource"),
        ("TagResource", "http", "method", "POST"),
        ("TagResource", "input.resourceARN", "minLength", "20"),
        ("TagResource", "input.resourceARN", "maxLength", "1011"),
        ("TagResource", "input.resourceARN", "location", "body"),
        ("TagResource", "input.tags", "maxItems", "200"),
        ("TagResource", "input.tags[].key", "maxLength", "128"),
        ("TagResource", "input.tags[].value", "maxLength", "256"),
        ("TagResource", "input.tags[].value", "minLength", "0"),
        ("UntagResource", "input.tagKeys", "maxItems", "200"),
        ("UntagResource", "input.tagKeys", "required", "yes"),
        ("ListTagsForResource", "output.tags[].key", "minLength", "1"),
        ("DeleteInferenceProfile", "input.inferenceProfileIdentifier", "location", "uri"),
        ("CreateInferenceProfile", "http", "status", "201"),
    ],
)
def test_family_facts_agree_with_the_model(
    model: dict[str, Any], operation: str, member: str, aspect: str, value: str
) -> None:
    row = _row(compare(contract(), model), operation, member, aspect)
    assert (row.schemas, row.model, row.status) == (value, value, Status.SAME)


def test_the_tagging_resource_arn_pattern_is_the_models_verbatim(model: dict[str, Any]) -> None:
    row = _row(compare(contract(), model), "TagResource", "input.resourceARN", "pattern")
    assert row.status is Status.SAME
    assert row.schemas.startswith(".*(^[a-zA-Z0-9][a-zA-Z0-9\\-]*$)|(^arn:aws(-[^:]+)?:bedrock:")
    assert row.schemas.endswith("custom-model-deployment)/[a-z0-9]{12}$))).*")
