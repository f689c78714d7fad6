"""`bedrock-conformance validate` on saved CreateInferenceProfile and ListTagsForResource answers.

Every expectation is restated by hand from the service model (botocore bedrock 2023-04-20): InferenceProfileArn is
1 to 2048 characters of arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):
(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+ and required in CreateInferenceProfileResponse;
InferenceProfileStatus is ACTIVE; a TagList holds at most 200 Tags; a TagKey is 1 to 128 characters, a TagValue 0 to
256, both of [a-zA-Z0-9\\s._:/=+@-]; a Tag requires both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance.cli import main

ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefghij12"
ARN_PREFIX = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/"
CREATED = {"inferenceProfileArn": ARN, "status": "ACTIVE"}
TAGS = {"tags": [{"key": "project", "value": "bc-test"}, {"key": "a:b/c=d+e@f.g_h-i", "value": ""}]}
C = "CreateInferenceProfile:response."
L = "ListTagsForResource:response."


def _validate(tmp_path: Path, body: Any, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, dict]:
    path = tmp_path / "answer.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    code = main(["validate", "--format", "json", *flags, str(path)])
    return code, json.loads(capsys.readouterr().out)


def _failing(doc: dict) -> set[str]:
    return {cid for d in doc["documents"] for cid, outcome in d["clauses"].items() if outcome == "fail"}


def test_a_valid_create_answer_passes_every_clause_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = _validate(tmp_path, CREATED, capsys)
    assert code == 0
    [document] = doc["documents"]
    assert document["kind"] == "CreateInferenceProfile answer"
    assert document["clauses"] == {
        f"{C}body.type": "pass",
        f"{C}inferenceProfileArn.required": "pass",
        f"{C}inferenceProfileArn.type": "pass",
        f"{C}inferenceProfileArn.minLength": "pass",
        f"{C}inferenceProfileArn.maxLength": "pass",
        f"{C}inferenceProfileArn.pattern": "pass",
        f"{C}status.type": "pass",
        f"{C}status.enum": "pass",
    }


@pytest.mark.parametrize(
    ("body", "broken"),
    [
        ({"status": "ACTIVE"}, {"inferenceProfileArn.required"}),
        ({"inferenceProfileArn": 12, "status": "ACTIVE"}, {"inferenceProfileArn.type"}),
        (
            {"inferenceProfileArn": "", "status": "ACTIVE"},
            {"inferenceProfileArn.minLength", "inferenceProfileArn.pattern"},
        ),
        ({"inferenceProfileArn": ARN_PREFIX + "a" * (2049 - len(ARN_PREFIX))}, {"inferenceProfileArn.maxLength"}),
        ({"inferenceProfileArn": "arn:aws:s3:::bucket"}, {"inferenceProfileArn.pattern"}),
        ({"inferenceProfileArn": ARN_PREFIX + "ab cd"}, {"inferenceProfileArn.pattern"}),
        ({"inferenceProfileArn": ARN + "\n"}, {"inferenceProfileArn.pattern"}),
        ({"inferenceProfileArn": ARN.replace("application-", "custom-")}, {"inferenceProfileArn.pattern"}),
        ({"inferenceProfileArn": ARN, "status": "DELETING"}, {"status.enum"}),
        ({"inferenceProfileArn": ARN, "status": 1}, {"status.type"}),
    ],
)
def test_a_create_answer_broken_one_way_fails_that_clause_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: dict, broken: set[str]
) -> None:
    code, doc = _validate(tmp_path, body, capsys)
    assert code == 1
    assert doc["documents"][0]["kind"] == "CreateInferenceProfile answer"
    assert _failing(doc) == {C + b for b in broken}


@pytest.mark.parametrize(
    "arn",
    [
        ARN_PREFIX + "a" * (2048 - len(ARN_PREFIX)),
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:application-inference-profile/x",
        "arn:aws:bedrock:::inference-profile/x",
    ],
)
def test_create_answers_the_model_allows_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str], arn: str) -> None:
    code, doc = _validate(tmp_path, {"inferenceProfileArn": arn}, capsys)
    assert (code, _failing(doc)) == (0, set())


def test_a_valid_list_tags_answer_passes_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _validate(tmp_path, TAGS, capsys)
    assert code == 0
    [document] = doc["documents"]
    assert document["kind"] == "ListTagsForResource answer"
    expected = {"body.type", "tags.type", "tags.minItems", "tags.maxItems", "tags.items.type"}
    expected |= {f"tags.{m}.{k}" for m in ("key", "value") for k in ("required", "type", "minLength", "maxLength")}
    expected |= {"tags.key.pattern", "tags.value.pattern"}
    assert document["clauses"] == {L + e: "pass" for e in expected}


def _tag(key: Any = "k", value: Any = "v") -> dict[str, Any]:
    return {"key": key, "value": value}


@pytest.mark.parametrize(
    ("tags", "broken"),
    [
        ([_tag(f"k{i}") for i in range(201)], {"tags.maxItems"}),
        ([_tag("k" * 129)], {"tags.key.maxLength"}),
        ([_tag("")], {"tags.key.minLength"}),
        ([_tag("a#b")], {"tags.key.pattern"}),
        ([_tag("caf\u00e9")], {"tags.key.pattern"}),
        ([_tag(5)], {"tags.key.type"}),
        ([{"value": "v"}], {"tags.key.required"}),
        ([_tag(value="v" * 257)], {"tags.value.maxLength"}),
        ([_tag(value="50%")], {"tags.value.pattern"}),
        ([_tag(value=None)], {"tags.value.type"}),
        ([{"key": "k"}], {"tags.value.required"}),
        ([1], {"tags.items.type"}),
        ("k=v", {"tags.type"}),
    ],
)
def test_a_list_tags_answer_broken_one_way_fails_that_clause_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tags: Any, broken: set[str]
) -> None:
    code, doc = _validate(tmp_path, {"tags": tags}, capsys)
    assert code == 1
    assert _failing(doc) == {L + b for b in broken}


@pytest.mark.parametrize(
    "tags",
    [
        [],
        [_tag(f"k{i}") for i in range(200)],
        [_tag("k" * 128, "v" * 256)],
        [_tag("tab\there", "")],
        [_tag("a:b/c=d+e@f.g_h-i", " ")],
    ],
)
def test_list_tags_answers_the_model_allows_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tags: list
) -> None:
    code, doc = _validate(tmp_path, {"tags": tags}, capsys)
    assert (code, _failing(doc)) == (0, set())


def test_an_empty_tag_list_skips_the_tag_clauses_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc = _validate(tmp_path, {"tags": []}, capsys)
    skips = doc["documents"][0]["skips"]
    assert skips[f"{L}tags.key.maxLength"] == "no tags.key value here is of the type this check applies to"
    _, doc = _validate(tmp_path, {"inferenceProfileArn": ARN}, capsys)
    assert doc["documents"][0]["skips"] == {
        f"{C}status.type": "status is absent from this document",
        f"{C}status.enum": "status is absent from this document",
    }


@pytest.mark.parametrize(
    ("operation", "clause"),
    [("CreateInferenceProfile", f"{C}body.type"), ("ListTagsForResource", f"{L}body.type")],
)
def test_with_operation_a_body_that_is_no_object_fails_the_answers_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], operation: str, clause: str
) -> None:
    code, doc = _validate(tmp_path, '"ACTIVE"', capsys, "--operation", operation)
    assert code == 1 and _failing(doc) == {clause}


def test_the_kind_follows_the_members_and_operation_overrides_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = {
        "inferenceProfileName": "p",
        "inferenceProfileArn": ARN,
        "inferenceProfileId": "abcdefghij12",
        "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
        "status": "ACTIVE",
        "type": "APPLICATION",
    }
    documents = [profile, {"inferenceProfileSummaries": [profile]}, CREATED, TAGS, {"nextToken": "abc"}]
    code, doc = _validate(tmp_path, documents, capsys)
    assert code == 0
    assert [d["kind"] for d in doc["documents"]] == [
        "GetInferenceProfile response",
        "ListInferenceProfiles page",
        "CreateInferenceProfile answer",
        "ListTagsForResource answer",
        "ListInferenceProfiles page",
    ]
    # The same Create answer named a Get body: Get's required members are missing.
    code, doc = _validate(tmp_path, CREATED, capsys, "--operation", "GetInferenceProfile")
    assert code == 1 and doc["documents"][0]["kind"] == "GetInferenceProfile response"
    assert "response.inferenceProfileName.required" in _failing(doc)


@pytest.mark.parametrize("body", [{}, {"foo": 1}, {"Tags": []}])
def test_an_object_matching_no_answer_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: dict
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(body))
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {path} matches no answer: ") and err.rstrip().endswith("name one with --operation")


def test_an_unknown_operation_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(CREATED))
    assert main(["validate", "--operation", "DeleteInferenceProfile", str(path)]) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("error: bedrock-conformance validate: argument")


def test_text_output_names_the_answer_and_the_failing_clause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"tags": [_tag("k" * 129)]}))
    assert main(["validate", "--failures-only", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: ListTagsForResource answer"
    assert out[1].split() == ["fail", f"{L}tags.key.maxLength"]
    assert out[2].split(": ", 1) == ["            /tags/0/key", "length 129 is above the maximum 128"]


@pytest.mark.parametrize(
    ("clause", "classname"),
    [
        ("request.inferenceProfileIdentifier.pattern", "bedrock_conformance.request"),
        ("ListInferenceProfiles:request.maxResults.maximum", "bedrock_conformance.ListInferenceProfiles.request"),
        ("CreateInferenceProfile:response.status.enum", "bedrock_conformance.CreateInferenceProfile.response"),
        ("ListTagsForResource:response.tags.key.maxLength", "bedrock_conformance.ListTagsForResource.response"),
    ],
)
def test_junit_classnames_name_a_sibling_clauses_operation(tmp_path: Path, clause: str, classname: str) -> None:
    import xml.etree.ElementTree as ET

    from bedrock_conformance.report import annotate_junit

    path = tmp_path / "j.xml"
    path.write_text(f'<testsuite><testcase classname="suites.test_x" name="test_x[{clause}]"/></testsuite>')
    report = {
        "clauses": [{"id": clause, "outcome": "skip"}],
        "tool": {"version": "0"},
        "target": "mock",
        "seed": 1,
        "contract": {"digest": "sha256:0"},
        "requests": 0,
        "complete": True,
        "summary": {"pass": 0, "fail": 0, "deviation": 0, "skip": 1},
    }
    annotate_junit(str(path), report)
    [case] = ET.parse(path).getroot().iter("testcase")
    assert case.get("classname") == classname
