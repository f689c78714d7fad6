from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from bedrock_conformance._schemas import DOCUMENTS, PARTS, contract, load_contract, schemas_dir

SRC = Path(__import__("bedrock_conformance").__file__).parent


def test_every_document_is_a_valid_2020_12_schema_with_its_own_id() -> None:
    ids = set()
    for name in DOCUMENTS:
        doc = json.loads((schemas_dir() / name).read_text())
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(doc)
        ids.add(doc["$id"])
    assert len(ids) == len(DOCUMENTS)


def test_clause_ids_name_part_member_and_constraint() -> None:
    for clause in contract().clauses.values():
        assert clause.part in PARTS
        assert clause.member and clause.constraint
        assert "{value}" not in clause.spec, clause.id


def test_keyword_clauses_name_the_keyword_they_annotate() -> None:
    for clause in contract().clauses.values():
        if clause.keyword.startswith("x-") or clause.keyword in ("required", "additionalProperties"):
            continue
        if clause.document in ("request.json", "response.json"):
            assert clause.constraint == clause.keyword, clause.id
            assert clause.value is not None, clause.id


def test_spec_sentences_quote_the_schema_value_not_a_copy() -> None:
    the_contract = contract()
    pattern = the_contract.clause("response.inferenceProfileId.pattern")
    assert pattern.value in pattern.spec
    assert "200" in the_contract.clause("response.description.maxLength").spec


def test_every_deviation_names_a_clause_a_rule_and_evidence() -> None:
    the_contract = contract()
    assert set(the_contract.deviations) == {
        "response.description.pattern",
        "response.inferenceProfileName.pattern",
        "response.models.maxItems",
        "response.models.modelArn.pattern",
    }
    for deviation in the_contract.deviations.values():
        clause = the_contract.clause(deviation.clause)
        assert clause.keyword in deviation.rule
        assert deviation.evidence and all(e["source"] for e in deviation.evidence)


def test_every_deviation_cites_shipped_evidence_that_shows_its_value(
    published_records: list[dict], observations: list[dict]
) -> None:
    records = {r["id"]: r for r in published_records}
    observed = {o["id"]: o for o in observations}
    cited = 0
    for deviation in contract().deviations.values():
        for evidence in deviation.evidence:
            cited += 1
            if evidence["record"] in records:
                record = records[evidence["record"]]
                assert record["source"] == evidence["source"], evidence
                assert evidence["source"].startswith("https://"), evidence
                assert evidence["value"] in json.dumps(record["body"]), evidence
            else:
                assert evidence["record"] in observed, f"{deviation.clause}: {evidence['record']} is in no shipped file"
                observation = observed[evidence["record"]]
                assert observation["source"] == evidence["source"], evidence
                assert observation["value"] == evidence["value"], evidence
    assert cited >= len(contract().deviations) == 4


def test_the_six_models_and_the_region_less_arn_are_recorded_as_observations(observations: list[dict]) -> None:
    by_value = {o["value"]: o for o in observations}
    assert "six" in by_value["apac.amazon.nova-micro-v1:0: 6 models"]["fact"]
    region_less = by_value["arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0"]
    assert "empty region" in region_less["fact"]
    assert all(o["id"].startswith("obs-") and o["check"] for o in observations)


def test_errors_carry_status_and_fault_side() -> None:
    errors = contract().errors
    assert {e.fault for e in errors.values()} == {"client", "server"}
    assert len({e.status for e in errors.values()}) == len(errors) == 5


def test_a_bound_changed_in_the_schema_is_followed_everywhere(tmp_path: Path) -> None:
    for name in DOCUMENTS:
        (tmp_path / name).write_text((schemas_dir() / name).read_text())
    doc = json.loads((tmp_path / "response.json").read_text())
    doc["properties"]["inferenceProfileName"]["maxLength"] = 10
    (tmp_path / "response.json").write_text(json.dumps(doc))
    changed = load_contract(tmp_path)
    assert "10" in changed.clause("response.inferenceProfileName.maxLength").spec


def test_project_identifier_is_marked_as_not_on_the_page() -> None:
    schema = contract().schema("request.json", "/properties/projectIdentifier")
    assert schema["x-on-page"] is False


def _spec_literals() -> set[str]:
    """Member names, patterns, enum values and error names as written in schemas/."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    found.update(k for k in value if len(k) > 8)  # generic words (message, status) are also ours
                if key in ("pattern", "enum") and isinstance(value, (str, list)):
                    found.update([value] if isinstance(value, str) else value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for doc in contract().documents.values():
        walk(doc)
    found.update(contract().errors)
    return found


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_source_spells_no_member_name_pattern_enum_value_or_error_code(path: Path) -> None:
    literals = _spec_literals()
    spelled = {s for s in _string_constants(path) if s in literals}
    assert not spelled, f"{path.name} spells {sorted(spelled)}: read them from schemas/"


def test_roles_and_resource_types_point_at_real_members_and_enum_values() -> None:
    the_contract = contract()
    props = the_contract.documents["response.json"]["properties"]
    for role in the_contract.documents["response.json"]["x-roles"]:
        assert the_contract.role(role) in props
    types = the_contract.documents["behaviour.json"]["x-resource-types"]
    assert set(types) == set(props[the_contract.role("type")]["enum"])
    for resource_type in types.values():
        assert re.search(rf"[(|]{resource_type}[|)]", props[the_contract.role("arn")]["pattern"])


def test_expected_answers_name_modelled_errors() -> None:
    the_contract = contract()
    request = the_contract.documents["request.json"]
    assert request["x-invalid-answer"] in the_contract.errors
    assert set(request["x-valid-answers"]) <= set(the_contract.errors)
    expect = the_contract.documents["behaviour.json"]["x-clauses"]["unknownIdentifier"]["x-expect-error"]
    assert expect in the_contract.errors
