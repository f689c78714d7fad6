"""Drift paths no other test takes: an operation or an output one side lacks, a service error the model adds, a
pattern the model drops or ends with an escaped '$', a model of the wrong shape, and Markdown without --all.

Expected rows are restated from the service model and schemas/ by hand: (operation, member, aspect, schemas/, model).
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import Loader

from bedrock_conformance._schemas import DOCUMENTS, contract, load_contract, schemas_dir
from bedrock_conformance.drift import Status, add_drift_arguments, compare, render_markdown, run_drift

# GetInferenceProfile's identifier pattern on the page (and in the model), unanchored.
IDENTIFIER = "(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+"  # noqa: E501


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return dict(Loader().load_service_model("bedrock", "service-2"))


def _rows(report: Any, operation: str, member: str) -> list[tuple[str, str, str, str]]:
    return [
        (r.aspect, r.schemas, r.model, str(r.status))
        for r in report.rows
        if (r.operation, r.member) == (operation, member)
    ]


def _drift(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_drift_arguments(parser)
    return run_drift(parser.parse_args(list(argv)))


def test_an_operation_the_model_lacks_is_one_row_of_new_drift(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    del changed["operations"]["ListTagsForResource"]
    report = compare(contract(), changed)
    rows = [(r.member, r.aspect, r.schemas, r.model, str(r.status)) for r in report.rows]
    assert [row for row, r in zip(rows, report.rows, strict=True) if r.operation == "ListTagsForResource"] == [
        ("operation", "member", "present", "absent", "DRIFT")
    ]


def test_an_output_one_side_lacks_is_drift_and_none_on_either_side_is_nothing(
    model: dict[str, Any], tmp_path: Path
) -> None:
    for name in DOCUMENTS:
        shutil.copyfile(schemas_dir() / name, tmp_path / name)
    drift = json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))
    for operation in ("DeleteInferenceProfile", "TagResource"):
        del drift["x-operations"][operation]["output"]  # schemas/ no longer describes their answers
    (tmp_path / "drift.json").write_text(json.dumps(drift), encoding="utf-8")
    changed = copy.deepcopy(model)
    changed["shapes"]["DeleteInferenceProfileResponse"]["members"] = {"status": {"shape": "InferenceProfileStatus"}}
    del changed["operations"]["TagResource"]["output"]
    del changed["operations"]["UntagResource"]["output"]
    report = compare(load_contract(tmp_path), changed)
    assert _rows(report, "DeleteInferenceProfile", "output.status") == [("member", "absent", "present", "DRIFT")]
    assert not [r for r in report.rows if r.operation == "TagResource" and r.member.startswith("output")]
    assert _rows(report, "UntagResource", "output") == [("member", "present", "absent", "DRIFT")]


def test_a_service_error_the_model_adds_to_list_is_compared_without_a_fault(model: dict[str, Any]) -> None:
    changed = copy.deepcopy(model)
    changed["operations"]["ListInferenceProfiles"]["errors"].append({"shape": "UnknownOperationException"})
    changed["shapes"]["UnknownOperationException"] = {
        "type": "structure",
        "members": {"message": {"shape": "NonBlankString"}},
        "error": {"httpStatusCode": 404, "senderFault": True},
        "exception": True,
    }
    report = compare(contract(), changed)
    # errors.json: UnknownOperationException, 404, no x-fault; an error body's one member is message.
    assert _rows(report, "ListInferenceProfiles", "errors.UnknownOperationException") == [
        ("error", "present", "present", "same"),
        ("status", "404", "404", "same"),
        ("members", "message", "message", "same"),
    ]


def test_a_pattern_the_model_drops_or_ends_with_a_literal_dollar_is_new_drift(model: dict[str, Any]) -> None:
    member = "input.inferenceProfileIdentifier"
    dropped = copy.deepcopy(model)
    del dropped["shapes"]["InferenceProfileIdentifier"]["pattern"]
    assert _rows(compare(contract(), dropped), "GetInferenceProfile", member)[-1] == (
        "pattern",
        IDENTIFIER,
        "none",
        "DRIFT",
    )
    dollar = copy.deepcopy(model)
    dollar["shapes"]["InferenceProfileIdentifier"]["pattern"] = "^" + IDENTIFIER + "\\$"  # ends with a literal $
    assert _rows(compare(contract(), dollar), "GetInferenceProfile", member)[-1] == (
        "pattern",
        IDENTIFIER,
        IDENTIFIER + "\\$",
        "DRIFT",
    )


def test_a_model_of_the_wrong_shape_is_one_line_and_exit_2(
    model: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = copy.deepcopy(model)
    changed["operations"]["GetInferenceProfile"]["input"] = {"shape": "NoSuchShape"}
    path = tmp_path / "service-2.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert _drift("--model", str(path)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: the model does not have the shape drift.json expects (KeyError: 'NoSuchShape')\n"


def test_markdown_without_all_lists_only_what_differs(model: dict[str, Any]) -> None:
    markdown = render_markdown(compare(contract(), model))
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and not line.startswith("| Status")]
    # drift.json's four known differences, and nothing the two sides agree on.
    assert [row.split(" | ")[:4] for row in rows] == [
        ["| known", "GetInferenceProfile", "`input.projectIdentifier`", "member"],
        ["| known", "GetInferenceProfile", "`output.models[].modelArn`", "pattern"],
        ["| known", "CreateInferenceProfile", "`errors.TooManyTagsException`", "members"],
        ["| known", "TagResource", "`errors.TooManyTagsException`", "members"],
    ]
    assert Status.SAME.value == "same"
