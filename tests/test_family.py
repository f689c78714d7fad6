"""ListInferenceProfiles's request clauses: operation-prefixed ids, the page's numbers, and what the family suite sends.

The ListInferenceProfiles API reference: maxResults has "Valid Range: Minimum value of 1. Maximum value of 1000.";
nextToken has "Length Constraints: Minimum length of 1. Maximum length of 2048. Pattern: \\S*"; typeEquals has
"Valid Values: SYSTEM_DEFINED | APPLICATION". Restated here, never read from the code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from bedrock_conformance._schemas import SchemaError, contract, load_contract, schemas_dir
from bedrock_conformance.exercises import list_request_clause_ids, request_clause_ids

ROOT = Path(__file__).resolve().parent.parent
LIST_CLAUSES = {
    "ListInferenceProfiles:request.maxResults.minimum": ("maxResults", "minimum", 1),
    "ListInferenceProfiles:request.maxResults.maximum": ("maxResults", "maximum", 1000),
    "ListInferenceProfiles:request.nextToken.minLength": ("nextToken", "minLength", 1),
    "ListInferenceProfiles:request.nextToken.maxLength": ("nextToken", "maxLength", 2048),
    "ListInferenceProfiles:request.nextToken.pattern": ("nextToken", "pattern", "^\\S*$"),
    "ListInferenceProfiles:request.typeEquals.enum": ("typeEquals", "enum", ["SYSTEM_DEFINED", "APPLICATION"]),
}
GET_REQUEST = [
    "request.inferenceProfileIdentifier.minLength",
    "request.inferenceProfileIdentifier.maxLength",
    "request.inferenceProfileIdentifier.pattern",
    "request.projectIdentifier.minLength",
    "request.projectIdentifier.maxLength",
    "request.projectIdentifier.pattern",
]


@pytest.mark.parametrize("clause_id", sorted(LIST_CLAUSES))
def test_list_clauses_parse_after_their_prefix(clause_id: str) -> None:
    member, constraint, value = LIST_CLAUSES[clause_id]
    clause = contract().clause(clause_id)
    assert (clause.operation, clause.part, clause.member, clause.constraint) == (
        "ListInferenceProfiles",
        "request",
        member,
        constraint,
    )
    assert clause.value == value and clause.source == "page"
    assert str(value if not isinstance(value, list) else value[0]) in clause.spec


def test_get_inference_profile_keeps_its_unprefixed_clauses() -> None:
    assert request_clause_ids() == GET_REQUEST
    assert all(contract().clause(c).operation == "GetInferenceProfile" for c in GET_REQUEST)
    assert set(list_request_clause_ids()) == set(LIST_CLAUSES)
    # The page's operation's clauses come first, as the reports list them.
    ids = list(contract().clauses)
    assert max(ids.index(c) for c in ids if ":" not in c) < min(ids.index(c) for c in LIST_CLAUSES)


def test_the_loader_refuses_a_prefix_that_names_no_operation(tmp_path: Path) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), copy)
    path = copy / "operations.json"
    text = path.read_text(encoding="utf-8").replace(
        "ListInferenceProfiles:request.maxResults.maximum", "ListInferenceProfile:request.maxResults.maximum"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match="ListInferenceProfile'"):
        load_contract(copy)


def _family_cassette() -> list[tuple[dict[str, str], int, str | None]]:
    data = yaml.safe_load((ROOT / "cassettes" / "mock" / "family.yaml").read_text(encoding="utf-8"))
    out = []
    for interaction in data["interactions"]:
        query = dict(parse_qsl(urlsplit(interaction["request"]["uri"]).query, keep_blank_values=True))
        response = interaction["response"]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        kind = headers.get("x-amzn-errortype", [None])[0]
        out.append((query, response["status"]["code"], kind and kind.split(":", 1)[0]))
    return out


def test_the_family_suite_sends_max_results_0_1_1000_and_1001() -> None:
    answers = {q["maxResults"]: (code, kind) for q, code, kind in _family_cassette() if set(q) == {"maxResults"}}
    assert answers["0"] == (400, "ValidationException")
    assert answers["1001"] == (400, "ValidationException")
    assert answers["1"][0] == 200 and answers["1000"][0] == 200


def test_the_family_suite_sends_tokens_and_types_that_break_the_page() -> None:
    sent = _family_cassette()
    tokens = {q["nextToken"]: (code, kind) for q, code, kind in sent if set(q) == {"nextToken"}}
    assert tokens[""] == (400, "ValidationException")
    assert tokens["A" * 2049] == (400, "ValidationException")
    assert tokens["a b"] == (400, "ValidationException")
    issued = [t for t in tokens if t and len(t) <= 2048 and not any(c.isspace() for c in t)]
    assert issued and all(tokens[t][0] == 200 for t in issued)
    types = {q["type"]: (code, kind) for q, code, kind in sent if set(q) == {"type"}}
    assert types["SYSTEM_DEFINED"][0] == 200 and types["APPLICATION"][0] == 200
    outside = [t for t in types if t not in ("SYSTEM_DEFINED", "APPLICATION")]
    assert outside and all(types[t] == (400, "ValidationException") for t in outside)


def test_the_report_carries_each_clause_operation() -> None:
    # The JSON report's clause entries name their operation: checked on a report built from no results.
    from bedrock_conformance._engine import Recorder, RunConfig
    from bedrock_conformance.report import build_report, render_markdown

    report = build_report(Recorder(), RunConfig(), "mock")
    operations = {c["id"]: c["operation"] for c in report["clauses"]}
    assert all(operations[c] == "ListInferenceProfiles" for c in LIST_CLAUSES)
    assert all(operations[c] == "GetInferenceProfile" for c in GET_REQUEST)
    json.dumps(report)
    markdown = render_markdown(report)
    matrix = markdown.split("## Operations", 1)[1].split("## Clauses", 1)[0]
    rows = [line for line in matrix.splitlines() if line.startswith("| ") and "Operation" not in line]
    assert [r.split("|")[1].strip() for r in rows] == [
        "GetInferenceProfile",
        "ListInferenceProfiles",
        "CreateInferenceProfile",
        "ListTagsForResource",
        "DeleteInferenceProfile",
    ]
