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

from bedrock_conformance._schemas import DOCUMENTS, contract, schemas_dir
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
    assert operations == {GET, "ListInferenceProfiles", "CreateInferenceProfile", "DeleteInferenceProfile"}
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


def test_known_drift_the_model_no_longer_has_is_stale_not_new(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    create = changed["operations"]["CreateInferenceProfile"]
    create["errors"] = [e for e in create["errors"] if e["shape"] != "TooManyTagsException"]
    report = compare(contract(), changed)
    stale = [r for r in report.rows if r.status is Status.STALE]
    assert [r.member for r in stale] == ["errors.TooManyTagsException"]
    assert report.exit_code == compare(contract(), model).exit_code


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
