"""`cassettes check` re-judges the answers of GetInferenceProfile's siblings recorded in hand-written cassettes.

The clauses expected are restated from the service model: CreateInferenceProfile answers an inferenceProfileArn of
arn:aws(...):bedrock:...:(inference-profile|application-inference-profile)/...; ListTagsForResource answers tags whose
keys are at most 128 characters; every error carries a type (x-amzn-ErrorType, or code/Code/__type in the body).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance.cli import main

HOST = "http://mock.bedrock-conformance.invalid"
ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefghij12"
SOURCE = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
HEAD = """version: 1
metadata:
  bedrock_conformance:
    format: 1
    target: mock
    target_kind: mock
    region: us-east-1
    group: family
interactions:
"""


def _interaction(method: str, path: str, status: int, answer: Any, request: Any = "", type_header: str = "") -> str:
    body = json.dumps(request) if request != "" else ""
    headers = f"\n      x-amzn-ErrorType:\n      - {type_header}" if type_header else ""
    return f"""- request:
    method: {method}
    uri: {HOST}{path}
    body:
      string: {json.dumps(body)}
    headers:
      Content-Type:
      - application/json
  response:
    status:
      code: {status}
      message: ''
    headers:
      Content-Type:
      - application/json{headers}
    body:
      string: {json.dumps(json.dumps(answer))}
"""


def _check(tmp_path: Path, *interactions: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    directory = tmp_path / "set"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    (directory / "family.yaml").write_text(HEAD + "".join(interactions), encoding="utf-8")
    code = main(["cassettes", "check", str(directory)])
    return code, capsys.readouterr().out.splitlines()


CREATE = {"inferenceProfileName": "bc-test", "modelSource": {"copyFrom": SOURCE}}
TAGGED = {"resourceARN": ARN}


@pytest.mark.parametrize(
    ("interaction", "clause"),
    [
        (
            _interaction("POST", "/inference-profiles", 201, {"inferenceProfileArn": "arn:aws:s3:::bucket"}, CREATE),
            "CreateInferenceProfile:response.inferenceProfileArn.pattern",
        ),
        (
            _interaction("POST", "/inference-profiles", 201, {"status": "ACTIVE"}, CREATE),
            "CreateInferenceProfile:response.inferenceProfileArn.required",
        ),
        (
            _interaction(
                "POST", "/inference-profiles", 201, {"inferenceProfileArn": ARN, "status": "CREATING"}, CREATE
            ),
            "CreateInferenceProfile:response.status.enum",
        ),
        (
            _interaction("POST", "/listTagsForResource", 200, {"tags": [{"key": "k" * 129, "value": "v"}]}, TAGGED),
            "ListTagsForResource:response.tags.key.maxLength",
        ),
        (
            _interaction("POST", "/listTagsForResource", 200, {"tags": [{"key": "k"}]}, TAGGED),
            "ListTagsForResource:response.tags.value.required",
        ),
        (
            _interaction("POST", "/tagResource", 404, {"message": "no such resource"}, {**TAGGED, "tags": []}),
            "error.errorType.required",
        ),
        (
            _interaction(
                "DELETE",
                f"/inference-profiles/{ARN.replace(':', '%3A').replace('/', '%2F')}",
                404,
                {},
                type_header="ResourceNotFoundException",
            ),
            "error.message.required",
        ),
    ],
)
def test_a_sibling_answer_that_breaks_a_clause_is_a_problem_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], interaction: str, clause: str
) -> None:
    code, out = _check(tmp_path, interaction, capsys=capsys)
    assert code == 1
    problems = [line for line in out if ": interaction 0 " in line]
    assert len(problems) == 1 and f"): {clause}: " in problems[0], out
    assert out[-1].startswith("1 problems; ")


@pytest.mark.parametrize(
    ("interaction", "checks"),
    [
        (_interaction("POST", "/inference-profiles", 201, {"inferenceProfileArn": ARN, "status": "ACTIVE"}, CREATE), 8),
        (_interaction("POST", "/inference-profiles", 201, {"inferenceProfileArn": ARN}, CREATE), 6),
        # A tag list of two tags: the body, the list (type, minItems, maxItems), and per tag its type and both
        # members' required, type, minLength, maxLength and pattern.
        (
            _interaction(
                "POST",
                "/listTagsForResource",
                200,
                {"tags": [{"key": "project", "value": "bc"}, {"key": "a b", "value": ""}]},
                TAGGED,
            ),
            4 + 2 * 11,
        ),
        (_interaction("POST", "/listTagsForResource", 200, {"tags": []}, TAGGED), 4),
        # Delete, TagResource and UntagResource answer no members: nothing to judge in their successes.
        (_interaction("DELETE", "/inference-profiles/abcdefghij12", 200, {}), 0),
        (_interaction("POST", "/tagResource", 200, {}, {**TAGGED, "tags": [{"key": "k", "value": "v"}]}), 0),
        (_interaction("POST", "/untagResource", 200, {}, {**TAGGED, "tagKeys": ["k"]}), 0),
    ],
)
def test_a_sibling_answer_that_keeps_its_clauses_is_judged_and_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], interaction: str, checks: int
) -> None:
    code, out = _check(tmp_path, interaction, capsys=capsys)
    assert (code, out) == (0, [f"0 problems; {checks} clause checks of recorded answers"])


def test_a_broken_and_a_kept_sibling_answer_side_by_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = _interaction("POST", "/listTagsForResource", 200, {"tags": [{"key": "k" * 128, "value": "v"}]}, TAGGED)
    broken = _interaction("POST", "/listTagsForResource", 200, {"tags": [{"key": "k" * 129, "value": "v"}]}, TAGGED)
    code, out = _check(tmp_path, kept, broken, capsys=capsys)
    assert code == 1
    assert [line.split(": ", 2)[1] for line in out[:-1]] == ["interaction 1 (POST /listTagsForResource)"]
    assert "ListTagsForResource:response.tags.key.maxLength: /tags/0/key: length 129 is above the maximum 128" in out[0]


def test_a_corrupt_sibling_interaction_is_one_problem_line_and_one_line_exit_2_in_a_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = _interaction("POST", "/inference-profiles", 201, {"inferenceProfileArn": ARN}, CREATE).replace(
        f"uri: {HOST}/inference-profiles", "uri: http://[mock/inference-profiles"
    )
    code, out = _check(tmp_path, corrupt, capsys=capsys)
    path = tmp_path / "set" / "family.yaml"
    assert code == 1
    assert out == [
        f"{path}: interaction 0 is corrupt (ValueError: Invalid IPv6 URL)",
        "1 problems; 0 clause checks of recorded answers",
    ]
    assert main(["run", "--quiet", "--target", f"replay:{tmp_path / 'set'}"]) == 2
    _, err = capsys.readouterr()
    assert err == f"error: {path}: interaction 0 is corrupt (ValueError: Invalid IPv6 URL)\n"
    # An interaction whose headers are no mapping is as corrupt, and as plainly said.
    headers = _interaction("DELETE", "/inference-profiles/abcdefghij12", 200, {}).replace(
        "    headers:\n      Content-Type:\n      - application/json\n  response", "    headers: 7\n  response", 1
    )
    code, out = _check(tmp_path, headers, capsys=capsys)
    assert code == 1 and out[0].startswith(f"{path}: interaction 0 is corrupt (AttributeError: ")
