from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance.cli import main


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_a_saved_get_response_shows_every_clause_and_exits_0(
    tmp_path: Path, published_records: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    body = published_records[13]["body"]
    assert main(["validate", _write(tmp_path, "r.json", body)]) == 0
    out = capsys.readouterr().out
    assert "deviation response.inferenceProfileName.pattern" in out
    assert "pass      response.models.maxItems" in out
    assert out.count("\n  ") >= 38


def test_strict_fails_on_a_deviation(tmp_path: Path, published_records: list[dict[str, Any]]) -> None:
    body = published_records[13]["body"]
    assert main(["validate", "--strict", _write(tmp_path, "r.json", body)]) == 1


def test_a_list_page_and_a_json_list_are_accepted(
    tmp_path: Path, published_records: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    page = {"inferenceProfileSummaries": [r["body"] for r in published_records if r.get("body")][:3]}
    both = [page, published_records[0]["body"]]
    assert main(["validate", "--format", "json", _write(tmp_path, "l.json", both)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["kind"] for d in doc["documents"]] == ["ListInferenceProfiles page", "GetInferenceProfile response"]
    assert doc["summary"]["fail"] == 0 and doc["summary"]["deviation"] > 0


def test_a_broken_body_exits_1_and_names_the_clause(
    tmp_path: Path, published_records: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    body = {**published_records[0]["body"], "status": "DELETING"}
    assert main(["validate", _write(tmp_path, "r.json", body)]) == 1
    assert "fail      response.status.enum" in capsys.readouterr().out


def test_description_is_redacted_in_output_unless_asked(
    tmp_path: Path, published_records: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    body = {**published_records[0]["body"], "description": "top secret & private"}
    path = _write(tmp_path, "r.json", body)
    main(["validate", path])
    assert "top secret" not in capsys.readouterr().out
    main(["validate", "--show-sensitive", path])
    assert "top secret" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{not json", "not JSON"), (None, "cannot read"), (b"\xff\xfe\x00", "not UTF-8")],
)
def test_unreadable_input_is_one_line_and_exit_2(
    tmp_path: Path, content: Any, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_wrong_flag_is_one_line_after_the_usage_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--nope", "x.json"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("usage: bedrock-conformance validate ")
    assert lines[1] == "error: bedrock-conformance validate: unrecognized arguments: --nope"
